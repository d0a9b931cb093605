// The sync agent's side of the server API (internal to sync/): settings, the consent ledger, the
// assets the owner has, and the tus 1.0 calls. One connection per request; every request carries
// `Authorization: Bearer TOKEN` in a header, never in a URL, and nothing here logs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "core/result.h"

namespace camroll::sync {

// What came back. status 0: no response at all (refused, reset, timed out); `error` says why.
struct Reply {
  int status = 0;
  std::string error;
  std::string body;
  std::optional<int64_t> offset;  // Upload-Offset, when present and well-formed
  std::optional<int64_t> length;  // Upload-Length
  std::string location;           // Location, reduced to a path on this server
  bool ok() const { return status >= 200 && status < 300; }
  // "HTTP 413: files over ... are not accepted" or "no response: Connection refused".
  std::string Describe() const;
};

struct UploadFile {
  std::string name;    // file name only (never the folders above it)
  std::string type;    // media type
  std::string sha256;  // lowercase hex of the whole file
  int64_t length = 0;
};

class ServerClient {
 public:
  // `server` is "http://host:port" or "https://host:port" (no path, no user info, no query).
  static Result<std::unique_ptr<ServerClient>> Connect(const std::string& server,
                                                       const std::string& token);
  ~ServerClient();

  Reply Get(const std::string& path);
  Reply Create(const UploadFile& file);
  Reply Head(const std::string& upload);
  Reply Patch(const std::string& upload, int64_t offset, std::span<const uint8_t> chunk);
  Reply Delete(const std::string& upload);

 private:
  struct Impl;
  explicit ServerClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks a server URL (scheme://host[:port], no path, no credentials): the agent sends its
// token to it and to nothing else.
Status CheckServerUrl(const std::string& server);
// An upload URL from a Location header or the state file, as a path on the server
// ("/v1/uploads/<id>"), or nullopt when it is not one.
std::optional<std::string> UploadPath(const std::string& location, const std::string& server);

}  // namespace camroll::sync
