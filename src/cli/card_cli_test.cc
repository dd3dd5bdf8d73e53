// `mynacert card …` from the command line on a card file in-process (--card): the issuer
// commands through the issuer channel, the holder's show / verify-pin / sign, and bad input —
// one line naming the flag (and the rule), exit code 2, no card file half made. The same
// commands through pcscd and vpcd: tests/card_opensc.sh.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "cli/shell_test_util.h"

namespace {

using mynacert::cli::testing_util::Outcome;
using mynacert::cli::testing_util::Sh;

const std::string kBin = MYNACERT_BINARY;

// The card (src/card) names plain fields ("sign_pin", "secret"); the CLI maps them to its flags
// at its edge. Either spelling names the right input.
bool NamesField(const std::string& out, const std::string& flag, const std::string& field) {
  return out.rfind("mynacert: " + flag + ": ", 0) == 0 ||
         out.rfind("mynacert: " + field + ": ", 0) == 0;
}

class CardCli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "mynacert_card_cli_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    for (const auto& [k, v] :
         {std::pair<const char*, const char*>{"T_SECRET", "card cli test secret"},
          {"T_ISSUER", "card cli issuer master key"},
          {"T_WRONG_ISSUER", "not this card's issuer key"},
          {"T_AUTH", "1234"},
          {"T_SIGN", "abc123"},
          {"T_TEXT", "5678"},
          {"T_JUKI", "2468"},
          {"T_MYNUMBER", "123456789012"},
          {"T_PINB", "85070731205599"},
          {"T_BAD_SIGN", "abcdefg"},
          {"T_WRONG", "9999"},
          {"T_CA", "card cli ca passphrase"}}) {
      setenv(k, v, 1);
    }
    card_ = dir_ + "/card.json";
  }
  std::string New(const std::string& sign_pin_env = "T_SIGN") {
    return kBin + " card new --card " + card_ +
           " --secret env:T_SECRET --issuer-key env:T_ISSUER --auth-pin env:T_AUTH --sign-pin "
           "env:" +
           sign_pin_env +
           " --text-pin env:T_TEXT --juki-pin env:T_JUKI --my-number env:T_MYNUMBER "
           "--pin-b env:T_PINB";
  }
  std::string Card(const std::string& sub, const std::string& args) {
    return kBin + " card " + sub + " --card " + card_ + " --secret env:T_SECRET " + args;
  }
  std::string dir_, card_;
};

TEST_F(CardCli, IssueThenShowVerifyAndSign) {
  ASSERT_EQ(Sh(New()).code, 0);
  for (const char* slot : {"auth", "sign"}) {
    const Outcome k = Sh(Card("keygen", std::string("--issuer-key env:T_ISSUER --slot ") + slot +
                                            " --out " + dir_ + "/" + slot + ".pub"));
    ASSERT_EQ(k.code, 0) << k.out;
  }
  ASSERT_EQ(Sh(kBin + " ca init --dir " + dir_ + "/ca --passphrase env:T_CA").code, 0);
  const std::string issue = kBin + " ca issue --dir " + dir_ +
                            "/ca --passphrase env:T_CA --actor t --birth 1985-07-07 "
                            "--card-expiry 2035-07-07 --issue-date 2026-11-23 ";
  ASSERT_EQ(
      Sh(issue + "--kind auth --public-key " + dir_ + "/auth.pub --out " + dir_ + "/auth.pem").code,
      0);
  ASSERT_EQ(Sh(issue + "--kind sign --public-key " + dir_ + "/sign.pub --out " + dir_ +
               "/sign.pem --name '金沢　一郎' --sex 1 --address '石川県金沢市広坂１－１－１' "
               "--prefecture-en Ishikawa-ken --municipality-en Kanazawa-shi")
                .code,
            0);
  for (const char* slot : {"auth", "sign"}) {
    const Outcome w = Sh(Card("write-cert", std::string("--issuer-key env:T_ISSUER --slot ") +
                                                slot + " --cert " + dir_ + "/" + slot + ".pem"));
    ASSERT_EQ(w.code, 0) << w.out;
  }

  Outcome show = Sh(Card("show", "--json --today 2031-05-01"));
  ASSERT_EQ(show.code, 0) << show.out;
  auto j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["auth_certificate"]["valid_until"], "2031-07-07");
  EXPECT_EQ(j["auth_certificate"]["renewal_from"], "2031-04-08");  // R-WIN-1's own example
  EXPECT_EQ(j["auth_certificate"]["days_left"], 67);
  EXPECT_EQ(j["health_insurance_until"], "2031-10-31");  // R-WIN-7
  EXPECT_EQ(j["pin_tries_left"]["auth"], 3);
  EXPECT_EQ(j["pin_tries_left"]["sign"], 5);
  EXPECT_FALSE(j.contains("sign_certificate"));
  EXPECT_EQ(j["card_type"], "pin");  // R-FACE-1: not a face-authentication card
  show = Sh(Card("show", "--json --today 2031-07-08 --sign-pin env:T_SIGN"));
  ASSERT_EQ(show.code, 0) << show.out;
  j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["auth_certificate"]["expired"], true);  // R-WIN-5
  EXPECT_EQ(j["sign_certificate"]["name"], "金沢　一郎");
  EXPECT_EQ(j["sign_certificate"]["birth_date"], "319850707");
  EXPECT_EQ(j["sign_certificate"]["address"], "石川県金沢市広坂１－１－１");
  // The text form names the era and the window.
  show = Sh(Card("show", "--today 2031-05-01 --sign-pin env:T_SIGN"));
  EXPECT_NE(show.out.find("カードの種類 (card type): 暗証番号のカード (PIN card)"), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("1985-07-07 (昭和)"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("2031-04-08 〜 2031-07-07"), std::string::npos) << show.out;

  // A wrong PIN costs a try and says how many are left (R-CERT-6).
  Outcome v = Sh(Card("verify-pin", "--pin-kind auth --pin env:T_WRONG"));
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.out.find("--pin: "), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("残り 2 回"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("R-CERT-6"), std::string::npos) << v.out;
  EXPECT_EQ(Sh(Card("verify-pin", "--pin-kind auth --pin env:T_AUTH")).code, 0);  // resets

  Sh("echo 'a document' > " + dir_ + "/doc.txt");
  const Outcome s = Sh(Card(
      "sign", "--slot sign --pin env:T_SIGN --in " + dir_ + "/doc.txt --out " + dir_ + "/doc.sig"));
  ASSERT_EQ(s.code, 0) << s.out;
  // popen runs /bin/sh; process substitution needs bash.
  const Outcome verify_bash =
      Sh("bash -c \"openssl dgst -sha256 -verify <(openssl x509 -in " + dir_ +
         "/sign.pem -pubkey -noout) -signature " + dir_ + "/doc.sig " + dir_ + "/doc.txt\"");
  EXPECT_NE(verify_bash.out.find("Verified OK"), std::string::npos) << verify_bash.out;
}

