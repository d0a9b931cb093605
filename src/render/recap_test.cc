#include "render/recap.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "media/test_images.h"
#include "render/video_writer.h"
#include "testing/testing.h"

namespace camroll {
namespace {

// What a decoder sees in a video file, and its frames as RGB (limited-range BT.709 decoded
// as the stream is tagged), scaled to `frame_width` wide.
struct Decoded {
  std::string codec, pix_fmt, color_space, color_range;
  int width = 0, height = 0;
  AVRational r_frame_rate{0, 1}, avg_frame_rate{0, 1};
  double duration_s = 0;
  std::vector<RgbImage> frames;

  const RgbImage& At(double seconds, int fps) const {
    const size_t i = std::min(frames.size() - 1, static_cast<size_t>(std::lround(seconds * fps)));
    return frames[i];
  }
};

Decoded Decode(const std::filesystem::path& path, int frame_width) {
  Decoded out;
  AVFormatContext* fmt = nullptr;
  if (avformat_open_input(&fmt, path.c_str(), nullptr, nullptr) < 0) {
    ADD_FAILURE() << "cannot open " << path;
    return out;
  }
  std::unique_ptr<AVFormatContext, void (*)(AVFormatContext*)> fmt_closer(
      fmt, [](AVFormatContext* f) { avformat_close_input(&f); });
  EXPECT_GE(avformat_find_stream_info(fmt, nullptr), 0);
  const AVCodec* codec = nullptr;
  const int index = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (index < 0 || !codec) {
    ADD_FAILURE() << "no video stream in " << path;
    return out;
  }
  EXPECT_EQ(fmt->nb_streams, 1u) << "a recap has no audio";
  const AVStream* st = fmt->streams[index];
  out.codec = avcodec_get_name(st->codecpar->codec_id);
  out.width = st->codecpar->width;
  out.height = st->codecpar->height;
  const char* pf = av_get_pix_fmt_name(static_cast<AVPixelFormat>(st->codecpar->format));
  out.pix_fmt = pf ? pf : "?";
  out.color_space = av_color_space_name(st->codecpar->color_space);
  out.color_range = av_color_range_name(st->codecpar->color_range);
  out.r_frame_rate = st->r_frame_rate;
  out.avg_frame_rate = st->avg_frame_rate;
  out.duration_s = fmt->duration > 0 ? static_cast<double>(fmt->duration) / AV_TIME_BASE : 0;

  AVCodecContext* dec = avcodec_alloc_context3(codec);
  std::unique_ptr<AVCodecContext, void (*)(AVCodecContext*)> dec_closer(
      dec, [](AVCodecContext* c) { avcodec_free_context(&c); });
  avcodec_parameters_to_context(dec, st->codecpar);
  EXPECT_GE(avcodec_open2(dec, codec, nullptr), 0);
  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  SwsContext* sws = nullptr;
  const int fw = frame_width, fh = std::max(2, frame_width * out.height / std::max(1, out.width));
  auto drain = [&] {
    while (avcodec_receive_frame(dec, frame) == 0) {
      sws = sws_getCachedContext(sws, frame->width, frame->height,
                                 static_cast<AVPixelFormat>(frame->format), fw, fh,
                                 AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr);
      sws_setColorspaceDetails(sws, sws_getCoefficients(SWS_CS_ITU709), 0,
                               sws_getCoefficients(SWS_CS_ITU709), 1, 0, 1 << 16, 1 << 16);
      // swscale's SIMD writes may run a few bytes past the last row: scale into a padded buffer.
      std::vector<uint8_t> padded(static_cast<size_t>(fw) * fh * 3 + 256);
      uint8_t* dst[4] = {padded.data(), nullptr, nullptr, nullptr};
      int stride[4] = {fw * 3, 0, 0, 0};
      sws_scale(sws, frame->data, frame->linesize, 0, frame->height, dst, stride);
      padded.resize(static_cast<size_t>(fw) * fh * 3);
      out.frames.push_back(RgbImage{fw, fh, std::move(padded)});
      av_frame_unref(frame);
    }
  };
  while (av_read_frame(fmt, pkt) >= 0) {
    if (pkt->stream_index == index) avcodec_send_packet(dec, pkt);
    av_packet_unref(pkt);
    drain();
  }
  avcodec_send_packet(dec, nullptr);
  drain();
  sws_freeContext(sws);
  av_frame_free(&frame);
  av_packet_free(&pkt);
  return out;
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

RgbImage Solid(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  RgbImage img{w, h, {}};
  img.pixels.resize(static_cast<size_t>(w) * h * 3);
  for (size_t i = 0; i < img.pixels.size(); i += 3) {
    img.pixels[i] = r;
    img.pixels[i + 1] = g;
    img.pixels[i + 2] = b;
  }
  return img;
}

// The mean of channel c over a rectangle of an image (fractions of its size).
double MeanOf(const RgbImage& img, double x0, double y0, double x1, double y1, int c) {
  double sum = 0;
  int n = 0;
  for (int y = static_cast<int>(y0 * img.height); y < static_cast<int>(y1 * img.height); ++y) {
    for (int x = static_cast<int>(x0 * img.width); x < static_cast<int>(x1 * img.width); ++x) {
      sum += img.pixels[(static_cast<size_t>(y) * img.width + x) * 3 + c];
      ++n;
    }
  }
  return n ? sum / n : 0;
}

// A small, fast spec for the tests that are not about the full size.
RecapSpec SmallSpec() {
  RecapSpec spec;
  spec.width = 180;
  spec.height = 320;
  spec.title = "19–21 Jun · Porto";
  spec.subtitle = "Portugal · 11 photos";
  return spec;
}

std::vector<RecapItem> Photos(int count, int w = 480, int h = 360) {
  std::vector<RecapItem> items;
  for (int i = 0; i < count; ++i) {
    items.push_back(RecapPhoto{testing::TestCard(w, h, static_cast<uint32_t>(i * 5 + 1)), {}});
  }
  return items;
}

bool HaveFfmpegCli() { return std::system("ffmpeg -version >/dev/null 2>&1") == 0; }

// Runs the ffmpeg tool (quietly); false on failure.
bool Ffmpeg(const std::string& args) {
  return std::system(("ffmpeg -y -nostdin -v error " + args).c_str()) == 0;
}

TEST(RecapVideo, IsPortraitH264At30FpsAndLastsWhatItReports) {
  testing::TempDir dir;
  RecapSpec spec;  // the real thing: 1080x1920
  spec.title = "19–21 Jun · Porto";
  spec.subtitle = "Portugal · 11 photos";
  auto result = RenderRecap(Photos(2, 1440, 1080), spec, dir / "recap.mp4");
  ASSERT_TRUE(result) << result.error().ToString();
  const Decoded v = Decode(dir / "recap.mp4", 135);
  EXPECT_EQ(v.codec, "h264");
  EXPECT_EQ(v.width, 1080);
  EXPECT_EQ(v.height, 1920);
  EXPECT_EQ(v.pix_fmt, "yuv420p");
  EXPECT_EQ(v.color_space, "bt709");
  EXPECT_EQ(v.color_range, "tv");
  EXPECT_EQ(av_cmp_q(v.r_frame_rate, AVRational{30, 1}), 0)
      << v.r_frame_rate.num << "/" << v.r_frame_rate.den;
  EXPECT_EQ(av_cmp_q(v.avg_frame_rate, AVRational{30, 1}), 0)
      << v.avg_frame_rate.num << "/" << v.avg_frame_rate.den;
  EXPECT_NEAR(v.duration_s, result->duration_s, 1.0 / 30);
  EXPECT_GE(result->duration_s, spec.min_s);
  EXPECT_LE(result->duration_s, spec.max_s);
  EXPECT_EQ(static_cast<int>(v.frames.size()), result->frames);
  EXPECT_EQ(result->frames, std::lround(result->duration_s * 30));
  EXPECT_EQ(result->items_used, 2);
  // Written in place, nothing left beside it.
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST(RecapVideo, FramesChangeOverTimeAndEachPhotoSlowlyPansAndZooms) {
  testing::TempDir dir;
  RecapSpec spec = SmallSpec();
  spec.fade_out_s = 0;
  // Title 0-2 s; photos at 1.5-4, 3.5-6, 5.5-8 s (0.5 s crossfades).
  auto result = RenderRecap(Photos(3), spec, dir / "recap.mp4");
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_NEAR(result->duration_s, 8.0, 1e-9);
  const Decoded v = Decode(dir / "recap.mp4", 180);
  ASSERT_EQ(static_cast<int>(v.frames.size()), result->frames);
  const double times[] = {1, 3, 5, 7};
  for (int i = 0; i + 1 < 4; ++i) {
    EXPECT_GT(testing::MeanAbsDiff(v.At(times[i], 30), v.At(times[i + 1], 30)), 10)
        << times[i] << " s vs " << times[i + 1] << " s";
  }
  // Within the first photo's shot (alone on screen from 2 to 3.5 s): it moves, a little.
  const double within = testing::MeanAbsDiff(v.At(2.3, 30), v.At(2.8, 30));
  const double across = testing::MeanAbsDiff(v.At(2.8, 30), v.At(4.8, 30));
  EXPECT_GT(within, 1.0);
  EXPECT_LT(within, across / 2);
  // Smooth: no frame-to-frame jump inside a shot or a crossfade bigger than a fraction of a cut.
  for (int f = 1; f < result->frames; ++f) {
    EXPECT_LT(testing::MeanAbsDiff(v.frames[f - 1], v.frames[f]), across / 3) << "frame " << f;
  }
}

TEST(RecapVideo, TheTitleCardShowsTheTitle) {
  testing::TempDir dir;
  RecapSpec titled = SmallSpec();
  titled.width = 360;
  titled.height = 640;
  RecapSpec untitled = titled;
  untitled.title.clear();
  untitled.subtitle.clear();
  ASSERT_TRUE(RenderRecap(Photos(2), titled, dir / "titled.mp4"));
  ASSERT_TRUE(RenderRecap(Photos(2), untitled, dir / "untitled.mp4"));
  const Decoded a = Decode(dir / "titled.mp4", 360), b = Decode(dir / "untitled.mp4", 360);
  ASSERT_FALSE(a.frames.empty());
  ASSERT_FALSE(b.frames.empty());
  // White text over a dimmed, blurred backdrop: bright pixels in the middle band only with text.
  auto bright_share = [](const RgbImage& img) {
    int bright = 0, n = 0;
    for (int y = img.height * 3 / 10; y < img.height * 7 / 10; ++y) {
      for (int x = 0; x < img.width; ++x, ++n) {
        const uint8_t* p = &img.pixels[(static_cast<size_t>(y) * img.width + x) * 3];
        bright += p[0] > 200 && p[1] > 200 && p[2] > 200;
      }
    }
    return static_cast<double>(bright) / n;
  };
  EXPECT_GT(bright_share(a.At(0.5, 30)), 0.01);
  EXPECT_LT(bright_share(b.At(0.5, 30)), 0.001);
  EXPECT_GT(testing::MeanAbsDiff(a.At(0.5, 30), b.At(0.5, 30)), 2);
  // The backdrop is the first photo, blurred: not a uniform frame.
  EXPECT_GT(
      std::abs(MeanOf(b.At(0.5, 30), 0, 0, 1, 0.2, 0) - MeanOf(b.At(0.5, 30), 0, 0.8, 1, 1, 0)) +
          std::abs(MeanOf(b.At(0.5, 30), 0, 0, 0.3, 1, 0) - MeanOf(b.At(0.5, 30), 0.7, 0, 1, 1, 0)),
      5);
}

TEST(RecapVideo, TheSameSeedGivesTheSameBytesAndAnotherSeedAnotherFile) {
  testing::TempDir dir;
  RecapSpec spec = SmallSpec();
  const auto items = Photos(3);
  ASSERT_TRUE(RenderRecap(items, spec, dir / "a.mp4"));
  ASSERT_TRUE(RenderRecap(items, spec, dir / "b.mp4"));
  spec.seed = 7;
  ASSERT_TRUE(RenderRecap(items, spec, dir / "c.mp4"));
  const std::string a = ReadAll(dir / "a.mp4"), b = ReadAll(dir / "b.mp4"),
                    c = ReadAll(dir / "c.mp4");
  ASSERT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b) << "two renders differ";
  EXPECT_FALSE(a == c) << "the seed changes nothing";
  // No version or time strings that would change between builds or runs.
  EXPECT_EQ(a.find("Lavf5"), std::string::npos);
}

TEST(RecapVideo, FramesAreTheSameWithAndWithoutAvx2) {
  testing::TempDir dir;
  RecapSpec spec = SmallSpec();
  spec.width = 200;  // not a multiple of 16: the vector loops' tails are used
  spec.height = 356;
  const auto items = Photos(2, 300, 500);
  ASSERT_TRUE(RenderRecap(items, spec, dir / "fast.mp4"));
  TEST_UsePortableRecapWarp(true);
  auto portable = RenderRecap(items, spec, dir / "portable.mp4");
  TEST_UsePortableRecapWarp(false);
  ASSERT_TRUE(portable) << portable.error().ToString();
  EXPECT_TRUE(ReadAll(dir / "fast.mp4") == ReadAll(dir / "portable.mp4"));
}

TEST(RecapTimeline, AShortRecapIsLengthenedToMinS) {
  testing::TempDir dir;
  RecapSpec spec = SmallSpec();
  spec.title_s = 0;  // 2 photos: 2.5 + 2.5 - 0.5 = 4.5 s nominal
  auto result = RenderRecap(Photos(2), spec, dir / "short.mp4");
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_GE(result->duration_s, spec.min_s);
  EXPECT_LE(result->duration_s, spec.min_s + 1.0 / 30);
  spec.title_s = 2;
  spec.min_s = 10;
  result = RenderRecap(Photos(2), spec, dir / "short.mp4");
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_NEAR(result->duration_s, 10, 1.0 / 30);
  EXPECT_NEAR(Decode(dir / "short.mp4", 36).duration_s, result->duration_s, 1.0 / 30);
}

TEST(RecapTimeline, ALongRecapIsShortenedToMaxSAndThinnedOutWhenItMustBe) {
  testing::TempDir dir;
  RecapSpec spec = SmallSpec();
  spec.width = 64;
  spec.height = 112;
  auto result = RenderRecap(Photos(40, 96, 72), spec, dir / "long.mp4");
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_LE(result->duration_s, spec.max_s);
  EXPECT_GT(result->duration_s, spec.max_s - 1);  // shortened to fit, not cut to nothing
  EXPECT_EQ(result->items_used, 40);
  const Decoded v = Decode(dir / "long.mp4", 64);
  EXPECT_EQ(static_cast<int>(v.frames.size()), result->frames);
  EXPECT_LE(v.duration_s, spec.max_s + 1e-6);

  // 100 photos cannot have even 1 s each in 30 s: an evenly spread subset is shown.
  result = RenderRecap(Photos(100, 32, 24), spec, dir / "long.mp4");
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_LE(result->duration_s, spec.max_s);
  EXPECT_LT(result->items_used, 100);
  EXPECT_GT(result->items_used, 30);
}

TEST(RecapVideo, SmallAndLandscapePhotosFillThePortraitFrame) {
  testing::TempDir dir;
  RecapSpec spec = SmallSpec();
  spec.title_s = 0;
  spec.fade_out_s = 0;
  spec.crossfade_s = 0.2;
  // A tiny landscape photo (enlarged ~5x), then a 3:1 panorama whose focus spans its width
  // (shown whole over a blurred copy of itself), both bright everywhere.
  std::vector<RecapItem> items;
  RgbImage small = Solid(64, 48, 220, 180, 60);
  items.push_back(RecapPhoto{small, {}});
  RgbImage wide = Solid(600, 200, 60, 160, 230);
  items.push_back(RecapPhoto{wide, Box{0.05, 0.2, 0.9, 0.6}});
  auto result = RenderRecap(items, spec, dir / "fill.mp4");
  ASSERT_TRUE(result) << result.error().ToString();
  const Decoded v = Decode(dir / "fill.mp4", 180);
  for (double t : {1.0, 4.5}) {
    const RgbImage& f = v.At(t, 30);
    // No black bars: every edge strip is lit.
    for (auto [x0, y0, x1, y1] :
         {std::array{0.0, 0.0, 1.0, 0.05}, std::array{0.0, 0.95, 1.0, 1.0},
          std::array{0.0, 0.0, 0.05, 1.0}, std::array{0.95, 0.0, 1.0, 1.0}}) {
      const double luma = (MeanOf(f, x0, y0, x1, y1, 0) + MeanOf(f, x0, y0, x1, y1, 1) +
                           MeanOf(f, x0, y0, x1, y1, 2)) /
                          3;
      EXPECT_GT(luma, 40) << "a dark strip at t=" << t << " (" << x0 << "," << y0 << ")";
    }
  }
  // Colours survive the trip through limited-range BT.709 and the encoder.
  const RgbImage& f = v.At(1.0, 30);
  EXPECT_NEAR(MeanOf(f, 0.3, 0.3, 0.7, 0.7, 0), 220, 6);
  EXPECT_NEAR(MeanOf(f, 0.3, 0.3, 0.7, 0.7, 1), 180, 6);
  EXPECT_NEAR(MeanOf(f, 0.3, 0.3, 0.7, 0.7, 2), 60, 6);
  // The panorama: its colour in the middle band, the dimmed blurred copy above and below.
  const RgbImage& g = v.At(4.5, 30);
  EXPECT_NEAR(MeanOf(g, 0.2, 0.45, 0.8, 0.55, 2), 230, 8);
  EXPECT_LT(MeanOf(g, 0.2, 0.0, 0.8, 0.1, 2), 200);
}

class RecapClips : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveFfmpegCli()) GTEST_SKIP() << "the ffmpeg tool is needed to make test clips";
  }
  testing::TempDir dir_;
};

