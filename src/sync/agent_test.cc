// The sync agent against a real camroll server (Service + Api on a loopback port, no workers):
// consent, what is uploaded and what is not, changes, resuming across server restarts.
#include "sync/agent.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/log.h"
#include "core/sha256.h"
#include "server/api.h"
#include "server/service.h"
#include "testing/testing.h"

namespace camroll::sync {
namespace {

using namespace std::chrono_literals;

std::string Sha(const std::string& bytes) {
  return ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}));
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Random bytes behind a format's magic: the server sniffs, it does not decode.
std::string Bytes(size_t size, uint64_t seed, std::string_view magic) {
  std::mt19937_64 rng(seed);
  std::string s(size, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  std::copy(magic.begin(), magic.end(), s.begin());
  return s;
}
constexpr std::string_view kJpeg("\xFF\xD8\xFF\xE0", 4);
constexpr std::string_view kPng("\x89PNG\r\n\x1A\n", 8);
constexpr std::string_view kMp4(
    "\0\0\0\x18"
    "ftypisom\0\0\0\0isommp42",
    24);

void SetMtime(const std::filesystem::path& p, int64_t unix_seconds) {
  timespec ts[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(unix_seconds), 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), ts, 0), 0);
}

int64_t Mtime(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mtim.tv_sec;
}

// Every file of a folder that is opened or read (inotify IN_OPEN/IN_ACCESS: works for root,
// whom chmod 000 does not stop).
class ReadWatcher {
 public:
  explicit ReadWatcher(const std::filesystem::path& dir)
      : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    Add(dir);
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (e.is_directory()) Add(e.path());
    }
  }
  ~ReadWatcher() { ::close(fd_); }
  // Names of files (not folders, not hidden files) opened or read since the last call.
  std::set<std::string> Reads() {
    std::set<std::string> out;
    alignas(inotify_event) char buf[16384];
    for (;;) {
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        if ((e->mask & IN_ISDIR) || e->len == 0 || e->name[0] == '.') continue;
        out.insert(e->name);
      }
    }
    return out;
  }

 private:
  void Add(const std::filesystem::path& p) {
    ASSERT_GE(::inotify_add_watch(fd_, p.c_str(), IN_OPEN | IN_ACCESS), 0);
  }
  int fd_;
};

