#include "store/testing.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>

#include "store/database.h"

namespace mynacert::store::testing {
namespace {

bool UnderCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

// The running test's name, fit for a file or a database name.
std::string TestName(std::string_view name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string full = info ? std::string(info->test_suite_name()) + "." + info->name() : "none";
  full += "." + std::string(name);
  std::string out;
  for (char c : full) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_');
  }
  return out;
}

// The locator with its database (the URI's path) replaced by `db`.
std::string WithDatabase(const std::string& admin, const std::string& db) {
  const size_t scheme = admin.find("://");
  const size_t slash = admin.find('/', scheme + 3);
  if (slash == std::string::npos) return admin + "/" + db;
  const size_t end = admin.find('?', slash);
  return admin.substr(0, slash + 1) + db + (end == std::string::npos ? "" : admin.substr(end));
}

}  // namespace

void PrintTo(Engine engine, std::ostream* os) {
  *os << (engine == Engine::kPostgres ? "Postgres" : "Sqlite");
}

std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kPostgres ? "Postgres" : "Sqlite";
}

std::string PostgresAdminLocator() {
  const char* env = std::getenv("MYNACERT_TEST_POSTGRES");
  return env && *env ? env : MYNACERT_TEST_POSTGRES_URL;
}

std::string FreshDatabase(Engine engine, std::string_view name) {
  const std::string test = TestName(name);
  if (engine == Engine::kSqlite) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("mynacert-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / (test + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    return path.string();
  }
  const std::string admin_locator = PostgresAdminLocator();
  auto admin = OpenPostgres(admin_locator, PostgresOptions{5, 30000});
  if (!admin.ok()) {
    const std::string why = "no PostgreSQL test server (" + admin.error().message +
                            "); ctest starts it, or: scripts/postgres.sh start DIR --for-tests "
                            "and MYNACERT_TEST_POSTGRES=<its locator>";
    if (UnderCi()) {
      ADD_FAILURE() << why;
    } else {
      GTEST_MESSAGE_AT_(__FILE__, __LINE__, why.c_str(), ::testing::TestPartResult::kSkip);
    }
    return "";
  }
  // At most 63 bytes: the readable start and a hash of the whole name.
  const std::string db = "t_" + test.substr(0, 40) + "_" +
                         std::to_string(std::hash<std::string>{}(test) % 1000000007);
  const std::string quoted = "\"" + db + "\"";
  Status created = (*admin)->Execute("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
  if (created.ok()) created = (*admin)->Execute("CREATE DATABASE " + quoted);
  if (!created.ok()) {
    ADD_FAILURE() << db << ": " << created.error().ToString();
    return "";
  }
  return WithDatabase(admin_locator, db);
}

void EngineTest::SetUp() {
  locator_ = FreshDatabase(GetParam(), "db");
  if (locator_.empty() && !IsSkipped()) FAIL() << "no database";
}

}  // namespace mynacert::store::testing
