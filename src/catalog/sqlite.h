// A thin RAII layer over the SQLite C API with errors as values. Not thread-safe: one Database
// per thread (SQLite itself serialises writers across connections).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace camroll::sqlite {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept {
    std::swap(db_, o.db_);
    std::swap(stmt_, o.stmt_);
    return *this;
  }

  // Binds by 1-based position. Strings are copied (SQLITE_TRANSIENT).
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Statement& Bind(int i, uint64_t v) { return Bind(i, static_cast<int64_t>(v)); }
  Statement& Bind(int i, double v);
  Statement& Bind(int i, std::string_view v);
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& BindNull(int i);
  Statement& BindBlob(int i, const void* data, size_t bytes);
  template <typename T>
  Statement& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : BindNull(i);
  }

  // Runs one step: true when a row is ready, false when done.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();
  void Reset();

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  // The columns of the current row: how many, their names and SQLite types (SQLITE_INTEGER...).
  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  std::string ColumnName(int col) const { return sqlite3_column_name(stmt_, col); }
  int ColumnType(int col) const { return sqlite3_column_type(stmt_, col); }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const;
  // The bytes of a BLOB (or TEXT) column.
  std::string Blob(int col) const;
  std::optional<int64_t> OptInt(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<int64_t>(Int(col));
  }
  std::optional<double> OptReal(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<double>(Real(col));
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

struct OpenOptions {
  std::string vfs;         // empty: SQLite's default
  int reserve_bytes = -1;  // bytes SQLite leaves unused at the end of each page of a new
                           // database, for the VFS's own use; -1: none
};

class Database {
 public:
  // Opens (creating it if absent) a database file; a path that starts with "file:" is a URI.
  static Result<Database> Open(const std::filesystem::path& path, const OpenOptions& options = {});
  Database() = default;
  ~Database();
  Database(Database&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Database& operator=(Database&& o) noexcept {
    std::swap(db_, o.db_);
    return *this;
  }

  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* get() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;
};

}  // namespace camroll::sqlite
