#include "cli/server_commands.h"

#include <fmt/format.h>
#include <signal.h>

#include <iostream>
#include <string>

#include "core/log.h"
#include "core/paths.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/service.h"
#include "sync/agent.h"

namespace camroll {

struct ServerCommands {
  CLI::App* serve = nullptr;
  CLI::App* admin = nullptr;
  CLI::App* create_user = nullptr;
  CLI::App* verify_ledger = nullptr;
  CLI::App* process = nullptr;
  CLI::App* sync = nullptr;

  std::string data_dir;
  std::string listen = "127.0.0.1:8080";
  std::string models_dir;
  std::string keys_dir;
  std::string web_root;
  size_t workers = 1;
  size_t threads = 0;
  int64_t retention_days = 30;
  int64_t max_upload_bytes = int64_t{4} << 30;
  int64_t process_delay_s = 2;
  int idle_timeout_s = 30;

  std::string user;
  bool password_stdin = false;

  sync::SyncOptions sync_options;
  std::string roll, state_file;
  std::vector<std::string> media = {"photo", "video"};
  bool allow_screenshots = false;
  double chunk_mib = 4;
  bool watch = false;
  bool json = false;

  std::filesystem::path Data() const {
    return data_dir.empty() ? DefaultDataDir() / "server" : std::filesystem::path(data_dir);
  }
};

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitFatal = 3;

int Fatal(const Error& e) {
  std::cerr << "camroll: " << e.message() << "\n";
  return kExitFatal;
}

std::filesystem::path DefaultWebRoot() {
  // The web app: plain modules, served from the source tree (no build step).
  return std::filesystem::path(CAMROLL_WEB_ROOT);
}

Result<std::unique_ptr<server::Service>> OpenService(const ServerCommands& c) {
  server::ServerOptions o;
  o.data_dir = c.Data();
  if (!c.models_dir.empty()) o.models_dir = c.models_dir;
  if (!c.keys_dir.empty()) o.keys_dir = c.keys_dir;
  o.workers = c.workers;
  o.pipeline_threads = c.threads;
  o.retention_days = c.retention_days;
  o.tus.max_size = c.max_upload_bytes;
  o.process_delay_s = c.process_delay_s;
  return server::Service::Open(o);
}

int RunServe(const ServerCommands& c) {
  const auto colon = c.listen.rfind(':');
  int port = 0;
  try {
    port = colon == std::string::npos ? -1 : std::stoi(c.listen.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    std::cerr << "camroll serve: --listen HOST:PORT\n";
    return kExitUsage;
  }
  // Signals are taken by sigwait below, not by whichever thread they hit.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (GetLogLevel() > LogLevel::kInfo) SetLogLevel(LogLevel::kInfo);

  auto service = OpenService(c);
  if (!service) return Fatal(service.error());
  server::ApiOptions api_options;
  api_options.host = c.listen.substr(0, colon);
  api_options.port = port;
  api_options.idle_timeout_s = c.idle_timeout_s;
  const auto web = c.web_root.empty() ? DefaultWebRoot() : std::filesystem::path(c.web_root);
  if (std::filesystem::is_regular_file(web / "index.html")) api_options.web_root = web;
  server::Api api(**service, api_options);
  if (auto st = api.Start(); !st) return Fatal(st.error());
  (*service)->StartWorkers();
  std::cout << fmt::format("camroll serving {} on http://{}:{}{}", c.Data().string(),
                           api_options.host, api.port(),
                           api_options.web_root.empty() ? " (no web app built)" : "")
            << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  std::cout << "stopping" << std::endl;
  api.Stop();
  (*service)->StopWorkers();
  return kExitOk;
}

Result<std::string> ReadPassword(bool from_stdin) {
  if (!from_stdin) {
    // A random one; the owner can sign in to the web app with it.
    std::string password = server::NewSecret("").substr(0, 20);
    std::cerr << "password: " << password << "\n";
    return password;
  }
  std::string password;
  std::getline(std::cin, password);
  return password;
}

int RunAdmin(const ServerCommands& c) {
  auto service = OpenService(c);
  if (!service) return Fatal(service.error());
  if (*c.create_user) {
    auto password = ReadPassword(c.password_stdin);
    if (!password) return Fatal(password.error());
    auto token = (*service)->CreateUser(c.user, *password);
    if (!token) return Fatal(token.error());
    std::cout << *token << "\n";
    return kExitOk;
  }
  if (*c.verify_ledger) {
    auto check = (*service)->VerifyLedger();
    if (!check) return Fatal(check.error());
    if (check->intact) {
      std::cout << fmt::format("The consent ledger is intact: {} entries.\n", check->entries);
      return kExitOk;
    }
    std::cout << fmt::format("The consent ledger was TAMPERED WITH at entry {}: {}\n",
                             check->first_bad_seq.value_or(0), check->reason);
    return 1;
  }
  if (*c.process) {
    auto user = (*service)->store().FindUser(c.user);
    if (!user) return Fatal(user.error());
    if (!*user) {
      std::cerr << "camroll: no user " << c.user << "\n";
      return kExitUsage;
    }
    if (auto st = (*service)->ProcessUser((*user)->id); !st) return Fatal(st.error());
    std::cout << "Processed " << c.user << "'s uploads.\n";
    return kExitOk;
  }
  return kExitUsage;
}

}  // namespace

std::shared_ptr<ServerCommands> AddServerCommands(CLI::App& app) {
  auto c = std::make_shared<ServerCommands>();
  c->serve = app.add_subcommand(
      "serve", "Run the server: HTTP API, tus uploads, web app and processing workers");
  c->admin = app.add_subcommand("admin", "Server administration: users, consent ledger");
  for (auto* cmd : {c->serve, c->admin}) {
    cmd->add_option("--data", c->data_dir,
                    "Server data folder (default: $XDG_DATA_HOME/camroll/server)");
    cmd->add_option("--models", c->models_dir, "Models folder (default: as camroll models)");
    cmd->add_option("--keys", c->keys_dir,
                    "Folder of the encryption keys (default: DATA/keys). Keep it out of the "
                    "data folder's backups: destroying a user's key must make every copy of "
                    "their data unreadable");
    cmd->add_option("--retention-days", c->retention_days,
                    "Delete unposted uploads after this many days")
        ->capture_default_str();
  }
  c->serve->add_option("--listen", c->listen, "HOST:PORT to listen on")->capture_default_str();
  c->serve->add_option("--web", c->web_root,
                       "Folder of the web app (default: web/ of the source tree)");
  c->serve->add_option("--workers", c->workers, "Processing workers")->capture_default_str();
  c->serve->add_option("--threads", c->threads, "Threads inside one job (default: one per CPU)");
  c->serve->add_option("--max-upload-bytes", c->max_upload_bytes, "Largest file accepted")
      ->capture_default_str();
  c->serve
      ->add_option("--idle-timeout", c->idle_timeout_s,
                   "Seconds a connection may stall (headers or body) before it is closed")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  c->serve
      ->add_option("--process-delay", c->process_delay_s,
                   "Seconds a job waits for more uploads before it runs")
      ->capture_default_str();
  c->admin->require_subcommand(1);
  c->create_user = c->admin->add_subcommand(
      "create-user", "Create a user; prints an API token (all scopes) on stdout");
  c->create_user->add_option("NAME", c->user, "User name")->required();
  c->create_user->add_flag("--password-stdin", c->password_stdin,
                           "Read the password from stdin (else a random one is printed on stderr)");
  c->verify_ledger = c->admin->add_subcommand(
      "verify-ledger", "Check the consent ledger's hash chain; exit 1 if it was tampered with");
  c->process = c->admin->add_subcommand("process", "Process a user's uploads now");
  c->process->add_option("NAME", c->user, "User name")->required();

  c->sync = app.add_subcommand(
      "sync", "Upload a camera-roll folder to a camroll server, while its owner allows it");
  c->sync->add_option("ROLL", c->roll, "Camera-roll folder")
      ->required()
      ->check(CLI::ExistingDirectory);
  c->sync->add_option("--server", c->sync_options.server, "Server URL: http://host:port")
      ->required();
  c->sync->add_option("--token", c->sync_options.token,
                      "API token with the upload scope (default: $CAMROLL_TOKEN, which other "
                      "users cannot see in ps)");
  c->sync->add_flag("--watch", c->watch, "Keep running: upload new files as they appear");
  c->sync
      ->add_option("--window-days", c->sync_options.window_days,
                   "Only files modified in the last N days (0: all)")
      ->capture_default_str();
  c->sync->add_option("--state", c->state_file, "State file (default: ROLL/.camroll-sync.json)");
  c->sync->add_option("--media", c->media, "Media types to upload: photo, video")
      ->check(CLI::IsMember({"photo", "video"}))
      ->capture_default_str();
  c->sync->add_flag("--allow-screenshots", c->allow_screenshots,
                    "Upload screenshots too (they stay on the phone by default)");
  c->sync->add_option("--chunk-mib", c->chunk_mib, "Bytes per PATCH, in MiB")
      ->check(CLI::Range(0.0625, 64.0))
      ->capture_default_str();
  c->sync->add_option("--poll", c->sync_options.poll_s, "--watch: seconds between checks")
      ->capture_default_str();
  c->sync->add_option("--retry", c->sync_options.retry_s, "Seconds before retrying a failure")
      ->capture_default_str();
  c->sync->add_flag("--json", c->json, "One JSON object per pass instead of a summary");
  return c;
}

std::optional<int> RunServerCommands(ServerCommands& c) {
  if (*c.serve) return RunServe(c);
  if (*c.admin) return RunAdmin(c);
  if (*c.sync) {
    c.sync_options.roll = c.roll;
    if (!c.state_file.empty()) c.sync_options.state_file = c.state_file;
    c.sync_options.media = {c.media.begin(), c.media.end()};
    c.sync_options.never_screenshots = !c.allow_screenshots;
    c.sync_options.chunk_bytes = static_cast<size_t>(c.chunk_mib * (1 << 20));
    return sync::RunSyncCommand(c.sync_options, c.watch, c.json);
  }
  return std::nullopt;
}

}  // namespace camroll
