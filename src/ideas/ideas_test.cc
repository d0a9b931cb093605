#include "ideas/ideas.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

namespace camroll {
namespace {

constexpr double kLisbon[2] = {38.7223, -9.1393};
constexpr double kPorto[2] = {41.1496, -8.6109};

class RollFixture : public ::testing::Test {
 protected:
  size_t Add(const std::string& iso, const double* pos, const char* city, double quality = 0.6,
             MediaKind kind = MediaKind::kPhoto) {
    AssetFacts a;
    a.path = fmt::format("DCIM/{:03}.jpg", assets_.size());
    a.content_hash = fmt::format("{:064x}", assets_.size() + 1);
    a.taken = ParseIso8601(iso);
    a.kind = kind;
    if (pos) {
      a.gps = GpsFix{pos[0], pos[1], std::nullopt};
      Place p;
      p.city = p.locality = p.region = p.subregion = city;
      p.country_code = "PT";
      p.country = "Portugal";
      a.place = p;
    }
    a.phash = 0x9E3779B97F4A7C15ull * (assets_.size() + 1);
    a.quality.score = quality;
    a.quality.brightness = 0.45;
    a.quality.contrast = 0.2;
    a.quality.colourfulness = 30;
    assets_.push_back(a);
    colours_.push_back(ColourStats{.green = 0.1});
    return assets_.size() - 1;
  }

  // Home in Lisbon on many days of June and July, a birthday evening, a weekend in Porto with a
  // sunset and a video, and one dark photo.
  void MakeRoll() {
    for (int d = 1; d <= 20; ++d)
      Add(fmt::format("2026-06-{:02}T12:00:00+01:00", d), kLisbon, "Lisbon");
    for (int d = 1; d <= 6; ++d)
      Add(fmt::format("2026-07-{:02}T12:00:00+01:00", d * 4), kLisbon, "Lisbon");
    for (const char* t : {"20:05", "20:40", "21:10", "21:50", "22:20"}) {
      Add(fmt::format("2026-07-25T{}:00+01:00", t), nullptr, "");
    }
    Add("2026-07-30T12:00:00+01:00", kLisbon, "Lisbon");
    size_t sunset = 0;
    for (const char* t :
         {"2026-08-14T18:30:00+01:00", "2026-08-14T20:40:00+01:00", "2026-08-15T11:00:00+01:00",
          "2026-08-15T15:00:00+01:00", "2026-08-16T10:00:00+01:00"}) {
      const size_t i = Add(t, kPorto, "Porto");
      if (std::string(t).find("20:40") != std::string::npos) sunset = i;
    }
    colours_[sunset].warm = 0.4;
    sunset_ = sunset;
    Add("2026-08-15T16:00:00+01:00", kPorto, "Porto", 0.5, MediaKind::kVideo);
    const size_t dark = Add("2026-08-20T12:00:00+01:00", kLisbon, "Lisbon");
    assets_[dark].quality.brightness = 0.16;
    // A night sky and a black-and-white photo: dark and grey by choice, never "enhanced".
    assets_[Add("2026-08-21T23:00:00+01:00", kLisbon, "Lisbon")].quality.brightness = 0.05;
    assets_[Add("2026-08-22T12:00:00+01:00", kLisbon, "Lisbon")].quality.colourfulness = 0.5;
  }

  std::vector<Idea> Generate(std::vector<Feedback> feedback = {}) {
    InferMissingOffsets(assets_);
    events_ = FindEvents(assets_);
    IdeaInputs in;
    in.assets = &assets_;
    in.events = &events_;
    in.colours = colours_;
    in.feedback = std::move(feedback);
    in.today = DaysFromCivil(2026, 9, 1);
    return GenerateIdeas(in);
  }

