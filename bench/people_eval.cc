// How well each face-grouping rule finds the people of a labelled set of face embeddings: pairwise
// precision, recall and F1 as a markdown table (people/evaluate.h describes the file and scores).
//
//   build/release/bench/people_eval FACES.jsonl [--sweep] [--incremental] [--batch N]
//   build/release/bench/people_eval --write-synthetic OUT.jsonl [--people N] [--seed S]
//                                   [--lookalikes N]
//
// Rows: Immich's default rule (0.5, minFaces 3) and at its best threshold, camroll's average
// linkage at the default and at its best threshold, complete linkage at 0.48, and the range of
// thresholds where average linkage keeps F1 >= 0.95 (sweeps 0.20–0.60 by 0.01; --sweep prints
// them). --incremental feeds the faces in file order, N at a time (default 10), through
// PeopleIndex::Assign and scores the result, then again after Recluster(). The linkage rows and
// PeopleIndex apply camroll's quality and size limits when the file carries them; Immich's rule
// never does (its detector's minScore is applied before faces exist).
// --write-synthetic writes a set shaped like the measured one (people/synthetic.h) to try this on.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/files.h"
#include "people/clustering.h"
#include "people/evaluate.h"
#include "people/people.h"
#include "people/synthetic.h"

namespace camroll {
namespace {

struct Row {
  std::string rule;
  std::string threshold;
  PairwiseScores s;
};

void PrintTable(const std::vector<Row>& rows) {
  fmt::print("| rule | threshold | P | R | F1 | clusters / people | merged | unassigned |\n");
  fmt::print("|---|---|---|---|---|---|---|---|\n");
  for (const Row& r : rows) {
    fmt::print("| {} | {} | {:.3f} | {:.3f} | {:.3f} | {} / {} | {} | {} |\n", r.rule, r.threshold,
               r.s.precision, r.s.recall, r.s.f1, r.s.clusters, r.s.true_people, r.s.merged,
               r.s.unassigned);
  }
}

// Thresholds 0.20, 0.21, … 0.60 as hundredths; floats from integers so every rule sees the same.
std::vector<int> SweepHundredths() {
  std::vector<int> out;
  for (int h = 20; h <= 60; ++h) out.push_back(h);
  return out;
}
float At(int hundredths) { return static_cast<float>(hundredths) / 100.0f; }

// The best threshold of a sweep: highest F1, then highest precision, then the lowest threshold.
int Best(const std::vector<std::pair<int, PairwiseScores>>& sweep) {
  const std::pair<int, PairwiseScores>* best = &sweep.front();
  for (const auto& entry : sweep) {
    if (entry.second.f1 > best->second.f1 ||
        (entry.second.f1 == best->second.f1 && entry.second.precision > best->second.precision)) {
      best = &entry;
    }
  }
  return best->first;
}

std::string RangesAtLeast(const std::vector<std::pair<int, PairwiseScores>>& sweep, double f1) {
  std::string out;
  for (size_t i = 0; i < sweep.size();) {
    if (sweep[i].second.f1 < f1) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < sweep.size() && sweep[j + 1].second.f1 >= f1) ++j;
    if (!out.empty()) out += ", ";
    out += i == j ? fmt::format("{:.2f}", At(sweep[i].first))
                  : fmt::format("{:.2f}–{:.2f}", At(sweep[i].first), At(sweep[j].first));
    i = j + 1;
  }
  return out.empty() ? "none" : out;
}

// Linkage over the eligible faces (their own matrix), groups under min_faces unassigned: the
// same rule as ClusterFaces, without recomputing distances for every threshold.
class LinkageRule {
 public:
  LinkageRule(const std::vector<LabelledFace>& faces, const ClusterParams& params)
      : n_(faces.size()), min_faces_(params.min_faces_per_person) {
    std::vector<EmbeddingView> views;
    for (size_t i = 0; i < faces.size(); ++i) {
      if (!IsEligibleFace(faces[i].quality, faces[i].size_px, params)) continue;
      eligible_.push_back(i);
      views.push_back(faces[i].embedding);
    }
    d_ = DistanceMatrix::FromEmbeddings(views);
  }
  size_t ineligible() const { return n_ - eligible_.size(); }

