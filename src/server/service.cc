#include "server/service.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <unordered_map>

#include "analyze/analyzer.h"
#include "core/files.h"
#include "core/log.h"
#include "core/parse.h"
#include "ml/model_store.h"
#include "pipeline/pipeline.h"
#include "server/auth.h"
#include "server/notices.h"
#include "server/sealed.h"
#include "server/service_internal.h"

namespace camroll::server {
namespace {

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status RemoveTree(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Fail(ErrorCode::kIo, fmt::format("deleting {}: {}", path.string(), ec.message()));
  return Ok();
}

// A display name cut to at most `max` bytes for an archive member (a tar name part holds 100),
// keeping its extension and never splitting a UTF-8 sequence.
std::string ShortName(const std::string& name, size_t max) {
  if (name.size() <= max) return name;
  const std::string ext = std::filesystem::path(name).extension().string();
  size_t keep = ext.size() < max ? max - ext.size() : 0;
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return name.substr(0, keep) + (ext.size() < max ? ext : "");
}

std::optional<std::string> ReadHead(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string head;
  if (!(in >> head)) return std::nullopt;
  return head;
}

}  // namespace

Result<std::unique_ptr<Service>> Service::Open(ServerOptions options) {
  CAMROLL_RETURN_IF_ERROR(InitCrypto());
  if (!options.now) options.now = SystemNow;
  if (options.models_dir.empty()) options.models_dir = ml::DefaultModelsDir();
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(options.data_dir));
  std::unique_ptr<Service> s(new Service(std::move(options)));
  CAMROLL_ASSIGN_OR_RETURN(s->store_, Store::Open(s->options_.data_dir / "server.db"));
  if (s->options_.keys_dir.empty()) s->options_.keys_dir = s->options_.data_dir / "keys";
  CAMROLL_ASSIGN_OR_RETURN(s->keys_, KeyStore::Open(s->options_.keys_dir));
  Service* self = s.get();
  TusHooks hooks;
  hooks.now = s->options_.now;
  hooks.refusal = [self](int64_t user) -> std::optional<std::string> {
    auto on = self->store_->Switch(user, kCloudProcessing);
    if (!on) return "consent could not be checked: " + on.error().message();
    if (!*on) return std::string("cloud processing is off: switch it on in Settings to upload");
    return std::nullopt;
  };
  hooks.on_asset = [self](int64_t user, int64_t, bool fresh) {
    if (!fresh) return;
    if (auto st =
            self->store_->Enqueue(user, "process", self->Now() + self->options_.process_delay_s);
        !st) {
      Log(LogLevel::kError, "queueing processing: {}", st.error().message());
    }
    self->work_cv_.notify_all();
  };
  hooks.store_original = [self](int64_t user, const std::filesystem::path& part,
                                const std::filesystem::path& target) -> Status {
    CAMROLL_ASSIGN_OR_RETURN(SecretKey key, self->keys_->Get(user, KeyPurpose::kData));
    return SealFile(part, target, key, SealContext(user, KeyPurpose::kData));
  };
  hooks.hold = [self](int64_t user) -> std::shared_ptr<void> {
    return std::make_shared<std::shared_lock<std::shared_mutex>>(self->UserLock(user));
  };
  s->tus_ = std::make_unique<TusService>(*s->store_, s->options_.data_dir, "/v1/uploads",
                                         s->options_.tus, std::move(hooks));
  CAMROLL_ASSIGN_OR_RETURN(std::string recovered, s->tus_->Recover());
  Log(LogLevel::kInfo, "uploads recovered: {}", recovered);
  CAMROLL_RETURN_IF_ERROR(s->SealLegacyData());
  return s;
}

Service::~Service() { StopWorkers(); }

std::filesystem::path Service::UserDir(int64_t user) const {
  return options_.data_dir / "users" / std::to_string(user);
}

std::string Service::SealContext(int64_t user, KeyPurpose purpose) {
  return fmt::format("camroll {} user={}", KeyPurposeName(purpose), user);
}

namespace {

// Face signatures sealed with one user's biometric key.
class UserFaceSealer : public Catalog::FaceSealer {
 public:
  UserFaceSealer(SecretKey key, std::string context)
      : key_(std::move(key)), context_(std::move(context)) {}
  std::string Seal(std::string_view plain) const override {
    return SealBlob(plain, key_, context_);
  }
  Result<std::string> Open(std::string_view sealed) const override {
    return OpenBlob(sealed, key_, context_);
  }

 private:
  SecretKey key_;
  std::string context_;
};

}  // namespace

Result<std::shared_ptr<const Catalog::FaceSealer>> Service::FaceSealerOf(int64_t user) {
  CAMROLL_ASSIGN_OR_RETURN(SecretKey key, keys_->Get(user, KeyPurpose::kFace));
  return std::make_shared<const UserFaceSealer>(std::move(key),
                                                SealContext(user, KeyPurpose::kFace));
}

Result<sqlite::OpenOptions> Service::CatalogOptions(int64_t user) {
  CAMROLL_ASSIGN_OR_RETURN(SecretKey key, keys_->Get(user, KeyPurpose::kData));
  std::lock_guard lock(vfs_mu_);
  auto& vfs = vfs_[user];
  if (!vfs) {
    CAMROLL_ASSIGN_OR_RETURN(vfs, SealedVfs::Register(key));
  }
  return vfs->Options();
}

