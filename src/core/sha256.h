// SHA-256 (OpenSSL's libcrypto, which uses the CPU's SHA extensions where present). camroll names
// assets by the SHA-256 of their bytes: the same digest that tus uploads check.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace camroll {

using Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::span<const uint8_t> data);
  Digest Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Digest Sha256Of(std::span<const uint8_t> data);

// SHA-256 of a sequence of strings, each length-prefixed so that ("ab", "c") and ("a", "bc")
// differ: for ids and cache keys made of several fields.
class FieldHash {
 public:
  FieldHash& Add(std::string_view field);
  Digest Finish() { return sha_.Finish(); }

 private:
  Sha256 sha_;
};
// Streams the file in chunks; suitable for videos of any size.
Result<Digest> Sha256OfFile(const std::filesystem::path& path);
std::string ToHex(std::span<const uint8_t> bytes);

}  // namespace camroll
