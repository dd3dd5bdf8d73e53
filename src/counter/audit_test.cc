#include "counter/audit.h"

#include <gtest/gtest.h>

#include "store/testing.h"
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "counter/schema.h"
#include "counter/store.h"
#include "counter/workspace.h"

namespace mynacert::counter {
namespace {

// A home folder's store, keyed and anchored as OpenWorkspace does it (audit.key, audit.head),
// with five records each committed in its own transaction.
class AuditTest : public store::testing::EngineTest {
 protected:
  void SetUp() override {
    store::testing::EngineTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    database_ = locator();
    dir_ = std::filesystem::temp_directory_path() /
           ("mynacert-audit-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Open(true);
    for (int i = 0; i < 5; ++i) AppendOne(i);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(bool keyed) {
    store_.reset();
    auto s = CounterStore::Open(Db());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
    if (keyed) {
      Status anchored = AnchorAuditLog(dir_, "", store_->audit(), nullptr);
      ASSERT_TRUE(anchored.ok()) << anchored.error().ToString();
    }
  }
  void AppendOne(int i) {
    auto tx = store::Transaction::Begin(store_->db());
    ASSERT_TRUE(tx.ok());
    auto seq = store_->audit().Append(1700000000 + i, "clerk-" + std::to_string(i % 2), i, 7, "decision",
                                      R"({"outcome":"accepted"})");
    ASSERT_TRUE(seq.ok()) << seq.error().ToString();
    ASSERT_TRUE(tx->Commit().ok());
  }
  std::string ReadFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void WriteFile(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  }
  // The store's database: the PostgreSQL one, or the file in the home folder.
  std::string Db() const { return postgres() ? database_ : (dir_ / "counter.db").string(); }
  // An empty home and an empty database, as a new home has.
  void NewHome() {
    store_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (postgres()) database_ = store::testing::FreshDatabase(GetParam(), "new-home");
  }
  std::string database_;
  std::filesystem::path dir_;
  std::unique_ptr<CounterStore> store_;
};

TEST_P(AuditTest, AnUntouchedChainVerifies) {
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->records, 5);
  EXPECT_EQ(v->head_seq, 5);
  EXPECT_TRUE(v->keyed);
  EXPECT_EQ(v->checkpoint_seq, 5);
  EXPECT_TRUE(v->note.empty()) << v->note;
  EXPECT_EQ((*store_->audit().Read(0, 0, 0, 10))[0].scheme, kAuditSchemeHmac);
  // 0600: the key and the checkpoint are secrets of the home.
  for (const char* name : {"audit.key", "audit.head"}) {
    EXPECT_EQ(std::filesystem::status(dir_ / name).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
        << name;
  }
  auto rows = store_->audit().Read(3, 0, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().prev_hash, (*store_->audit().Read(2, 0, 0, 10))[0].hash);
}

TEST_P(AuditTest, AnEditedRowIsFound) {
  ASSERT_TRUE(store_->db().Execute("UPDATE audit_log SET clerk = 'someone-else' WHERE seq = 3").ok());
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
}

TEST_P(AuditTest, AnEditWithItsOwnHashRecomputedIsFound) {
  // Editing a row and fixing its own hash (without the key) fails that row's MAC.
  auto rows = *store_->audit().Read(0, 0, 0, 10);
  AuditRecord edited = rows[1];
  edited.detail = R"({"outcome":"refused"})";
  edited.hash = AuditLog::HashOf(edited);
  ASSERT_TRUE(counter::Run(store_->db(), "UPDATE audit_log SET detail = $1, hash = $2 WHERE seq = 2",
                  {Text(edited.detail), Text(edited.hash)}).ok());
  auto v = store_->audit().Verify();
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 2);
  EXPECT_NE(v->problem.find("MAC mismatch"), std::string::npos) << v->problem;
}

TEST_P(AuditTest, ADeletedRowIsFound) {
  ASSERT_TRUE(store_->db().Execute("DELETE FROM audit_log WHERE seq = 2").ok());
  auto v = store_->audit().Verify();
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
}


// (a) An attacker without the key edits a row and recomputes every later hash the way the
// unkeyed chain did (SHA-256 over the previous hash and the fields): the chain links up again,
// but the keyed MAC of the edited row does not match.
TEST_P(AuditTest, AnEditWithTheWholeChainRecomputedIsFound) {
  auto rows = *store_->audit().Read(0, 0, 0, 10);
  ASSERT_EQ(rows.size(), 5u);
  rows[1].detail = R"({"outcome":"refused"})";
  for (size_t i = 1; i < rows.size(); ++i) {
    rows[i].prev_hash = rows[i - 1].hash;
    rows[i].hash = AuditLog::HashOf(rows[i]);
    ASSERT_TRUE(counter::Run(store_->db(),
                             "UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
                             {Text(rows[i].detail), Text(rows[i].prev_hash), Text(rows[i].hash), rows[i].seq})
                    .ok());
  }
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 2);
  EXPECT_NE(v->problem.find("MAC mismatch"), std::string::npos) << v->problem;
}

// (a') The same attacker also marks every row as written before the key (scheme sha256) and
// recomputes the chain from the first row: every row checks, but the record at the
// checkpoint's seq no longer has the checkpoint's hash.
TEST_P(AuditTest, AChainRewrittenAsUnkeyedIsFound) {
  auto rows = *store_->audit().Read(0, 0, 0, 10);
  rows[1].detail = R"({"outcome":"refused"})";
  std::string prev(64, '0');
  for (AuditRecord& r : rows) {
    r.prev_hash = prev;
    r.hash = AuditLog::HashOf(r);
    prev = r.hash;
    ASSERT_TRUE(counter::Run(store_->db(),
                             "UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3, scheme = 'sha256' "
                             "WHERE seq = $4",
                             {Text(r.detail), Text(r.prev_hash), Text(r.hash), r.seq})
                    .ok());
  }
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 5);
  EXPECT_NE(v->problem.find("rewritten"), std::string::npos) << v->problem;
}

// (b) Deleting the newest rows leaves a valid shorter chain; the checkpoint remembers the head.
TEST_P(AuditTest, ATruncatedTailIsFound) {
  ASSERT_TRUE(store_->db().Execute("DELETE FROM audit_log WHERE seq > 3").ok());
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->head_seq, 3);
  EXPECT_NE(v->problem.find("truncated"), std::string::npos) << v->problem;
}

