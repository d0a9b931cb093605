#include "ml/image_tensor.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace camroll::ml {
namespace {

cv::Mat AsMat(const RgbImage& img) {
  // OpenCV only reads through this header.
  return cv::Mat(img.height, img.width, CV_8UC3, const_cast<uint8_t*>(img.pixels.data()));
}

RgbImage Resized(const RgbImage& img, int w, int h) {
  RgbImage out;
  out.width = w;
  out.height = h;
  out.pixels.resize(static_cast<size_t>(w) * h * 3);
  cv::Mat dst(h, w, CV_8UC3, out.pixels.data());
  bool shrink = w < img.width && h < img.height;
  cv::resize(AsMat(img), dst, cv::Size(w, h), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

}  // namespace

RgbImage StretchTo(const RgbImage& img, int w, int h, Placement* placement) {
  if (placement != nullptr) {
    *placement = {static_cast<float>(w) / img.width, static_cast<float>(h) / img.height, 0, 0};
  }
  if (img.width == w && img.height == h) return img;
  return Resized(img, w, h);
}

RgbImage LetterboxTo(const RgbImage& img, int w, int h, Placement* placement, uint8_t fill) {
  float scale = std::min(static_cast<float>(w) / img.width, static_cast<float>(h) / img.height);
  int rw = std::clamp(static_cast<int>(img.width * scale + 0.5f), 1, w);
  int rh = std::clamp(static_cast<int>(img.height * scale + 0.5f), 1, h);
  RgbImage inner = rw == img.width && rh == img.height ? img : Resized(img, rw, rh);
  RgbImage out;
  out.width = w;
  out.height = h;
  out.pixels.assign(static_cast<size_t>(w) * h * 3, fill);
  int px = (w - rw) / 2, py = (h - rh) / 2;
  for (int y = 0; y < rh; ++y) {
    std::copy_n(inner.pixels.data() + static_cast<size_t>(y) * rw * 3, static_cast<size_t>(rw) * 3,
                out.pixels.data() + (static_cast<size_t>(y + py) * w + px) * 3);
  }
  if (placement != nullptr) {
    *placement = {static_cast<float>(rw) / img.width, static_cast<float>(rh) / img.height,
                  static_cast<float>(px), static_cast<float>(py)};
  }
  return out;
}

std::vector<float> ToTensor(const RgbImage& img, const Normalization& norm, Layout layout) {
  const size_t n = static_cast<size_t>(img.width) * img.height;
  std::vector<float> t(n * 3);
  // Per channel lookup tables: 256 values each.
  std::array<std::array<float, 256>, 3> lut;
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) lut[c][v] = (v * norm.scale - norm.mean[c]) / norm.std[c];
  }
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = img.pixels.data() + i * 3;
    for (int c = 0; c < 3; ++c) {
      int src = norm.bgr ? 2 - c : c;
      float v = lut[c][p[src]];
      if (layout == Layout::kNHWC) {
        t[i * 3 + c] = v;
      } else {
        t[c * n + i] = v;
      }
    }
  }
  return t;
}

}  // namespace camroll::ml
