// Encryption at rest: files and small values sealed with libsodium's secretstream
// (XChaCha20-Poly1305), under a per-user key from keys.h.
//
// A sealed file is "CRSEALv1" (8 bytes), the 24-byte stream header, then one record per 64 KiB
// of plaintext (each 17 bytes longer: tag and MAC) and a last record of the remaining 0 to
// 64 KiB − 1 bytes tagged FINAL. Every record carries the caller's context ("original u7") as
// additional data, so a file moved to another user or purpose does not open. Truncation,
// reordering, a changed byte, the wrong key or context are all reported (kInvalidInput) and no
// unverified byte is ever returned. The plaintext size follows from the sealed size alone.
//
// A sealed blob (face signatures in a catalog) is "CRB1", a header and one FINAL record.
// Derived files (thumbnails, previews, renders) are sealed files too (SealedFileStore).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_store.h"
#include "core/files.h"
#include "core/result.h"

namespace camroll::server {

// 32 secret bytes, wiped when destroyed.
class SecretKey {
 public:
  static constexpr size_t kSize = 32;
  SecretKey() { bytes_.fill(0); }
  ~SecretKey();
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  static SecretKey Random();
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }

 private:
  std::array<uint8_t, kSize> bytes_;
};

inline constexpr size_t kSealedChunk = 64 * 1024;

// Does the file start like a sealed file?
bool IsSealedFile(const std::filesystem::path& path);
// The plaintext size of a sealed file of `sealed_size` bytes; kInvalidInput when no plaintext
// size gives that size.
Result<uint64_t> PlainSize(uint64_t sealed_size);

// Seals `plain` into `out`: written beside it, fsynced, renamed over it, directory fsynced.
// `plain` may be `out` (sealing in place).
Status SealFile(const std::filesystem::path& plain, const std::filesystem::path& out,
                const SecretKey& key, std::string_view context);
// Seals bytes into `out` the same way, synced as `durability` says.
Status SealBytes(std::span<const uint8_t> plain, const std::filesystem::path& out,
                 const SecretKey& key, std::string_view context, Durability durability);

// Reads a sealed file piece by piece, each verified before it is returned.
class SealedReader {
 public:
  static Result<std::unique_ptr<SealedReader>> Open(const std::filesystem::path& path,
                                                    const SecretKey& key, std::string_view context);
  ~SealedReader();
  uint64_t size() const { return size_; }  // the plaintext size
  // Puts the next piece of plaintext in `out`. Returns false once the final record was read and
  // verified (with `out` holding that record's bytes, possibly none).
  Result<bool> Next(std::string& out);

 private:
  SealedReader() = default;
  struct State;
  std::unique_ptr<State> state_;
  uint64_t size_ = 0;
};

// The whole plaintext of a sealed file of at most `max_bytes` (kLimit beyond).
Result<std::string> ReadSealedFile(const std::filesystem::path& path, const SecretKey& key,
                                   std::string_view context, uint64_t max_bytes);
// Writes the plaintext of `sealed` to `out` (mode 0600; atomic, not fsynced: a working copy).
Status UnsealFile(const std::filesystem::path& sealed, const std::filesystem::path& out,
                  const SecretKey& key, std::string_view context);

// A data folder's derived files (thumbnails, previews, renders), sealed under one key.
class SealedFileStore : public FileStore {
 public:
  SealedFileStore(SecretKey key, std::string context)
      : key_(std::move(key)), context_(std::move(context)) {}
  Result<std::vector<uint8_t>> Read(const std::filesystem::path& path,
                                    uint64_t max_bytes) const override;
  Status Write(const std::filesystem::path& path, std::span<const uint8_t> bytes) const override;
  // Seals in place (the plaintext's blocks are freed, not overwritten).
  Status Adopt(const std::filesystem::path& path) const override;

 private:
  SecretKey key_;
  std::string context_;
};

// Small values.
std::string SealBlob(std::string_view plain, const SecretKey& key, std::string_view context);
bool IsSealedBlob(std::string_view blob);
Result<std::string> OpenBlob(std::string_view sealed, const SecretKey& key,
                             std::string_view context);

}  // namespace camroll::server
