#include "render/theme_frame.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <random>

#include "render/canvas.h"
#include "render/text.h"

namespace camroll {
namespace {

constexpr int kWidth = 1080, kHeight = 1920;
constexpr double kPi = std::numbers::pi;

void SetColour(cairo_t* cr, const Rgba& c, double alpha_scale = 1) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a * alpha_scale);
}

void Snowflake(cairo_t* cr, double x, double y, double r) {
  for (int arm = 0; arm < 6; ++arm) {
    const double a = arm * kPi / 3;
    const double ex = x + r * std::cos(a), ey = y + r * std::sin(a);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, ex, ey);
    // Two small barbs on each arm.
    for (double side : {-1.0, 1.0}) {
      const double bx = x + 0.6 * r * std::cos(a), by = y + 0.6 * r * std::sin(a);
      cairo_move_to(cr, bx, by);
      cairo_line_to(cr, bx + 0.3 * r * std::cos(a + side * kPi / 4),
                    by + 0.3 * r * std::sin(a + side * kPi / 4));
    }
  }
  cairo_set_line_width(cr, std::max(1.5, r / 8));
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_stroke(cr);
}

void Heart(cairo_t* cr, double x, double y, double r) {
  cairo_move_to(cr, x, y + r * 0.9);
  cairo_curve_to(cr, x - r * 1.4, y - r * 0.1, x - r * 0.6, y - r * 1.1, x, y - r * 0.35);
  cairo_curve_to(cr, x + r * 0.6, y - r * 1.1, x + r * 1.4, y - r * 0.1, x, y + r * 0.9);
  cairo_close_path(cr);
  cairo_fill(cr);
}

void Star(cairo_t* cr, double x, double y, double r, int points) {
  for (int i = 0; i < 2 * points; ++i) {
    const double a = -kPi / 2 + i * kPi / points;
    const double rr = i % 2 ? r * 0.42 : r;
    if (i == 0) {
      cairo_move_to(cr, x + rr * std::cos(a), y + rr * std::sin(a));
    } else {
      cairo_line_to(cr, x + rr * std::cos(a), y + rr * std::sin(a));
    }
  }
  cairo_close_path(cr);
  cairo_fill(cr);
}

void Decorate(cairo_t* cr, const ThemeStyle& style, uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0xdec0u);
  std::uniform_real_distribution<double> x(0, kWidth), y(0, kHeight), unit(0, 1);
  const Rgba c = style.decoration_colour;
  switch (style.decoration) {
    case Decoration::kNone:
      return;
    case Decoration::kSnowflakes:
      SetColour(cr, c);
      for (int i = 0; i < 70; ++i) Snowflake(cr, x(rng), y(rng), 8 + 30 * unit(rng) * unit(rng));
      return;
    case Decoration::kConfetti: {
      const std::array<Rgba, 5> palette = {c, Rgba::Hex(0xFFD23F), Rgba::Hex(0xEE4266),
                                           Rgba::Hex(0x3BCEAC), Rgba::Hex(0x540D6E)};
      for (int i = 0; i < 160; ++i) {
        cairo_save(cr);
        cairo_translate(cr, x(rng), y(rng));
        cairo_rotate(cr, unit(rng) * kPi);
        SetColour(cr, palette[i % palette.size()], 0.9);
        cairo_rectangle(cr, -7, -3, 14, 6);
        cairo_fill(cr);
        cairo_restore(cr);
      }
      return;
    }
    case Decoration::kSunRays: {
      const double cx = kWidth / 2.0, cy = -200;
      for (int i = 0; i < 24; ++i) {
        const double a0 = i * 2 * kPi / 24, a1 = a0 + kPi / 24;
        cairo_move_to(cr, cx, cy);
        cairo_line_to(cr, cx + 4000 * std::cos(a0), cy + 4000 * std::sin(a0));
        cairo_line_to(cr, cx + 4000 * std::cos(a1), cy + 4000 * std::sin(a1));
        cairo_close_path(cr);
        SetColour(cr, c, 0.18);
        cairo_fill(cr);
      }
      return;
    }
    case Decoration::kHearts:
      for (int i = 0; i < 40; ++i) {
        SetColour(cr, c, 0.4 + 0.6 * unit(rng));
        Heart(cr, x(rng), y(rng), 10 + 26 * unit(rng));
      }
      return;
    case Decoration::kStars:
      for (int i = 0; i < 90; ++i) {
        SetColour(cr, c, 0.3 + 0.7 * unit(rng));
        Star(cr, x(rng), y(rng), 3 + 12 * unit(rng) * unit(rng), i % 3 == 0 ? 4 : 5);
      }
      return;
    case Decoration::kWaves:
      for (int band = 0; band < 5; ++band) {
        const double base = kHeight - 90 - band * 55, phase = unit(rng) * 2 * kPi;
        cairo_move_to(cr, 0, kHeight);
        for (int px = 0; px <= kWidth; px += 12) {
          cairo_line_to(cr, px, base + 18 * std::sin(phase + px * 2 * kPi / 360));
        }
        cairo_line_to(cr, kWidth, kHeight);
        cairo_close_path(cr);
        SetColour(cr, c, 0.12 + 0.05 * band);
        cairo_fill(cr);
      }
      return;
    case Decoration::kLeaves:
      for (int i = 0; i < 45; ++i) {
        cairo_save(cr);
        cairo_translate(cr, x(rng), y(rng));
        cairo_rotate(cr, unit(rng) * 2 * kPi);
        cairo_scale(cr, 1, 0.45);
        cairo_arc(cr, 0, 0, 12 + 22 * unit(rng), 0, 2 * kPi);
        SetColour(cr, c, 0.35 + 0.5 * unit(rng));
        cairo_fill(cr);
        cairo_restore(cr);
      }
      return;
  }
}

}  // namespace

