// The catalog: what camroll knows about each camera roll, in SQLite.
//
// One row per file (`assets`) and, beside it, the facts derived from the file in tables that
// each record the purpose the facts serve and when they were made (asset_metadata and
// asset_places: "organize"; asset_signals and events: "suggest"; asset_thumbnails: "display";
// asset_warnings: "diagnostics"; asset_vision and asset_objects: "suggest"; faces, people and
// their history: "face_grouping"). Deleting an asset deletes everything derived from it
// (foreign keys with ON DELETE CASCADE). Not thread-safe: the scan writes from one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyze/asset_facts.h"
#include "catalog/sqlite.h"
#include "core/result.h"
#include "ideas/events.h"
#include "ideas/ideas.h"
#include "people/people.h"

namespace camroll {

// An idea as the catalog keeps it: members by path, so that it outlives the asset indices.
struct StoredIdea {
  int64_t roll_id = 0;
  std::string id;
  IdeaType type = IdeaType::kCollage;
  std::string source, title, subtitle, why, variant;
  double score = 0;
  std::vector<Evidence> evidence;
  std::vector<std::string> members;  // paths relative to the roll
  std::vector<std::string> files;    // rendered files, relative to the data folder ("" until made)
};

// What the catalog remembers about a file to decide, without reading it, whether it changed.
struct FileState {
  int64_t asset_id = 0;
  uint64_t size_bytes = 0;
  int64_t mtime_ns = 0;
  std::string content_hash;
  int analysis_version = 0;
  bool failed = false;
};

struct PurposeTable {
  const char* table;
  const char* purpose;
};
// Every table of derived facts and its purpose: what transparency views list and purges clear.
const std::vector<PurposeTable>& DerivedTables();

// A file the models have not looked at yet (or not with the current version).
struct VisionTodo {
  int64_t asset_id = 0;
  std::string path;
  std::string preview;  // the upright preview thumbnail, relative to the data dir
  bool vision = false;  // objects, text and sensitive content are due
  bool faces = false;   // faces are due (face grouping on)
};

class Catalog {
 public:
  static constexpr int kSchemaVersion = 4;

  // Opens or creates the catalog file (WAL mode), migrating older schemas.
  static Result<std::unique_ptr<Catalog>> Open(const std::filesystem::path& file,
                                               const sqlite::OpenOptions& options = {});

  Result<int64_t> EnsureRoll(const std::string& root);
  Status MarkScanned(int64_t roll_id, int64_t now);

  // Every file of the roll by relative path.
  Result<std::unordered_map<std::string, FileState>> FileStates(int64_t roll_id);

  // A complete analysis of the same bytes made by this analysis version, from any file of any
  // roll: a moved, renamed or copied file need not be decoded again. Identity fields (path,
  // size, mtime) are those of the file it was found under.
  Result<std::optional<AssetFacts>> FindAnalysedByHash(const std::string& content_hash,
                                                       int analysis_version);

  // Inserts or replaces the file and all its derived facts.
  Status PutAsset(int64_t roll_id, const AssetFacts& facts, int analysis_version, int64_t now);
  // The bytes are unchanged (same hash) but the file was touched.
  Status UpdateFileStat(int64_t asset_id, uint64_t size_bytes, int64_t mtime_ns);
  // Removes files and their facts. Returns the content hashes that no asset references any
  // more, whose thumbnails can be deleted.
  Result<std::vector<std::string>> RemoveAssets(int64_t roll_id,
                                                const std::vector<std::string>& paths);

  // Everything known about the roll's files, failed ones included, ordered by path.
  Result<std::vector<AssetFacts>> LoadAssets(int64_t roll_id);

  // Replaces the roll's events (members refer to `assets` by index, as FindEvents returns).
  Status ReplaceEvents(int64_t roll_id, const std::vector<AssetFacts>& assets,
                       const EventsResult& events, int64_t now);
  // (event id, member paths) for the roll, in event order: for tests and tools.
  Result<std::vector<std::pair<std::string, std::vector<std::string>>>> LoadEventMembers(
      int64_t roll_id);

