#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace camroll {
namespace {

AssetFacts Photo(const std::string& path, const std::string& hash) {
  AssetFacts f;
  f.path = path;
  f.size_bytes = 1234;
  f.mtime_ns = 1'700'000'000'000'000'000;
  f.content_hash = hash;
  f.format = Format::kJpeg;
  f.kind = MediaKind::kPhoto;
  f.width = 4032;
  f.height = 3024;
  f.orientation = 6;
  f.taken = ParseIso8601("2026-06-19T21:05:30+01:00");
  f.time_source = TimeSource::kExifOriginal;
  f.offset_source = OffsetSource::kExif;
  f.gps = GpsFix{41.1496, -8.6109, 85.5};
  Place p;
  p.city = "Porto";
  p.locality = "Porto";
  p.region = "Porto";
  p.country_code = "PT";
  p.country = "Portugal";
  f.place = p;
  f.make = "Google";
  f.dhash = 0xFFFF0000FFFF0000ull;  // top bit set: must survive SQLite's signed integers
  f.phash = 0x8000000000000001ull;
  f.quality.sharpness = 321.5;
  f.quality.score = 0.8;
  f.thumbnails = {{256, 192, 256, "thumbs/ab/x-256.jpg"},
                  {1440, 1080, 1440, "thumbs/ab/x-1440.jpg"}};
  f.warnings = {"first", "second"};
  return f;
}

TEST(Catalog, RoundTripsEveryFact) {
  testing::TempDir dir;
  auto catalog = Catalog::Open(dir / "catalog.db");
  ASSERT_TRUE(catalog) << catalog.error().ToString();
  auto roll = (*catalog)->EnsureRoll("/photos");
  ASSERT_TRUE(roll);
  AssetFacts in = Photo("DCIM/a.jpg", std::string(64, 'a'));
  ASSERT_TRUE((*catalog)->PutAsset(*roll, in, 1, 100));
  auto loaded = (*catalog)->LoadAssets(*roll);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_EQ(loaded->size(), 1u);
  const AssetFacts& out = loaded->front();
  EXPECT_EQ(out.path, in.path);
  EXPECT_EQ(out.content_hash, in.content_hash);
  EXPECT_EQ(out.format, Format::kJpeg);
  EXPECT_EQ(out.orientation, 6);
  ASSERT_TRUE(out.taken);
  EXPECT_EQ(FormatIso8601(*out.taken), "2026-06-19T21:05:30+01:00");
  EXPECT_EQ(out.time_source, TimeSource::kExifOriginal);
  ASSERT_TRUE(out.gps);
  EXPECT_DOUBLE_EQ(out.gps->lat, 41.1496);
  EXPECT_EQ(out.gps->altitude_m, 85.5);
  ASSERT_TRUE(out.place);
  EXPECT_EQ(out.place->city, "Porto");
  EXPECT_EQ(out.place->country, "Portugal");
  EXPECT_EQ(out.dhash, in.dhash);
  EXPECT_EQ(out.phash, in.phash);
  EXPECT_DOUBLE_EQ(out.quality.sharpness, 321.5);
  ASSERT_EQ(out.thumbnails.size(), 2u);
  EXPECT_EQ(out.thumbnails[1].file, "thumbs/ab/x-1440.jpg");
  EXPECT_EQ(out.warnings, in.warnings);
}

TEST(Catalog, RecordsFailuresAndReplacesOnRescan) {
  testing::TempDir dir;
  auto catalog = std::move(*Catalog::Open(dir / "c.db"));
  int64_t roll = *catalog->EnsureRoll("/r");
  AssetFacts bad;
  bad.path = "broken.jpg";
  bad.failed = true;
  bad.error = "truncated or corrupt JPEG";
  ASSERT_TRUE(catalog->PutAsset(roll, bad, 1, 1));
  auto states = catalog->FileStates(roll);
  ASSERT_TRUE(states);
  ASSERT_TRUE(states->at("broken.jpg").failed);
  // The file was fixed: a new analysis replaces the failure.
  ASSERT_TRUE(catalog->PutAsset(roll, Photo("broken.jpg", std::string(64, 'b')), 1, 2));
  auto assets = catalog->LoadAssets(roll);
  ASSERT_EQ(assets->size(), 1u);
  EXPECT_FALSE(assets->front().failed);
}

TEST(Catalog, RemovingAnAssetRemovesEverythingDerivedFromIt) {
  testing::TempDir dir;
  auto catalog = std::move(*Catalog::Open(dir / "c.db"));
  int64_t roll = *catalog->EnsureRoll("/r");
  ASSERT_TRUE(catalog->PutAsset(roll, Photo("a.jpg", std::string(64, 'a')), 1, 1));
  ASSERT_TRUE(catalog->PutAsset(roll, Photo("copy-of-a.jpg", std::string(64, 'a')), 1, 1));
  ASSERT_TRUE(catalog->PutAsset(roll, Photo("b.jpg", std::string(64, 'b')), 1, 1));
  // What the models saw in each, and a face in each.
  auto states = catalog->FileStates(roll);
  ASSERT_TRUE(states);
  for (const auto& [path, state] : *states) {
    VisionFacts v;
    v.objects.push_back({"dog", 0.9f, {0.1f, 0.1f, 0.5f, 0.5f}});
    ASSERT_TRUE(catalog->PutVision(state.asset_id, v, 1, "test", 1));
    FaceFact face;
    face.embedding = {1, 0, 0};
    face.size_px = 80;
    ASSERT_TRUE(catalog->PutFaces(state.asset_id, {face}, 1, 1));
  }
  auto unused = catalog->RemoveAssets(roll, {"a.jpg", "b.jpg"});
  ASSERT_TRUE(unused);
  // a's bytes live on in copy-of-a.jpg; b's are gone.
  EXPECT_EQ(*unused, std::vector<std::string>{std::string(64, 'b')});
  for (const PurposeTable& t : DerivedTables()) {
    if (std::string(t.table).rfind("asset_", 0) != 0) continue;
    auto st = catalog->db().Prepare(std::string("SELECT count(*) FROM ") + t.table);
    ASSERT_TRUE(st);
    ASSERT_TRUE(*st->Step());
    int64_t expected = std::string(t.table) == "asset_thumbnails" ? 2
                       : std::string(t.table) == "asset_warnings" ? 2
                                                                  : 1;
    EXPECT_EQ(st->Int(0), expected) << t.table;
  }
  auto faces = catalog->db().Prepare("SELECT count(*) FROM faces");
  ASSERT_TRUE(faces);
  ASSERT_TRUE(*faces->Step());
  EXPECT_EQ(faces->Int(0), 1);
}

TEST(Catalog, FindsAnAnalysisByContentHash) {
  testing::TempDir dir;
  auto catalog = std::move(*Catalog::Open(dir / "c.db"));
  int64_t roll = *catalog->EnsureRoll("/r");
  ASSERT_TRUE(catalog->PutAsset(roll, Photo("a.jpg", std::string(64, 'a')), 3, 1));
  auto found = catalog->FindAnalysedByHash(std::string(64, 'a'), 3);
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->make, "Google");
  auto older = catalog->FindAnalysedByHash(std::string(64, 'a'), 4);
  ASSERT_TRUE(older);
  EXPECT_FALSE(*older);  // made by another analysis version: not reused
}

