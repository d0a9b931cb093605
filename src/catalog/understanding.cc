// The catalog's side of what the models see: vision facts (purpose "suggest"), and faces and
// people (purpose "face_grouping", stored only with the owner's consent and deleted in one
// transaction when it is withdrawn).
#include <fmt/format.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "catalog/catalog.h"

namespace camroll {
namespace {

std::string EmbeddingBytes(const std::vector<float>& e) {
  return std::string(reinterpret_cast<const char*>(e.data()), e.size() * sizeof(float));
}

std::vector<float> EmbeddingFrom(const std::string& bytes) {
  std::vector<float> e(bytes.size() / sizeof(float));
  std::memcpy(e.data(), bytes.data(), e.size() * sizeof(float));
  return e;
}

constexpr const char* kNextPersonKey = "people.next_id";

}  // namespace

Result<std::vector<VisionTodo>> Catalog::FindVisionTodo(int64_t roll_id, int vision_version,
                                                        int faces_version) {
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare(R"sql(
SELECT a.id, a.path, t.file,
       v.version IS NULL OR v.version < ?2,
       ?3 > 0 AND (f.version IS NULL OR f.version < ?3)
FROM assets a
JOIN asset_thumbnails t ON t.asset_id = a.id
  AND t.size = (SELECT MAX(size) FROM asset_thumbnails WHERE asset_id = a.id)
LEFT JOIN asset_vision v ON v.asset_id = a.id
LEFT JOIN asset_face_scans f ON f.asset_id = a.id
WHERE a.roll_id = ?1 AND a.status = 'ok'
ORDER BY a.path)sql"));
  st.Bind(1, roll_id).Bind(2, vision_version).Bind(3, faces_version);
  std::vector<VisionTodo> out;
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    VisionTodo t{st.Int(0), st.Text(1), st.Text(2), st.Int(3) != 0, st.Int(4) != 0};
    if (t.vision || t.faces) out.push_back(std::move(t));
  }
  return out;
}

