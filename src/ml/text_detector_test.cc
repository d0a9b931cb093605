#include "ml/text_detector.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "core/paths.h"
#include "media/decode.h"
#include "media/metadata.h"
#include "media/test_images.h"
#include "render/canvas.h"
#include "render/text.h"
#include "testing/testing.h"

namespace camroll::ml {
namespace {

const std::filesystem::path kModels = std::filesystem::path(CAMROLL_BINARY_DIR) / "models";

std::filesystem::path Skimage() {
  return DepsDir() / "deb/python3-skimage/usr/lib/python3/dist-packages/skimage/data";
}
std::filesystem::path Wallpaper(const std::string& name) {
  return DepsDir() / "deb/plasma-workspace-wallpapers/usr/share/wallpapers" / name /
         "contents/images/2560x1440.jpg";
}

RgbImage Load(const std::filesystem::path& file) { return testing::LoadUpright(file); }

// --- Synthetic documents and screens, drawn with Pango -----------------------------------------

std::string Words(int seed, int n) {
  static const char* kWords[] = {"the",   "photos", "from",    "last",  "summer", "were",
                                 "taken", "near",   "harbour", "and",   "show",   "boats",
                                 "quiet", "street", "evening", "light", "clouds", "hills",
                                 "total", "amount", "paid",    "thank", "you",    "again"};
  std::string s;
  unsigned x = static_cast<unsigned>(seed) * 2654435761u + 12345u;
  for (int i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    if (i) s += ' ';
    s += kWords[(x >> 16) % std::size(kWords)];
  }
  return s;
}

void Line(Canvas& c, const std::string& text, double x, double y, double w, double px, Rgba colour,
          int weight = 400) {
  TextStyle st;
  st.max_px = st.min_px = px;
  st.max_lines = 1;
  st.colour = colour;
  st.weight = weight;
  DrawText(c.cr(), text, {x, y, w, px * 1.5}, st);
}

const Rgba kInk{0.1, 0.1, 0.1, 1};
const Rgba kWhite{1, 1, 1, 1};

// An A4 page at 150 dpi: a title and 40 lines of 20-px text.
RgbImage DocumentPage() {
  Canvas c(1240, 1754, kWhite);
  Line(c, "Quarterly report on harbour photos", 120, 120, 1000, 44, kInk, 700);
  for (int i = 0; i < 40; ++i) Line(c, Words(i, 14), 120, 220 + i * 34, 1000, 20, kInk);
  return c.ToRgb();
}

// A phone chat: status bar, coloured header, eleven two-line bubbles.
RgbImage ChatScreenshot() {
  Canvas c(720, 1560, kWhite);
  c.Fill({0, 0, 720, 60}, kInk);
  Line(c, "12:45", 20, 12, 100, 24, kWhite);
  c.Fill({0, 60, 720, 110}, {0.2, 0.5, 0.3, 1});
  Line(c, "Maria Silva", 110, 85, 400, 34, kWhite, 700);
  for (int i = 0; i < 11; ++i) {
    const bool me = i % 2;
    const double x = me ? 260 : 30, y = 200 + i * 115;
    c.Fill({x, y, 430, 95}, me ? Rgba{0.85, 0.97, 0.8, 1} : Rgba{0.93, 0.93, 0.93, 1}, 18);
    Line(c, Words(i + 7, 5), x + 20, y + 10, 390, 26, kInk);
    Line(c, Words(i + 70, 4), x + 20, y + 48, 390, 26, kInk);
  }
  return c.ToRgb();
}

// A presentation slide: a title and five bullets on dark blue.
RgbImage Slide() {
  Canvas c(1920, 1080, {0.12, 0.2, 0.4, 1});
  Line(c, "Harbour photos: what we learned", 120, 100, 1700, 72, kWhite, 700);
  for (int i = 0; i < 5; ++i) {
    Line(c, "• " + Words(i + 40, 6), 160, 330 + i * 120, 1600, 48, {0.95, 0.95, 0.95, 1});
  }
  return c.ToRgb();
}

// A landscape with a small road sign on it: text in a scene.
RgbImage SceneWithSign(const RgbImage& photo) {
  Canvas c(photo.width, photo.height, {0, 0, 0, 1});
  c.DrawImage(photo, {0, 0, 1, 1}, {0, 0, double(photo.width), double(photo.height)});
  c.Fill({900, 300, 300, 150}, {0.1, 0.35, 0.15, 1}, 8);
  Line(c, "Porto 12 km", 915, 320, 270, 40, kWhite, 700);
  Line(c, "Braga 48 km", 915, 380, 270, 40, kWhite, 700);
  return c.ToRgb();
}

// --- DB post-processing on made-up maps --------------------------------------------------------

TEST(BoxesFromProbabilityMap, GrowsALineByTheUnclipDistance) {
  constexpr int w = 200, h = 100;
  std::vector<float> map(w * h, 0.0f);
  auto fill = [&](int x0, int y0, int x1, int y1, float v) {
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) map[y * w + x] = v;
    }
  };
  fill(20, 40, 120, 50, 0.9f);   // a line: 100 x 10
  fill(150, 10, 190, 90, 0.9f);  // a blob: 40 x 80, taller than 15% of the map
  fill(20, 70, 60, 76, 0.4f);    // below the binarisation threshold
  fill(80, 70, 82, 72, 0.9f);    // 2 px: too small
  // The image is twice the map's size.
  auto boxes = BoxesFromProbabilityMap(map, w, h, 2 * w, 2 * h, {});
  ASSERT_EQ(boxes.size(), 1u);
  const TextBox& b = boxes[0];
  EXPECT_NEAR(b.score, 0.9f, 0.05f);
  // The region's rectangle (pixel centres: 99 x 9) grows by d = 99·9·1.5 / (2·108) ≈ 6.2 on
  // every side, then doubles into image pixels.
  const float d = 99.0f * 9 * 1.5f / (2 * 108);
  EXPECT_NEAR(b.bounds.x, (20 - d) * 2, 1.5f);
  EXPECT_NEAR(b.bounds.y, (40 - d) * 2, 1.5f);
  EXPECT_NEAR(b.bounds.w, (99 + 2 * d) * 2, 2.0f);
  EXPECT_NEAR(b.bounds.h, (9 + 2 * d) * 2, 2.0f);
  // Clockwise from top-left.
  EXPECT_LT(b.quad[0].x, b.quad[1].x);
  EXPECT_LT(b.quad[1].y, b.quad[2].y);
  EXPECT_GT(b.quad[2].x, b.quad[3].x);
  // Letting tall regions through finds the blob too.
  TextDetectorOptions o;
  o.max_line_height = 1;
  EXPECT_EQ(BoxesFromProbabilityMap(map, w, h, 2 * w, 2 * h, o).size(), 2u);
  // A map of the wrong size is nothing.
  EXPECT_TRUE(BoxesFromProbabilityMap(map, w + 1, h, w, h, {}).empty());
}

