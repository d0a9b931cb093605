// `camroll serve`, `camroll admin` and `camroll sync`: the server-mode commands, kept apart from
// the on-device ones in main.cc.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

namespace camroll {

struct ServerCommands;

// Adds the commands to `app`; the returned object holds their flags.
std::shared_ptr<ServerCommands> AddServerCommands(CLI::App& app);
// Runs the command that was parsed, if it is one of these; returns its exit code.
std::optional<int> RunServerCommands(ServerCommands& commands);

}  // namespace camroll
