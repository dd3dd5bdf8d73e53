#include "store/database.h"

#include <gtest/gtest.h>

#include "store/copy.h"
#include "store/testing.h"

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

using testing::Engine;

// Every test runs on both engines: a SQLite file and a PostgreSQL database of the test server.
class Store : public testing::EngineTest {
 protected:
  // A connection to this test's database (`locator` another of the test's databases); a
  // writer waits busy_ms for another's transaction (SQLite's busy timeout, PostgreSQL's
  // lock_timeout).
  std::unique_ptr<Database> Open(const std::string& locator = "", int busy_ms = 5000) {
    auto db = store::Open(locator.empty() ? this->locator() : locator,
                          SqliteOptions{busy_ms, true, false}, PostgresOptions{5, busy_ms});
    EXPECT_TRUE(db.ok()) << db.error().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
};

// Prepared and run: an error of the SQL shows at Prepare on SQLite and at the first Step on
// PostgreSQL (which prepares at first execution, with the bound types).
bool Runs(Database& db, std::string_view sql) {
  auto s = db.Prepare(sql);
  return s.ok() && (*s)->Step().ok();
}

TEST_P(Store, BindAndReadEveryType) {
  auto db = Open();
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

TEST_P(Store, DollarParametersByNumberInAnyOrder) {
  auto db = Open();
  EXPECT_FALSE(Runs(*db, "SELECT 1; SELECT 2"));  // one statement per Prepare
  EXPECT_FALSE(db->Prepare("  ").ok());
  EXPECT_TRUE(Runs(*db, "SELECT 1;  "));
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

// Text that only looks like a parameter stays text; a parameter skipped in the numbering is
// refused at bind time.
TEST_P(Store, DollarSignsInLiteralsAndCommentsAreNotParameters) {
  auto db = Open();
  auto s = db->Prepare("SELECT '$1 costs $2' || $1 /* $2 */ -- $3\n");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->BindText(1, "!").ok());
  EXPECT_FALSE((*s)->BindText(2, "?").ok());
  auto row = (*s)->Step();
  ASSERT_TRUE(row.ok() && *row) << (row.ok() ? "" : row.error().ToString());
  EXPECT_EQ((*s)->ColumnText(0), "$1 costs $2!");
  auto gap = db->Prepare("SELECT $1 || $3");
  ASSERT_TRUE(gap.ok());
  EXPECT_FALSE((*gap)->BindText(2, "x").ok());
}

// Thousands of rows in one statement (ValuesList, ParameterList): the notice batch and the
// CA's group commit write this way, one round trip for many rows.
TEST_P(Store, ManyRowsInOneStatement) {
  auto db = Open();
  ASSERT_TRUE(db->Execute("CREATE TABLE m (id BIGINT PRIMARY KEY, name TEXT, n BIGINT)").ok());
  constexpr size_t kRows = 3000;  // 9 000 parameters
  std::vector<std::string> names;
  names.reserve(kRows);
  std::vector<Param> params;
  for (size_t i = 0; i < kRows; ++i) {
    names.push_back("row-" + std::to_string(i));
    params.insert(params.end(), {static_cast<int64_t>(i), std::string_view(names.back()),
                                 static_cast<int64_t>(i * i)});
  }
  auto insert =
      db->Prepare("INSERT INTO m (id, name, n) VALUES " + ValuesList(kRows, 3));
  ASSERT_TRUE(insert.ok()) << insert.error().ToString();
  ASSERT_TRUE(BindFrom(**insert, 1, params).ok());
  ASSERT_TRUE((*insert)->Step().ok());
  // Every tenth row by an IN list of 300 parameters, after a first parameter of its own.
  std::vector<Param> ids;
  for (size_t i = 0; i < kRows; i += 10) ids.emplace_back(static_cast<int64_t>(i));
  auto q = db->Prepare("SELECT COUNT(*), SUM(n) FROM m WHERE n >= $1 AND id IN (" +
                       ParameterList(2, ids.size()) + ")");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE((*q)->BindInt(1, 0).ok());
  ASSERT_TRUE(BindFrom(**q, 2, ids).ok());
  ASSERT_TRUE(*(*q)->Step());
  EXPECT_EQ((*q)->ColumnInt(0), 300);
  int64_t sum = 0;
  for (size_t i = 0; i < kRows; i += 10) sum += static_cast<int64_t>(i * i);
  EXPECT_EQ((*q)->ColumnInt(1), sum);
  EXPECT_EQ(ValuesList(2, 2, ", 'x'"), "($1, $2, 'x'), ($3, $4, 'x')");
  EXPECT_EQ(ParameterList(3, 2), "$3, $4");
}

TEST_P(Store, ErrorsAreValuesNotCrashes) {
  auto db = Open();
  ASSERT_TRUE(db->Execute("CREATE TABLE u (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db->Execute("INSERT INTO u VALUES ('x')").ok());
  auto s = db->Prepare("INSERT INTO u VALUES ($1)");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->BindText(1, "x").ok());
  auto r = (*s)->Step();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(Runs(*db, "SELEKT nonsense"));
  // The connection is still usable after an error outside a transaction.
  EXPECT_TRUE(Runs(*db, "SELECT k FROM u"));
  if (postgres()) {
    auto bad = OpenPostgres("postgresql://mynacert:s3cret@/nowhere?host=/nonexistent-dir",
                            PostgresOptions{2, 1000});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().field, "database");
    EXPECT_EQ(bad.error().message.find("s3cret"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("mynacert:***@"), std::string::npos) << bad.error().message;
  } else {
    auto bad = OpenSqlite("/nonexistent-dir/x/y.db");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().field, "/nonexistent-dir/x/y.db");
  }
}

// PostgreSQL restarted, failed over, or an administrator ended the session: the connection is
// opened again outside a transaction (a BEGIN or a SELECT that found it dropped is sent again),
// never inside one — there the caller learns that its transaction was rolled back, and a write
// that may have run is never sent twice.
// PostgreSQL only: a SQLite file has no server connection to drop.
TEST(PostgresConnection, ADroppedConnectionIsOpenedAgainOutsideATransactionOnly) {
  const std::string locator = testing::FreshDatabase(Engine::kPostgres, "dropped");
  if (locator.empty() || ::testing::Test::IsSkipped()) return;  // no server (fails under CI)
  auto open = [&] {
    auto db = store::Open(locator, SqliteOptions{}, PostgresOptions{5, 5000});
    EXPECT_TRUE(db.ok()) << db.error().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  };
  auto db = open();
  auto admin = open();
  ASSERT_TRUE(db && admin);
  ASSERT_TRUE(db->Execute("CREATE TABLE t (v BIGINT)").ok());
  auto scalar = [](Database& d, std::string_view sql) -> int64_t {
    auto s = d.Prepare(sql);
    EXPECT_TRUE(s.ok());
    auto row = (*s)->Step();
    EXPECT_TRUE(row.ok() && *row) << (row.ok() ? "" : row.error().ToString());
    return row.ok() && *row ? (*s)->ColumnInt(0) : -1;
  };
  // Ends `db`'s server process and waits until it is gone.
  auto drop = [&] {
    const int64_t pid = scalar(*db, "SELECT pg_backend_pid()");
    auto k = admin->Prepare("SELECT pg_terminate_backend(CAST($1 AS INTEGER))");
    ASSERT_TRUE(k.ok());
    ASSERT_TRUE((*k)->BindInt(1, pid).ok());
    ASSERT_TRUE((*k)->Step().ok());
    for (int i = 0; i < 500; ++i) {
      auto s = admin->Prepare("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1");
      ASSERT_TRUE((*s)->BindInt(1, pid).ok());
      ASSERT_TRUE(*(*s)->Step());
      if ((*s)->ColumnInt(0) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "the backend did not end";
  };

  // A read after the drop: sent again on a new connection.
  const int64_t first_pid = scalar(*db, "SELECT pg_backend_pid()");
  drop();
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM t"), 0);
  EXPECT_NE(scalar(*db, "SELECT pg_backend_pid()"), first_pid);

  // A transaction begun after the drop: its BEGIN is sent again.
  drop();
  {
    auto tx = Transaction::Begin(*db);
    ASSERT_TRUE(tx.ok()) << tx.error().ToString();
    ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }

  // A drop inside a transaction: the next statement and the commit fail, saying so; nothing of
  // it stays; the connection serves the next transaction.
  {
    auto tx = Transaction::Begin(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (2)").ok());
    drop();
    EXPECT_FALSE(db->Execute("INSERT INTO t VALUES (3)").ok());
    Status committed = tx->Commit();
    ASSERT_FALSE(committed.ok());
    EXPECT_NE(committed.error().message.find("rolled back"), std::string::npos)
        << committed.error().message;
  }
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM t"), 1);

  // A write outside a transaction that found the connection dropped is not sent twice: it
  // fails, and the next command reconnects.
  drop();
  EXPECT_FALSE(db->Execute("INSERT INTO t VALUES (4)").ok());
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM t"), 1);
  ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (5)").ok());
  EXPECT_EQ(scalar(*db, "SELECT MAX(v) FROM t"), 5);
}

TEST_P(Store, TransactionRollsBackUnlessCommitted) {
  {
    auto db = Open();
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
  auto db = Open();
  auto s = db->Prepare("SELECT COUNT(*), MAX(v) FROM t");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(*(*s)->Step());
  EXPECT_EQ((*s)->ColumnInt(0), 1);
  EXPECT_EQ((*s)->ColumnInt(1), 2);
}

// After-commit callbacks (the audit log's checkpoint) run once per successful commit, after it,
// and never for a rollback.
TEST_P(Store, AfterCommitCallbacksRunOnlyAfterACommit) {
  auto db = Open();
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

TEST_P(Store, SecondWriterWaitsThenFails) {
  auto a = Open();
  auto b = Open("", 50);
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

TEST_P(Store, NullableColumnReaders) {
  auto db = Open();
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
TEST_P(Store, SequencesCountPerNameInsideTheTransaction) {
  auto db = Open();
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

TEST_P(Store, MigrateAppliesOnceAddsStepsRefusesNewerAndRollsBackAFailedStep) {
  {
    auto db = Open();
    ASSERT_TRUE(Migrate(*db, "test", kV1).ok());
    ASSERT_TRUE(Migrate(*db, "test", kV1).ok());  // idempotent
  }
  {
    auto db = Open();
    ASSERT_TRUE(Migrate(*db, "test", kV2).ok());
    EXPECT_TRUE(db->Execute("INSERT INTO m (a, b) VALUES (1, 'x')").ok());
    Status broken = Migrate(*db, "test", kBroken);
    EXPECT_FALSE(broken.ok());
    // Step 3 left nothing behind: table n does not exist, version stays 2.
    EXPECT_FALSE(Runs(*db, "SELECT * FROM n"));
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
TEST_P(Store, MigrateConcurrentFirstOpensApplyEachStepOnce) {
  constexpr int kConnections = 8;
  const int rounds = postgres() ? 5 : 20;  // PostgreSQL: a new database each round (≈ 0.2 s)
  for (int round = 0; round < rounds; ++round) {
    const std::string locator =
        round == 0 ? this->locator() : testing::FreshDatabase(GetParam(), "round" + std::to_string(round));
    ASSERT_NE(locator, "");
    std::vector<std::unique_ptr<Database>> dbs;
    for (int i = 0; i < kConnections; ++i) dbs.push_back(Open(locator, 30000));
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

// `db copy`: every table of a SQLite source into this engine, referenced tables first, whole or
// not at all; a target with rows, or at another schema version, is refused untouched.
constexpr Migration kCopySchema[] = {
    {1, "CREATE TABLE parents (id BIGINT PRIMARY KEY, name TEXT NOT NULL, der BYTEA, n INTEGER);"
        "CREATE TABLE children (id BIGINT PRIMARY KEY, parent BIGINT NOT NULL REFERENCES parents (id));"
        "CREATE TABLE a_first (id BIGINT PRIMARY KEY, child BIGINT REFERENCES children (id))"}};
constexpr Migration kCopySchemaV2[] = {kCopySchema[0], {2, "CREATE TABLE extra (x TEXT)"}};

TEST_P(Store, CopyRowsMovesEveryTableWholeOrNothing) {
  const std::string source = testing::FreshDatabase(Engine::kSqlite, "copy-source");
  auto from = Open(source);
  auto to = Open();
  ASSERT_TRUE(from && to);
  ASSERT_TRUE(Migrate(*from, "test", kCopySchema).ok());
  ASSERT_TRUE(Migrate(*to, "test", kCopySchemaV2).ok());
  const std::string der("\x00\x01'\xff\\", 5);
  for (int64_t i = 1; i <= 50; ++i) {
    ASSERT_TRUE(store::Run(*from, "INSERT INTO parents VALUES ($1, $2, $3, $4)",
                    {i, std::string_view("横浜 " + std::to_string(i)), nullptr, nullptr}).ok());
    ASSERT_TRUE(store::Run(*from, "INSERT INTO children VALUES ($1, $2)", {i + 100, i}).ok());
    ASSERT_TRUE(store::Run(*from, "INSERT INTO a_first VALUES ($1, $2)", {i + 200, i % 2 ? Param(i + 100) : nullptr}).ok());
  }
  auto blob = from->Prepare("UPDATE parents SET der = $1, n = 7 WHERE id = 1");
  ASSERT_TRUE(blob.ok() && (*blob)->BindBlob(1, der).ok() && (*blob)->Step().ok());

  // Another schema version: refused, nothing written.
  auto mismatch = CopyRows({from.get()}, *to);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(mismatch.error().message.find("version 1"), std::string::npos) << mismatch.error().message;
  ASSERT_TRUE(Migrate(*from, "test", kCopySchemaV2).ok());

  auto copied = CopyRows({from.get()}, *to);
  ASSERT_TRUE(copied.ok()) << copied.error().ToString();
  ASSERT_EQ(copied->tables.size(), 4u);
  EXPECT_EQ(copied->tables[0].name, "extra");  // no references: in name order
  EXPECT_EQ(copied->tables[1].name, "parents");
  EXPECT_EQ(copied->tables[2].name, "children");
  EXPECT_EQ(copied->tables[3].name, "a_first");  // after what it refers to
  EXPECT_EQ(*CountRows(*to, "a_first"), 50);
  auto q = Query(*to, "SELECT name, der, n FROM parents WHERE id = 1", {});
  ASSERT_TRUE(q.ok() && *(*q)->Step());
  EXPECT_EQ((*q)->ColumnText(0), "横浜 1");
  EXPECT_EQ((*q)->ColumnBlob(1), der);
  EXPECT_EQ((*q)->ColumnInt(2), 7);

  // Again: the target holds rows now; refused, and still 50 rows each.
  auto again = CopyRows({from.get()}, *to);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already holds"), std::string::npos);
  EXPECT_EQ(*CountRows(*to, "parents"), 50);
}

// Locators name the engine; a password never shows in an error.
TEST(Locator, NamesTheEngineAndHidesPasswords) {
  EXPECT_TRUE(IsPostgresLocator("postgresql://u@h/db"));
  EXPECT_TRUE(IsPostgresLocator("postgres://u@h/db"));
  EXPECT_FALSE(IsPostgresLocator("sqlite:/tmp/x.db"));
  EXPECT_FALSE(IsPostgresLocator("/tmp/x.db"));
  EXPECT_EQ(RedactLocator("postgresql://mynacert:pw@db1:5432/city"),
            "postgresql://mynacert:***@db1:5432/city");
  EXPECT_EQ(RedactLocator("postgresql://mynacert@db1/city?password=pw&sslmode=require"),
            "postgresql://mynacert@db1/city?password=***&sslmode=require");
  EXPECT_EQ(RedactLocator("postgresql:///city?host=/run/pg"), "postgresql:///city?host=/run/pg");
  auto unknown = Open("mysql://root:pw@h/db");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "database");
  EXPECT_EQ(unknown.error().message.find("pw@"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, Store, ::testing::ValuesIn(testing::kEngines), testing::EngineName);

}  // namespace
}  // namespace mynacert::store
