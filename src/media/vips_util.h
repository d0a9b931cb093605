// Private helpers for calling libvips from the media module.
#pragma once

#include <vips/vips.h>

#include <memory>
#include <string_view>

#include "core/result.h"
#include "media/image.h"

namespace camroll {

// Initialises libvips once per process: one worker per pipeline (the scan parallelises across
// files), no operation cache (every image is seen once).
void EnsureVips();

struct VipsUnref {
  void operator()(VipsImage* image) const {
    if (image) g_object_unref(image);
  }
};
using VipsImagePtr = std::unique_ptr<VipsImage, VipsUnref>;

// The last libvips error of this thread as an Error, and clears it.
std::unexpected<Error> VipsError(std::string_view what, ErrorCode code = ErrorCode::kInternal);

// Converts any libvips image to 8-bit sRGB with 3 bands and copies it out.
Result<RgbImage> ToRgbImage(VipsImage* image);

}  // namespace camroll
