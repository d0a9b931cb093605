#include "ml/tfjs_to_onnx.h"

#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_map>

#include "ml/host_ops.h"

namespace camroll::ml {
namespace {

constexpr int kOpset = 13;

using Perm = std::vector<int>;

Perm IdentityPerm(size_t rank) {
  Perm p(rank);
  std::iota(p.begin(), p.end(), 0);
  return p;
}
const Perm kNchw = {0, 3, 1, 2};  // physical NCHW of a logical NHWC tensor

// Physical dim holding logical `axis`.
int PhysicalAxis(const Perm& perm, int64_t axis) {
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] == axis) return static_cast<int>(i);
  }
  return -1;
}

// A TF tensor as converted so far.
struct Value {
  std::string onnx;            // ONNX value name; empty when the value is only on the host
  std::vector<int64_t> shape;  // TF logical shape, static
  Perm perm;                   // physical dim i holds logical dim perm[i]
  DType dtype = DType::kFloat;
  std::optional<HostTensor> host;  // known at conversion time, in TF order
};

std::string TensorKey(const std::string& input) {
  auto colon = input.rfind(':');
  if (colon != std::string::npos && colon + 1 < input.size() &&
      std::all_of(input.begin() + colon + 1, input.end(), ::isdigit)) {
    return input;
  }
  return input + ":0";
}
std::string NodeOf(const std::string& key) { return key.substr(0, key.rfind(':')); }

int32_t OnnxType(DType d) {
  switch (d) {
    case DType::kFloat:
      return onnx::TensorProto::FLOAT;
    case DType::kInt:
      return onnx::TensorProto::INT64;
    case DType::kBool:
      return onnx::TensorProto::BOOL;
  }
  return onnx::TensorProto::FLOAT;
}

Result<DType> DTypeOfAttr(const TfNode& node, const std::string& key) {
  auto it = node.attr.find(key);
  std::string t = it != node.attr.end() ? it->value("type", "DT_FLOAT") : "DT_FLOAT";
  if (t == "DT_FLOAT" || t == "DT_HALF" || t == "DT_DOUBLE") return DType::kFloat;
  if (t == "DT_INT32" || t == "DT_INT64" || t == "DT_UINT8" || t == "DT_INT8") return DType::kInt;
  if (t == "DT_BOOL") return DType::kBool;
  return Fail(ErrorCode::kUnsupported, node.name + ": dtype " + t);
}

// A dim of a TensorShapeProto in JSON: {"size": "-1"}; protobuf's JSON omits a size of 0.
int64_t DimSize(const nlohmann::json& d) {
  if (!d.contains("size")) return 0;
  const auto& v = d["size"];
  return v.is_string() ? std::stoll(v.get<std::string>()) : v.get<int64_t>();
}

class Converter {
 public:
  Converter(const TfjsGraph& g, const ConvertOptions& options) : g_(g), options_(options) {
    for (const auto& n : g_.nodes) by_name_[n.name] = &n;
  }

  Result<OnnxModel> Run();