Result<std::optional<UserCatalog>> Service::UserCatalogOf(int64_t user) {
  if (!std::filesystem::exists(UserData(user) / "catalog.db")) return std::optional<UserCatalog>();
  CAMROLL_ASSIGN_OR_RETURN(auto options, CatalogOptions(user));
  CAMROLL_ASSIGN_OR_RETURN(auto uc, OpenUserCatalog(UserData(user), UserWork(user), options));
  if (!uc) return uc;
  // Reading never makes a biometric key: without one (face grouping never on, or its key
  // destroyed) a sealed face signature cannot be read at all.
  CAMROLL_ASSIGN_OR_RETURN(auto key, keys_->Find(user, KeyPurpose::kFace));
  uc->catalog->SetFaceSealer(std::make_shared<const UserFaceSealer>(
      key.value_or(SecretKey::Random()), SealContext(user, KeyPurpose::kFace)));
  return uc;
}

Result<std::shared_ptr<const FileStore>> Service::DerivedFilesOf(int64_t user) {
  CAMROLL_ASSIGN_OR_RETURN(SecretKey key, keys_->Get(user, KeyPurpose::kData));
  return std::make_shared<const SealedFileStore>(std::move(key),
                                                 SealContext(user, KeyPurpose::kData));
}

Result<std::vector<uint8_t>> Service::ReadDerived(int64_t user, const std::filesystem::path& file) {
  CAMROLL_ASSIGN_OR_RETURN(auto files, DerivedFilesOf(user));
  return files->Read(file, 256ull << 20);
}

std::function<Result<std::filesystem::path>(const AssetFacts&)> Service::OriginalOpener(
    int64_t user, const SecretKey& key, const std::filesystem::path& work) {
  struct Shared {
    std::mutex mu;
    std::filesystem::path originals, work;
    SecretKey key;
    std::string context;
  };
  auto shared = std::make_shared<Shared>();
  shared->originals = UserRoll(user);
  shared->work = work;
  shared->key = key;
  shared->context = SealContext(user, KeyPurpose::kData);
  return [shared](const AssetFacts& asset) -> Result<std::filesystem::path> {
    const std::filesystem::path rel(asset.path);
    if (rel.has_parent_path() || rel.empty() || asset.path[0] == '.') {
      return Fail(ErrorCode::kInvalidInput, "not an original: " + asset.path);
    }
    std::lock_guard lock(shared->mu);
    const auto out = shared->work / rel;
    std::error_code ec;
    if (std::filesystem::is_regular_file(out, ec)) return out;
    CAMROLL_RETURN_IF_ERROR(EnsureDirectory(shared->work));
    CAMROLL_RETURN_IF_ERROR(UnsealFile(shared->originals / rel, out, shared->key, shared->context));
    return out;
  };
}

namespace {

// Rewrites a plain catalog (from before encryption at rest) as a sealed one, in place.
Status SealCatalog(const std::filesystem::path& file, const sqlite::OpenOptions& sealed) {
  const auto tmp = file.parent_path() / "catalog.db.sealing";
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  {
    sqlite::OpenOptions plain;
    plain.reserve_bytes = sealed.reserve_bytes;  // what VACUUM INTO gives the copy
    CAMROLL_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(file, plain));
    CAMROLL_RETURN_IF_ERROR(db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    // A URI: percent-encode what a path could hold that a URI or SQL string cannot.
    std::string uri = "file:";
    for (char c : tmp.string()) {
      if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/-_.~", c)) {
        uri += c;
      } else {
        uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
      }
    }
    CAMROLL_RETURN_IF_ERROR(db.Exec(fmt::format("VACUUM INTO '{}?vfs={}'", uri, sealed.vfs)));
  }
  for (const char* suffix : {"-wal", "-shm"}) {
    std::filesystem::remove(file.string() + suffix, ec);
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    return Fail(ErrorCode::kIo,
                fmt::format("replacing {}: {}", file.string(), std::strerror(errno)));
  }
  return FsyncDirectory(file.parent_path());
}

}  // namespace

