// The studio against real files: a small roll analysed by the real pipeline, ideas rendered
// into the data folder, outputs decoded and checked.
#include "studio/studio.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "analyze/analyzer.h"
#include "core/files.h"
#include "core/sha256.h"
#include "media/decode.h"
#include "media/metadata.h"
#include "media/test_images.h"
#include "testing/testing.h"

namespace camroll {
namespace {

class StudioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (uint32_t i = 0; i < 5; ++i) {
      auto bytes = testing::JpegWithExif(
          testing::TestCard(i % 2 ? 600 : 800, i % 2 ? 800 : 600, i + 1),
          {{"Exif.Photo.DateTimeOriginal", fmt::format("2026:06:20 1{}:00:00", i)},
           {"Exif.Photo.OffsetTimeOriginal", "+01:00"}});
      testing::WriteBytes(roll() / fmt::format("IMG_{}.jpg", i),
                          std::string(bytes.begin(), bytes.end()));
    }
    const std::string clip = (roll() / "VID_1.mp4").string();
    ASSERT_EQ(std::system(fmt::format("ffmpeg -hide_banner -loglevel error -y -f lavfi -i "
                                      "testsrc=s=640x360:d=4:r=25 -c:v libx264 -pix_fmt yuv420p "
                                      "-metadata creation_time=2026-06-20T14:30:00Z '{}'",
                                      clip)
                              .c_str()),
              0);
    AnalyzeOptions options;
    options.data_dir = data();
    Analyzer analyzer(options, nullptr);
    for (const auto& name :
         {"IMG_0.jpg", "IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg", "IMG_4.jpg", "VID_1.mp4"}) {
      auto st = StatFile(roll() / name);
      ASSERT_TRUE(st);
      assets_.push_back(analyzer.Analyze(roll() / name, name, *st, 1'900'000'000).facts);
      ASSERT_FALSE(assets_.back().failed) << assets_.back().error;
    }
    context_.data_dir = data();
    context_.roll_root = roll();
    context_.assets = &assets_;
  }

  std::filesystem::path roll() const { return dir_.path() / "roll"; }
  std::filesystem::path data() const { return dir_.path() / "data"; }

  Idea MakeIdea(IdeaType type, std::vector<size_t> members, std::string variant = "auto") {
    Idea idea;
    idea.id = fmt::format("{}-test{}", IdeaTypeName(type), members.size());
    idea.type = type;
    idea.title = "Saturday in Porto";
    idea.subtitle = "Saturday 20 June 2026 · Porto, Portugal";
    idea.members = std::move(members);
    idea.variant = std::move(variant);
    return idea;
  }

  Result<RgbImage> Decode(const std::string& rel) {
    CAMROLL_ASSIGN_OR_RETURN(auto bytes, ReadFile(data() / rel, 64 << 20));
    return DecodeImageScaled(bytes, Format::kJpeg, 8192, DecodeOptions{});
  }

  testing::TempDir dir_;
  std::vector<AssetFacts> assets_;
  StudioContext context_;
};

TEST_F(StudioTest, MakesStoryAndSquareCollagesAndCachesThem) {
  Idea idea = MakeIdea(IdeaType::kCollage, {0, 1, 2, 3, 4});
  auto first = RenderIdea(idea, context_, 7);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_FALSE(first->cached);
  ASSERT_EQ(first->files.size(), 2u);
  auto story = Decode(first->files[0]);
  auto square = Decode(first->files[1]);
  ASSERT_TRUE(story && square);
  EXPECT_EQ(story->width, 1080);
  EXPECT_EQ(story->height, 1920);
  EXPECT_EQ(square->width, 1080);
  EXPECT_EQ(square->height, 1080);
  auto again = RenderIdea(idea, context_, 7);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->cached);
  EXPECT_EQ(again->files, first->files);
}

TEST_F(StudioTest, GivesTheSameBytesForTheSameSeed) {
  Idea idea = MakeIdea(IdeaType::kCollage, {0, 1, 2, 3}, "scrapbook");
  auto a = RenderIdea(idea, context_, 3);
  ASSERT_TRUE(a);
  const auto first = *ReadFile(data() / a->files[0], 64 << 20);
  std::filesystem::remove_all(data() / "renders");
  auto b = RenderIdea(idea, context_, 3);
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->cached);
  EXPECT_EQ(*ReadFile(data() / b->files[0], 64 << 20), first);
  auto c = RenderIdea(idea, context_, 4);
  ASSERT_TRUE(c);
  EXPECT_NE(c->files[0], a->files[0]) << "another seed is another render";
  EXPECT_NE(*ReadFile(data() / c->files[0], 64 << 20), first);
}

