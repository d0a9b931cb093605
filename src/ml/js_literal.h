// Reads a JavaScript object literal as JSON: bare identifier keys, single- or double-quoted
// strings, numbers like `.5` and `-.25`, `!0`/`!1` for true/false, trailing commas. nsfwjs ships
// its models as browserify bundles whose payload is such a literal (`e.exports={...}`).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/result.h"

namespace camroll::ml {

// Parses the literal that starts at `text[0]` (an object, array, string, number or keyword).
// `consumed` receives how many characters it took.
Result<nlohmann::json> ParseJsLiteral(std::string_view text, size_t* consumed = nullptr);

// Finds the first object literal in `text` that contains `marker` right after its opening
// brace (e.g. `format:` or `modelTopology:`) and parses it.
Result<nlohmann::json> FindJsObject(std::string_view text, std::string_view marker);

// The longest string literal in `text`: the payload of a bundled base64 weight shard.
Result<std::string_view> LongestJsString(std::string_view text);

}  // namespace camroll::ml
