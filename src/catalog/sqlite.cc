#include "catalog/sqlite.h"

#include <fmt/format.h>

namespace camroll::sqlite {
namespace {

std::unexpected<Error> SqlError(sqlite3* db, std::string_view what) {
  int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  ErrorCode ec = ErrorCode::kInternal;
  if ((code & 0xff) == SQLITE_FULL || (code & 0xff) == SQLITE_IOERR ||
      (code & 0xff) == SQLITE_CANTOPEN || (code & 0xff) == SQLITE_READONLY) {
    ec = ErrorCode::kIo;
  } else if ((code & 0xff) == SQLITE_CONSTRAINT) {
    ec = ErrorCode::kInvalidInput;
  }
  return Fail(ec, fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : "no database"));
}

}  // namespace

Statement& Statement::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindBlob(int i, const void* data, size_t bytes) {
  sqlite3_bind_blob64(stmt_, i, data, bytes, SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqlError(db_, "executing statement");
}

Status Statement::Run() {
  for (;;) {
    auto row = Step();
    if (!row) {
      Reset();  // a cached statement must be reusable after a failure
      return std::unexpected(std::move(row).error());
    }
    if (!*row) break;
  }
  Reset();
  return Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

std::string Statement::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  return p ? std::string(static_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

Result<Database> Database::Open(const std::filesystem::path& path, const OpenOptions& options) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
      options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (rc == SQLITE_OK && options.reserve_bytes >= 0) {
    // Takes effect when the database is created (or vacuumed).
    int reserve = options.reserve_bytes;
    rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
  }
  if (rc != SQLITE_OK) {
    auto err = SqlError(db, fmt::format("opening catalog {}", path.string()));
    sqlite3_close(db);
    return err;
  }
  sqlite3_busy_timeout(db, 10'000);
  return Database(db);
}

Database::~Database() { sqlite3_close(db_); }

Status Database::Exec(std::string_view sql) {
  char* msg = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return Fail(ErrorCode::kInternal, fmt::format("sql: {}", m));
  }
  return Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return SqlError(db_, fmt::format("preparing '{}'", sql.substr(0, 60)));
  }
  return Statement(db_, stmt);
}

Result<Transaction> Transaction::Begin(Database& db) {
  CAMROLL_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  CAMROLL_RETURN_IF_ERROR(db_->Exec("COMMIT"));
  db_ = nullptr;
  return Ok();
}

}  // namespace camroll::sqlite
