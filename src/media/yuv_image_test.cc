#include "media/yuv_image.h"

#include <gtest/gtest.h>

#include <cmath>

#include "media/test_images.h"

namespace camroll {
namespace {

TEST(DecodeJpegPlanes, DecodesAtAPowerOfTwoScaleIntoPlanes) {
  RgbImage card = testing::TestCard(1200, 900);
  auto jpeg = EncodeJpeg(card, 92);
  ASSERT_TRUE(jpeg);
  auto yuv = DecodeJpegPlanes(*jpeg, 400, DecodeOptions{});
  ASSERT_TRUE(yuv) << yuv.error().ToString();
  EXPECT_EQ(yuv->width, 600);  // 1/2: the smallest power-of-two scale still >= 400
  EXPECT_EQ(yuv->height, 450);
  EXPECT_EQ(yuv->sub_x, 2);  // EncodeJpeg writes 4:2:0
  EXPECT_EQ(yuv->sub_y, 2);
  EXPECT_EQ(yuv->cb.size(), 300u * 225u);
  auto rgb = ToRgb(*yuv);
  ASSERT_TRUE(rgb);
  auto reference = ResizeToLongEdge(card, 600);
  EXPECT_LT(testing::MeanAbsDiff(*rgb, *reference), 6.0);
}

TEST(DecodeJpegPlanes, RefusesBombsAndTruncation) {
  auto jpeg = EncodeJpeg(testing::TestCard(640, 480), 92);
  ASSERT_TRUE(jpeg);
  auto bomb = *jpeg;
  ASSERT_TRUE(testing::PatchJpegSize(bomb, 60000, 50000));
  DecodeOptions options;
  options.max_pixels = 100'000'000;
  auto refused = DecodeJpegPlanes(bomb, 1440, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kLimit);
  auto cut = *jpeg;
  cut.resize(cut.size() / 2);
  auto truncated = DecodeJpegPlanes(cut, 1440, options);
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code(), ErrorCode::kInvalidInput);
}

TEST(DecodeHeifPlanes, DecodesHeifIntoPlanes) {
  RgbImage card = testing::TestCard(320, 240, 6);
  auto heic = testing::EncodeWithVips(card, ".heic[Q=95]");
  auto yuv = DecodeHeifPlanes(heic, DecodeOptions{});
  ASSERT_TRUE(yuv) << yuv.error().ToString();
  EXPECT_EQ(yuv->width, 320);
  EXPECT_EQ(yuv->height, 240);
  auto rgb = ToRgb(*yuv);
  ASSERT_TRUE(rgb);
  EXPECT_LT(testing::MeanAbsDiff(*rgb, card), 8.0);

  DecodeOptions small;
  small.max_pixels = 320 * 239;
  auto refused = DecodeHeifPlanes(heic, small);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kLimit);
  heic.resize(heic.size() / 2);
  auto truncated = DecodeHeifPlanes(heic, DecodeOptions{});
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code(), ErrorCode::kInvalidInput);
}

TEST(YuvImage, SurvivesOddSizesThroughResizeEncodeAndDecode) {
  RgbImage card = testing::TestCard(333, 247, 2);
  auto yuv = ToYuv420(card);
  ASSERT_TRUE(yuv);
  EXPECT_EQ(yuv->ChromaWidth(), 167);
  EXPECT_EQ(yuv->ChromaHeight(), 124);
  YuvImage small = ResizeYuvToLongEdge(*yuv, 101);
  EXPECT_EQ(small.width, 101);
  EXPECT_EQ(small.height, 75);
  auto jpeg = EncodeJpeg(small, 95);
  ASSERT_TRUE(jpeg) << jpeg.error().ToString();
  auto back = DecodeImageScaled(*jpeg, Format::kJpeg, 101, DecodeOptions{});
  ASSERT_TRUE(back);
  auto reference = ResizeToLongEdge(card, 101);
  EXPECT_LT(testing::MeanAbsDiff(*back, *reference), 8.0);
}

TEST(YuvImage, TurnsPlanesAndSwapsTheirSubsampling) {
  RgbImage card = testing::TestCard(64, 48, 3);
  auto yuv = ToYuv420(card);
  ASSERT_TRUE(yuv);
  YuvImage wide = *yuv;  // pretend 4:2:2 to see the factors swap
  wide.sub_y = 1;
  wide.cb.assign(static_cast<size_t>(wide.ChromaWidth()) * wide.ChromaHeight(), 128);
  wide.cr = wide.cb;
  YuvImage turned = ApplyOrientation(wide, 6);
  EXPECT_EQ(turned.width, 48);
  EXPECT_EQ(turned.height, 64);
  EXPECT_EQ(turned.sub_x, 1);
  EXPECT_EQ(turned.sub_y, 2);
  // Turning the planes equals turning the pixels.
  auto via_planes = ToRgb(ApplyOrientation(*yuv, 6));
  ASSERT_TRUE(via_planes);
  auto plain = ToRgb(*yuv);
  ASSERT_TRUE(plain);
  EXPECT_LT(testing::MeanAbsDiff(*via_planes, ApplyOrientation(*plain, 6)), 3.0);
}

TEST(YuvImage, LumaIsTheGreyOfThePicture) {
  RgbImage card = testing::TestCard(200, 150, 5);
  auto yuv = ToYuv420(card);
  ASSERT_TRUE(yuv);
  GrayImage grey = ToGray(card);
  double diff = 0;
  for (size_t i = 0; i < grey.pixels.size(); ++i) diff += std::abs(grey.pixels[i] - yuv->y[i]);
  EXPECT_LT(diff / grey.pixels.size(), 1.0);
}

}  // namespace
}  // namespace camroll