RgbImage ApplyGrade(const RgbImage& photo, const ColourGrade& g) {
  // A 256-entry table per channel for gain, contrast and lift; saturation per pixel.
  std::array<std::array<double, 256>, 3> curve{};
  for (int ch = 0; ch < 3; ++ch) {
    for (int v = 0; v < 256; ++v) {
      double x = v / 255.0 * g.gain[ch];
      x = (x - 0.5) * g.contrast + 0.5;
      x = g.lift + x * (1 - g.lift);
      curve[ch][v] = std::clamp(x, 0.0, 1.0) * 255.0;
    }
  }
  RgbImage out = photo;
  for (size_t i = 0; i + 2 < out.pixels.size(); i += 3) {
    const double r = curve[0][photo.pixels[i]], gr = curve[1][photo.pixels[i + 1]],
                 b = curve[2][photo.pixels[i + 2]];
    const double luma = 0.299 * r + 0.587 * gr + 0.114 * b;
    out.pixels[i] =
        static_cast<uint8_t>(std::clamp(luma + (r - luma) * g.saturation, 0.0, 255.0) + 0.5);
    out.pixels[i + 1] =
        static_cast<uint8_t>(std::clamp(luma + (gr - luma) * g.saturation, 0.0, 255.0) + 0.5);
    out.pixels[i + 2] =
        static_cast<uint8_t>(std::clamp(luma + (b - luma) * g.saturation, 0.0, 255.0) + 0.5);
  }
  return out;
}

Result<RgbImage> RenderThemeFrame(const RgbImage& photo, const ThemeStyle& style,
                                  const std::string& title, const std::string& subtitle,
                                  uint64_t seed) {
  if (photo.empty()) return Fail(ErrorCode::kInvalidInput, "themed frame without a photo");
  Canvas canvas(kWidth, kHeight, style.ground_bottom);
  cairo_t* cr = canvas.cr();
  cairo_pattern_t* ground = cairo_pattern_create_linear(0, 0, 0, kHeight);
  cairo_pattern_add_color_stop_rgb(ground, 0, style.ground_top.r, style.ground_top.g,
                                   style.ground_top.b);
  cairo_pattern_add_color_stop_rgb(ground, 1, style.ground_bottom.r, style.ground_bottom.g,
                                   style.ground_bottom.b);
  cairo_set_source(cr, ground);
  cairo_paint(cr);
  cairo_pattern_destroy(ground);
  Decorate(cr, style, seed);

  // The photo, whole, as large as fits, in its frame; photo and caption centred together.
  const double max_w = 920, max_h = 1260, border = 22, caption_h = 400, gap = 70;
  const double aspect = static_cast<double>(photo.width) / photo.height;
  const double w = std::min(max_w, max_h * aspect), h = w / aspect;
  const double top = std::max(90.0, (kHeight - (h + 2 * border + gap + caption_h)) / 2);
  const Rect window{(kWidth - w) / 2, top + border, w, h};
  const Rect frame{window.x - border, window.y - border, window.w + 2 * border,
                   window.h + 2 * border};
  canvas.Shadow(frame, 0, 26, {0, 0, 0, 0.45});
  canvas.Fill(frame, style.frame, 6);
  canvas.DrawImage(ApplyGrade(photo, style.grade), {0, 0, 1, 1}, window);

  TextStyle t;
  t.family = style.title_font;
  t.italic = style.title_italic;
  t.weight = 700;
  t.max_px = 88;
  t.min_px = 30;
  t.max_lines = 2;
  t.align = TextAlign::kCenter;
  t.colour = style.title_colour;
  t.shadow = {0, 0, 0, 0.35};
  const double caption_y = window.bottom() + border + gap;
  DrawText(cr, title, {70, caption_y, 940, 230}, t);
  TextStyle s = t;
  s.family = "DejaVu Sans";
  s.italic = false;
  s.weight = 400;
  s.max_px = 38;
  s.min_px = 16;
  s.colour = style.subtitle_colour;
  DrawText(cr, subtitle, {70, caption_y + 240, 940, 140}, s);
  return canvas.ToRgb();
}

}  // namespace camroll
