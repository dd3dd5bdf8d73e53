// The CA from the command line, end to end, judged by OpenSSL's own tools: `openssl verify
// -crl_check` before and after a revocation, `openssl ocsp -url` against `ca ocsp-serve`
// (good, then revoked with its reason, signature verified), the HSM path on SoftHSM2, and
// one-line errors naming the flag.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "cli/shell_test_util.h"

namespace {

using mynacert::cli::testing_util::Outcome;
using mynacert::cli::testing_util::Sh;

const std::string kBin = MYNACERT_BINARY;

class CaCli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "mynacert_ca_cli_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    setenv("MYNACERT_TEST_PASS", "ca cli test passphrase", 1);
    ASSERT_EQ(
        Sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + dir_ +
           "/card.key && openssl pkey -in " + dir_ + "/card.key -pubout -out " + dir_ + "/card.pub")
            .code,
        0);
  }
  // `ca ocsp-serve` on a free port in a child process (refresh every second): the port, or ""
  // when it did not start; *pid is the child to SIGTERM.
  std::string StartOcspServe(pid_t* pid) {
    const std::string port_file = dir_ + "/port";
    *pid = fork();
    if (*pid < 0) return "";
    if (*pid == 0) {
      const std::string log = dir_ + "/serve.log";
      freopen(log.c_str(), "w", stdout);
      execl(kBin.c_str(), kBin.c_str(), "ca", "ocsp-serve", "--dir", (dir_ + "/ca").c_str(),
            "--passphrase", "env:MYNACERT_TEST_PASS", "--port", "0", "--port-file", port_file.c_str(),
            "--refresh", "1", static_cast<char*>(nullptr));
      _exit(127);
    }
    std::string port;
    for (int i = 0; i < 100 && port.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream(port_file) >> port;
    }
    return port;
  }

  std::string Ca(const std::string& args) {
    return kBin + " ca " + args + " --dir " + dir_ + "/ca --passphrase env:MYNACERT_TEST_PASS";
  }
  std::string dir_;
};

TEST_F(CaCli, IssueVerifyRevokeCrlAndAudit) {
  ASSERT_EQ(Sh(Ca("init")).code, 0);
  Outcome issued = Sh(Ca("issue --actor staff-01 --kind auth --public-key " + dir_ +
                         "/card.pub --birth 1985-07-07 --card-expiry 2035-07-07 --json --out " +
                         dir_ + "/auth.pem"));
  ASSERT_EQ(issued.code, 0) << issued.out;
  const auto j = nlohmann::json::parse(issued.out);
  const std::string serial = j["serial"];
  EXPECT_EQ(j["last_valid_day"], "2031-07-07");  // 5th birthday after issue (R-VAL-1)
  const std::string ca_pem = dir_ + "/ca/auth-ca-1.crt.pem";

  ASSERT_EQ(Sh(Ca("crl --kind auth --out " + dir_ + "/1.crl")).code, 0);
  ASSERT_EQ(Sh("openssl crl -inform DER -in " + dir_ + "/1.crl -out " + dir_ + "/1.pem").code, 0);
  Outcome ok = Sh("openssl verify -crl_check -CAfile " + ca_pem + " -CRLfile " + dir_ + "/1.pem " +
                  dir_ + "/auth.pem");
  EXPECT_EQ(ok.code, 0) << ok.out;

  Outcome revoked = Sh(Ca("revoke --actor staff-02 --kind auth --serial " + serial +
                          " --reason affiliationChanged --note 転居"));
  ASSERT_EQ(revoked.code, 0) << revoked.out;
  ASSERT_EQ(Sh(Ca("crl --kind auth --out " + dir_ + "/2.crl")).code, 0);
  ASSERT_EQ(Sh("openssl crl -inform DER -in " + dir_ + "/2.crl -out " + dir_ + "/2.pem").code, 0);
  Outcome rejected = Sh("openssl verify -crl_check -CAfile " + ca_pem + " -CRLfile " + dir_ +
                        "/2.pem " + dir_ + "/auth.pem");
  EXPECT_NE(rejected.code, 0);
  EXPECT_NE(rejected.out.find("certificate revoked"), std::string::npos) << rejected.out;
  EXPECT_EQ(Sh("openssl asn1parse -inform DER -in " + dir_ + "/2.crl").code, 0);

  // `ca get` returns the recorded certificate (the same bytes) and its state.
  Outcome got = Sh(kBin + " ca get --dir " + dir_ + "/ca --kind auth --json --serial " + serial);
  ASSERT_EQ(got.code, 0) << got.out;
  const auto g = nlohmann::json::parse(got.out);
  EXPECT_EQ(g["state"], "revoked");
  EXPECT_EQ(g["reason"], "affiliationChanged");
  std::ifstream issued_pem(dir_ + "/auth.pem");
  EXPECT_EQ(g["certificate"], std::string(std::istreambuf_iterator<char>(issued_pem), {}));
  EXPECT_EQ(Sh(kBin + " ca get --dir " + dir_ + "/ca --kind auth --serial 00FF").code, 2);

  Outcome log = Sh(kBin + " ca log --dir " + dir_ + "/ca");
  ASSERT_EQ(log.code, 0) << log.out;
  const auto events = nlohmann::json::parse(log.out)["events"];
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0]["action"], "issue");
  EXPECT_EQ(events[0]["actor"], "staff-01");
  EXPECT_EQ(events[2]["action"], "revoke");
  EXPECT_EQ(events[2]["actor"], "staff-02");
  EXPECT_EQ(events[2]["reason"], "affiliationChanged");
  EXPECT_EQ(events[2]["note"], "転居");
}

