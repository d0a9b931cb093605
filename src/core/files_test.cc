#include "core/files.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace camroll {
namespace {

TEST(Files, ReadsWhatWasWrittenAtomically) {
  testing::TempDir dir;
  auto path = dir / "a.bin";
  ASSERT_TRUE(WriteFileAtomic(path, std::string_view("hello")));
  auto data = ReadFile(path, 100);
  ASSERT_TRUE(data) << data.error().ToString();
  EXPECT_EQ(std::string(data->begin(), data->end()), "hello");
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(Files, RefusesFilesOverTheLimitBeforeReading) {
  testing::TempDir dir;
  auto path = dir / "big.bin";
  testing::WriteBytes(path, std::string(1000, 'x'));
  auto data = ReadFile(path, 999);
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().code(), ErrorCode::kLimit);
}

TEST(Files, ReportsMissingFilesAsNotFound) {
  testing::TempDir dir;
  auto data = ReadFile(dir / "missing", 10);
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(data.error().message().find("missing"), std::string::npos);
}

TEST(Files, StatSeesSizeAndMtime) {
  testing::TempDir dir;
  auto path = dir / "s";
  testing::WriteBytes(path, "12345");
  auto st = StatFile(path);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->size, 5u);
  EXPECT_TRUE(st->regular);
  EXPECT_GT(st->mtime_ns, 0);
}

TEST(Files, LinkOrCopyReplacesTheDestination) {
  testing::TempDir dir;
  testing::WriteBytes(dir / "src", "new");
  testing::WriteBytes(dir / "dst", "old");
  ASSERT_TRUE(LinkOrCopy(dir / "src", dir / "dst"));
  auto data = ReadFile(dir / "dst", 10);
  ASSERT_TRUE(data);
  EXPECT_EQ(std::string(data->begin(), data->end()), "new");
}

}  // namespace
}  // namespace camroll
