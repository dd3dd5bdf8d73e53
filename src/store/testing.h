// The engines a store's test suite runs on: SQLite (a file) and PostgreSQL (a database on the
// test server that ctest's "postgres" fixture starts with scripts/postgres.sh). A suite
// parameterised over kEngines, with mynacert_test(… POSTGRES), has its PostgreSQL half labelled
// postgres: `ctest -L postgres` runs it.
//
//   class ReservationsTest : public store::testing::EngineTest {};
//   TEST_P(ReservationsTest, …) { auto db = store::Open(locator()); … }
//   INSTANTIATE_TEST_SUITE_P(Engines, ReservationsTest, ::testing::ValuesIn(store::testing::kEngines),
//                            store::testing::EngineName);
//
// Without a reachable server the PostgreSQL half is skipped, except under CI=true, where it
// fails: the install step should have brought the server.
#ifndef MYNACERT_STORE_TESTING_H_
#define MYNACERT_STORE_TESTING_H_

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

namespace mynacert::store::testing {

enum class Engine { kSqlite, kPostgres };
inline constexpr Engine kEngines[] = {Engine::kSqlite, Engine::kPostgres};

// How ctest's test list shows the parameter ("# GetParam() = Postgres").
void PrintTo(Engine engine, std::ostream* os);

// "Sqlite" or "Postgres": the parameter's part of a test's name.
std::string EngineName(const ::testing::TestParamInfo<Engine>& info);

// The test server: $MYNACERT_TEST_POSTGRES, else this build's (scripts/postgres.sh's locator).
std::string PostgresAdminLocator();

// A fresh, empty database for the running test, one per `name`: a SQLite file under a temp
// folder (removed first), or a new PostgreSQL database on the test server (dropped first).
// "" when there is no server: the test is then marked skipped (failed under CI=true).
std::string FreshDatabase(Engine engine, std::string_view name = "db");

// A test parameterised by engine; locator() is FreshDatabase(GetParam(), "db"), made in SetUp.
class EngineTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override;
  const std::string& locator() const { return locator_; }
  bool postgres() const { return GetParam() == Engine::kPostgres; }

 private:
  std::string locator_;
};

}  // namespace mynacert::store::testing

#endif  // MYNACERT_STORE_TESTING_H_
