#include "ml/objects.h"

#include <algorithm>
#include <cmath>

#include "ml/model_store.h"

namespace camroll::ml {
namespace {

constexpr std::array<std::string_view, kCocoClasses> kCoco = {
    "person",        "bicycle",      "car",
    "motorcycle",    "airplane",     "bus",
    "train",         "truck",        "boat",
    "traffic light", "fire hydrant", "stop sign",
    "parking meter", "bench",        "bird",
    "cat",           "dog",          "horse",
    "sheep",         "cow",          "elephant",
    "bear",          "zebra",        "giraffe",
    "backpack",      "umbrella",     "handbag",
    "tie",           "suitcase",     "frisbee",
    "skis",          "snowboard",    "sports ball",
    "kite",          "baseball bat", "baseball glove",
    "skateboard",    "surfboard",    "tennis racket",
    "bottle",        "wine glass",   "cup",
    "fork",          "knife",        "spoon",
    "bowl",          "banana",       "apple",
    "sandwich",      "orange",       "broccoli",
    "carrot",        "hot dog",      "pizza",
    "donut",         "cake",         "chair",
    "couch",         "potted plant", "bed",
    "dining table",  "toilet",       "tv",
    "laptop",        "mouse",        "remote",
    "keyboard",      "cell phone",   "microwave",
    "oven",          "toaster",      "sink",
    "refrigerator",  "book",         "clock",
    "vase",          "scissors",     "teddy bear",
    "hair drier",    "toothbrush"};

constexpr int kCenterNetSize = 512;
constexpr int kCenterNetStride = 4;
constexpr int kCenterNetTopK = 100;      // TopKV2's k in the original graph
constexpr uint8_t kCenterNetFill = 114;  // letterbox bars: grey (best F1 0.83, black 0.82)
constexpr int kNanoDetSize = 416;
constexpr int kNanoDetBins = 11;  // reg_max 10
constexpr std::array<int, 3> kNanoDetStrides = {8, 16, 32};
constexpr uint8_t kNanoDetFill = 0;  // letterbox bars: black (best F1 0.79, grey 0.75)

struct Candidate {
  int class_id;
  float score;
  BoxF box;  // model-input pixels
};

// Model-input box to image pixels, clipped to the image.
BoxF ToImage(const BoxF& b, const Placement& p, int image_w, int image_h) {
  float x0 = std::clamp(p.ToImageX(b.x), 0.0f, static_cast<float>(image_w));
  float y0 = std::clamp(p.ToImageY(b.y), 0.0f, static_cast<float>(image_h));
  float x1 = std::clamp(p.ToImageX(b.right()), 0.0f, static_cast<float>(image_w));
  float y1 = std::clamp(p.ToImageY(b.bottom()), 0.0f, static_cast<float>(image_h));
  return {x0, y0, x1 - x0, y1 - y0};
}

// Per-class NMS over candidates, then the best `max_detections` overall.
std::vector<DetectedObject> Finish(std::vector<Candidate> cands, const Placement& placement,
                                   int image_w, int image_h, const ObjectDetectorOptions& options) {
  std::vector<DetectedObject> out;
  for (int c = 0; c < kCocoClasses; ++c) {
    std::vector<BoxF> boxes;
    std::vector<float> scores;
    for (const Candidate& k : cands) {
      if (k.class_id != c) continue;
      boxes.push_back(ToImage(k.box, placement, image_w, image_h));
      scores.push_back(k.score);
    }
    if (boxes.empty()) continue;
    for (size_t i : NonMaxSuppression(boxes, scores, options.iou_threshold, boxes.size())) {
      if (boxes[i].area() <= 0) continue;
      out.push_back({std::string(kCoco[c]), c, scores[i], boxes[i]});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const DetectedObject& a, const DetectedObject& b) {
    return a.score > b.score;
  });
  if (out.size() > static_cast<size_t>(std::max(options.max_detections, 0))) {
    out.resize(std::max(options.max_detections, 0));
  }
  return out;
}

}  // namespace

std::string_view ObjectModelId(ObjectModel model) {
  return model == ObjectModel::kCenterNet ? "centernet" : "nanodet";
}

std::optional<ObjectModel> ParseObjectModel(std::string_view id) {
  if (id == "nanodet") return ObjectModel::kNanoDet;
  if (id == "centernet") return ObjectModel::kCenterNet;
  return std::nullopt;
}

const std::array<std::string_view, kCocoClasses>& CocoLabels() { return kCoco; }

float DefaultMinScore(ObjectModel model) { return model == ObjectModel::kCenterNet ? 0.35f : 0.5f; }

std::vector<DetectedObject> DecodeCenterNet(const Tensor& heat, const Tensor& wh,
                                            const Placement& placement, int image_w, int image_h,
                                            const ObjectDetectorOptions& options) {
  constexpr int n = kCenterNetSize / kCenterNetStride;  // 128
  const float min_score = options.min_score.value_or(DefaultMinScore(ObjectModel::kCenterNet));
  if (heat.data.size() != static_cast<size_t>(n) * n * kCocoClasses ||
      wh.data.size() != static_cast<size_t>(n) * n * 4) {
    return {};
  }
  auto at = [&](int y, int x, int c) {
    return heat.data[(static_cast<size_t>(y) * n + x) * kCocoClasses + c];
  };
  // Peaks: equal to the maximum of their 3×3 neighbourhood in the same class (TF's MaxPool SAME
  // pads with -inf, so borders compare only inside).
  std::vector<Candidate> cands;
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      for (int c = 0; c < kCocoClasses; ++c) {
        const float v = at(y, x, c);
        if (v < min_score) continue;
        bool peak = true;
        for (int dy = -1; dy <= 1 && peak; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            int yy = y + dy, xx = x + dx;
            if (yy < 0 || yy >= n || xx < 0 || xx >= n) continue;
            if (at(yy, xx, c) > v) {
              peak = false;
              break;
            }
          }
        }
        if (!peak) continue;
        const float* d = wh.data.data() + (static_cast<size_t>(y) * n + x) * 4;
        const float cx = static_cast<float>(x * kCenterNetStride);
        const float cy = static_cast<float>(y * kCenterNetStride);
        BoxF b{cx - d[0], cy - d[1], d[0] + d[2], d[1] + d[3]};
        cands.push_back({c, v, b});
      }
    }
  }
  // TopKV2 over the flattened peaks, as the original graph did.
  std::stable_sort(cands.begin(), cands.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  if (cands.size() > kCenterNetTopK) cands.resize(kCenterNetTopK);
  return Finish(std::move(cands), placement, image_w, image_h, options);
}

