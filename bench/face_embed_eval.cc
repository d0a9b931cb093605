// Face detection and embeddings on real photos: how well an embedding model separates people, and
// what detection with and without tiles finds and costs.
//
//   build/release/bench/face_embed_eval [--faces DIR] [--model faceres|mobilefacenet]
//       [--out FACES.jsonl] [--models DIR] [--long-edge N] [--crop-scale S] [--threads N]
//       [--blur SIGMA]
//   build/release/bench/face_embed_eval --survey PHOTO... [--long-edge N] [--min-score S]
//       [--draw DIR] [--repeat N] [--mosaic N] [--detail] [--dump FILE.csv]
//
// Embedding mode (default): for every photo of DIR/identities.csv (file,identity; default
// ../shared/testdata/faces-labeled), decodes it upright at --long-edge (default 1440, the scan's
// preview size), detects faces (tiling auto), embeds the largest and writes one JSON line per
// photo — {"file","person","embedding","score","quality","size_px","box":[x,y,w,h]} — the format
// bench/people_eval reads. Photos in DIR that identities.csv does not list are reported
// separately (face counts only). Prints faces found / photos, same- and different-person cosine
// distances (mean ± sd), ROC AUC of "same person" from the distance, and ms per photo (detection)
// and per face (embedding), and the quality measures. --blur blurs every photo first (Gaussian,
// σ in pixels at --long-edge): how blur moves sharpness, quality and the distances.
//
// Survey mode: for each photo, the faces found by the whole photo alone, with tiles (auto and
// always), their scores and the time each takes (median of --repeat runs); --draw writes each
// photo with its boxes and landmarks as DIR/<name>.jpg (whole-photo boxes blue, tiled red).
// --mosaic N replaces each photo by N × N copies of itself shrunk N times (small faces, known
// count). --detail prints each face found (tiling auto) with its quality measures; --dump appends
// one CSV line per detection (photo, pass, score, box, eye distance / box width, eye, nose and
// mouth heights in the box) for tuning the score threshold.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/files.h"
#include "media/decode.h"
#include "ml/face_detector.h"
#include "ml/face_embedder.h"

namespace camroll {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Args {
  std::filesystem::path faces = "../shared/testdata/faces-labeled";
  std::filesystem::path models = std::filesystem::path(CAMROLL_BINARY_DIR) / "models";
  std::filesystem::path out;
  std::string model = "faceres";
  int long_edge = 0;  // 0: 1440 for the embeddings, the photo's own size for the survey
  float crop_scale = ml::FaceEmbedder::kCropScale;
  int threads = 1;
  std::vector<std::filesystem::path> survey;
  std::filesystem::path draw;
  float min_score = ml::FaceDetectOptions{}.min_score;
  int repeat = 3;
  int mosaic = 1;
  std::filesystem::path dump;
  float blur = 0;
  bool detail = false;
};

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}
double Sd(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  const double m = Mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / (v.size() - 1));
}
double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Probability that a random same-person pair is closer than a random different-person pair (ties
// count half): the ROC AUC of the distance as a "same person" test.
double Auc(std::vector<double> same, std::vector<double> diff) {
  if (same.empty() || diff.empty()) return 0;
  std::sort(diff.begin(), diff.end());
  double wins = 0;
  for (double s : same) {
    const auto lo = std::lower_bound(diff.begin(), diff.end(), s);
    const auto hi = std::upper_bound(diff.begin(), diff.end(), s);
    wins += static_cast<double>(diff.end() - hi) + 0.5 * static_cast<double>(hi - lo);
  }
  return wins / (static_cast<double>(same.size()) * diff.size());
}

Result<RgbImage> LoadUpright(const std::filesystem::path& file, int long_edge) {
  CAMROLL_ASSIGN_OR_RETURN(auto bytes, ReadFile(file, 256 << 20));
  return DecodeImageUpright(bytes, long_edge, DecodeOptions{});
}

void Draw(RgbImage& img, const std::vector<ml::DetectedFace>& faces, cv::Scalar colour) {
  cv::Mat m(img.height, img.width, CV_8UC3, img.pixels.data());
  const int t = std::max(1, img.LongEdge() / 600);
  for (const auto& f : faces) {
    cv::rectangle(m, cv::Rect2f(f.box.x, f.box.y, f.box.w, f.box.h), colour, t);
    for (const auto& p : f.landmarks) cv::circle(m, cv::Point2f(p.x, p.y), 2 * t, colour, -1);
    cv::putText(m, fmt::format("{:.2f}", f.score), cv::Point2f(f.box.x, f.box.y - 3 * t),
                cv::FONT_HERSHEY_SIMPLEX, 0.4 * t, colour, t);
  }
}

// The photo shrunk n times, n × n copies of it filling a canvas of its size: n² times the faces,
// each n times smaller (small faces in a big photo, with a known count).
RgbImage Mosaic(const RgbImage& img, int n) {
  RgbImage out = img;
  const int w = img.width / n, h = img.height / n;
  cv::Mat src(img.height, img.width, CV_8UC3, const_cast<uint8_t*>(img.pixels.data()));
  cv::Mat dst(out.height, out.width, CV_8UC3, out.pixels.data());
  dst.setTo(cv::Scalar(0, 0, 0));
  cv::Mat small;
  cv::resize(src, small, cv::Size(w, h), 0, 0, cv::INTER_AREA);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) small.copyTo(dst(cv::Rect(x * w, y * h, w, h)));
  }
  return out;
}

