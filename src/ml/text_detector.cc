#include "ml/text_detector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ml/image_tensor.h"
#include "ml/model_store.h"

namespace camroll::ml {
namespace {

constexpr int kMultiple = 32;  // the network downsamples by 32

// Mean probability inside the quad (PaddleOCR's box_score_fast).
float MeanInside(const cv::Mat& prob, const cv::Point2f (&pts)[4]) {
  float xmin = pts[0].x, xmax = pts[0].x, ymin = pts[0].y, ymax = pts[0].y;
  for (const auto& p : pts) {
    xmin = std::min(xmin, p.x), xmax = std::max(xmax, p.x);
    ymin = std::min(ymin, p.y), ymax = std::max(ymax, p.y);
  }
  const int x0 = std::clamp(static_cast<int>(std::floor(xmin)), 0, prob.cols - 1);
  const int x1 = std::clamp(static_cast<int>(std::ceil(xmax)), 0, prob.cols - 1);
  const int y0 = std::clamp(static_cast<int>(std::floor(ymin)), 0, prob.rows - 1);
  const int y1 = std::clamp(static_cast<int>(std::ceil(ymax)), 0, prob.rows - 1);
  cv::Mat mask = cv::Mat::zeros(y1 - y0 + 1, x1 - x0 + 1, CV_8U);
  std::vector<cv::Point> poly;
  for (const auto& p : pts) {
    poly.emplace_back(static_cast<int>(std::lround(p.x - x0)),
                      static_cast<int>(std::lround(p.y - y0)));
  }
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(1));
  return static_cast<float>(cv::mean(prob(cv::Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1)), mask)[0]);
}

// Clockwise from top-left: smallest x + y first, largest x + y third.
std::array<PointF, 4> OrderClockwise(const std::array<PointF, 4>& p) {
  auto sum = [](const PointF& a) { return a.x + a.y; };
  auto diff = [](const PointF& a) { return a.y - a.x; };
  std::array<int, 4> idx = {0, 1, 2, 3};
  int tl = *std::min_element(idx.begin(), idx.end(),
                             [&](int a, int b) { return sum(p[a]) < sum(p[b]); });
  int br = *std::max_element(idx.begin(), idx.end(),
                             [&](int a, int b) { return sum(p[a]) < sum(p[b]); });
  if (tl == br) br = (tl + 2) % 4;  // degenerate
  int rest[2], k = 0;
  for (int i : idx) {
    if (i != tl && i != br && k < 2) rest[k++] = i;
  }
  int tr = diff(p[rest[0]]) <= diff(p[rest[1]]) ? rest[0] : rest[1];
  int bl = tr == rest[0] ? rest[1] : rest[0];
  return {p[tl], p[tr], p[br], p[bl]};
}

}  // namespace

std::string_view TextVerdictName(TextVerdict verdict) {
  switch (verdict) {
    case TextVerdict::kNoText:
      return "none";
    case TextVerdict::kSomeText:
      return "some";
    case TextVerdict::kDocument:
      return "document";
  }
  return "none";
}

std::vector<TextBox> BoxesFromProbabilityMap(std::span<const float> prob, int map_w, int map_h,
                                             int image_w, int image_h,
                                             const TextDetectorOptions& options) {
  std::vector<TextBox> out;
  if (map_w <= 0 || map_h <= 0 || prob.size() != static_cast<size_t>(map_w) * map_h) return out;
  cv::Mat p(map_h, map_w, CV_32F, const_cast<float*>(prob.data()));
  cv::Mat bitmap = p > options.threshold;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bitmap, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  const float sx = static_cast<float>(image_w) / map_w;
  const float sy = static_cast<float>(image_h) / map_h;
  const size_t n =
      std::min(contours.size(), static_cast<size_t>(std::max(options.max_candidates, 0)));
  for (size_t i = 0; i < n; ++i) {
    if (contours[i].size() < 3) continue;
    cv::RotatedRect r = cv::minAreaRect(contours[i]);
    if (std::min(r.size.width, r.size.height) < options.min_size) continue;
    cv::Point2f pts[4];
    r.points(pts);
    const float score = MeanInside(p, pts);
    if (score < options.box_threshold) continue;
    if (std::min(r.size.width, r.size.height) > options.max_line_height * std::min(map_w, map_h)) {
      continue;  // a blob, not a line of text
    }
    // DB's unclip: offsetting the rectangle by d and taking the minimum-area rectangle of the
    // result grows each side by 2d.
    const float w = r.size.width, h = r.size.height;
    const float d = w * h * options.unclip_ratio / (2 * (w + h));
    cv::RotatedRect grown(r.center, cv::Size2f(w + 2 * d, h + 2 * d), r.angle);
    if (std::min(grown.size.width, grown.size.height) < options.min_size + 2) continue;
    grown.points(pts);
    std::array<PointF, 4> quad;
    for (int k = 0; k < 4; ++k) {
      quad[k] = {std::clamp(pts[k].x * sx, 0.0f, static_cast<float>(image_w)),
                 std::clamp(pts[k].y * sy, 0.0f, static_cast<float>(image_h))};
    }
    quad = OrderClockwise(quad);
    float xmin = quad[0].x, xmax = quad[0].x, ymin = quad[0].y, ymax = quad[0].y;
    for (const auto& q : quad) {
      xmin = std::min(xmin, q.x), xmax = std::max(xmax, q.x);
      ymin = std::min(ymin, q.y), ymax = std::max(ymax, q.y);
    }
    // PaddleOCR's filter_tag_det_res: boxes of 3 px or less in the image are noise.
    auto len = [](PointF a, PointF b) { return std::hypot(a.x - b.x, a.y - b.y); };
    if (len(quad[0], quad[1]) <= 3 || len(quad[0], quad[3]) <= 3) continue;
    out.push_back({quad, {xmin, ymin, xmax - xmin, ymax - ymin}, score});
  }
  // Reading order: top to bottom, then left to right.
  std::stable_sort(out.begin(), out.end(), [](const TextBox& a, const TextBox& b) {
    return a.bounds.y != b.bounds.y ? a.bounds.y < b.bounds.y : a.bounds.x < b.bounds.x;
  });
  return out;
}

