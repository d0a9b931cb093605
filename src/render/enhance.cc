#include "render/enhance.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "render/canvas.h"
#include "render/cv_image.h"
#include "render/saliency.h"
#include "render/text.h"

namespace camroll {
namespace {

constexpr int kAnalysisEdge = 1024;
// Straighten.
constexpr double kMinTiltDeg = 0.4;   // smaller tilts are within the noise, and barely visible
constexpr double kAgreeDeg = 1.0;     // segments within this of the median support it
constexpr double kMinSupport = 0.25;  // supporting length, in long edges
// Subject crop.
constexpr double kCropKeep = 0.97;  // saliency mass a crop must keep
constexpr double kCropScales[] = {0.80, 0.85, 0.90};
// White balance.
constexpr double kWbDeadBand = 0.04;  // casts within 4% are left alone
constexpr double kWbStrength = 0.8;
constexpr double kWbMinGain = 0.7, kWbMaxGain = 1.4;
constexpr double kWbMaxWarmCorrection = 0.05;  // per channel, after luma normalisation
constexpr double kWbMinkowski = 6;
// Exposure.
constexpr double kTargetMedian = 0.46;
constexpr double kBrightenDeadBandEv = 0.5;  // median below about 0.38
constexpr double kDarkenDeadBandEv = 1.0;    // median above about 0.63: bright scenes are common
constexpr double kExposureStrength = 0.75;
constexpr double kMaxEv = 2.0;
constexpr double kMaxClipped = 0.01;
// Colour.
constexpr double kVibrance = 0.18;
constexpr double kSaturatedMean = 0.45;

using render_detail::AsMat;
using render_detail::CheckRgb;
using render_detail::FromMat;

double SrgbToLinear(double v) {
  return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}
double LinearToSrgb(double v) {
  v = std::clamp(v, 0.0, 1.0);
  return v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
}

const std::array<float, 256>& LinearTable() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> t;
    for (int i = 0; i < 256; ++i) t[i] = static_cast<float>(SrgbToLinear(i / 255.0));
    return t;
  }();
  return table;
}

// ---- Straighten -------------------------------------------------------------------------------

// The content's tilt in degrees, clockwise positive (a horizon falling to the right), or 0 when
// the evidence is weak.
double EstimateTilt(const cv::Mat& rgb, double max_deg) {
  cv::Mat gray;
  cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  cv::GaussianBlur(gray, gray, cv::Size(), 1.2);
  cv::Mat edges;
  cv::Canny(gray, edges, 50, 140);
  const int long_edge = std::max(rgb.cols, rgb.rows);
  std::vector<cv::Vec4i> segments;
  cv::HoughLinesP(edges, segments, 1, std::numbers::pi / 720, 60, std::max(20.0, 0.12 * long_edge),
                  std::max(2.0, 0.01 * long_edge));
  struct Vote {
    double tilt, weight;
  };
  std::vector<Vote> votes;
  double total = 0;
  for (const cv::Vec4i& s : segments) {
    double dx = s[2] - s[0], dy = s[3] - s[1];
    const double length = std::hypot(dx, dy);
    if (length <= 0) continue;
    if (dx < 0 || (dx == 0 && dy < 0)) dx = -dx, dy = -dy;
    const double angle = std::atan2(dy, dx) * 180 / std::numbers::pi;  // (-90, 90]
    double tilt;
    if (std::abs(angle) <= max_deg) {
      tilt = angle;
    } else if (std::abs(angle) >= 90 - max_deg) {
      // A vertical turned clockwise by t points along (−sin t, cos t).
      if (dy < 0) dx = -dx, dy = -dy;
      tilt = std::atan2(-dx, dy) * 180 / std::numbers::pi;
    } else {
      continue;
    }
    votes.push_back({tilt, length});
    total += length;
  }
  if (votes.empty()) return 0;
  std::sort(votes.begin(), votes.end(),
            [](const Vote& a, const Vote& b) { return a.tilt < b.tilt; });
  double acc = 0, median = votes.back().tilt;
  for (const Vote& v : votes) {
    acc += v.weight;
    if (acc >= total / 2) {
      median = v.tilt;
      break;
    }
  }
  double support = 0, weighted = 0;
  for (const Vote& v : votes) {
    if (std::abs(v.tilt - median) <= kAgreeDeg) {
      support += v.weight;
      weighted += v.weight * v.tilt;
    }
  }
  if (support < kMinSupport * long_edge) return 0;
  // The mean of the agreeing votes refines the median (segment angles are quantised).
  const double tilt = weighted / support;
  return std::abs(tilt) < kMinTiltDeg ? 0 : tilt;
}

