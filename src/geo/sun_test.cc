#include "geo/sun.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/civil_time.h"

namespace camroll {
namespace {

int64_t Utc(int year, int month, int day, int hour, int minute) {
  return SecondsFromCivil({year, month, day, hour, minute, 0});
}

struct Extreme {
  double elevation;
  int64_t at;
};

// The highest and lowest elevation over a UTC day, sampled every minute.
std::pair<Extreme, Extreme> DayExtremes(int year, int month, int day, double lat, double lon) {
  Extreme high{-90, 0}, low{90, 0};
  for (int64_t t = Utc(year, month, day, 0, 0); t < Utc(year, month, day, 24, 0); t += 60) {
    const double e = SolarElevationDegrees(t, lat, lon);
    if (e > high.elevation) high = {e, t};
    if (e < low.elevation) low = {e, t};
  }
  return {high, low};
}

TEST(SolarElevation, PeaksAtLisbonOnTheJuneSolsticeAt90MinusLatitudePlusTilt) {
  const auto [noon, midnight] = DayExtremes(2024, 6, 20, 38.7223, -9.1393);
  EXPECT_NEAR(noon.elevation, 90 - 38.7223 + 23.44, 0.2);
  // Solar noon is 36.6 min after 12:00 UTC for 9.14° W, plus ~1.7 min of equation of time.
  EXPECT_NEAR(static_cast<double>(noon.at), static_cast<double>(Utc(2024, 6, 20, 12, 38)), 180);
  // Lower culmination, near 00:38 UTC: the sun is far below the horizon.
  EXPECT_NEAR(midnight.elevation, 38.7223 + 23.44 - 90, 0.2);
}

TEST(SolarElevation, IsBelowTheHorizonAtLocalMidnight) {
  EXPECT_LT(SolarElevationDegrees(Utc(2024, 6, 20, 23, 0), 38.7223, -9.1393), -20);  // 00:00 WEST
  EXPECT_LT(SolarElevationDegrees(Utc(2024, 12, 21, 5, 0), 40.7128, -74.006), -60);  // 00:00 EST
}

TEST(SolarElevation, IsAboutMinus0point83AtPublishedSunriseAndSunset) {
  // Published times round to the minute and include refraction: the sun's centre is 0.83° below
  // the geometric horizon when its upper edge appears.
  // Lisbon, 2024-06-20: sunrise 06:11 WEST, sunset 21:05 WEST.
  EXPECT_NEAR(SolarElevationDegrees(Utc(2024, 6, 20, 5, 11), 38.7223, -9.1393), -0.83, 0.5);
  EXPECT_NEAR(SolarElevationDegrees(Utc(2024, 6, 20, 20, 5), 38.7223, -9.1393), -0.83, 0.5);
  // New York, 2024-12-21: sunrise 07:16 EST, sunset 16:32 EST.
  EXPECT_NEAR(SolarElevationDegrees(Utc(2024, 12, 21, 12, 16), 40.7128, -74.006), -0.83, 0.5);
  EXPECT_NEAR(SolarElevationDegrees(Utc(2024, 12, 21, 21, 32), 40.7128, -74.006), -0.83, 0.5);
}

TEST(SolarElevation, HandlesTheSouthernSummerAndTheMidnightSun) {
  // Sydney on the December solstice: 90 - 33.87 + 23.44.
  EXPECT_NEAR(DayExtremes(2024, 12, 21, -33.8688, 151.2093).first.elevation, 79.57, 0.2);
  // Tromsø in June never sees the sun set: 69.65 + 23.44 - 90 at the lowest.
  EXPECT_NEAR(DayExtremes(2024, 6, 21, 69.6492, 18.9553).second.elevation, 3.09, 0.2);
  // Overhead at the equator on the March equinox.
  EXPECT_GT(DayExtremes(2024, 3, 20, 0.0, 0.0001).first.elevation, 89.5);
}

TEST(DayLight, BandsIncludeTheirLowerBound) {
  EXPECT_EQ(ClassifyDayLight(-90), DayLight::kNight);
  EXPECT_EQ(ClassifyDayLight(-6.0001), DayLight::kNight);
  EXPECT_EQ(ClassifyDayLight(-6), DayLight::kBlueHour);
  EXPECT_EQ(ClassifyDayLight(-4.0001), DayLight::kBlueHour);
  EXPECT_EQ(ClassifyDayLight(-4), DayLight::kGoldenHour);
  EXPECT_EQ(ClassifyDayLight(5.9999), DayLight::kGoldenHour);
  EXPECT_EQ(ClassifyDayLight(6), DayLight::kDay);
  EXPECT_EQ(ClassifyDayLight(90), DayLight::kDay);
  EXPECT_EQ(ClassifyDayLight(std::nan("")), DayLight::kNight);
}

TEST(DayLight, FollowsALisbonSummerEvening) {
  auto at = [](int hour, int minute) {
    return ClassifyDayLight(
        SolarElevationDegrees(Utc(2024, 6, 20, hour, minute), 38.7223, -9.1393));
  };
  EXPECT_EQ(at(18, 0), DayLight::kDay);          // 19:00 WEST, ~+21°
  EXPECT_EQ(at(19, 45), DayLight::kGoldenHour);  // 20:45 WEST, ~+2°
  EXPECT_EQ(at(20, 30), DayLight::kBlueHour);    // 21:30 WEST, ~-5°
  EXPECT_EQ(at(21, 30), DayLight::kNight);       // 22:30 WEST, ~-14°
}

}  // namespace
}  // namespace camroll
