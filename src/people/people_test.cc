#include "people/people.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "people/evaluate.h"
#include "people/synthetic.h"

namespace camroll {
namespace {

std::vector<float> Unit(std::vector<float> v) {
  double n = 0;
  for (float x : v) n += x * x;
  for (float& x : v) x = static_cast<float>(x / std::sqrt(n));
  return v;
}

NewFace Face(int64_t id, std::vector<float> embedding, float quality = 0.9f, int size_px = 100) {
  return NewFace{id, Unit(std::move(embedding)), quality, size_px};
}

// Synthetic faces [from, to) as new faces with ids from + 1 ….
std::vector<NewFace> Faces(const SyntheticFaces& s, size_t from, size_t to) {
  std::vector<NewFace> out;
  for (size_t i = from; i < to && i < s.embeddings.size(); ++i) {
    out.push_back({static_cast<int64_t>(i + 1), s.embeddings[i], 0.9f, 100});
  }
  return out;
}

// The person of every face as labels (-1 none), for scoring.
std::vector<int> Labels(const PeopleIndex& index, size_t faces) {
  std::vector<int> labels;
  for (size_t i = 0; i < faces; ++i) {
    const int64_t p = index.PersonOf(static_cast<int64_t>(i + 1));
    labels.push_back(p == 0 ? -1 : static_cast<int>(p));
  }
  return labels;
}

// Two clearly different people in 4-d: three faces of A around x, three of B around y.
// Within a person 0.005–0.01 apart, between them about 1.
PeopleIndex TwoPeople(int64_t& a, int64_t& b) {
  PeopleIndex index;
  auto report = index.Assign({Face(1, {1, 0.05f, 0, 0}), Face(2, {1, -0.05f, 0, 0}),
                              Face(3, {1, 0, 0.05f, 0}), Face(4, {0.05f, 1, 0, 0}),
                              Face(5, {-0.05f, 1, 0, 0}), Face(6, {0, 1, 0, 0.05f})});
  EXPECT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->new_people.size(), 2u);
  a = index.PersonOf(1);
  b = index.PersonOf(4);
  return index;
}

TEST(PeopleIndex, AssignGroupsPendingFacesIntoNewPeople) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  EXPECT_NE(a, 0);
  EXPECT_NE(b, 0);
  EXPECT_NE(a, b);
  EXPECT_EQ(index.FacesOf(a), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(index.FacesOf(b), (std::vector<int64_t>{4, 5, 6}));
  EXPECT_EQ(index.People(), (std::vector<int64_t>{a, b}));
}

TEST(PeopleIndex, MoveOutMakesANewPersonKeptApart) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  // Two wrongly merged people: move B's faces out of the merge.
  ASSERT_TRUE(index.Merge(a, b));
  ASSERT_EQ(index.FacesOf(a).size(), 6u);
  auto moved = index.MoveOut(a, {4, 5, 6});
  ASSERT_TRUE(moved) << moved.error().ToString();
  EXPECT_EQ(index.FacesOf(a), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(index.FacesOf(*moved), (std::vector<int64_t>{4, 5, 6}));
  const auto apart = index.State().apart;
  EXPECT_NE(
      std::find(apart.begin(), apart.end(), std::pair{std::min(a, *moved), std::max(a, *moved)}),
      apart.end());
  EXPECT_FALSE(index.MoveOut(a, {4})) << "face 4 is no longer in a";
  EXPECT_FALSE(index.MoveOut(a, {1, 2, 3})) << "not every face";
  EXPECT_FALSE(index.MoveOut(a, {}));
}

TEST(PeopleIndex, NewFaceJoinsTheNearestPerson) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  auto report = index.Assign({Face(7, {0.05f, 1, 0.05f, 0})});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->joined, 1u);
  EXPECT_TRUE(report->new_people.empty());
  EXPECT_EQ(report->pending, 0u);
  EXPECT_EQ(index.PersonOf(7), b);
}

TEST(PeopleIndex, ALoneFaceStaysPending) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  auto report = index.Assign({Face(7, {0, 0, 1, 0})});  // far from both
  ASSERT_TRUE(report);
  EXPECT_EQ(report->joined, 0u);
  EXPECT_TRUE(report->new_people.empty());
  EXPECT_EQ(report->pending, 1u);
  EXPECT_EQ(index.PersonOf(7), 0);
  // A second face like it makes a person of the two.
  report = index.Assign({Face(8, {0, 0, 1, 0.05f})});
  ASSERT_TRUE(report);
  ASSERT_EQ(report->new_people.size(), 1u);
  EXPECT_EQ(index.FacesOf(report->new_people[0]), (std::vector<int64_t>{7, 8}));
}

