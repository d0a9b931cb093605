// The sync agent's memory of a roll (internal to sync/): per file, what it looked like when it
// was last read (size, mtime, SHA-256, format) and how far its upload got. Kept as JSON beside
// the roll and replaced atomically after every step that matters.
//
// What the agent trusts from here: the SHA-256 only while size and mtime are unchanged, and
// `done` only for the server and consent period it was earned in. An upload's offset is kept for
// people reading the file; the agent always asks the server (HEAD).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "core/result.h"

namespace camroll::sync {

struct FileState {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::string format;   // FormatName() of the sniffed bytes; "" when not read yet
  std::string sha256;   // lowercase hex; "" when not hashed (or no longer trusted)
  std::string upload;   // "/v1/uploads/<id>" while an upload is in progress
  int64_t offset = 0;   // the last offset the server acknowledged (informational)
  bool done = false;    // the server acknowledged the last byte
  int64_t consent = 0;  // the consent-ledger entry in force when `done` was earned (0: unknown)
  std::string failed;   // the server refused these bytes for good (e.g. too large): why
};

struct SyncState {
  std::string server;                      // the server the uploads and `done` marks belong to
  std::map<std::string, FileState> files;  // by path relative to the roll

  // Forgets everything the server was said to hold (uploads and `done`), keeping what was read
  // from the files: after cloud processing was switched off the server has deleted it all.
  // Returns whether anything changed.
  bool ForgetServerCopies();
};

// A missing file is an empty state. A file that is not valid state JSON is an error whose
// message says so (the caller may start over).
Result<SyncState> LoadState(const std::filesystem::path& file);
// The JSON text SaveState writes.
std::string StateJson(const SyncState& state);
Status SaveState(const std::filesystem::path& file, const std::string& json, bool durable);

}  // namespace camroll::sync
