#include "media/resample.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace camroll {
namespace {

constexpr int kPrecision = 14;  // weights are Q14; a sum of weights is 1 << 14
constexpr int32_t kRound = 1 << (kPrecision - 1);

// For each output position: the first input sample and the Q14 weights of the samples it mixes.
struct Coefficients {
  int taps = 0;                 // weights per output (the widest support, zero-padded)
  std::vector<int> start;       // first input index per output
  std::vector<int16_t> weight;  // taps weights per output
};

// Keys' cubic with a = -0.5 (Catmull-Rom): sharp, with small negative lobes, the usual choice
// for photo thumbnails (Pillow's BICUBIC).
double CatmullRom(double x) {
  constexpr double a = -0.5;
  x = std::abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

Coefficients Compute(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;  // >= 1 when downscaling
  const double stretch = std::max(1.0, scale);  // the kernel widens with the reduction
  const double support = 2 * stretch;           // Catmull-Rom reaches 2 samples each side
  std::vector<std::vector<double>> weights(out_size);
  Coefficients c;
  c.start.resize(out_size);
  for (int o = 0; o < out_size; ++o) {
    const double center = (o + 0.5) * scale;
    const int lo = std::max(0, static_cast<int>(std::floor(center - support)));
    const int hi = std::min(in_size, static_cast<int>(std::ceil(center + support)));
    // Drop the zero weights at both ends, so that no tap is wasted.
    int first = lo, last = hi - 1;
    auto weight_at = [&](int i) { return CatmullRom((i + 0.5 - center) / stretch); };
    while (first < last && weight_at(first) == 0) ++first;
    while (last > first && weight_at(last) == 0) --last;
    c.start[o] = first;
    for (int i = first; i <= last; ++i) weights[o].push_back(weight_at(i));
    c.taps = std::max<int>(c.taps, static_cast<int>(weights[o].size()));
  }
  c.weight.assign(static_cast<size_t>(out_size) * c.taps, 0);
  for (int o = 0; o < out_size; ++o) {
    // Normalise in fixed point so that every output's weights sum to exactly 1 << kPrecision.
    double total = 0;
    for (double w : weights[o]) total += w;
    int16_t* dst = &c.weight[static_cast<size_t>(o) * c.taps];
    int sum = 0;
    size_t largest = 0;
    for (size_t k = 0; k < weights[o].size(); ++k) {
      dst[k] = static_cast<int16_t>(std::lround(weights[o][k] / total * (1 << kPrecision)));
      sum += dst[k];
      if (dst[k] > dst[largest]) largest = k;
    }
    dst[largest] = static_cast<int16_t>(dst[largest] + ((1 << kPrecision) - sum));
  }
  return c;
}

// out[x] = Σk w[k] · rows[k][x] for one output row of `n` samples, in Q14 with int32 sums: the
// portable version, which compilers vectorise where they can.
void BlendRowsPortable(const uint8_t* const* rows, const int16_t* w, int taps, size_t n,
                       int32_t* acc, uint8_t* out) {
  for (size_t x = 0; x < n; ++x) acc[x] = kRound;
  for (int k = 0; k < taps; ++k) {
    const uint8_t* in = rows[k];
    const int32_t wk = w[k];
    for (size_t x = 0; x < n; ++x) acc[x] += wk * in[x];
  }
  for (size_t x = 0; x < n; ++x) {
    const int32_t v = acc[x] >> kPrecision;
    out[x] = static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CAMROLL_HAVE_AVX2_PATH 1
// The same with 16 samples per instruction: samples shifted left 7 and Q14 weights meet in
// vpmulhrsw, which returns sample·weight·2^6 rounded, so the int16 sum carries 6 fractional
// bits (Catmull-Rom's overshoot stays far from overflow: |sum| < 255·1.2·64). Each tap rounds
// by at most 1/128 of a level.
__attribute__((target("avx2"))) void BlendRowsAvx2(const uint8_t* const* rows, const int16_t* w,
                                                   int taps, size_t n, uint8_t* out) {
  size_t x = 0;
  for (; x + 32 <= n; x += 32) {
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
    for (int k = 0; k < taps; ++k) {
      const __m256i wk = _mm256_set1_epi16(w[k]);
      const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows[k] + x));
      const __m256i a = _mm256_slli_epi16(_mm256_cvtepu8_epi16(_mm256_castsi256_si128(bytes)), 7);
      const __m256i b =
          _mm256_slli_epi16(_mm256_cvtepu8_epi16(_mm256_extracti128_si256(bytes, 1)), 7);
      lo = _mm256_add_epi16(lo, _mm256_mulhrs_epi16(a, wk));
      hi = _mm256_add_epi16(hi, _mm256_mulhrs_epi16(b, wk));
    }
    const __m256i half = _mm256_set1_epi16(32);
    lo = _mm256_srai_epi16(_mm256_add_epi16(lo, half), 6);
    hi = _mm256_srai_epi16(_mm256_add_epi16(hi, half), 6);
    // packus saturates to 0..255 per 128-bit lane; the permute restores the order.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(lo, hi), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + x), packed);
  }
  for (; x < n; ++x) {
    int32_t v = kRound;
    for (int k = 0; k < taps; ++k) v += w[k] * rows[k][x];
    v >>= kPrecision;
    out[x] = static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
  }
}
#endif

std::atomic<bool> g_portable_only{false};

void BlendRows(const uint8_t* const* rows, const int16_t* w, int taps, size_t n, int32_t* acc,
               uint8_t* out) {
#ifdef CAMROLL_HAVE_AVX2_PATH
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2 && !g_portable_only.load(std::memory_order_relaxed)) {
    return BlendRowsAvx2(rows, w, taps, n, out);
  }
#endif
  BlendRowsPortable(rows, w, taps, n, acc, out);
}

// Transposes a rows x cols block of CH-channel pixels into dst (cols x rows), in tiles.
template <int CH>
void TransposeTiles(const uint8_t* src, int rows, int cols, uint8_t* dst) {
  constexpr int kTile = 16;
  for (int r0 = 0; r0 < rows; r0 += kTile) {
    for (int c0 = 0; c0 < cols; c0 += kTile) {
      const int r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      for (int c = c0; c < c1; ++c) {
        uint8_t* d = dst + (static_cast<size_t>(c) * rows + r0) * CH;
        const uint8_t* s = src + (static_cast<size_t>(r0) * cols + c) * CH;
        for (int r = r0; r < r1; ++r, d += CH, s += static_cast<size_t>(cols) * CH) {
          for (int k = 0; k < CH; ++k) d[k] = s[k];
        }
      }
    }
  }
}

#if defined(__SSE2__)
// dst (16 rows of 16 bytes, stride ds) = transpose of src (16 x 16 bytes, stride ss), in four
// rounds of interleaving: bytes, 16-bit pairs, 32-bit quads, 64-bit halves.
void Transpose16x16(const uint8_t* src, size_t ss, uint8_t* dst, size_t ds) {
  __m128i r[16], a[16];
  for (int i = 0; i < 16; ++i)
    r[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i * ss));
  for (int i = 0; i < 8; ++i) {
    a[2 * i] = _mm_unpacklo_epi8(r[2 * i], r[2 * i + 1]);
    a[2 * i + 1] = _mm_unpackhi_epi8(r[2 * i], r[2 * i + 1]);
  }
  for (int g = 0; g < 4; ++g) {  // rows 4g..4g+3
    __m128i* q = a + 4 * g;
    r[4 * g] = _mm_unpacklo_epi16(q[0], q[2]);
    r[4 * g + 1] = _mm_unpackhi_epi16(q[0], q[2]);
    r[4 * g + 2] = _mm_unpacklo_epi16(q[1], q[3]);
    r[4 * g + 3] = _mm_unpackhi_epi16(q[1], q[3]);
  }
  for (int h = 0; h < 2; ++h) {  // rows 8h..8h+7
    __m128i* q = r + 8 * h;
    for (int k = 0; k < 4; ++k) {
      a[8 * h + 2 * k] = _mm_unpacklo_epi32(q[k], q[k + 4]);
      a[8 * h + 2 * k + 1] = _mm_unpackhi_epi32(q[k], q[k + 4]);
    }
  }
  for (int k = 0; k < 8; ++k) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + (2 * k) * ds),
                     _mm_unpacklo_epi64(a[k], a[k + 8]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + (2 * k + 1) * ds),
                     _mm_unpackhi_epi64(a[k], a[k + 8]));
  }
}
#endif

