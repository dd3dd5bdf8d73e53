#include "counter/audit.h"

#include <gtest/gtest.h>

#include "counter/schema.h"
#include "counter/store.h"

namespace mynacert::counter {
namespace {

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = CounterStore::OpenSqlite(":memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(store_->audit().Append(1700000000 + i, "clerk-" + std::to_string(i % 2), i, 7, "decision",
                                         R"({"outcome":"accepted"})").ok());
    }
  }
  std::unique_ptr<CounterStore> store_;
};

TEST_F(AuditTest, AnUntouchedChainVerifies) {
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->records, 5);
  EXPECT_EQ(v->head_seq, 5);
  auto rows = store_->audit().Read(3, 0, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().prev_hash, (*store_->audit().Read(2, 0, 0, 10))[0].hash);
}

TEST_F(AuditTest, AnEditedRowIsFound) {
  ASSERT_TRUE(store_->db().Execute("UPDATE audit_log SET clerk = 'someone-else' WHERE seq = 3").ok());
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
}

TEST_F(AuditTest, ARecomputedHashBreaksTheNextLink) {
  // Editing a row and fixing its own hash still breaks the following record's prev_hash.
  auto rows = *store_->audit().Read(0, 0, 0, 10);
  AuditRecord edited = rows[1];
  edited.detail = R"({"outcome":"refused"})";
  edited.hash = AuditLog::HashOf(edited);
  ASSERT_TRUE(counter::Run(store_->db(), "UPDATE audit_log SET detail = $1, hash = $2 WHERE seq = 2",
                  {Text(edited.detail), Text(edited.hash)}).ok());
  auto v = store_->audit().Verify();
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
}

TEST_F(AuditTest, ADeletedRowIsFound) {
  ASSERT_TRUE(store_->db().Execute("DELETE FROM audit_log WHERE seq = 2").ok());
  auto v = store_->audit().Verify();
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
}

}  // namespace
}  // namespace mynacert::counter