 private:
  // ---- graph building ----
  std::string Fresh(const std::string& base) {
    std::string name = base;
    while (!used_names_.insert(name).second) name = fmt::format("{}__{}", base, ++counter_);
    return name;
  }
  onnx::NodeProto* AddNode(const std::string& op, const std::vector<std::string>& inputs,
                           const std::vector<std::string>& outputs) {
    auto* n = graph_->add_node();
    n->set_op_type(op);
    n->set_name(outputs.empty() ? Fresh(op) : outputs[0]);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    ++stats_.onnx_nodes;
    if (op == "Transpose") ++stats_.transposes;
    return n;
  }
  static void SetInts(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  static void SetInt(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void SetFloat(onnx::NodeProto* n, const std::string& name, float v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void SetString(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }

  // Adds an initializer holding `t` (already laid out) and returns its name.
  std::string Initializer(const HostTensor& t, const std::string& base) {
    std::string name = Fresh(base);
    auto* init = graph_->add_initializer();
    init->set_name(name);
    init->set_data_type(OnnxType(t.dtype));
    for (int64_t d : t.shape) init->add_dims(d);
    if (t.dtype == DType::kFloat) {
      init->set_raw_data(std::string(reinterpret_cast<const char*>(t.f.data()), t.f.size() * 4));
    } else if (t.dtype == DType::kInt) {
      init->set_raw_data(std::string(reinterpret_cast<const char*>(t.i.data()), t.i.size() * 8));
    } else {
      std::string bytes;
      for (int64_t v : t.i) bytes += static_cast<char>(v != 0);
      init->set_raw_data(bytes);
    }
    return name;
  }
  std::string Ints(const std::vector<int64_t>& v, const std::string& base) {
    return Initializer(HostTensor::Ints({static_cast<int64_t>(v.size())}, v), base);
  }
  std::string Scalar(float v, const std::string& base) {
    return Initializer(HostTensor::Floats({}, {v}), base);
  }

  // The ONNX name of `v` in the physical layout `want`. Host values become initializers.
  Result<std::string> As(const Value& v, const Perm& want, const std::string& base) {
    if (v.perm.size() != want.size()) {
      return Fail(ErrorCode::kInternal, fmt::format("{}: layout of rank {} asked of rank {}", base,
                                                    want.size(), v.perm.size()));
    }
    if (v.onnx.empty()) {
      if (!v.host) return Fail(ErrorCode::kInternal, base + ": value with no name");
      HostTensor t = TransposeHost(*v.host, want);
      return Initializer(t, base + "/const");
    }
    if (v.perm == want) return v.onnx;
    std::string key = v.onnx + "|" + fmt::format("{}", fmt::join(want, ","));
    if (auto it = transposes_.find(key); it != transposes_.end()) return it->second;
    std::vector<int64_t> t(want.size());
    for (size_t i = 0; i < want.size(); ++i) t[i] = PhysicalAxis(v.perm, want[i]);
    std::string out = Fresh(v.onnx + "/transpose");
    auto* n = AddNode("Transpose", {v.onnx}, {out});
    SetInts(n, "perm", t);
    transposes_[key] = out;
    return out;
  }

  // A constant operand of an elementwise op whose other operand has logical rank `rank` and
  // layout `perm`: broadcast-aligned to that rank, then laid out the same way.
  std::string ConstLike(const HostTensor& c, size_t rank, const Perm& perm, DType dtype,
                        const std::string& base) {
    HostTensor t = c.dtype == dtype ? c : CastHost(c, dtype);
    if (t.shape.size() < rank) {
      std::vector<int64_t> s(rank - t.shape.size(), 1);
      s.insert(s.end(), t.shape.begin(), t.shape.end());
      t.shape = s;
    }
    if (t.shape.size() == perm.size()) t = TransposeHost(t, perm);
    return Initializer(t, base);
  }

  // ---- values ----
  Result<const Value*> In(const TfNode& node, size_t k) {
    if (k >= node.inputs.size()) {
      return Fail(ErrorCode::kInvalidInput, fmt::format("{}: missing input {}", node.name, k));
    }
    auto it = values_.find(TensorKey(node.inputs[k]));
    if (it == values_.end()) {
      return Fail(ErrorCode::kInternal, node.name + ": input not converted: " + node.inputs[k]);
    }
    return &it->second;
  }
  Result<HostTensor> HostIn(const TfNode& node, size_t k) {
    CAMROLL_ASSIGN_OR_RETURN(const Value* v, In(node, k));
    if (!v->host) {
      return Fail(ErrorCode::kUnsupported,
                  fmt::format("{} ({}): input {} must be a constant", node.name, node.op, k));
    }
    return *v->host;
  }
  Result<std::vector<int64_t>> HostInts(const TfNode& node, size_t k) {
    CAMROLL_ASSIGN_OR_RETURN(HostTensor t, HostIn(node, k));
    std::vector<int64_t> out;
    for (int64_t j = 0; j < t.size(); ++j) out.push_back(static_cast<int64_t>(t.At(j)));
    return out;
  }
  void SetOut(const TfNode& node, int k, Value v) {
    values_[fmt::format("{}:{}", node.name, k)] = std::move(v);
  }
  void SetHost(const TfNode& node, int k, HostTensor t) {
    Value v;
    v.shape = t.shape;
    v.perm = IdentityPerm(t.shape.size());
    v.dtype = t.dtype;
    v.host = std::move(t);
    SetOut(node, k, std::move(v));
  }
  std::string OutName(const TfNode& node, int k = 0) {
    return Fresh(k == 0 ? node.name : fmt::format("{}:{}", node.name, k));
  }

  // ---- the conversion ----
  Result<std::vector<const TfNode*>> Order(const std::vector<std::string>& outputs);
  Status Convert(const TfNode& node);
  Status Fold(const TfNode& node, bool& folded);
  Status ConvertPlaceholder(const TfNode& node);
  Status ConvertConst(const TfNode& node);
  Status ConvertConv(const TfNode& node);
  Status ConvertConvTranspose(const TfNode& node);
  Status ConvertPool(const TfNode& node);
  Status ConvertBinary(const TfNode& node, const std::string& onnx_op);
  Status ConvertUnary(const TfNode& node);
  Status ConvertReduce(const TfNode& node);
  Status ConvertMatMul(const TfNode& node);
  Status ConvertResize(const TfNode& node);
  Status ConvertPad(const TfNode& node);
  Status ConvertConcat(const TfNode& node);
  Status ConvertSplit(const TfNode& node);
  Status ConvertBatchNorm(const TfNode& node);
  // Applies an activation (Relu, Relu6, ...) to `x` in place; `alpha` feeds Prelu.
  Result<std::string> Activation(const TfNode& node, const std::string& kind, std::string x,
                                 const Value* alpha, const Perm& perm, size_t rank);

  const TfjsGraph& g_;
  const ConvertOptions& options_;
  std::unordered_map<std::string, const TfNode*> by_name_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, std::string> transposes_;
  std::set<std::string> used_names_;
  int counter_ = 0;
  onnx::ModelProto model_;
  onnx::GraphProto* graph_ = nullptr;
  ConvertStats stats_;
  std::vector<TensorInfo> inputs_;
};

Result<std::vector<const TfNode*>> Converter::Order(const std::vector<std::string>& outputs) {
  std::vector<const TfNode*> order;
  std::unordered_map<std::string, int> state;  // 1 visiting, 2 done
  std::vector<std::pair<const TfNode*, size_t>> stack;
  for (const auto& out : outputs) {
    std::string name = NodeOf(TensorKey(out));
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return Fail(ErrorCode::kInvalidInput, "no node named " + name);
    if (state[name] == 2) continue;
    stack.push_back({it->second, 0});
    state[name] = 1;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < node->inputs.size()) {
        std::string in = NodeOf(TensorKey(node->inputs[next++]));
        auto in_it = by_name_.find(in);
        if (in_it == by_name_.end()) {
          return Fail(ErrorCode::kInvalidInput, node->name + " reads unknown node " + in);
        }
        int s = state[in];
        if (s == 1) return Fail(ErrorCode::kUnsupported, "cycle through " + in);
        if (s == 0) {
          state[in] = 1;
          stack.push_back({in_it->second, 0});
        }
      } else {
        state[node->name] = 2;
        order.push_back(node);
        stack.pop_back();
      }
    }
  }
  return order;
}

Result<OnnxModel> Converter::Run() {
  model_.set_ir_version(7);
  model_.set_producer_name("camroll tfjs-to-onnx");
  model_.set_producer_version(options_.producer_version);
  auto* opset = model_.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  graph_ = model_.mutable_graph();
  graph_->set_name("converted");

  std::vector<std::string> outputs = options_.outputs;
  if (outputs.empty()) {
    for (const auto& o : g_.outputs) outputs.push_back(o.node);
  }
  if (outputs.empty()) return Fail(ErrorCode::kInvalidInput, "no outputs asked for");
  std::vector<std::string> output_names;
  for (const auto& out : outputs) {
    std::string key = TensorKey(out);
    output_names.push_back(key.ends_with(":0") ? NodeOf(key) : key);
    if (!used_names_.insert(output_names.back()).second) {
      return Fail(ErrorCode::kInvalidInput, "output asked for twice: " + out);
    }
  }
  CAMROLL_ASSIGN_OR_RETURN(auto order, Order(outputs));
  stats_.tf_nodes = static_cast<int>(order.size());
  for (const TfNode* node : order) {
    auto st = Convert(*node);
    if (!st) return std::unexpected(st.error().Context(node->name + " (" + node->op + ")"));
  }

  // Graph outputs, in TF order, named as asked (":0" dropped); the names were reserved up front
  // so that no internal value has one.
  OnnxModel result;
  for (size_t k = 0; k < outputs.size(); ++k) {
    const Value& v = values_.at(TensorKey(outputs[k]));
    const std::string& name = output_names[k];
    CAMROLL_ASSIGN_OR_RETURN(std::string phys, As(v, IdentityPerm(v.shape.size()), name));
    AddNode("Identity", {phys}, {name});
    auto* vi = graph_->add_output();
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(OnnxType(v.dtype));
    for (int64_t d : v.shape) tt->mutable_shape()->add_dim()->set_dim_value(d);
    result.outputs.push_back({name, v.shape, v.dtype});
  }
  result.inputs = inputs_;
  result.stats = stats_;
  if (!model_.SerializeToString(&result.bytes)) {
    return Fail(ErrorCode::kInternal, "serializing the ONNX model");
  }
  return result;
}

Status Converter::Convert(const TfNode& node) {
  const std::string& op = node.op;
  if (op == "Placeholder") return ConvertPlaceholder(node);
  if (op == "Const") return ConvertConst(node);
  bool folded = false;
  CAMROLL_RETURN_IF_ERROR(Fold(node, folded));
  if (folded) {
    ++stats_.folded;
    return Ok();
  }
  if (op == "Identity" || op == "StopGradient" || op == "Snapshot") {
    CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
    SetOut(node, 0, *x);
    return Ok();
  }
  if (op == "Conv2D" || op == "_FusedConv2D" || op == "DepthwiseConv2dNative" ||
      op == "FusedDepthwiseConv2dNative") {
    return ConvertConv(node);
  }
  if (op == "Conv2DBackpropInput") return ConvertConvTranspose(node);
  if (op == "MaxPool" || op == "AvgPool") return ConvertPool(node);
  static const std::map<std::string, std::string> kBinary = {
      {"Add", "Add"},
      {"AddV2", "Add"},
      {"BiasAdd", "Add"},
      {"Sub", "Sub"},
      {"Mul", "Mul"},
      {"RealDiv", "Div"},
      {"Div", "Div"},
      {"Maximum", "Max"},
      {"Minimum", "Min"},
      {"Pow", "Pow"},
      {"SquaredDifference", "SquaredDifference"},
      {"AddN", "Sum"},
      {"Prelu", "PRelu"}};
  if (auto it = kBinary.find(op); it != kBinary.end()) return ConvertBinary(node, it->second);
  if (op == "Relu" || op == "Relu6" || op == "Sigmoid" || op == "Tanh" || op == "Abs" ||
      op == "Neg" || op == "Exp" || op == "Log" || op == "Sqrt" || op == "Rsqrt" ||
      op == "Square" || op == "LeakyRelu" || op == "Elu" || op == "Reciprocal" ||
      op == "Softplus" || op == "Cast" || op == "Softmax") {
    return ConvertUnary(node);
  }
  if (op == "Mean" || op == "Sum" || op == "Max" || op == "Min" || op == "Prod") {
    return ConvertReduce(node);
  }
  if (op == "MatMul" || op == "_FusedMatMul") return ConvertMatMul(node);
  if (op == "ResizeBilinear" || op == "ResizeNearestNeighbor") return ConvertResize(node);
  if (op == "Pad" || op == "PadV2" || op == "MirrorPad") return ConvertPad(node);
  if (op == "ConcatV2" || op == "Concat") return ConvertConcat(node);
  if (op == "Split" || op == "SplitV") return ConvertSplit(node);
  if (op == "FusedBatchNorm" || op == "FusedBatchNormV3") return ConvertBatchNorm(node);
  if (op == "Transpose") {
    CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
    CAMROLL_ASSIGN_OR_RETURN(auto p, HostInts(node, 1));
    if (p.size() != x->shape.size()) return Fail(ErrorCode::kInvalidInput, "bad permutation");
    // Output logical dim k is input logical dim p[k]: only the bookkeeping changes.
    std::vector<int> inv(p.size());
    for (size_t k = 0; k < p.size(); ++k) inv[p[k]] = static_cast<int>(k);
    Value v = *x;
    for (size_t i = 0; i < v.perm.size(); ++i) v.perm[i] = inv[x->perm[i]];
    for (size_t k = 0; k < p.size(); ++k) v.shape[k] = x->shape[p[k]];
    ++stats_.tf_transposes;
    SetOut(node, 0, std::move(v));
    return Ok();
  }
  if (op == "Reshape") {
    CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
    CAMROLL_ASSIGN_OR_RETURN(auto shape, HostInts(node, 1));
    int64_t count = 1;
    for (int64_t d : x->shape) count *= d;
    CAMROLL_ASSIGN_OR_RETURN(auto resolved, ResolveReshape(count, shape));
    CAMROLL_ASSIGN_OR_RETURN(std::string in, As(*x, IdentityPerm(x->shape.size()), node.name));
    std::string out = OutName(node);
    AddNode("Reshape", {in, Ints(resolved, node.name + "/shape")}, {out});
    SetOut(node, 0, {out, resolved, IdentityPerm(resolved.size()), x->dtype, std::nullopt});
    return Ok();
  }
  if (op == "Squeeze") {
    CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
    std::vector<int64_t> axes = AttrInts(node, "squeeze_dims");
    if (axes.empty()) axes = AttrInts(node, "axis");
    size_t r = x->shape.size();
    std::vector<bool> drop(r, false);
    if (axes.empty()) {
      for (size_t i = 0; i < r; ++i) drop[i] = x->shape[i] == 1;
    } else {
      for (int64_t a : axes) drop[a < 0 ? a + r : a] = true;
    }
    std::vector<int64_t> phys_axes, shape;
    for (size_t i = 0; i < r; ++i) {
      if (drop[i]) {
        phys_axes.push_back(PhysicalAxis(x->perm, static_cast<int64_t>(i)));
      } else {
        shape.push_back(x->shape[i]);
      }
    }
    // Remaining logical dims renumbered; physical order kept.
    std::vector<int> remap(r, -1);
    for (size_t i = 0, k = 0; i < r; ++i) {
      if (!drop[i]) remap[i] = static_cast<int>(k++);
    }
    Perm perm;
    for (int p : x->perm) {
      if (!drop[p]) perm.push_back(remap[p]);
    }
    std::sort(phys_axes.begin(), phys_axes.end());
    std::string out = OutName(node);
    AddNode("Squeeze", {x->onnx, Ints(phys_axes, node.name + "/axes")}, {out});
    SetOut(node, 0, {out, shape, perm, x->dtype, std::nullopt});
    return Ok();
  }
  if (op == "ExpandDims") {
    CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
    CAMROLL_ASSIGN_OR_RETURN(auto axis, HostInts(node, 1));
    int64_t r = static_cast<int64_t>(x->shape.size());
    int64_t a = axis.at(0) < 0 ? axis[0] + r + 1 : axis[0];
    CAMROLL_ASSIGN_OR_RETURN(std::string in, As(*x, IdentityPerm(r), node.name));
    std::vector<int64_t> shape = x->shape;
    shape.insert(shape.begin() + a, 1);
    std::string out = OutName(node);
    AddNode("Unsqueeze", {in, Ints({a}, node.name + "/axes")}, {out});
    SetOut(node, 0, {out, shape, IdentityPerm(shape.size()), x->dtype, std::nullopt});
    return Ok();
  }
  return Fail(ErrorCode::kUnsupported, "no ONNX mapping for op " + op);
}

Status Converter::ConvertPlaceholder(const TfNode& node) {
  std::vector<int64_t> shape;
  auto it = node.attr.find("shape");
  if (it != node.attr.end() && it->contains("shape") && (*it)["shape"].contains("dim")) {
    for (const auto& d : (*it)["shape"]["dim"]) shape.push_back(DimSize(d));
  }
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) {
      if (i != 0) {
        return Fail(ErrorCode::kUnsupported,
                    "input " + node.name + " has a dynamic dim " + ShapeString(shape));
      }
      shape[i] = 1;  // batch pinned to 1
    }
  }
  CAMROLL_ASSIGN_OR_RETURN(DType dtype, DTypeOfAttr(node, "dtype"));
  std::string name = node.name;
  used_names_.insert(name);
  auto* vi = graph_->add_input();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(OnnxType(dtype));
  for (int64_t d : shape) tt->mutable_shape()->add_dim()->set_dim_value(d);
  inputs_.push_back({name, shape, dtype});
  SetOut(node, 0, {name, shape, IdentityPerm(shape.size()), dtype, std::nullopt});
  return Ok();
}

