// Each mapping rule of the converter, on small graphs built here: the converted model is run by
// ONNX Runtime and compared with a direct (loop) implementation of the TF op's semantics.
#include "ml/tfjs_to_onnx.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "core/base64.h"
#include "ml/engine.h"

namespace camroll::ml {
namespace {

using json = nlohmann::json;

std::string B64(std::string_view s) {
  return Base64Encode({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}
json S(std::string_view s) { return {{"s", B64(s)}}; }
json I(int64_t v) { return {{"i", std::to_string(v)}}; }
json F(double v) { return {{"f", v}}; }
json B(bool v) { return {{"b", v}}; }
json Ints(std::vector<int64_t> v) {
  json l = json::array();
  for (auto x : v) l.push_back(std::to_string(x));
  return {{"list", {{"i", l}}}};
}
json Strs(std::vector<std::string> v) {
  json l = json::array();
  for (auto& x : v) l.push_back(B64(x));
  return {{"list", {{"s", l}}}};
}

// Builds a tfjs graph model document and its weight shard in memory.
class GraphBuilder {
 public:
  GraphBuilder& Input(const std::string& name, std::vector<int64_t> shape) {
    json dims = json::array();
    for (auto d : shape) dims.push_back({{"size", std::to_string(d)}});
    nodes_.push_back(
        {{"name", name},
         {"op", "Placeholder"},
         {"attr", {{"shape", {{"shape", {{"dim", dims}}}}}, {"dtype", {{"type", "DT_FLOAT"}}}}}});
    return *this;
  }
  // A float32 constant; `quant` stores it as "float16", "uint8" or "uint16".
  GraphBuilder& Const(const std::string& name, std::vector<int64_t> shape, std::vector<float> v,
                      const std::string& quant = "") {
    json w = {{"name", name}, {"shape", shape}, {"dtype", "float32"}};
    if (quant == "float16") {
      w["quantization"] = {{"dtype", "float16"}};
      for (float x : v) {
        uint16_t h = FloatToHalf(x);
        Append(&h, 2);
      }
    } else if (quant == "uint8" || quant == "uint16") {
      float lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
      int levels = quant == "uint8" ? 255 : 65535;
      float scale = (hi - lo) / levels;
      w["quantization"] = {{"dtype", quant}, {"min", lo}, {"scale", scale}};
      for (float x : v) {
        auto q = static_cast<uint32_t>(std::lround((x - lo) / scale));
        if (quant == "uint8") {
          uint8_t b = static_cast<uint8_t>(q);
          Append(&b, 1);
        } else {
          uint16_t b = static_cast<uint16_t>(q);
          Append(&b, 2);
        }
      }
    } else {
      Append(v.data(), v.size() * 4);
    }
    weights_.push_back(w);
    nodes_.push_back(
        {{"name", name}, {"op", "Const"}, {"attr", {{"dtype", {{"type", "DT_FLOAT"}}}}}});
    return *this;
  }
  GraphBuilder& IntConst(const std::string& name, std::vector<int64_t> shape,
                         std::vector<int32_t> v) {
    weights_.push_back({{"name", name}, {"shape", shape}, {"dtype", "int32"}});
    Append(v.data(), v.size() * 4);
    nodes_.push_back(
        {{"name", name}, {"op", "Const"}, {"attr", {{"dtype", {{"type", "DT_INT32"}}}}}});
    return *this;
  }
  GraphBuilder& Node(const std::string& name, const std::string& op,
                     std::vector<std::string> inputs, json attr = json::object()) {
    nodes_.push_back({{"name", name}, {"op", op}, {"input", inputs}, {"attr", attr}});
    return *this;
  }
  json Model() const {
    return {{"format", "graph-model"},
            {"modelTopology", {{"node", nodes_}}},
            {"weightsManifest", json::array({{{"paths", {"shard"}}, {"weights", weights_}}})}};
  }
  const std::vector<uint8_t>& shard() const { return shard_; }
  TfjsGraph Graph() const {
    auto g = ParseTfjsGraph(Model(), shard_);
    EXPECT_TRUE(g.has_value()) << g.error().ToString();
    return *g;
  }

  static uint16_t FloatToHalf(float f) {  // round to nearest, normal range only (tests)
    uint32_t x;
    std::memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    int exp = static_cast<int>((x >> 23) & 0xff) - 127 + 15;
    uint32_t mant = x & 0x7fffff;
    if (exp <= 0) return static_cast<uint16_t>(sign);
    uint32_t h = sign | (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
    if (mant & 0x1000) ++h;
    return static_cast<uint16_t>(h);
  }

 private:
  void Append(const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    shard_.insert(shard_.end(), b, b + n);
  }
  json nodes_ = json::array();
  json weights_ = json::array();
  std::vector<uint8_t> shard_;
};

std::vector<float> Random(size_t n, uint32_t seed, float lo = -1, float hi = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

struct Converted {
  OnnxModel model;
  std::unique_ptr<Session> session;
};

Converted Convert(const GraphBuilder& b, std::vector<std::string> outputs) {
  ConvertOptions options;
  options.outputs = std::move(outputs);
  auto m = ConvertToOnnx(b.Graph(), options);
  EXPECT_TRUE(m.has_value()) << m.error().ToString();
  if (!m) return {};
  auto check = CheckOnnxModel(m->bytes);
  EXPECT_TRUE(check.has_value()) << check.error().ToString();
  auto engine = InferenceEngine::Get();
  EXPECT_TRUE(engine.has_value());
  auto s = (*engine)->LoadFromMemory(
      {reinterpret_cast<const uint8_t*>(m->bytes.data()), m->bytes.size()});
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return {std::move(*m), s ? std::move(*s) : nullptr};
}

std::vector<float> RunOne(Converted& c, const std::string& input, std::vector<int64_t> shape,
                          const std::vector<float>& x, std::vector<int64_t>* out_shape = nullptr) {
  if (!c.session) return {};
  InputView in{input, shape, x};
  auto r = c.session->Run({&in, 1});
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  if (!r) return {};
  if (out_shape) *out_shape = (*r)[0].shape;
  return (*r)[0].data;
}

void ExpectClose(const std::vector<float>& got, const std::vector<float>& want, double tol = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  double scale = 1e-6;
  for (float w : want) scale = std::max(scale, std::abs(static_cast<double>(w)));
  for (size_t k = 0; k < got.size(); ++k) {
    ASSERT_NEAR(got[k], want[k], tol * scale) << "element " << k;
  }
}

// ---- direct implementations of TF ops (NHWC) ----

struct Pads {
  int top, left;
};
Pads SamePads(int h, int w, int kh, int kw, int sy, int sx, int oh, int ow) {
  int th = std::max((oh - 1) * sy + kh - h, 0), tw = std::max((ow - 1) * sx + kw - w, 0);
  return {th / 2, tw / 2};
}

// filter [kh, kw, ci, co] (or [kh, kw, c, m] when depthwise).
std::vector<float> ConvRef(const std::vector<float>& x, int h, int w, int c,
                           const std::vector<float>& f, int kh, int kw, int co, int sy, int sx,
                           bool same, bool depthwise, int* oh_out, int* ow_out) {
  int oh = same ? (h + sy - 1) / sy : (h - kh) / sy + 1;
  int ow = same ? (w + sx - 1) / sx : (w - kw) / sx + 1;
  Pads p = same ? SamePads(h, w, kh, kw, sy, sx, oh, ow) : Pads{0, 0};
  int m = depthwise ? co / c : 0;
  std::vector<float> y(static_cast<size_t>(oh) * ow * co, 0);
  for (int oy = 0; oy < oh; ++oy) {
    for (int ox = 0; ox < ow; ++ox) {
      for (int o = 0; o < co; ++o) {
        double acc = 0;
        for (int ky = 0; ky < kh; ++ky) {
          for (int kx = 0; kx < kw; ++kx) {
            int iy = oy * sy + ky - p.top, ix = ox * sx + kx - p.left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            if (depthwise) {
              int ci = o / m, mi = o % m;
              acc += x[(iy * w + ix) * c + ci] * f[((ky * kw + kx) * c + ci) * m + mi];
            } else {
              for (int ci = 0; ci < c; ++ci) {
                acc += x[(iy * w + ix) * c + ci] * f[((ky * kw + kx) * c + ci) * co + o];
              }
            }
          }
        }
        y[(oy * ow + ox) * co + o] = static_cast<float>(acc);
      }
    }
  }
  *oh_out = oh;
  *ow_out = ow;
  return y;
}

TEST(TfjsToOnnx, ConvSamePaddingIsAsymmetricLikeTf) {
  // 7x7 input, 3x3 kernel, stride 2: TF pads 1 on each side; 6x6 pads 0 top/left, 1 bottom/right.
  for (int size : {7, 6}) {
    const int c = 3, co = 4;
    auto x = Random(size * size * c, 1);
    auto f = Random(3 * 3 * c * co, 2);
    GraphBuilder b;
    b.Input("x", {1, size, size, c})
        .Const("w", {3, 3, c, co}, f)
        .Node(
            "conv", "Conv2D", {"x", "w"},
            {{"strides", Ints({1, 2, 2, 1})}, {"padding", S("SAME")}, {"data_format", S("NHWC")}});
    auto conv = Convert(b, {"conv"});
    std::vector<int64_t> shape;
    auto got = RunOne(conv, "x", {1, size, size, c}, x, &shape);
    int oh, ow;
    auto want = ConvRef(x, size, size, c, f, 3, 3, co, 2, 2, true, false, &oh, &ow);
    EXPECT_EQ(shape, (std::vector<int64_t>{1, oh, ow, co}));
    ExpectClose(got, want);
  }
}

TEST(TfjsToOnnx, DepthwiseWithMultiplierBecomesGroupedConv) {
  const int h = 9, w = 8, c = 3, m = 2;
  auto x = Random(h * w * c, 3);
  auto f = Random(3 * 3 * c * m, 4);
  GraphBuilder b;
  b.Input("x", {1, h, w, c})
      .Const("w", {3, 3, c, m}, f)
      .Node("dw", "DepthwiseConv2dNative", {"x", "w"},
            {{"strides", Ints({1, 1, 1, 1})}, {"padding", S("SAME")}});
  auto conv = Convert(b, {"dw"});
  auto got = RunOne(conv, "x", {1, h, w, c}, x);
  int oh, ow;
  ExpectClose(got, ConvRef(x, h, w, c, f, 3, 3, c * m, 1, 1, true, true, &oh, &ow));
}

TEST(TfjsToOnnx, FusedConvAppliesBiasThenActivation) {
  const int h = 5, w = 5, c = 2, co = 3;
  auto x = Random(h * w * c, 5);
  auto f = Random(c * co, 6);
  std::vector<float> bias = {0.5f, -0.25f, 0.1f};
  std::vector<float> alpha = {0.1f, 0.2f, 0.3f};
  for (std::string act : {"Relu", "Relu6", "Prelu", "LeakyRelu"}) {
    GraphBuilder b;
    std::vector<std::string> inputs = {"x", "w", "bias"};
    b.Input("x", {1, h, w, c}).Const("w", {1, 1, c, co}, f).Const("bias", {co}, bias);
    if (act == "Prelu") {
      b.Const("alpha", {co}, alpha);
      inputs.push_back("alpha");
    }
    // Large inputs make Relu6's clip and the negative slopes matter.
    b.Node("conv", "_FusedConv2D", inputs,
           {{"strides", Ints({1, 1, 1, 1})},
            {"padding", S("VALID")},
            {"fused_ops", Strs({"BiasAdd", act})},
            {"num_args", I(act == "Prelu" ? 2 : 1)},
            {"leakyrelu_alpha", F(0.15)}});
    auto conv = Convert(b, {"conv"});
    std::vector<float> big = x;
    for (float& v : big) v *= 10;
    auto got = RunOne(conv, "x", {1, h, w, c}, big);
    int oh, ow;
    auto want = ConvRef(big, h, w, c, f, 1, 1, co, 1, 1, false, false, &oh, &ow);
    for (size_t k = 0; k < want.size(); ++k) {
      float v = want[k] + bias[k % co];
      if (act == "Relu") v = std::max(v, 0.0f);
      if (act == "Relu6") v = std::clamp(v, 0.0f, 6.0f);
      if (act == "Prelu") v = v < 0 ? v * alpha[k % co] : v;
      if (act == "LeakyRelu") v = v < 0 ? v * 0.15f : v;
      want[k] = v;
    }
    SCOPED_TRACE(act);
    ExpectClose(got, want);
  }
}

TEST(TfjsToOnnx, StandaloneLeakyReluReadsItsAlpha) {
  // The standalone op's slope is `alpha` (fused convolutions call it `leakyrelu_alpha`).
  GraphBuilder b;
  b.Input("x", {1, 4}).Node("lr", "LeakyRelu", {"x"}, {{"alpha", F(0.1)}});
  auto conv = Convert(b, {"lr"});
  auto got = RunOne(conv, "x", {1, 4}, {-2.0f, -0.5f, 0.0f, 3.0f});
  ExpectClose(got, {-0.2f, -0.05f, 0.0f, 3.0f});
}

TEST(TfjsToOnnx, QuantisedAndHalfWeightsDecodeLikeTfjs) {
  std::vector<float> v = {-1.5f, -0.25f, 0.0f, 0.75f, 2.0f, 3.25f};
  for (std::string q : {"float16", "uint8", "uint16"}) {
    GraphBuilder b;
    b.Const("w", {6}, v, q);
    auto g = b.Graph();
    const auto& t = g.weights.at("w");
    ASSERT_EQ(t.f.size(), v.size());
    // Half floats hold these exactly; 8 bits over a range of 4.75 are within half a step.
    double tol = q == "float16" ? 0
                 : q == "uint8" ? 4.75 / 255 / 2 + 1e-6
                                : 4.75 / 65535 / 2 + 1e-6;
    for (size_t k = 0; k < v.size(); ++k) EXPECT_NEAR(t.f[k], v[k], tol) << q << " " << k;
  }
  EXPECT_FLOAT_EQ(HalfToFloat(0x3c00), 1.0f);
  EXPECT_FLOAT_EQ(HalfToFloat(0xc000), -2.0f);
  EXPECT_FLOAT_EQ(HalfToFloat(0x0001), 5.9604645e-8f);  // smallest subnormal
  EXPECT_TRUE(std::isinf(HalfToFloat(0x7c00)));
}

TEST(TfjsToOnnx, WeightByteCountMustMatch) {
  GraphBuilder b;
  b.Const("w", {4}, {1, 2, 3, 4});
  auto shard = b.shard();
  shard.push_back(0);
  auto g = ParseTfjsGraph(b.Model(), shard);
  ASSERT_FALSE(g.has_value());
  EXPECT_NE(g.error().message().find("shards hold"), std::string::npos) << g.error().message();
  shard.resize(8);
  EXPECT_FALSE(ParseTfjsGraph(b.Model(), shard).has_value());
}

TEST(TfjsToOnnx, TfTransposeOnlyChangesBookkeeping) {
  // x (NHWC) -> conv -> Transpose to NCHW -> Reshape [1, C*H*W]: the reshape sees TF's order,
  // and the TF Transpose adds no ONNX Transpose of its own.
  const int h = 4, w = 3, c = 2, co = 2;
  auto x = Random(h * w * c, 7);
  auto f = Random(c * co, 8);
  GraphBuilder b;
  b.Input("x", {1, h, w, c})
      .Const("w", {1, 1, c, co}, f)
      .Node("conv", "Conv2D", {"x", "w"},
            {{"strides", Ints({1, 1, 1, 1})}, {"padding", S("VALID")}})
      .IntConst("perm", {4}, {0, 3, 1, 2})
      .Node("t", "Transpose", {"conv", "perm"})
      .IntConst("shape", {2}, {1, -1})
      .Node("flat", "Reshape", {"t", "shape"});
  auto conv = Convert(b, {"flat"});
  auto got = RunOne(conv, "x", {1, h, w, c}, x);
  int oh, ow;
  auto y = ConvRef(x, h, w, c, f, 1, 1, co, 1, 1, false, false, &oh, &ow);
  std::vector<float> want;
  for (int o = 0; o < co; ++o) {
    for (int i = 0; i < h * w; ++i) want.push_back(y[i * co + o]);
  }
  ExpectClose(got, want);
  EXPECT_EQ(conv.model.stats.tf_transposes, 1);
  // One transpose into NCHW for the conv; the conv's NCHW output already is the TF order
  // [N, C, H, W] the Transpose asked for, so nothing is inserted before the Reshape.
  EXPECT_EQ(conv.model.stats.transposes, 1);
}

TEST(TfjsToOnnx, ElementwiseKeepsLayoutAndBroadcastsConstants) {
  // conv (NCHW inside) * per-channel scale + scalar, then Reshape: constants are laid out as
  // [1, C, 1, 1] so no layout change is needed between the conv and the reshape's transpose.
  const int h = 3, w = 3, c = 2, co = 3;
  auto x = Random(h * w * c, 9);
  auto f = Random(c * co, 10);
  std::vector<float> scale = {2.0f, -1.0f, 0.5f};
  GraphBuilder b;
  b.Input("x", {1, h, w, c})
      .Const("w", {1, 1, c, co}, f)
      .Node("conv", "Conv2D", {"x", "w"},
            {{"strides", Ints({1, 1, 1, 1})}, {"padding", S("VALID")}})
      .Const("scale", {co}, scale)
      .Node("mul", "Mul", {"conv", "scale"})
      .Const("one", {}, {1.0f})
      .Node("add", "AddV2", {"one", "mul"})
      .Node("act", "Relu6", {"add"});
  auto conv = Convert(b, {"act"});
  auto got = RunOne(conv, "x", {1, h, w, c}, x);
  int oh, ow;
  auto want = ConvRef(x, h, w, c, f, 1, 1, co, 1, 1, false, false, &oh, &ow);
  for (size_t k = 0; k < want.size(); ++k) {
    want[k] = std::clamp(1.0f + want[k] * scale[k % co], 0.0f, 6.0f);
  }
  ExpectClose(got, want);
  EXPECT_EQ(conv.model.stats.transposes, 2);  // into NCHW for the conv, back for the output
}

TEST(TfjsToOnnx, AxisOpsRemapTheirAxis) {
  // Concat on channels, Mean over H and W without keep_dims, then Softmax on the last axis.
  const int h = 4, w = 4, c = 2;
  auto x = Random(h * w * c, 11);
  auto f = Random(c * 3, 12);
  GraphBuilder b;
  b.Input("x", {1, h, w, c})
      .Const("w", {1, 1, c, 3}, f)
      .Node("conv", "Conv2D", {"x", "w"},
            {{"strides", Ints({1, 1, 1, 1})}, {"padding", S("VALID")}})
      .IntConst("axis", {}, {-1})
      .Node("cat", "ConcatV2", {"conv", "x", "axis"})
      .IntConst("hw", {2}, {1, 2})
      .Node("mean", "Mean", {"cat", "hw"}, {{"keep_dims", B(false)}})
      .Node("soft", "Softmax", {"mean"});
  auto conv = Convert(b, {"soft", "cat"});
  ASSERT_TRUE(conv.session);
  InputView in{"x", {1, h, w, c}, x};
  auto r = conv.session->Run({&in, 1});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  int oh, ow;
  auto y = ConvRef(x, h, w, c, f, 1, 1, 3, 1, 1, false, false, &oh, &ow);
  std::vector<float> cat;
  for (int i = 0; i < h * w; ++i) {
    for (int k = 0; k < 3; ++k) cat.push_back(y[i * 3 + k]);
    for (int k = 0; k < c; ++k) cat.push_back(x[i * c + k]);
  }
  ExpectClose((*r)[1].data, cat);
  std::vector<double> mean(5, 0);
  for (int i = 0; i < h * w; ++i) {
    for (int k = 0; k < 5; ++k) mean[k] += cat[i * 5 + k] / (h * w);
  }
  double sum = 0;
  for (double m : mean) sum += std::exp(m);
  std::vector<float> soft;
  for (double m : mean) soft.push_back(static_cast<float>(std::exp(m) / sum));
  EXPECT_EQ((*r)[0].shape, (std::vector<int64_t>{1, 5}));
  ExpectClose((*r)[0].data, soft);
}

TEST(TfjsToOnnx, PoolsCountOnlyRealPixels) {
  const int h = 5, w = 5, c = 1;
  auto x = Random(h * w * c, 13, 0, 1);
  for (std::string op : {"AvgPool", "MaxPool"}) {
    GraphBuilder b;
    b.Input("x", {1, h, w, c})
        .Node("pool", op, {"x"},
              {{"ksize", Ints({1, 3, 3, 1})},
               {"strides", Ints({1, 2, 2, 1})},
               {"padding", S("SAME")}});
    auto conv = Convert(b, {"pool"});
    auto got = RunOne(conv, "x", {1, h, w, c}, x);
    // 5 -> 3 with stride 2 and k 3: total pad 2, one on each side.
    std::vector<float> want;
    for (int oy = 0; oy < 3; ++oy) {
      for (int ox = 0; ox < 3; ++ox) {
        double acc = op == "MaxPool" ? -1e9 : 0;
        int n = 0;
        for (int ky = 0; ky < 3; ++ky) {
          for (int kx = 0; kx < 3; ++kx) {
            int iy = oy * 2 + ky - 1, ix = ox * 2 + kx - 1;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            acc = op == "MaxPool" ? std::max<double>(acc, x[iy * w + ix]) : acc + x[iy * w + ix];
            ++n;
          }
        }
        want.push_back(static_cast<float>(op == "MaxPool" ? acc : acc / n));
      }
    }
    SCOPED_TRACE(op);
    ExpectClose(got, want);
  }
}

TEST(TfjsToOnnx, TransposedConvMatchesTfGradientSemantics) {
  // Conv2DBackpropInput, SAME, stride 2: 3x3 -> 6x6 and 3x3 -> 5x5 (output_padding differs).
  for (int out : {6, 5}) {
    const int in = 3, ci = 2, co = 3, k = 3, s = 2;
    auto x = Random(in * in * ci, 14);
    auto f = Random(k * k * co * ci, 15);  // [kh, kw, out, in]
    GraphBuilder b;
    b.Input("x", {1, in, in, ci})
        .IntConst("size", {4}, {1, out, out, co})
        .Const("w", {k, k, co, ci}, f)
        .Node("up", "Conv2DBackpropInput", {"size", "w", "x"},
              {{"strides", Ints({1, s, s, 1})}, {"padding", S("SAME")}});
    auto conv = Convert(b, {"up"});
    std::vector<int64_t> shape;
    auto got = RunOne(conv, "x", {1, in, in, ci}, x, &shape);
    EXPECT_EQ(shape, (std::vector<int64_t>{1, out, out, co}));
    int total = std::max((in - 1) * s + k - out, 0), top = total / 2;
    std::vector<float> want(out * out * co, 0);
    for (int iy = 0; iy < in; ++iy) {
      for (int ix = 0; ix < in; ++ix) {
        for (int ky = 0; ky < k; ++ky) {
          for (int kx = 0; kx < k; ++kx) {
            int oy = iy * s + ky - top, ox = ix * s + kx - top;
            if (oy < 0 || oy >= out || ox < 0 || ox >= out) continue;
            for (int o = 0; o < co; ++o) {
              for (int i = 0; i < ci; ++i) {
                want[(oy * out + ox) * co + o] +=
                    x[(iy * in + ix) * ci + i] * f[((ky * k + kx) * co + o) * ci + i];
              }
            }
          }
        }
      }
    }
    SCOPED_TRACE(out);
    ExpectClose(got, want);
  }
}

TEST(TfjsToOnnx, ResizeBilinearFollowsTfCoordinateModes) {
  const int h = 3, w = 4;
  auto x = Random(h * w, 16);
  struct Mode {
    bool align, half;
  };
  for (Mode m : {Mode{false, true}, Mode{true, false}, Mode{false, false}}) {
    GraphBuilder b;
    b.Input("x", {1, h, w, 1})
        .IntConst("size", {2}, {7, 5})
        .Node("r", "ResizeBilinear", {"x", "size"},
              {{"align_corners", B(m.align)}, {"half_pixel_centers", B(m.half)}});
    auto conv = Convert(b, {"r"});
    auto got = RunOne(conv, "x", {1, h, w, 1}, x);
    auto src = [&](int d, int in, int out) {
      double scale = m.align && out > 1 ? double(in - 1) / (out - 1) : double(in) / out;
      return m.half ? (d + 0.5) * scale - 0.5 : d * scale;
    };
    std::vector<float> want;
    for (int oy = 0; oy < 7; ++oy) {
      for (int ox = 0; ox < 5; ++ox) {
        double sy = src(oy, h, 7), sx = src(ox, w, 5);
        int y0 = static_cast<int>(std::floor(sy)), x0 = static_cast<int>(std::floor(sx));
        double ly = sy - y0, lx = sx - x0;
        auto at = [&](int yy, int xx) {
          yy = std::clamp(yy, 0, h - 1);
          xx = std::clamp(xx, 0, w - 1);
          return x[yy * w + xx];
        };
        double top = at(y0, x0) * (1 - lx) + at(y0, x0 + 1) * lx;
        double bottom = at(y0 + 1, x0) * (1 - lx) + at(y0 + 1, x0 + 1) * lx;
        want.push_back(static_cast<float>(top * (1 - ly) + bottom * ly));
      }
    }
    SCOPED_TRACE(testing::Message() << "align " << m.align << " half " << m.half);
    ExpectClose(got, want, 1e-5);
  }
}

TEST(TfjsToOnnx, FoldsConstantSubgraphs) {
  // The shape of a Reshape computed by SparseToDense of empty indices plus a constant (as in
  // nanodet), and by Shape/StridedSlice/Pack of a runtime tensor.
  GraphBuilder b;
  b.Input("x", {1, 2, 3, 4})
      .IntConst("where", {0, 1}, {})
      .IntConst("dense_shape", {1}, {3})
      .IntConst("vals", {0}, {})
      .IntConst("zero", {}, {0})
      .Node("sparse", "SparseToDense", {"where", "dense_shape", "vals", "zero"})
      .IntConst("base", {3}, {1, 6, -1})
      .Node("shape1", "AddV2", {"base", "sparse"})
      .Node("r1", "Reshape", {"x", "shape1"})
      .Node("shp", "Shape", {"x"})
      .IntConst("b0", {1}, {3})
      .IntConst("b1", {1}, {4})
      .IntConst("b2", {1}, {1})
      .Node("last", "StridedSlice", {"shp", "b0", "b1", "b2"}, {{"shrink_axis_mask", I(1)}})
      .IntConst("minus1", {}, {-1})
      .Node("packed", "Pack", {"minus1", "last"}, {{"axis", I(0)}})
      .Node("r2", "Reshape", {"x", "packed"});
  auto conv = Convert(b, {"r1", "r2"});
  ASSERT_TRUE(conv.session);
  EXPECT_EQ(conv.model.outputs[0].shape, (std::vector<int64_t>{1, 6, 4}));
  EXPECT_EQ(conv.model.outputs[1].shape, (std::vector<int64_t>{6, 4}));
  EXPECT_GE(conv.model.stats.folded, 4);
  auto x = Random(24, 17);
  InputView in{"x", {1, 2, 3, 4}, x};
  auto r = conv.session->Run({&in, 1});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ExpectClose((*r)[0].data, x);
  ExpectClose((*r)[1].data, x);
}

TEST(TfjsToOnnx, PrunesWhatTheOutputsDoNotNeed) {
  // TopKV2 after the wanted tensor has no ONNX mapping here: asking for the tensor before it
  // converts; asking for TopKV2 fails with a clear message.
  GraphBuilder b;
  b.Input("x", {1, 8})
      .Node("sig", "Sigmoid", {"x"})
      .IntConst("k", {}, {3})
      .Node("top", "TopKV2", {"sig", "k"});
  auto conv = Convert(b, {"sig"});
  EXPECT_EQ(conv.model.stats.tf_nodes, 2);
  auto x = Random(8, 18);
  auto got = RunOne(conv, "x", {1, 8}, x);
  std::vector<float> want;
  for (float v : x) want.push_back(1 / (1 + std::exp(-v)));
  ExpectClose(got, want);

  ConvertOptions options;
  options.outputs = {"top"};
  auto bad = ConvertToOnnx(b.Graph(), options);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("TopKV2"), std::string::npos) << bad.error().message();
  options.outputs = {"nope"};
  EXPECT_FALSE(ConvertToOnnx(b.Graph(), options).has_value());
}

TEST(TfjsToOnnx, FusedMatMulAndChannelPad) {
  // Pad on the channel axis (blazeface) after a conv, Mean, then a fused MatMul with bias.
  const int h = 2, w = 2, c = 2;
  auto x = Random(h * w * c, 19);
  auto f = Random(c * c, 20);
  auto m = Random(4 * 3, 21);
  std::vector<float> bias = {0.1f, 0.2f, 0.3f};
  GraphBuilder b;
  b.Input("x", {1, h, w, c})
      .Const("w", {1, 1, c, c}, f)
      .Node("conv", "Conv2D", {"x", "w"},
            {{"strides", Ints({1, 1, 1, 1})}, {"padding", S("VALID")}})
      .IntConst("pads", {4, 2}, {0, 0, 0, 0, 0, 0, 0, 2})
      .Node("pad", "Pad", {"conv", "pads"})
      .IntConst("hw", {2}, {1, 2})
      .Node("mean", "Mean", {"pad", "hw"})
      .Const("m", {4, 3}, m)
      .Const("bias", {3}, bias)
      .Node("fc", "_FusedMatMul", {"mean", "m", "bias"},
            {{"fused_ops", Strs({"BiasAdd", "Relu"})}, {"num_args", I(1)}});
  auto conv = Convert(b, {"fc"});
  auto got = RunOne(conv, "x", {1, h, w, c}, x);
  int oh, ow;
  auto y = ConvRef(x, h, w, c, f, 1, 1, c, 1, 1, false, false, &oh, &ow);
  std::vector<double> mean(4, 0);
  for (int i = 0; i < h * w; ++i) {
    for (int k = 0; k < c; ++k) mean[k] += y[i * c + k] / (h * w);
  }
  std::vector<float> want;
  for (int j = 0; j < 3; ++j) {
    double acc = bias[j];
    for (int k = 0; k < 4; ++k) acc += mean[k] * m[k * 3 + j];
    want.push_back(static_cast<float>(std::max(acc, 0.0)));
  }
  ExpectClose(got, want);
}

}  // namespace
}  // namespace camroll::ml
