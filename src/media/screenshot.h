// Screenshots and screen recordings by their names: the rule that the analyzer and the sync
// agent share. The name is all the agent may look at before the owner lets it read a file, so
// this rule must not need the file's bytes (the analyzer adds rules that do).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace camroll {

// True when a path relative to the roll names a screenshot or a screen recording ("Screenshots/",
// "Screenshot_20240101.png", "screen_recording_1.mp4", "ScreenRecord.mp4"), in any case.
inline bool LooksLikeScreenshotName(std::string_view rel_path) {
  std::string lower(rel_path);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("screenshot") != std::string::npos ||
         lower.find("screen_recording") != std::string::npos ||
         lower.find("screenrecord") != std::string::npos;
}

}  // namespace camroll
