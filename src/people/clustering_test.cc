#include "people/clustering.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "people/evaluate.h"
#include "people/synthetic.h"

namespace camroll {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

DistanceMatrix Matrix(size_t n, std::initializer_list<std::tuple<size_t, size_t, float>> pairs,
                      float others) {
  DistanceMatrix d(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) d.set(i, j, others);
  }
  for (auto [i, j, v] : pairs) d.set(i, j, v);
  return d;
}

// The textbook algorithm, O(n³): merge the closest pair of clusters while it is within the cut,
// with linkage computed from the original distances.
std::vector<int> Reference(const DistanceMatrix& d, Linkage linkage, float cut) {
  std::vector<std::vector<size_t>> clusters;
  for (size_t i = 0; i < d.size(); ++i) clusters.push_back({i});
  auto link = [&](const std::vector<size_t>& a, const std::vector<size_t>& b) {
    double sum = 0;
    double most = 0;
    for (size_t x : a) {
      for (size_t y : b) {
        sum += d.at(x, y);
        most = std::max<double>(most, d.at(x, y));
      }
    }
    return linkage == Linkage::kComplete ? most : sum / (a.size() * b.size());
  };
  while (clusters.size() > 1) {
    double best = std::numeric_limits<double>::infinity();
    size_t bi = 0;
    size_t bj = 0;
    for (size_t i = 0; i < clusters.size(); ++i) {
      for (size_t j = i + 1; j < clusters.size(); ++j) {
        const double l = link(clusters[i], clusters[j]);
        if (l < best) {
          best = l;
          bi = i;
          bj = j;
        }
      }
    }
    if (best > cut) break;
    clusters[bi].insert(clusters[bi].end(), clusters[bj].begin(), clusters[bj].end());
    clusters.erase(clusters.begin() + bj);
  }
  std::vector<int> raw(d.size());
  for (size_t c = 0; c < clusters.size(); ++c) {
    for (size_t i : clusters[c])
      raw[i] = static_cast<int>(*std::min_element(clusters[c].begin(), clusters[c].end()));
  }
  // Number by first appearance, as the library does.
  std::vector<int> out(raw.size());
  std::vector<int> map(raw.size(), -1);
  int next = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (map[raw[i]] < 0) map[raw[i]] = next++;
    out[i] = map[raw[i]];
  }
  return out;
}

size_t Clusters(const std::vector<int>& labels) {
  int most = -1;
  for (int l : labels) most = std::max(most, l);
  return static_cast<size_t>(most + 1);
}

TEST(CosineDistance, IsOneMinusTheDotProduct) {
  const std::vector<float> x{1, 0, 0};
  const std::vector<float> y{0, 1, 0};
  const std::vector<float> minus_x{-1, 0, 0};
  const float s = std::sqrt(0.5f);
  const std::vector<float> xy{s, s, 0};
  EXPECT_FLOAT_EQ(CosineDistance(x, x), 0);
  EXPECT_FLOAT_EQ(CosineDistance(x, y), 1);
  EXPECT_FLOAT_EQ(CosineDistance(x, minus_x), 2);
  EXPECT_NEAR(CosineDistance(x, xy), 1 - s, 1e-6);
  // Long enough for the unrolled loop and its tail.
  std::vector<float> a(1027, 0);
  std::vector<float> b(1027, 0);
  a[1026] = 1;
  b[1026] = 1;
  EXPECT_FLOAT_EQ(CosineDistance(a, b), 0);
  b[1026] = 0;
  b[3] = 1;
  EXPECT_FLOAT_EQ(CosineDistance(a, b), 1);
}

TEST(DistanceMatrix, IsSymmetricWithZeroDiagonal) {
  DistanceMatrix d(4);
  d.set(0, 3, 0.5f);
  d.set(2, 1, 0.25f);
  EXPECT_FLOAT_EQ(d.at(3, 0), 0.5f);
  EXPECT_FLOAT_EQ(d.at(1, 2), 0.25f);
  EXPECT_FLOAT_EQ(d.at(2, 2), 0);
  EXPECT_FLOAT_EQ(d.at(0, 1), 0);

  const std::vector<std::vector<float>> e{{1, 0}, {0, 1}, {-1, 0}};
  const DistanceMatrix m = DistanceMatrix::FromEmbeddings(Views(e));
  EXPECT_EQ(m.size(), 3u);
  EXPECT_FLOAT_EQ(m.at(0, 1), 1);
  EXPECT_FLOAT_EQ(m.at(2, 0), 2);
  EXPECT_FLOAT_EQ(m.at(1, 2), 1);
}

// {0,1} at 0.1, {2,3} at 0.2; between them 0.5, 0.6, 0.4, 0.7: average 0.55, complete 0.7,
// single 0.4.
DistanceMatrix TwoPairs() {
  return Matrix(
      4, {{0, 1, 0.1f}, {2, 3, 0.2f}, {0, 2, 0.5f}, {0, 3, 0.6f}, {1, 2, 0.4f}, {1, 3, 0.7f}},
      1.0f);
}

