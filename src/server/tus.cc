#include "server/tus.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>

#include "core/base64.h"
#include "core/files.h"
#include "core/log.h"
#include "core/parse.h"
#include "core/sha256.h"
#include "media/format.h"
#include "server/auth.h"

namespace camroll::server {
namespace {

constexpr const char* kTusVersion = "1.0.0";

TusResponse Reply(int status, std::string body = "") {
  TusResponse r;
  r.status = status;
  r.body = std::move(body);
  if (!r.body.empty() && r.body.back() != '\n') r.body += "\n";
  return r;
}

std::optional<std::string> Header(const Headers& h, const std::string& name) {
  auto it = h.find(name);
  if (it == h.end()) return std::nullopt;
  return it->second;
}

// Incremental digest for Upload-Checksum: sha1 or sha256 (OpenSSL EVP).
class Digester {
 public:
  explicit Digester(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(ctx_, md, nullptr);
  }
  ~Digester() { EVP_MD_CTX_free(ctx_); }
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;
  void Update(const char* data, size_t n) { EVP_DigestUpdate(ctx_, data, n); }
  std::vector<uint8_t> Finish() {
    std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, out.data(), &n);
    out.resize(n);
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

bool ValidMediaType(const std::string& t) {
  if (t.empty() || t.size() > 100) return false;
  const auto slash = t.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == t.size()) return false;
  return std::all_of(t.begin(), t.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '/' || c == '.' || c == '+' || c == '-';
  });
}

bool IsHex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

std::string Extension(Format f) {
  switch (f) {
    case Format::kJpeg:
      return ".jpg";
    case Format::kHeif:
      return ".heic";
    case Format::kAvif:
      return ".avif";
    case Format::kPng:
      return ".png";
    case Format::kWebp:
      return ".webp";
    case Format::kGif:
      return ".gif";
    case Format::kTiff:
      return ".tif";
    case Format::kMp4:
      return ".mp4";
    case Format::kMov:
      return ".mov";
    case Format::kUnknown:
      break;
  }
  return ".bin";
}

Result<Format> SniffFile(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    return Fail(ErrorCode::kIo, fmt::format("opening {}: {}", path.string(), std::strerror(errno)));
  uint8_t head[64];
  const ssize_t n = ::pread(fd.get(), head, sizeof head, 0);
  if (n < 0) return Fail(ErrorCode::kIo, "reading an upload: " + std::string(std::strerror(errno)));
  return SniffFormat({head, static_cast<size_t>(n)});
}

std::unexpected<Error> Errno(std::string_view what) {
  const int err = errno;
  return Fail(err == ENOSPC || err == EDQUOT ? ErrorCode::kLimit : ErrorCode::kIo,
              fmt::format("{}: {}", what, std::strerror(err)));
}

TusResponse StorageError(const Error& e) {
  Log(LogLevel::kError, "upload storage: {}", e.message());
  if (e.code() == ErrorCode::kLimit) {
    return Reply(507, "the server is out of disk space; nothing was lost, retry later");
  }
  return Reply(500, "the server could not store the upload; retry later");
}

}  // namespace

bool CaseLess::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(),
      [](unsigned char x, unsigned char y) { return std::tolower(x) < std::tolower(y); });
}

