// `mynacert demo seed` as scripts/start.sh and the browser tests run it: the JSON they parse,
// a second seed refused (exit 2, --home, nothing written) or skipped with --if-empty, and bad
// input refused before anything is written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/shell_test_util.h"

namespace mynacert::cli {
namespace {

using testing_util::Sh;

class DemoCli : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("mynacert-demo-cli-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    env_ =
        "MYNACERT_CA_PASSPHRASE=cli-test-ca-pass MYNACERT_ISSUER_KEY=cli-test-issuer-key-0123 "
        "MYNACERT_CARD_SECRET=cli-test-card DEMO_STAFF_PASSWORD=demo-staff-password-1 ";
  }
  void TearDown() override { std::filesystem::remove_all(home_); }
  // stdout only when `stdout_only` (the JSON), else stdout and stderr together.
  testing_util::Outcome M(const std::string& args, bool stdout_only = false) {
    const std::string cmd = "umask 022; " + env_ + MYNACERT_BINARY + std::string(" ") + args;
    return Sh(stdout_only ? "(" + cmd + " 2>/dev/null)" : cmd);
  }
  std::string Home() const { return "--home " + home_.string(); }
  static int Lines(const std::string& s) {
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
  }

  std::filesystem::path home_;
  std::string env_;
};

TEST_F(DemoCli, SeedsTheJsonTheBrowserTestsReadThenRefusesOrSkipsASecondSeed) {
  // Under the common umask 022 (issue 14: counter.db, letters and CSVs were 0644).
  auto seed = M(
      "demo seed " + Home() + " --today 2028-02-29 --staff-password env:DEMO_STAFF_PASSWORD --json",
      true);
  ASSERT_EQ(seed.code, 0) << seed.out;
  const auto j = nlohmann::json::parse(seed.out);
  EXPECT_EQ(j["today"], "2028-02-29");  // a leap day as "today"
  EXPECT_EQ(j["staff"], nlohmann::json::array({"clerk", "supervisor", "hotline"}));
  ASSERT_EQ(j["residents"].size(), 85u);
  std::set<std::string> situations;
  const nlohmann::json* yokohama_booker = nullptr;
  int applications = 0;
  for (const auto& r : j["residents"]) {
    situations.insert(r["situation"].get<std::string>());
    EXPECT_TRUE(r["id"].is_number_integer());
    EXPECT_TRUE(r["situation_ja"].is_string());
    EXPECT_TRUE(r["cert_expiry"].is_string());
    EXPECT_TRUE(r["card_expiry"].is_string());
    ASSERT_TRUE(r.contains("card_application"));
    if (r["card_application"].is_string()) {
      ++applications;
      EXPECT_TRUE(r["situation"] == "card_renewal_noticed" || r["situation"] == "pickup_ready");
      EXPECT_EQ(r["card_application"].get<std::string>().size(), 23u);
    } else {
      EXPECT_TRUE(r["card_application"].is_null());
    }
    if (r["municipality"] == "yokohama" && r["situation"] == "in_window" &&
        r["reservation_id"].is_string()) {
      yokohama_booker = &r;
    }
  }
  EXPECT_EQ(situations.size(), 16u);
  EXPECT_TRUE(situations.contains("face_card"));
  EXPECT_EQ(applications, 10);  // card_renewal_noticed and pickup_ready in each municipality
  ASSERT_NE(yokohama_booker, nullptr);

  // A second seed: refused, one line naming --home, nothing written.
  const auto before = std::filesystem::last_write_time(home_ / "counter.db");
  auto again = M("demo seed " + Home() + " --today 2028-03-01");
  EXPECT_EQ(again.code, 2) << again.out;
  EXPECT_EQ(Lines(again.out), 1) << again.out;
  EXPECT_NE(again.out.find("--home"), std::string::npos) << again.out;
  EXPECT_EQ(std::filesystem::last_write_time(home_ / "counter.db"), before);

  // --if-empty: left as it is, exit 0, says so.
  auto skip = M("demo seed " + Home() + " --if-empty");
  EXPECT_EQ(skip.code, 0) << skip.out;
  EXPECT_NE(skip.out.find("85"), std::string::npos) << skip.out;
  auto skip_json = M("demo seed " + Home() + " --if-empty --json", true);
  ASSERT_EQ(skip_json.code, 0);
  EXPECT_EQ(nlohmann::json::parse(skip_json.out)["skipped"], true);

  // The notice batch's letters and CSVs too; then nothing in the home is readable by others.
  auto run = M("notices run " + Home() + " --date 2028-02-29");
  ASSERT_EQ(run.code, 0) << run.out;
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(home_)) {
    const auto perms = e.symlink_status().permissions();
    ++files;
    // The CA certificates are public (served at /ca/*.crt) and written 0644 on purpose, for a
    // CA folder used on its own; inside the home they are behind its 0700 all the same.
    if (e.path().string().ends_with(".crt.pem")) continue;
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << e.path();
  }
  EXPECT_GT(files, 85);
  EXPECT_EQ(std::filesystem::status(home_).permissions() &
                (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

TEST_F(DemoCli, BadInputIsOneLineExitTwoAndWritesNothing) {
  struct Case {
    std::string args, env, field;
  };
  for (const Case& c : std::vector<Case>{
           {"--today 2026-02-30", "", "--today"},
           {"--staff-password env:NOPE_NOT_SET", "", "--staff-password"},
           {"--staff-password env:SHORT", "SHORT=short ", "--staff-password"},
           {"", "MYNACERT_CA_PASSPHRASE= ", "--passphrase"},
           {"--card-secret file:/nonexistent/secret", "", "--card-secret"},
       }) {
    auto o =
        Sh(env_ + c.env + MYNACERT_BINARY + std::string(" demo seed ") + Home() + " " + c.args);
    EXPECT_EQ(o.code, 2) << c.args << "\n" << o.out;
    EXPECT_EQ(Lines(o.out), 1) << o.out;
    EXPECT_NE(o.out.find(c.field), std::string::npos) << o.out;
    EXPECT_FALSE(std::filesystem::exists(home_)) << c.args;
  }

  // A home that already has a resident of its own.
  ASSERT_EQ(
      M("resident add --clerk c1 " + Home() +
        " --municipality yamagata --name '山形　花子' --address '山形県山形市旅篭町二丁目3番25号' "
        "--birth 1980-07-07 --sex 2")
          .code,
      0);
  auto refused = M("demo seed " + Home());
  EXPECT_EQ(refused.code, 2) << refused.out;
  EXPECT_NE(refused.out.find("--home"), std::string::npos) << refused.out;
  EXPECT_FALSE(std::filesystem::exists(home_ / "ca")) << "nothing written: no CA made";
}

}  // namespace
}  // namespace mynacert::cli
