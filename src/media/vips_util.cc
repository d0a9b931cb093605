#include "media/vips_util.h"

#include <fmt/format.h>

#include <cstring>
#include <mutex>
#include <string>

namespace camroll {

void EnsureVips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("camroll") != 0) return;
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_leak_set(FALSE);
  });
}

std::unexpected<Error> VipsError(std::string_view what, ErrorCode code) {
  std::string msg = vips_error_buffer();
  vips_error_clear();
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  for (char& c : msg) {
    if (c == '\n') c = ';';
  }
  return Fail(code, fmt::format("{}: {}", what, msg.empty() ? "libvips error" : msg));
}

Result<RgbImage> ToRgbImage(VipsImage* image) {
  VipsImagePtr current(image);
  g_object_ref(image);
  VipsImage* raw = nullptr;
  if (vips_image_get_interpretation(current.get()) != VIPS_INTERPRETATION_sRGB &&
      vips_image_get_interpretation(current.get()) != VIPS_INTERPRETATION_B_W) {
    if (vips_colourspace(current.get(), &raw, VIPS_INTERPRETATION_sRGB, nullptr) != 0) {
      return VipsError("converting to sRGB");
    }
    current.reset(raw);
  }
  if (current->Bands == 4 || current->Bands == 2) {  // flatten alpha onto white
    VipsArrayDouble* white = vips_array_double_newv(1, 255.0);
    int rc = vips_flatten(current.get(), &raw, "background", white, nullptr);
    vips_area_unref(VIPS_AREA(white));
    if (rc != 0) return VipsError("flattening alpha");
    current.reset(raw);
  }
  if (current->Bands == 1) {
    VipsImage* bands[3] = {current.get(), current.get(), current.get()};
    if (vips_bandjoin(bands, &raw, 3, nullptr) != 0) return VipsError("grey to RGB");
    current.reset(raw);
  }
  if (current->BandFmt != VIPS_FORMAT_UCHAR) {
    if (vips_cast(current.get(), &raw, VIPS_FORMAT_UCHAR, "shift", TRUE, nullptr) != 0) {
      return VipsError("casting to 8 bit");
    }
    current.reset(raw);
  }
  if (current->Bands != 3) {
    return Fail(ErrorCode::kUnsupported, fmt::format("{} colour bands", current->Bands));
  }
  size_t size = 0;
  void* mem = vips_image_write_to_memory(current.get(), &size);
  if (!mem) return VipsError("decoding pixels", ErrorCode::kInvalidInput);
  RgbImage out;
  out.width = vips_image_get_width(current.get());
  out.height = vips_image_get_height(current.get());
  out.pixels.assign(static_cast<uint8_t*>(mem), static_cast<uint8_t*>(mem) + size);
  g_free(mem);
  return out;
}

}  // namespace camroll
