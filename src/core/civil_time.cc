#include "core/civil_time.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace camroll {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Parses exactly `width` decimal digits at text[pos].
std::optional<int> Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

}  // namespace

int64_t DaysFromCivil(int year, int month, int day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilFields CivilFromSeconds(int64_t seconds) {
  int64_t days = FloorDiv(seconds, kSecondsPerDay);
  int64_t rem = seconds - days * kSecondsPerDay;
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilFields f;
  f.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  f.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  f.year = static_cast<int>(yoe + era * 400 + (f.month <= 2));
  f.hour = static_cast<int>(rem / 3600);
  f.minute = static_cast<int>(rem % 3600 / 60);
  f.second = static_cast<int>(rem % 60);
  return f;
}

int64_t SecondsFromCivil(const CivilFields& f) {
  return DaysFromCivil(f.year, f.month, f.day) * kSecondsPerDay + f.hour * 3600 + f.minute * 60 +
         f.second;
}

int WeekdayFromDays(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  return static_cast<int>(((days % 7) + 7 + 4) % 7);
}

bool IsValidCivil(const CivilFields& f) {
  if (f.year < 1 || f.year > 9999 || f.month < 1 || f.month > 12) return false;
  if (f.day < 1 || f.day > DaysInMonth(f.year, f.month)) return false;
  return f.hour >= 0 && f.hour < 24 && f.minute >= 0 && f.minute < 60 && f.second >= 0 &&
         f.second <= 60;
}

int64_t LocalTime::LocalDay() const { return FloorDiv(local_seconds, kSecondsPerDay); }

std::optional<int64_t> ParseExifDateTime(std::string_view text) {
  // YYYY:MM:DD HH:MM:SS — 19 characters; trailing NULs or spaces are common and ignored.
  while (!text.empty() && (text.back() == '\0' || text.back() == ' ')) text.remove_suffix(1);
  if (text.size() < 19) return std::nullopt;
  auto year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  auto hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  const char d1 = text[4], d2 = text[7], sep = text[10], t1 = text[13], t2 = text[16];
  if ((d1 != ':' && d1 != '-') || d2 != d1 || (sep != ' ' && sep != 'T') || t1 != ':' ||
      t2 != ':') {
    return std::nullopt;
  }
  CivilFields f{*year, *month, *day, *hour, *minute, *second};
  if (!IsValidCivil(f)) return std::nullopt;  // includes the "0000:00:00 00:00:00" placeholder
  if (f.second == 60) f.second = 59;
  return SecondsFromCivil(f);
}

std::optional<int> ParseUtcOffset(std::string_view text) {
  while (!text.empty() && (text.back() == '\0' || text.back() == ' ')) text.remove_suffix(1);
  if (text == "Z" || text == "z") return 0;
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  auto hours = Digits(text, 1, 2);
  if (!hours) return std::nullopt;
  int minutes = 0;
  if (text.size() > 3) {
    size_t pos = text[3] == ':' ? 4 : 3;
    auto m = Digits(text, pos, 2);
    if (!m || pos + 2 != text.size()) return std::nullopt;
    minutes = *m;
  }
  if (*hours > 14 || minutes >= 60) return std::nullopt;
  int total = *hours * 60 + minutes;
  return text[0] == '-' ? -total : total;
}

std::optional<LocalTime> ParseIso8601(std::string_view text) {
  auto local = ParseExifDateTime(text.substr(0, std::min<size_t>(text.size(), 19)));
  if (!local) return std::nullopt;
  LocalTime t{*local, std::nullopt};
  std::string_view rest = text.substr(std::min<size_t>(text.size(), 19));
  if (!rest.empty() && rest[0] == '.') {  // fractional seconds
    size_t i = 1;
    while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
    rest.remove_prefix(i);
  }
  if (!rest.empty()) {
    auto offset = ParseUtcOffset(rest);
    if (!offset) return std::nullopt;
    t.offset_minutes = offset;
  }
  return t;
}

std::string FormatUtcOffset(int minutes) {
  char sign = minutes < 0 ? '-' : '+';
  int m = minutes < 0 ? -minutes : minutes;
  return fmt::format("{}{:02}:{:02}", sign, m / 60, m % 60);
}

std::string FormatIso8601(const LocalTime& t) {
  CivilFields f = CivilFromSeconds(t.local_seconds);
  std::string s = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", f.year, f.month, f.day, f.hour,
                              f.minute, f.second);
  if (t.offset_minutes) s += FormatUtcOffset(*t.offset_minutes);
  return s;
}

}  // namespace camroll