TEST(SummarizeText, MeasuresTheUnionAndDecides) {
  auto box = [](float x, float y, float w, float h) {
    return TextBox{{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}}, {x, y, w, h}, 0.9f};
  };
  EXPECT_EQ(SummarizeText({}, 100, 100).verdict, TextVerdict::kNoText);
  // Two overlapping boxes count once where they overlap.
  std::vector<TextBox> two = {box(0, 0, 100, 20), box(0, 10, 100, 20)};
  TextCoverage c = SummarizeText(two, 100, 100);
  EXPECT_EQ(c.lines, 2);
  EXPECT_NEAR(c.area_fraction, 0.30f, 0.02f);
  EXPECT_EQ(c.verdict, TextVerdict::kSomeText);
  // Six lines covering 6% of the image: a document.
  std::vector<TextBox> six;
  for (int i = 0; i < 6; ++i) six.push_back(box(0, i * 10.0f, 100, 1));
  EXPECT_EQ(SummarizeText(six, 100, 100).verdict, TextVerdict::kDocument);
  EXPECT_FALSE(LooksLikeDocument(SummarizeText(six, 400, 400)));  // the same lines, 0.4%
}

// --- The model ---------------------------------------------------------------------------------

class TextDetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TextDetector::Open(kModels);
    ASSERT_TRUE(d.has_value()) << d.error().ToString();
    detector_ = std::move(*d);
  }
  TextDetection Detect(const RgbImage& img) {
    auto r = detector_->Detect(img);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r ? *r : TextDetection{};
  }
  std::unique_ptr<TextDetector> detector_;
};

TEST_F(TextDetectorTest, ReadsEveryLineOfARenderedPage) {
  const RgbImage page = DocumentPage();
  TextDetection r = Detect(page);
  // 41 lines; a long line may split into words, none may be lost.
  EXPECT_GE(r.coverage.lines, 41);
  EXPECT_LE(r.coverage.lines, 50);
  EXPECT_GT(r.coverage.area_fraction, 0.3f);
  EXPECT_EQ(r.coverage.verdict, TextVerdict::kDocument);
  for (const TextBox& b : r.boxes) {
    EXPECT_GE(b.bounds.x, 100);  // inside the margins
    EXPECT_LE(b.bounds.right(), 1140);
    EXPECT_LT(b.bounds.h, 60);  // a line, not a block
    EXPECT_GE(b.score, TextDetectorOptions{}.box_threshold);
  }
}

