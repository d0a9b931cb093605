// What the content models see in a set of photos, for choosing models and thresholds by eye:
// objects (NanoDet and CenterNet), text (PP-OCRv4 det) and the sensitive-content scores, with
// milliseconds per image. Optionally draws the boxes into PNGs to look at.
//
//   ml_content_eval --models DIR [--draw OUTDIR] [--threads N] [--long-edge PX]
//                   [--min-score S] [--max-detections N] [--only objects|text|nsfw] IMAGE...
//
// Images are decoded to --long-edge (default 1440, the preview size) and turned upright by their
// EXIF orientation. One line per image and model; timings are wall-clock of one call after
// a warm-up call on the first image.
#include <vips/vips.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "core/files.h"
#include "media/decode.h"
#include "media/metadata.h"
#include "ml/objects.h"
#include "ml/sensitive.h"
#include "ml/text_detector.h"

namespace camroll::ml {
namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void Draw(const RgbImage& img, const std::vector<DetectedObject>& objs,
          const std::vector<TextBox>& text, const std::filesystem::path& out) {
  RgbImage canvas = img;
  cv::Mat bgr(canvas.height, canvas.width, CV_8UC3, canvas.pixels.data());  // drawn as RGB
  const int thick = std::max(2, img.width / 400);
  for (const auto& o : objs) {
    cv::Rect r(static_cast<int>(o.box.x), static_cast<int>(o.box.y), static_cast<int>(o.box.w),
               static_cast<int>(o.box.h));
    cv::rectangle(bgr, r, {0, 255, 0}, thick);
    char label[96];
    std::snprintf(label, sizeof label, "%s %.2f", o.label.c_str(), o.score);
    cv::putText(bgr, label, {r.x + 3, std::max(r.y + 20, 20)}, cv::FONT_HERSHEY_SIMPLEX,
                0.5 * thick, {255, 255, 0}, thick);
  }
  for (const auto& t : text) {
    std::vector<cv::Point> pts;
    for (const auto& p : t.quad) pts.emplace_back(static_cast<int>(p.x), static_cast<int>(p.y));
    cv::polylines(bgr, pts, true, {255, 0, 255}, std::max(1, thick / 2));
  }
  VipsImage* v = vips_image_new_from_memory(canvas.pixels.data(), canvas.pixels.size(),
                                            canvas.width, canvas.height, 3, VIPS_FORMAT_UCHAR);
  if (v == nullptr || vips_image_write_to_file(v, out.c_str(), nullptr) != 0) {
    std::fprintf(stderr, "cannot write %s\n", out.c_str());
  }
  if (v != nullptr) g_object_unref(v);
}

int Main(int argc, char** argv) {
  std::filesystem::path models, draw;
  int threads = 1, long_edge = 1440;
  ObjectDetectorOptions oo;
  std::string only;  // "objects", "text" or "nsfw"; empty = all
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--models" && i + 1 < argc) {
      models = argv[++i];
    } else if (a == "--draw" && i + 1 < argc) {
      draw = argv[++i];
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--min-score" && i + 1 < argc) {
      oo.min_score = static_cast<float>(std::atof(argv[++i]));
    } else if (a == "--max-detections" && i + 1 < argc) {
      oo.max_detections = std::atoi(argv[++i]);
    } else if (a == "--long-edge" && i + 1 < argc) {
      long_edge = std::atoi(argv[++i]);
    } else {
      files.push_back(a);
    }
  }
  if (models.empty() || files.empty()) {
    std::fprintf(stderr,
                 "usage: ml_content_eval --models DIR [--draw OUTDIR] [--threads N] "
                 "[--long-edge PX] [--min-score S] [--max-detections N] [--only objects|text|nsfw] "
                 "IMAGE...\n");
    return 2;
  }
  SessionOptions so;
  so.intra_op_threads = threads;
  auto nano = ObjectDetector::Open(models, ObjectModel::kNanoDet, so);
  auto center = ObjectDetector::Open(models, ObjectModel::kCenterNet, so);
  auto text = TextDetector::Open(models, so);
  auto nsfw = SensitiveClassifier::Open(models, so);
  if (!nano || !center || !text || !nsfw) {
    std::fprintf(stderr, "cannot open the models in %s\n", models.c_str());
    return 1;
  }
  if (!draw.empty()) {
    std::filesystem::create_directories(draw);
    if (VIPS_INIT(argv[0]) != 0) return 1;
  }
  bool warm = false;
  for (const auto& f : files) {
    auto bytes = ReadFile(f, 256 << 20);
    if (!bytes) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), bytes.error().ToString().c_str());
      continue;
    }
    const Format format = SniffFormat(*bytes);
    auto img = DecodeImageScaled(*bytes, format, long_edge, {});
    if (!img) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), img.error().ToString().c_str());
      continue;
    }
    if (auto meta = ReadImageMetadata(*bytes, format); meta && meta->orientation != 1) {
      *img = ApplyOrientation(std::move(*img), meta->orientation);
    }
    if (!warm) {
      (void)(*nano)->Detect(*img);
      (void)(*center)->Detect(*img);
      (void)(*text)->Detect(*img);
      (void)(*nsfw)->Classify(*img);
      warm = true;
    }
    std::printf("== %s (%dx%d)\n", f.filename().c_str(), img->width, img->height);
    std::vector<DetectedObject> drawn;
    for (auto* det : {nano->get(), center->get()}) {
      if (!only.empty() && only != "objects") break;
      auto t0 = std::chrono::steady_clock::now();
      auto objs = det->Detect(*img, oo);
      double ms = MsSince(t0);
      if (!objs) {
        std::printf("  %s: %s\n", std::string(ObjectModelId(det->model())).c_str(),
                    objs.error().ToString().c_str());
        continue;
      }
      std::printf("  %-9s %6.1f ms:", std::string(ObjectModelId(det->model())).c_str(), ms);
      for (const auto& o : *objs) std::printf(" %s %.2f;", o.label.c_str(), o.score);
      std::printf("\n");
      if (!draw.empty()) {
        Draw(*img, *objs, {},
             draw / (f.stem().string() + "." + std::string(ObjectModelId(det->model())) + ".png"));
      }
    }
    const bool do_text = only.empty() || only == "text";
    const bool do_nsfw = only.empty() || only == "nsfw";
    auto t0 = std::chrono::steady_clock::now();
    auto td = do_text ? (*text)->Detect(*img) : Result<TextDetection>(TextDetection{});
    double ms = MsSince(t0);
    if (td && do_text) {
      std::printf("  text      %6.1f ms: %zu boxes, %d lines, coverage %.3f, %s\n", ms,
                  td->boxes.size(), td->coverage.lines, td->coverage.area_fraction,
                  std::string(TextVerdictName(td->coverage.verdict)).c_str());
      if (!draw.empty()) Draw(*img, {}, td->boxes, draw / (f.stem().string() + ".text.png"));
    }
    t0 = std::chrono::steady_clock::now();
    auto s = do_nsfw ? (*nsfw)->Classify(*img) : Result<SensitiveScores>(SensitiveScores{});
    ms = MsSince(t0);
    if (s && do_nsfw) {
      std::printf(
          "  nsfw      %6.1f ms: drawing %.3f hentai %.3f neutral %.3f porn %.3f sexy %.3f -> %s\n",
          ms, s->drawing, s->hentai, s->neutral, s->porn, s->sexy,
          IsSensitive(*s) ? "SENSITIVE" : "ok");
    }
  }
  return 0;
}

}  // namespace
}  // namespace camroll::ml

int main(int argc, char** argv) { return camroll::ml::Main(argc, argv); }
