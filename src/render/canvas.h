// A drawing surface for collages, title cards and frames: cairo underneath (premultiplied
// ARGB32), photos in and RGB out. Deterministic: the same calls give the same pixels.
#pragma once

#include <cairo.h>

#include <memory>
#include <optional>

#include "media/image.h"
#include "render/geometry.h"

namespace camroll {

class Canvas {
 public:
  Canvas(int width, int height, Rgba background);
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  int width() const { return width_; }
  int height() const { return height_; }
  // For drawing with cairo directly (paths, text through render/text.h).
  cairo_t* cr() { return cr_; }

  // Rotations are clockwise, in degrees, about the centre of `pivot` (default: the rectangle
  // drawn), so that a print and its photo turn together.
  void Fill(const Rect& rect, Rgba colour, double corner_radius = 0, double rotation_deg = 0,
            std::optional<Rect> pivot = std::nullopt);
  // Draws the `crop` (normalised) of `image` scaled to fill `dst`. The crop is resampled with
  // media/resample.h first, so the photo keeps its detail; cairo only places it.
  void DrawImage(const RgbImage& image, const Box& crop, const Rect& dst, double rotation_deg = 0,
                 double corner_radius = 0, std::optional<Rect> pivot = std::nullopt);
  // A soft drop shadow under a (possibly turned) rectangle.
  void Shadow(const Rect& rect, double rotation_deg, double blur_px, Rgba colour,
              std::optional<Rect> pivot = std::nullopt);

  // The canvas as 8-bit RGB (alpha composited over black; the background is opaque).
  RgbImage ToRgb() const;

 private:
  int width_, height_;
  cairo_surface_t* surface_;
  cairo_t* cr_;
};

// The crop of `image` given by `crop` (normalised), resampled to exactly w x h (Catmull-Rom;
// enlarges too).
RgbImage CropAndScale(const RgbImage& image, const Box& crop, int w, int h);

}  // namespace camroll