Status Converter::ConvertConst(const TfNode& node) {
  if (auto it = g_.weights.find(node.name); it != g_.weights.end()) {
    SetHost(node, 0, it->second);
    return Ok();
  }
  // A constant not in the weights: an empty tensor, or a value inlined in the attribute.
  auto v = node.attr.find("value");
  if (v != node.attr.end() && v->contains("tensor")) {
    const auto& t = (*v)["tensor"];
    std::vector<int64_t> shape;
    if (t.contains("tensorShape") && t["tensorShape"].contains("dim")) {
      for (const auto& d : t["tensorShape"]["dim"]) shape.push_back(DimSize(d));
    }
    CAMROLL_ASSIGN_OR_RETURN(DType dtype, DTypeOfAttr(node, "dtype"));
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    HostTensor h;
    h.dtype = dtype;
    h.shape = shape;
    if (count == 0) {
      SetHost(node, 0, std::move(h));
      return Ok();
    }
    const char* key = dtype == DType::kFloat ? "floatVal" : "intVal";
    if (t.contains(key) && t[key].size() >= 1) {
      for (int64_t k = 0; k < count; ++k) {
        const auto& e = t[key][std::min<size_t>(k, t[key].size() - 1)];
        double x = e.is_string() ? std::stod(e.get<std::string>()) : e.get<double>();
        if (dtype == DType::kFloat) {
          h.f.push_back(static_cast<float>(x));
        } else {
          h.i.push_back(static_cast<int64_t>(x));
        }
      }
      SetHost(node, 0, std::move(h));
      return Ok();
    }
  }
  return Fail(ErrorCode::kInvalidInput, "constant " + node.name + " has no value in the weights");
}

