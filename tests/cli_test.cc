// The camroll binary as a user runs it: exit codes, output files, errors for bad input.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/files.h"
#include "media/decode.h"
#include "media/metadata.h"
#include "media/test_images.h"
#include "testing/testing.h"

namespace camroll {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

// Runs camroll with arguments (already shell-quoted), capturing stdout. The models are this build
// tree's (the models.install fixture), whatever the user running the tests has installed.
CliRun Camroll(const std::string& args) {
  std::string cmd = fmt::format("CAMROLL_MODELS_DIR='{}/models' '{}' {} 2>/dev/null",
                                CAMROLL_BINARY_DIR, CAMROLL_EXE, args);
  CliRun run;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return run;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) run.out.append(buf, n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

void WriteFile(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  testing::WriteBytes(path, std::string(bytes.begin(), bytes.end()));
}

std::vector<uint8_t> Photo(uint32_t seed, std::map<std::string, std::string> exif) {
  return testing::JpegWithExif(testing::TestCard(640, 480, seed), exif);
}

nlohmann::json ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(Cli, ReportsEveryBadFileAndKeepsGoing) {
  testing::TempDir dir;
  auto roll = dir / "roll";
  for (uint32_t i = 0; i < 3; ++i) {
    WriteFile(roll / fmt::format("good{}.jpg", i),
              Photo(i + 1, {{"Exif.Photo.DateTimeOriginal", fmt::format("2026:04:18 20:0{}:00", i)},
                            {"Exif.Photo.OffsetTimeOriginal", "+01:00"}}));
  }
  WriteFile(roll / "empty.jpg", {});
  auto cut = Photo(7, {});
  cut.resize(cut.size() / 3);
  WriteFile(roll / "cut.jpg", cut);
  testing::WriteBytes(roll / "notes.txt", "shopping list");
  auto bomb = Photo(8, {});
  ASSERT_TRUE(testing::PatchJpegSize(bomb, 60000, 50000));
  WriteFile(roll / "bomb.jpg", bomb);
  WriteFile(roll / "gps00.jpg", Photo(9, {{"Exif.Photo.DateTimeOriginal", "2026:05:01 10:00:00"},
                                          {"Exif.GPSInfo.GPSLatitudeRef", "N"},
                                          {"Exif.GPSInfo.GPSLatitude", "0/1 0/1 0/1"},
                                          {"Exif.GPSInfo.GPSLongitudeRef", "E"},
                                          {"Exif.GPSInfo.GPSLongitude", "0/1 0/1 0/1"}}));
  WriteFile(roll / "future.jpg",
            Photo(10, {{"Exif.Photo.DateTimeOriginal", "2099:01:01 10:00:00"}}));
  WriteFile(roll / "noexif.jpg", Photo(11, {}));
  testing::WriteBytes(roll / "IMG_0001.AAE", "<plist/>");  // a sidecar: not media, not an error

  const std::string args = fmt::format("suggest '{}' --out '{}' --data '{}' --quiet", roll.string(),
                                       (dir / "out").string(), (dir / "data").string());
  CliRun run = Camroll(args);
  EXPECT_EQ(run.exit_code, 1) << run.out;  // completed, some files failed
  auto manifest = ReadJson(dir / "out/manifest.json");
  std::map<std::string, std::pair<std::string, std::string>> errors;  // file → severity, reason
  for (const auto& e : manifest["errors"]) {
    errors[e["file"]] = {e["severity"], e["reason"]};
  }
  auto expect_error = [&](const char* file, const char* severity, const char* reason) {
    ASSERT_TRUE(errors.count(file)) << file << " not reported";
    EXPECT_EQ(errors[file].first, severity) << file;
    EXPECT_NE(errors[file].second.find(reason), std::string::npos)
        << file << ": " << errors[file].second;
  };
  expect_error("empty.jpg", "error", "empty file");
  expect_error("cut.jpg", "error", "truncated");
  expect_error("notes.txt", "error", "unsupported file type");
  expect_error("bomb.jpg", "error", "over the limit");
  expect_error("gps00.jpg", "warning", "0,0");
  expect_error("future.jpg", "warning", "in the future");
  expect_error("noexif.jpg", "warning", "no EXIF capture time");
  EXPECT_FALSE(errors.count("IMG_0001.AAE"));
  EXPECT_EQ(manifest["summary"]["failed"], 4);
  EXPECT_EQ(manifest["assets"].size(), 6u);
  ASSERT_EQ(manifest["events"].size(), 1u);
  EXPECT_EQ(manifest["events"][0]["members"].size(), 3u);
  EXPECT_TRUE(std::filesystem::exists(dir / "out/index.html"));
  for (const auto& a : manifest["assets"]) {
    EXPECT_TRUE(std::filesystem::exists(dir / "out" / a["thumbnail"].get<std::string>()));
    EXPECT_TRUE(std::filesystem::exists(dir / "out" / a["preview"].get<std::string>()));
  }

  // Again, with machine output: nothing is analysed twice, the same errors are reported.
  CliRun again = Camroll(args + " --json");
  EXPECT_EQ(again.exit_code, 1);
  auto json = nlohmann::json::parse(again.out);
  EXPECT_EQ(json["scan"]["unchanged"], 10);
  EXPECT_EQ(json["scan"]["analysed"], 0);
  EXPECT_EQ(json["errors"].size(), manifest["errors"].size());
}

TEST(Cli, ExitsZeroWhenEveryFileIsRead) {
  testing::TempDir dir;
  WriteFile(dir / "roll/a.jpg", Photo(1, {{"Exif.Photo.DateTimeOriginal", "2026:04:18 20:00:00"}}));
  CliRun run = Camroll(fmt::format("scan '{}' --data '{}' --json", (dir / "roll").string(),
                                   (dir / "data").string()));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["scan"]["analysed"], 1);
  EXPECT_TRUE(json["errors"].empty());
}

TEST(Cli, RefusesAMissingRollWithAUsageError) {
  testing::TempDir dir;
  CliRun run = Camroll(
      fmt::format("suggest '{}' --out '{}'", (dir / "nope").string(), (dir / "out").string()));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

// The main job on the generated sample roll: ideas of every type, made into real files.
TEST(Cli, SuggestsAndMakesEveryKindOfIdeaForTheSampleRoll) {
  if (testing::SampleRoll().empty()) GTEST_SKIP() << "the sample roll was not generated";
  testing::TempDir dir;
  const std::string roll = (testing::SampleRoll() / "roll").string();
  const std::string data = (dir / "data").string();
  CliRun run = Camroll(fmt::format("suggest '{}' --out '{}' --data '{}' --render-top 0 -q", roll,
                                   (dir / "out").string(), data));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  auto manifest = ReadJson(dir / "out/manifest.json");
  std::set<std::string> types, rendered_types;
  std::string a_collage;
  for (const auto& idea : manifest["ideas"]) {
    const std::string type = idea["type"];
    types.insert(type);
    EXPECT_FALSE(idea["why"].get<std::string>().empty());
    EXPECT_FALSE(idea["evidence"].empty()) << idea["id"];
    EXPECT_FALSE(idea["members"].empty()) << idea["id"];
    if (idea["files"].empty()) continue;
    rendered_types.insert(type);
    if (type == "collage") a_collage = idea["id"];
    for (const auto& f : idea["files"]) {
      const auto path = dir / "out" / f.get<std::string>();
      ASSERT_TRUE(std::filesystem::exists(path)) << path;
      const std::string name = path.filename().string();
      if (name == "recap.mp4") {
        auto md = ReadVideoMetadata(path);
        ASSERT_TRUE(md) << md.error().ToString();
        EXPECT_EQ(md->width, 1080);
        EXPECT_EQ(md->height, 1920);
        EXPECT_EQ(md->video_codec, "h264");
        EXPECT_GE(md->duration_s, 6.0);
        EXPECT_LE(md->duration_s, 30.0);
        continue;
      }
      auto bytes = ReadFile(path, 64 << 20);
      ASSERT_TRUE(bytes);
      auto image = DecodeImageScaled(*bytes, Format::kJpeg, 8192, DecodeOptions{});
      ASSERT_TRUE(image) << path;
      if (name == "story.jpg" || name == "theme.jpg") {
        EXPECT_EQ(image->width, 1080) << path;
        EXPECT_EQ(image->height, 1920) << path;
      } else if (name == "square.jpg") {
        EXPECT_EQ(image->width, 1080);
        EXPECT_EQ(image->height, 1080);
      }
    }
  }
  const std::set<std::string> all = {"collage", "recap", "restyle", "theme", "enhance"};
  EXPECT_EQ(types, all);
  EXPECT_EQ(rendered_types, all) << "the best idea of each type is made";
  std::ifstream html_in(dir / "out/index.html");
  std::stringstream html;
  html << html_in.rdbuf();
  EXPECT_NE(html.str().find("Ideas from your camera roll"), std::string::npos);
  EXPECT_NE(html.str().find(a_collage), std::string::npos);

  // Dismissed: never suggested again. Rendering one again gives the cached files.
  ASSERT_EQ(Camroll(fmt::format("ideas --dismiss {} --data '{}'", a_collage, data)).exit_code, 0);
  CliRun list = Camroll(fmt::format("ideas '{}' --data '{}' --json", roll, data));
  ASSERT_EQ(list.exit_code, 0);
  for (const auto& idea : nlohmann::json::parse(list.out)) EXPECT_NE(idea["id"], a_collage);
  const std::string other = nlohmann::json::parse(list.out)[0]["id"];
  CliRun render = Camroll(
      fmt::format("render {} --out '{}' --data '{}'", other, (dir / "again").string(), data));
  ASSERT_EQ(render.exit_code, 0) << render.out;
  EXPECT_FALSE(render.out.empty());
  EXPECT_FALSE(std::filesystem::is_empty(dir / "again"));
  EXPECT_EQ(Camroll(fmt::format("render no-such-idea --data '{}'", data)).exit_code, 2);
}

TEST(Cli, CreditsGeoNamesInItsVersion) {
  CliRun run = Camroll("--version");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("GeoNames"), std::string::npos);
  EXPECT_NE(run.out.find("CC BY 4.0"), std::string::npos);
}

}  // namespace
}  // namespace camroll