TEST_F(RecapClips, AClipPlaysUprightFillingTheFrameAndShowsTheClip) {
  // testsrc (colour bars, a moving gradient, a counter) at 25 fps: not the recap's rate.
  ASSERT_TRUE(Ffmpeg("-f lavfi -i testsrc=s=640x360:d=4:r=25 -c:v libx264 -pix_fmt yuv420p " +
                     (dir_ / "clip.mp4").string()));
  RecapSpec spec = SmallSpec();
  spec.width = 360;
  spec.height = 640;
  std::vector<RecapItem> items = Photos(1);
  items.push_back(RecapClip{dir_ / "clip.mp4", 1.0, 2.5});
  // Title 0-2 s, photo 1.5-4 s, clip 3.5-6 s showing clip time 1.0-3.5 s.
  auto result = RenderRecap(items, spec, dir_ / "recap.mp4");
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_NEAR(result->duration_s, 6.0, 1e-9);
  const Decoded v = Decode(dir_ / "recap.mp4", 90);
  // The ffmpeg tool's own view of the clip at 2.0 s (recap time 4.5 s), cropped to fill.
  ASSERT_TRUE(Ffmpeg("-ss 2.0 -i " + (dir_ / "clip.mp4").string() +
                     " -frames:v 1 -vf scale=-2:640,crop=360:640,scale=90:160:flags=area "
                     "-pix_fmt rgb24 -f rawvideo " +
                     (dir_ / "ref.rgb").string()));
  RgbImage ref{90, 160, {}};
  const std::string bytes = ReadAll(dir_ / "ref.rgb");
  ASSERT_EQ(bytes.size(), 90u * 160 * 3);
  ref.pixels.assign(bytes.begin(), bytes.end());
  const double same = testing::MeanAbsDiff(v.At(4.5, 30), ref);
  EXPECT_LT(same, 12);
  EXPECT_GT(testing::MeanAbsDiff(v.At(2.5, 30), ref), 2 * same);  // the photo is not the clip
}