Status Service::SealLegacyUser(int64_t user, LegacyCounts& n) {
  // Originals and derived files are sealed alike, with the data key: in place (Adopt).
  CAMROLL_ASSIGN_OR_RETURN(auto files, DerivedFilesOf(user));
  std::error_code ec;
  for (auto f = std::filesystem::directory_iterator(UserRoll(user), ec);
       !ec && f != std::filesystem::directory_iterator(); f.increment(ec)) {
    if (!f->is_regular_file() || IsSealedFile(f->path())) continue;
    CAMROLL_RETURN_IF_ERROR(files->Adopt(f->path()));
    ++n.originals;
  }
  // Thumbnails, previews and renders ("renders/…/.done" markers are empty and stay).
  for (const char* sub : {"thumbs", "renders"}) {
    std::error_code sub_ec;
    for (auto f = std::filesystem::recursive_directory_iterator(UserData(user) / sub, sub_ec);
         !sub_ec && f != std::filesystem::recursive_directory_iterator(); f.increment(sub_ec)) {
      if (!f->is_regular_file() || f->path().filename().string().starts_with(".") ||
          IsSealedFile(f->path())) {
        continue;
      }
      CAMROLL_RETURN_IF_ERROR(files->Adopt(f->path()));
      ++n.derived;
    }
  }
  const auto catalog_file = UserData(user) / "catalog.db";
  if (!std::filesystem::exists(catalog_file)) return Ok();
  CAMROLL_ASSIGN_OR_RETURN(auto options, CatalogOptions(user));
  if (IsPlainSqliteFile(catalog_file)) {
    CAMROLL_RETURN_IF_ERROR(SealCatalog(catalog_file, options));
    ++n.catalogs;
  }
  CAMROLL_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(UserData(user), options));
  auto& db = catalog->db();
  ec.clear();
  const auto old_root = std::filesystem::weakly_canonical(UserRoll(user), ec).string();
  const auto new_root = std::filesystem::weakly_canonical(UserWork(user), ec).string();
  CAMROLL_ASSIGN_OR_RETURN(auto rename,
                           db.Prepare("UPDATE rolls SET root=? WHERE root=? AND NOT EXISTS "
                                      "(SELECT 1 FROM rolls WHERE root=?)"));
  CAMROLL_RETURN_IF_ERROR(rename.Bind(1, new_root).Bind(2, old_root).Bind(3, new_root).Run());
  CAMROLL_ASSIGN_OR_RETURN(auto plain, db.Prepare("SELECT id, embedding FROM faces"));
  std::vector<std::pair<int64_t, std::string>> unsealed;
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool row, plain.Step());
    if (!row) break;
    std::string blob = plain.Blob(1);
    if (!IsSealedBlob(blob)) unsealed.emplace_back(plain.Int(0), std::move(blob));
  }
  if (unsealed.empty()) return Ok();
  CAMROLL_ASSIGN_OR_RETURN(auto sealer, FaceSealerOf(user));
  CAMROLL_ASSIGN_OR_RETURN(auto tx, catalog->Begin());
  CAMROLL_ASSIGN_OR_RETURN(auto update, db.Prepare("UPDATE faces SET embedding=? WHERE id=?"));
  for (const auto& [id, blob] : unsealed) {
    const std::string sealed = sealer->Seal(blob);
    CAMROLL_RETURN_IF_ERROR(update.BindBlob(1, sealed.data(), sealed.size()).Bind(2, id).Run());
  }
  CAMROLL_RETURN_IF_ERROR(tx.Commit());
  CAMROLL_RETURN_IF_ERROR(catalog->Checkpoint());
  n.faces += unsealed.size();
  return Ok();
}

Status Service::SealLegacyData() {
  std::error_code ec;
  LegacyCounts n;
  for (auto dir = std::filesystem::directory_iterator(options_.data_dir / "users", ec);
       !ec && dir != std::filesystem::directory_iterator(); dir.increment(ec)) {
    const auto parsed = ParseNonNegativeInt(dir->path().filename().string());
    if (!parsed) continue;
    const int64_t user = *parsed;
    // Plaintext a job left behind when the server stopped.
    CAMROLL_RETURN_IF_ERROR(RemoveTree(UserWork(user)));
    CAMROLL_RETURN_IF_ERROR(RemoveTree(UserEditWork(user)));
    // Each folder is looked through once, not on every start.
    const auto marker = UserDir(user) / ".sealed-v1";
    if (std::filesystem::exists(marker)) continue;
    CAMROLL_RETURN_IF_ERROR(SealLegacyUser(user, n));
    CAMROLL_RETURN_IF_ERROR(WriteFileAtomic(marker, std::string_view("")));
  }
  if (n.originals + n.derived + n.catalogs + n.faces > 0) {
    Log(LogLevel::kInfo,
        "encryption at rest: {} originals, {} derived files, {} catalogs and {} face signatures "
        "sealed",
        n.originals, n.derived, n.catalogs, n.faces);
  }
  return Ok();
}

Service::UserLocks& Service::LocksOf(int64_t user) {
  std::lock_guard lock(users_mu_);
  auto& m = user_locks_[user];
  if (!m) m = std::make_unique<UserLocks>();
  return *m;
}

// ---- accounts ----

Result<std::string> Service::CreateUser(const std::string& name, const std::string& password) {
  if (name.empty() || name.size() > 64 ||
      !std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '_' || c == '-';
      })) {
    return Fail(ErrorCode::kInvalidInput,
                "a user name is 1-64 letters, digits, dots, dashes or underscores");
  }
  CAMROLL_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  CAMROLL_ASSIGN_OR_RETURN(int64_t user, store_->CreateUser(name, hash, Now()));
  const std::string token = NewSecret("crt_");
  CAMROLL_RETURN_IF_ERROR(store_->AddToken(user, SecretHash(token), kAllScopes, "admin", Now()));
  return token;
}

Result<std::string> Service::CreateToken(const Principal& by,
                                         const std::vector<std::string>& scopes,
                                         const std::string& label) {
  CAMROLL_RETURN_IF_ERROR(CheckScopes(scopes));
  if (!ScopesWithin(scopes, by.scopes)) {
    return Fail(ErrorCode::kPermission, "a token can only grant scopes its maker holds");
  }
  if (label.size() > 100) return Fail(ErrorCode::kLimit, "a label of over 100 bytes");
  const std::string token = NewSecret("crt_");
  CAMROLL_RETURN_IF_ERROR(store_->AddToken(by.user, SecretHash(token), scopes, label, Now()));
  return token;
}

Result<std::optional<Principal>> Service::Authenticate(const std::string& bearer_token) {
  if (bearer_token.empty() || bearer_token.size() > 200) return std::optional<Principal>();
  CAMROLL_ASSIGN_OR_RETURN(auto token, store_->TokenByHash(SecretHash(bearer_token)));
  if (!token || token->revoked) return std::optional<Principal>();
  Principal p;
  p.user = token->user;
  p.scopes = token->scopes;
  p.token_id = token->id;
  return std::optional<Principal>(p);
}

