#include "catalog/catalog.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

namespace camroll {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS schema_info(version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rolls(
  id INTEGER PRIMARY KEY,
  root TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  scanned_at INTEGER);
CREATE TABLE IF NOT EXISTS assets(
  id INTEGER PRIMARY KEY,
  roll_id INTEGER NOT NULL REFERENCES rolls(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  format TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('ok', 'failed')),
  error TEXT,
  analysis_version INTEGER NOT NULL,
  analysed_at INTEGER NOT NULL,
  UNIQUE(roll_id, path));
CREATE INDEX IF NOT EXISTS assets_by_hash ON assets(content_hash);
CREATE TABLE IF NOT EXISTS asset_metadata(
  asset_id INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL DEFAULT 'organize',
  created_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  width INTEGER, height INTEGER, orientation INTEGER,
  taken_local INTEGER, taken_offset_min INTEGER, taken_is_utc INTEGER,
  time_source TEXT, offset_source TEXT,
  gps_lat REAL, gps_lon REAL, gps_alt REAL,
  make TEXT, model TEXT, duration_s REAL);
CREATE TABLE IF NOT EXISTS asset_places(
  asset_id INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL DEFAULT 'organize',
  created_at INTEGER NOT NULL,
  city TEXT, locality TEXT, region TEXT, subregion TEXT, country_code TEXT, country TEXT,
  place_lat REAL, place_lon REAL, distance_km REAL);
CREATE TABLE IF NOT EXISTS asset_signals(
  asset_id INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL DEFAULT 'suggest',
  created_at INTEGER NOT NULL,
  dhash INTEGER, phash INTEGER,
  sharpness REAL, tenengrad REAL, brightness REAL, contrast REAL,
  clipped_dark REAL, clipped_bright REAL, quality REAL);
CREATE TABLE IF NOT EXISTS asset_thumbnails(
  asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  size INTEGER NOT NULL,
  purpose TEXT NOT NULL DEFAULT 'display',
  created_at INTEGER NOT NULL,
  width INTEGER NOT NULL, height INTEGER NOT NULL, file TEXT NOT NULL,
  PRIMARY KEY(asset_id, size));
CREATE TABLE IF NOT EXISTS asset_warnings(
  asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL DEFAULT 'diagnostics',
  created_at INTEGER NOT NULL,
  message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS asset_warnings_by_asset ON asset_warnings(asset_id);
CREATE TABLE IF NOT EXISTS events(
  id TEXT NOT NULL,
  roll_id INTEGER NOT NULL REFERENCES rolls(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL DEFAULT 'suggest',
  created_at INTEGER NOT NULL,
  position INTEGER NOT NULL,
  trip INTEGER NOT NULL,
  title TEXT NOT NULL,
  start_local INTEGER NOT NULL, start_offset_min INTEGER,
  end_local INTEGER NOT NULL, end_offset_min INTEGER,
  locality TEXT, region TEXT, country_code TEXT, country TEXT,
  PRIMARY KEY(roll_id, id));
CREATE TABLE IF NOT EXISTS event_members(
  roll_id INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  best_rank INTEGER,
  PRIMARY KEY(roll_id, event_id, asset_id),
  FOREIGN KEY(roll_id, event_id) REFERENCES events(roll_id, id) ON DELETE CASCADE);
)sql";

const char* kSelectAssets = R"sql(
SELECT a.id, a.path, a.size_bytes, a.mtime_ns, a.content_hash, a.format, a.status, a.error,
       m.kind, m.width, m.height, m.orientation, m.taken_local, m.taken_offset_min,
       m.taken_is_utc, m.time_source, m.offset_source, m.gps_lat, m.gps_lon, m.gps_alt,
       m.make, m.model, m.duration_s,
       p.city, p.locality, p.region, p.subregion, p.country_code, p.country, p.place_lat,
       p.place_lon, p.distance_km,
       s.dhash, s.phash, s.sharpness, s.tenengrad, s.brightness, s.contrast, s.clipped_dark,
       s.clipped_bright, s.quality, s.colourfulness
FROM assets a
LEFT JOIN asset_metadata m ON m.asset_id = a.id
LEFT JOIN asset_places p ON p.asset_id = a.id
LEFT JOIN asset_signals s ON s.asset_id = a.id
)sql";

Format FormatFromName(const std::string& name) {
  for (Format f : {Format::kJpeg, Format::kHeif, Format::kAvif, Format::kPng, Format::kWebp,
                   Format::kGif, Format::kTiff, Format::kMp4, Format::kMov}) {
    if (FormatName(f) == name) return f;
  }
  return Format::kUnknown;
}

MediaKind KindFromName(const std::string& name) {
  if (name == "video") return MediaKind::kVideo;
  if (name == "screenshot") return MediaKind::kScreenshot;
  return MediaKind::kPhoto;
}

template <typename Enum, size_t N>
Enum EnumFromName(const std::string& name, const Enum (&values)[N],
                  std::string_view (*namer)(Enum)) {
  for (Enum v : values) {
    if (namer(v) == name) return v;
  }
  return values[0];
}

constexpr TimeSource kTimeSources[] = {
    TimeSource::kNone,         TimeSource::kExifOriginal, TimeSource::kExifDigitized,
    TimeSource::kExifModified, TimeSource::kXmp,          TimeSource::kVideoLocal,
    TimeSource::kVideoUtc,     TimeSource::kFileName,     TimeSource::kFileModified};
constexpr OffsetSource kOffsetSources[] = {OffsetSource::kNone,  OffsetSource::kExif,
                                           OffsetSource::kGps,   OffsetSource::kXmp,
                                           OffsetSource::kVideo, OffsetSource::kNeighbours};

}  // namespace

const std::vector<PurposeTable>& DerivedTables() {
  static const std::vector<PurposeTable> kTables = {
      {"asset_metadata", "organize"},    {"asset_places", "organize"},
      {"asset_signals", "suggest"},      {"asset_thumbnails", "display"},
      {"asset_warnings", "diagnostics"}, {"events", "suggest"},
      {"event_members", "suggest"},      {"ideas", "suggest"},
      {"idea_feedback", "suggest"},      {"asset_vision", "suggest"},
      {"asset_objects", "suggest"},      {"asset_face_scans", "face_grouping"},
      {"faces", "face_grouping"},        {"face_rejections", "face_grouping"},
      {"people", "face_grouping"},       {"people_merges", "face_grouping"},
      {"people_apart", "face_grouping"},
  };
  return kTables;
}

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::filesystem::path& file,
                                               const sqlite::OpenOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(file, options));
  CAMROLL_RETURN_IF_ERROR(
      db.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
              "PRAGMA foreign_keys=ON; "
              // Deleted rows are overwritten, not left in free pages: a purge leaves nothing.
              "PRAGMA secure_delete=ON; "
              // Sorts and temporary tables never reach a file (nor, sealed, unsealed pages).
              "PRAGMA temp_store=MEMORY;"));
  std::unique_ptr<Catalog> catalog(new Catalog(std::move(db)));
  CAMROLL_RETURN_IF_ERROR(catalog->Migrate());
  return catalog;
}

