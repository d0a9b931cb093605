// Event titles in the photos' local time: "Saturday in Évora", "19–21 Jun · Porto",
// "Saturday evening", "30 Dec 2025 – 2 Jan 2026 · Lisbon".
#pragma once

#include <string>

#include "core/civil_time.h"

namespace camroll {

struct TitleFacts {
  LocalTime start;
  LocalTime end;
  bool trip = false;
  std::string place;     // main locality, may be empty
  bool at_home = false;  // the event happened in the home locality
};

std::string EventTitle(const TitleFacts& facts);

// "Saturday", "Sat"; "June", "Jun".
std::string_view WeekdayName(int weekday);
std::string_view MonthAbbrev(int month);
// "morning" (5–12), "afternoon" (12–17), "evening" (17–21), "night" (21–5).
std::string_view PartOfDay(int hour);
// "19–21 Jun", "30 Jun – 2 Jul", "30 Dec 2025 – 2 Jan 2026"; one day: "19 Jun".
std::string DateRange(const LocalTime& start, const LocalTime& end);

}  // namespace camroll
