// The HTTP API (cpp-httplib): routes, authentication (API tokens as `Authorization: Bearer`,
// or a browser session cookie with a CSRF header), errors as JSON, the OpenAPI 3 document at
// /openapi.json built from the same route table that registers the handlers, and the web app's
// static files. Access log lines carry method, path (never the query), status, user and time:
// no secrets.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "server/service.h"

namespace camroll::server {

struct ApiOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (see Api::port())
  int threads = 16;
  int idle_timeout_s = 30;  // read/write timeouts: headers and bodies that stall are cut
  size_t max_json_bytes = 1 << 20;
  std::filesystem::path web_root;  // the built web app; empty: none
};

// One documented operation.
struct RouteDoc {
  std::string method;  // "get", "put", ...
  std::string path;    // OpenAPI form: "/v1/ideas/{id}/accept"
  std::string summary;
  std::string scope;  // "" public, else the token scope needed
};

class Api {
 public:
  Api(Service& service, ApiOptions options);
  ~Api();
  // Binds the socket (so port() is known), then serves on a thread of its own.
  Status Start();
  void Stop();
  int port() const { return port_; }

  // The OpenAPI 3.0 document of every route.
  static nlohmann::json OpenApi();
  static const std::vector<RouteDoc>& Routes();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace camroll::server