int Survey(const Args& args) {
  auto detector = ml::FaceDetector::Open(args.models, {.intra_op_threads = args.threads});
  if (!detector) {
    fmt::print(stderr, "{}\n", detector.error().ToString());
    return 1;
  }
  fmt::print(
      "| photo | size | whole: faces | ms | tiles | auto: faces | ms | always: faces | ms "
      "| scores (always) |\n|---|---|---|---|---|---|---|---|---|---|\n");
  std::map<std::string, std::vector<double>> all_ms;
  for (const auto& file : args.survey) {
    auto img = LoadUpright(file, args.long_edge > 0 ? args.long_edge : 1 << 14);
    if (!img) {
      fmt::print(stderr, "{}: {}\n", file.string(), img.error().ToString());
      continue;
    }
    if (args.mosaic > 1) *img = Mosaic(*img, args.mosaic);
    std::vector<std::vector<ml::DetectedFace>> found;
    std::vector<double> ms;
    for (ml::FaceTiling tiling :
         {ml::FaceTiling::kNever, ml::FaceTiling::kAuto, ml::FaceTiling::kAlways}) {
      ml::FaceDetectOptions o;
      o.min_score = args.min_score;
      o.tiling = tiling;
      std::vector<double> runs;
      std::vector<ml::DetectedFace> faces;
      for (int r = 0; r < std::max(1, args.repeat); ++r) {
        const auto t0 = Clock::now();
        auto f = detector->Detect(*img, o);
        runs.push_back(MsSince(t0));
        if (!f) {
          fmt::print(stderr, "{}: {}\n", file.string(), f.error().ToString());
          return 1;
        }
        faces = std::move(*f);
      }
      ms.push_back(Median(runs));
      found.push_back(std::move(faces));
    }
    if (args.detail) {
      for (const auto& f : found[1]) {
        const ml::FaceQuality q = ml::MeasureFaceQuality(*img, f);
        fmt::print(
            "  {} box {:.0f},{:.0f} {:.0f}×{:.0f} score {:.2f} size {} sharpness {:.2f} yaw "
            "{:.0f}° roll {:.0f}° quality {:.2f}\n",
            file.filename().string(), f.box.x, f.box.y, f.box.w, f.box.h, f.score, q.size_px,
            q.sharpness, q.yaw_deg, q.roll_deg, q.quality);
      }
    }
    if (!args.dump.empty()) {
      std::string lines;
      for (size_t pass : {size_t{0}, size_t{2}}) {
        for (const auto& f : found[pass]) {
          const auto& re = f.landmark(ml::FaceLandmark::kRightEye);
          const auto& le = f.landmark(ml::FaceLandmark::kLeftEye);
          const auto& no = f.landmark(ml::FaceLandmark::kNoseTip);
          const auto& mo = f.landmark(ml::FaceLandmark::kMouth);
          const double ed = std::hypot(le.x - re.x, le.y - re.y);
          lines += fmt::format(
              "{},{},{:.3f},{:.0f},{:.0f},{:.0f},{:.0f},{:.3f},{:.3f},{:.3f},{:.3f}\n",
              file.filename().string(), pass == 0 ? "whole" : "always", f.score, f.box.x, f.box.y,
              f.box.w, f.box.h, ed / f.box.w, ((re.y + le.y) / 2 - f.box.y) / f.box.h,
              (no.y - f.box.y) / f.box.h, (mo.y - f.box.y) / f.box.h);
        }
      }
      FILE* out = std::fopen(args.dump.c_str(), "a");
      if (out != nullptr) {
        std::fputs(lines.c_str(), out);
        std::fclose(out);
      }
    }
    all_ms["whole"].push_back(ms[0]);
    all_ms["auto"].push_back(ms[1]);
    all_ms["always"].push_back(ms[2]);
    std::string scores;
    for (const auto& f : found[2]) {
      scores += fmt::format("{}{:.2f}@{}px", scores.empty() ? "" : " ", f.score,
                            static_cast<int>(std::min(f.box.w, f.box.h)));
    }
    ml::FaceDetectOptions always;
    always.tiling = ml::FaceTiling::kAlways;
    fmt::print("| {} | {}×{} | {} | {:.0f} | {} | {} | {:.0f} | {} | {:.0f} | {} |\n",
               file.filename().string(), img->width, img->height, found[0].size(), ms[0],
               ml::FaceDetector::Tiles(img->width, img->height, always).size(), found[1].size(),
               ms[1], found[2].size(), ms[2], scores);
    if (!args.draw.empty()) {
      RgbImage canvas = *img;
      Draw(canvas, found[2], cv::Scalar(255, 40, 40));
      Draw(canvas, found[0], cv::Scalar(40, 80, 255));
      std::filesystem::create_directories(args.draw);
      auto jpeg = EncodeJpeg(canvas, 85);
      if (jpeg) {
        (void)WriteFileAtomic(args.draw / (file.stem().string() + ".jpg"), *jpeg,
                              Durability::kNone);
      }
    }
  }
  for (const auto& [name, v] : all_ms) {
    fmt::print("{}: {:.1f} ms per photo (mean of medians over {} photos)\n", name, Mean(v),
               v.size());
  }
  return 0;
}

