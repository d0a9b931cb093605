// Service behaviour without HTTP: retention, consent re-checked when jobs run, purges.
#include "server/service.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "catalog/sqlite.h"
#include "core/base64.h"
#include "core/sha256.h"
#include "media/format.h"
#include "server/notices.h"
#include "server/sealed.h"
#include "server/tar.h"
#include "testing/testing.h"

namespace camroll::server {
namespace {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.data_dir = dir_.path() / "data";
    o.models_dir = dir_.path() / "no-models";
    o.retention_days = 30;
    o.now = [this] { return now_; };
    auto s = Service::Open(o);
    ASSERT_TRUE(s) << s.error().message();
    service_ = std::move(*s);
    auto token = service_->CreateUser("ana", "correct horse battery");
    ASSERT_TRUE(token);
    user_ = (*service_->Authenticate(*token))->user;
    ASSERT_TRUE(service_->SetSwitch(user_, kCloudProcessing, true, "api"));
  }
  // Uploads bytes (with a file name, if given) through the tus service; returns the asset id.
  int64_t Upload(const std::string& bytes, const std::string& name = "") {
    TusRequest post;
    post.method = "POST";
    post.headers["Tus-Resumable"] = "1.0.0";
    post.headers["Upload-Length"] = std::to_string(bytes.size());
    if (!name.empty()) {
      post.headers["Upload-Metadata"] =
          "filename " + Base64Encode({reinterpret_cast<const uint8_t*>(name.data()), name.size()});
    }
    const TusResponse created = service_->tus().Handle({user_, nullptr}, post);
    EXPECT_EQ(created.status, 201) << created.body;
    std::string location;
    for (const auto& [k, v] : created.headers) {
      if (k == "Location") location = v;
    }
    TusRequest patch;
    patch.method = "PATCH";
    patch.upload_id = location.substr(location.rfind('/') + 1);
    patch.headers = {{"Tus-Resumable", "1.0.0"},
                     {"Upload-Offset", "0"},
                     {"Content-Type", "application/offset+octet-stream"}};
    patch.read_body = [&](const std::function<bool(const char*, size_t)>& sink) {
      return sink(bytes.data(), bytes.size());
    };
    EXPECT_EQ(service_->tus().Handle({user_, nullptr}, patch).status, 204);
    auto asset = service_->store().AssetBySha(
        user_, ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()})));
    return asset && *asset ? (*asset)->id : -1;
  }
  static std::string Bytes(char fill) {
    std::string s(5000, fill);
    s[0] = '\xFF';
    s[1] = '\xD8';
    s[2] = '\xFF';
    return s;
  }

  testing::TempDir dir_;
  int64_t now_ = 1'800'000'000;
  std::unique_ptr<Service> service_;
  int64_t user_ = 0;
};

TEST_F(ServiceTest, UnpostedUploadsExpireOnTheRetentionSchedule) {
  const int64_t kept = Upload(Bytes('k'));
  const int64_t gone = Upload(Bytes('g'));
  ASSERT_GT(kept, 0);
  ASSERT_GT(gone, 0);
  ASSERT_TRUE(
      service_->store().SetPosted(user_, {(*service_->store().FindAsset(user_, kept))->file}));
  const auto gone_file =
      service_->UserDir(user_) / (*service_->store().FindAsset(user_, gone))->file;
  ASSERT_TRUE(std::filesystem::exists(gone_file));
  now_ += 29 * 86400;
  ASSERT_TRUE(service_->Maintain());
  EXPECT_EQ(service_->store().Assets(user_)->size(), 2u) << "not yet";
  now_ += 2 * 86400;
  ASSERT_TRUE(service_->Maintain());
  auto assets = service_->store().Assets(user_);
  ASSERT_EQ(assets->size(), 1u);
  EXPECT_EQ(assets->at(0).id, kept) << "a posted photo stays";
  EXPECT_FALSE(std::filesystem::exists(gone_file));
  EXPECT_EQ(service_->RetentionJson()["unposted_uploads_days"], 30);
}

