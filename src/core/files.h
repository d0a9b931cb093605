// File-system helpers with explicit limits and errors as values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace camroll {

// Owns a file descriptor: closes it when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

struct FileStat {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  bool regular = false;
};

Result<FileStat> StatFile(const std::filesystem::path& path);

// Reads a whole file. Refuses (kLimit) files larger than max_bytes before reading them.
Result<std::vector<uint8_t>> ReadFile(const std::filesystem::path& path, uint64_t max_bytes);

// The same into a buffer that is reused from file to file: it grows when needed and never
// shrinks, so a scan does not pay for fresh, zeroed megabytes per photo. Returns the number of
// bytes read, which are at the start of `buffer`.
Result<size_t> ReadFileInto(const std::filesystem::path& path, uint64_t max_bytes,
                            std::vector<uint8_t>& buffer);

enum class Durability {
  kSync,  // fsync the file and its directory: the content survives a crash once we return
  kNone,  // atomic visibility only: for caches that can be rebuilt (thumbnails)
};

// Writes to a temporary file beside `path` and renames it over `path`, so that readers and a
// crash see either the old or the new content, never a part. With kSync the file and the
// directory are fsynced before returning.
Status WriteFileAtomic(const std::filesystem::path& path, std::span<const uint8_t> data,
                       Durability durability = Durability::kSync);
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data,
                       Durability durability = Durability::kSync);

// Creates `path` as a hard link to `target`, or copies it when linking is impossible (another
// file system). Replaces an existing `path`.
Status LinkOrCopy(const std::filesystem::path& target, const std::filesystem::path& path);

// fsync of a directory: makes a created, renamed or deleted entry in it survive a crash.
Status FsyncDirectory(const std::filesystem::path& dir);

// std::filesystem::create_directories with a Status.
Status EnsureDirectory(const std::filesystem::path& path);

}  // namespace camroll
