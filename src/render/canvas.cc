#include "render/canvas.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "media/resample.h"

namespace camroll {
namespace {

void RoundedRectPath(cairo_t* cr, const Rect& r, double radius) {
  if (radius <= 0) {
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    return;
  }
  radius = std::min({radius, r.w / 2, r.h / 2});
  const double pi = std::numbers::pi;
  cairo_new_sub_path(cr);
  cairo_arc(cr, r.right() - radius, r.y + radius, radius, -pi / 2, 0);
  cairo_arc(cr, r.right() - radius, r.bottom() - radius, radius, 0, pi / 2);
  cairo_arc(cr, r.x + radius, r.bottom() - radius, radius, pi / 2, pi);
  cairo_arc(cr, r.x + radius, r.y + radius, radius, pi, 3 * pi / 2);
  cairo_close_path(cr);
}

// Turns the cairo context about the centre of `r`.
void RotateAbout(cairo_t* cr, const Rect& r, double degrees) {
  if (degrees == 0) return;
  cairo_translate(cr, r.x + r.w / 2, r.y + r.h / 2);
  cairo_rotate(cr, degrees * std::numbers::pi / 180);
  cairo_translate(cr, -(r.x + r.w / 2), -(r.y + r.h / 2));
}

}  // namespace

RgbImage CropAndScale(const RgbImage& image, const Box& crop, int w, int h) {
  const int x0 =
      std::clamp(static_cast<int>(std::lround(crop.x * image.width)), 0, image.width - 1);
  const int y0 =
      std::clamp(static_cast<int>(std::lround(crop.y * image.height)), 0, image.height - 1);
  const int x1 =
      std::clamp(static_cast<int>(std::lround(crop.right() * image.width)), x0 + 1, image.width);
  const int y1 =
      std::clamp(static_cast<int>(std::lround(crop.bottom() * image.height)), y0 + 1, image.height);
  RgbImage cut;
  cut.width = x1 - x0;
  cut.height = y1 - y0;
  cut.pixels.resize(static_cast<size_t>(cut.width) * cut.height * 3);
  for (int y = 0; y < cut.height; ++y) {
    const uint8_t* src = image.pixels.data() + (static_cast<size_t>(y0 + y) * image.width + x0) * 3;
    std::copy(src, src + static_cast<size_t>(cut.width) * 3,
              cut.pixels.data() + static_cast<size_t>(y) * cut.width * 3);
  }
  if (cut.width == w && cut.height == h) return cut;
  return ResampleDown(cut, w, h);
}

Canvas::Canvas(int width, int height, Rgba background)
    : width_(width),
      height_(height),
      surface_(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height)),
      cr_(cairo_create(surface_)) {
  cairo_set_source_rgba(cr_, background.r, background.g, background.b, 1);
  cairo_paint(cr_);
}

Canvas::~Canvas() {
  cairo_destroy(cr_);
  cairo_surface_destroy(surface_);
}

void Canvas::Fill(const Rect& rect, Rgba colour, double corner_radius, double rotation_deg,
                  std::optional<Rect> pivot) {
  cairo_save(cr_);
  RotateAbout(cr_, pivot.value_or(rect), rotation_deg);
  RoundedRectPath(cr_, rect, corner_radius);
  cairo_set_source_rgba(cr_, colour.r, colour.g, colour.b, colour.a);
  cairo_fill(cr_);
  cairo_restore(cr_);
}

void Canvas::DrawImage(const RgbImage& image, const Box& crop, const Rect& dst, double rotation_deg,
                       double corner_radius, std::optional<Rect> pivot) {
  const int w = std::max(1, static_cast<int>(std::lround(dst.w)));
  const int h = std::max(1, static_cast<int>(std::lround(dst.h)));
  RgbImage scaled = CropAndScale(image, crop, w, h);
  // Into a cairo surface (xRGB, native-endian 32 bit).
  cairo_surface_t* tile = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_surface_flush(tile);
  uint8_t* data = cairo_image_surface_get_data(tile);
  const int stride = cairo_image_surface_get_stride(tile);
  for (int y = 0; y < h; ++y) {
    uint32_t* row = reinterpret_cast<uint32_t*>(data + static_cast<size_t>(y) * stride);
    const uint8_t* src = scaled.pixels.data() + static_cast<size_t>(y) * w * 3;
    for (int x = 0; x < w; ++x) {
      row[x] = 0xFF000000u | (uint32_t{src[3 * x]} << 16) | (uint32_t{src[3 * x + 1]} << 8) |
               src[3 * x + 2];
    }
  }
  cairo_surface_mark_dirty(tile);
  cairo_save(cr_);
  RotateAbout(cr_, pivot.value_or(dst), rotation_deg);
  RoundedRectPath(cr_, dst, corner_radius);
  cairo_clip(cr_);
  // Place the tile at the rectangle's rounded origin; the sub-pixel remainder is negligible.
  cairo_set_source_surface(cr_, tile, std::round(dst.x), std::round(dst.y));
  cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_GOOD);
  cairo_paint(cr_);
  cairo_restore(cr_);
  cairo_surface_destroy(tile);
}

void Canvas::Shadow(const Rect& rect, double rotation_deg, double blur_px, Rgba colour,
                    std::optional<Rect> pivot) {
  // Concentric translucent rounded rectangles: a cheap, deterministic soft shadow.
  const int steps = std::max(1, static_cast<int>(blur_px / 2));
  cairo_save(cr_);
  RotateAbout(cr_, pivot.value_or(rect), rotation_deg);
  for (int i = steps; i >= 1; --i) {
    const double grow = blur_px * i / steps;
    Rect r{rect.x - grow / 2, rect.y - grow / 2 + blur_px / 3, rect.w + grow, rect.h + grow};
    RoundedRectPath(cr_, r, grow);
    cairo_set_source_rgba(cr_, colour.r, colour.g, colour.b, colour.a / steps);
    cairo_fill(cr_);
  }
  cairo_restore(cr_);
}

RgbImage Canvas::ToRgb() const {
  cairo_surface_flush(surface_);
  const uint8_t* data = cairo_image_surface_get_data(surface_);
  const int stride = cairo_image_surface_get_stride(surface_);
  RgbImage out;
  out.width = width_;
  out.height = height_;
  out.pixels.resize(static_cast<size_t>(width_) * height_ * 3);
  for (int y = 0; y < height_; ++y) {
    const uint32_t* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    uint8_t* dst = out.pixels.data() + static_cast<size_t>(y) * width_ * 3;
    for (int x = 0; x < width_; ++x) {
      dst[3 * x] = static_cast<uint8_t>(row[x] >> 16);
      dst[3 * x + 1] = static_cast<uint8_t>(row[x] >> 8);
      dst[3 * x + 2] = static_cast<uint8_t>(row[x]);
    }
  }
  return out;
}

}  // namespace camroll
