#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/files.h"
#include "media/decode.h"
#include "media/metadata.h"
#include "testing/testing.h"

namespace camroll {
namespace {

// Makes a short video with the ffmpeg command-line tool (installed by scripts/setup.sh).
std::filesystem::path MakeVideo(const testing::TempDir& dir, const std::string& name,
                                const std::string& extra_args) {
  auto path = dir / name;
  std::string cmd = fmt::format(
      "ffmpeg -hide_banner -loglevel error -y -f lavfi -i "
      "color=c=red:s=320x240:d=2:r=10 -c:v libx264 -pix_fmt yuv420p {} '{}'",
      extra_args, path.string());
  if (std::system(cmd.c_str()) != 0) return {};
  return path;
}

TEST(ReadVideoMetadata, ReadsCreationTimeLocationDurationAndSize) {
  testing::TempDir dir;
  auto path = MakeVideo(dir, "v.mp4",
                        "-metadata creation_time=2026-07-12T13:30:10Z "
                        "-metadata location=+38.6446-009.2386/");
  ASSERT_FALSE(path.empty()) << "ffmpeg failed";
  auto md = ReadVideoMetadata(path);
  ASSERT_TRUE(md) << md.error().ToString();
  EXPECT_EQ(md->width, 320);
  EXPECT_EQ(md->height, 240);
  EXPECT_NEAR(md->duration_s, 2.0, 0.15);
  EXPECT_EQ(md->video_codec, "h264");
  ASSERT_TRUE(md->taken);
  EXPECT_EQ(md->time_source, TimeSource::kVideoUtc);
  // A UTC instant with no known local offset yet.
  EXPECT_FALSE(md->taken->offset_minutes);
  EXPECT_EQ(FormatIso8601(*md->taken), "2026-07-12T13:30:10");
  ASSERT_TRUE(md->gps_utc);
  ASSERT_TRUE(md->gps);
  EXPECT_NEAR(md->gps->lat, 38.6446, 1e-6);
  EXPECT_NEAR(md->gps->lon, -9.2386, 1e-6);
}

TEST(ReadVideoMetadata, PrefersTheLocalRecordingTimeWithItsOffset) {
  testing::TempDir dir;
  auto path = MakeVideo(dir, "d.mp4",
                        "-metadata creation_time=2026-07-12T13:30:10Z "
                        "-metadata date=2026-07-12T14:30:10+0100");
  ASSERT_FALSE(path.empty()) << "ffmpeg failed";
  auto md = ReadVideoMetadata(path);
  ASSERT_TRUE(md) << md.error().ToString();
  ASSERT_TRUE(md->taken);
  EXPECT_EQ(FormatIso8601(*md->taken), "2026-07-12T14:30:10+01:00");
  EXPECT_EQ(md->time_source, TimeSource::kVideoLocal);
  EXPECT_EQ(md->offset_source, OffsetSource::kVideo);
}

// A rotated video must look the way ffmpeg's own player (autorotate) shows it.
TEST(ReadVideoMetadata, TurnsFramesTheWayFfmpegDisplaysThem) {
  testing::TempDir dir;
  const std::string plain = (dir / "plain.mov").string();
  const std::string rotated = (dir / "rotated.mov").string();
  const std::string shown = (dir / "shown.png").string();
  const std::string still = (dir / "still.png").string();
  // Every frame the same asymmetric picture, so that any frame can be compared.
  ASSERT_EQ(std::system(fmt::format("ffmpeg -hide_banner -loglevel error -y -f lavfi -i "
                                    "testsrc=s=320x240 -frames:v 1 '{}'",
                                    still)
                            .c_str()),
            0);
  ASSERT_EQ(std::system(fmt::format("ffmpeg -hide_banner -loglevel error -y -loop 1 -i '{}' -t 1 "
                                    "-c:v libx264 -pix_fmt yuv420p '{}'",
                                    still, plain)
                            .c_str()),
            0);
  ASSERT_EQ(std::system(fmt::format("ffmpeg -hide_banner -loglevel error -y -i '{}' -c copy "
                                    "-metadata:s:v:0 rotate=90 '{}'",
                                    plain, rotated)
                            .c_str()),
            0);
  ASSERT_EQ(
      std::system(fmt::format("ffmpeg -hide_banner -loglevel error -y -i '{}' -frames:v 1 '{}'",
                              rotated, shown)
                      .c_str()),
      0);
  auto md = ReadVideoMetadata(rotated);
  ASSERT_TRUE(md) << md.error().ToString();
  EXPECT_NE(md->orientation, 1);
  EXPECT_EQ(md->DisplayWidth(), 240);
  EXPECT_EQ(md->DisplayHeight(), 320);

  auto frame = DecodeVideoFrame(rotated, 320, DecodeOptions{});
  ASSERT_TRUE(frame) << frame.error().ToString();
  RgbImage upright = ApplyOrientation(std::move(*frame), md->orientation);
  auto png = ReadFile(shown, 10 << 20);
  ASSERT_TRUE(png);
  auto reference = DecodeImageScaled(*png, Format::kPng, 320, DecodeOptions{});
  ASSERT_TRUE(reference);
  ASSERT_EQ(upright.width, reference->width);
  ASSERT_EQ(upright.height, reference->height);
  double diff = 0;
  for (size_t i = 0; i < upright.pixels.size(); ++i) {
    diff += std::abs(upright.pixels[i] - reference->pixels[i]);
  }
  // The same up to compression and colour conversion (turned the wrong way, the test card
  // differs by ~200 on average).
  EXPECT_LT(diff / upright.pixels.size(), 10.0);
}

TEST(DecodeVideoFrame, DecodesAScaledFrame) {
  testing::TempDir dir;
  auto path = MakeVideo(dir, "v.mp4", "");
  ASSERT_FALSE(path.empty()) << "ffmpeg failed";
  auto frame = DecodeVideoFrame(path, 160, DecodeOptions{});
  ASSERT_TRUE(frame) << frame.error().ToString();
  EXPECT_EQ(frame->width, 160);
  EXPECT_EQ(frame->height, 120);
  // The clip is solid red.
  const uint8_t* p = frame->pixels.data() + (60 * 160 + 80) * 3;
  EXPECT_GT(p[0], 200);
  EXPECT_LT(p[1], 60);
  EXPECT_LT(p[2], 60);
}

TEST(DecodeVideoFrame, FailsCleanlyOnATruncatedVideo) {
  testing::TempDir dir;
  auto path = MakeVideo(dir, "v.mp4", "-movflags +faststart");
  ASSERT_FALSE(path.empty()) << "ffmpeg failed";
  std::filesystem::resize_file(path, 1500);
  auto frame = DecodeVideoFrame(path, 160, DecodeOptions{});
  EXPECT_FALSE(frame);
  testing::WriteBytes(dir / "empty.mp4", "");
  EXPECT_FALSE(ReadVideoMetadata(dir / "empty.mp4"));
}

}  // namespace
}  // namespace camroll
