// Scoring a grouping of faces against the true people, and reading labelled face sets.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace camroll {

// Pairwise scores: a pair of faces is predicted together when both carry the same label >= 0
// (unassigned faces, -1, pair with nothing) and truly together when both are the same person.
// precision = correct / predicted pairs (1 when nothing is predicted together), recall = correct /
// true pairs (1 when no person has two faces), F1 their harmonic mean (0 when both are 0).
struct PairwiseScores {
  double precision = 1;
  double recall = 1;
  double f1 = 1;
  size_t predicted_pairs = 0;
  size_t true_pairs = 0;
  size_t correct_pairs = 0;
  size_t clusters = 0;     // distinct predicted labels >= 0, singletons included
  size_t true_people = 0;  // distinct true labels
  size_t merged = 0;       // predicted clusters holding faces of two or more true people
  size_t unassigned = 0;   // faces predicted -1
};

// `predicted` and `truth` are parallel (sizes asserted); true labels are any ints, each one person.
PairwiseScores ScorePairwise(std::span<const int> predicted, std::span<const int> truth);

// One line of a labelled embeddings file (JSON lines):
//   {"file": "IMG_0001.jpg", "person": "ana", "embedding": [0.01, …], "quality": 0.8, "size_px":
//   96}
// quality and size_px are optional (absent: the face passes any limit). An empty or null person is
// a face nobody labelled: a person of its own.
struct LabelledFace {
  std::string file;
  std::string person;
  std::vector<float> embedding;
  float quality = 1;
  int size_px = std::numeric_limits<int>::max();
};

// Every non-blank line must be an object with "embedding" (numbers, all lines the same length,
// finite, not all zero). Errors name the line.
Result<std::vector<LabelledFace>> ParseLabelledFaces(std::string_view jsonl);
std::string ToJsonLine(const LabelledFace& face);  // one line, no newline; parses back

// The true label of each face: 0, 1, … in order of first appearance of each person; unlabelled
// faces get a label of their own.
std::vector<int> TruthLabels(std::span<const LabelledFace> faces);

}  // namespace camroll
