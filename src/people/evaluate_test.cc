#include "people/evaluate.h"

#include <gtest/gtest.h>

namespace camroll {
namespace {

TEST(ScorePairwise, IsPerfectForTheTruth) {
  const std::vector<int> truth{0, 0, 1, 1, 1, 2};
  const PairwiseScores s = ScorePairwise(truth, truth);
  EXPECT_DOUBLE_EQ(s.precision, 1);
  EXPECT_DOUBLE_EQ(s.recall, 1);
  EXPECT_DOUBLE_EQ(s.f1, 1);
  EXPECT_EQ(s.true_pairs, 4u);
  EXPECT_EQ(s.clusters, 3u);
  EXPECT_EQ(s.true_people, 3u);
  EXPECT_EQ(s.merged, 0u);
  EXPECT_EQ(s.unassigned, 0u);
}

TEST(ScorePairwise, CountsPairsByHand) {
  // Truth: {0,1,2} and {3,4}: 3 + 1 = 4 true pairs. Predicted: {0,1}, {2,3}, 4 unassigned:
  // 2 pairs, of which (0,1) is right. P 1/2, R 1/4, F1 1/3; cluster {2,3} mixes two people.
  const PairwiseScores s =
      ScorePairwise(std::vector<int>{0, 0, 1, 1, -1}, std::vector<int>{0, 0, 0, 1, 1});
  EXPECT_EQ(s.predicted_pairs, 2u);
  EXPECT_EQ(s.true_pairs, 4u);
  EXPECT_EQ(s.correct_pairs, 1u);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.recall, 0.25);
  EXPECT_NEAR(s.f1, 1.0 / 3, 1e-12);
  EXPECT_EQ(s.clusters, 2u);
  EXPECT_EQ(s.merged, 1u);
  EXPECT_EQ(s.unassigned, 1u);
}

TEST(ScorePairwise, OneBigClusterHasFullRecallAndLowPrecision) {
  // 6 predicted pairs, 2 true ones, both found.
  const PairwiseScores s =
      ScorePairwise(std::vector<int>{5, 5, 5, 5}, std::vector<int>{0, 0, 1, 1});
  EXPECT_NEAR(s.precision, 1.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(s.recall, 1);
  EXPECT_DOUBLE_EQ(s.f1, 0.5);
  EXPECT_EQ(s.merged, 1u);
}

TEST(ScorePairwise, UnassignedFacesPairWithNothing) {
  const PairwiseScores s =
      ScorePairwise(std::vector<int>{-1, -1, -1, -1}, std::vector<int>{0, 0, 1, 1});
  EXPECT_EQ(s.predicted_pairs, 0u);
  EXPECT_DOUBLE_EQ(s.precision, 1);  // nothing claimed, nothing wrong
  EXPECT_DOUBLE_EQ(s.recall, 0);
  EXPECT_DOUBLE_EQ(s.f1, 0);
  EXPECT_EQ(s.clusters, 0u);
  EXPECT_EQ(s.unassigned, 4u);
}

TEST(ParseLabelledFaces, ReadsLinesWithOptionalFields) {
  const auto faces = ParseLabelledFaces(
      "{\"file\": \"a.jpg\", \"person\": \"ana\", \"embedding\": [0.6, 0.8]}\n"
      "\n"
      "{\"file\": \"b.jpg\", \"person\": null, \"embedding\": [1, 0], \"quality\": 0.5, "
      "\"size_px\": 64}\r\n");
  ASSERT_TRUE(faces) << faces.error().ToString();
  ASSERT_EQ(faces->size(), 2u);
  EXPECT_EQ((*faces)[0].file, "a.jpg");
  EXPECT_EQ((*faces)[0].person, "ana");
  EXPECT_EQ((*faces)[0].embedding, (std::vector<float>{0.6f, 0.8f}));
  EXPECT_FLOAT_EQ((*faces)[0].quality, 1);
  EXPECT_EQ((*faces)[0].size_px, std::numeric_limits<int>::max());
  EXPECT_EQ((*faces)[1].person, "");
  EXPECT_FLOAT_EQ((*faces)[1].quality, 0.5f);
  EXPECT_EQ((*faces)[1].size_px, 64);
}

TEST(ParseLabelledFaces, NamesTheLineOfAnError) {
  const char* good = "{\"person\": \"a\", \"embedding\": [1, 0]}\n";
  struct Case {
    std::string second_line;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"{\"person\": \"a\", \"embedding\": [1, 0, 0]}", "3 numbers"},
           {"{\"person\": \"a\"}", "no \"embedding\""},
           {"{\"person\": \"a\", \"embedding\": [1, \"x\"]}", "non-number"},
           {"{\"person\": \"a\", \"embedding\": [0, 0]}", "zero"},
           {"{\"person\": 3, \"embedding\": [1, 0]}", "person"},
           {"[1, 2]", "not a JSON object"},
           {"{\"person\": \"a\", \"embedding\": [1, 0]", "line 2"},
       }) {
    const auto faces = ParseLabelledFaces(good + c.second_line + "\n");
    ASSERT_FALSE(faces) << c.second_line;
    EXPECT_EQ(faces.error().code(), ErrorCode::kInvalidInput);
    EXPECT_NE(faces.error().message().find("line 2"), std::string::npos) << faces.error().message();
    EXPECT_NE(faces.error().message().find(c.says), std::string::npos) << faces.error().message();
  }
}

TEST(ParseLabelledFaces, ReadsBackWhatToJsonLineWrites) {
  LabelledFace face{"x.jpg", "bo", {0.25f, -0.5f, 0.125f}, 0.75f, 80};
  const auto back = ParseLabelledFaces(ToJsonLine(face));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].file, face.file);
  EXPECT_EQ((*back)[0].person, face.person);
  EXPECT_EQ((*back)[0].embedding, face.embedding);
  EXPECT_FLOAT_EQ((*back)[0].quality, face.quality);
  EXPECT_EQ((*back)[0].size_px, face.size_px);
}

TEST(TruthLabels, NumbersPeopleByFirstFaceAndUnlabelledFacesAlone) {
  std::vector<LabelledFace> faces(5);
  faces[0].person = "bo";
  faces[1].person = "ana";
  faces[2].person = "bo";
  faces[3].person = "";
  faces[4].person = "";
  EXPECT_EQ(TruthLabels(faces), (std::vector<int>{0, 1, 0, 2, 3}));
}

}  // namespace
}  // namespace camroll
