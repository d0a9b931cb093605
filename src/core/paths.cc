#include "core/paths.h"

#include <cstdlib>

namespace camroll {

std::filesystem::path DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "camroll";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".local" / "share" / "camroll";
  }
  return std::filesystem::path(".camroll");
}

std::filesystem::path DepsDir() {
  if (const char* env = std::getenv("CAMROLL_DEPS_DIR"); env && *env) return env;
  return CAMROLL_DEFAULT_DEPS_DIR;
}

}  // namespace camroll