TEST_F(TextDetectorTest, CallsScreenshotsAndSlidesDocuments) {
  TextDetection chat = Detect(ChatScreenshot());
  EXPECT_GE(chat.coverage.lines, 20);
  EXPECT_TRUE(LooksLikeDocument(chat.coverage));
  TextDetection slide = Detect(Slide());
  EXPECT_GE(slide.coverage.lines, 6);
  EXPECT_TRUE(LooksLikeDocument(slide.coverage));
}

TEST_F(TextDetectorTest, CallsSkimagesScannedPageADocument) {
  if (!std::filesystem::exists(Skimage())) GTEST_SKIP() << "skimage data not installed";
  TextDetection r = Detect(Load(Skimage() / "page.png"));  // 7 lines, 384 x 191, uneven light
  EXPECT_GE(r.coverage.lines, 6);
  EXPECT_TRUE(LooksLikeDocument(r.coverage));
}

TEST_F(TextDetectorTest, FindsASignButNoDocumentInAScene) {
  const std::filesystem::path path = Wallpaper("Path");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "the Plasma wallpapers are not installed";
  const RgbImage forest = Load(path);
  TextDetection plain = Detect(forest);
  EXPECT_LE(plain.coverage.lines, 1);
  TextDetection signed_ = Detect(SceneWithSign(forest));
  EXPECT_GE(signed_.coverage.lines, 2);  // "Porto 12 km", "Braga 48 km", maybe split
  EXPECT_LE(signed_.coverage.lines, 6);
  EXPECT_EQ(signed_.coverage.verdict, TextVerdict::kSomeText);
  // The sign's lines are where it was drawn (x 900-1200, y 300-450 of the 1440 x 810 preview).
  for (const TextBox& b : signed_.boxes) {
    if (b.bounds.w * b.bounds.h < 1000) continue;
    EXPECT_GT(b.bounds.x, 880);
    EXPECT_LT(b.bounds.right(), 1220);
    EXPECT_GT(b.bounds.y, 290);
    EXPECT_LT(b.bounds.bottom(), 460);
  }
}

TEST_F(TextDetectorTest, SeesNoDocumentInPhotos) {
  std::vector<std::filesystem::path> files = {
      Skimage() / "astronaut.png",
      Skimage() / "chelsea.png",
      Skimage() / "coffee.png",
      Skimage() / "motorcycle_left.png",
      Wallpaper("EveningGlow"),
      Wallpaper("summer_1am"),
      DepsDir() / "npm/face-api/demo/sample1.jpg",
      DepsDir() / "deb/mate-backgrounds/usr/share/backgrounds/mate/nature/Garden.jpg",
      DepsDir() / "deb/mate-backgrounds/usr/share/backgrounds/mate/nature/Dune.jpg"};
  // A close-up of a "no pets allowed" sign, when the shared test data is here.
  if (auto shared = testing::SharedTestData(); !shared.empty()) {
    files.push_back(shared / "phone-media/exif-at-eof.heic");
  }
  for (const auto& f : files) {
    if (!std::filesystem::exists(f)) GTEST_SKIP() << f << " is not installed";
    TextDetection r = Detect(Load(f));
    EXPECT_FALSE(LooksLikeDocument(r.coverage))
        << f << ": " << r.coverage.lines << " lines, " << r.coverage.area_fraction;
    EXPECT_LE(r.coverage.lines, 4) << f;
    EXPECT_LT(r.coverage.area_fraction, 0.25f) << f;
  }
}

TEST_F(TextDetectorTest, LimitsTheModelInputAndMapsBoxesBack) {
  // The same page at twice the size is read at the same 960-px input: same lines, doubled boxes.
  const RgbImage page = Slide();
  auto big = CropAndScale(page, {0, 0, 1, 1}, page.width * 2, page.height * 2);
  TextDetection a = Detect(page), b = Detect(big);
  ASSERT_EQ(a.boxes.size(), b.boxes.size());
  for (size_t i = 0; i < a.boxes.size(); ++i) {
    EXPECT_NEAR(b.boxes[i].bounds.x, 2 * a.boxes[i].bounds.x, 8);
    EXPECT_NEAR(b.boxes[i].bounds.w, 2 * a.boxes[i].bounds.w, 16);
  }
}

TEST_F(TextDetectorTest, RejectsBadInput) {
  EXPECT_EQ(detector_->Detect(RgbImage{}).error().code(), ErrorCode::kInvalidInput);
  TextDetectorOptions o;
  o.max_side = 16;
  EXPECT_EQ(detector_->Detect(Slide(), o).error().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace camroll::ml