Status Catalog::Migrate() {
  CAMROLL_ASSIGN_OR_RETURN(auto tx, Begin());
  CAMROLL_RETURN_IF_ERROR(
      db_.Exec("CREATE TABLE IF NOT EXISTS schema_info(version INTEGER NOT NULL)"));
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT version FROM schema_info"));
  CAMROLL_ASSIGN_OR_RETURN(bool has_row, st.Step());
  int version = has_row ? static_cast<int>(st.Int(0)) : 0;
  if (version > kSchemaVersion) {
    return Fail(ErrorCode::kUnsupported,
                fmt::format("catalog schema {} is newer than this camroll ({}); upgrade camroll",
                            version, kSchemaVersion));
  }
  // Each step takes the schema from one version to the next.
  if (version < 1) CAMROLL_RETURN_IF_ERROR(db_.Exec(kSchema));
  if (version < 2) {
    CAMROLL_RETURN_IF_ERROR(db_.Exec("ALTER TABLE asset_signals ADD COLUMN colourfulness REAL"));
  }
  if (version < 3) {
    CAMROLL_RETURN_IF_ERROR(db_.Exec(R"sql(
CREATE TABLE ideas(
  roll_id INTEGER NOT NULL REFERENCES rolls(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  purpose TEXT NOT NULL DEFAULT 'suggest',
  created_at INTEGER NOT NULL,
  position INTEGER NOT NULL,
  type TEXT NOT NULL, source TEXT NOT NULL, title TEXT NOT NULL, subtitle TEXT NOT NULL,
  why TEXT NOT NULL, variant TEXT NOT NULL, score REAL NOT NULL,
  evidence TEXT NOT NULL,   -- JSON [[kind, detail], ...]
  members TEXT NOT NULL,    -- JSON [path, ...]
  files TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY(roll_id, id));
CREATE TABLE idea_feedback(
  roll_id INTEGER NOT NULL REFERENCES rolls(id) ON DELETE CASCADE,
  idea_id TEXT NOT NULL,
  purpose TEXT NOT NULL DEFAULT 'suggest',
  type TEXT NOT NULL, source TEXT NOT NULL,
  action TEXT NOT NULL CHECK(action IN ('accepted', 'dismissed')),
  at INTEGER NOT NULL);
CREATE INDEX idea_feedback_by_roll ON idea_feedback(roll_id);
)sql"));
  }
  if (version < 4) {
    // What the models see, faces and people (see understanding.cc), and the owner's settings.
    CAMROLL_RETURN_IF_ERROR(db_.Exec(R"sql(
CREATE TABLE asset_vision(
  asset_id INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL DEFAULT 'suggest',
  created_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  models TEXT NOT NULL,
  text_coverage REAL NOT NULL, text_lines INTEGER NOT NULL, document INTEGER NOT NULL,
  sensitive_score REAL NOT NULL, sensitive INTEGER NOT NULL);
CREATE TABLE asset_objects(
  asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL DEFAULT 'suggest',
  label TEXT NOT NULL, score REAL NOT NULL,
  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL);
CREATE INDEX asset_objects_by_asset ON asset_objects(asset_id);
CREATE TABLE asset_face_scans(
  asset_id INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL DEFAULT 'face_grouping',
  created_at INTEGER NOT NULL,
  version INTEGER NOT NULL);
CREATE TABLE people(
  id INTEGER PRIMARY KEY,
  purpose TEXT NOT NULL DEFAULT 'face_grouping',
  name TEXT NOT NULL DEFAULT '', hidden INTEGER NOT NULL DEFAULT 0);
CREATE TABLE faces(
  id INTEGER PRIMARY KEY,
  asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL DEFAULT 'face_grouping',
  created_at INTEGER NOT NULL,
  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
  score REAL NOT NULL, quality REAL NOT NULL, size_px INTEGER NOT NULL,
  embedding BLOB NOT NULL,  -- float32 little-endian
  person_id INTEGER REFERENCES people(id) ON DELETE SET NULL);
CREATE INDEX faces_by_asset ON faces(asset_id);
CREATE TABLE face_rejections(
  face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL,
  purpose TEXT NOT NULL DEFAULT 'face_grouping',
  PRIMARY KEY(face_id, person_id));
CREATE TABLE people_merges(
  position INTEGER PRIMARY KEY,
  purpose TEXT NOT NULL DEFAULT 'face_grouping',
  state TEXT NOT NULL);  -- JSON of a MergeState
CREATE TABLE people_apart(
  a INTEGER NOT NULL, b INTEGER NOT NULL,
  purpose TEXT NOT NULL DEFAULT 'face_grouping',
  PRIMARY KEY(a, b));
CREATE TABLE settings(
  key TEXT PRIMARY KEY, value TEXT NOT NULL, changed_at INTEGER NOT NULL);
)sql"));
  }
  if (version < kSchemaVersion) {
    CAMROLL_RETURN_IF_ERROR(db_.Exec(fmt::format(
        "DELETE FROM schema_info; INSERT INTO schema_info VALUES ({})", kSchemaVersion)));
  }
  return tx.Commit();
}

Result<sqlite::Statement*> Catalog::Cached(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
    it = statements_.emplace(sql, std::move(st)).first;
  }
  return &it->second;
}

Result<int64_t> Catalog::EnsureRoll(const std::string& root) {
  CAMROLL_ASSIGN_OR_RETURN(
      auto ins, db_.Prepare("INSERT INTO rolls(root, created_at) VALUES (?, strftime('%s','now')) "
                            "ON CONFLICT(root) DO NOTHING"));
  CAMROLL_RETURN_IF_ERROR(ins.Bind(1, root).Run());
  CAMROLL_ASSIGN_OR_RETURN(auto sel, db_.Prepare("SELECT id FROM rolls WHERE root = ?"));
  sel.Bind(1, root);
  CAMROLL_ASSIGN_OR_RETURN(bool row, sel.Step());
  if (!row) return Fail(ErrorCode::kInternal, "roll vanished after insert");
  return sel.Int(0);
}

Status Catalog::MarkScanned(int64_t roll_id, int64_t now) {
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE rolls SET scanned_at = ? WHERE id = ?"));
  return st.Bind(1, now).Bind(2, roll_id).Run();
}

Result<std::unordered_map<std::string, FileState>> Catalog::FileStates(int64_t roll_id) {
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare("SELECT id, path, size_bytes, mtime_ns, content_hash, analysis_version, status "
                  "FROM assets WHERE roll_id = ?"));
  st.Bind(1, roll_id);
  std::unordered_map<std::string, FileState> out;
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    FileState s;
    s.asset_id = st.Int(0);
    s.size_bytes = static_cast<uint64_t>(st.Int(2));
    s.mtime_ns = st.Int(3);
    s.content_hash = st.Text(4);
    s.analysis_version = static_cast<int>(st.Int(5));
    s.failed = st.Text(6) == "failed";
    out.emplace(st.Text(1), std::move(s));
  }
  return out;
}