TEST(PeopleIndex, AFaceBetweenTwoPeopleWaits) {
  // A around (1,0,1), B around (0,1,1): 0.5 apart. (1,1,2) is 0.134 from both.
  PeopleIndex index;
  ASSERT_TRUE(index.Assign(
      {Face(1, {1, 0, 1}), Face(2, {1, 0.02f, 1}), Face(3, {0, 1, 1}), Face(4, {0.02f, 1, 1})}));
  ASSERT_EQ(index.People().size(), 2u);
  auto report = index.Assign({Face(5, {1, 1, 2})});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->joined, 0u);
  EXPECT_EQ(index.PersonOf(5), 0);
  // Clearly nearer one of them, it joins: (1, 0.5, 1.5) is 0.06 from A and 0.24 from B.
  report = index.Assign({Face(6, {1, 0.5f, 1.5f})});
  ASSERT_TRUE(report);
  EXPECT_EQ(index.PersonOf(6), index.PersonOf(1));
  // Without a margin the first one would have gone to one of them.
  PeopleIndex eager(ClusterParams{.assign_margin = 0});
  ASSERT_TRUE(eager.Assign(
      {Face(1, {1, 0, 1}), Face(2, {1, 0.02f, 1}), Face(3, {0, 1, 1}), Face(4, {0.02f, 1, 1})}));
  ASSERT_TRUE(eager.Assign({Face(5, {1, 1, 2})}));
  EXPECT_NE(eager.PersonOf(5), 0);
}

TEST(PeopleIndex, IneligibleFacesNeverJoinAPerson) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  auto report = index.Assign({Face(7, {1, 0.05f, 0, 0}, 0.1f), Face(8, {1, 0.05f, 0, 0}, 0.9f, 20),
                              Face(9, {1, 0.05f, 0, 0}, 0.9f, 40)});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->ineligible, 2u);
  EXPECT_EQ(index.PersonOf(7), 0);
  EXPECT_EQ(index.PersonOf(8), 0);
  EXPECT_EQ(index.PersonOf(9), a);
  index.Recluster();
  EXPECT_EQ(index.PersonOf(7), 0);
  EXPECT_EQ(index.PersonOf(8), 0);
  EXPECT_EQ(index.face_count(), 9u);
}

TEST(PeopleIndex, AssignRefusesABadBatchWhole) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  struct Case {
    std::vector<NewFace> batch;
    const char* why;
  };
  const float nan = std::nanf("");
  for (Case& c : std::vector<Case>{
           {{Face(7, {1, 0, 0, 0}), Face(1, {1, 0, 0, 0})}, "id already present"},
           {{Face(7, {1, 0, 0, 0}), Face(7, {1, 0, 0, 0})}, "id repeated"},
           {{Face(7, {1, 0, 0, 0}), Face(0, {1, 0, 0, 0})}, "id 0"},
           {{Face(7, {1, 0, 0, 0}), Face(8, {1, 0, 0})}, "other size"},
           {{Face(7, {1, 0, 0, 0}), NewFace{8, {nan, 0, 0, 0}, 1, 100}}, "not finite"},
           {{Face(7, {1, 0, 0, 0}), NewFace{8, {0, 0, 0, 0}, 1, 100}}, "zero"},
       }) {
    auto report = index.Assign(std::move(c.batch));
    ASSERT_FALSE(report) << c.why;
    EXPECT_EQ(report.error().code(), ErrorCode::kInvalidInput) << c.why;
    EXPECT_EQ(index.face_count(), 6u) << c.why;
    EXPECT_EQ(index.PersonOf(7), 0) << c.why;
  }
}

TEST(PeopleIndex, AssignInBatchesKeepsPeopleApart) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const SyntheticFaces s = MakeSyntheticFaces({.seed = seed});
    PeopleIndex index;
    for (size_t at = 0; at < s.embeddings.size(); at += 10) {
      ASSERT_TRUE(index.Assign(Faces(s, at, at + 10)));
    }
    const PairwiseScores batches = ScorePairwise(Labels(index, s.people.size()), s.people);
    EXPECT_EQ(batches.merged, 0u) << "seed " << seed;
    EXPECT_DOUBLE_EQ(batches.precision, 1.0) << "seed " << seed;
    EXPECT_GE(batches.recall, 0.8) << "seed " << seed;

    index.Recluster();
    const PairwiseScores full = ScorePairwise(Labels(index, s.people.size()), s.people);
    EXPECT_EQ(full.merged, 0u) << "seed " << seed;
    EXPECT_GE(full.f1, 0.95) << "seed " << seed;
  }
}

