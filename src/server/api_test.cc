// The HTTP API against a real server on a loopback port: every route × every principal, token
// scopes, secrets in logs, and the whole flow from upload to ideas, export and purge.
#include "server/api.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <mutex>
#include <regex>
#include <set>

#include "core/base64.h"
#include "core/log.h"
#include "core/sha256.h"
#include "media/format.h"
#include "server/auth.h"
#include "testing/testing.h"

namespace camroll::server {
namespace {

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Photos of the generated sample roll, sorted by name.
std::vector<std::filesystem::path> SamplePhotos(size_t n) {
  std::vector<std::filesystem::path> out;
  const auto roll = testing::SampleRoll();
  if (roll.empty()) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(roll / "roll")) {
    const auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".jpg" || ext == ".JPG")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  if (out.size() > n) out.resize(n);
  return out;
}

class Server {
 public:
  Server() {
    ServerOptions o;
    o.data_dir = dir_.path() / "data";
    o.models_dir = dir_.path() / "no-models";  // objects and faces are not needed here
    o.pipeline_threads = 2;
    auto s = Service::Open(o);
    EXPECT_TRUE(s) << s.error().message();
    service = std::move(*s);
    ApiOptions a;
    a.port = 0;
    api = std::make_unique<Api>(*service, a);
    EXPECT_TRUE(api->Start());
  }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", api->port());
    c.set_read_timeout(60, 0);
    return c;
  }
  int64_t UserId(const std::string& token) { return (*service->Authenticate(token))->user; }

  testing::TempDir dir_;
  std::unique_ptr<Service> service;
  std::unique_ptr<Api> api;
};

httplib::Headers Bearer(const std::string& token) {
  if (token.empty()) return {};
  return {{"Authorization", "Bearer " + token}};
}

// Uploads bytes with tus in one PATCH; returns the asset id the server made (-1 on failure).
int64_t Upload(httplib::Client& c, const std::string& token, const std::string& bytes,
               const std::string& name) {
  auto h = Bearer(token);
  h.emplace("Tus-Resumable", "1.0.0");
  h.emplace("Upload-Length", std::to_string(bytes.size()));
  h.emplace(
      "Upload-Metadata",
      "filename " + Base64Encode({reinterpret_cast<const uint8_t*>(name.data()), name.size()}));
  auto created = c.Post("/v1/uploads", h, "", "application/offset+octet-stream");
  if (!created || created->status != 201) return -1;
  const std::string location = created->get_header_value("Location");
  httplib::Headers p = Bearer(token);
  p.emplace("Tus-Resumable", "1.0.0");
  p.emplace("Upload-Offset", "0");
  auto patched = c.Patch(location, p, bytes, "application/offset+octet-stream");
  if (!patched || patched->status != 204) return -1;
  auto assets = c.Get("/v1/assets", Bearer(token));
  const std::string sha =
      ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}));
  for (const auto& a : nlohmann::json::parse(assets->body)) {
    if (a["sha256"] == sha) return a["id"].get<int64_t>();
  }
  return -1;
}

// The request a route doc describes, with its parameters filled in.
httplib::Result Call(httplib::Client& c, const RouteDoc& r, const httplib::Headers& headers,
                     const std::map<std::string, std::string>& params,
                     const std::string& body = "{}") {
  std::string path = r.path;
  for (const auto& [k, v] : params) {
    const std::string key = "{" + k + "}";
    if (auto at = path.find(key); at != std::string::npos) path.replace(at, key.size(), v);
  }
  httplib::Headers h = headers;
  h.emplace("Tus-Resumable", "1.0.0");
  if (r.method == "get") return c.Get(path, h);
  if (r.method == "head") return c.Head(path, h);
  if (r.method == "options") return c.Options(path, h);
  if (r.method == "delete") return c.Delete(path, h);
  if (r.method == "post") return c.Post(path, h, body, "application/json");
  if (r.method == "put") return c.Put(path, h, body, "application/json");
  if (r.method == "patch") {
    h.emplace("Upload-Offset", "0");
    return c.Patch(path, h, "x", "application/offset+octet-stream");
  }
  ADD_FAILURE() << "method " << r.method;
  return c.Get("/");
}

