// Minimal leveled logging to stderr. Thread-safe; one line per call. Never log secrets or tokens.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace camroll {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
void LogLine(LogLevel level, std::string_view message);
// Also hands every line logged to `sink` (tests read what was logged); nullptr removes it.
void SetLogSink(void (*sink)(LogLevel level, std::string_view message));

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> f, Args&&... args) {
  if (level < GetLogLevel()) return;
  LogLine(level, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace camroll
