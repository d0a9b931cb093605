#include "ml/objects.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/files.h"
#include "core/paths.h"
#include "media/decode.h"
#include "media/metadata.h"
#include "media/test_images.h"
#include "testing/testing.h"

namespace camroll::ml {
namespace {

const std::filesystem::path kModels = std::filesystem::path(CAMROLL_BINARY_DIR) / "models";

std::filesystem::path Skimage() {
  return DepsDir() / "deb/python3-skimage/usr/lib/python3/dist-packages/skimage/data";
}
std::filesystem::path FaceApiDemo() { return DepsDir() / "npm/face-api/demo"; }
std::filesystem::path Wallpapers() {
  return DepsDir() / "deb/plasma-workspace-wallpapers/usr/share/wallpapers";
}
std::filesystem::path MateNature() {
  return DepsDir() / "deb/mate-backgrounds/usr/share/backgrounds/mate/nature";
}

// Decoded to a 1440-px preview (what the analyzer gives detectors) and turned upright.
RgbImage Load(const std::filesystem::path& file) { return testing::LoadUpright(file); }

int Count(const std::vector<DetectedObject>& objs, const std::string& label) {
  return static_cast<int>(std::count_if(objs.begin(), objs.end(),
                                        [&](const DetectedObject& o) { return o.label == label; }));
}

std::string Describe(const std::vector<DetectedObject>& objs) {
  std::string s;
  for (const auto& o : objs) s += o.label + " " + std::to_string(o.score) + "; ";
  return s.empty() ? "nothing" : s;
}

// --- Decoding, on made-up model outputs -------------------------------------------------------

TEST(CocoLabels, AreTheEightyClassesInOrder) {
  EXPECT_EQ(CocoLabels()[0], "person");
  EXPECT_EQ(CocoLabels()[15], "cat");
  EXPECT_EQ(CocoLabels()[41], "cup");
  EXPECT_EQ(CocoLabels()[79], "toothbrush");
}

TEST(ObjectModelId, RoundTrips) {
  for (ObjectModel m : {ObjectModel::kCenterNet, ObjectModel::kNanoDet}) {
    EXPECT_EQ(ParseObjectModel(ObjectModelId(m)), m);
  }
  EXPECT_FALSE(ParseObjectModel("yolo").has_value());
}

TEST(DecodeCenterNet, TurnsAHeatMapPeakIntoABox) {
  constexpr int n = 128;
  Tensor heat{{1, n, n, 80}, std::vector<float>(static_cast<size_t>(n) * n * 80, 0.01f)};
  Tensor wh{{1, n, n, 4}, std::vector<float>(static_cast<size_t>(n) * n * 4, 0)};
  auto set = [&](int y, int x, int c, float v) { heat.data[(y * n + x) * 80 + c] = v; };
  // A cat centred at cell (x 40, y 30) = input pixel (160, 120), 40 left, 20 up, 60 right, 30 down;
  // its neighbours are weaker (not peaks). A weaker dog peak elsewhere, and a cat shoulder.
  set(30, 40, 15, 0.9f);
  set(30, 41, 15, 0.6f);
  set(31, 40, 15, 0.5f);
  set(100, 100, 16, 0.2f);
  float* d = wh.data.data() + (30 * n + 40) * 4;
  d[0] = 40, d[1] = 20, d[2] = 60, d[3] = 30;
  std::fill_n(wh.data.data() + (100 * n + 100) * 4, 4, 10.0f);
  // The model input showed a 1024 x 1024 image at half size.
  Placement half{0.5f, 0.5f, 0, 0};
  ObjectDetectorOptions o;
  o.min_score = 0.3f;
  auto objs = DecodeCenterNet(heat, wh, half, 1024, 1024, o);
  ASSERT_EQ(objs.size(), 1u) << Describe(objs);
  EXPECT_EQ(objs[0].label, "cat");
  EXPECT_EQ(objs[0].class_id, 15);
  EXPECT_FLOAT_EQ(objs[0].score, 0.9f);
  EXPECT_FLOAT_EQ(objs[0].box.x, (160 - 40) * 2);
  EXPECT_FLOAT_EQ(objs[0].box.y, (120 - 20) * 2);
  EXPECT_FLOAT_EQ(objs[0].box.w, 100 * 2);
  EXPECT_FLOAT_EQ(objs[0].box.h, 50 * 2);
  // Lowering the bar brings in the dog; the 0.6 and 0.5 cells are not peaks.
  o.min_score = 0.1f;
  objs = DecodeCenterNet(heat, wh, half, 1024, 1024, o);
  ASSERT_EQ(objs.size(), 2u) << Describe(objs);
  EXPECT_EQ(objs[1].label, "dog");
  // Wrong sizes decode to nothing rather than read out of bounds.
  EXPECT_TRUE(DecodeCenterNet(Tensor{{1}, {0.9f}}, wh, half, 1024, 1024, o).empty());
}

TEST(DecodeNanoDet, DecodesTheBinDistributionsAroundTheCell) {
  constexpr int size = 416;
  std::vector<Tensor> scores, boxes;
  for (int stride : {8, 16, 32}) {
    const size_t cells = static_cast<size_t>(size / stride) * (size / stride);
    scores.push_back({{1, static_cast<int64_t>(cells), 80}, std::vector<float>(cells * 80, 0)});
    boxes.push_back({{1, static_cast<int64_t>(cells), 44}, std::vector<float>(cells * 44, 0)});
  }
  // Stride 16, cell (x 5, y 3): centre (88, 56). Sides peaked at bins 2, 1, 4 and 3 (in strides).
  const size_t cell = 3 * 26 + 5;
  scores[1].data[cell * 80 + 0] = 0.8f;  // person
  const int peak[4] = {2, 1, 4, 3};
  for (int side = 0; side < 4; ++side) boxes[1].data[cell * 44 + side * 11 + peak[side]] = 30;
  // Two identical persons would be one after NMS: the same cell also appears at stride 8.
  const size_t twin = 7 * 52 + 11;  // centre (92, 60)
  scores[0].data[twin * 80 + 0] = 0.7f;
  for (int side = 0; side < 4; ++side) boxes[0].data[twin * 44 + side * 11 + peak[side] * 2] = 30;

  ObjectDetectorOptions o;
  o.min_score = 0.5f;
  auto objs = DecodeNanoDet(scores, boxes, size, Placement{}, size, size, o);
  ASSERT_EQ(objs.size(), 1u) << Describe(objs);
  EXPECT_EQ(objs[0].label, "person");
  EXPECT_NEAR(objs[0].box.x, 88 - 32, 1e-3);
  EXPECT_NEAR(objs[0].box.y, 56 - 16, 1e-3);
  EXPECT_NEAR(objs[0].box.right(), 88 + 64, 1e-3);
  EXPECT_NEAR(objs[0].box.bottom(), 56 + 48, 1e-3);
  o.iou_threshold = 0.99f;  // now both survive
  EXPECT_EQ(DecodeNanoDet(scores, boxes, size, Placement{}, size, size, o).size(), 2u);
}

// --- The models on photos ---------------------------------------------------------------------

class Objects : public ::testing::TestWithParam<ObjectModel> {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(Skimage()) || !std::filesystem::exists(FaceApiDemo())) {
      GTEST_SKIP() << "skimage data or the face-api demo photos are not installed";
    }
    auto d = ObjectDetector::Open(kModels, GetParam());
    ASSERT_TRUE(d.has_value()) << d.error().ToString();
    detector_ = std::move(*d);
  }
  std::vector<DetectedObject> Detect(const RgbImage& img, ObjectDetectorOptions o = {}) {
    auto objs = detector_->Detect(img, o);
    EXPECT_TRUE(objs.has_value()) << objs.error().ToString();
    return objs ? *objs : std::vector<DetectedObject>{};
  }
  std::unique_ptr<ObjectDetector> detector_;
};