TEST(Api, TheOpenApiDocumentListsEveryRouteAndEveryRouteIsServed) {
  Server s;
  auto c = s.Client();
  auto doc = c.Get("/openapi.json");
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->status, 200);
  const auto json = nlohmann::json::parse(doc->body);
  EXPECT_EQ(json["openapi"], "3.0.3");
  size_t operations = 0;
  for (const auto& [path, ops] : json["paths"].items()) operations += ops.size();
  EXPECT_EQ(operations, Api::Routes().size());
  const std::map<std::string, std::string> params = {{"id", "00000000000000000000000000000000"},
                                                     {"n", "0"}};
  for (const RouteDoc& r : Api::Routes()) {
    // Numeric ids for assets and tokens, idea ids for ideas.
    auto p = params;
    if (r.path.starts_with("/v1/assets") || r.path.starts_with("/v1/tokens") ||
        r.path.starts_with("/v1/people") || r.path.starts_with("/v1/faces")) {
      p["id"] = "1";
    }
    if (r.path.starts_with("/v1/ideas")) p["id"] = "collage-0123abcd";
    auto res = Call(c, r, {}, p);
    ASSERT_TRUE(res) << r.method << " " << r.path;
    EXPECT_FALSE(res->status == 404 && res->body.find("no such route") != std::string::npos)
        << r.method << " " << r.path << " is documented but not served";
    if (r.path == "/v1/session" && r.method == "post") {
      EXPECT_EQ(res->status, 401) << "signing in without credentials";
    } else if (r.scope.empty()) {
      EXPECT_LT(res->status, 400) << r.method << " " << r.path << " is public";
    } else {
      EXPECT_EQ(res->status, 401) << r.method << " " << r.path << " needs credentials";
    }
  }
  auto unknown = c.Get("/v1/nothing-here");
  EXPECT_EQ(unknown->status, 404);
}

TEST(Api, TokensCannotGrantMoreThanTheyHave) {
  Server s;
  auto token = s.service->CreateUser("ana", "correct horse battery");
  ASSERT_TRUE(token);
  auto c = s.Client();
  auto make = [&](const std::string& with, const nlohmann::json& scopes) {
    return c.Post("/v1/tokens", Bearer(with), nlohmann::json{{"scopes", scopes}}.dump(),
                  "application/json");
  };
  auto upload_only = make(*token, {"upload"});
  ASSERT_EQ(upload_only->status, 201);
  const std::string sync_token = nlohmann::json::parse(upload_only->body)["token"];
  EXPECT_EQ(make(sync_token, {"upload"})->status, 403) << "no write scope";
  auto write_only = make(*token, {"write"});
  const std::string writer = nlohmann::json::parse(write_only->body)["token"];
  EXPECT_EQ(make(writer, {"write", "read"})->status, 403) << "read is not the writer's to give";
  EXPECT_EQ(make(writer, {"write"})->status, 201);
  EXPECT_EQ(make(*token, {"admin"})->status, 400);
  EXPECT_EQ(make(*token, nlohmann::json::array())->status, 400);
  // The upload token can upload but not read ideas or change switches.
  EXPECT_EQ(c.Get("/v1/settings", Bearer(sync_token))->status, 200);
  EXPECT_EQ(c.Get("/v1/ideas", Bearer(sync_token))->status, 403);
  EXPECT_EQ(
      c.Put("/v1/settings", Bearer(sync_token), R"({"cloud_processing":true})", "application/json")
          ->status,
      403);
  // Revoked tokens stop working at once.
  auto list = nlohmann::json::parse(c.Get("/v1/tokens", Bearer(*token))->body);
  const int64_t sync_id = list[1]["id"];
  EXPECT_EQ(c.Delete("/v1/tokens/" + std::to_string(sync_id), Bearer(*token))->status, 200);
  EXPECT_EQ(c.Get("/v1/settings", Bearer(sync_token))->status, 401);
}

std::mutex g_log_mu;
std::vector<std::string> g_log;
void CaptureLog(LogLevel, std::string_view line) {
  std::lock_guard lock(g_log_mu);
  g_log.emplace_back(line);
}

