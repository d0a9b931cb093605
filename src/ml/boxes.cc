#include "ml/boxes.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace camroll::ml {

float IoU(const BoxF& a, const BoxF& b) {
  const float iw = std::min(a.right(), b.right()) - std::max(a.x, b.x);
  const float ih = std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y);
  if (iw <= 0 || ih <= 0) return 0;
  const float inter = iw * ih;
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0;
}

std::vector<size_t> NonMaxSuppression(std::span<const BoxF> boxes, std::span<const float> scores,
                                      float iou_threshold, size_t max_kept) {
  assert(boxes.size() == scores.size());
  std::vector<size_t> order(boxes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  std::vector<size_t> kept;
  for (size_t i : order) {
    if (kept.size() >= max_kept) break;
    bool overlaps = std::any_of(kept.begin(), kept.end(),
                                [&](size_t k) { return IoU(boxes[i], boxes[k]) > iou_threshold; });
    if (!overlaps) kept.push_back(i);
  }
  return kept;
}

}  // namespace camroll::ml