// Issue 18: `ca crl --partitions` writes every partition's CRL where the certificates' URLs
// point (relative to the public URL), so a static web server or CDN serves them; OpenSSL
// finds each certificate's status in its own partition.
TEST_F(CaCli, PartitionCrlsAreWrittenWhereTheUrlsPoint) {
  ASSERT_EQ(Sh(Ca("init")).code, 0);
  const std::string issue = Ca("issue --actor t --kind sign --public-key " + dir_ +
                               "/card.pub --birth 1985-07-07 --card-expiry 2035-07-07 --sex 1 "
                               "--json --name '横浜　一郎' --address '神奈川県横浜市中区１' ");
  Outcome yokohama = Sh(issue + " --prefecture-en Kanagawa-ken --municipality-en Yokohama-shi --out " +
                        dir_ + "/yokohama.pem");
  ASSERT_EQ(yokohama.code, 0) << yokohama.out;
  ASSERT_EQ(Sh(issue + " --prefecture-en Ishikawa-ken --municipality-en Kanazawa-shi --out " + dir_ +
               "/kanazawa.pem").code, 0);
  const std::string serial = nlohmann::json::parse(yokohama.out)["serial"];
  ASSERT_EQ(Sh(Ca("revoke --actor t --kind sign --reason affiliationChanged --serial " + serial)).code, 0);

  const std::string out = dir_ + "/www/crl";
  Outcome made = Sh(Ca("crl --kind sign --partitions --json --out-dir " + out));
  ASSERT_EQ(made.code, 0) << made.out;
  const auto j = nlohmann::json::parse(made.out);
  EXPECT_EQ(j["partitions"], 2);
  EXPECT_EQ(j["entries"], 1);
  // The file's path is the URL's path after <public URL>/crl/.
  Outcome text = Sh("openssl x509 -noout -text -in " + dir_ + "/yokohama.pem");
  EXPECT_NE(text.out.find("/crl/sign/g1/Kanagawa-ken/Yokohama-shi.crl"), std::string::npos) << text.out;
  const std::string ca_pem = dir_ + "/ca/sign-ca-1.crt.pem";
  auto verify = [&](const std::string& cert, const std::string& crl) {
    EXPECT_EQ(Sh("openssl crl -inform DER -in " + out + crl + " -out " + dir_ + "/p.pem").code, 0) << crl;
    return Sh("openssl verify -crl_check -extended_crl -CAfile " + ca_pem + " -CRLfile " + dir_ +
              "/p.pem " + dir_ + cert);
  };
  Outcome revoked = verify("/yokohama.pem", "/sign/g1/Kanagawa-ken/Yokohama-shi.crl");
  EXPECT_NE(revoked.out.find("certificate revoked"), std::string::npos) << revoked.out;
  Outcome good = verify("/kanazawa.pem", "/sign/g1/Ishikawa-ken/Kanazawa-shi.crl");
  EXPECT_EQ(good.code, 0) << good.out;
  // The other municipality's partition does not cover it: "different CRL scope", not "OK".
  Outcome wrong = verify("/yokohama.pem", "/sign/g1/Ishikawa-ken/Kanazawa-shi.crl");
  EXPECT_NE(wrong.code, 0) << wrong.out;
  // Deltas beside them; both flags or neither.
  ASSERT_EQ(Sh(Ca("crl --kind sign --partitions --delta --out-dir " + out)).code, 0);
  EXPECT_TRUE(std::filesystem::exists(out + "/sign/g1/Kanagawa-ken/Yokohama-shi.delta.crl"));
  Outcome alone = Sh(Ca("crl --kind sign --partitions"));
  EXPECT_EQ(alone.code, 2);
  EXPECT_EQ(alone.out.rfind("mynacert: --out-dir: ", 0), 0u) << alone.out;
  Outcome both = Sh(Ca("crl --kind sign --partitions --out-dir " + out + " --out " + dir_ + "/x.crl"));
  EXPECT_EQ(both.code, 2);
  EXPECT_EQ(both.out.rfind("mynacert: --out: ", 0), 0u) << both.out;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x.crl"));
}

