#include "analyze/vision.h"

#include <algorithm>
#include <optional>

#include "ml/face_detector.h"
#include "ml/face_embedder.h"
#include "ml/objects.h"
#include "ml/sensitive.h"
#include "ml/text_detector.h"

namespace camroll {

struct VisionAnalyzer::Models {
  std::unique_ptr<ml::ObjectDetector> objects;
  std::unique_ptr<ml::TextDetector> text;
  std::unique_ptr<ml::SensitiveClassifier> sensitive;
  std::optional<ml::FaceDetector> face_detector;  // only with face grouping on
  std::optional<ml::FaceEmbedder> face_embedder;
};

VisionAnalyzer::VisionAnalyzer(std::unique_ptr<Models> models) : models_(std::move(models)) {}
VisionAnalyzer::~VisionAnalyzer() = default;

Result<std::unique_ptr<VisionAnalyzer>> VisionAnalyzer::Open(const VisionOptions& options) {
  ml::SessionOptions so;
  so.intra_op_threads = options.intra_op_threads;
  auto m = std::make_unique<Models>();
  CAMROLL_ASSIGN_OR_RETURN(
      m->objects, ml::ObjectDetector::Open(options.models_dir, ml::kDefaultObjectModel, so));
  CAMROLL_ASSIGN_OR_RETURN(m->text, ml::TextDetector::Open(options.models_dir, so));
  CAMROLL_ASSIGN_OR_RETURN(m->sensitive, ml::SensitiveClassifier::Open(options.models_dir, so));
  if (options.faces) {
    CAMROLL_ASSIGN_OR_RETURN(auto detector, ml::FaceDetector::Open(options.models_dir, so));
    m->face_detector.emplace(std::move(detector));
    CAMROLL_ASSIGN_OR_RETURN(auto embedder, ml::FaceEmbedder::Open(options.models_dir, so));
    m->face_embedder.emplace(std::move(embedder));
  }
  return std::unique_ptr<VisionAnalyzer>(new VisionAnalyzer(std::move(m)));
}

bool VisionAnalyzer::faces_enabled() const { return models_->face_detector.has_value(); }

std::string VisionAnalyzer::ModelNames() const {
  std::string names = std::string(ml::ObjectModelId(models_->objects->model())) + "+ocr_det+nsfw";
  if (faces_enabled()) names += "+blazeface+faceres";
  return names;
}

namespace {
NormBox Normalise(const ml::BoxF& b, const RgbImage& img) {
  float w = static_cast<float>(img.width), h = static_cast<float>(img.height);
  float x0 = std::clamp(b.x / w, 0.0f, 1.0f), y0 = std::clamp(b.y / h, 0.0f, 1.0f);
  float x1 = std::clamp(b.right() / w, 0.0f, 1.0f), y1 = std::clamp(b.bottom() / h, 0.0f, 1.0f);
  return {x0, y0, x1 - x0, y1 - y0};
}
}  // namespace

Result<VisionFacts> VisionAnalyzer::See(const RgbImage& upright) const {
  VisionFacts v;
  CAMROLL_ASSIGN_OR_RETURN(auto objects, models_->objects->Detect(upright));
  for (const auto& o : objects) v.objects.push_back({o.label, o.score, Normalise(o.box, upright)});
  CAMROLL_ASSIGN_OR_RETURN(auto text, models_->text->Detect(upright));
  v.text_coverage = text.coverage.area_fraction;
  v.text_lines = text.coverage.lines;
  v.document = ml::LooksLikeDocument(text.coverage);
  CAMROLL_ASSIGN_OR_RETURN(auto scores, models_->sensitive->Classify(upright));
  v.sensitive_score = scores.porn + scores.hentai + scores.sexy;
  v.sensitive = ml::IsSensitive(scores);
  return v;
}

Result<std::vector<FaceFact>> VisionAnalyzer::Faces(const RgbImage& upright) const {
  if (!faces_enabled()) {
    return Fail(ErrorCode::kPermission, "face grouping is off: faces are not analysed");
  }
  CAMROLL_ASSIGN_OR_RETURN(auto detected, models_->face_detector->Detect(upright));
  std::vector<FaceFact> faces;
  for (const auto& d : detected) {
    CAMROLL_ASSIGN_OR_RETURN(auto e, models_->face_embedder->Embed(upright, d));
    FaceFact f;
    f.box = Normalise(d.box, upright);
    f.score = d.score;
    f.quality = e.quality.quality;
    f.size_px = e.quality.size_px;
    f.embedding = std::move(e.vector);
    faces.push_back(std::move(f));
  }
  return faces;
}

}  // namespace camroll
