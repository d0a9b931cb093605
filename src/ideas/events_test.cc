#include "ideas/events.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace camroll {
namespace {

constexpr double kLisbon[2] = {38.7223, -9.1393};
constexpr double kPorto[2] = {41.1496, -8.6109};
constexpr double kCaparica[2] = {38.6446, -9.2386};

Place PlaceAt(const std::string& city, const std::string& region, const double* pos) {
  Place p;
  p.city = city;
  p.region = region;
  p.subregion = region;
  p.country_code = "PT";
  p.country = "Portugal";
  p.lat = pos[0];
  p.lon = pos[1];
  return p;
}

// A roll built fact by fact: photos at a time, a place, with distinct content hashes.
class Roll {
 public:
  AssetFacts& Add(const char* iso, const char* city = nullptr, const double* pos = nullptr,
                  const char* region = nullptr) {
    AssetFacts a;
    a.path = fmt::format("DCIM/{:03}.jpg", assets_.size());
    a.content_hash = fmt::format("{:064x}", assets_.size() + 1);
    a.taken = ParseIso8601(iso);
    if (pos) {
      a.gps = GpsFix{pos[0], pos[1], std::nullopt};
      a.place = PlaceAt(city, region ? region : city, pos);
    }
    a.phash = 0x0123456789abcdefull * (assets_.size() + 3);  // all far apart
    a.quality.score = 0.5;
    assets_.push_back(a);
    return assets_.back();
  }
  // Everyday photos at home on many days, so that home is Lisbon.
  void AddEverydayAtHome(int days) {
    for (int d = 1; d <= days; ++d)
      Add(fmt::format("2026-02-{:02}T12:00:00+00:00", d).c_str(), "Lisbon", kLisbon);
  }
  std::vector<AssetFacts>& assets() { return assets_; }

 private:
  std::vector<AssetFacts> assets_;
};

std::vector<std::string> Paths(const std::vector<AssetFacts>& assets,
                               const std::vector<size_t>& idx) {
  std::vector<std::string> out;
  for (size_t i : idx) out.push_back(assets[i].path);
  return out;
}

TEST(FindEvents, InfersHomeWhereMostDaysWereSpent) {
  Roll roll;
  roll.AddEverydayAtHome(10);
  for (int i = 0; i < 5; ++i)
    roll.Add(fmt::format("2026-06-20T1{}:00:00+01:00", i).c_str(), "Porto", kPorto);
  EventsResult r = FindEvents(roll.assets());
  ASSERT_TRUE(r.home);
  EXPECT_EQ(r.home->locality, "Lisbon");
  EXPECT_EQ(r.home->days, 10u);
  EXPECT_NEAR(r.home->lat, kLisbon[0], 1e-9);
}

TEST(FindEvents, EverydaySinglesAreNotEvents) {
  Roll roll;
  roll.AddEverydayAtHome(10);
  EventsResult r = FindEvents(roll.assets());
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.loose.size(), 10u);
}

TEST(FindEvents, SplitsOnLongGapsAndKeepsAnEveningTogether) {
  Roll roll;
  roll.AddEverydayAtHome(10);
  for (const char* t :
       {"2026-04-18T20:00:00+01:00", "2026-04-18T21:10:00+01:00", "2026-04-18T22:30:00+01:00"}) {
    roll.Add(t, "Lisbon", kLisbon);
  }
  for (const char* t :
       {"2026-04-19T11:00:00+01:00", "2026-04-19T11:30:00+01:00", "2026-04-19T12:40:00+01:00"}) {
    roll.Add(t, "Lisbon", kLisbon);
  }
  EventsResult r = FindEvents(roll.assets());
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].members.size(), 3u);
  EXPECT_EQ(r.events[0].title, "Saturday evening");
  EXPECT_FALSE(r.events[0].trip);
  EXPECT_EQ(r.events[1].title, "Sunday morning");
}

TEST(FindEvents, MarksANightAwayAsATripAndADayAwayAsAnEvent) {
  Roll roll;
  roll.AddEverydayAtHome(10);
  // Friday evening to Sunday in Porto (300 km away): a trip.
  for (const char* t :
       {"2026-06-19T18:30:00+01:00", "2026-06-19T21:05:00+01:00", "2026-06-20T10:00:00+01:00",
        "2026-06-20T11:00:00+01:00", "2026-06-21T15:00:00+01:00"}) {
    roll.Add(t, "Porto", kPorto);
  }
  // A photo without position in the middle of the trip belongs to it.
  roll.Add("2026-06-20T12:00:00+01:00");
  // A Saturday in Porto a month later, back home the same day: an event, not a trip.
  for (const char* t :
       {"2026-07-18T10:00:00+01:00", "2026-07-18T12:00:00+01:00", "2026-07-18T17:00:00+01:00"}) {
    roll.Add(t, "Porto", kPorto);
  }
  EventsResult r = FindEvents(roll.assets());
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_TRUE(r.events[0].trip);
  EXPECT_EQ(r.events[0].members.size(), 6u);
  EXPECT_EQ(r.events[0].title, "19–21 Jun · Porto");
  EXPECT_EQ(r.events[0].id.rfind("trip-", 0), 0u);
  EXPECT_FALSE(r.events[1].trip);
  EXPECT_EQ(r.events[1].title, "Saturday in Porto");
}