TextCoverage SummarizeText(std::span<const TextBox> boxes, int image_w, int image_h) {
  TextCoverage c;
  c.lines = static_cast<int>(boxes.size());
  if (boxes.empty() || image_w <= 0 || image_h <= 0) return c;
  // The union of the quads, rasterised at most 512 px on the long side.
  const float scale = std::min(1.0f, 512.0f / std::max(image_w, image_h));
  const int mw = std::max(1, static_cast<int>(std::lround(image_w * scale)));
  const int mh = std::max(1, static_cast<int>(std::lround(image_h * scale)));
  cv::Mat mask = cv::Mat::zeros(mh, mw, CV_8U);
  for (const auto& b : boxes) {
    // One at a time: fillPoly with several polygons leaves their overlaps empty (even-odd).
    cv::Point poly[4];
    for (int k = 0; k < 4; ++k) {
      poly[k] = {static_cast<int>(std::lround(b.quad[k].x * scale)),
                 static_cast<int>(std::lround(b.quad[k].y * scale))};
    }
    cv::fillConvexPoly(mask, poly, 4, cv::Scalar(1));
  }
  c.area_fraction = static_cast<float>(cv::countNonZero(mask)) / (static_cast<float>(mw) * mh);
  c.verdict = c.lines >= kDocumentMinLines && c.area_fraction >= kDocumentMinArea
                  ? TextVerdict::kDocument
                  : TextVerdict::kSomeText;
  return c;
}

Result<std::unique_ptr<TextDetector>> TextDetector::Open(const std::filesystem::path& models_dir,
                                                         const SessionOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(auto session, OpenModel(models_dir, "ocr_det", options));
  return std::unique_ptr<TextDetector>(new TextDetector(std::move(session)));
}

Result<TextDetection> TextDetector::Detect(const RgbImage& upright,
                                           const TextDetectorOptions& options) const {
  if (upright.empty()) return Fail(ErrorCode::kInvalidInput, "detecting text in an empty image");
  if (options.max_side < kMultiple) {
    return Fail(ErrorCode::kInvalidInput, "text detector max_side below 32");
  }
  // PaddleOCR's DetResizeForTest, limit_type "max": shrink only, then round to multiples of 32.
  const int long_side = upright.LongEdge();
  const float ratio =
      long_side > options.max_side ? static_cast<float>(options.max_side) / long_side : 1.0f;
  auto round32 = [](float v) {
    return std::max(kMultiple, static_cast<int>(std::lround(v / kMultiple)) * kMultiple);
  };
  const int w = round32(upright.width * ratio), h = round32(upright.height * ratio);
  RgbImage small = StretchTo(upright, w, h);
  Normalization norm;
  norm.scale = 1.0f / 255.0f;
  norm.mean = {0.485f, 0.456f, 0.406f};
  norm.std = {0.229f, 0.224f, 0.225f};
  norm.bgr = true;
  std::vector<float> x = ToTensor(small, norm, Layout::kNCHW);
  InputView in{session_->inputs().at(0).name, {1, 3, h, w}, x};
  CAMROLL_ASSIGN_OR_RETURN(auto out, session_->Run({&in, 1}));
  const Tensor& prob = out.at(0);
  if (prob.data.size() != static_cast<size_t>(w) * h) {
    return Fail(ErrorCode::kInternal, "text detector output of an unexpected size");
  }
  TextDetection result;
  result.boxes = BoxesFromProbabilityMap(prob.data, w, h, upright.width, upright.height, options);
  result.coverage = SummarizeText(result.boxes, upright.width, upright.height);
  return result;
}

}  // namespace camroll::ml
