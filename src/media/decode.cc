#include "media/decode.h"

#include <fmt/format.h>
#include <turbojpeg.h>
#include <vips/vips.h>

#include <algorithm>
#include <string>

#include "media/codec_util.h"
#include "media/metadata.h"
#include "media/vips_util.h"

namespace camroll {
namespace {

Result<RgbImage> DecodeJpegTurbo(std::span<const uint8_t> bytes, int long_edge,
                                 const DecodeOptions& options) {
  internal::TjHandle tj(tjInitDecompress());
  if (!tj) return Fail(ErrorCode::kInternal, "tjInitDecompress failed");
  CAMROLL_ASSIGN_OR_RETURN(internal::JpegHeader header,
                           internal::ReadJpegHeader(tj.get(), bytes, options.max_pixels));
  if (header.colorspace == TJCS_CMYK || header.colorspace == TJCS_YCCK) {
    return Fail(ErrorCode::kUnsupported, "CMYK JPEG");  // the caller falls back to libvips
  }
  const tjscalingfactor scale =
      internal::PowerOfTwoScale(std::max(header.width, header.height), long_edge);
  RgbImage img;
  img.width = TJSCALED(header.width, scale);
  img.height = TJSCALED(header.height, scale);
  img.pixels.resize(static_cast<size_t>(img.width) * img.height * 3);
  if (tjDecompress2(tj.get(), bytes.data(), bytes.size(), img.pixels.data(), img.width, 0,
                    img.height, TJPF_RGB, 0) != 0 &&
      internal::FatalJpegError(tj.get())) {
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("truncated or corrupt JPEG: {}", tjGetErrorStr2(tj.get())));
  }
  if (img.LongEdge() > long_edge) return ResizeToLongEdge(img, long_edge);
  return img;
}

Result<RgbImage> DecodeWithVips(std::span<const uint8_t> bytes, Format format, int long_edge,
                                const DecodeOptions& options) {
  EnsureVips();
  // Read the header only (libvips loads lazily) and check the pixel limit before any decoding.
  VipsImagePtr header(vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access",
                                                 VIPS_ACCESS_SEQUENTIAL, nullptr));
  if (!header)
    return VipsError(fmt::format("unreadable {}", FormatName(format)), ErrorCode::kInvalidInput);
  const uint64_t w = static_cast<uint64_t>(vips_image_get_width(header.get()));
  const uint64_t h = static_cast<uint64_t>(vips_image_get_height(header.get()));
  if (w == 0 || h == 0) return Fail(ErrorCode::kInvalidInput, "image with no pixels");
  if (w * h > options.max_pixels) return internal::PixelLimitError(w, h, options.max_pixels);
  header.reset();

  VipsImage* raw = nullptr;
  // no_rotate: callers apply the orientation themselves, the same way for every backend.
  // fail_on=truncated: a cut-off file is an error, not a half-grey thumbnail.
  if (vips_thumbnail_buffer(const_cast<uint8_t*>(bytes.data()), bytes.size(), &raw, long_edge,
                            "height", long_edge, "size", VIPS_SIZE_DOWN, "no_rotate", TRUE,
                            "option_string", "fail_on=truncated", nullptr) != 0) {
    return VipsError(fmt::format("corrupt {}", FormatName(format)), ErrorCode::kInvalidInput);
  }
  VipsImagePtr thumb(raw);
  return ToRgbImage(thumb.get());
}

}  // namespace

std::string_view DecodeBackendName(DecodeBackend backend) {
  switch (backend) {
    case DecodeBackend::kAuto:
      return "auto";
    case DecodeBackend::kTurbo:
      return "turbo";
    case DecodeBackend::kVips:
      return "vips";
  }
  return "auto";
}

Result<RgbImage> DecodeImageScaled(std::span<const uint8_t> bytes, Format format, int long_edge,
                                   const DecodeOptions& options) {
  if (bytes.empty()) return Fail(ErrorCode::kInvalidInput, "empty file");
  if (long_edge <= 0) return Fail(ErrorCode::kInvalidInput, "target size must be positive");
  if (format == Format::kJpeg && options.backend != DecodeBackend::kVips) {
    auto img = DecodeJpegTurbo(bytes, long_edge, options);
    if (img || img.error().code() != ErrorCode::kUnsupported) return img;
    // CMYK and other colour spaces turbojpeg cannot turn into RGB: libvips can.
  }
  return DecodeWithVips(bytes, format, long_edge, options);
}

Result<RgbImage> DecodeImageUpright(std::span<const uint8_t> bytes, int long_edge,
                                    const DecodeOptions& options) {
  const Format format = SniffFormat(bytes.first(std::min<size_t>(bytes.size(), 64)));
  if (!IsSupported(format) || IsVideo(format)) {
    return Fail(ErrorCode::kUnsupported,
                fmt::format("not a still image camroll decodes ({})", FormatName(format)));
  }
  CAMROLL_ASSIGN_OR_RETURN(RgbImage image, DecodeImageScaled(bytes, format, long_edge, options));
  // HEIF decoders turn the image themselves and their metadata says 1.
  auto md = ReadImageMetadata(bytes, format);
  return ApplyOrientation(std::move(image), md ? md->orientation : 1);
}

}  // namespace camroll
