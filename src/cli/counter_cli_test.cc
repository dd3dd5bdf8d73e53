// `mynacert resident | card issue | counter | audit` as a user runs them (issue 5): the
// README's renewal from `counter open` to a certificate `openssl verify` accepts, one-line
// errors with exit 2, and `audit verify` catching an edited row.
#include <gtest/gtest.h>
#include <unistd.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <nlohmann/json.hpp>

#include "cli/shell_test_util.h"
#include "pki/testing_pdf.h"
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
  // 山形　花子 (resident 1, Yamagata) with a card and both certificates issued on `issued`.
  void HolderWithCard(const std::string& issued = "2021-07-07", const std::string& applied = "2021-06-01") {
    auto add = M("resident add --clerk c1 --municipality yamagata --name '山形　花子' --address "
                 "'山形県山形市旅篭町二丁目3番25号' --birth 1980-07-07 --sex 2");
    ASSERT_EQ(add.code, 0) << add.out;
    auto card = M("card issue --clerk c1 --resident 1 --date " + issued + " --applied " + applied,
                  "1234\\nABC123\\n1234\\n1234\\n");
    ASSERT_EQ(card.code, 0) << card.out;
  }
  // `mynacert serve` on the home, on a free port; stopped however the test ends (a failed
  // ASSERT must not leave it running).
  struct ServeProcess {
    pid_t pid = -1;
    std::string base;  // http://127.0.0.1:<port>
    ~ServeProcess() {
      if (pid <= 0) return;
      kill(pid, SIGTERM);
      int status = 0;
      waitpid(pid, &status, 0);
    }
  };
  void StartServe(ServeProcess& serve) {
    std::filesystem::create_directories(home_);  // for the log, on a home serve makes
    const std::string port_file = (home_ / "port").string();
    std::filesystem::remove(port_file);
    serve.pid = fork();
    ASSERT_GE(serve.pid, 0);
    if (serve.pid == 0) {
      setenv("MYNACERT_HOME", home_.c_str(), 1);
      setenv("MYNACERT_CA_PASSPHRASE", "cli-test-ca-pass", 1);
      setenv("MYNACERT_ISSUER_KEY", "cli-test-issuer-key-0123", 1);
      setenv("MYNACERT_CARD_SECRET", "cli-test-card", 1);
      const std::string log = (home_ / "serve.log").string();
      if (!freopen(log.c_str(), "w", stdout) || !freopen(log.c_str(), "a", stderr)) _exit(126);
      execl(MYNACERT_BINARY, MYNACERT_BINARY, "serve", "--port", "0", "--port-file", port_file.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    std::string port;
    for (int i = 0; i < 200 && port.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream(port_file) >> port;
    }
    ASSERT_FALSE(port.empty()) << "serve did not start";
    serve.base = "http://127.0.0.1:" + port;
  }
  // The only card file of the home, as the holder's client's flags.
  std::string CardAccess() {
    std::string card;
    for (const auto& e : std::filesystem::directory_iterator(home_ / "cards")) card = e.path().string();
    EXPECT_FALSE(card.empty());
    return " --card " + card + " --secret env:MYNACERT_CARD_SECRET";
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
// The holder's client reads the 券面事項入力補助 AP the counter wrote at issuance (issue 19),
// and checks its signature with the key the service publishes.
TEST_F(CounterCli, TheCardDataWrittenAtIssuanceReadBackWithTheTextPin) {
  ASSERT_NO_FATAL_FAILURE(HolderWithCard());
  ServeProcess serve;
  ASSERT_NO_FATAL_FAILURE(StartServe(serve));
  const std::string cert = (home_ / "card-data.crt").string();
  auto got = Sh("curl -sf -o " + cert + " " + serve.base + "/ca/card-data.crt");
  ASSERT_EQ(got.code, 0) << got.out;
  EXPECT_NE(Sh("openssl x509 -inform DER -in " + cert + " -noout -subject").out.find("not J-LIS"),
            std::string::npos);
  auto show = M("card show --json --text-pin env:T_TEXT --card-data-cert " + cert + CardAccess());
  ASSERT_EQ(show.code, 2) << show.out;  // T_TEXT is not set: the source named
  EXPECT_NE(show.out.find("--text-pin"), std::string::npos) << show.out;
  env_ += "T_TEXT=1234 T_WRONG=9999 ";
  show = M("card show --json --text-pin env:T_TEXT --card-data-cert " + cert + CardAccess());
  ASSERT_EQ(show.code, 0) << show.out;
  auto j = nlohmann::json::parse(show.out);
  const auto& d = j["card_data"];
  EXPECT_EQ(d["name"], "山形　花子");
  EXPECT_EQ(d["address"], "山形県山形市旅篭町二丁目３番２５号");
  EXPECT_EQ(d["birth"], "1980-07-07");
  EXPECT_EQ(d["sex"], "2");
  EXPECT_EQ(d["my_number"].get<std::string>().size(), 12u);
  EXPECT_EQ(d["signature"], "verified");
  // The text form hides all but the last four digits, and writes the date as residents read it.
  show = M("card show --text-pin env:T_TEXT" + CardAccess());
  ASSERT_EQ(show.code, 0) << show.out;
  EXPECT_EQ(show.out.find(d["my_number"].get<std::string>()), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("1980年(昭和55年)7月7日(月)"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("未確認"), std::string::npos) << show.out;
  // A wrong PIN costs a try and reads nothing.
  show = M("card show --json --text-pin env:T_WRONG" + CardAccess());
  EXPECT_EQ(show.code, 2) << show.out;
  EXPECT_NE(show.out.find("残り 2 回"), std::string::npos) << show.out;
  EXPECT_EQ(show.out.find("山形　花子"), std::string::npos) << show.out;
  // Another key's certificate: the data do not verify under it.
  const std::string other = (home_ / "other.crt").string();
  ASSERT_EQ(Sh("cp " + (home_ / "ca" / "auth-ca-1.crt.pem").string() + " " + other).code, 0);
  show = M("card show --json --text-pin env:T_TEXT --card-data-cert " + other + CardAccess());
  EXPECT_EQ(show.code, 2) << show.out;
  EXPECT_NE(show.out.find("ef0004"), std::string::npos) << show.out;
}

// The 券面 AP the counter wrote at issuance, read with 照合番号A (the My Number) and written out
// as files: the photo decodes as JPEG 2000; the chip answers the challenge with the face's key.
TEST_F(CounterCli, TheCardFaceReadsWithTheCollationNumberAndItsImagesAreWrittenOut) {
  ASSERT_NO_FATAL_FAILURE(HolderWithCard());
  ServeProcess serve;
  ASSERT_NO_FATAL_FAILURE(StartServe(serve));
  const std::string cert = (home_ / "card-data.crt").string();
  ASSERT_EQ(Sh("curl -sf -o " + cert + " " + serve.base + "/ca/card-data.crt").code, 0);
  env_ += "T_TEXT=1234 ";
  auto data = M("card show --json --text-pin env:T_TEXT" + CardAccess());
  ASSERT_EQ(data.code, 0) << data.out;
  const std::string number = nlohmann::json::parse(data.out)["card_data"]["my_number"];
  env_ += "T_A=" + number + " T_A_WRONG=000000000000 ";
  const std::string out = (home_ / "face").string();
  auto show = M("card show --json --face-pin env:T_A --face-out " + out + " --card-data-cert " + cert +
                CardAccess());
  ASSERT_EQ(show.code, 0) << show.out;
  const auto face = nlohmann::json::parse(show.out)["card_face"];
  EXPECT_EQ(face["pin"], "a");
  EXPECT_EQ(face["birth"], "1980-07-07");
  EXPECT_EQ(face["sex"], "2");
  EXPECT_EQ(face["signature"], "verified");
  EXPECT_EQ(face["chip_present"], true);
  for (const char* f : {"name.png", "address.png", "photo.jp2", "security-code.png", "my-number.png"}) {
    EXPECT_TRUE(std::filesystem::exists(home_ / "face" / f)) << f;
    EXPECT_EQ(std::filesystem::status(home_ / "face" / f).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none) << f;
  }
  auto decoded = Sh("opj_decompress -i " + out + "/photo.jp2 -o " + out + "/photo.pgm >/dev/null 2>&1 && head -c 2 " +
                    out + "/photo.pgm");
  EXPECT_EQ(decoded.out, "P5") << decoded.out;
  // The text form: the expiry as residents read it, and what the chip proved.
  show = M("card show --face-pin env:T_A" + CardAccess());
  ASSERT_EQ(show.code, 0) << show.out;
  EXPECT_NE(show.out.find("券面AP"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("券面の鍵で署名できました"), std::string::npos) << show.out;
  // A wrong 照合番号A costs one of its ten tries and reads nothing; --face-out alone is refused.
  show = M("card show --json --face-pin env:T_A_WRONG" + CardAccess());
  EXPECT_EQ(show.code, 2) << show.out;
  EXPECT_NE(show.out.find("残り 9 回"), std::string::npos) << show.out;
  show = M("card show --face-out " + out + CardAccess());
  EXPECT_EQ(show.code, 2) << show.out;
  EXPECT_NE(show.out.find("--face-out"), std::string::npos) << show.out;
}

TEST_F(CounterCli, HotlineCallThenAbolition) {
  ASSERT_NO_FATAL_FAILURE(HolderWithCard());
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

// R-FACE-3/4 at the command line: a card switched to a face card (the sign certificate revoked
// cessationOfOperation), back to PINs with the face check staff report (a bad value refused
// before anything runs, a mismatch counted on the card and refused with R-FACE-2); and the
// card applications' refusals naming their flags (R-CARD-1).
TEST_F(CounterCli, FaceSwitchBothWaysAndApplicationRefusals) {
  ASSERT_NO_FATAL_FAILURE(HolderWithCard());
  auto no_type = M("counter open --clerk c1 --resident 1 --procedure face_switch --counter yamagata-cityhall "
                   "--date 2025-02-10 --document holder_card");
  EXPECT_EQ(no_type.code, 2);
  EXPECT_NE(no_type.out.find("--card-type"), std::string::npos) << no_type.out;
  ASSERT_EQ(M("counter open --clerk c1 --resident 1 --procedure face_switch --card-type face "
              "--counter yamagata-cityhall --date 2025-02-10 --document holder_card")
                .code,
            0);
  auto decided = M("counter decide --clerk c1 --case 2 --json");
  ASSERT_EQ(decided.code, 0) << decided.out;
  EXPECT_EQ(nlohmann::json::parse(decided.out)["outcome"], "accepted") << decided.out;
  auto run = M("counter execute --clerk c1 --case 2 --json");
  ASSERT_EQ(run.code, 0) << run.out;
  auto shown = M("resident show --resident 1 --json");
  ASSERT_EQ(shown.code, 0) << shown.out;
  const auto resident = nlohmann::json::parse(shown.out);
  std::string sign_reason;
  for (const auto& c : resident["certificates"]) {
    if (c["kind"] == "sign" && c["state"] == "revoked") sign_reason = c["reason"];
  }
  EXPECT_EQ(sign_reason, "cessationOfOperation") << shown.out;

  ASSERT_EQ(M("counter open --clerk c1 --resident 1 --procedure face_switch --card-type pin "
              "--counter yamagata-cityhall --date 2025-02-11 --document holder_card "
              "--document kind=drivers_license,whose=holder,expires=2030-01-01")
                .code,
            0);
  ASSERT_EQ(M("counter decide --clerk c1 --case 3 --json").code, 0);
  auto bogus = M("counter execute --clerk c1 --case 3 --face-check maybe");
  EXPECT_EQ(bogus.code, 2);
  EXPECT_NE(bogus.out.find("--face-check"), std::string::npos) << bogus.out;
  auto mismatch = M("counter execute --clerk c1 --case 3 --face-check mismatch");
  EXPECT_NE(mismatch.code, 0);
  EXPECT_NE(mismatch.out.find("R-FACE-2"), std::string::npos) << mismatch.out;
  EXPECT_NE(mismatch.out.find("9"), std::string::npos) << mismatch.out;  // tries left
  // The holder's new auth PIN, then the new sign PIN.
  auto back = M("counter execute --clerk c1 --case 3 --face-check match --json", "5678\\nNEWPIN99\\n");
  ASSERT_EQ(back.code, 0) << back.out;

  auto unknown = M("counter application show --application 00000000000000000000000");
  EXPECT_NE(unknown.code, 0);
  EXPECT_NE(unknown.out.find("--application"), std::string::npos) << unknown.out;
  auto channel = M("counter application apply --clerk c1 --application 00000000000000000000000 --channel fax");
  EXPECT_EQ(channel.code, 2);
  EXPECT_NE(channel.out.find("--channel"), std::string::npos) << channel.out;
  auto state = M("counter application list --state lost");
  EXPECT_EQ(state.code, 2);
  EXPECT_NE(state.out.find("--state"), std::string::npos) << state.out;
  EXPECT_EQ(M("audit verify").code, 0);
}

}  // namespace
}  // namespace mynacert::cli

namespace mynacert::cli {
namespace {

// R-HOLDER-1 and R-REV-2 with the holder's client on a card file: the CAs' certificates and an
// exported certificate read back by openssl, a PIN change checked by R-CERT-2 before the card
// (a refused new PIN costs no try), the status asked online from `serve`'s OCSP, a kiosk PIN
// reset booked with the card and done at the kiosk (R-KIOSK-1/2), and the online revocation
// request: the service's challenge signed on the card, the certificate then revoked
// cessationOfOperation.
TEST_F(CounterCli, HoldersClientExportsChangesThePinChecksOnlineBooksTheKioskAndRevokes) {
  ASSERT_NO_FATAL_FAILURE(HolderWithCard("2024-07-07", "2024-06-01"));
  std::string card;
  for (const auto& e : std::filesystem::directory_iterator(home_ / "cards")) card = e.path().string();
  ASSERT_FALSE(card.empty());
  const std::string access = " --card " + card + " --secret env:MYNACERT_CARD_SECRET";
  const std::string pins = "MYNACERT_OLD=1234 MYNACERT_NEW=5678 MYNACERT_BAD=12345 ";

  auto cas = M("card ca-certs --json --out-dir " + home_.string() + access);
  ASSERT_EQ(cas.code, 0) << cas.out;
  auto cj = nlohmann::json::parse(cas.out);
  ASSERT_EQ(cj.size(), 2u);
  EXPECT_TRUE(cj[0]["self_signed"].get<bool>());
  const std::string exported = (home_ / "auth.der").string();
  ASSERT_EQ(M("card export --slot auth --out " + exported + access).code, 0);
  const std::string ca_pem = (home_ / "auth-ca.pem").string(), pem = (home_ / "auth.pem").string();
  auto verify = testing_util::Sh("openssl x509 -inform DER -in " + (home_ / "auth-ca.der").string() + " -out " + ca_pem +
                                 " && openssl x509 -inform DER -in " + exported + " -out " + pem +
                                 " && openssl verify -CAfile " + ca_pem + " " + pem);
  EXPECT_NE(verify.out.find("auth.pem: OK"), std::string::npos) << verify.out;
  auto no_pin = M("card export --slot sign --out " + (home_ / "sign.der").string() + access);
  EXPECT_EQ(no_pin.code, 2);
  EXPECT_NE(no_pin.out.find("--pin"), std::string::npos) << no_pin.out;

  auto bad = Sh(env_ + pins + MYNACERT_BINARY + " card change-pin --pin-kind auth --pin env:MYNACERT_OLD --new-pin env:MYNACERT_BAD" + access);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("--new-pin"), std::string::npos) << bad.out;
  auto shown = M("card show --json" + access);
  ASSERT_EQ(shown.code, 0) << shown.out;
  EXPECT_EQ(nlohmann::json::parse(shown.out)["pin_tries_left"]["auth"], 3);  // no try spent
  auto changed = Sh(env_ + pins + MYNACERT_BINARY + " card change-pin --pin-kind auth --pin env:MYNACERT_OLD --new-pin env:MYNACERT_NEW" + access);
  ASSERT_EQ(changed.code, 0) << changed.out;
  EXPECT_EQ(Sh(env_ + pins + MYNACERT_BINARY + " card verify-pin --pin-kind auth --pin env:MYNACERT_NEW" + access).code, 0);
  EXPECT_NE(Sh(env_ + pins + MYNACERT_BINARY + " card verify-pin --pin-kind auth --pin env:MYNACERT_OLD" + access).code, 0);
  // R-HOLDER-2: a PIN locked by wrong tries is not unlocked by the holder's client, even with
  // the right PIN: a counter (R-PIN-1) or the kiosk (R-KIOSK) does it.
  for (int i = 0; i < 3; ++i) {
    EXPECT_NE(Sh(env_ + pins + "MYNACERT_WRONG=9999 " + MYNACERT_BINARY +
                 " card change-pin --pin-kind text --pin env:MYNACERT_WRONG --new-pin env:MYNACERT_NEW" + access)
                  .code,
              0);
  }
  auto locked = Sh(env_ + pins + MYNACERT_BINARY + " card change-pin --pin-kind text --pin env:MYNACERT_OLD --new-pin env:MYNACERT_NEW" + access);
  EXPECT_EQ(locked.code, 2);
  EXPECT_NE(locked.out.find("R-HOLDER-2"), std::string::npos) << locked.out;

  ServeProcess serve;
  ASSERT_NO_FATAL_FAILURE(StartServe(serve));
  const std::string base = serve.base;
  auto good = M("card status --json --url " + base + "/ocsp" + access);
  EXPECT_EQ(good.code, 0) << good.out;
  if (good.code == 0) {
    EXPECT_EQ(nlohmann::json::parse(good.out)["auth"]["status"], "good") << good.out;
  }
  // R-KIOSK-1: the sign password is forgotten; booked with the auth certificate's key, reset at
  // the kiosk with the auth PIN; the 住基 PIN is not a kiosk's (R-KIOSK-2).
  const std::string kiosk_pins = pins + "MYNACERT_SIGN_NEW=XYZ789 ";
  auto juki = Sh(env_ + kiosk_pins + MYNACERT_BINARY + " card kiosk-booking --pin-kind juki --known-pin env:MYNACERT_NEW --url " + base + access);
  EXPECT_NE(juki.code, 0);
  EXPECT_NE(juki.out.find("R-KIOSK-2"), std::string::npos) << juki.out;
  auto booked = Sh(env_ + kiosk_pins + MYNACERT_BINARY + " card kiosk-booking --json --pin-kind sign --known-pin env:MYNACERT_NEW --url " + base + access);
  ASSERT_EQ(booked.code, 0) << booked.out;
  const std::string booking = nlohmann::json::parse(booked.out.substr(booked.out.find('{')))["booking"];
  auto at_kiosk = [&](const std::string& kind) {
    return Sh(env_ + kiosk_pins + MYNACERT_BINARY + " kiosk reset-pin --clerk kiosk-01 --booking " + booking +
              " --pin-kind " + kind + " --known-pin env:MYNACERT_NEW --new-pin env:MYNACERT_SIGN_NEW" + access);
  };
  auto refused = at_kiosk("juki");
  EXPECT_NE(refused.code, 0);
  EXPECT_NE(refused.out.find("R-KIOSK-2"), std::string::npos) << refused.out;
  auto reset = at_kiosk("sign");
  ASSERT_EQ(reset.code, 0) << reset.out;
  EXPECT_EQ(Sh(env_ + kiosk_pins + MYNACERT_BINARY + " card verify-pin --pin-kind sign --pin env:MYNACERT_SIGN_NEW" + access).code, 0);
  auto twice = at_kiosk("sign");
  EXPECT_NE(twice.code, 0);  // a booking resets once
  EXPECT_NE(twice.out.find("--booking"), std::string::npos) << twice.out;

  auto revoked = Sh(env_ + pins + MYNACERT_BINARY + " card revoke-request --json --slot auth --pin env:MYNACERT_NEW --url " + base + access);
  EXPECT_EQ(revoked.code, 0) << revoked.out;
  auto after = M("card status --json --url " + base + "/ocsp" + access);
  EXPECT_EQ(after.code, 0) << after.out;
  if (after.code == 0) {
    auto a = nlohmann::json::parse(after.out)["auth"];
    EXPECT_EQ(a["status"], "revoked") << after.out;
    EXPECT_EQ(a["reason"], "cessationOfOperation") << after.out;
  }
  // Once revoked, a second request is refused with its rule; nothing else changes.
  auto again = Sh(env_ + pins + MYNACERT_BINARY + " card revoke-request --slot auth --pin env:MYNACERT_NEW --url " + base + access);
  EXPECT_NE(again.code, 0);
  EXPECT_NE(again.out.find("R-REV-2"), std::string::npos) << again.out;
  EXPECT_EQ(M("audit verify").code, 0);
}

}  // namespace
}  // namespace mynacert::cli

namespace mynacert::cli {
namespace {

// What `curl` answered: the HTTP status and the body.
struct CurlReply {
  int status = 0;
  nlohmann::json body;
};
CurlReply CurlJson(const std::string& url, const std::string& key, const std::string& body) {
  const std::string auth = key.empty() ? "" : " -H 'Authorization: Bearer " + key + "'";
  auto out = Sh("curl -s -w '\\n%{http_code}' -H 'Content-Type: application/json'" + auth + " --data-binary '" + body +
                "' " + url);
  CurlReply r;
  const size_t nl = out.out.rfind('\n');
  if (nl == std::string::npos) return r;
  r.status = std::atoi(out.out.c_str() + nl + 1);
  r.body = nlohmann::json::parse(out.out.substr(0, nl), nullptr, false);
  return r;
}

std::string HexOfFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const char* kDigits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 15]);
  }
  return hex;
}

// R-VER-1/3/4 from a fresh home, as an operator, a holder and a verifier do it: `verifier
// add` prints the key once; the verifier API refuses a caller without it; the holder consents
// with `card consent` (the card signs with the sign key); after a move the 現況確認 gives the
// new address; `card login` logs in to the demo relying party until the card is reported
// lost; `verifier revoke` makes the key useless; every step is in the audit log.
TEST_F(CounterCli, VerifierRegistryConsentAndCurrentStateOverServe) {
  ASSERT_NO_FATAL_FAILURE(HolderWithCard("2024-07-07", "2024-06-01"));
  const std::string access = CardAccess();
  auto bad = M("verifier add --name 電子契約株式会社 --kinds all");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("--kinds"), std::string::npos) << bad.out;
  auto added = M("verifier add --by supervisor-1 --name 電子契約株式会社 --kinds sign --json");
  ASSERT_EQ(added.code, 0) << added.out;
  const auto v = nlohmann::json::parse(added.out);
  const std::string id = v["id"], key = v["api_key"];
  auto listed = M("verifier list");
  ASSERT_EQ(listed.code, 0);
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(key), std::string::npos);  // shown once, by add only
  // A client certificate (mTLS): a file that is not one, or a CA's, is refused by its flag and
  // changes nothing; one made by OpenSSL's command line is registered by its SHA-256.
  const std::string pem = (home_ / "client.pem").string(), ca_pem = (home_ / "ca.pem").string();
  ASSERT_EQ(Sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -out " + pem +
               " -days 30 -subj /CN=login.example -addext basicConstraints=critical,CA:FALSE"
               " -addext extendedKeyUsage=clientAuth 2>&1").code, 0);
  ASSERT_EQ(Sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -out " + ca_pem +
               " -days 30 -subj /CN=ca.example -addext basicConstraints=critical,CA:TRUE 2>&1").code, 0);
  for (const std::string& bad_cert : {ca_pem, (home_ / "sign.der").string() + ".missing"}) {
    auto refused = M("verifier set-client-cert --id " + id + " --client-cert " + bad_cert);
    EXPECT_EQ(refused.code, 2) << refused.out;
    EXPECT_NE(refused.out.find("--client-cert"), std::string::npos) << refused.out;
  }
  auto set = M("verifier set-client-cert --by supervisor-1 --id " + id + " --client-cert " + pem + " --json");
  ASSERT_EQ(set.code, 0) << set.out;
  const std::string fingerprint =
      Sh("openssl x509 -in " + pem + " -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f").out;
  EXPECT_EQ(nlohmann::json::parse(set.out)["client_certificate"]["sha256"].get<std::string>() + "\n", fingerprint);
  EXPECT_NE(M("verifier list").out.find("[mTLS CN=login.example]"), std::string::npos);
  auto taken = M("verifier add --name 別の事業者 --kinds auth --client-cert " + pem);
  EXPECT_EQ(taken.code, 2) << taken.out;
  EXPECT_NE(taken.out.find(id), std::string::npos) << taken.out;

  ASSERT_EQ(Sh(env_ + "MYNACERT_SIGN=ABC123 " + MYNACERT_BINARY + " card export --slot sign --pin env:MYNACERT_SIGN --out " +
               (home_ / "sign.der").string() + access).code,
            0);
  const std::string cert = "{\"certificate_hex\":\"" + HexOfFile(home_ / "sign.der") + "\"}";

  ServeProcess serve;
  ASSERT_NO_FATAL_FAILURE(StartServe(serve));
  const std::string status_url = serve.base + "/api/verifier/v1/status";
  EXPECT_EQ(CurlJson(status_url, "", cert).status, 401);
  EXPECT_EQ(CurlJson(status_url, "mvk_" + std::string(64, '0'), cert).status, 401);
  auto good = CurlJson(status_url, key, cert);
  ASSERT_EQ(good.status, 200) << good.body.dump();
  EXPECT_EQ(good.body["state"], "good");
  const std::string holder_id = good.body["holder_id"];
  EXPECT_EQ(holder_id.size(), 32u);

  auto consent = Sh(env_ + "MYNACERT_SIGN=ABC123 " + MYNACERT_BINARY + " card consent --verifier " + id +
                    " --pin env:MYNACERT_SIGN --url " + serve.base + access);
  ASSERT_EQ(consent.code, 0) << consent.out;
  EXPECT_NE(consent.out.find("電子契約株式会社"), std::string::npos) << consent.out;
  auto with_auth = Sh(env_ + "MYNACERT_AUTH=1234 " + MYNACERT_BINARY + " card consent --slot auth --verifier " + id +
                      " --pin env:MYNACERT_AUTH --url " + serve.base + access);
  EXPECT_EQ(with_auth.code, 2);
  EXPECT_NE(with_auth.out.find("R-VER-3"), std::string::npos) << with_auth.out;

  ASSERT_EQ(M("resident change --clerk c1 --resident 1 --address '山形県山形市七日町一丁目1番1号' --date 2026-05-01").code, 0);
  auto current = CurlJson(serve.base + "/api/verifier/v1/current", key, cert);
  ASSERT_EQ(current.status, 200) << current.body.dump();
  EXPECT_EQ(current.body["state"], "revoked");
  EXPECT_EQ(current.body["reason"], "affiliationChanged");
  EXPECT_TRUE(current.body["changed"].get<bool>());
  EXPECT_TRUE(current.body["consent"].get<bool>());
  EXPECT_EQ(current.body["basic"]["address"], "山形県山形市七日町一丁目1番1号");
  EXPECT_EQ(current.body["holder_id"], holder_id);

  // The demo relying party: the card logs in with the auth key (challenge, chain, OCSP,
  // signature), and the site knows the holder by its own pairwise ID, not the verifier's.
  const std::string login = env_ + "MYNACERT_AUTH=1234 " + MYNACERT_BINARY + " card login --json --pin env:MYNACERT_AUTH --url " +
                            serve.base + access;
  auto in = Sh(login);
  ASSERT_EQ(in.code, 0) << in.out;
  const auto session = nlohmann::json::parse(in.out.substr(in.out.find('{')));
  EXPECT_TRUE(session["logged_in"].get<bool>());
  const std::string site_id = session["holder_id"];
  EXPECT_EQ(site_id.size(), 32u);
  EXPECT_NE(site_id, holder_id);
  EXPECT_EQ(nlohmann::json::parse(Sh(login).out.substr(in.out.find('{')))["holder_id"], site_id);  // the same next time
  // Lost: the hotline holds the certificates; the login is refused (OCSP says certificateHold).
  ASSERT_EQ(M("hotline call --clerk line --name '山形 花子' --birth 1980-07-07 --address "
              "'山形県山形市七日町一丁目1番1号' --event lost").code, 0);
  // serve re-reads the CA's changes twice a second: wait for its OCSP to say so (the login
  // routes count against the holder's rate limit; OCSP does not).
  for (int i = 0; i < 25; ++i) {
    if (M("card status --json --url " + serve.base + "/ocsp" + access).out.find("certificateHold") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  auto held = Sh(login);
  EXPECT_EQ(held.code, 2) << held.out;
  EXPECT_NE(held.out.find("R-LOST-2"), std::string::npos) << held.out;

  ASSERT_EQ(M("verifier revoke --by supervisor-1 --id " + id).code, 0);
  EXPECT_EQ(CurlJson(status_url, key, cert).status, 401);
  auto twice = M("verifier revoke --id " + id);
  EXPECT_EQ(twice.code, 2);
  auto audit = M("audit verify");
  EXPECT_EQ(audit.code, 0) << audit.out;
}

}  // namespace
}  // namespace mynacert::cli

