#include "render/restyle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/files.h"
#include "media/decode.h"
#include "media/format.h"
#include "media/test_images.h"
#include "testing/testing.h"

namespace camroll {
namespace {

constexpr int kW = 480, kH = 360;

const RgbImage& Card() {
  static const RgbImage card = testing::TestCard(kW, kH, 1);
  return card;
}

// The test card's disc (see media/test_images.cc) for seed 1.
struct Disc {
  double cx, cy, r;
};
Disc CardDisc(int w, int h) { return {w * (0.3 + 0.4 * 1 / 7.0), h * 0.55, std::min(w, h) / 5.0}; }

const uint8_t* Px(const RgbImage& img, int x, int y) {
  return img.pixels.data() + (static_cast<size_t>(y) * img.width + x) * 3;
}
double Luma(const RgbImage& img, int x, int y) {
  const uint8_t* p = Px(img, x, y);
  return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
}

// The share of directions from the disc's centre in which the disc's rim (+-`band` px) has a
// pixel darker than `dark`: how much of the edge is drawn.
double RimDrawn(const RgbImage& img, const Disc& d, double dark, int band) {
  int drawn = 0;
  constexpr int kAngles = 360;
  for (int a = 0; a < kAngles; ++a) {
    const double t = 2 * 3.14159265358979 * a / kAngles;
    bool ink = false;
    for (int r = -band; r <= band && !ink; ++r) {
      const int x = static_cast<int>(std::lround(d.cx + (d.r + r) * std::cos(t)));
      const int y = static_cast<int>(std::lround(d.cy + (d.r + r) * std::sin(t)));
      if (x >= 0 && y >= 0 && x < img.width && y < img.height) ink = Luma(img, x, y) < dark;
    }
    drawn += ink;
  }
  return static_cast<double>(drawn) / kAngles;
}

uint32_t Key(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]; }

size_t DistinctColours(const RgbImage& img) {
  std::unordered_set<uint32_t> colours;
  for (size_t i = 0; i < img.pixels.size(); i += 3) colours.insert(Key(&img.pixels[i]));
  return colours.size();
}

// The share of the pixels painted with the `n` most frequent colours.
double TopColoursShare(const RgbImage& img, size_t n) {
  std::unordered_map<uint32_t, int> count;
  for (size_t i = 0; i < img.pixels.size(); i += 3) ++count[Key(&img.pixels[i])];
  std::vector<int> counts;
  for (const auto& [colour, c] : count) counts.push_back(c);
  std::sort(counts.rbegin(), counts.rend());
  double top = 0;
  for (size_t i = 0; i < std::min(n, counts.size()); ++i) top += counts[i];
  return top / (static_cast<double>(img.width) * img.height);
}

// Mean squared luma difference between horizontal and vertical neighbours in a region: the
// energy of fine detail and noise.
double DetailEnergy(const RgbImage& img, int x0, int y0, int x1, int y1) {
  double sum = 0;
  int n = 0;
  for (int y = y0; y < y1 - 1; ++y) {
    for (int x = x0; x < x1 - 1; ++x) {
      const double l = Luma(img, x, y);
      const double dx = Luma(img, x + 1, y) - l, dy = Luma(img, x, y + 1) - l;
      sum += dx * dx + dy * dy;
      ++n;
    }
  }
  return sum / n;
}

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * (v.size() - 1))];
}

std::vector<double> Lumas(const RgbImage& img) {
  std::vector<double> out;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) out.push_back(Luma(img, x, y));
  }
  return out;
}

double MeanLuma(const RgbImage& img, int x0, int y0, int x1, int y1) {
  double sum = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) sum += Luma(img, x, y);
  }
  return sum / ((x1 - x0) * (y1 - y0));
}

RgbImage Solid(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.resize(static_cast<size_t>(w) * h * 3);
  for (size_t i = 0; i < img.pixels.size(); i += 3) {
    img.pixels[i] = r;
    img.pixels[i + 1] = g;
    img.pixels[i + 2] = b;
  }
  return img;
}

