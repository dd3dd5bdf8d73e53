#include "store/database.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <latch>
#include <thread>
#include <vector>

namespace mynacert::store {
namespace {

std::string TempDb(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("mynacert-store-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  return path.string();
}

std::unique_ptr<Database> Open(const std::string& path, int busy_ms = 5000) {
  auto db = OpenSqlite(path, SqliteOptions{busy_ms, true, false});
  EXPECT_TRUE(db.ok()) << db.error().ToString();
  return std::move(db).value();
}

TEST(Sqlite, BindAndReadEveryType) {
  auto db = Open(TempDb("types.db"));
  ASSERT_TRUE(db->Execute("CREATE TABLE t (i BIGINT, s TEXT, b BYTEA, n TEXT)").ok());
  auto insert = db->Prepare("INSERT INTO t (i, s, b, n) VALUES ($1, $2, $3, $4)");
  ASSERT_TRUE(insert.ok());
  const std::string blob("\x00\x01\xff\x00z", 5);
  for (int64_t v :
       {std::numeric_limits<int64_t>::min(), int64_t{0}, std::numeric_limits<int64_t>::max()}) {
    ASSERT_TRUE((*insert)->BindInt(1, v).ok());
    ASSERT_TRUE((*insert)->BindText(2, "横浜市中区").ok());
    ASSERT_TRUE((*insert)->BindBlob(3, blob).ok());
    ASSERT_TRUE((*insert)->BindNull(4).ok());
    auto done = (*insert)->Step();
    ASSERT_TRUE(done.ok() && !*done);
    ASSERT_TRUE((*insert)->Reset().ok());
  }
  auto read = db->Prepare("SELECT i, s, b, n FROM t ORDER BY i");
  ASSERT_TRUE(read.ok());
  int rows = 0;
  while (true) {
    auto row = (*read)->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    ++rows;
    EXPECT_EQ((*read)->ColumnText(1), "横浜市中区");
    EXPECT_EQ((*read)->ColumnBlob(2), blob);
    EXPECT_TRUE((*read)->ColumnIsNull(3));
    if (rows == 1) {
      EXPECT_EQ((*read)->ColumnInt(0), std::numeric_limits<int64_t>::min());
    }
    if (rows == 3) {
      EXPECT_EQ((*read)->ColumnInt(0), std::numeric_limits<int64_t>::max());
    }
  }
  EXPECT_EQ(rows, 3);
}

TEST(Sqlite, DollarParametersByNumberInAnyOrder) {
  auto db = Open(":memory:");
  EXPECT_FALSE(db->Prepare("SELECT 1; SELECT 2").ok());  // one statement per Prepare
  EXPECT_FALSE(db->Prepare("  ").ok());
  EXPECT_TRUE(db->Prepare("SELECT 1;  ").ok());
  auto reused = db->Prepare("SELECT $1 || $2 || $1");
  ASSERT_TRUE(reused.ok());
  ASSERT_TRUE((*reused)->BindText(1, "x").ok());
  ASSERT_TRUE((*reused)->BindText(2, "y").ok());
  ASSERT_TRUE(*(*reused)->Step());
  EXPECT_EQ((*reused)->ColumnText(0), "xyx");
  auto s = db->Prepare("SELECT $2 || '-' || $1 || '-' || $2");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->BindText(1, "a").ok());
  ASSERT_TRUE((*s)->BindText(2, "b").ok());
  auto row = (*s)->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*s)->ColumnText(0), "b-a-b");
  Status bad = (*s)->BindInt(3, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("$3"), std::string::npos);
}

TEST(Sqlite, ErrorsAreValuesNotCrashes) {
  auto db = Open(":memory:");
  ASSERT_TRUE(db->Execute("CREATE TABLE u (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db->Execute("INSERT INTO u VALUES ('x')").ok());
  auto s = db->Prepare("INSERT INTO u VALUES ($1)");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->BindText(1, "x").ok());
  auto r = (*s)->Step();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(db->Prepare("SELEKT nonsense").ok());
  auto bad = OpenSqlite("/nonexistent-dir/x/y.db");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "/nonexistent-dir/x/y.db");
}