namespace mynacert::cli {
namespace {

// Signed documents (issue 18): `card sign-file` makes CMS SignedData around the card's
// signature; OpenSSL's `cms -verify` accepts it; `mynacert verify` checks signature, content,
// the chain at the signing time and the status by OCSP at the URL the certificate names (here
// `serve`, published before the card was issued), and after a move — the sign certificate
// revoked affiliationChanged — says not valid and why (exit 3).
TEST_F(CounterCli, SignedDocumentsFromTheCardAreVerifiedWithOcsp) {
  ServeProcess serve;
  ASSERT_NO_FATAL_FAILURE(StartServe(serve));
  ASSERT_EQ(M("ca publish --dir " + (home_ / "ca").string() + " --public-url " + serve.base).code, 0);
  ASSERT_NO_FATAL_FAILURE(HolderWithCard("2024-07-07", "2024-06-01"));
  const std::string access = CardAccess();
  const std::string doc = (home_ / "contract.txt").string();
  std::ofstream(doc) << "売買契約書\n第1条 …\n";
  const std::string sign = env_ + "MYNACERT_SIGN=ABC123 " + MYNACERT_BINARY + " card sign-file --pin env:MYNACERT_SIGN --in " + doc;
  auto detached = Sh(sign + access);
  ASSERT_EQ(detached.code, 0) << detached.out;
  auto attached = Sh(sign + " --attached" + access);
  ASSERT_EQ(attached.code, 0) << attached.out;
  ASSERT_EQ(Sh("curl -fsS " + serve.base + "/ca/sign.crt -o " + (home_ / "sign-ca.der").string() +
               " && openssl x509 -inform DER -in " + (home_ / "sign-ca.der").string() + " -out " + (home_ / "sign-ca.pem").string())
                .code,
            0);
  auto openssl = Sh("openssl cms -verify -binary -inform DER -purpose any -in " + doc + ".p7s -content " + doc +
                    " -CAfile " + (home_ / "sign-ca.pem").string() + " -out /dev/null");
  EXPECT_EQ(openssl.code, 0) << openssl.out;

  const std::string verify = "verify --ca " + (home_ / "sign-ca.der").string();
  auto good = M(verify + " --in " + doc + ".p7s --content " + doc);
  EXPECT_EQ(good.code, 0) << good.out;
  EXPECT_NE(good.out.find("有効な電子署名です"), std::string::npos) << good.out;
  auto good_attached = M(verify + " --json --in " + doc + ".p7m");
  ASSERT_EQ(good_attached.code, 0) << good_attached.out;
  EXPECT_TRUE(nlohmann::json::parse(good_attached.out)["valid"].get<bool>());
  const std::string other = (home_ / "other.txt").string();
  std::ofstream(other) << "売買契約書\n第1条 (改)\n";
  auto altered = M(verify + " --in " + doc + ".p7s --content " + other);
  EXPECT_EQ(altered.code, 3) << altered.out;
  EXPECT_NE(altered.out.find("✗ 署名された内容が一致しません"), std::string::npos) << altered.out;
  auto no_content = M(verify + " --in " + doc + ".p7s");
  EXPECT_EQ(no_content.code, 2) << no_content.out;
  EXPECT_NE(no_content.out.find("content"), std::string::npos) << no_content.out;
  EXPECT_EQ(M("verify --ca " + doc + " --in " + doc + ".p7s --content " + doc).code, 2);  // not a CA certificate
  // The same through the service's /api/verify (its CAs trusted, OCSP through its responder).
  const std::string api_body = "{\"signed_hex\":\"" + HexOfFile(doc + ".p7s") + "\",\"content_hex\":\"" + HexOfFile(doc) + "\"}";
  auto api = CurlJson(serve.base + "/api/verify", "", api_body);
  ASSERT_EQ(api.status, 200) << api.body.dump();
  EXPECT_TRUE(api.body["valid"].get<bool>()) << api.body.dump();
  EXPECT_EQ(api.body["kind"], "sign");

  // A PDF signed with the card: PAdES, the OCSP answer and the certificates in its DSS.
  // poppler's pdfsig finds the signature valid; `verify` checks it online and, with
  // --no-ocsp, from the embedded answer; /api/verify takes the PDF as it is.
  const std::string pdf = (home_ / "contract.pdf").string();
  const std::string signed_pdf = (home_ / "contract-signed.pdf").string();
  std::ofstream(pdf, std::ios::binary) << pki::testing_pdf::OnePagePdf("Contract");
  const std::string sign_pdf =
      env_ + "MYNACERT_SIGN=ABC123 " + MYNACERT_BINARY + " card sign-pdf --pin env:MYNACERT_SIGN --reason 売買契約 --in " + pdf;
  auto pades = Sh(sign_pdf + access);
  ASSERT_EQ(pades.code, 0) << pades.out;
  auto pdfsig = Sh("pdfsig -nocert " + signed_pdf);
  EXPECT_NE(pdfsig.out.find("Signature is Valid"), std::string::npos) << pdfsig.out;
  EXPECT_NE(pdfsig.out.find("ETSI.CAdES.detached"), std::string::npos) << pdfsig.out;
  auto pdf_online = M(verify + " --in " + signed_pdf);
  EXPECT_EQ(pdf_online.code, 0) << pdf_online.out;
  auto pdf_offline = M(verify + " --no-ocsp --json --in " + signed_pdf);
  ASSERT_EQ(pdf_offline.code, 0) << pdf_offline.out;
  const nlohmann::json offline = nlohmann::json::parse(pdf_offline.out);
  EXPECT_EQ(offline["format"], "pdf");
  EXPECT_NE(offline["signatures"][0]["checks"].back()["en"].get<std::string>().find("embedded OCSP"), std::string::npos)
      << pdf_offline.out;
  EXPECT_EQ(M(verify + " --in " + signed_pdf + " --content " + doc).code, 2);  // a PDF has no separate content
  auto api_pdf = CurlJson(serve.base + "/api/verify", "", "{\"signed_hex\":\"" + HexOfFile(signed_pdf) + "\"}");
  ASSERT_EQ(api_pdf.status, 200) << api_pdf.body.dump();
  EXPECT_EQ(api_pdf.body["format"], "pdf");
  EXPECT_TRUE(api_pdf.body["valid"].get<bool>()) << api_pdf.body.dump();

  // The move: the sign certificate revoked affiliationChanged; once serve's OCSP says so, the
  // document is not valid any more, and the report says why.
  ASSERT_EQ(M("resident change --clerk c1 --resident 1 --address '山形県山形市七日町一丁目1番1号' --date 2026-05-01").code, 0);
  testing_util::Outcome revoked;
  for (int i = 0; i < 25; ++i) {
    revoked = M(verify + " --in " + doc + ".p7s --content " + doc);
    if (revoked.code != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(revoked.code, 3) << revoked.out;
  EXPECT_NE(revoked.out.find("affiliationChanged"), std::string::npos) << revoked.out;
  auto api_after = CurlJson(serve.base + "/api/verify", "", api_body);
  ASSERT_EQ(api_after.status, 200) << api_after.body.dump();
  EXPECT_FALSE(api_after.body["valid"].get<bool>());
  EXPECT_EQ(api_after.body["checks"][3]["check"], "revocation");
  EXPECT_FALSE(api_after.body["checks"][3]["ok"].get<bool>());

  // The signed PDF: revoked now, online; valid still from its embedded answer, which shows
  // the certificate good when it signed (long-term validation). The card signs no more PDFs
  // with the revoked certificate, and no file is written.
  auto pdf_revoked = M(verify + " --in " + signed_pdf);
  EXPECT_EQ(pdf_revoked.code, 3) << pdf_revoked.out;
  EXPECT_NE(pdf_revoked.out.find("affiliationChanged"), std::string::npos) << pdf_revoked.out;
  EXPECT_EQ(M(verify + " --no-ocsp --in " + signed_pdf).code, 0);
  std::filesystem::remove(signed_pdf);
  auto refused = Sh(sign_pdf + access);
  EXPECT_NE(refused.code, 0) << refused.out;
  EXPECT_NE(refused.out.find("署名しません"), std::string::npos) << refused.out;
  EXPECT_FALSE(std::filesystem::exists(signed_pdf));
}

}  // namespace
}  // namespace mynacert::cli
