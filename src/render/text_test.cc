#include "render/text.h"

#include <gtest/gtest.h>

#include "render/canvas.h"

namespace camroll {
namespace {

// Counts pixels that differ from the background outside `box`.
int InkOutside(const RgbImage& img, const Rect& box) {
  int n = 0;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      if (x >= box.x && x < box.right() && y >= box.y && y < box.bottom()) continue;
      const uint8_t* p = img.pixels.data() + (static_cast<size_t>(y) * img.width + x) * 3;
      n += p[0] != 0 || p[1] != 0 || p[2] != 0;
    }
  }
  return n;
}

int InkInside(const RgbImage& img, const Rect& box) {
  int n = 0;
  for (int y = static_cast<int>(box.y); y < box.bottom(); ++y) {
    for (int x = static_cast<int>(box.x); x < box.right(); ++x) {
      n += img.pixels[(static_cast<size_t>(y) * img.width + x) * 3] != 0;
    }
  }
  return n;
}

TEST(DrawText, UsesTheLargestSizeThatFits) {
  Canvas canvas(600, 200, {0, 0, 0, 1});
  TextStyle style;
  style.max_px = 60;
  style.min_px = 10;
  const Rect box{20, 20, 560, 160};
  auto short_text = DrawText(canvas.cr(), "Porto", box, style);
  EXPECT_DOUBLE_EQ(short_text.font_px, 60);
  EXPECT_FALSE(short_text.ellipsised);
  auto long_text =
      MeasureText(canvas.cr(), "A long weekend by the river in Porto with friends", box, style);
  EXPECT_LT(long_text.font_px, 60);
  EXPECT_GE(long_text.font_px, 10);
  EXPECT_TRUE(box.Contains(long_text.ink, 0.5));
}

TEST(DrawText, NeverDrawsOutsideItsBoxEvenForHugeText) {
  std::string huge;
  for (int i = 0; i < 60; ++i) huge += "Supercalifragilistic ";
  for (const Rect& box : {Rect{50, 40, 300, 60}, Rect{10, 10, 120, 30}, Rect{100, 100, 400, 200}}) {
    Canvas canvas(600, 400, {0, 0, 0, 1});
    TextStyle style;
    style.max_px = 40;
    style.min_px = 12;
    style.max_lines = 3;
    auto r = DrawText(canvas.cr(), huge, box, style);
    EXPECT_TRUE(r.ellipsised);
    EXPECT_TRUE(box.Contains(r.ink, 0.5));
    RgbImage img = canvas.ToRgb();
    EXPECT_EQ(InkOutside(img, box), 0);
    EXPECT_GT(InkInside(img, box), 50) << "something was drawn";
  }
}

TEST(DrawText, DrawsAccentsAndNonLatinScripts) {
  Canvas canvas(600, 120, {0, 0, 0, 1});
  TextStyle style;
  style.family = "Noto Sans";
  auto r = DrawText(canvas.cr(), "Évora · São João · Αθήνα", {10, 10, 580, 100}, style);
  EXPECT_GT(r.font_px, 0);
  EXPECT_GT(InkInside(canvas.ToRgb(), {10, 10, 580, 100}), 100);
}

}  // namespace
}  // namespace camroll
