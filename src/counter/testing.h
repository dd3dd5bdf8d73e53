// Test fixture for the counter: a real CA (generation 1 of both roots, made once per test
// binary), a CA store and a counter store — on SQLite in a fresh folder, or (CounterEngineTest)
// on either engine of store/testing.h — the built-in profiles, card files of the card model
// reached in-process, and PINs from a table the test fills.
#ifndef MYNACERT_COUNTER_TESTING_H_
#define MYNACERT_COUNTER_TESTING_H_

#include <gtest/gtest.h>
#include <openssl/ocsp.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "card/card.h"
#include "card/card_face.h"
#include "card/host.h"
#include "core/clock.h"
#include "core/hex.h"
#include "counter/execution.h"
#include "counter/workspace.h"
#include "pki/ca_directory.h"
#include "pki/ca_store.h"
#include "pki/certificate.h"
#include "pki/ocsp.h"
#include "profiles/loader.h"
#include "store/testing.h"

namespace mynacert::counter::testing {

inline constexpr const char* kIssuerMaster = "issuer-master-key-for-tests-0123456789";
inline constexpr const char* kCardSecret = "card-secret-for-tests";

inline Result<std::unique_ptr<CardLink>> OpenFileCard(const CardRecord& record,
                                                      const std::filesystem::path& home) {
  return OpenCardFile(record, kCardSecret, home);
}

class CounterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_dir_ = new std::string(std::filesystem::temp_directory_path() /
                              ("mynacert-counter-ca-" + std::to_string(getpid())));
    std::filesystem::remove_all(*ca_dir_);
    pki::KeySecrets secrets{"ca-passphrase-for-tests", ""};
    ASSERT_TRUE(pki::InitCaDirectory(*ca_dir_, secrets, RealClock().Now()).ok());
    auto sign = pki::LoadCa(*ca_dir_, pki::CaKind::kSign, 1, secrets);
    auto auth = pki::LoadCa(*ca_dir_, pki::CaKind::kAuth, 1, secrets);
    ASSERT_TRUE(sign.ok() && auth.ok());
    sign_ca_ = new pki::CaGeneration(std::move(sign).value());
    auth_ca_ = new pki::CaGeneration(std::move(auth).value());
    auto data_key = pki::LoadOrCreateCardDataKey(*ca_dir_, secrets, RealClock().Now());
    ASSERT_TRUE(data_key.ok()) << data_key.error().ToString();
    card_data_key_ = new pki::OcspResponderKey(std::move(data_key).value());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*ca_dir_);
    delete sign_ca_;
    delete auth_ca_;
    delete card_data_key_;
    delete ca_dir_;
  }

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mynacert-counter-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "cards");
    auto reg = profiles::Registry::Builtin();
    ASSERT_TRUE(reg.ok());
    profiles_ = std::make_unique<profiles::Registry>(std::move(reg).value());
    if (engine() == store::testing::Engine::kPostgres) {
      database_ = store::testing::FreshDatabase(engine(), "counter");
      if (database_.empty()) return;  // skipped, or failed under CI
    }
    Reopen();
  }
  // SQLite unless a parameterised fixture says otherwise.
  virtual store::testing::Engine engine() const { return store::testing::Engine::kSqlite; }
  // The stores' locators: the files in the folder, or the one PostgreSQL database.
  std::string CounterDb() const { return database_.empty() ? (dir_ / "counter.db").string() : database_; }
  std::string CaDb() const { return database_.empty() ? (dir_ / "ca.db").string() : database_; }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // (Re)opens the stores, as a restarted process would.
  void Reopen() {
    counter_.reset();
    store_.reset();
    ca_store_.reset();
    auto s = CounterStore::Open(CounterDb());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
    // Keyed and anchored as OpenWorkspace does: <dir>/audit.key, <dir>/audit.head.
    Status anchored = AnchorAuditLog(dir_, "", store_->audit(), nullptr);
    ASSERT_TRUE(anchored.ok()) << anchored.error().ToString();
    Status relocated = RelocateCardFiles(*store_, dir_);
    ASSERT_TRUE(relocated.ok()) << relocated.error().ToString();
    auto ca = pki::CaStore::Open(CaDb());
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_store_ = std::move(ca).value();
    counter_ = std::make_unique<Counter>(*store_, *profiles_);
    env_.ca_store = ca_store_.get();
    env_.sign_ca = sign_ca_;
    env_.auth_ca = auth_ca_;
    env_.issuer_master = kIssuerMaster;
    env_.card_data_signer = []() -> Result<pki::Signer*> { return card_data_key_->signer.get(); };
    env_.card_secret = kCardSecret;
    env_.home = dir_;
    env_.open_card = [this](const CardRecord& r) { return OpenFileCard(r, dir_); };
    env_.pin = [this](std::string_view which) -> Result<std::string> {
      auto it = pins_.find(std::string(which));
      if (it == pins_.end()) return InvalidArgument("PIN", "no PIN for " + std::string(which));
      return it->second;
    };
    env_.new_card_path = [](const Resident& r, int64_t case_id) {
      return (std::filesystem::path("cards") / (std::to_string(r.id) + "-" + std::to_string(case_id) + ".card")).string();
    };
    env_.clerk = "clerk-1";
    env_.now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  }

  // A resident with a card (both certificates where eligible) issued on `card_issued`.
  int64_t ResidentWithCard(const std::string& municipality, Date birth, Date card_issued,
                           bool adult_ward = false, const std::string& household = "H1") {
    Resident r;
    r.municipality = municipality;
    r.name = "山田　花子";
    r.name_kana = "ヤマダ　ハナコ";
    r.address = "山形県山形市旅篭町二丁目3番25号";
    r.birth = birth;
    r.sex = 2;
    r.household = household;
    r.adult_ward = adult_ward;
    auto id = counter_->AddResident(r, "clerk-1", env_.now);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    pins_["init:auth"] = "1234";
    pins_["init:sign"] = "ABC123";
    pins_["init:text"] = "1234";
    pins_["init:juki"] = "1234";
    env_.today = card_issued;
    auto issued = counter_->IssueCard(*id, card_issued.AddDays(-30), env_);
    EXPECT_TRUE(issued.ok()) << issued.error().ToString();
    if (issued.ok()) {
      EXPECT_TRUE(issued->completed);
    }
    pins_["auth"] = "1234";
    pins_["sign"] = "ABC123";
    pins_["juki"] = "1234";
    return *id;
  }

  int64_t Open(int64_t resident, const std::string& procedure, const std::string& applicant,
               const std::string& counter_id, Date on, bool holder_present,
               CaseFlags flags = {}, int64_t representative = 0) {
    OpenRequest req;
    req.resident_id = resident;
    req.procedure = procedure;
    req.applicant = applicant;
    req.representative_id = representative;
    req.flags = flags;
    req.visit.on = on;
    req.visit.counter_id = counter_id;
    req.visit.clerk = "clerk-1";
    req.visit.holder_present = holder_present;
    auto id = counter_->OpenCase(req, env_.now);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    env_.today = on;
    return id.ok() ? *id : 0;
  }

  Status PresentId(int64_t case_id, const std::string& whose, const std::string& kind,
                   std::optional<Date> expires = Date::Ymd(2035, 1, 1)) {
    Document d;
    d.whose = whose;
    d.item = "id";
    d.kind = kind;
    d.expires = expires;
    return counter_->Present(case_id, d, "clerk-1", env_.now);
  }
  Status PresentItem(int64_t case_id, const std::string& item,
                     const std::string& whose = "holder") {
    Document d;
    d.whose = whose;
    d.item = item;
    return counter_->Present(case_id, d, "clerk-1", env_.now);
  }
  Status PresentForm(int64_t case_id, const std::string& source, Date valid_until,
                     bool pin_hidden = true, std::optional<Date> printed = std::nullopt) {
    Document d;
    d.whose = "holder";
    d.item = "inquiry_form";
    d.form_source = source;
    d.expires = valid_until;
    d.form_pin_hidden = pin_hidden;
    d.form_printed = printed;
    return counter_->Present(case_id, d, "clerk-1", env_.now);
  }

  Decision DecideOk(int64_t case_id) {
    auto d = counter_->Decide(case_id, "clerk-1", env_.now);
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    return d.ok() ? *d : Decision{};
  }

  // How many audit records of `action` the log holds.
  size_t AuditCount(const std::string& action) {
    auto records = store_->audit().Read(0, 0, 0, 100000);
    size_t n = 0;
    if (records.ok()) {
      for (const auto& rec : *records) n += rec.action == action;
    }
    return n;
  }

  // The resident's card signs `message` with the key of `slot` after its PIN (auth 1234, sign
  // ABC123, as ResidentWithCard sets them), as the holder's client does: SHA-256 in a
  // DigestInfo, PKCS#1 v1.5 on the card.
  std::string SignOnCard(int64_t resident, card::KeySlot slot, const std::string& message) {
    auto link = OpenFileCard(**store_->ActiveCard(resident), dir_);
    EXPECT_TRUE(link.ok());
    if (!link.ok()) return {};
    card::JpkiClient client((*link)->transport());
    const bool sign = slot == card::KeySlot::kSign;
    EXPECT_TRUE(client.Verify(sign ? card::PinId::kSign : card::PinId::kAuth, sign ? "ABC123" : "1234")->verified);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(message.data()), message.size(), md);
    std::string digest_info;
    Unhex("3031300d060960864801650304020105000420", &digest_info);
    digest_info.append(reinterpret_cast<const char*>(md), sizeof md);
    auto signature = client.Sign(slot, digest_info);
    EXPECT_TRUE(signature.ok());
    return signature.ok() ? *signature : std::string();
  }

  // The card's current auth/sign certificate DER, read as a client would.
  std::string CardCert(int64_t resident, card::CertSlot slot, const std::string& sign_pin = "") {
    auto card = store_->ActiveCard(resident);
    if (!card.ok() || !*card) return {};
    auto link = OpenFileCard(**card, dir_);
    if (!link.ok()) return {};
    card::JpkiClient client((*link)->transport());
    if (!sign_pin.empty()) (void)client.Verify(card::PinId::kSign, sign_pin);
    auto der = client.ReadCertificate(slot);
    return der.ok() ? *der : std::string();
  }

  // The 券面事項入力補助 AP of the resident's card, read with `pin` as an eKYC client does.
  card::TextApData ReadTextAp(int64_t resident, card::PinId pin, const std::string& value) {
    auto link = OpenFileCard(**store_->ActiveCard(resident), dir_);
    EXPECT_TRUE(link.ok());
    if (!link.ok()) return {};
    card::JpkiClient client((*link)->transport());
    auto read = client.ReadTextAp(pin, value, X509_get0_pubkey(card_data_key_->cert.get()));
    EXPECT_TRUE(read.ok()) << read.error().ToString();
    return read.ok() ? *read : card::TextApData{};
  }

  // The 券面 AP of the resident's card, read with 照合番号 A or B as a card-face check does.
  card::CardFaceRead ReadCardFace(int64_t resident, card::PinId pin, const std::string& value) {
    auto link = OpenFileCard(**store_->ActiveCard(resident), dir_);
    EXPECT_TRUE(link.ok());
    if (!link.ok()) return {};
    card::JpkiClient client((*link)->transport());
    auto read = client.ReadCardFace(pin, value, X509_get0_pubkey(card_data_key_->cert.get()));
    EXPECT_TRUE(read.ok()) << read.error().ToString();
    return read.ok() ? *read : card::CardFaceRead{};
  }
  // 照合番号B of the resident's card as printed on it: birth, expiry year, security code.
  std::string PinB(int64_t resident) {
    const CardRecord card = **store_->ActiveCard(resident);
    return card::CollationNumberB(store_->GetResident(resident)->birth, card.expires.year(),
                                  card::SecurityCode(env_.issuer_master, card.chip_id));
  }

  static std::string* ca_dir_;
  static pki::CaGeneration* sign_ca_;
  static pki::CaGeneration* auth_ca_;
  static pki::OcspResponderKey* card_data_key_;

  std::filesystem::path dir_;
  std::string database_;  // the PostgreSQL database; "" on SQLite
  std::unique_ptr<profiles::Registry> profiles_;
  std::unique_ptr<CounterStore> store_;
  std::unique_ptr<pki::CaStore> ca_store_;
  std::unique_ptr<Counter> counter_;
  ExecutionEnv env_;
  std::map<std::string, std::string> pins_;
};

