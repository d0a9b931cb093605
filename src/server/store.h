// The server's own database (DATA/server.db): accounts, API tokens, the consent ledger, tus
// uploads, each user's uploaded assets and the job queue. What is derived from a user's photos
// lives elsewhere, in that user's own data folder (DATA/users/ID/data, a camroll catalog like the
// one `camroll suggest` keeps), so purging a user's media is deleting one folder and the rows
// here that name it.
//
// One connection guarded by a mutex: every method is thread-safe and short.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/sqlite.h"
#include "core/result.h"

namespace camroll::server {

struct User {
  int64_t id = 0;
  std::string name;
  int64_t created = 0;
};

struct Token {
  int64_t id = 0;
  int64_t user = 0;
  std::vector<std::string> scopes;
  std::string label;
  int64_t created = 0;
  bool revoked = false;
};

// One change of one switch, as recorded: the exact notice shown, how and why.
struct LedgerEntry {
  int64_t seq = 0;
  int64_t user = 0;
  std::string switch_name;
  bool value = false;
  std::string notice_version;
  std::string notice_text;
  std::string method;   // "api", "web", "admin"
  std::string purpose;  // what the switch allows
  int64_t time = 0;
  std::string prev_hash;  // hex; all zeros for the first entry
  std::string hash;       // hex SHA-256 over prev_hash and every field above
};

struct Upload {
  std::string id;  // 32 hex chars, made by the server
  int64_t user = 0;
  std::optional<int64_t> length;  // nullopt: Upload-Defer-Length
  int64_t offset = 0;             // bytes acknowledged (fsynced)
  std::string name;               // sanitised file name from the metadata (display only)
  std::string type;               // sanitised media type from the metadata
  std::string sha256;             // the whole-file SHA-256 the client declared (hex), if any
  int64_t created = 0;
  int64_t expires = 0;
  bool done = false;
  std::optional<int64_t> asset;  // set when done
};

struct Asset {
  int64_t id = 0;
  int64_t user = 0;
  std::string sha256;  // hex
  std::string file;    // path relative to the user's folder ("originals/12.jpg")
  std::string name;    // display name (sanitised)
  std::string type;    // media type
  int64_t size = 0;
  int64_t created = 0;
  bool posted = false;               // part of an accepted idea: retention keeps it
  std::optional<int64_t> processed;  // when the pipeline last included it
};

struct Job {
  int64_t id = 0;
  int64_t user = 0;
  std::string kind;
  int64_t run_after = 0;
  int attempts = 0;
};

// A browser session (sign-in cookie): only the hash of its secret is stored.
struct WebSession {
  int64_t user = 0;
  std::string csrf;  // hex, sent back by the page in X-CSRF-Token
  int64_t expires = 0;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& file);

  // Users and tokens.
  Result<int64_t> CreateUser(const std::string& name, const std::string& password_hash,
                             int64_t now);
  Result<std::optional<User>> FindUser(const std::string& name);
  Result<std::optional<User>> UserById(int64_t id);
  Result<std::string> PasswordHash(int64_t user);
  Result<std::vector<User>> Users();
  Result<int64_t> AddToken(int64_t user, const std::string& token_hash,
                           const std::vector<std::string>& scopes, const std::string& label,
                           int64_t now);
  Result<std::optional<Token>> TokenByHash(const std::string& token_hash);
  Result<std::vector<Token>> Tokens(int64_t user);
  // False when the user has no such token.
  Result<bool> RevokeToken(int64_t user, int64_t token_id);

  Result<int64_t> AddWebSession(int64_t user, const std::string& secret_hash,
                                const std::string& csrf, int64_t expires);
  Result<std::optional<WebSession>> WebSessionByHash(const std::string& secret_hash, int64_t now);
  Status DeleteWebSession(const std::string& secret_hash);

  // Consent ledger: append-only, hash-chained (see ledger.h). Appending computes the chain.
  Result<LedgerEntry> AppendLedger(LedgerEntry entry);
  Result<std::vector<LedgerEntry>> Ledger(std::optional<int64_t> user);
  // The current value of a switch: the last entry's, off when there is none.
  Result<bool> Switch(int64_t user, const std::string& name);

  // When the user last did something: created the account, changed a switch, uploaded, or
  // signed in (a session's start is its expiry minus its length, so the newest expiry stands in).
  Result<int64_t> LastActivity(int64_t user);

  // Uploads.
  Status AddUpload(const Upload& upload);
  Result<std::optional<Upload>> FindUpload(const std::string& id);
  Status SetUploadOffset(const std::string& id, int64_t offset);
  Status SetUploadLength(const std::string& id, int64_t length);
  Status FinishUpload(const std::string& id, int64_t asset);
  Status DeleteUpload(const std::string& id);
  Result<int64_t> OpenUploads(int64_t user);
  Result<std::vector<Upload>> Uploads(std::optional<int64_t> user);
  // Uploads past their expiry: unfinished ones, and the records of finished ones.
  Result<std::vector<Upload>> ExpiredUploads(int64_t now);

  // Assets. AddAsset fails with kInvalidInput when the user already has these bytes.
  Result<std::optional<Asset>> AssetBySha(int64_t user, const std::string& sha256);
  Result<int64_t> AddAsset(const Asset& asset);
  Result<std::optional<Asset>> FindAsset(int64_t user, int64_t id);
  Result<std::optional<Asset>> AssetByFile(int64_t user, const std::string& file);
  Result<std::vector<Asset>> Assets(int64_t user);
  Result<int64_t> AssetBytes(int64_t user);
  Status SetPosted(int64_t user, const std::vector<std::string>& files);
  Status MarkProcessed(int64_t user, int64_t up_to_created, int64_t now);
  Result<std::vector<Asset>> UnpostedBefore(int64_t created_before);
  Status DeleteAsset(int64_t user, int64_t id);

  // Job queue: one pending job per user and kind (a new request moves it later, so a burst of
  // uploads makes one run). Jobs survive restarts; a job that was running when the server died
  // is queued again.
  Status Enqueue(int64_t user, const std::string& kind, int64_t run_after);
  Result<std::optional<Job>> TakeJob(int64_t now);
  Status FinishJob(int64_t id, const std::string& error);
  Result<int64_t> PendingJobs(int64_t user);
  Result<std::optional<std::string>> LastJobError(int64_t user);

  // The owner's edits of ideas (JSON text by idea id): kept apart from the generated ideas so that
  // re-making the ideas after new uploads does not undo them.
  Status PutIdeaEdit(int64_t user, const std::string& idea_id, const std::string& edit_json);
  Result<std::vector<std::pair<std::string, std::string>>> IdeaEdits(int64_t user);

  // Deletes every row that names the user's media: uploads, assets, idea edits, jobs. Accounts,
  // tokens and the consent ledger stay (the ledger is the proof of consent and of its withdrawal).
  Status PurgeUserMedia(int64_t user);

 private:
  explicit Store(sqlite::Database db) : db_(std::move(db)) {}
  Status Migrate();

  std::mutex mu_;
  sqlite::Database db_;
};

}  // namespace camroll::server