// The largest centred rectangle of the image's aspect ratio inside the image turned by `deg`,
// as a fraction of each side.
double InscribedScale(double w, double h, double deg) {
  const double t = std::abs(deg) * std::numbers::pi / 180;
  const double c = std::cos(t), s = std::sin(t);
  return std::min(w / (w * c + h * s), h / (w * s + h * c));
}

// The affine map from output pixels to input pixels for "turn clockwise by `deg` about the
// centre, then take `crop` (normalised) of the turned frame".
cv::Mat OutputToInput(cv::Size input, double deg, const Box& crop) {
  const double cx = input.width / 2.0, cy = input.height / 2.0;
  const double t = deg * std::numbers::pi / 180;
  const double c = std::cos(t), s = std::sin(t);
  const double ox = crop.x * input.width, oy = crop.y * input.height;
  // Turned-frame point P = (u + ox, v + oy); input = R(−t)·(P − centre) + centre, where a
  // clockwise turn by t on screen (y down) is [c −s; s c].
  cv::Mat m(2, 3, CV_64F);
  m.at<double>(0, 0) = c;
  m.at<double>(0, 1) = s;
  m.at<double>(0, 2) = c * (ox - cx) + s * (oy - cy) + cx;
  m.at<double>(1, 0) = -s;
  m.at<double>(1, 1) = c;
  m.at<double>(1, 2) = -s * (ox - cx) + c * (oy - cy) + cy;
  return m;
}

cv::Mat Transform(const cv::Mat& image, double deg, const Box& crop, int interpolation) {
  const int w = std::max(1, static_cast<int>(std::lround(crop.w * image.cols)));
  const int h = std::max(1, static_cast<int>(std::lround(crop.h * image.rows)));
  if (deg == 0) {
    const int x = std::clamp(static_cast<int>(std::lround(crop.x * image.cols)), 0, image.cols - w);
    const int y = std::clamp(static_cast<int>(std::lround(crop.y * image.rows)), 0, image.rows - h);
    return image(cv::Rect(x, y, w, h)).clone();
  }
  cv::Mat out;
  cv::warpAffine(image, out, OutputToInput(image.size(), deg, crop), cv::Size(w, h),
                 interpolation | cv::WARP_INVERSE_MAP, cv::BORDER_REFLECT);
  return out;
}

// ---- Subject crop -----------------------------------------------------------------------------