Result<std::map<std::string, std::string>> ParseUploadMetadata(const std::string& header) {
  std::map<std::string, std::string> out;
  if (header.size() > 4096) return Fail(ErrorCode::kLimit, "Upload-Metadata over 4096 bytes");
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t end = header.find(',', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(pos, end - pos);
    // Trim spaces around the pair.
    const auto first = pair.find_first_not_of(' ');
    const auto last = pair.find_last_not_of(' ');
    pair = first == std::string::npos ? "" : pair.substr(first, last - first + 1);
    if (pair.empty()) {
      if (end == header.size()) break;
      return Fail(ErrorCode::kInvalidInput, "Upload-Metadata has an empty pair");
    }
    const auto space = pair.find(' ');
    const std::string key = pair.substr(0, space);
    if (key.empty() || key.size() > 64 ||
        !std::all_of(key.begin(), key.end(), [](unsigned char c) { return c > 32 && c < 127; })) {
      return Fail(ErrorCode::kInvalidInput, "Upload-Metadata has a bad key");
    }
    std::string value;
    if (space != std::string::npos) {
      auto decoded = Base64DecodeToString(pair.substr(space + 1));
      if (!decoded) {
        return Fail(ErrorCode::kInvalidInput,
                    "Upload-Metadata value of '" + key + "' is not base64");
      }
      value = std::move(*decoded);
      if (std::any_of(value.begin(), value.end(),
                      [](unsigned char c) { return c < 32 || c == 127; })) {
        return Fail(ErrorCode::kInvalidInput,
                    "Upload-Metadata value of '" + key + "' has control characters");
      }
    }
    if (!out.emplace(key, value).second) {
      return Fail(ErrorCode::kInvalidInput, "Upload-Metadata repeats '" + key + "'");
    }
    pos = end + 1;
  }
  return out;
}

std::string SanitiseFileName(const std::string& name) {
  std::string base = name;
  const auto slash = base.find_last_of("/\\");
  if (slash != std::string::npos) base = base.substr(slash + 1);
  std::string out;
  for (unsigned char c : base) {
    if (c < 32 || c == 127 || c == ':' || c == '"' || c == '<' || c == '>' || c == '|') continue;
    out += static_cast<char>(c);
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(out.begin());
  // Cut at 200 bytes without splitting a UTF-8 sequence, and drop invalid sequences.
  std::string valid;
  for (size_t i = 0; i < out.size();) {
    const unsigned char c = out[i];
    const size_t len = c < 0x80         ? 1
                       : (c >> 5) == 6  ? 2
                       : (c >> 4) == 14 ? 3
                       : (c >> 3) == 30 ? 4
                                        : 0;
    bool ok = len > 0 && i + len <= out.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(out[i + k]) >> 6) == 2;
    if (!ok) {
      ++i;
      continue;
    }
    if (valid.size() + len > 200) break;
    valid.append(out, i, len);
    i += len;
  }
  return valid.empty() ? "upload" : valid;
}

