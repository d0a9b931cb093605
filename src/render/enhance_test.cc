#include "render/enhance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/files.h"
#include "media/decode.h"
#include "media/format.h"
#include "media/test_images.h"
#include "testing/testing.h"

namespace camroll {
namespace {

std::array<double, 3> ChannelMeans(const RgbImage& img) {
  std::array<double, 3> sum{};
  for (size_t i = 0; i < img.pixels.size(); i += 3) {
    for (int c = 0; c < 3; ++c) sum[c] += img.pixels[i + c];
  }
  for (double& s : sum) s /= img.pixels.size() / 3;
  return sum;
}

double MeanLuma(const RgbImage& img) {
  const auto m = ChannelMeans(img);
  return 0.299 * m[0] + 0.587 * m[1] + 0.114 * m[2];
}

RgbImage Map(const RgbImage& img, double r, double g, double b) {
  RgbImage out = img;
  for (size_t i = 0; i < out.pixels.size(); i += 3) {
    out.pixels[i] = static_cast<uint8_t>(std::min(255.0, std::round(img.pixels[i] * r)));
    out.pixels[i + 1] = static_cast<uint8_t>(std::min(255.0, std::round(img.pixels[i + 1] * g)));
    out.pixels[i + 2] = static_cast<uint8_t>(std::min(255.0, std::round(img.pixels[i + 2] * b)));
  }
  return out;
}

// The test card turned by `deg` (counter-clockwise on screen for positive, as OpenCV turns),
// cut from the middle of a larger card so that no empty corners show.
RgbImage TurnedCard(double deg) {
  const RgbImage big = testing::TestCard(1000, 750, 3);
  cv::Mat src(big.height, big.width, CV_8UC3, const_cast<uint8_t*>(big.pixels.data()));
  cv::Mat turned;
  cv::warpAffine(src, turned, cv::getRotationMatrix2D(cv::Point2f(500, 375), deg, 1.0), src.size(),
                 cv::INTER_CUBIC);
  cv::Mat middle = turned(cv::Rect(100, 75, 800, 600)).clone();
  RgbImage out;
  out.width = 800;
  out.height = 600;
  out.pixels.assign(middle.datastart, middle.dataend);
  return out;
}

const RgbImage& Card() {
  static const RgbImage card = testing::TestCard(800, 600, 3);
  return card;
}

TEST(AutoEnhance, StraightensACardTurnedFourDegrees) {
  for (double deg : {4.0, -4.0}) {
    auto e = AutoEnhance(TurnedCard(deg));
    ASSERT_TRUE(e.has_value()) << e.error().ToString();
    // Turned counter-clockwise by `deg`, it needs a clockwise turn of `deg`.
    EXPECT_NEAR(e->rotation_deg, deg, 0.7);
    // Cropped to the inside of the turned frame, centred, keeping the aspect ratio.
    EXPECT_LT(e->crop.w, 0.95);
    EXPECT_NEAR(e->crop.x + e->crop.w / 2, 0.5, 0.01);
    EXPECT_NEAR(e->crop.y + e->crop.h / 2, 0.5, 0.01);
    EXPECT_NEAR(static_cast<double>(e->image.width) / e->image.height, 800.0 / 600, 0.01);
    EXPECT_LT(e->image.width, 800);
    ASSERT_FALSE(e->steps.empty());
    EXPECT_NE(e->steps.front().find("straightened"), std::string::npos);
  }
}

TEST(AutoEnhance, StraighteningRemovesTheTilt) {
  auto e = AutoEnhance(TurnedCard(3.0));
  ASSERT_TRUE(e.has_value());
  // A second pass over the result finds it level.
  auto again = AutoEnhance(e->image);
  ASSERT_TRUE(again.has_value());
  EXPECT_LT(std::abs(again->rotation_deg), 0.5);
}

TEST(AutoEnhance, LeavesALevelCardLevelAndUncropped) {
  auto e = AutoEnhance(Card());
  ASSERT_TRUE(e.has_value());
  EXPECT_LT(std::abs(e->rotation_deg), 0.3);
  EXPECT_EQ(e->crop, (Box{0, 0, 1, 1}));
  EXPECT_EQ(e->image.width, 800);
  EXPECT_EQ(e->image.height, 600);
}

TEST(AutoEnhance, BrightensADarkPhoto) {
  const RgbImage dark = Map(Card(), 0.4, 0.4, 0.4);
  auto e = AutoEnhance(dark);
  ASSERT_TRUE(e.has_value());
  EXPECT_GT(e->exposure_ev, 0.5);
  // Gentle (75% of the way, in stops), but much closer to the original.
  EXPECT_LT(std::abs(MeanLuma(e->image) - MeanLuma(Card())),
            0.6 * std::abs(MeanLuma(dark) - MeanLuma(Card())));
  bool said = false;
  for (const std::string& s : e->steps) said |= s.find("exposure +") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(AutoEnhance, DarkensAnOverexposedPhoto) {
  const RgbImage bright = Map(Card(), 1.6, 1.6, 1.6);
  auto e = AutoEnhance(bright);
  ASSERT_TRUE(e.has_value());
  EXPECT_LT(e->exposure_ev, -0.3);
  EXPECT_LT(MeanLuma(e->image), MeanLuma(bright) - 5);
}

TEST(AutoEnhance, CorrectsABlueCast) {
  const RgbImage blue = Map(Card(), 0.8, 1.0, 1.2);
  auto e = AutoEnhance(blue);
  ASSERT_TRUE(e.has_value());
  EXPECT_GT(e->wb_gain[0], e->wb_gain[2] * 1.1);
  const auto before = ChannelMeans(blue), after = ChannelMeans(e->image);
  EXPECT_LT(std::abs(after[0] - after[2]), 0.7 * std::abs(before[0] - before[2]));
}

TEST(AutoEnhance, DoesNotTintANeutralPhoto) {
  // The card in shades of grey: whatever the estimate, nothing to correct.
  RgbImage grey = Card();
  for (size_t i = 0; i < grey.pixels.size(); i += 3) {
    const auto l = static_cast<uint8_t>(std::lround(
        0.299 * grey.pixels[i] + 0.587 * grey.pixels[i + 1] + 0.114 * grey.pixels[i + 2]));
    grey.pixels[i] = grey.pixels[i + 1] = grey.pixels[i + 2] = l;
  }
  auto e = AutoEnhance(grey);
  ASSERT_TRUE(e.has_value());
  for (double g : e->wb_gain) EXPECT_DOUBLE_EQ(g, 1.0);
  for (size_t i = 0; i < e->image.pixels.size(); i += 3) {
    ASSERT_EQ(e->image.pixels[i], e->image.pixels[i + 1]);
    ASSERT_EQ(e->image.pixels[i + 1], e->image.pixels[i + 2]);
  }
}

TEST(AutoEnhance, ChangesAGoodPhotoLittle) {
  auto e = AutoEnhance(Card());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->exposure_ev, 0);
  EXPECT_LT(testing::MeanAbsDiff(Card(), e->image), 4);
}

TEST(AutoEnhance, DoesNothingWithEveryStepOff) {
  EnhanceOptions off;
  off.exposure = off.white_balance = off.colour = off.straighten = off.crop = false;
  const RgbImage input = Map(TurnedCard(4), 0.5, 0.5, 0.7);
  auto e = AutoEnhance(input, off);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->image.pixels, input.pixels);
  EXPECT_TRUE(e->steps.empty());
  EXPECT_EQ(e->rotation_deg, 0);
  EXPECT_EQ(e->exposure_ev, 0);
}

TEST(AutoEnhance, RespectsTheStraightenLimit) {
  EnhanceOptions narrow;
  narrow.max_straighten_deg = 2;
  auto e = AutoEnhance(TurnedCard(4), narrow);
  ASSERT_TRUE(e.has_value());
  EXPECT_LT(std::abs(e->rotation_deg), 2.01);
}

TEST(AutoEnhance, RejectsAnEmptyPhoto) {
  auto e = AutoEnhance(RgbImage{});
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code(), ErrorCode::kInvalidInput);
}

