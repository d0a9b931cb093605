#include "ideas/titles.h"

#include <fmt/format.h>

namespace camroll {

std::string_view WeekdayName(int weekday) {
  static constexpr std::string_view kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                "Thursday", "Friday", "Saturday"};
  return kNames[((weekday % 7) + 7) % 7];
}

std::string_view MonthAbbrev(int month) {
  static constexpr std::string_view kNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return kNames[(month - 1) % 12];
}

std::string_view PartOfDay(int hour) {
  if (hour >= 5 && hour < 12) return "morning";
  if (hour >= 12 && hour < 17) return "afternoon";
  if (hour >= 17 && hour < 21) return "evening";
  return "night";
}

std::string DateRange(const LocalTime& start, const LocalTime& end) {
  CivilFields a = CivilFromSeconds(start.local_seconds);
  CivilFields b = CivilFromSeconds(end.local_seconds);
  if (a.year != b.year) {
    return fmt::format("{} {} {} – {} {} {}", a.day, MonthAbbrev(a.month), a.year, b.day,
                       MonthAbbrev(b.month), b.year);
  }
  if (a.month != b.month) {
    return fmt::format("{} {} – {} {}", a.day, MonthAbbrev(a.month), b.day, MonthAbbrev(b.month));
  }
  if (a.day != b.day) return fmt::format("{}–{} {}", a.day, b.day, MonthAbbrev(a.month));
  return fmt::format("{} {}", a.day, MonthAbbrev(a.month));
}

std::string EventTitle(const TitleFacts& facts) {
  const bool one_day = facts.start.LocalDay() == facts.end.LocalDay() ||
                       // a night out that ends before dawn belongs to the day it started
                       (facts.end.LocalDay() == facts.start.LocalDay() + 1 &&
                        CivilFromSeconds(facts.end.local_seconds).hour < 5 && !facts.trip);
  if (!one_day || facts.trip) {
    std::string range = DateRange(facts.start, facts.end);
    return facts.place.empty() ? range : fmt::format("{} · {}", range, facts.place);
  }
  std::string_view weekday = WeekdayName(WeekdayFromDays(facts.start.LocalDay()));
  if (!facts.place.empty() && !facts.at_home) return fmt::format("{} in {}", weekday, facts.place);
  return fmt::format("{} {}", weekday, PartOfDay(CivilFromSeconds(facts.start.local_seconds).hour));
}

}  // namespace camroll
