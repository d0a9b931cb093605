// SQLite databases sealed page by page, for a user's catalog on a server: every fact camroll
// derived from their photos (times, places, objects, text, faces, people, ideas) is encrypted at
// rest under their data key, and destroying that key shreds every copy of the catalog.
//
// A SealedVfs is an SQLite VFS over the default one. Every page of the main database file and
// every page in its write-ahead log is encrypted with XChaCha20-Poly1305; the last 40 bytes of
// each page, which SQLite is told to leave unused (its "reserved bytes"), hold the page's random
// nonce and its tag. The WAL's own header and frame headers (sizes, page numbers, checksums) are
// not secret and stay as they are; the -shm index holds no content. Pages are fixed at 4096
// bytes. A page that does not verify is an I/O error, never data, except while SQLite recovers a
// WAL after a crash, where a torn last frame must read as garbage that fails its checksum.
// Temporary files must stay in memory (PRAGMA temp_store=MEMORY, as Catalog::Open sets), and the
// database must be in WAL mode before it holds anything: a rollback journal is not sealed.
#pragma once

#include <memory>
#include <string>

#include "catalog/sqlite.h"
#include "core/result.h"
#include "server/sealed.h"

namespace camroll::server {

inline constexpr int kSealedPageSize = 4096;
inline constexpr int kSealedReserve = 40;  // nonce (24 bytes) and tag (16)

class SealedVfs {
 public:
  // Registers a VFS that seals with `key` under a name of its own.
  static Result<std::unique_ptr<SealedVfs>> Register(const SecretKey& key);
  // Unregisters it: no connection may still use it.
  ~SealedVfs();
  SealedVfs(const SealedVfs&) = delete;
  SealedVfs& operator=(const SealedVfs&) = delete;

  // How to open a database through it.
  sqlite::OpenOptions Options() const;
  const std::string& name() const;

  struct State;

 private:
  explicit SealedVfs(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// True when the file starts like a plain SQLite database ("SQLite format 3"), which a sealed one
// never does.
bool IsPlainSqliteFile(const std::filesystem::path& path);

}  // namespace camroll::server
