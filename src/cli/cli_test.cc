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

struct Outcome {
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

Outcome Mynacert(const std::string& args) {
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
  Outcome r = Mynacert("explain --birth 1985-07-07 --card-issued 2021-03-01 --today 2025-04-08 --json");
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
  Outcome r = Mynacert("explain --birth 2013-09-01 --card-issued 2025-10-01 --today 2025-10-01");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("署名用電子証明書 (sign cert)"), std::string::npos);
  EXPECT_NE(r.out.find("発行対象外"), std::string::npos);
  EXPECT_NE(r.out.find("[R-CERT-4]"), std::string::npos);
  EXPECT_NE(r.out.find("2025-10-01 (水)"), std::string::npos);
}

// Issue 16: a resident has the card (its face prints the card's expiry) and the letter, never
// the issue dates. Renewed inside the window of 2027-01-22: the certificates run with the card
// to 2032-01-22 (R-VAL-1a, R-VAL-6), and the verdict comes first, dates as residents read them.
TEST(CliExplain, FromWhatTheResidentHoldsTheVerdictComesFirst) {
  Outcome r = Mynacert(
      "explain --birth 1980-01-22 --card-expires 2032-01-22 --renewed --today 2026-12-03");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t verdict = r.out.find("マイナンバーカードと電子証明書は2032年(令和14年)1月22日(木)に");
  ASSERT_NE(verdict, std::string::npos) << r.out;
  EXPECT_LT(verdict, r.out.find("マイナンバーカード (card)"));
  EXPECT_NE(r.out.find("Renew the card, not only the certificates"), std::string::npos);
  EXPECT_EQ(r.out.find("age at issue"), std::string::npos) << "no issue date was given";
  Outcome j = Mynacert(
      "explain --birth 1980-01-22 --cert-expires 2027-01-22 --today 2026-12-03 --json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["verdict"]["code"], "come_now");
  EXPECT_EQ(doc["verdict"]["until_text"], "2027年(令和9年)1月22日(金)");
  EXPECT_EQ(doc["card"]["expires"], "2032-01-22");
  EXPECT_EQ(doc["reading"]["card"], "ten_birthdays");
  EXPECT_EQ(doc["reading"]["card_expiry_given"], false);
}

TEST(CliExplain, MunicipalitySettingsApply) {
  Outcome r = Mynacert(
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
      {"explain --birth 1990-01-01", "--card-expires"},
      {"explain --birth 1980-01-22 --card-expires 2032-03-01", "--card-expires"},
      {"explain --birth 1980-01-22 --card-expires 2032-01-22 --cert-expires 2033-01-22",
       "--cert-expires"},
      {"explain --birth 1980-01-22 --card-expires 2032-01-22 --card-issued 2022-03-01",
       "--card-expires"},
      {"explain --birth 1990-01-01 --card-issued 2021-03-01 --no-such-flag", "--no-such-flag"},
      {"", "subcommand"},
      {"procedure --municipality yamagata --procedure renew --applicant self", "--procedure"},
      {"procedure --municipality yamagata --procedure renewal --applicant friend", "--applicant"},
      {"procedure --municipality yamagata --procedure renewal --applicant self --counter x",
       "--counter"},
      {"procedure --municipality yamagata --procedure renewal --applicant agent_with_form "
       "--form-changed",
       "--form-changed"},
      {"calendar --municipality yokohama --from 2026-02-30", "--from"},
      {"calendar --municipality yokohama --from 2026-03-01 --days 0", "--days"},
      {"calendar --municipality yokohama --counter nowhere", "--counter"},
      {"calendar --municipality nowhere", "--municipality"},
      {"holidays --from 1900", "--from"},
      {"--profiles-dir /nonexistent explain --birth 1990-01-01 --card-issued 2021-03-01 "
       "--municipality yokohama",
       "--profiles-dir"},
      // Behind nginx: a name would never equal the peer's address (issue 15).
      {"serve --home /nonexistent-home --port 0 --trusted-proxy localhost", "--trusted-proxy"},
      // A verifier's forwarded certificate only from a proxy named (issue 18, R-VER-1).
      {"serve --home /nonexistent-home --port 0 --forwarded-client-cert", "--forwarded-client-cert"},
      {"serve --home /nonexistent-home --port 0 --public-url ftp://x/", "--public-url"},
      {"serve --home /nonexistent-home --port 0 --public-url https://x.example", "--public-url"},
      {"serve --home /nonexistent-home --port 0 --smtp-url http://mail", "--smtp-url"},
      {"serve --home /nonexistent-home --port 0 --clock-start 2026-12-01", "--clock-start"},
      {"serve --home /nonexistent-home --port 0 --smtp-url smtp://127.0.0.1:25", "--mail-from"},
      {"db copy --home /nonexistent-home --to mysql://x", "--to"},
      {"db migrate --database mysql://x", "--database"},
  };
  for (const BadCase& c : cases) {
    Outcome r = Mynacert(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_EQ(Lines(r.err), 1) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.must_mention), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args;
  }
}

TEST(CliProcedure, JsonListsVisitsAndDocuments) {
  // Seed 000 (Yamagata): an agent without the form, two visits.
  Outcome r = Mynacert(
      "procedure --municipality yamagata --procedure new_issuance --applicant agent_without_form "
      "--json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["possible"], true);
  EXPECT_EQ(j["same_day"], false);
  ASSERT_EQ(j["visits"].size(), 2u);
  EXPECT_EQ(j["visits"][1]["documents"].size(), 4u);
  EXPECT_EQ(j["visits"][1]["documents"][2]["alternatives"], "A×2 または A×1+B×1");
  EXPECT_EQ(j["reasons"][0]["rule"], "R-PROC-6");
}

TEST(CliProcedure, SetagayaCornerRefusesAnAgent) {
  Outcome r = Mynacert(
      "procedure --municipality setagaya --procedure renewal --applicant agent_with_form "
      "--counter setagaya-corner-wakabayashi");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[R-PROC-8]"), std::string::npos);
  EXPECT_NE(r.out.find("受付できません"), std::string::npos);
}

TEST(CliCalendar, JsonShapeAndYokohamaSaturdays) {
  Outcome r = Mynacert(
      "calendar --municipality yokohama --counter yokohama-naka --from 2026-03-13 --days 9 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["days"].size(), 9u);
  // 2026-03-14: 2nd Saturday, open 09:00-12:00 (R-OFF-5).
  EXPECT_EQ(j["days"][1]["date"], "2026-03-14");
  EXPECT_EQ(j["days"][1]["open"], true);
  EXPECT_EQ(j["days"][1]["hours"][0]["counter"], "yokohama-naka");
  EXPECT_EQ(j["days"][1]["hours"][0]["from"], "09:00");
  EXPECT_EQ(j["days"][1]["hours"][0]["to"], "12:00");
  // 2026-03-20: 春分の日, closed.
  EXPECT_EQ(j["days"][7]["holiday"], "春分の日");
  EXPECT_EQ(j["days"][7]["open"], false);
  EXPECT_TRUE(j["days"][7]["hours"].empty());
  // 2026-03-21: 3rd Saturday, closed.
  EXPECT_EQ(j["days"][8]["open"], false);
  EXPECT_EQ(j["days"][0]["hours"][0]["from"], "08:45");
}

TEST(CliCalendar, YearEndIsClosed) {
  Outcome r = Mynacert("calendar --municipality yamagata --from 2025-12-26 --days 10 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["days"][0]["open"], true);   // Fri 12-26
  for (int i = 3; i <= 8; ++i) EXPECT_EQ(j["days"][i]["open"], false) << i;  // 12-29 .. 01-03
  EXPECT_EQ(j["days"][9]["open"], false);  // Sun 01-04
}

TEST(CliHolidays, CsvMatchesTheCabinetOfficeForm) {
  Outcome r = Mynacert("holidays --from 2019 --to 2019 --csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2019-05-01,休日（祝日扱い）\n"), std::string::npos);
  EXPECT_NE(r.out.find("2019-10-14,体育の日（スポーツの日）\n"), std::string::npos);
  EXPECT_EQ(r.out.find("2019-12-23"), std::string::npos);
}

TEST(CliCa, InitShowAndRefuseToOverwrite) {
  const std::string dir = testing::TempDir() + "mynacert_cli_ca";
  std::system(("rm -rf " + dir).c_str());
  setenv("MYNACERT_TEST_CA_PASS", "a long enough passphrase", 1);
  Outcome init = Mynacert("ca init --dir " + dir + " --passphrase env:MYNACERT_TEST_CA_PASS --json");
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto j = nlohmann::json::parse(init.out);
  ASSERT_EQ(j["cas"].size(), 2u);
  EXPECT_EQ(j["cas"][0]["kind"], "sign");
  EXPECT_EQ(init.out.find("PRIVATE KEY"), std::string::npos);
  Outcome show = Mynacert("ca show --dir " + dir + " --json");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(nlohmann::json::parse(show.out)["cas"][1]["kind"], "auth");
  Outcome again = Mynacert("ca init --dir " + dir + " --passphrase env:MYNACERT_TEST_CA_PASS");
  EXPECT_EQ(again.exit_code, 2);
  // A passphrase on the command line is refused without echoing it.
  Outcome literal = Mynacert("ca init --dir " + dir + "2 --passphrase hunter2hunter2hunter2");
  EXPECT_EQ(literal.exit_code, 2);
  EXPECT_EQ(literal.err.find("hunter2"), std::string::npos) << literal.err;
  EXPECT_NE(literal.err.find("--passphrase"), std::string::npos);
}

TEST(CliProfiles, ASixthMunicipalityFromAFolder) {
  Outcome r = Mynacert(std::string("--profiles-dir ") + MYNACERT_SOURCE_DIR +
                       "/tests/data/profiles/sixth calendar --municipality testshi "
                       "--from 2026-12-28 --days 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["days"][0]["open"], false);  // 12-28 closure
}

}  // namespace