TEST(Api, NoSecretInALogLineAndNoTokenFromAUrl) {
  Server s;
  auto token = s.service->CreateUser("ana", "correct horse battery");
  ASSERT_TRUE(token);
  SetLogLevel(LogLevel::kDebug);
  SetLogSink(CaptureLog);
  auto c = s.Client();
  c.Get("/v1/settings", Bearer(*token));
  c.Get("/v1/assets?access_token=" + *token);
  EXPECT_EQ(c.Get("/v1/assets?access_token=" + *token)->status, 401);
  auto signin = c.Post("/v1/session", R"({"user":"ana","password":"correct horse battery"})",
                       "application/json");
  ASSERT_EQ(signin->status, 200);
  const std::string cookie = signin->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string secret =
      cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
  const std::string csrf = nlohmann::json::parse(signin->body)["csrf"];
  httplib::Headers session{{"Cookie", "camroll_session=" + secret}};
  EXPECT_EQ(c.Get("/v1/settings", session)->status, 200);
  // Changes from the browser need the CSRF token.
  EXPECT_EQ(
      c.Put("/v1/settings", session, R"({"browse_suggestions":true})", "application/json")->status,
      403);
  session.emplace("X-CSRF-Token", csrf);
  EXPECT_EQ(
      c.Put("/v1/settings", session, R"({"browse_suggestions":true})", "application/json")->status,
      200);
  auto wrong =
      c.Post("/v1/session", R"({"user":"ana","password":"wrong password"})", "application/json");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(
      c.Post("/v1/session", R"({"user":"nobody","password":"wrong password"})", "application/json")
          ->status,
      401);
  // Guessing is cut off: after the allowed failures a name answers 429 with Retry-After.
  for (int i = 1; i < Service::kSignInFailuresPerName; ++i) {
    c.Post("/v1/session", R"({"user":"ana","password":"still wrong"})", "application/json");
  }
  auto throttled = c.Post("/v1/session", R"({"user":"ana","password":"correct horse battery"})",
                          "application/json");
  EXPECT_EQ(throttled->status, 429);
  EXPECT_EQ(throttled->get_header_value("Retry-After"), std::to_string(Service::kSignInWindowS));
  EXPECT_EQ(c.Delete("/v1/session", session)->status, 200);
  EXPECT_EQ(c.Get("/v1/settings", session)->status, 401);
  SetLogSink(nullptr);
  SetLogLevel(LogLevel::kWarning);
  std::lock_guard lock(g_log_mu);
  ASSERT_FALSE(g_log.empty());
  for (const auto& line : g_log) {
    EXPECT_EQ(line.find(*token), std::string::npos) << line;
    EXPECT_EQ(line.find(secret), std::string::npos) << line;
    EXPECT_EQ(line.find("correct horse"), std::string::npos) << line;
  }
}

