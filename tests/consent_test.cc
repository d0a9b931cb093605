// Face grouping is a consent: without the owner's --faces no face is looked for, no embedding is
// computed, nothing face-derived is stored or shown; --no-faces deletes all of it, from the
// catalog file itself. Runs the real binary with the real models on the sample roll.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "catalog/sqlite.h"
#include "core/files.h"
#include "testing/testing.h"

namespace camroll {
namespace {

int Camroll(const std::string& args, std::string* out = nullptr) {
  std::string cmd = fmt::format("CAMROLL_MODELS_DIR='{}/models' '{}' {} 2>&1", CAMROLL_BINARY_DIR,
                                CAMROLL_EXE, args);
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  size_t n;
  std::string text;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) text.append(buf, n);
  int status = ::pclose(pipe);
  if (out) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int64_t Count(const std::filesystem::path& db_file, const std::string& sql) {
  auto db = sqlite::Database::Open(db_file);
  EXPECT_TRUE(db.has_value());
  auto st = db->Prepare(sql);
  EXPECT_TRUE(st.has_value()) << sql;
  auto row = st->Step();
  EXPECT_TRUE(row.has_value() && *row);
  return st->Int(0);
}

std::string Bytes(const std::filesystem::path& f) {
  std::ifstream in(f, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json Manifest(const std::filesystem::path& out) {
  std::ifstream in(out / "manifest.json");
  return nlohmann::json::parse(in);
}

TEST(Consent, FacesOnlyWithFaceGroupingAndNothingLeftAfterOptOut) {
  if (testing::SampleRoll().empty()) GTEST_SKIP() << "the sample roll was not generated";
  testing::TempDir dir;
  const std::string roll = (testing::SampleRoll() / "roll").string();
  const auto data = dir / "data";
  const auto db = data / "catalog.db";
  auto suggest = [&](const std::string& extra) {
    std::string out;
    int rc = Camroll(fmt::format("suggest '{}' --out '{}' --data '{}' --no-render -q {}", roll,
                                 (dir / "out").string(), data.string(), extra),
                     &out);
    EXPECT_EQ(rc, 0) << out;
    return Manifest(dir / "out");
  };

  // 1. Default: face grouping off. The models look at the roll (objects, text, sensitive
  //    content) but no face model is loaded, and no face, scan record or person exists.
  auto m = suggest("");
  EXPECT_EQ(m["models"], "on");
  EXPECT_EQ(m["face_grouping"], "off");
  EXPECT_TRUE(m["people"].empty());
  EXPECT_GT(Count(db, "SELECT COUNT(*) FROM asset_vision"), 40);
  // What the models saw is in the manifest: the people (as objects) of the face-api photos.
  size_t with_people = 0;
  for (const auto& a : m["assets"]) {
    if (!a.contains("seen")) continue;
    for (const auto& o : a["seen"]["objects"]) {
      if (o["label"] == "person") {
        ++with_people;
        break;
      }
    }
  }
  EXPECT_GT(with_people, 5u);
  EXPECT_EQ(Count(db,
                  "SELECT COUNT(*) FROM asset_vision WHERE models LIKE '%blazeface%' "
                  "OR models LIKE '%faceres%'"),
            0);
  for (const char* table : {"faces", "people", "asset_face_scans", "face_rejections"}) {
    EXPECT_EQ(Count(db, fmt::format("SELECT COUNT(*) FROM {}", table)), 0) << table;
  }
  std::string out;
  EXPECT_EQ(Camroll(fmt::format("people --data '{}'", data.string()), &out), 2) << out;

  // 2. --faces: faces are found and grouped, people appear in the manifest with their faces.
  m = suggest("--faces");
  EXPECT_EQ(m["face_grouping"], "on");
  const int64_t faces = Count(db, "SELECT COUNT(*) FROM faces");
  EXPECT_GT(faces, 10);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM faces WHERE purpose = 'face_grouping'"), faces);
  EXPECT_GT(Count(db, "SELECT COUNT(*) FROM asset_face_scans"), 40);
  ASSERT_FALSE(m["people"].empty());
  for (const auto& p : m["people"]) {
    ASSERT_GE(p["faces"].size(), 2u) << "a person is at least two faces";
    for (const auto& f : p["faces"]) {
      EXPECT_FALSE(f["file"].get<std::string>().empty());
      ASSERT_EQ(f["box"].size(), 4u);
      for (const auto& v : f["box"]) {
        EXPECT_GE(v.get<double>(), 0.0);
        EXPECT_LE(v.get<double>(), 1.0);
      }
    }
  }
  // The switch is remembered: a run without flags keeps grouping and finds nothing new to do.
  m = suggest("");
  EXPECT_EQ(m["face_grouping"], "on");
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM faces"), faces);

  // Keep the bytes of one embedding to look for them after the purge.
  std::string embedding;
  {
    auto handle = sqlite::Database::Open(db);
    ASSERT_TRUE(handle);
    auto st = handle->Prepare("SELECT embedding FROM faces ORDER BY id LIMIT 1");
    ASSERT_TRUE(st);
    ASSERT_TRUE(*st->Step());
    embedding = st->Blob(0).substr(0, 64);
  }
  ASSERT_EQ(embedding.size(), 64u);

  // 3. --no-faces: every face, embedding, person and scan record is gone, the switch is off,
  //    and the embedding's bytes are in neither the catalog file nor its write-ahead log.
  m = suggest("--no-faces");
  EXPECT_EQ(m["face_grouping"], "off");
  EXPECT_TRUE(m["people"].empty());
  for (const char* table :
       {"faces", "people", "asset_face_scans", "face_rejections", "people_merges"}) {
    EXPECT_EQ(Count(db, fmt::format("SELECT COUNT(*) FROM {}", table)), 0) << table;
  }
  for (const auto& file : {db, std::filesystem::path(db.string() + "-wal")}) {
    if (!std::filesystem::exists(file)) continue;
    EXPECT_EQ(Bytes(file).find(embedding), std::string::npos) << file << " still holds a face";
  }
  std::ifstream html_in(dir / "out/index.html");
  std::stringstream html;
  html << html_in.rdbuf();
  EXPECT_EQ(html.str().find("id=\"people\""), std::string::npos);
}

}  // namespace
}  // namespace camroll