Status Catalog::PutAsset(int64_t roll_id, const AssetFacts& f, int analysis_version, int64_t now) {
  CAMROLL_ASSIGN_OR_RETURN(sqlite::Statement * del,
                           Cached("DELETE FROM assets WHERE roll_id = ? AND path = ?"));
  CAMROLL_RETURN_IF_ERROR(del->Bind(1, roll_id).Bind(2, f.path).Run());
  CAMROLL_ASSIGN_OR_RETURN(
      sqlite::Statement * ins,
      Cached(
          "INSERT INTO assets(roll_id, path, size_bytes, mtime_ns, content_hash, format, status, "
          "error, analysis_version, analysed_at) VALUES (?,?,?,?,?,?,?,?,?,?)"));
  ins->Bind(1, roll_id)
      .Bind(2, f.path)
      .Bind(3, f.size_bytes)
      .Bind(4, f.mtime_ns)
      .Bind(5, f.content_hash)
      .Bind(6, FormatName(f.format))
      .Bind(7, f.failed ? "failed" : "ok")
      .Bind(9, analysis_version)
      .Bind(10, now);
  if (f.failed) {
    ins->Bind(8, f.error);
  } else {
    ins->BindNull(8);
  }
  CAMROLL_RETURN_IF_ERROR(ins->Run());
  const int64_t id = db_.LastInsertId();
  if (f.failed) return Ok();

  CAMROLL_ASSIGN_OR_RETURN(
      sqlite::Statement * md,
      Cached(
          "INSERT INTO asset_metadata(asset_id, created_at, kind, width, height, orientation, "
          "taken_local, taken_offset_min, taken_is_utc, time_source, offset_source, gps_lat, "
          "gps_lon, gps_alt, make, model, duration_s) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  md->Bind(1, id)
      .Bind(2, now)
      .Bind(3, MediaKindName(f.kind))
      .Bind(4, f.width)
      .Bind(5, f.height)
      .Bind(6, f.orientation)
      .Bind(9, f.taken_is_utc ? 1 : 0)
      .Bind(10, TimeSourceName(f.time_source))
      .Bind(11, OffsetSourceName(f.offset_source))
      .Bind(15, f.make)
      .Bind(16, f.model)
      .Bind(17, f.duration_s);
  if (f.taken) {
    md->Bind(7, f.taken->local_seconds).Bind(8, f.taken->offset_minutes);
  } else {
    md->BindNull(7).BindNull(8);
  }
  if (f.gps) {
    md->Bind(12, f.gps->lat).Bind(13, f.gps->lon).Bind(14, f.gps->altitude_m);
  } else {
    md->BindNull(12).BindNull(13).BindNull(14);
  }
  CAMROLL_RETURN_IF_ERROR(md->Run());

  if (f.place) {
    const Place& p = *f.place;
    CAMROLL_ASSIGN_OR_RETURN(
        sqlite::Statement * pl,
        Cached("INSERT INTO asset_places(asset_id, created_at, city, locality, region, subregion, "
               "country_code, country, place_lat, place_lon, distance_km) VALUES "
               "(?,?,?,?,?,?,?,?,?,?,?)"));
    CAMROLL_RETURN_IF_ERROR(pl->Bind(1, id)
                                .Bind(2, now)
                                .Bind(3, p.city)
                                .Bind(4, p.locality)
                                .Bind(5, p.region)
                                .Bind(6, p.subregion)
                                .Bind(7, p.country_code)
                                .Bind(8, p.country)
                                .Bind(9, p.lat)
                                .Bind(10, p.lon)
                                .Bind(11, p.distance_km)
                                .Run());
  }

  const QualityMeasures& q = f.quality;
  CAMROLL_ASSIGN_OR_RETURN(
      sqlite::Statement * sig,
      Cached("INSERT INTO asset_signals(asset_id, created_at, dhash, phash, sharpness, tenengrad, "
             "brightness, contrast, clipped_dark, clipped_bright, quality, colourfulness) "
             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"));
  CAMROLL_RETURN_IF_ERROR(sig->Bind(1, id)
                              .Bind(2, now)
                              .Bind(3, f.dhash)
                              .Bind(4, f.phash)
                              .Bind(5, q.sharpness)
                              .Bind(6, q.tenengrad)
                              .Bind(7, q.brightness)
                              .Bind(8, q.contrast)
                              .Bind(9, q.clipped_dark)
                              .Bind(10, q.clipped_bright)
                              .Bind(11, q.score)
                              .Bind(12, q.colourfulness)
                              .Run());

  CAMROLL_ASSIGN_OR_RETURN(
      sqlite::Statement * th,
      Cached("INSERT INTO asset_thumbnails(asset_id, size, created_at, width, height, file) "
             "VALUES (?,?,?,?,?,?)"));
  for (const Thumbnail& t : f.thumbnails) {
    CAMROLL_RETURN_IF_ERROR(th->Bind(1, id)
                                .Bind(2, t.size)
                                .Bind(3, now)
                                .Bind(4, t.width)
                                .Bind(5, t.height)
                                .Bind(6, t.file)
                                .Run());
  }
  CAMROLL_ASSIGN_OR_RETURN(
      sqlite::Statement * wa,
      Cached("INSERT INTO asset_warnings(asset_id, created_at, message) VALUES (?,?,?)"));
  for (const std::string& w : f.warnings) {
    CAMROLL_RETURN_IF_ERROR(wa->Bind(1, id).Bind(2, now).Bind(3, w).Run());
  }
  return Ok();
}

Status Catalog::UpdateFileStat(int64_t asset_id, uint64_t size_bytes, int64_t mtime_ns) {
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("UPDATE assets SET size_bytes = ?, mtime_ns = ? WHERE id = ?"));
  return st.Bind(1, size_bytes).Bind(2, mtime_ns).Bind(3, asset_id).Run();
}

Result<std::vector<std::string>> Catalog::RemoveAssets(int64_t roll_id,
                                                       const std::vector<std::string>& paths) {
  CAMROLL_ASSIGN_OR_RETURN(
      auto sel, db_.Prepare("SELECT content_hash FROM assets WHERE roll_id = ? AND path = ?"));
  CAMROLL_ASSIGN_OR_RETURN(auto del,
                           db_.Prepare("DELETE FROM assets WHERE roll_id = ? AND path = ?"));
  CAMROLL_ASSIGN_OR_RETURN(auto used,
                           db_.Prepare("SELECT 1 FROM assets WHERE content_hash = ? LIMIT 1"));
  std::vector<std::string> hashes;
  for (const std::string& path : paths) {
    sel.Bind(1, roll_id).Bind(2, path);
    CAMROLL_ASSIGN_OR_RETURN(bool row, sel.Step());
    std::string hash = row ? sel.Text(0) : std::string();
    sel.Reset();
    CAMROLL_RETURN_IF_ERROR(del.Bind(1, roll_id).Bind(2, path).Run());
    if (hash.empty()) continue;
    used.Bind(1, hash);
    CAMROLL_ASSIGN_OR_RETURN(bool still_used, used.Step());
    used.Reset();
    if (!still_used) hashes.push_back(hash);
  }
  return hashes;
}

Result<std::vector<AssetFacts>> Catalog::LoadWhere(const std::string& where,
                                                   const std::string& text_arg, int64_t int_arg) {
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare(std::string(kSelectAssets) + where));
  st.Bind(1, int_arg);
  if (!text_arg.empty()) st.Bind(2, text_arg);
  std::vector<AssetFacts> out;
  std::map<int64_t, size_t> by_id;
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AssetFacts f;
    int c = 0;
    const int64_t id = st.Int(c++);
    f.catalog_id = id;
    f.path = st.Text(c++);
    f.size_bytes = static_cast<uint64_t>(st.Int(c++));
    f.mtime_ns = st.Int(c++);
    f.content_hash = st.Text(c++);
    f.format = FormatFromName(st.Text(c++));
    f.failed = st.Text(c++) == "failed";
    f.error = st.Text(c++);
    f.kind = KindFromName(st.Text(c++));
    f.width = static_cast<int>(st.Int(c++));
    f.height = static_cast<int>(st.Int(c++));
    f.orientation = static_cast<int>(st.Int(c++));
    auto taken_local = st.OptInt(c++);
    auto offset = st.OptInt(c++);
    if (taken_local) {
      f.taken = LocalTime{*taken_local,
                          offset ? std::optional<int>(static_cast<int>(*offset)) : std::nullopt};
    }
    f.taken_is_utc = st.Int(c++) != 0;
    f.time_source = EnumFromName(st.Text(c++), kTimeSources, &TimeSourceName);
    f.offset_source = EnumFromName(st.Text(c++), kOffsetSources, &OffsetSourceName);
    auto lat = st.OptReal(c++), lon = st.OptReal(c++), alt = st.OptReal(c++);
    if (lat && lon) f.gps = GpsFix{*lat, *lon, alt};
    f.make = st.Text(c++);
    f.model = st.Text(c++);
    f.duration_s = st.Real(c++);
    if (!st.IsNull(c)) {
      Place p;
      p.city = st.Text(c++);
      p.locality = st.Text(c++);
      p.region = st.Text(c++);
      p.subregion = st.Text(c++);
      p.country_code = st.Text(c++);
      p.country = st.Text(c++);
      p.lat = st.Real(c++);
      p.lon = st.Real(c++);
      p.distance_km = st.Real(c++);
      f.place = std::move(p);
    } else {
      c += 9;
    }
    f.dhash = static_cast<uint64_t>(st.Int(c++));
    f.phash = static_cast<uint64_t>(st.Int(c++));
    f.quality.sharpness = st.Real(c++);
    f.quality.tenengrad = st.Real(c++);
    f.quality.brightness = st.Real(c++);
    f.quality.contrast = st.Real(c++);
    f.quality.clipped_dark = st.Real(c++);
    f.quality.clipped_bright = st.Real(c++);
    f.quality.score = st.Real(c++);
    f.quality.colourfulness = st.Real(c++);
    by_id[id] = out.size();
    out.push_back(std::move(f));
  }
  if (out.empty()) return out;
  // Thumbnails and warnings of the loaded assets.
  CAMROLL_ASSIGN_OR_RETURN(
      auto th,
      db_.Prepare(
          "SELECT asset_id, size, width, height, file FROM asset_thumbnails WHERE asset_id = ? "
          "ORDER BY size"));
  CAMROLL_ASSIGN_OR_RETURN(
      auto wa, db_.Prepare("SELECT message FROM asset_warnings WHERE asset_id = ? ORDER BY rowid"));
  CAMROLL_ASSIGN_OR_RETURN(auto vi, db_.Prepare("SELECT text_coverage, text_lines, document, "
                                                "sensitive_score, sensitive FROM asset_vision "
                                                "WHERE asset_id = ?"));
  CAMROLL_ASSIGN_OR_RETURN(auto ob,
                           db_.Prepare("SELECT label, score, x, y, w, h FROM asset_objects "
                                       "WHERE asset_id = ? ORDER BY score DESC, rowid"));
  for (const auto& [id, index] : by_id) {
    vi.Bind(1, id);
    CAMROLL_ASSIGN_OR_RETURN(bool has_vision, vi.Step());
    if (has_vision) {
      VisionFacts v;
      v.text_coverage = static_cast<float>(vi.Real(0));
      v.text_lines = static_cast<int>(vi.Int(1));
      v.document = vi.Int(2) != 0;
      v.sensitive_score = static_cast<float>(vi.Real(3));
      v.sensitive = vi.Int(4) != 0;
      ob.Bind(1, id);
      for (;;) {
        CAMROLL_ASSIGN_OR_RETURN(bool row, ob.Step());
        if (!row) break;
        v.objects.push_back(
            {ob.Text(0), static_cast<float>(ob.Real(1)),
             NormBox{static_cast<float>(ob.Real(2)), static_cast<float>(ob.Real(3)),
                     static_cast<float>(ob.Real(4)), static_cast<float>(ob.Real(5))}});
      }
      ob.Reset();
      out[index].vision = std::move(v);
    }
    vi.Reset();
    th.Bind(1, id);
    for (;;) {
      CAMROLL_ASSIGN_OR_RETURN(bool row, th.Step());
      if (!row) break;
      out[index].thumbnails.push_back({static_cast<int>(th.Int(1)), static_cast<int>(th.Int(2)),
                                       static_cast<int>(th.Int(3)), th.Text(4)});
    }
    th.Reset();
    wa.Bind(1, id);
    for (;;) {
      CAMROLL_ASSIGN_OR_RETURN(bool row, wa.Step());
      if (!row) break;
      out[index].warnings.push_back(wa.Text(0));
    }
    wa.Reset();
  }
  return out;
}

Result<std::vector<AssetFacts>> Catalog::LoadAssets(int64_t roll_id) {
  return LoadWhere("WHERE a.roll_id = ? ORDER BY a.path", "", roll_id);
}

Result<std::optional<AssetFacts>> Catalog::FindAnalysedByHash(const std::string& content_hash,
                                                              int analysis_version) {
  CAMROLL_ASSIGN_OR_RETURN(
      auto found,
      LoadWhere("WHERE a.analysis_version = ? AND a.content_hash = ? AND a.status = 'ok' "
                "ORDER BY a.id DESC LIMIT 1",
                content_hash, analysis_version));
  if (found.empty()) return std::optional<AssetFacts>();
  return std::optional<AssetFacts>(std::move(found.front()));
}

Status Catalog::ReplaceEvents(int64_t roll_id, const std::vector<AssetFacts>& assets,
                              const EventsResult& result, int64_t now) {
  CAMROLL_ASSIGN_OR_RETURN(auto del, db_.Prepare("DELETE FROM events WHERE roll_id = ?"));
  CAMROLL_RETURN_IF_ERROR(del.Bind(1, roll_id).Run());
  CAMROLL_ASSIGN_OR_RETURN(auto ids,
                           db_.Prepare("SELECT id FROM assets WHERE roll_id = ? AND path = ?"));
  CAMROLL_ASSIGN_OR_RETURN(
      auto ev,
      db_.Prepare(
          "INSERT INTO events(id, roll_id, created_at, position, trip, title, start_local, "
          "start_offset_min, end_local, end_offset_min, locality, region, country_code, country) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  CAMROLL_ASSIGN_OR_RETURN(
      auto mem,
      db_.Prepare("INSERT INTO event_members(roll_id, event_id, asset_id, position, best_rank) "
                  "VALUES (?,?,?,?,?)"));
  for (size_t i = 0; i < result.events.size(); ++i) {
    const Event& e = result.events[i];
    CAMROLL_RETURN_IF_ERROR(ev.Bind(1, e.id)
                                .Bind(2, roll_id)
                                .Bind(3, now)
                                .Bind(4, static_cast<int64_t>(i))
                                .Bind(5, e.trip ? 1 : 0)
                                .Bind(6, e.title)
                                .Bind(7, e.start.local_seconds)
                                .Bind(8, e.start.offset_minutes)
                                .Bind(9, e.end.local_seconds)
                                .Bind(10, e.end.offset_minutes)
                                .Bind(11, e.locality)
                                .Bind(12, e.region)
                                .Bind(13, e.country_code)
                                .Bind(14, e.country)
                                .Run());
    for (size_t m = 0; m < e.members.size(); ++m) {
      ids.Bind(1, roll_id).Bind(2, assets[e.members[m]].path);
      CAMROLL_ASSIGN_OR_RETURN(bool row, ids.Step());
      if (!row) return Fail(ErrorCode::kInternal, "event member missing from the catalog");
      const int64_t asset_id = ids.Int(0);
      ids.Reset();
      std::optional<int64_t> rank;
      for (size_t b = 0; b < e.best.size(); ++b) {
        if (e.best[b] == e.members[m]) rank = static_cast<int64_t>(b);
      }
      CAMROLL_RETURN_IF_ERROR(mem.Bind(1, roll_id)
                                  .Bind(2, e.id)
                                  .Bind(3, asset_id)
                                  .Bind(4, static_cast<int64_t>(m))
                                  .Bind(5, rank)
                                  .Run());
    }
  }
  return Ok();
}

Result<std::vector<std::pair<std::string, std::vector<std::string>>>> Catalog::LoadEventMembers(
    int64_t roll_id) {
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare(
          "SELECT e.id, a.path FROM events e JOIN event_members m ON m.roll_id = e.roll_id AND "
          "m.event_id = e.id JOIN assets a ON a.id = m.asset_id WHERE e.roll_id = ? "
          "ORDER BY e.position, m.position"));
  st.Bind(1, roll_id);
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string id = st.Text(0);
    if (out.empty() || out.back().first != id) out.emplace_back(id, std::vector<std::string>{});
    out.back().second.push_back(st.Text(1));
  }
  return out;
}

