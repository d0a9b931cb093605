// Base64 (RFC 4648, standard alphabet, with or without '=' padding). TensorFlow.js model files
// carry string attributes and some weight shards as base64; tus upload metadata is base64 too.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace camroll {

// Decodes; whitespace is not allowed. Fails on characters outside the alphabet or bad padding.
Result<std::vector<uint8_t>> Base64Decode(std::string_view text);
Result<std::string> Base64DecodeToString(std::string_view text);

std::string Base64Encode(std::span<const uint8_t> bytes);

}  // namespace camroll