TEST(Catalog, StoresEventsWithTheirMembers) {
  testing::TempDir dir;
  auto catalog = std::move(*Catalog::Open(dir / "c.db"));
  int64_t roll = *catalog->EnsureRoll("/r");
  std::vector<AssetFacts> assets = {Photo("a.jpg", std::string(64, 'a')),
                                    Photo("b.jpg", std::string(64, 'b'))};
  for (const auto& a : assets) ASSERT_TRUE(catalog->PutAsset(roll, a, 1, 1));
  EventsResult events;
  Event e;
  e.id = "event-aaaa";
  e.title = "Friday in Porto";
  e.start = *assets[0].taken;
  e.end = *assets[1].taken;
  e.members = {0, 1};
  e.best = {1};
  events.events.push_back(e);
  ASSERT_TRUE(catalog->ReplaceEvents(roll, assets, events, 5));
  ASSERT_TRUE(catalog->ReplaceEvents(roll, assets, events, 6));  // idempotent
  auto stored = catalog->LoadEventMembers(roll);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].first, "event-aaaa");
  EXPECT_EQ((*stored)[0].second, (std::vector<std::string>{"a.jpg", "b.jpg"}));
  // Deleting an asset takes it out of the event.
  ASSERT_TRUE(catalog->RemoveAssets(roll, {"a.jpg"}));
  stored = catalog->LoadEventMembers(roll);
  EXPECT_EQ((*stored)[0].second, (std::vector<std::string>{"b.jpg"}));
}

