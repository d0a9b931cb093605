// Planar YCbCr images, the form JPEG stores pixels in. The scan decodes a JPEG straight into
// planes at a reduced DCT scale, resizes the planes (chroma planes are a quarter of the luma's
// size in 4:2:0), measures on the luma plane and encodes thumbnails from the planes: no colour
// conversion anywhere on that path (docs/benchmarks.md has the numbers behind this).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"
#include "media/decode.h"
#include "media/image.h"

namespace camroll {

// Full-range BT.601 YCbCr (JFIF), 8 bits, chroma subsampled by sub_x, sub_y (1 or 2).
// A grey image has no chroma planes.
struct YuvImage {
  int width = 0;  // luma size
  int height = 0;
  int sub_x = 1;
  int sub_y = 1;
  bool gray = false;
  std::vector<uint8_t> y, cb, cr;  // packed rows

  int ChromaWidth() const { return (width + sub_x - 1) / sub_x; }
  int ChromaHeight() const { return (height + sub_y - 1) / sub_y; }
  int LongEdge() const { return width > height ? width : height; }
  bool empty() const { return width == 0 || height == 0; }
  GrayImage Luma() const { return GrayImage{width, height, y}; }
  GrayImage Cb() const { return GrayImage{ChromaWidth(), ChromaHeight(), cb}; }
  GrayImage Cr() const { return GrayImage{ChromaWidth(), ChromaHeight(), cr}; }
};

// Decodes a JPEG into planes at the smallest power-of-two DCT scale (1/1, 1/2, 1/4, 1/8: the
// scales libjpeg-turbo decodes with SIMD) whose long edge still reaches `min_long_edge`, or the
// full size when smaller. Refuses images over options.max_pixels before decoding. Fails with
// kUnsupported for colour layouts the planar path does not take (CMYK, 4:1:1): decode those
// with DecodeImageScaled.
Result<YuvImage> DecodeJpegPlanes(std::span<const uint8_t> jpeg, int min_long_edge,
                                  const DecodeOptions& options);

// Decodes the primary image of a HEIF or AVIF file (libheif, with the file's rotations and
// mirrors applied) into 8-bit 4:2:0 planes, without a round trip through RGB. Full size: HEIF
// has no reduced decoding. Refuses images over options.max_pixels before decoding. Fails with
// kUnsupported for what the planar path does not take (more than 8 bits, limited range or a
// matrix other than BT.601): decode those with DecodeImageScaled.
Result<YuvImage> DecodeHeifPlanes(std::span<const uint8_t> bytes, const DecodeOptions& options);

// 4:2:0 planes of an RGB image (libjpeg-turbo's SIMD conversion).
Result<YuvImage> ToYuv420(const RgbImage& rgb);

// Resizes every plane so that the luma's long edge is `long_edge` (never enlarges).
YuvImage ResizeYuvToLongEdge(const YuvImage& image, int long_edge);

// Applies an EXIF orientation (1..8) to every plane; a transposing orientation swaps the
// chroma subsampling factors (4:2:2 becomes 4:4:0).
YuvImage ApplyOrientation(const YuvImage& image, int orientation);

// A baseline JPEG from the planes, without colour conversion.
Result<std::vector<uint8_t>> EncodeJpeg(const YuvImage& image, int quality);

// For tests and tools: back to RGB.
Result<RgbImage> ToRgb(const YuvImage& image);

}  // namespace camroll
