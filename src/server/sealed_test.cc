#include "server/sealed.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "core/files.h"
#include "server/keys.h"
#include "testing/testing.h"

namespace camroll::server {
namespace {

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Spit(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

int Mode(const std::filesystem::path& p) {
  struct stat sb {};
  EXPECT_EQ(::stat(p.c_str(), &sb), 0) << p;
  return sb.st_mode & 0777;
}

class SealedTest : public ::testing::Test {
 protected:
  std::filesystem::path Seal(const std::string& plain, const std::string& name = "f") {
    Spit(dir_.path() / (name + ".plain"), plain);
    const auto out = dir_.path() / (name + ".sealed");
    EXPECT_TRUE(SealFile(dir_.path() / (name + ".plain"), out, key_, "original user=1"));
    return out;
  }
  testing::TempDir dir_;
  SecretKey key_ = SecretKey::Random();
};

TEST_F(SealedTest, RoundTripsEverySizeAroundTheChunk) {
  for (size_t n : {size_t{0}, size_t{1}, kSealedChunk - 1, kSealedChunk, kSealedChunk + 1,
                   3 * kSealedChunk + 5}) {
    SCOPED_TRACE(n);
    const std::string plain = RandomBytes(n, static_cast<uint32_t>(n));
    const auto sealed = Seal(plain);
    EXPECT_TRUE(IsSealedFile(sealed));
    EXPECT_FALSE(IsSealedFile(dir_.path() / "f.plain"));
    EXPECT_EQ(Mode(sealed), 0600);
    const auto size = std::filesystem::file_size(sealed);
    ASSERT_TRUE(PlainSize(size));
    EXPECT_EQ(*PlainSize(size), n);
    if (n >= 64) {
      // No stretch of the plaintext shows in the sealed file.
      EXPECT_EQ(Slurp(sealed).find(plain.substr(n / 2, 32)), std::string::npos);
    }
    auto back = ReadSealedFile(sealed, key_, "original user=1", 1 << 30);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, plain);
    // Piece by piece: no piece over one chunk, together the plaintext.
    auto reader = SealedReader::Open(sealed, key_, "original user=1");
    ASSERT_TRUE(reader);
    EXPECT_EQ((*reader)->size(), n);
    std::string all, piece;
    for (;;) {
      auto more = (*reader)->Next(piece);
      ASSERT_TRUE(more) << more.error().message();
      EXPECT_LE(piece.size(), kSealedChunk);
      all += piece;
      if (!*more) break;
    }
    EXPECT_EQ(all, plain);
  }
  // No temporary file is left beside the sealed ones.
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
  }
}

TEST_F(SealedTest, SizesThatNoPlaintextGivesAreRejected) {
  EXPECT_FALSE(PlainSize(0));
  EXPECT_FALSE(PlainSize(48));  // magic + header, no record
  EXPECT_TRUE(PlainSize(49));   // an empty final record
  // One full record and a final record cut to less than its tag.
  EXPECT_FALSE(PlainSize(32 + kSealedChunk + 17 + 16));
}

TEST_F(SealedTest, EveryDamageIsReportedAndNothingUnverifiedIsReturned) {
  const std::string plain = RandomBytes(2 * kSealedChunk + 10, 7);
  const auto sealed = Seal(plain);
  const std::string good = Slurp(sealed);
  const auto damaged = dir_.path() / "damaged";
  auto expect_refused = [&](const std::string& bytes, const char* what) {
    SCOPED_TRACE(what);
    Spit(damaged, bytes);
    auto back = ReadSealedFile(damaged, key_, "original user=1", 1 << 30);
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().code(), ErrorCode::kInvalidInput) << back.error().message();
  };
  for (size_t at :
       {size_t{0}, size_t{10}, size_t{40}, size_t{100}, kSealedChunk + 60, good.size() - 1}) {
    std::string bad = good;
    bad[at] ^= 0x01;
    expect_refused(bad, "a flipped bit");
  }
  expect_refused(good.substr(0, good.size() - 1), "one byte cut off");
  expect_refused(good.substr(0, good.size() - (10 + 17)), "the final record cut off");
  expect_refused(good.substr(0, 32 + kSealedChunk + 17), "all but the first record cut off");
  expect_refused(good + good.substr(32, 17), "bytes appended");
  {
    // The first two records swapped.
    const size_t rec = kSealedChunk + 17;
    std::string bad = good.substr(0, 32) + good.substr(32 + rec, rec) + good.substr(32, rec) +
                      good.substr(32 + 2 * rec);
    expect_refused(bad, "records reordered");
  }
  // The wrong key or the wrong context (another user, another purpose).
  EXPECT_FALSE(ReadSealedFile(sealed, SecretKey::Random(), "original user=1", 1 << 30));
  EXPECT_FALSE(ReadSealedFile(sealed, key_, "original user=2", 1 << 30));
  // A reader stops at the first bad record, with nothing of it returned.
  std::string bad = good;
  bad[32 + kSealedChunk + 17 + 5] ^= 0x80;  // inside the second record
  Spit(damaged, bad);
  auto reader = SealedReader::Open(damaged, key_, "original user=1");
  ASSERT_TRUE(reader);
  std::string piece;
  auto first = (*reader)->Next(piece);
  ASSERT_TRUE(first);
  EXPECT_EQ(piece, plain.substr(0, kSealedChunk));
  EXPECT_FALSE((*reader)->Next(piece));
  EXPECT_TRUE(piece.empty());
}