TEST_F(RecapClips, ARotatedClipComesOutUpright) {
  // Coded landscape: red left half, blue right half. The rotate tag puts a display matrix in
  // the file; upright, the clip is portrait with the halves above each other.
  ASSERT_TRUE(
      Ffmpeg("-f lavfi -i color=c=blue:s=640x360:d=3:r=30 -vf "
             "drawbox=x=0:y=0:w=320:h=360:color=red:t=fill -c:v libx264 -pix_fmt yuv420p " +
             (dir_ / "flat.mp4").string()));
  ASSERT_TRUE(Ffmpeg("-i " + (dir_ / "flat.mp4").string() + " -c copy -metadata:s:v:0 rotate=90 " +
                     (dir_ / "turned.mp4").string()));
  RecapSpec spec = SmallSpec();
  spec.title_s = 0;
  spec.fade_out_s = 0;
  for (const char* name : {"flat.mp4", "turned.mp4"}) {
    std::vector<RecapItem> items{RecapClip{dir_ / name, 0, 3}};
    auto result = RenderRecap(items, spec, dir_ / "recap.mp4");
    ASSERT_TRUE(result) << name << ": " << result.error().ToString();
    EXPECT_GE(result->duration_s, spec.min_s);  // a lone 3 s clip holds its last frame
    const Decoded v = Decode(dir_ / "recap.mp4", 90);
    const RgbImage& f = v.At(1.5, 30);
    auto red = [&](double x0, double y0, double x1, double y1) {
      return MeanOf(f, x0, y0, x1, y1, 0) - MeanOf(f, x0, y0, x1, y1, 2);
    };
    if (std::string(name) == "flat.mp4") {
      // Centre crop of the landscape frame: red left, blue right, filling the height.
      EXPECT_GT(red(0, 0, 0.4, 1), 100) << name;
      EXPECT_LT(red(0.6, 0, 1, 1), -100) << name;
    } else {
      // Upright 360x640 is exactly 9:16: one colour on top, the other below, edge to edge...
      EXPECT_GT(std::abs(red(0, 0, 1, 0.45) - red(0, 0.55, 1, 1)), 400) << name;
      // ...the way round players show it (the ffmpeg tool turns frames by the display matrix).
      ASSERT_TRUE(Ffmpeg("-i " + (dir_ / name).string() +
                         " -frames:v 1 -vf scale=90:160:flags=area -pix_fmt rgb24 -f rawvideo " +
                         (dir_ / "ref.rgb").string()));
      const std::string bytes = ReadAll(dir_ / "ref.rgb");
      ASSERT_EQ(bytes.size(), 90u * 160 * 3);
      RgbImage ref{90, 160, {bytes.begin(), bytes.end()}};
      EXPECT_LT(testing::MeanAbsDiff(f, ref), 20) << name;
    }
  }
}