TEST(PeopleIndex, OneBatchMatchesTheBatchRuleAtTheAssignCut) {
  const SyntheticFaces s = MakeSyntheticFaces({.seed = 3});
  PeopleIndex index;
  ASSERT_TRUE(index.Assign(Faces(s, 0, s.embeddings.size())));
  std::vector<FaceRef> refs;
  for (const auto& e : s.embeddings) refs.push_back({e, 0.9f, 100});
  ClusterParams params;
  params.max_distance = params.assign_max_distance;
  const std::vector<int> batch = ClusterFaces(refs, params);
  // Same partition: labels equal up to renaming.
  const std::vector<int> mine = Labels(index, s.people.size());
  std::map<int, int> rename;
  for (size_t i = 0; i < batch.size(); ++i) {
    ASSERT_EQ(batch[i] < 0, mine[i] < 0) << i;
    if (batch[i] < 0) continue;
    auto [it, added] = rename.emplace(batch[i], mine[i]);
    EXPECT_EQ(it->second, mine[i]) << i;
  }
}

TEST(PeopleIndex, RemovedFaceNeverGoesBackToThatPerson) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  ASSERT_TRUE(index.RemoveFace(a, 2));
  EXPECT_EQ(index.PersonOf(2), 0);
  EXPECT_EQ(index.FacesOf(a), (std::vector<int64_t>{1, 3}));
  ASSERT_TRUE(index.Assign({Face(7, {1, 0, 0.02f, 0})}));  // retries pending faces too
  EXPECT_EQ(index.PersonOf(2), 0);
  EXPECT_EQ(index.PersonOf(7), a);
  const ReclusterReport r = index.Recluster();
  EXPECT_EQ(r.kept, (std::vector<int64_t>{a, b}));
  EXPECT_NE(index.PersonOf(2), a);
  EXPECT_EQ(index.PersonOf(1), a);
  EXPECT_EQ(index.State().faces[1].rejected, (std::vector<int64_t>{a}));
}

