#include "ml/image_tensor.h"

#include <gtest/gtest.h>

namespace camroll::ml {
namespace {

RgbImage Gradient(int w, int h) {
  RgbImage img;
  img.width = w;
  img.height = h;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      img.pixels.push_back(static_cast<uint8_t>(x * 255 / (w - 1)));
      img.pixels.push_back(static_cast<uint8_t>(y * 255 / (h - 1)));
      img.pixels.push_back(7);
    }
  }
  return img;
}

TEST(ImageTensor, LetterboxKeepsAspectAndMapsBack) {
  RgbImage img = Gradient(400, 200);
  Placement p;
  RgbImage box = LetterboxTo(img, 100, 100, &p, 0);
  ASSERT_EQ(box.width, 100);
  EXPECT_FLOAT_EQ(p.scale_x, 0.25f);
  EXPECT_FLOAT_EQ(p.pad_y, 25.0f);
  // Top band is fill, the middle is picture.
  EXPECT_EQ(box.pixels[(10 * 100 + 50) * 3 + 2], 0);
  EXPECT_EQ(box.pixels[(50 * 100 + 50) * 3 + 2], 7);
  // A model-space point maps back to the image point it came from.
  EXPECT_NEAR(p.ToImageX(50), 200, 1e-4);
  EXPECT_NEAR(p.ToImageY(75), 200, 1e-4);
}

TEST(ImageTensor, NormalisesAndLaysOut) {
  RgbImage img;
  img.width = 2;
  img.height = 1;
  img.pixels = {0, 128, 255, 10, 20, 30};
  Normalization n;
  n.scale = 1;
  n.mean = {1, 2, 3};
  n.std = {1, 2, 4};
  auto nhwc = ToTensor(img, n, Layout::kNHWC);
  EXPECT_EQ(nhwc, (std::vector<float>{-1, 63, 63, 9, 9, 6.75f}));
  auto nchw = ToTensor(img, n, Layout::kNCHW);
  EXPECT_EQ(nchw, (std::vector<float>{-1, 9, 63, 9, 63, 6.75f}));
  n.bgr = true;
  auto bgr = ToTensor(img, n, Layout::kNHWC);
  EXPECT_EQ(bgr[0], 254);  // first channel is blue
}

}  // namespace
}  // namespace camroll::ml
