// SHA-256 (OpenSSL's libcrypto, which uses the CPU's SHA extensions where present). camroll names
// assets by the SHA-256 of their bytes: the same digest that tus uploads check.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

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
// Streams the file in chunks; suitable for videos of any size.
Result<Digest> Sha256OfFile(const std::filesystem::path& path);
std::string ToHex(std::span<const uint8_t> bytes);

}  // namespace camroll