TEST(Agglomerate, AverageLinkageCutsAtTheMeanDistance) {
  EXPECT_EQ(Agglomerate(TwoPairs(), Linkage::kAverage, 0.05f), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(Agglomerate(TwoPairs(), Linkage::kAverage, 0.15f), (std::vector<int>{0, 0, 1, 2}));
  EXPECT_EQ(Agglomerate(TwoPairs(), Linkage::kAverage, 0.54f), (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(Agglomerate(TwoPairs(), Linkage::kAverage, 0.56f), (std::vector<int>{0, 0, 0, 0}));
}

TEST(Agglomerate, CompleteLinkageCutsAtTheLargestDistance) {
  EXPECT_EQ(Agglomerate(TwoPairs(), Linkage::kComplete, 0.69f), (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(Agglomerate(TwoPairs(), Linkage::kComplete, 0.7f), (std::vector<int>{0, 0, 0, 0}));
}

TEST(Agglomerate, AverageLinkageWeighsEveryFaceNotEveryCluster) {
  // {0,1} at 0.1, then 2 at 0.2; face 3 is 0.5, 0.5, 0.25 away. UPGMA: (0.5 + 0.5 + 0.25) / 3 =
  // 0.4167. The weighted variant (WPGMA) would say (0.5 + 0.25) / 2 = 0.375.
  const DistanceMatrix d = Matrix(
      4, {{0, 1, 0.1f}, {0, 2, 0.2f}, {1, 2, 0.2f}, {0, 3, 0.5f}, {1, 3, 0.5f}, {2, 3, 0.25f}},
      1.0f);
  EXPECT_EQ(Agglomerate(d, Linkage::kAverage, 0.40f), (std::vector<int>{0, 0, 0, 1}));
  EXPECT_EQ(Agglomerate(d, Linkage::kAverage, 0.42f), (std::vector<int>{0, 0, 0, 0}));
}

TEST(Agglomerate, MatchesTheTextbookAlgorithmOnRandomDistances) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int trial = 0; trial < 60; ++trial) {
    const size_t n = 2 + trial % 23;
    DistanceMatrix d(n);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = i + 1; j < n; ++j) d.set(i, j, u(rng));
    }
    for (Linkage linkage : {Linkage::kAverage, Linkage::kComplete}) {
      for (float cut : {0.1f, 0.3f, 0.5f, 0.7f, 1.0f}) {
        EXPECT_EQ(Agglomerate(d, linkage, cut), Reference(d, linkage, cut))
            << "trial " << trial << " n " << n << " cut " << cut
            << (linkage == Linkage::kAverage ? " average" : " complete");
      }
    }
  }
}

TEST(Agglomerate, InfiniteDistanceKeepsFacesApart) {
  // 0-1 and 1-2 are close, but 0 and 2 must not meet: 1 goes with one of them.
  const DistanceMatrix d = Matrix(3, {{0, 1, 0.1f}, {1, 2, 0.05f}, {0, 2, kInf}}, 1.0f);
  for (Linkage linkage : {Linkage::kAverage, Linkage::kComplete}) {
    const std::vector<int> labels = Agglomerate(d, linkage, 0.4f);
    EXPECT_NE(labels[0], labels[2]);
    EXPECT_EQ(labels[1], labels[2]);  // the closer one
  }
}

TEST(Agglomerate, InitialGroupsStartAsOneCluster) {
  // 0 and 3 are far apart but grouped; 1 is near 0 and joins if the average allows it.
  const DistanceMatrix d = Matrix(
      4, {{0, 3, 0.9f}, {0, 1, 0.1f}, {1, 3, 0.5f}, {0, 2, 0.95f}, {1, 2, 0.95f}, {2, 3, 0.95f}},
      1.0f);
  const std::vector<std::vector<size_t>> groups{{0, 3}};
  EXPECT_EQ(Agglomerate(d, Linkage::kAverage, 0.2f, groups), (std::vector<int>{0, 1, 2, 0}));
  // 1 to {0,3}: (0.1 + 0.5) / 2 = 0.3.
  EXPECT_EQ(Agglomerate(d, Linkage::kAverage, 0.31f, groups), (std::vector<int>{0, 0, 1, 0}));
  EXPECT_EQ(Agglomerate(d, Linkage::kAverage, 0.3f), (std::vector<int>{0, 0, 1, 2}));
}

TEST(Agglomerate, HandlesEmptyAndSingleInput) {
  EXPECT_TRUE(Agglomerate(DistanceMatrix(0), Linkage::kAverage, 0.4f).empty());
  EXPECT_EQ(Agglomerate(DistanceMatrix(1), Linkage::kAverage, 0.4f), (std::vector<int>{0}));
}

TEST(AverageLinkage, RecoversSyntheticPeople) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const SyntheticFaces f = MakeSyntheticFaces({.seed = seed});
    const PairwiseScores s = ScorePairwise(AverageLinkage(Views(f.embeddings), 0.40f), f.people);
    EXPECT_EQ(s.merged, 0u) << "seed " << seed;
    EXPECT_GE(s.f1, 0.95) << "seed " << seed;
  }
}