TEST_P(Objects, FindsTheAstronaut) {
  const RgbImage img = Load(Skimage() / "astronaut.png");
  auto objs = Detect(img);
  ASSERT_EQ(Count(objs, "person"), 1) << Describe(objs);
  const DetectedObject& p = objs[0];
  EXPECT_EQ(p.label, "person");
  EXPECT_GT(p.score, 0.55f);
  // She fills the left two thirds of the frame, head at the top.
  EXPECT_LT(p.box.y, 0.1f * img.height);
  EXPECT_LT(p.box.x, 0.1f * img.width);
  EXPECT_GT(p.box.w, 0.5f * img.width);
  EXPECT_GT(p.box.h, 0.8f * img.height);
}

TEST_P(Objects, NamesTheMainSubjectOfSkimagePhotos) {
  const std::pair<const char*, const char*> cases[] = {
      {"chelsea.png", "cat"}, {"motorcycle_left.png", "motorcycle"}, {"horse.png", "horse"}};
  for (const auto& [file, label] : cases) {
    auto objs = Detect(Load(Skimage() / file));
    ASSERT_FALSE(objs.empty()) << file;
    EXPECT_EQ(objs[0].label, label) << file << ": " << Describe(objs);
    EXPECT_EQ(Count(objs, "person"), 0) << file << ": " << Describe(objs);
  }
}

