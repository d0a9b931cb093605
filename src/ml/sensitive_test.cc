#include "ml/sensitive.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/files.h"
#include "core/paths.h"
#include "media/decode.h"
#include "media/metadata.h"
#include "media/test_images.h"
#include "testing/testing.h"

namespace camroll::ml {
namespace {

const std::filesystem::path kModels = std::filesystem::path(CAMROLL_BINARY_DIR) / "models";

RgbImage Load(const std::filesystem::path& file) { return testing::LoadUpright(file); }

TEST(IsSensitive, AppliesBothThresholds) {
  EXPECT_FALSE(IsSensitive({0.1f, 0.0f, 0.9f, 0.0f, 0.0f}));
  EXPECT_TRUE(IsSensitive({0.0f, 0.25f, 0.2f, 0.25f, 0.3f}));   // explicit together: 0.5
  EXPECT_FALSE(IsSensitive({0.0f, 0.2f, 0.3f, 0.25f, 0.25f}));  // 0.45, sexy low
  EXPECT_TRUE(IsSensitive({0.0f, 0.0f, 0.3f, 0.0f, 0.7f}));
  EXPECT_FALSE(IsSensitive({0.0f, 0.0f, 0.4f, 0.0f, 0.6f}));  // sexy on top is not enough
}

TEST(AlignCornersTensor, SamplesCornersExactlyAndScalesTo01) {
  RgbImage img;
  img.width = 3;
  img.height = 2;
  img.pixels = {0,  0,  0,  30, 60, 90, 255, 255, 255,  // row 0
                10, 20, 30, 40, 50, 60, 70,  80,  90};  // row 1
  auto t = AlignCornersTensor(img, 5);
  ASSERT_EQ(t.size(), 5u * 5 * 3);
  auto at = [&](int y, int x, int c) { return t[(y * 5 + x) * 3 + c]; };
  EXPECT_FLOAT_EQ(at(0, 0, 0), 0.0f);
  EXPECT_FLOAT_EQ(at(0, 4, 1), 1.0f);          // top-right pixel, exactly
  EXPECT_FLOAT_EQ(at(4, 0, 2), 30 / 255.0f);   // bottom-left
  EXPECT_FLOAT_EQ(at(4, 4, 0), 70 / 255.0f);   // bottom-right
  EXPECT_FLOAT_EQ(at(0, 2, 0), 30 / 255.0f);   // the middle column falls on pixel 1
  EXPECT_NEAR(at(2, 0, 0), 5 / 255.0f, 1e-6);  // halfway down: the mean of 0 and 10
}

class SensitiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = SensitiveClassifier::Open(kModels);
    ASSERT_TRUE(c.has_value()) << c.error().ToString();
    classifier_ = std::move(*c);
  }
  std::unique_ptr<SensitiveClassifier> classifier_;
};

// There are no explicit images here (none may be fetched), so only the other side can be tested:
// ordinary photos, people included, are not flagged, and the output is a distribution.
TEST_F(SensitiveTest, LeavesOrdinaryPhotosAlone) {
  const std::filesystem::path deps = DepsDir();
  const std::filesystem::path skimage =
      deps / "deb/python3-skimage/usr/lib/python3/dist-packages/skimage/data";
  const std::filesystem::path wallpapers =
      deps / "deb/plasma-workspace-wallpapers/usr/share/wallpapers";
  std::vector<std::filesystem::path> files = {
      skimage / "astronaut.png",
      skimage / "chelsea.png",
      skimage / "coffee.png",
      skimage / "page.png",
      wallpapers / "Volna/contents/images/5120x2880.jpg",  // an aerial beach: porn 0.22, the most
      wallpapers / "EveningGlow/contents/images/2560x1440.jpg"};
  for (int i = 1; i <= 6; ++i) {
    files.push_back(deps / ("npm/face-api/demo/sample" + std::to_string(i) + ".jpg"));
  }
  if (auto shared = testing::SharedTestData(); !shared.empty()) {
    files.push_back(shared / "phone-media/Samsung GT-I9000 (Galaxy S).jpg");  // a man, T-shirt
  }
  for (const auto& f : files) {
    if (!std::filesystem::exists(f)) GTEST_SKIP() << f << " is not installed";
    auto s = classifier_->Classify(Load(f));
    ASSERT_TRUE(s.has_value()) << s.error().ToString();
    const float sum = s->drawing + s->hentai + s->neutral + s->porn + s->sexy;
    EXPECT_NEAR(sum, 1.0f, 1e-4) << f;
    for (float p : {s->drawing, s->hentai, s->neutral, s->porn, s->sexy}) {
      EXPECT_GE(p, 0.0f);
      EXPECT_LE(p, 1.0f);
    }
    EXPECT_FALSE(IsSensitive(*s)) << f << ": porn " << s->porn << " hentai " << s->hentai
                                  << " sexy " << s->sexy;
    EXPECT_LT(s->porn + s->hentai, 0.3f) << f;
    EXPECT_LT(s->sexy, 0.3f) << f;
  }
}

TEST_F(SensitiveTest, IsDeterministicAndRejectsAnEmptyImage) {
  const std::filesystem::path f =
      DepsDir() / "deb/python3-skimage/usr/lib/python3/dist-packages/skimage/data/astronaut.png";
  if (!std::filesystem::exists(f)) GTEST_SKIP() << "skimage data not installed";
  const RgbImage img = Load(f);
  auto a = classifier_->Classify(img), b = classifier_->Classify(img);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->neutral, b->neutral);
  EXPECT_GT(a->neutral, 0.8f);  // measured 0.94
  EXPECT_EQ(classifier_->Classify(RgbImage{}).error().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace camroll::ml