RgbImage Sample(const std::string& relative) {
  const auto path = testing::SourceDir() / ".deps" / relative;
  if (!std::filesystem::exists(path)) return {};
  auto bytes = ReadFile(path, 64 << 20);
  if (!bytes) return {};
  auto img = DecodeImageScaled(*bytes, SniffFormat(*bytes), 1440, DecodeOptions{});
  return img ? *img : RgbImage{};
}

TEST(LookNames, RoundTripAndDescribeEveryLook) {
  ASSERT_EQ(AllLooks().size(), 6u);
  std::unordered_set<std::string_view> names;
  for (Look look : AllLooks()) {
    EXPECT_EQ(LookFromName(LookName(look)), look);
    EXPECT_FALSE(LookDescription(look).empty());
    names.insert(LookName(look));
  }
  EXPECT_EQ(names.size(), 6u);
  EXPECT_EQ(LookName(Look::kPencilSketch), "pencil-sketch");
  EXPECT_EQ(LookName(Look::kOilPaint), "oil-paint");
  EXPECT_EQ(LookFromName("sepia"), std::nullopt);
  EXPECT_EQ(PortraitEffectName(PortraitEffect::kColourSplash), "colour-splash");
}

TEST(PortraitEffect, NamesRoundTrip) {
  for (PortraitEffect e : {PortraitEffect::kBackgroundBlur, PortraitEffect::kColourSplash,
                           PortraitEffect::kBackgroundSwap}) {
    EXPECT_EQ(PortraitEffectFromName(PortraitEffectName(e)), e);
  }
  EXPECT_FALSE(PortraitEffectFromName("watercolour"));
}

TEST(ApplyLook, KeepsTheSizeOfASmallPhotoForEveryLook) {
  for (Look look : AllLooks()) {
    auto out = ApplyLook(Card(), look, 1);
    ASSERT_TRUE(out.has_value()) << LookName(look) << ": " << out.error().ToString();
    EXPECT_EQ(out->width, kW) << LookName(look);
    EXPECT_EQ(out->height, kH) << LookName(look);
    EXPECT_EQ(out->pixels.size(), static_cast<size_t>(kW) * kH * 3);
  }
}

TEST(ApplyLook, ReducesALargePhotoToTheLookLongEdge) {
  const RgbImage big = testing::TestCard(2400, 1600, 2);
  auto out = ApplyLook(big, Look::kFilm, 1);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->width, kLookLongEdge);
  EXPECT_EQ(out->height, 960);
  const RgbImage tall = testing::TestCard(300, 1800, 2);
  auto out_tall = ApplyLook(tall, Look::kPencilSketch, 1);
  ASSERT_TRUE(out_tall.has_value());
  EXPECT_EQ(out_tall->height, kLookLongEdge);
  EXPECT_EQ(out_tall->width, 240);
}

TEST(ApplyLook, GivesTheSameBytesForTheSameSeed) {
  for (Look look : AllLooks()) {
    auto a = ApplyLook(Card(), look, 42);
    auto b = ApplyLook(Card(), look, 42);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->pixels, b->pixels) << LookName(look);
  }
}

TEST(ApplyLook, SeedChangesOnlyTheLooksWithNoise) {
  for (Look look : {Look::kFilm, Look::kWatercolour, Look::kPencilSketch}) {
    auto a = ApplyLook(Card(), look, 1);
    auto b = ApplyLook(Card(), look, 2);
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->pixels, b->pixels) << LookName(look);
  }
  for (Look look : {Look::kCartoon, Look::kOilPaint, Look::kPopArt}) {
    auto a = ApplyLook(Card(), look, 1);
    auto b = ApplyLook(Card(), look, 2);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->pixels, b->pixels) << LookName(look);
  }
}

TEST(ApplyLook, RejectsAnEmptyOrMalformedPhoto) {
  auto empty = ApplyLook(RgbImage{}, Look::kCartoon, 1);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidInput);
  RgbImage short_pixels = Card();
  short_pixels.pixels.resize(100);
  auto bad = ApplyLook(short_pixels, Look::kFilm, 1);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidInput);
}

