#include "ml/boxes.h"

#include <gtest/gtest.h>

namespace camroll::ml {
namespace {

TEST(IoU, OfOverlappingAndDisjointBoxes) {
  EXPECT_FLOAT_EQ(IoU({0, 0, 10, 10}, {0, 0, 10, 10}), 1.0f);
  EXPECT_FLOAT_EQ(IoU({0, 0, 10, 10}, {5, 0, 10, 10}), 50.0f / 150.0f);
  EXPECT_FLOAT_EQ(IoU({0, 0, 10, 10}, {10, 0, 10, 10}), 0.0f);  // touching edges
  EXPECT_FLOAT_EQ(IoU({0, 0, 0, 10}, {0, 0, 10, 10}), 0.0f);    // empty box
}

TEST(NonMaxSuppression, KeepsTheBestOfEachOverlappingGroup) {
  const std::vector<BoxF> boxes = {
      {0, 0, 10, 10}, {1, 1, 10, 10}, {50, 50, 10, 10}, {0, 0, 10, 10}, {2, 0, 10, 10}};
  const std::vector<float> scores = {0.5f, 0.9f, 0.4f, 0.9f, 0.1f};
  // 1 and 3 tie at 0.9 and overlap (IoU 0.68): the earlier index wins; 0 and 4 overlap 1.
  EXPECT_EQ(NonMaxSuppression(boxes, scores, 0.5f, 10), (std::vector<size_t>{1, 2}));
  EXPECT_EQ(NonMaxSuppression(boxes, scores, 0.5f, 1), (std::vector<size_t>{1}));
  // Near 1 only identical boxes (0 and 3) collapse.
  EXPECT_EQ(NonMaxSuppression(boxes, scores, 0.99f, 10), (std::vector<size_t>{1, 3, 2, 4}));
  EXPECT_TRUE(NonMaxSuppression({}, {}, 0.5f, 10).empty());
}

}  // namespace
}  // namespace camroll::ml
