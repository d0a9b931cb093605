// The camera-roll sync agent: keeps a phone's camera roll (a folder) uploaded to a camroll
// server, within the owner's consent.
//
//   camroll sync ROLL --server URL --token TOKEN [--watch] [--window-days N] [--json]
//
//   ROLL             the camera-roll folder (e.g. DCIM/ synced from the phone, or the phone's
//                    own storage when camroll runs on it)
//   --server URL     http(s)://host[:port] of `camroll serve`, nothing after the port
//   --token TOKEN    an API token with the `upload` scope (`read` too lets the agent ask which
//                    files the server already has and notice consent being withdrawn and given
//                    again). RunSyncCommand reads $CAMROLL_TOKEN when the token is empty: a
//                    flag is visible to other users in `ps`. Never logged, never put in a URL.
//   --watch          keep running: sync, then sync again when files are written or moved into
//                    the roll (inotify), every --poll seconds, and --retry seconds after a
//                    failure; stops on SIGINT/SIGTERM
//   --window-days N  only files modified in the last N days (default 30; 0: all)
//   --json           print each pass as one JSON object per line instead of a summary
//   optional, if wanted: --state FILE (default ROLL/.camroll-sync.json), --media photo,video,
//   --allow-screenshots, --chunk-mib N (default 4), --poll S (default 30), --retry S (default 5)
//
// Exit codes of RunSyncCommand: 0 every eligible file is on the server (or cloud processing is
// off, so nothing was read or sent), 1 some files failed or are still pending, 3 fatal (bad
// options, the token refused, the roll or the state file unusable).
//
// Consent: the agent asks the server first, on every pass. While `cloud_processing` is off it
// opens no file of the roll (not even to recognise its format) and sends nothing.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace camroll::sync {

struct SyncPass;

// Progress, one event per step (for a UI, logs and tests). Never carries the token.
struct SyncEvent {
  enum class Kind {
    kConsentOff,     // cloud processing is off: nothing read or sent
    kListed,         // `size` files in the roll
    kSkipped,        // not eligible (policy); `detail` says why
    kHashed,         // read and hashed (new or changed)
    kUploadStarted,  // a new upload was created
    kResumed,        // an earlier upload continues at `offset`
    kChunkSent,      // the server acknowledged up to `offset` of `size`
    kUploaded,       // the server has the whole file
    kAlreadyThere,   // the server already had these bytes: nothing sent
    kFailed,         // `detail` says why; the file is tried again unless the server refused it
    kPassDone,       // `pass` is the finished pass
  };
  Kind kind;
  std::string path;  // relative to the roll
  int64_t offset = 0;
  int64_t size = 0;
  std::string detail;
  const SyncPass* pass = nullptr;  // kPassDone only; valid during the callback
};
std::string_view EventName(SyncEvent::Kind kind);

struct SyncFailure {
  std::string path;
  std::string reason;
  bool retry = true;  // false: the server refused these bytes (too large); tried again when the
                      // file changes
};

// What one pass did.
struct SyncPass {
  size_t listed = 0;          // files in the roll (sidecars and hidden files are not listed)
  size_t skipped_policy = 0;  // screenshots, outside the window, not photo/video, not media
  size_t up_to_date = 0;      // unchanged since the server acknowledged them: not read
  size_t hashed = 0;          // read and hashed because new or changed
  size_t uploaded = 0;        // sent and acknowledged this pass
  size_t already_there = 0;   // bytes the server (or an earlier pass) already had: not sent
  size_t resumed = 0;         // uploads continued from an earlier pass
  size_t pending = 0;         // eligible files not on the server yet (failed, or not reached)
  std::vector<SyncFailure> failed;
  int64_t bytes_sent = 0;    // file bytes put on the wire, acknowledged or not
  bool consent_off = false;  // cloud processing is off: nothing was read or sent
  std::string interrupted;   // why the pass stopped before the last file ("" if it did not)
};

struct SyncOptions {
  std::filesystem::path roll;
  std::string server;  // "http://127.0.0.1:8080"
  std::string token;
  // Default: roll/.camroll-sync.json (dot-files are not part of a roll).
  std::filesystem::path state_file;
  // Only files modified in the last N days (by mtime, which needs no reading); 0: all.
  int64_t window_days = 30;
  std::set<std::string> media = {"photo", "video"};
  // Screenshots and screen recordings by name (media/screenshot.h) stay on the phone.
  bool never_screenshots = true;
  size_t chunk_bytes = size_t{4} << 20;
  double poll_s = 30;            // Watch: ask for the settings (and sync) at least this often
  double retry_s = 5;            // after a failure: Watch's next pass, and waits on 423/429/507
  std::function<int64_t()> now;  // unix seconds; default: the system clock
  std::function<void(const SyncEvent&)> on_event;
};

class SyncAgent {
 public:
  explicit SyncAgent(SyncOptions options);
  ~SyncAgent();
  SyncAgent(const SyncAgent&) = delete;
  SyncAgent& operator=(const SyncAgent&) = delete;

  // One pass: ask for consent, list the roll, hash what is new or changed, upload what the
  // server lacks, resume interrupted uploads (at the offset the server reports). Network and
  // server trouble is reported in the pass (the files stay pending); errors are fatal ones:
  // bad options, the token refused (401), the roll or the state file unusable. Not thread-safe.
  Result<SyncPass> RunOnce();
  // RunOnce, then again on inotify events (IN_CLOSE_WRITE, IN_MOVED_TO; new folders are
  // watched too), every poll_s, and retry_s after a pass that left files pending. Returns when
  // `stop` becomes true (within about 0.2 s, or after the chunk being sent) or on a fatal error.
  Status Watch(std::atomic<bool>& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The CLI: runs one pass (or watches), prints a summary or JSON to stdout, returns the exit code.
int RunSyncCommand(const SyncOptions& options, bool watch, bool json);

}  // namespace camroll::sync
