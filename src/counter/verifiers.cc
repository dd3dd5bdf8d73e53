#include "counter/verifiers.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509v3.h>

#include <cctype>

#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "counter/internal.h"
#include "counter/lifecycle.h"
#include "pki/certificate.h"
#include "pki/openssl.h"

namespace mynacert::counter {

namespace {

using nlohmann::json;

constexpr std::string_view kKeyPrefix = "mvk_";
constexpr std::string_view kColumns =
    "id, name, kinds, state, created_at, created_by, revoked_at, pairwise_salt, client_cert_sha256, "
    "client_cert_subject, client_cert_not_after";

Verifier ReadVerifier(store::Statement& s) {
  Verifier v;
  v.id = store::ColumnString(s, 0);
  v.name = store::ColumnString(s, 1);
  v.kinds = store::ColumnString(s, 2);
  v.state = store::ColumnString(s, 3);
  v.created_at = s.ColumnInt(4);
  v.created_by = store::ColumnString(s, 5);
  v.revoked_at = s.ColumnIsNull(6) ? 0 : s.ColumnInt(6);
  v.pairwise_salt = store::ColumnString(s, 7);
  if (!s.ColumnIsNull(8)) {
    v.client_cert_sha256 = store::ColumnString(s, 8);
    v.client_cert_subject = store::ColumnString(s, 9);
    v.client_cert_not_after = s.ColumnIsNull(10) ? 0 : s.ColumnInt(10);
  }
  return v;
}

struct ClientCertificate {
  std::string sha256, subject;
  int64_t not_after = 0;
};

// A certificate a verifier may log in with: one end-entity certificate, for TLS clients when it
// says what it is for, and valid now. The chain is the TLS proxy's to check, at each handshake.
Result<ClientCertificate> ReadClientCertificate(std::string_view bytes, int64_t now) {
  const std::string kField = "client_certificate";
  MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificatePemOrDer(bytes, kField));
  if (X509_check_ca(cert.get()) != 0) {
    return InvalidArgument(kField, "CA の証明書です。検証者自身のクライアント証明書を登録してください (a CA certificate: "
                                   "register the verifier's own client certificate)", "R-VER-1");
  }
  if ((X509_get_extension_flags(cert.get()) & EXFLAG_XKUSAGE) != 0 &&
      (X509_get_extended_key_usage(cert.get()) & XKU_SSL_CLIENT) == 0) {
    return InvalidArgument(kField, "拡張キー使用法に clientAuth がありません (its extendedKeyUsage has no clientAuth)",
                           "R-VER-1");
  }
  ClientCertificate out;
  out.not_after = pki::Asn1Seconds(X509_get0_notAfter(cert.get()));
  if (out.not_after <= now) {
    return InvalidArgument(kField, "有効期限が過ぎています (expired)", "R-VER-1");
  }
  out.sha256 = pki::Sha256Hex(pki::CertificateDer(cert.get()));
  out.subject = pki::NameText(X509_get_subject_name(cert.get()));
  return out;
}

// The verifier that has `sha256` as its certificate, other than `except`, if any.
Result<std::optional<std::string>> CertificateHolder(CounterStore& store, const std::string& sha256,
                                                     std::string_view except) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, store::Query(store.db(), "SELECT id FROM verifiers WHERE client_cert_sha256 = $1",
                                                 {sha256}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<std::string>();
  std::string id = store::ColumnString(*s, 0);
  if (id == except) return std::optional<std::string>();
  return std::optional<std::string>(std::move(id));
}

Error CertificateTaken(const std::string& holder) {
  return Error{ErrorCode::kFailedPrecondition, "client_certificate",
               "この証明書は検証者 " + holder + " に登録済みです (already registered to verifier " + holder + ")",
               "R-VER-1"};
}

// 1–100 characters of valid UTF-8, no control characters.
Status CheckName(std::string_view name) {
  size_t chars = 0;
  for (size_t i = 0; i < name.size();) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > name.size()) return InvalidArgument("name", "UTF-8 ではありません (not UTF-8)");
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(name[i + k]) & 0xC0) != 0x80) {
        return InvalidArgument("name", "UTF-8 ではありません (not UTF-8)");
      }
    }
    if (c < 0x20 || c == 0x7F) return InvalidArgument("name", "制御文字は使えません (no control characters)");
    i += len;
    ++chars;
  }
  if (chars == 0 || chars > kMaxVerifierNameChars) {
    return InvalidArgument("name", "名称は1〜" + std::to_string(kMaxVerifierNameChars) +
                                       "文字です (1 to 100 characters)");
  }
  return {};
}

