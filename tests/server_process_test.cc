// `camroll serve` as a separate process: the reference tus client resuming through a cut
// connection, SIGKILL at random points of uploads and processing, a full disk, and the sync
// agent feeding the server from the sample roll.
#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/base64.h"
#include "core/sha256.h"
#include "server/keys.h"
#include "server/sealed_db.h"
#include "testing/testing.h"

namespace camroll {
namespace {

std::string Shell(const std::string& cmd, int* exit_code = nullptr) {
  std::string out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  const int status = ::pclose(pipe);
  if (exit_code) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string Sha(const std::string& bytes) {
  return ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}));
}

// One `camroll serve` child process.
class ServeProcess {
 public:
  ServeProcess(std::filesystem::path data, std::vector<std::string> extra = {},
               std::vector<std::string> prefix = {}, std::filesystem::path models = {})
      : data_(std::move(data)),
        extra_(std::move(extra)),
        prefix_(std::move(prefix)),
        models_(models.empty() ? data_.parent_path() / "no-models" : std::move(models)) {
    port_ = FreePort();
  }
  ~ServeProcess() { Kill(SIGKILL); }

  bool Start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<std::string> args = prefix_;
      for (const std::string& a :
           {std::string(CAMROLL_EXE), std::string("serve"), std::string("--data"), data_.string(),
            std::string("--listen"), fmt::format("127.0.0.1:{}", port_), std::string("--models"),
            models_.string()}) {
        args.push_back(a);
      }
      for (const auto& e : extra_) args.push_back(e);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      // The server's log, for a failing test to show.
      const int log =
          ::open((data_.parent_path() / "serve.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(log, 1);
      ::dup2(log, 2);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
    // Ready when it answers.
    for (int i = 0; i < 400; ++i) {
      httplib::Client c("127.0.0.1", port_);
      c.set_connection_timeout(0, 100'000);
      if (auto r = c.Get("/v1/retention"); r && r->status == 200) return true;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }
  void Kill(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }
  std::string Url() const { return fmt::format("http://127.0.0.1:{}", port_); }
  // The last lines the server logged, without the access log.
  std::string LogTail() const {
    std::ifstream in(data_.parent_path() / "serve.log");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      if (line.find(" /v1/") == std::string::npos) lines.push_back(line);
    }
    std::string out;
    for (size_t i = lines.size() > 15 ? lines.size() - 15 : 0; i < lines.size(); ++i) {
      out += lines[i] + "\n";
    }
    return out;
  }
  int port() const { return port_; }

 private:
  std::filesystem::path data_;
  std::vector<std::string> extra_, prefix_;
  std::filesystem::path models_;
  int port_ = 0;
  pid_t pid_ = -1;
};

std::string CreateUser(const std::filesystem::path& data, const std::string& name) {
  std::string token =
      Shell(fmt::format("echo 'correct horse battery' | '{}' admin --data '{}' "
                        "create-user {} --password-stdin 2>/dev/null",
                        CAMROLL_EXE, data.string(), name));
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  return token;
}

httplib::Headers Auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"Tus-Resumable", "1.0.0"}};
}

bool SwitchOn(ServeProcess& s, const std::string& token, const std::string& name, bool on = true) {
  auto c = s.Client();
  auto r =
      c.Put("/v1/settings", Auth(token), nlohmann::json{{name, on}}.dump(), "application/json");
  return r && r->status == 200;
}