TEST(Cartoon, PaintsWithFewColours) {
  auto out = ApplyLook(Card(), Look::kCartoon, 1);
  ASSERT_TRUE(out.has_value());
  const size_t before = DistinctColours(Card()), after = DistinctColours(*out);
  EXPECT_GT(before, 5000u);
  EXPECT_LE(after, 13u);  // 12 quantised colours and the ink
  EXPECT_GT(after, 3u);
}

TEST(Cartoon, DrawsInkAtTheDiscEdgeButNotInsideIt) {
  auto out = ApplyLook(Card(), Look::kCartoon, 1);
  ASSERT_TRUE(out.has_value());
  const Disc d = CardDisc(kW, kH);
  EXPECT_GT(RimDrawn(*out, d, 40, 4), 0.6);
  EXPECT_LT(RimDrawn(*out, Disc{d.cx, d.cy, d.r * 0.6}, 40, 4), 0.05);
}

TEST(PencilSketch, IsGreyMostlyPaperWithDarkStrokesAtEdges) {
  auto out = ApplyLook(Card(), Look::kPencilSketch, 1);
  ASSERT_TRUE(out.has_value());
  double chroma = 0;
  for (size_t i = 0; i < out->pixels.size(); i += 3) {
    chroma += std::max({out->pixels[i], out->pixels[i + 1], out->pixels[i + 2]}) -
              std::min({out->pixels[i], out->pixels[i + 1], out->pixels[i + 2]});
  }
  EXPECT_LT(chroma / (out->pixels.size() / 3), 12);  // the paper is barely warm
  const std::vector<double> l = Lumas(*out);
  EXPECT_GT(Percentile(l, 0.5), 200);
  // The disc's edge is drawn where it meets a darker background (its left half), and the inside
  // of the disc is blank paper.
  const Disc d = CardDisc(kW, kH);
  EXPECT_GT(RimDrawn(*out, d, 100, 4), 0.4);
  EXPECT_LT(RimDrawn(*out, Disc{d.cx, d.cy, d.r * 0.6}, 200, 4), 0.05);
}

TEST(OilPaint, SmoothsFlatRegionsButKeepsStrongEdges) {
  auto out = ApplyLook(Card(), Look::kOilPaint, 1);
  ASSERT_TRUE(out.has_value());
  // Top left: the card's gradient with pixel noise and no edges.
  const int x0 = 10, y0 = 10, x1 = kW / 5, y1 = kH / 4;
  EXPECT_LT(DetailEnergy(*out, x0, y0, x1, y1), 0.4 * DetailEnergy(Card(), x0, y0, x1, y1));
  // Across the disc's left edge, on its horizontal diameter: the step stays.
  const Disc d = CardDisc(kW, kH);
  const int y = static_cast<int>(d.cy);
  const int xl = static_cast<int>(d.cx - d.r);
  auto step = [&](const RgbImage& img) {
    return std::abs(MeanLuma(img, xl + 3, y - 2, xl + 7, y + 3) -
                    MeanLuma(img, xl - 7, y - 2, xl - 3, y + 3));
  };
  EXPECT_GT(step(Card()), 40);
  EXPECT_GT(step(*out), 0.7 * step(Card()));
}

TEST(Watercolour, LightensShadowsAndWashesOutPixelNoise) {
  auto out = ApplyLook(Card(), Look::kWatercolour, 1);
  ASSERT_TRUE(out.has_value());
  // Transparent washes on white paper: no deep shadows.
  EXPECT_GT(Percentile(Lumas(*out), 0.02), Percentile(Lumas(Card()), 0.02) + 15);
  const int x0 = 10, y0 = 10, x1 = kW / 5, y1 = kH / 4;
  EXPECT_LT(DetailEnergy(*out, x0, y0, x1, y1), 0.5 * DetailEnergy(Card(), x0, y0, x1, y1));
}

TEST(PopArt, PrintsWithAFewInksAndOutlines) {
  auto out = ApplyLook(Card(), Look::kPopArt, 1);
  ASSERT_TRUE(out.has_value());
  // Five inks, white and pale yellow paper: the dots' antialiased rims are the rest.
  EXPECT_GT(TopColoursShare(*out, 7), 0.75);
  EXPECT_LT(TopColoursShare(Card(), 7), 0.05);
  EXPECT_GT(RimDrawn(*out, CardDisc(kW, kH), 30, 3), 0.9);
}