Result<std::string> NormalizeKinds(std::string_view kinds) {
  if (kinds == "sign" || kinds == "auth") return std::string(kinds);
  if (kinds == "sign,auth" || kinds == "auth,sign") return std::string("sign,auth");
  return InvalidArgument("kinds",
                         "sign (署名検証者) | auth (利用者証明検証者) | sign,auth のいずれかです (R-VER-1)",
                         "R-VER-1");
}

std::string KeyHash(std::string_view api_key) { return pki::Sha256Hex(api_key); }

Error Unauthenticated() {
  return Error{ErrorCode::kUnauthenticated, "Authorization",
               "登録された検証者の API キーが必要です (a registered verifier's API key is required: "
               "Authorization: Bearer mvk_…)",
               "R-VER-1"};
}

// Which CA, which record, which resident: what every verifier answer starts from.
Result<VerifierCertStatus> Lookup(pki::CaStore& ca, std::span<const pki::CaGeneration* const> cas,
                                  const Verifier& verifier, std::string_view certificate_der,
                                  pki::IssuedCert* record) {
  // The CA the certificate names, without parsing it whole (pki::PeekCertificate): no
  // signature check here either — the certificate must be, byte for byte, the one the CA store
  // recorded, which only that CA signed. A look-up costs no public-key decoding and no RSA.
  MYNACERT_ASSIGN_OR_RETURN(pki::CertificatePeek peek, pki::PeekCertificate(certificate_der, "certificate_hex"));
  const pki::CaGeneration* issuer = nullptr;
  for (const pki::CaGeneration* g : cas) {
    if (g && pki::SubjectNameDer(g->cert.get()) == peek.issuer_der) {
      issuer = g;
      break;
    }
  }
  const Error not_ours =
      NotFound("certificate_hex", "この認証局が発行した証明書ではありません (not a certificate of this CA)");
  if (!issuer) return not_ours;
  const std::string kind(pki::CaKindName(issuer->kind));
  if (!verifier.May(kind)) return NotRegisteredForKind(kind);
  const std::string& serial = peek.serial_hex;
  MYNACERT_ASSIGN_OR_RETURN(auto found, ca.Find(issuer->kind, serial));
  if (!found || found->der != certificate_der) return not_ours;
  VerifierCertStatus s;
  s.kind = kind;
  s.serial = serial;
  s.state = found->state;
  s.reason = found->reason;
  s.revoked_at = found->revoked_at;
  s.not_before = found->not_before;
  s.not_after = found->not_after;
  s.resident_id = internal::ResidentOf(*found);
  if (s.resident_id != 0) s.holder_id = PairwiseHolderId(verifier, s.resident_id);
  if (record) *record = std::move(*found);
  return s;
}

}  // namespace

Error NotRegisteredForKind(std::string_view kind) {
  return Error{ErrorCode::kPermissionDenied, "kind",
               kind == "sign" ? "署名検証者として登録されていません (not registered as a signature verifier)"
                              : "利用者証明検証者として登録されていません (not registered as a user-authentication verifier)",
               "R-VER-1"};
}

bool Verifier::May(std::string_view kind) const {
  return kinds == kind || (kinds == "sign,auth" && (kind == "sign" || kind == "auth"));
}

std::string VerifierJson(const Verifier& v) {
  json j{{"id", v.id},         {"name", v.name},         {"kinds", v.kinds},
         {"state", v.state},   {"created_at", v.created_at}, {"created_by", v.created_by}};
  if (v.revoked_at != 0) j["revoked_at"] = v.revoked_at;
  if (!v.client_cert_sha256.empty()) {
    j["client_certificate"] = json{{"sha256", v.client_cert_sha256},
                                   {"subject", v.client_cert_subject},
                                   {"not_after", v.client_cert_not_after}};
  }
  return j.dump();
}

