// Where the sun stands at a capture: enough to tell a sunset photo from a night or noon one.
#pragma once

#include <cstdint>

namespace camroll {

// Geometric elevation of the sun's centre above the horizon, in degrees (-90..90), at an instant
// given as seconds since the Unix epoch in UTC, for a place in degrees (north, east). Uses the NOAA
// "General Solar Position Calculations" approximations: about ±0.2° over 1900..2100, no atmospheric
// refraction (so at the published sunrise the value is about -0.83°, not 0). NaN coordinates give
// NaN; check them with IsPlausibleCoordinate (geo/place_index.h) first.
double SolarElevationDegrees(int64_t utc_seconds, double lat, double lon);

// Light by solar elevation, in the bands photographers use. Each band includes its lower bound:
//   kNight       elevation < -6°
//   kBlueHour    -6° <= elevation < -4°
//   kGoldenHour  -4° <= elevation < 6°
//   kDay         6° <= elevation
// NaN compares false everywhere and lands in kNight.
enum class DayLight { kNight, kBlueHour, kGoldenHour, kDay };

DayLight ClassifyDayLight(double elevation_degrees);

}  // namespace camroll