  std::vector<int> operator()(Linkage linkage, float cut) const {
    const std::vector<int> groups = Agglomerate(d_, linkage, cut);
    std::vector<size_t> sizes(groups.size(), 0);
    for (int g : groups) ++sizes[g];
    std::vector<int> labels(n_, -1);
    for (size_t e = 0; e < eligible_.size(); ++e) {
      if (sizes[groups[e]] >= min_faces_) labels[eligible_[e]] = groups[e];
    }
    return labels;
  }

 private:
  size_t n_;
  size_t min_faces_;
  std::vector<size_t> eligible_;
  DistanceMatrix d_;
};

std::vector<int> IndexLabels(const PeopleIndex& index, size_t faces) {
  std::vector<int> labels;
  for (size_t i = 0; i < faces; ++i) {
    const int64_t p = index.PersonOf(static_cast<int64_t>(i + 1));
    labels.push_back(p == 0 ? -1 : static_cast<int>(p));
  }
  return labels;
}

int WriteSynthetic(const std::string& path, const SyntheticSpec& spec) {
  const SyntheticFaces s = MakeSyntheticFaces(spec);
  std::string out;
  for (size_t i = 0; i < s.embeddings.size(); ++i) {
    LabelledFace face{fmt::format("synthetic/{:05}.jpg", i), fmt::format("p{:02}", s.people[i]),
                      s.embeddings[i], 0.9f, 120};
    out += ToJsonLine(face);
    out += '\n';
  }
  if (auto ok = WriteFileAtomic(path, out); !ok) {
    std::fprintf(stderr, "%s\n", ok.error().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "wrote %zu faces of %d people to %s\n", s.embeddings.size(), spec.people,
               path.c_str());
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: people_eval FACES.jsonl [--sweep] [--incremental] [--batch N]\n"
               "       people_eval --write-synthetic OUT.jsonl [--people N] [--seed S] "
               "[--lookalikes N]\n");
  return 2;
}

int Run(int argc, char** argv) {
  std::string input;
  std::string synthetic_out;
  bool sweep_table = false;
  bool incremental = false;
  size_t batch = 10;
  SyntheticSpec spec;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--sweep") {
      sweep_table = true;
    } else if (arg == "--incremental") {
      incremental = true;
    } else if (arg == "--batch" || arg == "--people" || arg == "--seed" || arg == "--lookalikes" ||
               arg == "--write-synthetic") {
      const char* v = value();
      if (!v) return Usage();
      if (arg == "--write-synthetic") {
        synthetic_out = v;
        continue;
      }
      const long n = std::strtol(v, nullptr, 10);
      if (n <= 0 && arg != "--lookalikes") return Usage();
      if (arg == "--batch") batch = static_cast<size_t>(n);
      if (arg == "--people") spec.people = static_cast<int>(n);
      if (arg == "--seed") spec.seed = static_cast<uint64_t>(n);
      if (arg == "--lookalikes") spec.lookalike_pairs = static_cast<int>(n);
    } else if (!arg.starts_with("--") && input.empty()) {
      input = arg;
    } else {
      return Usage();
    }
  }
  if (!synthetic_out.empty()) return WriteSynthetic(synthetic_out, spec);
  if (input.empty()) return Usage();

  auto bytes = ReadFile(input, uint64_t{1} << 31);
  if (!bytes) {
    std::fprintf(stderr, "%s\n", bytes.error().ToString().c_str());
    return 1;
  }
  auto parsed = ParseLabelledFaces(
      std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  if (!parsed) {
    std::fprintf(stderr, "%s: %s\n", input.c_str(), parsed.error().ToString().c_str());
    return 1;
  }
  std::vector<LabelledFace>& faces = *parsed;
  if (faces.empty()) {
    std::fprintf(stderr, "%s: no faces\n", input.c_str());
    return 1;
  }
  // The rules expect unit vectors; say so when the file's are not.
  size_t renormalised = 0;
  for (LabelledFace& f : faces) {
    double n = 0;
    for (float x : f.embedding) n += double(x) * x;
    n = std::sqrt(n);
    if (std::abs(n - 1) > 1e-3) ++renormalised;
    for (float& x : f.embedding) x = static_cast<float>(x / n);
  }
  const std::vector<int> truth = TruthLabels(faces);
  const ClusterParams params;
  size_t unlabelled = 0;
  for (const LabelledFace& f : faces) unlabelled += f.person.empty() ? 1 : 0;

  std::vector<EmbeddingView> views;
  for (const LabelledFace& f : faces) views.push_back(f.embedding);
  const DistanceMatrix all = DistanceMatrix::FromEmbeddings(views);
  const LinkageRule linkage(faces, params);
  const PairwiseScores truth_scores = ScorePairwise(truth, truth);

  fmt::print("{}: {} faces of {} people ({} unlabelled), {} dimensions", input, faces.size(),
             truth_scores.true_people, unlabelled, faces[0].embedding.size());
  if (renormalised > 0) fmt::print(", {} embeddings renormalised", renormalised);
  fmt::print("; {} faces below quality {:.2f} or {} px\n\n", linkage.ineligible(),
             params.min_quality, params.min_face_px);

  std::vector<std::pair<int, PairwiseScores>> immich_sweep;
  std::vector<std::pair<int, PairwiseScores>> average_sweep;
  std::vector<std::pair<int, PairwiseScores>> complete_sweep;
  for (int h : SweepHundredths()) {
    immich_sweep.emplace_back(h, ScorePairwise(ImmichBaseline(all, At(h), 3), truth));
    average_sweep.emplace_back(h, ScorePairwise(linkage(Linkage::kAverage, At(h)), truth));
    complete_sweep.emplace_back(h, ScorePairwise(linkage(Linkage::kComplete, At(h)), truth));
  }

  std::vector<Row> rows;
  const std::string min_faces = fmt::format("min {} faces", params.min_faces_per_person);
  rows.push_back({"Immich default (DBSCAN-like, minFaces 3)", "0.50",
                  ScorePairwise(ImmichBaseline(all, 0.5f, 3), truth)});
  const int immich_best = Best(immich_sweep);
  rows.push_back({"Immich rule, best threshold", fmt::format("{:.2f}", At(immich_best)),
                  ScorePairwise(ImmichBaseline(all, At(immich_best), 3), truth)});
  rows.push_back({"average linkage, camroll default (" + min_faces + ")",
                  fmt::format("{:.2f}", params.max_distance),
                  ScorePairwise(linkage(Linkage::kAverage, params.max_distance), truth)});
  const int average_best = Best(average_sweep);
  rows.push_back({"average linkage, best threshold", fmt::format("{:.2f}", At(average_best)),
                  ScorePairwise(linkage(Linkage::kAverage, At(average_best)), truth)});
  rows.push_back({"complete linkage (" + min_faces + ")", "0.48",
                  ScorePairwise(linkage(Linkage::kComplete, 0.48f), truth)});

  if (incremental) {
    PeopleIndex index(params);
    for (size_t at = 0; at < faces.size(); at += batch) {
      std::vector<NewFace> next;
      for (size_t i = at; i < at + batch && i < faces.size(); ++i) {
        next.push_back(
            {static_cast<int64_t>(i + 1), faces[i].embedding, faces[i].quality, faces[i].size_px});
      }
      if (auto report = index.Assign(std::move(next)); !report) {
        std::fprintf(stderr, "Assign: %s\n", report.error().ToString().c_str());
        return 1;
      }
    }
    rows.push_back({fmt::format("PeopleIndex::Assign, file order, batches of {}", batch),
                    fmt::format("{:.2f}", params.assign_max_distance),
                    ScorePairwise(IndexLabels(index, faces.size()), truth)});
    index.Recluster();
    rows.push_back({"… then PeopleIndex::Recluster", fmt::format("{:.2f}", params.max_distance),
                    ScorePairwise(IndexLabels(index, faces.size()), truth)});
  }
  PrintTable(rows);

  fmt::print(
      "\nAverage linkage keeps F1 >= 0.95 at thresholds {} (swept 0.20–0.60 by 0.01); "
      "complete linkage at {}; Immich's rule at {}.\n",
      RangesAtLeast(average_sweep, 0.95), RangesAtLeast(complete_sweep, 0.95),
      RangesAtLeast(immich_sweep, 0.95));

  if (sweep_table) {
    fmt::print(
        "\n| threshold | Immich P | Immich F1 | average P | average F1 | complete P | "
        "complete F1 |\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < immich_sweep.size(); ++i) {
      fmt::print("| {:.2f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.3f} |\n",
                 At(immich_sweep[i].first), immich_sweep[i].second.precision,
                 immich_sweep[i].second.f1, average_sweep[i].second.precision,
                 average_sweep[i].second.f1, complete_sweep[i].second.precision,
                 complete_sweep[i].second.f1);
    }
  }
  return 0;
}

}  // namespace
}  // namespace camroll

int main(int argc, char** argv) { return camroll::Run(argc, argv); }