Result<NewVerifier> AddVerifier(CounterStore& store, std::string_view name, std::string_view kinds,
                                std::string_view by, int64_t now, std::string_view client_cert) {
  MYNACERT_RETURN_IF_ERROR(CheckName(name));
  MYNACERT_ASSIGN_OR_RETURN(std::string normalized, NormalizeKinds(kinds));
  std::optional<ClientCertificate> cert;
  if (!client_cert.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(cert, ReadClientCertificate(client_cert, now));
  }
  NewVerifier out;
  Verifier& v = out.verifier;
  MYNACERT_ASSIGN_OR_RETURN(std::string id_hex, internal::RandomHex(6));
  for (char& ch : id_hex) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  v.id = "V" + id_hex;
  v.name = std::string(name);
  v.kinds = normalized;
  v.created_at = now;
  v.created_by = std::string(by);
  MYNACERT_ASSIGN_OR_RETURN(v.pairwise_salt, internal::RandomHex(32));
  MYNACERT_ASSIGN_OR_RETURN(std::string key_hex, internal::RandomHex(32));
  out.api_key = std::string(kKeyPrefix) + key_hex;
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  MYNACERT_RETURN_IF_ERROR(store::Run(
      store.db(),
      "INSERT INTO verifiers (id, name, kinds, key_hash, pairwise_salt, state, created_at, created_by) "
      "VALUES ($1, $2, $3, $4, $5, 'active', $6, $7)",
      {v.id, v.name, v.kinds, KeyHash(out.api_key), v.pairwise_salt, now, v.created_by}));
  json detail{{"verifier", v.id}, {"name", v.name}, {"kinds", v.kinds}, {"rule", "R-VER-1"}};
  if (cert) {
    MYNACERT_ASSIGN_OR_RETURN(auto holder, CertificateHolder(store, cert->sha256, v.id));
    if (holder) return CertificateTaken(*holder);
    MYNACERT_RETURN_IF_ERROR(store::Run(store.db(),
                                        "UPDATE verifiers SET client_cert_sha256 = $2, client_cert_subject = $3, "
                                        "client_cert_not_after = $4 WHERE id = $1",
                                        {v.id, cert->sha256, cert->subject, cert->not_after}));
    v.client_cert_sha256 = cert->sha256;
    v.client_cert_subject = cert->subject;
    v.client_cert_not_after = cert->not_after;
    detail["client_cert_sha256"] = cert->sha256;
  }
  MYNACERT_RETURN_IF_ERROR(internal::Audit(store, by, 0, 0, "verifier_added", detail.dump(), now));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Result<std::vector<Verifier>> ListVerifiers(CounterStore& store) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, store::Query(store.db(), "SELECT " + std::string(kColumns) + " FROM verifiers ORDER BY created_at, id", {}));
  std::vector<Verifier> out;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadVerifier(*s));
  }
  return out;
}

