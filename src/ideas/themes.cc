#include "ideas/themes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "geo/sun.h"

namespace camroll {
namespace {

constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};

std::string DayLabel(const CivilFields& f) {
  return fmt::format("{} {}", f.day, kMonths[f.month - 1]);
}

std::string Percent(double fraction) { return fmt::format("{:.0f}%", fraction * 100); }

// The sun's elevation when and where the photo was taken; nullopt without GPS or UTC time.
std::optional<double> SunElevation(const AssetFacts& a) {
  if (!a.gps || !a.taken || !a.taken->Utc()) return std::nullopt;
  return SolarElevationDegrees(*a.taken->Utc(), a.gps->lat, a.gps->lon);
}

bool HasAny(const std::vector<std::string>& labels,
            std::initializer_list<std::string_view> wanted) {
  for (const auto& l : labels) {
    for (std::string_view w : wanted) {
      if (l == w) return true;
    }
  }
  return false;
}

struct ObjectCount {
  int count = 0;
  std::string label;            // the first wanted label seen
  std::optional<size_t> photo;  // the first photo showing it
};

// Photos whose object labels include any of `wanted`.
ObjectCount CountObjects(const ThemeInput& in, std::initializer_list<std::string_view> wanted) {
  ObjectCount out;
  for (size_t i = 0; i < in.objects.size(); ++i) {
    const auto& labels = in.objects[i];
    if (!HasAny(labels, wanted)) continue;
    ++out.count;
    if (!out.photo) {
      out.photo = i;
      for (const auto& l : labels) {
        if (std::find(wanted.begin(), wanted.end(), l) != wanted.end()) out.label = l;
      }
    }
  }
  return out;
}

void Holidays(const ThemeInput& in, std::vector<ThemeMatch>& out) {
  struct Best {
    double strength = 0;
    std::string detail;
  };
  Best christmas, new_year, halloween, valentine, easter;
  auto keep = [](Best& b, double s, std::string detail) {
    if (s > b.strength) b = {s, std::move(detail)};
  };
  for (const AssetFacts* a : in.photos) {
    if (!a->taken) continue;
    const CivilFields f = CivilFromSeconds(a->taken->local_seconds);
    const std::string day = DayLabel(f);
    if (f.month == 12 && f.day >= 24 && f.day <= 26) keep(christmas, 1.0, day);
    if (f.month == 12 && f.day >= 20 && f.day <= 23) keep(christmas, 0.6, day);
    if ((f.month == 12 && f.day == 31 && f.hour >= 18) ||
        (f.month == 1 && f.day == 1 && f.hour < 6)) {
      keep(new_year, 1.0, fmt::format("{}, {:02}:{:02}", day, f.hour, f.minute));
    } else if (f.month == 1 && f.day == 1) {
      keep(new_year, 0.7, day);
    }
    if (f.month == 10 && f.day == 31) keep(halloween, f.hour >= 17 ? 1.0 : 0.8, day);
    if (f.month == 10 && f.day == 30) keep(halloween, 0.5, day);
    if (f.month == 2 && f.day == 14) keep(valentine, 0.8, day);
    const auto [em, ed] = EasterSunday(f.year);
    const int64_t offset = DaysFromCivil(f.year, f.month, f.day) - DaysFromCivil(f.year, em, ed);
    if (offset >= -2 && offset <= 1) {
      keep(easter, 0.8, fmt::format("{} (Easter Sunday is {} {})", day, ed, kMonths[em - 1]));
    }
  }
  const std::pair<Theme, const Best*> all[] = {{Theme::kChristmas, &christmas},
                                               {Theme::kNewYear, &new_year},
                                               {Theme::kHalloween, &halloween},
                                               {Theme::kValentine, &valentine},
                                               {Theme::kEaster, &easter}};
  for (const auto& [theme, best] : all) {
    if (best->strength > 0) out.push_back({theme, best->strength, {{"date", best->detail}}});
  }
}

void Content(const ThemeInput& in, std::vector<ThemeMatch>& out) {
  const size_t n = in.photos.size();
  if (n == 0) return;
  const bool have_colours = in.colours.size() == n;

  // Birthday, food, pets: object labels (COCO) when detection has run.
  auto plural = [](int k) { return k > 1 ? "s" : ""; };
  if (auto cake = CountObjects(in, {"cake"}); cake.count > 0) {
    out.push_back({Theme::kBirthday,
                   0.9,
                   {{"objects", fmt::format("a {} in {} photo{}", cake.label, cake.count,
                                            plural(cake.count))}},
                   cake.photo});
  }
  if (auto food = CountObjects(in, {"pizza", "sandwich", "donut", "hot dog", "bowl", "wine glass",
                                    "dining table", "broccoli"});
      food.count >= 2) {
    out.push_back({Theme::kFood,
                   0.7,
                   {{"objects", fmt::format("{} in {} photos", food.label, food.count)}},
                   food.photo});
  }
  if (auto pets = CountObjects(in, {"cat", "dog"}); pets.count > 0) {
    out.push_back({Theme::kPets,
                   0.8,
                   {{"objects", fmt::format("a {} in {} photo{}", pets.label, pets.count,
                                            plural(pets.count))}},
                   pets.photo});
  }

  // Beach: sea or sky blue with sand, in a good share of the photos; or beach things.
  if (have_colours) {
    int beachy = 0;
    double blue = 0, sand = 0, most = 0;
    std::optional<size_t> beachiest;
    for (size_t i = 0; i < n; ++i) {
      const ColourStats& c = in.colours[i];
      // Sand reads as pale beige, dune grass and sunlit wood as warm gold: either with the blue.
      const double gold = c.sand + c.warm;
      if (c.sea_sky >= 0.18 && gold >= 0.08) {
        ++beachy;
        if (std::min(c.sea_sky, gold) > most) {
          most = std::min(c.sea_sky, gold);
          beachiest = i;
        }
      }
      blue += c.sea_sky;
      sand += gold;
    }
    const double share = static_cast<double>(beachy) / n;
    auto beach_things = CountObjects(in, {"surfboard", "umbrella", "kite"});
    const int things = beach_things.count;
    const std::string& thing = beach_things.label;
    if (share >= 0.3 || things > 0) {
      ThemeMatch m{Theme::kBeach,
                   std::min(1.0, 0.45 + 0.55 * share + 0.2 * (things > 0)),
                   {},
                   beachiest ? beachiest : beach_things.photo};
      if (share >= 0.3) {
        m.evidence.push_back(
            {"colours",
             fmt::format(
                 "sea or sky with sand in {} of {} photos ({} blue, {} sand and gold on average)",
                 beachy, n, Percent(blue / n), Percent(sand / n))});
      }
      if (things > 0)
        m.evidence.push_back(
            {"objects", fmt::format("a {} in {} photo{}", thing, things, things > 1 ? "s" : "")});
      out.push_back(std::move(m));
    }
    // Snow: bright near-white in winter, or snow sports.
    int snowy = 0;
    for (size_t i = 0; i < n; ++i) {
      const AssetFacts* a = in.photos[i];
      const int month = a->taken ? CivilFromSeconds(a->taken->local_seconds).month : 0;
      const bool winter = month == 0 || month >= 11 || month <= 4;
      if (in.colours[i].snow >= 0.35 && winter) ++snowy;
    }
    auto snow_gear = CountObjects(in, {"skis", "snowboard"});
    const int gear = snow_gear.count;
    const std::string& what = snow_gear.label;
    if (static_cast<double>(snowy) / n >= 0.4 || gear > 0) {
      ThemeMatch m{Theme::kSnow, gear > 0 ? 0.9 : 0.75, {}, snow_gear.photo};
      if (snowy > 0)
        m.evidence.push_back(
            {"colours", fmt::format("snow-white in {} of {} winter photos", snowy, n)});
      if (gear > 0)
        m.evidence.push_back(
            {"objects", fmt::format("{} in {} photo{}", what, gear, gear > 1 ? "s" : "")});
      out.push_back(std::move(m));
    }
  }

  // Golden hour: a photo taken with the sun low, that shows warm light.
  for (size_t i = 0; i < n; ++i) {
    auto elevation = SunElevation(*in.photos[i]);
    if (!elevation || ClassifyDayLight(*elevation) != DayLight::kGoldenHour) continue;
    if (have_colours && in.colours[i].warm < 0.1) continue;
    const CivilFields f = CivilFromSeconds(in.photos[i]->taken->local_seconds);
    ThemeMatch m{Theme::kGoldenHour, 0.75, {}, i};
    m.evidence.push_back(
        {"sun", fmt::format("{:.1f}° {} the horizon at {:02}:{:02}", std::abs(*elevation),
                            *elevation >= 0 ? "above" : "below", f.hour, f.minute)});
    if (have_colours)
      m.evidence.push_back({"colours", fmt::format("{} warm tones", Percent(in.colours[i].warm))});
    out.push_back(std::move(m));
    break;
  }

  // Night out: most photos after dark, in the evening or night.
  if (n >= 3) {
    int after_dark = 0;
    double lowest = 90;
    bool any_sun = false;
    for (const AssetFacts* a : in.photos) {
      if (!a->taken) continue;
      const int hour = CivilFromSeconds(a->taken->local_seconds).hour;
      const bool evening = hour >= 19 || hour < 4;
      auto elevation = SunElevation(*a);
      if (elevation) {
        any_sun = true;
        lowest = std::min(lowest, *elevation);
      }
      if (evening && (elevation ? *elevation < -6 : (hour >= 20 || hour < 4))) ++after_dark;
    }
    if (after_dark >= 0.6 * static_cast<double>(n)) {
      const auto& first = *in.photos.front()->taken;
      const auto& last = *in.photos.back()->taken;
      const CivilFields a = CivilFromSeconds(first.local_seconds),
                        b = CivilFromSeconds(last.local_seconds);
      ThemeMatch m{Theme::kNightOut, 0.65, {}};
      m.evidence.push_back(
          {"time", fmt::format("{:02}:{:02}–{:02}:{:02}, {} of {} photos after dark", a.hour,
                               a.minute, b.hour, b.minute, after_dark, n)});
      if (any_sun)
        m.evidence.push_back({"sun", fmt::format("the sun {:.0f}° below the horizon", -lowest)});
      out.push_back(std::move(m));
    }
  }

  // City trip: nights away in a named place.
  if (in.trip && !in.locality.empty() && in.km_from_home > 100) {
    const auto& first = *in.photos.front()->taken;
    const auto& last = *in.photos.back()->taken;
    const int64_t nights = last.LocalDay() - first.LocalDay();
    out.push_back({Theme::kCityTrip,
                   0.5,
                   {{"place", fmt::format("{} night{} in {}, {:.0f} km from home", nights,
                                          nights == 1 ? "" : "s", in.locality, in.km_from_home)}}});
  }
}

}  // namespace

