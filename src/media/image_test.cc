#include "media/image.h"

#include <gtest/gtest.h>

#include "media/test_images.h"

namespace camroll {
namespace {

// A 3x2 image whose pixels are numbered 0..5 in the red channel:
//   0 1 2
//   3 4 5
RgbImage Numbered() {
  RgbImage img;
  img.width = 3;
  img.height = 2;
  img.pixels.assign(18, 0);
  for (int i = 0; i < 6; ++i) img.pixels[i * 3] = static_cast<uint8_t>(i);
  return img;
}

std::vector<int> Reds(const RgbImage& img) {
  std::vector<int> out;
  for (size_t i = 0; i < img.pixels.size(); i += 3) out.push_back(img.pixels[i]);
  return out;
}

TEST(ApplyOrientation, MatchesTheExifDefinitions) {
  // Orientation N says where stored row 0 / column 0 go; the upright results, row by row:
  struct Case {
    int orientation, width, height;
    std::vector<int> upright;
  };
  const Case cases[] = {
      {1, 3, 2, {0, 1, 2, 3, 4, 5}}, {2, 3, 2, {2, 1, 0, 5, 4, 3}},  // mirrored horizontally
      {3, 3, 2, {5, 4, 3, 2, 1, 0}},                                 // rotated 180
      {4, 3, 2, {3, 4, 5, 0, 1, 2}},                                 // mirrored vertically
      {5, 2, 3, {0, 3, 1, 4, 2, 5}},                                 // transposed
      {6, 2, 3, {3, 0, 4, 1, 5, 2}},                                 // rotate 90 clockwise to view
      {7, 2, 3, {5, 2, 4, 1, 3, 0}},                                 // transverse
      {8, 2, 3, {2, 5, 1, 4, 0, 3}},  // rotate 90 counter-clockwise to view
  };
  for (const Case& c : cases) {
    RgbImage out = ApplyOrientation(Numbered(), c.orientation);
    EXPECT_EQ(out.width, c.width) << c.orientation;
    EXPECT_EQ(out.height, c.height) << c.orientation;
    EXPECT_EQ(Reds(out), c.upright) << "orientation " << c.orientation;
  }
}

TEST(ResizeToLongEdge, KeepsAspectAndNeverEnlarges) {
  RgbImage card = testing::TestCard(400, 300);
  auto small = ResizeToLongEdge(card, 100);
  ASSERT_TRUE(small) << small.error().ToString();
  EXPECT_EQ(small->width, 100);
  EXPECT_EQ(small->height, 75);
  EXPECT_EQ(small->pixels.size(), 100u * 75 * 3);
  auto same = ResizeToLongEdge(card, 1000);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->width, 400);
  EXPECT_EQ(same->pixels, card.pixels);
}

TEST(EncodeJpeg, ProducesAJpegThatKeepsTheColours) {
  RgbImage card = testing::TestCard(64, 48);
  auto jpeg = EncodeJpeg(card, 95);
  ASSERT_TRUE(jpeg);
  ASSERT_GT(jpeg->size(), 100u);
  EXPECT_EQ((*jpeg)[0], 0xFF);
  EXPECT_EQ((*jpeg)[1], 0xD8);
}

TEST(ResizeGrayArea, AveragesBlocks) {
  GrayImage g;
  g.width = 4;
  g.height = 2;
  g.pixels = {0, 100, 200, 200, 0, 100, 0, 0};
  GrayImage out = ResizeGrayArea(g, 2, 1);
  EXPECT_EQ(out.pixels[0], 50);
  EXPECT_EQ(out.pixels[1], 100);
}

}  // namespace
}  // namespace camroll
