// `mynacert resident | card issue | counter | audit` as a user runs them (issue 5): the
// README's renewal from `counter open` to a certificate `openssl verify` accepts, one-line
// errors with exit 2, and `audit verify` catching an edited row.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/shell_test_util.h"
#include "store/database.h"

namespace mynacert::cli {
namespace {

using testing_util::Sh;

class CounterCli : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("mynacert-counter-cli-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    env_ = "MYNACERT_HOME=" + home_.string() +
           " MYNACERT_CA_PASSPHRASE=cli-test-ca-pass MYNACERT_ISSUER_KEY=cli-test-issuer-key-0123 "
           "MYNACERT_CARD_SECRET=cli-test-card ";
  }
  void TearDown() override { std::filesystem::remove_all(home_); }
  testing_util::Outcome M(const std::string& args, const std::string& stdin_text = "") {
    std::string cmd = env_ + MYNACERT_BINARY + std::string(" ") + args;
    if (!stdin_text.empty()) cmd = "printf '" + stdin_text + "' | " + cmd;
    return Sh(cmd);
  }
  std::filesystem::path home_;
  std::string env_;
};

TEST_F(CounterCli, RenewalFromOpenToAVerifiedCertificate) {
  auto add = M("resident add --clerk c1 --municipality yamagata --name '山形　花子' --address "
               "'山形県山形市旅篭町二丁目3番25号' --birth 1980-07-07 --sex 2 --json");
  ASSERT_EQ(add.code, 0) << add.out;
  auto issue = M("card issue --clerk c1 --resident 1 --date 2021-07-07 --applied 2021-06-01 --json",
                 "1234\\nABC123\\n1234\\n1234\\n");
  ASSERT_EQ(issue.code, 0) << issue.out;
  ASSERT_EQ(M("counter open --clerk c1 --resident 1 --counter yamagata-cityhall --date 2026-05-01 "
              "--document holder_card").code, 0);
  auto decide = M("counter decide --clerk c1 --case 2 --json");
  ASSERT_EQ(decide.code, 0) << decide.out;
  auto d = nlohmann::json::parse(decide.out);
  EXPECT_EQ(d["outcome"], "accepted");
  EXPECT_EQ(d["auth_expiry"], "2031-07-07");
  auto run = M("counter execute --clerk c1 --case 2 --json", "1234\\nABC123\\n");
  ASSERT_EQ(run.code, 0) << run.out;
  auto r = nlohmann::json::parse(run.out.substr(run.out.find('{')));
  ASSERT_TRUE(r["completed"].get<bool>());
  const std::string serial = r["issued"][0]["serial"];
  const std::string pem = (home_ / "new-auth.pem").string();
  ASSERT_EQ(M("ca get --dir " + (home_ / "ca").string() + " --kind auth --serial " + serial + " --out " + pem).code, 0);
  auto verify = Sh("openssl verify -CAfile " + (home_ / "ca" / "auth-ca-1.crt.pem").string() + " " + pem);
  EXPECT_EQ(verify.code, 0) << verify.out;
  auto show = M("counter show --case 2");
  ASSERT_EQ(show.code, 0);
  EXPECT_EQ(nlohmann::json::parse(show.out)["state"], "done");
  auto audit = M("audit verify");
  EXPECT_EQ(audit.code, 0) << audit.out;

  // An edited row is found.
  {
    auto db = store::OpenSqlite((home_ / "counter.db").string());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("UPDATE audit_log SET clerk = 'mallory' WHERE seq = 5").ok());
  }
  auto tampered = M("audit verify");
  EXPECT_NE(tampered.code, 0);
  EXPECT_NE(tampered.out.find("記録 5"), std::string::npos) << tampered.out;
}

// The audit log's head is anchored outside the database (audit.head under audit.key): the
// newest records deleted, or all of them, are found; a home whose key is gone does not open,
// and no new key is made for it.
TEST_F(CounterCli, AuditVerifyFindsATruncatedOrEmptiedLog) {
  const std::string add = "resident add --clerk c1 --municipality yamagata --address X --birth 1990-01-01 --sex 1 --name ";
  ASSERT_EQ(M(add + "'A　B'").code, 0);
  ASSERT_EQ(M(add + "'C　D'").code, 0);
  auto ok = M("audit verify --json");
  ASSERT_EQ(ok.code, 0) << ok.out;
  auto j = nlohmann::json::parse(ok.out);
  EXPECT_TRUE(j["keyed"].get<bool>());
  EXPECT_EQ(j["checkpoint_seq"], j["head_seq"]);
  EXPECT_TRUE(std::filesystem::exists(home_ / "audit.key"));
  {
    auto db = store::OpenSqlite((home_ / "counter.db").string());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)").ok());
  }
  auto truncated = M("audit verify");
  EXPECT_NE(truncated.code, 0);
  EXPECT_NE(truncated.out.find("truncated"), std::string::npos) << truncated.out;
  {
    auto db = store::OpenSqlite((home_ / "counter.db").string());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("DELETE FROM audit_log").ok());
  }
  auto emptied = M("audit verify");
  EXPECT_NE(emptied.code, 0);
  EXPECT_NE(emptied.out.find("emptied"), std::string::npos) << emptied.out;

  std::filesystem::remove(home_ / "audit.key");
  auto no_key = M(add + "'E　F'");
  EXPECT_NE(no_key.code, 0);
  EXPECT_NE(no_key.out.find("--audit-key"), std::string::npos) << no_key.out;  // the field, shown as its flag
  EXPECT_FALSE(std::filesystem::exists(home_ / "audit.key"));
}

