// The server's behaviour behind the HTTP routes: accounts, switches and their consent ledger,
// uploads (tus.h), the job queue and its workers, ideas, transparency, export, retention and
// purges. The HTTP layer (api.h) only translates; the CLI's `admin` uses this directly.
//
// Data folder layout:
//   DATA/server.db                  accounts, tokens, ledger, uploads, assets, jobs (store.h)
//   DATA/ledger.head                the newest ledger hash (detects entries cut off the end)
//   DATA/uploads/USER/ID.part       unfinished uploads
//   DATA/users/USER/originals/      the user's uploaded files, named by content hash, sealed
//                                   with the user's data key (sealed.h)
//   DATA/users/USER/work/           while a job runs: the plaintext of the files it analyses
//                                   or renders; deleted when it ends
//   DATA/users/USER/data/           what camroll derived from them (catalog.db, thumbs/, renders/;
//                                   face signatures in catalog.db sealed with the biometric key)
//   KEYS (default DATA/keys)        the master key and every user's wrapped keys (keys.h)
// Purging a user's media destroys the user's keys (crypto-shredding), then removes
// DATA/uploads/USER and DATA/users/USER and their rows; a face-grouping purge destroys the
// biometric key.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "core/result.h"
#include "server/keys.h"
#include "server/ledger.h"
#include "server/sealed_db.h"
#include "server/store.h"
#include "server/tar.h"
#include "server/tus.h"

namespace camroll::server {

// Face data is kept at most this long after the owner last used camroll (BIPA 740 ILCS 14/15).
inline constexpr int64_t kFaceDataDays = 3 * 365;

struct ServerOptions {
  std::filesystem::path data_dir;
  std::filesystem::path models_dir;  // empty: ml::DefaultModelsDir()
  std::filesystem::path keys_dir;    // empty: DATA/keys (keep it out of the data's backups)
  TusLimits tus;
  int64_t retention_days = 30;   // unposted uploads are deleted after this many days
  size_t workers = 1;            // processing threads (each runs one user's job at a time)
  size_t pipeline_threads = 0;   // threads inside one job; 0: one per CPU
  int64_t process_delay_s = 2;   // a job waits this long for more uploads before it runs
  int64_t session_days = 14;     // browser sessions
  std::function<int64_t()> now;  // the clock (tests move it); default: system clock
};

struct UserCatalog;  // service_internal.h

// Who is calling: from an API token or a browser session.
struct Principal {
  int64_t user = 0;
  std::vector<std::string> scopes;
  int64_t token_id = 0;      // 0 for a browser session
  std::string session_hash;  // for a browser session
  std::string csrf;          // the session's CSRF token
};

struct SwitchChange {
  bool changed = false;
  LedgerEntry entry;
  std::string deleted;  // what a switch-off deleted, in words
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> Open(ServerOptions options);
  ~Service();

  Store& store() { return *store_; }
  KeyStore& keys() { return *keys_; }
  TusService& tus() { return *tus_; }
  const ServerOptions& options() const { return options_; }
  int64_t Now() const { return options_.now(); }

  // Accounts. CreateUser returns a new API token with every scope.
  Result<std::string> CreateUser(const std::string& name, const std::string& password);
  Result<std::string> CreateToken(const Principal& by, const std::vector<std::string>& scopes,
                                  const std::string& label);
  Result<std::optional<Principal>> Authenticate(const std::string& bearer_token);
  // Browser sign-in: returns the session secret (the cookie) and its CSRF token. Refused
  // (kLimit) once a name has kSignInFailuresPerName failed attempts, or a client (its address)
  // kSignInFailuresPerClient, within the last kSignInWindowS seconds: guessing passwords is
  // slow, and so is spending the server's CPU on argon2id.
  static constexpr int kSignInFailuresPerName = 5;
  static constexpr int kSignInFailuresPerClient = 20;
  static constexpr int64_t kSignInWindowS = 15 * 60;
  Result<std::pair<std::string, std::string>> SignIn(const std::string& name,
                                                     const std::string& password,
                                                     const std::string& client = "");
  Result<std::optional<Principal>> SessionPrincipal(const std::string& secret);
  Status SignOut(const std::string& secret);
  // Still valid now (not revoked, session not expired)?
  bool StillValid(const Principal& p);

  // Switches and consent.
  Result<std::map<std::string, bool>> Switches(int64_t user);
  Result<SwitchChange> SetSwitch(int64_t user, const std::string& name, bool value,
                                 const std::string& method);
  Result<LedgerCheck> VerifyLedger();

  // Processing.
  void StartWorkers();
  void StopWorkers();
  // Runs the user's processing now, on the calling thread (tests, `admin process`).
  Status ProcessUser(int64_t user);
  // Deletes expired uploads and unposted assets past retention; returns what it did.
  Result<std::string> Maintain();