TEST(ImmichBaseline, NeedsMinFacesCountingItselfToStartAPerson) {
  // 0,1,2 a tight triangle; 3,4 a pair; 5 alone.
  const DistanceMatrix d =
      Matrix(6, {{0, 1, 0.1f}, {0, 2, 0.1f}, {1, 2, 0.1f}, {3, 4, 0.1f}}, 0.9f);
  EXPECT_EQ(ImmichBaseline(d, 0.5f, 3), (std::vector<int>{0, 0, 0, -1, -1, -1}));
  // With minFaces 2 the pair is a person too; the lone face never is.
  EXPECT_EQ(ImmichBaseline(d, 0.5f, 2), (std::vector<int>{0, 0, 0, 1, 1, -1}));
  // With minFaces 1 every face is core.
  EXPECT_EQ(ImmichBaseline(d, 0.5f, 1), (std::vector<int>{0, 0, 0, 1, 1, 2}));
}

TEST(ImmichBaseline, DeferredFacesJoinTheNearestPerson) {
  // Face 0 is near face 3 only (two matches: not core). It comes first, before any person exists,
  // so it waits at the end of the queue; by then 1,2,3 are a person and it joins them.
  const DistanceMatrix d =
      Matrix(4, {{1, 2, 0.1f}, {1, 3, 0.1f}, {2, 3, 0.1f}, {0, 3, 0.45f}}, 0.9f);
  EXPECT_EQ(ImmichBaseline(d, 0.5f, 3), (std::vector<int>{0, 0, 0, 0}));
}

// Two tight triangles A = {0,1,2} and B = {3,4,5}, far apart; face 6 is 0.2 from a0 (face 0) and
// 0.3 from b0 (face 3).
DistanceMatrix TwoTrianglesAndABridge() {
  return Matrix(7,
                {{0, 1, 0.1f},
                 {0, 2, 0.1f},
                 {1, 2, 0.1f},
                 {3, 4, 0.1f},
                 {3, 5, 0.1f},
                 {4, 5, 0.1f},
                 {0, 6, 0.2f},
                 {3, 6, 0.3f}},
                0.9f);
}

TEST(ImmichBaseline, ChainsThroughAssignedFacesAndDependsOnOrder) {
  // In index order A, B and then 6: 6 joins A (its nearest with a person), B stays apart.
  EXPECT_EQ(ImmichBaseline(TwoTrianglesAndABridge(), 0.5f, 3),
            (std::vector<int>{0, 0, 0, 1, 1, 1, 0}));

  // Order B, 6, A: 6 finds only b0 assigned and joins B; then a0's fallback search finds 6, the
  // nearest face with a person, and all of A follows into B.
  const std::vector<size_t> order{3, 4, 5, 6, 0, 1, 2};
  const DistanceMatrix d = TwoTrianglesAndABridge();
  DistanceMatrix permuted(7);
  for (size_t i = 0; i < 7; ++i) {
    for (size_t j = i + 1; j < 7; ++j) permuted.set(i, j, d.at(order[i], order[j]));
  }
  EXPECT_EQ(ImmichBaseline(permuted, 0.5f, 3), (std::vector<int>{0, 0, 0, 0, 0, 0, 0}));
  // Average linkage keeps A and B apart in any order (and 6 alone: 0.67 from A, 0.7 from B).
  const std::vector<int> linkage = Agglomerate(permuted, Linkage::kAverage, 0.4f);
  EXPECT_EQ(linkage, (std::vector<int>{0, 0, 0, 1, 2, 2, 2}));
  EXPECT_EQ(Clusters(linkage), 3u);
}

TEST(ImmichBaseline, MergesSyntheticPeopleThatAverageLinkageKeepsApart) {
  size_t immich_merged = 0;
  size_t linkage_merged = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const SyntheticFaces f = MakeSyntheticFaces({.seed = seed});
    const DistanceMatrix d = DistanceMatrix::FromEmbeddings(Views(f.embeddings));
    immich_merged += ScorePairwise(ImmichBaseline(d), f.people).merged;
    linkage_merged += ScorePairwise(Agglomerate(d, Linkage::kAverage, 0.4f), f.people).merged;
  }
  EXPECT_GT(immich_merged, 0u);
  EXPECT_EQ(linkage_merged, 0u);
}

TEST(ClusterFaces, LeavesSmallLowQualityAndLoneFacesUnassigned) {
  const std::vector<std::vector<float>> e{
      {1, 0, 0}, {0.99f, 0.141f, 0}, {0, 1, 0}, {0, 0.99f, 0.141f}, {0, 0, 1}, {0.995f, 0, 0.1f}};
  std::vector<FaceRef> faces;
  for (const auto& x : e) faces.push_back({x, 0.9f, 100});
  faces[3].quality = 0.1f;  // the only partner of face 2
  faces[5].size_px = 20;
  const ClusterParams params;
  EXPECT_EQ(ClusterFaces(faces, params), (std::vector<int>{0, 0, -1, -1, -1, -1}));

  faces[3].quality = 0.9f;
  faces[5].size_px = 40;
  EXPECT_EQ(ClusterFaces(faces, params), (std::vector<int>{0, 0, 1, 1, -1, 0}));
}

}  // namespace
}  // namespace camroll
