#include "core/file_store.h"

#include "core/files.h"

namespace camroll {
namespace {

class PlainStore : public FileStore {
 public:
  Result<std::vector<uint8_t>> Read(const std::filesystem::path& path,
                                    uint64_t max_bytes) const override {
    return ReadFile(path, max_bytes);
  }
  Status Write(const std::filesystem::path& path, std::span<const uint8_t> bytes) const override {
    return WriteFileAtomic(path, bytes, Durability::kNone);
  }
  Status Adopt(const std::filesystem::path&) const override { return Ok(); }
};

}  // namespace

const FileStore& PlainFileStore() {
  static const PlainStore store;
  return store;
}

}  // namespace camroll
