#include "server/auth.h"

#include <sodium.h>

#include <algorithm>
#include <set>

#include "core/sha256.h"

namespace camroll::server {

Status InitCrypto() {
  if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium could not be initialised");
  return Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  CAMROLL_RETURN_IF_ERROR(InitCrypto());
  if (password.size() < 8) {
    return Fail(ErrorCode::kInvalidInput, "a password needs at least 8 characters");
  }
  if (password.size() > 1024) return Fail(ErrorCode::kLimit, "a password of over 1024 bytes");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Fail(ErrorCode::kInternal, "out of memory hashing a password");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& stored_hash, std::string_view password) {
  if (!InitCrypto() || password.size() > 1024) return false;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

std::string NewSecret(std::string_view prefix) {
  (void)InitCrypto();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return std::string(prefix) + text;
}

std::string SecretHash(std::string_view secret) {
  return ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(secret.data()), secret.size()}));
}

std::string RandomHex16() {
  (void)InitCrypto();
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  return ToHex(bytes);
}

Status CheckScopes(const std::vector<std::string>& scopes) {
  std::set<std::string> seen;
  for (const auto& s : scopes) {
    if (std::find(kAllScopes.begin(), kAllScopes.end(), s) == kAllScopes.end()) {
      return Fail(ErrorCode::kInvalidInput, "unknown scope '" + s + "' (upload, read, write)");
    }
    if (!seen.insert(s).second) return Fail(ErrorCode::kInvalidInput, "scope '" + s + "' twice");
  }
  if (scopes.empty()) return Fail(ErrorCode::kInvalidInput, "a token needs at least one scope");
  return Ok();
}

bool HasScope(const std::vector<std::string>& scopes, std::string_view scope) {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

bool ScopesWithin(const std::vector<std::string>& wanted, const std::vector<std::string>& held) {
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](const std::string& s) { return HasScope(held, s); });
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  // Compare hashes so that the length of the stored secret does not leak either.
  const std::string ha = SecretHash(a), hb = SecretHash(b);
  return sodium_memcmp(ha.data(), hb.data(), ha.size()) == 0;
}

}  // namespace camroll::server