Result<std::pair<std::string, std::string>> Service::SignIn(const std::string& name,
                                                            const std::string& password,
                                                            const std::string& client) {
  const std::string by_name = "name:" + name, by_client = "client:" + client;
  {
    std::lock_guard lock(sign_in_mu_);
    const int64_t since = Now() - kSignInWindowS;
    auto recent = [&](const std::string& key) {
      auto it = sign_in_failures_.find(key);
      if (it == sign_in_failures_.end()) return 0;
      std::erase_if(it->second, [&](int64_t t) { return t <= since; });
      return static_cast<int>(it->second.size());
    };
    if (recent(by_name) >= kSignInFailuresPerName ||
        (!client.empty() && recent(by_client) >= kSignInFailuresPerClient)) {
      return Fail(
          ErrorCode::kLimit,
          fmt::format("too many failed sign-ins; try again in {} minutes", kSignInWindowS / 60));
    }
  }
  auto failed = [&] {
    std::lock_guard lock(sign_in_mu_);
    sign_in_failures_[by_name].push_back(Now());
    if (!client.empty()) sign_in_failures_[by_client].push_back(Now());
    // Forget keys with nothing recent, so that the map stays small.
    const int64_t since = Now() - kSignInWindowS;
    std::erase_if(sign_in_failures_,
                  [&](const auto& kv) { return kv.second.empty() || kv.second.back() <= since; });
  };
  CAMROLL_ASSIGN_OR_RETURN(auto user, store_->FindUser(name));
  // Hash even for an unknown name, so timing does not tell which names exist.
  static const std::string kDummy = *HashPassword("camroll-dummy-password");
  CAMROLL_ASSIGN_OR_RETURN(std::string stored,
                           user ? store_->PasswordHash(user->id) : Result<std::string>(kDummy));
  if (!VerifyPassword(stored, password) || !user) {
    failed();
    return Fail(ErrorCode::kPermission, "wrong user name or password");
  }
  {
    std::lock_guard lock(sign_in_mu_);
    sign_in_failures_.erase(by_name);
  }
  const std::string secret = NewSecret("crs_");
  const std::string csrf = RandomHex16();
  CAMROLL_RETURN_IF_ERROR(store_->AddWebSession(user->id, SecretHash(secret), csrf,
                                                Now() + options_.session_days * 86400));
  return std::pair{secret, csrf};
}

Result<std::optional<Principal>> Service::SessionPrincipal(const std::string& secret) {
  if (secret.empty() || secret.size() > 200) return std::optional<Principal>();
  CAMROLL_ASSIGN_OR_RETURN(auto session, store_->WebSessionByHash(SecretHash(secret), Now()));
  if (!session) return std::optional<Principal>();
  Principal p;
  p.user = session->user;
  p.scopes = kAllScopes;
  p.session_hash = SecretHash(secret);
  p.csrf = session->csrf;
  return std::optional<Principal>(p);
}

Status Service::SignOut(const std::string& secret) {
  return store_->DeleteWebSession(SecretHash(secret));
}

bool Service::StillValid(const Principal& p) {
  if (p.token_id != 0) {
    auto tokens = store_->Tokens(p.user);
    if (!tokens) return false;
    for (const Token& t : *tokens) {
      if (t.id == p.token_id) return !t.revoked;
    }
    return false;
  }
  return true;  // sessions are checked per request; a sign-out ends the next one
}

// ---- switches and consent ----

Result<std::map<std::string, bool>> Service::Switches(int64_t user) {
  std::map<std::string, bool> out;
  for (const Notice& n : Notices()) {
    CAMROLL_ASSIGN_OR_RETURN(out[n.switch_name], store_->Switch(user, n.switch_name));
  }
  return out;
}

Result<SwitchChange> Service::SetSwitch(int64_t user, const std::string& name, bool value,
                                        const std::string& method) {
  const Notice* notice = FindNotice(name);
  if (notice == nullptr) return Fail(ErrorCode::kInvalidInput, "no switch named '" + name + "'");
  SwitchChange change;
  {
    std::lock_guard lock(ledger_mu_);
    CAMROLL_ASSIGN_OR_RETURN(bool current, store_->Switch(user, name));
    if (current == value) return change;
    LedgerEntry e;
    e.user = user;
    e.switch_name = name;
    e.value = value;
    e.notice_version = notice->version;
    e.notice_text = value ? notice->turn_on : notice->turn_off;
    e.method = method;
    e.purpose = notice->purpose;
    e.time = Now();
    CAMROLL_ASSIGN_OR_RETURN(change.entry, store_->AppendLedger(e));
    CAMROLL_RETURN_IF_ERROR(WriteFileAtomic(options_.data_dir / "ledger.head", change.entry.hash));
    change.changed = true;
  }
  // The switch is recorded first, so that from here on every upload and job sees it.
  if (name == kCloudProcessing) {
    if (value) {
      CAMROLL_RETURN_IF_ERROR(store_->Enqueue(user, "process", Now()));
      work_cv_.notify_all();
    } else {
      CAMROLL_RETURN_IF_ERROR(PurgeMedia(user));
      change.deleted =
          "every uploaded photo and video, thumbnail, derived fact, face, person, idea and "
          "rendered file";
    }
  } else if (name == kFaceGrouping) {
    if (value) {
      CAMROLL_RETURN_IF_ERROR(store_->Enqueue(user, "process", Now()));
      work_cv_.notify_all();
    } else {
      CAMROLL_RETURN_IF_ERROR(PurgeFaces(user));
      change.deleted = "every face, face signature, person and name";
    }
  }
  return change;
}

