// Runs the real ./build/mynacert binary: exit codes, one-line errors, the JSON contract.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

struct Run {
  int exit_code;
  std::string out;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Run Mynacert(const std::string& args) {
  const std::string base = testing::TempDir() + "mynacert_cli_" +
                           testing::UnitTest::GetInstance()->current_test_info()->name();
  const std::string cmd = std::string(MYNACERT_BINARY) + " " + args + " >" + base + ".out 2>" +
                          base + ".err </dev/null";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(base + ".out"), Slurp(base + ".err")};
}

int Lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(CliExplain, JsonCarriesTheContractFields) {
  // Seed 001 (Kanazawa): expiry 7/7 -> renewal from 4/8.
  Run r = Mynacert("explain --birth 1985-07-07 --card-issued 2021-03-01 --today 2025-04-08 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["card"]["expires"], "2030-07-07");
  EXPECT_EQ(j["certificates"]["sign"]["expires"], "2025-07-07");
  EXPECT_EQ(j["certificates"]["auth"]["expires"], "2025-07-07");
  EXPECT_EQ(j["certificates"]["auth"]["renewal_from"], "2025-04-08");
  EXPECT_EQ(j["certificates"]["sign"]["renewal_from"], "2025-04-08");
  EXPECT_EQ(j["certificates"]["auth"]["status"], "renewable");
  EXPECT_EQ(j["certificates"]["sign"]["eligible"], true);
  EXPECT_EQ(j["health_insurance_until"], "2025-10-31");
  ASSERT_TRUE(j["reasons"].is_array());
  bool win1 = false;
  for (const auto& reason : j["reasons"]) {
    ASSERT_TRUE(reason.contains("rule") && reason.contains("text"));
    win1 = win1 || reason["rule"] == "R-WIN-1";
  }
  EXPECT_TRUE(win1);
}

TEST(CliExplain, HumanOutputIsJapaneseWithEnglish) {
  Run r = Mynacert("explain --birth 2013-09-01 --card-issued 2025-10-01 --today 2025-10-01");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("署名用電子証明書 (sign cert)"), std::string::npos);
  EXPECT_NE(r.out.find("発行対象外"), std::string::npos);
  EXPECT_NE(r.out.find("[R-CERT-4]"), std::string::npos);
  EXPECT_NE(r.out.find("2025-10-01 (水)"), std::string::npos);
}

TEST(CliExplain, MunicipalitySettingsApply) {
  Run r = Mynacert(
      "explain --birth 1980-04-30 --card-issued 2021-05-01 --today 2026-01-31 "
      "--municipality yokohama --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["municipality"], "yokohama");
  EXPECT_EQ(j["settings"]["renewal_window_reading"], "A");
  EXPECT_EQ(j["certificates"]["auth"]["renewal_from"], "2026-01-31");
}

struct BadCase {
  const char* args;
  const char* must_mention;
};

TEST(CliBadInput, OneLineNamingTheFlagAndExitCode2) {
  const BadCase cases[] = {
      {"explain --birth 2026-02-30 --card-issued 2026-03-01", "--birth"},
      {"explain --birth 1990-01-01 --card-issued 2021/03/01", "--card-issued"},
      {"explain --birth 2030-01-01 --card-issued 2021-03-01 --card-applied 2021-02-01",
       "--card-applied"},
      {"explain --birth 1990-01-01 --card-issued 2021-03-01 --today 2020-01-01", "--today"},
      {"explain --birth 1990-01-01 --card-issued 2021-03-01 --municipality osaka",
       "--municipality"},
      {"explain --birth 1990-01-01 --card-issued 2021-03-01 --abroad --stay-until 2024-01-01",
       "--abroad"},
      {"explain --birth 1990-01-01 --card-issued 2021-03-01 --cert-renewal", "--cert-renewal"},
      {"explain --card-issued 2021-03-01", "--birth"},
      {"explain --birth 1990-01-01 --card-issued 2021-03-01 --no-such-flag", "--no-such-flag"},
      {"", "subcommand"},
  };
  for (const BadCase& c : cases) {
    Run r = Mynacert(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_EQ(Lines(r.err), 1) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.must_mention), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
}

}  // namespace
