#include "media/quality.h"

#include <gtest/gtest.h>

#include "media/test_images.h"

namespace camroll {
namespace {

TEST(MeasureQuality, BlurLowersSharpnessAndScore) {
  RgbImage sharp = testing::TestCard(800, 600);
  QualityMeasures a = MeasureQuality(sharp);
  QualityMeasures b = MeasureQuality(testing::Blurred(sharp, 2));
  QualityMeasures c = MeasureQuality(testing::Blurred(sharp, 5));
  EXPECT_GT(a.sharpness, b.sharpness);
  EXPECT_GT(b.sharpness, c.sharpness);
  EXPECT_GT(a.tenengrad, c.tenengrad);
  EXPECT_GT(a.score, b.score);
  EXPECT_GT(b.score, c.score);
}

TEST(MeasureQuality, PenalisesUnderExposure) {
  RgbImage normal = testing::TestCard(400, 300);
  RgbImage dark = normal;
  for (auto& v : dark.pixels) v = static_cast<uint8_t>(v / 6);
  QualityMeasures n = MeasureQuality(normal);
  QualityMeasures d = MeasureQuality(dark);
  EXPECT_LT(d.brightness, n.brightness);
  EXPECT_GT(d.clipped_dark, n.clipped_dark);
  EXPECT_LT(d.score, n.score);
}

TEST(MeasureQuality, IsResolutionNormalised) {
  RgbImage big = testing::TestCard(2048, 1536);
  auto small = ResizeToLongEdge(big, 1024);
  ASSERT_TRUE(small);
  // Both are measured at 512 px wide, so their sharpness is of the same order.
  double ratio = MeasureQuality(big).sharpness / MeasureQuality(*small).sharpness;
  EXPECT_GT(ratio, 0.5);
  EXPECT_LT(ratio, 2.0);
}

TEST(MeasureQuality, MeasuresColourfulness) {
  RgbImage vivid = testing::TestCard(200, 150);
  RgbImage grey = vivid;
  for (size_t i = 0; i < grey.pixels.size(); i += 3) {
    const uint8_t v =
        static_cast<uint8_t>((grey.pixels[i] + grey.pixels[i + 1] + grey.pixels[i + 2]) / 3);
    grey.pixels[i] = grey.pixels[i + 1] = grey.pixels[i + 2] = v;
  }
  const QualityMeasures v = MeasureQuality(vivid), g = MeasureQuality(grey);
  EXPECT_LT(g.colourfulness, 2.0);
  EXPECT_GT(v.colourfulness, 20.0);
  EXPECT_GT(v.score, g.score);
}

TEST(MeasureQuality, FlatImageHasNoSharpness) {
  RgbImage flat;
  flat.width = 100;
  flat.height = 100;
  flat.pixels.assign(100 * 100 * 3, 128);
  QualityMeasures q = MeasureQuality(flat);
  EXPECT_DOUBLE_EQ(q.sharpness, 0.0);
  EXPECT_DOUBLE_EQ(q.contrast, 0.0);
}

}  // namespace
}  // namespace camroll