TEST_F(StudioTest, MakesARecapWithTheClip) {
  Idea idea = MakeIdea(IdeaType::kRecap, {0, 1, 5, 2});
  auto r = RenderIdea(idea, context_, 1);
  ASSERT_TRUE(r) << r.error().ToString();
  auto md = ReadVideoMetadata(data() / r->files[0]);
  ASSERT_TRUE(md) << md.error().ToString();
  EXPECT_EQ(md->width, 1080);
  EXPECT_EQ(md->height, 1920);
  EXPECT_EQ(md->video_codec, "h264");
  EXPECT_GE(md->duration_s, 6.0);
  EXPECT_LE(md->duration_s, 30.0);
}

TEST_F(StudioTest, LeavesOutAClipThatIsGoneInsteadOfFailing) {
  std::filesystem::remove(roll() / "VID_1.mp4");
  auto r = RenderIdea(MakeIdea(IdeaType::kRecap, {0, 5, 1}), context_, 1);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(std::filesystem::exists(data() / r->files[0]));
}

TEST_F(StudioTest, MakesRestylesEnhancementsAndThemedFrames) {
  auto restyle = RenderIdea(MakeIdea(IdeaType::kRestyle, {0}, "watercolour"), context_, 1);
  ASSERT_TRUE(restyle) << restyle.error().ToString();
  auto before = Decode(restyle->files[0]), after = Decode(restyle->files[1]);
  ASSERT_TRUE(before && after);
  EXPECT_EQ(before->width, after->width);
  EXPECT_GT(testing::MeanAbsDiff(*before, *after), 3.0) << "the look changed the photo";

  auto enhance = RenderIdea(MakeIdea(IdeaType::kEnhance, {1}), context_, 1);
  ASSERT_TRUE(enhance) << enhance.error().ToString();
  EXPECT_EQ(enhance->files.size(), 3u);
  for (const auto& f : enhance->files) EXPECT_TRUE(Decode(f)) << f;

  auto theme = RenderIdea(MakeIdea(IdeaType::kTheme, {2}, "golden-hour"), context_, 1);
  ASSERT_TRUE(theme) << theme.error().ToString();
  auto frame = Decode(theme->files[0]);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->width, 1080);
  EXPECT_EQ(frame->height, 1920);

  auto unknown = RenderIdea(MakeIdea(IdeaType::kTheme, {2}, "no-such-theme"), context_, 1);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidInput);
}

// Mean |R−G| + |G−B| over columns [x0, x1) of an image: 0 for black and white.
double Chroma(const RgbImage& im, int x0, int x1) {
  double sum = 0;
  for (int y = 0; y < im.height; ++y) {
    for (int x = x0; x < x1; ++x) {
      const uint8_t* p = &im.pixels[(static_cast<size_t>(y) * im.width + x) * 3];
      sum += std::abs(p[0] - p[1]) + std::abs(p[1] - p[2]);
    }
  }
  return sum / (static_cast<double>(im.height) * (x1 - x0));
}

TEST_F(StudioTest, MakesPortraitsFromThePersonMask) {
  const Idea splash = MakeIdea(IdeaType::kRestyle, {0}, "colour-splash");
  auto refused = RenderIdea(splash, context_, 1);
  ASSERT_FALSE(refused) << "no segmentation model, no portrait";
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnsupported);

  // A fake segmentation (this is the studio's test, not the model's): the left half is the person.
  int calls = 0;
  context_.person_mask = [&calls](const RgbImage& photo) -> Result<GrayImage> {
    ++calls;
    GrayImage mask{photo.width / 4, photo.height / 4, {}};
    for (int y = 0; y < mask.height; ++y) {
      for (int x = 0; x < mask.width; ++x) mask.pixels.push_back(x < mask.width / 2 ? 255 : 0);
    }
    return mask;
  };
  auto made = RenderIdea(splash, context_, 1);
  ASSERT_TRUE(made) << made.error().ToString();
  EXPECT_EQ(calls, 1);
  auto before = Decode(made->files[0]), after = Decode(made->files[1]);
  ASSERT_TRUE(before && after);
  ASSERT_EQ(before->width, after->width);
  const int w = before->width;
  EXPECT_GT(Chroma(*before, w * 6 / 10, w), 20.0) << "the test card is colourful";
  EXPECT_LT(Chroma(*after, w * 6 / 10, w), 3.0) << "the background lost its colour";
  EXPECT_NEAR(Chroma(*after, 0, w * 4 / 10), Chroma(*before, 0, w * 4 / 10), 2.0)
      << "the person kept theirs";
}

TEST(StyleForTheme, GivesEveryThemeAGround) {
  for (int t = 0; t <= static_cast<int>(Theme::kCityTrip); ++t) {
    ThemeStyle s = StyleForTheme(static_cast<Theme>(t));
    const bool has_ground = s.ground_top.r + s.ground_top.g + s.ground_top.b > 0 ||
                            s.ground_bottom.r + s.ground_bottom.g + s.ground_bottom.b > 0;
    EXPECT_TRUE(has_ground) << ThemeName(static_cast<Theme>(t));
  }
}

}  // namespace
}  // namespace camroll
