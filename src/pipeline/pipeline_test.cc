#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "testing/testing.h"

namespace camroll {
namespace {

// Half an evening of the generated sample roll: three photos of one event (too few for a recap
// video, which would take most of the test's time to render).
constexpr const char* kBirthday[] = {
    "PXL_20260418_200512345.jpg",
    "PXL_20260418_203148102.jpg",
    "PXL_20260418_210227760.jpg",
};

// Each call the pipeline made to on_progress.
struct ProgressCall {
  std::string stage;
  size_t done = 0, total = 0;
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "no-models");
    std::filesystem::create_directories(roll());
  }

  std::filesystem::path roll() const { return dir_ / "roll"; }
  std::filesystem::path data() const { return dir_ / "data"; }

  // Copies the birthday photos into the roll; false when the sample roll was not generated.
  bool AddBirthday() {
    const auto sample = testing::SampleRoll();
    if (sample.empty()) return false;
    for (const char* name : kBirthday) {
      std::filesystem::copy_file(sample / "roll/DCIM/Camera" / name, roll() / name);
    }
    return true;
  }

  // Without models (an empty models folder), so that the run is the same on every machine.
  PipelineOptions Options() {
    PipelineOptions options;
    options.data_dir = data();
    options.roll = roll();
    options.threads = 2;
    options.models_dir = dir_ / "no-models";
    options.render_top = 1;
    options.on_progress = [this](std::string_view stage, size_t done, size_t total, double,
                                 std::string_view) {
      std::lock_guard lock(mu_);
      calls_.push_back({std::string(stage), done, total});
    };
    return options;
  }

  // The last progress call of a stage (a default one when there was none).
  ProgressCall Last(const std::string& stage) {
    std::lock_guard lock(mu_);
    ProgressCall last;
    for (const ProgressCall& c : calls_) {
      if (c.stage == stage) last = c;
    }
    return last;
  }

  testing::TempDir dir_;
  std::mutex mu_;
  std::vector<ProgressCall> calls_;
};

TEST_F(PipelineTest, SuggestStoresRankedIdeasAndTheFilesOfTheChosenOnes) {
  if (!AddBirthday()) GTEST_SKIP() << "the sample roll was not generated";
  auto run = Suggest(Options());
  ASSERT_TRUE(run) << run.error().ToString();
  EXPECT_EQ(run->scan.stats.files, 3u);
  EXPECT_EQ(run->scan.stats.analysed, 3u);
  EXPECT_FALSE(run->scan.models);
  EXPECT_FALSE(run->scan.face_grouping);
  EXPECT_TRUE(run->people.empty());
  ASSERT_EQ(run->model.events.events.size(), 1u);
  EXPECT_EQ(run->model.events.events[0].members.size(), 3u);
  ASSERT_FALSE(run->ideas.empty());
  ASSERT_FALSE(run->rendered.empty());
  // The best idea and the best of every other type (render_top = 1) were made; without the
  // models no portrait restyle is proposed, so none of them is refused.
  const std::vector<size_t> chosen = ChooseRenders(run->ideas, 1);
  EXPECT_EQ(run->rendered.size(), chosen.size());
  for (size_t i : chosen) EXPECT_TRUE(run->rendered.count(run->ideas[i].id)) << run->ideas[i].id;

  // What the catalog holds: the same ideas in the same order, with the rendered files.
  auto catalog = OpenCatalog(data());
  ASSERT_TRUE(catalog) << catalog.error().ToString();
  auto stored = (*catalog)->LoadIdeas(run->model.roll_id);
  ASSERT_TRUE(stored) << stored.error().ToString();
  ASSERT_EQ(stored->size(), run->ideas.size());
  size_t with_files = 0;
  for (size_t i = 0; i < stored->size(); ++i) {
    const StoredIdea& s = (*stored)[i];
    EXPECT_EQ(s.id, run->ideas[i].id);
    auto rendered = run->rendered.find(s.id);
    if (rendered == run->rendered.end()) {
      EXPECT_TRUE(s.files.empty()) << s.id;
      continue;
    }
    ++with_files;
    EXPECT_EQ(s.files, rendered->second) << s.id;
    ASSERT_FALSE(s.files.empty()) << s.id;
    for (const std::string& f : s.files) {
      EXPECT_TRUE(std::filesystem::is_regular_file(data() / f)) << f;
      EXPECT_GT(std::filesystem::file_size(data() / f), 0u) << f;
    }
  }
  EXPECT_EQ(with_files, run->rendered.size());

  // Each stage that had work ended with done == total.
  const ProgressCall scanning = Last("scanning");
  EXPECT_EQ(scanning.total, 3u);
  EXPECT_EQ(scanning.done, 3u);
  const ProgressCall rendering = Last("rendering");
  EXPECT_EQ(rendering.total, chosen.size());
  EXPECT_EQ(rendering.done, chosen.size());
  EXPECT_EQ(Last("looking").total, 0u) << "no models, nothing to look at";
}

