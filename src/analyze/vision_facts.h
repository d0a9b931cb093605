// What the neural networks see in a photo, as plain data. Like AssetFacts, each group serves one
// purpose, recorded beside it in the catalog:
//   suggest        — objects, text coverage and the sensitive-content verdict: to theme and
//                    rank ideas, and to keep documents, screenshots and nudity out of them;
//   face_grouping  — faces and their embeddings: only with the owner's face-grouping consent,
//                    kept apart (FaceFacts) and deleted when the consent is withdrawn.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace camroll {

// A box as fractions of the upright image (0..1), so that it fits any rendition of the photo.
struct NormBox {
  float x = 0, y = 0, w = 0, h = 0;
};

struct ObjectFact {
  std::string label;  // COCO name: "person", "dog", "cake", ...
  float score = 0;
  NormBox box;
};

struct VisionFacts {
  std::vector<ObjectFact> objects;
  float text_coverage = 0;  // share of the image covered by detected text
  int text_lines = 0;
  bool document = false;      // mostly text: a document, receipt, slide or screenshot
  float sensitive_score = 0;  // nudity likelihood (0..1)
  bool sensitive = false;

  int CountOf(const std::string& label, float min_score = 0) const {
    int n = 0;
    for (const auto& o : objects) n += o.label == label && o.score >= min_score;
    return n;
  }
};

// One face, for face grouping only.
struct FaceFact {
  int64_t id = 0;  // the catalog's
  NormBox box;
  float score = 0;    // detector confidence
  float quality = 0;  // 0..1: size, sharpness, pose
  int size_px = 0;    // short side of the box in the original photo
  std::vector<float> embedding;
};

}  // namespace camroll