TEST_P(Objects, CountsPeopleAndTheirGlassesInGroupPhotos) {
  // sample1: three people and a wine glass; sample5: five people on a staircase, partly hidden.
  auto one = Detect(Load(FaceApiDemo() / "sample1.jpg"));
  EXPECT_GE(Count(one, "person"), 2) << Describe(one);
  EXPECT_LE(Count(one, "person"), 3) << Describe(one);
  EXPECT_EQ(Count(one, "wine glass"), 1) << Describe(one);
  auto five = Detect(Load(FaceApiDemo() / "sample5.jpg"));
  EXPECT_GE(Count(five, "person"), 3) << Describe(five);
  EXPECT_LE(Count(five, "person"), 5) << Describe(five);
}

TEST_P(Objects, SeesNoPeopleInLandscapes) {
  const std::filesystem::path files[] = {
      MateNature() / "Dune.jpg",
      MateNature() / "Storm.jpg",
      MateNature() / "GreenMeadow.jpg",
      MateNature() / "Wood.jpg",
      Wallpapers() / "Path/contents/images/2560x1440.jpg",
      Wallpapers() / "summer_1am/contents/images/2560x1440.jpg",
      Wallpapers() / "DarkestHour/contents/images/2560x1440.jpg"};
  for (const auto& f : files) {
    if (!std::filesystem::exists(f)) GTEST_SKIP() << f << " is not installed";
    auto objs = Detect(Load(f));
    EXPECT_EQ(Count(objs, "person"), 0) << f << ": " << Describe(objs);
    EXPECT_LE(objs.size(), 1u) << f << ": " << Describe(objs);
  }
}

TEST_P(Objects, ReportsBoxesInTheGivenImageWhateverItsSize) {
  const RgbImage img = Load(FaceApiDemo() / "sample1.jpg");
  auto small = Detect(img);
  auto half = ResizeToLongEdge(img, img.LongEdge() / 2);
  ASSERT_TRUE(half.has_value());
  auto objs = Detect(*half);
  ASSERT_FALSE(small.empty());
  ASSERT_FALSE(objs.empty());
  EXPECT_EQ(small[0].label, objs[0].label);
  // The best box, found on the half-size image, is the same place at half the coordinates.
  EXPECT_GT(IoU(small[0].box,
                {objs[0].box.x * 2, objs[0].box.y * 2, objs[0].box.w * 2, objs[0].box.h * 2}),
            0.8f);
  for (const auto& o : small) {
    EXPECT_GE(o.box.x, 0);
    EXPECT_GE(o.box.y, 0);
    EXPECT_LE(o.box.right(), img.width);
    EXPECT_LE(o.box.bottom(), img.height);
    EXPECT_GE(o.score, DefaultMinScore(GetParam()));
  }
  EXPECT_TRUE(std::is_sorted(small.begin(), small.end(),
                             [](const auto& a, const auto& b) { return a.score > b.score; }));
}

TEST_P(Objects, HonoursTheOptions) {
  const RgbImage img = Load(FaceApiDemo() / "sample1.jpg");
  ObjectDetectorOptions low;
  low.min_score = 0.1f;
  low.max_detections = 100;
  auto many = Detect(img, low);
  low.max_detections = 2;
  auto two = Detect(img, low);
  EXPECT_GT(many.size(), 3u);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].score, many[0].score);
  // Per-class NMS: no two boxes of one class overlap by more than the threshold.
  for (size_t i = 0; i < many.size(); ++i) {
    for (size_t j = i + 1; j < many.size(); ++j) {
      if (many[i].class_id == many[j].class_id) {
        EXPECT_LE(IoU(many[i].box, many[j].box), 0.5f);
      }
    }
  }
}

TEST_P(Objects, RejectsAnEmptyImage) {
  auto r = detector_->Detect(RgbImage{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
}

std::string ModelName(const ::testing::TestParamInfo<ObjectModel>& p) {
  return std::string(ObjectModelId(p.param));
}
INSTANTIATE_TEST_SUITE_P(Models, Objects,
                         ::testing::Values(ObjectModel::kCenterNet, ObjectModel::kNanoDet),
                         ModelName);

TEST(ObjectDetector, SaysHowToInstallMissingModels) {
  testing::TempDir empty;
  auto d = ObjectDetector::Open(empty.path());
  ASSERT_FALSE(d.has_value());
  EXPECT_NE(d.error().message().find("camroll models install"), std::string::npos)
      << d.error().message();
}

TEST(ObjectDetector, DefaultsToCenterNet) {
  auto d = ObjectDetector::Open(kModels);
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_EQ((*d)->model(), ObjectModel::kCenterNet);
}

}  // namespace
}  // namespace camroll::ml
