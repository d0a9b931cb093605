#include "render/restyle.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#include <string>

#include "render/canvas.h"
#include "render/cv_image.h"

namespace camroll {
namespace {

// ---- Conversions and checks -------------------------------------------------------------------

using render_detail::AsMat;
using render_detail::CheckRgb;
using render_detail::FromMat;

cv::Mat ToFloat(const cv::Mat& rgb8) {
  cv::Mat f;
  rgb8.convertTo(f, CV_32FC3, 1.0 / 255);
  return f;
}

// An odd kernel size that scales with the image: `at_1440` for a 1440-px long edge.
int OddScaled(int at_1440, int long_edge, int minimum = 3) {
  int k = static_cast<int>(std::lround(at_1440 * long_edge / 1440.0));
  k = std::max(k, minimum);
  return k | 1;
}

double Scaled(double at_1440, int long_edge) { return at_1440 * long_edge / 1440.0; }

cv::Mat ResizeToLong(const cv::Mat& image, int long_edge) {
  const int current = std::max(image.cols, image.rows);
  if (current <= long_edge) return image.clone();
  const double s = static_cast<double>(long_edge) / current;
  cv::Mat out;
  cv::resize(image, out,
             cv::Size(std::max(1, static_cast<int>(std::lround(image.cols * s))),
                      std::max(1, static_cast<int>(std::lround(image.rows * s)))),
             0, 0, cv::INTER_AREA);
  return out;
}

cv::Mat Luma(const cv::Mat& rgb) {
  cv::Mat gray;
  cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  return gray;
}

// Scales saturation about the Rec. 601 luma of each pixel (float RGB).
void Saturate(cv::Mat& rgbf, float factor) {
  for (int y = 0; y < rgbf.rows; ++y) {
    cv::Vec3f* row = rgbf.ptr<cv::Vec3f>(y);
    for (int x = 0; x < rgbf.cols; ++x) {
      cv::Vec3f& p = row[x];
      const float l = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
      for (int c = 0; c < 3; ++c) p[c] = std::clamp(l + (p[c] - l) * factor, 0.0f, 1.0f);
    }
  }
}

// ---- Seeded noise -----------------------------------------------------------------------------
// Our own hash rather than <random> distributions, whose output the standard leaves to the
// library: the same seed must give the same bytes everywhere.

uint64_t Mix(uint64_t x) {  // SplitMix64's finaliser
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Uniform white noise in [-1, 1), one value per pixel.
cv::Mat WhiteNoise(int w, int h, uint64_t seed) {
  cv::Mat n(h, w, CV_32F);
  const uint64_t base = Mix(seed);
  for (int y = 0; y < h; ++y) {
    float* row = n.ptr<float>(y);
    for (int x = 0; x < w; ++x) {
      const uint64_t v = Mix(base ^ ((static_cast<uint64_t>(y) << 32) | static_cast<uint32_t>(x)));
      row[x] = static_cast<float>(v >> 40) * (1.0f / (1 << 23)) - 1.0f;
    }
  }
  return n;
}

// Smooth value noise with features about `scale` pixels across, roughly in [-1, 1].
cv::Mat SmoothNoise(int w, int h, double scale, uint64_t seed) {
  const int gw = std::max(2, static_cast<int>(std::ceil(w / scale)) + 1);
  const int gh = std::max(2, static_cast<int>(std::ceil(h / scale)) + 1);
  cv::Mat out;
  cv::resize(WhiteNoise(gw, gh, seed), out, cv::Size(w, h), 0, 0, cv::INTER_CUBIC);
  return out;
}

// Fractal (turbulent) noise: octaves of SmoothNoise from `scale` down, amplitudes halving;
// normalised to about [-1, 1].
cv::Mat FractalNoise(int w, int h, double scale, int octaves, uint64_t seed) {
  cv::Mat sum = cv::Mat::zeros(h, w, CV_32F);
  double amplitude = 1, total = 0;
  for (int i = 0; i < octaves && scale >= 1.5; ++i) {
    sum += SmoothNoise(w, h, scale, Mix(seed + 977 * (i + 1))) * amplitude;
    total += amplitude;
    amplitude *= 0.5;
    scale *= 0.5;
  }
  return total > 0 ? cv::Mat(sum / total) : sum;
}

// ---- Colour quantisation ----------------------------------------------------------------------

struct Quantised {
  cv::Mat labels;              // CV_8U, one cluster index per pixel
  std::vector<cv::Vec3f> rgb;  // mean colour of each cluster, 0..1
};

// k-means in CIELAB on a grid sample of about 20k pixels, seeded deterministically (k-means++
// with a fixed hash), then every pixel assigned to its nearest centre.
Quantised KMeansColours(const cv::Mat& rgb8, int k, int iterations) {
  cv::Mat lab;
  cv::cvtColor(ToFloat(rgb8), lab, cv::COLOR_RGB2Lab);
  const int step = std::max(1, static_cast<int>(std::sqrt(rgb8.total() / 20000.0)));
  std::vector<cv::Vec3f> samples;
  for (int y = step / 2; y < lab.rows; y += step) {
    const cv::Vec3f* row = lab.ptr<cv::Vec3f>(y);
    for (int x = step / 2; x < lab.cols; x += step) samples.push_back(row[x]);
  }
  if (samples.empty()) samples.push_back(lab.at<cv::Vec3f>(0, 0));
  k = std::clamp(k, 1, std::min<int>(255, static_cast<int>(samples.size())));
  auto dist2 = [](const cv::Vec3f& a, const cv::Vec3f& b) {
    const cv::Vec3f d = a - b;
    return d.dot(d);
  };
  // k-means++ initialisation.
  std::vector<cv::Vec3f> centres{samples[Mix(1) % samples.size()]};
  std::vector<double> d2(samples.size(), 1e30);
  while (static_cast<int>(centres.size()) < k) {
    double total = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
      d2[i] = std::min(d2[i], static_cast<double>(dist2(samples[i], centres.back())));
      total += d2[i];
    }
    if (total <= 0) break;
    double pick = static_cast<double>(Mix(centres.size()) >> 11) / 9007199254740992.0 * total;
    size_t chosen = samples.size() - 1;
    for (size_t i = 0; i < samples.size(); ++i) {
      pick -= d2[i];
      if (pick <= 0) {
        chosen = i;
        break;
      }
    }
    centres.push_back(samples[chosen]);
  }
  k = static_cast<int>(centres.size());
  std::vector<int> assign(samples.size());
  for (int it = 0; it < iterations; ++it) {
    std::vector<cv::Vec3d> sum(k, cv::Vec3d(0, 0, 0));
    std::vector<int> count(k, 0);
    for (size_t i = 0; i < samples.size(); ++i) {
      int best = 0;
      float best_d = dist2(samples[i], centres[0]);
      for (int c = 1; c < k; ++c) {
        const float d = dist2(samples[i], centres[c]);
        if (d < best_d) best_d = d, best = c;
      }
      assign[i] = best;
      sum[best] += cv::Vec3d(samples[i]);
      ++count[best];
    }
    for (int c = 0; c < k; ++c) {
      if (count[c] > 0) centres[c] = cv::Vec3f(sum[c] / count[c]);
    }
  }
  Quantised q;
  q.labels.create(rgb8.rows, rgb8.cols, CV_8U);
  std::vector<cv::Vec3d> rgb_sum(k, cv::Vec3d(0, 0, 0));
  std::vector<int64_t> count(k, 0);
  for (int y = 0; y < lab.rows; ++y) {
    const cv::Vec3f* row = lab.ptr<cv::Vec3f>(y);
    const cv::Vec3b* src = rgb8.ptr<cv::Vec3b>(y);
    uint8_t* out = q.labels.ptr<uint8_t>(y);
    for (int x = 0; x < lab.cols; ++x) {
      int best = 0;
      float best_d = dist2(row[x], centres[0]);
      for (int c = 1; c < k; ++c) {
        const float d = dist2(row[x], centres[c]);
        if (d < best_d) best_d = d, best = c;
      }
      out[x] = static_cast<uint8_t>(best);
      rgb_sum[best] += cv::Vec3d(src[x][0], src[x][1], src[x][2]);
      ++count[best];
    }
  }
  for (int c = 0; c < k; ++c) {
    q.rgb.push_back(count[c] ? cv::Vec3f(rgb_sum[c] / (255.0 * count[c])) : cv::Vec3f(0, 0, 0));
  }
  return q;
}

// ---- Cartoon ----------------------------------------------------------------------------------
// Bilateral filter repeated on a half-size copy (flattens texture, keeps edges), k-means colour
// quantisation to kCartoonColours colours, and ink lines where a median-blurred luma is darker
// than its neighbourhood (adaptive threshold).

constexpr int kCartoonBilateralPasses = 5;
constexpr double kCartoonSigmaColour = 24;  // 8-bit units
constexpr int kCartoonColours = 12;
constexpr double kCartoonEdgeC = 5;  // how much darker than the local mean a line must be

constexpr double kCartoonMinStroke = 6;  // px at 1440: ink blobs smaller than this² are dropped

// Clears the connected components of `mask` (CV_8U, 255 = set) smaller than `min_area` pixels:
// texture specks rather than lines.
void RemoveSpecks(cv::Mat& mask, int min_area) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  std::vector<uint8_t> keep(n, 0);
  for (int i = 1; i < n; ++i) keep[i] = stats.at<int>(i, cv::CC_STAT_AREA) >= min_area ? 255 : 0;
  for (int y = 0; y < mask.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uint8_t* m = mask.ptr<uint8_t>(y);
    for (int x = 0; x < mask.cols; ++x) m[x] = keep[l[x]];
  }
}

cv::Mat Cartoon(const cv::Mat& work) {
  const int L = std::max(work.cols, work.rows);
  cv::Mat small;
  cv::resize(work, small, cv::Size((work.cols + 1) / 2, (work.rows + 1) / 2), 0, 0, cv::INTER_AREA);
  // Sizes are in pixels of the half-size copy (7 there is 14 in a 1440-px photo).
  const int d = OddScaled(7, L, 5);
  for (int i = 0; i < kCartoonBilateralPasses; ++i) {
    cv::Mat next;
    cv::bilateralFilter(small, next, d, kCartoonSigmaColour, Scaled(4, L));
    small = next;
  }
  cv::Mat smooth;
  cv::resize(small, smooth, work.size(), 0, 0, cv::INTER_LINEAR);
  const Quantised q = KMeansColours(smooth, kCartoonColours, 8);

  cv::Mat gray = Luma(work);
  cv::medianBlur(gray, gray, OddScaled(7, L));
  cv::Mat edges;
  cv::adaptiveThreshold(gray, edges, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY,
                        OddScaled(9, L), kCartoonEdgeC);
  cv::Mat ink;
  cv::bitwise_not(edges, ink);
  RemoveSpecks(ink, static_cast<int>(Scaled(kCartoonMinStroke, L) * Scaled(kCartoonMinStroke, L)));

  std::vector<cv::Vec3b> palette;
  for (cv::Vec3f c : q.rgb) {
    // Slightly livelier than the mean colour, as cartoons are.
    const float l = 0.299f * c[0] + 0.587f * c[1] + 0.114f * c[2];
    cv::Vec3b p;
    for (int ch = 0; ch < 3; ++ch) {
      p[ch] = cv::saturate_cast<uint8_t>(255 * (l + (c[ch] - l) * 1.25f));
    }
    palette.push_back(p);
  }
  cv::Mat out(work.size(), CV_8UC3);
  const cv::Vec3b kInk(28, 24, 22);
  for (int y = 0; y < out.rows; ++y) {
    const uint8_t* lab = q.labels.ptr<uint8_t>(y);
    const uint8_t* line = ink.ptr<uint8_t>(y);
    cv::Vec3b* dst = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < out.cols; ++x) dst[x] = line[x] ? kInk : palette[lab[x]];
  }
  return out;
}