std::string HttpDate(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

TusService::TusService(Store& store, std::filesystem::path root, std::string base_path,
                       TusLimits limits, TusHooks hooks)
    : store_(store),
      root_(std::move(root)),
      base_path_(std::move(base_path)),
      limits_(limits),
      hooks_(std::move(hooks)) {
  if (!hooks_.now) {
    hooks_.now = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

std::filesystem::path TusService::PartPath(const Upload& upload) const {
  return root_ / "uploads" / std::to_string(upload.user) / (upload.id + ".part");
}

bool TusService::Lock(const std::string& id) {
  std::lock_guard lock(busy_mu_);
  return busy_.insert(id).second;
}

void TusService::Unlock(const std::string& id) {
  std::lock_guard lock(busy_mu_);
  busy_.erase(id);
}

TusResponse TusService::Handle(const TusCaller& caller, const TusRequest& request) {
  TusResponse response;
  if (request.method == "OPTIONS") {
    response = Options();
  } else if (auto version = Header(request.headers, "Tus-Resumable"); version != kTusVersion) {
    response = Reply(412, "this server speaks tus 1.0.0 (Tus-Resumable: 1.0.0)");
    response.headers.emplace_back("Tus-Version", kTusVersion);
  } else if (request.upload_id.empty()) {
    response = request.method == "POST" ? Create(caller, request) : Reply(405);
  } else {
    auto found = store_.FindUpload(request.upload_id);
    if (!found) {
      response = StorageError(found.error());
    } else if (!*found || (*found)->user != caller.user) {
      // Another user's upload is as unknown as one that never existed.
      response = Reply(404, "no such upload");
    } else if (!(*found)->done && (*found)->expires <= hooks_.now()) {
      (void)Delete(**found);
      response = Reply(410, "this upload expired; start a new one");
    } else if (!Lock(request.upload_id)) {
      response = Reply(423, "another request is writing this upload");
    } else {
      if (request.method == "HEAD") {
        Upload& u = **found;
        if (!u.done && u.length && u.offset == *u.length) {
          // Complete but not finished (a storage error at the end): try again, so that HEAD
          // never shows a stuck upload as a finished one.
          const TusResponse finished = Finish(caller, u);
          response = finished.status < 300 ? Head(u) : finished;
        } else {
          response = Head(u);
        }
      } else if (request.method == "PATCH") {
        response = Patch(caller, **found, request);
      } else if (request.method == "DELETE") {
        response = Delete(**found);
      } else {
        response = Reply(405);
      }
      Unlock(request.upload_id);
    }
  }
  if (request.method != "OPTIONS") response.headers.emplace_back("Tus-Resumable", kTusVersion);
  return response;
}

TusResponse TusService::Options() const {
  TusResponse r = Reply(204);
  r.headers = {{"Tus-Resumable", kTusVersion},
               {"Tus-Version", kTusVersion},
               {"Tus-Extension",
                "creation,creation-with-upload,creation-defer-length,checksum,"
                "termination,expiration"},
               {"Tus-Max-Size", std::to_string(limits_.max_size)},
               {"Tus-Checksum-Algorithm", "sha1,sha256"}};
  return r;
}

std::vector<std::pair<std::string, std::string>> TusService::ExpiresHeader(
    const Upload& upload) const {
  if (upload.done) return {};
  return {{"Upload-Expires", HttpDate(upload.expires)}};
}

TusResponse TusService::Create(const TusCaller& caller, const TusRequest& request) {
  if (hooks_.refusal) {
    if (auto why = hooks_.refusal(caller.user)) return Reply(403, *why);
  }
  Upload upload;
  upload.user = caller.user;
  const auto length_text = Header(request.headers, "Upload-Length");
  const auto defer = Header(request.headers, "Upload-Defer-Length");
  if (length_text && defer) return Reply(400, "Upload-Length and Upload-Defer-Length together");
  if (length_text) {
    upload.length = ParseNonNegativeInt(*length_text);
    if (!upload.length) return Reply(400, "Upload-Length must be a non-negative integer");
    if (*upload.length > limits_.max_size) {
      return Reply(413, fmt::format("files over {} bytes are not accepted", limits_.max_size));
    }
  } else if (defer != "1") {
    return Reply(400, "Upload-Length (or Upload-Defer-Length: 1) is required");
  }
  if (auto meta_header = Header(request.headers, "Upload-Metadata")) {
    auto meta = ParseUploadMetadata(*meta_header);
    if (!meta) return Reply(400, meta.error().message());
    for (const char* key : {"filename", "name"}) {
      if (meta->count(key)) upload.name = SanitiseFileName(meta->at(key));
    }
    for (const char* key : {"filetype", "type"}) {
      if (meta->count(key) && ValidMediaType(meta->at(key))) upload.type = meta->at(key);
    }
    if (meta->count("sha256")) {
      upload.sha256 = meta->at("sha256");
      std::transform(upload.sha256.begin(), upload.sha256.end(), upload.sha256.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (!IsHex64(upload.sha256)) return Reply(400, "metadata sha256 must be 64 hex digits");
    }
  }
  auto open = store_.OpenUploads(caller.user);
  if (!open) return StorageError(open.error());
  if (*open >= limits_.max_open_uploads) {
    return Reply(429,
                 fmt::format("{} unfinished uploads already; finish or delete one first", *open));
  }
  upload.id = RandomHex16();
  upload.created = hooks_.now();
  // The owner already has these bytes (declared by their SHA-256; per owner only, so the hash
  // tells nothing about anyone else's files): the upload is finished at once, no byte sent.
  if (!upload.sha256.empty() && upload.length) {
    auto existing = store_.AssetBySha(caller.user, upload.sha256);
    if (!existing) return StorageError(existing.error());
    if (*existing && (*existing)->size == *upload.length) {
      upload.offset = *upload.length;
      upload.done = true;
      upload.asset = (*existing)->id;
      upload.expires = upload.created;
      if (auto st = store_.AddUpload(upload); !st) return StorageError(st.error());
      if (hooks_.on_asset) hooks_.on_asset(caller.user, (*existing)->id, false);
      TusResponse r = Reply(201);
      r.headers.emplace_back("Location", base_path_ + "/" + upload.id);
      r.headers.emplace_back("Upload-Offset", std::to_string(upload.offset));
      return r;
    }
  }
  upload.expires = upload.created + limits_.expire_after_s;
  // The part file and its directory entry are durable before the upload is announced.
  const auto part = PartPath(upload);
  if (auto st = EnsureDirectory(part.parent_path()); !st) return StorageError(st.error());
  {
    Fd fd(::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) return StorageError(Errno("creating an upload").error());
    if (::fsync(fd.get()) != 0) return StorageError(Errno("syncing an upload").error());
  }
  if (auto st = FsyncDirectory(part.parent_path()); !st) return StorageError(st.error());
  if (auto st = store_.AddUpload(upload); !st) {
    std::filesystem::remove(part);
    return StorageError(st.error());
  }
  TusResponse r = Reply(201);
  r.headers.emplace_back("Location", base_path_ + "/" + upload.id);
  for (auto& h : ExpiresHeader(upload)) r.headers.push_back(h);
  // creation-with-upload: the first bytes came with the POST.
  if (request.read_body &&
      Header(request.headers, "Content-Type") == "application/offset+octet-stream") {
    TusResponse appended = Append(caller, upload, request);
    if (appended.status >= 300) {
      // The upload exists; the client resumes it with HEAD.
      appended.headers.emplace_back("Location", base_path_ + "/" + upload.id);
      return appended;
    }
    r.headers.emplace_back("Upload-Offset", std::to_string(upload.offset));
  }
  return r;
}

TusResponse TusService::Head(const Upload& upload) const {
  TusResponse r = Reply(200);
  r.headers = {{"Upload-Offset", std::to_string(upload.offset)}, {"Cache-Control", "no-store"}};
  if (upload.length) {
    r.headers.emplace_back("Upload-Length", std::to_string(*upload.length));
  } else {
    r.headers.emplace_back("Upload-Defer-Length", "1");
  }
  for (auto& h : ExpiresHeader(upload)) r.headers.push_back(h);
  return r;
}

TusResponse TusService::Patch(const TusCaller& caller, Upload upload, const TusRequest& request) {
  if (Header(request.headers, "Content-Type") != "application/offset+octet-stream") {
    return Reply(415, "PATCH needs Content-Type: application/offset+octet-stream");
  }
  const auto offset_text = Header(request.headers, "Upload-Offset");
  const auto offset = offset_text ? ParseNonNegativeInt(*offset_text) : std::nullopt;
  if (!offset) return Reply(400, "Upload-Offset must be a non-negative integer");
  if (*offset != upload.offset) {
    TusResponse r = Reply(409, fmt::format("the upload is at offset {}", upload.offset));
    r.headers.emplace_back("Upload-Offset", std::to_string(upload.offset));
    return r;
  }
  if (auto length_text = Header(request.headers, "Upload-Length")) {
    auto length = ParseNonNegativeInt(*length_text);
    if (!length || *length < upload.offset || *length > limits_.max_size ||
        (upload.length && *length != *upload.length)) {
      return Reply(400, "Upload-Length does not fit this upload");
    }
    if (!upload.length) {
      if (auto st = store_.SetUploadLength(upload.id, *length); !st)
        return StorageError(st.error());
      upload.length = length;
    }
  }
  if (upload.done) {
    TusResponse r = Reply(204);
    r.headers.emplace_back("Upload-Offset", std::to_string(upload.offset));
    return r;
  }
  return Append(caller, upload, request);
}

TusResponse TusService::Append(const TusCaller& caller, Upload& upload, const TusRequest& request) {
  // Checksum of this request's body, if the client sent one.
  std::unique_ptr<Digester> digester;
  std::vector<uint8_t> expected_digest;
  if (auto checksum = Header(request.headers, "Upload-Checksum")) {
    const auto space = checksum->find(' ');
    const std::string algorithm = checksum->substr(0, space);
    const EVP_MD* md = algorithm == "sha1"     ? EVP_sha1()
                       : algorithm == "sha256" ? EVP_sha256()
                                               : nullptr;
    if (md == nullptr || space == std::string::npos) {
      return Reply(400, "Upload-Checksum must be 'sha1 BASE64' or 'sha256 BASE64'");
    }
    auto decoded = Base64Decode(checksum->substr(space + 1));
    if (!decoded || decoded->size() != static_cast<size_t>(EVP_MD_get_size(md))) {
      return Reply(400, "Upload-Checksum is not a base64 " + algorithm + " digest");
    }
    expected_digest = std::move(*decoded);
    digester = std::make_unique<Digester>(md);
  }

  const auto part = PartPath(upload);
  Fd fd(::open(part.c_str(), O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) return StorageError(Errno("opening an upload").error());
  // Bytes past the acknowledged offset were never acknowledged: they go.
  if (::ftruncate(fd.get(), upload.offset) != 0) {
    return StorageError(Errno("truncating an upload").error());
  }
  const int64_t room = (upload.length ? *upload.length : limits_.max_size) - upload.offset;
  int64_t received = 0;
  bool too_long = false, too_slow = false;
  std::optional<Error> write_error;
  const auto start = std::chrono::steady_clock::now();
  bool complete_body = true;
  if (request.read_body) {
    complete_body = request.read_body([&](const char* data, size_t n) {
      if (received + static_cast<int64_t>(n) > room) {
        too_long = true;
        return false;
      }
      size_t written = 0;
      while (written < n) {
        const ssize_t w = ::pwrite(fd.get(), data + written, n - written,
                                   upload.offset + received + static_cast<int64_t>(written));
        if (w < 0) {
          if (errno == EINTR) continue;
          write_error = Errno("writing an upload").error();
          return false;
        }
        written += static_cast<size_t>(w);
      }
      if (digester) digester->Update(data, n);
      received += static_cast<int64_t>(n);
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (elapsed > limits_.min_rate_grace_s &&
          static_cast<double>(received) / elapsed < limits_.min_rate_bytes_per_s) {
        too_slow = true;
        return false;
      }
      return true;
    });
  }
  auto discard = [&] { (void)::ftruncate(fd.get(), upload.offset); };
  if (write_error) {
    discard();
    return StorageError(*write_error);
  }
  if (too_long) {
    discard();
    return Reply(413, "the body goes past Upload-Length (or the size limit)");
  }
  if (digester) {
    // A checksum covers the whole request body: a partial body cannot be verified, so it is
    // dropped and the client resends from the same offset.
    if (!complete_body) {
      discard();
      if (too_slow) {
        TusResponse r = Reply(408,
                              "the upload was slower than the minimum rate; send a smaller "
                              "chunk");
        r.headers.emplace_back("Upload-Offset", std::to_string(upload.offset));
        return r;
      }
      return Reply(400, "the body was cut short; its checksum cannot be verified");
    }
    if (digester->Finish() != expected_digest) {
      discard();
      return Reply(460, "checksum mismatch; the chunk was discarded");
    }
  }
  if (received > 0) {
    if (::fdatasync(fd.get()) != 0) {
      const auto err = Errno("syncing an upload").error();
      discard();
      return StorageError(err);
    }
    if (auto st = store_.SetUploadOffset(upload.id, upload.offset + received); !st) {
      discard();
      return StorageError(st.error());
    }
    upload.offset += received;
  }
  if (too_slow) {
    TusResponse r = Reply(408, "the upload was slower than the minimum rate; resume it");
    r.headers.emplace_back("Upload-Offset", std::to_string(upload.offset));
    return r;
  }
  if (upload.length && upload.offset == *upload.length) return Finish(caller, upload);
  TusResponse r = Reply(204);
  r.headers.emplace_back("Upload-Offset", std::to_string(upload.offset));
  for (auto& h : ExpiresHeader(upload)) r.headers.push_back(h);
  return r;
}

Result<std::pair<int64_t, bool>> TusService::MakeAsset(const Upload& upload,
                                                       const std::string& sha256) {
  CAMROLL_ASSIGN_OR_RETURN(auto existing, store_.AssetBySha(upload.user, sha256));
  const auto part = PartPath(upload);
  if (existing) {
    // The owner already has these bytes (de-duplication is per owner only).
    CAMROLL_RETURN_IF_ERROR(store_.FinishUpload(upload.id, existing->id));
    std::filesystem::remove(part);
    return std::pair<int64_t, bool>{existing->id, false};
  }
  CAMROLL_ASSIGN_OR_RETURN(Format format, SniffFile(part));
  const std::string file = "originals/" + sha256.substr(0, 32) + Extension(format);
  const auto target = root_ / "users" / std::to_string(upload.user) / file;
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(target.parent_path()));
  std::error_code ec;
  if (hooks_.store_original) {
    CAMROLL_RETURN_IF_ERROR(hooks_.store_original(upload.user, part, target));
  } else {
    std::filesystem::remove(target, ec);
    if (::link(part.c_str(), target.c_str()) != 0) return Errno("linking an upload");
    CAMROLL_RETURN_IF_ERROR(FsyncDirectory(target.parent_path()));
  }
  Asset asset;
  asset.user = upload.user;
  asset.sha256 = sha256;
  asset.file = file;
  asset.name = upload.name.empty() ? "upload" + Extension(format) : upload.name;
  asset.type = !upload.type.empty() ? upload.type : std::string(FormatMime(format));
  asset.size = upload.offset;
  asset.created = hooks_.now();
  auto id = store_.AddAsset(asset);
  if (!id) {
    // Another upload of the same bytes by the same owner finished in between: the file at
    // `target` is now that asset's (the same bytes), so it stays, and this upload joins it.
    CAMROLL_ASSIGN_OR_RETURN(auto raced, store_.AssetBySha(upload.user, sha256));
    if (raced) {
      CAMROLL_RETURN_IF_ERROR(store_.FinishUpload(upload.id, raced->id));
      std::filesystem::remove(part, ec);
      return std::pair<int64_t, bool>{raced->id, false};
    }
    std::filesystem::remove(target, ec);
    return std::unexpected(id.error());
  }
  CAMROLL_RETURN_IF_ERROR(store_.FinishUpload(upload.id, *id));
  std::filesystem::remove(part, ec);
  return std::pair<int64_t, bool>{*id, true};
}

TusResponse TusService::Finish(const TusCaller& caller, Upload& upload) {
  const std::shared_ptr<void> held = hooks_.hold ? hooks_.hold(upload.user) : nullptr;
  auto reject = [&](int status, std::string why) {
    (void)Delete(upload);
    return Reply(status, std::move(why));
  };
  if (caller.still_authorized && !caller.still_authorized()) {
    return reject(401, "the credentials were revoked during the upload");
  }
  if (hooks_.refusal) {
    if (auto why = hooks_.refusal(upload.user)) return reject(403, *why);
  }
  auto digest = Sha256OfFile(PartPath(upload));
  if (!digest) return StorageError(digest.error());
  const std::string sha = ToHex(*digest);
  if (!upload.sha256.empty() && upload.sha256 != sha) {
    return reject(460, "the file's SHA-256 does not match its sha256 metadata; upload it again");
  }
  if (limits_.quota_bytes > 0) {
    auto used = store_.AssetBytes(upload.user);
    if (!used) return StorageError(used.error());
    if (*used + upload.offset > limits_.quota_bytes) {
      return reject(
          413, fmt::format("this upload would go past the quota of {} bytes", limits_.quota_bytes));
    }
  }
  auto made = MakeAsset(upload, sha);
  if (!made) return StorageError(made.error());
  upload.done = true;
  upload.asset = made->first;
  if (hooks_.on_asset) hooks_.on_asset(upload.user, made->first, made->second);
  TusResponse r = Reply(204);
  r.headers.emplace_back("Upload-Offset", std::to_string(upload.offset));
  return r;
}

TusResponse TusService::Delete(const Upload& upload) {
  std::error_code ec;
  std::filesystem::remove(PartPath(upload), ec);
  if (auto st = store_.DeleteUpload(upload.id); !st) return StorageError(st.error());
  return Reply(204);
}

Result<std::string> TusService::Recover() {
  CAMROLL_ASSIGN_OR_RETURN(auto uploads, store_.Uploads(std::nullopt));
  size_t finished = 0, removed_parts = 0, removed_originals = 0;
  std::set<std::filesystem::path> known_parts;
  for (Upload& u : uploads) {
    const auto part = PartPath(u);
    std::error_code ec;
    if (u.done) {
      removed_parts += std::filesystem::remove(part, ec);
      continue;
    }
    known_parts.insert(part);
    if (u.length && u.offset == *u.length) {
      TusCaller owner{u.user, nullptr};
      const TusResponse r = Finish(owner, u);
      if (r.status < 300) ++finished;
    }
  }
  std::error_code ec;
  for (auto dir = std::filesystem::directory_iterator(root_ / "uploads", ec);
       !ec && dir != std::filesystem::directory_iterator(); dir.increment(ec)) {
    for (auto f = std::filesystem::directory_iterator(dir->path(), ec);
         !ec && f != std::filesystem::directory_iterator(); f.increment(ec)) {
      if (!known_parts.count(f->path())) {
        std::error_code rm;
        removed_parts += std::filesystem::remove(f->path(), rm);
      }
    }
  }
  for (auto dir = std::filesystem::directory_iterator(root_ / "users", ec);
       !ec && dir != std::filesystem::directory_iterator(); dir.increment(ec)) {
    int64_t user = 0;
    const std::string name = dir->path().filename().string();
    if (std::from_chars(name.data(), name.data() + name.size(), user).ec != std::errc()) continue;
    std::error_code ec2;
    for (auto f = std::filesystem::directory_iterator(dir->path() / "originals", ec2);
         !ec2 && f != std::filesystem::directory_iterator(); f.increment(ec2)) {
      const std::string file = "originals/" + f->path().filename().string();
      CAMROLL_ASSIGN_OR_RETURN(auto asset, store_.AssetByFile(user, file));
      if (!asset) {
        std::error_code rm;
        removed_originals += std::filesystem::remove(f->path(), rm);
      }
    }
  }
  return fmt::format("{} uploads finished, {} part files and {} unlisted originals removed",
                     finished, removed_parts, removed_originals);
}

Result<size_t> TusService::ExpireUploads() {
  CAMROLL_ASSIGN_OR_RETURN(auto expired, store_.ExpiredUploads(hooks_.now()));
  size_t n = 0;
  for (const Upload& u : expired) {
    if (!Lock(u.id)) continue;  // being written right now; next round
    (void)Delete(u);
    Unlock(u.id);
    ++n;
  }
  return n;
}

Status TusService::DeleteUserParts(int64_t user) {
  std::error_code ec;
  std::filesystem::remove_all(root_ / "uploads" / std::to_string(user), ec);
  if (ec) return Fail(ErrorCode::kIo, "deleting uploads: " + ec.message());
  return Ok();
}

}  // namespace camroll::server