namespace {

StoredIdea IdeaFromRow(sqlite::Statement& st) {
  // Columns: roll_id, id, type, source, title, subtitle, why, variant, score, evidence, members,
  // files
  StoredIdea idea;
  idea.roll_id = st.Int(0);
  idea.id = st.Text(1);
  idea.type = IdeaTypeFromName(st.Text(2)).value_or(IdeaType::kCollage);
  idea.source = st.Text(3);
  idea.title = st.Text(4);
  idea.subtitle = st.Text(5);
  idea.why = st.Text(6);
  idea.variant = st.Text(7);
  idea.score = st.Real(8);
  const auto evidence = nlohmann::json::parse(st.Text(9), nullptr, false);
  if (evidence.is_array()) {
    for (const auto& e : evidence) {
      if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
        idea.evidence.push_back({e[0].get<std::string>(), e[1].get<std::string>()});
      }
    }
  }
  for (int col : {10, 11}) {
    const auto list = nlohmann::json::parse(st.Text(col), nullptr, false);
    auto& out = col == 10 ? idea.members : idea.files;
    if (list.is_array()) {
      for (const auto& v : list) {
        if (v.is_string()) out.push_back(v.get<std::string>());
      }
    }
  }
  return idea;
}

constexpr const char* kSelectIdeas =
    "SELECT roll_id, id, type, source, title, subtitle, why, variant, score, evidence, members, "
    "files FROM ideas ";

}  // namespace