// R-LOST-2: J-LIS never releases a hold; a CA releases none unless made to, and `ca show` says
// which it is.
TEST_F(CaCli, HoldsAreFinalUnlessTheCaOptsIn) {
  // An auth certificate issued and put on hold (as the hotline does, R-LOST-1); its serial.
  auto held_certificate = [&] {
    Outcome issued = Sh(Ca("issue --actor staff-01 --kind auth --public-key " + dir_ +
                           "/card.pub --birth 1985-07-07 --card-expiry 2035-07-07 --json"));
    EXPECT_EQ(issued.code, 0) << issued.out;
    const std::string serial = nlohmann::json::parse(issued.out, nullptr, false).value("serial", "");
    EXPECT_EQ(Sh(Ca("revoke --actor hotline-1 --kind auth --serial " + serial + " --reason certificateHold")).code, 0);
    return serial;
  };
  ASSERT_EQ(Sh(Ca("init")).code, 0);
  const std::string serial = held_certificate();
  Outcome refused = Sh(Ca("release --actor staff-02 --kind auth --serial " + serial));
  EXPECT_EQ(refused.code, 2) << refused.out;
  EXPECT_NE(refused.out.find("R-LOST-2"), std::string::npos) << refused.out;
  Outcome held = Sh(kBin + " ca get --dir " + dir_ + "/ca --kind auth --json --serial " + serial);
  EXPECT_EQ(nlohmann::json::parse(held.out)["state"], "hold");  // nothing changed
  EXPECT_NE(Sh(kBin + " ca show --dir " + dir_ + "/ca").out.find("R-LOST-2"), std::string::npos);

  // A CA that opts in releases, and says so.
  std::filesystem::remove_all(dir_ + "/ca");
  ASSERT_EQ(Sh(Ca("init --releasable-holds")).code, 0);
  EXPECT_EQ(nlohmann::json::parse(Sh(kBin + " ca show --json --dir " + dir_ + "/ca").out)["holds"], "releasable");
  const std::string again = held_certificate();
  Outcome released = Sh(Ca("release --actor staff-02 --kind auth --serial " + again));
  EXPECT_EQ(released.code, 0) << released.out;
  // A policy file edited by hand is refused by name, not read as either.
  std::ofstream(dir_ + "/ca/hold-policy.txt") << "maybe\n";
  Outcome edited = Sh(Ca("release --actor staff-02 --kind auth --serial " + again));
  EXPECT_EQ(edited.code, 2);
  EXPECT_NE(edited.out.find("hold-policy.txt"), std::string::npos) << edited.out;
}