Result<LedgerCheck> Service::VerifyLedger() {
  CAMROLL_ASSIGN_OR_RETURN(auto entries, store_->Ledger(std::nullopt));
  return server::VerifyLedger(entries, ReadHead(options_.data_dir / "ledger.head"));
}

// ---- purges ----

Status Service::PurgeMedia(int64_t user) {
  // Waits for a job of this user that is running now: it re-checks consent between stages and
  // before each render and stops, and nothing it writes may outlive the purge.
  std::unique_lock lock(UserLock(user));
  // The keys go first: from then on no copy of what they sealed can be read, wherever it is
  // (backups, snapshots, blocks the deletes below free but do not overwrite).
  CAMROLL_RETURN_IF_ERROR(keys_->Destroy(user, KeyPurpose::kData));
  CAMROLL_RETURN_IF_ERROR(keys_->Destroy(user, KeyPurpose::kFace));
  CAMROLL_RETURN_IF_ERROR(store_->PurgeUserMedia(user));
  CAMROLL_RETURN_IF_ERROR(tus_->DeleteUserParts(user));
  CAMROLL_RETURN_IF_ERROR(RemoveTree(UserDir(user)));
  {
    std::lock_guard vfs_lock(vfs_mu_);
    vfs_.erase(user);  // its key is gone; no connection of the user's is open (the lock)
  }
  Log(LogLevel::kInfo, "user {}: media purged and keys destroyed", user);
  return Ok();
}

Status Service::PurgeFaces(int64_t user) {
  // A running job with face grouping on stops at its next stage (keep_going).
  std::unique_lock lock(UserLock(user));
  CAMROLL_RETURN_IF_ERROR(keys_->Destroy(user, KeyPurpose::kFace));
  const auto catalog_file = UserData(user) / "catalog.db";
  if (!std::filesystem::exists(catalog_file)) return Ok();
  CAMROLL_ASSIGN_OR_RETURN(auto options, CatalogOptions(user));
  CAMROLL_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(UserData(user), options));
  {
    CAMROLL_ASSIGN_OR_RETURN(auto tx, catalog->Begin());
    CAMROLL_ASSIGN_OR_RETURN(int64_t faces, catalog->PurgeFaceGrouping());
    CAMROLL_RETURN_IF_ERROR(catalog->SetSetting(kFaceGroupingKey, "off", Now()));
    CAMROLL_RETURN_IF_ERROR(tx.Commit());
    Log(LogLevel::kInfo, "user {}: {} faces purged", user, faces);
  }
  CAMROLL_RETURN_IF_ERROR(catalog->Checkpoint());
  // Ideas that featured people are made again without them.
  CAMROLL_RETURN_IF_ERROR(store_->Enqueue(user, "process", Now()));
  work_cv_.notify_all();
  return Ok();
}

// ---- processing ----