std::vector<DetectedObject> DecodeNanoDet(std::span<const Tensor> scores,
                                          std::span<const Tensor> boxes, int input_size,
                                          const Placement& placement, int image_w, int image_h,
                                          const ObjectDetectorOptions& options) {
  const float min_score = options.min_score.value_or(DefaultMinScore(ObjectModel::kNanoDet));
  std::vector<Candidate> cands;
  for (size_t level = 0;
       level < kNanoDetStrides.size() && level < scores.size() && level < boxes.size(); ++level) {
    const int stride = kNanoDetStrides[level];
    const int grid = input_size / stride;
    const size_t cells = static_cast<size_t>(grid) * grid;
    const Tensor& s = scores[level];
    const Tensor& b = boxes[level];
    if (s.data.size() != cells * kCocoClasses || b.data.size() != cells * 4 * kNanoDetBins) {
      return {};
    }
    for (size_t i = 0; i < cells; ++i) {
      const float* cls = s.data.data() + i * kCocoClasses;
      bool any = std::any_of(cls, cls + kCocoClasses, [&](float v) { return v >= min_score; });
      if (!any) continue;
      // Each side: softmax over the bins, expectation, in strides.
      float dist[4];
      for (int side = 0; side < 4; ++side) {
        const float* logits = b.data.data() + i * 4 * kNanoDetBins + side * kNanoDetBins;
        const float mx = *std::max_element(logits, logits + kNanoDetBins);
        float sum = 0, expect = 0;
        for (int k = 0; k < kNanoDetBins; ++k) {
          const float e = std::exp(logits[k] - mx);
          sum += e;
          expect += e * k;
        }
        dist[side] = expect / sum * stride;
      }
      const float cx = (static_cast<float>(i % grid) + 0.5f) * stride;
      const float cy = (static_cast<float>(i / grid) + 0.5f) * stride;
      const BoxF box{cx - dist[0], cy - dist[1], dist[0] + dist[2], dist[1] + dist[3]};
      for (int c = 0; c < kCocoClasses; ++c) {
        if (cls[c] >= min_score) cands.push_back({c, cls[c], box});
      }
    }
  }
  return Finish(std::move(cands), placement, image_w, image_h, options);
}

Result<std::unique_ptr<ObjectDetector>> ObjectDetector::Open(
    const std::filesystem::path& models_dir, ObjectModel which, const SessionOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(auto session,
                           OpenModel(models_dir, std::string(ObjectModelId(which)), options));
  return std::unique_ptr<ObjectDetector>(new ObjectDetector(which, std::move(session)));
}

Result<std::vector<DetectedObject>> ObjectDetector::Detect(
    const RgbImage& upright, const ObjectDetectorOptions& options) const {
  if (upright.empty()) return Fail(ErrorCode::kInvalidInput, "detecting objects in an empty image");
  Placement placement;
  if (model_ == ObjectModel::kCenterNet) {
    RgbImage small =
        LetterboxTo(upright, kCenterNetSize, kCenterNetSize, &placement, kCenterNetFill);
    Normalization norm;
    norm.scale = 1;  // RGB 0..255, as human's centernet.ts feeds it
    std::vector<float> x = ToTensor(small, norm, Layout::kNHWC);
    InputView in{session_->inputs().at(0).name, {1, kCenterNetSize, kCenterNetSize, 3}, x};
    const std::vector<std::string> names = {"tower_0/keypoints", "tower_0/wh"};
    CAMROLL_ASSIGN_OR_RETURN(auto out, session_->Run({&in, 1}, names));
    return DecodeCenterNet(out[0], out[1], placement, upright.width, upright.height, options);
  }
  RgbImage small = LetterboxTo(upright, kNanoDetSize, kNanoDetSize, &placement, kNanoDetFill);
  // NanoDet's own normalisation (its configs' img_norm_cfg, on cv2's BGR). human's nanodet.ts
  // feeds RGB / 255 instead, which finds far fewer objects (best F1 0.63 against 0.79).
  Normalization norm;
  norm.scale = 1;
  norm.mean = {103.53f, 116.28f, 123.675f};
  norm.std = {57.375f, 57.12f, 58.395f};
  norm.bgr = true;
  std::vector<float> x = ToTensor(small, norm, Layout::kNCHW);
  InputView in{session_->inputs().at(0).name, {1, 3, kNanoDetSize, kNanoDetSize}, x};
  const std::vector<std::string> names = {"Identity",   "Identity_1", "Identity_2",
                                          "Identity_3", "Identity_4", "Identity_5"};
  CAMROLL_ASSIGN_OR_RETURN(auto out, session_->Run({&in, 1}, names));
  std::span<const Tensor> all(out);
  return DecodeNanoDet(all.subspan(0, 3), all.subspan(3, 3), kNanoDetSize, placement, upright.width,
                       upright.height, options);
}

}  // namespace camroll::ml