TEST_F(SealedTest, LimitsAndMissingFiles) {
  const auto sealed = Seal(RandomBytes(1000, 3));
  auto big = ReadSealedFile(sealed, key_, "original user=1", 999);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kLimit);
  auto missing = SealedReader::Open(dir_.path() / "nope", key_, "x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(SealedTest, UnsealWritesAPrivateCopyOrNothing) {
  const std::string plain = RandomBytes(100000, 5);
  const auto sealed = Seal(plain);
  const auto out = dir_.path() / "work" / "copy.jpg";
  std::filesystem::create_directories(out.parent_path());
  ASSERT_TRUE(UnsealFile(sealed, out, key_, "original user=1"));
  EXPECT_EQ(Slurp(out), plain);
  EXPECT_EQ(Mode(out), 0600);
  // Damage: an error, no copy and no temporary file.
  std::string bad = Slurp(sealed);
  bad[bad.size() / 2] ^= 1;
  Spit(sealed, bad);
  std::filesystem::remove(out);
  EXPECT_FALSE(UnsealFile(sealed, out, key_, "original user=1"));
  EXPECT_TRUE(std::filesystem::is_empty(out.parent_path()));
}

TEST_F(SealedTest, SealedInPlaceIsWhole) {
  // Sealing a file over itself (the upgrade of an older data folder).
  const std::string plain = RandomBytes(3 * kSealedChunk, 11);
  const auto f = dir_.path() / "in-place";
  Spit(f, plain);
  ASSERT_TRUE(SealFile(f, f, key_, "c"));
  auto back = ReadSealedFile(f, key_, "c", 1 << 30);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, plain);
}

TEST(SealedBlobTest, RoundTripAndRefusals) {
  const SecretKey key = SecretKey::Random();
  const std::string plain = RandomBytes(512 * 4, 9);  // a face signature's size
  const std::string sealed = SealBlob(plain, key, "face user=1");
  EXPECT_TRUE(IsSealedBlob(sealed));
  EXPECT_FALSE(IsSealedBlob(plain));
  EXPECT_EQ(sealed.find(plain.substr(100, 16)), std::string::npos);
  EXPECT_NE(SealBlob(plain, key, "face user=1"), sealed);  // a fresh header each time
  auto back = OpenBlob(sealed, key, "face user=1");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, plain);
  EXPECT_FALSE(OpenBlob(sealed, key, "face user=2"));
  EXPECT_FALSE(OpenBlob(sealed, SecretKey::Random(), "face user=1"));
  std::string bad = sealed;
  bad[bad.size() - 20] ^= 4;
  EXPECT_FALSE(OpenBlob(bad, key, "face user=1"));
  EXPECT_FALSE(OpenBlob(sealed.substr(0, 20), key, "face user=1"));
  auto empty = OpenBlob(SealBlob("", key, "c"), key, "c");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

bool SameKey(const SecretKey& a, const SecretKey& b) {
  return std::equal(a.data(), a.data() + SecretKey::kSize, b.data());
}