std::map<std::string, int64_t> AssetsBySha(ServeProcess& s, const std::string& token) {
  std::map<std::string, int64_t> out;
  auto c = s.Client();
  auto r = c.Get("/v1/assets", Auth(token));
  if (!r || r->status != 200) return out;
  for (const auto& a : nlohmann::json::parse(r->body)) out[a["sha256"]] = a["id"];
  return out;
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string RandomJpegBytes(std::mt19937_64& rng, size_t size) {
  std::string s(size, '\0');
  for (auto& ch : s) ch = static_cast<char>(rng());
  s[0] = '\xFF';
  s[1] = '\xD8';
  s[2] = '\xFF';
  return s;
}

TEST(ServeProcess, TusJsClientResumesAfterTheConnectionIsCut) {
  const auto node_modules = testing::SourceDir() / "tests/js/node_modules/tus-js-client";
  if (!std::filesystem::exists(node_modules)) GTEST_SKIP() << "run scripts/setup.sh (npm ci)";
  testing::TempDir dir;
  ServeProcess s(dir / "data");
  const std::string token = CreateUser(dir / "data", "ana");
  ASSERT_FALSE(token.empty());
  ASSERT_TRUE(s.Start());
  ASSERT_TRUE(SwitchOn(s, token, "cloud_processing"));
  std::mt19937_64 rng(7);
  const std::string bytes = RandomJpegBytes(rng, 3 << 20);
  testing::WriteBytes(dir / "big.jpg", bytes);
  int code = -1;
  const std::string out =
      Shell(fmt::format("cd '{}' && node tus_interop.mjs '{}' '{}' '{}' {} 2>&1",
                        (testing::SourceDir() / "tests/js").string(), s.Url(), token,
                        (dir / "big.jpg").string(), 1 << 20),
            &code);
  ASSERT_EQ(code, 0) << out;
  const auto result = nlohmann::json::parse(out.substr(out.find('{')));
  EXPECT_TRUE(result["cut"].get<bool>()) << "the connection was cut mid-file";
  // Resumed, not restarted: far less than twice the file went through.
  EXPECT_LT(result["bytesForwarded"].get<int64_t>(), static_cast<int64_t>(bytes.size()) * 17 / 10);
  const auto assets = AssetsBySha(s, token);
  EXPECT_EQ(assets.size(), 1u);
  EXPECT_TRUE(assets.count(Sha(bytes))) << "the server's hash is the file's";
}

// Sends `bytes` as one PATCH at `offset`; returns the acknowledged offset (or -1).
int64_t Patch(httplib::Client& c, const std::string& token, const std::string& url, int64_t offset,
              const std::string& bytes) {
  auto h = Auth(token);
  h.emplace("Upload-Offset", std::to_string(offset));
  auto r = c.Patch(url, h, bytes, "application/offset+octet-stream");
  if (!r || r->status != 204) return -1;
  return std::stoll(r->get_header_value("Upload-Offset"));
}

TEST(ServeProcess, KillNineAtRandomPointsLosesNoAcknowledgedByte) {
  int trials = 100;
  if (const char* t = std::getenv("CAMROLL_KILL_TRIALS")) trials = std::atoi(t);
  testing::TempDir dir;
  const auto data = dir / "data";
  const std::string token = CreateUser(data, "ana");
  ASSERT_FALSE(token.empty());
  // Processing runs at once, so kills land in jobs too.
  ServeProcess s(data, {"--process-delay", "0", "--threads", "1"});
  ASSERT_TRUE(s.Start());
  ASSERT_TRUE(SwitchOn(s, token, "cloud_processing"));
  std::mt19937_64 rng(20261126);
  std::map<std::string, std::string> finished;  // sha → bytes
  int kills_mid_patch = 0;
  for (int trial = 0; trial < trials; ++trial) {
    SCOPED_TRACE(fmt::format("trial {}", trial));
    const size_t size = std::uniform_int_distribution<size_t>(1, 2'000'000)(rng);
    const std::string bytes = RandomJpegBytes(rng, size);
    auto c = s.Client();
    auto h = Auth(token);
    h.emplace("Upload-Length", std::to_string(size));
    auto created = c.Post("/v1/uploads", h, "", "application/offset+octet-stream");
    ASSERT_TRUE(created && created->status == 201);
    const std::string url = created->get_header_value("Location");
    // Send in chunks; a killer strikes after a random delay.
    std::atomic<bool> killed{false};
    const int delay_us = std::uniform_int_distribution<int>(0, 40'000)(rng);
    std::thread killer([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
      s.Kill(SIGKILL);
      killed = true;
    });
    int64_t acked = 0, sent = 0;
    const size_t chunk = std::uniform_int_distribution<size_t>(4'000, 64'000)(rng);
    while (acked < static_cast<int64_t>(size)) {
      const std::string piece = bytes.substr(acked, chunk);
      sent = acked + static_cast<int64_t>(piece.size());
      const int64_t next = Patch(c, token, url, acked, piece);
      if (next < 0) break;
      acked = next;
    }
    killer.join();
    kills_mid_patch += acked < static_cast<int64_t>(size);
    ASSERT_TRUE(s.Start()) << "the server restarts after SIGKILL";
    auto c2 = s.Client();
    auto head = c2.Head(url, Auth(token));
    ASSERT_TRUE(head);
    ASSERT_EQ(head->status, 200) << "a created upload survives";
    const int64_t offset = std::stoll(head->get_header_value("Upload-Offset"));
    EXPECT_GE(offset, acked) << "no acknowledged byte is lost";
    EXPECT_LE(offset, std::max(sent, acked)) << "nothing the client did not send";
    if (offset < static_cast<int64_t>(size)) {
      ASSERT_EQ(Patch(c2, token, url, offset, bytes.substr(offset)), static_cast<int64_t>(size));
    }
    finished[Sha(bytes)] = bytes;
  }
  // Every upload is an asset with the right hash, and nothing else is visible.
  const auto assets = AssetsBySha(s, token);
  EXPECT_EQ(assets.size(), finished.size());
  for (const auto& [sha, bytes] : finished) EXPECT_TRUE(assets.count(sha)) << sha;
  // On disk the originals are sealed: one file per asset, no strays; their bytes are checked
  // through the export, which unseals them.
  size_t on_disk = 0;
  for (const auto& e : std::filesystem::directory_iterator(data / "users")) {
    for (const auto& f : std::filesystem::directory_iterator(e.path() / "originals")) {
      EXPECT_TRUE(ReadAll(f.path()).starts_with("CRSEALv1")) << f.path();
      ++on_disk;
    }
  }
  EXPECT_EQ(on_disk, assets.size()) << "a stray original";
  auto exported = s.Client().Get("/v1/export", Auth(token));
  ASSERT_TRUE(exported && exported->status == 200);
  size_t originals = 0;
  for (size_t at = 0; at + 512 <= exported->body.size();) {
    const std::string header = exported->body.substr(at, 512);
    if (header[0] == '\0') break;
    const std::string name = header.substr(0, header.find('\0'));
    const size_t size = std::stoull(header.substr(124, 11), nullptr, 8);
    if (name.find("/originals/") != std::string::npos) {
      EXPECT_TRUE(assets.count(Sha(exported->body.substr(at + 512, size)))) << name;
      ++originals;
    }
    at += 512 + (size + 511) / 512 * 512;
  }
  EXPECT_EQ(originals, assets.size());
  RecordProperty("kills_mid_upload", kills_mid_patch);
  EXPECT_GT(kills_mid_patch, trials / 4) << "the kills should land inside uploads";
}

TEST(ServeProcess, AFullDiskIsAClearErrorLosesNothingAndRecovers) {
  testing::TempDir dir;
  const auto seed = dir / "seed";
  const std::string token = CreateUser(seed, "ana");
  ASSERT_FALSE(token.empty());
  // The server's data folder on a 4 MB tmpfs of its own, in a private mount namespace (an
  // unprivileged user namespace: no root needed).
  const auto mnt = dir / "small";
  std::filesystem::create_directories(mnt);
  if (Shell(fmt::format("unshare --user --map-root-user --mount sh -c 'mount -t tmpfs -o "
                        "size=1m none {}' 2>&1 && echo ok",
                        mnt.string()))
          .find("ok") == std::string::npos) {
    GTEST_SKIP() << "this machine allows no private mounts (unshare --user --mount)";
  }
  ServeProcess s(mnt / "data", {},
                 {"unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                  fmt::format("mount -t tmpfs -o size=4m none '{}' && cp -a '{}' '{}/data' && "
                              "exec \"$0\" \"$@\"",
                              mnt.string(), seed.string(), mnt.string())});
  ASSERT_TRUE(s.Start());
  ASSERT_TRUE(SwitchOn(s, token, "cloud_processing"));
  auto c = s.Client();
  auto create = [&](size_t length) {
    auto h = Auth(token);
    h.emplace("Upload-Length", std::to_string(length));
    auto r = c.Post("/v1/uploads", h, "", "application/offset+octet-stream");
    return r && r->status == 201 ? r->get_header_value("Location") : std::string();
  };
  std::mt19937_64 rng(5);
  // An unfinished upload takes most of the disk.
  const std::string filler_url = create(3'000'000);
  ASSERT_FALSE(filler_url.empty());
  ASSERT_EQ(Patch(c, token, filler_url, 0, RandomJpegBytes(rng, 2'900'000)), 2'900'000);
  // The next upload cannot fit: a clear error, nothing acknowledged, no asset.
  const std::string photo = RandomJpegBytes(rng, 1'500'000);
  const std::string url = create(photo.size());
  ASSERT_FALSE(url.empty());
  auto h = Auth(token);
  h.emplace("Upload-Offset", "0");
  auto full = c.Patch(url, h, photo, "application/offset+octet-stream");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 507);
  EXPECT_NE(full->body.find("out of disk space"), std::string::npos) << full->body;
  auto head = c.Head(url, Auth(token));
  ASSERT_EQ(head->status, 200);
  EXPECT_EQ(head->get_header_value("Upload-Offset"), "0");
  EXPECT_TRUE(AssetsBySha(s, token).empty());
  EXPECT_EQ(c.Get("/v1/settings", Auth(token))->status, 200) << "the server keeps serving";
  // Space returns: the filler is terminated, and the same upload now completes.
  ASSERT_EQ(c.Delete(filler_url, Auth(token))->status, 204);
  EXPECT_EQ(Patch(c, token, url, 0, photo), static_cast<int64_t>(photo.size()));
  const auto assets = AssetsBySha(s, token);
  EXPECT_EQ(assets.size(), 1u);
  EXPECT_TRUE(assets.count(Sha(photo)));
}

