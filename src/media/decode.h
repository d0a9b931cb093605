// Decoding for thumbnails and analysis: shrink-on-load, explicit limits, errors as values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "core/result.h"
#include "media/format.h"
#include "media/image.h"

namespace camroll {

enum class DecodeBackend {
  kAuto,   // libjpeg-turbo DCT scaling for JPEG, libvips for the rest (see docs/benchmarks.md)
  kTurbo,  // JPEG only: libjpeg-turbo at the smallest DCT scale >= target, then a Lanczos resize
  kVips,   // libvips thumbnail (its own shrink-on-load)
};

std::string_view DecodeBackendName(DecodeBackend backend);

struct DecodeOptions {
  // Refuse images with more pixels than this before decoding anything (decompression bombs).
  uint64_t max_pixels = 256'000'000;
  DecodeBackend backend = DecodeBackend::kAuto;
};

// Decodes an image to at most `long_edge` pixels on its long side (never enlarged), in stored
// orientation: apply MediaMetadata::orientation to show it upright. Truncated or corrupt data
// fails with kInvalidInput; an image over the pixel limit with kLimit.
Result<RgbImage> DecodeImageScaled(std::span<const uint8_t> bytes, Format format, int long_edge,
                                   const DecodeOptions& options);

// Decodes a still image (its format sniffed from the bytes) to at most `long_edge` on its long
// side and turns it upright by its EXIF orientation: the picture as people see it, which is what
// face detection and anything else that looks at content needs. Metadata that cannot be read
// counts as orientation 1. Fails like DecodeImageScaled, and with kUnsupported for videos and
// formats camroll does not decode.
Result<RgbImage> DecodeImageUpright(std::span<const uint8_t> bytes, int long_edge,
                                    const DecodeOptions& options);

// One representative frame (about a third into the first seconds) of a video, scaled to at most
// `long_edge`, as coded: apply the metadata's orientation to show it upright.
Result<RgbImage> DecodeVideoFrame(const std::filesystem::path& path, int long_edge,
                                  const DecodeOptions& options);

}  // namespace camroll
