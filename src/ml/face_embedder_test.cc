#include "ml/face_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/files.h"
#include "core/paths.h"
#include "media/decode.h"
#include "media/test_images.h"
#include "testing/testing.h"

namespace camroll::ml {
namespace {

const std::filesystem::path kModels = std::filesystem::path(CAMROLL_BINARY_DIR) / "models";

std::filesystem::path FaceApiDemo() { return DepsDir() / "npm/face-api/demo"; }

#define REQUIRE_FACE_API_DEMO()                                                            \
  if (!std::filesystem::exists(FaceApiDemo() / "sample1.jpg")) {                           \
    GTEST_SKIP() << FaceApiDemo() << " is absent (scripts/fetch-packages.sh installs it)"; \
  }

RgbImage Load(const std::filesystem::path& file, int long_edge) {
  return testing::LoadUpright(file, long_edge);
}

float Distance(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) dot += static_cast<double>(a[i]) * b[i];
  return static_cast<float>(1 - dot);
}

struct Found {
  DetectedFace face;
  FaceEmbedding embedding;
};

// Every face of a photo with its embedding, left to right.
std::vector<Found> EmbedAll(const FaceDetector& detector, const FaceEmbedder& embedder,
                            const RgbImage& img) {
  std::vector<Found> out;
  auto faces = detector.Detect(img);
  EXPECT_TRUE(faces.has_value());
  if (!faces) return out;
  for (const DetectedFace& f : *faces) {
    auto e = embedder.Embed(img, f);
    EXPECT_TRUE(e.has_value()) << e.error().ToString();
    if (e) out.push_back({f, std::move(*e)});
  }
  std::sort(out.begin(), out.end(),
            [](const Found& a, const Found& b) { return a.face.box.x < b.face.box.x; });
  return out;
}

struct Models {
  FaceDetector detector;
  FaceEmbedder embedder;
};

Models Open(FaceEmbedderModel model = FaceEmbedderModel::kFaceres) {
  auto d = FaceDetector::Open(kModels);
  auto e = FaceEmbedder::Open(kModels, {}, model);
  EXPECT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_TRUE(e.has_value()) << e.error().ToString();
  if (!d || !e) std::abort();
  return {std::move(*d), std::move(*e)};
}

// Two white dots as eyes on black, the eye line turned by atan(35/60) ≈ 30°, `k` times larger.
RgbImage Dots(int k) {
  RgbImage img;
  img.width = img.height = 200 * k;
  img.pixels.assign(static_cast<size_t>(img.width) * img.height * 3, 0);
  cv::Mat m(img.height, img.width, CV_8UC3, img.pixels.data());
  cv::circle(m, cv::Point(70 * k, 90 * k), 2 * k, cv::Scalar(255, 255, 255), -1);
  cv::circle(m, cv::Point(130 * k, 125 * k), 2 * k, cv::Scalar(255, 255, 255), -1);
  return img;
}

DetectedFace DotsFace(int k) {
  DetectedFace f;
  f.box = {50.0f * k, 57.5f * k, 100.0f * k, 100.0f * k};
  f.score = 0.9f;
  f.landmarks[0] = {70.5f * k, 90.5f * k};
  f.landmarks[1] = {130.5f * k, 125.5f * k};
  return f;
}

// Centroid of the bright pixels in the left or right half.
PointF BrightCentroid(const RgbImage& img, bool right_half) {
  double sx = 0, sy = 0, n = 0;
  for (int y = 0; y < img.height; ++y) {
    for (int x = right_half ? img.width / 2 : 0; x < (right_half ? img.width : img.width / 2);
         ++x) {
      const int v = img.pixels[(static_cast<size_t>(y) * img.width + x) * 3];
      if (v > 60) {
        sx += v * (x + 0.5);
        sy += v * (y + 0.5);
        n += v;
      }
    }
  }
  return n > 0 ? PointF{static_cast<float>(sx / n), static_cast<float>(sy / n)} : PointF{-1, -1};
}

TEST(AlignFace, LevelsTheEyesAndCentresTheBox) {
  for (int k : {1, 10}) {  // 10: shrunk by 10, through the area-averaging path
    SCOPED_TRACE(k);
    const RgbImage aligned = AlignFace(Dots(k), DotsFace(k), 100, 1.0f);
    ASSERT_EQ(aligned.width, 100);
    const PointF r = BrightCentroid(aligned, false), l = BrightCentroid(aligned, true);
    ASSERT_GE(r.x, 0);
    ASSERT_GE(l.x, 0);
    EXPECT_NEAR(r.y, l.y, 1.0) << "eyes level";
    EXPECT_NEAR(l.x - r.x, std::hypot(60.0, 35.0), 1.5) << "distance kept at scale 1";
    // The box centre (100, 107.5) maps to the crop's centre: the eyes' midpoint (100.5, 108)
    // sits within a pixel of it.
    EXPECT_NEAR((r.x + l.x) / 2, 50, 1.0);
    EXPECT_NEAR((r.y + l.y) / 2, 50, 1.0);
  }
}

TEST(MeasureFaceQuality, ReadsPoseFromTheLandmarks) {
  RgbImage img;
  img.width = img.height = 200;
  img.pixels.assign(200 * 200 * 3, 128);
  DetectedFace f;
  f.box = {50, 50, 100, 100};
  f.score = 0.9f;
  f.landmarks[0] = {80, 90};    // right eye (picture left)
  f.landmarks[1] = {120, 90};   // left eye
  f.landmarks[2] = {100, 115};  // nose tip, centred
  f.landmarks[3] = {100, 130};
  FaceQuality q = MeasureFaceQuality(img, f);
  EXPECT_EQ(q.size_px, 100);
  EXPECT_NEAR(q.roll_deg, 0, 1e-3);
  EXPECT_NEAR(q.yaw_deg, 0, 1e-3);
  EXPECT_FLOAT_EQ(q.detector_score, 0.9f);
  EXPECT_NEAR(q.sharpness, 0, 1e-3) << "a flat grey face has no detail";
  EXPECT_NEAR(q.quality, 0, 1e-3);

  f.landmarks[2] = {116, 115};  // nose 0.4 eye distances right: atan(0.4 / 0.6) ≈ 33.7°
  q = MeasureFaceQuality(img, f);
  EXPECT_NEAR(q.yaw_deg, 33.7, 0.1);
  f.landmarks[1] = {120, 130};  // left eye lower: the eye line turned by 45°
  q = MeasureFaceQuality(img, f);
  EXPECT_NEAR(q.roll_deg, 45, 0.1);
}

TEST(MeasureFaceQuality, RanksBlurredAndTinyFacesLower) {
  REQUIRE_FACE_API_DEMO();
  const Models m = Open();
  const RgbImage img = Load(FaceApiDemo() / "sample6.jpg", 1440);
  auto faces = m.detector.Detect(img);
  ASSERT_TRUE(faces.has_value());
  ASSERT_FALSE(faces->empty());
  const DetectedFace& f = faces->front();
  const FaceQuality sharp = MeasureFaceQuality(img, f);
  EXPECT_GT(sharp.quality, 0.5f);
  EXPECT_GT(sharp.sharpness, 0.3f);
  EXPECT_LT(std::abs(sharp.yaw_deg), 30);
  EXPECT_LT(std::abs(sharp.roll_deg), 30);

  RgbImage blurred = img;
  cv::Mat b(blurred.height, blurred.width, CV_8UC3, blurred.pixels.data());
  cv::GaussianBlur(b, b, cv::Size(0, 0), 4);
  const FaceQuality soft = MeasureFaceQuality(blurred, f);
  EXPECT_LT(soft.sharpness, sharp.sharpness / 2);
  EXPECT_LT(soft.quality, sharp.quality / 2);

  DetectedFace tiny = f;
  tiny.box.w = tiny.box.h = 18;
  EXPECT_EQ(MeasureFaceQuality(img, tiny).quality, 0) << "faces under 20 px are useless";
}

TEST(FaceEmbedder, GivesUnitVectorsOfTheModelsSize) {
  REQUIRE_FACE_API_DEMO();
  for (FaceEmbedderModel model : {FaceEmbedderModel::kFaceres, FaceEmbedderModel::kMobileFaceNet}) {
    SCOPED_TRACE(FaceEmbedderModelId(model));
    const Models m = Open(model);
    const RgbImage img = Load(FaceApiDemo() / "sample3.jpg", 1440);
    auto faces = m.detector.Detect(img);
    ASSERT_TRUE(faces.has_value());
    ASSERT_FALSE(faces->empty());
    auto e = m.embedder.Embed(img, faces->front());
    ASSERT_TRUE(e.has_value()) << e.error().ToString();
    ASSERT_EQ(static_cast<int>(e->vector.size()), m.embedder.dimensions());
    double norm = 0;
    for (float v : e->vector) norm += static_cast<double>(v) * v;
    EXPECT_NEAR(norm, 1.0, 1e-4);
    auto again = m.embedder.Embed(img, faces->front());
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->vector, e->vector) << "deterministic";
    EXPECT_GT(e->quality.quality, 0);
    EXPECT_LE(e->quality.quality, 1);
  }
}