void Service::StartWorkers() {
  std::lock_guard lock(work_mu_);
  stopping_ = false;
  for (size_t i = 0; i < std::max<size_t>(1, options_.workers); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

void Service::StopWorkers() {
  {
    std::lock_guard lock(work_mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void Service::WorkerLoop() {
  int64_t last_maintenance = 0;
  for (;;) {
    {
      std::unique_lock lock(work_mu_);
      if (stopping_) return;
    }
    if (Now() - last_maintenance >= 60) {
      last_maintenance = Now();
      if (auto done = Maintain(); !done) {
        Log(LogLevel::kError, "maintenance: {}", done.error().message());
      }
    }
    auto job = store_->TakeJob(Now());
    if (!job) {
      Log(LogLevel::kError, "job queue: {}", job.error().message());
    } else if (*job) {
      auto ran = RunJob(**job);
      // Interrupted by a shutdown: the job stays `running`, so the next start queues it again.
      if (!ran && stopping_) continue;
      (void)store_->FinishJob((*job)->id, ran ? "" : ran.error().message());
      continue;
    }
    std::unique_lock lock(work_mu_);
    work_cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_.load(); });
  }
}

Status Service::RunJob(const Job& job) {
  if (job.kind != "process") return Fail(ErrorCode::kInternal, "unknown job " + job.kind);
  std::lock_guard job_lock(JobLock(job.user));
  std::shared_lock lock(UserLock(job.user));
  return ProcessLocked(job.user);
}

Status Service::ProcessUser(int64_t user) {
  std::lock_guard job_lock(JobLock(user));
  std::shared_lock lock(UserLock(user));
  return ProcessLocked(user);
}

Status Service::ProcessLocked(int64_t user) {
  // Consent is checked when the job runs, not when it was queued.
  CAMROLL_ASSIGN_OR_RETURN(bool cloud, store_->Switch(user, kCloudProcessing));
  if (!cloud) {
    Log(LogLevel::kInfo, "user {}: cloud processing is off; job dropped", user);
    return Ok();
  }
  CAMROLL_ASSIGN_OR_RETURN(bool faces, store_->Switch(user, kFaceGrouping));
  if (!std::filesystem::is_directory(UserRoll(user))) return Ok();  // nothing uploaded yet
  const int64_t started = Now();
  CAMROLL_ASSIGN_OR_RETURN(SecretKey key, keys_->Get(user, KeyPurpose::kData));
  // The plaintext of the originals lives in the working folder only while this job runs.
  struct RemoveWork {
    std::filesystem::path dir;
    ~RemoveWork() { (void)RemoveTree(dir); }
  } remove_work{UserWork(user)};
  CAMROLL_RETURN_IF_ERROR(RemoveTree(UserWork(user)));
  CAMROLL_RETURN_IF_ERROR(OpenNewOriginals(user, key));
  PipelineOptions options;
  options.data_dir = UserData(user);
  options.roll = UserWork(user);
  options.still_in_roll = [originals = UserRoll(user)](const std::string& rel) {
    std::error_code ec;
    return std::filesystem::is_regular_file(originals / rel, ec);
  };
  options.original_file = OriginalOpener(user, key, UserWork(user));
  if (faces) {
    CAMROLL_ASSIGN_OR_RETURN(options.face_sealer, FaceSealerOf(user));
  }
  CAMROLL_ASSIGN_OR_RETURN(options.files, DerivedFilesOf(user));
  CAMROLL_ASSIGN_OR_RETURN(options.catalog, CatalogOptions(user));
  options.threads = options_.pipeline_threads;
  options.models_dir = options_.models_dir;
  options.faces = faces ? PipelineOptions::Faces::kOn : PipelineOptions::Faces::kOff;
  options.require_models_for_faces = false;
  // The Story composer offers only rendered ideas: make more of them than the CLI's default.
  options.render_top = 24;
  // Consent withdrawn during the run stops it at the next stage (the purge waits for that); so
  // does a shutdown.
  options.keep_going = [this, user, faces] {
    if (stopping_) return false;
    auto on = store_->Switch(user, kCloudProcessing);
    if (!on || !*on) return false;
    // Face grouping switched off: this run, which looks for faces, gives way to the purge,
    // which queues a run without them.
    auto faces_now = store_->Switch(user, kFaceGrouping);
    return faces_now && (!faces || *faces_now);
  };
  auto run = Suggest(options);
  if (!run && run.error().code() == ErrorCode::kPermission) {
    if (stopping_) {
      return Fail(ErrorCode::kInternal,
                  "interrupted by a shutdown; it runs again on the next start");
    }
    Log(LogLevel::kInfo, "user {}: consent was withdrawn; the run stopped", user);
    return Ok();
  }
  if (!run) return std::unexpected(run.error());
  CAMROLL_RETURN_IF_ERROR(store_->MarkProcessed(user, started, Now()));
  Log(LogLevel::kInfo, "user {}: {} files, {} ideas", user, run->scan.stats.files,
      run->ideas.size());
  return Ok();
}

Status Service::OpenNewOriginals(int64_t user, const SecretKey& key) {
  CAMROLL_ASSIGN_OR_RETURN(auto uc, UserCatalogOf(user));
  using States = std::unordered_map<std::string, FileState>;
  CAMROLL_ASSIGN_OR_RETURN(const States known,
                           uc ? uc->catalog->FileStates(uc->roll_id) : Result<States>(States{}));
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(UserWork(user)));
  ::chmod(UserWork(user).c_str(), 0700);
  const std::string context = SealContext(user, KeyPurpose::kData);
  std::error_code ec;
  for (auto f = std::filesystem::directory_iterator(UserRoll(user), ec);
       !ec && f != std::filesystem::directory_iterator(); f.increment(ec)) {
    const std::string rel = f->path().filename().string();
    if (!f->is_regular_file() || rel.starts_with(".")) continue;
    auto it = known.find(rel);
    if (it != known.end() && it->second.analysis_version == Analyzer::kVersion) continue;
    if (auto st = UnsealFile(f->path(), UserWork(user) / rel, key, context); !st) {
      // Left out of this run (and reported); the rest of the roll goes on.
      Log(LogLevel::kError, "user {}: {}", user, st.error().message());
    }
  }
  if (ec) {
    return Fail(ErrorCode::kIo,
                fmt::format("listing {}: {}", UserRoll(user).string(), ec.message()));
  }
  return Ok();
}

Result<std::string> Service::Maintain() {
  CAMROLL_ASSIGN_OR_RETURN(size_t expired, tus_->ExpireUploads());
  CAMROLL_ASSIGN_OR_RETURN(auto old,
                           store_->UnpostedBefore(Now() - options_.retention_days * 86400));
  std::set<int64_t> touched;
  for (const Asset& a : old) {
    std::unique_lock lock(UserLock(a.user));
    std::error_code ec;
    std::filesystem::remove(UserDir(a.user) / a.file, ec);
    CAMROLL_RETURN_IF_ERROR(store_->DeleteAsset(a.user, a.id));
    touched.insert(a.user);
  }
  // The next run removes what was derived from the deleted files (the catalog cascades).
  for (int64_t user : touched) CAMROLL_RETURN_IF_ERROR(store_->Enqueue(user, "process", Now()));
  // Face data of an owner inactive for 3 years goes (BIPA's longest term): face grouping is
  // switched off for them, recorded in the ledger as done by retention.
  size_t faces_expired = 0;
  CAMROLL_ASSIGN_OR_RETURN(auto users, store_->Users());
  for (const User& u : users) {
    CAMROLL_ASSIGN_OR_RETURN(bool faces, store_->Switch(u.id, kFaceGrouping));
    if (!faces) continue;
    CAMROLL_ASSIGN_OR_RETURN(int64_t last, store_->LastActivity(u.id));
    if (Now() - last <= kFaceDataDays * 86400) continue;
    CAMROLL_RETURN_IF_ERROR(SetSwitch(u.id, kFaceGrouping, false, "retention"));
    ++faces_expired;
  }
  return fmt::format(
      "{} expired uploads and {} unposted files past retention deleted; face data of {} "
      "inactive owners deleted",
      expired, old.size(), faces_expired);
}

// ---- what the API serves ----

Result<nlohmann::json> Service::AssetJson(int64_t user, int64_t asset_id) {
  CAMROLL_ASSIGN_OR_RETURN(auto a, store_->FindAsset(user, asset_id));
  if (!a) return Fail(ErrorCode::kNotFound, "no such asset");
  return nlohmann::json{
      {"id", a->id},
      {"name", a->name},
      {"type", a->type},
      {"size", a->size},
      {"sha256", a->sha256},
      {"uploaded", a->created},
      {"posted", a->posted},
      {"processed", a->processed ? nlohmann::json(*a->processed) : nlohmann::json()},
      {"expires", a->posted ? nlohmann::json()
                            : nlohmann::json(a->created + options_.retention_days * 86400)}};
}

Result<nlohmann::json> Service::AssetList(int64_t user) {
  CAMROLL_ASSIGN_OR_RETURN(auto assets, store_->Assets(user));
  nlohmann::json out = nlohmann::json::array();
  for (const Asset& a : assets) {
    CAMROLL_ASSIGN_OR_RETURN(auto j, AssetJson(user, a.id));
    out.push_back(std::move(j));
  }
  return out;
}

Result<nlohmann::json> Service::Derived(int64_t user, int64_t asset_id) {
  CAMROLL_ASSIGN_OR_RETURN(auto a, store_->FindAsset(user, asset_id));
  if (!a) return Fail(ErrorCode::kNotFound, "no such asset");
  nlohmann::json out{{"asset", asset_id}, {"facts", nlohmann::json::array()}};
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(auto uc, UserCatalogOf(user));
  if (!uc) return out;
  auto& db = uc->catalog->db();
  CAMROLL_ASSIGN_OR_RETURN(auto find,
                           db.Prepare("SELECT id FROM assets WHERE roll_id=? AND path=?"));
  find.Bind(1, uc->roll_id).Bind(2, a->file.substr(std::string("originals/").size()));
  CAMROLL_ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) return out;
  const int64_t catalog_id = find.Int(0);
  for (const PurposeTable& t : DerivedTables()) {
    // Only tables with one row per asset fact (people tables hang off faces).
    CAMROLL_ASSIGN_OR_RETURN(auto cols, db.Prepare(fmt::format("PRAGMA table_info({})", t.table)));
    bool has_asset = false;
    for (;;) {
      CAMROLL_ASSIGN_OR_RETURN(bool r, cols.Step());
      if (!r) break;
      has_asset |= cols.Text(1) == "asset_id";
    }
    if (!has_asset) continue;
    CAMROLL_ASSIGN_OR_RETURN(auto st,
                             db.Prepare(fmt::format("SELECT * FROM {} WHERE asset_id=?", t.table)));
    st.Bind(1, catalog_id);
    for (;;) {
      CAMROLL_ASSIGN_OR_RETURN(bool r, st.Step());
      if (!r) break;
      nlohmann::json fact{{"table", t.table}, {"purpose", t.purpose}};
      nlohmann::json values = nlohmann::json::object();
      for (int c = 0; c < st.ColumnCount(); ++c) {
        const std::string name = st.ColumnName(c);
        if (name == "asset_id" || name == "id") continue;
        switch (st.ColumnType(c)) {
          case SQLITE_INTEGER:
            values[name] = st.Int(c);
            break;
          case SQLITE_FLOAT:
            values[name] = st.Real(c);
            break;
          case SQLITE_TEXT:
            values[name] = st.Text(c);
            break;
          case SQLITE_BLOB:
            // Embeddings and hashes: their size is what a person can read.
            values[name] = fmt::format("<{} bytes>", st.Blob(c).size());
            break;
          default:
            values[name] = nullptr;
        }
      }
      if (values.contains("created_at")) fact["created"] = values["created_at"];
      fact["values"] = std::move(values);
      out["facts"].push_back(std::move(fact));
    }
  }
  return out;
}

}  // namespace camroll::server

