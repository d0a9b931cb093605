#include "ideas/themes.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace camroll {
namespace {

AssetFacts At(const std::string& iso, std::optional<GpsFix> gps = std::nullopt) {
  AssetFacts a;
  a.path = iso;
  a.taken = ParseIso8601(iso);
  a.gps = gps;
  return a;
}

std::vector<const AssetFacts*> Ptrs(const std::vector<AssetFacts>& v) {
  std::vector<const AssetFacts*> out;
  for (const auto& a : v) out.push_back(&a);
  return out;
}

const ThemeMatch* Find(const std::vector<ThemeMatch>& matches, Theme theme) {
  for (const auto& m : matches) {
    if (m.theme == theme) return &m;
  }
  return nullptr;
}

TEST(EasterSunday, MatchesKnownDates) {
  EXPECT_EQ(EasterSunday(2008), (std::pair{3, 23}));
  EXPECT_EQ(EasterSunday(2024), (std::pair{3, 31}));
  EXPECT_EQ(EasterSunday(2026), (std::pair{4, 5}));
  EXPECT_EQ(EasterSunday(2038), (std::pair{4, 25}));
}

TEST(MatchThemes, FindsHolidaysByTheCalendarWithTheDateAsEvidence) {
  std::vector<AssetFacts> xmas = {At("2026-12-24T19:00:00+00:00"), At("2026-12-24T20:00:00+00:00")};
  auto m = MatchThemes({.photos = Ptrs(xmas)});
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m.front().theme, Theme::kChristmas);
  EXPECT_EQ(m.front().evidence.front().kind, "date");
  EXPECT_EQ(m.front().evidence.front().detail, "24 December");

  std::vector<AssetFacts> nye = {At("2026-12-31T23:40:00+00:00")};
  EXPECT_TRUE(Find(MatchThemes({.photos = Ptrs(nye)}), Theme::kNewYear));
  std::vector<AssetFacts> halloween = {At("2026-10-31T20:00:00+00:00")};
  EXPECT_TRUE(Find(MatchThemes({.photos = Ptrs(halloween)}), Theme::kHalloween));
  std::vector<AssetFacts> easter = {At("2026-04-05T11:00:00+01:00")};
  EXPECT_TRUE(Find(MatchThemes({.photos = Ptrs(easter)}), Theme::kEaster));
  std::vector<AssetFacts> ordinary = {At("2026-03-10T11:00:00+00:00")};
  EXPECT_TRUE(MatchThemes({.photos = Ptrs(ordinary)}).empty());
}

TEST(MatchThemes, FindsGoldenHourFromTheSunsElevation) {
  // Porto, 19 June 2026: the sun sets at about 21:05 local (20:05 UTC).
  const GpsFix porto{41.1496, -8.6109, std::nullopt};
  std::vector<AssetFacts> sunset = {At("2026-06-19T20:50:00+01:00", porto)};
  ColourStats warm;
  warm.warm = 0.3;
  auto m = MatchThemes({.photos = Ptrs(sunset), .colours = {warm}});
  const ThemeMatch* golden = Find(m, Theme::kGoldenHour);
  ASSERT_NE(golden, nullptr);
  EXPECT_EQ(golden->evidence.front().kind, "sun");
  EXPECT_NE(golden->evidence.front().detail.find("above the horizon at 20:50"), std::string::npos)
      << golden->evidence.front().detail;
  // The same place at noon is not golden hour.
  std::vector<AssetFacts> noon = {At("2026-06-19T13:30:00+01:00", porto)};
  EXPECT_FALSE(Find(MatchThemes({.photos = Ptrs(noon), .colours = {warm}}), Theme::kGoldenHour));
}

TEST(MatchThemes, FindsANightOutAfterDark) {
  const GpsFix lisbon{38.72, -9.14, std::nullopt};
  std::vector<AssetFacts> party = {At("2026-04-18T20:05:00+01:00", lisbon),
                                   At("2026-04-18T21:02:00+01:00"),
                                   At("2026-04-18T22:27:00+01:00", lisbon)};
  auto matches = MatchThemes({.photos = Ptrs(party)});
  const ThemeMatch* night = Find(matches, Theme::kNightOut);
  ASSERT_NE(night, nullptr);
  EXPECT_EQ(night->evidence.front().kind, "time");
  std::vector<AssetFacts> lunch = {At("2026-04-18T12:05:00+01:00", lisbon),
                                   At("2026-04-18T13:02:00+01:00"),
                                   At("2026-04-18T14:27:00+01:00")};
  EXPECT_FALSE(Find(MatchThemes({.photos = Ptrs(lunch)}), Theme::kNightOut));
}