Status Catalog::PutVision(int64_t asset_id, const VisionFacts& v, int version,
                          const std::string& models, int64_t now) {
  CAMROLL_ASSIGN_OR_RETURN(auto* up, Cached(R"sql(
INSERT OR REPLACE INTO asset_vision(asset_id, created_at, version, models, text_coverage,
  text_lines, document, sensitive_score, sensitive) VALUES (?,?,?,?,?,?,?,?,?))sql"));
  CAMROLL_RETURN_IF_ERROR(up->Bind(1, asset_id)
                              .Bind(2, now)
                              .Bind(3, version)
                              .Bind(4, models)
                              .Bind(5, static_cast<double>(v.text_coverage))
                              .Bind(6, v.text_lines)
                              .Bind(7, v.document ? 1 : 0)
                              .Bind(8, static_cast<double>(v.sensitive_score))
                              .Bind(9, v.sensitive ? 1 : 0)
                              .Run());
  CAMROLL_ASSIGN_OR_RETURN(auto* del, Cached("DELETE FROM asset_objects WHERE asset_id = ?"));
  CAMROLL_RETURN_IF_ERROR(del->Bind(1, asset_id).Run());
  CAMROLL_ASSIGN_OR_RETURN(
      auto* ins,
      Cached(
          "INSERT INTO asset_objects(asset_id, label, score, x, y, w, h) VALUES (?,?,?,?,?,?,?)"));
  for (const auto& o : v.objects) {
    CAMROLL_RETURN_IF_ERROR(ins->Bind(1, asset_id)
                                .Bind(2, o.label)
                                .Bind(3, static_cast<double>(o.score))
                                .Bind(4, static_cast<double>(o.box.x))
                                .Bind(5, static_cast<double>(o.box.y))
                                .Bind(6, static_cast<double>(o.box.w))
                                .Bind(7, static_cast<double>(o.box.h))
                                .Run());
  }
  return Ok();
}

Result<std::vector<float>> Catalog::ReadEmbedding(const std::string& stored) const {
  if (!face_sealer_) return EmbeddingFrom(stored);
  auto plain = face_sealer_->Open(stored);
  if (!plain) {
    return std::unexpected(std::move(plain.error().Context("reading a face signature")));
  }
  return EmbeddingFrom(*plain);
}

Result<std::vector<int64_t>> Catalog::PutFaces(int64_t asset_id, const std::vector<FaceFact>& faces,
                                               int version, int64_t now) {
  CAMROLL_ASSIGN_OR_RETURN(auto* del, Cached("DELETE FROM faces WHERE asset_id = ?"));
  CAMROLL_RETURN_IF_ERROR(del->Bind(1, asset_id).Run());
  CAMROLL_ASSIGN_OR_RETURN(auto* ins, Cached(R"sql(
INSERT INTO faces(asset_id, created_at, x, y, w, h, score, quality, size_px, embedding)
VALUES (?,?,?,?,?,?,?,?,?,?))sql"));
  std::vector<int64_t> ids;
  for (const auto& f : faces) {
    std::string blob = EmbeddingBytes(f.embedding);
    if (face_sealer_) blob = face_sealer_->Seal(blob);
    CAMROLL_RETURN_IF_ERROR(ins->Bind(1, asset_id)
                                .Bind(2, now)
                                .Bind(3, static_cast<double>(f.box.x))
                                .Bind(4, static_cast<double>(f.box.y))
                                .Bind(5, static_cast<double>(f.box.w))
                                .Bind(6, static_cast<double>(f.box.h))
                                .Bind(7, static_cast<double>(f.score))
                                .Bind(8, static_cast<double>(f.quality))
                                .Bind(9, f.size_px)
                                .BindBlob(10, blob.data(), blob.size())
                                .Run());
    ids.push_back(db_.LastInsertId());
  }
  CAMROLL_ASSIGN_OR_RETURN(
      auto* scan, Cached("INSERT OR REPLACE INTO asset_face_scans(asset_id, created_at, version) "
                         "VALUES (?,?,?)"));
  CAMROLL_RETURN_IF_ERROR(scan->Bind(1, asset_id).Bind(2, now).Bind(3, version).Run());
  return ids;
}

Result<std::vector<std::pair<std::string, FaceFact>>> Catalog::LoadFaces(int64_t roll_id) {
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare(R"sql(
SELECT a.path, f.id, f.x, f.y, f.w, f.h, f.score, f.quality, f.size_px, f.embedding
FROM faces f JOIN assets a ON a.id = f.asset_id
WHERE a.roll_id = ? ORDER BY f.id)sql"));
  st.Bind(1, roll_id);
  std::vector<std::pair<std::string, FaceFact>> out;
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    FaceFact f;
    f.id = st.Int(1);
    f.box = {static_cast<float>(st.Real(2)), static_cast<float>(st.Real(3)),
             static_cast<float>(st.Real(4)), static_cast<float>(st.Real(5))};
    f.score = static_cast<float>(st.Real(6));
    f.quality = static_cast<float>(st.Real(7));
    f.size_px = static_cast<int>(st.Int(8));
    CAMROLL_ASSIGN_OR_RETURN(f.embedding, ReadEmbedding(st.Blob(9)));
    out.emplace_back(st.Text(0), std::move(f));
  }
  return out;
}

Result<PeopleState> Catalog::LoadPeople() {
  PeopleState state;
  CAMROLL_ASSIGN_OR_RETURN(auto people,
                           db_.Prepare("SELECT id, name, hidden FROM people ORDER BY id"));
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, people.Step());
    if (!row) break;
    state.people.push_back({people.Int(0), people.Text(1), people.Int(2) != 0});
  }
  CAMROLL_ASSIGN_OR_RETURN(
      auto faces,
      db_.Prepare("SELECT id, IFNULL(person_id, 0), embedding, quality, size_px FROM faces "
                  "ORDER BY id"));
  CAMROLL_ASSIGN_OR_RETURN(
      auto rej, db_.Prepare("SELECT person_id FROM face_rejections WHERE face_id = ? ORDER BY 1"));
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, faces.Step());
    if (!row) break;
    FaceState f;
    f.id = faces.Int(0);
    f.person = faces.Int(1);
    CAMROLL_ASSIGN_OR_RETURN(f.embedding, ReadEmbedding(faces.Blob(2)));
    f.quality = static_cast<float>(faces.Real(3));
    f.size_px = static_cast<int>(faces.Int(4));
    rej.Bind(1, f.id);
    for (;;) {
      CAMROLL_ASSIGN_OR_RETURN(bool r, rej.Step());
      if (!r) break;
      f.rejected.push_back(rej.Int(0));
    }
    rej.Reset();
    state.faces.push_back(std::move(f));
  }
  CAMROLL_ASSIGN_OR_RETURN(auto merges,
                           db_.Prepare("SELECT state FROM people_merges ORDER BY position"));
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, merges.Step());
    if (!row) break;
    auto j = nlohmann::json::parse(merges.Text(0), nullptr, false);
    if (j.is_discarded()) return Fail(ErrorCode::kInvalidInput, "corrupt people_merges row");
    MergeState m;
    m.into = j.value("into", int64_t{0});
    m.from = j.value("from", int64_t{0});
    m.from_name = j.value("from_name", "");
    m.from_hidden = j.value("from_hidden", false);
    m.into_name_before = j.value("into_name_before", "");
    m.from_faces = j.value("from_faces", std::vector<int64_t>{});
    state.merges.push_back(std::move(m));
  }
  CAMROLL_ASSIGN_OR_RETURN(auto apart, db_.Prepare("SELECT a, b FROM people_apart ORDER BY a, b"));
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, apart.Step());
    if (!row) break;
    state.apart.emplace_back(apart.Int(0), apart.Int(1));
  }
  CAMROLL_ASSIGN_OR_RETURN(auto next, Setting(kNextPersonKey));
  int64_t max_id = 0;
  for (const auto& p : state.people) max_id = std::max(max_id, p.id);
  for (const auto& m : state.merges) max_id = std::max({max_id, m.into, m.from});
  int64_t stored = next ? static_cast<int64_t>(std::stoll(*next)) : 1;
  state.next_person_id = std::max(stored, max_id + 1);
  return state;
}