// ---- Pencil sketch ----------------------------------------------------------------------------
// XDoG lines (Winnemöller et al. 2012) on luma: D = G_σ − τ·G_kσ, T = 1 where D ≥ ε else
// 1 + tanh(φ(D − ε)), with luma in 0..1; σ scales with the image (1.0 px at 1440). Under the
// lines, a light graphite tone that follows the photo's darkness, hatched along 45° with
// streaked noise, on an off-white paper with a faint grain. We chose XDoG over cv::pencilSketch:
// pencilSketch's domain-transform output looks like a grey photocopy with smudged texture,
// XDoG gives clean strokes at the edges that a pencil would draw.

constexpr double kXdogSigma = 1.0;  // at 1440 px
constexpr double kXdogK = 1.6;
constexpr double kXdogTau = 0.98;
constexpr double kXdogPhi = 200;
constexpr double kXdogEpsilon = -0.004;
constexpr float kPencilShade = 0.5f;  // darkest graphite tone in the blackest areas
const cv::Vec3f kPaper(0.975f, 0.965f, 0.94f);

// Sums white noise along 45° lines over `length` pixels: pencil-hatch streaks.
cv::Mat DiagonalStreaks(int w, int h, int length, uint64_t seed) {
  const cv::Mat n = WhiteNoise(w + length, h + length, seed);
  cv::Mat out(h, w, CV_32F);
  const float norm = 1.0f / std::sqrt(static_cast<float>(length));
  for (int y = 0; y < h; ++y) {
    float* row = out.ptr<float>(y);
    for (int x = 0; x < w; ++x) {
      float s = 0;
      for (int i = 0; i < length; ++i) s += n.at<float>(y + i, x + length - 1 - i);
      row[x] = s * norm;
    }
  }
  return out;
}

cv::Mat XdogLines(const cv::Mat& gray8, double sigma) {
  cv::Mat g, g1, g2;
  gray8.convertTo(g, CV_32F, 1.0 / 255);
  cv::GaussianBlur(g, g1, cv::Size(), sigma);
  cv::GaussianBlur(g, g2, cv::Size(), sigma * kXdogK);
  cv::Mat lines(g.size(), CV_32F);
  for (int y = 0; y < g.rows; ++y) {
    const float* a = g1.ptr<float>(y);
    const float* b = g2.ptr<float>(y);
    float* out = lines.ptr<float>(y);
    for (int x = 0; x < g.cols; ++x) {
      const double d = a[x] - kXdogTau * b[x];
      out[x] = d >= kXdogEpsilon ? 1.0f
                                 : static_cast<float>(1 + std::tanh(kXdogPhi * (d - kXdogEpsilon)));
    }
  }
  return lines;
}