// One-byte samples: 16 x 16 blocks in SIMD registers where the CPU has SSE2, edges scalar.
void TransposeBytes(const uint8_t* src, int rows, int cols, uint8_t* dst) {
  int r0 = 0;
#if defined(__SSE2__)
  for (; r0 + 16 <= rows; r0 += 16) {
    int c0 = 0;
    for (; c0 + 16 <= cols; c0 += 16) {
      Transpose16x16(src + static_cast<size_t>(r0) * cols + c0, cols,
                     dst + static_cast<size_t>(c0) * rows + r0, rows);
    }
    for (int r = r0; r < r0 + 16; ++r) {
      for (int c = c0; c < cols; ++c)
        dst[static_cast<size_t>(c) * rows + r] = src[static_cast<size_t>(r) * cols + c];
    }
  }
#endif
  for (int r = r0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c)
      dst[static_cast<size_t>(c) * rows + r] = src[static_cast<size_t>(r) * cols + c];
  }
}

void Transpose(const uint8_t* src, int rows, int cols, int ch, uint8_t* dst) {
  switch (ch) {
    case 1:
      return TransposeBytes(src, rows, cols, dst);
    case 3:
      return TransposeTiles<3>(src, rows, cols, dst);
    case 4:
      return TransposeTiles<4>(src, rows, cols, dst);
    default:
      for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
          for (int k = 0; k < ch; ++k) {
            dst[(static_cast<size_t>(c) * rows + r) * ch + k] =
                src[(static_cast<size_t>(r) * cols + c) * ch + k];
          }
        }
      }
  }
}

