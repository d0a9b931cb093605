// Helpers shared by the files that implement Service (not part of the module's interface).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "catalog/catalog.h"
#include "core/result.h"
#include "server/store.h"

namespace camroll::server {

// A user's catalog and the id of their roll (the originals folder) in it.
struct UserCatalog {
  std::unique_ptr<Catalog> catalog;
  int64_t roll_id = 0;
};

// Opens the user's catalog; nullopt when nothing was processed yet (no catalog file).
Result<std::optional<UserCatalog>> OpenUserCatalog(const std::filesystem::path& data,
                                                   const std::filesystem::path& roll,
                                                   const sqlite::OpenOptions& options);

// Every asset id of the user by its file ("originals/…"): one query instead of one per member.
Result<std::map<std::string, int64_t>> AssetIdsByFile(Store& store, int64_t user);

}  // namespace camroll::server