cv::Mat PencilSketch(const cv::Mat& work, uint64_t seed) {
  const int L = std::max(work.cols, work.rows);
  const cv::Mat gray = Luma(work);
  const cv::Mat lines = XdogLines(gray, std::max(0.7, Scaled(kXdogSigma, L)));
  cv::Mat tone;
  gray.convertTo(tone, CV_32F, 1.0 / 255);
  cv::GaussianBlur(tone, tone, cv::Size(), std::max(1.0, Scaled(3, L)));
  const cv::Mat hatch = DiagonalStreaks(work.cols, work.rows, OddScaled(15, L), Mix(seed + 1));
  const cv::Mat grain = WhiteNoise(work.cols, work.rows, Mix(seed + 2));
  cv::Mat out(work.size(), CV_32FC3);
  for (int y = 0; y < out.rows; ++y) {
    const float* ln = lines.ptr<float>(y);
    const float* tn = tone.ptr<float>(y);
    const float* ht = hatch.ptr<float>(y);
    const float* gr = grain.ptr<float>(y);
    cv::Vec3f* dst = out.ptr<cv::Vec3f>(y);
    for (int x = 0; x < out.cols; ++x) {
      // Darkness above a light threshold becomes graphite; hatching modulates it.
      const float dark = std::clamp((0.8f - tn[x]) / 0.8f, 0.0f, 1.0f);
      const float shade =
          kPencilShade * dark * dark * std::clamp(0.75f + 0.35f * ht[x], 0.3f, 1.3f);
      const float v = ln[x] * (1 - shade) * (1 + 0.025f * gr[x]);
      dst[x] = kPaper * std::clamp(v, 0.0f, 1.0f);
    }
  }
  return out;
}

// ---- Oil paint: anisotropic Kuwahara filter ----------------------------------------------------
// Kyprianidis, Kang, Döllner, "Image and video abstraction by anisotropic Kuwahara filtering"
// (2009), with the polynomial sector weights of Kyprianidis et al. (2010): for each pixel an
// ellipse aligned with the local edge direction (from the smoothed structure tensor) and
// stretched by its anisotropy is split into 8 overlapping sectors; the output is the mean colour
// of the sectors weighted by 1/(1 + (255·σ²)^(q/2)), which favours the flattest sectors and so
// smooths along edges without crossing them. Kernels are precomputed for 32 orientations × 8
// anisotropies.

constexpr int kOilLongEdge = 960;      // the filter's working size (cost grows with r² · pixels)
constexpr double kOilRadius = 6;       // at kOilLongEdge
constexpr float kOilBristles = 0.03f;  // height of the bristle streaks (luma units)
constexpr float kOilRelief = 0.35f;    // light change per unit of height slope
constexpr double kOilQ = 8;            // sharpness of the sector selection
constexpr double kOilAlpha = 1;        // how strongly anisotropy stretches the ellipse
constexpr double kSectorZeta = 0.33;   // sector overlap at the centre
constexpr int kOrientationBins = 32;
constexpr int kAnisotropyBins = 8;

// Four floats in an SSE/NEON register (GCC and Clang vector extension).
using V4 = float __attribute__((vector_size(16)));

struct SectorKernel {
  std::vector<int> offsets;  // into the padded 4-float-per-pixel image, in floats
  std::vector<std::array<float, 8>> weights;
  std::array<float, 8> inverse_sum;  // 1 / Σ weights of each sector
};

SectorKernel BuildSectorKernel(double phi, double anisotropy, double radius, int stride_floats) {
  const double a = radius * std::clamp((kOilAlpha + anisotropy) / kOilAlpha, 0.1, 2.0);
  const double b = radius * std::clamp(kOilAlpha / (kOilAlpha + anisotropy), 0.1, 2.0);
  const double c = std::cos(phi), s = std::sin(phi);
  const int max_x = static_cast<int>(std::sqrt(a * a * c * c + b * b * s * s));
  const int max_y = static_cast<int>(std::sqrt(a * a * s * s + b * b * c * c));
  constexpr int kN = 8;
  const double half = std::numbers::pi / kN;
  const double eta = (kSectorZeta + std::cos(half)) / (std::sin(half) * std::sin(half));
  SectorKernel k;
  std::array<double, 8> sums{};
  for (int j = -max_y; j <= max_y; ++j) {
    for (int i = -max_x; i <= max_x; ++i) {
      // Into the ellipse's frame, scaled to the unit disc.
      const double vx = (c * i + s * j) / a;
      const double vy = (-s * i + c * j) / b;
      const double r2 = vx * vx + vy * vy;
      if (r2 > 1) continue;
      std::array<double, 8> w{};
      double sum = 0;
      for (int n = 0; n < kN; ++n) {
        const double an = 2 * std::numbers::pi * n / kN;
        const double along = vx * std::cos(an) + vy * std::sin(an);
        const double across = -vx * std::sin(an) + vy * std::cos(an);
        const double z = std::max(0.0, along + kSectorZeta - eta * across * across);
        w[n] = z * z;
        sum += w[n];
      }
      if (sum <= 0) continue;
      const double g = std::exp(-2.0 * r2) / sum;
      std::array<float, 8> wf;
      for (int n = 0; n < kN; ++n) {
        wf[n] = static_cast<float>(w[n] * g);
        sums[n] += wf[n];
      }
      k.offsets.push_back(j * stride_floats + i * 4);
      k.weights.push_back(wf);
    }
  }
  for (int n = 0; n < kN; ++n) k.inverse_sum[n] = sums[n] > 0 ? static_cast<float>(1 / sums[n]) : 0;
  return k;
}

