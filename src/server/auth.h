// Passwords, API tokens and sign-in secrets (libsodium).
//
// Passwords are stored as argon2id strings (crypto_pwhash_str, the library's interactive limits).
// Tokens are 256 random bits; only their SHA-256 is stored, so a copy of server.db grants
// nothing. A token carries scopes: `upload` (the sync agent: tus uploads, reading the switches),
// `read` (ideas, assets, what was derived, export), `write` (switches, accepting and dismissing
// ideas, tokens). A token can only make tokens with scopes it has itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace camroll::server {

inline const std::vector<std::string> kAllScopes = {"upload", "read", "write"};

// Initialises libsodium; safe to call many times.
Status InitCrypto();

Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(const std::string& stored_hash, std::string_view password);

// A new secret: `prefix` + 43 base64url characters (256 bits).
std::string NewSecret(std::string_view prefix);
// What is stored for a token or a session secret: hex SHA-256.
std::string SecretHash(std::string_view secret);
// 128 random bits as 32 hex characters (upload ids, CSRF tokens).
std::string RandomHex16();

// Every scope known and no repeats.
Status CheckScopes(const std::vector<std::string>& scopes);
bool HasScope(const std::vector<std::string>& scopes, std::string_view scope);
// True when every scope of `wanted` is in `held`.
bool ScopesWithin(const std::vector<std::string>& wanted, const std::vector<std::string>& held);

// Constant-time comparison of two secrets of any length.
bool SecretsEqual(std::string_view a, std::string_view b);

}  // namespace camroll::server
