#include "sync/tus_client.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/parse.h"
#include "core/sha256.h"

namespace camroll::sync {
namespace {

constexpr const char* kTusVersion = "1.0.0";
constexpr const char* kUploads = "/v1/uploads/";

std::string B64(std::string_view text) {
  return Base64Encode({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string StripSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::string Reply::Describe() const {
  if (status == 0) return "no response from the server: " + error;
  std::string text = Trimmed(body);
  // JSON errors from the API: {"error":"..."}; tus errors are plain text.
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {
    text = j["error"].get<std::string>();
  }
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text.empty() ? fmt::format("HTTP {}", status) : fmt::format("HTTP {}: {}", status, text);
}

Status CheckServerUrl(const std::string& server) {
  const std::string s = StripSlash(server);
  const bool https = s.rfind("https://", 0) == 0;
  if (!https && s.rfind("http://", 0) != 0) {
    return Fail(ErrorCode::kInvalidInput, "the server URL must start with http:// or https://");
  }
  const std::string rest = s.substr(https ? 8 : 7);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string::npos) {
    return Fail(ErrorCode::kInvalidInput,
                "the server URL is scheme://host[:port], without a path or credentials");
  }
  return Ok();
}

std::optional<std::string> UploadPath(const std::string& location, const std::string& server) {
  std::string path = location;
  const std::string base = StripSlash(server);
  if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) {
    // An absolute URL must point back at the same server: the token goes nowhere else.
    if (path.rfind(base + "/", 0) != 0) return std::nullopt;
    path = path.substr(base.size());
  }
  if (path.rfind(kUploads, 0) != 0) return std::nullopt;
  const std::string id = path.substr(std::string_view(kUploads).size());
  if (id.empty() || id.size() > 128 || !std::all_of(id.begin(), id.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
      })) {
    return std::nullopt;
  }
  return path;
}

struct ServerClient::Impl {
  std::string server;
  std::string token;

  httplib::Headers BaseHeaders(bool tus) const {
    httplib::Headers h{{"Authorization", "Bearer " + token}, {"User-Agent", "camroll-sync/1"}};
    if (tus) h.emplace("Tus-Resumable", kTusVersion);
    return h;
  }

  template <typename Call>
  Reply Send(Call&& call) {
    httplib::Client client(server);
    client.set_connection_timeout(10, 0);
    client.set_write_timeout(60, 0);
    // The last PATCH of a large video waits for the server to hash the whole file.
    client.set_read_timeout(300, 0);
    client.set_follow_location(false);
    client.set_keep_alive(false);
    httplib::Result res = call(client);
    Reply r;
    if (!res) {
      r.error = httplib::to_string(res.error());
      return r;
    }
    r.status = res->status;
    r.body = res->body;
    if (res->has_header("Upload-Offset"))
      r.offset = ParseNonNegativeInt(res->get_header_value("Upload-Offset"));
    if (res->has_header("Upload-Length"))
      r.length = ParseNonNegativeInt(res->get_header_value("Upload-Length"));
    if (res->has_header("Location")) {
      r.location = UploadPath(res->get_header_value("Location"), server).value_or("");
    }
    return r;
  }
};

ServerClient::ServerClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServerClient::~ServerClient() = default;

Result<std::unique_ptr<ServerClient>> ServerClient::Connect(const std::string& server,
                                                            const std::string& token) {
  CAMROLL_RETURN_IF_ERROR(CheckServerUrl(server));
  if (token.empty() || token.find_first_of("\r\n") != std::string::npos) {
    return Fail(ErrorCode::kInvalidInput, "the API token is empty or malformed");
  }
  auto impl = std::make_unique<Impl>();
  impl->server = StripSlash(server);
  impl->token = token;
  return std::unique_ptr<ServerClient>(new ServerClient(std::move(impl)));
}

Reply ServerClient::Get(const std::string& path) {
  return impl_->Send([&](httplib::Client& c) { return c.Get(path, impl_->BaseHeaders(false)); });
}

Reply ServerClient::Create(const UploadFile& file) {
  auto h = impl_->BaseHeaders(true);
  h.emplace("Upload-Length", std::to_string(file.length));
  h.emplace("Upload-Metadata", fmt::format("filename {},filetype {},sha256 {}", B64(file.name),
                                           B64(file.type), B64(file.sha256)));
  return impl_->Send([&](httplib::Client& c) { return c.Post("/v1/uploads", h, "", 0, ""); });
}

Reply ServerClient::Head(const std::string& upload) {
  return impl_->Send([&](httplib::Client& c) { return c.Head(upload, impl_->BaseHeaders(true)); });
}

Reply ServerClient::Patch(const std::string& upload, int64_t offset,
                          std::span<const uint8_t> chunk) {
  auto h = impl_->BaseHeaders(true);
  h.emplace("Upload-Offset", std::to_string(offset));
  h.emplace("Upload-Checksum", "sha256 " + Base64Encode(Sha256Of(chunk)));
  return impl_->Send([&](httplib::Client& c) {
    return c.Patch(upload, h, reinterpret_cast<const char*>(chunk.data()), chunk.size(),
                   "application/offset+octet-stream");
  });
}

Reply ServerClient::Delete(const std::string& upload) {
  return impl_->Send(
      [&](httplib::Client& c) { return c.Delete(upload, impl_->BaseHeaders(true)); });
}

}  // namespace camroll::sync
