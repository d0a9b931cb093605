// The whole on-device pipeline against the generated sample roll and its ground truth
// (tools/make_sample_roll.py): metadata of every file, events, trips, bursts, best shots.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "analyze/analyzer.h"
#include "catalog/catalog.h"
#include "geo/reverse_geocoder.h"
#include "ideas/events.h"
#include "scan/roll_scanner.h"
#include "testing/testing.h"

namespace camroll {
namespace {

class SampleRollTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::SampleRoll().empty()) return;
    state_ = new State;
    std::ifstream in(testing::SampleRoll() / "ground_truth.json");
    state_->truth = nlohmann::json::parse(in);
    auto geo = ReverseGeocoder::OpenDefault(testing::BinaryDir() / "test-cache" / "geo");
    ASSERT_TRUE(geo) << geo.error().ToString();
    state_->geo = std::move(*geo);
    AnalyzeOptions options;
    options.data_dir = state_->dir.path() / "data";
    Analyzer analyzer(options, state_->geo.get());
    auto catalog = Catalog::Open(state_->dir.path() / "catalog.db");
    ASSERT_TRUE(catalog);
    RollScanner scanner(**catalog, analyzer);
    auto stats = scanner.Scan(testing::SampleRoll() / "roll", ScanOptions{});
    ASSERT_TRUE(stats) << stats.error().ToString();
    state_->stats = *stats;
    state_->assets = *(*catalog)->LoadAssets(stats->roll_id);
    InferMissingOffsets(state_->assets);
    state_->events = FindEvents(state_->assets);
    for (size_t i = 0; i < state_->assets.size(); ++i) state_->by_path[state_->assets[i].path] = i;
  }
  static void TearDownTestSuite() {
    delete state_;
    state_ = nullptr;
  }
  void SetUp() override {
    if (!state_) GTEST_SKIP() << "the sample roll was not generated (tools/make_sample_roll.py)";
  }

  struct State {
    testing::TempDir dir;
    nlohmann::json truth;
    std::unique_ptr<ReverseGeocoder> geo;
    ScanStats stats;
    std::vector<AssetFacts> assets;
    EventsResult events;
    std::map<std::string, size_t> by_path;
  };
  static State* state_;

  const AssetFacts& Asset(const std::string& path) {
    return state_->assets.at(state_->by_path.at(path));
  }
  std::set<std::string> Paths(const std::vector<size_t>& indices) {
    std::set<std::string> out;
    for (size_t i : indices) out.insert(state_->assets[i].path);
    return out;
  }
};
SampleRollTest::State* SampleRollTest::state_ = nullptr;

TEST_F(SampleRollTest, ReadsEveryFile) {
  EXPECT_EQ(state_->stats.files, state_->truth["files"].size());
  EXPECT_EQ(state_->stats.failed, 0u);
  for (const AssetFacts& a : state_->assets) EXPECT_FALSE(a.failed) << a.path << ": " << a.error;
}

TEST_F(SampleRollTest, ReadsTimeOffsetPlaceAndSizeAsTheGroundTruthSays) {
  for (const auto& f : state_->truth["files"]) {
    const std::string path = f["file"];
    SCOPED_TRACE(path);
    const AssetFacts& a = Asset(path);
    EXPECT_EQ(MediaKindName(a.kind), f["kind"].get<std::string>());
    EXPECT_EQ(FormatName(a.format), f["format"].get<std::string>());
    ASSERT_TRUE(a.taken);
    std::string expected = f["taken_local"];
    if (!f["offset"].is_null()) expected += f["offset"].get<std::string>();
    EXPECT_EQ(FormatIso8601(*a.taken), expected);
    if (!f["offset_source"].is_null()) {
      EXPECT_EQ(OffsetSourceName(a.offset_source), f["offset_source"].get<std::string>());
    }
    if (f["gps"].is_null()) {
      EXPECT_FALSE(a.gps);
    } else {
      ASSERT_TRUE(a.gps);
      EXPECT_NEAR(a.gps->lat, f["gps"][0].get<double>(), 1e-4);
      EXPECT_NEAR(a.gps->lon, f["gps"][1].get<double>(), 1e-4);
      ASSERT_TRUE(a.place);
    }
    EXPECT_EQ(a.width, f["width"].get<int>());
    EXPECT_EQ(a.height, f["height"].get<int>());
    const Thumbnail* preview = a.ThumbnailOfSize(1440);
    ASSERT_NE(preview, nullptr);
    // Upright thumbnails keep the photo's shape.
    EXPECT_EQ(preview->width > preview->height, a.width > a.height);
  }
}