// Reduces the rows of an image (rows x width pixels) to out_rows, whole rows at a time.
void ReduceRows(const uint8_t* src, int rows, int width, int ch, int out_rows, uint8_t* dst) {
  const Coefficients c = Compute(rows, out_rows);
  const size_t n = static_cast<size_t>(width) * ch;
  std::vector<int32_t> acc(n);
  std::vector<const uint8_t*> taps(c.taps);
  for (int y = 0; y < out_rows; ++y) {
    const int16_t* w = &c.weight[static_cast<size_t>(y) * c.taps];
    int used = 0;
    for (int k = 0; k < c.taps && c.start[y] + k < rows; ++k) {
      taps[used] = src + static_cast<size_t>(c.start[y] + k) * n;
      ++used;
    }
    BlendRows(taps.data(), w, used, n, acc.data(), dst + static_cast<size_t>(y) * n);
  }
}

}  // namespace

void ResampleDown(const uint8_t* src, int src_w, int src_h, int channels, uint8_t* dst, int dst_w,
                  int dst_h) {
  // Rows first, then columns as the rows of the transposed image: both passes blend whole
  // rows, which vectorises, and the second pass sees only the reduced rows.
  // Scratch buffers live with the thread: fresh megabytes per call would cost page faults.
  thread_local std::vector<uint8_t> mid, turned, reduced;
  const size_t mid_size = static_cast<size_t>(src_w) * dst_h * channels;
  if (dst_w == src_w) {
    ReduceRows(src, src_h, src_w, channels, dst_h, dst);
    return;
  }
  if (mid.size() < mid_size) mid.resize(mid_size);
  if (turned.size() < mid_size) turned.resize(mid_size);
  const size_t out_size = static_cast<size_t>(dst_w) * dst_h * channels;
  if (reduced.size() < out_size) reduced.resize(out_size);
  ReduceRows(src, src_h, src_w, channels, dst_h, mid.data());
  Transpose(mid.data(), dst_h, src_w, channels, turned.data());
  ReduceRows(turned.data(), src_w, dst_h, channels, dst_w, reduced.data());
  Transpose(reduced.data(), dst_w, dst_h, channels, dst);
}

void TEST_UsePortableResample(bool portable) { g_portable_only = portable; }

RgbImage ResampleDown(const RgbImage& image, int dst_w, int dst_h) {
  RgbImage out;
  out.width = dst_w;
  out.height = dst_h;
  out.pixels.resize(static_cast<size_t>(dst_w) * dst_h * 3);
  ResampleDown(image.pixels.data(), image.width, image.height, 3, out.pixels.data(), dst_w, dst_h);
  return out;
}

GrayImage ResampleDown(const GrayImage& image, int dst_w, int dst_h) {
  GrayImage out;
  out.width = dst_w;
  out.height = dst_h;
  out.pixels.resize(static_cast<size_t>(dst_w) * dst_h);
  ResampleDown(image.pixels.data(), image.width, image.height, 1, out.pixels.data(), dst_w, dst_h);
  return out;
}

}  // namespace camroll
