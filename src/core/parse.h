// Strict parsing of numbers from untrusted text (HTTP headers, metadata).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace camroll {

// A non-negative decimal integer that fits int64: digits only, no sign, no spaces, no hex, no
// exponent, at most 19 digits. Anything else is nullopt.
std::optional<int64_t> ParseNonNegativeInt(std::string_view text);

}  // namespace camroll