// Host evaluation of nodes whose inputs are all known.
Status Converter::Fold(const TfNode& node, bool& folded) {
  const std::string& op = node.op;
  folded = false;
  if (op == "Shape") {  // static shapes make Shape a constant even of runtime tensors
    CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
    SetHost(node, 0, HostTensor::Ints({static_cast<int64_t>(x->shape.size())}, x->shape));
    folded = true;
    return Ok();
  }
  for (size_t k = 0; k < node.inputs.size(); ++k) {
    CAMROLL_ASSIGN_OR_RETURN(const Value* v, In(node, k));
    if (!v->host) return Ok();
  }
  if (node.inputs.empty()) return Ok();
  std::vector<HostTensor> in;
  for (size_t k = 0; k < node.inputs.size(); ++k) in.push_back(*In(node, k).value()->host);

  using F2 = std::function<double(double, double)>;
  static const std::map<std::string, F2> kBinary = {
      {"Add", [](double a, double b) { return a + b; }},
      {"AddV2", [](double a, double b) { return a + b; }},
      {"BiasAdd", [](double a, double b) { return a + b; }},
      {"Sub", [](double a, double b) { return a - b; }},
      {"Mul", [](double a, double b) { return a * b; }},
      {"RealDiv", [](double a, double b) { return a / b; }},
      {"Maximum", [](double a, double b) { return std::max(a, b); }},
      {"Minimum", [](double a, double b) { return std::min(a, b); }},
      {"FloorDiv", [](double a, double b) { return std::floor(a / b); }},
      {"FloorMod", [](double a, double b) { return a - std::floor(a / b) * b; }},
      {"Equal", [](double a, double b) { return a == b ? 1.0 : 0.0; }},
      {"Less", [](double a, double b) { return a < b ? 1.0 : 0.0; }},
      {"Greater", [](double a, double b) { return a > b ? 1.0 : 0.0; }},
      {"Pow", [](double a, double b) { return std::pow(a, b); }},
  };
  HostTensor out;
  if (auto it = kBinary.find(op); it != kBinary.end()) {
    CAMROLL_ASSIGN_OR_RETURN(out, BinaryHost(in[0], in[1], it->second));
    if (op == "Equal" || op == "Less" || op == "Greater") out = CastHost(out, DType::kBool);
  } else if (op == "Identity" || op == "StopGradient") {
    out = in[0];
  } else if (op == "Neg") {
    out = UnaryHost(in[0], [](double a) { return -a; });
  } else if (op == "Sqrt") {
    out = UnaryHost(in[0], [](double a) { return std::sqrt(a); });
  } else if (op == "Rsqrt") {
    out = UnaryHost(in[0], [](double a) { return 1 / std::sqrt(a); });
  } else if (op == "Cast") {
    CAMROLL_ASSIGN_OR_RETURN(DType to, DTypeOfAttr(node, "DstT"));
    out = CastHost(in[0], to);
  } else if (op == "Reshape") {
    std::vector<int64_t> shape;
    for (int64_t k = 0; k < in[1].size(); ++k) shape.push_back(static_cast<int64_t>(in[1].At(k)));
    CAMROLL_ASSIGN_OR_RETURN(out, ReshapeHost(in[0], shape));
  } else if (op == "ConcatV2" || op == "Pack") {
    std::vector<const HostTensor*> parts;
    std::vector<HostTensor> expanded;
    int64_t axis;
    if (op == "ConcatV2") {
      for (size_t k = 0; k + 1 < in.size(); ++k) parts.push_back(&in[k]);
      axis = static_cast<int64_t>(in.back().At(0));
    } else {
      axis = AttrIntOr(node, "axis", 0);
      for (auto& t : in) {
        HostTensor e = t;
        int64_t a = axis < 0 ? axis + static_cast<int64_t>(t.shape.size()) + 1 : axis;
        e.shape.insert(e.shape.begin() + a, 1);
        expanded.push_back(std::move(e));
      }
      for (auto& e : expanded) parts.push_back(&e);
      if (axis < 0) axis += static_cast<int64_t>(in[0].shape.size()) + 1;
    }
    CAMROLL_ASSIGN_OR_RETURN(out, ConcatHost(parts, axis));
  } else if (op == "GatherV2") {
    int64_t axis = in.size() > 2 ? static_cast<int64_t>(in[2].At(0)) : 0;
    CAMROLL_ASSIGN_OR_RETURN(out, GatherHost(in[0], in[1], axis));
  } else if (op == "StridedSlice") {
    auto ints = [](const HostTensor& t) {
      std::vector<int64_t> v;
      for (int64_t k = 0; k < t.size(); ++k) v.push_back(static_cast<int64_t>(t.At(k)));
      return v;
    };
    if (AttrIntOr(node, "ellipsis_mask", 0) != 0 || AttrIntOr(node, "new_axis_mask", 0) != 0) {
      return Fail(ErrorCode::kUnsupported, "StridedSlice with ellipsis or new axis");
    }
    CAMROLL_ASSIGN_OR_RETURN(
        out, StridedSliceHost(in[0], ints(in[1]), ints(in[2]), ints(in[3]),
                              AttrIntOr(node, "begin_mask", 0), AttrIntOr(node, "end_mask", 0),
                              AttrIntOr(node, "shrink_axis_mask", 0)));
  } else if (op == "SparseToDense") {
    std::vector<int64_t> shape;
    for (int64_t k = 0; k < in[1].size(); ++k) shape.push_back(static_cast<int64_t>(in[1].At(k)));
    CAMROLL_ASSIGN_OR_RETURN(out, SparseToDenseHost(in[0], shape, in[2], in[3]));
  } else if (op == "Fill") {
    std::vector<int64_t> shape;
    for (int64_t k = 0; k < in[0].size(); ++k) shape.push_back(static_cast<int64_t>(in[0].At(k)));
    out = FillHost(shape, in[1]);
  } else if (op == "ExpandDims") {
    out = in[0];
    int64_t a = static_cast<int64_t>(in[1].At(0));
    if (a < 0) a += static_cast<int64_t>(out.shape.size()) + 1;
    out.shape.insert(out.shape.begin() + a, 1);
  } else if (op == "Squeeze") {
    out = in[0];
    std::vector<int64_t> axes = AttrInts(node, "squeeze_dims");
    std::vector<int64_t> shape;
    for (size_t k = 0; k < out.shape.size(); ++k) {
      bool drop = axes.empty() ? out.shape[k] == 1
                               : std::find_if(axes.begin(), axes.end(), [&](int64_t a) {
                                   return (a < 0 ? a + static_cast<int64_t>(out.shape.size())
                                                 : a) == static_cast<int64_t>(k);
                                 }) != axes.end();
      if (!drop) shape.push_back(out.shape[k]);
    }
    out.shape = shape;
  } else if (op == "Prod" || op == "Sum" || op == "Max" || op == "Min" || op == "Mean") {
    std::vector<int64_t> axes;
    for (int64_t k = 0; k < in[1].size(); ++k) axes.push_back(static_cast<int64_t>(in[1].At(k)));
    std::string kind = op == "Prod"  ? "prod"
                       : op == "Sum" ? "sum"
                       : op == "Max" ? "max"
                       : op == "Min" ? "min"
                                     : "mean";
    CAMROLL_ASSIGN_OR_RETURN(out,
                             ReduceHost(in[0], axes, AttrBoolOr(node, "keep_dims", false), kind));
  } else if (op == "Transpose") {
    std::vector<int> perm;
    for (int64_t k = 0; k < in[1].size(); ++k) perm.push_back(static_cast<int>(in[1].At(k)));
    out = TransposeHost(in[0], perm);
  } else if (op == "Range") {
    double start = in[0].At(0), limit = in[1].At(0), delta = in[2].At(0);
    std::vector<int64_t> v;
    for (double x = start; delta > 0 ? x < limit : x > limit; x += delta) {
      v.push_back(static_cast<int64_t>(x));
    }
    out = HostTensor::Ints({static_cast<int64_t>(v.size())}, v);
  } else {
    return Ok();  // not foldable: converted at run time
  }
  SetHost(node, 0, std::move(out));
  folded = true;
  return Ok();
}

