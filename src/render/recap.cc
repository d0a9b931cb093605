#include "render/recap.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <numbers>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "render/canvas.h"
#include "render/text.h"
#include "render/video_writer.h"

namespace camroll {
namespace {

// ---------------------------------------------------------------------------------------------
// Planes and the per-frame operations on them.

// A 4:2:0 limited-range BT.709 image with packed rows; the luma size is even.
struct Plate {
  static constexpr size_t kPadding = 64;
  int width = 0, height = 0;
  std::vector<uint8_t> y, cb, cr;

  void Resize(int w, int h) {
    width = w;
    height = h;
    // Padded: swscale's SIMD stores may run a few bytes past a plane's last row.
    y.resize(static_cast<size_t>(w) * h + kPadding);
    cb.resize(static_cast<size_t>(w / 2) * (h / 2) + kPadding);
    cr.resize(cb.size());
  }
  YuvPlanes View() {
    YuvPlanes v;
    v.data[0] = y.data();
    v.data[1] = cb.data();
    v.data[2] = cr.data();
    v.stride[0] = width;
    v.stride[1] = v.stride[2] = width / 2;
    v.width = width;
    v.height = height;
    return v;
  }
};

// Plate sizes: even (4:2:0) and at least 4, so that chroma planes have two samples to blend.
int EvenSize(double v) { return std::max(4, 2 * static_cast<int>(std::lround(v / 2))); }

// sRGB-coded RGB to limited-range BT.709 Y'CbCr (the matrix HD video is tagged and played
// with). Chroma from the average of each 2x2 block. Q16 fixed point.
Plate ToPlate(const RgbImage& rgb) {
  constexpr double kY[3] = {0.2126 * 219 / 255, 0.7152 * 219 / 255, 0.0722 * 219 / 255};
  constexpr double kCb[3] = {-0.2126 / 1.8556 * 224 / 255, -0.7152 / 1.8556 * 224 / 255,
                             0.5 * 224 / 255};
  constexpr double kCr[3] = {0.5 * 224 / 255, -0.7152 / 1.5748 * 224 / 255,
                             -0.0722 / 1.5748 * 224 / 255};
  auto q = [](double v) { return static_cast<int32_t>(std::lround(v * 65536)); };
  const int32_t yr = q(kY[0]), yg = q(kY[1]), yb = q(kY[2]);
  const int32_t br = q(kCb[0]), bg = q(kCb[1]), bb = q(kCb[2]);
  const int32_t rr = q(kCr[0]), rg = q(kCr[1]), rb = q(kCr[2]);
  Plate p;
  p.Resize(rgb.width & ~1, rgb.height & ~1);
  for (int y = 0; y < p.height; ++y) {
    const uint8_t* s = rgb.pixels.data() + static_cast<size_t>(y) * rgb.width * 3;
    uint8_t* d = p.y.data() + static_cast<size_t>(y) * p.width;
    for (int x = 0; x < p.width; ++x) {
      d[x] = static_cast<uint8_t>(
          (yr * s[3 * x] + yg * s[3 * x + 1] + yb * s[3 * x + 2] + (16 << 16) + (1 << 15)) >> 16);
    }
  }
  const int cw = p.width / 2;
  for (int y = 0; y < p.height / 2; ++y) {
    const uint8_t* s0 = rgb.pixels.data() + static_cast<size_t>(2 * y) * rgb.width * 3;
    const uint8_t* s1 = s0 + static_cast<size_t>(rgb.width) * 3;
    for (int x = 0; x < cw; ++x) {
      int32_t c[3];
      for (int k = 0; k < 3; ++k) {
        c[k] = s0[6 * x + k] + s0[6 * x + 3 + k] + s1[6 * x + k] + s1[6 * x + 3 + k];  // 4x
      }
      const int32_t cb = (br * c[0] + bg * c[1] + bb * c[2] + (1 << 17)) >> 18;
      const int32_t cr = (rr * c[0] + rg * c[1] + rb * c[2] + (1 << 17)) >> 18;
      p.cb[static_cast<size_t>(y) * cw + x] = static_cast<uint8_t>(std::clamp(128 + cb, 16, 240));
      p.cr[static_cast<size_t>(y) * cw + x] = static_cast<uint8_t>(std::clamp(128 + cr, 16, 240));
    }
  }
  return p;
}

std::atomic<bool> g_portable_only{false};

struct WarpScratch {
  std::vector<int32_t> ix;  // per output column: the left source sample, relative to `lo`
  std::vector<int32_t> w;   // per output column: weights (256 - f) | f << 16, f in 0..256
  std::vector<uint16_t> row;
};

// One output row from the vertically blended source row (15-bit values): out = (a (256 - f) +
// b f) / 2^15 with a, b = row[ix], row[ix + 1]. The portable loop and the AVX2 one (a 32-bit
// gather fetches both neighbours, madd applies both weights) give identical bytes.
void HorizontalPortable(const uint16_t* row, const int32_t* ix, const int32_t* w, uint8_t* out,
                        int begin, int end) {
  for (int ox = begin; ox < end; ++ox) {
    const int32_t a = row[ix[ox]], b = row[ix[ox] + 1];
    const int32_t f0 = w[ox] & 0xFFFF, f1 = w[ox] >> 16;
    out[ox] = static_cast<uint8_t>((a * f0 + b * f1 + (1 << 14)) >> 15);
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void HorizontalAvx2(const uint16_t* row, const int32_t* ix,
                                                    const int32_t* w, uint8_t* out, int n) {
  const __m256i round = _mm256_set1_epi32(1 << 14);
  int ox = 0;
  for (; ox + 16 <= n; ox += 16) {
    __m256i r[2];
    for (int h = 0; h < 2; ++h) {
      const __m256i idx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ix + ox + 8 * h));
      const __m256i pair = _mm256_i32gather_epi32(reinterpret_cast<const int*>(row), idx, 2);
      const __m256i wt = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + ox + 8 * h));
      r[h] = _mm256_srli_epi32(_mm256_add_epi32(_mm256_madd_epi16(pair, wt), round), 15);
    }
    const __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(r[0], r[1]), 0xD8);
    const __m128i bytes =
        _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + ox), bytes);
  }
  HorizontalPortable(row, ix, w, out, ox, n);
}

