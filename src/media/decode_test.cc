#include "media/decode.h"

#include <gtest/gtest.h>
#include <vips/vips.h>

#include <cmath>

#include "media/test_images.h"
#include "media/vips_util.h"

namespace camroll {
namespace {

uint32_t Crc32(const uint8_t* data, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// A PNG whose header declares width x height (with a valid CRC) and whose data is tiny.
std::vector<uint8_t> PngDeclaring(uint32_t width, uint32_t height) {
  std::vector<uint8_t> png = testing::EncodeWithVips(testing::TestCard(8, 8), ".png");
  // IHDR data starts at byte 16: width(4) height(4), then CRC over type+data at 29..32.
  auto put32 = [&](size_t at, uint32_t v) {
    png[at] = static_cast<uint8_t>(v >> 24);
    png[at + 1] = static_cast<uint8_t>(v >> 16);
    png[at + 2] = static_cast<uint8_t>(v >> 8);
    png[at + 3] = static_cast<uint8_t>(v);
  };
  put32(16, width);
  put32(20, height);
  put32(29, Crc32(png.data() + 12, 17));
  return png;
}

class DecodeBackends : public ::testing::TestWithParam<DecodeBackend> {};

TEST_P(DecodeBackends, ShrinksAJpegOnLoadToTheLongEdge) {
  RgbImage card = testing::TestCard(1200, 900);
  auto jpeg = EncodeJpeg(card, 92);
  ASSERT_TRUE(jpeg);
  DecodeOptions options;
  options.backend = GetParam();
  auto img = DecodeImageScaled(*jpeg, Format::kJpeg, 400, options);
  ASSERT_TRUE(img) << img.error().ToString();
  EXPECT_EQ(img->width, 400);
  EXPECT_EQ(img->height, 300);
  auto reference = ResizeToLongEdge(card, 400);
  ASSERT_TRUE(reference);
  EXPECT_LT(testing::MeanAbsDiff(*img, *reference), 6.0);
}

TEST_P(DecodeBackends, RefusesImagesOverThePixelLimitBeforeDecoding) {
  auto jpeg = EncodeJpeg(testing::TestCard(64, 48), 90);
  ASSERT_TRUE(jpeg);
  testing::PatchJpegSize(*jpeg, 60000, 50000);  // 3 gigapixels declared by a 2 KB file
  DecodeOptions options;
  options.backend = GetParam();
  options.max_pixels = 100'000'000;
  auto img = DecodeImageScaled(*jpeg, Format::kJpeg, 256, options);
  ASSERT_FALSE(img);
  EXPECT_EQ(img.error().code(), ErrorCode::kLimit);
  EXPECT_NE(img.error().message().find("60000x50000"), std::string::npos) << img.error().message();
}

TEST_P(DecodeBackends, ReportsATruncatedJpeg) {
  auto jpeg = EncodeJpeg(testing::TestCard(640, 480), 92);
  ASSERT_TRUE(jpeg);
  jpeg->resize(jpeg->size() / 2);
  DecodeOptions options;
  options.backend = GetParam();
  auto img = DecodeImageScaled(*jpeg, Format::kJpeg, 256, options);
  ASSERT_FALSE(img);
  EXPECT_EQ(img.error().code(), ErrorCode::kInvalidInput) << img.error().ToString();
}

TEST_P(DecodeBackends, ReportsGarbageAfterAJpegSignature) {
  std::vector<uint8_t> junk = {0xFF, 0xD8, 0xFF, 0xE0};
  for (int i = 0; i < 4000; ++i) junk.push_back(static_cast<uint8_t>(i * 7919 % 251));
  DecodeOptions options;
  options.backend = GetParam();
  auto img = DecodeImageScaled(junk, Format::kJpeg, 256, options);
  ASSERT_FALSE(img);
  EXPECT_EQ(img.error().code(), ErrorCode::kInvalidInput);
}

INSTANTIATE_TEST_SUITE_P(, DecodeBackends,
                         ::testing::Values(DecodeBackend::kTurbo, DecodeBackend::kVips),
                         [](const auto& param_info) {
                           return std::string(DecodeBackendName(param_info.param));
                         });

TEST(DecodeImageScaled, DecodesPngWebpAndHeif) {
  RgbImage card = testing::TestCard(320, 240);
  auto reference = ResizeToLongEdge(card, 160);
  ASSERT_TRUE(reference);
  const std::pair<const char*, Format> kinds[] = {
      {".png", Format::kPng}, {".webp[Q=95]", Format::kWebp}, {".heic[Q=95]", Format::kHeif}};
  for (const auto& [suffix, format] : kinds) {
    auto bytes = testing::EncodeWithVips(card, suffix);
    ASSERT_EQ(SniffFormat(bytes), format) << suffix;
    auto img = DecodeImageScaled(bytes, format, 160, DecodeOptions{});
    ASSERT_TRUE(img) << suffix << ": " << img.error().ToString();
    EXPECT_LT(testing::MeanAbsDiff(*img, *reference), 8.0) << suffix;
  }
}

TEST(DecodeImageScaled, RefusesAPngThatDeclaresHugeDimensions) {
  auto png = PngDeclaring(40000, 40000);
  DecodeOptions options;
  options.max_pixels = 256'000'000;
  auto img = DecodeImageScaled(png, Format::kPng, 256, options);
  ASSERT_FALSE(img);
  EXPECT_EQ(img.error().code(), ErrorCode::kLimit) << img.error().ToString();
}

TEST(DecodeImageScaled, RejectsEmptyInput) {
  auto img = DecodeImageScaled({}, Format::kJpeg, 256, DecodeOptions{});
  ASSERT_FALSE(img);
  EXPECT_EQ(img.error().code(), ErrorCode::kInvalidInput);
}

TEST(DecodeImageUpright, TurnsAnImageByItsExifOrientation) {
  const RgbImage card = testing::TestCard(240, 160);
  // Stored turned a quarter to the left; orientation 6 says to turn it back to the right.
  const RgbImage stored = ApplyOrientation(card, 8);
  ASSERT_EQ(stored.width, 160);
  auto img = DecodeImageUpright(testing::JpegWithExif(stored, {{"Exif.Image.Orientation", "6"}}),
                                1000, DecodeOptions{});
  ASSERT_TRUE(img) << img.error().ToString();
  ASSERT_EQ(img->width, 240);
  ASSERT_EQ(img->height, 160);
  EXPECT_LT(testing::MeanAbsDiff(*img, card), 4.0);
}

TEST(DecodeImageUpright, RefusesWhatIsNotAStillImage) {
  const std::vector<uint8_t> junk(100, 0x42);
  auto img = DecodeImageUpright(junk, 256, DecodeOptions{});
  ASSERT_FALSE(img);
  EXPECT_EQ(img.error().code(), ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace camroll
