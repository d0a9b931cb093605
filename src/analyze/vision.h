// What the neural networks see in a photo: objects, text, sensitive content and, only with the
// owner's face-grouping consent, faces. Runs on the upright preview the Analyzer made (1440 px),
// so that a file is decoded from the camera's bytes once.
//
// Consent is enforced here, at the lowest level that touches faces: a VisionAnalyzer opened
// without `faces` never loads the face models, and Faces() refuses (kPermission).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "analyze/vision_facts.h"
#include "core/result.h"
#include "media/image.h"

namespace camroll {

// Bump when the models or how they are used change: files seen by an older version are seen
// again on the next run.
inline constexpr int kVisionVersion = 1;
inline constexpr int kFacesVersion = 1;

struct VisionOptions {
  std::filesystem::path models_dir;
  bool faces = false;        // face grouping switched on by the owner
  int intra_op_threads = 1;  // per model run; parallelism comes from running photos side by side
};

class VisionAnalyzer {
 public:
  // Loads the models (fails when they are not installed, saying how to install them).
  static Result<std::unique_ptr<VisionAnalyzer>> Open(const VisionOptions& options);
  ~VisionAnalyzer();

  // Objects, text coverage and the sensitive-content verdict. Thread-safe.
  Result<VisionFacts> See(const RgbImage& upright) const;
  // Faces with their embeddings and quality (boxes as fractions of `upright`). Thread-safe.
  // kPermission when face grouping is off.
  Result<std::vector<FaceFact>> Faces(const RgbImage& upright) const;

  bool faces_enabled() const;
  // The model ids used, for the catalog ("nanodet+ocr_det+nsfw").
  std::string ModelNames() const;

 private:
  struct Models;
  explicit VisionAnalyzer(std::unique_ptr<Models> models);
  std::unique_ptr<Models> models_;
};

}  // namespace camroll