std::string_view ThemeName(Theme theme) {
  switch (theme) {
    case Theme::kChristmas:
      return "christmas";
    case Theme::kNewYear:
      return "new-year";
    case Theme::kHalloween:
      return "halloween";
    case Theme::kValentine:
      return "valentine";
    case Theme::kEaster:
      return "easter";
    case Theme::kBirthday:
      return "birthday";
    case Theme::kBeach:
      return "beach";
    case Theme::kSnow:
      return "snow";
    case Theme::kNightOut:
      return "night-out";
    case Theme::kGoldenHour:
      return "golden-hour";
    case Theme::kFood:
      return "food";
    case Theme::kPets:
      return "pets";
    case Theme::kCityTrip:
      return "city-trip";
  }
  return "";
}

std::string_view ThemeLabel(Theme theme) {
  switch (theme) {
    case Theme::kChristmas:
      return "Christmas";
    case Theme::kNewYear:
      return "New Year";
    case Theme::kHalloween:
      return "Halloween";
    case Theme::kValentine:
      return "Valentine's Day";
    case Theme::kEaster:
      return "Easter";
    case Theme::kBirthday:
      return "Birthday";
    case Theme::kBeach:
      return "Beach day";
    case Theme::kSnow:
      return "Snow day";
    case Theme::kNightOut:
      return "Night out";
    case Theme::kGoldenHour:
      return "Golden hour";
    case Theme::kFood:
      return "Food";
    case Theme::kPets:
      return "Pets";
    case Theme::kCityTrip:
      return "City trip";
  }
  return "";
}

