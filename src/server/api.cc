#include "server/api.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include "core/log.h"
#include "server/auth.h"
#include "server/notices.h"
#include "server/tar.h"

namespace camroll::server {
namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* kSessionCookie = "camroll_session";

int HttpStatus(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kInvalidInput:
    case ErrorCode::kUnsupported:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kPermission:
      return 403;
    case ErrorCode::kLimit:
      return 413;
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

void SendJson(Response& res, const nlohmann::json& body, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json");
}

void SendError(Response& res, int status, const std::string& message) {
  SendJson(res, {{"error", message}}, status);
}

void SendError(Response& res, const Error& e) {
  // Internal details stay in the log.
  const int status = HttpStatus(e);
  if (status >= 500) {
    Log(LogLevel::kError, "{}", e.message());
    SendError(res, status, "internal error; the server log has the details");
  } else {
    SendError(res, status, e.message());
  }
}

std::string CookieValue(const Request& req, const std::string& name) {
  const std::string cookies = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < cookies.size()) {
    size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string pair = cookies.substr(pos, end - pos);
    const auto first = pair.find_first_not_of(' ');
    if (first != std::string::npos) pair = pair.substr(first);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

std::string ContentTypeOf(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".mp4") return "video/mp4";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".json") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

// Sends one of a user's files (unsealed in memory: thumbnails and renders are small). httplib
// answers Range requests from it, so a recap can be seeked.
void SendBytes(Response& res, std::vector<uint8_t> bytes, const std::string& type,
               const std::string& download_as) {
  // Nothing of a user's photos stays in a browser's cache: after an opt-out, what was deleted
  // must not be shown from there either.
  res.set_header("Cache-Control", "private, no-store");
  if (!download_as.empty()) {
    res.set_header("Content-Disposition", "attachment; filename=\"" + download_as + "\"");
  }
  res.set_content(std::string(bytes.begin(), bytes.end()), type);
}

}  // namespace

const std::vector<RouteDoc>& Api::Routes() {
  static const std::vector<RouteDoc> routes = {
      {"get", "/openapi.json", "This document", ""},
      {"get", "/v1/notices", "The switches' notices, with their versions", ""},
      {"get", "/v1/retention", "The retention schedule", ""},
      {"post", "/v1/session", "Sign in with a user name and password (sets a session cookie)", ""},
      {"get", "/v1/session", "Who is signed in, and the CSRF token for changes", "read"},
      {"delete", "/v1/session", "Sign out", "read"},
      {"get", "/v1/settings", "The three switches", "upload|read"},
      {"put", "/v1/settings", "Change switches (records consent; switching off deletes)", "write"},
      {"get", "/v1/ledger", "The caller's consent ledger entries", "read"},
      {"options", "/v1/uploads", "tus capabilities", ""},
      {"post", "/v1/uploads", "Create a tus upload (creation, creation-with-upload)", "upload"},
      {"head", "/v1/uploads/{id}", "A tus upload's offset", "upload"},
      {"patch", "/v1/uploads/{id}", "Append to a tus upload", "upload"},
      {"delete", "/v1/uploads/{id}", "Terminate a tus upload", "upload"},
      {"get", "/v1/status", "Uploaded, pending, analysed and failed files", "upload|read"},
      {"get", "/v1/assets", "The caller's uploaded files", "read"},
      {"get", "/v1/assets/{id}", "One uploaded file", "read"},
      {"get", "/v1/assets/{id}/thumbnail", "A file's thumbnail", "read"},
      {"get", "/v1/assets/{id}/derived", "What was derived from a file, when, for which purpose",
       "read"},
      {"get", "/v1/ideas", "Ideas for a surface (story, or browse with browse_suggestions on)",
       "read"},
      {"post", "/v1/ideas/{id}/accept", "Accept an idea (its photos count as posted)", "write"},
      {"post", "/v1/ideas/{id}/dismiss", "Dismiss an idea (never shown again)", "write"},
      {"get", "/v1/ideas/{id}/files/{n}", "Download an idea's rendered file", "read"},
      {"get", "/v1/ideas/{id}/options", "Layouts or looks and photos an idea can take", "read"},
      {"post", "/v1/ideas/{id}/edit", "Edit an idea (photos, layout or look, caption)", "write"},
      {"get", "/v1/people", "People of face grouping, with cover faces", "read"},
      {"put", "/v1/people/{id}", "Rename or hide a person", "write"},
      {"post", "/v1/people/{id}/merge", "Merge another person into this one", "write"},
      {"post", "/v1/people/{id}/split", "Move chosen faces out to a new person", "write"},
      {"get", "/v1/faces/{id}/crop", "A face, cut from its photo", "read"},
      {"get", "/v1/export", "Everything the caller has, as a tar archive", "read"},
      {"get", "/v1/tokens", "The caller's API tokens", "read"},
      {"post", "/v1/tokens", "Make an API token with some of the caller's scopes", "write"},
      {"delete", "/v1/tokens/{id}", "Revoke an API token", "write"},
  };
  return routes;
}

nlohmann::json Api::OpenApi() {
  nlohmann::json paths = nlohmann::json::object();
  for (const RouteDoc& r : Routes()) {
    nlohmann::json op{{"summary", r.summary}, {"responses", {{"200", {{"description", "OK"}}}}}};
    if (!r.scope.empty()) {
      op["security"] = nlohmann::json::array(
          {{{"bearer", nlohmann::json::array({r.scope})}}, {{"session", nlohmann::json::array()}}});
      op["responses"]["401"] = {{"description", "no or revoked credentials"}};
      op["responses"]["403"] = {{"description", "missing scope or consent"}};
    }
    nlohmann::json params = nlohmann::json::array();
    for (const char* name : {"id", "n"}) {
      if (r.path.find(std::string("{") + name + "}") != std::string::npos) {
        params.push_back(
            {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
      }
    }
    if (r.path == "/v1/ideas") {
      params.push_back({{"name", "surface"},
                        {"in", "query"},
                        {"schema", {{"type", "string"}, {"enum", {"story", "browse"}}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    paths[r.path][r.method] = op;
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "camroll server"},
            {"version", "1"},
            {"description",
             "Camera-roll ideas with consent: tus uploads, switches with a consent ledger, "
             "ideas, transparency and export."}}},
          {"components",
           {{"securitySchemes",
             {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
              {"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", kSessionCookie}}}}}}},
          {"paths", paths}};
}

struct Api::Impl {
  Service& service;
  ApiOptions options;
  httplib::Server server;
  std::thread thread;

  Impl(Service& s, ApiOptions o) : service(s), options(std::move(o)) {}

  // Who is calling, with `scope` (empty: any signed-in caller). Writes 401/403 and returns
  // nullopt when not allowed.
  std::optional<Principal> Authorize(const Request& req, Response& res, const std::string& scope) {
    std::optional<Principal> who;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
      auto p = service.Authenticate(auth.substr(7));
      if (!p) {
        SendError(res, p.error());
        return std::nullopt;
      }
      who = *p;
    } else if (const std::string cookie = CookieValue(req, kSessionCookie); !cookie.empty()) {
      auto p = service.SessionPrincipal(cookie);
      if (!p) {
        SendError(res, p.error());
        return std::nullopt;
      }
      who = *p;
      // Changes from a browser need the CSRF token the page got at sign-in.
      if (who && req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS" &&
          !SecretsEqual(req.get_header_value("X-CSRF-Token"), who->csrf)) {
        SendError(res, 403, "missing or wrong X-CSRF-Token");
        return std::nullopt;
      }
      if (!who) {
        SendError(res, 401, "your session has expired; sign in again");
        return std::nullopt;
      }
    }
    if (!who) {
      res.set_header("WWW-Authenticate", "Bearer");
      SendError(res, 401, "sign in, or send Authorization: Bearer TOKEN");
      return std::nullopt;
    }
    // `scope` names one scope, or several separated by '|' of which any will do.
    bool allowed = scope.empty();
    for (size_t at = 0; !allowed && at <= scope.size();) {
      const size_t bar = std::min(scope.find('|', at), scope.size());
      allowed = HasScope(who->scopes, scope.substr(at, bar - at));
      at = bar + 1;
    }
    if (!allowed) {
      SendError(res, 403, "this token lacks the '" + scope + "' scope");
      return std::nullopt;
    }
    return who;
  }

  std::optional<nlohmann::json> JsonBody(const Request& req, Response& res) {
    if (req.body.size() > options.max_json_bytes) {
      SendError(res, 413, "the body is too large");
      return std::nullopt;
    }
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      SendError(res, 400, "the body must be a JSON object");
      return std::nullopt;
    }
    return body;
  }

  void Tus(const Request& req, Response& res, const httplib::ContentReader* reader,
           const std::string& id) {
    TusRequest tr;
    tr.method = req.method;
    tr.upload_id = id;
    for (const auto& [k, v] : req.headers) tr.headers.emplace(k, v);
    if (reader != nullptr) {
      tr.read_body = [reader](const std::function<bool(const char*, size_t)>& sink) {
        return (*reader)([&](const char* data, size_t n) { return sink(data, n); });
      };
    }
    TusCaller caller;
    if (req.method != "OPTIONS") {
      auto who = Authorize(req, res, "upload");
      if (!who) return;
      caller.user = who->user;
      caller.still_authorized = [this, p = *who] { return service.StillValid(p); };
    }
    TusResponse r = service.tus().Handle(caller, tr);
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    if (!r.body.empty()) res.set_content(r.body, "text/plain; charset=utf-8");
  }

  void Register() {
    auto& s = server;
    s.Get("/openapi.json", [](const Request&, Response& res) { SendJson(res, OpenApi()); });
    s.Get("/v1/notices", [](const Request&, Response& res) {
      nlohmann::json out = nlohmann::json::array();
      for (const Notice& n : Notices()) {
        out.push_back({{"switch", n.switch_name},
                       {"title", n.title},
                       {"version", n.version},
                       {"purpose", n.purpose},
                       {"turn_on", n.turn_on},
                       {"turn_off", n.turn_off}});
      }
      SendJson(res, out);
    });
    s.Get("/v1/retention",
          [this](const Request&, Response& res) { SendJson(res, service.RetentionJson()); });

    s.Post("/v1/session", [this](const Request& req, Response& res) {
      auto body = JsonBody(req, res);
      if (!body) return;
      const std::string user = body->value("user", ""), password = body->value("password", "");
      auto signed_in = service.SignIn(user, password, req.remote_addr);
      if (!signed_in) {
        const ErrorCode code = signed_in.error().code();
        if (code == ErrorCode::kLimit) {
          res.set_header("Retry-After", std::to_string(Service::kSignInWindowS));
          return SendError(res, 429, signed_in.error().message());
        }
        SendError(res, code == ErrorCode::kPermission ? 401 : 500,
                  code == ErrorCode::kPermission ? signed_in.error().message() : "internal error");
        return;
      }
      res.set_header(
          "Set-Cookie",
          fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}", kSessionCookie,
                      signed_in->first, service.options().session_days * 86400));
      SendJson(res, {{"user", user}, {"csrf", signed_in->second}});
    });
    s.Get("/v1/session", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "");
      if (!who) return;
      auto user = service.store().UserById(who->user);
      if (!user || !*user) return SendError(res, 404, "no such user");
      SendJson(res, {{"user", (*user)->name}, {"csrf", who->csrf}});
    });
    s.Delete("/v1/session", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "");
      if (!who) return;
      (void)service.SignOut(CookieValue(req, kSessionCookie));
      res.set_header("Set-Cookie", fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
                                               kSessionCookie));
      SendJson(res, {{"signed_out", true}});
    });

    s.Get("/v1/settings", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "upload|read");
      if (!who) return;
      auto switches = service.Switches(who->user);
      if (!switches) return SendError(res, switches.error());
      SendJson(res, *switches);
    });
    s.Put("/v1/settings", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "write");
      if (!who) return;
      auto body = JsonBody(req, res);
      if (!body) return;
      for (const auto& [name, value] : body->items()) {
        if (!FindNotice(name) || !value.is_boolean()) {
          return SendError(res, 400,
                           "settings are cloud_processing, face_grouping and "
                           "browse_suggestions, each true or false");
        }
      }
      nlohmann::json changes = nlohmann::json::array();
      const std::string method = who->token_id ? "api" : "web";
      for (const auto& [name, value] : body->items()) {
        auto change = service.SetSwitch(who->user, name, value.get<bool>(), method);
        if (!change) return SendError(res, change.error());
        if (change->changed) {
          changes.push_back({{"switch", name},
                             {"value", value},
                             {"ledger_seq", change->entry.seq},
                             {"notice_version", change->entry.notice_version},
                             {"deleted", change->deleted}});
        }
      }
      auto switches = service.Switches(who->user);
      if (!switches) return SendError(res, switches.error());
      nlohmann::json out = *switches;
      out["changes"] = changes;
      SendJson(res, out);
    });
    s.Get("/v1/ledger", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      auto entries = service.store().Ledger(who->user);
      if (!entries) return SendError(res, entries.error());
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : *entries) out.push_back(LedgerEntryJson(e));
      SendJson(res, out);
    });

    // tus. HEAD reaches the GET handler in cpp-httplib.
    s.Options("/v1/uploads",
              [this](const Request& req, Response& res) { Tus(req, res, nullptr, ""); });
    s.Post("/v1/uploads",
           [this](const Request& req, Response& res, const httplib::ContentReader& reader) {
             Tus(req, res, &reader, "");
           });
    s.Get(R"(/v1/uploads/([0-9a-f]{32}))", [this](const Request& req, Response& res) {
      if (req.method != "HEAD") return SendError(res, 405, "use HEAD, PATCH or DELETE");
      Tus(req, res, nullptr, req.matches[1]);
    });
    s.Patch(R"(/v1/uploads/([0-9a-f]{32}))",
            [this](const Request& req, Response& res, const httplib::ContentReader& reader) {
              Tus(req, res, &reader, req.matches[1]);
            });
    s.Delete(R"(/v1/uploads/([0-9a-f]{32}))",
             [this](const Request& req, Response& res) { Tus(req, res, nullptr, req.matches[1]); });

    s.Get("/v1/status", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "upload|read");
      if (!who) return;
      auto status = service.StatusJson(who->user);
      if (!status) return SendError(res, status.error());
      SendJson(res, *status);
    });
    s.Get("/v1/assets", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      auto list = service.AssetList(who->user);
      if (!list) return SendError(res, list.error());
      SendJson(res, *list);
    });
    s.Get(R"(/v1/assets/(\d{1,18}))", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      auto asset = service.AssetJson(who->user, std::stoll(req.matches[1]));
      if (!asset) return SendError(res, asset.error());
      SendJson(res, *asset);
    });
    s.Get(R"(/v1/assets/(\d{1,18})/thumbnail)", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      auto path = service.AssetThumbnail(who->user, std::stoll(req.matches[1]));
      if (!path) return SendError(res, path.error());
      auto bytes = service.ReadDerived(who->user, *path);
      if (!bytes) return SendError(res, bytes.error());
      SendBytes(res, std::move(*bytes), ContentTypeOf(*path), "");
    });
    s.Get(R"(/v1/assets/(\d{1,18})/derived)", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      auto derived = service.Derived(who->user, std::stoll(req.matches[1]));
      if (!derived) return SendError(res, derived.error());
      SendJson(res, *derived);
    });

    s.Get("/v1/ideas", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      const std::string surface =
          req.has_param("surface") ? req.get_param_value("surface") : "story";
      auto ideas = service.Ideas(who->user, surface);
      if (!ideas) return SendError(res, ideas.error());
      SendJson(res, *ideas);
    });
    for (const auto& [verb, accept] : {std::pair{"accept", true}, std::pair{"dismiss", false}}) {
      s.Post(fmt::format(R"(/v1/ideas/([a-z]+-[0-9a-f]{{1,32}})/{})", verb),
             [this, accept = accept](const Request& req, Response& res) {
               auto who = Authorize(req, res, "write");
               if (!who) return;
               auto done = service.Feedback(who->user, req.matches[1], accept);
               if (!done) return SendError(res, done.error());
               SendJson(res, *done);
             });
    }
    s.Get(R"(/v1/ideas/([a-z]+-[0-9a-f]{1,32})/files/(\d{1,3}))",
          [this](const Request& req, Response& res) {
            auto who = Authorize(req, res, "read");
            if (!who) return;
            auto path = service.IdeaFile(who->user, req.matches[1], std::stoul(req.matches[2]));
            if (!path) return SendError(res, path.error());
            auto bytes = service.ReadDerived(who->user, *path);
            if (!bytes) return SendError(res, bytes.error());
            SendBytes(res, std::move(*bytes), ContentTypeOf(*path), path->filename().string());
          });

    s.Get(R"(/v1/ideas/([a-z]+-[0-9a-f]{1,32})/options)",
          [this](const Request& req, Response& res) {
            auto who = Authorize(req, res, "read");
            if (!who) return;
            auto idea_options = service.IdeaOptions(who->user, req.matches[1]);
            if (!idea_options) return SendError(res, idea_options.error());
            SendJson(res, *idea_options);
          });
    s.Post(R"(/v1/ideas/([a-z]+-[0-9a-f]{1,32})/edit)", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "write");
      if (!who) return;
      auto body = JsonBody(req, res);
      if (!body) return;
      auto edited = service.EditIdea(who->user, req.matches[1], *body);
      if (!edited) return SendError(res, edited.error());
      SendJson(res, *edited);
    });
    s.Get("/v1/people", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      auto people = service.People(who->user);
      if (!people) return SendError(res, people.error());
      SendJson(res, *people);
    });
    auto change_person = [this](const Request& req, Response& res, const std::string& op) {
      auto who = Authorize(req, res, "write");
      if (!who) return;
      auto body = JsonBody(req, res);
      if (!body) return;
      (*body)["op"] = op;
      auto changed = service.ChangePeople(who->user, std::stoll(req.matches[1]), *body);
      if (!changed) return SendError(res, changed.error());
      SendJson(res, *changed);
    };
    s.Put(R"(/v1/people/(\d{1,18}))",
          [change_person](const Request& req, Response& res) { change_person(req, res, "edit"); });
    s.Post(R"(/v1/people/(\d{1,18})/merge)", [change_person](const Request& req, Response& res) {
      change_person(req, res, "merge");
    });
    s.Post(R"(/v1/people/(\d{1,18})/split)", [change_person](const Request& req, Response& res) {
      change_person(req, res, "split");
    });
    s.Get(R"(/v1/faces/(\d{1,18})/crop)", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      auto jpeg = service.FaceCrop(who->user, std::stoll(req.matches[1]));
      if (!jpeg) return SendError(res, jpeg.error());
      res.set_header("Cache-Control", "private, no-store");  // biometric-derived: never cached
      res.set_content(*jpeg, "image/jpeg");
    });

    s.Get("/v1/export", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      auto items = service.Export(who->user);
      if (!items) return SendError(res, items.error());
      auto writer = std::make_shared<TarStream>(std::move(*items));
      res.set_header("Content-Disposition", "attachment; filename=\"camroll-export.tar\"");
      res.set_header("Cache-Control", "no-store");
      res.set_chunked_content_provider(
          "application/x-tar", [writer](size_t, httplib::DataSink& sink) {
            std::string chunk;
            auto more = writer->Next(chunk);
            if (!more) {
              Log(LogLevel::kError, "export: {}", more.error().message());
              return false;
            }
            if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
            if (!*more) sink.done();
            return true;
          });
    });

    s.Get("/v1/tokens", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "read");
      if (!who) return;
      auto tokens = service.store().Tokens(who->user);
      if (!tokens) return SendError(res, tokens.error());
      nlohmann::json out = nlohmann::json::array();
      for (const Token& t : *tokens) {
        out.push_back({{"id", t.id},
                       {"scopes", t.scopes},
                       {"label", t.label},
                       {"created", t.created},
                       {"revoked", t.revoked}});
      }
      SendJson(res, out);
    });
    s.Post("/v1/tokens", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "write");
      if (!who) return;
      auto body = JsonBody(req, res);
      if (!body) return;
      std::vector<std::string> scopes;
      if (!(*body)["scopes"].is_array()) return SendError(res, 400, "scopes: an array of names");
      for (const auto& sc : (*body)["scopes"]) {
        if (!sc.is_string()) return SendError(res, 400, "scopes: an array of names");
        scopes.push_back(sc.get<std::string>());
      }
      auto token = service.CreateToken(*who, scopes, body->value("label", ""));
      if (!token) return SendError(res, token.error());
      SendJson(res, {{"token", *token}, {"scopes", scopes}}, 201);
    });
    s.Delete(R"(/v1/tokens/(\d{1,18}))", [this](const Request& req, Response& res) {
      auto who = Authorize(req, res, "write");
      if (!who) return;
      auto revoked = service.store().RevokeToken(who->user, std::stoll(req.matches[1]));
      if (!revoked) return SendError(res, revoked.error());
      if (!*revoked) return SendError(res, 404, "no such token");
      SendJson(res, {{"revoked", true}});
    });

    if (!options.web_root.empty()) {
      s.set_mount_point("/", options.web_root.string());
    }
  }
};

