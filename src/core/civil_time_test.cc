#include "core/civil_time.h"

#include <gtest/gtest.h>

namespace camroll {
namespace {

TEST(CivilTime, RoundTripsDaysAcrossEras) {
  for (int64_t days : {-800000LL, -1LL, 0LL, 1LL, 11016LL, 20000LL, 2932896LL}) {
    CivilFields f = CivilFromSeconds(days * 86400);
    EXPECT_EQ(DaysFromCivil(f.year, f.month, f.day), days);
  }
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
}

TEST(CivilTime, KnowsWeekdays) {
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(1970, 1, 1)), 4);    // Thursday
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(2026, 11, 26)), 4);  // Thursday
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(1969, 12, 28)), 0);  // Sunday, before the epoch
}

TEST(CivilTime, ParsesExifDateTime) {
  auto t = ParseExifDateTime("2026:10:12 18:40:05");
  ASSERT_TRUE(t);
  CivilFields f = CivilFromSeconds(*t);
  EXPECT_EQ(f.year, 2026);
  EXPECT_EQ(f.month, 10);
  EXPECT_EQ(f.day, 12);
  EXPECT_EQ(f.hour, 18);
  EXPECT_EQ(f.minute, 40);
  EXPECT_EQ(f.second, 5);
  EXPECT_TRUE(ParseExifDateTime(std::string_view("2026:10:12 18:40:05\0", 20)));
  EXPECT_TRUE(ParseExifDateTime("2026-10-12T18:40:05"));
}

TEST(CivilTime, RejectsPlaceholderAndImpossibleDates) {
  EXPECT_FALSE(ParseExifDateTime("0000:00:00 00:00:00"));
  EXPECT_FALSE(ParseExifDateTime("    :  :     :  :  "));
  EXPECT_FALSE(ParseExifDateTime("2026:02:30 10:00:00"));
  EXPECT_FALSE(ParseExifDateTime("2026:13:01 10:00:00"));
  EXPECT_FALSE(ParseExifDateTime("2026:10:12 25:00:00"));
  EXPECT_FALSE(ParseExifDateTime("2026:10:12"));
  EXPECT_FALSE(ParseExifDateTime("2026:10-12 10:00:00"));
}

TEST(CivilTime, ParsesOffsets) {
  EXPECT_EQ(ParseUtcOffset("+01:00"), 60);
  EXPECT_EQ(ParseUtcOffset("-05:30"), -330);
  EXPECT_EQ(ParseUtcOffset("+0545"), 345);
  EXPECT_EQ(ParseUtcOffset("Z"), 0);
  EXPECT_EQ(ParseUtcOffset("+03"), 180);
  EXPECT_FALSE(ParseUtcOffset("01:00"));
  EXPECT_FALSE(ParseUtcOffset("+15:00"));
  EXPECT_FALSE(ParseUtcOffset("+01:75"));
}

TEST(CivilTime, ParsesIso8601WithAndWithoutOffset) {
  auto apple = ParseIso8601("2019-07-24T11:25:40+0300");
  ASSERT_TRUE(apple);
  EXPECT_EQ(apple->offset_minutes, 180);
  EXPECT_EQ(*apple->Utc(), *ParseExifDateTime("2019:07:24 08:25:40"));

  auto ffmpeg = ParseIso8601("2020-11-20T14:04:36.000000Z");
  ASSERT_TRUE(ffmpeg);
  EXPECT_EQ(ffmpeg->offset_minutes, 0);

  auto floating = ParseIso8601("2026-10-12 18:40:05");
  ASSERT_TRUE(floating);
  EXPECT_FALSE(floating->offset_minutes);
  EXPECT_EQ(floating->SortKey(), floating->local_seconds);

  EXPECT_FALSE(ParseIso8601("2026-10-12T18:40:05+1"));
}

TEST(CivilTime, FormatsIso8601) {
  LocalTime t{*ParseExifDateTime("2026:03:01 09:05:00"), -330};
  EXPECT_EQ(FormatIso8601(t), "2026-03-01T09:05:00-05:30");
  t.offset_minutes.reset();
  EXPECT_EQ(FormatIso8601(t), "2026-03-01T09:05:00");
}

TEST(CivilTime, LocalDayFloorsBeforeEpoch) {
  LocalTime t{-1, std::nullopt};
  EXPECT_EQ(t.LocalDay(), -1);
}

}  // namespace
}  // namespace camroll
