// Real files from phones and cameras (../shared/testdata/phone-media). Expected values were read
// with exiftool, an independent implementation. Skips when the folder is absent.
#include <gtest/gtest.h>

#include <cmath>

#include "core/files.h"
#include "media/decode.h"
#include "media/metadata.h"
#include "media/yuv_image.h"
#include "testing/testing.h"

namespace camroll {
namespace {

std::filesystem::path PhoneMedia() {
  auto root = testing::SharedTestData();
  return root.empty() ? root : root / "phone-media";
}

#define REQUIRE_PHONE_MEDIA()                                                              \
  if (PhoneMedia().empty() || !std::filesystem::exists(PhoneMedia())) {                    \
    GTEST_SKIP() << "../shared/testdata/phone-media is absent; skipping real-phone tests"; \
  }

Result<MediaMetadata> Read(const std::string& name) {
  auto path = PhoneMedia() / name;
  CAMROLL_ASSIGN_OR_RETURN(auto bytes, ReadFile(path, 100 << 20));
  Format format = SniffFormat(bytes);
  if (IsVideo(format)) {
    CAMROLL_ASSIGN_OR_RETURN(auto md, ReadVideoMetadata(path));
    md.format = format;
    return md;
  }
  return ReadImageMetadata(bytes, format);
}

struct Expected {
  const char* file;
  Format format;
  const char* taken;  // local wall clock (and offset where the file tells it)
  double lat, lon;    // NAN: no GPS
  int orientation;
  int display_width, display_height;
};

TEST(PhoneMedia, ReadsTimeGpsAndOrientationOfEveryFile) {
  REQUIRE_PHONE_MEDIA();
  const Expected cases[] = {
      // GPS date stamp is malformed ("2014:09:259"): no offset can be derived.
      {"Apple iPhone 6.jpg", Format::kJpeg, "2014-09-16T14:05:12", 51.7624083, -0.3178917, 1, 3264,
       2448},
      // GPS time 07:11:43 UTC for 15:11:44 local: UTC+8 (Guangdong).
      {"IMG_1034.heic", Format::kHeif, "2018-02-05T15:11:44+08:00", 23.1779167, 113.3943167, 1,
       4032, 3024},
      // EXIF says orientation 6; the HEIF transform (irot) already makes it 3024x4032 upright.
      {"Issue 263 dotnet.heic", Format::kHeif, "2019-08-21T11:21:36", 38.6995389, -9.2077472, 1,
       3024, 4032},
      {"Issue 508.jpg", Format::kJpeg, "2020-09-02T18:52:42", 43.8594694, 15.5032833, 1, 1, 1},
      // Android MP4: the local time and offset are in moov/udta/date (libavformat only
      // reports the UTC creation_time, 14:04:36Z).
      {"Issue 515 (java).mp4", Format::kMp4, "2020-11-20T15:04:02+01:00", 52.3693, 6.6761, 1, 1280,
       720},
      // GPS fix from the previous day: stale, no offset.
      {"Nexus 4.jpg", Format::kJpeg, "2013-01-20T18:54:08", 51.5624657, -0.0773322, 1, 2448, 3264},
      {"Oppo R7 Plus.jpg", Format::kJpeg, "2018-07-16T17:52:22+02:00", 60.2674637, 8.7711324, 1,
       3120, 4160},
      {"Panasonic DMC-LX3 (Lumix).jpg", Format::kJpeg, "2011-01-01T16:02:54", 41.8954010,
       12.4827108, 1, 3776, 2520},
      // GPS 0/0 is read as written; the scan rejects it as implausible.
      {"Samsung GT-I9000 (Galaxy S).jpg", Format::kJpeg, "2011-04-02T18:30:10", 0, 0, 6, 480, 640},
      {"Samsung SM-G935L (Galaxy S7 Edge).jpg", Format::kJpeg, "2017-02-09T19:51:38+01:00", 48.8925,
       2.2363889, 1, 4032, 3024},
      {"exif-at-eof.heic", Format::kHeif, "2020-05-04T18:39:11-04:00", 47.2071241, 106.2431051, 1,
       3024, 4032},
      // iPhone MOV: local time with offset from com.apple.quicktime.creationdate; rotated -90.
      {"with-gps.mov", Format::kMov, "2019-07-24T11:25:40+03:00", 32.0929, 34.862, 6, 320, 568},
      {"with-gps.mp4", Format::kMp4, "2017-02-22T08:20:28", 51.4169, -0.0806, 1, 1920, 1080},
  };
  for (const Expected& e : cases) {
    SCOPED_TRACE(e.file);
    auto md = Read(e.file);
    ASSERT_TRUE(md) << md.error().ToString();
    EXPECT_EQ(md->format, e.format);
    ASSERT_TRUE(md->taken);
    EXPECT_EQ(FormatIso8601(*md->taken), e.taken);
    if (std::isnan(e.lat)) {
      EXPECT_FALSE(md->gps);
    } else {
      ASSERT_TRUE(md->gps);
      EXPECT_NEAR(md->gps->lat, e.lat, 1e-5);
      EXPECT_NEAR(md->gps->lon, e.lon, 1e-5);
    }
    EXPECT_EQ(md->orientation, e.orientation);
    EXPECT_EQ(md->DisplayWidth(), e.display_width);
    EXPECT_EQ(md->DisplayHeight(), e.display_height);
  }
}

// The 16 orientation samples show the same scene; once decoded and turned upright, each
// landscape (and each portrait) sample must match its orientation-1 sibling.
TEST(PhoneMedia, AllEightOrientationsDecodeUpright) {
  REQUIRE_PHONE_MEDIA();
  for (const char* kind : {"landscape", "portrait"}) {
    RgbImage reference;
    for (int o = 1; o <= 8; ++o) {
      std::string name = std::string("orientation/") + kind + "_" + std::to_string(o) + ".jpg";
      SCOPED_TRACE(name);
      auto bytes = ReadFile(PhoneMedia() / name, 10 << 20);
      ASSERT_TRUE(bytes);
      auto md = ReadImageMetadata(*bytes, Format::kJpeg);
      ASSERT_TRUE(md);
      EXPECT_EQ(md->orientation, o);
      auto img = DecodeImageScaled(*bytes, Format::kJpeg, 256, DecodeOptions{});
      ASSERT_TRUE(img) << img.error().ToString();
      RgbImage upright = ApplyOrientation(std::move(*img), md->orientation);
      if (o == 1) {
        reference = upright;
        continue;
      }
      ASSERT_EQ(upright.width, reference.width);
      ASSERT_EQ(upright.height, reference.height);
      double diff = 0;
      for (size_t i = 0; i < upright.pixels.size(); ++i) {
        diff += std::abs(upright.pixels[i] - reference.pixels[i]);
      }
      // Each sample carries its own big numeral, which alone makes a mean difference of ~14;
      // a wrong orientation makes ~68.
      EXPECT_LT(diff / upright.pixels.size(), 25.0);
    }
  }
}

TEST(PhoneMedia, DecodesHeicAndVideoFrames) {
  REQUIRE_PHONE_MEDIA();
  auto bytes = ReadFile(PhoneMedia() / "Issue 263 dotnet.heic", 50 << 20);
  ASSERT_TRUE(bytes);
  auto img = DecodeImageScaled(*bytes, Format::kHeif, 512, DecodeOptions{});
  ASSERT_TRUE(img) << img.error().ToString();
  EXPECT_EQ(img->width, 384);  // portrait: the HEIF transform was applied by the decoder
  EXPECT_EQ(img->height, 512);
  // The planar HEIF path applies the same transform.
  auto planes = DecodeHeifPlanes(*bytes, DecodeOptions{});
  ASSERT_TRUE(planes) << planes.error().ToString();
  EXPECT_EQ(planes->width, 3024);
  EXPECT_EQ(planes->height, 4032);
  auto frame = DecodeVideoFrame(PhoneMedia() / "with-gps.mov", 256, DecodeOptions{});
  ASSERT_TRUE(frame) << frame.error().ToString();
  EXPECT_EQ(frame->width, 256);  // as coded: 568x320 landscape, orientation 6 turns it
  EXPECT_EQ(frame->height, 144);
}

}  // namespace
}  // namespace camroll