TEST_F(CaCli, RenewalSupersedesTheOldCertificate) {
  ASSERT_EQ(Sh(Ca("init")).code, 0);
  Outcome first = Sh(Ca("issue --actor s --kind auth --public-key " + dir_ +
                        "/card.pub --last-valid-day 2030-01-01 --json"));
  ASSERT_EQ(first.code, 0) << first.out;
  const std::string old_serial = nlohmann::json::parse(first.out)["serial"];
  Outcome renewed = Sh(Ca("issue --actor s --kind auth --public-key " + dir_ +
                          "/card.pub --last-valid-day 2031-01-01 --json --renew " + old_serial));
  ASSERT_EQ(renewed.code, 0) << renewed.out;
  EXPECT_EQ(nlohmann::json::parse(renewed.out)["renews"], old_serial);
  Outcome again = Sh(Ca("issue --actor s --kind auth --public-key " + dir_ +
                        "/card.pub --last-valid-day 2031-01-01 --renew " + old_serial));
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.out.find("--renew"), std::string::npos) << again.out;
  ASSERT_EQ(Sh(Ca("crl --kind auth --out " + dir_ + "/c.crl")).code, 0);
  Outcome text = Sh("openssl crl -inform DER -noout -text -in " + dir_ + "/c.crl");
  EXPECT_NE(text.out.find("Superseded"), std::string::npos) << text.out;
}