cv::Mat AnisotropicKuwahara(const cv::Mat& rgb8, double radius, double q) {
  const cv::Mat f = ToFloat(rgb8);
  // Structure tensor, summed over the channels and smoothed.
  cv::Mat dx, dy;
  cv::Sobel(f, dx, CV_32F, 1, 0);
  cv::Sobel(f, dy, CV_32F, 0, 1);
  cv::Mat e(f.size(), CV_32F), fxy(f.size(), CV_32F), g(f.size(), CV_32F);
  for (int y = 0; y < f.rows; ++y) {
    const cv::Vec3f* px = dx.ptr<cv::Vec3f>(y);
    const cv::Vec3f* py = dy.ptr<cv::Vec3f>(y);
    for (int x = 0; x < f.cols; ++x) {
      e.at<float>(y, x) = px[x].dot(px[x]);
      fxy.at<float>(y, x) = px[x].dot(py[x]);
      g.at<float>(y, x) = py[x].dot(py[x]);
    }
  }
  const double tensor_sigma = 2.0;
  cv::GaussianBlur(e, e, cv::Size(), tensor_sigma);
  cv::GaussianBlur(fxy, fxy, cv::Size(), tensor_sigma);
  cv::GaussianBlur(g, g, cv::Size(), tensor_sigma);

  // Padded 4-channel image: r, g, b, r² + g² + b².
  const int pad = static_cast<int>(std::ceil(2 * radius)) + 1;
  cv::Mat padded3;
  cv::copyMakeBorder(f, padded3, pad, pad, pad, pad, cv::BORDER_REFLECT);
  cv::Mat padded(padded3.size(), CV_32FC4);
  for (int y = 0; y < padded.rows; ++y) {
    const cv::Vec3f* src = padded3.ptr<cv::Vec3f>(y);
    cv::Vec4f* dst = padded.ptr<cv::Vec4f>(y);
    for (int x = 0; x < padded.cols; ++x) {
      dst[x] = cv::Vec4f(src[x][0], src[x][1], src[x][2], src[x].dot(src[x]));
    }
  }
  const int stride = static_cast<int>(padded.step1());
  std::vector<SectorKernel> kernels;
  kernels.reserve(kOrientationBins * kAnisotropyBins);
  for (int o = 0; o < kOrientationBins; ++o) {
    for (int an = 0; an < kAnisotropyBins; ++an) {
      kernels.push_back(BuildSectorKernel(std::numbers::pi * o / kOrientationBins,
                                          static_cast<double>(an) / (kAnisotropyBins - 1), radius,
                                          stride));
    }
  }

  cv::Mat out(f.size(), CV_32FC3);
  const float half_q = static_cast<float>(q / 2);
  for (int y = 0; y < f.rows; ++y) {
    const float* base_row = padded.ptr<float>(y + pad) + pad * 4;
    cv::Vec3f* dst = out.ptr<cv::Vec3f>(y);
    for (int x = 0; x < f.cols; ++x) {
      const float E = e.at<float>(y, x), F = fxy.at<float>(y, x), G = g.at<float>(y, x);
      const float root = std::sqrt((E - G) * (E - G) + 4 * F * F);
      const float l1 = (E + G + root) / 2, l2 = (E + G - root) / 2;
      float tx = l1 - E, ty = -F;
      if (tx * tx + ty * ty <= 1e-12f) tx = 0, ty = 1;
      double phi = std::atan2(ty, tx);
      if (phi < 0) phi += std::numbers::pi;
      const float anisotropy = l1 + l2 > 1e-9f ? (l1 - l2) / (l1 + l2) : 0;
      const int ob = static_cast<int>(std::lround(phi / std::numbers::pi * kOrientationBins)) %
                     kOrientationBins;
      const int ab = std::clamp(static_cast<int>(std::lround(anisotropy * (kAnisotropyBins - 1))),
                                0, kAnisotropyBins - 1);
      const SectorKernel& k = kernels[ob * kAnisotropyBins + ab];
      const float* base = base_row + x * 4;
      // Eight sectors in two 4-float vectors per quantity: GCC does not vectorise the plain
      // loop on its own, and this is where the look spends its time.
      V4 r0{}, r1{}, g0{}, g1{}, b0{}, b1{}, s0{}, s1{};
      const size_t taps = k.offsets.size();
      for (size_t t = 0; t < taps; ++t) {
        const float* p = base + k.offsets[t];
        V4 w0, w1;
        std::memcpy(&w0, k.weights[t].data(), sizeof w0);
        std::memcpy(&w1, k.weights[t].data() + 4, sizeof w1);
        r0 += w0 * p[0];
        r1 += w1 * p[0];
        g0 += w0 * p[1];
        g1 += w1 * p[1];
        b0 += w0 * p[2];
        b1 += w1 * p[2];
        s0 += w0 * p[3];
        s1 += w1 * p[3];
      }
      float mr[8], mg[8], mb[8], ms[8];
      std::memcpy(mr, &r0, sizeof r0);
      std::memcpy(mr + 4, &r1, sizeof r1);
      std::memcpy(mg, &g0, sizeof g0);
      std::memcpy(mg + 4, &g1, sizeof g1);
      std::memcpy(mb, &b0, sizeof b0);
      std::memcpy(mb + 4, &b1, sizeof b1);
      std::memcpy(ms, &s0, sizeof s0);
      std::memcpy(ms + 4, &s1, sizeof s1);
      float o0 = 0, o1 = 0, o2 = 0, ow = 0;
      for (int n = 0; n < 8; ++n) {
        const float inv = k.inverse_sum[n];
        if (inv == 0) continue;
        const float r = mr[n] * inv, gg = mg[n] * inv, bb = mb[n] * inv;
        const float var = std::max(0.0f, ms[n] * inv - (r * r + gg * gg + bb * bb));
        const float wk = 1 / (1 + std::pow(255 * var, half_q));
        o0 += wk * r;
        o1 += wk * gg;
        o2 += wk * bb;
        ow += wk;
      }
      dst[x] = ow > 0 ? cv::Vec3f(o0 / ow, o1 / ow, o2 / ow) : f.at<cv::Vec3f>(y, x);
    }
  }
  return out;
}

// The unit tangent (the direction of least change) of an image's smoothed structure tensor,
// as two CV_32F planes.
void TangentField(const cv::Mat& rgbf, double sigma, cv::Mat& tx, cv::Mat& ty) {
  cv::Mat dx, dy;
  cv::Sobel(rgbf, dx, CV_32F, 1, 0);
  cv::Sobel(rgbf, dy, CV_32F, 0, 1);
  cv::Mat e(rgbf.size(), CV_32F), f(rgbf.size(), CV_32F), g(rgbf.size(), CV_32F);
  for (int y = 0; y < rgbf.rows; ++y) {
    const cv::Vec3f* px = dx.ptr<cv::Vec3f>(y);
    const cv::Vec3f* py = dy.ptr<cv::Vec3f>(y);
    for (int x = 0; x < rgbf.cols; ++x) {
      e.at<float>(y, x) = px[x].dot(px[x]);
      f.at<float>(y, x) = px[x].dot(py[x]);
      g.at<float>(y, x) = py[x].dot(py[x]);
    }
  }
  cv::GaussianBlur(e, e, cv::Size(), sigma);
  cv::GaussianBlur(f, f, cv::Size(), sigma);
  cv::GaussianBlur(g, g, cv::Size(), sigma);
  tx.create(rgbf.size(), CV_32F);
  ty.create(rgbf.size(), CV_32F);
  for (int y = 0; y < rgbf.rows; ++y) {
    for (int x = 0; x < rgbf.cols; ++x) {
      const float E = e.at<float>(y, x), F = f.at<float>(y, x), G = g.at<float>(y, x);
      const float l1 = (E + G + std::sqrt((E - G) * (E - G) + 4 * F * F)) / 2;
      float vx = l1 - E, vy = -F;
      const float n = std::sqrt(vx * vx + vy * vy);
      if (n <= 1e-9f) {
        vx = 0, vy = 1;
      } else {
        vx /= n, vy /= n;
      }
      tx.at<float>(y, x) = vx;
      ty.at<float>(y, x) = vy;
    }
  }
}

// Line integral convolution: `noise` averaged along the tangent field over `steps` pixels each
// way. Streaks that follow the edges: brush bristles.
cv::Mat LineIntegral(const cv::Mat& noise, const cv::Mat& tx, const cv::Mat& ty, int steps) {
  cv::Mat out(noise.size(), CV_32F);
  const int w = noise.cols, h = noise.rows;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      float sum = noise.at<float>(y, x);
      for (int dir = -1; dir <= 1; dir += 2) {
        float px = static_cast<float>(x), py = static_cast<float>(y);
        float vx = tx.at<float>(y, x) * dir, vy = ty.at<float>(y, x) * dir;
        for (int s = 0; s < steps; ++s) {
          px += vx, py += vy;
          const int ix = static_cast<int>(px + 0.5f), iy = static_cast<int>(py + 0.5f);
          if (ix < 0 || iy < 0 || ix >= w || iy >= h) break;
          sum += noise.at<float>(iy, ix);
          // Keep walking the same way along the (unoriented) field.
          float nx = tx.at<float>(iy, ix), ny = ty.at<float>(iy, ix);
          if (nx * vx + ny * vy < 0) nx = -nx, ny = -ny;
          vx = nx, vy = ny;
        }
      }
      out.at<float>(y, x) = sum / std::sqrt(2.0f * steps + 1);
    }
  }
  return out;
}

