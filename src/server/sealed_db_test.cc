#include "server/sealed_db.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "catalog/catalog.h"
#include "testing/testing.h"

namespace camroll::server {
namespace {

constexpr const char* kMarker = "Rua dos Douradores";

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SealedDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto vfs = SealedVfs::Register(key_);
    ASSERT_TRUE(vfs) << vfs.error().message();
    vfs_ = std::move(*vfs);
  }
  // A WAL database with `rows` rows naming a street, through `options`.
  Result<sqlite::Database> Make(const std::filesystem::path& path, int rows,
                                const sqlite::OpenOptions& options) {
    CAMROLL_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(path, options));
    CAMROLL_RETURN_IF_ERROR(
        db.Exec("PRAGMA journal_mode=WAL; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=0; "
                "CREATE TABLE places(id INTEGER PRIMARY KEY, name TEXT, lat REAL)"));
    CAMROLL_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(db));
    CAMROLL_ASSIGN_OR_RETURN(auto ins, db.Prepare("INSERT INTO places(name, lat) VALUES (?, ?)"));
    for (int i = 0; i < rows; ++i) {
      CAMROLL_RETURN_IF_ERROR(
          ins.Bind(1, fmt::format("{} {}, Lisboa", kMarker, i)).Bind(2, 38.71 + i * 1e-6).Run());
    }
    CAMROLL_RETURN_IF_ERROR(tx.Commit());
    return db;
  }
  static Result<int64_t> Count(sqlite::Database& db) {
    CAMROLL_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT COUNT(*), MAX(name) FROM places"));
    CAMROLL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Fail(ErrorCode::kInternal, "no row");
    return st.Int(0);
  }
  // Every byte of the database's files, WAL included.
  std::string OnDisk(const std::filesystem::path& db) {
    return Slurp(db) + Slurp(db.string() + "-wal") + Slurp(db.string() + "-shm");
  }

  testing::TempDir dir_;
  SecretKey key_ = SecretKey::Random();
  std::unique_ptr<SealedVfs> vfs_;
};

