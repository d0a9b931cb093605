#include "core/tar_gz.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "core/files.h"
#include "testing/testing.h"

namespace camroll {
namespace {

// Archives made by the system's tar, as npm's are: long names, nested folders, empty files.
class TarGzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto root = dir_.path() / "src";
    std::filesystem::create_directories(root / "package" / "models");
    ASSERT_TRUE(WriteFileAtomic(root / "package" / "package.json", std::string_view("{}")));
    ASSERT_TRUE(WriteFileAtomic(root / "package" / "models" / "a.bin", std::string(70000, 'x')));
    ASSERT_TRUE(WriteFileAtomic(root / "package" / "empty.txt", std::string_view("")));
    long_name_ = "package/" + std::string(120, 'n') + ".json";
    ASSERT_TRUE(WriteFileAtomic(root / long_name_, std::string_view("long")));
    archive_ = dir_.path() / "p.tgz";
    std::string cmd =
        "tar -czf '" + archive_.string() + "' -C '" + root.string() + "' --format=gnu package";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    pax_ = dir_.path() / "pax.tgz";
    cmd = "tar -czf '" + pax_.string() + "' -C '" + root.string() + "' --format=pax package";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  testing::TempDir dir_;
  std::filesystem::path archive_, pax_;
  std::string long_name_;
};

TEST_F(TarGzTest, ReadsWantedMembersOnly) {
  for (const auto& file : {archive_, pax_}) {
    std::map<std::string, std::string> got;
    auto st = ReadTarGz(
        file, [](const std::string& n) { return n != "package/package.json"; },
        [&](TarMember m) {
          got[m.name] = std::string(m.bytes.begin(), m.bytes.end());
          return Ok();
        });
    ASSERT_TRUE(st.has_value()) << st.error().ToString();
    EXPECT_EQ(got.size(), 3u) << file;
    EXPECT_EQ(got["package/models/a.bin"], std::string(70000, 'x'));
    EXPECT_EQ(got["package/empty.txt"], "");
    EXPECT_EQ(got[long_name_], "long");
    EXPECT_FALSE(got.contains("package/package.json"));
  }
}

TEST_F(TarGzTest, RefusesOversizedMembersAndTruncatedArchives) {
  auto st = ReadTarGz(
      archive_, [](const std::string&) { return true; }, [](TarMember) { return Ok(); }, 1000);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code(), ErrorCode::kLimit);

  auto bytes = ReadFile(archive_, 1 << 20);
  ASSERT_TRUE(bytes.has_value());
  bytes->resize(bytes->size() / 2);
  auto cut = dir_.path() / "cut.tgz";
  ASSERT_TRUE(WriteFileAtomic(cut, *bytes));
  st = ReadTarGz(
      cut, [](const std::string&) { return true; }, [](TarMember) { return Ok(); });
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace camroll
