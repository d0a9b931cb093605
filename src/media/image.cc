#include "media/image.h"

#include <fmt/format.h>
#include <turbojpeg.h>
#include <vips/vips.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "media/vips_util.h"

namespace camroll {

Result<RgbImage> ResizeToLongEdge(const RgbImage& image, int long_edge) {
  if (image.empty()) return Fail(ErrorCode::kInvalidInput, "resize of an empty image");
  if (image.LongEdge() <= long_edge) return image;
  EnsureVips();
  VipsImagePtr in(vips_image_new_from_memory(image.pixels.data(), image.pixels.size(), image.width,
                                             image.height, 3, VIPS_FORMAT_UCHAR));
  if (!in) return VipsError("wrapping pixels");
  double scale = static_cast<double>(long_edge) / image.LongEdge();
  VipsImage* raw = nullptr;
  if (vips_resize(in.get(), &raw, scale, "kernel", VIPS_KERNEL_LANCZOS3, nullptr) != 0) {
    return VipsError("resizing");
  }
  VipsImagePtr out(raw);
  return ToRgbImage(out.get());
}

RgbImage ApplyOrientation(RgbImage image, int orientation) {
  if (orientation <= 1 || orientation > 8 || image.empty()) return image;
  const int w = image.width, h = image.height;
  const bool swap = orientation >= 5;
  RgbImage out;
  out.width = swap ? h : w;
  out.height = swap ? w : h;
  out.pixels.resize(image.pixels.size());
  // For each output pixel (x, y), the source pixel it shows. EXIF orientations describe where
  // the stored row 0 / column 0 belong; these are the inverse mappings.
  for (int y = 0; y < out.height; ++y) {
    uint8_t* dst = out.pixels.data() + static_cast<size_t>(y) * out.width * 3;
    for (int x = 0; x < out.width; ++x) {
      int sx = x, sy = y;
      switch (orientation) {
        case 2:
          sx = w - 1 - x;
          sy = y;
          break;
        case 3:
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case 4:
          sx = x;
          sy = h - 1 - y;
          break;
        case 5:
          sx = y;
          sy = x;
          break;
        case 6:
          sx = y;
          sy = h - 1 - x;
          break;
        case 7:
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;
        case 8:
          sx = w - 1 - y;
          sy = x;
          break;
        default:
          break;
      }
      const uint8_t* src = image.pixels.data() + (static_cast<size_t>(sy) * w + sx) * 3;
      dst[x * 3] = src[0];
      dst[x * 3 + 1] = src[1];
      dst[x * 3 + 2] = src[2];
    }
  }
  return out;
}

Result<std::vector<uint8_t>> EncodeJpeg(const RgbImage& image, int quality) {
  if (image.empty()) return Fail(ErrorCode::kInvalidInput, "encoding an empty image");
  tjhandle tj = tjInitCompress();
  if (!tj) return Fail(ErrorCode::kInternal, "tjInitCompress failed");
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  int rc = tjCompress2(tj, image.pixels.data(), image.width, 0, image.height, TJPF_RGB, &buf, &size,
                       TJSAMP_420, quality, 0);
  if (rc != 0) {
    std::string msg = tjGetErrorStr2(tj);
    tjFree(buf);
    tjDestroy(tj);
    return Fail(ErrorCode::kInternal, fmt::format("JPEG encoding failed: {}", msg));
  }
  std::vector<uint8_t> out(buf, buf + size);
  tjFree(buf);
  tjDestroy(tj);
  return out;
}

GrayImage ToGray(const RgbImage& image) {
  GrayImage g;
  g.width = image.width;
  g.height = image.height;
  g.pixels.resize(static_cast<size_t>(image.width) * image.height);
  const uint8_t* p = image.pixels.data();
  for (size_t i = 0; i < g.pixels.size(); ++i, p += 3) {
    // 0.299 R + 0.587 G + 0.114 B in 16.16 fixed point.
    g.pixels[i] =
        static_cast<uint8_t>((19595u * p[0] + 38470u * p[1] + 7471u * p[2] + 32768u) >> 16);
  }
  return g;
}

GrayImage ResizeGrayArea(const GrayImage& image, int width, int height) {
  GrayImage out;
  out.width = width;
  out.height = height;
  out.pixels.resize(static_cast<size_t>(width) * height);
  if (image.width == 0 || image.height == 0) return out;
  // Each output pixel averages the source rectangle it covers, with fractional edge weights.
  const double sx = static_cast<double>(image.width) / width;
  const double sy = static_cast<double>(image.height) / height;
  for (int oy = 0; oy < height; ++oy) {
    double y0 = oy * sy, y1 = (oy + 1) * sy;
    for (int ox = 0; ox < width; ++ox) {
      double x0 = ox * sx, x1 = (ox + 1) * sx;
      double sum = 0, area = 0;
      for (int y = static_cast<int>(y0); y < std::min<double>(y1, image.height); ++y) {
        double wy = std::min<double>(y + 1, y1) - std::max<double>(y, y0);
        for (int x = static_cast<int>(x0); x < std::min<double>(x1, image.width); ++x) {
          double wx = std::min<double>(x + 1, x1) - std::max<double>(x, x0);
          sum += wx * wy * image.at(x, y);
          area += wx * wy;
        }
      }
      out.pixels[static_cast<size_t>(oy) * width + ox] =
          static_cast<uint8_t>(std::clamp(area > 0 ? sum / area + 0.5 : 0.0, 0.0, 255.0));
    }
  }
  return out;
}

}  // namespace camroll