  // What the API serves.
  Result<nlohmann::json> Ideas(int64_t user, const std::string& surface);
  // accept / dismiss; accepting marks the idea's photos as posted.
  Result<nlohmann::json> Feedback(int64_t user, const std::string& idea_id, bool accept);
  // The n-th rendered file of an idea (absolute path), if the user has it.
  Result<std::filesystem::path> IdeaFile(int64_t user, const std::string& idea_id, size_t n);
  // What an idea can become (layouts or looks, photos to swap in), and an edit of it: other
  // photos, variant or caption. An edit renders the idea again and is kept across regenerations.
  Result<nlohmann::json> IdeaOptions(int64_t user, const std::string& idea_id);
  Result<nlohmann::json> EditIdea(int64_t user, const std::string& idea_id,
                                  const nlohmann::json& body);
  // People (face grouping on only): the list with cover faces; a change is {"op": "edit",
  // "name"?, "hidden"?}, {"op": "merge", "from"} or {"op": "split", "faces": [...]}.
  Result<nlohmann::json> People(int64_t user);
  Result<nlohmann::json> ChangePeople(int64_t user, int64_t person, const nlohmann::json& body);
  // A JPEG of one face, cut from its photo's preview.
  Result<std::string> FaceCrop(int64_t user, int64_t face_id);
  Result<nlohmann::json> AssetJson(int64_t user, int64_t asset_id);
  Result<nlohmann::json> AssetList(int64_t user);
  Result<nlohmann::json> Derived(int64_t user, int64_t asset_id);
  Result<std::filesystem::path> AssetThumbnail(int64_t user, int64_t asset_id);
  // The bytes of one of the user's derived files (a thumbnail or a rendered file), unsealed.
  Result<std::vector<uint8_t>> ReadDerived(int64_t user, const std::filesystem::path& file);
  Result<nlohmann::json> StatusJson(int64_t user);
  nlohmann::json RetentionJson() const;
  // Every file to put in the user's export archive: (name in the archive, bytes or a path).
  // Originals come as sources that decrypt them as they are read.
  using ExportItem = TarItem;
  Result<std::vector<ExportItem>> Export(int64_t user);

  // Deletes every original, upload and derived file and row of the user's media.
  Status PurgeMedia(int64_t user);
  // Deletes every face, embedding and person of the user.
  Status PurgeFaces(int64_t user);

  std::filesystem::path UserDir(int64_t user) const;
  std::filesystem::path UserData(int64_t user) const { return UserDir(user) / "data"; }
  std::filesystem::path UserRoll(int64_t user) const { return UserDir(user) / "originals"; }
  // The folder of plaintext working copies, which is also the roll's name in the user's catalog.
  std::filesystem::path UserWork(int64_t user) const { return UserDir(user) / "work"; }
  // Where an edit of an idea opens the originals it renders (beside a running job's).
  std::filesystem::path UserEditWork(int64_t user) const { return UserDir(user) / "edit-work"; }
  // How the user's catalog is opened: through a VFS that seals its pages with the data key.
  Result<sqlite::OpenOptions> CatalogOptions(int64_t user);
  // The context sealed files and values of the user are bound to.
  static std::string SealContext(int64_t user, KeyPurpose purpose);

 private:
  explicit Service(ServerOptions options) : options_(std::move(options)) {}
  struct UserLocks {
    std::shared_mutex data;
    std::mutex job;
  };
  UserLocks& LocksOf(int64_t user);
  // A user's data folder: read under a shared lock (requests, and a running job, which only
  // adds); replaced or deleted under an exclusive one (purges, retention, people edits), which
  // a job lets go of at its next stage once consent is withdrawn.
  std::shared_mutex& UserLock(int64_t user) { return LocksOf(user).data; }
  // One job per user at a time.
  std::mutex& JobLock(int64_t user) { return LocksOf(user).job; }
  void WorkerLoop();
  Status RunJob(const Job& job);
  Status ProcessLocked(int64_t user);
  // Seals originals stored before encryption at rest, and face signatures likewise; points old
  // catalogs' roll at the working folder. Runs on start.
  Status SealLegacyData();
  struct LegacyCounts {
    size_t originals = 0, derived = 0, catalogs = 0, faces = 0;
  };
  Status SealLegacyUser(int64_t user, LegacyCounts& n);
  // Opens into the working folder the originals the user's catalog has not analysed yet.
  Status OpenNewOriginals(int64_t user, const SecretKey& key);
  // The user's catalog (nullopt before the first job), its face signatures opened with the
  // biometric key.
  Result<std::optional<UserCatalog>> UserCatalogOf(int64_t user);
  Result<std::shared_ptr<const Catalog::FaceSealer>> FaceSealerOf(int64_t user);
  // How the user's thumbnails, previews and renders are kept: sealed with the data key.
  Result<std::shared_ptr<const FileStore>> DerivedFilesOf(int64_t user);
  // Opens originals into the working folder on request (thread-safe); see PipelineOptions.
  std::function<Result<std::filesystem::path>(const AssetFacts&)> OriginalOpener(
      int64_t user, const SecretKey& key, const std::filesystem::path& work);

  ServerOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TusService> tus_;
  std::unique_ptr<KeyStore> keys_;
  std::mutex vfs_mu_;
  std::map<int64_t, std::unique_ptr<SealedVfs>> vfs_;  // by user, made when first needed
  std::mutex ledger_mu_;
  std::mutex sign_in_mu_;
  std::map<std::string, std::vector<int64_t>> sign_in_failures_;  // "name:…" / "client:…" → times

  std::mutex users_mu_;
  std::map<int64_t, std::unique_ptr<UserLocks>> user_locks_;

  std::mutex work_mu_;
  std::condition_variable work_cv_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

}  // namespace camroll::server
