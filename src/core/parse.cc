#include "core/parse.h"

#include <charconv>

namespace camroll {

std::optional<int64_t> ParseNonNegativeInt(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace camroll