Result<std::string> Converter::Activation(const TfNode& node, const std::string& kind,
                                          std::string x, const Value* alpha, const Perm& perm,
                                          size_t rank) {
  std::string base = node.name + "/" + kind;
  if (kind == "Relu") {
    std::string out = Fresh(base);
    AddNode("Relu", {x}, {out});
    return out;
  }
  if (kind == "Relu6") {
    std::string out = Fresh(base);
    AddNode("Clip", {x, Scalar(0, base + "/min"), Scalar(6, base + "/max")}, {out});
    return out;
  }
  if (kind == "Elu" || kind == "Sigmoid" || kind == "Tanh") {
    std::string out = Fresh(base);
    AddNode(kind, {x}, {out});
    return out;
  }
  if (kind == "LeakyRelu") {
    std::string out = Fresh(base);
    auto* n = AddNode("LeakyRelu", {x}, {out});
    // The standalone op calls its slope `alpha`; fused convolutions `leakyrelu_alpha`.
    double alpha_value = node.op == "LeakyRelu" ? AttrFloatOr(node, "alpha", 0.2)
                                                : AttrFloatOr(node, "leakyrelu_alpha", 0.2);
    SetFloat(n, "alpha", static_cast<float>(alpha_value));
    return out;
  }
  if (kind == "Prelu") {
    if (alpha == nullptr || !alpha->host) {
      return Fail(ErrorCode::kUnsupported, "Prelu with a non-constant slope");
    }
    std::string out = Fresh(base);
    AddNode("PRelu", {x, ConstLike(*alpha->host, rank, perm, DType::kFloat, base + "/slope")},
            {out});
    return out;
  }
  return Fail(ErrorCode::kUnsupported, "fused activation " + kind);
}

namespace {

struct Window {
  int64_t out = 0, pad_begin = 0, pad_end = 0;
};

// One spatial dim of a TF conv/pool window.
Result<Window> WindowDim(const std::string& padding, int64_t in, int64_t k, int64_t stride,
                         int64_t dilation, int64_t explicit_begin, int64_t explicit_end) {
  int64_t span = (k - 1) * dilation + 1;
  Window w;
  if (padding == "SAME") {
    w.out = (in + stride - 1) / stride;
    int64_t total = std::max<int64_t>((w.out - 1) * stride + span - in, 0);
    w.pad_begin = total / 2;  // TF puts the odd pixel at the end
    w.pad_end = total - w.pad_begin;
  } else if (padding == "VALID") {
    w.out = (in - span) / stride + 1;
  } else if (padding == "EXPLICIT") {
    w.pad_begin = explicit_begin;
    w.pad_end = explicit_end;
    w.out = (in + explicit_begin + explicit_end - span) / stride + 1;
  } else {
    return Fail(ErrorCode::kUnsupported, "padding " + padding);
  }
  if (w.out <= 0) return Fail(ErrorCode::kInvalidInput, "window larger than its input");
  return w;
}

}  // namespace

Status Converter::ConvertConv(const TfNode& node) {
  bool depthwise = node.op.find("Depthwise") != std::string::npos;
  CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
  CAMROLL_ASSIGN_OR_RETURN(HostTensor filter, HostIn(node, 1));
  if (AttrStringOr(node, "data_format", "NHWC") != "NHWC") {
    return Fail(ErrorCode::kUnsupported, "data_format other than NHWC");
  }
  if (x->shape.size() != 4 || filter.shape.size() != 4) {
    return Fail(ErrorCode::kInvalidInput, "convolution of rank other than 4");
  }
  auto strides = AttrInts(node, "strides");
  auto dilations = AttrInts(node, "dilations");
  if (strides.size() != 4) strides = {1, 1, 1, 1};
  if (dilations.size() != 4) dilations = {1, 1, 1, 1};
  std::string padding = AttrStringOr(node, "padding", "VALID");
  auto explicit_pads = AttrInts(node, "explicit_paddings");
  if (explicit_pads.size() != 8) explicit_pads.assign(8, 0);
  int64_t kh = filter.shape[0], kw = filter.shape[1];
  CAMROLL_ASSIGN_OR_RETURN(Window wy, WindowDim(padding, x->shape[1], kh, strides[1], dilations[1],
                                                explicit_pads[2], explicit_pads[3]));
  CAMROLL_ASSIGN_OR_RETURN(Window wx, WindowDim(padding, x->shape[2], kw, strides[2], dilations[2],
                                                explicit_pads[4], explicit_pads[5]));
  int64_t channels = x->shape[3];
  HostTensor w;
  int64_t group = 1, out_channels;
  if (depthwise) {
    // [kh, kw, C, M] -> [C*M, 1, kh, kw], one group per input channel.
    if (filter.shape[2] != channels) return Fail(ErrorCode::kInvalidInput, "depthwise channels");
    int64_t m = filter.shape[3];
    w = TransposeHost(filter, {2, 3, 0, 1});
    w.shape = {channels * m, 1, kh, kw};
    group = channels;
    out_channels = channels * m;
  } else {
    // [kh, kw, in, out] -> [out, in, kh, kw]
    if (filter.shape[2] != channels) {
      return Fail(
          ErrorCode::kInvalidInput,
          fmt::format("filter {} on input {}", ShapeString(filter.shape), ShapeString(x->shape)));
    }
    w = TransposeHost(filter, {3, 2, 0, 1});
    out_channels = filter.shape[3];
  }

  // Fused chain: BiasAdd (into the conv), then at most one activation.
  std::vector<std::string> fused;
  if (node.op == "_FusedConv2D" || node.op == "FusedDepthwiseConv2dNative") {
    CAMROLL_ASSIGN_OR_RETURN(fused, AttrStrings(node, "fused_ops"));
  }
  std::vector<std::string> conv_inputs;
  CAMROLL_ASSIGN_OR_RETURN(std::string in, As(*x, kNchw, node.name));
  conv_inputs.push_back(in);
  conv_inputs.push_back(Initializer(w, node.name + "/weights"));
  size_t arg = 2;
  const Value* prelu_alpha = nullptr;
  std::vector<std::string> activations;
  for (const auto& f : fused) {
    if (f == "BiasAdd") {
      CAMROLL_ASSIGN_OR_RETURN(HostTensor bias, HostIn(node, arg++));
      if (bias.size() != out_channels) return Fail(ErrorCode::kInvalidInput, "bias size");
      bias.shape = {out_channels};
      conv_inputs.push_back(Initializer(bias, node.name + "/bias"));
    } else if (f == "Prelu") {
      CAMROLL_ASSIGN_OR_RETURN(prelu_alpha, In(node, arg++));
      activations.push_back(f);
    } else if (f == "FusedBatchNorm") {
      return Fail(ErrorCode::kUnsupported, "convolution fused with FusedBatchNorm");
    } else {
      activations.push_back(f);
    }
  }
  std::string out = Fresh(activations.empty() ? node.name : node.name + "/conv");
  auto* n = AddNode("Conv", conv_inputs, {out});
  SetInts(n, "kernel_shape", {kh, kw});
  SetInts(n, "strides", {strides[1], strides[2]});
  SetInts(n, "dilations", {dilations[1], dilations[2]});
  SetInts(n, "pads", {wy.pad_begin, wx.pad_begin, wy.pad_end, wx.pad_end});
  SetInt(n, "group", group);
  for (const auto& a : activations) {
    CAMROLL_ASSIGN_OR_RETURN(out, Activation(node, a, out, prelu_alpha, kNchw, 4));
  }
  SetOut(node, 0,
         {out, {x->shape[0], wy.out, wx.out, out_channels}, kNchw, DType::kFloat, std::nullopt});
  return Ok();
}