// (c) An emptied table is not an intact empty log.
TEST_P(AuditTest, AnEmptiedTableIsFound) {
  ASSERT_TRUE(store_->db().Execute("DELETE FROM audit_log").ok());
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->records, 0);
  EXPECT_NE(v->problem.find("emptied"), std::string::npos) << v->problem;
}

// A crash between a commit and its checkpoint leaves audit.head behind the table: not
// tampering, as long as the record at its seq still has its hash. The next commit moves it on.
TEST_P(AuditTest, ACheckpointLeftBehindByACrashIsNotTampering) {
  const std::string old_head = ReadFile(dir_ / "audit.head");
  AppendOne(5);
  AppendOne(6);
  WriteFile(dir_ / "audit.head", old_head);  // as if the process died before rewriting it
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->head_seq, 7);
  EXPECT_EQ(v->checkpoint_seq, 5);
  EXPECT_FALSE(v->note.empty());
  AppendOne(7);
  v = store_->audit().Verify();
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->checkpoint_seq, 8);
  EXPECT_TRUE(v->note.empty()) << v->note;
}

// The checkpoint never goes back: a second connection (another process on the same home)
// that commits after the first sees the head, not its own older view.
TEST_P(AuditTest, TwoConnectionsNeverLowerTheCheckpoint) {
  auto other = CounterStore::Open(Db());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(AnchorAuditLog(dir_, "", (*other)->audit(), nullptr).ok());
  AppendOne(5);
  {
    auto tx = store::Transaction::Begin((*other)->db());
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*other)->audit().Append(1700000100, "clerk-9", 0, 0, "login", "{}").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_TRUE((*other)->audit().Checkpoint().ok());
  ASSERT_TRUE(store_->audit().Checkpoint().ok());
  auto v = store_->audit().Verify();
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->checkpoint_seq, 7);
}

TEST_P(AuditTest, AnEditedCheckpointIsFound) {
  auto head = nlohmann::json::parse(ReadFile(dir_ / "audit.head"));
  head["seq"] = 3;  // hiding the last two records; the MAC is the attacker's problem
  head["records"] = 3;
  WriteFile(dir_ / "audit.head", head.dump());
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_NE(v->problem.find("checkpoint edited"), std::string::npos) << v->problem;
}