TEST(KeyStoreTest, KeysAreMadeOnceKeptWrappedAndPrivate) {
  testing::TempDir dir;
  const auto keys_dir = dir.path() / "keys";
  auto store = KeyStore::Open(keys_dir);
  ASSERT_TRUE(store) << store.error().message();
  EXPECT_EQ(Mode(keys_dir), 0700);
  EXPECT_EQ(Mode(keys_dir / "master.key"), 0600);
  auto none = (*store)->Find(1, KeyPurpose::kData);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto data = (*store)->Get(1, KeyPurpose::kData);
  ASSERT_TRUE(data);
  auto again = (*store)->Get(1, KeyPurpose::kData);
  ASSERT_TRUE(again);
  EXPECT_TRUE(SameKey(*data, *again));
  auto face = (*store)->Get(1, KeyPurpose::kFace);
  auto other = (*store)->Get(2, KeyPurpose::kData);
  ASSERT_TRUE(face && other);
  EXPECT_FALSE(SameKey(*data, *face));
  EXPECT_FALSE(SameKey(*data, *other));
  const auto file = (*store)->KeyFile(1, KeyPurpose::kData);
  EXPECT_EQ(Mode(file), 0600);
  // The key is stored wrapped, not as it is.
  const std::string stored = Slurp(file);
  EXPECT_EQ(stored.find(std::string(reinterpret_cast<const char*>(data->data()), 16)),
            std::string::npos);
  // A restart finds the same key.
  store->reset();
  auto reopened = KeyStore::Open(keys_dir);
  ASSERT_TRUE(reopened);
  auto found = (*reopened)->Find(1, KeyPurpose::kData);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_TRUE(SameKey(**found, *data));
}

TEST(KeyStoreTest, AWrappedKeyOpensOnlyForItsUserPurposeAndMaster) {
  testing::TempDir dir;
  auto store = KeyStore::Open(dir.path() / "keys");
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->Get(1, KeyPurpose::kData));
  const auto file = (*store)->KeyFile(1, KeyPurpose::kData);
  // Copied to another user's or purpose's name: refused.
  std::filesystem::copy_file(file, (*store)->KeyFile(2, KeyPurpose::kData));
  std::filesystem::copy_file(file, (*store)->KeyFile(1, KeyPurpose::kFace));
  EXPECT_FALSE((*store)->Find(2, KeyPurpose::kData));
  EXPECT_FALSE((*store)->Find(1, KeyPurpose::kFace));
  // Under another server's master key: refused.
  auto other = KeyStore::Open(dir.path() / "other");
  ASSERT_TRUE(other);
  std::filesystem::copy_file(file, (*other)->KeyFile(1, KeyPurpose::kData));
  EXPECT_FALSE((*other)->Find(1, KeyPurpose::kData));
  // A damaged master key is reported, not replaced.
  Spit(dir.path() / "keys" / "master.key", "short");
  auto damaged = KeyStore::Open(dir.path() / "keys");
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().message().find("master key"), std::string::npos);
}

TEST(KeyStoreTest, DestroyingAKeyShredsEveryCopyOfWhatItSealed) {
  testing::TempDir dir;
  auto store = KeyStore::Open(dir.path() / "keys");
  ASSERT_TRUE(store);
  auto key = (*store)->Get(7, KeyPurpose::kData);
  ASSERT_TRUE(key);
  const std::string plain = RandomBytes(200000, 21);
  Spit(dir.path() / "photo", plain);
  ASSERT_TRUE(SealFile(dir.path() / "photo", dir.path() / "sealed", *key, "c"));
  // A backup of the sealed file, which a purge of the data folder would not reach.
  std::filesystem::copy_file(dir.path() / "sealed", dir.path() / "backup");
  ASSERT_TRUE((*store)->Destroy(7, KeyPurpose::kData));
  EXPECT_FALSE(std::filesystem::exists((*store)->KeyFile(7, KeyPurpose::kData)));
  auto gone = (*store)->Find(7, KeyPurpose::kData);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE((*store)->Destroy(7, KeyPurpose::kData));  // nothing left to destroy
  // The user's next key is a new one: the backup stays unreadable.
  auto fresh = (*store)->Get(7, KeyPurpose::kData);
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(SameKey(*fresh, *key));
  EXPECT_FALSE(ReadSealedFile(dir.path() / "backup", *fresh, "c", 1 << 30));
  // Other users' keys are untouched.
  ASSERT_TRUE((*store)->Get(8, KeyPurpose::kData));
  ASSERT_TRUE((*store)->Destroy(7, KeyPurpose::kFace));
  auto eight = (*store)->Find(8, KeyPurpose::kData);
  ASSERT_TRUE(eight && eight->has_value());
}

}  // namespace
}  // namespace camroll::server
