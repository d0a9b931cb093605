// Themes for an event: a frame, a caption and a colour grade that fit what the photos show and
// when they were taken. Without a scene classifier the choice rests on evidence camroll can
// state: the calendar (holidays), the sun's elevation at each photo (golden hour, night), the
// photos' colours (sea and sand, snow), the trip and, once object detection exists, the things
// in the photos (cake, dog, skis). Every match carries its evidence, in words.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/asset_facts.h"
#include "media/image.h"

namespace camroll {

enum class Theme {
  kChristmas,
  kNewYear,
  kHalloween,
  kValentine,
  kEaster,
  kBirthday,
  kBeach,
  kSnow,
  kNightOut,
  kGoldenHour,
  kFood,
  kPets,
  kCityTrip,
};

std::string_view ThemeName(Theme theme);   // "christmas", "golden-hour", "city-trip", ...
std::string_view ThemeLabel(Theme theme);  // "Christmas", "Golden hour", "City trip", ...
std::optional<Theme> ThemeFromName(std::string_view name);

// How a photo's colours split into the classes the rules use (fractions of its pixels).
struct ColourStats {
  double sea_sky = 0;  // saturated blues and cyans
  double sand = 0;     // light, warm, low-saturation beiges
  double snow = 0;     // bright, near-neutral whites
  double warm = 0;     // saturated oranges, reds and golds (sunsets, candles)
  double green = 0;    // vegetation
  double dark = 0;     // very low luma (night)
};
ColourStats MeasureColours(const RgbImage& image);

struct Evidence {
  std::string kind;    // "date", "sun", "colours", "time", "place", "objects"
  std::string detail;  // "25 December", "2.1° above the horizon at 21:05", ...
};

// What the rules look at for one event (or any set of photos).
struct ThemeInput {
  std::vector<const AssetFacts*> photos = {};  // time order; places, GPS and times are used
  std::vector<ColourStats> colours = {};       // parallel to photos (empty: no colour rules)
  std::vector<std::vector<std::string>> objects = {};  // per photo: COCO labels, may be empty
  bool trip = false;
  std::string locality = {};  // the event's place
  double km_from_home = 0;
};

struct ThemeMatch {
  Theme theme;
  double strength = 0;             // 0..1
  std::vector<Evidence> evidence;  // never empty
  // The photo that shows the theme best (index into ThemeInput::photos), when a rule looked at
  // single photos: the golden-hour photo, the beachiest one, the one with the cake.
  std::optional<size_t> photo = std::nullopt;
};

// Every theme whose rule fires, strongest first (holidays before content on ties).
std::vector<ThemeMatch> MatchThemes(const ThemeInput& input);

// Easter Sunday of a Gregorian year (Meeus/Jones/Butcher): {month, day}.
std::pair<int, int> EasterSunday(int year);

}  // namespace camroll