// The painting, scaled to the working size, with brush-stroke relief lit from the top left: the
// height is the paint's luma plus bristle streaks (LIC of noise along the edges).
cv::Mat OilPaint(const cv::Mat& work) {
  const int L = std::max(work.cols, work.rows);
  const cv::Mat small = ResizeToLong(work, kOilLongEdge);
  const double radius = std::max(2.0, kOilRadius * std::max(small.cols, small.rows) / kOilLongEdge);
  cv::Mat painted = AnisotropicKuwahara(small, radius, kOilQ);
  cv::Mat up;
  cv::resize(painted, up, work.size(), 0, 0, cv::INTER_CUBIC);

  // Bristle streaks, drawn at the painting's size (cheaper) and scaled up with it.
  const int ls = std::max(small.cols, small.rows);
  cv::Mat tx, ty;
  TangentField(painted, 4.0 * ls / kOilLongEdge, tx, ty);
  cv::Mat bristles = WhiteNoise(small.cols, small.rows, 0x0111);
  cv::GaussianBlur(bristles, bristles, cv::Size(), 0.6);
  cv::Mat streaks;
  cv::resize(LineIntegral(bristles, tx, ty,
                          std::max(3, static_cast<int>(std::lround(8.0 * ls / kOilLongEdge)))),
             streaks, work.size(), 0, 0, cv::INTER_LINEAR);

  cv::Mat height;
  cv::cvtColor(up, height, cv::COLOR_RGB2GRAY);
  cv::GaussianBlur(height, height, cv::Size(), std::max(0.8, Scaled(1.5, L)));
  height += streaks * kOilBristles;
  cv::Mat gx, gy;
  cv::Sobel(height, gx, CV_32F, 1, 0);
  cv::Sobel(height, gy, CV_32F, 0, 1);
  for (int y = 0; y < up.rows; ++y) {
    cv::Vec3f* p = up.ptr<cv::Vec3f>(y);
    const float* ax = gx.ptr<float>(y);
    const float* ay = gy.ptr<float>(y);
    for (int x = 0; x < up.cols; ++x) {
      const float light = std::clamp(-(ax[x] + ay[x]) * kOilRelief, -0.1f, 0.1f);
      for (int c = 0; c < 3; ++c) p[x][c] = p[x][c] + light;
    }
  }
  Saturate(up, 1.12f);
  return up;
}

// ---- Watercolour ------------------------------------------------------------------------------
// After Bousseau et al. (NPAR 2006): the photo abstracted into flat washes (edge-preserving
// recursive filter on a half-size copy, then mean-shift), the washes' edges wobbled by smooth
// noise (bleed), and the pigment model C' = C − (C − C²)(d − 1) applied with a density d made of
// low-frequency turbulence (uneven pigment), high-frequency paper grain and edge darkening
// (pigment collects at the borders of a wash). All noise comes from the seed.

constexpr int kWatercolourAbstractEdge = 720;

cv::Mat Watercolour(const cv::Mat& work, uint64_t seed) {
  const int L = std::max(work.cols, work.rows);
  cv::Mat small = ResizeToLong(work, kWatercolourAbstractEdge);
  cv::Mat flat;
  cv::edgePreservingFilter(small, flat, cv::RECURS_FILTER, 60, 0.45f);
  cv::Mat shifted;
  cv::pyrMeanShiftFiltering(flat, shifted, 8, 24, 1);
  cv::Mat washes;
  cv::resize(shifted, washes, work.size(), 0, 0, cv::INTER_LINEAR);
  cv::Mat wf = ToFloat(washes);

  // Bleed: displace by smooth noise a few pixels, then soften a little.
  const double wobble = Scaled(3.0, L);
  const cv::Mat nx = SmoothNoise(work.cols, work.rows, Scaled(40, L), Mix(seed + 11));
  const cv::Mat ny = SmoothNoise(work.cols, work.rows, Scaled(40, L), Mix(seed + 12));
  cv::Mat map_x(work.size(), CV_32F), map_y(work.size(), CV_32F);
  for (int y = 0; y < work.rows; ++y) {
    for (int x = 0; x < work.cols; ++x) {
      map_x.at<float>(y, x) = x + static_cast<float>(wobble) * nx.at<float>(y, x);
      map_y.at<float>(y, x) = y + static_cast<float>(wobble) * ny.at<float>(y, x);
    }
  }
  cv::Mat bled;
  cv::remap(wf, bled, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_REFLECT);
  cv::GaussianBlur(bled, bled, cv::Size(), std::max(0.6, Scaled(1.0, L)));

  // Edge darkening from the gradient of the washes.
  cv::Mat lum, gx, gy, edge;
  cv::cvtColor(bled, lum, cv::COLOR_RGB2GRAY);
  cv::Sobel(lum, gx, CV_32F, 1, 0);
  cv::Sobel(lum, gy, CV_32F, 0, 1);
  cv::magnitude(gx, gy, edge);
  cv::GaussianBlur(edge, edge, cv::Size(), std::max(0.7, Scaled(1.2, L)));

  const cv::Mat pigment = FractalNoise(work.cols, work.rows, Scaled(220, L), 4, Mix(seed + 13));
  const cv::Mat paper = WhiteNoise(work.cols, work.rows, Mix(seed + 14));
  cv::Mat paper_soft;
  cv::GaussianBlur(paper, paper_soft, cv::Size(), std::max(0.6, Scaled(0.9, L)));
  const cv::Mat fibres = FractalNoise(work.cols, work.rows, Scaled(10, L), 2, Mix(seed + 15));

  cv::Mat out(work.size(), CV_32FC3);
  for (int y = 0; y < out.rows; ++y) {
    const cv::Vec3f* src = bled.ptr<cv::Vec3f>(y);
    cv::Vec3f* dst = out.ptr<cv::Vec3f>(y);
    for (int x = 0; x < out.cols; ++x) {
      const float d = 1 + 0.22f * pigment.at<float>(y, x) + 0.3f * paper_soft.at<float>(y, x) +
                      0.06f * fibres.at<float>(y, x) + std::min(0.7f, 1.6f * edge.at<float>(y, x));
      cv::Vec3f c = src[x];
      // Lighter, more transparent washes than the photo, on white paper.
      for (int ch = 0; ch < 3; ++ch) {
        float v = 0.16f + 0.84f * c[ch];
        v = std::pow(v, 0.8f);
        v = v - (v - v * v) * (d - 1);
        dst[x][ch] = std::clamp(v, 0.0f, 1.0f);
      }
    }
  }
  Saturate(out, 1.05f);
  return out;
}

// ---- Pop art ----------------------------------------------------------------------------------
// After Lichtenstein's comic panels: the photo flattened (bilateral filter on a half-size copy),
// its luma cut into four bands at its own 22nd, 50th and 85th percentiles, and each pixel
// printed with one of five inks (black, white, red, yellow, blue) by band and hue: the darkest
// band black, the next flat ink of the nearest pop hue, the mid-light band Ben-Day dots of that
// ink on white (45° screen, dot area from the luma), the lightest white (or pale yellow where it
// is coloured); thick black outlines where the bands or inks change.

