#include "server/store.h"

#include <fmt/format.h>

#include <sstream>

#include "server/ledger.h"

namespace camroll::server {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  id INTEGER PRIMARY KEY,
  user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  label TEXT NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER
);
CREATE TABLE IF NOT EXISTS web_sessions (
  id INTEGER PRIMARY KEY,
  user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash TEXT NOT NULL UNIQUE,
  csrf TEXT NOT NULL,
  expires INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
  seq INTEGER PRIMARY KEY,
  user INTEGER NOT NULL,
  switch TEXT NOT NULL,
  value INTEGER NOT NULL,
  notice_version TEXT NOT NULL,
  notice_text TEXT NOT NULL,
  method TEXT NOT NULL,
  purpose TEXT NOT NULL,
  time INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_user ON ledger(user, switch, seq);
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY,
  user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  length INTEGER,
  offset INTEGER NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  asset INTEGER
);
CREATE INDEX IF NOT EXISTS uploads_user ON uploads(user, done);
CREATE TABLE IF NOT EXISTS assets (
  id INTEGER PRIMARY KEY,
  user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  sha256 TEXT NOT NULL,
  file TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  size INTEGER NOT NULL,
  created INTEGER NOT NULL,
  posted INTEGER NOT NULL DEFAULT 0,
  processed INTEGER,
  UNIQUE (user, sha256)
);
CREATE INDEX IF NOT EXISTS assets_file ON assets(user, file);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  run_after INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  updated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, run_after);
CREATE TABLE IF NOT EXISTS idea_edits (
  user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  idea TEXT NOT NULL,
  edit TEXT NOT NULL,
  PRIMARY KEY (user, idea)
);
)sql";

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string s; in >> s;) out.push_back(s);
  return out;
}

Token ReadToken(const sqlite::Statement& st) {
  return {st.Int(0), st.Int(1), SplitScopes(st.Text(2)), st.Text(3), st.Int(4), !st.IsNull(5)};
}

LedgerEntry ReadLedger(const sqlite::Statement& st) {
  LedgerEntry e;
  e.seq = st.Int(0);
  e.user = st.Int(1);
  e.switch_name = st.Text(2);
  e.value = st.Int(3) != 0;
  e.notice_version = st.Text(4);
  e.notice_text = st.Text(5);
  e.method = st.Text(6);
  e.purpose = st.Text(7);
  e.time = st.Int(8);
  e.prev_hash = st.Text(9);
  e.hash = st.Text(10);
  return e;
}
constexpr const char* kLedgerColumns =
    "seq, user, switch, value, notice_version, notice_text, method, purpose, time, prev_hash, "
    "hash";

Upload ReadUpload(const sqlite::Statement& st) {
  Upload u;
  u.id = st.Text(0);
  u.user = st.Int(1);
  u.length = st.OptInt(2);
  u.offset = st.Int(3);
  u.name = st.Text(4);
  u.type = st.Text(5);
  u.sha256 = st.Text(6);
  u.created = st.Int(7);
  u.expires = st.Int(8);
  u.done = st.Int(9) != 0;
  u.asset = st.OptInt(10);
  return u;
}
constexpr const char* kUploadColumns =
    "id, user, length, offset, name, type, sha256, created, expires, done, asset";

Asset ReadAsset(const sqlite::Statement& st) {
  Asset a;
  a.id = st.Int(0);
  a.user = st.Int(1);
  a.sha256 = st.Text(2);
  a.file = st.Text(3);
  a.name = st.Text(4);
  a.type = st.Text(5);
  a.size = st.Int(6);
  a.created = st.Int(7);
  a.posted = st.Int(8) != 0;
  a.processed = st.OptInt(9);
  return a;
}
constexpr const char* kAssetColumns =
    "id, user, sha256, file, name, type, size, created, posted, processed";

template <typename T, typename Reader>
Result<std::vector<T>> All(sqlite::Statement& st, Reader read) {
  std::vector<T> out;
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(read(st));
  }
  return out;
}