// A crop (normalised, of `image`) that trims empty borders, or the whole frame.
Box SubjectCrop(const cv::Mat& image) {
  const GrayImage map = SaliencyMap(FromMat(image));
  if (map.width < 8 || map.height < 8) return {0, 0, 1, 1};
  // Integral image of the saliency.
  const int w = map.width, h = map.height;
  std::vector<double> integral(static_cast<size_t>(w + 1) * (h + 1), 0);
  for (int y = 0; y < h; ++y) {
    double row = 0;
    for (int x = 0; x < w; ++x) {
      row += map.at(x, y);
      integral[static_cast<size_t>(y + 1) * (w + 1) + x + 1] =
          integral[static_cast<size_t>(y) * (w + 1) + x + 1] + row;
    }
  }
  auto mass = [&](int x0, int y0, int x1, int y1) {
    auto at = [&](int x, int y) { return integral[static_cast<size_t>(y) * (w + 1) + x]; };
    return at(x1, y1) - at(x0, y1) - at(x1, y0) + at(x0, y0);
  };
  const double total = mass(0, 0, w, h);
  if (total <= 0) return {0, 0, 1, 1};
  for (double scale : kCropScales) {
    const int cw = static_cast<int>(std::lround(scale * w)),
              ch = static_cast<int>(std::lround(scale * h));
    double best = -1;
    int best_x = 0, best_y = 0;
    for (int y = 0; y + ch <= h; ++y) {
      for (int x = 0; x + cw <= w; ++x) {
        const double kept = mass(x, y, x + cw, y + ch);
        // Ties go to the most centred crop.
        const double centred = -1e-9 * (std::abs(2 * x + cw - w) + std::abs(2 * y + ch - h));
        if (kept + centred * total > best) best = kept + centred * total, best_x = x, best_y = y;
      }
    }
    if (best >= kCropKeep * total - 1e-6 * total) {
      return {static_cast<double>(best_x) / w, static_cast<double>(best_y) / h,
              static_cast<double>(cw) / w, static_cast<double>(ch) / h};
    }
  }
  return {0, 0, 1, 1};
}

// ---- White balance ----------------------------------------------------------------------------

// Gray-edge illuminant estimate (R, G, B), in linear light.
std::array<double, 3> GrayEdgeIlluminant(const cv::Mat& rgb8) {
  const auto& lin = LinearTable();
  cv::Mat f(rgb8.size(), CV_32FC3);
  cv::Mat clipped(rgb8.size(), CV_8U);
  for (int y = 0; y < rgb8.rows; ++y) {
    const cv::Vec3b* s = rgb8.ptr<cv::Vec3b>(y);
    cv::Vec3f* d = f.ptr<cv::Vec3f>(y);
    uint8_t* c = clipped.ptr<uint8_t>(y);
    for (int x = 0; x < rgb8.cols; ++x) {
      d[x] = cv::Vec3f(lin[s[x][0]], lin[s[x][1]], lin[s[x][2]]);
      c[x] = std::max({s[x][0], s[x][1], s[x][2]}) >= 250 ? 255 : 0;
    }
  }
  cv::dilate(clipped, clipped, cv::Mat(), cv::Point(-1, -1), 2);
  cv::GaussianBlur(f, f, cv::Size(), 1.0);
  cv::Mat gx, gy;
  cv::Sobel(f, gx, CV_32F, 1, 0);
  cv::Sobel(f, gy, CV_32F, 0, 1);
  std::array<double, 3> sum{};
  for (int y = 0; y < f.rows; ++y) {
    const cv::Vec3f* a = gx.ptr<cv::Vec3f>(y);
    const cv::Vec3f* b = gy.ptr<cv::Vec3f>(y);
    const uint8_t* c = clipped.ptr<uint8_t>(y);
    for (int x = 0; x < f.cols; ++x) {
      if (c[x]) continue;
      for (int ch = 0; ch < 3; ++ch) {
        const double m = std::hypot(a[x][ch], b[x][ch]);
        sum[ch] += std::pow(m, kWbMinkowski);
      }
    }
  }
  for (double& s : sum) s = std::pow(s, 1 / kWbMinkowski);
  return sum;
}

