// A streaming writer of POSIX ustar archives, for exports: entries are either bytes in memory
// or files read in 1 MiB pieces, so an export of many videos never sits in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace camroll::server {

// Content made piece by piece (a sealed file, decrypted as it is read).
struct TarSource {
  uint64_t size = 0;
  // Puts the next piece in `piece`; false after the last one.
  std::function<Result<bool>(std::string& piece)> next;
};

struct TarItem {
  std::string name;            // path inside the archive (at most 255 bytes, '/'-separated)
  std::string bytes;           // the content, when `file` is empty and `open` unset
  std::filesystem::path file;  // else the file to read
  std::function<Result<TarSource>()> open;  // else a source, opened when its turn comes
};

// Makes the ustar header block of one entry. Names over 100 bytes are split into the prefix
// field at a '/'; a name that cannot be split is refused (kLimit).
Result<std::string> TarHeader(const std::string& name, uint64_t size, int64_t mtime);

class TarStream {
 public:
  template <typename Items>
  explicit TarStream(Items items) {
    for (auto& i : items)
      items_.push_back(
          {std::move(i.name), std::move(i.bytes), std::move(i.file), std::move(i.open)});
  }
  // Appends the next piece of the archive to `out` (cleared first). Returns false after the
  // last piece (the end-of-archive blocks).
  Result<bool> Next(std::string& out);

 private:
  std::vector<TarItem> items_;
  size_t index_ = 0;
  bool in_file_ = false;
  uint64_t remaining_ = 0, size_ = 0;
  std::ifstream in_;
  TarSource source_;  // the item being read, when it is a source
  bool finished_ = false;
};

}  // namespace camroll::server
