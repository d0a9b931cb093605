// The tus 1.0 resumable-upload protocol, server side: core, creation, creation-with-upload,
// checksum (sha1, sha256), termination and expiration. Transport-free: the HTTP layer turns a
// request into a TusRequest and writes back the TusResponse, so this can be tested without
// sockets.
//
// Durability, which the protocol leaves open, is defined here as:
//   - an acknowledged offset (a 204 with Upload-Offset, or HEAD) means the bytes up to it are
//     fsynced and the offset is committed to server.db (synchronous=FULL);
//   - bytes that arrived but were not acknowledged are cut off before the next write, so
//     HEAD never reports more than what was durably received;
//   - an upload becomes an asset only when complete and its whole-file SHA-256 is computed (and
//     equals the client's `sha256` metadata when given); authorization, consent and quota are
//     checked again at that moment;
//   - finishing is crash-safe: the file is stored among the owner's originals (sealed: see
//     TusHooks::store_original), the asset row and the upload's completion are committed in
//     one transaction, then the part file is removed.
//     Recover() finishes or cleans up whatever a crash interrupted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "server/store.h"

namespace camroll::server {

struct CaseLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::map<std::string, std::string, CaseLess>;

struct TusLimits {
  int64_t max_size = int64_t{4} << 30;      // Tus-Max-Size: one file
  int64_t max_open_uploads = 32;            // unfinished uploads per user
  int64_t expire_after_s = 24 * 3600;       // unfinished uploads expire (Upload-Expires)
  int64_t quota_bytes = 0;                  // per user; 0: none
  double min_rate_bytes_per_s = 16 * 1024;  // a body slower than this is cut off...
  double min_rate_grace_s = 15;             // ...once it has run this long
};

struct TusRequest {
  std::string method;     // OPTIONS, POST, HEAD, PATCH, DELETE
  std::string upload_id;  // empty for the collection (OPTIONS, POST)
  Headers headers;
  // Pulls the body: calls `sink` with each chunk until the body ends (returns true) or the
  // connection fails or `sink` refuses a chunk (returns false). Null: no body.
  std::function<bool(const std::function<bool(const char*, size_t)>& sink)> read_body;
};

struct TusResponse {
  int status = 204;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // a plain-text reason for errors
};

// Who is asking: the user, and a check that their credentials are still valid now (a token
// revoked while a long PATCH ran must not finish the upload).
struct TusCaller {
  int64_t user = 0;
  std::function<bool()> still_authorized;
};

struct TusHooks {
  // Why this user may not upload now (cloud processing off), or nullopt.
  std::function<std::optional<std::string>(int64_t user)> refusal;
  // An upload became an asset (or matched one the user already had: `fresh` false).
  std::function<void(int64_t user, int64_t asset, bool fresh)> on_asset;
  std::function<int64_t()> now;
  // Stores a whole, verified upload as the owner's original at `target` (durably: the asset row
  // follows). Unset: `target` becomes a hard link to the part file. The server seals it.
  std::function<Status(int64_t user, const std::filesystem::path& part,
                       const std::filesystem::path& target)>
      store_original;
  // Held from the last consent check to the asset row: the server holds the owner's data lock,
  // so that a purge comes wholly before (the upload is refused) or after (it deletes the asset).
  std::function<std::shared_ptr<void>(int64_t user)> hold;
};

class TusService {
 public:
  // `root` is the data folder: part files go under root/uploads/USER/, finished files under
  // root/users/USER/originals/. `base_path` is where the collection is served ("/v1/uploads").
  TusService(Store& store, std::filesystem::path root, std::string base_path, TusLimits limits,
             TusHooks hooks);

  TusResponse Handle(const TusCaller& caller, const TusRequest& request);

  // After a restart: finishes complete uploads that were not finished, removes part files of
  // finished or unknown uploads and originals that no asset names. Returns what it did.
  Result<std::string> Recover();
  // Deletes unfinished uploads past their expiry. Returns how many.
  Result<size_t> ExpireUploads();
  // Deletes a user's part files (purge). The rows go with Store::PurgeUserMedia.
  Status DeleteUserParts(int64_t user);

  const TusLimits& limits() const { return limits_; }
  std::filesystem::path PartPath(const Upload& upload) const;

 private:
  TusResponse Options() const;
  TusResponse Create(const TusCaller& caller, const TusRequest& request);
  TusResponse Head(const Upload& upload) const;
  TusResponse Patch(const TusCaller& caller, Upload upload, const TusRequest& request);
  TusResponse Delete(const Upload& upload);
  // Writes the body at the upload's offset; returns the response to send.
  TusResponse Append(const TusCaller& caller, Upload& upload, const TusRequest& request);
  // The upload is complete: verify, de-duplicate, make it an asset.
  TusResponse Finish(const TusCaller& caller, Upload& upload);
  Result<std::pair<int64_t, bool>> MakeAsset(const Upload& upload, const std::string& sha256);
  std::vector<std::pair<std::string, std::string>> ExpiresHeader(const Upload& upload) const;

  // One request at a time per upload: a second concurrent PATCH gets 423.
  bool Lock(const std::string& id);
  void Unlock(const std::string& id);

  Store& store_;
  std::filesystem::path root_;
  std::string base_path_;
  TusLimits limits_;
  TusHooks hooks_;
  std::mutex busy_mu_;
  std::set<std::string> busy_;
};

// Parses Upload-Metadata ("key base64,key2 base64"): keys must be printable ASCII without
// spaces or commas, values valid base64 without control characters. Exposed for tests and fuzzing.
Result<std::map<std::string, std::string>> ParseUploadMetadata(const std::string& header);
// A display name from a client's file name: the last path component, control characters and
// separators removed, at most 200 bytes of valid UTF-8. Never used to build a path.
std::string SanitiseFileName(const std::string& name);
// An HTTP date (RFC 9110 IMF-fixdate).
std::string HttpDate(int64_t unix_seconds);

}  // namespace camroll::server