std::array<double, 3> WhiteBalanceGains(const cv::Mat& rgb8) {
  const std::array<double, 3> e = GrayEdgeIlluminant(rgb8);
  std::array<double, 3> gains = {1, 1, 1};
  const double mean = (e[0] + e[1] + e[2]) / 3;
  if (mean <= 0 || e[0] <= 0 || e[1] <= 0 || e[2] <= 0) return gains;
  double cast = 0;
  for (int c = 0; c < 3; ++c) cast = std::max(cast, std::abs(std::log(mean / e[c])));
  if (cast < std::log(1 + kWbDeadBand)) return gains;
  for (int c = 0; c < 3; ++c) {
    gains[c] = std::clamp(std::pow(mean / e[c], kWbStrength), kWbMinGain, kWbMaxGain);
  }
  // Keep the luma: the Rec. 709 weighted gain is 1.
  const double luma = 0.2126 * gains[0] + 0.7152 * gains[1] + 0.0722 * gains[2];
  for (double& g : gains) g /= luma;
  if (e[0] > e[2]) {
    // A warm cast is usually the light the photographer wanted: shrink the correction (in
    // log terms) until no gain is more than kWbMaxWarmCorrection from 1.
    double largest = 0;
    for (double g : gains) largest = std::max(largest, std::abs(std::log(g)));
    const double limit = std::log(1 + kWbMaxWarmCorrection);
    if (largest > limit) {
      for (double& g : gains) g = std::exp(std::log(g) * limit / largest);
    }
  }
  return gains;
}

// ---- Exposure ---------------------------------------------------------------------------------

// Exposure change in stops for an image whose channels get `gains` (linear) first.
double ExposureEv(const cv::Mat& rgb8, const std::array<double, 3>& gains) {
  const auto& lin = LinearTable();
  std::array<int64_t, 256> luma_hist{};
  std::array<int64_t, 1024> peak_hist{};  // max channel, linear, 0..4 in 1/256 steps
  int64_t n = 0;
  for (int y = 0; y < rgb8.rows; ++y) {
    const cv::Vec3b* s = rgb8.ptr<cv::Vec3b>(y);
    for (int x = 0; x < rgb8.cols; ++x) {
      const double r = lin[s[x][0]] * gains[0], g = lin[s[x][1]] * gains[1],
                   b = lin[s[x][2]] * gains[2];
      const double l = LinearToSrgb(0.2126 * r + 0.7152 * g + 0.0722 * b);
      ++luma_hist[std::clamp(static_cast<int>(l * 255 + 0.5), 0, 255)];
      ++peak_hist[std::clamp(static_cast<int>(std::max({r, g, b}) * 256), 0, 1023)];
      ++n;
    }
  }
  auto quantile = [n](const auto& hist, double q) {
    const double target = q * n;
    int64_t acc = 0;
    for (size_t i = 0; i < hist.size(); ++i) {
      acc += hist[i];
      if (acc >= target) return static_cast<int>(i);
    }
    return static_cast<int>(hist.size()) - 1;
  };
  const double median = std::max(1.0, static_cast<double>(quantile(luma_hist, 0.5))) / 255;
  const double needed = std::log2(SrgbToLinear(kTargetMedian) / SrgbToLinear(median));
  if (needed > -kDarkenDeadBandEv && needed < kBrightenDeadBandEv) return 0;
  double ev = std::clamp(needed * kExposureStrength, -kMaxEv, kMaxEv);
  if (ev > 0) {
    // No more than kMaxClipped of the pixels may pass white (the roll-off then softens them).
    const double peak = (quantile(peak_hist, 1 - kMaxClipped) + 1) / 256.0;
    ev = std::min(ev, std::log2(1.0 / peak));
    ev = std::max(ev, 0.0);
  }
  return std::abs(ev) < 0.1 ? 0 : ev;
}

// Linear value after exposure and gains → display value with a highlight roll-off from 0.75:
// y − (y − 0.75)² up to 1.25, which reaches 1 with zero slope.
double RollOff(double y) {
  if (y <= 0.75) return y;
  if (y >= 1.25) return 1;
  return y - (y - 0.75) * (y - 0.75);
}

// ---- Colour -----------------------------------------------------------------------------------

double MeanSaturation(const cv::Mat& rgb8) {
  double sum = 0;
  for (int y = 0; y < rgb8.rows; ++y) {
    const cv::Vec3b* s = rgb8.ptr<cv::Vec3b>(y);
    for (int x = 0; x < rgb8.cols; ++x) {
      const int mx = std::max({s[x][0], s[x][1], s[x][2]}),
                mn = std::min({s[x][0], s[x][1], s[x][2]});
      sum += mx > 0 ? static_cast<double>(mx - mn) / mx : 0;
    }
  }
  return sum / std::max<size_t>(1, rgb8.total());
}