TEST(Catalog, KeepsIdeasTheirFilesAndTheOwnersFeedback) {
  testing::TempDir dir;
  auto catalog = std::move(*Catalog::Open(dir / "c.db"));
  int64_t roll = *catalog->EnsureRoll("/r");
  std::vector<AssetFacts> assets = {Photo("a.jpg", std::string(64, 'a')),
                                    Photo("b.jpg", std::string(64, 'b'))};
  for (const auto& a : assets) ASSERT_TRUE(catalog->PutAsset(roll, a, 1, 1));
  Idea collage;
  collage.id = "collage-aaa";
  collage.type = IdeaType::kCollage;
  collage.source = "event:x";
  collage.title = "19–21 Jun · Porto";
  collage.why = "The best 2 of 2 photos.";
  collage.evidence = {{"event", "2 photos"}};
  collage.members = {1, 0};
  collage.variant = "auto";
  collage.score = 0.7;
  Idea theme = collage;
  theme.id = "theme-bbb";
  theme.type = IdeaType::kTheme;
  theme.variant = "golden-hour";
  ASSERT_TRUE(catalog->ReplaceIdeas(roll, assets, {collage, theme}, 5));
  ASSERT_TRUE(catalog->SetIdeaFiles(roll, "collage-aaa", {"renders/k/story.jpg"}));
  auto stored = catalog->FindIdea("collage-aaa");
  ASSERT_TRUE(stored && *stored);
  ASSERT_TRUE(catalog->RecordFeedback(roll, **stored, false, 6));
  // Regenerating keeps the files of surviving ideas; feedback outlives ideas.
  ASSERT_TRUE(catalog->ReplaceIdeas(roll, assets, {theme, collage}, 7));
  auto ideas = catalog->LoadIdeas(roll);
  ASSERT_TRUE(ideas);
  ASSERT_EQ(ideas->size(), 2u);
  EXPECT_EQ((*ideas)[0].id, "theme-bbb");
  const StoredIdea& c = (*ideas)[1];
  EXPECT_EQ(c.members, (std::vector<std::string>{"b.jpg", "a.jpg"}));
  EXPECT_EQ(c.files, std::vector<std::string>{"renders/k/story.jpg"});
  EXPECT_EQ(c.title, "19–21 Jun · Porto");
  ASSERT_EQ(c.evidence.size(), 1u);
  EXPECT_EQ(c.evidence[0].detail, "2 photos");
  auto feedback = catalog->LoadFeedback(roll);
  ASSERT_TRUE(feedback);
  ASSERT_EQ(feedback->size(), 1u);
  EXPECT_EQ((*feedback)[0].idea_id, "collage-aaa");
  EXPECT_FALSE((*feedback)[0].accepted);
  EXPECT_EQ((*feedback)[0].type, IdeaType::kCollage);
  EXPECT_FALSE(*catalog->FindIdea("nope"));
}

TEST(Catalog, MigratesAVersion1Catalog) {
  testing::TempDir dir;
  {
    auto catalog = std::move(*Catalog::Open(dir / "c.db"));
    // Back to version 1: asset_signals had no colourfulness column.
    ASSERT_TRUE(catalog->db().Exec(
        "ALTER TABLE asset_signals DROP COLUMN colourfulness; DROP TABLE idea_feedback; "
        "DROP TABLE ideas; DROP TABLE asset_vision; DROP TABLE asset_objects; "
        "DROP TABLE asset_face_scans; DROP TABLE face_rejections; DROP TABLE faces; "
        "DROP TABLE people; DROP TABLE people_merges; DROP TABLE people_apart; "
        "DROP TABLE settings; UPDATE schema_info SET version = 1"));
  }
  auto catalog = Catalog::Open(dir / "c.db");
  ASSERT_TRUE(catalog) << catalog.error().ToString();
  int64_t roll = *(*catalog)->EnsureRoll("/r");
  AssetFacts photo = Photo("a.jpg", std::string(64, 'a'));
  photo.quality.colourfulness = 42.5;
  ASSERT_TRUE((*catalog)->PutAsset(roll, photo, 1, 1));
  EXPECT_DOUBLE_EQ((*catalog)->LoadAssets(roll)->front().quality.colourfulness, 42.5);
}

TEST(Catalog, RefusesACatalogFromTheFuture) {
  testing::TempDir dir;
  {
    auto catalog = std::move(*Catalog::Open(dir / "c.db"));
    ASSERT_TRUE(catalog->db().Exec("UPDATE schema_info SET version = 99"));
  }
  auto reopened = Catalog::Open(dir / "c.db");
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code(), ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace camroll