std::optional<Theme> ThemeFromName(std::string_view name) {
  for (int t = 0; t <= static_cast<int>(Theme::kCityTrip); ++t) {
    if (ThemeName(static_cast<Theme>(t)) == name) return static_cast<Theme>(t);
  }
  return std::nullopt;
}

ColourStats MeasureColours(const RgbImage& image) {
  ColourStats s;
  const size_t n = image.pixels.size() / 3;
  if (n == 0) return s;
  for (size_t i = 0; i < n; ++i) {
    const double r = image.pixels[3 * i] / 255.0, g = image.pixels[3 * i + 1] / 255.0,
                 b = image.pixels[3 * i + 2] / 255.0;
    const double v = std::max({r, g, b}), mn = std::min({r, g, b});
    const double sat = v > 0 ? (v - mn) / v : 0;
    double hue = 0;  // degrees
    if (v > mn) {
      if (v == r)
        hue = 60 * std::fmod((g - b) / (v - mn) + 6, 6.0);
      else if (v == g)
        hue = 60 * ((b - r) / (v - mn) + 2);
      else
        hue = 60 * ((r - g) / (v - mn) + 4);
    }
    if (v < 0.18) {
      s.dark += 1;
    } else if (sat < 0.12 && v >= 0.82) {
      s.snow += 1;
    } else if (hue >= 180 && hue <= 250 && sat >= 0.25 && v >= 0.25) {
      s.sea_sky += 1;
    } else if (hue >= 20 && hue <= 55 && sat >= 0.08 && sat <= 0.45 && v >= 0.55) {
      s.sand += 1;
    } else if ((hue <= 50 || hue >= 340) && sat >= 0.45 && v >= 0.35) {
      s.warm += 1;
    } else if (hue >= 70 && hue <= 170 && sat >= 0.2 && v >= 0.2) {
      s.green += 1;
    }
  }
  for (double* f : {&s.sea_sky, &s.sand, &s.snow, &s.warm, &s.green, &s.dark})
    *f /= static_cast<double>(n);
  return s;
}

std::vector<ThemeMatch> MatchThemes(const ThemeInput& input) {
  std::vector<ThemeMatch> out;
  Holidays(input, out);
  Content(input, out);
  std::stable_sort(out.begin(), out.end(), [](const ThemeMatch& a, const ThemeMatch& b) {
    return a.strength > b.strength;
  });
  return out;
}

std::pair<int, int> EasterSunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  return {(h + l - 7 * m + 114) / 31, (h + l - 7 * m + 114) % 31 + 1};
}

}  // namespace camroll