TEST_F(CaCli, OcspServeAnswersOpensslGoodThenRevoked) {
  ASSERT_EQ(Sh(Ca("init")).code, 0);
  Outcome issued =
      Sh(Ca("issue --actor staff-01 --kind auth --public-key " + dir_ +
            "/card.pub --last-valid-day 2031-07-07 --json --out " + dir_ + "/auth.pem"));
  ASSERT_EQ(issued.code, 0) << issued.out;
  const std::string serial = nlohmann::json::parse(issued.out)["serial"];
  pid_t pid = -1;
  const std::string port = StartOcspServe(&pid);
  ASSERT_FALSE(port.empty()) << "ocsp-serve did not start";
  const std::string ask = "openssl ocsp -issuer " + dir_ + "/ca/auth-ca-1.crt.pem -cert " + dir_ +
                          "/auth.pem -CAfile " + dir_ +
                          "/ca/auth-ca-1.crt.pem -url http://127.0.0.1:" + port;
  Outcome good = Sh(ask);
  EXPECT_NE(good.out.find("Response verify OK"), std::string::npos) << good.out;
  EXPECT_NE(good.out.find("auth.pem: good"), std::string::npos) << good.out;
  // openssl ocsp only POSTs; GET is covered by the server tests. Here: a revocation made by
  // another process reaches the cached answer within one refresh.
  ASSERT_EQ(Sh(kBin + " ca revoke --dir " + dir_ + "/ca --actor staff-02 --kind auth --serial " +
               serial + " --reason keyCompromise")
                .code,
            0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // one refresh
  Outcome revoked = Sh(ask);
  EXPECT_NE(revoked.out.find("Response verify OK"), std::string::npos) << revoked.out;
  EXPECT_NE(revoked.out.find("auth.pem: revoked"), std::string::npos) << revoked.out;
  EXPECT_NE(revoked.out.find("Reason: keyCompromise"), std::string::npos) << revoked.out;
  // Garbage over HTTP gets malformedRequest, and the server lives on.
  Outcome garbage =
      Sh("printf 'POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\n"
         "Connection: close\\r\\n\\r\\nabc' | timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/" +
         port + "; cat >&3; cat <&3' | tail -c 5 | od -An -tx1");
  EXPECT_NE(garbage.out.find("30 03 0a 01 01"), std::string::npos) << garbage.out;
  EXPECT_NE(Sh(ask).out.find("auth.pem: revoked"), std::string::npos);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// Issue 18: a verifier holding only the root finds a certificate's status from the certificate
// alone — NSS follows the authorityInfoAccess OCSP URL (`vfychain -m ocsp`); before, with no
// AIA, NSS called a keyCompromise certificate "Chain is good!".
TEST_F(CaCli, NssFindsTheRevocationThroughTheOcspUrlInTheCertificate) {
  if (Sh("command -v vfychain certutil").code != 0) {
    if (std::getenv("CI")) FAIL() << "vfychain/certutil (libnss3-tools) missing under CI";
    GTEST_SKIP() << "no libnss3-tools";
  }
  ASSERT_EQ(Sh(Ca("init")).code, 0);
  pid_t pid = -1;
  const std::string port = StartOcspServe(&pid);
  ASSERT_FALSE(port.empty()) << "ocsp-serve did not start";
  // The URL certificates will name; a bad one is refused naming the flag, and nothing changes.
  Outcome bad = Sh(kBin + " ca publish --dir " + dir_ + "/ca --public-url ftp://x");
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_NE(bad.out.find("--public-url"), std::string::npos) << bad.out;
  ASSERT_EQ(Sh(kBin + " ca publish --dir " + dir_ + "/ca --public-url http://127.0.0.1:" + port).code, 0);
  const auto shown = nlohmann::json::parse(Sh(kBin + " ca show --json --dir " + dir_ + "/ca").out);
  EXPECT_EQ(shown["ocsp_url"], "http://127.0.0.1:" + port + "/ocsp");
  EXPECT_EQ(shown["policy"], "test");
  EXPECT_EQ(shown["status_access"], "public");  // a sandbox's default (R-VER-1: restricted is a setting)
  Outcome access = Sh(kBin + " ca publish --dir " + dir_ + "/ca --status-access members");
  EXPECT_EQ(access.code, 2) << access.out;
  EXPECT_NE(access.out.find("--status-access"), std::string::npos) << access.out;
  ASSERT_EQ(Sh(kBin + " ca publish --dir " + dir_ + "/ca --status-access restricted").code, 0);
  EXPECT_EQ(nlohmann::json::parse(Sh(kBin + " ca show --json --dir " + dir_ + "/ca").out)["status_access"], "restricted");
  ASSERT_EQ(Sh(kBin + " ca publish --dir " + dir_ + "/ca --status-access public").code, 0);
  Outcome issued = Sh(Ca("issue --actor staff-01 --kind auth --public-key " + dir_ +
                         "/card.pub --last-valid-day 2031-07-07 --json --out " + dir_ + "/auth.pem"));
  ASSERT_EQ(issued.code, 0) << issued.out;
  const std::string serial = nlohmann::json::parse(issued.out)["serial"];
  const std::string db = "sql:" + dir_ + "/nssdb";
  std::filesystem::create_directories(dir_ + "/nssdb");
  ASSERT_EQ(Sh("certutil -N -d " + db + " --empty-password").code, 0);
  ASSERT_EQ(Sh("certutil -A -d " + db + " -n root -t CT,C,C -i " + dir_ + "/ca/auth-ca-1.crt.pem").code, 0);
  ASSERT_EQ(Sh("openssl x509 -in " + dir_ + "/auth.pem -outform DER -out " + dir_ + "/auth.der").code, 0);
  // -u 0: as a TLS client certificate (what an auth certificate is used for).
  const std::string vfy = "vfychain -d " + db + " -pp -g leaf -m ocsp -u 0 " + dir_ + "/auth.der";
  Outcome good = Sh(vfy);
  EXPECT_NE(good.out.find("Chain is good!"), std::string::npos) << good.out;
  ASSERT_EQ(Sh(kBin + " ca revoke --dir " + dir_ + "/ca --actor staff-02 --kind auth --serial " +
               serial + " --reason keyCompromise").code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // one refresh
  Outcome revoked = Sh(vfy);
  EXPECT_NE(revoked.out.find("Chain is bad!"), std::string::npos) << revoked.out;
  EXPECT_NE(revoked.out.find("-8180"), std::string::npos) << revoked.out;  // SEC_ERROR_REVOKED_CERTIFICATE
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

TEST_F(CaCli, CaKeysInSoftHsm) {
  // A private SoftHSM2 token (softhsm2-util needs the PINs on its command line; a throwaway
  // test token only). mynacert itself reads the PIN from the environment.
  std::filesystem::create_directories(dir_ + "/tokens");
  std::ofstream(dir_ + "/softhsm2.conf") << "directories.tokendir = " << dir_ << "/tokens\n";
  setenv("SOFTHSM2_CONF", (dir_ + "/softhsm2.conf").c_str(), 1);
  setenv("MYNACERT_TEST_PIN", "246810", 1);
  ASSERT_EQ(Sh("softhsm2-util --init-token --free --label mynacert-ca --so-pin 13579111 --pin "
               "246810")
                .code,
            0);
  const std::string hsm = "'pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=mynacert-ca'";
  Outcome init = Sh(Ca("init --hsm " + hsm + " --hsm-pin env:MYNACERT_TEST_PIN"));
  ASSERT_EQ(init.code, 0) << init.out;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/ca/auth-ca-1.key.uri"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/ca/auth-ca-1.key.pem"));
  Outcome issued =
      Sh(Ca("issue --hsm-pin env:MYNACERT_TEST_PIN --actor s --kind auth "
            "--public-key " +
            dir_ + "/card.pub --last-valid-day 2031-07-07 --out " + dir_ + "/hsm.pem"));
  ASSERT_EQ(issued.code, 0) << issued.out;
  Outcome verified =
      Sh("openssl verify -CAfile " + dir_ + "/ca/auth-ca-1.crt.pem " + dir_ + "/hsm.pem");
  EXPECT_EQ(verified.code, 0) << verified.out;
  // Without the PIN the HSM-held key cannot be used, and the error says which flag.
  Outcome no_pin = Sh(Ca("issue --actor s --kind auth --public-key " + dir_ +
                         "/card.pub --last-valid-day 2031-07-07"));
  EXPECT_EQ(no_pin.code, 2);
  EXPECT_NE(no_pin.out.find("--hsm-pin"), std::string::npos) << no_pin.out;
  unsetenv("SOFTHSM2_CONF");
}

TEST_F(CaCli, BadInputIsOneLineNamingTheFlag) {
  ASSERT_EQ(Sh(Ca("init")).code, 0);
  struct Case {
    std::string args;
    std::string flag;
  } cases[] = {
      {"issue --actor s --kind both --public-key " + dir_ + "/card.pub --last-valid-day 2031-01-01",
       "--kind"},
      {"issue --actor s --kind auth --public-key " + dir_ + "/card.key --last-valid-day 2031-01-01",
       "--public-key"},
      {"issue --actor s --kind auth --public-key " + dir_ + "/card.pub", "--last-valid-day"},
      {"issue --actor s --kind auth --public-key " + dir_ + "/card.pub --last-valid-day 2031-02-30",
       "--last-valid-day"},
      {"issue --actor s --kind sign --public-key " + dir_ +
           "/card.pub --last-valid-day 2031-01-01 --birth 1990-01-01",
       "--name"},
      {"issue --actor s --kind sign --public-key " + dir_ +
           "/card.pub --last-valid-day 2031-01-01 --birth 1990-01-01 --name x --address y "
           "--prefecture-en p --municipality-en m --sex 3",
       "--sex"},
      {"revoke --actor s --kind auth --serial 00AB --reason stolen", "--reason"},
      {"revoke --actor s --kind auth --serial 00AB --reason keyCompromise", "--serial"},
      {"release --actor s --kind auth --serial 00AB", "--serial"},
      {"crl --kind auth --delta --out " + dir_ + "/d.crl", "--delta"},
      {"crl --kind auth --hours 0 --out " + dir_ + "/d.crl", "--hours"},
  };
  for (const Case& c : cases) {
    Outcome o = Sh(Ca(c.args));
    EXPECT_EQ(o.code, 2) << c.args << "\n" << o.out;
    EXPECT_NE(o.out.find(c.flag), std::string::npos) << c.args << "\n" << o.out;
    EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 1) << o.out;
  }
  // The passphrase is never accepted on the command line.
  Outcome literal =
      Sh(kBin + " ca issue --dir " + dir_ + "/ca --passphrase hunter2hunter2 " +
         "--actor s --kind auth --public-key " + dir_ + "/card.pub --last-valid-day 2031-01-01");
  EXPECT_EQ(literal.code, 2);
  EXPECT_EQ(literal.out.find("hunter2hunter2"), std::string::npos) << literal.out;
}

}  // namespace