Status Catalog::ReplaceIdeas(int64_t roll_id, const std::vector<AssetFacts>& assets,
                             const std::vector<Idea>& ideas, int64_t now) {
  // Rendered files of ideas that survive are kept.
  std::map<std::string, std::string> files;
  {
    CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT id, files FROM ideas WHERE roll_id = ?"));
    st.Bind(1, roll_id);
    for (;;) {
      CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      files[st.Text(0)] = st.Text(1);
    }
  }
  CAMROLL_ASSIGN_OR_RETURN(auto del, db_.Prepare("DELETE FROM ideas WHERE roll_id = ?"));
  CAMROLL_RETURN_IF_ERROR(del.Bind(1, roll_id).Run());
  CAMROLL_ASSIGN_OR_RETURN(
      auto ins,
      db_.Prepare(
          "INSERT INTO ideas(roll_id, id, created_at, position, type, source, title, subtitle, "
          "why, "
          "variant, score, evidence, members, files) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  for (size_t i = 0; i < ideas.size(); ++i) {
    const Idea& idea = ideas[i];
    nlohmann::json evidence = nlohmann::json::array(), members = nlohmann::json::array();
    for (const Evidence& e : idea.evidence) evidence.push_back({e.kind, e.detail});
    for (size_t m : idea.members) members.push_back(assets[m].path);
    auto kept = files.find(idea.id);
    CAMROLL_RETURN_IF_ERROR(ins.Bind(1, roll_id)
                                .Bind(2, idea.id)
                                .Bind(3, now)
                                .Bind(4, static_cast<int64_t>(i))
                                .Bind(5, IdeaTypeName(idea.type))
                                .Bind(6, idea.source)
                                .Bind(7, idea.title)
                                .Bind(8, idea.subtitle)
                                .Bind(9, idea.why)
                                .Bind(10, idea.variant)
                                .Bind(11, idea.score)
                                .Bind(12, evidence.dump())
                                .Bind(13, members.dump())
                                .Bind(14, kept == files.end() ? std::string("[]") : kept->second)
                                .Run());
  }
  return Ok();
}

Status Catalog::SetIdeaFiles(int64_t roll_id, const std::string& idea_id,
                             const std::vector<std::string>& files) {
  CAMROLL_ASSIGN_OR_RETURN(auto st,
                           db_.Prepare("UPDATE ideas SET files = ? WHERE roll_id = ? AND id = ?"));
  return st.Bind(1, nlohmann::json(files).dump()).Bind(2, roll_id).Bind(3, idea_id).Run();
}

Result<std::vector<StoredIdea>> Catalog::LoadIdeas(int64_t roll_id) {
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare(std::string(kSelectIdeas) + "WHERE roll_id = ? ORDER BY position"));
  st.Bind(1, roll_id);
  std::vector<StoredIdea> out;
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(IdeaFromRow(st));
  }
  return out;
}