TEST_F(CounterCli, BadInputIsOneLineAndExitTwo) {
  ASSERT_EQ(M("resident add --clerk c1 --municipality yamagata --name 'A　B' --address X --birth 1990-01-01 --sex 1").code, 0);
  for (const std::string& args :
       {std::string("counter open --clerk c --resident 99 --counter yamagata-cityhall"),
        std::string("counter open --clerk c --resident 1 --counter yamagata-cityhall --date 2026-02-30"),
        std::string("counter open --clerk c --resident 1 --counter nowhere"),
        std::string("resident add --clerk c --municipality osaka --name x --address y --birth 1990-01-01 --sex 1"),
        std::string("counter decide --clerk c --case 42")}) {
    auto o = M(args);
    EXPECT_EQ(o.code, 2) << args << "\n" << o.out;
    EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1) << o.out;
  }
  auto copy = M("counter open --clerk c --resident 1 --counter yamagata-cityhall --document id,kind=passport,copy");
  EXPECT_EQ(copy.code, 2);
  EXPECT_NE(copy.out.find("R-PROC-9"), std::string::npos) << copy.out;
}

}  // namespace
}  // namespace mynacert::cli

namespace mynacert::cli {
namespace {

// R-LOST-1..4 from the command line: `hotline call` holds both certificates (the CA says
// hold), `ca release` refuses (holds are final), a refused call exits 2 and writes nothing,
// and `counter open --procedure abolish_card` abolishes the card.
TEST_F(CounterCli, HotlineCallThenAbolition) {
  ASSERT_EQ(M("resident add --clerk c1 --municipality yamagata --name '山形　花子' --address "
              "'山形県山形市旅篭町二丁目3番25号' --birth 1980-07-07 --sex 2").code, 0);
  ASSERT_EQ(M("card issue --clerk c1 --resident 1 --date 2021-07-07 --applied 2021-06-01",
              "1234\\nABC123\\n1234\\n1234\\n").code, 0);
  auto wrong = M("hotline call --clerk line --name '山形 花子' --birth 1980-07-07 --address '山形市' --json");
  EXPECT_EQ(wrong.code, 2) << wrong.out;
  EXPECT_NE(wrong.out.find("holder"), std::string::npos) << wrong.out;
  auto call = M("hotline call --clerk line --name '山形 花子' --birth 1980-07-07 --address "
                "'山形県山形市旅篭町二丁目3番25号' --event stolen --police-receipt 0123-4567 --json");
  ASSERT_EQ(call.code, 0) << call.out;
  auto receipt = nlohmann::json::parse(call.out.substr(call.out.find('{')));
  ASSERT_EQ(receipt["held"].size(), 2u);
  const std::string auth_serial = receipt["held"][0]["serial"];
  const std::string get = "ca get --dir " + (home_ / "ca").string() + " --kind auth --json --serial " + auth_serial;
  auto shown = M(get);
  ASSERT_EQ(shown.code, 0) << shown.out;
  EXPECT_EQ(nlohmann::json::parse(shown.out)["state"], "hold");
  auto release = M("ca release --actor boss --dir " + (home_ / "ca").string() + " --kind auth --serial " + auth_serial);
  EXPECT_NE(release.code, 0);
  EXPECT_NE(release.out.find("R-LOST-2"), std::string::npos) << release.out;

  auto no_event = M("counter open --clerk c1 --resident 1 --procedure abolish_card --counter yamagata-cityhall "
                    "--date 2026-05-01");
  EXPECT_EQ(no_event.code, 2);
  EXPECT_NE(no_event.out.find("--card-event"), std::string::npos) << no_event.out;
  ASSERT_EQ(M("counter open --clerk c1 --resident 1 --procedure abolish_card --card-event stolen "
              "--counter yamagata-cityhall --date 2026-05-01 --document kind=drivers_license,whose=holder,expires=2030-01-01")
                .code,
            0);
  auto decide = M("counter decide --clerk c1 --case 2 --json");
  ASSERT_EQ(decide.code, 0) << decide.out;
  auto d = nlohmann::json::parse(decide.out);
  EXPECT_EQ(d["outcome"], "accepted") << decide.out;
  EXPECT_EQ(d["fee_yen"], 0);  // stolen: not the holder's fault (R-LOST-4)
  auto run = M("counter execute --clerk c1 --case 2 --json");
  ASSERT_EQ(run.code, 0) << run.out;
  auto after = M(get);
  ASSERT_EQ(after.code, 0) << after.out;
  EXPECT_EQ(nlohmann::json::parse(after.out)["state"], "revoked");
  EXPECT_EQ(nlohmann::json::parse(after.out)["reason"], "keyCompromise") << after.out;
  EXPECT_EQ(M("audit verify").code, 0);
}

}  // namespace
}  // namespace mynacert::cli
