#include "ml/face_detector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "ml/image_tensor.h"
#include "ml/model_store.h"

namespace camroll::ml {
namespace {

constexpr int kSize = FaceDetector::kInputSize;
constexpr int kAnchors16 = 16 * 16 * 2;  // stride 16, 2 anchors per cell
constexpr int kAnchors8 = 8 * 8 * 6;     // stride 32, 6 anchors per cell
constexpr int kAnchors = kAnchors16 + kAnchors8;
constexpr int kRegressors = 16;  // box centre dx, dy, w, h, then 6 keypoints x, y
// MediaPipe clips logits to ±100 before the sigmoid (score_clipping_thresh).
constexpr float kLogitClip = 100.0f;
// Tiles: squares of 0.6 × the short side, overlapping by at least a quarter of their side.
constexpr float kTileFraction = 0.6f;
constexpr float kTileMinOverlap = 0.25f;
// A face cut by a tile's inner edge gives a partial box that weighted NMS would blend into the
// whole one (or keep beside it). Such detections are dropped: the overlap guarantees that a face
// small enough to need tiles lies whole in a neighbouring tile. "Cut" = within this fraction of
// the tile's side from an edge that is not the photo's edge.
constexpr float kTileEdgeMargin = 0.01f;
// Faces over this fraction of a tile's side are left to the whole-photo pass, which sees them at
// 30 px or more; in tiles, big boxes were mostly parts of a face larger than the tile, or
// textures (out-of-focus backgrounds).
constexpr float kTileMaxFace = 1.0f / 3;
// Two detections of which the smaller lies this much (fraction of its area) inside the larger are
// one face: a part of it seen as a face (an eye region, the lower half: tiles of a face bigger
// than them), or a loose box around it from the coarser whole-photo view. Faces do not nest, so
// the lower-scoring one goes.
constexpr float kMaxContained = 0.5f;

const std::string kScores16 = "Identity", kScores8 = "Identity_1";
const std::string kBoxes16 = "Identity_2", kBoxes8 = "Identity_3";

// Anchor centres in input pixels, in the model's output order: row by row over the 16×16 grid
// (2 anchors per cell), then over the 8×8 grid (6 per cell). This model has fixed-size anchors
// (MediaPipe's ssd_anchors: fixed_anchor_size, offsets 0.5), so only the centres matter.
const std::array<PointF, kAnchors>& Anchors() {
  static const std::array<PointF, kAnchors> anchors = [] {
    std::array<PointF, kAnchors> a{};
    int k = 0;
    for (auto [grid, per_cell] : {std::pair{16, 2}, std::pair{8, 6}}) {
      const float stride = static_cast<float>(kSize) / grid;
      for (int y = 0; y < grid; ++y) {
        for (int x = 0; x < grid; ++x) {
          for (int n = 0; n < per_cell; ++n) a[k++] = {(x + 0.5f) * stride, (y + 0.5f) * stride};
        }
      }
    }
    return a;
  }();
  return anchors;
}

// One pass's input and how to map its coordinates back to the photo.
struct View {
  RgbImage input;  // kSize × kSize
  Placement placement;
  BoxF region;  // the part of the photo it shows (the whole photo for the letterboxed pass)
  // Which of the region's edges are inside the photo (detections touching them are partial).
  bool inner_left = false, inner_top = false, inner_right = false, inner_bottom = false;
  bool tile = false;
};

View TileView(const RgbImage& img, const BoxF& tile) {
  View v;
  const int x = static_cast<int>(tile.x), y = static_cast<int>(tile.y);
  const int side = static_cast<int>(tile.w);
  cv::Mat src(img.height, img.width, CV_8UC3, const_cast<uint8_t*>(img.pixels.data()));
  v.input.width = v.input.height = kSize;
  v.input.pixels.resize(static_cast<size_t>(kSize) * kSize * 3);
  cv::Mat dst(kSize, kSize, CV_8UC3, v.input.pixels.data());
  cv::resize(src(cv::Rect(x, y, side, side)), dst, cv::Size(kSize, kSize), 0, 0,
             side > kSize ? cv::INTER_AREA : cv::INTER_LINEAR);
  const float scale = static_cast<float>(kSize) / side;
  v.placement = {scale, scale, -x * scale, -y * scale};
  v.region = {static_cast<float>(x), static_cast<float>(y), static_cast<float>(side),
              static_cast<float>(side)};
  v.tile = true;
  v.inner_left = x > 0;
  v.inner_top = y > 0;
  v.inner_right = x + side < img.width;
  v.inner_bottom = y + side < img.height;
  return v;
}

float Sigmoid(float logit) {
  return 1.0f / (1.0f + std::exp(-std::clamp(logit, -kLogitClip, kLogitClip)));
}

// Runs one view and appends its detections (photo coordinates, unclamped) above min_score.
Status RunView(Session& session, const View& view, const FaceDetectOptions& options,
               std::vector<DetectedFace>& out) {
  static const Normalization kNorm{1.0f / 127.5f, {1, 1, 1}, {1, 1, 1}, false};  // [-1, 1]
  const std::vector<float> x = ToTensor(view.input, kNorm, Layout::kNHWC);
  const InputView in{session.inputs().at(0).name, {1, kSize, kSize, 3}, x};
  static const std::vector<std::string> kOutputs = {kScores16, kScores8, kBoxes16, kBoxes8};
  CAMROLL_ASSIGN_OR_RETURN(std::vector<Tensor> t, session.Run({&in, 1}, kOutputs));
  if (t.size() != 4 || t[0].data.size() != kAnchors16 || t[1].data.size() != kAnchors8 ||
      t[2].data.size() != kAnchors16 * kRegressors || t[3].data.size() != kAnchors8 * kRegressors) {
    return Fail(ErrorCode::kInternal, "blazeface: unexpected output shapes");
  }
  const auto& anchors = Anchors();
  const Placement& p = view.placement;
  const float margin = kTileEdgeMargin * view.region.w;
  for (int k = 0; k < kAnchors; ++k) {
    const bool fine = k < kAnchors16;
    const int i = fine ? k : k - kAnchors16;
    const float score = Sigmoid(fine ? t[0].data[i] : t[1].data[i]);
    if (score < options.min_score) continue;
    const float* r =
        (fine ? t[2].data.data() : t[3].data.data()) + static_cast<size_t>(i) * kRegressors;
    const PointF a = anchors[k];
    const float cx = a.x + r[0], cy = a.y + r[1], w = r[2], h = r[3];
    if (!(w > 0 && h > 0)) continue;
    if (view.tile && std::max(w, h) > kTileMaxFace * kSize) continue;
    DetectedFace f;
    f.score = score;
    const float x0 = p.ToImageX(cx - w / 2), y0 = p.ToImageY(cy - h / 2);
    const float x1 = p.ToImageX(cx + w / 2), y1 = p.ToImageY(cy + h / 2);
    f.box = {x0, y0, x1 - x0, y1 - y0};
    if ((view.inner_left && x0 < view.region.x + margin) ||
        (view.inner_top && y0 < view.region.y + margin) ||
        (view.inner_right && x1 > view.region.right() - margin) ||
        (view.inner_bottom && y1 > view.region.bottom() - margin)) {
      continue;
    }
    for (int l = 0; l < kFaceLandmarks; ++l) {
      f.landmarks[l] = {p.ToImageX(a.x + r[4 + 2 * l]), p.ToImageY(a.y + r[5 + 2 * l])};
    }
    out.push_back(f);
  }
  return Ok();
}

float Intersection(const BoxF& a, const BoxF& b) {
  const float iw = std::min(a.right(), b.right()) - std::max(a.x, b.x);
  const float ih = std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y);
  return iw > 0 && ih > 0 ? iw * ih : 0;
}

// MediaPipe's weighted NMS: the best remaining detection absorbs every detection overlapping it
// by more than the threshold; box and landmarks become the score-weighted mean, the score stays
// the best one's. A merged detection nested with one already kept is dropped (kMaxContained).
std::vector<DetectedFace> WeightedNms(std::vector<DetectedFace> faces, float iou_threshold,
                                      size_t max_faces) {
  std::stable_sort(faces.begin(), faces.end(),
                   [](const DetectedFace& a, const DetectedFace& b) { return a.score > b.score; });
  std::vector<DetectedFace> kept;
  std::vector<bool> used(faces.size(), false);
  for (size_t i = 0; i < faces.size() && kept.size() < max_faces; ++i) {
    if (used[i]) continue;
    double wsum = 0, bx = 0, by = 0, br = 0, bb = 0;
    std::array<double, 2 * kFaceLandmarks> lm{};
    for (size_t j = i; j < faces.size(); ++j) {
      if (used[j] || (j != i && IoU(faces[i].box, faces[j].box) <= iou_threshold)) continue;
      used[j] = true;
      const DetectedFace& f = faces[j];
      const double w = f.score;
      wsum += w;
      bx += w * f.box.x;
      by += w * f.box.y;
      br += w * f.box.right();
      bb += w * f.box.bottom();
      for (int l = 0; l < kFaceLandmarks; ++l) {
        lm[2 * l] += w * f.landmarks[l].x;
        lm[2 * l + 1] += w * f.landmarks[l].y;
      }
    }
    DetectedFace m;
    m.score = faces[i].score;
    m.box = {static_cast<float>(bx / wsum), static_cast<float>(by / wsum),
             static_cast<float>((br - bx) / wsum), static_cast<float>((bb - by) / wsum)};
    for (int l = 0; l < kFaceLandmarks; ++l) {
      m.landmarks[l] = {static_cast<float>(lm[2 * l] / wsum),
                        static_cast<float>(lm[2 * l + 1] / wsum)};
    }
    const bool part_of_another = std::any_of(kept.begin(), kept.end(), [&](const DetectedFace& k) {
      return Intersection(k.box, m.box) > kMaxContained * std::min(k.box.area(), m.box.area());
    });
    if (!part_of_another) kept.push_back(m);
  }
  return kept;
}

BoxF ClampToImage(const BoxF& b, int width, int height) {
  const float x0 = std::clamp(b.x, 0.0f, static_cast<float>(width));
  const float y0 = std::clamp(b.y, 0.0f, static_cast<float>(height));
  const float x1 = std::clamp(b.right(), 0.0f, static_cast<float>(width));
  const float y1 = std::clamp(b.bottom(), 0.0f, static_cast<float>(height));
  return {x0, y0, x1 - x0, y1 - y0};
}

}  // namespace

