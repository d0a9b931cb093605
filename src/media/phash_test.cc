#include "media/phash.h"

#include <gtest/gtest.h>

#include "media/test_images.h"

namespace camroll {
namespace {

TEST(PerceptualHash, IsStableUnderResizeAndMildBlur) {
  RgbImage card = testing::TestCard(640, 480, 3);
  auto small = ResizeToLongEdge(card, 200);
  ASSERT_TRUE(small);
  RgbImage blurred = testing::Blurred(card, 2);
  for (auto hash : {&DHash, &PHash}) {
    uint64_t h = hash(ToGray(card));
    EXPECT_LE(HammingDistance(h, hash(ToGray(*small))), 4);
    EXPECT_LE(HammingDistance(h, hash(ToGray(blurred))), 6);
  }
}

TEST(PerceptualHash, SeparatesDifferentPictures) {
  // Two cards with different layouts (disc position and colour depend on the seed), and a
  // mirrored copy: all far apart.
  RgbImage a = testing::TestCard(320, 240, 1);
  RgbImage b = testing::TestCard(320, 240, 5);
  RgbImage mirrored = ApplyOrientation(a, 2);
  EXPECT_GT(HammingDistance(PHash(ToGray(a)), PHash(ToGray(b))), 10);
  EXPECT_GT(HammingDistance(PHash(ToGray(a)), PHash(ToGray(mirrored))), 10);
  EXPECT_GT(HammingDistance(DHash(ToGray(a)), DHash(ToGray(mirrored))), 10);
}

TEST(HammingDistance, CountsDifferingBits) {
  EXPECT_EQ(HammingDistance(0, 0), 0);
  EXPECT_EQ(HammingDistance(0b1011, 0b0001), 2);
  EXPECT_EQ(HammingDistance(~0ull, 0), 64);
}

}  // namespace
}  // namespace camroll
