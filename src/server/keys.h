// The server's keys, for encryption at rest and crypto-shredding.
//
// Every user has two keys, made when first needed: a data key (their originals) and a separate
// biometric key (their face signatures), so that switching face grouping off destroys the face
// data's key and nothing else. Each key is stored wrapped (XChaCha20-Poly1305) by the server's
// master key, bound to its user and purpose, in a folder of its own:
//   KEYS/master.key           32 random bytes (0600), made on first start
//   KEYS/u7.data.key          user 7's data key, wrapped
//   KEYS/u7.face.key          user 7's biometric key, wrapped
// Destroying a key overwrites its file, syncs, unlinks it and syncs the folder: every copy of
// what it sealed, in backups and snapshots of the data folder included, is unreadable from then
// on. The keys folder should therefore live outside the data folder's backups (`--keys`), on a
// volume whose deleted blocks are not kept; see docs/adr/0009-encryption-at-rest.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "core/result.h"
#include "server/sealed.h"

namespace camroll::server {

enum class KeyPurpose { kData, kFace };
std::string_view KeyPurposeName(KeyPurpose purpose);

class KeyStore {
 public:
  // Opens the folder (made with mode 0700 when absent) and its master key (made when absent).
  static Result<std::unique_ptr<KeyStore>> Open(const std::filesystem::path& dir);

  // The user's key, made and stored (durably) when the user has none.
  Result<SecretKey> Get(int64_t user, KeyPurpose purpose);
  // The user's key when there is one.
  Result<std::optional<SecretKey>> Find(int64_t user, KeyPurpose purpose);
  // Destroys the user's key (crypto-shredding). No key: nothing to do.
  Status Destroy(int64_t user, KeyPurpose purpose);

  std::filesystem::path KeyFile(int64_t user, KeyPurpose purpose) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  KeyStore(std::filesystem::path dir, SecretKey master)
      : dir_(std::move(dir)), master_(std::move(master)) {}
  std::filesystem::path dir_;
  SecretKey master_;
  std::mutex mu_;  // makes and destroys one key at a time
};

}  // namespace camroll::server