Status Converter::ConvertConvTranspose(const TfNode& node) {
  // Inputs: output_sizes, filter [kh, kw, out, in], x.
  CAMROLL_ASSIGN_OR_RETURN(auto out_size, HostInts(node, 0));
  CAMROLL_ASSIGN_OR_RETURN(HostTensor filter, HostIn(node, 1));
  CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 2));
  if (out_size.size() != 4 || filter.shape.size() != 4 || x->shape.size() != 4) {
    return Fail(ErrorCode::kInvalidInput, "transposed convolution of rank other than 4");
  }
  auto strides = AttrInts(node, "strides");
  if (strides.size() != 4) strides = {1, 1, 1, 1};
  std::string padding = AttrStringOr(node, "padding", "VALID");
  int64_t kh = filter.shape[0], kw = filter.shape[1];
  std::vector<int64_t> pads(4), output_padding(2);
  for (int d = 0; d < 2; ++d) {
    int64_t k = d == 0 ? kh : kw, s = strides[1 + d], in = x->shape[1 + d], o = out_size[1 + d];
    // The forward convolution of an `o`-sized input must give `in`: its pads are ours.
    int64_t total = padding == "SAME" ? std::max<int64_t>((in - 1) * s + k - o, 0) : 0;
    pads[d] = total / 2;
    pads[d + 2] = total - pads[d];
    output_padding[d] = o - ((in - 1) * s + k - total);
    if (output_padding[d] < 0 || output_padding[d] >= s) {
      return Fail(ErrorCode::kInvalidInput, "transposed convolution output size");
    }
  }
  HostTensor w = TransposeHost(filter, {3, 2, 0, 1});  // [in, out, kh, kw]
  CAMROLL_ASSIGN_OR_RETURN(std::string in, As(*x, kNchw, node.name));
  std::string out = OutName(node);
  auto* n = AddNode("ConvTranspose", {in, Initializer(w, node.name + "/weights")}, {out});
  SetInts(n, "kernel_shape", {kh, kw});
  SetInts(n, "strides", {strides[1], strides[2]});
  SetInts(n, "pads", pads);
  if (output_padding[0] != 0 || output_padding[1] != 0)
    SetInts(n, "output_padding", output_padding);
  SetOut(node, 0,
         {out,
          {x->shape[0], out_size[1], out_size[2], filter.shape[2]},
          kNchw,
          DType::kFloat,
          std::nullopt});
  return Ok();
}

Status Converter::ConvertPool(const TfNode& node) {
  CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
  if (x->shape.size() != 4) return Fail(ErrorCode::kInvalidInput, "pool of rank other than 4");
  auto k = AttrInts(node, "ksize");
  auto strides = AttrInts(node, "strides");
  if (k.size() != 4 || strides.size() != 4 || k[0] != 1 || k[3] != 1) {
    return Fail(ErrorCode::kUnsupported, "pool window other than spatial");
  }
  std::string padding = AttrStringOr(node, "padding", "VALID");
  CAMROLL_ASSIGN_OR_RETURN(Window wy, WindowDim(padding, x->shape[1], k[1], strides[1], 1, 0, 0));
  CAMROLL_ASSIGN_OR_RETURN(Window wx, WindowDim(padding, x->shape[2], k[2], strides[2], 1, 0, 0));
  CAMROLL_ASSIGN_OR_RETURN(std::string in, As(*x, kNchw, node.name));
  std::string out = OutName(node);
  auto* n = AddNode(node.op == "MaxPool" ? "MaxPool" : "AveragePool", {in}, {out});
  SetInts(n, "kernel_shape", {k[1], k[2]});
  SetInts(n, "strides", {strides[1], strides[2]});
  SetInts(n, "pads", {wy.pad_begin, wx.pad_begin, wy.pad_end, wx.pad_end});
  if (node.op == "AvgPool") SetInt(n, "count_include_pad", 0);  // TF averages real pixels only
  SetOut(node, 0, {out, {x->shape[0], wy.out, wx.out, x->shape[3]}, kNchw, x->dtype, std::nullopt});
  return Ok();
}

Status Converter::ConvertBinary(const TfNode& node, const std::string& onnx_op) {
  std::vector<const Value*> in;
  for (size_t k = 0; k < node.inputs.size(); ++k) {
    CAMROLL_ASSIGN_OR_RETURN(const Value* v, In(node, k));
    in.push_back(v);
  }
  // The output shape, and the layout of the highest-rank runtime operand.
  std::vector<int64_t> shape = in[0]->shape;
  for (size_t k = 1; k < in.size(); ++k) {
    CAMROLL_ASSIGN_OR_RETURN(shape, BroadcastShapes(shape, in[k]->shape));
  }
  const Value* lead = nullptr;
  for (const Value* v : in) {
    if (v->host) continue;
    if (lead == nullptr || v->shape.size() > lead->shape.size()) lead = v;
  }
  if (lead == nullptr) return Fail(ErrorCode::kInternal, "binary op with no runtime operand");
  Perm perm = lead->shape.size() == shape.size() ? lead->perm : IdentityPerm(shape.size());
  // Runtime operands of a lower rank than the output broadcast in TF order only.
  for (const Value* v : in) {
    if (!v->host && v->shape.size() != shape.size() && v->shape.size() > 0) {
      perm = IdentityPerm(shape.size());
    }
  }
  std::vector<std::string> names;
  for (size_t k = 0; k < in.size(); ++k) {
    const Value* v = in[k];
    if (v->host) {
      names.push_back(ConstLike(*v->host, shape.size(), perm, lead->dtype,
                                fmt::format("{}/operand{}", node.name, k)));
    } else if (v->shape.size() == shape.size()) {
      CAMROLL_ASSIGN_OR_RETURN(std::string s, As(*v, perm, node.name));
      names.push_back(s);
    } else {
      // Lower rank (scalars included): TF order, right-aligned broadcasting as in ONNX.
      CAMROLL_ASSIGN_OR_RETURN(std::string s, As(*v, IdentityPerm(v->shape.size()), node.name));
      names.push_back(s);
    }
  }
  std::string out = OutName(node);
  if (onnx_op == "SquaredDifference") {
    std::string diff = Fresh(node.name + "/diff");
    AddNode("Sub", {names[0], names[1]}, {diff});
    AddNode("Mul", {diff, diff}, {out});
  } else if (onnx_op == "PRelu") {
    AddNode("PRelu", names, {out});
  } else if (onnx_op == "Sum" && names.size() == 1) {
    AddNode("Identity", names, {out});
  } else {
    AddNode(onnx_op, names, {out});
  }
  SetOut(node, 0, {out, shape, perm, lead->dtype, std::nullopt});
  return Ok();
}