TEST_F(ServiceTest, RepeatedFailedSignInsAreRefusedForAWhile) {
  const std::string good = "correct horse battery";
  for (int i = 0; i < Service::kSignInFailuresPerName; ++i) {
    auto wrong = service_->SignIn("ana", "wrong password", "10.0.0.1");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code(), ErrorCode::kPermission);
  }
  // Now even the right password is refused for this name, from any client...
  auto refused = service_->SignIn("ana", good, "10.0.0.2");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kLimit);
  // ...until the window has passed.
  now_ += Service::kSignInWindowS + 1;
  EXPECT_TRUE(service_->SignIn("ana", good, "10.0.0.2"));

  // One client guessing across many names is refused too, for every name; others are not.
  ASSERT_TRUE(service_->CreateUser("ben", "another good password"));
  for (int i = 0; i < Service::kSignInFailuresPerClient; ++i) {
    ASSERT_FALSE(service_->SignIn(fmt::format("guess{}", i), "x-password", "10.0.0.9"));
  }
  auto from_guesser = service_->SignIn("ben", "another good password", "10.0.0.9");
  ASSERT_FALSE(from_guesser);
  EXPECT_EQ(from_guesser.error().code(), ErrorCode::kLimit);
  EXPECT_TRUE(service_->SignIn("ben", "another good password", "10.0.0.3"));
}

TEST_F(ServiceTest, FaceDataOfAnOwnerInactiveForThreeYearsIsDeleted) {
  ASSERT_TRUE(service_->SetSwitch(user_, kFaceGrouping, true, "api"));
  ASSERT_GT(Upload(Bytes('f')), 0);
  now_ += kFaceDataDays * 86400 - 86400;
  ASSERT_TRUE(service_->Maintain());
  EXPECT_TRUE(*service_->store().Switch(user_, kFaceGrouping)) << "not yet";
  ASSERT_GT(Upload(Bytes('n')), 0);  // activity: the clock starts again
  now_ += 2 * 86400;
  ASSERT_TRUE(service_->Maintain());
  EXPECT_TRUE(*service_->store().Switch(user_, kFaceGrouping));
  now_ += kFaceDataDays * 86400 + 86400;
  ASSERT_TRUE(service_->Maintain());
  EXPECT_FALSE(*service_->store().Switch(user_, kFaceGrouping));
  const auto ledger = service_->store().Ledger(user_);
  ASSERT_TRUE(ledger);
  EXPECT_EQ(ledger->back().method, "retention");
  EXPECT_FALSE(ledger->back().value);
}

TEST_F(ServiceTest, ExportNamesFitATarArchiveWhateverTheFileNames) {
  // The longest name a client can give (200 bytes after sanitising), in UTF-8.
  std::string name;
  while (name.size() < 190) name += "\xC3\xA9t\xC3\xA9-";
  name += ".jpg";
  ASSERT_GT(Upload(Bytes('x'), name), 0);
  auto items = service_->Export(user_);
  ASSERT_TRUE(items) << items.error().message();
  size_t originals = 0;
  for (const auto& item : *items) {
    EXPECT_TRUE(TarHeader(item.name, 1, 0)) << item.name;
    if (item.name.find("/originals/") != std::string::npos) {
      ++originals;
      EXPECT_TRUE(item.name.ends_with(".jpg")) << item.name;
    }
  }
  EXPECT_EQ(originals, 1u);
}

TEST_F(ServiceTest, AShutdownInterruptsARunningJobWhichRunsAgainOnTheNextStart) {
  const auto sample = testing::SampleRoll();
  if (sample.empty()) GTEST_SKIP() << "the sample roll was not generated";
  size_t photos = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(sample / "roll")) {
    if (photos == 12 || !e.is_regular_file() || e.path().extension() != ".jpg") continue;
    std::ifstream in(e.path(), std::ios::binary);
    ASSERT_GT(Upload({std::istreambuf_iterator<char>(in), {}}), 0);
    ++photos;
  }
  now_ += 10;  // past the processing delay
  service_->StartWorkers();
  // The job is running once it has made the user's catalog; it has far more to do than that.
  for (int i = 0; i < 2000 && !std::filesystem::exists(service_->UserData(user_) / "catalog.db");
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  service_->StopWorkers();
  {
    auto db = sqlite::Database::Open(dir_.path() / "data/server.db");
    ASSERT_TRUE(db);
    auto st = db->Prepare("SELECT state FROM jobs");
    ASSERT_TRUE(st);
    ASSERT_TRUE(*st->Step());
    EXPECT_EQ(st->Text(0), "running") << "interrupted, not marked done or failed";
  }
  service_.reset();
  ServerOptions o;
  o.data_dir = dir_.path() / "data";
  o.models_dir = dir_.path() / "no-models";
  auto reopened = Service::Open(o);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(*(*reopened)->store().PendingJobs(user_), 1) << "queued again on the next start";
}

