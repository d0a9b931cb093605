// The three switches and the notices shown before each is turned on or off. The exact text
// shown is recorded in the consent ledger with its version: change a text, bump its version.
#pragma once

#include <string>
#include <vector>

namespace camroll::server {

inline constexpr const char* kCloudProcessing = "cloud_processing";
inline constexpr const char* kFaceGrouping = "face_grouping";
inline constexpr const char* kBrowseSuggestions = "browse_suggestions";

struct Notice {
  std::string switch_name;
  std::string title;
  std::string version;
  std::string purpose;   // recorded in the ledger
  std::string turn_on;   // shown before switching on: what, for what, how long, how to withdraw
  std::string turn_off;  // shown before switching off: exactly what will be deleted
};

const std::vector<Notice>& Notices();
// nullptr for an unknown switch name.
const Notice* FindNotice(const std::string& switch_name);

}  // namespace camroll::server