TEST(AutoEnhance, LeavesAGoodRealPhotoMostlyAlone) {
  const auto path = testing::SourceDir() /
                    ".deps/deb/plasma-workspace-wallpapers/usr/share/"
                    "wallpapers/EveningGlow/contents/images/2560x1600.jpg";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "sample photo not unpacked under .deps";
  auto bytes = ReadFile(path, 64 << 20);
  ASSERT_TRUE(bytes.has_value());
  auto photo = DecodeImageScaled(*bytes, Format::kJpeg, 1280, DecodeOptions{});
  ASSERT_TRUE(photo.has_value());
  auto e = AutoEnhance(*photo);
  ASSERT_TRUE(e.has_value());
  EXPECT_LT(std::abs(e->exposure_ev), 0.3);
  EXPECT_LT(std::abs(e->rotation_deg), 0.5);
  // A sunset stays warm.
  EXPECT_GT(e->wb_gain[0], 0.94);
  EXPECT_LT(e->wb_gain[2], 1.06);
  EXPECT_LT(testing::MeanAbsDiff(*photo, e->image), 10);
}

// ---- BeforeAfter --------------------------------------------------------------------------------

RgbImage Grey(int w, int h, uint8_t v) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.assign(static_cast<size_t>(w) * h * 3, v);
  return img;
}