  // Replaces the roll's ideas, in rank order (members refer to `assets` by index).
  Status ReplaceIdeas(int64_t roll_id, const std::vector<AssetFacts>& assets,
                      const std::vector<Idea>& ideas, int64_t now);
  Status SetIdeaFiles(int64_t roll_id, const std::string& idea_id,
                      const std::vector<std::string>& files);
  Result<std::vector<StoredIdea>> LoadIdeas(int64_t roll_id);
  // An idea by id in any roll.
  Result<std::optional<StoredIdea>> FindIdea(const std::string& idea_id);
  // The owner's accept or dismiss of an idea; kept when the ideas are regenerated.
  Status RecordFeedback(int64_t roll_id, const StoredIdea& idea, bool accepted, int64_t now);
  Result<std::vector<Feedback>> LoadFeedback(int64_t roll_id);
  Result<std::optional<std::string>> RollRoot(int64_t roll_id);

  // ---- what the models see (understanding.cc) ----
  // Files of the roll (analysed, with a preview) whose vision facts are older than
  // `vision_version`, or, when `faces_version` > 0, whose faces are older than it.
  Result<std::vector<VisionTodo>> FindVisionTodo(int64_t roll_id, int vision_version,
                                                 int faces_version);
  Status PutVision(int64_t asset_id, const VisionFacts& facts, int version,
                   const std::string& models, int64_t now);
  // Replaces the asset's faces; returns their new ids, in order.
  Result<std::vector<int64_t>> PutFaces(int64_t asset_id, const std::vector<FaceFact>& faces,
                                        int version, int64_t now);
  // Every face of the roll with its file path, embeddings included, ordered by face id.
  Result<std::vector<std::pair<std::string, FaceFact>>> LoadFaces(int64_t roll_id);
  // People, faces (with their person and rejections), merges and splits, as one state.
  Result<PeopleState> LoadPeople();
  // Writes people, merges and splits and every face's person (faces themselves are PutFaces').
  Status SavePeople(const PeopleState& state);
  // Withdrawn face-grouping consent: deletes every face, embedding, person, name, merge and
  // scan record, so that nothing face-derived remains. Returns the number of faces deleted.
  Result<int64_t> PurgeFaceGrouping();
  // Copies the write-ahead log into the database and truncates it (after a purge: deleted rows
  // must not linger in the log either).
  Status Checkpoint();

  // ---- settings (the owner's switches in on-device mode) ----
  Result<std::optional<std::string>> Setting(const std::string& key);
  Status SetSetting(const std::string& key, const std::string& value, int64_t now);

  // Face signatures are biometric data: a server keeps them sealed under the owner's biometric
  // key, so that destroying that key makes every copy unreadable. Set before faces are read or
  // written; unset (on a device), they are stored as they are.
  class FaceSealer {
   public:
    virtual ~FaceSealer() = default;
    virtual std::string Seal(std::string_view plain) const = 0;
    virtual Result<std::string> Open(std::string_view sealed) const = 0;
  };
  void SetFaceSealer(std::shared_ptr<const FaceSealer> sealer) { face_sealer_ = std::move(sealer); }

  Result<sqlite::Transaction> Begin() { return sqlite::Transaction::Begin(db_); }
  sqlite::Database& db() { return db_; }

 private:
  explicit Catalog(sqlite::Database db) : db_(std::move(db)) {}
  Status Migrate();
  // A prepared statement kept for the catalog's lifetime (the scan's hot path prepares each of
  // its statements once). Callers reset it by running it to completion or calling Reset().
  Result<sqlite::Statement*> Cached(const char* sql);
  Result<std::vector<AssetFacts>> LoadWhere(const std::string& where, const std::string& arg,
                                            int64_t int_arg);

  Result<std::vector<float>> ReadEmbedding(const std::string& stored) const;

  sqlite::Database db_;
  std::shared_ptr<const FaceSealer> face_sealer_;
  std::unordered_map<const char*, sqlite::Statement> statements_;  // keyed by the SQL literal
};

}  // namespace camroll
