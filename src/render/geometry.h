// Rectangles for layouts and crops.
#pragma once

#include <algorithm>

namespace camroll {

// In pixels (or any unit the caller chooses), top-left origin.
struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
  double right() const { return x + w; }
  double bottom() const { return y + h; }
  double area() const { return w * h; }
  double aspect() const { return h > 0 ? w / h : 0; }
  bool Contains(const Rect& o, double eps = 1e-9) const {
    return o.x >= x - eps && o.y >= y - eps && o.right() <= right() + eps &&
           o.bottom() <= bottom() + eps;
  }
  bool operator==(const Rect&) const = default;
};

// A region of a photo in normalised coordinates: 0..1 of its width and height, so that it holds
// at any resolution of the photo (thumbnail, preview, original).
using Box = Rect;

inline Rect Union(const Rect& a, const Rect& b) {
  const double x = std::min(a.x, b.x), y = std::min(a.y, b.y);
  return {x, y, std::max(a.right(), b.right()) - x, std::max(a.bottom(), b.bottom()) - y};
}

struct Rgba {
  double r = 0, g = 0, b = 0, a = 1;  // 0..1
  static Rgba Hex(unsigned rgb, double alpha = 1) {
    return {((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0, alpha};
  }
};

}  // namespace camroll
