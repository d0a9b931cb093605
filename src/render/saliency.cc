#include "render/saliency.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "media/resample.h"

namespace camroll {

GrayImage SaliencyMap(const RgbImage& image) {
  GrayImage out;
  if (image.empty()) return out;
  const double scale = static_cast<double>(kSaliencySize) / image.LongEdge();
  const int w = std::max(8, static_cast<int>(std::lround(image.width * scale)));
  const int h = std::max(8, static_cast<int>(std::lround(image.height * scale)));
  GrayImage small = ResampleDown(ToGray(image), w, h);
  cv::Mat grey(h, w, CV_8U, small.pixels.data());
  cv::Mat f;
  grey.convertTo(f, CV_32F, 1.0 / 255);
  // log amplitude minus its local average = the "spectral residual"; keep the phase.
  cv::Mat planes[2] = {f, cv::Mat::zeros(f.size(), CV_32F)};
  cv::Mat spectrum;
  cv::merge(planes, 2, spectrum);
  cv::dft(spectrum, spectrum);
  cv::split(spectrum, planes);
  cv::Mat magnitude, phase;
  cv::cartToPolar(planes[0], planes[1], magnitude, phase);
  cv::Mat log_amp;
  cv::log(magnitude + 1e-6f, log_amp);
  cv::Mat smooth;
  cv::blur(log_amp, smooth, cv::Size(3, 3), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  cv::Mat residual;
  cv::exp(log_amp - smooth, residual);
  cv::polarToCart(residual, phase, planes[0], planes[1]);
  cv::merge(planes, 2, spectrum);
  cv::idft(spectrum, spectrum, cv::DFT_SCALE);
  cv::split(spectrum, planes);
  cv::Mat power;
  cv::magnitude(planes[0], planes[1], power);
  power = power.mul(power);
  cv::GaussianBlur(power, power, cv::Size(0, 0), 2.5);
  double lo = 0, hi = 0;
  cv::minMaxLoc(power, &lo, &hi);
  cv::Mat norm;
  power.convertTo(norm, CV_8U, hi > lo ? 255.0 / (hi - lo) : 0,
                  hi > lo ? -lo * 255.0 / (hi - lo) : 0);
  out.width = w;
  out.height = h;
  out.pixels.assign(norm.datastart, norm.dataend);
  return out;
}

Box SalientBox(const GrayImage& map, double mass) {
  if (map.width == 0 || map.height == 0) return {0, 0, 1, 1};
  std::vector<double> cols(map.width, 0), rows(map.height, 0);
  double total = 0;
  for (int y = 0; y < map.height; ++y) {
    for (int x = 0; x < map.width; ++x) {
      const double v = map.at(x, y);
      cols[x] += v;
      rows[y] += v;
      total += v;
    }
  }
  if (total <= 0) return {0, 0, 1, 1};
  // Trim from both ends, each side taking half of what may be dropped.
  auto span = [&](const std::vector<double>& p) {
    const double drop = (1 - mass) / 2 * total;
    int lo = 0, hi = static_cast<int>(p.size()) - 1;
    double cut = 0;
    while (lo < hi && cut + p[lo] <= drop) cut += p[lo++];
    cut = 0;
    while (hi > lo && cut + p[hi] <= drop) cut += p[hi--];
    return std::pair<int, int>{lo, hi};
  };
  auto [x0, x1] = span(cols);
  auto [y0, y1] = span(rows);
  return {static_cast<double>(x0) / map.width, static_cast<double>(y0) / map.height,
          static_cast<double>(x1 - x0 + 1) / map.width,
          static_cast<double>(y1 - y0 + 1) / map.height};
}

Box FocusBox(const RgbImage& image, const std::vector<Box>& faces) {
  if (!faces.empty()) {
    Box focus = faces.front();
    for (const Box& f : faces) focus = Union(focus, f);
    return focus;
  }
  return SalientBox(SaliencyMap(image));
}

}  // namespace camroll