Status Catalog::SavePeople(const PeopleState& state) {
  CAMROLL_RETURN_IF_ERROR(
      db_.Exec("UPDATE faces SET person_id = NULL; DELETE FROM people; DELETE FROM people_merges; "
               "DELETE FROM people_apart; DELETE FROM face_rejections;"));
  CAMROLL_ASSIGN_OR_RETURN(auto ins,
                           db_.Prepare("INSERT INTO people(id, name, hidden) VALUES (?,?,?)"));
  for (const auto& p : state.people) {
    CAMROLL_RETURN_IF_ERROR(ins.Bind(1, p.id).Bind(2, p.name).Bind(3, p.hidden ? 1 : 0).Run());
  }
  CAMROLL_ASSIGN_OR_RETURN(auto face, db_.Prepare("UPDATE faces SET person_id = ? WHERE id = ?"));
  CAMROLL_ASSIGN_OR_RETURN(
      auto rej, db_.Prepare("INSERT OR IGNORE INTO face_rejections(face_id, person_id) "
                            "SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM faces WHERE id = ?1)"));
  for (const auto& f : state.faces) {
    if (f.person != 0) CAMROLL_RETURN_IF_ERROR(face.Bind(1, f.person).Bind(2, f.id).Run());
    for (int64_t r : f.rejected) CAMROLL_RETURN_IF_ERROR(rej.Bind(1, f.id).Bind(2, r).Run());
  }
  CAMROLL_ASSIGN_OR_RETURN(auto mer,
                           db_.Prepare("INSERT INTO people_merges(position, state) VALUES (?,?)"));
  for (size_t k = 0; k < state.merges.size(); ++k) {
    const auto& m = state.merges[k];
    nlohmann::json j = {{"into", m.into},
                        {"from", m.from},
                        {"from_name", m.from_name},
                        {"from_hidden", m.from_hidden},
                        {"into_name_before", m.into_name_before},
                        {"from_faces", m.from_faces}};
    CAMROLL_RETURN_IF_ERROR(mer.Bind(1, static_cast<int64_t>(k)).Bind(2, j.dump()).Run());
  }
  CAMROLL_ASSIGN_OR_RETURN(auto ap, db_.Prepare("INSERT INTO people_apart(a, b) VALUES (?,?)"));
  for (const auto& [a, b] : state.apart) CAMROLL_RETURN_IF_ERROR(ap.Bind(1, a).Bind(2, b).Run());
  return SetSetting(kNextPersonKey, std::to_string(state.next_person_id), 0);
}

Result<int64_t> Catalog::PurgeFaceGrouping() {
  CAMROLL_ASSIGN_OR_RETURN(auto count, db_.Prepare("SELECT COUNT(*) FROM faces"));
  CAMROLL_ASSIGN_OR_RETURN(bool row, count.Step());
  int64_t n = row ? count.Int(0) : 0;
  CAMROLL_RETURN_IF_ERROR(
      db_.Exec("DELETE FROM face_rejections; DELETE FROM faces; DELETE FROM people; "
               "DELETE FROM people_merges; DELETE FROM people_apart; DELETE FROM asset_face_scans; "
               "DELETE FROM settings WHERE key LIKE 'people.%';"));
  return n;
}

Status Catalog::Checkpoint() { return db_.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

Result<std::optional<std::string>> Catalog::Setting(const std::string& key) {
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT value FROM settings WHERE key = ?"));
  st.Bind(1, key);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

Status Catalog::SetSetting(const std::string& key, const std::string& value, int64_t now) {
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare("INSERT OR REPLACE INTO settings(key, value, changed_at) VALUES (?,?,?)"));
  return st.Bind(1, key).Bind(2, value).Bind(3, now).Run();
}

}  // namespace camroll