FaceDetector::FaceDetector(std::unique_ptr<Session> session) : session_(std::move(session)) {}

Result<FaceDetector> FaceDetector::Open(const std::filesystem::path& models_dir,
                                        const SessionOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(auto session, OpenModel(models_dir, "blazeface", options));
  if (session->inputs().size() != 1 ||
      session->inputs()[0].shape != std::vector<int64_t>{1, kSize, kSize, 3}) {
    return Fail(ErrorCode::kInternal, "blazeface: expected one [1,256,256,3] input");
  }
  return FaceDetector(std::move(session));
}

std::vector<BoxF> FaceDetector::Tiles(int width, int height, const FaceDetectOptions& options) {
  std::vector<BoxF> tiles;
  const int short_side = std::min(width, height);
  const int side = static_cast<int>(std::lround(kTileFraction * short_side));
  if (options.tiling == FaceTiling::kNever || side <= kSize) return tiles;
  if (options.tiling == FaceTiling::kAuto && side < options.auto_tile_min_side) return tiles;
  // Tiles along an edge: enough that neighbours overlap by at least kTileMinOverlap, spread
  // evenly from one end to the other.
  auto starts = [&](int edge) {
    std::vector<int> s;
    const int n =
        edge <= side
            ? 1
            : static_cast<int>(std::ceil((edge - side) / ((1 - kTileMinOverlap) * side))) + 1;
    for (int i = 0; i < n; ++i) {
      s.push_back(
          n == 1 ? 0
                 : static_cast<int>(std::lround(static_cast<double>(i) * (edge - side) / (n - 1))));
    }
    return s;
  };
  for (int y : starts(height)) {
    for (int x : starts(width)) {
      tiles.push_back({static_cast<float>(x), static_cast<float>(y), static_cast<float>(side),
                       static_cast<float>(side)});
    }
  }
  return tiles;
}

