#include "media/image.h"

#include <fmt/format.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "media/resample.h"

namespace camroll {

Result<RgbImage> ResizeToLongEdge(const RgbImage& image, int long_edge) {
  if (image.empty()) return Fail(ErrorCode::kInvalidInput, "resize of an empty image");
  if (long_edge <= 0) return Fail(ErrorCode::kInvalidInput, "resize to a non-positive size");
  if (image.LongEdge() <= long_edge) return image;
  const double scale = static_cast<double>(long_edge) / image.LongEdge();
  const int w = std::max(1, static_cast<int>(std::lround(image.width * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(image.height * scale)));
  return ResampleDown(image, std::min(w, image.width), std::min(h, image.height));
}

namespace {

template <int kChannels>
void OrientTiles(const uint8_t* src, int w, int h, int orientation, uint8_t* dst) {
  constexpr int channels = kChannels;
  const bool swap = orientation >= 5 && orientation <= 8;
  const int out_w = swap ? h : w, out_h = swap ? w : h;
  // For each output pixel (x, y), the source pixel it shows. EXIF orientations describe where
  // the stored row 0 / column 0 belong; these are the inverse mappings. Tiles keep the reads of
  // the transposing orientations (5..8) within the cache.
  constexpr int kTile = 32;
  for (int ty = 0; ty < out_h; ty += kTile) {
    for (int tx = 0; tx < out_w; tx += kTile) {
      const int y_end = std::min(out_h, ty + kTile), x_end = std::min(out_w, tx + kTile);
      for (int y = ty; y < y_end; ++y) {
        uint8_t* row = dst + static_cast<size_t>(y) * out_w * channels;
        for (int x = tx; x < x_end; ++x) {
          int sx = x, sy = y;
          switch (orientation) {
            case 2:
              sx = w - 1 - x;
              break;
            case 3:
              sx = w - 1 - x;
              sy = h - 1 - y;
              break;
            case 4:
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
          const uint8_t* p = src + (static_cast<size_t>(sy) * w + sx) * channels;
          for (int c = 0; c < channels; ++c) row[x * channels + c] = p[c];
        }
      }
    }
  }
}

}  // namespace

void OrientPixels(const uint8_t* src, int w, int h, int channels, int orientation, uint8_t* dst) {
  switch (channels) {
    case 1:
      return OrientTiles<1>(src, w, h, orientation, dst);
    case 3:
      return OrientTiles<3>(src, w, h, orientation, dst);
    case 4:
      return OrientTiles<4>(src, w, h, orientation, dst);
    default:
      for (int c = 0; c < channels; ++c) {
        // Rare layouts: one channel at a time through a packed copy.
        std::vector<uint8_t> plane(static_cast<size_t>(w) * h), turned(plane.size());
        for (size_t i = 0; i < plane.size(); ++i) plane[i] = src[i * channels + c];
        OrientTiles<1>(plane.data(), w, h, orientation, turned.data());
        for (size_t i = 0; i < turned.size(); ++i) dst[i * channels + c] = turned[i];
      }
  }
}

RgbImage ApplyOrientation(RgbImage image, int orientation) {
  if (orientation <= 1 || orientation > 8 || image.empty()) return image;
  const bool swap = orientation >= 5;
  RgbImage out;
  out.width = swap ? image.height : image.width;
  out.height = swap ? image.width : image.height;
  out.pixels.resize(image.pixels.size());
  OrientPixels(image.pixels.data(), image.width, image.height, 3, orientation, out.pixels.data());
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