// The counter fixture on each engine: TEST_P, and
//   INSTANTIATE_TEST_SUITE_P(Engines, Scenario, ::testing::ValuesIn(store::testing::kEngines),
//                            store::testing::EngineName);
class CounterEngineTest : public CounterTest,
                          public ::testing::WithParamInterface<store::testing::Engine> {
 protected:
  store::testing::Engine engine() const override { return GetParam(); }
};

// What the CA's OCSP responder (the one `mynacert ca ocsp-serve` runs) answers about `der`:
// "good", "revoked:<reason code>" or "unknown"; the answer's signature is checked against
// `issuer` (the responder's certificate is delegated by it).
inline std::string OcspStatus(pki::OcspResponder& responder, const std::string& der, X509* issuer) {
  auto cert = pki::ParseCertificateDer(der);
  if (!cert.ok()) return "unparsable certificate";
  OCSP_REQUEST* req = OCSP_REQUEST_new();
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert->get(), issuer);
  OCSP_request_add0_id(req, OCSP_CERTID_dup(id));
  unsigned char* buf = nullptr;
  const int len = i2d_OCSP_REQUEST(req, &buf);
  const std::string request(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  OCSP_REQUEST_free(req);
  const std::string answer = responder.Respond(request);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(answer.data());
  OCSP_RESPONSE* resp = d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(answer.size()));
  std::string out = "no answer";
  if (resp && OCSP_response_status(resp) == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    OCSP_BASICRESP* basic = OCSP_response_get1_basic(resp);
    X509_STORE* trust = X509_STORE_new();
    X509_STORE_add_cert(trust, issuer);
    int status = -1, reason = -1;
    if (OCSP_basic_verify(basic, nullptr, trust, 0) != 1) {
      out = "bad signature";
    } else if (OCSP_resp_find_status(basic, id, &status, &reason, nullptr, nullptr, nullptr) == 1) {
      out = status == V_OCSP_CERTSTATUS_GOOD      ? "good"
            : status == V_OCSP_CERTSTATUS_REVOKED ? "revoked:" + std::to_string(reason)
                                                  : "unknown";
    }
    X509_STORE_free(trust);
    OCSP_BASICRESP_free(basic);
  }
  OCSP_RESPONSE_free(resp);
  OCSP_CERTID_free(id);
  return out;
}

// Whether a decision's reasons (or refusals) cite `rule`.
inline bool Cites(const std::vector<rules::Reason>& reasons, const std::string& rule) {
  for (const rules::Reason& r : reasons)
    if (r.rule == rule) return true;
  return false;
}

// The ids of a decision's planned steps ("check_pins", "keygen:auth", …).
inline std::vector<std::string> StepIds(const Decision& d) {
  std::vector<std::string> ids;
  for (const PlannedStep& s : d.steps) ids.push_back(s.id);
  return ids;
}

inline std::string* CounterTest::ca_dir_ = nullptr;
inline pki::CaGeneration* CounterTest::sign_ca_ = nullptr;
inline pki::CaGeneration* CounterTest::auth_ca_ = nullptr;
inline pki::OcspResponderKey* CounterTest::card_data_key_ = nullptr;

}  // namespace mynacert::counter::testing

#endif  // MYNACERT_COUNTER_TESTING_H_