template <typename T, typename Reader>
Result<std::optional<T>> One(sqlite::Statement& st, Reader read) {
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<T>();
  return std::optional<T>(read(st));
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& file) {
  CAMROLL_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(file));
  // FULL: a commit is on disk when it returns, so an acknowledged upload offset or a consent
  // record survives a power cut, not only a crash of the process.
  CAMROLL_RETURN_IF_ERROR(
      db.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
              "PRAGMA secure_delete=ON;"));
  std::unique_ptr<Store> store(new Store(std::move(db)));
  CAMROLL_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Status Store::Migrate() {
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("PRAGMA user_version"));
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  const int64_t version = row ? st.Int(0) : 0;
  if (version > kSchemaVersion) {
    return Fail(ErrorCode::kUnsupported,
                fmt::format("server.db has schema {}, newer than this camroll ({})", version,
                            kSchemaVersion));
  }
  CAMROLL_RETURN_IF_ERROR(db_.Exec(kSchema));
  CAMROLL_RETURN_IF_ERROR(db_.Exec(fmt::format("PRAGMA user_version={}", kSchemaVersion)));
  // A job that was running when the server stopped runs again.
  return db_.Exec("UPDATE jobs SET state='queued' WHERE state='running'");
}

Result<int64_t> Store::CreateUser(const std::string& name, const std::string& password_hash,
                                  int64_t now) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("INSERT INTO users(name, password, created) VALUES (?, ?, ?)"));
  auto done = st.Bind(1, name).Bind(2, password_hash).Bind(3, now).Run();
  if (!done) {
    return Fail(ErrorCode::kInvalidInput, fmt::format("a user named '{}' already exists", name));
  }
  return db_.LastInsertId();
}

Result<std::optional<User>> Store::FindUser(const std::string& name) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st,
                           db_.Prepare("SELECT id, name, created FROM users WHERE name=?"));
  st.Bind(1, name);
  return One<User>(st, [](auto& s) { return User{s.Int(0), s.Text(1), s.Int(2)}; });
}

Result<std::optional<User>> Store::UserById(int64_t id) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT id, name, created FROM users WHERE id=?"));
  st.Bind(1, id);
  return One<User>(st, [](auto& s) { return User{s.Int(0), s.Text(1), s.Int(2)}; });
}

Result<std::string> Store::PasswordHash(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT password FROM users WHERE id=?"));
  st.Bind(1, user);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Fail(ErrorCode::kNotFound, "no such user");
  return st.Text(0);
}

Result<std::vector<User>> Store::Users() {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT id, name, created FROM users ORDER BY id"));
  return All<User>(st, [](auto& s) { return User{s.Int(0), s.Text(1), s.Int(2)}; });
}

Result<int64_t> Store::AddToken(int64_t user, const std::string& token_hash,
                                const std::vector<std::string>& scopes, const std::string& label,
                                int64_t now) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st,
                           db_.Prepare("INSERT INTO tokens(user, hash, scopes, label, created) "
                                       "VALUES (?, ?, ?, ?, ?)"));
  CAMROLL_RETURN_IF_ERROR(st.Bind(1, user)
                              .Bind(2, token_hash)
                              .Bind(3, JoinScopes(scopes))
                              .Bind(4, label)
                              .Bind(5, now)
                              .Run());
  return db_.LastInsertId();
}

Result<std::optional<Token>> Store::TokenByHash(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare("SELECT id, user, scopes, label, created, revoked FROM tokens WHERE hash=?"));
  st.Bind(1, token_hash);
  return One<Token>(st, ReadToken);
}

Result<std::vector<Token>> Store::Tokens(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("SELECT id, user, scopes, label, created, revoked FROM tokens "
                           "WHERE user=? ORDER BY id"));
  st.Bind(1, user);
  return All<Token>(st, ReadToken);
}

Result<bool> Store::RevokeToken(int64_t user, int64_t token_id) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE tokens SET revoked=strftime('%s','now') "
                                                "WHERE id=? AND user=? AND revoked IS NULL"));
  CAMROLL_RETURN_IF_ERROR(st.Bind(1, token_id).Bind(2, user).Run());
  return db_.Changes() > 0;
}

Result<int64_t> Store::AddWebSession(int64_t user, const std::string& secret_hash,
                                     const std::string& csrf, int64_t expires) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare("INSERT INTO web_sessions(user, hash, csrf, expires) VALUES (?, ?, ?, ?)"));
  CAMROLL_RETURN_IF_ERROR(
      st.Bind(1, user).Bind(2, secret_hash).Bind(3, csrf).Bind(4, expires).Run());
  return db_.LastInsertId();
}