void ApplyTone(cv::Mat& image, const std::array<double, 3>& gains, double ev, double vibrance) {
  const auto& lin = LinearTable();
  const bool roll = ev > 0 || std::max({gains[0], gains[1], gains[2]}) > 1;
  std::array<std::array<uint8_t, 256>, 3> lut;
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 256; ++i) {
      double y = lin[i] * gains[c] * std::exp2(ev);
      y = roll ? RollOff(y) : std::min(y, 1.0);
      lut[c][i] = static_cast<uint8_t>(std::lround(LinearToSrgb(y) * 255));
    }
  }
  for (int y = 0; y < image.rows; ++y) {
    cv::Vec3b* p = image.ptr<cv::Vec3b>(y);
    for (int x = 0; x < image.cols; ++x) {
      int r = lut[0][p[x][0]], g = lut[1][p[x][1]], b = lut[2][p[x][2]];
      if (vibrance > 0) {
        const int mx = std::max({r, g, b}), mn = std::min({r, g, b});
        if (mx > mn) {
          const double s = static_cast<double>(mx - mn) / mx;
          const double factor = 1 + vibrance * (1 - s);
          const double l = 0.299 * r + 0.587 * g + 0.114 * b;
          r = static_cast<int>(std::lround(l + (r - l) * factor));
          g = static_cast<int>(std::lround(l + (g - l) * factor));
          b = static_cast<int>(std::lround(l + (b - l) * factor));
        }
      }
      p[x] = cv::Vec3b(cv::saturate_cast<uint8_t>(r), cv::saturate_cast<uint8_t>(g),
                       cv::saturate_cast<uint8_t>(b));
    }
  }
}

Box Compose(const Box& outer, const Box& inner) {
  return {outer.x + inner.x * outer.w, outer.y + inner.y * outer.h, inner.w * outer.w,
          inner.h * outer.h};
}

}  // namespace

Result<Enhancement> AutoEnhance(const RgbImage& photo, const EnhanceOptions& options) {
  CAMROLL_RETURN_IF_ERROR(CheckRgb(photo, "photo"));
  if (!(options.max_straighten_deg >= 0 && options.max_straighten_deg <= 45)) {
    return Fail(ErrorCode::kInvalidInput, "max_straighten_deg must be within 0..45");
  }
  CAMROLL_ASSIGN_OR_RETURN(RgbImage small, ResizeToLongEdge(photo, kAnalysisEdge));
  try {
    Enhancement e;
    const cv::Mat analysis = AsMat(small);

    // Geometry first: the tone statistics are taken on what will be kept.
    if (options.straighten) {
      const double tilt = EstimateTilt(analysis, options.max_straighten_deg);
      if (tilt != 0) {
        e.rotation_deg = -tilt;
        const double s = InscribedScale(photo.width, photo.height, e.rotation_deg);
        e.crop = {(1 - s) / 2, (1 - s) / 2, s, s};
        e.steps.push_back(fmt::format("straightened {:.1f}°", std::abs(e.rotation_deg)));
      }
    }
    cv::Mat kept = Transform(analysis, e.rotation_deg, e.crop, cv::INTER_LINEAR);
    if (options.crop) {
      const Box subject = SubjectCrop(kept);
      if (subject.w < 1 || subject.h < 1) {
        e.crop = Compose(e.crop, subject);
        kept = Transform(analysis, e.rotation_deg, e.crop, cv::INTER_LINEAR);
        e.steps.push_back("cropped to the subject");
      }
    }

    std::array<double, 3> gains = {1, 1, 1};
    if (options.white_balance) {
      gains = WhiteBalanceGains(kept);
      if (gains != std::array<double, 3>{1, 1, 1}) {
        e.steps.push_back(
            fmt::format("white balance R×{:.2f} G×{:.2f} B×{:.2f}", gains[0], gains[1], gains[2]));
      }
    }
    double ev = 0;
    if (options.exposure) {
      ev = ExposureEv(kept, gains);
      if (ev != 0) e.steps.push_back(fmt::format("exposure {:+.1f} EV", ev));
    }
    double vibrance = 0;
    if (options.colour) {
      const double mean_sat = MeanSaturation(kept);
      vibrance =
          kVibrance * std::clamp((kSaturatedMean - mean_sat) / (kSaturatedMean - 0.2), 0.0, 1.0);
      if (vibrance > 0.005) {
        e.steps.push_back(fmt::format("vibrance +{:.0f}%", vibrance * 100));
      } else {
        vibrance = 0;
      }
    }

    const bool geometry = e.rotation_deg != 0 || e.crop != Box{0, 0, 1, 1};
    cv::Mat out = geometry ? Transform(AsMat(photo), e.rotation_deg, e.crop, cv::INTER_CUBIC)
                           : AsMat(photo).clone();
    if (gains != std::array<double, 3>{1, 1, 1} || ev != 0 || vibrance > 0) {
      ApplyTone(out, gains, ev, vibrance);
    }
    e.image = FromMat(out);
    e.exposure_ev = ev;
    for (int c = 0; c < 3; ++c) e.wb_gain[c] = gains[c];
    e.saturation = 1 + vibrance;
    return e;
  } catch (const cv::Exception& ex) {
    return Fail(ErrorCode::kInternal, std::string("enhancing a photo: ") + ex.what());
  }
}

