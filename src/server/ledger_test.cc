#include "server/ledger.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "catalog/sqlite.h"
#include "server/service.h"
#include "testing/testing.h"

namespace camroll::server {
namespace {

LedgerEntry Entry(int64_t user, const std::string& name, bool value) {
  LedgerEntry e;
  e.user = user;
  e.switch_name = name;
  e.value = value;
  e.notice_version = name + "/1";
  e.notice_text = "notice for " + name;
  e.method = "api";
  e.purpose = "testing";
  e.time = 1700000000;
  return e;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_ / "server.db");
    ASSERT_TRUE(s) << s.error().message();
    store_ = std::move(*s);
    for (int i = 0; i < 5; ++i) {
      auto e = store_->AppendLedger(Entry(1 + i % 2, "cloud_processing", i % 2 == 0));
      ASSERT_TRUE(e) << e.error().message();
      head_ = e->hash;
    }
  }
  LedgerCheck Check() {
    auto entries = store_->Ledger(std::nullopt);
    EXPECT_TRUE(entries);
    return VerifyLedger(*entries, head_);
  }
  // Tampering as someone with the database file would: triggers dropped, rows edited.
  void Tamper(const std::string& sql) {
    auto db = sqlite::Database::Open(dir_ / "server.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete;"));
    ASSERT_TRUE(db->Exec(sql));
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::string head_;
};

TEST_F(LedgerTest, IntactChainVerifies) {
  const LedgerCheck c = Check();
  EXPECT_TRUE(c.intact) << c.reason;
  EXPECT_EQ(c.entries, 5u);
}

TEST_F(LedgerTest, EntriesChainToTheirPredecessor) {
  auto entries = store_->Ledger(std::nullopt);
  ASSERT_TRUE(entries);
  EXPECT_EQ((*entries)[0].prev_hash, kLedgerGenesis);
  for (size_t i = 1; i < entries->size(); ++i) {
    EXPECT_EQ((*entries)[i].prev_hash, (*entries)[i - 1].hash);
  }
}

TEST_F(LedgerTest, TheDatabaseRefusesUpdatesAndDeletes) {
  auto db = sqlite::Database::Open(dir_ / "server.db");
  ASSERT_TRUE(db);
  EXPECT_FALSE(db->Exec("UPDATE ledger SET value=1 WHERE seq=2"));
  EXPECT_FALSE(db->Exec("DELETE FROM ledger WHERE seq=5"));
  EXPECT_TRUE(Check().intact);
}

TEST_F(LedgerTest, AChangedValueIsDetected) {
  Tamper("UPDATE ledger SET value=1 WHERE seq=2");
  const LedgerCheck c = Check();
  EXPECT_FALSE(c.intact);
  EXPECT_EQ(c.first_bad_seq, 2);
}

TEST_F(LedgerTest, AChangedNoticeIsDetected) {
  Tamper("UPDATE ledger SET notice_text='something milder' WHERE seq=3");
  EXPECT_EQ(Check().first_bad_seq, 3);
}

TEST_F(LedgerTest, ARemovedEntryIsDetected) {
  Tamper("DELETE FROM ledger WHERE seq=3");
  const LedgerCheck c = Check();
  EXPECT_FALSE(c.intact);
  EXPECT_EQ(c.first_bad_seq, 4);
}

TEST_F(LedgerTest, ACutOffTailIsDetectedByTheHead) {
  Tamper("DELETE FROM ledger WHERE seq>=4");
  const LedgerCheck c = Check();
  EXPECT_FALSE(c.intact);
  EXPECT_NE(c.reason.find("removed"), std::string::npos);
}

TEST_F(LedgerTest, ARecomputedRowStillBreaksTheNextLink) {
  // Someone rewrites entry 2 and recomputes its hash: entry 3 no longer follows it.
  auto entries = store_->Ledger(std::nullopt);
  ASSERT_TRUE(entries);
  LedgerEntry e = (*entries)[1];
  e.value = !e.value;
  Tamper(fmt::format("UPDATE ledger SET value={}, hash='{}' WHERE seq=2", e.value ? 1 : 0,
                     LedgerHash(e)));
  EXPECT_EQ(Check().first_bad_seq, 3);
}

TEST(ServiceLedger, SwitchChangesAreRecordedWithTheirNotice) {
  testing::TempDir dir;
  ServerOptions o;
  o.data_dir = dir.path();
  auto service = Service::Open(o);
  ASSERT_TRUE(service) << service.error().message();
  auto token = (*service)->CreateUser("ana", "correct horse battery");
  ASSERT_TRUE(token);
  auto who = (*service)->Authenticate(*token);
  ASSERT_TRUE(who && *who);
  const int64_t user = (**who).user;
  auto switches = (*service)->Switches(user);
  ASSERT_TRUE(switches);
  for (const auto& [name, on] : *switches) EXPECT_FALSE(on) << name << " is on by default";
  ASSERT_TRUE((*service)->SetSwitch(user, "face_grouping", true, "api"));
  ASSERT_TRUE((*service)->SetSwitch(user, "face_grouping", true, "api"));  // no change
  ASSERT_TRUE((*service)->SetSwitch(user, "face_grouping", false, "web"));
  auto ledger = (*service)->store().Ledger(user);
  ASSERT_TRUE(ledger);
  ASSERT_EQ(ledger->size(), 2u);
  EXPECT_TRUE((*ledger)[0].value);
  EXPECT_NE((*ledger)[0].notice_text.find("face signature"), std::string::npos);
  EXPECT_EQ((*ledger)[1].method, "web");
  EXPECT_NE((*ledger)[1].notice_text.find("deletes"), std::string::npos);
  auto check = (*service)->VerifyLedger();
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->intact) << check->reason;
  EXPECT_FALSE((*service)->SetSwitch(user, "sell_my_data", true, "api"));
}

}  // namespace
}  // namespace camroll::server
