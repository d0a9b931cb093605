// The consent ledger's hash chain. Each entry's hash covers the previous entry's hash and every
// field of the entry (length-prefixed), so changing, removing or reordering any entry breaks the
// chain from there on. The newest hash is also written to DATA/ledger.head on every append, so
// cutting entries off the end is detected too.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/store.h"

namespace camroll::server {

inline constexpr const char* kLedgerGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Hex SHA-256 of the entry's content chained to entry.prev_hash.
std::string LedgerHash(const LedgerEntry& entry);

struct LedgerCheck {
  bool intact = true;
  size_t entries = 0;
  std::optional<int64_t> first_bad_seq;  // where the chain breaks
  std::string reason;
};

// An entry as the API and exports show it.
nlohmann::json LedgerEntryJson(const LedgerEntry& entry);

// Walks the entries in order; `head` (the content of ledger.head, if any) must be the last hash.
LedgerCheck VerifyLedger(const std::vector<LedgerEntry>& entries,
                         const std::optional<std::string>& head);

}  // namespace camroll::server