TEST(FindEvents, NamesAnOutingNearHomeByItsPlace) {
  Roll roll;
  roll.AddEverydayAtHome(10);
  for (const char* t :
       {"2026-07-12T11:00:00+01:00", "2026-07-12T13:00:00+01:00", "2026-07-12T15:30:00+01:00"}) {
    roll.Add(t, "Costa da Caparica", kCaparica, "Setúbal");
  }
  EventsResult r = FindEvents(roll.assets());
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_FALSE(r.events[0].trip);  // 11 km from home
  EXPECT_EQ(r.events[0].title, "Sunday in Costa da Caparica");
}

TEST(FindEvents, SeparatesTheReturnHomeFromADayAway) {
  Roll roll;
  roll.AddEverydayAtHome(10);
  for (const char* t :
       {"2026-07-18T10:00:00+01:00", "2026-07-18T12:00:00+01:00", "2026-07-18T15:00:00+01:00"}) {
    roll.Add(t, "Porto", kPorto);
  }
  for (const char* t :
       {"2026-07-18T19:00:00+01:00", "2026-07-18T20:00:00+01:00", "2026-07-18T21:00:00+01:00"}) {
    roll.Add(t, "Lisbon", kLisbon);
  }
  EventsResult r = FindEvents(roll.assets());
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].locality, "Porto");
  EXPECT_EQ(r.events[1].locality, "Lisbon");
}

TEST(FindEvents, GroupsABurstAndPicksTheSharpestAsBest) {
  Roll roll;
  roll.AddEverydayAtHome(10);
  const uint64_t scene = 0xF0F0F0F00F0F0F0Full;
  for (int i = 0; i < 5; ++i) {
    AssetFacts& a =
        roll.Add(fmt::format("2026-04-18T20:00:0{}+01:00", i).c_str(), "Lisbon", kLisbon);
    a.phash = scene ^ (uint64_t{1} << (i * 3));  // a bit or two apart
    a.quality.score = i == 3 ? 0.9 : 0.3;
  }
  roll.Add("2026-04-18T20:30:00+01:00", "Lisbon", kLisbon).quality.score = 0.6;
  EventsResult r = FindEvents(roll.assets());
  ASSERT_EQ(r.events.size(), 1u);
  const Event& e = r.events[0];
  ASSERT_EQ(e.duplicates.size(), 1u);
  EXPECT_EQ(e.duplicates[0].members.size(), 5u);
  EXPECT_EQ(roll.assets()[e.duplicates[0].best].path, "DCIM/013.jpg");
  // Best shots: the burst's best, then the other photo; never a second shot of the burst.
  EXPECT_EQ(Paths(roll.assets(), e.best),
            (std::vector<std::string>{"DCIM/013.jpg", "DCIM/015.jpg"}));
}

TEST(FindEvents, LeavesOutScreenshotsAndFailedFiles) {
  Roll roll;
  roll.AddEverydayAtHome(10);
  for (int i = 0; i < 3; ++i) {
    roll.Add(fmt::format("2026-05-03T10:1{}:00+01:00", i).c_str(), "Lisbon", kLisbon).kind =
        MediaKind::kScreenshot;
  }
  roll.Add("2026-05-03T10:20:00+01:00").failed = true;
  EventsResult r = FindEvents(roll.assets());
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.loose.size(), 10u);
}

TEST(FindEvents, WorksWithoutAnyPosition) {
  Roll roll;
  for (const char* t : {"2026-04-18T20:00:00", "2026-04-18T20:10:00", "2026-04-18T20:20:00"}) {
    roll.Add(t);
  }
  EventsResult r = FindEvents(roll.assets());
  EXPECT_FALSE(r.home);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].title, "Saturday evening");
  EXPECT_TRUE(r.events[0].locality.empty());
}

TEST(InferMissingOffsets, BorrowsTheNearestOffsetAndMovesUtcReadingsToLocalTime) {
  Roll roll;
  roll.Add("2026-07-12T11:00:00+01:00");
  AssetFacts& video = roll.Add("2026-07-12T13:30:10");  // UTC creation time of a video
  video.taken_is_utc = true;
  roll.Add("2026-07-12T15:00:00");  // EXIF without offset
  roll.Add("2026-01-01T10:00:00");  // nobody within 48 h
  InferMissingOffsets(roll.assets());
  const auto& a = roll.assets();
  EXPECT_EQ(FormatIso8601(*a[1].taken), "2026-07-12T14:30:10+01:00");
  EXPECT_EQ(a[1].offset_source, OffsetSource::kNeighbours);
  EXPECT_FALSE(a[1].taken_is_utc);
  EXPECT_EQ(FormatIso8601(*a[2].taken), "2026-07-12T15:00:00+01:00");
  EXPECT_FALSE(a[3].taken->offset_minutes);
}

}  // namespace
}  // namespace camroll