__attribute__((target("avx2"))) void VerticalAvx2(const uint8_t* r0, const uint8_t* r1,
                                                  uint16_t wy0, uint16_t wy1, uint16_t* row,
                                                  int n) {
  for (int k = 0; k < n; ++k) row[k] = static_cast<uint16_t>((r0[k] * wy0 + r1[k] * wy1) >> 1);
}
#endif

void VerticalPortable(const uint8_t* r0, const uint8_t* r1, uint16_t wy0, uint16_t wy1,
                      uint16_t* row, int n) {
  for (int k = 0; k < n; ++k) row[k] = static_cast<uint16_t>((r0[k] * wy0 + r1[k] * wy1) >> 1);
}

// Bilinear resampling of the window `win` (plane pixels, any sub-pixel position) of a plane of
// sw x sh (both >= 2) into dw x dh. The window moves by fractions of a pixel from frame to
// frame, so positions keep 8 bits of fraction and the vertical blend 15 bits of value: no
// visible stepping in slow pans. Made for scale factors near 1 (0.8-1.2 here), where bilinear
// neither aliases nor blurs noticeably.
void WarpPlane(const uint8_t* src, int sw, int sh, const Rect& win, uint8_t* dst, int dw, int dh,
               int dstride, WarpScratch& s) {
#if defined(__x86_64__)
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  const bool avx2 = has_avx2 && !g_portable_only.load(std::memory_order_relaxed);
#endif
  const double kx = win.w / dw, ky = win.h / dh;
  s.ix.resize(dw);
  s.w.resize(dw);
  for (int ox = 0; ox < dw; ++ox) {
    const double sx = std::clamp(win.x + (ox + 0.5) * kx - 0.5, 0.0, sw - 1.0);
    const int i = std::min(static_cast<int>(sx), sw - 2);
    const int32_t f = static_cast<int32_t>(std::clamp(std::lround((sx - i) * 256), 0L, 256L));
    s.ix[ox] = i;
    s.w[ox] = (256 - f) | (f << 16);
  }
  const int lo = s.ix[0];
  const int n = s.ix[dw - 1] + 2 - lo;  // ix is non-decreasing
  s.row.resize(n + 16);                 // the gather reads 4 bytes at the last index
  for (int ox = 0; ox < dw; ++ox) s.ix[ox] -= lo;
  for (int oy = 0; oy < dh; ++oy) {
    const double sy = std::clamp(win.y + (oy + 0.5) * ky - 0.5, 0.0, sh - 1.0);
    const int iy = std::min(static_cast<int>(sy), sh - 2);
    const auto wy1 = static_cast<uint16_t>(std::clamp(std::lround((sy - iy) * 256), 0L, 256L));
    const auto wy0 = static_cast<uint16_t>(256 - wy1);
    const uint8_t* r0 = src + static_cast<size_t>(iy) * sw + lo;
    uint8_t* out = dst + static_cast<size_t>(oy) * dstride;
#if defined(__x86_64__)
    if (avx2) {
      VerticalAvx2(r0, r0 + sw, wy0, wy1, s.row.data(), n);
      HorizontalAvx2(s.row.data(), s.ix.data(), s.w.data(), out, dw);
      continue;
    }
#endif
    VerticalPortable(r0, r0 + sw, wy0, wy1, s.row.data(), n);
    HorizontalPortable(s.row.data(), s.ix.data(), s.w.data(), out, 0, dw);
  }
}

void WarpPlate(const Plate& p, const Rect& win, const YuvPlanes& dst, WarpScratch& s) {
  WarpPlane(p.y.data(), p.width, p.height, win, dst.data[0], dst.width, dst.height, dst.stride[0],
            s);
  const Rect half{win.x / 2, win.y / 2, win.w / 2, win.h / 2};
  WarpPlane(p.cb.data(), p.width / 2, p.height / 2, half, dst.data[1], dst.width / 2,
            dst.height / 2, dst.stride[1], s);
  WarpPlane(p.cr.data(), p.width / 2, p.height / 2, half, dst.data[2], dst.width / 2,
            dst.height / 2, dst.stride[2], s);
}

void CopyPlanes(const Plate& p, const YuvPlanes& dst) {
  for (int i = 0; i < 3; ++i) {
    const int w = i ? dst.width / 2 : dst.width, h = i ? dst.height / 2 : dst.height;
    const uint8_t* s = i == 0 ? p.y.data() : i == 1 ? p.cb.data() : p.cr.data();
    for (int y = 0; y < h; ++y) {
      std::copy_n(s + static_cast<size_t>(y) * w, w,
                  dst.data[i] + static_cast<size_t>(y) * dst.stride[i]);
    }
  }
}

// dst = dst * (1 - alpha) + src * alpha, alpha in 1/256.
void BlendInto(const YuvPlanes& dst, const YuvPlanes& src, uint32_t alpha) {
  const uint16_t a1 = static_cast<uint16_t>(alpha), a0 = static_cast<uint16_t>(256 - alpha);
  for (int i = 0; i < 3; ++i) {
    const int w = i ? dst.width / 2 : dst.width, h = i ? dst.height / 2 : dst.height;
    for (int y = 0; y < h; ++y) {
      uint8_t* d = dst.data[i] + static_cast<size_t>(y) * dst.stride[i];
      const uint8_t* s = src.data[i] + static_cast<size_t>(y) * src.stride[i];
      for (int x = 0; x < w; ++x) {
        d[x] = static_cast<uint8_t>((d[x] * a0 + s[x] * a1 + 128) >> 8);
      }
    }
  }
}

// Towards black (Y' 16, Cb Cr 128) keeping `gain`/256 of the picture.
void FadeToBlack(const YuvPlanes& dst, uint32_t gain) {
  for (int i = 0; i < 3; ++i) {
    const int w = i ? dst.width / 2 : dst.width, h = i ? dst.height / 2 : dst.height;
    const int32_t base = i ? 128 : 16;
    for (int y = 0; y < h; ++y) {
      uint8_t* d = dst.data[i] + static_cast<size_t>(y) * dst.stride[i];
      for (int x = 0; x < w; ++x) {
        d[x] = static_cast<uint8_t>(base + (((d[x] - base) * static_cast<int32_t>(gain)) >> 8));
      }
    }
  }
}