constexpr double kPopDotPeriod = 9;  // px at 1440
constexpr double kPopOutline = 3;    // px at 1440

const cv::Vec3f kPopBlack(0.05f, 0.05f, 0.08f), kPopWhite(1.0f, 0.99f, 0.96f),
    kPopRed(0.89f, 0.12f, 0.13f), kPopYellow(1.0f, 0.84f, 0.05f), kPopBlue(0.10f, 0.38f, 0.80f),
    kPopPaleYellow(1.0f, 0.95f, 0.70f);

// 0 red, 1 yellow, 2 blue: the nearest pop ink for a hue (degrees) and saturation.
int PopHue(float hue, float saturation, int band) {
  if (saturation < 0.18f) return band == 1 ? 2 : 0;  // greys: blue shadows, red dots (skin-like)
  if (hue < 40 || hue >= 300) return 0;
  if (hue < 75) return 1;
  if (hue < 160) return band == 1 ? 2 : 1;  // greens: blue in shadow, yellow in light
  return 2;
}

cv::Mat PopArt(const cv::Mat& work) {
  const int L = std::max(work.cols, work.rows);
  cv::Mat small;
  cv::resize(work, small, cv::Size((work.cols + 1) / 2, (work.rows + 1) / 2), 0, 0, cv::INTER_AREA);
  for (int i = 0; i < 4; ++i) {
    cv::Mat next;
    cv::bilateralFilter(small, next, OddScaled(7, L, 5), 30, Scaled(4, L));
    small = next;
  }
  cv::Mat smooth;
  cv::resize(small, smooth, work.size(), 0, 0, cv::INTER_LINEAR);
  cv::Mat luma = Luma(smooth), hsv;
  cv::cvtColor(ToFloat(smooth), hsv, cv::COLOR_RGB2HSV);  // H in degrees, S and V in 0..1

  // Band thresholds from the luma histogram.
  std::array<int64_t, 256> hist{};
  for (int y = 0; y < luma.rows; ++y) {
    const uint8_t* row = luma.ptr<uint8_t>(y);
    for (int x = 0; x < luma.cols; ++x) ++hist[row[x]];
  }
  auto quantile = [&](double q) {
    const double target = q * luma.total();
    int64_t acc = 0;
    for (int i = 0; i < 256; ++i) {
      acc += hist[i];
      if (acc >= target) return i;
    }
    return 255;
  };
  const int t1 = std::clamp(quantile(0.22), 30, 110);
  const int t2 = std::clamp(quantile(0.50), t1 + 10, 180);
  const int t3 = std::clamp(quantile(0.85), t2 + 10, 235);

  // Label = band * 3 + ink, smoothed by a median so that regions are clean.
  cv::Mat band(work.size(), CV_8U), hue_class(work.size(), CV_8U);
  for (int y = 0; y < work.rows; ++y) {
    const uint8_t* l = luma.ptr<uint8_t>(y);
    const cv::Vec3f* h = hsv.ptr<cv::Vec3f>(y);
    uint8_t* b = band.ptr<uint8_t>(y);
    uint8_t* c = hue_class.ptr<uint8_t>(y);
    for (int x = 0; x < work.cols; ++x) {
      b[x] = static_cast<uint8_t>(l[x] < t1 ? 0 : l[x] < t2 ? 1 : l[x] < t3 ? 2 : 3);
      c[x] = static_cast<uint8_t>(PopHue(h[x][0], h[x][1], b[x]));
    }
  }
  const int median = OddScaled(9, L);
  cv::medianBlur(band, band, median);
  cv::medianBlur(hue_class, hue_class, median);

  cv::Mat boundary = cv::Mat::zeros(work.size(), CV_8U);
  auto label = [&](int y, int x) {
    const int b = band.at<uint8_t>(y, x);
    return b == 0 || b == 3 ? b * 4 : b * 4 + hue_class.at<uint8_t>(y, x) + 1;
  };
  for (int y = 0; y + 1 < work.rows; ++y) {
    for (int x = 0; x + 1 < work.cols; ++x) {
      const int here = label(y, x);
      if (here != label(y, x + 1) || here != label(y + 1, x)) boundary.at<uint8_t>(y, x) = 255;
    }
  }
  const int thick = std::max(1, static_cast<int>(std::lround(Scaled(kPopOutline, L))));
  cv::dilate(boundary, boundary, cv::getStructuringElement(cv::MORPH_ELLIPSE, {thick, thick}));

  const cv::Vec3f inks[3] = {kPopRed, kPopYellow, kPopBlue};
  const double period = std::max(4.0, Scaled(kPopDotPeriod, L));
  const float ca = static_cast<float>(std::cos(std::numbers::pi / 4) / period);
  const float sa = static_cast<float>(std::sin(std::numbers::pi / 4) / period);
  cv::Mat out(work.size(), CV_32FC3);
  for (int y = 0; y < out.rows; ++y) {
    const uint8_t* b = band.ptr<uint8_t>(y);
    const uint8_t* c = hue_class.ptr<uint8_t>(y);
    const uint8_t* line = boundary.ptr<uint8_t>(y);
    const uint8_t* l = luma.ptr<uint8_t>(y);
    const cv::Vec3f* h = hsv.ptr<cv::Vec3f>(y);
    cv::Vec3f* dst = out.ptr<cv::Vec3f>(y);
    for (int x = 0; x < out.cols; ++x) {
      if (line[x] || b[x] == 0) {
        dst[x] = kPopBlack;
      } else if (b[x] == 1) {
        dst[x] = inks[c[x]];
      } else if (b[x] == 3) {
        dst[x] = h[x][1] > 0.25f ? kPopPaleYellow : kPopWhite;
      } else {
        // Ben-Day dots: darker pixels get bigger dots.
        const float t = std::clamp((t3 - l[x]) / static_cast<float>(t3 - t2), 0.0f, 1.0f);
        const float coverage = 0.18f + 0.42f * t;
        const float u = x * ca + y * sa, v = -x * sa + y * ca;
        const float fu = u - std::floor(u) - 0.5f, fv = v - std::floor(v) - 0.5f;
        const float dist = std::sqrt(fu * fu + fv * fv) * static_cast<float>(period);
        const float radius = static_cast<float>(period * std::sqrt(coverage / std::numbers::pi));
        const float cover = std::clamp(radius - dist + 0.5f, 0.0f, 1.0f);
        dst[x] = inks[c[x]] * cover + kPopWhite * (1 - cover);
      }
    }
  }
  return out;
}

// ---- Film -------------------------------------------------------------------------------------
// A faded colour-negative print: a tone curve with lifted blacks and softened highlights, split
// toning (cool shadows, warm highlights), a little less saturation, monochrome grain whose
// strength follows 4·L·(1 − L) (none in pure black or white), and a vignette.

constexpr double kFilmBlack = 0.075;    // where black lands
constexpr double kFilmWhite = 0.955;    // where white lands
constexpr double kFilmGrain = 0.035;    // grain standard deviation at mid grey
constexpr double kFilmVignette = 0.32;  // darkening in the far corners