int BrightPixels(const RgbImage& img, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const uint8_t* p = img.pixels.data() + (static_cast<size_t>(y) * img.width + x) * 3;
      n += p[0] > 220 && p[1] > 220 && p[2] > 220;
    }
  }
  return n;
}

TEST(BeforeAfter, PutsLandscapesSideBySideWithLabels) {
  auto out = BeforeAfter(Grey(400, 300, 100), Grey(400, 300, 100));
  ASSERT_TRUE(out.has_value());
  // Two 400 x 300 panels and three 8-px gaps across, two gaps down.
  EXPECT_EQ(out->width, 2 * 400 + 3 * 8);
  EXPECT_EQ(out->height, 300 + 2 * 8);
  // White label text in the bottom-left corner of each panel, none in their top halves.
  EXPECT_GT(BrightPixels(*out, 8, 200, 8 + 200, 308), 30);
  EXPECT_GT(BrightPixels(*out, 416, 200, 416 + 200, 308), 30);
  EXPECT_EQ(BrightPixels(*out, 8, 8, 808, 150), 0);
}

TEST(BeforeAfter, StacksPortraitsAndShowsBothImages) {
  auto out = BeforeAfter(Grey(300, 400, 30), Grey(300, 400, 200));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->width, 300 + 2 * 8);
  EXPECT_EQ(out->height, 2 * 400 + 3 * 8);
  auto at = [&](int x, int y) {
    return out->pixels[(static_cast<size_t>(y) * out->width + x) * 3];
  };
  EXPECT_EQ(at(150, 100), 30);   // before, on top
  EXPECT_EQ(at(150, 520), 200);  // after, below
}

TEST(BeforeAfter, ScalesTheAfterImageToTheSameHeight) {
  // A straightened (smaller, cropped) after image is shown at the before image's height.
  auto out = BeforeAfter(Grey(800, 600, 90), Grey(700, 525, 90));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->height, 525 + 2 * 9);
  EXPECT_EQ(out->width, 700 + 700 + 3 * 9);
}

TEST(BeforeAfter, RejectsAnEmptyImage) {
  auto out = BeforeAfter(RgbImage{}, Grey(10, 10, 0));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace camroll