Result<std::optional<WebSession>> Store::WebSessionByHash(const std::string& secret_hash,
                                                          int64_t now) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare("SELECT user, csrf, expires FROM web_sessions WHERE hash=? AND expires>?"));
  st.Bind(1, secret_hash).Bind(2, now);
  return One<WebSession>(st, [](auto& s) { return WebSession{s.Int(0), s.Text(1), s.Int(2)}; });
}

Status Store::DeleteWebSession(const std::string& secret_hash) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM web_sessions WHERE hash=?"));
  return st.Bind(1, secret_hash).Run();
}

Result<LedgerEntry> Store::AppendLedger(LedgerEntry e) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(db_));
  CAMROLL_ASSIGN_OR_RETURN(auto last,
                           db_.Prepare("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1"));
  CAMROLL_ASSIGN_OR_RETURN(bool row, last.Step());
  e.seq = row ? last.Int(0) + 1 : 1;
  e.prev_hash = row ? last.Text(1) : kLedgerGenesis;
  e.hash = LedgerHash(e);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare(fmt::format("INSERT INTO ledger({}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                       kLedgerColumns)));
  CAMROLL_RETURN_IF_ERROR(st.Bind(1, e.seq)
                              .Bind(2, e.user)
                              .Bind(3, e.switch_name)
                              .Bind(4, e.value ? 1 : 0)
                              .Bind(5, e.notice_version)
                              .Bind(6, e.notice_text)
                              .Bind(7, e.method)
                              .Bind(8, e.purpose)
                              .Bind(9, e.time)
                              .Bind(10, e.prev_hash)
                              .Bind(11, e.hash)
                              .Run());
  CAMROLL_RETURN_IF_ERROR(tx.Commit());
  return e;
}

Result<std::vector<LedgerEntry>> Store::Ledger(std::optional<int64_t> user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare(fmt::format("SELECT {} FROM ledger {} ORDER BY seq", kLedgerColumns,
                                       user ? "WHERE user=?" : "")));
  if (user) st.Bind(1, *user);
  return All<LedgerEntry>(st, ReadLedger);
}

Result<bool> Store::Switch(int64_t user, const std::string& name) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare("SELECT value FROM ledger WHERE user=? AND switch=? ORDER BY seq DESC LIMIT 1"));
  st.Bind(1, user).Bind(2, name);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row && st.Int(0) != 0;
}

Result<int64_t> Store::LastActivity(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("SELECT MAX(t) FROM ("
                           " SELECT created AS t FROM users WHERE id=?1"
                           " UNION ALL SELECT MAX(time) FROM ledger WHERE user=?1"
                           " UNION ALL SELECT MAX(created) FROM uploads WHERE user=?1"
                           " UNION ALL SELECT MAX(created) FROM assets WHERE user=?1)"));
  st.Bind(1, user);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status Store::AddUpload(const Upload& u) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare(fmt::format("INSERT INTO uploads({}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                       kUploadColumns)));
  return st.Bind(1, u.id)
      .Bind(2, u.user)
      .Bind(3, u.length)
      .Bind(4, u.offset)
      .Bind(5, u.name)
      .Bind(6, u.type)
      .Bind(7, u.sha256)
      .Bind(8, u.created)
      .Bind(9, u.expires)
      .Bind(10, u.done ? 1 : 0)
      .Bind(11, u.asset)
      .Run();
}

Result<std::optional<Upload>> Store::FindUpload(const std::string& id) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare(fmt::format("SELECT {} FROM uploads WHERE id=?", kUploadColumns)));
  st.Bind(1, id);
  return One<Upload>(st, ReadUpload);
}

Status Store::SetUploadOffset(const std::string& id, int64_t offset) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE uploads SET offset=? WHERE id=?"));
  return st.Bind(1, offset).Bind(2, id).Run();
}

Status Store::SetUploadLength(const std::string& id, int64_t length) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("UPDATE uploads SET length=? WHERE id=? AND length IS NULL"));
  return st.Bind(1, length).Bind(2, id).Run();
}

