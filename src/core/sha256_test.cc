#include "core/sha256.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/testing.h"

namespace camroll {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Sha256, MatchesFips180Vectors) {
  EXPECT_EQ(ToHex(Sha256Of(Bytes(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256Of(Bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, StreamingEqualsOneShot) {
  std::string data(3'000'000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 % 251);
  testing::TempDir dir;
  testing::WriteBytes(dir / "f", data);
  auto from_file = Sha256OfFile(dir / "f");
  ASSERT_TRUE(from_file);
  EXPECT_EQ(*from_file, Sha256Of(Bytes(data)));
}

TEST(FieldHash, KeepsFieldBoundaries) {
  EXPECT_NE(FieldHash().Add("ab").Add("c").Finish(), FieldHash().Add("a").Add("bc").Finish());
  EXPECT_EQ(FieldHash().Add("ab").Add("c").Finish(), FieldHash().Add("ab").Add("c").Finish());
  EXPECT_NE(FieldHash().Add("").Finish(), FieldHash().Finish());
}

}  // namespace
}  // namespace camroll
