#include "people/clustering.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <numeric>

namespace camroll {
namespace {

constexpr size_t kNone = SIZE_MAX;
constexpr float kInf = std::numeric_limits<float>::infinity();

// Eight partial sums: the compiler may not reorder a float sum on its own, and one accumulator
// would serialise on the add latency.
float Dot(const float* a, const float* b, size_t n) {
  float s[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (size_t k = 0; k < 8; ++k) s[k] += a[i + k] * b[i + k];
  }
  float tail = 0;
  for (; i < n; ++i) tail += a[i] * b[i];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])) + tail;
}

// Renumbers labels >= 0 as 0, 1, … in order of first appearance; keeps -1.
std::vector<int> Renumber(const std::vector<int>& labels) {
  std::vector<int> out(labels.size(), -1);
  std::vector<int> map;
  int next = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const int l = labels[i];
    if (l < 0) continue;
    if (static_cast<size_t>(l) >= map.size()) map.resize(l + 1, -1);
    if (map[l] < 0) map[l] = next++;
    out[i] = map[l];
  }
  return out;
}

}  // namespace

std::vector<EmbeddingView> Views(const std::vector<std::vector<float>>& embeddings) {
  return std::vector<EmbeddingView>(embeddings.begin(), embeddings.end());
}

float CosineDistance(EmbeddingView a, EmbeddingView b) {
  assert(a.size() == b.size());
  return std::max(0.0f, 1.0f - Dot(a.data(), b.data(), std::min(a.size(), b.size())));
}

DistanceMatrix::DistanceMatrix(size_t n) : n_(n), d_(n < 2 ? 0 : n * (n - 1) / 2, 0.0f) {}

DistanceMatrix DistanceMatrix::FromEmbeddings(std::span<const EmbeddingView> embeddings) {
  DistanceMatrix m(embeddings.size());
  size_t at = 0;
  for (size_t i = 0; i < embeddings.size(); ++i) {
    for (size_t j = i + 1; j < embeddings.size(); ++j) {
      m.d_[at++] = CosineDistance(embeddings[i], embeddings[j]);
    }
  }
  return m;
}

