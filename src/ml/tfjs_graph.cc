#include "ml/tfjs_graph.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "core/base64.h"
#include "core/files.h"

namespace camroll::ml {

std::string ShapeString(const std::vector<int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ","));
}

float HalfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mant & 0x3ff) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | mant << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | mant << 13;
  }
  return std::bit_cast<float>(bits);
}

const TfNode* TfjsGraph::Find(const std::string& name) const {
  for (const auto& n : nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

namespace {

// The largest model file or weight shard we read (the largest shipped shard is 14 MB).
constexpr uint64_t kMaxModelFileBytes = uint64_t{512} << 20;

int64_t JsonInt(const nlohmann::json& v) {
  if (v.is_string()) return std::stoll(v.get<std::string>());
  if (v.is_number()) return v.get<int64_t>();
  return 0;
}

std::vector<int64_t> ShapeFromJson(const nlohmann::json& shape) {
  std::vector<int64_t> dims;
  if (!shape.is_object() || !shape.contains("dim")) return dims;
  for (const auto& d : shape["dim"]) {
    dims.push_back(d.contains("size") ? JsonInt(d["size"]) : 0);  // protobuf JSON omits 0
  }
  return dims;
}

struct StoredType {
  DType dtype;
  int bytes;  // per stored element
  enum Kind { kF32, kI32, kBool, kF16, kU8, kU16 } kind;
};

Result<StoredType> StoredTypeOf(const nlohmann::json& w) {
  std::string dtype = w.value("dtype", "float32");
  if (w.contains("quantization") && w["quantization"].is_object()) {
    std::string q = w["quantization"].value("dtype", "");
    DType target = dtype == "int32" ? DType::kInt : DType::kFloat;
    if (q == "float16") return StoredType{DType::kFloat, 2, StoredType::kF16};
    if (q == "uint8") return StoredType{target, 1, StoredType::kU8};
    if (q == "uint16") return StoredType{target, 2, StoredType::kU16};
    return Fail(ErrorCode::kUnsupported, "weight quantization '" + q + "'");
  }
  if (dtype == "float32") return StoredType{DType::kFloat, 4, StoredType::kF32};
  if (dtype == "int32") return StoredType{DType::kInt, 4, StoredType::kI32};
  if (dtype == "bool") return StoredType{DType::kBool, 1, StoredType::kBool};
  return Fail(ErrorCode::kUnsupported, "weight dtype '" + dtype + "'");
}

}  // namespace

Result<std::vector<std::string>> ShardPaths(const nlohmann::json& model) {
  std::vector<std::string> paths;
  if (!model.contains("weightsManifest") || !model["weightsManifest"].is_array()) {
    return Fail(ErrorCode::kInvalidInput, "model.json has no weightsManifest");
  }
  for (const auto& group : model["weightsManifest"]) {
    for (const auto& p : group.value("paths", nlohmann::json::array())) {
      paths.push_back(p.get<std::string>());
    }
  }
  return paths;
}

Result<TfjsGraph> ParseTfjsGraph(const nlohmann::json& model, std::span<const uint8_t> shards) {
  try {
    if (model.value("format", "graph-model") != "graph-model") {
      return Fail(ErrorCode::kUnsupported,
                  "not a tfjs graph model (format '" + model.value("format", "") + "')");
    }
    const auto& topology = model.at("modelTopology");
    if (!topology.contains("node")) {
      return Fail(ErrorCode::kUnsupported, "modelTopology has no nodes (a layers model?)");
    }
    TfjsGraph g;
    g.converted_by = model.value("convertedBy", "");
    for (const auto& n : topology["node"]) {
      TfNode node;
      node.name = n.at("name").get<std::string>();
      node.op = n.at("op").get<std::string>();
      for (const auto& in : n.value("input", nlohmann::json::array())) {
        std::string s = in.get<std::string>();
        if (!s.empty() && s[0] != '^') node.inputs.push_back(std::move(s));
      }
      node.attr = n.value("attr", nlohmann::json::object());
      g.nodes.push_back(std::move(node));
    }

    // Weights: all shards concatenated, sliced in manifest order.
    size_t offset = 0;
    for (const auto& group : model.at("weightsManifest")) {
      for (const auto& w : group.at("weights")) {
        std::string name = w.at("name").get<std::string>();
        std::vector<int64_t> shape;
        for (const auto& d : w.at("shape")) shape.push_back(d.get<int64_t>());
        CAMROLL_ASSIGN_OR_RETURN(StoredType st, StoredTypeOf(w));
        int64_t count = 1;
        for (int64_t d : shape) count *= d;
        size_t bytes = static_cast<size_t>(count) * st.bytes;
        if (offset + bytes > shards.size()) {
          return Fail(ErrorCode::kInvalidInput,
                      fmt::format("weights end early: '{}' needs bytes {}..{} of {}", name, offset,
                                  offset + bytes, shards.size()));
        }
        const uint8_t* p = shards.data() + offset;
        offset += bytes;
        HostTensor t;
        t.dtype = st.dtype;
        t.shape = shape;
        double scale = 1, min = 0;
        if (w.contains("quantization") && w["quantization"].is_object()) {
          scale = w["quantization"].value("scale", 1.0);
          min = w["quantization"].value("min", 0.0);
        }
        auto put = [&](double v) {
          if (t.dtype == DType::kFloat) {
            t.f.push_back(static_cast<float>(v));
          } else {
            t.i.push_back(static_cast<int64_t>(std::llround(v)));
          }
        };
        for (int64_t k = 0; k < count; ++k) {
          switch (st.kind) {
            case StoredType::kF32: {
              float v;
              std::memcpy(&v, p + 4 * k, 4);
              t.f.push_back(v);
              break;
            }
            case StoredType::kI32: {
              int32_t v;
              std::memcpy(&v, p + 4 * k, 4);
              t.i.push_back(v);
              break;
            }
            case StoredType::kBool:
              t.i.push_back(p[k] != 0);
              break;
            case StoredType::kF16: {
              uint16_t v;
              std::memcpy(&v, p + 2 * k, 2);
              t.f.push_back(HalfToFloat(v));
              break;
            }
            case StoredType::kU8:
              // Computed in float32, as tfjs does, so that the values match its own bit for bit.
              put(static_cast<float>(p[k]) * static_cast<float>(scale) + static_cast<float>(min));
              break;
            case StoredType::kU16: {
              uint16_t v;
              std::memcpy(&v, p + 2 * k, 2);
              put(static_cast<float>(v) * static_cast<float>(scale) + static_cast<float>(min));
              break;
            }
          }
        }
        g.weights[name] = std::move(t);
      }
    }
    if (offset != shards.size()) {
      return Fail(ErrorCode::kInvalidInput,
                  fmt::format("weights manifest covers {} bytes but the shards hold {}", offset,
                              shards.size()));
    }

    // Signature (tfjs-converter 2+ puts it at the top level; 1.x under userDefinedMetadata).
    const nlohmann::json* sig = nullptr;
    if (model.contains("signature")) {
      sig = &model["signature"];
    } else if (model.contains("userDefinedMetadata") &&
               model["userDefinedMetadata"].contains("signature")) {
      sig = &model["userDefinedMetadata"]["signature"];
    }
    if (sig != nullptr) {
      for (const char* part : {"inputs", "outputs"}) {
        if (!sig->contains(part)) continue;
        auto& list = std::string_view(part) == "inputs" ? g.inputs : g.outputs;
        for (const auto& [key, v] : (*sig)[part].items()) {
          TfSignatureEntry e;
          e.key = key;
          e.node = v.value("name", key);
          if (v.contains("tensorShape")) e.shape = ShapeFromJson(v["tensorShape"]);
          list.push_back(std::move(e));
        }
      }
    }
    return g;
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kInvalidInput, std::string("model.json: ") + e.what());
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInvalidInput, std::string("model.json: ") + e.what());
  }
}

