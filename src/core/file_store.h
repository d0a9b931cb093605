// How a data folder keeps the files it derives from photos (thumbnails, previews, renders): as
// plain files (on a device), or sealed under the owner's key (a server: server/sealed.h). Every
// reader and writer of those files goes through one, so neither side needs to know which.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "core/result.h"

namespace camroll {

class FileStore {
 public:
  virtual ~FileStore() = default;
  // The whole file; kLimit beyond max_bytes, kNotFound when absent.
  virtual Result<std::vector<uint8_t>> Read(const std::filesystem::path& path,
                                            uint64_t max_bytes) const = 0;
  // Replaces the file atomically. Derived files can be made again, so it is not synced.
  virtual Status Write(const std::filesystem::path& path, std::span<const uint8_t> bytes) const = 0;
  // Brings a file another library wrote at `path` (FFmpeg's MP4) into the store's form.
  virtual Status Adopt(const std::filesystem::path& path) const = 0;
};

// Plain files: ReadFile and WriteFileAtomic.
const FileStore& PlainFileStore();
// `store` when given, else the plain one.
inline const FileStore& FilesOrPlain(const FileStore* store) {
  return store ? *store : PlainFileStore();
}

}  // namespace camroll
