// Service behaviour without HTTP: retention, consent re-checked when jobs run, purges.
#include "server/service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "catalog/sqlite.h"
#include "core/base64.h"
#include "core/sha256.h"
#include "server/notices.h"
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
  ASSERT_GT(Upload(Bytes('p')), 0);
  ASSERT_TRUE(service_->ProcessUser(user_));
  EXPECT_TRUE(std::filesystem::exists(service_->UserData(user_) / "catalog.db"));
  auto status = service_->StatusJson(user_);
  ASSERT_TRUE(status);
  EXPECT_EQ((*status)["uploaded"], 1);
  EXPECT_EQ((*status)["analysed"], 1);
  EXPECT_EQ((*status)["failed"].size(), 1u) << "random bytes are not a photo: reported";
}

}  // namespace
}  // namespace camroll::server