std::vector<std::string> g_log;
std::mutex g_log_mu;
void KeepLog(LogLevel, std::string_view line) {
  std::lock_guard lock(g_log_mu);
  g_log.emplace_back(line);
}

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    roll_ = tmp_ / "roll";
    std::filesystem::create_directories(roll_);
    OpenService();
    auto token = service_->CreateUser("ana", "correct horse battery staple");
    ASSERT_TRUE(token) << token.error().ToString();
    token_ = *token;
    auto user = service_->store().FindUser("ana");
    ASSERT_TRUE(user && *user);
    user_ = (*user)->id;
    StartApi(0);
  }
  void TearDown() override {
    api_.reset();
    service_.reset();
  }

  void OpenService() {
    server::ServerOptions so;
    so.data_dir = tmp_ / "server";
    so.models_dir = tmp_ / "models";
    so.tus = limits_;
    so.process_delay_s = 3600;
    auto s = server::Service::Open(so);
    ASSERT_TRUE(s) << s.error().ToString();
    service_ = std::move(*s);
  }
  void StartApi(int port) {
    server::ApiOptions ao;
    ao.port = port;
    ao.threads = 4;
    api_ = std::make_unique<server::Api>(*service_, ao);
    auto st = api_->Start();
    ASSERT_TRUE(st) << st.error().ToString();
    port_ = api_->port();
  }
  // Api::Stop() right after Start() can hang: cpp-httplib's stop() does nothing until the
  // listening thread has begun accepting. One answered request proves that it has.
  void StopApi() {
    httplib::Client client(fmt::format("http://127.0.0.1:{}", port_));
    auto res = client.Get("/v1/notices");
    ASSERT_TRUE(res) << "the API did not answer";
    api_->Stop();
  }
  void RestartService() {
    StopApi();
    api_.reset();
    service_.reset();
    OpenService();
    StartApi(port_);
  }
  void Consent(bool on) {
    auto change = service_->SetSwitch(user_, "cloud_processing", on, "api");
    ASSERT_TRUE(change) << change.error().ToString();
  }

  SyncOptions Options() {
    SyncOptions o;
    o.roll = roll_;
    o.server = fmt::format("http://127.0.0.1:{}", port_);
    o.token = token_;
    o.chunk_bytes = 64 << 10;
    o.poll_s = 0.2;
    o.retry_s = 0.05;
    return o;
  }

  // Writes a file into the roll and returns its bytes.
  std::string Put(const std::string& rel, size_t size, uint64_t seed,
                  std::string_view magic = kJpeg) {
    std::string bytes = Bytes(size, seed, magic);
    testing::WriteBytes(roll_ / rel, bytes);
    return bytes;
  }

  std::set<std::string> ServerShas() {
    std::set<std::string> out;
    auto assets = service_->store().Assets(user_);
    EXPECT_TRUE(assets);
    if (assets) {
      for (const auto& a : *assets) out.insert(a.sha256);
    }
    return out;
  }
  size_t ServerAssets() {
    auto assets = service_->store().Assets(user_);
    return assets ? assets->size() : 999;
  }
  std::vector<server::Upload> OpenUploads() {
    std::vector<server::Upload> out;
    auto uploads = service_->store().Uploads(user_);
    EXPECT_TRUE(uploads);
    if (uploads) {
      for (const auto& u : *uploads) {
        if (!u.done) out.push_back(u);
      }
    }
    return out;
  }

  testing::TempDir tmp_;
  std::filesystem::path roll_;
  server::TusLimits limits_;
  std::unique_ptr<server::Service> service_;
  std::unique_ptr<server::Api> api_;
  std::string token_;
  int64_t user_ = 0;
  int port_ = 0;
};