std::vector<int> Agglomerate(DistanceMatrix d, Linkage linkage, float max_distance,
                             std::span<const std::vector<size_t>> initial_groups) {
  const size_t n = d.size();
  // Cluster slots are face indices: a cluster lives in the slot of one of its faces (the root
  // of a union-find over faces). `active` lists the slots still in play, `pos` where.
  std::vector<size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<double> weight(n, 1.0);
  std::vector<size_t> active(n);
  std::iota(active.begin(), active.end(), 0);
  std::vector<size_t> pos(active);

  auto find = [&](size_t i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  auto deactivate = [&](size_t c) {
    const size_t p = pos[c];
    const size_t last = active.back();
    active[p] = last;
    pos[last] = p;
    active.pop_back();
    pos[c] = kNone;
  };
  // Lance–Williams: the distance of a ∪ b to every other cluster, from a's and b's; a keeps it.
  auto merge = [&](size_t a, size_t b) {
    const double wa = weight[a];
    const double wb = weight[b];
    for (size_t k : active) {
      if (k == a || k == b) continue;
      const float da = d.at(a, k);
      const float db = d.at(b, k);
      d.set(a, k,
            linkage == Linkage::kComplete ? std::max(da, db)
                                          : static_cast<float>((wa * da + wb * db) / (wa + wb)));
    }
    weight[a] += wb;
    parent[b] = a;
    deactivate(b);
  };

  for (const std::vector<size_t>& group : initial_groups) {
    if (group.empty()) continue;
    assert(group[0] < n);
    const size_t a = find(group[0]);
    for (size_t member : group) {
      assert(member < n);
      const size_t b = find(member);
      if (b != a) merge(a, b);
    }
  }

  // The chain: each element is the nearest neighbour of the one before, distances non-increasing;
  // when the last two are each other's nearest they merge. Ties prefer the previous element, so
  // the chain cannot cycle.
  std::vector<size_t> chain;
  while (!active.empty()) {
    if (chain.empty()) chain.push_back(active[0]);
    const size_t a = chain.back();
    const size_t prev = chain.size() >= 2 ? chain[chain.size() - 2] : kNone;
    size_t best = prev;
    float best_d = prev == kNone ? kInf : d.at(a, prev);
    for (size_t k : active) {
      if (k == a) continue;
      const float dk = d.at(a, k);
      if (dk < best_d) {
        best = k;
        best_d = dk;
      }
    }
    if (best == kNone || !(best_d <= max_distance)) {
      // The tip's nearest cluster is beyond the cut, and every link of the chain is at least as
      // long; merged clusters are never closer than their nearest part (reducibility), so none
      // of them can merge within the cut any more.
      for (size_t c : chain) deactivate(c);
      chain.clear();
      continue;
    }
    if (best == prev) {
      chain.pop_back();
      chain.pop_back();
      merge(std::min(a, prev), std::max(a, prev));
    } else {
      chain.push_back(best);
    }
  }

  std::vector<int> labels(n);
  for (size_t i = 0; i < n; ++i) labels[i] = static_cast<int>(find(i));
  return Renumber(labels);
}

std::vector<int> AverageLinkage(std::span<const EmbeddingView> embeddings, float max_distance) {
  return Agglomerate(DistanceMatrix::FromEmbeddings(embeddings), Linkage::kAverage, max_distance);
}

std::vector<int> CompleteLinkage(std::span<const EmbeddingView> embeddings, float max_distance) {
  return Agglomerate(DistanceMatrix::FromEmbeddings(embeddings), Linkage::kComplete, max_distance);
}

std::vector<int> ImmichBaseline(const DistanceMatrix& d, float max_distance, int min_faces) {
  const size_t n = d.size();
  const size_t k = static_cast<size_t>(std::max(min_faces, 1));
  std::vector<int> person(n, -1);
  int persons = 0;

  struct Job {
    size_t face;
    bool deferred;
  };
  std::vector<Job> queue;
  queue.reserve(n);
  for (size_t i = 0; i < n; ++i) queue.push_back({i, false});

  std::vector<std::pair<float, size_t>> matches;
  for (size_t q = 0; q < queue.size(); ++q) {
    const Job job = queue[q];
    const size_t i = job.face;
    if (person[i] >= 0) continue;

    // searchFaces: ORDER BY distance LIMIT minFaces, then distance <= maxDistance; the same set as
    // the nearest minFaces among those within maxDistance. The face itself is at distance 0.
    matches.clear();
    for (size_t j = 0; j < n; ++j) {
      const float dj = d.at(i, j);
      if (dj <= max_distance) matches.emplace_back(dj, j);
    }
    const size_t m = std::min(k, matches.size());
    std::partial_sort(matches.begin(), matches.begin() + m, matches.end());
    matches.resize(m);

    if (min_faces > 1 && matches.size() <= 1) continue;  // "only matched the face itself"
    const bool core = matches.size() >= k;
    if (!core && !job.deferred) {
      queue.push_back({i, true});
      continue;
    }

    int p = -1;
    for (const auto& [dist, j] : matches) {
      if (person[j] >= 0) {
        p = person[j];
        break;
      }
    }
    if (p < 0) {  // searchFaces(numResults 1, hasPerson): the nearest face that has a person
      float best = kInf;
      for (size_t j = 0; j < n; ++j) {
        if (person[j] < 0) continue;
        const float dj = d.at(i, j);
        if (dj <= max_distance && dj < best) {
          best = dj;
          p = person[j];
        }
      }
    }
    if (p < 0 && core) p = persons++;
    if (p >= 0) person[i] = p;
  }
  return Renumber(person);
}

std::vector<int> ImmichBaseline(std::span<const EmbeddingView> embeddings, float max_distance,
                                int min_faces) {
  return ImmichBaseline(DistanceMatrix::FromEmbeddings(embeddings), max_distance, min_faces);
}

bool IsEligibleFace(float quality, int size_px, const ClusterParams& params) {
  return quality >= params.min_quality && size_px >= params.min_face_px;
}

std::vector<int> ClusterFaces(std::span<const FaceRef> faces, const ClusterParams& params) {
  std::vector<size_t> eligible;
  std::vector<EmbeddingView> views;
  for (size_t i = 0; i < faces.size(); ++i) {
    if (!IsEligibleFace(faces[i].quality, faces[i].size_px, params)) continue;
    eligible.push_back(i);
    views.push_back(faces[i].embedding);
  }
  const std::vector<int> groups = AverageLinkage(views, params.max_distance);
  std::vector<size_t> sizes(groups.size(), 0);
  for (int g : groups) ++sizes[g];

  std::vector<int> labels(faces.size(), -1);
  for (size_t e = 0; e < eligible.size(); ++e) {
    if (sizes[groups[e]] >= params.min_faces_per_person) labels[eligible[e]] = groups[e];
  }
  return Renumber(labels);
}

}  // namespace camroll