TEST_F(RecapClips, AMissingOrUndecodableClipIsAnErrorNamingTheFile) {
  RecapSpec spec = SmallSpec();
  std::vector<RecapItem> items = Photos(1);
  items.push_back(RecapClip{dir_ / "gone.mp4", 0, 3});
  auto result = RenderRecap(items, spec, dir_ / "recap.mp4");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(result.error().message().find("gone.mp4"), std::string::npos)
      << result.error().message();

  testing::WriteBytes(dir_ / "text.mp4", "this is not a video at all");
  items.back() = RecapClip{dir_ / "text.mp4", 0, 3};
  result = RenderRecap(items, spec, dir_ / "recap.mp4");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(result.error().message().find("text.mp4"), std::string::npos)
      << result.error().message();
  // Nothing was written.
  EXPECT_FALSE(std::filesystem::exists(dir_ / "recap.mp4"));
}

TEST(RecapVideo, NoItemsOrABadSpecIsInvalidInput) {
  testing::TempDir dir;
  auto result = RenderRecap({}, RecapSpec{}, dir / "x.mp4");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidInput);
  RecapSpec odd = SmallSpec();
  odd.width = 181;
  result = RenderRecap(Photos(1), odd, dir / "x.mp4");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidInput);
  std::vector<RecapItem> empty_photo{RecapPhoto{}};
  result = RenderRecap(empty_photo, SmallSpec(), dir / "x.mp4");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidInput);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.mp4"));
}

