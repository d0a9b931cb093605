#include "media/quality.h"

#include <algorithm>
#include <cmath>

namespace camroll {

namespace {

// Colourfulness from opponent-colour statistics (Hasler & Süsstrunk, 2003) with Cb and Cr as
// the two opponent axes: sqrt(σ_cb² + σ_cr²) + 0.3·sqrt(μ_cb² + μ_cr²), μ about neutral 128.
// Scaled so that it reads like the original's RGB-based values.
double Colourfulness(const GrayImage& cb, const GrayImage& cr) {
  const size_t n = std::min(cb.pixels.size(), cr.pixels.size());
  if (n == 0) return 0;
  double sb = 0, sr = 0, sbb = 0, srr = 0;
  for (size_t i = 0; i < n; ++i) {
    const double b = cb.pixels[i] - 128.0, r = cr.pixels[i] - 128.0;
    sb += b;
    sr += r;
    sbb += b * b;
    srr += r * r;
  }
  const double mb = sb / n, mr = sr / n;
  const double vb = std::max(0.0, sbb / n - mb * mb), vr = std::max(0.0, srr / n - mr * mr);
  return 1.6 * (std::sqrt(vb + vr) + 0.3 * std::sqrt(mb * mb + mr * mr));
}

}  // namespace

QualityMeasures MeasureQuality(const RgbImage& image) {
  if (image.empty()) return {};
  RgbImage small = image;
  if (image.LongEdge() > kQualityLongEdge) {
    auto reduced = ResizeToLongEdge(image, kQualityLongEdge);
    if (!reduced) return {};
    small = std::move(*reduced);
  }
  // Cb and Cr of every pixel (JFIF, full range).
  GrayImage cb{small.width, small.height, std::vector<uint8_t>(small.pixels.size() / 3)};
  GrayImage cr = cb;
  for (size_t i = 0; i < cb.pixels.size(); ++i) {
    const double r = small.pixels[3 * i], g = small.pixels[3 * i + 1], b = small.pixels[3 * i + 2];
    cb.pixels[i] =
        static_cast<uint8_t>(std::clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b, 0.0, 255.0));
    cr.pixels[i] =
        static_cast<uint8_t>(std::clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b, 0.0, 255.0));
  }
  return MeasureQuality(ToGray(small), &cb, &cr);
}

QualityMeasures MeasureQuality(const GrayImage& gray, const GrayImage* cb, const GrayImage* cr) {
  QualityMeasures q;
  if (gray.width == 0 || gray.height == 0) return q;
  const int w = gray.width, h = gray.height;
  double sum = 0, sum_sq = 0;
  size_t dark = 0, bright = 0;
  for (uint8_t v : gray.pixels) {
    sum += v;
    sum_sq += static_cast<double>(v) * v;
    dark += v <= 4;
    bright += v >= 251;
  }
  const double n = static_cast<double>(gray.pixels.size());
  const double mean = sum / n;
  q.brightness = mean / 255.0;
  q.contrast = std::sqrt(std::max(0.0, sum_sq / n - mean * mean)) / 255.0;
  q.clipped_dark = dark / n;
  q.clipped_bright = bright / n;

  if (w >= 3 && h >= 3) {
    double lap_sum = 0, lap_sq = 0, grad = 0;
    for (int y = 1; y < h - 1; ++y) {
      for (int x = 1; x < w - 1; ++x) {
        const int c = gray.at(x, y);
        const int lap =
            gray.at(x - 1, y) + gray.at(x + 1, y) + gray.at(x, y - 1) + gray.at(x, y + 1) - 4 * c;
        lap_sum += lap;
        lap_sq += static_cast<double>(lap) * lap;
        const int gx = (gray.at(x + 1, y - 1) + 2 * gray.at(x + 1, y) + gray.at(x + 1, y + 1)) -
                       (gray.at(x - 1, y - 1) + 2 * gray.at(x - 1, y) + gray.at(x - 1, y + 1));
        const int gy = (gray.at(x - 1, y + 1) + 2 * gray.at(x, y + 1) + gray.at(x + 1, y + 1)) -
                       (gray.at(x - 1, y - 1) + 2 * gray.at(x, y - 1) + gray.at(x + 1, y - 1));
        grad += static_cast<double>(gx) * gx + static_cast<double>(gy) * gy;
      }
    }
    const double m = static_cast<double>(w - 2) * (h - 2);
    const double lap_mean = lap_sum / m;
    q.sharpness = lap_sq / m - lap_mean * lap_mean;
    q.tenengrad = grad / m;
  }

  if (cb && cr) q.colourfulness = Colourfulness(*cb, *cr);
  const double sharp_score = q.sharpness / (q.sharpness + 100.0);
  const double colour_score = q.colourfulness / (q.colourfulness + 30.0);
  const double exposure_score = std::clamp(1.0 - 1.6 * std::abs(q.brightness - 0.47) -
                                               2.0 * (q.clipped_dark + q.clipped_bright) +
                                               std::min(0.0, q.contrast - 0.12) * 3.0,
                                           0.0, 1.0);
  q.score = 0.6 * sharp_score + 0.25 * exposure_score + 0.15 * colour_score;
  return q;
}

}  // namespace camroll
