#include "analyze/analyzer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/sha256.h"
#include "media/decode.h"
#include "media/test_images.h"
#include "testing/testing.h"

namespace camroll {
namespace {

constexpr int64_t kNow = 1'800'000'000;  // 2027-01-15

class AnalyzerTest : public ::testing::Test {
 protected:
  AnalyzerTest() {
    options_.data_dir = dir_ / "data";
    analyzer_ = std::make_unique<Analyzer>(options_, nullptr);
  }

  std::filesystem::path Write(const std::string& name, const std::vector<uint8_t>& bytes) {
    auto path = dir_ / "roll" / name;
    testing::WriteBytes(path, std::string(bytes.begin(), bytes.end()));
    return path;
  }

  Analysis Run(const std::filesystem::path& path,
               const std::function<bool(const std::string&)>& known = {}) {
    auto st = StatFile(path);
    EXPECT_TRUE(st);
    return analyzer_->Analyze(path, path.lexically_relative(dir_ / "roll").generic_string(), *st,
                              kNow, known);
  }

  testing::TempDir dir_;
  AnalyzeOptions options_;
  std::unique_ptr<Analyzer> analyzer_;
};

TEST_F(AnalyzerTest, AnalysesAPhotoOnceIntoEveryFact) {
  // Stored landscape 800x600, to be shown rotated (orientation 6): upright 600x800.
  auto bytes = testing::JpegWithExif(testing::TestCard(800, 600),
                                     {{"Exif.Image.Orientation", "6"},
                                      {"Exif.Image.Make", "Google"},
                                      {"Exif.Photo.DateTimeOriginal", "2026:06:19 21:05:30"},
                                      {"Exif.Photo.OffsetTimeOriginal", "+01:00"}});
  auto path = Write("DCIM/a.jpg", bytes);
  Analysis a = Run(path);
  ASSERT_FALSE(a.facts.failed) << a.facts.error;
  EXPECT_FALSE(a.known_content);
  const AssetFacts& f = a.facts;
  EXPECT_EQ(f.path, "DCIM/a.jpg");
  EXPECT_EQ(f.content_hash, ToHex(Sha256Of(bytes)));
  EXPECT_EQ(f.format, Format::kJpeg);
  EXPECT_EQ(f.kind, MediaKind::kPhoto);
  EXPECT_EQ(f.width, 600);
  EXPECT_EQ(f.height, 800);
  EXPECT_EQ(FormatIso8601(*f.taken), "2026-06-19T21:05:30+01:00");
  EXPECT_GT(f.quality.sharpness, 0);
  EXPECT_NE(f.phash, 0u);
  ASSERT_EQ(f.thumbnails.size(), 2u);
  // The thumbnails exist, are JPEGs and are upright.
  for (const Thumbnail& t : f.thumbnails) {
    auto thumb = ReadFile(options_.data_dir / t.file, 10 << 20);
    ASSERT_TRUE(thumb) << t.file;
    auto img = DecodeImageScaled(*thumb, Format::kJpeg, 4096, DecodeOptions{});
    ASSERT_TRUE(img);
    EXPECT_EQ(img->width, t.width);
    EXPECT_EQ(img->height, t.height);
    EXPECT_LT(img->width, img->height) << "thumbnail " << t.size << " is not upright";
  }
  EXPECT_EQ(f.ThumbnailOfSize(256)->height, 256);
  EXPECT_EQ(f.ThumbnailOfSize(1440)->height, 800);  // never enlarged
  EXPECT_TRUE(f.warnings.empty());
}

TEST_F(AnalyzerTest, StopsAfterHashingKnownContent) {
  auto path = Write("b.jpg", testing::JpegWithExif(testing::TestCard(64, 48), {}));
  Analysis a = Run(path, [](const std::string&) { return true; });
  EXPECT_TRUE(a.known_content);
  EXPECT_FALSE(a.facts.content_hash.empty());
  EXPECT_TRUE(a.facts.thumbnails.empty());
}

TEST_F(AnalyzerTest, ExplainsFilesItCannotRead) {
  struct Case {
    const char* name;
    std::vector<uint8_t> bytes;
    const char* reason;
  };
  auto jpeg = testing::JpegWithExif(testing::TestCard(640, 480), {});
  std::vector<uint8_t> truncated(jpeg.begin(), jpeg.begin() + jpeg.size() / 3);
  std::string text = "just some notes, not a photo";
  const Case cases[] = {
      {"empty.jpg", {}, "empty file"},
      {"notes.jpg", std::vector<uint8_t>(text.begin(), text.end()), "unsupported file type"},
      {"cut.jpg", truncated, "truncated or corrupt JPEG"},
      {"anim.gif", {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0}, "unsupported format: gif"},
  };
  for (const Case& c : cases) {
    Analysis a = Run(Write(c.name, c.bytes));
    EXPECT_TRUE(a.facts.failed) << c.name;
    EXPECT_NE(a.facts.error.find(c.reason), std::string::npos) << c.name << ": " << a.facts.error;
  }
}

TEST_F(AnalyzerTest, RefusesAPixelBombBeforeDecoding) {
  options_.decode.max_pixels = 1'000'000;
  analyzer_ = std::make_unique<Analyzer>(options_, nullptr);
  Analysis a = Run(Write("big.jpg", testing::JpegWithExif(testing::TestCard(1200, 1000), {})));
  ASSERT_TRUE(a.facts.failed);
  EXPECT_NE(a.facts.error.find("over the limit"), std::string::npos) << a.facts.error;
}

TEST_F(AnalyzerTest, DropsNullIslandAndOutOfRangeGps) {
  auto zero = Run(Write(
      "zero.jpg", testing::JpegWithExif(testing::TestCard(64, 48),
                                        {{"Exif.Photo.DateTimeOriginal", "2020:01:01 10:00:00"},
                                         {"Exif.GPSInfo.GPSLatitudeRef", "N"},
                                         {"Exif.GPSInfo.GPSLatitude", "0/1 0/1 0/1"},
                                         {"Exif.GPSInfo.GPSLongitudeRef", "E"},
                                         {"Exif.GPSInfo.GPSLongitude", "0/1 0/1 0/1"}})));
  ASSERT_FALSE(zero.facts.failed);
  EXPECT_FALSE(zero.facts.gps);
  ASSERT_EQ(zero.facts.warnings.size(), 1u);
  EXPECT_NE(zero.facts.warnings[0].find("0,0"), std::string::npos);

  auto far = Run(Write(
      "far.jpg", testing::JpegWithExif(testing::TestCard(64, 48),
                                       {{"Exif.Photo.DateTimeOriginal", "2020:01:01 10:00:00"},
                                        {"Exif.GPSInfo.GPSLatitudeRef", "N"},
                                        {"Exif.GPSInfo.GPSLatitude", "95/1 0/1 0/1"},
                                        {"Exif.GPSInfo.GPSLongitudeRef", "E"},
                                        {"Exif.GPSInfo.GPSLongitude", "10/1 0/1 0/1"}})));
  EXPECT_FALSE(far.facts.gps);
  ASSERT_EQ(far.facts.warnings.size(), 1u);
  EXPECT_NE(far.facts.warnings[0].find("out of range"), std::string::npos);
}

TEST_F(AnalyzerTest, DistrustsAClockInTheFuture) {
  auto path = Write("future.jpg", testing::JpegWithExif(
                                      testing::TestCard(64, 48),
                                      {{"Exif.Photo.DateTimeOriginal", "2099:01:01 10:00:00"}}));
  struct timespec times[2] = {{1'700'000'000, 0}, {1'700'000'000, 0}};  // 2023-11-14
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  Analysis a = Run(path);
  ASSERT_FALSE(a.facts.failed);
  EXPECT_EQ(a.facts.time_source, TimeSource::kFileModified);
  EXPECT_EQ(a.facts.taken->local_seconds, 1'700'000'000);
  ASSERT_EQ(a.facts.warnings.size(), 1u);
  EXPECT_NE(a.facts.warnings[0].find("future"), std::string::npos);
}

TEST_F(AnalyzerTest, FallsBackToTheFileNameThenTheModificationTime) {
  auto named =
      Run(Write("IMG_20190310_142211.jpg", testing::JpegWithExif(testing::TestCard(64, 48), {})));
  EXPECT_EQ(named.facts.time_source, TimeSource::kFileName);
  EXPECT_EQ(FormatIso8601(*named.facts.taken), "2019-03-10T14:22:11");

  auto bare = Run(Write("holiday.jpg", testing::JpegWithExif(testing::TestCard(64, 48), {})));
  EXPECT_EQ(bare.facts.time_source, TimeSource::kFileModified);
  EXPECT_TRUE(bare.facts.taken_is_utc);
  ASSERT_EQ(bare.facts.warnings.size(), 1u);
  EXPECT_NE(bare.facts.warnings[0].find("no EXIF capture time"), std::string::npos);
}

TEST(LooksLikeScreenshot, UsesNamesCommentsAndCameraLessPngs) {
  MediaMetadata md;
  md.format = Format::kJpeg;
  EXPECT_TRUE(LooksLikeScreenshot("Pictures/Screenshots/Screenshot_20260503-101255.png", md));
  EXPECT_FALSE(LooksLikeScreenshot("DCIM/Camera/PXL_1.jpg", md));
  md.user_comment = "Screenshot";
  EXPECT_TRUE(LooksLikeScreenshot("IMG_0001.PNG", md));
  MediaMetadata png;
  png.format = Format::kPng;
  EXPECT_TRUE(LooksLikeScreenshot("IMG_0002.PNG", png));
  png.make = "Apple";
  EXPECT_FALSE(LooksLikeScreenshot("IMG_0002.PNG", png));
}

}  // namespace
}  // namespace camroll
