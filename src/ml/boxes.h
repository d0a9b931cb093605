// Boxes in image pixels, and the greedy non-maximum suppression that detectors use to keep one
// box per object.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace camroll::ml {

struct PointF {
  float x = 0, y = 0;
};

// Axis-aligned, top-left origin, in pixels of the image given to the detector.
struct BoxF {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
  float area() const { return w > 0 && h > 0 ? w * h : 0; }
};

// Intersection over union; 0 when either box is empty.
float IoU(const BoxF& a, const BoxF& b);

// Greedy NMS: visits boxes by decreasing score (ties by index) and keeps a box unless its IoU
// with a box already kept exceeds `iou_threshold`. Returns the kept indices, best first, at most
// `max_kept` of them. `boxes` and `scores` are parallel (sizes asserted).
std::vector<size_t> NonMaxSuppression(std::span<const BoxF> boxes, std::span<const float> scores,
                                      float iou_threshold, size_t max_kept);

}  // namespace camroll::ml