// The files and people of identities.csv, in its order.
Result<std::vector<std::pair<std::string, std::string>>> ReadIdentities(
    const std::filesystem::path& csv) {
  CAMROLL_ASSIGN_OR_RETURN(auto bytes, ReadFile(csv, 1 << 20));
  std::string text(bytes.begin(), bytes.end());
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  bool header = true;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    const size_t comma = line.find(',');
    if (comma == std::string::npos) {
      return Fail(ErrorCode::kInvalidInput, "identities.csv: no comma in \"" + line + "\"");
    }
    out.emplace_back(line.substr(0, comma), line.substr(comma + 1));
  }
  return out;
}

int Evaluate(Args args) {
  if (args.long_edge <= 0) args.long_edge = 1440;
  const ml::FaceEmbedderModel model = args.model == "mobilefacenet"
                                          ? ml::FaceEmbedderModel::kMobileFaceNet
                                          : ml::FaceEmbedderModel::kFaceres;
  if (args.model != "faceres" && args.model != "mobilefacenet") {
    fmt::print(stderr, "unknown model {}\n", args.model);
    return 2;
  }
  const ml::SessionOptions so{.intra_op_threads = args.threads};
  auto detector = ml::FaceDetector::Open(args.models, so);
  auto embedder = ml::FaceEmbedder::Open(args.models, so, model);
  if (!detector || !embedder) {
    fmt::print(stderr, "{}\n", (!detector ? detector.error() : embedder.error()).ToString());
    return 1;
  }
  if (!std::filesystem::exists(args.faces / "identities.csv")) {
    fmt::print(stderr, "{} has no identities.csv\n", args.faces.string());
    return 1;
  }
  auto ids = ReadIdentities(args.faces / "identities.csv");
  if (!ids) {
    fmt::print(stderr, "{}\n", ids.error().ToString());
    return 1;
  }

  struct Face {
    std::string file, person;
    std::vector<float> embedding;
    ml::DetectedFace det;
    ml::FaceQuality quality;
  };
  std::vector<Face> faces;
  std::vector<double> detect_ms, embed_ms;
  size_t photos = 0, multi = 0;
  std::string out_text;
  for (const auto& [file, person] : *ids) {
    ++photos;
    auto img = LoadUpright(args.faces / file, args.long_edge);
    if (!img) {
      fmt::print(stderr, "{}: {}\n", file, img.error().ToString());
      continue;
    }
    if (args.blur > 0) {
      cv::Mat m(img->height, img->width, CV_8UC3, img->pixels.data());
      cv::GaussianBlur(m, m, cv::Size(0, 0), args.blur);
    }
    auto t0 = Clock::now();
    auto found = detector->Detect(*img);
    detect_ms.push_back(MsSince(t0));
    if (!found) {
      fmt::print(stderr, "{}: {}\n", file, found.error().ToString());
      return 1;
    }
    if (found->empty()) {
      fmt::print("{}: no face found\n", file);
      continue;
    }
    if (found->size() > 1) ++multi;
    const auto largest =
        std::max_element(found->begin(), found->end(),
                         [](const auto& a, const auto& b) { return a.box.area() < b.box.area(); });
    t0 = Clock::now();
    auto e = embedder->Embed(*img, *largest, args.crop_scale);
    embed_ms.push_back(MsSince(t0));
    if (!e) {
      fmt::print(stderr, "{}: {}\n", file, e.error().ToString());
      return 1;
    }
    Face f{file, person, std::move(e->vector), *largest, e->quality};
    nlohmann::ordered_json j = {{"file", f.file},
                                {"person", f.person},
                                {"embedding", f.embedding},
                                {"score", f.det.score},
                                {"quality", f.quality.quality},
                                {"size_px", f.quality.size_px},
                                {"box", {f.det.box.x, f.det.box.y, f.det.box.w, f.det.box.h}}};
    out_text += j.dump() + "\n";
    faces.push_back(std::move(f));
  }

  std::vector<double> same, diff;
  for (size_t i = 0; i < faces.size(); ++i) {
    for (size_t k = i + 1; k < faces.size(); ++k) {
      double dot = 0;
      for (size_t d = 0; d < faces[i].embedding.size(); ++d) {
        dot += static_cast<double>(faces[i].embedding[d]) * faces[k].embedding[d];
      }
      (faces[i].person == faces[k].person ? same : diff).push_back(1 - dot);
    }
  }
  fmt::print(
      "model {} (crop {:.2f}, long edge {}): faces found in {} / {} photos ({} with "
      "several faces, the largest taken)\n",
      args.model, args.crop_scale, args.long_edge, faces.size(), photos, multi);
  fmt::print("same person:      {:.4g} ± {:.3g} ({} pairs)\n", Mean(same), Sd(same), same.size());
  fmt::print("different people: {:.4g} ± {:.3g} ({} pairs)\n", Mean(diff), Sd(diff), diff.size());
  fmt::print("ROC AUC:          {:.4f}\n", Auc(same, diff));
  // d' = gap between the means in pooled standard deviations: still moves when the AUC is ~1.
  fmt::print(
      "d':               {:.2f}\n",
      (Mean(diff) - Mean(same)) / std::sqrt((Sd(same) * Sd(same) + Sd(diff) * Sd(diff)) / 2));
  fmt::print("ms: detect {:.1f} per photo (mean), embed + quality {:.1f} per face (mean)\n",
             Mean(detect_ms), Mean(embed_ms));
  std::vector<double> q, sharp, yaw, roll, size;
  for (const auto& f : faces) {
    q.push_back(f.quality.quality);
    sharp.push_back(f.quality.sharpness);
    yaw.push_back(f.quality.yaw_deg);
    roll.push_back(f.quality.roll_deg);
    size.push_back(f.quality.size_px);
  }
  fmt::print(
      "quality {:.2f} ± {:.2f} (min {:.2f}); sharpness {:.2f} ± {:.2f}; yaw {:.1f} ± "
      "{:.1f}°; roll {:.1f} ± {:.1f}°; size {:.0f} ± {:.0f} px\n",
      Mean(q), Sd(q), q.empty() ? 0 : *std::min_element(q.begin(), q.end()), Mean(sharp), Sd(sharp),
      Mean(yaw), Sd(yaw), Mean(roll), Sd(roll), Mean(size), Sd(size));

  // Photos in the folder without a label: several faces each.
  std::vector<std::filesystem::path> unlabelled;
  for (const auto& entry : std::filesystem::directory_iterator(args.faces)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".jpg") continue;
    if (std::none_of(ids->begin(), ids->end(), [&](const auto& p) { return p.first == name; })) {
      unlabelled.push_back(entry.path());
    }
  }
  std::sort(unlabelled.begin(), unlabelled.end());
  for (const auto& file : unlabelled) {
    auto img = LoadUpright(file, args.long_edge);
    if (!img) continue;
    auto found = detector->Detect(*img);
    if (found) {
      fmt::print("unlabelled {}: {} faces\n", file.filename().string(), found->size());
    }
  }

  if (!args.out.empty()) {
    auto st = WriteFileAtomic(args.out, std::string_view(out_text), Durability::kNone);
    if (!st) {
      fmt::print(stderr, "{}\n", st.error().ToString());
      return 1;
    }
    fmt::print("wrote {} faces to {}\n", faces.size(), args.out.string());
  }
  return 0;
}