TEST_F(ServiceTest, AJobQueuedWithConsentDoesNothingOnceConsentIsWithdrawn) {
  ASSERT_GT(Upload(Bytes('a')), 0);
  ASSERT_EQ(*service_->store().PendingJobs(user_), 1) << "the upload queued processing";
  // Withdrawn after queueing: the purge removes the job, and a job that still ran would see
  // consent off before it read anything.
  ASSERT_TRUE(service_->SetSwitch(user_, kCloudProcessing, false, "api"));
  EXPECT_EQ(*service_->store().PendingJobs(user_), 0);
  ASSERT_TRUE(service_->store().Enqueue(user_, "process", now_));
  ASSERT_TRUE(service_->ProcessUser(user_));
  EXPECT_FALSE(std::filesystem::exists(service_->UserData(user_)))
      << "nothing was derived without consent";
}

TEST_F(ServiceTest, ProcessingMakesACatalogOnlyWithConsent) {
  const int64_t id = Upload(Bytes('p'), "broken.jpg");
  ASSERT_GT(id, 0);
  ASSERT_TRUE(service_->ProcessUser(user_));
  EXPECT_TRUE(std::filesystem::exists(service_->UserData(user_) / "catalog.db"));
  auto status = service_->StatusJson(user_);
  ASSERT_TRUE(status);
  EXPECT_EQ((*status)["uploaded"], 1);
  EXPECT_EQ((*status)["analysed"], 1);
  ASSERT_EQ((*status)["failed"].size(), 1u) << "random bytes are not a photo: reported";
  EXPECT_EQ((*status)["failed"][0]["asset"], id);
  EXPECT_EQ((*status)["failed"][0]["name"], "broken.jpg");
  EXPECT_FALSE((*status)["failed"][0]["reason"].get<std::string>().empty());
}

