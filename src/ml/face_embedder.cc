#include "ml/face_embedder.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "ml/image_tensor.h"
#include "ml/model_store.h"

namespace camroll::ml {
namespace {

// Sharpness: the Laplacian variance at which sharpness reads 0.5. Calibration (labelled set at
// 1440 px, faces ~330 px; bench/face_embed_eval.cc --blur): sharp portraits read 0.57 ± 0.15;
// after a Gaussian blur of σ = 2 px 0.23 (faceres AUC 0.997, from 0.999), σ = 4 px 0.09 (AUC
// 0.959), σ = 8 px 0.03 (AUC 0.87). The face-api demo photos (soft studio light) read 0.1–0.5.
constexpr double kSharpnessHalf = 300.0;
constexpr int kSharpnessSize = 112;
constexpr int kSharpnessMinSize = 16;
// The nose tip stands about this many eye distances in front of the eyes' line.
constexpr double kNoseDepth = 0.6;

struct ModelSpec {
  const char* id;
  int size;
  int dims;
  const char* output;
  float scale;  // pixel value multiplier
};

const ModelSpec& Spec(FaceEmbedderModel model) {
  static const ModelSpec kFaceres{"faceres", 224, 1024, "global_pooling/Mean", 1.0f};
  static const ModelSpec kMobileFaceNet{"mobilefacenet", 112, 192, "embeddings", 1.0f / 255};
  return model == FaceEmbedderModel::kFaceres ? kFaceres : kMobileFaceNet;
}

cv::Mat AsMat(const RgbImage& img) {
  // OpenCV only reads through this header.
  return cv::Mat(img.height, img.width, CV_8UC3, const_cast<uint8_t*>(img.pixels.data()));
}

double Clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

// Angle of the eye line (subject's right eye → left eye) in radians; 0 when level.
double EyeAngle(const DetectedFace& face) {
  const PointF r = face.landmark(FaceLandmark::kRightEye);
  const PointF l = face.landmark(FaceLandmark::kLeftEye);
  return std::atan2(l.y - r.y, l.x - r.x);
}

}  // namespace

std::string_view FaceEmbedderModelId(FaceEmbedderModel model) { return Spec(model).id; }

RgbImage AlignFace(const RgbImage& upright, const DetectedFace& face, int size, float crop_scale) {
  RgbImage out;
  out.width = out.height = size;
  out.pixels.assign(static_cast<size_t>(size) * size * 3, 0);
  const double side = crop_scale * std::max(face.box.w, face.box.h);
  if (upright.empty() || size <= 0 || !(side > 0)) return out;
  const double angle = EyeAngle(face);
  const double cs = std::cos(angle), sn = std::sin(angle);
  // Continuous coordinates (pixel edges at integers) of the crop's centre, and the source
  // pixels per output pixel.
  double cx = face.box.x + face.box.w / 2, cy = face.box.y + face.box.h / 2;
  double sx = side / size, sy = sx;

  cv::Mat src = AsMat(upright);
  cv::Mat shrunk;
  if (sx > 2) {
    // Shrinking by more than 2: area-average the region the turned square covers first, so the
    // warp below only turns (bilinear sampling alone would alias).
    const double half = side * (std::abs(cs) + std::abs(sn)) / 2 + 2;
    const int x0 = std::max(0, static_cast<int>(std::floor(cx - half)));
    const int y0 = std::max(0, static_cast<int>(std::floor(cy - half)));
    const int x1 = std::min(upright.width, static_cast<int>(std::ceil(cx + half)));
    const int y1 = std::min(upright.height, static_cast<int>(std::ceil(cy + half)));
    if (x1 <= x0 || y1 <= y0) return out;
    const int w = std::max(1, static_cast<int>(std::lround((x1 - x0) / sx)));
    const int h = std::max(1, static_cast<int>(std::lround((y1 - y0) / sy)));
    cv::resize(src(cv::Rect(x0, y0, x1 - x0, y1 - y0)), shrunk, cv::Size(w, h), 0, 0,
               cv::INTER_AREA);
    const double fx = static_cast<double>(w) / (x1 - x0), fy = static_cast<double>(h) / (y1 - y0);
    cx = (cx - x0) * fx;
    cy = (cy - y0) * fy;
    sx *= fx;
    sy *= fy;
    src = shrunk;
  }
  // Output pixel (u, v) samples source pixel M · (u, v, 1): pixel centres at +0.5 in continuous
  // coordinates on both sides.
  const double k = size / 2.0 - 0.5;
  cv::Matx23d m(sx * cs, -sx * sn, 0, sy * sn, sy * cs, 0);
  m(0, 2) = cx - 0.5 - m(0, 0) * k - m(0, 1) * k;
  m(1, 2) = cy - 0.5 - m(1, 0) * k - m(1, 1) * k;
  cv::Mat dst(size, size, CV_8UC3, out.pixels.data());
  cv::warpAffine(src, dst, m, dst.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                 cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
  return out;
}

FaceQuality MeasureFaceQuality(const RgbImage& upright, const DetectedFace& face) {
  FaceQuality q;
  q.size_px = static_cast<int>(std::lround(std::min(face.box.w, face.box.h)));
  q.detector_score = face.score;

  // At the face's own resolution up to kSharpnessSize: upscaling a small face would blur it and
  // count its size twice (the size factor below already does).
  const int n = std::clamp(q.size_px, kSharpnessMinSize, kSharpnessSize);
  const RgbImage crop = AlignFace(upright, face, n, 1.0f);
  cv::Mat gray, lap;
  cv::cvtColor(AsMat(crop), gray, cv::COLOR_RGB2GRAY);
  cv::Laplacian(gray, lap, CV_32F, 1);
  const int m = n / 10;
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap(cv::Rect(m, m, n - 2 * m, n - 2 * m)), mean, stddev);
  const double variance = stddev[0] * stddev[0];
  q.sharpness = static_cast<float>(variance / (variance + kSharpnessHalf));

  const double roll = EyeAngle(face);
  q.roll_deg = static_cast<float>(roll * 180 / std::numbers::pi);
  const PointF r = face.landmark(FaceLandmark::kRightEye);
  const PointF l = face.landmark(FaceLandmark::kLeftEye);
  const PointF nose = face.landmark(FaceLandmark::kNoseTip);
  const double ex = l.x - r.x, ey = l.y - r.y;
  const double eye_distance = std::hypot(ex, ey);
  double yaw = 0;
  if (eye_distance > 0) {
    const double along =
        ((nose.x - (r.x + l.x) / 2) * ex + (nose.y - (r.y + l.y) / 2) * ey) / eye_distance;
    yaw = std::atan(along / eye_distance / kNoseDepth);
  }
  q.yaw_deg = static_cast<float>(yaw * 180 / std::numbers::pi);

  // Each factor is 1 where faceres separates people as well as on sharp portraits, and falls
  // where it measurably does not: at 33 px faces or a σ = 4 px blur (both AUC ≈ 0.96) the size
  // and sharpness factors read about 0.2.
  const double size_f = Clamp01((q.size_px - 20.0) / (80.0 - 20.0));
  const double sharp_f = Clamp01((q.sharpness - 0.05) / (0.25 - 0.05));
  const double pose_f = std::cos(yaw) * std::cos(yaw) * std::cos(roll / 2);
  const double score_f = Clamp01((face.score - 0.5) / (0.8 - 0.5));
  q.quality = static_cast<float>(Clamp01(size_f * sharp_f * pose_f * score_f));
  return q;
}

FaceEmbedder::FaceEmbedder(std::unique_ptr<Session> session, FaceEmbedderModel model)
    : session_(std::move(session)), model_(model) {}

Result<FaceEmbedder> FaceEmbedder::Open(const std::filesystem::path& models_dir,
                                        const SessionOptions& options, FaceEmbedderModel model) {
  const ModelSpec& spec = Spec(model);
  CAMROLL_ASSIGN_OR_RETURN(auto session, OpenModel(models_dir, spec.id, options));
  if (session->inputs().size() != 1 ||
      session->inputs()[0].shape != std::vector<int64_t>{1, spec.size, spec.size, 3}) {
    return Fail(ErrorCode::kInternal, std::string(spec.id) + ": unexpected input shape");
  }
  return FaceEmbedder(std::move(session), model);
}

int FaceEmbedder::input_size() const { return Spec(model_).size; }
int FaceEmbedder::dimensions() const { return Spec(model_).dims; }

Result<std::vector<float>> FaceEmbedder::EmbedAligned(const RgbImage& aligned) const {
  const ModelSpec& spec = Spec(model_);
  if (aligned.width != spec.size || aligned.height != spec.size ||
      aligned.pixels.size() != static_cast<size_t>(spec.size) * spec.size * 3) {
    return Fail(ErrorCode::kInvalidInput, std::string(spec.id) + ": the aligned face must be " +
                                              std::to_string(spec.size) + " px square");
  }
  const Normalization norm{spec.scale, {0, 0, 0}, {1, 1, 1}, false};
  const std::vector<float> x = ToTensor(aligned, norm, Layout::kNHWC);
  const InputView in{session_->inputs()[0].name, {1, spec.size, spec.size, 3}, x};
  const std::vector<std::string> outputs = {spec.output};
  CAMROLL_ASSIGN_OR_RETURN(std::vector<Tensor> t, session_->Run({&in, 1}, outputs));
  if (t.size() != 1 || t[0].data.size() != static_cast<size_t>(spec.dims)) {
    return Fail(ErrorCode::kInternal, std::string(spec.id) + ": unexpected output size");
  }
  std::vector<float> v = std::move(t[0].data);
  double norm2 = 0;
  for (float f : v) norm2 += static_cast<double>(f) * f;
  if (!(norm2 > 0) || !std::isfinite(norm2)) {
    return Fail(ErrorCode::kInternal, std::string(spec.id) + ": degenerate embedding");
  }
  const float inv = static_cast<float>(1 / std::sqrt(norm2));
  for (float& f : v) f *= inv;
  return v;
}

Result<FaceEmbedding> FaceEmbedder::Embed(const RgbImage& upright, const DetectedFace& face,
                                          float crop_scale) const {
  if (upright.empty()) return Fail(ErrorCode::kInvalidInput, "face embedding: empty image");
  if (!(face.box.w > 0 && face.box.h > 0)) {
    return Fail(ErrorCode::kInvalidInput, "face embedding: empty face box");
  }
  FaceEmbedding e;
  CAMROLL_ASSIGN_OR_RETURN(e.vector,
                           EmbedAligned(AlignFace(upright, face, input_size(), crop_scale)));
  e.quality = MeasureFaceQuality(upright, face);
  return e;
}

}  // namespace camroll::ml