TEST(PeopleIndex, RemoveFaceChecksItsArguments) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  EXPECT_EQ(index.RemoveFace(a, 4).error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(index.RemoveFace(a, 99).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(index.RemoveFace(99, 1).error().code(), ErrorCode::kNotFound);
}

TEST(PeopleIndex, APersonLeftWithoutFacesGoesAndItsIdIsNotReused) {
  PeopleIndex index;
  ASSERT_TRUE(index.Assign({Face(1, {1, 0, 0}), Face(2, {1, 0.05f, 0})}));
  const int64_t a = index.PersonOf(1);
  ASSERT_TRUE(index.RemoveFace(a, 1));
  ASSERT_TRUE(index.RemoveFace(a, 2));
  EXPECT_TRUE(index.People().empty());
  // The two removed faces are alike: not A, but someone, and they group again under a new id.
  ASSERT_TRUE(index.Assign({Face(3, {0, 1, 0}), Face(4, {0, 1, 0.05f})}));
  ASSERT_EQ(index.People().size(), 2u);
  EXPECT_GT(index.People()[0], a);
  EXPECT_EQ(index.FacesOf(index.PersonOf(1)), (std::vector<int64_t>{1, 2}));
}

TEST(PeopleIndex, NameAndHideAreKeptByAssignAndRecluster) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  ASSERT_TRUE(index.Name(a, "Ana"));
  ASSERT_TRUE(index.Hide(b, true));
  ASSERT_TRUE(index.Assign({Face(7, {0, 1, 0.05f, 0})}));
  EXPECT_EQ(index.PersonOf(7), b);  // hidden persons still get their faces
  index.Recluster();
  auto pa = index.Person(a);
  auto pb = index.Person(b);
  ASSERT_TRUE(pa);
  ASSERT_TRUE(pb);
  EXPECT_EQ(pa->name, "Ana");
  EXPECT_TRUE(pb->hidden);
  EXPECT_FALSE(pa->hidden);
  EXPECT_EQ(index.FacesOf(b), (std::vector<int64_t>{4, 5, 6, 7}));
  EXPECT_EQ(index.Name(99, "x").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(index.Hide(99, true).error().code(), ErrorCode::kNotFound);
}

TEST(PeopleIndex, SplitUndoesAMerge) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  ASSERT_TRUE(index.Name(b, "Bo"));
  ASSERT_TRUE(index.Hide(b, true));
  ASSERT_TRUE(index.Merge(a, b));
  EXPECT_EQ(index.People(), (std::vector<int64_t>{a}));
  EXPECT_EQ(index.FacesOf(a), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(index.Person(a)->name, "Bo");  // takes the name it lacked
  EXPECT_FALSE(index.Person(a)->hidden);   // keeps its own flag
  EXPECT_FALSE(index.Person(b));

  auto restored = index.Split(a);
  ASSERT_TRUE(restored) << restored.error().ToString();
  EXPECT_EQ(*restored, b);
  EXPECT_EQ(index.FacesOf(a), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(index.FacesOf(b), (std::vector<int64_t>{4, 5, 6}));
  EXPECT_EQ(index.Person(a)->name, "");
  EXPECT_EQ(index.Person(b)->name, "Bo");
  EXPECT_TRUE(index.Person(b)->hidden);
  EXPECT_EQ(index.State().apart, (std::vector<std::pair<int64_t, int64_t>>{{a, b}}));

  EXPECT_EQ(index.Split(a).error().code(), ErrorCode::kNotFound);  // nothing left to undo
}

TEST(PeopleIndex, SplitUndoesTheNewestMergeFirst) {
  PeopleIndex index;
  ASSERT_TRUE(index.Assign({Face(1, {1, 0, 0}), Face(2, {1, 0.05f, 0}), Face(3, {0, 1, 0}),
                            Face(4, {0, 1, 0.05f}), Face(5, {0, 0, 1}), Face(6, {0.05f, 0, 1})}));
  const int64_t a = index.PersonOf(1);
  const int64_t b = index.PersonOf(3);
  const int64_t c = index.PersonOf(5);
  ASSERT_TRUE(index.Merge(a, b));
  ASSERT_TRUE(index.Merge(a, c));
  EXPECT_EQ(*index.Split(a), c);
  EXPECT_EQ(index.FacesOf(a), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(*index.Split(a), b);
  EXPECT_EQ(index.FacesOf(a), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(index.FacesOf(b), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(index.FacesOf(c), (std::vector<int64_t>{5, 6}));
}

TEST(PeopleIndex, MergeChecksItsArguments) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  EXPECT_EQ(index.Merge(a, a).error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(index.Merge(a, 99).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(index.Merge(99, a).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(index.People().size(), 2u);
}

TEST(PeopleIndex, MergeDropsFacesTheOwnerRemovedFromEither) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  // Face 7 was removed from A once and is now in B (the owner or an earlier rule put it there).
  PeopleState state = index.State();
  state.faces.push_back({7, b, Unit({0.1f, 1, 0, 0}), 0.9f, 100, {a}});
  auto loaded = PeopleIndex::FromState(state);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_TRUE(loaded->Merge(a, b));
  EXPECT_EQ(loaded->PersonOf(7), 0);
  EXPECT_EQ(loaded->FacesOf(a), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  // And no later Assign puts it back: A now stands for B too.
  ASSERT_TRUE(loaded->Assign({Face(8, {0, 0, 0, 1})}));
  EXPECT_EQ(loaded->PersonOf(7), 0);
  // Undoing the merge gives it back to B.
  ASSERT_TRUE(loaded->Split(a));
  EXPECT_EQ(loaded->PersonOf(7), b);
}

// Persons 1 and 2 hold faces of one true person (0.02–0.04 apart): a Recluster joins them unless
// the owner said otherwise.
PeopleState SplitPerson() {
  PeopleState state;
  state.people = {{1, "", false}, {2, "", false}, {3, "", false}};
  state.faces = {{1, 1, Unit({1, 0.05f, 0, 0}), 0.9f, 100, {}},
                 {2, 1, Unit({1, 0, 0.05f, 0}), 0.9f, 100, {}},
                 {3, 1, Unit({1, 0.05f, 0.05f, 0}), 0.9f, 100, {}},
                 {4, 2, Unit({1, -0.05f, 0, 0}), 0.9f, 100, {}},
                 {5, 2, Unit({1, 0, -0.05f, 0}), 0.9f, 100, {}},
                 {6, 3, Unit({0, 0, 0, 1}), 0.9f, 100, {}},
                 {7, 3, Unit({0, 0, 0.05f, 1}), 0.9f, 100, {}}};
  state.next_person_id = 4;
  return state;
}

TEST(PeopleIndex, ReclusterJoinsASplitPersonUnderTheMajorityId) {
  auto index = PeopleIndex::FromState(SplitPerson());
  ASSERT_TRUE(index);
  const ReclusterReport r = index->Recluster();
  EXPECT_EQ(r.kept, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(r.removed, (std::vector<int64_t>{2}));
  EXPECT_TRUE(r.created.empty());
  EXPECT_EQ(index->FacesOf(1), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(index->FacesOf(3), (std::vector<int64_t>{6, 7}));
}

TEST(PeopleIndex, ReclusterGivesANewIdWhenNoOldPersonHoldsTheMajority) {
  // Faces 1..5 are one cluster; 2 of them were person 1's, 3 had no person: person 1 holds 2 of 5.
  PeopleState state = SplitPerson();
  state.faces[2].person = 0;
  state.faces[3].person = 0;
  state.faces[4].person = 0;
  state.people.erase(state.people.begin() + 1);
  auto index = PeopleIndex::FromState(state);
  ASSERT_TRUE(index) << index.error().ToString();
  const ReclusterReport r = index->Recluster();
  EXPECT_EQ(r.kept, (std::vector<int64_t>{3}));
  EXPECT_EQ(r.removed, (std::vector<int64_t>{1}));
  ASSERT_EQ(r.created, (std::vector<int64_t>{4}));
  EXPECT_EQ(index->FacesOf(4), (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST(PeopleIndex, ReclusterGivesANamedPersonItsCluster) {
  PeopleState state = SplitPerson();
  state.people[1].name = "Ana";  // the minority part
  auto index = PeopleIndex::FromState(state);
  ASSERT_TRUE(index);
  const ReclusterReport r = index->Recluster();
  EXPECT_EQ(r.removed, (std::vector<int64_t>{1}));
  EXPECT_EQ(index->FacesOf(2), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(index->Person(2)->name, "Ana");
}

TEST(PeopleIndex, ReclusterNeverJoinsPeopleTheOwnerKeptApart) {
  PeopleState apart = SplitPerson();
  apart.apart = {{1, 2}};
  auto index = PeopleIndex::FromState(apart);
  ASSERT_TRUE(index);
  index->Recluster();
  EXPECT_EQ(index->FacesOf(1), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(index->FacesOf(2), (std::vector<int64_t>{4, 5}));

  PeopleState named = SplitPerson();
  named.people[0].name = "Ana";
  named.people[1].name = "Bea";
  index = PeopleIndex::FromState(named);
  ASSERT_TRUE(index);
  index->Recluster();
  EXPECT_EQ(index->FacesOf(1), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(index->FacesOf(2), (std::vector<int64_t>{4, 5}));
}

TEST(PeopleIndex, ReclusterKeepsTheOwnersMerge) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);  // about 1 apart: never joined by linkage
  ASSERT_TRUE(index.Merge(b, a));
  const ReclusterReport r = index.Recluster();
  EXPECT_EQ(r.kept, (std::vector<int64_t>{b}));
  EXPECT_EQ(index.FacesOf(b), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  // The history survives too: the merge can still be undone.
  EXPECT_EQ(*index.Split(b), a);
  EXPECT_EQ(index.FacesOf(a), (std::vector<int64_t>{1, 2, 3}));
}

TEST(PeopleIndex, ReclusterKeepsIdsOfAStableLibrary) {
  const SyntheticFaces s = MakeSyntheticFaces({.seed = 4});
  PeopleIndex index;
  for (size_t at = 0; at < s.embeddings.size(); at += 10) {
    ASSERT_TRUE(index.Assign(Faces(s, at, at + 10)));
  }
  const std::vector<int64_t> assigned = index.People();
  ReclusterReport first = index.Recluster();
  EXPECT_FALSE(first.kept.empty());
  for (int64_t id : first.kept) EXPECT_TRUE(std::ranges::binary_search(assigned, id)) << id;
  // A second Recluster finds the same clusters and changes nothing.
  const std::vector<int64_t> before = index.People();
  ASSERT_TRUE(index.Name(before[0], "Ana"));
  const std::vector<int> labels_before = Labels(index, s.people.size());
  const ReclusterReport r = index.Recluster();
  EXPECT_EQ(r.kept, before);
  EXPECT_TRUE(r.created.empty());
  EXPECT_TRUE(r.removed.empty());
  EXPECT_EQ(Labels(index, s.people.size()), labels_before);
  EXPECT_EQ(index.Person(before[0])->name, "Ana");
}

TEST(PeopleIndex, StateRoundTrips) {
  int64_t a = 0;
  int64_t b = 0;
  PeopleIndex index = TwoPeople(a, b);
  ASSERT_TRUE(index.Assign({Face(7, {0, 0, 1, 0}), Face(8, {0, 0, 1, 0}, 0.1f)}));
  ASSERT_TRUE(index.Name(a, "Ana"));
  ASSERT_TRUE(index.RemoveFace(a, 3));
  ASSERT_TRUE(index.Merge(b, a));
  ASSERT_TRUE(index.Split(b));
  ASSERT_TRUE(index.Merge(a, b));
  const PeopleState state = index.State();
  auto loaded = PeopleIndex::FromState(state);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  const PeopleState again = loaded->State();

  ASSERT_EQ(again.people.size(), state.people.size());
  for (size_t i = 0; i < state.people.size(); ++i) {
    EXPECT_EQ(again.people[i].id, state.people[i].id);
    EXPECT_EQ(again.people[i].name, state.people[i].name);
    EXPECT_EQ(again.people[i].hidden, state.people[i].hidden);
  }
  ASSERT_EQ(again.faces.size(), state.faces.size());
  for (size_t i = 0; i < state.faces.size(); ++i) {
    EXPECT_EQ(again.faces[i].id, state.faces[i].id);
    EXPECT_EQ(again.faces[i].person, state.faces[i].person);
    EXPECT_EQ(again.faces[i].embedding, state.faces[i].embedding);
    EXPECT_EQ(again.faces[i].rejected, state.faces[i].rejected);
    EXPECT_EQ(again.faces[i].quality, state.faces[i].quality);
    EXPECT_EQ(again.faces[i].size_px, state.faces[i].size_px);
  }
  ASSERT_EQ(again.merges.size(), 1u);
  EXPECT_EQ(again.merges[0].into, a);
  EXPECT_EQ(again.merges[0].from, b);
  EXPECT_EQ(again.merges[0].from_faces, state.merges[0].from_faces);
  EXPECT_EQ(again.apart, state.apart);
  EXPECT_EQ(again.next_person_id, state.next_person_id);
  // And it behaves the same: the merge can be undone after loading.
  EXPECT_EQ(*loaded->Split(a), b);
}

TEST(PeopleIndex, FromStateRefusesInconsistentState) {
  const PeopleState good = SplitPerson();
  ASSERT_TRUE(PeopleIndex::FromState(good));
  struct Case {
    PeopleState state;
    const char* why;
  };
  std::vector<Case> cases;
  cases.push_back({good, "face in a person that does not exist"});
  cases.back().state.faces[0].person = 9;
  cases.push_back({good, "face twice"});
  cases.back().state.faces[1].id = 1;
  cases.push_back({good, "person twice"});
  cases.back().state.people[1].id = 1;
  cases.push_back({good, "embedding of another size"});
  cases.back().state.faces[2].embedding = {1, 0, 0};
  cases.push_back({good, "merge into nobody"});
  cases.back().state.merges.push_back({9, 8, "", false, "", {}});
  cases.push_back({good, "merge from a live person"});
  cases.back().state.merges.push_back({1, 2, "", false, "", {}});
  cases.push_back({good, "apart from itself"});
  cases.back().state.apart.push_back({1, 1});
  for (Case& c : cases) {
    auto index = PeopleIndex::FromState(c.state);
    ASSERT_FALSE(index) << c.why;
    EXPECT_EQ(index.error().code(), ErrorCode::kInvalidInput) << c.why;
  }
}

TEST(PeopleIndex, FromStateNeverReusesAnId) {
  PeopleState state = SplitPerson();
  state.next_person_id = 1;        // stale
  state.faces[5].rejected = {12};  // a person deleted long ago
  auto index = PeopleIndex::FromState(state);
  ASSERT_TRUE(index);
  EXPECT_EQ(index->State().next_person_id, 13);
}

}  // namespace
}  // namespace camroll
