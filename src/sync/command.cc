// `camroll sync`: the agent behind a command line.
#include <fmt/format.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "sync/agent.h"
#include "sync/tus_client.h"

namespace camroll::sync {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) { g_stop.store(true); }

std::string MiB(int64_t bytes) { return fmt::format("{:.1f} MiB", bytes / 1048576.0); }

nlohmann::json PassJson(const SyncPass& p) {
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& f : p.failed) {
    failed.push_back({{"path", f.path}, {"reason", f.reason}, {"retry", f.retry}});
  }
  return {{"consent_off", p.consent_off},
          {"listed", p.listed},
          {"skipped_policy", p.skipped_policy},
          {"up_to_date", p.up_to_date},
          {"hashed", p.hashed},
          {"uploaded", p.uploaded},
          {"already_there", p.already_there},
          {"resumed", p.resumed},
          {"pending", p.pending},
          {"bytes_sent", p.bytes_sent},
          {"failed", failed},
          {"interrupted", p.interrupted}};
}

void PrintSummary(const SyncPass& p) {
  if (p.consent_off) {
    fmt::print(
        "Cloud processing is off on the server: nothing was read or sent. Switch it on in "
        "the app's Settings to sync.\n");
  }
  if (!p.consent_off || p.listed > 0) {
    fmt::print(
        "{} files in the roll: {} uploaded ({} resumed), {} already on the server, {} up "
        "to date, {} skipped by policy; {} sent\n",
        p.listed, p.uploaded, p.resumed, p.already_there, p.up_to_date, p.skipped_policy,
        MiB(p.bytes_sent));
  }
  for (const auto& f : p.failed) {
    fmt::print(stderr, "failed: {}: {}{}\n", f.path, f.reason,
               f.retry ? " (tried again next time)" : "");
  }
  if (!p.interrupted.empty() && !p.consent_off) {
    fmt::print(stderr, "stopped early: {} ({} files left for next time)\n", p.interrupted,
               p.pending);
  }
}

int ExitCode(const SyncPass& p) {
  if (p.consent_off && p.failed.empty()) return 0;
  return p.failed.empty() && p.interrupted.empty() ? 0 : 1;
}

// What the server says about the owner's files (uploaded, analysed, processing), if it answers.
std::optional<nlohmann::json> ServerStatus(const SyncOptions& o) {
  auto client = ServerClient::Connect(o.server, o.token);
  if (!client) return std::nullopt;
  const Reply r = (*client)->Get("/v1/status");
  if (r.status != 200) return std::nullopt;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

bool Loopback(const std::string& server) {
  for (const char* host : {"http://127.", "http://localhost", "http://[::1]"}) {
    if (server.rfind(host, 0) == 0) return true;
  }
  return false;
}

}  // namespace

int RunSyncCommand(const SyncOptions& options_in, bool watch, bool json) {
  SyncOptions options = options_in;
  if (options.token.empty()) {
    // A token in the environment is not visible to other users the way a flag is (ps).
    if (const char* env = std::getenv("CAMROLL_TOKEN"); env != nullptr) options.token = env;
  }
  if (options.server.rfind("http://", 0) == 0 && !Loopback(options.server)) {
    fmt::print(stderr,
               "warning: {} is plain http: the token and the photos cross the network "
               "unencrypted; use https:// unless this network is yours\n",
               options.server);
  }
  auto user_event = options.on_event;
  options.on_event = [&](const SyncEvent& e) {
    if (user_event) user_event(e);
    if (!watch || e.kind != SyncEvent::Kind::kPassDone || e.pass == nullptr) return;
    const SyncPass& p = *e.pass;
    if (json) {
      fmt::print("{}\n", PassJson(p).dump());
    } else if (p.uploaded || p.already_there || !p.failed.empty() || !p.interrupted.empty() ||
               p.consent_off) {
      PrintSummary(p);
    }
    std::fflush(stdout);
  };
  SyncAgent agent(options);

  if (!watch) {
    auto pass = agent.RunOnce();
    if (!pass) {
      fmt::print(stderr, "camroll sync: {}\n", pass.error().message());
      return 3;
    }
    auto status = pass->consent_off ? std::nullopt : ServerStatus(options);
    if (json) {
      nlohmann::json out = PassJson(*pass);
      if (status) out["server"] = *status;
      fmt::print("{}\n", out.dump());
    } else {
      PrintSummary(*pass);
      if (status) {
        fmt::print("server: {} files uploaded, {} analysed{}\n", status->value("uploaded", 0),
                   status->value("analysed", 0),
                   status->value("processing", false) ? ", processing" : "");
      }
    }
    return ExitCode(*pass);
  }

  g_stop.store(false);
  struct sigaction action {};
  struct sigaction old_int {
  }, old_term{};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
  const Status watched = agent.Watch(g_stop);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (!watched) {
    fmt::print(stderr, "camroll sync: {}\n", watched.error().message());
    return 3;
  }
  return 0;
}

}  // namespace camroll::sync