TEST(RecapVideoWriter, RefusesBadSettingsAndLeavesNoFileWhenDropped) {
  testing::TempDir dir;
  VideoWriterOptions options;
  options.width = 64;
  options.height = 64;
  options.preset = "warp-speed";
  auto writer = VideoWriter::Open(dir / "a.mp4", options);
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error().code(), ErrorCode::kInvalidInput);
  options.preset = "superfast";
  options.width = 63;
  EXPECT_FALSE(VideoWriter::Open(dir / "a.mp4", options));
  options.width = 64;

  // Frames written but never finished: no file, and the temporary one is gone.
  writer = VideoWriter::Open(dir / "a.mp4", options);
  ASSERT_TRUE(writer) << writer.error().ToString();
  for (int i = 0; i < 3; ++i) {
    auto planes = (*writer)->NextFrame();
    ASSERT_TRUE(planes);
    for (int p = 0; p < 3; ++p) {
      const int h = p ? 32 : 64, w = p ? 32 : 64;
      for (int y = 0; y < h; ++y) std::fill_n(planes->data[p] + y * planes->stride[p], w, 128);
    }
    ASSERT_TRUE((*writer)->Submit());
  }
  writer->reset();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));

  // Finished: the file alone, holding the frames.
  writer = VideoWriter::Open(dir / "b.mp4", options);
  ASSERT_TRUE(writer);
  auto planes = (*writer)->NextFrame();
  ASSERT_TRUE(planes);
  for (int p = 0; p < 3; ++p) {
    for (int y = 0; y < (p ? 32 : 64); ++y) {
      std::fill_n(planes->data[p] + y * planes->stride[p], p ? 32 : 64, 100);
    }
  }
  ASSERT_TRUE((*writer)->Submit());
  auto frames = (*writer)->Finish();
  ASSERT_TRUE(frames) << frames.error().ToString();
  EXPECT_EQ(*frames, 1);
  EXPECT_EQ(Decode(dir / "b.mp4", 64).frames.size(), 1u);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace camroll
