#include "core/parse.h"

#include <gtest/gtest.h>

namespace camroll {
namespace {

TEST(ParseNonNegativeInt, AcceptsPlainDecimals) {
  EXPECT_EQ(ParseNonNegativeInt("0"), 0);
  EXPECT_EQ(ParseNonNegativeInt("1048576"), 1048576);
  EXPECT_EQ(ParseNonNegativeInt("9223372036854775807"), INT64_MAX);
}

TEST(ParseNonNegativeInt, RefusesEverythingElse) {
  for (const char* bad : {"", "-1", "+1", " 5", "5 ", "1e3", "0x10", "1.5", "abc",
                          "9223372036854775808", "18446744073709551616", "00000000000000000001"}) {
    EXPECT_FALSE(ParseNonNegativeInt(bad)) << bad;
  }
}

}  // namespace
}  // namespace camroll
