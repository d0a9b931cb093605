// In-memory 8-bit images and the few operations the scan needs on them.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"

namespace camroll {

// 8-bit sRGB, 3 interleaved channels, rows packed (stride = 3 * width).
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;

  bool empty() const { return width == 0 || height == 0; }
  int LongEdge() const { return width > height ? width : height; }
};

// 8-bit luma, rows packed.
struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
  uint8_t at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};

// Resizes so that the long edge is `long_edge` (never enlarges; returns a copy when the image
// is already that small), with the antialiased triangle filter of media/resample.h.
Result<RgbImage> ResizeToLongEdge(const RgbImage& image, int long_edge);

// Applies an EXIF orientation (1..8) so the result shows upright.
RgbImage ApplyOrientation(RgbImage image, int orientation);

// The same on raw interleaved pixels (`channels` bytes each): writes the upright image, whose
// size is (h, w) for the transposing orientations 5..8 and (w, h) otherwise, to dst.
void OrientPixels(const uint8_t* src, int w, int h, int channels, int orientation, uint8_t* dst);

// Baseline JPEG, 4:2:0, through libjpeg-turbo.
Result<std::vector<uint8_t>> EncodeJpeg(const RgbImage& image, int quality);

// Rec. 601 luma.
GrayImage ToGray(const RgbImage& image);
// Area-average downscale to exactly width x height (for hashes and measures on tiny images).
GrayImage ResizeGrayArea(const GrayImage& image, int width, int height);

}  // namespace camroll
