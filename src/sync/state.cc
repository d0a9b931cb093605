#include "sync/state.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/files.h"

namespace camroll::sync {

bool SyncState::ForgetServerCopies() {
  bool changed = false;
  for (auto& [path, f] : files) {
    if (f.done || !f.upload.empty() || f.offset != 0 || f.consent != 0 || !f.failed.empty()) {
      changed = true;
    }
    f.done = false;
    f.upload.clear();
    f.offset = 0;
    f.consent = 0;
    f.failed.clear();
  }
  return changed;
}

Result<SyncState> LoadState(const std::filesystem::path& file) {
  SyncState state;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return state;
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail(ErrorCode::kIo, "cannot open the sync state " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("version", 0) != 1 ||
      !j.value("files", nlohmann::json::object()).is_object()) {
    return Fail(ErrorCode::kInvalidInput, "the sync state " + file.string() + " is not valid");
  }
  try {
    state.server = j.value("server", "");
    for (const auto& [path, f] : j["files"].items()) {
      FileState s;
      s.size = f.at("size").get<uint64_t>();
      s.mtime_ns = f.at("mtime_ns").get<int64_t>();
      s.format = f.value("format", "");
      s.sha256 = f.value("sha256", "");
      s.upload = f.value("upload", "");
      s.offset = f.value("offset", int64_t{0});
      s.done = f.value("done", false);
      s.consent = f.value("consent", int64_t{0});
      s.failed = f.value("failed", "");
      state.files.emplace(path, std::move(s));
    }
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kInvalidInput,
                "the sync state " + file.string() + " is not valid: " + e.what());
  }
  return state;
}

std::string StateJson(const SyncState& state) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, f] : state.files) {
    nlohmann::json j{{"size", f.size}, {"mtime_ns", f.mtime_ns}};
    if (!f.format.empty()) j["format"] = f.format;
    if (!f.sha256.empty()) j["sha256"] = f.sha256;
    if (!f.upload.empty()) {
      j["upload"] = f.upload;
      j["offset"] = f.offset;
    }
    if (f.done) {
      j["done"] = true;
      j["consent"] = f.consent;
    }
    if (!f.failed.empty()) j["failed"] = f.failed;
    files[path] = std::move(j);
  }
  const nlohmann::json out{{"version", 1}, {"server", state.server}, {"files", files}};
  // Names that are not UTF-8 never get here (the agent refuses them); replace, never throw.
  return out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Status SaveState(const std::filesystem::path& file, const std::string& json, bool durable) {
  return WriteFileAtomic(file, json, durable ? Durability::kSync : Durability::kNone);
}

}  // namespace camroll::sync
