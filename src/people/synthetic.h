// Synthetic face embeddings for tests and benchmarks, shaped like the measured "faceres" ones:
// cosine distance 0.26 ± 0.07 between faces of one person, 0.59 ± 0.08 between people.
//
// Each face is normalise(a_p·c + b_p·u_p + g_f·n_f): c is shared by every face (all faces look
// alike to the model), u_p is the person's own direction, n_f the face's own noise (pose, light,
// blur), all random unit vectors of a high dimension and so nearly orthogonal. a_p² + b_p² = 0.74
// and g_f² ≈ 0.26 give the means; a_p² (0.41 ± 0.08) and g_f² (0.26 ± 0.11) vary per person and
// per face to give the spreads: about 0.25 ± 0.06 and 0.59 ± 0.07 over seeds 1–20. People with a
// large a_p look generic to the model and sit closer to everyone, as some real faces do.
// Lookalikes share part of their direction with another person and come out closer than the rest.
// Deterministic for a seed (own Gaussian sampler over std::mt19937_64).
#pragma once

#include <cstdint>
#include <vector>

namespace camroll {

struct SyntheticSpec {
  int people = 13;
  int min_faces = 3;  // faces per person, uniform in [min_faces, max_faces]
  int max_faces = 7;
  int dim = 1024;
  // Pairs of people (0-1, 2-3, …) whose directions share `lookalike_share` of their variance:
  // harder than the measured set, for precision tests.
  int lookalike_pairs = 0;
  double lookalike_share = 0.5;
  bool shuffle = true;  // faces in random order, as a camera roll mixes people; else by person
  uint64_t seed = 1;
};

struct SyntheticFaces {
  std::vector<std::vector<float>> embeddings;  // L2-normalised
  std::vector<int> people;                     // the true person of each face, 0..people-1
};

SyntheticFaces MakeSyntheticFaces(const SyntheticSpec& spec);

}  // namespace camroll
