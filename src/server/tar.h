// A streaming writer of POSIX ustar archives, for exports: entries are either bytes in memory
// or files read in 1 MiB pieces, so an export of many videos never sits in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/result.h"

namespace camroll::server {

struct TarItem {
  std::string name;            // path inside the archive (at most 255 bytes, '/'-separated)
  std::string bytes;           // the content, when `file` is empty
  std::filesystem::path file;  // else the file to read
};

// Makes the ustar header block of one entry. Names over 100 bytes are split into the prefix
// field at a '/'; a name that cannot be split is refused (kLimit).
Result<std::string> TarHeader(const std::string& name, uint64_t size, int64_t mtime);

class TarStream {
 public:
  template <typename Items>
  explicit TarStream(Items items) {
    for (auto& i : items)
      items_.push_back({std::move(i.name), std::move(i.bytes), std::move(i.file)});
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
  bool finished_ = false;
};

}  // namespace camroll::server