Result<TfjsGraph> LoadTfjsGraph(const std::filesystem::path& model_json) {
  CAMROLL_ASSIGN_OR_RETURN(auto text, ReadFile(model_json, kMaxModelFileBytes));
  nlohmann::json model = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (model.is_discarded()) {
    return Fail(ErrorCode::kInvalidInput, model_json.string() + ": not JSON");
  }
  CAMROLL_ASSIGN_OR_RETURN(auto paths, ShardPaths(model));
  std::vector<uint8_t> shards;
  for (const auto& p : paths) {
    CAMROLL_ASSIGN_OR_RETURN(auto bytes,
                             ReadFile(model_json.parent_path() / p, kMaxModelFileBytes));
    shards.insert(shards.end(), bytes.begin(), bytes.end());
  }
  auto g = ParseTfjsGraph(model, shards);
  if (!g) return std::unexpected(g.error().Context(model_json.filename().string()));
  return g;
}

// ---- attributes ----

namespace {
const nlohmann::json* AttrOf(const TfNode& node, const std::string& key) {
  auto it = node.attr.find(key);
  return it == node.attr.end() ? nullptr : &*it;
}
}  // namespace

Result<std::string> AttrString(const TfNode& node, const std::string& key) {
  const auto* a = AttrOf(node, key);
  if (a == nullptr || !a->contains("s")) {
    return Fail(ErrorCode::kInvalidInput, node.name + ": no string attribute " + key);
  }
  return Base64DecodeToString((*a)["s"].get<std::string>());
}

std::string AttrStringOr(const TfNode& node, const std::string& key, std::string fallback) {
  auto s = AttrString(node, key);
  return s ? *s : fallback;
}

int64_t AttrIntOr(const TfNode& node, const std::string& key, int64_t fallback) {
  const auto* a = AttrOf(node, key);
  if (a == nullptr || !a->contains("i")) return fallback;
  return JsonInt((*a)["i"]);
}

double AttrFloatOr(const TfNode& node, const std::string& key, double fallback) {
  const auto* a = AttrOf(node, key);
  if (a == nullptr || !a->contains("f")) return fallback;
  const auto& v = (*a)["f"];
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s == "NaN") return std::nan("");
    if (s == "Infinity") return INFINITY;
    if (s == "-Infinity") return -INFINITY;
    return std::stod(s);
  }
  return v.get<double>();
}

bool AttrBoolOr(const TfNode& node, const std::string& key, bool fallback) {
  const auto* a = AttrOf(node, key);
  if (a == nullptr || !a->contains("b")) return fallback;
  return (*a)["b"].get<bool>();
}

std::vector<int64_t> AttrInts(const TfNode& node, const std::string& key) {
  std::vector<int64_t> out;
  const auto* a = AttrOf(node, key);
  if (a == nullptr || !a->contains("list")) return out;
  const auto& list = (*a)["list"];
  if (!list.contains("i")) return out;
  for (const auto& v : list["i"]) out.push_back(JsonInt(v));
  return out;
}

Result<std::vector<std::string>> AttrStrings(const TfNode& node, const std::string& key) {
  std::vector<std::string> out;
  const auto* a = AttrOf(node, key);
  if (a == nullptr || !a->contains("list") || !(*a)["list"].contains("s")) return out;
  for (const auto& v : (*a)["list"]["s"]) {
    CAMROLL_ASSIGN_OR_RETURN(std::string s, Base64DecodeToString(v.get<std::string>()));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace camroll::ml