Status Store::FinishUpload(const std::string& id, int64_t asset) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("UPDATE uploads SET done=1, asset=? WHERE id=?"));
  return st.Bind(1, asset).Bind(2, id).Run();
}

Status Store::DeleteUpload(const std::string& id) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM uploads WHERE id=?"));
  return st.Bind(1, id).Run();
}

Result<int64_t> Store::OpenUploads(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st,
                           db_.Prepare("SELECT COUNT(*) FROM uploads WHERE user=? AND done=0"));
  st.Bind(1, user);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Result<std::vector<Upload>> Store::Uploads(std::optional<int64_t> user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare(fmt::format("SELECT {} FROM uploads {} ORDER BY created", kUploadColumns,
                                       user ? "WHERE user=?" : "")));
  if (user) st.Bind(1, *user);
  return All<Upload>(st, ReadUpload);
}

Result<std::vector<Upload>> Store::ExpiredUploads(int64_t now) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare(fmt::format("SELECT {} FROM uploads WHERE expires<=?", kUploadColumns)));
  st.Bind(1, now);
  return All<Upload>(st, ReadUpload);
}

Result<std::optional<Asset>> Store::AssetBySha(int64_t user, const std::string& sha256) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare(fmt::format("SELECT {} FROM assets WHERE user=? AND sha256=?", kAssetColumns)));
  st.Bind(1, user).Bind(2, sha256);
  return One<Asset>(st, ReadAsset);
}

Result<int64_t> Store::AddAsset(const Asset& a) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("INSERT INTO assets(user, sha256, file, name, type, size, created) "
                           "VALUES (?,?,?,?,?,?,?)"));
  CAMROLL_RETURN_IF_ERROR(st.Bind(1, a.user)
                              .Bind(2, a.sha256)
                              .Bind(3, a.file)
                              .Bind(4, a.name)
                              .Bind(5, a.type)
                              .Bind(6, a.size)
                              .Bind(7, a.created)
                              .Run());
  return db_.LastInsertId();
}

Result<std::optional<Asset>> Store::FindAsset(int64_t user, int64_t id) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare(fmt::format("SELECT {} FROM assets WHERE user=? AND id=?", kAssetColumns)));
  st.Bind(1, user).Bind(2, id);
  return One<Asset>(st, ReadAsset);
}

Result<std::optional<Asset>> Store::AssetByFile(int64_t user, const std::string& file) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare(fmt::format("SELECT {} FROM assets WHERE user=? AND file=?", kAssetColumns)));
  st.Bind(1, user).Bind(2, file);
  return One<Asset>(st, ReadAsset);
}

Result<std::vector<Asset>> Store::Assets(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare(fmt::format("SELECT {} FROM assets WHERE user=? ORDER BY id", kAssetColumns)));
  st.Bind(1, user);
  return All<Asset>(st, ReadAsset);
}

Result<int64_t> Store::AssetBytes(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st,
                           db_.Prepare("SELECT COALESCE(SUM(size), 0) FROM assets WHERE user=?"));
  st.Bind(1, user);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status Store::SetPosted(int64_t user, const std::vector<std::string>& files) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(db_));
  CAMROLL_ASSIGN_OR_RETURN(auto st,
                           db_.Prepare("UPDATE assets SET posted=1 WHERE user=? AND file=?"));
  for (const auto& f : files) CAMROLL_RETURN_IF_ERROR(st.Bind(1, user).Bind(2, f).Run());
  return tx.Commit();
}

Status Store::MarkProcessed(int64_t user, int64_t up_to_created, int64_t now) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("UPDATE assets SET processed=? WHERE user=? AND created<=?"));
  return st.Bind(1, now).Bind(2, user).Bind(3, up_to_created).Run();
}

Result<std::vector<Asset>> Store::UnpostedBefore(int64_t created_before) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare(fmt::format("SELECT {} FROM assets WHERE posted=0 AND created<?",
                                       kAssetColumns)));
  st.Bind(1, created_before);
  return All<Asset>(st, ReadAsset);
}

Status Store::DeleteAsset(int64_t user, int64_t id) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("DELETE FROM assets WHERE user=? AND id=?"));
  return st.Bind(1, user).Bind(2, id).Run();
}