std::array<std::array<float, 256>, 3> FilmCurves() {
  std::array<std::array<float, 256>, 3> lut;
  for (int i = 0; i < 256; ++i) {
    const double x = i / 255.0;
    const double s = x * x * (3 - 2 * x);     // smoothstep
    const double base = 0.65 * x + 0.35 * s;  // a gentle S
    const double y = kFilmBlack + (kFilmWhite - kFilmBlack) * base;
    const double shadow = (1 - y) * (1 - y), high = y * y;
    lut[0][i] = static_cast<float>(y - 0.025 * shadow + 0.035 * high);
    lut[1][i] = static_cast<float>(y + 0.005 * shadow + 0.012 * high);
    lut[2][i] = static_cast<float>(y + 0.045 * shadow - 0.045 * high);
  }
  return lut;
}

cv::Mat Film(const cv::Mat& work, uint64_t seed) {
  const int L = std::max(work.cols, work.rows);
  static const auto kCurves = FilmCurves();
  cv::Mat grain = WhiteNoise(work.cols, work.rows, Mix(seed + 21));
  cv::GaussianBlur(grain, grain, cv::Size(), std::max(0.5, Scaled(0.7, L)));
  // Re-normalise the blurred noise to unit standard deviation.
  cv::Scalar mean, stddev;
  cv::meanStdDev(grain, mean, stddev);
  grain = (grain - mean[0]) / std::max(1e-6, stddev[0]);
  cv::Mat out(work.size(), CV_32FC3);
  const double cx = (work.cols - 1) / 2.0, cy = (work.rows - 1) / 2.0;
  for (int y = 0; y < out.rows; ++y) {
    const cv::Vec3b* src = work.ptr<cv::Vec3b>(y);
    const float* gr = grain.ptr<float>(y);
    cv::Vec3f* dst = out.ptr<cv::Vec3f>(y);
    const double ny = (y - cy) / cy;
    for (int x = 0; x < out.cols; ++x) {
      cv::Vec3f p(kCurves[0][src[x][0]], kCurves[1][src[x][1]], kCurves[2][src[x][2]]);
      const float l = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
      for (int c = 0; c < 3; ++c) p[c] = l + (p[c] - l) * 0.85f;
      const float grain_amp = static_cast<float>(kFilmGrain) * 4 * l * (1 - l);
      const double nx = (x - cx) / cx;
      const double r = std::sqrt((nx * nx + ny * ny) / 2);  // 0 centre, 1 corner
      const double t = std::clamp((r - 0.35) / 0.65, 0.0, 1.0);
      const float vignette = static_cast<float>(1 - kFilmVignette * t * t * (3 - 2 * t));
      for (int c = 0; c < 3; ++c)
        p[c] = std::clamp((p[c] + grain_amp * gr[x]) * vignette, 0.0f, 1.0f);
      dst[x] = p;
    }
  }
  return out;
}

cv::Mat ToRgb8(const cv::Mat& m) {
  if (m.type() == CV_8UC3) return m;
  cv::Mat out;
  m.convertTo(out, CV_8UC3, 255.0);
  return out;
}

// ---- Portrait effects -------------------------------------------------------------------------

// The mask at the photo's size, feathered, as alpha 0..255 (CV_8U).
cv::Mat PersonAlpha(const GrayImage& mask, cv::Size size) {
  cv::Mat m(mask.height, mask.width, CV_8U, const_cast<uint8_t*>(mask.pixels.data()));
  cv::Mat scaled;
  cv::resize(m, scaled, size, 0, 0, m.cols > size.width ? cv::INTER_AREA : cv::INTER_LINEAR);
  const double feather = std::max(1.0, 0.003 * std::max(size.width, size.height));
  cv::GaussianBlur(scaled, scaled, cv::Size(), feather);
  return scaled;
}

// out = photo·α + background·(1 − α), exact where α = 255.
cv::Mat Composite(const cv::Mat& photo, const cv::Mat& background, const cv::Mat& alpha) {
  cv::Mat out(photo.size(), CV_8UC3);
  for (int y = 0; y < photo.rows; ++y) {
    const cv::Vec3b* p = photo.ptr<cv::Vec3b>(y);
    const cv::Vec3b* b = background.ptr<cv::Vec3b>(y);
    const uint8_t* a = alpha.ptr<uint8_t>(y);
    cv::Vec3b* o = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < photo.cols; ++x) {
      const int w = a[x];
      for (int c = 0; c < 3; ++c) {
        o[x][c] = static_cast<uint8_t>((p[x][c] * w + b[x][c] * (255 - w) + 127) / 255);
      }
    }
  }
  return out;
}

// A Gaussian blur of the background that ignores the person: blur(photo·bg) / blur(bg), on a
// reduced copy when the blur is wide (the result is smooth anyway).
cv::Mat BackgroundBlur(const cv::Mat& photo, const cv::Mat& alpha) {
  const int L = std::max(photo.cols, photo.rows);
  const double sigma = std::max(2.0, 0.012 * L);
  const double shrink = std::max(1.0, sigma / 4);
  const cv::Size small(std::max(1, static_cast<int>(std::lround(photo.cols / shrink))),
                       std::max(1, static_cast<int>(std::lround(photo.rows / shrink))));
  cv::Mat pf, bg;
  cv::resize(ToFloat(photo), pf, small, 0, 0, cv::INTER_AREA);
  cv::resize(alpha, bg, small, 0, 0, cv::INTER_AREA);
  bg.convertTo(bg, CV_32F, -1.0 / 255, 1.0);  // background weight 1 − α
  cv::Mat weighted(small, CV_32FC3), num, den, plain;
  for (int y = 0; y < small.height; ++y) {
    for (int x = 0; x < small.width; ++x) {
      weighted.at<cv::Vec3f>(y, x) = pf.at<cv::Vec3f>(y, x) * bg.at<float>(y, x);
    }
  }
  const double s = sigma / shrink;
  cv::GaussianBlur(weighted, num, cv::Size(), s);
  cv::GaussianBlur(bg, den, cv::Size(), s);
  cv::GaussianBlur(pf, plain, cv::Size(), s);
  cv::Mat blurred(small, CV_32FC3);
  for (int y = 0; y < small.height; ++y) {
    for (int x = 0; x < small.width; ++x) {
      const float d = den.at<float>(y, x);
      // Deep inside a large person there is no background nearby: the plain blur stands in
      // (and is hidden by the person anyway).
      const float t = std::clamp(d / 0.05f, 0.0f, 1.0f);
      const cv::Vec3f normalised =
          d > 1e-6f ? num.at<cv::Vec3f>(y, x) / d : plain.at<cv::Vec3f>(y, x);
      blurred.at<cv::Vec3f>(y, x) = normalised * t + plain.at<cv::Vec3f>(y, x) * (1 - t);
    }
  }
  cv::Mat up;
  cv::resize(blurred, up, photo.size(), 0, 0, cv::INTER_LINEAR);
  return ToRgb8(up);
}

cv::Mat GreyBackground(const cv::Mat& photo) {
  cv::Mat gray = Luma(photo), out;
  cv::cvtColor(gray, out, cv::COLOR_GRAY2RGB);
  return out;
}

