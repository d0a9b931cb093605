// Golden tests: every converted model, run by ONNX Runtime, against the outputs of the same
// model run by TensorFlow.js itself (tfjs-core + tfjs-converter + tfjs-backend-cpu 4.22, files
// made by tools/golden/make_golden.mjs) on one fixed image. Criterion: for every sampled element,
// |ours - tfjs| <= 1e-4 * max|tfjs| over that output.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/sha256.h"
#include "media/decode.h"
#include "ml/model_store.h"

namespace camroll::ml {
namespace {

const std::filesystem::path kGoldenDir =
    std::filesystem::path(CAMROLL_SOURCE_DIR) / "src/ml/testdata/golden";
const std::filesystem::path kModelsDir = std::filesystem::path(CAMROLL_BINARY_DIR) / "models";
constexpr double kMaxRelativeDifference = 1e-4;

nlohmann::json LoadGolden(const std::string& model) {
  auto bytes = ReadFile(kGoldenDir / (model + ".json"), 1 << 22);
  EXPECT_TRUE(bytes.has_value());
  return bytes ? nlohmann::json::parse(*bytes) : nlohmann::json();
}

// The input tensor exactly as tools/golden/README.md defines it.
std::vector<float> MakeInput(const nlohmann::json& in) {
  auto png = ReadFile(kGoldenDir.parent_path() / "golden_input.png", 1 << 22);
  EXPECT_TRUE(png.has_value());
  auto img = DecodeImageScaled(*png, Format::kPng, 256, {});
  EXPECT_TRUE(img.has_value());
  EXPECT_EQ(img->width, 256);
  const auto& crop = in.at("crop");
  int x0 = crop[0], y0 = crop[1], w = crop[2], h = crop[3];
  // Computed in double and rounded once, as JavaScript fills a Float32Array.
  double scale = in.at("scale").get<double>(), offset = in.at("offset").get<double>();
  bool nchw = in.at("layout") == "NCHW";
  std::vector<float> t(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      int sx = (x0 + x) / 2, sy = (y0 + y) / 2;  // 2x pixel replication, then the crop
      for (int c = 0; c < 3; ++c) {
        auto v = static_cast<float>(
            img->pixels[(static_cast<size_t>(sy) * 256 + sx) * 3 + c] * scale + offset);
        size_t at = nchw ? (static_cast<size_t>(c) * h + y) * w + x
                         : (static_cast<size_t>(y) * w + x) * 3 + c;
        t[at] = v;
      }
    }
  }
  return t;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, OnnxRuntimeMatchesTfjs) {
  const std::string id = GetParam();
  auto golden = LoadGolden(id);
  ASSERT_FALSE(golden.is_null());
  const auto& in = golden.at("input");
  std::vector<float> x = MakeInput(in);
  // Same input bytes as the reference, or the comparison means nothing.
  std::span<const uint8_t> raw(reinterpret_cast<const uint8_t*>(x.data()), x.size() * 4);
  ASSERT_EQ(ToHex(Sha256Of(raw)), in.at("sha256_f32le").get<std::string>())
      << "the input tensor differs from the one the golden file was made with";

  auto session = OpenModel(kModelsDir, id);
  ASSERT_TRUE(session.has_value()) << session.error().ToString();
  InputView view{(*session)->inputs().at(0).name, in.at("shape").get<std::vector<int64_t>>(), x};
  std::vector<std::string> names;
  for (const auto& o : golden.at("outputs")) names.push_back(o.at("name"));
  auto out = (*session)->Run({&view, 1}, names);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();

  for (size_t k = 0; k < names.size(); ++k) {
    const auto& o = golden["outputs"][k];
    const Tensor& t = (*out)[k];
    EXPECT_EQ(t.shape, o.at("shape").get<std::vector<int64_t>>()) << names[k];
    ASSERT_EQ(static_cast<int64_t>(t.data.size()), o.at("count").get<int64_t>()) << names[k];
    double max_abs = o.at("max_abs").get<double>();
    const auto& idx = o.at("indices");
    const auto& val = o.at("values");
    ASSERT_EQ(idx.size(), val.size());
    ASSERT_GT(idx.size(), 0u);
    double worst = 0;
    for (size_t j = 0; j < idx.size(); ++j) {
      double want = static_cast<float>(val[j].get<double>());
      double got = t.data.at(idx[j].get<size_t>());
      worst = std::max(worst, std::abs(got - want) / max_abs);
    }
    RecordProperty(names[k] + ".max_relative_difference", std::to_string(worst));
    std::cout << id << " " << names[k] << ": " << idx.size()
              << " samples, max |diff| / max|tfjs| = " << worst << "\n";
    EXPECT_LE(worst, kMaxRelativeDifference) << id << " " << names[k];
  }
}

INSTANTIATE_TEST_SUITE_P(Models, Golden,
                         ::testing::Values("blazeface", "faceres", "mobilefacenet", "selfie",
                                           "centernet", "nanodet", "nsfw"));

}  // namespace
}  // namespace camroll::ml
