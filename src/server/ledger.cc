#include "server/ledger.h"

#include <fmt/format.h>

#include "core/sha256.h"

namespace camroll::server {

std::string LedgerHash(const LedgerEntry& e) {
  FieldHash h;
  h.Add("camroll-ledger-v1")
      .Add(e.prev_hash)
      .Add(std::to_string(e.seq))
      .Add(std::to_string(e.user))
      .Add(e.switch_name)
      .Add(e.value ? "on" : "off")
      .Add(e.notice_version)
      .Add(e.notice_text)
      .Add(e.method)
      .Add(e.purpose)
      .Add(std::to_string(e.time));
  return ToHex(h.Finish());
}

nlohmann::json LedgerEntryJson(const LedgerEntry& e) {
  return {{"seq", e.seq},
          {"switch", e.switch_name},
          {"value", e.value},
          {"notice_version", e.notice_version},
          {"notice_text", e.notice_text},
          {"method", e.method},
          {"purpose", e.purpose},
          {"time", e.time},
          {"hash", e.hash}};
}

LedgerCheck VerifyLedger(const std::vector<LedgerEntry>& entries,
                         const std::optional<std::string>& head) {
  LedgerCheck check;
  check.entries = entries.size();
  std::string prev = kLedgerGenesis;
  int64_t prev_seq = 0;
  for (const LedgerEntry& e : entries) {
    auto broken = [&](std::string reason) {
      check.intact = false;
      check.first_bad_seq = e.seq;
      check.reason = std::move(reason);
      return check;
    };
    if (e.seq <= prev_seq) return broken("entries out of order");
    if (e.prev_hash != prev) {
      return broken(
          fmt::format("entry {} does not follow entry {} (removed or changed)", e.seq, prev_seq));
    }
    if (LedgerHash(e) != e.hash) return broken(fmt::format("entry {} was changed", e.seq));
    prev = e.hash;
    prev_seq = e.seq;
  }
  if (head && *head != prev) {
    check.intact = false;
    check.first_bad_seq = prev_seq + 1;
    check.reason = entries.empty() ? "the ledger is empty but entries were recorded"
                                   : fmt::format("entries after {} were removed", prev_seq);
  }
  return check;
}

}  // namespace camroll::server
