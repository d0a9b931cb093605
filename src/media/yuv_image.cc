#include "media/yuv_image.h"

#include <fmt/format.h>
#include <libheif/heif.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "media/codec_util.h"
#include "media/resample.h"

namespace camroll {
namespace {

using internal::TjHandle;

// libjpeg-turbo's subsampling constant for the planes' layout, or -1 when it has none.
int Subsampling(const YuvImage& image) {
  if (image.gray) return TJSAMP_GRAY;
  if (image.sub_x == 1 && image.sub_y == 1) return TJSAMP_444;
  if (image.sub_x == 2 && image.sub_y == 1) return TJSAMP_422;
  if (image.sub_x == 2 && image.sub_y == 2) return TJSAMP_420;
  if (image.sub_x == 1 && image.sub_y == 2) return TJSAMP_440;
  return -1;
}

// Copies `plane` (w x h) into a (pw x ph) buffer, repeating the last column and row: libjpeg-
// turbo reads planes padded to whole chroma blocks.
std::vector<uint8_t> Padded(const std::vector<uint8_t>& plane, int w, int h, int pw, int ph) {
  std::vector<uint8_t> out(static_cast<size_t>(pw) * ph);
  for (int y = 0; y < ph; ++y) {
    const uint8_t* src = plane.data() + static_cast<size_t>(std::min(y, h - 1)) * w;
    uint8_t* dst = out.data() + static_cast<size_t>(y) * pw;
    std::copy(src, src + w, dst);
    std::fill(dst + w, dst + pw, src[w - 1]);
  }
  return out;
}

// Drops the padding columns and rows of a plane libjpeg-turbo wrote.
void Unpad(std::vector<uint8_t>& plane, int pw, int w, int h) {
  if (pw == w) {
    plane.resize(static_cast<size_t>(w) * h);
    return;
  }
  for (int y = 0; y < h; ++y) {
    std::copy(plane.begin() + static_cast<ptrdiff_t>(y) * pw,
              plane.begin() + static_cast<ptrdiff_t>(y) * pw + w,
              plane.begin() + static_cast<ptrdiff_t>(y) * w);
  }
  plane.resize(static_cast<size_t>(w) * h);
}

// Planes of `image` laid out as libjpeg-turbo wants them (padded luma), or the packed ones.
struct TjPlanes {
  std::vector<uint8_t> storage[3];
  const unsigned char* planes[3] = {nullptr, nullptr, nullptr};
  int strides[3] = {0, 0, 0};
};

TjPlanes ForTurbo(const YuvImage& image, int subsamp) {
  TjPlanes t;
  const std::vector<uint8_t>* src[3] = {&image.y, &image.cb, &image.cr};
  const int count = image.gray ? 1 : 3;
  for (int i = 0; i < count; ++i) {
    const int w = i == 0 ? image.width : image.ChromaWidth();
    const int h = i == 0 ? image.height : image.ChromaHeight();
    const int pw = tjPlaneWidth(i, image.width, subsamp);
    const int ph = tjPlaneHeight(i, image.height, subsamp);
    if (pw != w || ph != h) {
      t.storage[i] = Padded(*src[i], w, h, pw, ph);
      t.planes[i] = t.storage[i].data();
    } else {
      t.planes[i] = src[i]->data();
    }
    t.strides[i] = pw;
  }
  return t;
}

}  // namespace

Result<YuvImage> DecodeJpegPlanes(std::span<const uint8_t> jpeg, int min_long_edge,
                                  const DecodeOptions& options) {
  TjHandle tj(tjInitDecompress());
  if (!tj) return Fail(ErrorCode::kInternal, "tjInitDecompress failed");
  CAMROLL_ASSIGN_OR_RETURN(internal::JpegHeader header,
                           internal::ReadJpegHeader(tj.get(), jpeg, options.max_pixels));
  const int width = header.width, height = header.height, subsamp = header.subsamp;
  if (header.colorspace == TJCS_CMYK || header.colorspace == TJCS_YCCK || subsamp < 0 ||
      subsamp == TJSAMP_411) {
    return Fail(ErrorCode::kUnsupported, "JPEG colour layout without a planar path");
  }
  const tjscalingfactor scale = internal::PowerOfTwoScale(std::max(width, height), min_long_edge);
  YuvImage img;
  img.width = TJSCALED(width, scale);
  img.height = TJSCALED(height, scale);
  img.gray = subsamp == TJSAMP_GRAY;
  img.sub_x = img.gray ? 1 : tjMCUWidth[subsamp] / 8;
  img.sub_y = img.gray ? 1 : tjMCUHeight[subsamp] / 8;
  std::vector<uint8_t>* planes[3] = {&img.y, &img.cb, &img.cr};
  unsigned char* dst[3] = {nullptr, nullptr, nullptr};
  int strides[3] = {0, 0, 0};
  const int count = img.gray ? 1 : 3;
  for (int i = 0; i < count; ++i) {
    const int pw = tjPlaneWidth(i, img.width, subsamp), ph = tjPlaneHeight(i, img.height, subsamp);
    planes[i]->resize(static_cast<size_t>(pw) * ph);
    dst[i] = planes[i]->data();
    strides[i] = pw;
  }
  if (tjDecompressToYUVPlanes(tj.get(), jpeg.data(), jpeg.size(), dst, img.width, strides,
                              img.height, 0) != 0 &&
      internal::FatalJpegError(tj.get())) {
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("truncated or corrupt JPEG: {}", tjGetErrorStr2(tj.get())));
  }
  Unpad(img.y, strides[0], img.width, img.height);
  if (!img.gray) {
    Unpad(img.cb, strides[1], img.ChromaWidth(), img.ChromaHeight());
    Unpad(img.cr, strides[2], img.ChromaWidth(), img.ChromaHeight());
  }
  return img;
}