TEST(Film, LiftsBlacksAndDarkensTheCorners) {
  // A card with a black square in the middle, where the vignette does not reach.
  RgbImage card = Card();
  for (int y = kH / 2 - 20; y < kH / 2 + 20; ++y) {
    for (int x = kW / 2 - 20; x < kW / 2 + 20; ++x) {
      uint8_t* p = card.pixels.data() + (static_cast<size_t>(y) * kW + x) * 3;
      p[0] = p[1] = p[2] = 0;
    }
  }
  auto out = ApplyLook(card, Look::kFilm, 1);
  ASSERT_TRUE(out.has_value());
  EXPECT_GT(MeanLuma(*out, kW / 2 - 15, kH / 2 - 15, kW / 2 + 15, kH / 2 + 15), 12);

  auto grey = ApplyLook(Solid(kW, kH, 128, 128, 128), Look::kFilm, 1);
  ASSERT_TRUE(grey.has_value());
  const double centre = MeanLuma(*grey, kW / 2 - 30, kH / 2 - 30, kW / 2 + 30, kH / 2 + 30);
  const double corner = MeanLuma(*grey, 0, 0, 30, 30);
  EXPECT_LT(corner, 0.85 * centre);
  // Grain: a flat grey is no longer flat.
  EXPECT_GT(DetailEnergy(*grey, kW / 2 - 30, kH / 2 - 30, kW / 2 + 30, kH / 2 + 30), 4);
}

TEST(ApplyLook, WorksOnARealPhoto) {
  const RgbImage photo = Sample("npm/face-api/demo/sample2.jpg");
  if (photo.empty()) GTEST_SKIP() << "sample photo not unpacked under .deps";
  auto cartoon = ApplyLook(photo, Look::kCartoon, 1);
  ASSERT_TRUE(cartoon.has_value());
  EXPECT_EQ(cartoon->LongEdge(), std::min(photo.LongEdge(), kLookLongEdge));
  EXPECT_LE(DistinctColours(*cartoon), 13u);
  auto sketch = ApplyLook(photo, Look::kPencilSketch, 1);
  ASSERT_TRUE(sketch.has_value());
  EXPECT_GT(Percentile(Lumas(*sketch), 0.5), 190);
}

// ---- Portrait effects ---------------------------------------------------------------------------

// A mask with the middle third (a "person") set.
GrayImage MiddleMask(int w, int h) {
  GrayImage m;
  m.width = w;
  m.height = h;
  m.pixels.assign(static_cast<size_t>(w) * h, 0);
  for (int y = h / 6; y < h; ++y) {
    for (int x = w / 3; x < 2 * w / 3; ++x) m.pixels[static_cast<size_t>(y) * w + x] = 255;
  }
  return m;
}

// Whether (x, y) lies well inside / well outside the middle-third person (10 px margin).
bool DeepInside(int x, int y, int w, int h) {
  return x > w / 3 + 10 && x < 2 * w / 3 - 10 && y > h / 6 + 10;
}
bool FarOutside(int x, int y, int w, int h) {
  return x < w / 3 - 10 || x > 2 * w / 3 + 10 || y < h / 6 - 10;
}

int MaxDiffInside(const RgbImage& a, const RgbImage& b) {
  int worst = 0;
  for (int y = 0; y < a.height; ++y) {
    for (int x = 0; x < a.width; ++x) {
      if (!DeepInside(x, y, a.width, a.height)) continue;
      for (int c = 0; c < 3; ++c)
        worst = std::max(worst, std::abs(Px(a, x, y)[c] - Px(b, x, y)[c]));
    }
  }
  return worst;
}