Status Converter::ConvertUnary(const TfNode& node) {
  CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
  const std::string& op = node.op;
  std::string out = OutName(node);
  DType dtype = x->dtype;
  if (op == "Relu" || op == "Relu6" || op == "LeakyRelu" || op == "Elu" || op == "Sigmoid" ||
      op == "Tanh") {
    CAMROLL_ASSIGN_OR_RETURN(std::string a,
                             Activation(node, op, x->onnx, nullptr, x->perm, x->shape.size()));
    AddNode("Identity", {a}, {out});
  } else if (op == "Abs" || op == "Neg" || op == "Exp" || op == "Log" || op == "Sqrt" ||
             op == "Reciprocal" || op == "Softplus") {
    AddNode(op, {x->onnx}, {out});
  } else if (op == "Rsqrt") {
    std::string root = Fresh(node.name + "/sqrt");
    AddNode("Sqrt", {x->onnx}, {root});
    AddNode("Reciprocal", {root}, {out});
  } else if (op == "Square") {
    AddNode("Mul", {x->onnx, x->onnx}, {out});
  } else if (op == "Cast") {
    CAMROLL_ASSIGN_OR_RETURN(dtype, DTypeOfAttr(node, "DstT"));
    auto* n = AddNode("Cast", {x->onnx}, {out});
    SetInt(n, "to", OnnxType(dtype));
  } else if (op == "Softmax") {
    int axis = PhysicalAxis(x->perm, static_cast<int64_t>(x->shape.size()) - 1);
    auto* n = AddNode("Softmax", {x->onnx}, {out});
    SetInt(n, "axis", axis);
  }
  SetOut(node, 0, {out, x->shape, x->perm, dtype, std::nullopt});
  return Ok();
}

Status Converter::ConvertReduce(const TfNode& node) {
  CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
  CAMROLL_ASSIGN_OR_RETURN(auto axes, HostInts(node, 1));
  bool keep = AttrBoolOr(node, "keep_dims", false);
  size_t r = x->shape.size();
  std::vector<bool> reduce(r, false);
  for (int64_t a : axes) reduce[a < 0 ? a + static_cast<int64_t>(r) : a] = true;
  std::vector<int64_t> phys_axes, shape;
  for (size_t i = 0; i < r; ++i) {
    if (reduce[i]) {
      phys_axes.push_back(PhysicalAxis(x->perm, static_cast<int64_t>(i)));
      if (keep) shape.push_back(1);
    } else {
      shape.push_back(x->shape[i]);
    }
  }
  std::sort(phys_axes.begin(), phys_axes.end());
  Perm perm = x->perm;
  if (!keep) {
    std::vector<int> remap(r, -1);
    for (size_t i = 0, k = 0; i < r; ++i) {
      if (!reduce[i]) remap[i] = static_cast<int>(k++);
    }
    perm.clear();
    for (int p : x->perm) {
      if (!reduce[p]) perm.push_back(remap[p]);
    }
  }
  static const std::map<std::string, std::string> kOps = {{"Mean", "ReduceMean"},
                                                          {"Sum", "ReduceSum"},
                                                          {"Max", "ReduceMax"},
                                                          {"Min", "ReduceMin"},
                                                          {"Prod", "ReduceProd"}};
  std::string out = OutName(node);
  onnx::NodeProto* n;
  if (node.op == "Sum") {  // ReduceSum takes its axes as an input from opset 13
    n = AddNode("ReduceSum", {x->onnx, Ints(phys_axes, node.name + "/axes")}, {out});
  } else {
    n = AddNode(kOps.at(node.op), {x->onnx}, {out});
    SetInts(n, "axes", phys_axes);
  }
  SetInt(n, "keepdims", keep ? 1 : 0);
  SetOut(node, 0, {out, shape, perm, x->dtype, std::nullopt});
  return Ok();
}

Status Converter::ConvertMatMul(const TfNode& node) {
  CAMROLL_ASSIGN_OR_RETURN(const Value* a, In(node, 0));
  CAMROLL_ASSIGN_OR_RETURN(const Value* b, In(node, 1));
  if (a->shape.size() != 2 || b->shape.size() != 2) {
    return Fail(ErrorCode::kUnsupported, "MatMul of rank other than 2");
  }
  bool ta = AttrBoolOr(node, "transpose_a", false), tb = AttrBoolOr(node, "transpose_b", false);
  CAMROLL_ASSIGN_OR_RETURN(std::string an, As(*a, {0, 1}, node.name));
  CAMROLL_ASSIGN_OR_RETURN(std::string bn, As(*b, {0, 1}, node.name));
  int64_t m = ta ? a->shape[1] : a->shape[0];
  int64_t n_out = tb ? b->shape[0] : b->shape[1];
  std::vector<std::string> fused;
  if (node.op == "_FusedMatMul") {
    CAMROLL_ASSIGN_OR_RETURN(fused, AttrStrings(node, "fused_ops"));
  }
  std::vector<std::string> inputs = {an, bn};
  std::vector<std::string> activations;
  size_t arg = 2;
  const Value* prelu_alpha = nullptr;
  for (const auto& f : fused) {
    if (f == "BiasAdd") {
      CAMROLL_ASSIGN_OR_RETURN(HostTensor bias, HostIn(node, arg++));
      inputs.push_back(Initializer(bias, node.name + "/bias"));
    } else if (f == "Prelu") {
      CAMROLL_ASSIGN_OR_RETURN(prelu_alpha, In(node, arg++));
      activations.push_back(f);
    } else {
      activations.push_back(f);
    }
  }
  std::string out = Fresh(activations.empty() ? node.name : node.name + "/gemm");
  auto* n = AddNode("Gemm", inputs, {out});
  if (ta) SetInt(n, "transA", 1);
  if (tb) SetInt(n, "transB", 1);
  for (const auto& act : activations) {
    CAMROLL_ASSIGN_OR_RETURN(out, Activation(node, act, out, prelu_alpha, {0, 1}, 2));
  }
  SetOut(node, 0, {out, {m, n_out}, {0, 1}, DType::kFloat, std::nullopt});
  return Ok();
}

Status Converter::ConvertResize(const TfNode& node) {
  CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
  CAMROLL_ASSIGN_OR_RETURN(auto size, HostInts(node, 1));
  if (x->shape.size() != 4 || size.size() != 2) {
    return Fail(ErrorCode::kInvalidInput, "resize of rank other than 4");
  }
  bool align = AttrBoolOr(node, "align_corners", false);
  bool half = AttrBoolOr(node, "half_pixel_centers", false);
  bool bilinear = node.op == "ResizeBilinear";
  CAMROLL_ASSIGN_OR_RETURN(std::string in, As(*x, kNchw, node.name));
  std::string out = OutName(node);
  auto* n = AddNode(
      "Resize",
      {in, "", "", Ints({x->shape[0], x->shape[3], size[0], size[1]}, node.name + "/sizes")},
      {out});
  SetString(n, "mode", bilinear ? "linear" : "nearest");
  std::string ct = align  ? "align_corners"
                   : half ? (bilinear ? "half_pixel" : "tf_half_pixel_for_nn")
                          : "asymmetric";
  SetString(n, "coordinate_transformation_mode", ct);
  if (!bilinear) SetString(n, "nearest_mode", align ? "round_prefer_ceil" : "floor");
  SetOut(node, 0,
         {out, {x->shape[0], size[0], size[1], x->shape[3]}, kNchw, x->dtype, std::nullopt});
  return Ok();
}