Result<std::optional<StoredIdea>> Catalog::FindIdea(const std::string& idea_id) {
  CAMROLL_ASSIGN_OR_RETURN(auto st,
                           db_.Prepare(std::string(kSelectIdeas) + "WHERE id = ? LIMIT 1"));
  st.Bind(1, idea_id);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<StoredIdea>();
  return std::optional<StoredIdea>(IdeaFromRow(st));
}

Status Catalog::RecordFeedback(int64_t roll_id, const StoredIdea& idea, bool accepted,
                               int64_t now) {
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("INSERT INTO idea_feedback(roll_id, idea_id, type, "
                                                "source, action, at) VALUES (?,?,?,?,?,?)"));
  return st.Bind(1, roll_id)
      .Bind(2, idea.id)
      .Bind(3, IdeaTypeName(idea.type))
      .Bind(4, idea.source)
      .Bind(5, accepted ? "accepted" : "dismissed")
      .Bind(6, now)
      .Run();
}

Result<std::vector<Feedback>> Catalog::LoadFeedback(int64_t roll_id) {
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT idea_id, type, source, action FROM "
                                                "idea_feedback WHERE roll_id = ? ORDER BY rowid"));
  st.Bind(1, roll_id);
  std::vector<Feedback> out;
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), IdeaTypeFromName(st.Text(1)).value_or(IdeaType::kCollage),
                   st.Text(2), st.Text(3) == "accepted"});
  }
  return out;
}

Result<std::optional<std::string>> Catalog::RollRoot(int64_t roll_id) {
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT root FROM rolls WHERE id = ?"));
  st.Bind(1, roll_id);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

}  // namespace camroll
