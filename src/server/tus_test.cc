#include "server/tus.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "core/base64.h"
#include "core/sha256.h"
#include "testing/testing.h"

namespace camroll::server {
namespace {

std::string Header(const TusResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

std::string Digest64(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return Base64Encode({out, n});
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Some bytes that sniff as JPEG.
std::string Photo(size_t size, char fill) {
  std::string s(size, fill);
  s[0] = '\xFF';
  s[1] = '\xD8';
  s[2] = '\xFF';
  return s;
}

class TusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_ / "server.db");
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    ASSERT_TRUE(store_->CreateUser("ana", "x", 0));
    ASSERT_TRUE(store_->CreateUser("ben", "x", 0));
    limits_.max_size = 1 << 20;
    limits_.max_open_uploads = 4;
    Reset();
  }
  void Reset() {
    TusHooks hooks;
    hooks.refusal = [this](int64_t) -> std::optional<std::string> {
      refusal_checked_while_held_ = held_;
      if (consent_) return std::nullopt;
      return std::string("cloud processing is off");
    };
    hooks.on_asset = [this](int64_t, int64_t asset, bool fresh) {
      assets_made_.push_back({asset, fresh});
    };
    hooks.now = [this] { return now_; };
    // What a hold spans: the consent check and the asset row, as a purge must see them.
    hooks.hold = [this](int64_t user) -> std::shared_ptr<void> {
      ++holds_;
      held_ = true;
      return std::shared_ptr<void>(nullptr, [this, user](void*) {
        held_ = false;
        assets_when_released_ = store_->Assets(user)->size();
      });
    };
    tus_ = std::make_unique<TusService>(*store_, dir_.path(), "/v1/uploads", limits_, hooks);
  }
  TusRequest Request(const std::string& method, const std::string& id = "") {
    TusRequest r;
    r.method = method;
    r.upload_id = id;
    r.headers["Tus-Resumable"] = "1.0.0";
    return r;
  }
  // A body that delivers `data`, or only its first `cut` bytes and then fails.
  static void Body(TusRequest& r, std::string data, size_t cut = std::string::npos) {
    r.headers["Content-Type"] = "application/offset+octet-stream";
    r.read_body = [data = std::move(data),
                   cut](const std::function<bool(const char*, size_t)>& sink) {
      const size_t n = std::min(cut, data.size());
      for (size_t at = 0; at < n; at += 1000) {
        if (!sink(data.data() + at, std::min<size_t>(1000, n - at))) return false;
      }
      return cut == std::string::npos;
    };
  }
  TusResponse Do(const TusRequest& r, int64_t user = 1) { return tus_->Handle({user, nullptr}, r); }
  std::string Create(int64_t length, int64_t user = 1, const std::string& metadata = "") {
    auto r = Request("POST");
    r.headers["Upload-Length"] = std::to_string(length);
    if (!metadata.empty()) r.headers["Upload-Metadata"] = metadata;
    const TusResponse res = Do(r, user);
    EXPECT_EQ(res.status, 201) << res.body;
    const std::string location = Header(res, "Location");
    return location.substr(location.rfind('/') + 1);
  }
  TusResponse Patch(const std::string& id, int64_t offset, const std::string& data,
                    int64_t user = 1) {
    auto r = Request("PATCH", id);
    r.headers["Upload-Offset"] = std::to_string(offset);
    Body(r, data);
    return Do(r, user);
  }
  int64_t Offset(const std::string& id, int64_t user = 1) {
    const TusResponse r = Do(Request("HEAD", id), user);
    EXPECT_EQ(r.status, 200) << r.body;
    return std::stoll(Header(r, "Upload-Offset"));
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  TusLimits limits_;
  std::unique_ptr<TusService> tus_;
  bool consent_ = true;
  int holds_ = 0;
  bool held_ = false, refusal_checked_while_held_ = false;
  size_t assets_when_released_ = 0;
  int64_t now_ = 1'700'000'000;
  std::vector<std::pair<int64_t, bool>> assets_made_;
};

TEST_F(TusTest, OptionsAdvertisesTheExtensions) {
  const TusResponse r = Do(Request("OPTIONS"));
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(Header(r, "Tus-Version"), "1.0.0");
  EXPECT_NE(Header(r, "Tus-Extension").find("checksum"), std::string::npos);
  EXPECT_NE(Header(r, "Tus-Extension").find("termination"), std::string::npos);
  EXPECT_NE(Header(r, "Tus-Extension").find("expiration"), std::string::npos);
  EXPECT_EQ(Header(r, "Tus-Checksum-Algorithm"), "sha1,sha256");
  EXPECT_EQ(Header(r, "Tus-Max-Size"), std::to_string(1 << 20));
}

TEST_F(TusTest, AnotherProtocolVersionGets412) {
  auto r = Request("POST");
  r.headers["Tus-Resumable"] = "0.2.2";
  r.headers["Upload-Length"] = "10";
  const TusResponse res = Do(r);
  EXPECT_EQ(res.status, 412);
  EXPECT_EQ(Header(res, "Tus-Version"), "1.0.0");
}

TEST_F(TusTest, CreationNeedsConsentAndASaneLength) {
  consent_ = false;
  auto r = Request("POST");
  r.headers["Upload-Length"] = "10";
  EXPECT_EQ(Do(r).status, 403);
  consent_ = true;
  for (const char* bad : {"-1", "1e3", " 10", "99999999999999999999", "", "0x10"}) {
    r.headers["Upload-Length"] = bad;
    EXPECT_EQ(Do(r).status, 400) << bad;
  }
  r.headers["Upload-Length"] = std::to_string((1 << 20) + 1);
  EXPECT_EQ(Do(r).status, 413);
  r.headers.erase("Upload-Length");
  EXPECT_EQ(Do(r).status, 400);
}

TEST_F(TusTest, ChunksMakeAnAssetWhoseBytesAndHashMatch) {
  const std::string data = Photo(25'000, 'a');
  const std::string id =
      Create(data.size(), 1,
             "filename " + Base64Encode({reinterpret_cast<const uint8_t*>("IMG_1.jpg"), 9}));
  EXPECT_EQ(Offset(id), 0);
  TusResponse r = Patch(id, 0, data.substr(0, 10'000));
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(Header(r, "Upload-Offset"), "10000");
  EXPECT_FALSE(Header(r, "Upload-Expires").empty());
  EXPECT_EQ(Offset(id), 10'000);
  EXPECT_TRUE(assets_made_.empty()) << "an incomplete upload is not an asset";
  r = Patch(id, 10'000, data.substr(10'000));
  EXPECT_EQ(r.status, 204) << r.body;
  ASSERT_EQ(assets_made_.size(), 1u);
  auto asset = store_->FindAsset(1, assets_made_[0].first);
  ASSERT_TRUE(asset && *asset);
  EXPECT_EQ((*asset)->sha256,
            ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(data.data()), data.size()})));
  EXPECT_EQ((*asset)->name, "IMG_1.jpg");
  EXPECT_EQ((*asset)->type, "image/jpeg");
  EXPECT_EQ(ReadAll(dir_ / "users/1" / (*asset)->file), data);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "uploads/1" / (id + ".part")));
  EXPECT_EQ(Offset(id), static_cast<int64_t>(data.size()));
}