  std::vector<AssetFacts> assets_;
  std::vector<ColourStats> colours_;
  EventsResult events_;
  size_t sunset_ = 0;
};

TEST_F(RollFixture, ProposesEveryKindOfIdeaWithItsReasons) {
  MakeRoll();
  auto ideas = Generate();
  std::set<IdeaType> types;
  std::set<std::string> ids;
  for (const Idea& idea : ideas) {
    types.insert(idea.type);
    EXPECT_TRUE(ids.insert(idea.id).second) << "duplicate id " << idea.id;
    EXPECT_FALSE(idea.title.empty()) << idea.id;
    EXPECT_FALSE(idea.why.empty()) << idea.id;
    EXPECT_FALSE(idea.evidence.empty()) << idea.id;
    EXPECT_FALSE(idea.members.empty()) << idea.id;
    EXPECT_EQ(idea.id.rfind(std::string(IdeaTypeName(idea.type)) + "-", 0), 0u);
    std::set<size_t> unique(idea.members.begin(), idea.members.end());
    EXPECT_EQ(unique.size(), idea.members.size()) << "a photo twice in " << idea.id;
  }
  EXPECT_EQ(types.size(), 5u) << "collage, recap, restyle, theme and enhance";
  // The sunset in Porto makes a golden-hour theme; the birthday evening a night out.
  std::set<std::string> themes;
  for (const Idea& idea : ideas) {
    if (idea.type == IdeaType::kTheme) themes.insert(idea.variant);
  }
  EXPECT_TRUE(themes.count("golden-hour")) << "themes found: " << themes.size();
  for (const Idea& idea : ideas) {
    // The golden-hour frame shows the photo taken in the golden hour, not the trip's best.
    if (idea.variant == "golden-hour") {
      EXPECT_EQ(idea.members, std::vector<size_t>{sunset_});
    }
  }
  EXPECT_TRUE(themes.count("night-out"));
  // The dark photo is the one to enhance; the night sky and the monochrome photo are not.
  std::vector<double> enhanced_brightness;
  for (const Idea& idea : ideas) {
    if (idea.type != IdeaType::kEnhance) continue;
    const QualityMeasures& q = assets_[idea.members[0]].quality;
    enhanced_brightness.push_back(q.brightness);
    EXPECT_GE(q.brightness, 0.1) << "a night sky is not a mistake";
    EXPECT_GE(q.colourfulness, 2) << "black and white is not a mistake";
  }
  EXPECT_EQ(enhanced_brightness, std::vector<double>{0.16});
  // Summer has enough photos on enough days for a season collage.
  bool summer = false;
  for (const Idea& idea : ideas) summer |= idea.source == "season:2026-summer";
  EXPECT_TRUE(summer);
}

bool IsPortrait(const Idea& idea) {
  return idea.type == IdeaType::kRestyle &&
         (idea.variant == "background-blur" || idea.variant == "colour-splash");
}

TEST_F(RollFixture, OffersPortraitsOnlyWhereAPersonStandsOut) {
  MakeRoll();
  for (const Idea& idea : Generate()) EXPECT_FALSE(IsPortrait(idea)) << "no models, no portraits";

  // In Porto: a person filling 30% of a photo, one far away (4%), a face close-up (95%), and a
  // better photo of a person that the text detector saw to be a document.
  auto person = [&](size_t i, float w, float h, bool document = false) {
    VisionFacts v;
    v.objects.push_back({"person", 0.8f, NormBox{0.1f, 0.1f, w, h}});
    v.document = document;
    assets_[i].vision = v;
  };
  std::vector<size_t> porto;
  for (size_t i = 0; i < assets_.size(); ++i) {
    if (assets_[i].place && assets_[i].place->city == "Porto" &&
        assets_[i].kind == MediaKind::kPhoto)
      porto.push_back(i);
  }
  ASSERT_GE(porto.size(), 4u);
  person(porto[0], 0.5f, 0.6f);
  person(porto[1], 0.2f, 0.2f);
  person(porto[2], 0.98f, 0.97f);
  person(porto[3], 0.6f, 0.7f, /*document=*/true);
  assets_[porto[2]].quality.score = assets_[porto[3]].quality.score = 0.9;
  std::vector<Idea> portraits;
  for (const Idea& idea : Generate()) {
    if (IsPortrait(idea)) portraits.push_back(idea);
  }
  ASSERT_EQ(portraits.size(), 1u);
  EXPECT_EQ(portraits[0].members, std::vector<size_t>{porto[0]});
  EXPECT_EQ(portraits[0].evidence.front().detail, "a person fills 30% of the photo");
}

TEST_F(RollFixture, ShowsAPersonOverTimeOnlyWithEnoughPhotosAndTime) {
  MakeRoll();
  // Person 7 is in 8 photos from June to August; person 8 in 5 photos of one June week;
  // person 9 in 3 photos months apart.
  std::vector<size_t> june_to_august, one_week, three;
  for (size_t i = 0; i < assets_.size(); ++i) {
    if (assets_[i].kind != MediaKind::kPhoto) continue;
    const std::string day = FormatIso8601(*assets_[i].taken).substr(0, 10);
    if (i % 4 == 0) june_to_august.push_back(i);
    if (day >= "2026-06-01" && day <= "2026-06-07") one_week.push_back(i);
    if (day == "2026-06-02" || day == "2026-07-24" || day == "2026-08-20") three.push_back(i);
  }
  ASSERT_GE(june_to_august.size(), 8u);
  ASSERT_EQ(three.size(), 3u);
  const size_t best = june_to_august[3];
  assets_[best].quality.score = 0.95;
  std::vector<PersonPhotos> people = {
      {7, "Ana", june_to_august}, {8, "", one_week}, {9, "", three}};

  InferMissingOffsets(assets_);
  events_ = FindEvents(assets_);
  IdeaInputs in{.assets = &assets_, .events = &events_, .colours = colours_, .today = 20'697};
  in.people = people;
  std::vector<Idea> found;
  for (const Idea& idea : GenerateIdeas(in)) {
    if (idea.source.rfind("person:", 0) == 0) found.push_back(idea);
  }
  ASSERT_EQ(found.size(), 1u) << "one week, or three photos, are not a person over time";
  const Idea& ana = found[0];
  EXPECT_EQ(ana.source, "person:7");
  EXPECT_EQ(ana.type, IdeaType::kCollage);
  EXPECT_EQ(ana.title, "Ana over time");
  EXPECT_EQ(ana.members.size(), 6u);
  EXPECT_NE(std::find(ana.members.begin(), ana.members.end(), best), ana.members.end())
      << "the best photo of its stretch is shown";
  for (size_t k = 1; k < ana.members.size(); ++k) {
    EXPECT_LT(assets_[ana.members[k - 1]].taken->SortKey(),
              assets_[ana.members[k]].taken->SortKey())
        << "in time order";
    EXPECT_NE(std::find(june_to_august.begin(), june_to_august.end(), ana.members[k]),
              june_to_august.end());
  }
  EXPECT_EQ(CivilFromSeconds(assets_[ana.members.front()].taken->local_seconds).month, 6);
  EXPECT_EQ(CivilFromSeconds(assets_[ana.members.back()].taken->local_seconds).month, 8);
}

TEST_F(RollFixture, KeepsIdsStableAndRanksTheMixFirst) {
  MakeRoll();
  auto a = Generate();
  auto b = Generate();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].id, b[i].id);
  for (size_t i = 1; i < a.size(); ++i) EXPECT_GE(a[i - 1].score, a[i].score - 1e-9);
  std::set<IdeaType> top;
  for (size_t i = 0; i < 4 && i < a.size(); ++i) top.insert(a[i].type);
  EXPECT_GE(top.size(), 3u) << "the top of the list mixes types";
}

TEST_F(RollFixture, NeverShowsADismissedIdeaAgainAndLearnsFromFeedback) {
  MakeRoll();
  auto before = Generate();
  const Idea* collage = nullptr;
  const Idea* recap = nullptr;
  for (const Idea& i : before) {
    if (!collage && i.type == IdeaType::kCollage) collage = &i;
    if (!recap && i.type == IdeaType::kRecap) recap = &i;
  }
  ASSERT_TRUE(collage && recap);
  const std::string dismissed = collage->id;
  auto after = Generate({{collage->id, IdeaType::kCollage, collage->source, false},
                         {recap->id, IdeaType::kRecap, recap->source, true}});
  std::map<std::string, double> old_score, new_score;
  for (const Idea& i : before) old_score[i.id] = i.score - i.score_parts.back().second;
  for (const Idea& i : after) {
    EXPECT_NE(i.id, dismissed);
    new_score[i.id] = i.score - i.score_parts.back().second;  // before re-ranking
  }
  for (const Idea& i : after) {
    if (i.type == IdeaType::kCollage) {
      EXPECT_LT(new_score[i.id], old_score[i.id]) << i.id;
    }
    if (i.type == IdeaType::kRecap && i.source != collage->source) {
      EXPECT_GT(new_score[i.id], old_score[i.id]) << i.id;
    }
  }
  EXPECT_EQ(after.size(), before.size() - 1);
}

TEST_F(RollFixture, RemembersThisDayInEarlierYears) {
  MakeRoll();
  for (const char* t :
       {"2024-09-01T10:00:00+01:00", "2024-09-01T11:00:00+01:00", "2024-08-31T18:00:00+01:00"}) {
    Add(t, kLisbon, "Lisbon");
  }
  auto ideas = Generate();
  const Idea* memory = nullptr;
  for (const Idea& i : ideas) {
    if (i.source == "on-this-day:2024") memory = &i;
  }
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->title, "2 years ago today");
  EXPECT_EQ(memory->members.size(), 3u);
}

TEST(GenerateIdeas, HasNothingToSayAboutAnEmptyRoll) {
  std::vector<AssetFacts> none;
  EventsResult events;
  IdeaInputs in;
  in.assets = &none;
  in.events = &events;
  EXPECT_TRUE(GenerateIdeas(in).empty());
}

}  // namespace
}  // namespace camroll