Result<RgbImage> BeforeAfter(const RgbImage& before, const RgbImage& after) {
  CAMROLL_RETURN_IF_ERROR(CheckRgb(before, "before image"));
  CAMROLL_RETURN_IF_ERROR(CheckRgb(after, "after image"));
  const bool side_by_side = before.width >= before.height;
  const double ab = static_cast<double>(before.width) / before.height;
  const double aa = static_cast<double>(after.width) / after.height;
  Rect first, second;
  int width, height;
  if (side_by_side) {
    const double h = std::min({before.height, after.height, 1080});
    const double gap = std::max(8.0, std::round(h / 60));
    const double wb = std::round(h * ab), wa = std::round(h * aa);
    first = {gap, gap, wb, h};
    second = {2 * gap + wb, gap, wa, h};
    width = static_cast<int>(3 * gap + wb + wa);
    height = static_cast<int>(h + 2 * gap);
  } else {
    const double w = std::min({before.width, after.width, 1080});
    const double gap = std::max(8.0, std::round(w / 60));
    const double hb = std::round(w / ab), ha = std::round(w / aa);
    first = {gap, gap, w, hb};
    second = {gap, 2 * gap + hb, w, ha};
    width = static_cast<int>(w + 2 * gap);
    height = static_cast<int>(3 * gap + hb + ha);
  }
  Canvas canvas(width, height, Rgba::Hex(0x16181c));
  canvas.DrawImage(before, {0, 0, 1, 1}, first);
  canvas.DrawImage(after, {0, 0, 1, 1}, second);
  for (const auto& [rect, label] : {std::pair{first, "Before"}, std::pair{second, "After"}}) {
    const double lh = std::max(22.0, std::round(std::min(rect.w, rect.h) * 0.075));
    const double margin = std::round(lh * 0.5);
    const Rect pill{rect.x + margin, rect.bottom() - margin - lh, lh * 3.4, lh};
    canvas.Fill(pill, {0, 0, 0, 0.55}, lh / 2);
    TextStyle style;
    style.family = "DejaVu Sans";
    style.weight = 700;
    style.max_px = lh * 0.55;
    style.min_px = 8;
    style.max_lines = 1;
    style.align = TextAlign::kCenter;
    style.colour = {1, 1, 1, 1};
    DrawText(canvas.cr(), label, {pill.x + lh * 0.3, pill.y, pill.w - lh * 0.6, pill.h}, style);
  }
  return canvas.ToRgb();
}

}  // namespace camroll