TEST_P(AuditTest, AMissingCheckpointIsFoundAndNotRecreated) {
  std::filesystem::remove(dir_ / "audit.head");
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_NE(v->problem.find("checkpoint missing"), std::string::npos) << v->problem;
  Open(true);  // reopening does not make a new one either
  AppendOne(5);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "audit.head"));
  EXPECT_FALSE(store_->audit().Verify()->ok);
}

// A keyed log whose key file is gone does not open, and no new key is made.
TEST_P(AuditTest, AMissingKeyIsAnErrorNeverANewKey) {
  std::filesystem::remove(dir_ / "audit.key");
  auto s = CounterStore::Open(Db());
  ASSERT_TRUE(s.ok());
  Status anchored = AnchorAuditLog(dir_, "", (*s)->audit(), nullptr);
  ASSERT_FALSE(anchored.ok());
  EXPECT_EQ(anchored.error().field, "audit_key");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "audit.key"));
  // Unkeyed, the keyed log can neither be verified nor appended to.
  EXPECT_FALSE((*s)->audit().Verify().ok());
  auto tx = store::Transaction::Begin((*s)->db());
  ASSERT_TRUE(tx.ok());
  auto appended = (*s)->audit().Append(1, "c", 0, 0, "x", "{}");
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.error().field, "audit_key");
}

// A home from before the key: its SHA-256 chain keeps verifying and keyed records chain onto
// it; an unkeyed record after a keyed one is then tampering.
TEST_P(AuditTest, AnOldSha256ChainThenKeyedRecordsVerifies) {
  NewHome();
  Open(false);
  for (int i = 0; i < 3; ++i) AppendOne(i);
  EXPECT_EQ((*store_->audit().Read(0, 0, 0, 10))[0].scheme, kAuditSchemeSha256);
  Open(true);  // the first open through the workspace makes the key and anchors the old head
  EXPECT_TRUE(std::filesystem::exists(dir_ / "audit.key"));
  AppendOne(3);
  AppendOne(4);
  auto rows = *store_->audit().Read(0, 0, 0, 10);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[2].scheme, kAuditSchemeSha256);
  EXPECT_EQ(rows[3].scheme, kAuditSchemeHmac);
  EXPECT_EQ(rows[3].prev_hash, rows[2].hash);
  auto v = store_->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->records, 5);
  EXPECT_EQ(v->checkpoint_seq, 5);

  // The last record rewritten as an unkeyed one by someone without the key.
  AuditRecord last = rows[4];
  last.scheme = std::string(kAuditSchemeSha256);
  last.hash = AuditLog::HashOf(last);
  ASSERT_TRUE(counter::Run(store_->db(), "UPDATE audit_log SET scheme = 'sha256', hash = $1 WHERE seq = 5",
                           {Text(last.hash)}).ok());
  v = store_->audit().Verify();
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 5);
}

// The key from elsewhere (env:NAME): no audit.key in the home; the first checkpoint is made.
TEST_P(AuditTest, TheKeyFromAnEnvironmentVariable) {
  NewHome();
  ::setenv("MYNACERT_TEST_AUDIT_KEY", std::string(64, 'a').c_str(), 1);
  auto s = CounterStore::Open(Db());
  ASSERT_TRUE(s.ok());
  store_ = std::move(s).value();
  ASSERT_TRUE(AnchorAuditLog(dir_, "env:MYNACERT_TEST_AUDIT_KEY", store_->audit(), nullptr).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "audit.key"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "audit.head"));
  AppendOne(0);
  EXPECT_TRUE(store_->audit().Verify()->ok);
  // A short or non-hex key is refused, naming the field.
  ::setenv("MYNACERT_TEST_AUDIT_KEY", std::string(64, 'z').c_str(), 1);
  Status bad = AnchorAuditLog(dir_, "env:MYNACERT_TEST_AUDIT_KEY", store_->audit(), nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "audit_key");
  ::unsetenv("MYNACERT_TEST_AUDIT_KEY");
}

INSTANTIATE_TEST_SUITE_P(Engines, AuditTest, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::counter
