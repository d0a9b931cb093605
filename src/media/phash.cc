#include "media/phash.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace camroll {

uint64_t DHash(const GrayImage& image) {
  GrayImage small = ResizeGrayArea(image, 9, 8);
  uint64_t hash = 0;
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) {
      hash = (hash << 1) | (small.at(x, y) < small.at(x + 1, y) ? 1u : 0u);
    }
  }
  return hash;
}

uint64_t PHash(const GrayImage& image) {
  constexpr int kN = 32;
  constexpr int kLow = 8;
  GrayImage small = ResizeGrayArea(image, kN, kN);
  // cos((2x + 1) u pi / 2N), computed once.
  static const std::array<double, kLow* kN> kCos = [] {
    std::array<double, kLow * kN> c{};
    for (int u = 0; u < kLow; ++u) {
      for (int x = 0; x < kN; ++x) {
        c[u * kN + x] = std::cos((2 * x + 1) * u * std::numbers::pi / (2 * kN));
      }
    }
    return c;
  }();
  // Separable DCT restricted to the low frequencies: rows first, then columns.
  std::array<double, kN * kLow> rows{};  // rows[y * kLow + u]
  for (int y = 0; y < kN; ++y) {
    for (int u = 0; u < kLow; ++u) {
      double s = 0;
      for (int x = 0; x < kN; ++x) s += small.at(x, y) * kCos[u * kN + x];
      rows[y * kLow + u] = s;
    }
  }
  std::array<double, kLow * kLow> coef{};  // coef[v * kLow + u]
  for (int v = 0; v < kLow; ++v) {
    for (int u = 0; u < kLow; ++u) {
      double s = 0;
      for (int y = 0; y < kN; ++y) s += rows[y * kLow + u] * kCos[v * kN + y];
      coef[v * kLow + u] = s;
    }
  }
  // The median excludes the DC term, which only measures overall brightness.
  std::array<double, kLow * kLow - 1> ac{};
  std::copy(coef.begin() + 1, coef.end(), ac.begin());
  std::nth_element(ac.begin(), ac.begin() + ac.size() / 2, ac.end());
  const double median = ac[ac.size() / 2];
  uint64_t hash = 0;
  for (double c : coef) hash = (hash << 1) | (c > median ? 1u : 0u);
  return hash;
}

}  // namespace camroll