Result<Verifier> GetVerifier(CounterStore& store, std::string_view id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, store::Query(store.db(), "SELECT " + std::string(kColumns) + " FROM verifiers WHERE id = $1", {id}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return NotFound("verifier", "登録された検証者 '" + std::string(id) + "' はありません (no such verifier)");
  return ReadVerifier(*s);
}

Status RevokeVerifier(CounterStore& store, std::string_view id, std::string_view by, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  MYNACERT_ASSIGN_OR_RETURN(Verifier v, GetVerifier(store, id));
  if (v.state != "active") {
    return Error{ErrorCode::kFailedPrecondition, "verifier", "この検証者の登録は既に取り消されています (already revoked)",
                 "R-VER-1"};
  }
  MYNACERT_RETURN_IF_ERROR(store::Run(store.db(),
                                      "UPDATE verifiers SET state = 'revoked', revoked_at = $2 WHERE id = $1",
                                      {id, now}));
  MYNACERT_RETURN_IF_ERROR(internal::Audit(
      store, by, 0, 0, "verifier_revoked", json{{"verifier", v.id}, {"name", v.name}, {"rule", "R-VER-1"}}.dump(),
      now));
  return tx.Commit();
}

Status SetVerifierClientCertificate(CounterStore& store, std::string_view id, std::string_view client_cert,
                                    std::string_view by, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(ClientCertificate cert, ReadClientCertificate(client_cert, now));
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  MYNACERT_ASSIGN_OR_RETURN(Verifier v, GetVerifier(store, id));
  if (v.state != "active") {
    return Error{ErrorCode::kFailedPrecondition, "verifier", "この検証者の登録は取り消されています (revoked)", "R-VER-1"};
  }
  MYNACERT_ASSIGN_OR_RETURN(auto holder, CertificateHolder(store, cert.sha256, v.id));
  if (holder) return CertificateTaken(*holder);
  MYNACERT_RETURN_IF_ERROR(store::Run(store.db(),
                                      "UPDATE verifiers SET client_cert_sha256 = $2, client_cert_subject = $3, "
                                      "client_cert_not_after = $4 WHERE id = $1",
                                      {v.id, cert.sha256, cert.subject, cert.not_after}));
  json detail{{"verifier", v.id}, {"client_cert_sha256", cert.sha256}, {"rule", "R-VER-1"}};
  if (!v.client_cert_sha256.empty()) detail["replaced"] = v.client_cert_sha256;
  MYNACERT_RETURN_IF_ERROR(internal::Audit(store, by, 0, 0, "verifier_client_cert_set", detail.dump(), now));
  return tx.Commit();
}

Result<Verifier> AuthenticateVerifierByCertificate(CounterStore& store, std::string_view client_cert_pem) {
  const Error unauthenticated{ErrorCode::kUnauthenticated, "client_certificate",
                              "登録された検証者のクライアント証明書ではありません (not the client certificate of a "
                              "registered verifier)",
                              "R-VER-1"};
  auto cert = pki::ParseCertificatePemOrDer(client_cert_pem, "client_certificate");
  if (!cert.ok()) return unauthenticated;
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, store::Query(store.db(),
                           "SELECT " + std::string(kColumns) +
                               " FROM verifiers WHERE client_cert_sha256 = $1 AND state = 'active'",
                           {pki::Sha256Hex(pki::CertificateDer(cert->get()))}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return unauthenticated;
  return ReadVerifier(*s);
}

Result<Verifier> AuthenticateVerifier(CounterStore& store, std::string_view api_key) {
  if (api_key.size() != kKeyPrefix.size() + 64 || api_key.substr(0, kKeyPrefix.size()) != kKeyPrefix) {
    return Unauthenticated();
  }
  MYNACERT_ASSIGN_OR_RETURN(auto s, store::Query(store.db(),
                                                 "SELECT " + std::string(kColumns) +
                                                     " FROM verifiers WHERE key_hash = $1 AND state = 'active'",
                                                 {KeyHash(api_key)}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Unauthenticated();
  return ReadVerifier(*s);
}

std::string PairwiseHolderId(const Verifier& verifier, int64_t resident_id) {
  std::string key;
  Unhex(verifier.pairwise_salt, &key);
  const std::string message = "mynacert holder id v1\n" + std::to_string(resident_id);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &len);
  return HexLower(std::string_view(reinterpret_cast<const char*>(mac), 16));
}

Result<VerifierCertStatus> StatusForVerifier(pki::CaStore& ca, std::span<const pki::CaGeneration* const> cas,
                                             const Verifier& verifier, std::string_view certificate_der) {
  return Lookup(ca, cas, verifier, certificate_der, nullptr);
}

Result<bool> HasConsent(CounterStore& store, std::string_view verifier_id, int64_t resident_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, store::Query(store.db(),
                           "SELECT 1 FROM verifier_consents WHERE verifier_id = $1 AND resident_id = $2 "
                           "AND withdrawn_at IS NULL",
                           {verifier_id, resident_id}));
  return s->Step();
}

Result<CurrentState> CheckCurrent(CounterStore& store, pki::CaStore& ca,
                                  std::span<const pki::CaGeneration* const> cas, const Verifier& verifier,
                                  std::string_view certificate_der, int64_t now) {
  pki::IssuedCert record;
  MYNACERT_ASSIGN_OR_RETURN(VerifierCertStatus status, Lookup(ca, cas, verifier, certificate_der, &record));
  if (status.kind != "sign") {
    return Error{ErrorCode::kFailedPrecondition, "certificate_hex",
                 "現況確認は署名用電子証明書についてのものです (現況確認 is for sign certificates)", "R-VER-3"};
  }
  CurrentState out;
  out.status = std::move(status);
  out.changed = out.status.state == pki::CertState::kRevoked &&
                out.status.reason == pki::RevocationReason::kAffiliationChanged;
  if (!out.changed || out.status.resident_id == 0) return out;
  // The consent read and the disclosure recorded in one transaction: a withdrawal that
  // commits first is honoured, one that commits after finds the disclosure in the log.
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  MYNACERT_ASSIGN_OR_RETURN(out.consent, HasConsent(store, verifier.id, out.status.resident_id));
  if (!out.consent) return out;
  MYNACERT_ASSIGN_OR_RETURN(Resident r, store.GetResident(out.status.resident_id));
  out.basic = BasicData{r.name, r.address, r.birth, r.sex};
  // The holder's newest good sign certificate issued after the one asked about.
  MYNACERT_ASSIGN_OR_RETURN(auto issued, ca.FindByHolder(record.holder_ref));
  const pki::IssuedCert* newest = nullptr;
  for (const pki::IssuedCert& c : issued) {
    if (c.kind != pki::CaKind::kSign || c.state != pki::CertState::kGood || c.issued_at < record.issued_at ||
        c.serial_hex == record.serial_hex) {
      continue;
    }
    if (!newest || c.issued_at > newest->issued_at) newest = &c;
  }
  if (newest) out.new_certificate_der = newest->der;
  json detail{{"verifier", verifier.id},
              {"verifier_name", verifier.name},
              {"serial", out.status.serial},
              {"disclosed", json::array({"name", "address", "birth", "sex"})},
              {"rule", "R-VER-3"}};
  if (newest) detail["new_serial"] = newest->serial_hex;
  MYNACERT_RETURN_IF_ERROR(
      internal::Audit(store, "verifier:" + verifier.id, 0, out.status.resident_id, "verifier_disclosure", detail.dump(), now));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return out;
}

std::string ConsentPurpose(std::string_view verifier_id) { return "consent:" + std::string(verifier_id); }
std::string WithdrawPurpose(std::string_view verifier_id) { return "withdraw:" + std::string(verifier_id); }

Result<Verifier> CheckConsentPurpose(CounterStore& store, std::string_view purpose, std::string_view cert_kind) {
  const bool grant = purpose.rfind("consent:", 0) == 0;
  if (!grant && purpose.rfind("withdraw:", 0) != 0) {
    return InvalidArgument("purpose", "consent:<verifier> | withdraw:<verifier>");
  }
  const std::string_view id = purpose.substr(grant ? 8 : 9);
  if (id.size() != 13 || id[0] != 'V') {
    return NotFound("verifier", "登録された検証者 '" + std::string(id) + "' はありません (no such verifier)");
  }
  MYNACERT_ASSIGN_OR_RETURN(Verifier v, GetVerifier(store, id));
  if (grant && (v.state != "active" || !v.May("sign"))) {
    return Error{ErrorCode::kFailedPrecondition, "verifier",
                 "この検証者には同意できません: 登録が取り消されたか、署名検証者ではありません (not an active signature "
                 "verifier)",
                 "R-VER-3"};
  }
  if (grant && cert_kind != "sign") {
    return Error{ErrorCode::kFailedPrecondition, "purpose",
                 "同意は署名用電子証明書 (署名用の暗証番号) で行います (consent is given with the sign certificate)",
                 "R-VER-3"};
  }
  return v;
}

Result<ConsentDecision> AnswerConsent(CounterStore& store, pki::CaStore& ca, std::string_view challenge_id,
                                      std::string_view signature, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(internal::Answered a,
                            internal::ClaimAnswered(store, ca, challenge_id, signature, "", "R-VER-3", now));
  const std::string& purpose = a.challenge.purpose;
  const bool grant = purpose.rfind("consent:", 0) == 0;
  if (!grant && purpose.rfind("withdraw:", 0) != 0) {
    return Error{ErrorCode::kFailedPrecondition, "challenge_id",
                 "このチャレンジは同意のためのものではありません (not a consent challenge)", "R-VER-3"};
  }
  const int64_t resident = internal::ResidentOf(a.recorded);
  if (resident == 0) return NotFound("certificate", "住民の記録がありません (no resident on record)");
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  // Checked again: the verifier may have been revoked since the challenge was issued.
  MYNACERT_ASSIGN_OR_RETURN(Verifier v, CheckConsentPurpose(store, purpose, a.challenge.kind));
  if (grant) {
    MYNACERT_RETURN_IF_ERROR(store::Run(store.db(), "DELETE FROM verifier_consents WHERE verifier_id = $1 AND resident_id = $2",
                                        {v.id, resident}));
    MYNACERT_RETURN_IF_ERROR(store::Run(store.db(),
                                        "INSERT INTO verifier_consents (verifier_id, resident_id, granted_at, granted_serial) "
                                        "VALUES ($1, $2, $3, $4)",
                                        {v.id, resident, now, a.challenge.serial}));
  } else {
    MYNACERT_RETURN_IF_ERROR(store::Run(store.db(),
                                        "UPDATE verifier_consents SET withdrawn_at = $3 WHERE verifier_id = $1 AND "
                                        "resident_id = $2 AND withdrawn_at IS NULL",
                                        {v.id, resident, now}));
  }
  MYNACERT_RETURN_IF_ERROR(internal::Audit(store, "holder", 0, resident, grant ? "consent_granted" : "consent_withdrawn",
                                           json{{"verifier", v.id},
                                                {"verifier_name", v.name},
                                                {"kind", a.challenge.kind},
                                                {"serial", a.challenge.serial},
                                                {"challenge", a.challenge.id},
                                                {"rule", "R-VER-3"}}
                                               .dump(),
                                           now));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return ConsentDecision{v.id, v.name, grant, resident, now};
}

}  // namespace mynacert::counter