TEST(MatchThemes, FindsABeachInTheColoursAndSnowOnlyInWinter) {
  std::vector<AssetFacts> day = {At("2026-07-12T11:00:00+01:00"), At("2026-07-12T12:00:00+01:00"),
                                 At("2026-07-12T13:00:00+01:00")};
  ColourStats beach{.sea_sky = 0.4, .sand = 0.15};
  ColourStats street{.green = 0.1};
  auto m = MatchThemes({.photos = Ptrs(day), .colours = {beach, beach, street}});
  const ThemeMatch* b = Find(m, Theme::kBeach);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->evidence.front().kind, "colours");
  EXPECT_FALSE(
      Find(MatchThemes({.photos = Ptrs(day), .colours = {street, street, street}}), Theme::kBeach));
  ColourStats white{.snow = 0.6};
  EXPECT_FALSE(
      Find(MatchThemes({.photos = Ptrs(day), .colours = {white, white, white}}), Theme::kSnow));
  std::vector<AssetFacts> winter = {At("2026-01-12T11:00:00+01:00"),
                                    At("2026-01-12T12:00:00+01:00")};
  EXPECT_TRUE(Find(MatchThemes({.photos = Ptrs(winter), .colours = {white, white}}), Theme::kSnow));
}

TEST(MatchThemes, UsesObjectsWhenDetectionHasRun) {
  std::vector<AssetFacts> photos = {At("2026-03-10T19:00:00+00:00"),
                                    At("2026-03-10T19:10:00+00:00")};
  auto m = MatchThemes({.photos = Ptrs(photos), .objects = {{"person", "cake"}, {"dog"}}});
  EXPECT_TRUE(Find(m, Theme::kBirthday));
  EXPECT_TRUE(Find(m, Theme::kPets));
  for (const auto& match : m) EXPECT_FALSE(match.evidence.empty()) << ThemeName(match.theme);
}

TEST(MatchThemes, CallsANightAwayInAPlaceACityTrip) {
  std::vector<AssetFacts> trip = {At("2026-10-08T17:00:00+02:00"), At("2026-10-11T11:00:00+02:00")};
  auto m =
      MatchThemes({.photos = Ptrs(trip), .trip = true, .locality = "Paris", .km_from_home = 1450});
  const ThemeMatch* city = Find(m, Theme::kCityTrip);
  ASSERT_NE(city, nullptr);
  EXPECT_EQ(city->evidence.front().detail, "3 nights in Paris, 1450 km from home");
}

TEST(MeasureColours, SortsPixelsIntoClasses) {
  auto solid = [](uint8_t r, uint8_t g, uint8_t b) {
    RgbImage img;
    img.width = 4;
    img.height = 4;
    for (int i = 0; i < 16; ++i) img.pixels.insert(img.pixels.end(), {r, g, b});
    return img;
  };
  EXPECT_NEAR(MeasureColours(solid(30, 110, 200)).sea_sky, 1.0, 1e-9);
  EXPECT_NEAR(MeasureColours(solid(230, 210, 170)).sand, 1.0, 1e-9);
  EXPECT_NEAR(MeasureColours(solid(245, 245, 248)).snow, 1.0, 1e-9);
  EXPECT_NEAR(MeasureColours(solid(240, 120, 30)).warm, 1.0, 1e-9);
  EXPECT_NEAR(MeasureColours(solid(60, 140, 50)).green, 1.0, 1e-9);
  EXPECT_NEAR(MeasureColours(solid(10, 10, 12)).dark, 1.0, 1e-9);
}

TEST(ThemeName, RoundTrips) {
  for (int t = 0; t <= static_cast<int>(Theme::kCityTrip); ++t) {
    EXPECT_EQ(ThemeFromName(ThemeName(static_cast<Theme>(t))), static_cast<Theme>(t));
  }
}

}  // namespace
}  // namespace camroll