// The whole flow with two users, and the isolation matrix on real resources.
TEST(ApiFlow, UploadProcessIdeasIsolationExportAndPurge) {
  const auto photos = SamplePhotos(10);
  if (photos.size() < 10) GTEST_SKIP() << "the sample roll was not generated";
  Server s;
  const std::string ana = *s.service->CreateUser("ana", "correct horse battery");
  const std::string ben = *s.service->CreateUser("ben", "correct horse battery");
  const int64_t ana_id = s.UserId(ana);
  auto c = s.Client();

  // Nothing is accepted before cloud processing is on.
  const std::string first = ReadAll(photos[0]);
  auto refused = c.Post("/v1/uploads",
                        {{"Authorization", "Bearer " + ana},
                         {"Tus-Resumable", "1.0.0"},
                         {"Upload-Length", std::to_string(first.size())}},
                        "", "application/offset+octet-stream");
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("cloud processing is off"), std::string::npos);

  for (const auto& token : {ana, ben}) {
    auto on =
        c.Put("/v1/settings", Bearer(token), R"({"cloud_processing":true})", "application/json");
    ASSERT_EQ(on->status, 200) << on->body;
    EXPECT_TRUE(nlohmann::json::parse(on->body)["cloud_processing"]);
  }
  std::vector<int64_t> ana_assets;
  for (const auto& p : photos) {
    ana_assets.push_back(Upload(c, ana, ReadAll(p), p.filename().string()));
    ASSERT_GT(ana_assets.back(), 0) << p;
  }
  // Ben uploads bytes Ana has: his own asset, which reveals nothing of hers.
  const int64_t ben_asset = Upload(c, ben, first, "mine.jpg");
  ASSERT_GT(ben_asset, 0);
  EXPECT_EQ(std::count(ana_assets.begin(), ana_assets.end(), ben_asset), 0);

  ASSERT_TRUE(s.service->ProcessUser(ana_id));
  auto ideas_res = c.Get("/v1/ideas?surface=story", Bearer(ana));
  ASSERT_EQ(ideas_res->status, 200);
  const auto ideas = nlohmann::json::parse(ideas_res->body);
  ASSERT_FALSE(ideas.empty()) << "ten photos of the sample roll make ideas";
  std::string idea_with_file;
  for (const auto& idea : ideas) {
    EXPECT_FALSE(idea["why"].get<std::string>().empty());
    for (const auto& m : idea["members"]) {
      EXPECT_EQ(std::count(ana_assets.begin(), ana_assets.end(), m.get<int64_t>()), 1);
    }
    if (!idea["files"].empty() && idea_with_file.empty()) idea_with_file = idea["id"];
  }
  ASSERT_FALSE(idea_with_file.empty());
  auto file = c.Get("/v1/ideas/" + idea_with_file + "/files/0", Bearer(ana));
  ASSERT_EQ(file->status, 200);
  const Format format =
      SniffFormat({reinterpret_cast<const uint8_t*>(file->body.data()), file->body.size()});
  EXPECT_TRUE(format == Format::kJpeg || format == Format::kMp4) << FormatName(format);
  EXPECT_NE(file->get_header_value("Cache-Control").find("no-store"), std::string::npos)
      << "no copy stays in a browser's cache after an opt-out";
  // What is shared carries no metadata of the photos: no EXIF (and so no GPS) in a render.
  EXPECT_EQ(file->body.find("Exif"), std::string::npos);
  // Thumbnails are sealed at rest and served unsealed.
  auto thumb = c.Get(fmt::format("/v1/assets/{}/thumbnail", ana_assets.front()), Bearer(ana));
  ASSERT_EQ(thumb->status, 200);
  EXPECT_EQ(thumb->body.substr(0, 3), std::string("\xFF\xD8\xFF"));
  EXPECT_EQ(c.Get("/v1/ideas?surface=browse", Bearer(ana))->status, 403)
      << "browse needs browse_suggestions";

  // Every route × every principal on Ana's resources.
  auto uploads_before = s.service->store().Uploads(ana_id);
  auto open_upload = c.Post(
      "/v1/uploads",
      {{"Authorization", "Bearer " + ana}, {"Tus-Resumable", "1.0.0"}, {"Upload-Length", "100"}},
      "", "application/offset+octet-stream");
  ASSERT_EQ(open_upload->status, 201);
  const std::string upload_id =
      open_upload->get_header_value("Location").substr(std::string("/v1/uploads/").size());
  const std::string revoked = *s.service->CreateToken(*s.service->Authenticate(ana).value(),
                                                      {"upload", "read", "write"}, "old");
  auto tokens = nlohmann::json::parse(c.Get("/v1/tokens", Bearer(ana))->body);
  const int64_t revoked_id = tokens.back()["id"];
  ASSERT_EQ(c.Delete("/v1/tokens/" + std::to_string(revoked_id), Bearer(ana))->status, 200);
  const int64_t ana_token_id = tokens[0]["id"];
  std::map<std::string, std::string> params;
  params["n"] = "0";
  // Only Ana has the second photo (Ben holds a copy of her first).
  const std::string second = ReadAll(photos[1]);
  const std::string ana_only_sha =
      ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(second.data()), second.size()}));
  for (const RouteDoc& r : Api::Routes()) {
    if (r.scope.empty() || r.path == "/v1/session") continue;
    auto p = params;
    if (r.path.starts_with("/v1/assets")) p["id"] = std::to_string(ana_assets[1]);
    if (r.path.starts_with("/v1/uploads")) p["id"] = upload_id;
    if (r.path.starts_with("/v1/ideas")) p["id"] = idea_with_file;
    if (r.path.starts_with("/v1/tokens")) p["id"] = std::to_string(ana_token_id);
    if (r.path.starts_with("/v1/people") || r.path.starts_with("/v1/faces")) p["id"] = "1";
    for (const auto& [who, token] : {std::pair{"anonymous", std::string()},
                                     std::pair{"revoked", revoked}, std::pair{"ben", ben}}) {
      // Settings changes by Ben are his own: sent empty so nothing changes for anyone.
      auto res = Call(c, r, Bearer(token), p, r.method == "put" ? "{}" : R"({"scopes":["read"]})");
      ASSERT_TRUE(res) << who << " " << r.method << " " << r.path;
      SCOPED_TRACE(std::string(who) + " " + r.method + " " + r.path + " -> " +
                   std::to_string(res->status) + " " + res->body.substr(0, 200));
      if (std::string(who) != "ben") {
        EXPECT_EQ(res->status, 401);
        continue;
      }
      // Ben: Ana's things do not exist for him; his lists hold only his.
      if (res->status == 403 && res->body.find("face grouping is off") != std::string::npos) {
        // Ben has face grouping off: his people routes refuse before any lookup.
      } else if (r.path.find("{id}") != std::string::npos) {
        EXPECT_EQ(res->status, 404);
      } else {
        // His own settings, tokens, lists (or a 400 for the empty bodies sent).
        EXPECT_TRUE(res->status < 300 || res->status == 400);
      }
      EXPECT_EQ(res->body.find(ana_only_sha), std::string::npos);
      EXPECT_EQ(res->body.find(idea_with_file), std::string::npos);
      EXPECT_EQ(res->body.find(upload_id), std::string::npos);
      EXPECT_EQ(res->body.find("IMG_"), std::string::npos) << "Ana's file names";
    }
  }
  // Ana's upload, token, ideas and assets are untouched by all of that.
  EXPECT_EQ(c.Head("/v1/uploads/" + upload_id,
                   {{"Authorization", "Bearer " + ana}, {"Tus-Resumable", "1.0.0"}})
                ->status,
            200);
  EXPECT_EQ(c.Get("/v1/settings", Bearer(ana))->status, 200);
  auto ben_assets = nlohmann::json::parse(c.Get("/v1/assets", Bearer(ben))->body);
  ASSERT_EQ(ben_assets.size(), 1u);
  EXPECT_EQ(ben_assets[0]["id"], ben_asset);

  // Editing a collage: other photos, another layout, a new caption; the idea is made again and
  // the edit outlives a regeneration of the ideas.
  std::string collage;
  for (const auto& idea : ideas) {
    if (idea["type"] == "collage" && idea["id"] != idea_with_file) collage = idea["id"];
  }
  ASSERT_FALSE(collage.empty()) << "the sample photos make more than one collage";
  {
    auto opts = c.Get("/v1/ideas/" + collage + "/options", Bearer(ana));
    ASSERT_EQ(opts->status, 200) << opts->body;
    const auto options = nlohmann::json::parse(opts->body);
    EXPECT_NE(std::find(options["variants"].begin(), options["variants"].end(), "grid"),
              options["variants"].end());
    ASSERT_GE(options["candidates"].size(), 3u);
    const nlohmann::json members = {options["candidates"][2], options["candidates"][0],
                                    options["candidates"][1]};
    auto post = [&](const nlohmann::json& body) {
      return c.Post("/v1/ideas/" + collage + "/edit", Bearer(ana), body.dump(), "application/json");
    };
    auto edited = post({{"members", members}, {"variant", "grid"}, {"title", "Our weekend"}});
    ASSERT_EQ(edited->status, 200) << edited->body;
    const auto e = nlohmann::json::parse(edited->body);
    EXPECT_EQ(e["members"], members);
    EXPECT_EQ(e["variant"], "grid");
    EXPECT_EQ(e["title"], "Our weekend");
    ASSERT_FALSE(e["files"].empty());
    auto img = c.Get(e["files"][0]["url"].get<std::string>(), Bearer(ana));
    ASSERT_EQ(img->status, 200);
    EXPECT_EQ(SniffFormat({reinterpret_cast<const uint8_t*>(img->body.data()), img->body.size()}),
              Format::kJpeg);
    EXPECT_EQ(post({{"variant", "bogus"}})->status, 400);
    EXPECT_EQ(post({{"members", nlohmann::json::array()}})->status, 400);
    EXPECT_EQ(post({{"members", {ben_asset, options["candidates"][0]}}})->status, 404)
        << "Ben's photo cannot go into Ana's collage";
    EXPECT_EQ(post({{"title", std::string(100, 'x')}})->status, 413);
    ASSERT_TRUE(s.service->ProcessUser(ana_id));  // ideas made again
    bool kept = false;
    for (const auto& idea : nlohmann::json::parse(c.Get("/v1/ideas", Bearer(ana))->body)) {
      if (idea["id"] == collage)
        kept = idea["title"] == "Our weekend" && idea["members"] == members;
    }
    EXPECT_TRUE(kept) << "the edit survives new ideas";
  }
  // People need face grouping; with it on and no models there are simply none.
  EXPECT_EQ(c.Get("/v1/people", Bearer(ana))->status, 403);

  // Transparency: what was derived from a photo, for which purpose.
  auto derived = nlohmann::json::parse(
      c.Get("/v1/assets/" + std::to_string(ana_assets[1]) + "/derived", Bearer(ana))->body);
  std::set<std::string> purposes;
  for (const auto& f : derived["facts"]) purposes.insert(f["purpose"].get<std::string>());
  EXPECT_TRUE(purposes.count("organize")) << derived.dump();
  EXPECT_TRUE(purposes.count("display"));

  // Accept marks the photos posted; dismiss hides the idea for good.
  ASSERT_EQ(c.Post("/v1/ideas/" + idea_with_file + "/accept", Bearer(ana), "", "application/json")
                ->status,
            200);
  size_t posted = 0;
  for (const auto& a : nlohmann::json::parse(c.Get("/v1/assets", Bearer(ana))->body)) {
    posted += a["posted"].get<bool>();
  }
  EXPECT_GT(posted, 0u);
  const std::string other = ideas.back()["id"];
  ASSERT_NE(other, idea_with_file);
  ASSERT_EQ(c.Post("/v1/ideas/" + other + "/dismiss", Bearer(ana), "", "application/json")->status,
            200);
  for (const auto& idea : nlohmann::json::parse(c.Get("/v1/ideas", Bearer(ana))->body)) {
    EXPECT_NE(idea["id"], other);
  }

  // Export: a tar whose members include the account, the originals and the ideas' files.
  auto exported = c.Get("/v1/export", Bearer(ana));
  ASSERT_EQ(exported->status, 200);
  std::set<std::string> names;
  for (size_t at = 0; at + 512 <= exported->body.size();) {
    const std::string header = exported->body.substr(at, 512);
    if (header[0] == '\0') break;
    std::string name(header.c_str());
    const std::string prefix(header.c_str() + 345);
    if (!prefix.empty()) name = prefix + "/" + name;
    const uint64_t size = std::stoull(header.substr(124, 11), nullptr, 8);
    names.insert(name);
    at += 512 + (size + 511) / 512 * 512;
  }
  EXPECT_TRUE(names.count("camroll-export/account.json"));
  EXPECT_TRUE(names.count("camroll-export/derived.json"));
  EXPECT_EQ(std::count_if(
                names.begin(), names.end(),
                [](const std::string& n) { return n.find("/originals/") != std::string::npos; }),
            10);

  // Opting out: nothing of Ana's media remains, on disk or in a row; Ben keeps his.
  auto off =
      c.Put("/v1/settings", Bearer(ana), R"({"cloud_processing":false})", "application/json");
  ASSERT_EQ(off->status, 200);
  const auto data = s.dir_.path() / "data";
  EXPECT_FALSE(std::filesystem::exists(data / "users" / std::to_string(ana_id)));
  EXPECT_FALSE(std::filesystem::exists(data / "uploads" / std::to_string(ana_id)));
  EXPECT_TRUE(s.service->store().Assets(ana_id)->empty());
  EXPECT_TRUE(s.service->store().Uploads(ana_id)->empty());
  EXPECT_EQ(*s.service->store().PendingJobs(ana_id), 0);
  EXPECT_TRUE(nlohmann::json::parse(c.Get("/v1/ideas", Bearer(ana))->body).empty());
  EXPECT_EQ(nlohmann::json::parse(c.Get("/v1/assets", Bearer(ben))->body).size(), 1u);
  // Not a byte of her photos anywhere under the data folder (server.db and its WAL included).
  for (const auto& e : std::filesystem::recursive_directory_iterator(data)) {
    if (!e.is_regular_file() || e.path().string().find("/users/") != std::string::npos) continue;
    EXPECT_EQ(ReadAll(e.path()).find(ana_only_sha), std::string::npos) << e.path();
  }
  auto ledger = nlohmann::json::parse(c.Get("/v1/ledger", Bearer(ana))->body);
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_FALSE(ledger[1]["value"].get<bool>());
  EXPECT_TRUE(s.service->VerifyLedger()->intact);
}

}  // namespace
}  // namespace camroll::server