Status Store::Enqueue(int64_t user, const std::string& kind, int64_t run_after) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(db_));
  CAMROLL_ASSIGN_OR_RETURN(auto up, db_.Prepare("UPDATE jobs SET run_after=MAX(run_after, ?) "
                                                "WHERE user=? AND kind=? AND state='queued'"));
  CAMROLL_RETURN_IF_ERROR(up.Bind(1, run_after).Bind(2, user).Bind(3, kind).Run());
  if (db_.Changes() == 0) {
    CAMROLL_ASSIGN_OR_RETURN(auto ins, db_.Prepare("INSERT INTO jobs(user, kind, state, run_after) "
                                                   "VALUES (?, ?, 'queued', ?)"));
    CAMROLL_RETURN_IF_ERROR(ins.Bind(1, user).Bind(2, kind).Bind(3, run_after).Run());
  }
  return tx.Commit();
}

Result<std::optional<Job>> Store::TakeJob(int64_t now) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(db_));
  // One job per user at a time: a user's queued job waits while another of theirs runs.
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("SELECT id, user, kind, run_after, attempts FROM jobs j "
                           "WHERE state='queued' AND run_after<=? AND NOT EXISTS "
                           "(SELECT 1 FROM jobs r WHERE r.user=j.user AND r.state='running') "
                           "ORDER BY run_after, id LIMIT 1"));
  st.Bind(1, now);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Job>();
  Job job{st.Int(0), st.Int(1), st.Text(2), st.Int(3), static_cast<int>(st.Int(4))};
  CAMROLL_ASSIGN_OR_RETURN(
      auto up,
      db_.Prepare("UPDATE jobs SET state='running', attempts=attempts+1, updated=? WHERE id=?"));
  CAMROLL_RETURN_IF_ERROR(up.Bind(1, now).Bind(2, job.id).Run());
  CAMROLL_RETURN_IF_ERROR(tx.Commit());
  return std::optional<Job>(job);
}

Status Store::FinishJob(int64_t id, const std::string& error) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("UPDATE jobs SET state=?, error=?, updated=strftime('%s','now') "
                           "WHERE id=?"));
  return st.Bind(1, error.empty() ? "done" : "failed").Bind(2, error).Bind(3, id).Run();
}

Result<int64_t> Store::PendingJobs(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st,
      db_.Prepare("SELECT COUNT(*) FROM jobs WHERE user=? AND state IN ('queued','running')"));
  st.Bind(1, user);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Result<std::optional<std::string>> Store::LastJobError(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st,
                           db_.Prepare("SELECT state, error FROM jobs WHERE user=? AND state IN "
                                       "('done','failed') ORDER BY id DESC LIMIT 1"));
  st.Bind(1, user);
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.Text(0) == "done") return std::optional<std::string>();
  return std::optional<std::string>(st.Text(1));
}

Status Store::PutIdeaEdit(int64_t user, const std::string& idea_id, const std::string& edit_json) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, db_.Prepare("INSERT OR REPLACE INTO idea_edits(user, idea, edit) VALUES (?, ?, ?)"));
  return st.Bind(1, user).Bind(2, idea_id).Bind(3, edit_json).Run();
}

Result<std::vector<std::pair<std::string, std::string>>> Store::IdeaEdits(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare("SELECT idea, edit FROM idea_edits WHERE user=?"));
  st.Bind(1, user);
  return All<std::pair<std::string, std::string>>(st, [](auto& r) {
    return std::pair{r.Text(0), r.Text(1)};
  });
}

Status Store::PurgeUserMedia(int64_t user) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(db_));
  for (const char* sql : {"DELETE FROM uploads WHERE user=?", "DELETE FROM assets WHERE user=?",
                          "DELETE FROM idea_edits WHERE user=?", "DELETE FROM jobs WHERE user=?"}) {
    CAMROLL_ASSIGN_OR_RETURN(auto st, db_.Prepare(sql));
    CAMROLL_RETURN_IF_ERROR(st.Bind(1, user).Run());
  }
  CAMROLL_RETURN_IF_ERROR(tx.Commit());
  // No byte of what was deleted may stay in the write-ahead log.
  return db_.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace camroll::server
