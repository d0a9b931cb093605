// Private helpers shared by the media module's decoders: libjpeg-turbo and libheif set-up,
// header checks and the pixel limit. Not part of the module's public interface.
#pragma once

#include <libheif/heif.h>
#include <turbojpeg.h>

#include <cstdint>
#include <memory>
#include <span>

#include "core/result.h"

namespace camroll::internal {

std::unexpected<Error> PixelLimitError(uint64_t width, uint64_t height, uint64_t limit);

struct TjDeleter {
  void operator()(void* h) const { tjDestroy(h); }
};
using TjHandle = std::unique_ptr<void, TjDeleter>;

struct JpegHeader {
  int width = 0;
  int height = 0;
  int subsamp = 0;     // TJSAMP_*
  int colorspace = 0;  // TJCS_*
};

// Reads a JPEG's header and applies the pixel limit, before anything is decoded.
Result<JpegHeader> ReadJpegHeader(tjhandle tj, std::span<const uint8_t> jpeg, uint64_t max_pixels);

// The smallest power-of-two DCT scale (1/8, 1/4, 1/2, 1/1) whose long edge still reaches
// min(want, long_edge): libjpeg-turbo has SIMD IDCTs for exactly these, and on 12 MP photos 1/2
// decodes faster than 3/8 although it yields more pixels.
tjscalingfactor PowerOfTwoScale(int long_edge, int want);

// Whether the last libjpeg-turbo error leaves no usable image. Warnings ("extraneous bytes
// before marker") do; a premature end of data leaves grey where the photo should be, which is
// not a photo anyone wants shown.
bool FatalJpegError(tjhandle tj);

struct HeifContextFree {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HeifHandleRelease {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};

// A HEIF file read from memory (not copied: `bytes` must outlive it) and its primary image.
struct HeifFile {
  std::unique_ptr<heif_context, HeifContextFree> context;
  std::unique_ptr<heif_image_handle, HeifHandleRelease> primary;
};
Result<HeifFile> OpenHeif(std::span<const uint8_t> bytes);

}  // namespace camroll::internal