TEST(FaceEmbedder, SameFaceAtTwoScalesIsCloserThanOtherPeople) {
  REQUIRE_FACE_API_DEMO();
  const Models m = Open();
  // sample1's three women at 1920 px and at 800 px (faces ~190 and ~80 px).
  const auto big = EmbedAll(m.detector, m.embedder, Load(FaceApiDemo() / "sample1.jpg", 1920));
  const auto small = EmbedAll(m.detector, m.embedder, Load(FaceApiDemo() / "sample1.jpg", 800));
  const auto others = EmbedAll(m.detector, m.embedder, Load(FaceApiDemo() / "sample3.jpg", 1440));
  ASSERT_EQ(big.size(), 3u);
  ASSERT_EQ(small.size(), 3u);
  ASSERT_EQ(others.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const float same = Distance(big[i].embedding.vector, small[i].embedding.vector);
    EXPECT_LT(same, 0.25f) << "woman " << i;
    for (size_t j = 0; j < 3; ++j) {
      if (j != i) {
        EXPECT_LT(same, Distance(big[i].embedding.vector, small[j].embedding.vector));
        EXPECT_GT(Distance(big[i].embedding.vector, big[j].embedding.vector), 0.35f);
      }
      EXPECT_LT(same, Distance(big[i].embedding.vector, others[j].embedding.vector));
    }
  }
}