// Writes the plane `src` (sw x sh) turned as EXIF orientation 3, 6 or 8 says into dst, whose
// size is (sh, sw) for 6 and 8. Tiles keep both sides in cache.
void OrientPlane(const uint8_t* src, int sw, int sh, int orientation, uint8_t* dst) {
  const int dw = orientation == 3 ? sw : sh, dh = orientation == 3 ? sh : sw;
  constexpr int kTile = 32;
  for (int ty = 0; ty < dh; ty += kTile) {
    for (int tx = 0; tx < dw; tx += kTile) {
      const int ey = std::min(dh, ty + kTile), ex = std::min(dw, tx + kTile);
      for (int y = ty; y < ey; ++y) {
        uint8_t* out = dst + static_cast<size_t>(y) * dw;
        for (int x = tx; x < ex; ++x) {
          int cx, cy;  // the coded pixel shown at upright (x, y)
          if (orientation == 6) {
            cx = y, cy = sh - 1 - x;
          } else if (orientation == 8) {
            cx = sw - 1 - y, cy = x;
          } else {
            cx = sw - 1 - x, cy = sh - 1 - y;
          }
          out[x] = src[static_cast<size_t>(cy) * sw + cx];
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Randomness and easing.

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

struct Rng {
  uint64_t state;
  double Uniform() { return static_cast<double>(SplitMix(state) >> 11) * 0x1.0p-53; }
};

// Slow in, slow out: motion starts and ends softly.
double EaseInOut(double t) {
  return 0.5 - 0.5 * std::cos(std::numbers::pi * std::clamp(t, 0.0, 1.0));
}
double SmoothStep(double t) {
  t = std::clamp(t, 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

Rect Lerp(const Rect& a, const Rect& b, double t) {
  return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.w + (b.w - a.w) * t,
          a.h + (b.h - a.h) * t};
}

// A w x h window centred on (cx, cy), moved inside [0, W] x [0, H] (it must fit).
Rect WindowAt(double cx, double cy, double w, double h, double W, double H) {
  return {std::clamp(cx - w / 2, 0.0, std::max(0.0, W - w)),
          std::clamp(cy - h / 2, 0.0, std::max(0.0, H - h)), w, h};
}

// ---------------------------------------------------------------------------------------------
// Photos: a plate and the start and end windows of its pan and zoom.

struct MovingPlate {
  Plate plate;
  Rect start, end;  // plate pixels

  void Render(double t, const YuvPlanes& dst, WarpScratch& s) const {
    WarpPlate(plate, Lerp(start, end, EaseInOut(t)), dst, s);
  }
};

// A heavily blurred copy of `image`'s w:h crop around (cx, cy) (normalised), at w x h.
RgbImage BlurredCover(const RgbImage& image, double cx, double cy, int w, int h, double dim) {
  const double aspect = static_cast<double>(w) / h;
  double cw = std::min<double>(image.width, image.height * aspect), ch = cw / aspect;
  const Rect px = WindowAt(cx * image.width, cy * image.height, cw, ch, image.width, image.height);
  const Box crop{px.x / image.width, px.y / image.height, px.w / image.width, px.h / image.height};
  const int sw = std::max(8, w / 10), sh = std::max(8, h / 10);
  RgbImage small = CropAndScale(image, crop, sw, sh);
  cv::Mat mat(sh, sw, CV_8UC3, small.pixels.data());
  cv::GaussianBlur(mat, mat, cv::Size(0, 0), sw / 30.0 + 1.5, 0, cv::BORDER_REFLECT);
  for (uint8_t& v : small.pixels) v = static_cast<uint8_t>(std::lround(v * dim));
  return CropAndScale(small, Box{0, 0, 1, 1}, w, h);
}

void Paste(const RgbImage& src, RgbImage& dst, int x0, int y0) {
  for (int y = 0; y < src.height; ++y) {
    const int dy = y0 + y;
    if (dy < 0 || dy >= dst.height) continue;
    for (int x = 0; x < src.width; ++x) {
      const int dx = x0 + x;
      if (dx < 0 || dx >= dst.width) continue;
      std::copy_n(&src.pixels[(static_cast<size_t>(y) * src.width + x) * 3], 3,
                  &dst.pixels[(static_cast<size_t>(dy) * dst.width + dx) * 3]);
    }
  }
}

MovingPlate PreparePhoto(const RecapPhoto& photo, int out_w, int out_h, Rng rng) {
  const double W = photo.image.width, H = photo.image.height;
  const double aspect = static_cast<double>(out_w) / out_h;
  const double zoom = 1.1 + 0.1 * rng.Uniform();
  Box focus = photo.focus;
  focus.x = std::clamp(focus.x, 0.0, 1.0);
  focus.y = std::clamp(focus.y, 0.0, 1.0);
  focus.w = std::clamp(focus.w, 0.0, 1.0 - focus.x);
  focus.h = std::clamp(focus.h, 0.0, 1.0 - focus.y);
  const double fcx = (focus.x + focus.w / 2) * W, fcy = (focus.y + focus.h / 2) * H;
  // The largest window of the frame's shape (zoom 1): it fills the frame.
  const double cw = std::min(W, H * aspect), ch = cw / aspect;
  MovingPlate m;
  if (cw < 0.66 * focus.w * W || ch < 0.66 * focus.h * H) {
    // Filling the frame would cut a third of the focus (a wide group in a portrait frame).
    // Crop only what lies beyond the focus (plus a margin) and show that whole, over a
    // blurred, dimmed copy of the photo; then zoom into the focus.
    const int pw = EvenSize(out_w * zoom), ph = EvenSize(out_h * zoom);
    RgbImage canvas = BlurredCover(photo.image, 0.5, 0.5, pw, ph, 0.5);
    const bool wide = W / H > aspect;
    const double rw = wide ? std::clamp(focus.w * W * 1.15, H * aspect, W) : W;
    const double rh = wide ? H : std::clamp(focus.h * H * 1.15, W / aspect, H);
    const Rect region = WindowAt(fcx, fcy, rw, rh, W, H);
    const double fit = std::min(pw / rw, ph / rh);
    const int fw = std::max(2, static_cast<int>(std::lround(rw * fit)));
    const int fh = std::max(2, static_cast<int>(std::lround(rh * fit)));
    const int x0 = (pw - fw) / 2, y0 = (ph - fh) / 2;
    const Box crop{region.x / W, region.y / H, region.w / W, region.h / H};
    Paste(CropAndScale(photo.image, crop, fw, fh), canvas, x0, y0);
    m.plate = ToPlate(canvas);
    m.start = {0, 0, static_cast<double>(pw), static_cast<double>(ph)};
    m.end = WindowAt(x0 + (fcx - region.x) * fit, y0 + (fcy - region.y) * fit, pw / zoom, ph / zoom,
                     pw, ph);
    return m;
  }
  // End: zoomed in, centred on the focus. Start: the full-size window, offset from there by
  // 6-15% of its size on each axis (as far as the photo allows): from the photo's centre side
  // when the focus is off-centre, so that the shot drifts towards the focus as it zooms; else
  // to a random side. A gentle move: Ken Burns, not a whip pan.
  const Rect end = WindowAt(fcx, fcy, cw / zoom, ch / zoom, W, H);
  auto offset = [&](double towards, double window) {
    const double amount = (0.06 + 0.09 * rng.Uniform()) * window;
    const double side = rng.Uniform() < 0.5 ? -1 : 1;
    return (std::abs(towards) > 0.05 * window ? (towards > 0 ? 1 : -1) : side) * amount;
  };
  const double ecx = end.x + end.w / 2, ecy = end.y + end.h / 2;
  const double ox = offset(W / 2 - ecx, cw), oy = offset(H / 2 - ecy, ch);
  const Rect start = WindowAt(ecx + ox, ecy + oy, cw, ch, W, H);
  // The plate: the part of the photo the shot ever shows, resampled once so that the end
  // window maps 1:1 onto the frame (enlarging small photos with Catmull-Rom, reducing large ones
  // with its antialiased form). Frames then only resample by 1/zoom..1.
  const Rect both = Union(start, end);
  const int rx0 = std::max(0, static_cast<int>(std::floor(both.x)) - 2);
  const int ry0 = std::max(0, static_cast<int>(std::floor(both.y)) - 2);
  const int rx1 = std::min(photo.image.width, static_cast<int>(std::ceil(both.right())) + 2);
  const int ry1 = std::min(photo.image.height, static_cast<int>(std::ceil(both.bottom())) + 2);
  const double scale = out_w / end.w;
  const int pw = EvenSize((rx1 - rx0) * scale), ph = EvenSize((ry1 - ry0) * scale);
  const Box region{rx0 / W, ry0 / H, (rx1 - rx0) / W, (ry1 - ry0) / H};
  m.plate = ToPlate(CropAndScale(photo.image, region, pw, ph));
  const double sxp = static_cast<double>(pw) / (rx1 - rx0),
               syp = static_cast<double>(ph) / (ry1 - ry0);
  auto to_plate = [&](const Rect& r) {
    return Rect{(r.x - rx0) * sxp, (r.y - ry0) * syp, r.w * sxp, r.h * syp};
  };
  m.start = to_plate(start);
  m.end = to_plate(end);
  return m;
}

// The title card: title and subtitle over the first photo blurred and dimmed (or a solid
// colour), with a slight push-in.
MovingPlate PrepareTitle(const RecapSpec& spec, const RecapPhoto* backdrop) {
  constexpr double kZoom = 1.05;
  const int pw = EvenSize(spec.width * kZoom), ph = EvenSize(spec.height * kZoom);
  Canvas canvas(pw, ph, Rgba::Hex(0x1d2a35));
  if (backdrop) {
    const Box& f = backdrop->focus;
    canvas.DrawImage(BlurredCover(backdrop->image, f.x + f.w / 2, f.y + f.h / 2, pw, ph, 0.5),
                     Box{0, 0, 1, 1}, Rect{0, 0, static_cast<double>(pw), static_cast<double>(ph)});
  }
  // Text inside the end window (the central width x height), with margins.
  const double u = spec.width / 1080.0;  // layout unit: sizes are designed for 1080 wide
  const double x0 = (pw - spec.width) / 2.0 + 90 * u, w = spec.width - 180 * u;
  const double cy = ph / 2.0;
  TextStyle title;
  title.family = "DejaVu Sans";
  title.weight = 700;
  title.max_px = 96 * u;
  title.min_px = 40 * u;
  title.max_lines = 3;
  title.align = TextAlign::kCenter;
  title.shadow = {0, 0, 0, 0.5};
  TextStyle subtitle = title;
  subtitle.weight = 400;
  subtitle.max_px = 50 * u;
  subtitle.min_px = 28 * u;
  subtitle.max_lines = 2;
  subtitle.colour = {1, 1, 1, 0.88};
  const Rect title_box{x0, cy - 330 * u, w, 300 * u};
  const Rect subtitle_box{x0, cy + 40 * u, w, 140 * u};
  if (!spec.title.empty()) {
    // One line if it fits at a good size; else up to three lines.
    TextStyle one_line = title;
    one_line.max_lines = 1;
    one_line.min_px = 64 * u;
    if (!MeasureText(canvas.cr(), spec.title, title_box, one_line).ellipsised) title = one_line;
    // The title sits just above the centre line (on the centre when there is no subtitle),
    // however many lines it takes.
    const TextLayoutResult m = MeasureText(canvas.cr(), spec.title, title_box, title);
    Rect box = title_box;
    box.y += spec.subtitle.empty() ? cy - (m.ink.y + m.ink.h / 2) : cy - 30 * u - m.ink.bottom();
    DrawText(canvas.cr(), spec.title, box, title);
    if (!spec.subtitle.empty()) {
      canvas.Fill(Rect{pw / 2.0 - 40 * u, cy - 2 * u, 80 * u, 5 * u}, Rgba{1, 1, 1, 0.8}, 2 * u);
    }
  }
  if (!spec.subtitle.empty()) DrawText(canvas.cr(), spec.subtitle, subtitle_box, subtitle);
  MovingPlate m;
  m.plate = ToPlate(canvas.ToRgb());
  m.start = {0, 0, static_cast<double>(pw), static_cast<double>(ph)};
  m.end = WindowAt(pw / 2.0, ph / 2.0, pw / kZoom, ph / kZoom, pw, ph);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Clips.

std::string AvErrorString(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

// The EXIF orientation (1, 3, 6, 8) that turns coded frames upright, from the display matrix
// (as in media/video.cc).
int OrientationOf(const AVStream* stream) {
  const uint8_t* sd = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
  if (!sd) return 1;
  const double ccw = av_display_rotation_get(reinterpret_cast<const int32_t*>(sd));
  if (std::isnan(ccw)) return 1;
  int cw = static_cast<int>(std::lround(-ccw)) % 360;
  if (cw < 0) cw += 360;
  switch ((cw + 45) / 90 % 4) {
    case 1:
      return 6;
    case 2:
      return 3;
    case 3:
      return 8;
    default:
      return 1;
  }
}

// Plays a clip: frames decoded from the keyframe before its start, shown upright, cropped to
// the frame's shape around the centre and resampled to fill it.
class ClipReader {
 public:
  // Opens the file and the decoder; `length_s()` is then what the clip can give from start_s.
  static Result<std::unique_ptr<ClipReader>> Open(const RecapClip& clip, int out_w, int out_h) {
    auto fail = [&](ErrorCode code, const std::string& what) {
      return Fail(code, fmt::format("clip {}: {}", clip.path.string(), what));
    };
    std::error_code ec;
    if (!std::filesystem::is_regular_file(clip.path, ec))
      return fail(ErrorCode::kNotFound, "no such file");
    if (!(clip.start_s >= 0) || !(clip.duration_s > 0)) {
      return fail(ErrorCode::kInvalidInput, "start or duration out of range");
    }
    av_log_set_level(AV_LOG_QUIET);
    std::unique_ptr<ClipReader> r(new ClipReader);
    r->out_w_ = out_w;
    r->out_h_ = out_h;
    int rc = avformat_open_input(&r->format_, clip.path.c_str(), nullptr, nullptr);
    if (rc < 0) return fail(ErrorCode::kUnsupported, "unreadable video: " + AvErrorString(rc));
    if ((rc = avformat_find_stream_info(r->format_, nullptr)) < 0) {
      return fail(ErrorCode::kUnsupported, "unreadable video streams: " + AvErrorString(rc));
    }
    const AVCodec* codec = nullptr;
    r->index_ = av_find_best_stream(r->format_, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (r->index_ < 0 || !codec) return fail(ErrorCode::kUnsupported, "no decodable video stream");
    AVStream* stream = r->format_->streams[r->index_];
    if (stream->codecpar->width <= 0 || stream->codecpar->height <= 0 ||
        static_cast<int64_t>(stream->codecpar->width) * stream->codecpar->height > (1 << 26)) {
      return fail(ErrorCode::kUnsupported, "video size out of range");
    }
    r->codec_ = avcodec_alloc_context3(codec);
    if (!r->codec_ || avcodec_parameters_to_context(r->codec_, stream->codecpar) < 0) {
      return fail(ErrorCode::kInternal, "cannot set up the decoder");
    }
    r->codec_->thread_count = 1;
    if ((rc = avcodec_open2(r->codec_, codec, nullptr)) < 0) {
      return fail(ErrorCode::kUnsupported, "cannot open the decoder: " + AvErrorString(rc));
    }
    r->packet_ = av_packet_alloc();
    r->current_ = av_frame_alloc();
    r->pending_ = av_frame_alloc();
    r->cropped_ = av_frame_alloc();
    if (!r->packet_ || !r->current_ || !r->pending_ || !r->cropped_) {
      return fail(ErrorCode::kInternal, "out of memory");
    }
    r->path_ = clip.path;
    r->tb_ = av_q2d(stream->time_base);
    if (!(r->tb_ > 0)) return fail(ErrorCode::kUnsupported, "no time base");
    r->orientation_ = OrientationOf(stream);
    r->first_pts_ = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
    r->start_pts_ = r->first_pts_ + static_cast<int64_t>(std::llround(clip.start_s / r->tb_));
    double length = 0;
    if (stream->duration > 0) {
      length = stream->duration * r->tb_;
    } else if (r->format_->duration > 0) {
      length = static_cast<double>(r->format_->duration) / AV_TIME_BASE;
    }
    r->length_s_ = length > 0 ? std::min(clip.duration_s, length - clip.start_s) : clip.duration_s;
    if (r->length_s_ <= 0) {
      return fail(
          ErrorCode::kInvalidInput,
          fmt::format("starts at {:.2f} s, after its end ({:.2f} s)", clip.start_s, length));
    }
    if (clip.start_s > 0) av_seek_frame(r->format_, r->index_, r->start_pts_, AVSEEK_FLAG_BACKWARD);
    return r;
  }

  ~ClipReader() {
    av_frame_free(&current_);
    av_frame_free(&pending_);
    av_frame_free(&cropped_);
    av_packet_free(&packet_);
    avcodec_free_context(&codec_);
    avformat_close_input(&format_);
    sws_freeContext(sws_);
  }

  double length_s() const { return length_s_; }

  // The frame shown `t` seconds into the clip: the last one that starts at or before it (the
  // first frame before any; the last after the end).
  Result<const Plate*> At(double t) {
    const int64_t target = start_pts_ + static_cast<int64_t>(std::llround(t / tb_));
    bool changed = false;
    for (;;) {
      if (!has_pending_ && !eof_) {
        CAMROLL_ASSIGN_OR_RETURN(has_pending_, Decode(pending_));
        eof_ = !has_pending_;
      }
      if (!has_pending_) break;
      if (has_current_ && pending_->best_effort_timestamp > target) break;
      std::swap(current_, pending_);
      av_frame_unref(pending_);
      has_current_ = true;
      has_pending_ = false;
      changed = true;
    }
    if (!has_current_) {
      return Fail(ErrorCode::kUnsupported,
                  fmt::format("clip {}: no decodable frame", path_.string()));
    }
    if (changed || out_.y.empty()) CAMROLL_RETURN_IF_ERROR(Convert());
    return &out_;
  }

 private:
  ClipReader() = default;

  // The next decoded frame; false at the end of the stream. Corrupt packets are skipped.
  Result<bool> Decode(AVFrame* into) {
    for (;;) {
      int rc = avcodec_receive_frame(codec_, into);
      if (rc == 0) {
        if (into->best_effort_timestamp == AV_NOPTS_VALUE) {
          into->best_effort_timestamp = last_pts_ + 1;  // keeps the order; rare in MP4/MOV
        }
        last_pts_ = into->best_effort_timestamp;
        return true;
      }
      if (rc == AVERROR_EOF) return false;
      if (rc != AVERROR(EAGAIN)) {
        ++errors_;
        if (errors_ > 100) {
          return Fail(ErrorCode::kUnsupported,
                      fmt::format("clip {}: undecodable: {}", path_.string(), AvErrorString(rc)));
        }
      }
      if (draining_) return false;
      rc = av_read_frame(format_, packet_);
      if (rc < 0) {
        draining_ = true;
        avcodec_send_packet(codec_, nullptr);
        continue;
      }
      if (packet_->stream_index == index_) {
        if (avcodec_send_packet(codec_, packet_) < 0) ++errors_;
      }
      av_packet_unref(packet_);
    }
  }

  // current_ → out_: the centred crop of the frame's shape, scaled, then turned upright.
  Status Convert() {
    const int cw = current_->width, ch = current_->height;
    if (cw < 2 || ch < 2) return Fail(ErrorCode::kUnsupported, "clip frame too small");
    const bool transpose = orientation_ == 6 || orientation_ == 8;
    // In coded pixels, the frame's shape turned like the coded image.
    const double aspect =
        transpose ? static_cast<double>(out_h_) / out_w_ : static_cast<double>(out_w_) / out_h_;
    const double kw = std::min<double>(cw, ch * aspect), kh = kw / aspect;
    const int left = 2 * static_cast<int>((cw - kw) / 4), top = 2 * static_cast<int>((ch - kh) / 4);
    av_frame_unref(cropped_);
    if (av_frame_ref(cropped_, current_) < 0) return Fail(ErrorCode::kInternal, "out of memory");
    cropped_->crop_left = static_cast<size_t>(left);
    cropped_->crop_right = static_cast<size_t>(left);
    cropped_->crop_top = static_cast<size_t>(top);
    cropped_->crop_bottom = static_cast<size_t>(top);
    if (av_frame_apply_cropping(cropped_, AV_FRAME_CROP_UNALIGNED) < 0) {
      return Fail(ErrorCode::kUnsupported,
                  fmt::format("clip {}: cannot crop its frames", path_.string()));
    }
    const int tw = transpose ? out_h_ : out_w_, th = transpose ? out_w_ : out_h_;
    const AVPixelFormat src_fmt = static_cast<AVPixelFormat>(cropped_->format);
    sws_ = sws_getCachedContext(sws_, cropped_->width, cropped_->height, src_fmt, tw, th,
                                AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr);
    if (!sws_) {
      return Fail(ErrorCode::kUnsupported,
                  fmt::format("clip {}: unsupported pixel format {}", path_.string(),
                              av_get_pix_fmt_name(src_fmt) ? av_get_pix_fmt_name(src_fmt) : "?"));
    }
    // Source matrix and range as tagged (BT.601 when untagged and SD, else BT.709); output
    // limited-range BT.709.
    const int src_space = cropped_->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709
                          : cropped_->colorspace == AVCOL_SPC_UNSPECIFIED && ch >= 720
                              ? SWS_CS_ITU709
                              : SWS_CS_ITU601;
    const int src_full = cropped_->color_range == AVCOL_RANGE_JPEG ||
                         src_fmt == AV_PIX_FMT_YUVJ420P || src_fmt == AV_PIX_FMT_YUVJ422P ||
                         src_fmt == AV_PIX_FMT_YUVJ444P;
    sws_setColorspaceDetails(sws_, sws_getCoefficients(src_space), src_full,
                             sws_getCoefficients(SWS_CS_ITU709), 0, 0, 1 << 16, 1 << 16);
    Plate& scaled = transpose || orientation_ == 3 ? turned_ : out_;
    scaled.Resize(tw, th);
    out_.Resize(out_w_, out_h_);
    YuvPlanes v = scaled.View();
    sws_scale(sws_, cropped_->data, cropped_->linesize, 0, cropped_->height, v.data, v.stride);
    if (&scaled == &turned_) {
      OrientPlane(turned_.y.data(), tw, th, orientation_, out_.y.data());
      OrientPlane(turned_.cb.data(), tw / 2, th / 2, orientation_, out_.cb.data());
      OrientPlane(turned_.cr.data(), tw / 2, th / 2, orientation_, out_.cr.data());
    }
    return Ok();
  }

  std::filesystem::path path_;
  int out_w_ = 0, out_h_ = 0;
  AVFormatContext* format_ = nullptr;
  AVCodecContext* codec_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* current_ = nullptr;
  AVFrame* pending_ = nullptr;
  AVFrame* cropped_ = nullptr;
  SwsContext* sws_ = nullptr;
  int index_ = -1;
  int orientation_ = 1;
  double tb_ = 0;
  int64_t first_pts_ = 0, start_pts_ = 0, last_pts_ = 0;
  double length_s_ = 0;
  bool has_current_ = false, has_pending_ = false, eof_ = false, draining_ = false;
  int errors_ = 0;
  Plate out_, turned_;
};

// ---------------------------------------------------------------------------------------------
// The timeline.

enum class ShotKind { kTitle, kPhoto, kClip };

struct Shot {
  ShotKind kind;
  int item = -1;  // index into the items
  double seconds = 0;
  int first = 0, end = 0;  // frames [first, end)
};

struct Timeline {
  std::vector<Shot> shots;
  int frames = 0;
  int fade_frames = 0;
  int items_used = 0;
};

// Solves for the largest t in [lo, hi] with f(t) <= target (f non-decreasing), or lo.
template <typename F>
double LargestAtMost(F f, double lo, double hi, double target) {
  if (f(lo) > target) return lo;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    (f(mid) <= target ? lo : hi) = mid;
  }
  return lo;
}

Timeline Plan(const std::vector<RecapItem>& items, const std::vector<double>& clip_length,
              const RecapSpec& spec) {
  constexpr double kFloor = 1.0;  // the shortest shot when shortening
  const int n = static_cast<int>(items.size());
  const bool title = spec.title_s > 0;
  std::vector<double> nominal(n), floor(n);
  bool any_photo = false;
  for (int i = 0; i < n; ++i) {
    const bool photo = std::holds_alternative<RecapPhoto>(items[i]);
    any_photo |= photo;
    nominal[i] = photo ? spec.photo_s : clip_length[i];
    floor[i] = std::min(nominal[i], kFloor);
  }
  // The total for chosen items with given durations (title first).
  auto total = [&](const std::vector<double>& d) {
    double sum = title ? spec.title_s : 0, shortest = title ? spec.title_s : 1e9;
    for (double v : d) sum += v, shortest = std::min(shortest, v);
    const int cuts = static_cast<int>(d.size()) - (title ? 0 : 1);
    return sum - std::max(0, cuts) * std::min(spec.crossfade_s, 0.4 * shortest);
  };
  // Too many items even at the floor: keep an evenly spread subset.
  std::vector<int> keep(n);
  for (int i = 0; i < n; ++i) keep[i] = i;
  auto subset = [&](int k) {
    std::vector<int> s(k);
    for (int j = 0; j < k; ++j)
      s[j] = k == 1 ? 0 : static_cast<int>(std::lround(j * (n - 1.0) / (k - 1)));
    return s;
  };
  auto durations = [&](const std::vector<int>& chosen, auto&& of) {
    std::vector<double> d;
    for (int i : chosen) d.push_back(of(i));
    return d;
  };
  for (int k = n; k >= 1; --k) {
    keep = subset(k);
    if (total(durations(keep, [&](int i) { return floor[i]; })) <= spec.max_s || k == 1) break;
  }
  std::vector<double> d = durations(keep, [&](int i) { return nominal[i]; });
  if (total(d) > spec.max_s) {
    const double f = LargestAtMost(
        [&](double s) {
          return total(durations(keep, [&](int i) { return std::max(floor[i], s * nominal[i]); }));
        },
        0.0, 1.0, spec.max_s);
    d = durations(keep, [&](int i) { return std::max(floor[i], f * nominal[i]); });
  }
  double title_s = spec.title_s;
  if (total(d) < spec.min_s) {
    // Lengthen photos; or the title when there are none; or else the clips (which hold).
    std::vector<bool> grow(keep.size());
    for (size_t j = 0; j < keep.size(); ++j) {
      const bool photo = std::holds_alternative<RecapPhoto>(items[keep[j]]);
      grow[j] = any_photo ? photo : !title;
    }
    auto grown = [&](double g) {
      std::vector<double> r = d;
      for (size_t j = 0; j < r.size(); ++j) r[j] *= grow[j] ? g : 1;
      return r;
    };
    if (any_photo || !title) {
      // The smallest g with total >= min_s: total is increasing in g.
      double lo = 1, hi = 2;
      while (total(grown(hi)) < spec.min_s && hi < 1e6) hi *= 2;
      for (int i = 0; i < 60; ++i) {
        const double mid = (lo + hi) / 2;
        (total(grown(mid)) < spec.min_s ? lo : hi) = mid;
      }
      d = grown(hi);
    } else {
      title_s += spec.min_s - total(d);
    }
  }

  Timeline t;
  t.items_used = static_cast<int>(keep.size());
  double shortest = title ? title_s : 1e9;
  if (title) t.shots.push_back({ShotKind::kTitle, -1, title_s});
  for (size_t j = 0; j < keep.size(); ++j) {
    const bool photo = std::holds_alternative<RecapPhoto>(items[keep[j]]);
    t.shots.push_back({photo ? ShotKind::kPhoto : ShotKind::kClip, keep[j], d[j]});
    shortest = std::min(shortest, d[j]);
  }
  const double crossfade = std::min(spec.crossfade_s, 0.4 * shortest);
  double at = 0;
  for (Shot& s : t.shots) {
    s.first = static_cast<int>(std::lround(at * spec.fps));
    s.end = static_cast<int>(std::lround((at + s.seconds) * spec.fps));
    at += s.seconds - crossfade;
  }
  // Whole frames within [min_s, max_s].
  const int lo = static_cast<int>(std::ceil(spec.min_s * spec.fps - 1e-6));
  const int hi = static_cast<int>(std::floor(spec.max_s * spec.fps + 1e-6));
  Shot& last = t.shots.back();
  last.end = std::clamp(last.end, std::max(lo, last.first + 1), std::max(hi, last.first + 1));
  for (size_t i = 0; i + 1 < t.shots.size(); ++i) {
    t.shots[i].end = std::clamp(t.shots[i].end, t.shots[i].first + 1, t.shots.back().end);
  }
  t.frames = last.end;
  t.fade_frames = std::min(static_cast<int>(std::lround(spec.fade_out_s * spec.fps)),
                           (last.end - last.first) / 2);
  return t;
}

// A shot being shown: a moving plate (title, photo) or a clip.
struct LiveShot {
  std::optional<MovingPlate> plate;
  std::unique_ptr<ClipReader> clip;
};

Status RenderShot(LiveShot& live, const Shot& shot, int frame, int fps, const YuvPlanes& dst,
                  WarpScratch& scratch) {
  if (live.clip) {
    CAMROLL_ASSIGN_OR_RETURN(const Plate* p,
                             live.clip->At(static_cast<double>(frame - shot.first) / fps));
    CopyPlanes(*p, dst);
    return Ok();
  }
  const double t = (frame - shot.first + 0.5) / (shot.end - shot.first);
  live.plate->Render(t, dst, scratch);
  return Ok();
}

Status CheckSpec(const RecapSpec& spec) {
  auto bad = [](const std::string& what) {
    return Fail(ErrorCode::kInvalidInput, "recap: " + what);
  };
  if (spec.width < 16 || spec.height < 16 || spec.width % 2 || spec.height % 2 ||
      spec.width > 4096 || spec.height > 4096) {
    return bad("frame size must be even, 16..4096");
  }
  if (spec.fps < 1 || spec.fps > 120) return bad("fps out of range");
  if (!(spec.title_s >= 0 && spec.photo_s > 0 && spec.crossfade_s >= 0 && spec.fade_out_s >= 0)) {
    return bad("shot times must be positive");
  }
  if (!(spec.min_s > 0 && spec.max_s >= spec.min_s && spec.max_s <= 3600)) {
    return bad("need 0 < min_s <= max_s <= 3600");
  }
  if (spec.title_s + 1 > spec.max_s) return bad("the title card leaves no time for the items");
  if (spec.crf < 0 || spec.crf > 51) return bad("crf out of range 0..51");
  return Ok();
}

}  // namespace

void TEST_UsePortableRecapWarp(bool portable) { g_portable_only = portable; }

Result<RecapResult> RenderRecap(const std::vector<RecapItem>& items, const RecapSpec& spec,
                                const std::filesystem::path& out_mp4) {
  if (items.empty()) return Fail(ErrorCode::kInvalidInput, "recap: no photos or clips");
  CAMROLL_RETURN_IF_ERROR(CheckSpec(spec));
  const RecapPhoto* first_photo = nullptr;
  std::vector<double> clip_length(items.size(), 0);
  for (size_t i = 0; i < items.size(); ++i) {
    if (const auto* photo = std::get_if<RecapPhoto>(&items[i])) {
      const RgbImage& img = photo->image;
      if (img.width < 2 || img.height < 2 ||
          img.pixels.size() != static_cast<size_t>(img.width) * img.height * 3) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("recap: photo {} is empty or malformed", i));
      }
      if (!first_photo) first_photo = photo;
    } else {
      // Open every clip before encoding anything: a missing or undecodable one fails early.
      CAMROLL_ASSIGN_OR_RETURN(
          auto reader, ClipReader::Open(std::get<RecapClip>(items[i]), spec.width, spec.height));
      clip_length[i] = reader->length_s();
    }
  }
  const Timeline timeline = Plan(items, clip_length, spec);

  VideoWriterOptions options;
  options.width = spec.width;
  options.height = spec.height;
  options.fps = spec.fps;
  options.crf = spec.crf;
  options.preset = spec.preset;
  // The two fastest presets turn the macroblock tree off (no lookahead): on for this content.
  if (spec.preset == "superfast" || spec.preset == "ultrafast") {
    options.x264_params = "mbtree=1:rc-lookahead=10";
  }
  CAMROLL_ASSIGN_OR_RETURN(auto writer, VideoWriter::Open(out_mp4, options));

  std::vector<LiveShot> live(timeline.shots.size());
  Plate second;
  second.Resize(spec.width, spec.height);
  WarpScratch scratch;
  size_t next = 0;  // the next shot to prepare
  for (int f = 0; f < timeline.frames; ++f) {
    for (; next < timeline.shots.size() && timeline.shots[next].first <= f; ++next) {
      const Shot& s = timeline.shots[next];
      Rng rng{spec.seed * 0x2545F4914F6CDD1Dull + next};
      if (s.kind == ShotKind::kTitle) {
        live[next].plate = PrepareTitle(spec, first_photo);
      } else if (s.kind == ShotKind::kPhoto) {
        live[next].plate =
            PreparePhoto(std::get<RecapPhoto>(items[s.item]), spec.width, spec.height, rng);
      } else {
        CAMROLL_ASSIGN_OR_RETURN(
            live[next].clip,
            ClipReader::Open(std::get<RecapClip>(items[s.item]), spec.width, spec.height));
      }
    }
    // The shots on screen: one, or two during a crossfade.
    int a = -1, b = -1;
    for (size_t i = 0; i < next; ++i) {
      const Shot& s = timeline.shots[i];
      if (f >= s.end) {
        live[i] = LiveShot{};  // done: free its plate or decoder
        continue;
      }
      if (f < s.first) continue;
      (a < 0 ? a : b) = static_cast<int>(i);
    }
    if (a < 0) return Fail(ErrorCode::kInternal, "recap: a frame with no shot");
    CAMROLL_ASSIGN_OR_RETURN(YuvPlanes frame, writer->NextFrame());
    CAMROLL_RETURN_IF_ERROR(RenderShot(live[a], timeline.shots[a], f, spec.fps, frame, scratch));
    if (b >= 0) {
      const Shot& in = timeline.shots[b];
      const YuvPlanes other = second.View();
      CAMROLL_RETURN_IF_ERROR(RenderShot(live[b], in, f, spec.fps, other, scratch));
      const int overlap = std::max(1, timeline.shots[a].end - in.first);
      const double alpha = SmoothStep((f - in.first + 1.0) / (overlap + 1));
      BlendInto(frame, other, static_cast<uint32_t>(std::lround(alpha * 256)));
    }
    const int to_end = timeline.frames - 1 - f;
    if (to_end < timeline.fade_frames) {
      const double gain = SmoothStep(static_cast<double>(to_end) / timeline.fade_frames);
      FadeToBlack(frame, static_cast<uint32_t>(std::lround(gain * 256)));
    }
    CAMROLL_RETURN_IF_ERROR(writer->Submit());
  }
  CAMROLL_ASSIGN_OR_RETURN(const int written, writer->Finish());
  RecapResult result;
  result.frames = written;
  result.duration_s = static_cast<double>(written) / spec.fps;
  result.items_used = timeline.items_used;
  return result;
}

}  // namespace camroll