namespace {

struct HeifImageRelease {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
struct HeifOptionsFree {
  void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
};

}  // namespace

Result<YuvImage> DecodeHeifPlanes(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(internal::HeifFile file, internal::OpenHeif(bytes));
  heif_image_handle* handle = file.primary.get();
  const uint64_t w = static_cast<uint64_t>(std::max(0, heif_image_handle_get_width(handle)));
  const uint64_t h = static_cast<uint64_t>(std::max(0, heif_image_handle_get_height(handle)));
  if (w == 0 || h == 0) return Fail(ErrorCode::kInvalidInput, "HEIF image with no pixels");
  if (w * h > options.max_pixels) {
    return Fail(ErrorCode::kLimit,
                fmt::format("image declares {}x{} = {} pixels, over the limit of {}", w, h, w * h,
                            options.max_pixels));
  }
  if (heif_image_handle_get_luma_bits_per_pixel(handle) != 8) {
    return Fail(ErrorCode::kUnsupported, "HEIF with more than 8 bits per sample");
  }
  heif_color_profile_nclx* nclx = nullptr;
  if (heif_image_handle_get_nclx_color_profile(handle, &nclx).code == heif_error_Ok && nclx) {
    const bool jpeg_like =
        nclx->full_range_flag &&
        (nclx->matrix_coefficients == heif_matrix_coefficients_ITU_R_BT_601_6 ||
         nclx->matrix_coefficients == heif_matrix_coefficients_ITU_R_BT_470_6_System_B_G);
    heif_nclx_color_profile_free(nclx);
    if (!jpeg_like) return Fail(ErrorCode::kUnsupported, "HEIF colour matrix other than JPEG's");
  }
  std::unique_ptr<heif_decoding_options, HeifOptionsFree> decode_options(
      heif_decoding_options_alloc());
  heif_image* raw_image = nullptr;
  heif_error err = heif_decode_image(handle, &raw_image, heif_colorspace_YCbCr, heif_chroma_420,
                                     decode_options.get());
  if (err.code != heif_error_Ok) {
    return Fail(ErrorCode::kInvalidInput, fmt::format("corrupt HEIF image: {}", err.message));
  }
  std::unique_ptr<heif_image, HeifImageRelease> image(raw_image);
  YuvImage out;
  out.width = heif_image_get_width(image.get(), heif_channel_Y);
  out.height = heif_image_get_height(image.get(), heif_channel_Y);
  out.sub_x = out.sub_y = 2;
  const std::pair<heif_channel, std::vector<uint8_t>*> planes[] = {
      {heif_channel_Y, &out.y}, {heif_channel_Cb, &out.cb}, {heif_channel_Cr, &out.cr}};
  for (const auto& [channel, plane] : planes) {
    const int pw = channel == heif_channel_Y ? out.width : out.ChromaWidth();
    const int ph = channel == heif_channel_Y ? out.height : out.ChromaHeight();
    int stride = 0;
    const uint8_t* src = heif_image_get_plane_readonly(image.get(), channel, &stride);
    if (!src || heif_image_get_width(image.get(), channel) < pw ||
        heif_image_get_height(image.get(), channel) < ph) {
      return Fail(ErrorCode::kInvalidInput, "HEIF image without the expected planes");
    }
    plane->resize(static_cast<size_t>(pw) * ph);
    for (int y = 0; y < ph; ++y) {
      std::copy(src + static_cast<size_t>(y) * stride, src + static_cast<size_t>(y) * stride + pw,
                plane->data() + static_cast<size_t>(y) * pw);
    }
  }
  return out;
}

Result<YuvImage> ToYuv420(const RgbImage& rgb) {
  if (rgb.empty()) return Fail(ErrorCode::kInvalidInput, "empty image");
  TjHandle tj(tjInitCompress());
  if (!tj) return Fail(ErrorCode::kInternal, "tjInitCompress failed");
  YuvImage img;
  img.width = rgb.width;
  img.height = rgb.height;
  img.sub_x = img.sub_y = 2;
  std::vector<uint8_t>* planes[3] = {&img.y, &img.cb, &img.cr};
  unsigned char* dst[3];
  int strides[3];
  for (int i = 0; i < 3; ++i) {
    const int pw = tjPlaneWidth(i, img.width, TJSAMP_420),
              ph = tjPlaneHeight(i, img.height, TJSAMP_420);
    planes[i]->resize(static_cast<size_t>(pw) * ph);
    dst[i] = planes[i]->data();
    strides[i] = pw;
  }
  if (tjEncodeYUVPlanes(tj.get(), rgb.pixels.data(), rgb.width, 0, rgb.height, TJPF_RGB, dst,
                        strides, TJSAMP_420, 0) != 0) {
    return Fail(ErrorCode::kInternal, fmt::format("RGB to YCbCr: {}", tjGetErrorStr2(tj.get())));
  }
  Unpad(img.y, strides[0], img.width, img.height);
  Unpad(img.cb, strides[1], img.ChromaWidth(), img.ChromaHeight());
  Unpad(img.cr, strides[2], img.ChromaWidth(), img.ChromaHeight());
  return img;
}

YuvImage ResizeYuvToLongEdge(const YuvImage& image, int long_edge) {
  if (image.empty() || image.LongEdge() <= long_edge || long_edge <= 0) return image;
  const double scale = static_cast<double>(long_edge) / image.LongEdge();
  YuvImage out;
  out.width =
      std::min(image.width, std::max(1, static_cast<int>(std::lround(image.width * scale))));
  out.height =
      std::min(image.height, std::max(1, static_cast<int>(std::lround(image.height * scale))));
  out.sub_x = image.sub_x;
  out.sub_y = image.sub_y;
  out.gray = image.gray;
  out.y.resize(static_cast<size_t>(out.width) * out.height);
  ResampleDown(image.y.data(), image.width, image.height, 1, out.y.data(), out.width, out.height);
  if (!image.gray) {
    for (auto [src, dst] : {std::pair{&image.cb, &out.cb}, std::pair{&image.cr, &out.cr}}) {
      dst->resize(static_cast<size_t>(out.ChromaWidth()) * out.ChromaHeight());
      ResampleDown(src->data(), image.ChromaWidth(), image.ChromaHeight(), 1, dst->data(),
                   out.ChromaWidth(), out.ChromaHeight());
    }
  }
  return out;
}

YuvImage ApplyOrientation(const YuvImage& image, int orientation) {
  if (orientation <= 1 || orientation > 8 || image.empty()) return image;
  const bool swap = orientation >= 5;
  YuvImage out;
  out.width = swap ? image.height : image.width;
  out.height = swap ? image.width : image.height;
  out.sub_x = swap ? image.sub_y : image.sub_x;
  out.sub_y = swap ? image.sub_x : image.sub_y;
  out.gray = image.gray;
  out.y.resize(image.y.size());
  OrientPixels(image.y.data(), image.width, image.height, 1, orientation, out.y.data());
  if (!image.gray) {
    out.cb.resize(image.cb.size());
    out.cr.resize(image.cr.size());
    OrientPixels(image.cb.data(), image.ChromaWidth(), image.ChromaHeight(), 1, orientation,
                 out.cb.data());
    OrientPixels(image.cr.data(), image.ChromaWidth(), image.ChromaHeight(), 1, orientation,
                 out.cr.data());
  }
  return out;
}

Result<std::vector<uint8_t>> EncodeJpeg(const YuvImage& image, int quality) {
  if (image.empty()) return Fail(ErrorCode::kInvalidInput, "encoding an empty image");
  const int subsamp = Subsampling(image);
  if (subsamp < 0) return Fail(ErrorCode::kUnsupported, "chroma layout without a JPEG equivalent");
  TjHandle tj(tjInitCompress());
  if (!tj) return Fail(ErrorCode::kInternal, "tjInitCompress failed");
  TjPlanes planes = ForTurbo(image, subsamp);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  if (tjCompressFromYUVPlanes(tj.get(), planes.planes, image.width, planes.strides, image.height,
                              subsamp, &buf, &size, quality, 0) != 0) {
    std::string msg = tjGetErrorStr2(tj.get());
    tjFree(buf);
    return Fail(ErrorCode::kInternal, fmt::format("JPEG encoding failed: {}", msg));
  }
  std::vector<uint8_t> out(buf, buf + size);
  tjFree(buf);
  return out;
}

Result<RgbImage> ToRgb(const YuvImage& image) {
  if (image.empty()) return Fail(ErrorCode::kInvalidInput, "empty image");
  const int subsamp = Subsampling(image);
  if (subsamp < 0) return Fail(ErrorCode::kUnsupported, "chroma layout without a JPEG equivalent");
  TjHandle tj(tjInitDecompress());
  TjPlanes planes = ForTurbo(image, subsamp);
  RgbImage rgb;
  rgb.width = image.width;
  rgb.height = image.height;
  rgb.pixels.resize(static_cast<size_t>(rgb.width) * rgb.height * 3);
  if (tjDecodeYUVPlanes(tj.get(), planes.planes, planes.strides, subsamp, rgb.pixels.data(),
                        rgb.width, 0, rgb.height, TJPF_RGB, 0) != 0) {
    return Fail(ErrorCode::kInternal, fmt::format("YCbCr to RGB: {}", tjGetErrorStr2(tj.get())));
  }
  return rgb;
}

}  // namespace camroll