TEST(Sqlite, TransactionRollsBackUnlessCommitted) {
  const std::string path = TempDb("tx.db");
  {
    auto db = Open(path);
    ASSERT_TRUE(db->Execute("CREATE TABLE t (v INTEGER)").ok());
    {
      auto tx = Transaction::Begin(*db);
      ASSERT_TRUE(tx.ok());
      ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (1)").ok());
    }  // rolled back
    {
      auto tx = Transaction::Begin(*db);
      ASSERT_TRUE(tx.ok());
      ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (2)").ok());
      ASSERT_TRUE(tx->Commit().ok());
      EXPECT_FALSE(tx->Commit().ok());
    }
  }
  auto db = Open(path);
  auto s = db->Prepare("SELECT group_concat(v) FROM t");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(*(*s)->Step());
  EXPECT_EQ((*s)->ColumnText(0), "2");
}

// After-commit callbacks (the audit log's checkpoint) run once per successful commit, after it,
// and never for a rollback.
TEST(Sqlite, AfterCommitCallbacksRunOnlyAfterACommit) {
  auto db = Open(TempDb("after-commit.db"));
  ASSERT_TRUE(db->Execute("CREATE TABLE t (v INTEGER)").ok());
  int runs = 0;
  int64_t seen = -1;
  db->AddAfterCommit([&] {
    ++runs;
    auto s = db->Prepare("SELECT COUNT(*) FROM t");  // outside the transaction: committed rows
    if (s.ok() && *(*s)->Step()) seen = (*s)->ColumnInt(0);
  });
  {
    auto tx = Transaction::Begin(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (1)").ok());
  }  // rolled back
  EXPECT_EQ(runs, 0);
  {
    auto tx = Transaction::Begin(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(seen, 1);
}

TEST(Sqlite, SecondWriterWaitsThenFails) {
  const std::string path = TempDb("busy.db");
  auto a = Open(path);
  auto b = Open(path, 50);
  ASSERT_TRUE(a->Execute("CREATE TABLE t (v INTEGER)").ok());
  auto tx = Transaction::Begin(*a);
  ASSERT_TRUE(tx.ok());
  const auto start = std::chrono::steady_clock::now();
  Status second = b->Begin();
  EXPECT_FALSE(second.ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(40));  // waited
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_TRUE(b->Begin().ok());
  EXPECT_TRUE(b->Rollback().ok());
}

constexpr Migration kV1[] = {{1, "CREATE TABLE m (a INTEGER)"}};
constexpr Migration kV2[] = {{1, "CREATE TABLE m (a INTEGER)"},
                             {2, "ALTER TABLE m ADD COLUMN b TEXT"}};
constexpr Migration kBroken[] = {{1, "CREATE TABLE m (a INTEGER)"},
                                 {2, "ALTER TABLE m ADD COLUMN b TEXT"},
                                 {3, "CREATE TABLE n (x INTEGER); INSERT INTO nowhere VALUES (1)"}};
constexpr Migration kUnordered[] = {{2, "SELECT 1"}, {1, "SELECT 1"}};

TEST(Sqlite, NullableColumnReaders) {
  auto db = Open(":memory:");
  auto q = Query(*db, "SELECT NULL, 'x', '2027-02-10', 'not a date'", {});
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*(*q)->Step());
  EXPECT_EQ(ColumnString(**q, 0), "");
  EXPECT_EQ(ColumnString(**q, 1), "x");
  EXPECT_FALSE(ColumnDate(**q, 0).has_value());
  EXPECT_EQ(ColumnDate(**q, 2), Date::Ymd(2027, 2, 10));
  EXPECT_FALSE(ColumnDate(**q, 3).has_value());
}

// Sequences count from 1, each name on its own, and a rolled-back allocation is not used up.
TEST(Sqlite, SequencesCountPerNameInsideTheTransaction) {
  auto db = Open(":memory:");
  ASSERT_TRUE(db->Execute("CREATE TABLE t_ids (name TEXT PRIMARY KEY, value INTEGER NOT NULL)").ok());
  EXPECT_EQ(*NextInSequence(*db, "t_ids", "a"), 1);
  EXPECT_EQ(*NextInSequence(*db, "t_ids", "a"), 2);
  EXPECT_EQ(*NextInSequence(*db, "t_ids", "b"), 1);
  {
    auto tx = Transaction::Begin(*db);
    ASSERT_TRUE(tx.ok());
    EXPECT_EQ(*NextInSequence(*db, "t_ids", "a"), 3);
  }  // rolled back
  EXPECT_EQ(*NextInSequence(*db, "t_ids", "a"), 3);
  auto bad = NextInSequence(*db, "t_ids; DROP TABLE t_ids", "a");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "table");
}

TEST(Migrate, AppliesOnceAddsStepsRefusesNewerAndRollsBackAFailedStep) {
  const std::string path = TempDb("migrate.db");
  {
    auto db = Open(path);
    ASSERT_TRUE(Migrate(*db, "test", kV1).ok());
    ASSERT_TRUE(Migrate(*db, "test", kV1).ok());  // idempotent
  }
  {
    auto db = Open(path);
    ASSERT_TRUE(Migrate(*db, "test", kV2).ok());
    EXPECT_TRUE(db->Execute("INSERT INTO m (a, b) VALUES (1, 'x')").ok());
    Status broken = Migrate(*db, "test", kBroken);
    EXPECT_FALSE(broken.ok());
    // Step 3 left nothing behind: table n does not exist, version stays 2.
    EXPECT_FALSE(db->Prepare("SELECT * FROM n").ok());
    auto version =
        db->Prepare("SELECT MAX(version) FROM schema_migrations WHERE component = 'test'");
    ASSERT_TRUE(version.ok());
    ASSERT_TRUE(*(*version)->Step());
    EXPECT_EQ((*version)->ColumnInt(0), 2);  // the failed step 3 was not recorded
    Status older = Migrate(*db, "test", kV1);
    ASSERT_FALSE(older.ok());
    EXPECT_EQ(older.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_NE(older.error().message.find("version 2"), std::string::npos);
    EXPECT_EQ(Migrate(*db, "test", kUnordered).error().code, ErrorCode::kInternal);
    // Components are independent: "other" starts at version 0 (and its step fails here only
    // because table m exists).
    EXPECT_FALSE(Migrate(*db, "other", kV1).ok());
  }
}

// Connections that open a new database at the same moment (a service's pool) each migrate it:
// one applies every step, the others find them applied under the write lock and do nothing.
TEST(Migrate, ConcurrentFirstOpensApplyEachStepOnce) {
  constexpr int kRounds = 20, kConnections = 8;
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = TempDb("migrate-race-" + std::to_string(round) + ".db");
    std::vector<std::unique_ptr<Database>> dbs;
    for (int i = 0; i < kConnections; ++i) dbs.push_back(Open(path, 30000));
    std::latch start(kConnections);
    std::vector<std::string> errors(kConnections);
    std::vector<std::thread> threads;
    for (int i = 0; i < kConnections; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();  // all read "no schema yet" together
        Status st = Migrate(*dbs[i], "test", kV2);
        if (!st.ok()) errors[i] = st.error().ToString();
      });
    }
    for (auto& t : threads) t.join();
    for (const std::string& e : errors) ASSERT_EQ(e, "") << "round " << round;
    auto rows = dbs[0]->Prepare("SELECT COUNT(*) FROM schema_migrations WHERE component = 'test'");
    ASSERT_TRUE(rows.ok());
    ASSERT_TRUE(*(*rows)->Step());
    EXPECT_EQ((*rows)->ColumnInt(0), 2);
  }
}

}  // namespace
}  // namespace mynacert::store
