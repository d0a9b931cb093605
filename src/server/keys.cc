#include "server/keys.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/files.h"

namespace camroll::server {
namespace {

constexpr char kWrapMagic[6] = {'C', 'R', 'K', 'E', 'Y', '1'};
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kWrapped = sizeof kWrapMagic + kNonce + SecretKey::kSize + kTag;

std::string AdditionalData(int64_t user, KeyPurpose purpose) {
  return fmt::format("camroll key user={} purpose={}", user, KeyPurposeName(purpose));
}

std::unexpected<Error> SysError(std::string_view what, const std::filesystem::path& path) {
  return Fail(ErrorCode::kIo, fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

Result<std::string> ReadSmall(const std::filesystem::path& path, size_t max) {
  CAMROLL_ASSIGN_OR_RETURN(auto bytes, ReadFile(path, max));
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

std::string_view KeyPurposeName(KeyPurpose purpose) {
  return purpose == KeyPurpose::kData ? "data" : "face";
}

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::filesystem::path& dir) {
  if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium could not be initialised");
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(dir));
  ::chmod(dir.c_str(), 0700);
  const auto master_file = dir / "master.key";
  SecretKey master;
  if (!std::filesystem::exists(master_file)) {
    master = SecretKey::Random();
    const std::string_view bytes(reinterpret_cast<const char*>(master.data()), SecretKey::kSize);
    CAMROLL_RETURN_IF_ERROR(WriteFileAtomic(master_file, bytes));
    ::chmod(master_file.c_str(), 0600);
  }
  CAMROLL_ASSIGN_OR_RETURN(std::string stored, ReadSmall(master_file, 64));
  if (stored.size() != SecretKey::kSize) {
    return Fail(ErrorCode::kInvalidInput,
                master_file.string() +
                    " is not a master key (32 bytes); restore it from its "
                    "backup: without it no user's data can be read");
  }
  std::memcpy(master.data(), stored.data(), SecretKey::kSize);
  sodium_memzero(stored.data(), stored.size());
  return std::unique_ptr<KeyStore>(new KeyStore(dir, master));
}

std::filesystem::path KeyStore::KeyFile(int64_t user, KeyPurpose purpose) const {
  return dir_ / fmt::format("u{}.{}.key", user, KeyPurposeName(purpose));
}

Result<std::optional<SecretKey>> KeyStore::Find(int64_t user, KeyPurpose purpose) {
  const auto file = KeyFile(user, purpose);
  auto wrapped = ReadSmall(file, 256);
  if (!wrapped) {
    if (wrapped.error().code() == ErrorCode::kNotFound || !std::filesystem::exists(file)) {
      return std::optional<SecretKey>();
    }
    return std::unexpected(wrapped.error());
  }
  if (wrapped->size() != kWrapped || std::memcmp(wrapped->data(), kWrapMagic, 6) != 0) {
    return Fail(ErrorCode::kInvalidInput, file.string() + " is not a wrapped key");
  }
  const auto* p = reinterpret_cast<const uint8_t*>(wrapped->data()) + sizeof kWrapMagic;
  const std::string ad = AdditionalData(user, purpose);
  SecretKey key;
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          key.data(), &len, nullptr, p + kNonce, SecretKey::kSize + kTag,
          reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), p, master_.data()) != 0) {
    return Fail(ErrorCode::kInvalidInput,
                file.string() +
                    " does not open with the master key (another server's key, a "
                    "key file moved to another user, or damage)");
  }
  return std::optional<SecretKey>(key);
}

Result<SecretKey> KeyStore::Get(int64_t user, KeyPurpose purpose) {
  std::lock_guard lock(mu_);
  CAMROLL_ASSIGN_OR_RETURN(auto found, Find(user, purpose));
  if (found) return *found;
  SecretKey key = SecretKey::Random();
  std::string wrapped(kWrapped, '\0');
  auto* p = reinterpret_cast<uint8_t*>(wrapped.data());
  std::memcpy(p, kWrapMagic, sizeof kWrapMagic);
  randombytes_buf(p + sizeof kWrapMagic, kNonce);
  const std::string ad = AdditionalData(user, purpose);
  crypto_aead_xchacha20poly1305_ietf_encrypt(p + sizeof kWrapMagic + kNonce, nullptr, key.data(),
                                             SecretKey::kSize,
                                             reinterpret_cast<const uint8_t*>(ad.data()), ad.size(),
                                             nullptr, p + sizeof kWrapMagic, master_.data());
  const auto file = KeyFile(user, purpose);
  CAMROLL_RETURN_IF_ERROR(WriteFileAtomic(file, wrapped));
  ::chmod(file.c_str(), 0600);
  return key;
}

Status KeyStore::Destroy(int64_t user, KeyPurpose purpose) {
  std::lock_guard lock(mu_);
  const auto file = KeyFile(user, purpose);
  Fd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Ok();
    return SysError("opening", file);
  }
  // Overwrite before unlinking, so the wrapped key does not stay in the freed blocks of file
  // systems that overwrite in place.
  uint8_t noise[kWrapped];
  randombytes_buf(noise, sizeof noise);
  if (::pwrite(fd.get(), noise, sizeof noise, 0) != static_cast<ssize_t>(sizeof noise) ||
      ::fsync(fd.get()) != 0) {
    return SysError("overwriting", file);
  }
  if (::unlink(file.c_str()) != 0) return SysError("deleting", file);
  return FsyncDirectory(dir_);
}

}  // namespace camroll::server