TEST_F(CardCli, TheCounterUnlocksAndSetsPins) {
  ASSERT_EQ(Sh(New()).code, 0);
  for (int i = 0; i < 3; ++i) Sh(Card("verify-pin", "--pin-kind juki --pin env:T_WRONG"));
  Outcome v = Sh(Card("verify-pin", "--pin-kind juki --pin env:T_JUKI"));
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.out.find("R-PIN-1"), std::string::npos) << v.out;
  // Only with the issuer key.
  v = Sh(Card("unlock-pin", "--issuer-key env:T_WRONG_ISSUER --pin-kind juki"));
  EXPECT_EQ(v.code, 2);
  EXPECT_EQ(v.out.rfind("mynacert: --issuer-key: ", 0), 0u) << v.out;
  ASSERT_EQ(Sh(Card("unlock-pin", "--issuer-key env:T_ISSUER --pin-kind juki")).code, 0);
  EXPECT_EQ(Sh(Card("verify-pin", "--pin-kind juki --pin env:T_JUKI")).code, 0);
  // A new sign PIN is checked against R-CERT-2 before it goes to the card.
  v = Sh(Card("set-pin", "--issuer-key env:T_ISSUER --pin-kind sign --pin env:T_BAD_SIGN"));
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.out.find("--pin: "), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("R-CERT-2"), std::string::npos) << v.out;
  setenv("T_NEW_SIGN", "new2026pin", 1);  // lower case is upper-cased (R-CERT-2)
  ASSERT_EQ(
      Sh(Card("set-pin", "--issuer-key env:T_ISSUER --pin-kind sign --pin env:T_NEW_SIGN")).code,
      0);
  setenv("T_NEW_SIGN_UPPER", "NEW2026PIN", 1);
  EXPECT_EQ(Sh(Card("verify-pin", "--pin-kind sign --pin env:T_NEW_SIGN_UPPER")).code, 0);
  EXPECT_EQ(Sh(Card("verify-pin", "--pin-kind sign --pin env:T_SIGN")).code, 2);
  // A PIN that cannot be right (R-CERT-2) is refused before the card: no try spent.
  v = Sh(Card("verify-pin", "--pin-kind auth --pin env:T_SIGN"));
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.out.find("R-CERT-2"), std::string::npos) << v.out;
  const Outcome s = Sh(Card("show", "--json"));
  EXPECT_EQ(nlohmann::json::parse(s.out)["pin_tries_left"]["auth"], 3) << s.out;
}