TEST_F(SampleRollTest, FindsHomeInLisbon) {
  ASSERT_TRUE(state_->events.home);
  EXPECT_EQ(state_->events.home->locality, "Lisbon");
  EXPECT_EQ(state_->events.home->country_code, "PT");
}

TEST_F(SampleRollTest, FindsExactlyTheEventsAndTripsOfTheGroundTruth) {
  const auto& truth_events = state_->truth["events"];
  ASSERT_EQ(state_->events.events.size(), truth_events.size());
  std::set<std::string> matched;
  for (const auto& t : truth_events) {
    std::set<std::string> members(t["members"].begin(), t["members"].end());
    const Event* found = nullptr;
    for (const Event& e : state_->events.events) {
      if (Paths(e.members) == members) found = &e;
    }
    ASSERT_NE(found, nullptr) << "no event has exactly the members of " << t["id"];
    EXPECT_TRUE(matched.insert(found->id).second);
    EXPECT_EQ(found->trip, t["trip"].get<bool>()) << t["id"];
    EXPECT_EQ(found->country_code, t["country_code"].get<std::string>()) << t["id"];
  }
  // Everyday photos and the screenshot belong to no event.
  std::set<std::string> in_events;
  for (const Event& e : state_->events.events) {
    for (const auto& p : Paths(e.members)) in_events.insert(p);
  }
  for (const auto& f : state_->truth["files"]) {
    EXPECT_EQ(in_events.count(f["file"]) > 0, !f["event"].is_null()) << f["file"];
  }
}

TEST_F(SampleRollTest, TitlesEventsInLocalTimeWithTheirPlace) {
  std::map<std::string, std::string> titles;  // ground-truth id → title
  for (const auto& t : state_->truth["events"]) {
    std::set<std::string> members(t["members"].begin(), t["members"].end());
    for (const Event& e : state_->events.events) {
      if (Paths(e.members) == members) titles[t["id"]] = e.title;
    }
  }
  EXPECT_EQ(titles["birthday"], "Saturday evening");  // at home
  EXPECT_EQ(titles["evora"], "Saturday in Évora");
  EXPECT_EQ(titles["porto"], "19–21 Jun · Porto");
  EXPECT_EQ(titles["paris"], "8–11 Oct · Paris");
  EXPECT_EQ(titles["beach"].rfind("Sunday in Costa d", 0), 0u) << titles["beach"];
}

TEST_F(SampleRollTest, GroupsTheBurstAndPicksItsSharpShot) {
  for (const auto& burst : state_->truth["bursts"]) {
    std::set<std::string> members(burst["members"].begin(), burst["members"].end());
    const DuplicateGroup* found = nullptr;
    const Event* owner = nullptr;
    for (const Event& e : state_->events.events) {
      for (const DuplicateGroup& g : e.duplicates) {
        if (Paths(g.members) == members) {
          found = &g;
          owner = &e;
        }
      }
    }
    ASSERT_NE(found, nullptr) << "burst " << burst["id"] << " not grouped";
    EXPECT_EQ(state_->assets[found->best].path, burst["best"].get<std::string>());
    // Only the burst's best shot can be among the event's best shots.
    for (size_t b : owner->best) {
      if (members.count(state_->assets[b].path)) {
        EXPECT_EQ(b, found->best);
      }
    }
  }
  // No other near-duplicates were invented.
  size_t groups = 0;
  for (const Event& e : state_->events.events) groups += e.duplicates.size();
  EXPECT_EQ(groups, state_->truth["bursts"].size());
}

}  // namespace
}  // namespace camroll