TEST_F(PipelineTest, SecondSuggestOnAnUnchangedRollAnalysesNothing) {
  if (!AddBirthday()) GTEST_SKIP() << "the sample roll was not generated";
  PipelineOptions options = Options();
  options.no_render = true;
  auto first = Suggest(options);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_TRUE(first->rendered.empty()) << "no_render";
  calls_.clear();

  auto second = Suggest(options);
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(second->scan.stats.files, 3u);
  EXPECT_EQ(second->scan.stats.unchanged, second->scan.stats.files);
  EXPECT_EQ(second->scan.stats.analysed, 0u);
  EXPECT_EQ(second->scan.stats.reused, 0u);
  EXPECT_EQ(Last("scanning").total, 0u) << "nothing to scan, no progress";
  ASSERT_EQ(second->ideas.size(), first->ideas.size());
  for (size_t i = 0; i < first->ideas.size(); ++i) {
    EXPECT_EQ(second->ideas[i].id, first->ideas[i].id) << "ideas ids are stable";
  }
}

TEST_F(PipelineTest, FaceGroupingWithoutModelsFailsUnlessAllowed) {
  PipelineOptions options = Options();
  options.faces = PipelineOptions::Faces::kOn;
  auto refused = ScanRoll(options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound) << refused.error().ToString();

  options.require_models_for_faces = false;
  auto allowed = ScanRoll(options);
  ASSERT_TRUE(allowed) << allowed.error().ToString();
  EXPECT_TRUE(allowed->scan.face_grouping);
  EXPECT_FALSE(allowed->scan.models);
  EXPECT_EQ(allowed->scan.faces_deleted, -1);
}

TEST_F(PipelineTest, FacesOffSwitchesGroupingOffAndPurges) {
  PipelineOptions options = Options();
  options.faces = PipelineOptions::Faces::kOn;
  options.require_models_for_faces = false;
  ASSERT_TRUE(ScanRoll(options));
  options.faces = PipelineOptions::Faces::kKeep;
  auto kept = ScanRoll(options);
  ASSERT_TRUE(kept) << kept.error().ToString();
  EXPECT_TRUE(kept->scan.face_grouping) << "kKeep keeps the stored switch";

  options.faces = PipelineOptions::Faces::kOff;
  auto off = ScanRoll(options);
  ASSERT_TRUE(off) << off.error().ToString();
  EXPECT_FALSE(off->scan.face_grouping);
  EXPECT_EQ(off->scan.faces_deleted, 0);
  auto setting = off->catalog->Setting(kFaceGroupingKey);
  ASSERT_TRUE(setting);
  ASSERT_TRUE(*setting);
  EXPECT_EQ(**setting, "off");
}

TEST_F(PipelineTest, ARunThatMayNotGoOnStopsBetweenStages) {
  if (!AddBirthday()) GTEST_SKIP() << "the sample roll was not generated";
  PipelineOptions options = Options();
  // Allowed for the scan, withdrawn afterwards (as a server's owner switching consent off).
  int asked = 0;
  options.keep_going = [&asked] { return ++asked <= 1; };
  auto run = Suggest(options);
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code(), ErrorCode::kPermission);
  auto catalog = OpenCatalog(options.data_dir);
  ASSERT_TRUE(catalog);
  auto roll = (*catalog)->EnsureRoll(std::filesystem::weakly_canonical(options.roll).string());
  ASSERT_TRUE(roll);
  auto ideas = (*catalog)->LoadIdeas(*roll);
  ASSERT_TRUE(ideas);
  EXPECT_TRUE(ideas->empty()) << "no ideas were made after the stop";
  EXPECT_EQ(Last("rendering").total, 0u) << "nothing rendered";
}

TEST_F(PipelineTest, RefusesAnEmptyDataFolder) {
  PipelineOptions options = Options();
  options.data_dir.clear();
  auto session = ScanRoll(options);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code(), ErrorCode::kInvalidInput);
}

TEST(ChooseRenders, TheBestTopAndTheBestOfEveryOtherType) {
  std::vector<Idea> ideas(5);
  ideas[0].type = IdeaType::kCollage;
  ideas[1].type = IdeaType::kCollage;
  ideas[2].type = IdeaType::kRecap;
  ideas[3].type = IdeaType::kRecap;
  ideas[4].type = IdeaType::kTheme;
  EXPECT_EQ(ChooseRenders(ideas, 1), (std::vector<size_t>{0, 2, 4}));
  EXPECT_EQ(ChooseRenders(ideas, 2), (std::vector<size_t>{0, 1, 2, 4}));
  EXPECT_EQ(ChooseRenders(ideas, 0), (std::vector<size_t>{0, 2, 4}));
  EXPECT_EQ(ChooseRenders(ideas, 5).size(), 5u);
  EXPECT_TRUE(ChooseRenders({}, 3).empty());
}

}  // namespace
}  // namespace camroll