// (a) With cloud processing off nothing of the roll is opened, nothing is sent, and a file that
// could not be read is not reported either (it was never tried).
TEST_F(SyncTest, ConsentOffReadsAndSendsNothing) {
  Put("DCIM/Camera/IMG_1.jpg", 50'000, 1);
  Put("IMG_2.jpg", 70'000, 2);
  Put("locked.jpg", 10'000, 3);
  ASSERT_EQ(::chmod((roll_ / "locked.jpg").c_str(), 0), 0);
  ReadWatcher reads(roll_);
  std::vector<SyncEvent::Kind> events;
  SyncOptions o = Options();
  o.on_event = [&](const SyncEvent& e) { events.push_back(e.kind); };
  SyncAgent agent(o);

  for (int i = 0; i < 2; ++i) {
    auto pass = agent.RunOnce();
    ASSERT_TRUE(pass) << pass.error().ToString();
    EXPECT_TRUE(pass->consent_off);
    EXPECT_EQ(pass->uploaded, 0u);
    EXPECT_EQ(pass->hashed, 0u);
    EXPECT_EQ(pass->bytes_sent, 0);
    EXPECT_TRUE(pass->failed.empty()) << pass->failed[0].path << ": " << pass->failed[0].reason;
  }
  EXPECT_EQ(reads.Reads(), std::set<std::string>{});
  EXPECT_EQ(std::count(events.begin(), events.end(), SyncEvent::Kind::kHashed), 0);
  EXPECT_EQ(ServerAssets(), 0u);
  auto uploads = service_->store().Uploads(user_);
  ASSERT_TRUE(uploads);
  EXPECT_TRUE(uploads->empty());

  // The watcher does see reads: with consent the same roll is read and uploaded.
  ASSERT_EQ(::chmod((roll_ / "locked.jpg").c_str(), 0644), 0);
  Consent(true);
  auto pass = agent.RunOnce();
  ASSERT_TRUE(pass) << pass.error().ToString();
  EXPECT_FALSE(pass->consent_off);
  EXPECT_EQ(pass->uploaded, 3u);
  EXPECT_EQ(reads.Reads(), (std::set<std::string>{"IMG_1.jpg", "IMG_2.jpg", "locked.jpg"}));
}

// (b) Every eligible file becomes an asset with the file's SHA-256; the same bytes under two
// names travel once; a second pass reads and sends nothing; the token is nowhere on disk or in
// the server's log.
TEST_F(SyncTest, UploadsEveryEligibleFileOnce) {
  Consent(true);
  SetLogSink(KeepLog);
  const std::string a = Put("DCIM/Camera/IMG_1.jpg", 300'000, 1);
  const std::string b = Put("DCIM/Camera/IMG_2.jpg", 65'536, 2);  // exactly one chunk
  const std::string v = Put("DCIM/Camera/VID_1.mp4", 200'001, 3, kMp4);
  testing::WriteBytes(roll_ / "DCIM/Copies/IMG_1 copy.jpg", a);
  SyncAgent agent(Options());

  auto pass = agent.RunOnce();
  ASSERT_TRUE(pass) << pass.error().ToString();
  EXPECT_EQ(pass->listed, 4u);
  EXPECT_EQ(pass->hashed, 4u);
  EXPECT_EQ(pass->uploaded, 3u);
  EXPECT_EQ(pass->already_there, 1u);
  EXPECT_TRUE(pass->failed.empty());
  EXPECT_TRUE(pass->interrupted.empty()) << pass->interrupted;
  EXPECT_EQ(pass->bytes_sent, static_cast<int64_t>(a.size() + b.size() + v.size()));
  EXPECT_EQ(ServerShas(), (std::set<std::string>{Sha(a), Sha(b), Sha(v)}));
  auto assets = service_->store().Assets(user_);
  ASSERT_TRUE(assets);
  for (const auto& asset : *assets) {
    if (asset.sha256 == Sha(v)) {
      EXPECT_EQ(asset.type, "video/mp4");
      EXPECT_EQ(asset.name, "VID_1.mp4");
      EXPECT_EQ(asset.size, static_cast<int64_t>(v.size()));
    }
  }
  EXPECT_TRUE(OpenUploads().empty());

  ReadWatcher reads(roll_);
  auto again = agent.RunOnce();
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->uploaded, 0u);
  EXPECT_EQ(again->hashed, 0u);
  EXPECT_EQ(again->up_to_date, 4u);
  EXPECT_EQ(again->bytes_sent, 0);
  EXPECT_EQ(reads.Reads(), std::set<std::string>{});
  EXPECT_EQ(ServerAssets(), 3u);

  // A new agent (a restart of the program) trusts the state file the same way.
  SyncAgent restarted(Options());
  auto third = restarted.RunOnce();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->hashed, 0u);
  EXPECT_EQ(third->bytes_sent, 0);

  const std::string state = ReadAll(roll_ / ".camroll-sync.json");
  EXPECT_NE(state.find(Sha(a)), std::string::npos);
  EXPECT_EQ(state.find(token_), std::string::npos);
  SetLogSink(nullptr);
  std::lock_guard lock(g_log_mu);
  for (const auto& line : g_log) EXPECT_EQ(line.find(token_), std::string::npos) << line;
}

// (c) Same name, new bytes: read again and uploaded as a new asset. Same bytes, new mtime: read
// again, nothing sent.
TEST_F(SyncTest, ChangedFileIsRehashedAndUploadedAgain) {
  Consent(true);
  const std::string first = Put("IMG_1.jpg", 120'000, 1);
  SyncAgent agent(Options());
  ASSERT_TRUE(agent.RunOnce());
  ASSERT_EQ(ServerShas(), std::set<std::string>{Sha(first)});

  const int64_t mtime = Mtime(roll_ / "IMG_1.jpg");
  const std::string edited = Put("IMG_1.jpg", 120'000, 2);  // same size
  SetMtime(roll_ / "IMG_1.jpg", mtime + 5);
  auto pass = agent.RunOnce();
  ASSERT_TRUE(pass) << pass.error().ToString();
  EXPECT_EQ(pass->hashed, 1u);
  EXPECT_EQ(pass->uploaded, 1u);
  EXPECT_EQ(pass->bytes_sent, 120'000);
  EXPECT_EQ(ServerShas(), (std::set<std::string>{Sha(first), Sha(edited)}));

  SetMtime(roll_ / "IMG_1.jpg", mtime + 10);  // touched only
  auto touched = agent.RunOnce();
  ASSERT_TRUE(touched);
  EXPECT_EQ(touched->hashed, 1u);
  EXPECT_EQ(touched->uploaded, 0u);
  EXPECT_EQ(touched->bytes_sent, 0);
  EXPECT_EQ(ServerAssets(), 2u);
}

// Bytes that change under the agent while size and mtime stay the same: the server finds the
// whole file's SHA-256 is not the declared one and drops the upload; the agent does not trust
// its hash any more, reads the file again on the next pass and uploads what is there now.
TEST_F(SyncTest, ServerRejectingTheWholeFileHashMakesTheAgentReadAgain) {
  Consent(true);
  Put("IMG_1.jpg", 100'000, 1);
  std::string now_bytes;
  SyncOptions o = Options();
  o.on_event = [&](const SyncEvent& e) {
    if (e.kind != SyncEvent::Kind::kHashed || !now_bytes.empty()) return;
    struct stat st {};
    ASSERT_EQ(::stat((roll_ / "IMG_1.jpg").c_str(), &st), 0);
    now_bytes = Put("IMG_1.jpg", 100'000, 2);
    timespec ts[2] = {{0, UTIME_OMIT}, st.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, (roll_ / "IMG_1.jpg").c_str(), ts, 0), 0);
  };
  SyncAgent agent(o);
  auto pass = agent.RunOnce();
  ASSERT_TRUE(pass) << pass.error().ToString();
  EXPECT_EQ(pass->uploaded, 0u);
  ASSERT_EQ(pass->failed.size(), 1u);
  EXPECT_TRUE(pass->failed[0].retry);
  EXPECT_NE(pass->failed[0].reason.find("SHA-256"), std::string::npos) << pass->failed[0].reason;
  EXPECT_EQ(ServerAssets(), 0u);
  EXPECT_TRUE(OpenUploads().empty());

  auto again = agent.RunOnce();
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->hashed, 1u);
  EXPECT_EQ(again->uploaded, 1u);
  EXPECT_EQ(ServerShas(), std::set<std::string>{Sha(now_bytes)});
}

// (d) Screenshots, files outside the window, sidecars and non-media stay on the phone; the
// window and the media choice are what keep the old photo and the video back.
TEST_F(SyncTest, PolicyKeepsScreenshotsOldFilesAndSidecarsBack) {
  Consent(true);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string photo = Put("DCIM/Camera/IMG_1.jpg", 40'000, 1);
  Put("Pictures/Screenshots/Screenshot_20240101-101010.png", 40'000, 2, kPng);
  Put("DCIM/screenshot-edited.JPG", 40'000, 3);
  const std::string old = Put("DCIM/Camera/IMG_0001.jpg", 40'000, 4);
  SetMtime(roll_ / "DCIM/Camera/IMG_0001.jpg", now - 60 * 86400);
  Put("DCIM/Camera/IMG_1.json", 40'000, 5);  // a sidecar, even with JPEG bytes
  Put("DCIM/notes.txt", 1'000, 6, "hello");
  const std::string video = Put("DCIM/Camera/VID_1.mp4", 40'000, 7, kMp4);

  SyncOptions o = Options();
  o.media = {"photo"};
  auto pass = SyncAgent(o).RunOnce();
  ASSERT_TRUE(pass) << pass.error().ToString();
  EXPECT_EQ(pass->listed, 6u);  // the sidecar is not part of the roll
  EXPECT_EQ(pass->uploaded, 1u);
  EXPECT_EQ(pass->skipped_policy, 5u);  // 2 screenshots, old, notes.txt, video
  EXPECT_EQ(ServerShas(), std::set<std::string>{Sha(photo)});

  o.media = {"photo", "video"};
  o.window_days = 0;
  auto all = SyncAgent(o).RunOnce();
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_EQ(all->uploaded, 2u);
  EXPECT_EQ(ServerShas(), (std::set<std::string>{Sha(photo), Sha(old), Sha(video)}));
}

// (e) The server stops after the first chunk; a new Api on the same service and port: the next
// pass asks the server for the offset and sends only the rest.
TEST_F(SyncTest, ResumesWhenTheApiComesBack) {
  Consent(true);
  const std::string big = Put("VID_2.mp4", 1 << 20, 9, kMp4);
  bool stopped = false;
  SyncOptions o = Options();
  o.on_event = [&](const SyncEvent& e) {
    if (e.kind == SyncEvent::Kind::kChunkSent && !stopped) {
      stopped = true;
      api_->Stop();
    }
  };
  SyncAgent agent(o);
  auto cut = agent.RunOnce();
  ASSERT_TRUE(cut) << cut.error().ToString();
  ASSERT_TRUE(stopped);
  EXPECT_EQ(cut->uploaded, 0u);
  EXPECT_EQ(cut->pending, 1u);
  EXPECT_FALSE(cut->interrupted.empty());
  EXPECT_EQ(ServerAssets(), 0u);
  auto open = OpenUploads();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].offset, 64 << 10);

  StartApi(port_);
  auto resumed = agent.RunOnce();
  ASSERT_TRUE(resumed) << resumed.error().ToString();
  EXPECT_EQ(resumed->resumed, 1u);
  EXPECT_EQ(resumed->uploaded, 1u);
  EXPECT_EQ(resumed->hashed, 0u);  // the file did not change: its hash is kept
  EXPECT_EQ(resumed->bytes_sent, static_cast<int64_t>(big.size()) - (64 << 10));
  EXPECT_LT(cut->bytes_sent + resumed->bytes_sent, 2 * static_cast<int64_t>(big.size()));
  EXPECT_EQ(ServerShas(), std::set<std::string>{Sha(big)});
  EXPECT_TRUE(OpenUploads().empty());
}

// (e') A whole server restart (the service reopened: recovery runs) while the state file says
// a wrong offset: the server's offset wins.
TEST_F(SyncTest, ResumesAfterAServerRestartAtTheServersOffset) {
  Consent(true);
  const std::string big = Put("IMG_9.jpg", 700'000, 10);
  int chunks = 0;
  SyncOptions o = Options();
  o.on_event = [&](const SyncEvent& e) {
    if (e.kind == SyncEvent::Kind::kChunkSent && ++chunks == 3) api_->Stop();
  };
  auto cut = SyncAgent(o).RunOnce();
  ASSERT_TRUE(cut) << cut.error().ToString();
  EXPECT_EQ(cut->uploaded, 0u);
  const int64_t server_offset = 3 * (64 << 10);
  api_.reset();  // stopped already
  service_.reset();
  OpenService();
  StartApi(port_);
  auto open = OpenUploads();
  ASSERT_EQ(open.size(), 1u);
  ASSERT_EQ(open[0].offset, server_offset);

  const auto state_file = roll_ / ".camroll-sync.json";
  auto state = nlohmann::json::parse(ReadAll(state_file));
  ASSERT_TRUE(state["files"]["IMG_9.jpg"].contains("upload"));
  state["files"]["IMG_9.jpg"]["offset"] = 0;
  testing::WriteBytes(state_file, state.dump());

  o.on_event = nullptr;
  auto resumed = SyncAgent(o).RunOnce();  // a new process
  ASSERT_TRUE(resumed) << resumed.error().ToString();
  EXPECT_EQ(resumed->resumed, 1u);
  EXPECT_EQ(resumed->uploaded, 1u);
  EXPECT_EQ(resumed->bytes_sent, static_cast<int64_t>(big.size()) - server_offset);
  EXPECT_EQ(ServerShas(), std::set<std::string>{Sha(big)});
}

// (f) Consent switched off between passes: nothing more is read or sent, and the server has
// deleted everything. Switched on again: the roll is uploaded again.
TEST_F(SyncTest, ConsentSwitchedOffBetweenPassesStopsUploads) {
  Consent(true);
  const std::string a = Put("IMG_1.jpg", 50'000, 1);
  SyncAgent agent(Options());
  auto first = agent.RunOnce();
  ASSERT_TRUE(first);
  ASSERT_EQ(first->uploaded, 1u);

  Consent(false);
  const std::string b = Put("IMG_2.jpg", 50'000, 2);
  ReadWatcher reads(roll_);
  auto off = agent.RunOnce();
  ASSERT_TRUE(off) << off.error().ToString();
  EXPECT_TRUE(off->consent_off);
  EXPECT_EQ(off->uploaded, 0u);
  EXPECT_EQ(off->hashed, 0u);
  EXPECT_EQ(off->bytes_sent, 0);
  EXPECT_EQ(reads.Reads(), std::set<std::string>{});
  EXPECT_EQ(ServerAssets(), 0u);
  EXPECT_TRUE(OpenUploads().empty());

  Consent(true);
  auto on = agent.RunOnce();
  ASSERT_TRUE(on) << on.error().ToString();
  EXPECT_EQ(on->uploaded, 2u);
  EXPECT_EQ(ServerShas(), (std::set<std::string>{Sha(a), Sha(b)}));
}

// (f'') Switched off and on again while the agent was not looking: the consent ledger says the
// server's copies are from an earlier consent (and were deleted with it), so they go again.
TEST_F(SyncTest, ConsentWithdrawnAndGivenAgainUnseenUploadsAgain) {
  Consent(true);
  const std::string a = Put("IMG_1.jpg", 50'000, 1);
  SyncAgent agent(Options());
  ASSERT_TRUE(agent.RunOnce());
  ASSERT_EQ(ServerAssets(), 1u);
  Consent(false);
  Consent(true);
  ASSERT_EQ(ServerAssets(), 0u);
  auto pass = agent.RunOnce();
  ASSERT_TRUE(pass) << pass.error().ToString();
  EXPECT_EQ(pass->uploaded, 1u);
  EXPECT_EQ(pass->up_to_date, 0u);
  EXPECT_EQ(ServerShas(), std::set<std::string>{Sha(a)});
}

// A token with the `upload` scope only (no ledger, no asset list): the agent still uploads, and
// still forgets the server's copies once it has seen consent withdrawn.
TEST_F(SyncTest, UploadOnlyTokenWorks) {
  auto admin = service_->Authenticate(token_);
  ASSERT_TRUE(admin && *admin);
  auto upload_only = service_->CreateToken(**admin, {"upload"}, "phone");
  ASSERT_TRUE(upload_only) << upload_only.error().ToString();
  Consent(true);
  const std::string a = Put("IMG_1.jpg", 50'000, 1);
  SyncOptions o = Options();
  o.token = *upload_only;
  SyncAgent agent(o);
  auto pass = agent.RunOnce();
  ASSERT_TRUE(pass) << pass.error().ToString();
  EXPECT_EQ(pass->uploaded, 1u);
  EXPECT_EQ(ServerShas(), std::set<std::string>{Sha(a)});

  Consent(false);
  auto off = agent.RunOnce();
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->consent_off);
  Consent(true);
  auto on = agent.RunOnce();
  ASSERT_TRUE(on) << on.error().ToString();
  EXPECT_EQ(on->uploaded, 1u);
  EXPECT_EQ(ServerShas(), std::set<std::string>{Sha(a)});
}

// (f') Consent switched off during a pass: the pass stops before reading the next file.
TEST_F(SyncTest, ConsentSwitchedOffDuringAPassStopsIt) {
  Consent(true);
  Put("IMG_1.jpg", 50'000, 1);
  Put("IMG_2.jpg", 50'000, 2);
  Put("IMG_3.jpg", 50'000, 3);
  SyncOptions o = Options();
  o.on_event = [&](const SyncEvent& e) {
    if (e.kind == SyncEvent::Kind::kUploaded) Consent(false);
  };
  ReadWatcher reads(roll_);
  auto pass = SyncAgent(o).RunOnce();
  ASSERT_TRUE(pass) << pass.error().ToString();
  EXPECT_TRUE(pass->consent_off);
  EXPECT_EQ(pass->uploaded, 1u);
  EXPECT_EQ(pass->hashed, 1u);
  EXPECT_EQ(pass->bytes_sent, 50'000);
  EXPECT_EQ(reads.Reads(), std::set<std::string>{"IMG_1.jpg"});
  EXPECT_EQ(ServerAssets(), 0u);  // deleted when it was switched off
  EXPECT_TRUE(OpenUploads().empty());
}

// A file over the server's limit fails with the server's reason and is not sent again until it
// changes; the others go.
TEST_F(SyncTest, TooLargeFileFailsWithReasonAndIsNotRetried) {
  limits_.max_size = 100'000;
  RestartService();
  Consent(true);
  Put("big.jpg", 150'000, 1);
  const std::string small = Put("small.jpg", 50'000, 2);
  SyncAgent agent(Options());
  auto pass = agent.RunOnce();
  ASSERT_TRUE(pass) << pass.error().ToString();
  EXPECT_EQ(pass->uploaded, 1u);
  ASSERT_EQ(pass->failed.size(), 1u);
  EXPECT_EQ(pass->failed[0].path, "big.jpg");
  EXPECT_FALSE(pass->failed[0].retry);
  EXPECT_NE(pass->failed[0].reason.find("413"), std::string::npos) << pass->failed[0].reason;
  EXPECT_EQ(ServerShas(), std::set<std::string>{Sha(small)});

  ReadWatcher reads(roll_);
  auto again = agent.RunOnce();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->failed.size(), 1u);
  EXPECT_EQ(again->bytes_sent, 0);
  EXPECT_EQ(reads.Reads(), std::set<std::string>{});
}

// No server: the pass says so and keeps everything pending; nothing fatal. A refused token is
// fatal.
TEST_F(SyncTest, UnreachableServerIsPendingAndBadTokenIsFatal) {
  Consent(true);
  const std::string a = Put("IMG_1.jpg", 50'000, 1);
  StopApi();
  SyncAgent agent(Options());
  auto down = agent.RunOnce();
  ASSERT_TRUE(down) << down.error().ToString();
  EXPECT_FALSE(down->interrupted.empty());
  EXPECT_EQ(down->uploaded, 0u);
  EXPECT_FALSE(down->consent_off);

  StartApi(port_);
  auto up = agent.RunOnce();
  ASSERT_TRUE(up);
  EXPECT_EQ(up->uploaded, 1u);

  SyncOptions bad = Options();
  bad.token = "crt_not-a-token";
  auto refused = SyncAgent(bad).RunOnce();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermission);
  EXPECT_EQ(refused.error().message().find("crt_not-a-token"), std::string::npos);
}

// Watch: waits while consent is off, syncs when it comes on, then picks up files written into
// a folder made after it started.
TEST_F(SyncTest, WatchFollowsConsentAndNewFiles) {
  const std::string a = Put("DCIM/IMG_1.jpg", 30'000, 1);
  std::atomic<bool> stop{false};
  std::atomic<int> passes{0};
  SyncOptions o = Options();
  o.on_event = [&](const SyncEvent& e) {
    if (e.kind == SyncEvent::Kind::kPassDone) ++passes;
  };
  SyncAgent agent(o);
  Status result;
  std::thread watcher([&] { result = agent.Watch(stop); });
  auto wait_for = [&](auto done) {
    for (int i = 0; i < 200 && !done(); ++i) std::this_thread::sleep_for(50ms);
    return done();
  };
  EXPECT_TRUE(wait_for([&] { return passes.load() >= 2; }));  // re-polled while off
  EXPECT_EQ(ServerAssets(), 0u);

  Consent(true);
  EXPECT_TRUE(wait_for([&] { return ServerShas().count(Sha(a)) == 1; }));

  std::filesystem::create_directories(roll_ / "DCIM/Trip");
  const std::string b = Put("DCIM/Trip/IMG_2.jpg", 30'000, 2);
  EXPECT_TRUE(wait_for([&] { return ServerShas().count(Sha(b)) == 1; }));

  stop = true;
  watcher.join();
  EXPECT_TRUE(result) << result.error().ToString();
}

// Watch without polling (poll_s of a minute): only inotify can bring the new files in, one in a
// folder made after Watch began, one moved into the roll. Hidden files and sidecars do not count.
TEST_F(SyncTest, WatchUploadsWhatInotifyReports) {
  Consent(true);
  std::atomic<bool> stop{false};
  std::atomic<int> passes{0};
  SyncOptions o = Options();
  o.poll_s = 60;
  o.on_event = [&](const SyncEvent& e) {
    if (e.kind == SyncEvent::Kind::kPassDone) ++passes;
  };
  SyncAgent agent(o);
  Status result;
  std::thread watcher([&] { result = agent.Watch(stop); });
  auto wait_for = [&](auto done) {
    for (int i = 0; i < 200 && !done(); ++i) std::this_thread::sleep_for(50ms);
    return done();
  };
  ASSERT_TRUE(wait_for([&] { return passes.load() >= 1; }));
  const int after_first = passes.load();

  testing::WriteBytes(roll_ / ".hidden.jpg", Bytes(1000, 1, kJpeg));
  testing::WriteBytes(roll_ / "IMG_1.xmp", "<x/>");
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(passes.load(), after_first);  // nothing that belongs to the roll happened

  std::filesystem::create_directories(roll_ / "DCIM/Trip/Day1");
  const std::string b = Put("DCIM/Trip/Day1/IMG_2.jpg", 30'000, 2);
  EXPECT_TRUE(wait_for([&] { return ServerShas().count(Sha(b)) == 1; }));

  const std::string c = Bytes(30'000, 3, kJpeg);
  testing::WriteBytes(tmp_ / "outside.jpg", c);
  std::filesystem::rename(tmp_ / "outside.jpg", roll_ / "DCIM/IMG_3.jpg");
  EXPECT_TRUE(wait_for([&] { return ServerShas().count(Sha(c)) == 1; }));

  stop = true;
  watcher.join();
  EXPECT_TRUE(result) << result.error().ToString();
}

// The command line: exit codes and JSON.
TEST_F(SyncTest, CommandExitCodes) {
  Consent(true);
  Put("IMG_1.jpg", 30'000, 1);
  ::testing::internal::CaptureStdout();
  const int ok = RunSyncCommand(Options(), false, true);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(ok, 0) << out;
  const auto j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << out;
  EXPECT_EQ(j["uploaded"], 1);
  EXPECT_EQ(j["server"]["uploaded"], 1);

  SyncOptions bad = Options();
  bad.token = "crt_wrong";
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunSyncCommand(bad, false, false), 3);
  ::testing::internal::GetCapturedStdout();

  StopApi();
  Put("IMG_2.jpg", 30'000, 2);
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunSyncCommand(Options(), false, false), 1);
  ::testing::internal::GetCapturedStdout();
}

}  // namespace
}  // namespace camroll::sync