TEST_F(TusTest, AWrongOffsetIs409AndChangesNothing) {
  const std::string id = Create(100);
  ASSERT_EQ(Patch(id, 0, std::string(40, 'x')).status, 204);
  const TusResponse replay = Patch(id, 0, std::string(40, 'y'));
  EXPECT_EQ(replay.status, 409);
  EXPECT_EQ(Header(replay, "Upload-Offset"), "40");
  EXPECT_EQ(Patch(id, 50, "z").status, 409);
  EXPECT_EQ(Offset(id), 40);
}

TEST_F(TusTest, PatchNeedsTheOffsetContentType) {
  const std::string id = Create(10);
  auto r = Request("PATCH", id);
  r.headers["Upload-Offset"] = "0";
  Body(r, "0123456789");
  r.headers["Content-Type"] = "application/octet-stream";
  EXPECT_EQ(Do(r).status, 415);
  EXPECT_EQ(Offset(id), 0);
}

TEST_F(TusTest, ChecksumsAreVerifiedPerChunk) {
  const std::string id = Create(20);
  auto r = Request("PATCH", id);
  r.headers["Upload-Offset"] = "0";
  Body(r, "0123456789");
  r.headers["Upload-Checksum"] = "sha1 " + Digest64(EVP_sha1(), "0123456789");
  EXPECT_EQ(Do(r).status, 204);
  r.headers["Upload-Offset"] = "10";
  r.headers["Upload-Checksum"] = "sha256 " + Digest64(EVP_sha256(), "not the body");
  EXPECT_EQ(Do(r).status, 460);
  EXPECT_EQ(Offset(id), 10) << "a mismatched chunk is discarded";
  r.headers["Upload-Checksum"] = "md5 " + Digest64(EVP_sha1(), "0123456789");
  EXPECT_EQ(Do(r).status, 400);
  r.headers["Upload-Checksum"] = "sha1 not-base64!";
  EXPECT_EQ(Do(r).status, 400);
  r.headers["Upload-Checksum"] = "sha256 " + Digest64(EVP_sha256(), "0123456789");
  EXPECT_EQ(Do(r).status, 204);
  EXPECT_EQ(Offset(id), 20);
}