// Photos of the sample roll, as bytes (at most `n`).
std::vector<std::string> SamplePhotos(size_t n) {
  std::vector<std::string> out;
  const auto sample = testing::SampleRoll();
  if (sample.empty()) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(sample / "roll")) {
    if (e.is_regular_file() && e.path().extension() == ".jpg") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    if (out.size() == n) break;
    std::ifstream in(f, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

// Analysed assets in the user's (sealed) catalog.
int64_t CatalogAssets(Service& service, int64_t user) {
  auto options = service.CatalogOptions(user);
  if (!options) return -1;
  auto db = sqlite::Database::Open(service.UserData(user) / "catalog.db", *options);
  if (!db) return -1;
  auto st = db->Prepare("SELECT COUNT(*) FROM assets WHERE status = 'ok'");
  if (!st || !*st->Step()) return -1;
  return st->Int(0);
}

TEST_F(ServiceTest, OriginalsAreSealedAtRestAndOptingOutShredsTheirKey) {
  const auto photos = SamplePhotos(11);
  if (photos.size() < 11) GTEST_SKIP() << "the sample roll was not generated";
  for (size_t i = 0; i < 10; ++i) ASSERT_GT(Upload(photos[i], "p.jpg"), 0);
  const auto originals = service_->UserRoll(user_);
  auto expect_sealed = [&] {
    for (const auto& e : std::filesystem::directory_iterator(originals)) {
      EXPECT_TRUE(IsSealedFile(e.path())) << e.path();
      std::ifstream in(e.path(), std::ios::binary);
      const std::string bytes{std::istreambuf_iterator<char>(in), {}};
      for (const auto& p : photos) {
        EXPECT_EQ(bytes.find(p.substr(p.size() / 2, 64)), std::string::npos) << "plaintext";
      }
    }
  };
  expect_sealed();
  ASSERT_TRUE(service_->ProcessUser(user_));
  const auto catalog = service_->UserData(user_) / "catalog.db";
  EXPECT_EQ(CatalogAssets(*service_, user_), 10) << "analysed from the sealed originals";
  EXPECT_FALSE(IsPlainSqliteFile(catalog)) << "the catalog is sealed too";
  EXPECT_FALSE(std::filesystem::exists(service_->UserWork(user_))) << "no plaintext left";
  auto ideas = service_->Ideas(user_, "story");
  ASSERT_TRUE(ideas) << ideas.error().message();
  ASSERT_FALSE(ideas->empty());
  // Thumbnails, previews and renders are sealed too, and read back whole.
  EXPECT_EQ(testing::PlainMediaFiles(dir_.path() / "data"), std::vector<std::string>());
  size_t sealed_derived = 0;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(service_->UserData(user_) / "thumbs")) {
    sealed_derived += e.is_regular_file() && IsSealedFile(e.path());
  }
  EXPECT_EQ(sealed_derived, 20u) << "a thumbnail and a preview of each photo";
  const std::string first_idea = (*ideas)[0]["id"];
  auto rendered = service_->IdeaFile(user_, first_idea, 0);
  ASSERT_TRUE(rendered) << rendered.error().message();
  EXPECT_TRUE(IsSealedFile(*rendered));
  auto render_bytes = service_->ReadDerived(user_, *rendered);
  ASSERT_TRUE(render_bytes) << render_bytes.error().message();
  EXPECT_EQ(
      SniffFormat(*render_bytes) == Format::kJpeg || SniffFormat(*render_bytes) == Format::kMp4,
      true);

  // One more photo: only it is opened for the job; the ten analysed ones stay in the catalog
  // although no plaintext of them is in the folder the scanner reads.
  ASSERT_GT(Upload(photos[10], "q.jpg"), 0);
  ASSERT_TRUE(service_->ProcessUser(user_));
  EXPECT_EQ(CatalogAssets(*service_, user_), 11);
  EXPECT_FALSE(std::filesystem::exists(service_->UserWork(user_)));
  expect_sealed();
  EXPECT_EQ(testing::PlainMediaFiles(dir_.path() / "data"), std::vector<std::string>());

  // The export holds the originals as they were uploaded.
  auto items = service_->Export(user_);
  ASSERT_TRUE(items) << items.error().message();
  std::set<std::string> exported;
  size_t renders = 0;
  for (const auto& item : *items) {
    if (!item.open) continue;
    auto source = item.open();
    ASSERT_TRUE(source) << item.name << ": " << source.error().message();
    std::string all, piece;
    for (;;) {
      auto more = source->next(piece);
      ASSERT_TRUE(more) << more.error().message();
      all += piece;
      if (!*more) break;
    }
    EXPECT_EQ(all.size(), source->size);
    if (item.name.find("/originals/") != std::string::npos) {
      exported.insert(all);
    } else {
      const Format format = SniffFormat({reinterpret_cast<const uint8_t*>(all.data()), all.size()});
      EXPECT_TRUE(format == Format::kJpeg || format == Format::kMp4) << item.name;
      ++renders;
    }
  }
  EXPECT_TRUE(exported == std::set<std::string>(photos.begin(), photos.end()))
      << "the export's originals are not the uploaded bytes";
  EXPECT_GT(renders, 0u);

  // A copy of the sealed originals that a purge cannot reach (a backup), then opt-out.
  const auto backup = dir_.path() / "backup";
  std::filesystem::copy(originals, backup);
  ASSERT_TRUE(std::filesystem::exists(service_->keys().KeyFile(user_, KeyPurpose::kData)));
  ASSERT_TRUE(service_->SetSwitch(user_, kCloudProcessing, false, "api"));
  EXPECT_FALSE(std::filesystem::exists(service_->keys().KeyFile(user_, KeyPurpose::kData)));
  EXPECT_FALSE(std::filesystem::exists(service_->keys().KeyFile(user_, KeyPurpose::kFace)));
  EXPECT_FALSE(std::filesystem::exists(service_->UserDir(user_)));
  // Back on: the user gets a new key, with which the backup does not open.
  ASSERT_TRUE(service_->SetSwitch(user_, kCloudProcessing, true, "api"));
  auto fresh = service_->keys().Get(user_, KeyPurpose::kData);
  ASSERT_TRUE(fresh);
  for (const auto& e : std::filesystem::directory_iterator(backup)) {
    EXPECT_FALSE(
        ReadSealedFile(e.path(), *fresh, Service::SealContext(user_, KeyPurpose::kData), 1 << 30))
        << e.path();
  }
}

TEST_F(ServiceTest, AnOlderDataFolderIsSealedOnStart) {
  const auto photos = SamplePhotos(2);
  if (photos.size() < 2) GTEST_SKIP() << "the sample roll was not generated";
  ASSERT_GT(Upload(photos[0], "a.jpg"), 0);
  ASSERT_GT(Upload(photos[1], "b.jpg"), 0);
  ASSERT_TRUE(service_->ProcessUser(user_));
  // As a server before encryption at rest left it: plaintext originals, thumbnails and catalog,
  // the catalog's roll named after the originals folder, a working folder left by a crash.
  const auto originals = service_->UserRoll(user_);
  auto assets = service_->store().Assets(user_);
  ASSERT_TRUE(assets);
  for (const Asset& a : *assets) {
    const std::string& plain = photos[a.name == "a.jpg" ? 0 : 1];
    std::ofstream(service_->UserDir(user_) / a.file, std::ios::binary | std::ios::trunc) << plain;
  }
  const auto catalog = service_->UserData(user_) / "catalog.db";
  {
    auto options = service_->CatalogOptions(user_);
    ASSERT_TRUE(options);
    auto db = sqlite::Database::Open(catalog, *options);
    ASSERT_TRUE(db);
    auto st = db->Prepare("UPDATE rolls SET root = ?");
    ASSERT_TRUE(st);
    ASSERT_TRUE(st->Bind(1, std::filesystem::weakly_canonical(originals).string()).Run());
    ASSERT_TRUE(
        db->Exec(fmt::format("VACUUM INTO 'file:{}?vfs=unix'", catalog.string() + ".plain")));
  }
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(catalog.string() + suffix);
  std::filesystem::rename(catalog.string() + ".plain", catalog);
  ASSERT_TRUE(IsPlainSqliteFile(catalog));
  std::filesystem::create_directories(service_->UserWork(user_));
  std::ofstream(service_->UserWork(user_) / "left.jpg") << photos[0];
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(service_->UserData(user_) / "thumbs")) {
    if (!e.is_regular_file()) continue;
    auto plain = service_->ReadDerived(user_, e.path());
    ASSERT_TRUE(plain);
    std::ofstream(e.path(), std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(plain->data()),
               static_cast<std::streamsize>(plain->size()));
  }
  ASSERT_FALSE(testing::PlainMediaFiles(dir_.path() / "data").empty());
  service_.reset();
  ServerOptions o;
  o.data_dir = dir_.path() / "data";
  o.models_dir = dir_.path() / "no-models";
  o.now = [this] { return now_; };
  auto reopened = Service::Open(o);
  ASSERT_TRUE(reopened) << reopened.error().message();
  service_ = std::move(*reopened);
  EXPECT_FALSE(std::filesystem::exists(service_->UserWork(user_)));
  EXPECT_EQ(testing::PlainMediaFiles(dir_.path() / "data"), std::vector<std::string>());
  // The catalog's analysis is kept (one roll, both photos) and the originals export whole.
  ASSERT_TRUE(service_->ProcessUser(user_));
  EXPECT_FALSE(IsPlainSqliteFile(catalog));
  auto options = service_->CatalogOptions(user_);
  ASSERT_TRUE(options);
  auto db = sqlite::Database::Open(catalog, *options);
  ASSERT_TRUE(db);
  auto rolls = db->Prepare("SELECT COUNT(*) FROM rolls");
  ASSERT_TRUE(rolls && *rolls->Step());
  EXPECT_EQ(rolls->Int(0), 1);
  EXPECT_EQ(CatalogAssets(*service_, user_), 2);
  auto items = service_->Export(user_);
  ASSERT_TRUE(items);
  size_t whole = 0;
  for (const auto& item : *items) {
    if (!item.open) continue;
    auto source = item.open();
    ASSERT_TRUE(source);
    std::string all, piece;
    while (*source->next(piece)) all += piece;
    all += piece;
    whole += all == photos[0] || all == photos[1];
  }
  EXPECT_EQ(whole, 2u);
}