TEST(PortraitEffect, BackgroundBlurKeepsThePersonAndBlursTheRest) {
  const GrayImage mask = MiddleMask(kW, kH);
  auto out = ApplyPortraitEffect(Card(), mask, PortraitEffect::kBackgroundBlur);
  ASSERT_TRUE(out.has_value());
  ASSERT_EQ(out->width, kW);
  ASSERT_EQ(out->height, kH);
  EXPECT_EQ(MaxDiffInside(Card(), *out), 0);
  // The checkered patch (right third, top) is background: its detail is gone.
  const int x0 = static_cast<int>(kW * 0.7), x1 = static_cast<int>(kW * 0.88);
  const int y0 = static_cast<int>(kH * 0.12), y1 = static_cast<int>(kH * 0.38);
  EXPECT_LT(DetailEnergy(*out, x0, y0, x1, y1), 0.05 * DetailEnergy(Card(), x0, y0, x1, y1));
}

TEST(PortraitEffect, ColourSplashLeavesThePersonInColourAndTheRestGrey) {
  auto out = ApplyPortraitEffect(Card(), MiddleMask(kW, kH), PortraitEffect::kColourSplash);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(MaxDiffInside(Card(), *out), 0);
  int max_chroma_outside = 0;
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) {
      if (!FarOutside(x, y, kW, kH)) continue;
      const uint8_t* p = Px(*out, x, y);
      max_chroma_outside =
          std::max(max_chroma_outside, std::max({p[0], p[1], p[2]}) - std::min({p[0], p[1], p[2]}));
    }
  }
  EXPECT_LE(max_chroma_outside, 1);
}

TEST(PortraitEffect, BackgroundSwapPutsTheNewBackgroundBehindThePerson) {
  const RgbImage green = Solid(1000, 500, 10, 200, 30);
  auto out =
      ApplyPortraitEffect(Card(), MiddleMask(kW, kH), PortraitEffect::kBackgroundSwap, &green);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(MaxDiffInside(Card(), *out), 0);
  int worst = 0;
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) {
      if (!FarOutside(x, y, kW, kH)) continue;
      const uint8_t* p = Px(*out, x, y);
      worst = std::max({worst, std::abs(p[0] - 10), std::abs(p[1] - 200), std::abs(p[2] - 30)});
    }
  }
  EXPECT_LE(worst, 2);
}

TEST(PortraitEffect, BackgroundSwapWithoutAnImageUsesASoftGradient) {
  auto out = ApplyPortraitEffect(Card(), MiddleMask(kW, kH), PortraitEffect::kBackgroundSwap);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(MaxDiffInside(Card(), *out), 0);
  // Left of the person, every row is one colour (a vertical gradient), with no fine detail.
  for (int y = 0; y < kH; y += 7) {
    for (int x = 1; x < kW / 3 - 10; ++x) {
      for (int c = 0; c < 3; ++c) ASSERT_EQ(Px(*out, x, y)[c], Px(*out, 0, y)[c]) << x << "," << y;
    }
  }
  EXPECT_LT(DetailEnergy(*out, 0, 0, kW / 3 - 10, kH), 1);
  EXPECT_GT(MeanLuma(*out, 0, 0, 20, 20), 100);  // lightened, not a dark hole
}

TEST(PortraitEffect, ScalesAMaskOfAnotherSize) {
  const GrayImage small_mask = MiddleMask(kW / 4, kH / 4);
  auto out = ApplyPortraitEffect(Card(), small_mask, PortraitEffect::kColourSplash);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(MaxDiffInside(Card(), *out), 0);
  const uint8_t* corner = Px(*out, 5, 5);
  EXPECT_EQ(corner[0], corner[2]);
}

TEST(PortraitEffect, RejectsAnEmptyMaskOrBackground) {
  auto no_mask = ApplyPortraitEffect(Card(), GrayImage{}, PortraitEffect::kBackgroundBlur);
  ASSERT_FALSE(no_mask.has_value());
  EXPECT_EQ(no_mask.error().code(), ErrorCode::kInvalidInput);
  const RgbImage empty;
  auto no_bg =
      ApplyPortraitEffect(Card(), MiddleMask(kW, kH), PortraitEffect::kBackgroundSwap, &empty);
  ASSERT_FALSE(no_bg.has_value());
  EXPECT_EQ(no_bg.error().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace camroll