TEST_F(TusTest, AnInterruptedBodyKeepsWhatArrivedUnlessItHadAChecksum) {
  const std::string data = Photo(9'000, 'q');
  const std::string id = Create(data.size());
  auto r = Request("PATCH", id);
  r.headers["Upload-Offset"] = "0";
  Body(r, data, 5'000);
  Do(r);
  EXPECT_EQ(Offset(id), 5'000);
  Body(r, data.substr(5'000), 2'000);
  r.headers["Upload-Offset"] = "5000";
  r.headers["Upload-Checksum"] = "sha1 " + Digest64(EVP_sha1(), data.substr(5'000));
  Do(r);
  EXPECT_EQ(Offset(id), 5'000);
  EXPECT_EQ(Patch(id, 5'000, data.substr(5'000)).status, 204);
  ASSERT_EQ(assets_made_.size(), 1u);
  auto asset = store_->FindAsset(1, assets_made_[0].first);
  EXPECT_EQ(ReadAll(dir_ / "users/1" / (*asset)->file), data);
}

TEST_F(TusTest, UnacknowledgedBytesOnDiskAreCutBeforeTheNextWrite) {
  // A crash after write() but before the offset was committed leaves junk past the offset.
  const std::string data = Photo(3'000, 'k');
  const std::string id = Create(data.size());
  ASSERT_EQ(Patch(id, 0, data.substr(0, 1'000)).status, 204);
  {
    std::ofstream part(dir_ / "uploads/1" / (id + ".part"), std::ios::app | std::ios::binary);
    part << std::string(1'500, 'J');
  }
  EXPECT_EQ(Offset(id), 1'000);
  ASSERT_EQ(Patch(id, 1'000, data.substr(1'000)).status, 204);
  auto asset = store_->FindAsset(1, assets_made_.at(0).first);
  EXPECT_EQ(ReadAll(dir_ / "users/1" / (*asset)->file), data);
}

TEST_F(TusTest, ABodyPastTheLengthIsRefused) {
  const std::string id = Create(10);
  EXPECT_EQ(Patch(id, 0, std::string(11, 'x')).status, 413);
  EXPECT_EQ(Offset(id), 0);
}

TEST_F(TusTest, DeleteTerminatesAndExpiryRemoves) {
  const std::string id = Create(10);
  EXPECT_EQ(Do(Request("DELETE", id)).status, 204);
  EXPECT_EQ(Do(Request("HEAD", id)).status, 404);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "uploads/1" / (id + ".part")));
  const std::string old = Create(10);
  now_ += limits_.expire_after_s + 1;
  EXPECT_EQ(Patch(old, 0, "x").status, 410);
  EXPECT_EQ(Do(Request("HEAD", old)).status, 404);
  const std::string later = Create(10);
  now_ += limits_.expire_after_s + 1;
  auto expired = tus_->ExpireUploads();
  ASSERT_TRUE(expired);
  EXPECT_EQ(*expired, 1u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "uploads/1" / (later + ".part")));
}

TEST_F(TusTest, AnotherUsersUploadDoesNotExist) {
  const std::string id = Create(10, 1);
  EXPECT_EQ(Do(Request("HEAD", id), 2).status, 404);
  EXPECT_EQ(Patch(id, 0, "0123456789", 2).status, 404);
  EXPECT_EQ(Do(Request("DELETE", id), 2).status, 404);
  EXPECT_EQ(Offset(id, 1), 0);
}

TEST_F(TusTest, DeduplicationIsPerOwner) {
  const std::string data = Photo(2'000, 'd');
  for (int64_t user : {1, 1, 2}) {
    const std::string id = Create(data.size(), user);
    ASSERT_EQ(Patch(id, 0, data, user).status, 204);
  }
  ASSERT_EQ(assets_made_.size(), 3u);
  EXPECT_TRUE(assets_made_[0].second);
  EXPECT_FALSE(assets_made_[1].second) << "the same bytes again are the same asset";
  EXPECT_EQ(assets_made_[0].first, assets_made_[1].first);
  EXPECT_TRUE(assets_made_[2].second) << "another owner gets their own copy";
  EXPECT_NE(assets_made_[2].first, assets_made_[0].first);
  EXPECT_EQ(store_->Assets(1)->size(), 1u);
  EXPECT_EQ(store_->Assets(2)->size(), 1u);
  EXPECT_FALSE(store_->FindAsset(2, assets_made_[0].first).value().has_value());

  // Declaring the SHA-256 of bytes the owner already has finishes the upload at creation.
  const std::string sha =
      ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(data.data()), data.size()}));
  const std::string meta =
      "sha256 " + Base64Encode({reinterpret_cast<const uint8_t*>(sha.data()), sha.size()});
  auto r = Request("POST");
  r.headers["Upload-Length"] = std::to_string(data.size());
  r.headers["Upload-Metadata"] = meta;
  const TusResponse known = Do(r, 1);
  EXPECT_EQ(known.status, 201);
  EXPECT_EQ(Header(known, "Upload-Offset"), std::to_string(data.size())) << "nothing to send";
  // For another owner the same hash is just a declaration: their upload starts at 0.
  ASSERT_TRUE(store_->CreateUser("cid", "x", 0));
  const TusResponse unknown = Do(r, 3);
  EXPECT_EQ(unknown.status, 201);
  EXPECT_EQ(Header(unknown, "Upload-Offset"), "");
  EXPECT_EQ(store_->Assets(1)->size(), 1u);
}

TEST_F(TusTest, TwoUploadsOfTheSameBytesFinishingTogetherMakeOneAssetThatKeepsItsFile) {
  const std::string data = Photo(300'000, 't');
  const std::string a = Create(data.size());
  const std::string b = Create(data.size());
  ASSERT_EQ(Patch(a, 0, data.substr(0, 1000)).status, 204);
  ASSERT_EQ(Patch(b, 0, data.substr(0, 1000)).status, 204);
  std::thread other([&] { Patch(b, 1000, data.substr(1000)); });
  Patch(a, 1000, data.substr(1000));
  other.join();
  const auto assets = store_->Assets(1);
  ASSERT_TRUE(assets);
  ASSERT_EQ(assets->size(), 1u);
  EXPECT_EQ(ReadAll(dir_ / "users/1" / assets->at(0).file), data) << "the asset's file is whole";
  EXPECT_EQ(Offset(a), static_cast<int64_t>(data.size()));
  EXPECT_EQ(Offset(b), static_cast<int64_t>(data.size()));
}

TEST_F(TusTest, NamesFromClientsNeverBecomePaths) {
  for (const std::string& name :
       std::vector<std::string>{"../../etc/passwd", "..\\..\\boot.ini", "a/b/../../c.jpg",
                                "\xC3\xA9t\xC3\xA9.jpg", "...."}) {
    const std::string data = Photo(500, name.empty() ? 'e' : name[0] ^ 0x55);
    const std::string id = Create(
        data.size(), 1,
        "filename " + Base64Encode({reinterpret_cast<const uint8_t*>(name.data()), name.size()}));
    ASSERT_FALSE(id.empty()) << name;
    ASSERT_EQ(Patch(id, 0, data).status, 204);
    auto asset = store_->FindAsset(1, assets_made_.back().first);
    ASSERT_TRUE(asset && *asset);
    EXPECT_EQ((*asset)->name.find('/'), std::string::npos);
    EXPECT_EQ((*asset)->name.find('\\'), std::string::npos);
    EXPECT_NE((*asset)->name.rfind("..", 0), 0u) << (*asset)->name;
    EXPECT_TRUE((*asset)->file.starts_with("originals/")) << (*asset)->file;
    EXPECT_EQ((*asset)->file.find(".."), std::string::npos);
  }
  auto r = Request("POST");
  r.headers["Upload-Length"] = "10";
  for (const char* bad : {"filename !!!", "filename YQ==,filename Yg==", "a\tb YQ==", ",,",
                          "filename YQ\r\n==", "name AAo="}) {
    r.headers["Upload-Metadata"] = bad;
    EXPECT_EQ(Do(r).status, 400) << bad;
  }
  // NUL and other control characters in a value: refused, not stripped.
  const std::string nul("x\0y.jpg", 7);
  r.headers["Upload-Metadata"] =
      "filename " + Base64Encode({reinterpret_cast<const uint8_t*>(nul.data()), nul.size()});
  EXPECT_EQ(Do(r).status, 400);
}

TEST_F(TusTest, ADeclaredHashMustMatchTheWholeFile) {
  const std::string data = Photo(1'000, 'h');
  const std::string wrong(64, 'a');
  const std::string id =
      Create(data.size(), 1,
             "sha256 " + Base64Encode({reinterpret_cast<const uint8_t*>(wrong.data()), 64}));
  EXPECT_EQ(Patch(id, 0, data).status, 460);
  EXPECT_TRUE(assets_made_.empty());
  EXPECT_TRUE(store_->Assets(1)->empty());
  EXPECT_EQ(Do(Request("HEAD", id)).status, 404);
}

TEST_F(TusTest, ConsentIsCheckedAgainWhenTheUploadFinishes) {
  const std::string data = Photo(1'000, 'c');
  const std::string id = Create(data.size());
  ASSERT_EQ(Patch(id, 0, data.substr(0, 500)).status, 204);
  consent_ = false;
  EXPECT_EQ(Patch(id, 500, data.substr(500)).status, 403);
  EXPECT_TRUE(store_->Assets(1)->empty());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "uploads/1" / (id + ".part")));
}

TEST_F(TusTest, FinishingHoldsTheOwnerFromTheConsentCheckToTheAssetRow) {
  const std::string data = Photo(1'000, 'h');
  const std::string id = Create(data.size());
  ASSERT_EQ(Patch(id, 0, data).status, 204);
  EXPECT_EQ(holds_, 1);
  EXPECT_TRUE(refusal_checked_while_held_) << "consent is checked under the hold";
  EXPECT_EQ(assets_when_released_, 1u) << "the asset row exists before the hold ends";
  EXPECT_FALSE(held_);
}

TEST_F(TusTest, RevokedCredentialsCannotFinish) {
  const std::string data = Photo(1'000, 'r');
  const std::string id = Create(data.size());
  auto r = Request("PATCH", id);
  r.headers["Upload-Offset"] = "0";
  Body(r, data);
  EXPECT_EQ(tus_->Handle({1, [] { return false; }}, r).status, 401);
  EXPECT_TRUE(store_->Assets(1)->empty());
}

TEST_F(TusTest, OpenUploadsPerUserAreCapped) {
  for (int i = 0; i < 4; ++i) Create(10);
  auto r = Request("POST");
  r.headers["Upload-Length"] = "10";
  EXPECT_EQ(Do(r).status, 429);
  EXPECT_EQ(Do(r, 2).status, 201) << "another user is not affected";
}

TEST_F(TusTest, CreationWithUploadAndDeferredLength) {
  const std::string data = Photo(700, 'w');
  auto r = Request("POST");
  r.headers["Upload-Length"] = std::to_string(data.size());
  Body(r, data.substr(0, 300));
  TusResponse res = Do(r);
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(Header(res, "Upload-Offset"), "300");
  const std::string loc = Header(res, "Location");
  const std::string id = loc.substr(loc.rfind('/') + 1);
  EXPECT_EQ(Patch(id, 300, data.substr(300)).status, 204);
  EXPECT_EQ(assets_made_.size(), 1u);

  auto d = Request("POST");
  d.headers["Upload-Defer-Length"] = "1";
  res = Do(d);
  ASSERT_EQ(res.status, 201);
  const std::string id2 = Header(res, "Location").substr(Header(res, "Location").rfind('/') + 1);
  const TusResponse head = Do(Request("HEAD", id2));
  EXPECT_EQ(Header(head, "Upload-Defer-Length"), "1");
  auto p = Request("PATCH", id2);
  p.headers["Upload-Offset"] = "0";
  p.headers["Upload-Length"] = "5";
  Body(p, Photo(5, 'z'));
  EXPECT_EQ(Do(p).status, 204);
  EXPECT_EQ(assets_made_.size(), 2u);
}

TEST_F(TusTest, RecoveryFinishesCompleteUploadsAndRemovesStrays) {
  const std::string data = Photo(1'200, 'v');
  const std::string id = Create(data.size());
  // The bytes were acknowledged but the process died before finishing.
  testing::WriteBytes(dir_ / "uploads/1" / (id + ".part"), data);
  ASSERT_TRUE(store_->SetUploadOffset(id, data.size()));
  testing::WriteBytes(dir_ / "uploads/1/stray.part", "junk");
  std::filesystem::create_directories(dir_ / "users/1/originals");
  testing::WriteBytes(dir_ / "users/1/originals/orphan.jpg", "half-made");
  Reset();
  auto done = tus_->Recover();
  ASSERT_TRUE(done) << done.error().message();
  ASSERT_EQ(store_->Assets(1)->size(), 1u);
  EXPECT_EQ(ReadAll(dir_ / "users/1" / store_->Assets(1)->at(0).file), data);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "uploads/1/stray.part"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "users/1/originals/orphan.jpg"));
}

TEST_F(TusTest, ABodySlowerThanTheMinimumRateIsCutAndWhatArrivedKept) {
  limits_.min_rate_bytes_per_s = 100'000;
  limits_.min_rate_grace_s = 0.05;
  Reset();
  const std::string id = Create(10'000);
  auto r = Request("PATCH", id);
  r.headers["Upload-Offset"] = "0";
  r.headers["Content-Type"] = "application/offset+octet-stream";
  // A slowloris: a trickle of bytes, each after a pause.
  r.read_body = [](const std::function<bool(const char*, size_t)>& sink) {
    const std::string piece(100, 's');
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (!sink(piece.data(), piece.size())) return false;
    }
    return true;
  };
  const TusResponse res = Do(r);
  EXPECT_EQ(res.status, 408);
  const int64_t kept = Offset(id);
  EXPECT_GT(kept, 0) << "what arrived is kept";
  EXPECT_LT(kept, 10'000) << "the trickle was cut before it ended";
}

// Random requests from a hostile client (random methods, headers and bodies built from the
// protocol's own vocabulary and from noise): the service answers each with a status of the
// protocol, and whatever it accepts keeps its invariants. Run under ASan/UBSan in CI.
TEST_F(TusTest, RandomRequestsGetProtocolAnswersAndKeepInvariants) {
  std::mt19937_64 rng(2026);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto noise = [&](size_t max) {
    std::string s(rng() % (max + 1), '\0');
    for (auto& ch : s) ch = static_cast<char>(rng());
    return s;
  };
  const std::vector<std::string> methods = {"POST", "PATCH", "HEAD", "DELETE", "OPTIONS", "GET"};
  const std::vector<std::string> numbers = {"0",  "1",  "10",   "-1", "18446744073709551616", "1e9",
                                            " 5", "5 ", "0x10", "",   "99999999999999999999"};
  std::vector<std::string> ids = {"", "0123456789abcdef0123456789abcdef", "../../x"};
  const std::set<int> statuses = {200, 201, 204, 400, 401, 403, 404, 405, 408,
                                  409, 410, 412, 413, 415, 423, 429, 460};
  for (int i = 0; i < 3000; ++i) {
    TusRequest r;
    r.method = pick(methods);
    r.upload_id = pick(ids);
    if (rng() % 10) r.headers["Tus-Resumable"] = rng() % 20 ? "1.0.0" : noise(8);
    if (rng() % 2) r.headers["Upload-Length"] = rng() % 4 ? pick(numbers) : noise(12);
    if (rng() % 3 == 0) r.headers["Upload-Defer-Length"] = rng() % 2 ? "1" : noise(3);
    if (rng() % 2) r.headers["Upload-Offset"] = pick(numbers);
    if (rng() % 3 == 0) {
      const std::string raw = noise(40);
      r.headers["Upload-Metadata"] =
          rng() % 2 ? "filename " +
                          Base64Encode({reinterpret_cast<const uint8_t*>(raw.data()), raw.size()})
                    : noise(60);
    }
    if (rng() % 4 == 0)
      r.headers["Upload-Checksum"] = pick({"sha1 ", "sha256 ", "md5 ", ""}) + noise(30);
    if (rng() % 2) {
      Body(r, noise(3000), rng() % 3 == 0 ? rng() % 3000 : std::string::npos);
      if (rng() % 5 == 0) r.headers["Content-Type"] = noise(10);
    }
    const TusResponse res = Do(r, 1 + static_cast<int64_t>(rng() % 2));
    EXPECT_TRUE(statuses.count(res.status)) << res.status << " " << res.body;
    if (res.status == 201) {
      for (const auto& [k, v] : res.headers) {
        if (k == "Location") ids.push_back(v.substr(v.rfind('/') + 1));
      }
    }
  }
  // Whatever became an asset holds exactly the bytes the service hashed, under a server name.
  for (int64_t user : {1, 2}) {
    const auto assets = store_->Assets(user);
    ASSERT_TRUE(assets);
    for (const Asset& a : *assets) {
      const std::string bytes = ReadAll(dir_ / ("users/" + std::to_string(user)) / a.file);
      EXPECT_EQ(ToHex(Sha256Of({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()})),
                a.sha256);
      EXPECT_TRUE(a.file.starts_with("originals/"));
    }
    const auto uploads = store_->Uploads(user);
    ASSERT_TRUE(uploads);
    for (const Upload& u : *uploads) {
      if (u.length) {
        EXPECT_LE(u.offset, *u.length);
      }
      EXPECT_EQ(std::filesystem::file_size(tus_->PartPath(u)) >= static_cast<uintmax_t>(u.offset) ||
                    u.done,
                true);
    }
  }
}

TEST(TusParsing, MetadataParserNeverAcceptsControlCharacters) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    std::string header(rng() % 80, '\0');
    for (auto& ch : header) ch = static_cast<char>(rng() % 4 ? "ab YQ=,\t\r\n"[rng() % 11] : rng());
    auto parsed = ParseUploadMetadata(header);
    if (!parsed) continue;
    for (const auto& [k, v] : *parsed) {
      for (unsigned char ch : k) EXPECT_TRUE(ch > 32 && ch < 127);
      for (unsigned char ch : v) EXPECT_TRUE(ch >= 32 && ch != 127);
    }
  }
}

TEST(TusParsing, SanitiseFileName) {
  EXPECT_EQ(SanitiseFileName("IMG_0001.HEIC"), "IMG_0001.HEIC");
  EXPECT_EQ(SanitiseFileName("/a/b/c.jpg"), "c.jpg");
  EXPECT_EQ(SanitiseFileName("C:\\x\\..\\y.jpg"), "y.jpg");
  EXPECT_EQ(SanitiseFileName(".."), "upload");
  EXPECT_EQ(SanitiseFileName("a\xFF\xFE"
                             "b"),
            "ab");
  EXPECT_LE(SanitiseFileName(std::string(500, 'n')).size(), 200u);
}

TEST(TusParsing, HttpDate) { EXPECT_EQ(HttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT"); }

}  // namespace
}  // namespace camroll::server