TEST(FaceEmbedder, SeparatesPeopleOfTheLabelledSet) {
  const std::filesystem::path dir = testing::SharedTestData() / "faces-labeled";
  if (testing::SharedTestData().empty() || !std::filesystem::exists(dir / "img1.jpg")) {
    GTEST_SKIP() << "../shared/testdata/faces-labeled is absent";
  }
  const Models m = Open();
  auto largest = [&](const char* name) {
    const RgbImage img = Load(dir / name, 1440);
    auto faces = m.detector.Detect(img);
    EXPECT_TRUE(faces.has_value() && !faces->empty()) << name;
    if (!faces || faces->empty()) return std::vector<float>{};
    const auto it =
        std::max_element(faces->begin(), faces->end(),
                         [](const auto& a, const auto& b) { return a.box.area() < b.box.area(); });
    auto e = m.embedder.Embed(img, *it);
    EXPECT_TRUE(e.has_value());
    return e ? e->vector : std::vector<float>{};
  };
  // identities.csv: img1, img2 and img10 are person01; img26 is person02, img16 person05.
  const auto a1 = largest("img1.jpg"), a2 = largest("img2.jpg"), a3 = largest("img10.jpg");
  const auto b = largest("img26.jpg"), c = largest("img16.jpg");
  for (const auto* other : {&b, &c}) {
    EXPECT_LT(Distance(a1, a2), Distance(a1, *other));
    EXPECT_LT(Distance(a1, a3), Distance(a1, *other));
    EXPECT_LT(Distance(a2, a3), Distance(a2, *other));
  }
  EXPECT_LT(Distance(a1, a2), 0.4f);
  EXPECT_GT(Distance(a1, b), 0.4f);
}

TEST(FaceEmbedder, RejectsAnEmptyFaceOrImage) {
  const Models m = Open();
  RgbImage img;
  img.width = img.height = 64;
  img.pixels.assign(64 * 64 * 3, 100);
  DetectedFace empty;
  EXPECT_FALSE(m.embedder.Embed(img, empty).has_value());
  DetectedFace f = DotsFace(1);
  EXPECT_FALSE(m.embedder.Embed(RgbImage{}, f).has_value());
  EXPECT_FALSE(m.embedder.EmbedAligned(img).has_value()) << "64 px is not the model's size";
}

}  // namespace
}  // namespace camroll::ml