int Main(int argc, char** argv) {
  Args args;
  bool survey = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        fmt::print(stderr, "{} needs a value\n", a);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--faces") {
      args.faces = next();
    } else if (a == "--models") {
      args.models = next();
    } else if (a == "--out") {
      args.out = next();
    } else if (a == "--model") {
      args.model = next();
    } else if (a == "--long-edge") {
      args.long_edge = std::atoi(next());
    } else if (a == "--crop-scale") {
      args.crop_scale = std::strtof(next(), nullptr);
    } else if (a == "--threads") {
      args.threads = std::atoi(next());
    } else if (a == "--min-score") {
      args.min_score = std::strtof(next(), nullptr);
    } else if (a == "--repeat") {
      args.repeat = std::atoi(next());
    } else if (a == "--detail") {
      args.detail = true;
    } else if (a == "--blur") {
      args.blur = std::strtof(next(), nullptr);
    } else if (a == "--dump") {
      args.dump = next();
    } else if (a == "--mosaic") {
      args.mosaic = std::atoi(next());
    } else if (a == "--draw") {
      args.draw = next();
    } else if (a == "--survey") {
      survey = true;
    } else if (survey && !a.starts_with("--")) {
      args.survey.emplace_back(a);
    } else {
      fmt::print(
          stderr,
          "usage: face_embed_eval [--faces DIR] [--model faceres|mobilefacenet] "
          "[--out FILE] [--models DIR] [--long-edge N] [--crop-scale S] [--threads N] "
          "[--blur SIGMA]\n"
          "       face_embed_eval --survey PHOTO... [--long-edge N] [--min-score S] [--draw DIR] "
          "[--repeat N] [--mosaic N] [--detail] [--dump FILE.csv]\n");
      return 2;
    }
  }
  return survey ? Survey(args) : Evaluate(args);
}

}  // namespace
}  // namespace camroll

int main(int argc, char** argv) { return camroll::Main(argc, argv); }
