#include "ideas/titles.h"

#include <gtest/gtest.h>

namespace camroll {
namespace {

LocalTime At(const char* iso) { return *ParseIso8601(iso); }

TEST(EventTitle, NamesADayAwayByWeekdayAndPlace) {
  TitleFacts f{At("2026-05-16T10:00:00+01:00"), At("2026-05-16T18:00:00+01:00"), false, "Évora",
               false};
  EXPECT_EQ(EventTitle(f), "Saturday in Évora");
}

TEST(EventTitle, NamesADayAtHomeByPartOfDay) {
  TitleFacts f{At("2026-04-18T20:00:00+01:00"), At("2026-04-18T22:30:00+01:00"), false, "Lisbon",
               true};
  EXPECT_EQ(EventTitle(f), "Saturday evening");
  f.place.clear();
  f.at_home = false;
  EXPECT_EQ(EventTitle(f), "Saturday evening");
}

TEST(EventTitle, KeepsANightOutOnTheDayItStarted) {
  TitleFacts f{At("2026-04-18T21:00:00"), At("2026-04-19T02:30:00"), false, "Porto", false};
  EXPECT_EQ(EventTitle(f), "Saturday in Porto");
}

TEST(EventTitle, NamesTripsByDateRangeAndPlace) {
  TitleFacts f{At("2026-06-19T18:30:00+01:00"), At("2026-06-21T16:00:00+01:00"), true, "Porto",
               false};
  EXPECT_EQ(EventTitle(f), "19–21 Jun · Porto");
  f.end = At("2026-07-02T10:00:00+01:00");
  EXPECT_EQ(EventTitle(f), "19 Jun – 2 Jul · Porto");
  f.start = At("2025-12-30T10:00:00");
  f.end = At("2026-01-02T10:00:00");
  f.place.clear();
  EXPECT_EQ(EventTitle(f), "30 Dec 2025 – 2 Jan 2026");
}

TEST(EventTitle, UsesThePhotosLocalTimeNotUtc) {
  // 23:30 local on Friday in UTC-05:00 is already Saturday in UTC: the title says Friday.
  TitleFacts f{At("2026-06-19T23:30:00-05:00"), At("2026-06-19T23:50:00-05:00"), false, "Boston",
               false};
  EXPECT_EQ(EventTitle(f), "Friday in Boston");
}

TEST(PartOfDay, CoversTheClock) {
  EXPECT_EQ(PartOfDay(4), "night");
  EXPECT_EQ(PartOfDay(5), "morning");
  EXPECT_EQ(PartOfDay(12), "afternoon");
  EXPECT_EQ(PartOfDay(17), "evening");
  EXPECT_EQ(PartOfDay(21), "night");
}

}  // namespace
}  // namespace camroll