TEST(ServeProcess, AStalledClientIsCutOffWhileOthersAreServed) {
  testing::TempDir dir;
  ServeProcess s(dir / "data", {"--idle-timeout", "1"});
  ASSERT_TRUE(s.Start());
  // A slowloris: headers that never end.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(s.port()));
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string partial = "GET /v1/retention HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  // Meanwhile another client is served.
  auto c = s.Client();
  auto r = c.Get("/v1/retention");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // The stalled connection is closed by the server (recv sees the end) well before ours would
  // give up waiting.
  timeval wait{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  std::string got;
  char buf[256];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    got.append(buf, static_cast<size_t>(n));
  // Closed, perhaps after a 4xx saying why: never an answer to the unfinished request.
  EXPECT_TRUE(got.empty() || got.rfind("HTTP/1.1 4", 0) == 0) << got;
  EXPECT_EQ(got.find("unposted_uploads_days"), std::string::npos);
  ::close(fd);
}

// Waits until the server has analysed every uploaded file and no job is pending.
bool WaitProcessed(ServeProcess& s, const std::string& token, int timeout_s) {
  for (int i = 0; i < timeout_s * 4; ++i) {
    auto c = s.Client();
    auto r = c.Get("/v1/status", Auth(token));
    if (r && r->status == 200) {
      const auto st = nlohmann::json::parse(r->body);
      if (!st["processing"].get<bool>() && st["uploaded"].get<int>() > 0 &&
          st["analysed"] == st["uploaded"]) {
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

// A count from a user's catalog, which is sealed: opened as the server does, with the user's
// data key from the keys folder. -1 when it cannot be read.
int64_t CountInCatalog(const std::filesystem::path& data, int64_t user, const std::string& sql) {
  auto keys = server::KeyStore::Open(data / "keys");
  if (!keys) return -1;
  auto key = (*keys)->Find(user, server::KeyPurpose::kData);
  if (!key || !*key) return -1;
  auto vfs = server::SealedVfs::Register(**key);
  if (!vfs) return -1;
  auto db = sqlite::Database::Open(data / "users" / std::to_string(user) / "data" / "catalog.db",
                                   (*vfs)->Options());
  if (!db) return -1;
  auto st = db->Prepare(sql);
  if (!st || !*st->Step()) return -1;
  return st->Int(0);
}

int64_t Count(const std::filesystem::path& db, const std::string& sql) {
  const std::string out =
      Shell(fmt::format("python3 -c \"import sqlite3,sys; "
                        "print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2])"
                        ".fetchone()[0])\" '{}' \"{}\"",
                        db.string(), sql));
  return out.empty() ? -1 : std::stoll(out);
}

// The must-show of server mode: `camroll serve` and `camroll sync` on the sample roll, with the
// real models. Nothing moves before consent; ideas and (with face grouping) people appear after;
// opting out leaves no file and no row of the user's media.
TEST(ServeProcess, SyncTheSampleRollWithConsentAndNothingLeftAfterOptOut) {
  if (testing::SampleRoll().empty()) GTEST_SKIP() << "the sample roll was not generated";
  const auto models = std::filesystem::path(CAMROLL_BINARY_DIR) / "models";
  if (!std::filesystem::exists(models / "manifest.json")) GTEST_SKIP() << "no models installed";
  testing::TempDir dir;
  const auto data = dir / "data";
  const std::string token = CreateUser(data, "ana");
  ASSERT_FALSE(token.empty());
  ServeProcess s(data, {"--process-delay", "0"}, {}, models);
  ASSERT_TRUE(s.Start());
  const std::string roll = (testing::SampleRoll() / "roll").string();
  auto sync = [&](int* code) {
    return Shell(fmt::format("'{}' sync '{}' --server {} --token '{}' --window-days 0 --json "
                             "--state '{}' 2>&1",
                             CAMROLL_EXE, roll, s.Url(), token, (dir / "sync-state.json").string()),
                 code);
  };
  auto c = s.Client();

  // 1. Cloud processing off (the default): the agent reads and sends nothing.
  int code = -1;
  std::string out = sync(&code);
  EXPECT_EQ(code, 0) << out;
  auto status = nlohmann::json::parse(c.Get("/v1/status", Auth(token))->body);
  EXPECT_EQ(status["uploaded"], 0);
  EXPECT_EQ(status["uploading"], 0);
  EXPECT_TRUE(nlohmann::json::parse(c.Get("/v1/ideas", Auth(token))->body).empty());

  // 2. On: the roll is uploaded and processed; ideas appear.
  ASSERT_TRUE(SwitchOn(s, token, "cloud_processing"));
  out = sync(&code);
  EXPECT_EQ(code, 0) << out;
  ASSERT_TRUE(WaitProcessed(s, token, 600)) << "processing did not finish";
  status = nlohmann::json::parse(c.Get("/v1/status", Auth(token))->body);
  EXPECT_GT(status["uploaded"].get<int>(), 40);
  const auto ideas = nlohmann::json::parse(c.Get("/v1/ideas", Auth(token))->body);
  ASSERT_FALSE(ideas.empty());
  EXPECT_EQ(c.Get("/v1/people", Auth(token))->status, 403) << "face grouping is still off";
  // A second sync finds nothing new.
  out = sync(&code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(nlohmann::json::parse(c.Get("/v1/status", Auth(token))->body)["uploaded"],
            status["uploaded"]);

  // 3. Face grouping on: people, with faces cut from the photos.
  ASSERT_TRUE(SwitchOn(s, token, "face_grouping"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(WaitProcessed(s, token, 600));
  auto people_res = c.Get("/v1/people", Auth(token));
  ASSERT_EQ(people_res->status, 200);
  const auto people = nlohmann::json::parse(people_res->body);
  ASSERT_FALSE(people.empty()) << "the sample roll's birthday has the same faces many times; "
                               << c.Get("/v1/status", Auth(token))->body << "\n"
                               << s.LogTail();
  auto crop = c.Get(people[0]["cover"].get<std::string>(), Auth(token));
  ASSERT_EQ(crop->status, 200);
  EXPECT_EQ(crop->body.substr(0, 3), std::string("\xFF\xD8\xFF"));
  const std::string person = "/v1/people/" + std::to_string(people[0]["id"].get<int64_t>());
  ASSERT_EQ(c.Put(person, Auth(token), R"({"name":"Rita"})", "application/json")->status, 200);
  EXPECT_EQ(nlohmann::json::parse(c.Get("/v1/people", Auth(token))->body)[0]["name"], "Rita");
  const int64_t user = 1;
  const auto user_dir = data / "users" / std::to_string(user);
  EXPECT_GT(CountInCatalog(data, user, "SELECT COUNT(*) FROM faces"), 10);
  // Encryption at rest: every original is sealed with her data key, every face signature with
  // her separate biometric key, and no plaintext working copy outlives the job.
  size_t originals = 0;
  for (const auto& e : std::filesystem::directory_iterator(user_dir / "originals")) {
    std::ifstream in(e.path(), std::ios::binary);
    std::string magic(8, '\0');
    in.read(magic.data(), 8);
    EXPECT_EQ(magic, "CRSEALv1") << e.path();
    ++originals;
  }
  EXPECT_EQ(originals, status["uploaded"].get<size_t>());
  EXPECT_FALSE(std::filesystem::exists(user_dir / "work"));
  // Nor is any thumbnail, preview, collage or recap anywhere in the data folder as it is.
  EXPECT_EQ(testing::PlainMediaFiles(data), std::vector<std::string>())
      << "photos or videos stored as they are";
  EXPECT_EQ(
      CountInCatalog(data, user,
                     "SELECT COUNT(*) FROM faces WHERE substr(embedding, 1, 4) != X'43524231'"),
      0)
      << "face signatures stored unsealed";
  EXPECT_TRUE(std::filesystem::exists(data / "keys/u1.data.key"));
  EXPECT_TRUE(std::filesystem::exists(data / "keys/u1.face.key"));
  // The catalog (times, places, objects, text, people, ideas) is sealed page by page.
  const std::string catalog_bytes =
      ReadAll(user_dir / "data/catalog.db") + ReadAll(user_dir / "data/catalog.db-wal");
  EXPECT_FALSE(server::IsPlainSqliteFile(user_dir / "data/catalog.db"));
  EXPECT_EQ(catalog_bytes.find("CREATE TABLE"), std::string::npos);
  EXPECT_EQ(catalog_bytes.find("users/1/work"), std::string::npos) << "the roll's folder";

  // 4. Face grouping off: faces, embeddings and people go; photos and ideas stay. The
  // biometric key is destroyed, so no copy of the signatures (a backup) can be read again.
  ASSERT_TRUE(SwitchOn(s, token, "face_grouping", false));
  EXPECT_FALSE(std::filesystem::exists(data / "keys/u1.face.key"));
  EXPECT_TRUE(std::filesystem::exists(data / "keys/u1.data.key"));
  EXPECT_EQ(CountInCatalog(data, user, "SELECT COUNT(*) FROM faces"), 0);
  EXPECT_EQ(CountInCatalog(data, user, "SELECT COUNT(*) FROM people"), 0);
  EXPECT_EQ(c.Get("/v1/people", Auth(token))->status, 403);
  EXPECT_FALSE(nlohmann::json::parse(c.Get("/v1/assets", Auth(token))->body).empty());

  // 5. Cloud processing off: no file and no row of her media anywhere.
  ASSERT_TRUE(SwitchOn(s, token, "cloud_processing", false));
  EXPECT_FALSE(std::filesystem::exists(user_dir));
  EXPECT_FALSE(std::filesystem::exists(data / "uploads" / std::to_string(user)));
  for (const char* table : {"assets", "uploads", "jobs", "idea_edits"}) {
    EXPECT_EQ(Count(data / "server.db",
                    fmt::format("SELECT COUNT(*) FROM {} WHERE user={}", table, user)),
              0)
        << table;
  }
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data))
    files += e.is_regular_file();
  EXPECT_LE(files, 5u) << "server.db, its WAL and shm, ledger.head, keys/master.key";
  EXPECT_FALSE(std::filesystem::exists(data / "keys/u1.data.key")) << "her data key is destroyed";
  EXPECT_TRUE(nlohmann::json::parse(c.Get("/v1/ideas", Auth(token))->body).empty());
  EXPECT_TRUE(nlohmann::json::parse(c.Get("/v1/assets", Auth(token))->body).empty());
  // The sync agent now reads nothing again.
  out = sync(&code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(nlohmann::json::parse(c.Get("/v1/status", Auth(token))->body)["uploaded"], 0);
  int verify = -1;
  Shell(fmt::format("'{}' admin --data '{}' verify-ledger", CAMROLL_EXE, data.string()), &verify);
  EXPECT_EQ(verify, 0);
}

}  // namespace
}  // namespace camroll