namespace camroll::server {

Result<std::filesystem::path> Service::AssetThumbnail(int64_t user, int64_t asset_id) {
  CAMROLL_ASSIGN_OR_RETURN(auto a, store_->FindAsset(user, asset_id));
  if (!a) return Fail(ErrorCode::kNotFound, "no such asset");
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(auto uc, UserCatalogOf(user));
  if (!uc) return Fail(ErrorCode::kNotFound, "not processed yet");
  CAMROLL_ASSIGN_OR_RETURN(
      auto st, uc->catalog->db().Prepare(
                   "SELECT t.file FROM asset_thumbnails t JOIN assets a ON a.id=t.asset_id "
                   "WHERE a.roll_id=? AND a.path=? ORDER BY t.size LIMIT 1"));
  st.Bind(1, uc->roll_id).Bind(2, a->file.substr(std::string("originals/").size()));
  CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Fail(ErrorCode::kNotFound, "no thumbnail yet");
  const auto path = UserData(user) / st.Text(0);
  if (!std::filesystem::is_regular_file(path)) return Fail(ErrorCode::kNotFound, "no thumbnail");
  return path;
}

Result<nlohmann::json> Service::StatusJson(int64_t user) {
  CAMROLL_ASSIGN_OR_RETURN(auto assets, store_->Assets(user));
  CAMROLL_ASSIGN_OR_RETURN(auto uploads, store_->Uploads(user));
  CAMROLL_ASSIGN_OR_RETURN(int64_t pending_jobs, store_->PendingJobs(user));
  CAMROLL_ASSIGN_OR_RETURN(auto job_error, store_->LastJobError(user));
  size_t processed = 0;
  for (const Asset& a : assets) processed += a.processed.has_value();
  size_t open = 0;
  for (const Upload& u : uploads) open += !u.done;
  nlohmann::json failed = nlohmann::json::array();
  {
    std::shared_lock lock(UserLock(user));
    auto uc = UserCatalogOf(user);
    if (!uc) return std::unexpected(uc.error());
    if (*uc) {
      // Only the failed files: status is polled while a job runs, and a whole roll's facts
      // would be read (and unsealed) on every poll.
      CAMROLL_ASSIGN_OR_RETURN(
          auto st, (*uc)->catalog->db().Prepare("SELECT path, IFNULL(error, '') FROM assets "
                                                "WHERE roll_id = ? AND status = 'failed' "
                                                "ORDER BY path"));
      st.Bind(1, (*uc)->roll_id);
      for (;;) {
        CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        const std::string path = st.Text(0);
        CAMROLL_ASSIGN_OR_RETURN(auto asset, store_->AssetByFile(user, "originals/" + path));
        failed.push_back({{"asset", asset ? nlohmann::json(asset->id) : nlohmann::json()},
                          {"name", asset ? asset->name : path},
                          {"reason", st.Text(1)}});
      }
    }
  }
  return nlohmann::json{{"uploaded", assets.size()},
                        {"uploading", open},
                        {"analysed", processed},
                        {"processing", pending_jobs > 0},
                        {"failed", failed},
                        {"last_error", job_error ? nlohmann::json(*job_error) : nlohmann::json()}};
}

nlohmann::json Service::RetentionJson() const {
  return {{"unposted_uploads_days", options_.retention_days},
          {"unfinished_uploads_hours", options_.tus.expire_after_s / 3600},
          {"browser_sessions_days", options_.session_days},
          {"schedule",
           {fmt::format("Uploaded photos and videos that are not part of an accepted idea are "
                        "deleted {} days after upload, with everything derived from them.",
                        options_.retention_days),
            fmt::format("Unfinished uploads are deleted {} hours after they began.",
                        options_.tus.expire_after_s / 3600),
            "Switching cloud processing off deletes every upload and everything derived at once.",
            "Switching face grouping off deletes every face, face signature and person at once; "
            "face data is deleted 3 years after the owner last used camroll at the latest.",
            "Consent records are kept as proof of consent and of its withdrawal."}}};
}

Result<std::vector<Service::ExportItem>> Service::Export(int64_t user) {
  std::vector<ExportItem> items;
  CAMROLL_ASSIGN_OR_RETURN(auto u, store_->UserById(user));
  if (!u) return Fail(ErrorCode::kNotFound, "no such user");
  CAMROLL_ASSIGN_OR_RETURN(auto switches, Switches(user));
  CAMROLL_ASSIGN_OR_RETURN(auto ledger, store_->Ledger(user));
  CAMROLL_ASSIGN_OR_RETURN(auto assets, AssetList(user));
  nlohmann::json ledger_json = nlohmann::json::array();
  for (const auto& e : ledger) ledger_json.push_back(LedgerEntryJson(e));
  nlohmann::json account{{"user", u->name},      {"created", u->created},
                         {"switches", switches}, {"consent_ledger", ledger_json},
                         {"assets", assets},     {"retention", RetentionJson()}};
  nlohmann::json derived = nlohmann::json::array();
  for (const auto& a : assets) {
    CAMROLL_ASSIGN_OR_RETURN(auto d, Derived(user, a["id"].get<int64_t>()));
    derived.push_back(std::move(d));
  }
  CAMROLL_ASSIGN_OR_RETURN(auto ideas, Ideas(user, "story"));
  items.push_back({"camroll-export/account.json", account.dump(2), {}, {}});
  items.push_back({"camroll-export/derived.json", derived.dump(2), {}, {}});
  items.push_back({"camroll-export/ideas.json", ideas.dump(2), {}, {}});
  CAMROLL_ASSIGN_OR_RETURN(auto rows, store_->Assets(user));
  // Originals and renders are sealed: each is decrypted as the archive reaches it.
  SecretKey key;
  CAMROLL_ASSIGN_OR_RETURN(auto has_key, keys_->Find(user, KeyPurpose::kData));
  if (has_key) key = *has_key;
  auto unsealed = [key, context = SealContext(user, KeyPurpose::kData)](
                      std::filesystem::path file) -> std::function<Result<TarSource>()> {
    return [file = std::move(file), key, context]() -> Result<TarSource> {
      CAMROLL_ASSIGN_OR_RETURN(std::shared_ptr<SealedReader> reader,
                               SealedReader::Open(file, key, context));
      return TarSource{reader->size(),
                       [reader](std::string& piece) { return reader->Next(piece); }};
    };
  };
  for (const Asset& a : rows) {
    items.push_back({fmt::format("camroll-export/originals/{}-{}", a.id, ShortName(a.name, 80)),
                     "",
                     {},
                     unsealed(UserDir(user) / a.file)});
  }
  {
    std::shared_lock lock(UserLock(user));
    CAMROLL_ASSIGN_OR_RETURN(auto uc, UserCatalogOf(user));
    if (uc) {
      CAMROLL_ASSIGN_OR_RETURN(auto stored, uc->catalog->LoadIdeas(uc->roll_id));
      for (const StoredIdea& s : stored) {
        for (const auto& f : s.files) {
          if (f.empty() || !std::filesystem::is_regular_file(UserData(user) / f)) continue;
          items.push_back(
              {"camroll-export/ideas/" + s.id + "/" + std::filesystem::path(f).filename().string(),
               "",
               {},
               unsealed(UserData(user) / f)});
        }
      }
    }
  }
  return items;
}

}  // namespace camroll::server