// Shell commands started together: each child waits on a pipe until every one has been forked,
// then runs its command. Returns each one's exit code and output.
std::vector<Outcome> ShAtOnce(const std::vector<std::string>& commands, const std::string& dir) {
  int gate[2];
  if (pipe(gate) != 0) return {};
  std::vector<pid_t> pids;
  for (size_t i = 0; i < commands.size(); ++i) {
    const std::string out = dir + "/at_once." + std::to_string(i);
    const pid_t pid = fork();
    if (pid == 0) {
      close(gate[1]);
      char c;
      while (read(gate[0], &c, 1) > 0) {
      }
      const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      execl("/bin/sh", "sh", "-c", commands[i].c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    pids.push_back(pid);
  }
  close(gate[0]);
  close(gate[1]);  // the barrier opens: every child reads end of file at once
  std::vector<Outcome> outcomes;
  for (size_t i = 0; i < pids.size(); ++i) {
    int status = 0;
    waitpid(pids[i], &status, 0);
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(dir + "/at_once." + std::to_string(i));
    o.out.assign(std::istreambuf_iterator<char>(in), {});
    outcomes.push_back(o);
  }
  return outcomes;
}

TEST_F(CardCli, TenVerifyPinsAtOnceCountEveryTry) {
  // The attacker's run: nine wrong auth PINs and the right one at once, ten processes on one
  // card file. Each try is counted on the file under its lock, so they form one history.
  ASSERT_EQ(Sh(New()).code, 0);
  std::vector<std::string> commands;
  commands.push_back(Card("verify-pin", "--pin-kind auth --pin env:T_AUTH"));
  for (int i = 0; i < 9; ++i) commands.push_back(Card("verify-pin", "--pin-kind auth --pin env:T_WRONG"));
  const std::vector<Outcome> o = ShAtOnce(commands, dir_);
  ASSERT_EQ(o.size(), 10u);
  int left[4] = {0, 0, 0, 0}, locked = 0;
  for (size_t i = 1; i < o.size(); ++i) {
    EXPECT_EQ(o[i].code, 2) << o[i].out;
    bool known = false;
    for (int n = 0; n < 3; ++n) {
      if (o[i].out.find("残り " + std::to_string(n) + " 回") != std::string::npos) {
        ++left[n];
        known = true;
      }
    }
    if (o[i].out.find("ロックされています") != std::string::npos) {
      ++locked;
      known = true;
    }
    EXPECT_TRUE(known) << o[i].out;
  }
  const bool right_passed = o[0].code == 0;
  if (!right_passed) {
    EXPECT_NE(o[0].out.find("ロックされています"), std::string::npos) << o[0].out;
  }
  // Without the right PIN's reset: "2 left", "1 left", then locked (the client reports 63 C0,
  // the third counted try, as locked too). With it: at most one more run of 2 and 1 before it.
  // Either way the last run ends locked.
  EXPECT_GE(left[2], 1);
  EXPECT_GE(left[1], 1);
  EXPECT_LE(left[2], right_passed ? 2 : 1);
  EXPECT_LE(left[1], right_passed ? 2 : 1);
  EXPECT_EQ(left[0], 0);
  EXPECT_EQ(left[1] + left[2] + locked, 9);
  const Outcome v = Sh(Card("verify-pin", "--pin-kind auth --pin env:T_AUTH"));
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.out.find("ロックされています"), std::string::npos) << v.out;
  const Outcome s = Sh(Card("show", "--json"));
  ASSERT_EQ(s.code, 0) << s.out;
  EXPECT_EQ(nlohmann::json::parse(s.out)["pin_tries_left"]["auth"], 0) << s.out;
}

TEST_F(CardCli, BadInputIsOneLineAndLeavesNoHalfMadeCard) {
  // R-CERT-2: the sign PIN must mix letters and digits; the flag is named and no file is left.
  Outcome o = Sh(New("T_BAD_SIGN"));
  EXPECT_EQ(o.code, 2);
  EXPECT_TRUE(NamesField(o.out, "--sign-pin", "sign_pin")) << o.out;
  EXPECT_NE(o.out.find("R-CERT-2"), std::string::npos) << o.out;
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1) << o.out;
  EXPECT_FALSE(std::filesystem::exists(card_));
  setenv("T_SHORT_ISSUER", "too short", 1);
  o = Sh(kBin + " card new --card " + card_ +
         " --secret env:T_SECRET --issuer-key env:T_SHORT_ISSUER --auth-pin env:T_AUTH "
         "--sign-pin env:T_SIGN --text-pin env:T_TEXT --juki-pin env:T_JUKI "
         "--my-number env:T_MYNUMBER --pin-b env:T_PINB");
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.out.rfind("mynacert: --issuer-key: ", 0), 0u) << o.out;
  EXPECT_FALSE(std::filesystem::exists(card_));

  ASSERT_EQ(Sh(New()).code, 0);
  o = Sh(Card("show", "--reader 'Some Reader'"));
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.out.rfind("mynacert: --reader: ", 0), 0u) << o.out;
  o = Sh(Card("verify-pin", "--pin-kind number --pin env:T_AUTH"));
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.out.rfind("mynacert: --pin-kind: ", 0), 0u) << o.out;
  o = Sh(kBin + " card show --card " + card_ + " --secret env:T_WRONG_ISSUER");
  EXPECT_EQ(o.code, 2);
  EXPECT_TRUE(NamesField(o.out, "--secret", "secret")) << o.out;
  // A PIN on the command line is refused: secrets come from env: or file: only.
  o = Sh(Card("verify-pin", "--pin-kind auth --pin 1234"));
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.out.find("1234"), std::string::npos) << o.out;
}

}  // namespace