// The mean colour of the background in the top and bottom halves, lightened and calmed, as a
// vertical gradient.
cv::Mat GradientBackground(const cv::Mat& photo, const cv::Mat& alpha) {
  cv::Vec3d sum[2] = {cv::Vec3d(0, 0, 0), cv::Vec3d(0, 0, 0)};
  double weight[2] = {0, 0};
  for (int y = 0; y < photo.rows; ++y) {
    const int half = y < photo.rows / 2 ? 0 : 1;
    for (int x = 0; x < photo.cols; ++x) {
      const double w = 255 - alpha.at<uint8_t>(y, x);
      const cv::Vec3b p = photo.at<cv::Vec3b>(y, x);
      sum[half] += cv::Vec3d(p[0], p[1], p[2]) * w;
      weight[half] += w;
    }
  }
  cv::Vec3d colour[2];
  for (int h = 0; h < 2; ++h) {
    cv::Vec3d c = weight[h] > 0 ? sum[h] / weight[h] : cv::Vec3d(128, 128, 128);
    const double l = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
    for (int ch = 0; ch < 3; ++ch) {
      const double calm = l + (c[ch] - l) * 0.7;
      colour[h][ch] = calm + (255 - calm) * (h == 0 ? 0.45 : 0.25);
    }
  }
  cv::Mat out(photo.size(), CV_8UC3);
  for (int y = 0; y < photo.rows; ++y) {
    const double t = photo.rows > 1 ? static_cast<double>(y) / (photo.rows - 1) : 0;
    const double s = t * t * (3 - 2 * t);
    cv::Vec3b c;
    for (int ch = 0; ch < 3; ++ch) {
      c[ch] = cv::saturate_cast<uint8_t>(colour[0][ch] * (1 - s) + colour[1][ch] * s);
    }
    out.row(y).setTo(cv::Scalar(c[0], c[1], c[2]));
  }
  return out;
}

cv::Mat CoverBackground(const RgbImage& background, cv::Size size) {
  // The largest centred crop of the background with the photo's aspect ratio.
  const double target = static_cast<double>(size.width) / size.height;
  const double aspect = static_cast<double>(background.width) / background.height;
  Box crop{0, 0, 1, 1};
  if (aspect > target) {
    crop.w = target / aspect;
    crop.x = (1 - crop.w) / 2;
  } else {
    crop.h = aspect / target;
    crop.y = (1 - crop.h) / 2;
  }
  RgbImage scaled = CropAndScale(background, crop, size.width, size.height);
  return AsMat(scaled).clone();
}

}  // namespace

std::string_view LookName(Look look) {
  switch (look) {
    case Look::kCartoon:
      return "cartoon";
    case Look::kPencilSketch:
      return "pencil-sketch";
    case Look::kOilPaint:
      return "oil-paint";
    case Look::kWatercolour:
      return "watercolour";
    case Look::kPopArt:
      return "pop-art";
    case Look::kFilm:
      return "film";
  }
  return "unknown";
}

std::string_view LookDescription(Look look) {
  switch (look) {
    case Look::kCartoon:
      return "Flat colours and ink edges (bilateral filter, k-means colour quantisation)";
    case Look::kPencilSketch:
      return "Pencil lines and hatched shading on paper (XDoG edges on luma)";
    case Look::kOilPaint:
      return "Brush strokes that follow the edges (anisotropic Kuwahara filter)";
    case Look::kWatercolour:
      return "Soft washes, darker wash edges and paper grain (edge-preserving abstraction)";
    case Look::kPopArt:
      return "A few bold inks, Ben-Day dots and black outlines (posterisation, halftone)";
    case Look::kFilm:
      return "Faded film colours, grain and vignette (tone curve, split toning)";
  }
  return "";
}

std::optional<Look> LookFromName(std::string_view name) {
  for (Look look : AllLooks()) {
    if (LookName(look) == name) return look;
  }
  return std::nullopt;
}

const std::vector<Look>& AllLooks() {
  static const std::vector<Look> kAll = {Look::kCartoon,     Look::kPencilSketch, Look::kOilPaint,
                                         Look::kWatercolour, Look::kPopArt,       Look::kFilm};
  return kAll;
}

Result<RgbImage> ApplyLook(const RgbImage& photo, Look look, uint64_t seed) {
  CAMROLL_RETURN_IF_ERROR(CheckRgb(photo, "photo"));
  CAMROLL_ASSIGN_OR_RETURN(RgbImage work_image, ResizeToLongEdge(photo, kLookLongEdge));
  try {
    const cv::Mat work = AsMat(work_image);
    cv::Mat out;
    switch (look) {
      case Look::kCartoon:
        out = Cartoon(work);
        break;
      case Look::kPencilSketch:
        out = PencilSketch(work, seed);
        break;
      case Look::kOilPaint:
        out = OilPaint(work);
        break;
      case Look::kWatercolour:
        out = Watercolour(work, seed);
        break;
      case Look::kPopArt:
        out = PopArt(work);
        break;
      case Look::kFilm:
        out = Film(work, seed);
        break;
      default:
        return Fail(ErrorCode::kInvalidInput, "unknown look");
    }
    return FromMat(ToRgb8(out));
  } catch (const cv::Exception& e) {
    return Fail(ErrorCode::kInternal,
                std::string("applying look ") + std::string(LookName(look)) + ": " + e.what());
  }
}

std::string_view PortraitEffectName(PortraitEffect effect) {
  switch (effect) {
    case PortraitEffect::kBackgroundBlur:
      return "background-blur";
    case PortraitEffect::kColourSplash:
      return "colour-splash";
    case PortraitEffect::kBackgroundSwap:
      return "background-swap";
  }
  return "unknown";
}

std::optional<PortraitEffect> PortraitEffectFromName(std::string_view name) {
  for (PortraitEffect effect : {PortraitEffect::kBackgroundBlur, PortraitEffect::kColourSplash,
                                PortraitEffect::kBackgroundSwap}) {
    if (PortraitEffectName(effect) == name) return effect;
  }
  return std::nullopt;
}

Result<RgbImage> ApplyPortraitEffect(const RgbImage& photo, const GrayImage& person_mask,
                                     PortraitEffect effect, const RgbImage* background) {
  CAMROLL_RETURN_IF_ERROR(CheckRgb(photo, "photo"));
  if (person_mask.width <= 0 || person_mask.height <= 0 ||
      person_mask.pixels.size() != static_cast<size_t>(person_mask.width) * person_mask.height) {
    return Fail(ErrorCode::kInvalidInput, "person mask is empty or malformed");
  }
  if (background) CAMROLL_RETURN_IF_ERROR(CheckRgb(*background, "background"));
  try {
    const cv::Mat p = AsMat(photo);
    const cv::Mat alpha = PersonAlpha(person_mask, p.size());
    cv::Mat bg;
    switch (effect) {
      case PortraitEffect::kBackgroundBlur:
        bg = BackgroundBlur(p, alpha);
        break;
      case PortraitEffect::kColourSplash:
        bg = GreyBackground(p);
        break;
      case PortraitEffect::kBackgroundSwap:
        bg = background ? CoverBackground(*background, p.size()) : GradientBackground(p, alpha);
        break;
      default:
        return Fail(ErrorCode::kInvalidInput, "unknown portrait effect");
    }
    return FromMat(Composite(p, bg, alpha));
  } catch (const cv::Exception& e) {
    return Fail(ErrorCode::kInternal, std::string("applying portrait effect ") +
                                          std::string(PortraitEffectName(effect)) + ": " +
                                          e.what());
  }
}

}  // namespace camroll