TEST_F(SealedDbTest, RowsComeBackAndNoneIsReadableOnDisk) {
  const auto path = dir_.path() / "catalog.db";
  {
    auto db = Make(path, 3000, vfs_->Options());
    ASSERT_TRUE(db) << db.error().message();
    // In the log (not checkpointed)...
    EXPECT_GT(std::filesystem::file_size(path.string() + "-wal"), 100'000u);
    EXPECT_EQ(OnDisk(path).find(kMarker), std::string::npos);
    ASSERT_TRUE(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  // ...and in the database file.
  EXPECT_GT(std::filesystem::file_size(path), 100'000u);
  EXPECT_EQ(OnDisk(path).find(kMarker), std::string::npos);
  EXPECT_EQ(OnDisk(path).find("CREATE TABLE"), std::string::npos) << "the schema too";
  EXPECT_FALSE(IsPlainSqliteFile(path));
  auto db = sqlite::Database::Open(path, vfs_->Options());
  ASSERT_TRUE(db);
  auto n = Count(*db);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 3000);
  auto st = db->Prepare("SELECT name, lat FROM places WHERE id = 1234");
  ASSERT_TRUE(st && *st->Step());
  EXPECT_EQ(st->Text(0), fmt::format("{} 1233, Lisboa", kMarker));
  EXPECT_DOUBLE_EQ(st->Real(1), 38.71 + 1233 * 1e-6);
}

TEST_F(SealedDbTest, NeitherPlainSqliteNorAnotherKeyCanReadIt) {
  const auto path = dir_.path() / "catalog.db";
  {
    auto db = Make(path, 200, vfs_->Options());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  {
    auto plain = sqlite::Database::Open(path);
    ASSERT_TRUE(plain);
    EXPECT_FALSE(Count(*plain)) << "plain SQLite sees no database";
  }
  auto other = SealedVfs::Register(SecretKey::Random());
  ASSERT_TRUE(other);
  auto db = sqlite::Database::Open(path, (*other)->Options());
  EXPECT_TRUE(!db || !Count(*db)) << "another key opens nothing";
}

TEST_F(SealedDbTest, ALogLeftByACrashIsRecovered) {
  const auto path = dir_.path() / "catalog.db";
  auto db = Make(path, 500, vfs_->Options());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("INSERT INTO places(name) VALUES ('after')"));
  // A crash now: the files as they are, the log not checkpointed and no index beside it.
  const auto crashed = dir_.path() / "crashed";
  std::filesystem::create_directories(crashed);
  std::filesystem::copy_file(path, crashed / "catalog.db");
  std::filesystem::copy_file(path.string() + "-wal", (crashed / "catalog.db").string() + "-wal");
  auto recovered = sqlite::Database::Open(crashed / "catalog.db", vfs_->Options());
  ASSERT_TRUE(recovered);
  auto n = Count(*recovered);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 501) << "every committed row, read back through the log's recovery";
  // A torn last frame (half of its page never written) ends the log there, quietly.
  {
    auto torn = dir_.path() / "torn";
    std::filesystem::create_directories(torn);
    std::filesystem::copy_file(path, torn / "catalog.db");
    std::string wal = Slurp(path.string() + "-wal");
    wal.resize(wal.size() - 2000);
    std::ofstream(torn / "catalog.db-wal", std::ios::binary) << wal;
    auto t = sqlite::Database::Open(torn / "catalog.db", vfs_->Options());
    ASSERT_TRUE(t);
    auto tn = Count(*t);
    ASSERT_TRUE(tn) << tn.error().message();
    EXPECT_EQ(*tn, 500) << "the last transaction is lost, the rest is there";
  }
}

TEST_F(SealedDbTest, ADamagedPageIsAnErrorNotData) {
  const auto path = dir_.path() / "catalog.db";
  {
    auto db = Make(path, 2000, vfs_->Options());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  std::string bytes = Slurp(path);
  ASSERT_GT(bytes.size(), 5u * kSealedPageSize);
  bytes[3 * kSealedPageSize + 200] ^= 0x10;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto db = sqlite::Database::Open(path, vfs_->Options());
  ASSERT_TRUE(db);
  auto st = db->Prepare("SELECT SUM(length(name)) FROM places");
  if (st) {
    EXPECT_FALSE(st->Step()) << "a damaged page must not read as data";
  }
}

TEST_F(SealedDbTest, WithoutReservedBytesNothingIsWritten) {
  const auto path = dir_.path() / "catalog.db";
  sqlite::OpenOptions options = vfs_->Options();
  options.reserve_bytes = -1;  // SQLite would use the bytes the seal needs
  auto db = Make(path, 10, options);
  ASSERT_FALSE(db);
  EXPECT_EQ(OnDisk(path).find(kMarker), std::string::npos);
}

TEST_F(SealedDbTest, ACatalogRunsOnIt) {
  const auto path = dir_.path() / "catalog.db";
  {
    auto catalog = Catalog::Open(path, vfs_->Options());
    ASSERT_TRUE(catalog) << catalog.error().message();
    auto roll = (*catalog)->EnsureRoll("/roll");
    ASSERT_TRUE(roll);
    ASSERT_TRUE((*catalog)->SetSetting("face_grouping", "on", 1));
    ASSERT_TRUE((*catalog)->Checkpoint());
  }
  EXPECT_FALSE(IsPlainSqliteFile(path));
  auto catalog = Catalog::Open(path, vfs_->Options());
  ASSERT_TRUE(catalog) << catalog.error().message();
  auto setting = (*catalog)->Setting("face_grouping");
  ASSERT_TRUE(setting && *setting);
  EXPECT_EQ(**setting, "on");
}

}  // namespace
}  // namespace camroll::server
