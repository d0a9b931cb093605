#include "media/codec_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace camroll::internal {

std::unexpected<Error> PixelLimitError(uint64_t width, uint64_t height, uint64_t limit) {
  return Fail(ErrorCode::kLimit,
              fmt::format("image declares {}x{} = {} pixels, over the limit of {}", width, height,
                          width * height, limit));
}

Result<JpegHeader> ReadJpegHeader(tjhandle tj, std::span<const uint8_t> jpeg, uint64_t max_pixels) {
  JpegHeader h;
  if (tjDecompressHeader3(tj, jpeg.data(), jpeg.size(), &h.width, &h.height, &h.subsamp,
                          &h.colorspace) != 0) {
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("corrupt JPEG header: {}", tjGetErrorStr2(tj)));
  }
  if (h.width <= 0 || h.height <= 0) return Fail(ErrorCode::kInvalidInput, "JPEG with no pixels");
  if (static_cast<uint64_t>(h.width) * static_cast<uint64_t>(h.height) > max_pixels) {
    return PixelLimitError(h.width, h.height, max_pixels);
  }
  return h;
}

tjscalingfactor PowerOfTwoScale(int long_edge, int want) {
  want = std::min(want, long_edge);
  for (int denom : {8, 4, 2}) {
    const tjscalingfactor f{1, denom};
    if (TJSCALED(long_edge, f) >= want) return f;
  }
  return {1, 1};
}

bool FatalJpegError(tjhandle tj) {
  const std::string msg = tjGetErrorStr2(tj);
  return tjGetErrorCode(tj) == TJERR_FATAL || msg.find("Premature end") != std::string::npos;
}

Result<HeifFile> OpenHeif(std::span<const uint8_t> bytes) {
  HeifFile file;
  file.context.reset(heif_context_alloc());
  // Tiles are decoded on the calling thread: the scan already runs one file per CPU.
  heif_context_set_max_decoding_threads(file.context.get(), 0);
  heif_error err = heif_context_read_from_memory_without_copy(file.context.get(), bytes.data(),
                                                              bytes.size(), nullptr);
  if (err.code != heif_error_Ok) {
    return Fail(ErrorCode::kInvalidInput, fmt::format("not a readable HEIF file: {}", err.message));
  }
  heif_image_handle* handle = nullptr;
  err = heif_context_get_primary_image_handle(file.context.get(), &handle);
  if (err.code != heif_error_Ok) {
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("HEIF without a primary image: {}", err.message));
  }
  file.primary.reset(handle);
  return file;
}

}  // namespace camroll::internal
