#include "scan/roll_scanner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "media/test_images.h"
#include "testing/testing.h"

namespace camroll {
namespace {

class RollScannerTest : public ::testing::Test {
 protected:
  RollScannerTest() {
    options_.data_dir = dir_ / "data";
    analyzer_ = std::make_unique<Analyzer>(options_, nullptr);
    catalog_ = std::move(*Catalog::Open(dir_ / "catalog.db"));
  }

  std::filesystem::path roll() const { return dir_ / "roll"; }

  void AddPhoto(const std::string& name, uint32_t seed) {
    auto bytes = testing::JpegWithExif(
        testing::TestCard(320, 240, seed),
        {{"Exif.Photo.DateTimeOriginal", fmt::format("2026:04:18 20:{:02}:00", seed % 60)}});
    testing::WriteBytes(roll() / name, std::string(bytes.begin(), bytes.end()));
  }

  ScanStats Scan() {
    RollScanner scanner(*catalog_, *analyzer_);
    ScanOptions options;
    options.threads = 2;
    auto stats = scanner.Scan(roll(), options);
    EXPECT_TRUE(stats) << stats.error().ToString();
    return stats ? *stats : ScanStats{};
  }

  std::vector<AssetFacts> Assets(int64_t roll_id) { return *catalog_->LoadAssets(roll_id); }

  testing::TempDir dir_;
  AnalyzeOptions options_;
  std::unique_ptr<Analyzer> analyzer_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(RollScannerTest, AnalysesEveryFileAndReportsTheBrokenOnes) {
  for (uint32_t i = 1; i <= 5; ++i) AddPhoto(fmt::format("DCIM/{}.jpg", i), i);
  testing::WriteBytes(roll() / "DCIM/broken.jpg", "\xFF\xD8\xFF\xE0 not really a jpeg");
  testing::WriteBytes(roll() / "DCIM/.thumbnails/hidden.jpg", "ignored");
  testing::WriteBytes(roll() / "DCIM/IMG_0001.AAE", "<plist>an Apple edit list</plist>");
  ScanStats s = Scan();
  EXPECT_EQ(s.files, 6u);
  EXPECT_EQ(s.analysed, 5u);
  EXPECT_EQ(s.failed, 1u);
  auto assets = Assets(s.roll_id);
  ASSERT_EQ(assets.size(), 6u);
  EXPECT_EQ(assets[5].path, "DCIM/broken.jpg");
  EXPECT_TRUE(assets[5].failed);
  EXPECT_FALSE(assets[5].error.empty());
}

TEST_F(RollScannerTest, RescanOfAnUnchangedRollReadsNothing) {
  for (uint32_t i = 1; i <= 4; ++i) AddPhoto(fmt::format("{}.jpg", i), i);
  ScanStats first = Scan();
  ASSERT_EQ(first.analysed, 4u);
  auto before = Assets(first.roll_id);

  // Overwrite one file with garbage of the same size and restore its mtime: a scan that read
  // or decoded the file would notice (a different hash, or a decoding failure).
  auto path = roll() / "2.jpg";
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  testing::WriteBytes(path, std::string(static_cast<size_t>(st.st_size), 'x'));
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);

  ScanStats second = Scan();
  EXPECT_EQ(second.unchanged, 4u);
  EXPECT_EQ(second.analysed, 0u);
  EXPECT_EQ(second.reused, 0u);
  EXPECT_EQ(second.failed, 0u);
  auto after = Assets(second.roll_id);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i)
    EXPECT_EQ(after[i].content_hash, before[i].content_hash);
}

TEST_F(RollScannerTest, PicksUpNewChangedMovedAndRemovedFiles) {
  for (uint32_t i = 1; i <= 4; ++i) AddPhoto(fmt::format("{}.jpg", i), i);
  ScanStats first = Scan();
  auto before = Assets(first.roll_id);
  const auto thumbs_of_4 = options_.data_dir / before[3].thumbnails[0].file;
  ASSERT_TRUE(std::filesystem::exists(thumbs_of_4));

  AddPhoto("5.jpg", 5);   // new
  AddPhoto("1.jpg", 11);  // changed bytes
  std::filesystem::create_directory(roll() / "moved");
  std::filesystem::rename(roll() / "2.jpg", roll() / "moved/2.jpg");  // moved
  std::filesystem::remove(roll() / "4.jpg");                          // removed
  // 3.jpg touched: same bytes, new mtime.
  struct timespec times[2] = {{1'600'000'000, 0}, {1'600'000'000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (roll() / "3.jpg").c_str(), times, 0), 0);

  ScanStats s = Scan();
  EXPECT_EQ(s.files, 4u);
  EXPECT_EQ(s.analysed, 2u);  // 5.jpg and the new 1.jpg
  EXPECT_EQ(s.reused, 2u);    // moved/2.jpg and 3.jpg: known bytes, not decoded again
  EXPECT_EQ(s.removed, 2u);   // 2.jpg (moved away) and 4.jpg
  EXPECT_EQ(s.unchanged, 0u);
  auto after = Assets(s.roll_id);
  std::vector<std::string> paths;
  for (const auto& a : after) paths.push_back(a.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"1.jpg", "3.jpg", "5.jpg", "moved/2.jpg"}));
  EXPECT_NE(after[0].content_hash, before[0].content_hash);
  EXPECT_EQ(after[3].content_hash, before[1].content_hash);
  EXPECT_EQ(after[3].thumbnails.size(), 2u);  // the reused analysis came with its thumbnails
  EXPECT_EQ(after[1].mtime_ns, 1'600'000'000'000'000'000);
  // 4.jpg's bytes are gone from the catalog, and so are its thumbnails.
  EXPECT_FALSE(std::filesystem::exists(thumbs_of_4));
}

TEST_F(RollScannerTest, RemembersFailuresWithoutRetryingUnchangedFiles) {
  testing::WriteBytes(roll() / "empty.jpg", "");
  ScanStats first = Scan();
  EXPECT_EQ(first.failed, 1u);
  ScanStats second = Scan();
  EXPECT_EQ(second.unchanged, 1u);
  EXPECT_EQ(second.failed, 0u);
  auto assets = Assets(second.roll_id);
  ASSERT_EQ(assets.size(), 1u);
  EXPECT_TRUE(assets[0].failed);  // still reported
}

TEST_F(RollScannerTest, RefusesAMissingFolder) {
  RollScanner scanner(*catalog_, *analyzer_);
  auto stats = scanner.Scan(dir_ / "nope", ScanOptions{});
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace camroll