Api::Api(Service& service, ApiOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {}

Api::~Api() { Stop(); }

Status Api::Start() {
  auto& s = impl_->server;
  const ApiOptions& o = impl_->options;
  s.new_task_queue = [n = o.threads] { return new httplib::ThreadPool(static_cast<size_t>(n)); };
  s.set_read_timeout(o.idle_timeout_s, 0);
  s.set_write_timeout(o.idle_timeout_s, 0);
  s.set_keep_alive_timeout(5);
  s.set_payload_max_length(static_cast<size_t>(impl_->service.tus().limits().max_size) + 1);
  // Bodies are buffered only for uploads (streamed) and small JSON: anything else that
  // announces a large body is refused before it is read.
  s.set_pre_routing_handler([max = o.max_json_bytes](const Request& req, Response& res) {
    if (req.path.rfind("/v1/uploads", 0) == 0) return httplib::Server::HandlerResponse::Unhandled;
    const std::string length = req.get_header_value("Content-Length");
    const bool digits = std::all_of(length.begin(), length.end(),
                                    [](unsigned char ch) { return std::isdigit(ch); });
    if (!length.empty() && (!digits || length.size() > 18 || std::stoull(length) > max)) {
      SendError(res, 413, "the body is too large");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    SendError(res, 500, "internal error");
  });
  s.set_error_handler([](const Request&, Response& res) {
    if (res.body.empty()) {
      SendError(res, res.status, res.status == 404 ? "no such route" : "request refused");
    }
  });
  s.set_logger([](const Request& req, const Response& res) {
    Log(LogLevel::kInfo, "{} {} {}", req.method, req.path, res.status);
  });
  impl_->Register();
  if (o.port == 0) {
    port_ = s.bind_to_any_port(o.host);
    if (port_ <= 0) return Fail(ErrorCode::kIo, "could not bind " + o.host);
  } else {
    if (!s.bind_to_port(o.host, o.port)) {
      return Fail(ErrorCode::kIo, fmt::format("could not listen on {}:{}", o.host, o.port));
    }
    port_ = o.port;
  }
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  // cpp-httplib's stop() does nothing before the listening loop runs: wait for it, so that a
  // Stop() right after Start() cannot hang.
  for (int i = 0; i < 5000 && !impl_->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Ok();
}

void Api::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->server.stop();
  impl_->thread.join();
}

}  // namespace camroll::server
