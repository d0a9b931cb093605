#include "report/report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "testing/testing.h"

namespace camroll {
namespace {

AssetFacts Asset(const std::string& path, const std::string& hash, const char* taken) {
  AssetFacts a;
  a.path = path;
  a.content_hash = hash;
  a.format = Format::kJpeg;
  a.taken = ParseIso8601(taken);
  a.thumbnails = {{256, 256, 192, "thumbs/" + hash + "-256.jpg"},
                  {1440, 1440, 1080, "thumbs/" + hash + "-1440.jpg"}};
  return a;
}

RollReport Sample() {
  RollReport r;
  r.roll = "/photos";
  r.generated_at = "2026-11-26T10:00:00+00:00";
  r.assets = {Asset("a.jpg", "aa", "2026-06-19T19:00:00+01:00"),
              Asset("b <script>.jpg", "bb", "2026-06-20T10:00:00+01:00"),
              Asset("c.jpg", "cc", "2026-06-21T15:00:00+01:00")};
  r.assets[1].warnings = {"GPS position 0,0 ignored (a fix without data)"};
  AssetFacts broken;
  broken.path = "broken.jpg";
  broken.failed = true;
  broken.error = "truncated or corrupt JPEG: Premature end of JPEG file";
  r.assets.push_back(broken);
  Event e;
  e.id = "trip-aa";
  e.trip = true;
  e.title = "19–21 Jun · Porto";
  e.start = *r.assets[0].taken;
  e.end = *r.assets[2].taken;
  e.locality = "Porto";
  e.country = "Portugal";
  e.members = {0, 1, 2};
  e.best = {2, 0};
  e.duplicates = {{{0, 1}, 0}};
  r.events.events = {e};
  return r;
}

TEST(ManifestJson, ListsEventsAssetsAndErrors) {
  nlohmann::json m = ManifestJson(Sample());
  ASSERT_EQ(m["events"].size(), 1u);
  const auto& e = m["events"][0];
  EXPECT_EQ(e["id"], "trip-aa");
  EXPECT_EQ(e["title"], "19–21 Jun · Porto");
  EXPECT_EQ(e["place"], "Porto, Portugal");
  EXPECT_EQ(e["trip"], true);
  EXPECT_EQ(e["start"], "2026-06-19T19:00:00+01:00");
  EXPECT_EQ(e["members"], nlohmann::json({"a.jpg", "b <script>.jpg", "c.jpg"}));
  EXPECT_EQ(e["best"], nlohmann::json({"c.jpg", "a.jpg"}));
  EXPECT_EQ(e["near_duplicates"][0]["best"], "a.jpg");
  ASSERT_EQ(m["errors"].size(), 2u);
  EXPECT_EQ(m["errors"][0]["file"], "broken.jpg");
  EXPECT_EQ(m["errors"][0]["severity"], "error");
  EXPECT_EQ(m["errors"][1]["severity"], "warning");
  EXPECT_EQ(m["assets"].size(), 3u);  // failed files are errors, not assets
  EXPECT_EQ(m["assets"][0]["thumbnail"], "thumbs/aa-256.jpg");
  EXPECT_EQ(m["assets"][0]["event"], "trip-aa");
  EXPECT_EQ(m["summary"]["trips"], 1);
  EXPECT_EQ(m["summary"]["failed"], 1);
}

TEST(WriteReport, WritesManifestPageAndThumbnails) {
  testing::TempDir dir;
  RollReport r = Sample();
  for (const auto& a : r.assets) {
    for (const auto& t : a.thumbnails) testing::WriteBytes(dir / "data" / t.file, "jpeg " + t.file);
  }
  testing::WriteBytes(dir / "out/thumbs/stale-256.jpg", "old");
  ASSERT_TRUE(WriteReport(r, dir / "data", dir / "out"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out/thumbs/aa-1440.jpg"));
  EXPECT_FALSE(std::filesystem::exists(dir / "out/thumbs/stale-256.jpg"));
  std::ifstream in(dir / "out/index.html");
  std::stringstream html;
  html << in.rdbuf();
  // Names from the roll are escaped, never markup.
  EXPECT_EQ(html.str().find("b <script>"), std::string::npos);
  EXPECT_NE(html.str().find("b &lt;script&gt;.jpg"), std::string::npos);
  EXPECT_NE(html.str().find("19–21 Jun · Porto"), std::string::npos);
  EXPECT_NE(html.str().find("GeoNames"), std::string::npos);
  auto manifest = nlohmann::json::parse(std::ifstream(dir / "out/manifest.json"));
  EXPECT_EQ(manifest["events"][0]["id"], "trip-aa");
}

TEST(HtmlEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

}  // namespace
}  // namespace camroll
