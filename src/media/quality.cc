#include "media/quality.h"

#include <algorithm>
#include <cmath>

namespace camroll {

QualityMeasures MeasureQuality(const RgbImage& image) {
  if (image.empty()) return {};
  if (image.LongEdge() > kQualityLongEdge) {
    auto small = ResizeToLongEdge(image, kQualityLongEdge);
    if (!small) return {};
    return MeasureQuality(ToGray(*small));
  }
  return MeasureQuality(ToGray(image));
}

QualityMeasures MeasureQuality(const GrayImage& gray) {
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

  const double sharp_score = q.sharpness / (q.sharpness + 100.0);
  const double exposure_score = std::clamp(1.0 - 1.6 * std::abs(q.brightness - 0.47) -
                                               2.0 * (q.clipped_dark + q.clipped_bright) +
                                               std::min(0.0, q.contrast - 0.12) * 3.0,
                                           0.0, 1.0);
  q.score = 0.7 * sharp_score + 0.3 * exposure_score;
  return q;
}

}  // namespace camroll
