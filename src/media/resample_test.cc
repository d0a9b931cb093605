#include "media/resample.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "media/test_images.h"

namespace camroll {
namespace {

// The same filter in double precision, written the obvious way: the fixed-point version must
// agree with it to within rounding.
std::vector<double> Reference(const std::vector<uint8_t>& src, int sw, int sh, int ch, int dw,
                              int dh) {
  auto cubic = [](double x) {  // Keys, a = -0.5
    x = std::abs(x);
    if (x < 1) return 1.5 * x * x * x - 2.5 * x * x + 1;
    if (x < 2) return -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2;
    return 0.0;
  };
  auto weights = [&](int in, int out, int o) {
    const double scale = static_cast<double>(in) / out, stretch = std::max(1.0, scale);
    const double center = (o + 0.5) * scale;
    std::vector<std::pair<int, double>> w;
    double total = 0;
    for (int i = 0; i < in; ++i) {
      double v = cubic((i + 0.5 - center) / stretch);
      if (v != 0) {
        w.emplace_back(i, v);
        total += v;
      }
    }
    for (auto& [i, v] : w) v /= total;
    return w;
  };
  std::vector<double> out(static_cast<size_t>(dw) * dh * ch);
  for (int y = 0; y < dh; ++y) {
    auto wy = weights(sh, dh, y);
    for (int x = 0; x < dw; ++x) {
      auto wx = weights(sw, dw, x);
      for (int c = 0; c < ch; ++c) {
        double v = 0;
        for (auto [iy, fy] : wy) {
          for (auto [ix, fx] : wx) v += fy * fx * src[(static_cast<size_t>(iy) * sw + ix) * ch + c];
        }
        out[(static_cast<size_t>(y) * dw + x) * ch + c] = std::clamp(v, 0.0, 255.0);
      }
    }
  }
  return out;
}

class ResampleDownPaths : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { TEST_UsePortableResample(GetParam()); }
  void TearDown() override { TEST_UsePortableResample(false); }
};

TEST_P(ResampleDownPaths, AgreesWithADoublePrecisionReference) {
  RgbImage card = testing::TestCard(203, 151, 4);
  for (auto [dw, dh] :
       {std::pair{145, 108}, std::pair{64, 48}, std::pair{203, 100}, std::pair{7, 5}}) {
    RgbImage out = ResampleDown(card, dw, dh);
    auto ref = Reference(card.pixels, card.width, card.height, 3, dw, dh);
    double worst = 0;
    for (size_t i = 0; i < ref.size(); ++i)
      worst = std::max(worst, std::abs(out.pixels[i] - ref[i]));
    // Rounding to 8 bits between the passes and Q14 weights: within 2 levels.
    EXPECT_LE(worst, 2.0) << dw << "x" << dh;
  }
}

INSTANTIATE_TEST_SUITE_P(, ResampleDownPaths, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Portable" : "Fastest"; });

TEST(ResampleDown, KeepsFlatImagesFlat) {
  GrayImage flat;
  flat.width = 100;
  flat.height = 80;
  flat.pixels.assign(8000, 173);
  GrayImage out = ResampleDown(flat, 33, 17);
  for (uint8_t v : out.pixels) EXPECT_EQ(v, 173);
}

TEST(ResampleDown, AveragesAwayDetailFinerThanTheOutputGrid) {
  // A one-pixel checkerboard shrunk 3.3 times must become mid grey, not a new pattern.
  GrayImage checker;
  checker.width = 330;
  checker.height = 330;
  checker.pixels.resize(330 * 330);
  for (int y = 0; y < 330; ++y) {
    for (int x = 0; x < 330; ++x) checker.pixels[y * 330 + x] = ((x + y) % 2) ? 255 : 0;
  }
  GrayImage out = ResampleDown(checker, 100, 100);
  for (uint8_t v : out.pixels) {
    EXPECT_GE(v, 118);
    EXPECT_LE(v, 137);
  }
}

TEST(ResampleDown, CopiesWhenTheSizeIsUnchanged) {
  RgbImage card = testing::TestCard(40, 30);
  EXPECT_EQ(ResampleDown(card, 40, 30).pixels, card.pixels);
}

}  // namespace
}  // namespace camroll