Result<std::vector<DetectedFace>> FaceDetector::Detect(const RgbImage& upright,
                                                       const FaceDetectOptions& options) const {
  if (upright.empty() ||
      upright.pixels.size() != static_cast<size_t>(upright.width) * upright.height * 3) {
    return Fail(ErrorCode::kInvalidInput, "face detection: empty or malformed image");
  }
  std::vector<DetectedFace> candidates;
  View whole;
  whole.input = LetterboxTo(upright, kSize, kSize, &whole.placement, 0);
  whole.region = {0, 0, static_cast<float>(upright.width), static_cast<float>(upright.height)};
  CAMROLL_RETURN_IF_ERROR(RunView(*session_, whole, options, candidates));
  for (const BoxF& tile : Tiles(upright.width, upright.height, options)) {
    CAMROLL_RETURN_IF_ERROR(RunView(*session_, TileView(upright, tile), options, candidates));
  }
  std::vector<DetectedFace> faces =
      WeightedNms(std::move(candidates), options.iou_threshold,
                  static_cast<size_t>(std::max(0, options.max_faces)));
  for (DetectedFace& f : faces) f.box = ClampToImage(f.box, upright.width, upright.height);
  std::erase_if(faces, [](const DetectedFace& f) { return f.box.area() <= 0; });
  return faces;
}

}  // namespace camroll::ml
