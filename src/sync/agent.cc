#include "sync/agent.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "core/files.h"
#include "core/log.h"
#include "core/sha256.h"
#include "media/format.h"
#include "media/screenshot.h"
#include "scan/roll_scanner.h"
#include "sync/state.h"
#include "sync/tus_client.h"

namespace camroll::sync {
namespace {

constexpr size_t kSniffBytes = 64;
// Problems (retries, re-HEADs, waits) one file may meet in one pass before it waits for the next.
constexpr int kMaxProblems = 6;

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80         ? 1
                       : (c >> 5) == 6  ? 2
                       : (c >> 4) == 14 ? 3
                       : (c >> 3) == 30 ? 4
                                        : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += len;
  }
  return true;
}

Format FormatByName(std::string_view name) {
  for (Format f : {Format::kJpeg, Format::kHeif, Format::kAvif, Format::kPng, Format::kWebp,
                   Format::kGif, Format::kTiff, Format::kMp4, Format::kMov}) {
    if (FormatName(f) == name) return f;
  }
  return Format::kUnknown;
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// Reads exactly n bytes at offset (fewer only at the end of the file).
Result<size_t> ReadAt(int fd, uint8_t* out, size_t n, int64_t offset) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, out + got, n - got, offset + static_cast<int64_t>(got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Fail(ErrorCode::kIo, fmt::format("reading: {}", std::strerror(errno)));
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

// How one file's upload ended in this pass.
struct Outcome {
  enum Kind {
    kDone,        // the server has the bytes
    kPending,     // try again next pass
    kRefused,     // the server will not take these bytes (too large): until the file changes
    kConsentOff,  // cloud processing was switched off: stop the pass
    kStopPass,    // the server is unreachable or overloaded, or we were asked to stop
    kFatal,       // the token was refused
  } kind;
  std::string reason;
};

// What was read of a file no longer holds: it is read (and uploaded) again.
void MustReread(FileState& f) {
  f.sha256.clear();
  f.upload.clear();
  f.offset = 0;
  f.done = false;
  f.consent = 0;
}

}  // namespace

std::string_view EventName(SyncEvent::Kind kind) {
  switch (kind) {
    case SyncEvent::Kind::kConsentOff:
      return "consent_off";
    case SyncEvent::Kind::kListed:
      return "listed";
    case SyncEvent::Kind::kSkipped:
      return "skipped";
    case SyncEvent::Kind::kHashed:
      return "hashed";
    case SyncEvent::Kind::kUploadStarted:
      return "upload_started";
    case SyncEvent::Kind::kResumed:
      return "resumed";
    case SyncEvent::Kind::kChunkSent:
      return "chunk_sent";
    case SyncEvent::Kind::kUploaded:
      return "uploaded";
    case SyncEvent::Kind::kAlreadyThere:
      return "already_there";
    case SyncEvent::Kind::kFailed:
      return "failed";
    case SyncEvent::Kind::kPassDone:
      return "pass_done";
  }
  return "event";
}

struct SyncAgent::Impl {
  SyncOptions o;
  std::filesystem::path state_file;
  std::unique_ptr<ServerClient> client;
  std::optional<SyncState> state;
  std::atomic<bool>* stop = nullptr;
  std::vector<uint8_t> buffer;
  std::string saved_json;  // the state file's content as last written or read

  // The pass being run.
  SyncPass* pass = nullptr;
  int64_t epoch = 0;  // the consent-ledger entry in force (0: unknown to this token)
  std::optional<std::set<std::string>> server_shas;
  bool server_shas_asked = false;
  std::set<std::string> done_shas;  // bytes the server acknowledged in this consent period

  explicit Impl(SyncOptions options) : o(std::move(options)) {}

  void Emit(SyncEvent::Kind kind, const std::string& path, int64_t offset = 0, int64_t size = 0,
            std::string detail = "") {
    if (!o.on_event) return;
    SyncEvent e{kind, path, offset, size, std::move(detail), nullptr};
    o.on_event(e);
  }

  bool Stopping() const { return stop != nullptr && stop->load(); }

  // Sleeps, waking early when asked to stop. False when stopping.
  bool Wait(double seconds) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point until =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(std::max(0.0, seconds)));
    while (Clock::now() < until) {
      if (Stopping()) return false;
      const Clock::duration left = until - Clock::now();
      std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(100), left));
    }
    return !Stopping();
  }

  int64_t Now() const { return o.now ? o.now() : SystemNow(); }

  Status Prepare() {
    if (client) return Ok();
    std::error_code ec;
    if (o.roll.empty() || !std::filesystem::is_directory(o.roll, ec)) {
      return Fail(ErrorCode::kNotFound,
                  fmt::format("the roll {} is not a folder", o.roll.string()));
    }
    if (o.window_days < 0) return Fail(ErrorCode::kInvalidInput, "window_days must be >= 0");
    if (o.chunk_bytes == 0 || o.chunk_bytes > (size_t{1} << 30)) {
      return Fail(ErrorCode::kInvalidInput, "chunk_bytes must be between 1 byte and 1 GiB");
    }
    if (!(o.poll_s > 0) || !(o.retry_s >= 0)) {
      return Fail(ErrorCode::kInvalidInput, "poll_s must be > 0 and retry_s >= 0");
    }
    for (const std::string& m : o.media) {
      if (m != "photo" && m != "video") {
        return Fail(ErrorCode::kInvalidInput, "media are 'photo' and 'video', not '" + m + "'");
      }
    }
    state_file = o.state_file.empty() ? o.roll / ".camroll-sync.json" : o.state_file;
    CAMROLL_ASSIGN_OR_RETURN(client, ServerClient::Connect(o.server, o.token));
    return Ok();
  }

  Status LoadStateOnce() {
    if (state) return Ok();
    auto loaded = LoadState(state_file);
    if (!loaded && loaded.error().code() != ErrorCode::kInvalidInput) {
      return std::unexpected(loaded.error());
    }
    // A state file that cannot be parsed costs a re-read of the roll, nothing more: the server
    // de-duplicates and unfinished uploads expire there.
    if (!loaded) Log(LogLevel::kWarning, "{}; starting over", loaded.error().message());
    state = loaded ? std::move(*loaded) : SyncState{};
    saved_json = loaded ? StateJson(*state) : "";
    return Ok();
  }

  // Writes the state when it differs from what was last written.
  Status Save(bool durable) {
    std::string json = StateJson(*state);
    if (json == saved_json) return Ok();
    CAMROLL_RETURN_IF_ERROR(SaveState(state_file, json, durable));
    saved_json = std::move(json);
    return Ok();
  }

  bool EpochOk(const FileState& f) const {
    return epoch == 0 || f.consent == 0 || f.consent == epoch;
  }

  // nullopt: could not ask (the reason is in `why`).
  std::optional<bool> CloudProcessing(std::string& why, bool& fatal) {
    fatal = false;
    const Reply r = client->Get("/v1/settings");
    if (r.status == 401 || r.status == 403) {
      fatal = true;
      why = "the server refused the token: " + r.Describe();
      return std::nullopt;
    }
    if (r.status != 200) {
      why = "asking for the settings: " + r.Describe();
      return std::nullopt;
    }
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object()) {
      why = "the server's settings are not a JSON object";
      return std::nullopt;
    }
    // Anything but an explicit true is no consent.
    const auto it = j.find("cloud_processing");
    return it != j.end() && it->is_boolean() && it->get<bool>();
  }

  // The ledger entry that made cloud processing what it is now; 0 when this token may not read
  // the ledger. Uploads acknowledged under another entry were deleted when it was switched off.
  // False when the server did not answer (a 403, no `read` scope, is an answer).
  bool AskConsentEpoch(std::string& why) {
    epoch = 0;
    const Reply r = client->Get("/v1/ledger");
    if (r.status == 0 || r.status >= 500) {
      why = "asking for the consent ledger: " + r.Describe();
      return false;
    }
    const auto j =
        r.status == 200 ? nlohmann::json::parse(r.body, nullptr, false) : nlohmann::json();
    if (!j.is_array()) return true;
    for (const auto& e : j) {
      if (e.is_object() && e.value("switch", "") == "cloud_processing" && e.contains("seq") &&
          e["seq"].is_number_integer()) {
        epoch = std::max(epoch, e["seq"].get<int64_t>());
      }
    }
    return true;
  }

  // The SHA-256s of the owner's assets, when this token may list them (scope `read`).
  const std::set<std::string>* ServerShas() {
    if (!server_shas_asked) {
      server_shas_asked = true;
      const Reply r = client->Get("/v1/assets");
      const auto j =
          r.status == 200 ? nlohmann::json::parse(r.body, nullptr, false) : nlohmann::json();
      if (j.is_array()) {
        server_shas.emplace();
        for (const auto& a : j) {
          if (a.is_object() && a.contains("sha256") && a["sha256"].is_string()) {
            server_shas->insert(a["sha256"].get<std::string>());
          }
        }
      }
    }
    return server_shas ? &*server_shas : nullptr;
  }

  void ConsentWithdrawn() {
    // Switching cloud processing off deleted every upload and asset on the server.
    if (state && state->ForgetServerCopies()) (void)Save(true);
  }

  void Record(SyncPass& p, const std::string& rel, const Outcome& out) {
    const bool retry = out.kind != Outcome::kRefused;
    p.failed.push_back({rel, out.reason, retry});
    if (retry) ++p.pending;
    Emit(SyncEvent::Kind::kFailed, rel, 0, 0, out.reason);
  }

  Result<SyncPass> RunOnce() {
    CAMROLL_RETURN_IF_ERROR(Prepare());
    SyncPass p;
    pass = &p;
    epoch = 0;
    server_shas.reset();
    server_shas_asked = false;
    auto finish = [&]() -> Result<SyncPass> {
      if (o.on_event) {
        SyncEvent e{SyncEvent::Kind::kPassDone, "", 0, 0, p.interrupted, &p};
        o.on_event(e);
      }
      pass = nullptr;
      return p;
    };

    // 1. Consent, before anything of the roll is touched.
    std::string why;
    bool fatal = false;
    const auto cloud = CloudProcessing(why, fatal);
    if (fatal) return Fail(ErrorCode::kPermission, why);
    if (!cloud) {
      p.interrupted = why;
      return finish();
    }
    CAMROLL_RETURN_IF_ERROR(LoadStateOnce());
    if (!*cloud) {
      p.consent_off = true;
      ConsentWithdrawn();
      Emit(SyncEvent::Kind::kConsentOff, "", 0, 0,
           "cloud processing is off: nothing is read or sent");
      return finish();
    }
    if (!AskConsentEpoch(why)) {
      p.interrupted = why;
      return finish();
    }
    if (state->server != ServerBase()) {
      state->ForgetServerCopies();
      state->server = ServerBase();
    }

    done_shas.clear();
    for (const auto& [path, f] : state->files) {
      if (f.done && EpochOk(f)) done_shas.insert(f.sha256);
    }

    // 2. The roll.
    CAMROLL_ASSIGN_OR_RETURN(auto files, ListRollFiles(o.roll));
    p.listed = files.size();
    Emit(SyncEvent::Kind::kListed, "", 0, static_cast<int64_t>(files.size()));
    ForgetVanished(files);

    // 3. Each file.
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string& rel = files[i];
      if (Stopping()) {
        p.interrupted = "stopped";
        p.pending += files.size() - i;
        break;
      }
      const Outcome out = SyncFile(rel);
      if (out.kind == Outcome::kDone) continue;
      if (out.kind == Outcome::kStopPass && Stopping()) {
        p.interrupted = "stopped";
        p.pending += files.size() - i;
        break;
      }
      if (out.kind == Outcome::kFatal) {
        (void)Save(true);
        pass = nullptr;
        return Fail(ErrorCode::kPermission, out.reason);
      }
      if (out.kind == Outcome::kConsentOff) {
        p.consent_off = true;
        p.interrupted = out.reason;
        p.pending += files.size() - i;
        ConsentWithdrawn();
        Emit(SyncEvent::Kind::kConsentOff, rel, 0, 0, out.reason);
        break;
      }
      if (out.kind == Outcome::kRefused) {
        auto it = state->files.find(rel);
        if (it != state->files.end()) it->second.failed = out.reason;
      }
      Record(p, rel, out);
      if (out.kind == Outcome::kStopPass) {
        p.interrupted = out.reason;
        p.pending += files.size() - i - 1;
        break;
      }
    }
    CAMROLL_RETURN_IF_ERROR(Save(true));
    return finish();
  }

  std::string ServerBase() const {
    std::string s = o.server;
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
  }

  // Files that left the roll: their unfinished uploads are terminated (best effort; the server
  // expires them anyway) and they are forgotten.
  void ForgetVanished(const std::vector<std::string>& files) {
    const std::set<std::string> present(files.begin(), files.end());
    bool changed = false;
    for (auto it = state->files.begin(); it != state->files.end();) {
      if (present.count(it->first)) {
        ++it;
        continue;
      }
      if (!it->second.upload.empty()) (void)client->Delete(it->second.upload);
      it = state->files.erase(it);
      changed = true;
    }
    if (changed) (void)Save(false);
  }

  void Skip(const std::string& rel, const std::string& why) {
    ++pass->skipped_policy;
    Emit(SyncEvent::Kind::kSkipped, rel, 0, 0, why);
  }

  Outcome SyncFile(const std::string& rel) {
    SyncPass& p = *pass;
    const std::filesystem::path path = o.roll / rel;
    if (!ValidUtf8(rel)) {
      return {Outcome::kRefused, "the file name is not valid UTF-8"};
    }
    // Policy by name and file-system facts: nothing is opened.
    if (o.never_screenshots && LooksLikeScreenshotName(rel)) {
      Skip(rel, "screenshot");
      return {Outcome::kDone, ""};
    }
    auto st = StatFile(path);
    if (!st || !st->regular) return {Outcome::kDone, ""};  // gone since the listing
    if (o.window_days > 0 && st->mtime_ns / 1'000'000'000 < Now() - o.window_days * 86400) {
      Skip(rel, fmt::format("older than {} days", o.window_days));
      return {Outcome::kDone, ""};
    }
    auto known = state->files.find(rel);
    const bool changed = known == state->files.end() || known->second.size != st->size ||
                         known->second.mtime_ns != st->mtime_ns;
    if (!changed) {
      const FileState& f = known->second;
      if (!f.failed.empty()) return {Outcome::kRefused, f.failed};
      if (f.done && EpochOk(f)) {
        ++p.up_to_date;
        return {Outcome::kDone, ""};
      }
    }

    // From here on the file's bytes are read. Consent may have been withdrawn since the pass
    // began (the owner can switch it off at any moment): it is asked again before each file.
    Fd fd;
    std::optional<Outcome> consent;  // asked once per file, before its first read
    auto open = [&]() -> bool {
      if (!consent) consent = Recheck();
      if (consent->kind != Outcome::kDone) return false;
      if (fd.get() < 0) fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      return fd.get() >= 0;
    };
    auto cannot_open = [&]() -> Outcome {
      if (consent && consent->kind != Outcome::kDone) return *consent;
      return {Outcome::kPending, fmt::format("cannot open: {}", std::strerror(errno))};
    };

    // The format: from an earlier read of these same bytes, or sniffed now.
    Format format = changed ? Format::kUnknown : FormatByName(known->second.format);
    if (changed || known->second.format.empty()) {
      if (!open()) return cannot_open();
      uint8_t head[kSniffBytes];
      auto got = ReadAt(fd.get(), head, sizeof head, 0);
      if (!got) return {Outcome::kPending, got.error().message()};
      format = SniffFormat({head, *got});
    }
    auto remember_format = [&] {
      FileState& f = state->files[rel];
      if (changed) f = FileState{};
      f.size = st->size;
      f.mtime_ns = st->mtime_ns;
      f.format = std::string(FormatName(format));
    };
    if (!IsSupported(format)) {
      remember_format();
      Skip(rel, format == Format::kUnknown
                    ? "not a photo or video"
                    : fmt::format("{} is not supported", FormatName(format)));
      return {Outcome::kDone, ""};
    }
    if (!o.media.count(IsVideo(format) ? "video" : "photo")) {
      remember_format();
      Skip(rel, IsVideo(format) ? "videos are not synced" : "photos are not synced");
      return {Outcome::kDone, ""};
    }

    // The SHA-256: never trusted across a change of size or mtime.
    if (changed || known->second.sha256.empty()) {
      if (!open()) return cannot_open();
      Sha256 sha;
      buffer.resize(std::max<size_t>(o.chunk_bytes, 1 << 20));
      int64_t at = 0;
      for (;;) {
        auto got = ReadAt(fd.get(), buffer.data(), buffer.size(), at);
        if (!got) return {Outcome::kPending, got.error().message()};
        if (*got == 0) break;
        sha.Update({buffer.data(), *got});
        at += static_cast<int64_t>(*got);
      }
      auto after = StatFile(path);
      if (!after || after->size != st->size || after->mtime_ns != st->mtime_ns ||
          static_cast<uint64_t>(at) != st->size) {
        return {Outcome::kPending, "the file changed while it was read; it is read again later"};
      }
      const std::string digest = ToHex(sha.Finish());
      ++p.hashed;
      Emit(SyncEvent::Kind::kHashed, rel, 0, static_cast<int64_t>(st->size), digest);
      FileState& f = state->files[rel];
      if (f.sha256 != digest) {
        // New bytes: whatever was uploaded or begun for the old ones does not count.
        if (!f.upload.empty()) (void)client->Delete(f.upload);
        f = FileState{};
      }
      f.size = st->size;
      f.mtime_ns = st->mtime_ns;
      f.format = std::string(FormatName(format));
      f.sha256 = digest;
      f.failed.clear();
      if (auto saved = Save(false); !saved) return {Outcome::kPending, saved.error().message()};
      if (f.done && EpochOk(f)) {
        ++p.up_to_date;  // touched, same bytes
        return {Outcome::kDone, ""};
      }
    }
    FileState& f = state->files[rel];
    f.done = false;

    // Bytes the server already has need not travel.
    if (f.upload.empty()) {
      bool there = done_shas.count(f.sha256) > 0;
      if (!there) {
        if (const auto* shas = ServerShas()) there = shas->count(f.sha256) > 0;
      }
      if (there) {
        done_shas.insert(f.sha256);
        f.done = true;
        f.consent = epoch;
        ++p.already_there;
        Emit(SyncEvent::Kind::kAlreadyThere, rel, 0, static_cast<int64_t>(f.size));
        (void)Save(false);
        return {Outcome::kDone, ""};
      }
    }
    if (!open()) return cannot_open();
    return Upload(rel, f, format, fd.get());
  }

  // Is cloud processing still on? kDone when it is.
  Outcome Recheck() {
    std::string why;
    bool fatal = false;
    const auto cloud = CloudProcessing(why, fatal);
    if (fatal) return {Outcome::kFatal, why};
    if (!cloud) return {Outcome::kStopPass, why};
    if (!*cloud) return {Outcome::kConsentOff, "cloud processing was switched off"};
    return {Outcome::kDone, ""};
  }

  // Why the server refused with 403: consent withdrawn (stop the pass and go back to asking),
  // or something else.
  Outcome Forbidden(const Reply& r) {
    Outcome now = Recheck();
    if (now.kind != Outcome::kDone) return now;
    return {Outcome::kStopPass, "the server refused the upload: " + r.Describe()};
  }

  // A reply that is not one of the expected ones for the call.
  Outcome Unexpected(const Reply& r) {
    if (r.status == 0) return {Outcome::kStopPass, r.Describe()};
    if (r.status == 401) return {Outcome::kFatal, "the server refused the token: " + r.Describe()};
    if (r.status == 403) return Forbidden(r);
    return {Outcome::kPending, r.Describe()};
  }

  Outcome Upload(const std::string& rel, FileState& f, Format format, int fd) {
    SyncPass& p = *pass;
    const auto size = static_cast<int64_t>(f.size);
    const std::filesystem::path path = o.roll / rel;
    bool located = false;
    bool counted = false;  // created here, or already counted as resumed
    int64_t offset = 0;
    int problems = 0;
    std::string last;
    // Counts a problem; false when this file has had enough for this pass.
    auto problem = [&](const Reply& r) {
      last = r.Describe();
      return ++problems <= kMaxProblems;
    };
    auto gave_up = [&] {
      return Outcome{Outcome::kPending, "gave up for this pass after repeated problems: " + last};
    };
    buffer.resize(std::max<size_t>(o.chunk_bytes, 1 << 20));
    // The server cuts a body that arrives slower than its minimum rate once it has run for a
    // while, and a cut body cannot pass its checksum: on a slow link smaller chunks get through.
    size_t chunk = o.chunk_bytes;
    auto smaller = [&] {
      chunk = std::max<size_t>(std::min<size_t>(o.chunk_bytes, 64 << 10), chunk / 2);
    };

    for (;;) {
      if (Stopping()) return {Outcome::kStopPass, "stopped"};
      if (!located) {
        if (!f.upload.empty()) {
          // Resume: the offset is the server's, never the state file's.
          const Reply h = client->Head(f.upload);
          if (h.status == 200 && h.offset && *h.offset <= size &&
              (!h.length || *h.length == size)) {
            offset = *h.offset;
            located = true;
            if (!counted) {
              counted = true;
              ++p.resumed;
              Emit(SyncEvent::Kind::kResumed, rel, offset, size);
            }
            continue;
          }
          if (h.status == 200 || h.status == 404 || h.status == 410) {
            // Gone, expired, or not the upload of these bytes: start a new one.
            if (h.status == 200) (void)client->Delete(f.upload);
            f.upload.clear();
            f.offset = 0;
            (void)Save(false);
            if (!problem(h)) return gave_up();
            continue;
          }
          if (h.status == 423) {
            if (!problem(h)) return gave_up();
            if (!Wait(o.retry_s)) return {Outcome::kStopPass, "stopped"};
            continue;
          }
          return Unexpected(h);
        }
        UploadFile meta;
        meta.name = std::filesystem::path(rel).filename().string();
        meta.type = std::string(FormatMime(format));
        meta.sha256 = f.sha256;
        meta.length = size;
        const Reply c = client->Create(meta);
        if (c.status == 201) {
          if (c.location.empty()) {
            return {Outcome::kPending, "the server's Location is not an upload on this server"};
          }
          f.upload = c.location;
          f.offset = 0;
          if (auto saved = Save(true); !saved) return {Outcome::kPending, saved.error().message()};
          offset = 0;
          located = true;
          counted = true;
          Emit(SyncEvent::Kind::kUploadStarted, rel, 0, size);
          continue;
        }
        if (c.status == 413) return {Outcome::kRefused, c.Describe()};
        if (c.status == 429 || c.status == 507) {
          // Too many unfinished uploads, or the server's disk is full: wait, then give the
          // server a rest until the next pass.
          if (!problem(c) || problems >= 2) {
            const char* what = c.status == 429
                                   ? "the server has too many unfinished uploads of this account"
                                   : "the server is out of disk space";
            return {Outcome::kStopPass, fmt::format("{}: {}", what, last)};
          }
          if (!Wait(o.retry_s)) return {Outcome::kStopPass, "stopped"};
          continue;
        }
        return Unexpected(c);
      }

      // Send the next chunk (an empty one when the server has every byte but has not said the
      // upload is finished: a PATCH at the end makes it finish or say why not).
      auto now_st = StatFile(path);
      if (!now_st || now_st->size != f.size || now_st->mtime_ns != f.mtime_ns) {
        (void)client->Delete(f.upload);
        MustReread(f);
        (void)Save(false);
        return {Outcome::kPending, "the file changed during its upload; it is read again later"};
      }
      const size_t n = static_cast<size_t>(std::min<int64_t>(chunk, size - offset));
      auto got = ReadAt(fd, buffer.data(), n, offset);
      if (!got) return {Outcome::kPending, got.error().message()};
      if (*got != n) return {Outcome::kPending, "the file is shorter than it was"};
      const Reply r = client->Patch(f.upload, offset, {buffer.data(), n});
      p.bytes_sent += static_cast<int64_t>(n);
      if (r.status == 204 && r.offset && *r.offset >= offset && *r.offset <= size) {
        const int64_t before = offset;
        offset = *r.offset;
        f.offset = offset;
        Emit(SyncEvent::Kind::kChunkSent, rel, offset, size);
        if (offset == size) {
          done_shas.insert(f.sha256);
          f.done = true;
          f.consent = epoch;
          f.upload.clear();
          f.offset = 0;
          if (auto saved = Save(true); !saved) return {Outcome::kPending, saved.error().message()};
          ++p.uploaded;
          Emit(SyncEvent::Kind::kUploaded, rel, size, size, f.sha256);
          return {Outcome::kDone, ""};
        }
        if (offset == before && !problem(r)) return gave_up();  // nothing was taken
        (void)Save(false);
        continue;
      }
      switch (r.status) {
        case 400:  // a body cut short (too slow) fails its checksum
        case 408:  // too slow: the server kept what arrived
          smaller();
          [[fallthrough]];
        case 204:  // without a usable offset
        case 409:  // another offset: ask for it
          if (!problem(r)) return gave_up();
          located = false;
          continue;
        case 460: {
          // A chunk that arrived damaged is resent. The last PATCH also answers 460 when the
          // whole file's SHA-256 is not the one we declared, and deletes the upload: then the
          // bytes we hashed are not the bytes we sent, and the file is read again next pass.
          if (!problem(r)) return gave_up();
          const Reply h = client->Head(f.upload);
          if (h.status == 404 || h.status == 410) {
            MustReread(f);
            (void)Save(false);
            return {Outcome::kPending,
                    "the server found another SHA-256 for the whole file; it is read again later"};
          }
          located = false;
          continue;
        }
        case 404:
        case 410:
          // The upload is gone (expired, or deleted on the server): start again.
          f.upload.clear();
          f.offset = 0;
          (void)Save(false);
          if (!problem(r)) return gave_up();
          located = false;
          continue;
        case 413:
          f.upload.clear();
          f.offset = 0;
          return {Outcome::kRefused, r.Describe()};
        case 423:
        case 507:
          if (!problem(r)) {
            return r.status == 507
                       ? Outcome{Outcome::kStopPass, "the server is out of disk space: " + last}
                       : gave_up();
          }
          if (!Wait(o.retry_s)) return {Outcome::kStopPass, "stopped"};
          located = false;
          continue;
        default:
          return Unexpected(r);
      }
    }
  }

  // ---- Watch ----

  static void AddWatches(int ifd, const std::filesystem::path& dir,
                         std::map<int, std::filesystem::path>& dirs) {
    constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ONLYDIR;
    const int wd = ::inotify_add_watch(ifd, dir.c_str(), kMask);
    if (wd >= 0) dirs[wd] = dir;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(
             dir, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      std::error_code ec2;
      if (!name.empty() && name[0] != '.' && it->is_directory(ec2) && !it->is_symlink(ec2)) {
        AddWatches(ifd, it->path(), dirs);
      }
    }
  }

  Status Watch(std::atomic<bool>& stop_flag) {
    CAMROLL_RETURN_IF_ERROR(Prepare());
    stop = &stop_flag;
    struct Reset {
      std::atomic<bool>*& p;
      ~Reset() { p = nullptr; }
    } reset{stop};
    Fd ifd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (ifd.get() < 0) {
      return Fail(ErrorCode::kIo, fmt::format("inotify: {}", std::strerror(errno)));
    }
    std::map<int, std::filesystem::path> dirs;
    AddWatches(ifd.get(), o.roll, dirs);

    using Clock = std::chrono::steady_clock;
    const auto settle = std::chrono::milliseconds(300);  // a burst of files makes one pass
    auto next = Clock::now();
    alignas(inotify_event) char events[16 * 1024];
    while (!stop_flag.load()) {
      if (Clock::now() >= next) {
        auto p = RunOnce();
        if (!p) return std::unexpected(p.error());
        const bool again = !p->interrupted.empty() && !p->consent_off;
        const bool retry = again || std::any_of(p->failed.begin(), p->failed.end(),
                                                [](const SyncFailure& f) { return f.retry; });
        next = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(retry ? o.retry_s : o.poll_s));
        continue;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
      pollfd pfd{ifd.get(), POLLIN, 0};
      const int ready =
          ::poll(&pfd, 1, static_cast<int>(std::clamp<int64_t>(left.count() + 1, 1, 200)));
      if (ready <= 0) continue;
      bool trigger = false;
      for (;;) {
        const ssize_t n = ::read(ifd.get(), events, sizeof events);
        if (n <= 0) break;
        for (ssize_t at = 0; at < n;) {
          const auto* e = reinterpret_cast<const inotify_event*>(events + at);
          at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
          if (e->mask & IN_Q_OVERFLOW) {
            trigger = true;
            continue;
          }
          if (e->mask & IN_IGNORED) {
            dirs.erase(e->wd);
            continue;
          }
          const std::string name = e->len ? std::string(e->name) : std::string();
          // Hidden files (our own state file among them) are not part of the roll.
          if (name.empty() || name[0] == '.') continue;
          auto dir = dirs.find(e->wd);
          if (dir == dirs.end()) continue;
          if (e->mask & IN_ISDIR) {
            if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
              AddWatches(ifd.get(), dir->second / name, dirs);
              trigger = true;
            }
          } else if ((e->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) && !IsSidecar(dir->second / name)) {
            trigger = true;
          }
        }
      }
      if (trigger) next = std::min(next, Clock::now() + settle);
    }
    return Ok();
  }
};

SyncAgent::SyncAgent(SyncOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
SyncAgent::~SyncAgent() = default;
Result<SyncPass> SyncAgent::RunOnce() { return impl_->RunOnce(); }
Status SyncAgent::Watch(std::atomic<bool>& stop) { return impl_->Watch(stop); }

}  // namespace camroll::sync
