#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace camroll {
namespace {
std::atomic<LogLevel> g_level{LogLevel::kWarning};
std::mutex g_mu;
std::atomic<void (*)(LogLevel, std::string_view)> g_sink{nullptr};
}  // namespace

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }
void SetLogSink(void (*sink)(LogLevel, std::string_view)) { g_sink = sink; }

void LogLine(LogLevel level, std::string_view message) {
  static constexpr const char* kNames[] = {"debug", "info", "warning", "error", "off"};
  std::lock_guard lock(g_mu);
  if (auto* sink = g_sink.load()) sink(level, message);
  std::fprintf(stderr, "camroll: %s: %.*s\n", kNames[static_cast<int>(level)],
               static_cast<int>(message.size()), message.data());
}

}  // namespace camroll
