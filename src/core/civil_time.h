// Calendar arithmetic on wall-clock ("civil") times, independent of the process time zone.
//
// Camera rolls record capture times as local wall-clock readings, sometimes with their UTC offset
// (EXIF OffsetTimeOriginal, QuickTime creationdate), sometimes without. camroll keeps both parts:
// the local reading, which titles and "which day" questions use, and the offset when known, which
// ordering across time zones uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace camroll {

struct CivilFields {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int year, int month, int day);
CivilFields CivilFromSeconds(int64_t seconds);
int64_t SecondsFromCivil(const CivilFields& f);
// 0 = Sunday ... 6 = Saturday.
int WeekdayFromDays(int64_t days);
bool IsValidCivil(const CivilFields& f);

// A capture instant: the local wall-clock reading, plus its UTC offset when the source had one.
struct LocalTime {
  int64_t local_seconds = 0;          // seconds since 1970-01-01T00:00:00 on the local wall clock
  std::optional<int> offset_minutes;  // local = UTC + offset

  // The instant in UTC when the offset is known; otherwise the local reading, which keeps the
  // order of photos taken in one time zone.
  int64_t SortKey() const { return local_seconds - offset_minutes.value_or(0) * 60; }
  std::optional<int64_t> Utc() const {
    if (!offset_minutes) return std::nullopt;
    return local_seconds - *offset_minutes * 60;
  }
  int64_t LocalDay() const;  // days since epoch of the local date
};

// "2026:10:12 18:40:05" (EXIF). Also accepts '-' as date separator and 'T' between date and time.
std::optional<int64_t> ParseExifDateTime(std::string_view text);
// "+01:00", "-0530", "Z". Returns minutes east of UTC.
std::optional<int> ParseUtcOffset(std::string_view text);
// ISO 8601: "2019-07-24T11:25:40+0300", "2020-11-20T14:04:36.000000Z", "2026-10-12 18:40:05".
// The offset is empty when the text has none.
std::optional<LocalTime> ParseIso8601(std::string_view text);

// "2026-10-12T18:40:05" and, with an offset, "2026-10-12T18:40:05+01:00".
std::string FormatIso8601(const LocalTime& t);
std::string FormatUtcOffset(int minutes);

}  // namespace camroll