Status Converter::ConvertPad(const TfNode& node) {
  CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
  CAMROLL_ASSIGN_OR_RETURN(auto pads, HostInts(node, 1));
  size_t r = x->shape.size();
  if (pads.size() != 2 * r) return Fail(ErrorCode::kInvalidInput, "paddings of the wrong size");
  std::vector<int64_t> onnx_pads(2 * r);
  std::vector<int64_t> shape = x->shape;
  for (size_t i = 0; i < r; ++i) {
    int logical = x->perm[i];
    onnx_pads[i] = pads[2 * logical];
    onnx_pads[i + r] = pads[2 * logical + 1];
  }
  for (size_t i = 0; i < r; ++i) shape[i] += pads[2 * i] + pads[2 * i + 1];
  std::vector<std::string> inputs = {x->onnx, Ints(onnx_pads, node.name + "/pads")};
  std::string mode = "constant";
  if (node.op == "PadV2") {
    CAMROLL_ASSIGN_OR_RETURN(HostTensor c, HostIn(node, 2));
    inputs.push_back(Scalar(static_cast<float>(c.At(0)), node.name + "/value"));
  } else if (node.op == "MirrorPad") {
    std::string m = AttrStringOr(node, "mode", "REFLECT");
    if (m != "REFLECT") return Fail(ErrorCode::kUnsupported, "MirrorPad mode " + m);
    mode = "reflect";
  }
  std::string out = OutName(node);
  auto* n = AddNode("Pad", inputs, {out});
  SetString(n, "mode", mode);
  SetOut(node, 0, {out, shape, x->perm, x->dtype, std::nullopt});
  return Ok();
}

Status Converter::ConvertConcat(const TfNode& node) {
  // ConcatV2: values..., axis. (Concat: axis, values...)
  bool v2 = node.op == "ConcatV2";
  size_t first = v2 ? 0 : 1, last = v2 ? node.inputs.size() - 1 : node.inputs.size();
  CAMROLL_ASSIGN_OR_RETURN(auto axis_v, HostInts(node, v2 ? node.inputs.size() - 1 : 0));
  std::vector<const Value*> parts;
  for (size_t k = first; k < last; ++k) {
    CAMROLL_ASSIGN_OR_RETURN(const Value* v, In(node, k));
    parts.push_back(v);
  }
  const Value* lead = nullptr;
  for (const Value* v : parts) {
    if (!v->host) {
      lead = v;
      break;
    }
  }
  if (lead == nullptr) return Fail(ErrorCode::kInternal, "concat of constants not folded");
  size_t r = lead->shape.size();
  int64_t axis = axis_v.at(0) < 0 ? axis_v[0] + static_cast<int64_t>(r) : axis_v[0];
  std::vector<std::string> names;
  std::vector<int64_t> shape = lead->shape;
  shape[axis] = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    CAMROLL_ASSIGN_OR_RETURN(std::string s, As(*parts[k], lead->perm, node.name));
    names.push_back(s);
    shape[axis] += parts[k]->shape[axis];
  }
  std::string out = OutName(node);
  auto* n = AddNode("Concat", names, {out});
  SetInt(n, "axis", PhysicalAxis(lead->perm, axis));
  SetOut(node, 0, {out, shape, lead->perm, lead->dtype, std::nullopt});
  return Ok();
}

Status Converter::ConvertSplit(const TfNode& node) {
  bool v = node.op == "SplitV";
  CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, v ? 0 : 1));
  CAMROLL_ASSIGN_OR_RETURN(auto axis_v, HostInts(node, v ? 2 : 0));
  size_t r = x->shape.size();
  int64_t axis = axis_v.at(0) < 0 ? axis_v[0] + static_cast<int64_t>(r) : axis_v[0];
  int64_t num = AttrIntOr(node, "num_split", 1);
  std::vector<int64_t> sizes;
  if (v) {
    CAMROLL_ASSIGN_OR_RETURN(sizes, HostInts(node, 1));
    int64_t known = 0, unknown = -1;
    for (size_t k = 0; k < sizes.size(); ++k) {
      if (sizes[k] < 0) {
        unknown = static_cast<int64_t>(k);
      } else {
        known += sizes[k];
      }
    }
    if (unknown >= 0) sizes[unknown] = x->shape[axis] - known;
  } else {
    sizes.assign(num, x->shape[axis] / num);
  }
  std::vector<std::string> outs;
  for (size_t k = 0; k < sizes.size(); ++k) outs.push_back(OutName(node, static_cast<int>(k)));
  auto* n = AddNode("Split", {x->onnx, Ints(sizes, node.name + "/split")}, outs);
  SetInt(n, "axis", PhysicalAxis(x->perm, axis));
  for (size_t k = 0; k < sizes.size(); ++k) {
    std::vector<int64_t> shape = x->shape;
    shape[axis] = sizes[k];
    SetOut(node, static_cast<int>(k), {outs[k], shape, x->perm, x->dtype, std::nullopt});
  }
  return Ok();
}

Status Converter::ConvertBatchNorm(const TfNode& node) {
  CAMROLL_ASSIGN_OR_RETURN(const Value* x, In(node, 0));
  CAMROLL_ASSIGN_OR_RETURN(HostTensor scale, HostIn(node, 1));
  CAMROLL_ASSIGN_OR_RETURN(HostTensor offset, HostIn(node, 2));
  CAMROLL_ASSIGN_OR_RETURN(HostTensor mean, HostIn(node, 3));
  CAMROLL_ASSIGN_OR_RETURN(HostTensor var, HostIn(node, 4));
  double eps = AttrFloatOr(node, "epsilon", 1e-3);
  // y = x * s + b with s = scale / sqrt(var + eps), b = offset - mean * s (inference mode).
  HostTensor s = scale, b = offset;
  for (int64_t k = 0; k < s.size(); ++k) {
    s.f[k] = static_cast<float>(scale.f[k] / std::sqrt(static_cast<double>(var.f[k]) + eps));
    b.f[k] = offset.f[k] - mean.f[k] * s.f[k];
  }
  size_t r = x->shape.size();
  std::string mul = Fresh(node.name + "/scale");
  AddNode("Mul", {x->onnx, ConstLike(s, r, x->perm, DType::kFloat, node.name + "/s")}, {mul});
  std::string out = OutName(node);
  AddNode("Add", {mul, ConstLike(b, r, x->perm, DType::kFloat, node.name + "/b")}, {out});
  SetOut(node, 0, {out, x->shape, x->perm, DType::kFloat, std::nullopt});
  return Ok();
}

}  // namespace

Result<OnnxModel> ConvertToOnnx(const TfjsGraph& graph, const ConvertOptions& options) {
  Converter c(graph, options);
  return c.Run();
}

Status CheckOnnxModel(const std::string& bytes) {
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) {
    return Fail(ErrorCode::kInvalidInput, "not a serialized ONNX model");
  }
  try {
    onnx::checker::check_model(model);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       {/*check_type=*/true, /*error_mode=*/1});
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInvalidInput, std::string("ONNX checker: ") + e.what());
  }
  return Ok();
}

}  // namespace camroll::ml
