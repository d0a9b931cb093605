#include "media/metadata.h"

#include <gtest/gtest.h>

#include "media/test_images.h"

namespace camroll {
namespace {

std::vector<uint8_t> Jpeg(const std::map<std::string, std::string>& exif) {
  return testing::JpegWithExif(testing::TestCard(64, 48), exif);
}

TEST(ReadImageMetadata, ReadsTimeOffsetGpsCameraAndOrientation) {
  auto bytes = Jpeg({
      {"Exif.Image.Make", "Google"},
      {"Exif.Image.Model", "Pixel 8"},
      {"Exif.Image.Orientation", "6"},
      {"Exif.Photo.DateTimeOriginal", "2026:06:19 21:05:30"},
      {"Exif.Photo.OffsetTimeOriginal", "+01:00"},
      {"Exif.Photo.SubSecTimeOriginal", "25"},
      {"Exif.GPSInfo.GPSLatitudeRef", "N"},
      {"Exif.GPSInfo.GPSLatitude", "41/1 8/1 5856/100"},
      {"Exif.GPSInfo.GPSLongitudeRef", "W"},
      {"Exif.GPSInfo.GPSLongitude", "8/1 36/1 3924/100"},
      {"Exif.GPSInfo.GPSAltitudeRef", "0"},
      {"Exif.GPSInfo.GPSAltitude", "855/10"},
  });
  auto md = ReadImageMetadata(bytes, Format::kJpeg);
  ASSERT_TRUE(md) << md.error().ToString();
  EXPECT_EQ(md->width, 64);
  EXPECT_EQ(md->height, 48);
  EXPECT_EQ(md->orientation, 6);
  EXPECT_EQ(md->DisplayWidth(), 48);
  EXPECT_EQ(md->make, "Google");
  EXPECT_EQ(md->model, "Pixel 8");
  ASSERT_TRUE(md->taken);
  EXPECT_EQ(FormatIso8601(*md->taken), "2026-06-19T21:05:30+01:00");
  EXPECT_EQ(md->time_source, TimeSource::kExifOriginal);
  EXPECT_EQ(md->offset_source, OffsetSource::kExif);
  EXPECT_EQ(md->subsec_ms, 250);
  ASSERT_TRUE(md->gps);
  EXPECT_NEAR(md->gps->lat, 41.0 + 8 / 60.0 + 58.56 / 3600, 1e-9);
  EXPECT_NEAR(md->gps->lon, -(8.0 + 36 / 60.0 + 39.24 / 3600), 1e-9);
  ASSERT_TRUE(md->gps->altitude_m);
  EXPECT_NEAR(*md->gps->altitude_m, 85.5, 1e-9);
}

TEST(ReadImageMetadata, DerivesTheOffsetFromGpsTime) {
  // Local 17:52:22, GPS (UTC) 15:52:22 on the same day: the phone was at UTC+2.
  auto md = ReadImageMetadata(Jpeg({{"Exif.Photo.DateTimeOriginal", "2018:07:16 17:52:22"},
                                    {"Exif.GPSInfo.GPSDateStamp", "2018:07:16"},
                                    {"Exif.GPSInfo.GPSTimeStamp", "15/1 52/1 21/1"}}),
                              Format::kJpeg);
  ASSERT_TRUE(md);
  ASSERT_TRUE(md->taken);
  EXPECT_EQ(md->taken->offset_minutes, 120);
  EXPECT_EQ(md->offset_source, OffsetSource::kGps);
}

TEST(ReadImageMetadata, IgnoresAStaleGpsClock) {
  // The GPS fix is a day older than the photo: no offset can be trusted from it.
  auto md = ReadImageMetadata(Jpeg({{"Exif.Photo.DateTimeOriginal", "2013:01:20 18:54:08"},
                                    {"Exif.GPSInfo.GPSDateStamp", "2013:01:19"},
                                    {"Exif.GPSInfo.GPSTimeStamp", "15/1 50/1 9/1"}}),
                              Format::kJpeg);
  ASSERT_TRUE(md);
  ASSERT_TRUE(md->taken);
  EXPECT_FALSE(md->taken->offset_minutes);
}

TEST(ReadImageMetadata, FallsBackToDigitizedThenModifiedTime) {
  auto md = ReadImageMetadata(Jpeg({{"Exif.Photo.DateTimeOriginal", "0000:00:00 00:00:00"},
                                    {"Exif.Image.DateTime", "2020:01:02 03:04:05"}}),
                              Format::kJpeg);
  ASSERT_TRUE(md);
  ASSERT_TRUE(md->taken);
  EXPECT_EQ(md->time_source, TimeSource::kExifModified);
  EXPECT_FALSE(md->notes.empty());  // the placeholder date is reported
}

TEST(ReadImageMetadata, HasNoTimeWithoutExif) {
  auto md = ReadImageMetadata(Jpeg({}), Format::kJpeg);
  ASSERT_TRUE(md);
  EXPECT_FALSE(md->taken);
  EXPECT_FALSE(md->gps);
  EXPECT_FALSE(md->has_exif);
  EXPECT_EQ(md->orientation, 1);
}

TEST(ReadImageMetadata, ReportsAnInvalidOrientation) {
  auto md = ReadImageMetadata(Jpeg({{"Exif.Image.Orientation", "9"}}), Format::kJpeg);
  ASSERT_TRUE(md);
  EXPECT_EQ(md->orientation, 1);
  ASSERT_EQ(md->notes.size(), 1u);
}

TEST(ReadImageMetadata, FailsCleanlyOnGarbage) {
  std::vector<uint8_t> junk(300, 0x42);
  junk[0] = 0xFF;
  junk[1] = 0xD8;
  junk[2] = 0xFF;
  auto md = ReadImageMetadata(junk, Format::kJpeg);
  // Either an error or empty metadata, never a crash; garbage has no capture time.
  if (md) {
    EXPECT_FALSE(md->taken);
  }
  EXPECT_FALSE(ReadImageMetadata({}, Format::kJpeg));
  auto heif = ReadImageMetadata(junk, Format::kHeif);
  ASSERT_FALSE(heif);
  EXPECT_EQ(heif.error().code(), ErrorCode::kInvalidInput);
}

TEST(TimeFromFileName, ReadsPhoneAndScreenshotNames) {
  auto expect = [](const char* name, const char* iso) {
    auto t = TimeFromFileName(name);
    ASSERT_TRUE(t) << name;
    EXPECT_EQ(FormatIso8601(LocalTime{*t, std::nullopt}), iso) << name;
  };
  expect("PXL_20260418_200512345.jpg", "2026-04-18T20:05:12");
  expect("IMG_20190310_142211.jpg", "2019-03-10T14:22:11");
  expect("VID_20260712_143010123.mp4", "2026-07-12T14:30:10");
  expect("Screenshot_20260503-101255.png", "2026-05-03T10:12:55");
  expect("Screenshot 2026-05-03 at 10.12.55.png", "2026-05-03T10:12:55");
  expect("2026-05-03 10.12.55.jpg", "2026-05-03T10:12:55");
  expect("IMG-20260503-WA0001.jpg", "2026-05-03T12:00:00");
}

TEST(TimeFromFileName, IgnoresNamesWithoutADate) {
  EXPECT_FALSE(TimeFromFileName("IMG_4821.HEIC"));
  EXPECT_FALSE(TimeFromFileName("holiday.jpg"));
  EXPECT_FALSE(TimeFromFileName("20261345_101010.jpg"));  // month 13
  EXPECT_FALSE(TimeFromFileName("DSC_12345678.jpg"));
}

}  // namespace
}  // namespace camroll