TEST_F(ServiceTest, RequestsDoNotWaitForARunningJob) {
  const auto photos = SamplePhotos(12);
  if (photos.size() < 12) GTEST_SKIP() << "the sample roll was not generated";
  for (size_t i = 0; i < 6; ++i) ASSERT_GT(Upload(photos[i], "p.jpg"), 0);
  ASSERT_TRUE(service_->ProcessUser(user_));  // a catalog and ideas to read
  for (size_t i = 6; i < 12; ++i) ASSERT_GT(Upload(photos[i], "q.jpg"), 0);
  now_ += 10;  // past the processing delay
  auto job_state = [&] {
    auto db = sqlite::Database::Open(dir_.path() / "data/server.db");
    auto st = db->Prepare("SELECT state FROM jobs ORDER BY id DESC LIMIT 1");
    return st && *st->Step() ? st->Text(0) : std::string();
  };
  service_->StartWorkers();
  for (int i = 0; i < 4000 && job_state() != "running"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(job_state(), "running");
  // Everything a person does while their photos are processed answers at once.
  EXPECT_TRUE(service_->Ideas(user_, "story"));
  EXPECT_TRUE(service_->StatusJson(user_));
  auto assets = service_->AssetList(user_);
  ASSERT_TRUE(assets && !assets->empty());
  EXPECT_TRUE(service_->AssetThumbnail(user_, (*assets)[0]["id"].get<int64_t>()));
  EXPECT_TRUE(service_->Derived(user_, (*assets)[0]["id"].get<int64_t>()));
  EXPECT_EQ(job_state(), "running") << "all of that was served during the job";
  service_->StopWorkers();
}

}  // namespace
}  // namespace camroll::server
