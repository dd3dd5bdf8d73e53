// `mynacert db …` and --database as a user runs them (issue 15): a home moved from the embedded
// SQLite to PostgreSQL by `db copy` shows the same residents and staff and its audit log
// verifies; a second copy, an unreachable database, an unknown role and a database of a newer
// schema are each one line and exit 2, with nothing written. Every test needs the PostgreSQL
// test server (their names hold "Postgres": `ctest -L postgres`).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/shell_test_util.h"
#include "store/database.h"
#include "store/testing.h"

namespace mynacert::cli {
namespace {

using testing_util::Sh;

class DbCliPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("mynacert-db-cli-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    db_ = store::testing::FreshDatabase(store::testing::Engine::kPostgres, "target");
  }
  void TearDown() override { std::filesystem::remove_all(home_); }
  testing_util::Outcome M(const std::string& args) {
    return Sh("MYNACERT_HOME=" + home_.string() + " " + MYNACERT_BINARY + std::string(" ") + args);
  }
  static int Lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
  }
  std::filesystem::path home_;
  std::string db_;
};

TEST_F(DbCliPostgres, CopyAHomeThenTheSameDataOnPostgres) {
  if (db_.empty()) return;
  ASSERT_EQ(M("resident add --clerk c1 --municipality yamagata --name '山形　花子' --address "
              "'山形県山形市旅篭町二丁目3番25号' --birth 1990-01-02 --sex 2 --json").code, 0);
  ASSERT_EQ(M("resident add --clerk c1 --municipality kanazawa --name '金沢　一郎' --address X "
              "--birth 1980-05-06 --sex 1").code, 0);
  auto staff = Sh("echo 'a-long-staff-password' | MYNACERT_HOME=" + home_.string() + " " +
                  MYNACERT_BINARY + " staff add --name sato --role supervisor");
  ASSERT_EQ(staff.code, 0) << staff.out;
  const auto before = M("resident show --resident 1 --json");
  ASSERT_EQ(before.code, 0) << before.out;

  auto copied = M("db copy --to '" + db_ + "' --json");
  ASSERT_EQ(copied.code, 0) << copied.out;
  const auto report = nlohmann::json::parse(copied.out);
  EXPECT_EQ(report["tables"]["residents"], 2);
  EXPECT_EQ(report["tables"]["service_staff"], 1);
  EXPECT_TRUE(report["audit"]["ok"].get<bool>()) << copied.out;

  // The same resident, read from PostgreSQL (flag and environment variable alike).
  auto after = M("resident show --resident 1 --json --database '" + db_ + "'");
  ASSERT_EQ(after.code, 0) << after.out;
  EXPECT_EQ(nlohmann::json::parse(after.out), nlohmann::json::parse(before.out));
  auto env = Sh("MYNACERT_DATABASE='" + db_ + "' MYNACERT_HOME=" + home_.string() + " " +
                MYNACERT_BINARY + " audit verify");
  EXPECT_EQ(env.code, 0) << env.out;
  EXPECT_NE(env.out.find("2 件"), std::string::npos) << env.out;  // the two resident records

  // Again: refused, one line, and nothing more in the target.
  auto again = M("db copy --to '" + db_ + "'");
  EXPECT_EQ(again.code, 2) << again.out;
  EXPECT_EQ(Lines(again.out), 1) << again.out;
  EXPECT_NE(again.out.find("--to"), std::string::npos) << again.out;
  auto db = store::Open(db_);
  ASSERT_TRUE(db.ok());
  auto count = store::Query(**db, "SELECT COUNT(*) FROM residents", {});
  ASSERT_TRUE(count.ok() && *(*count)->Step());
  EXPECT_EQ((*count)->ColumnInt(0), 2);
}

TEST_F(DbCliPostgres, BadDatabasesAreOneLineAndExitTwo) {
  if (db_.empty()) return;
  const std::string host = db_.substr(db_.find("?host="));
  for (const std::string& bad :
       {std::string("postgresql://u:s3cret@/mynacert?host=/nonexistent-dir"),  // unreachable
        "postgresql://no_such_role:s3cret@/postgres" + host,                    // refused login
        std::string("mysql://root@localhost/x")}) {                             // not ours
    auto o = M("db migrate --database '" + bad + "'");
    EXPECT_EQ(o.code, 2) << bad << ": " << o.out;
    EXPECT_EQ(Lines(o.out), 1) << o.out;
    EXPECT_NE(o.out.find("--database"), std::string::npos) << o.out;
    EXPECT_EQ(o.out.find("s3cret"), std::string::npos) << o.out;  // the password never shown
  }
  // A database of a newer schema: refused as it is, nothing migrated.
  ASSERT_EQ(M("db migrate --database '" + db_ + "'").code, 0);
  auto db = store::Open(db_);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(store::Run(**db, "INSERT INTO schema_migrations VALUES ('counter', 999, 0)", {}).ok());
  ASSERT_TRUE(store::Run(**db, "DROP TABLE reservation_bookings", {}).ok());
  auto newer = M("db migrate --database '" + db_ + "'");
  EXPECT_EQ(newer.code, 2) << newer.out;
  EXPECT_EQ(Lines(newer.out), 1) << newer.out;
  EXPECT_NE(newer.out.find("999"), std::string::npos) << newer.out;
  auto serve = M("serve --port 0 --database '" + db_ + "'");  // the server refuses it too
  EXPECT_EQ(serve.code, 2) << serve.out;
  // Nothing after the refusal ran: the dropped table was not made again.
  auto q = store::Query(**db, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'reservation_bookings'", {});
  ASSERT_TRUE(q.ok() && *(*q)->Step());
  EXPECT_EQ((*q)->ColumnInt(0), 0);
}

}  // namespace
}  // namespace mynacert::cli
