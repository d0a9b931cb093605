#include "geo/sun.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/civil_time.h"

namespace camroll {
namespace {

constexpr double kDegreesPerRadian = 180.0 / std::numbers::pi;

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

}  // namespace

double SolarElevationDegrees(int64_t utc_seconds, double lat, double lon) {
  const CivilFields t = CivilFromSeconds(utc_seconds);
  const int64_t day_of_year =
      DaysFromCivil(t.year, t.month, t.day) - DaysFromCivil(t.year, 1, 1) + 1;
  const double minutes = 60.0 * t.hour + t.minute + t.second / 60.0;  // since 00:00 UTC
  const double days_in_year = IsLeapYear(t.year) ? 366.0 : 365.0;

  // Fractional year in radians. NOAA writes (hour - 12) / 24; the fractional hour keeps the
  // result continuous across the hour.
  const double y = 2 * std::numbers::pi / days_in_year *
                   (static_cast<double>(day_of_year) - 1 + (minutes / 60.0 - 12) / 24);
  const double eqtime_minutes =
      229.18 * (0.000075 + 0.001868 * std::cos(y) - 0.032077 * std::sin(y) -
                0.014615 * std::cos(2 * y) - 0.040849 * std::sin(2 * y));
  const double declination = 0.006918 - 0.399912 * std::cos(y) + 0.070257 * std::sin(y) -
                             0.006758 * std::cos(2 * y) + 0.000907 * std::sin(2 * y) -
                             0.002697 * std::cos(3 * y) + 0.00148 * std::sin(3 * y);

  // True solar time in minutes; the time-zone term is zero because the clock is UTC.
  const double true_solar_minutes = minutes + eqtime_minutes + 4 * lon;
  const double hour_angle = (true_solar_minutes / 4 - 180) / kDegreesPerRadian;
  const double phi = lat / kDegreesPerRadian;
  const double cos_zenith = std::sin(phi) * std::sin(declination) +
                            std::cos(phi) * std::cos(declination) * std::cos(hour_angle);
  // Rounding can push the cosine a hair past ±1 when the sun is at the zenith or nadir.
  return 90 - std::acos(std::clamp(cos_zenith, -1.0, 1.0)) * kDegreesPerRadian;
}

DayLight ClassifyDayLight(double elevation_degrees) {
  if (elevation_degrees >= 6) return DayLight::kDay;
  if (elevation_degrees >= -4) return DayLight::kGoldenHour;
  if (elevation_degrees >= -6) return DayLight::kBlueHour;
  return DayLight::kNight;
}

}  // namespace camroll
