#include "pki/ocsp.h"

#include <openssl/ocsp.h>

#include <optional>
#include <utility>

#include "pki/der.h"

namespace mynacert::pki {
namespace {

using OcspRequestPtr = OpenSslPtr<OCSP_REQUEST, OCSP_REQUEST_free>;

constexpr std::string_view kOidOcspBasic = "1.3.6.1.5.5.7.48.1.1";
constexpr std::string_view kOidOcspNonce = "1.3.6.1.5.5.7.48.1.2";

std::string Digest(const EVP_MD* md, const unsigned char* data, size_t size) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data, size, out, &length, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string NameDer(X509* cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509_NAME(X509_get_subject_name(cert), &der);
  if (length <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::string KeyHash(const EVP_MD* md, X509* cert) {
  const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(cert);
  return Digest(md, key->data, static_cast<size_t>(key->length));
}

std::string_view View(const ASN1_OCTET_STRING* s) {
  return std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                          static_cast<size_t>(ASN1_STRING_length(s)));
}

int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

struct StatusRow {
  CertState state = CertState::kGood;
  bool known = false;
  int64_t revoked_at = 0;
  RevocationReason reason = RevocationReason::kUnspecified;
};

}  // namespace

std::string_view OcspMalformedRequest() { return std::string_view("\x30\x03\x0a\x01\x01", 5); }
std::string_view OcspInternalError() { return std::string_view("\x30\x03\x0a\x01\x02", 5); }
std::string_view OcspUnauthorized() { return std::string_view("\x30\x03\x0a\x01\x06", 5); }

Result<std::unique_ptr<OcspResponder>> OcspResponder::Create(std::vector<OcspIssuer> configs,
                                                             std::unique_ptr<CaStore> store,
                                                             OcspOptions options) {
  if (configs.empty()) return InvalidArgument("ca", "認証局がありません (no CA to answer for)");
  std::vector<Issuer> issuers;
  for (OcspIssuer& config : configs) {
    Issuer i;
    const std::string name = NameDer(config.ca_cert.get());
    const auto* name_bytes = reinterpret_cast<const unsigned char*>(name.data());
    i.name_sha1 = Digest(EVP_sha1(), name_bytes, name.size());
    i.name_sha256 = Digest(EVP_sha256(), name_bytes, name.size());
    i.key_sha1 = KeyHash(EVP_sha1(), config.ca_cert.get());
    i.key_sha256 = KeyHash(EVP_sha256(), config.ca_cert.get());
    i.responder_key_sha1 = KeyHash(EVP_sha1(), config.responder.cert.get());
    i.responder_cert = std::make_shared<const ResponderCert>(
        ResponderCert{CertificateDer(config.responder.cert.get()),
                      Asn1Seconds(X509_get0_notAfter(config.responder.cert.get()))});
    if (!config.responder.signer) return InvalidArgument("responder", "no responder key");
    i.config = std::move(config);
    issuers.push_back(std::move(i));
  }
  std::unique_ptr<OcspResponder> r(
      new OcspResponder(std::move(issuers), std::move(store), std::move(options)));
  MYNACERT_ASSIGN_OR_RETURN(r->last_seq_, r->store_->LastSeq());
  return r;
}

Result<std::unique_ptr<OcspResponder>> OcspResponder::FromDirectory(const std::string& dir,
                                                                    const KeySecrets& secrets,
                                                                    std::unique_ptr<CaStore> store,
                                                                    OcspOptions options) {
  std::vector<OcspIssuer> issuers;
  for (CaKind kind : {CaKind::kSign, CaKind::kAuth}) {
    for (int g = 1; g <= LatestGeneration(dir, kind); ++g) {
      OcspIssuer issuer;
      issuer.kind = kind;
      issuer.generation = g;
      MYNACERT_ASSIGN_OR_RETURN(issuer.ca_cert, LoadCaCertificate(dir, kind, g));
      MYNACERT_ASSIGN_OR_RETURN(issuer.responder, LoadOcspResponder(dir, kind, g, secrets));
      issuers.push_back(std::move(issuer));
    }
  }
  return Create(std::move(issuers), std::move(store), std::move(options));
}

std::shared_ptr<const OcspResponder::ResponderCert> OcspResponder::ResponderOf(size_t issuer) const {
  std::shared_lock lock(responders_mu_);
  return issuers_[issuer].responder_cert;
}

int64_t OcspResponder::ResponderNotAfter() const {
  std::shared_lock lock(responders_mu_);
  int64_t earliest = INT64_MAX;
  for (const Issuer& i : issuers_) earliest = std::min(earliest, i.responder_cert->not_after);
  return earliest;
}

Result<std::vector<std::string>> OcspResponder::RenewResponders(const std::string& dir,
                                                                const KeySecrets& secrets,
                                                                const HsmBackend* hsm) {
  MYNACERT_ASSIGN_OR_RETURN(std::vector<std::string> renewed,
                            RenewOcspResponders(dir, secrets, options_.now(), hsm));
  for (size_t k = 0; k < issuers_.size(); ++k) {
    const OcspIssuer& config = issuers_[k].config;
    MYNACERT_ASSIGN_OR_RETURN(X509Ptr cert,
                              LoadOcspResponderCertificate(dir, config.kind, config.generation));
    // Only a certificate for the key this responder signs with (a hand-edited or half-copied
    // folder must not make answers that fail to verify).
    if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), config.responder.signer->public_key()) != 1) {
      TakeOpenSslErrors();
      return InvalidArgument(dir, std::string(CaKindName(config.kind)) + "-ocsp-" +
                                      std::to_string(config.generation) +
                                      ".crt.pem: 応答者の鍵と一致しません (does not match the "
                                      "responder's key)");
    }
    auto fresh = std::make_shared<const ResponderCert>(
        ResponderCert{CertificateDer(cert.get()), Asn1Seconds(X509_get0_notAfter(cert.get()))});
    std::unique_lock lock(responders_mu_);
    if (issuers_[k].responder_cert->der != fresh->der) issuers_[k].responder_cert = std::move(fresh);
  }
  return renewed;
}

OcspResponder::Stats OcspResponder::stats() const {
  return Stats{requests_.load(), cache_hits_.load(), signatures_.load(), malformed_.load()};
}

std::string OcspResponder::Respond(std::string_view request_der) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  const int64_t now = UnixSeconds(options_.now());
  {
    std::shared_lock lock(cache_mu_);
    auto it = cache_.find(request_der);
    if (it != cache_.end() && now < it->second.fresh_until) {
      cache_hits_.fetch_add(1, std::memory_order_relaxed);
      return it->second.response;
    }
  }
  bool cacheable = false;
  std::vector<CertRef> refs;
  int64_t fresh_until = 0;
  std::string response = Build(request_der, &cacheable, &refs, &fresh_until);
  if (cacheable) {
    std::unique_lock lock(cache_mu_);
    if (cache_.size() >= options_.max_cached) cache_.clear();
    cache_[std::string(request_der)] = Entry{response, fresh_until, std::move(refs)};
  }
  return response;
}

Result<int> OcspResponder::Refresh() {
  std::vector<std::pair<CaKind, std::string>> changed;
  {
    std::lock_guard lock(store_mu_);
    int64_t last = last_seq_;
    MYNACERT_ASSIGN_OR_RETURN(changed, store_->ChangedSince(last_seq_, &last));
    last_seq_ = last;
  }
  if (changed.empty()) return 0;
  // The requests whose answers mention a changed certificate.
  std::vector<std::string> stale;
  {
    std::shared_lock lock(cache_mu_);
    for (const auto& [request, entry] : cache_) {
      for (const CertRef& ref : entry.refs) {
        bool hit = false;
        for (const auto& [kind, serial] : changed) {
          if (issuers_[ref.issuer].config.kind == kind && ref.serial_hex == serial) hit = true;
        }
        if (hit) {
          stale.push_back(request);
          break;
        }
      }
    }
  }
  int resigned = 0;
  for (const std::string& request : stale) {
    bool cacheable = false;
    std::vector<CertRef> refs;
    int64_t fresh_until = 0;
    std::string response = Build(request, &cacheable, &refs, &fresh_until);
    std::unique_lock lock(cache_mu_);
    if (cacheable) {
      cache_[request] = Entry{std::move(response), fresh_until, std::move(refs)};
      ++resigned;
    } else {
      cache_.erase(request);
    }
  }
  return resigned;
}

std::string OcspResponder::Build(std::string_view request_der, bool* cacheable,
                                 std::vector<CertRef>* refs, int64_t* fresh_until) {
  *cacheable = false;
  const auto* p = reinterpret_cast<const unsigned char*>(request_der.data());
  OcspRequestPtr request(
      request_der.empty() ? nullptr
                          : d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(request_der.size())));
  const int count = request ? OCSP_request_onereq_count(request.get()) : 0;
  if (!request || count <= 0 ||
      p != reinterpret_cast<const unsigned char*>(request_der.data() + request_der.size())) {
    TakeOpenSslErrors();
    malformed_.fetch_add(1, std::memory_order_relaxed);
    return std::string(OcspMalformedRequest());
  }
  // Nonce: echoed, and the answer is then per request.
  std::optional<std::string> nonce;
  const int nonce_at = OCSP_REQUEST_get_ext_by_NID(request.get(), NID_id_pkix_OCSP_Nonce, -1);
  if (nonce_at >= 0) {
    X509_EXTENSION* ext = OCSP_REQUEST_get_ext(request.get(), nonce_at);
    nonce = std::string(View(X509_EXTENSION_get_data(ext)));
  }

  struct One {
    std::string cert_id_der;
    std::optional<size_t> issuer;
    std::string serial_hex;
  };
  std::vector<One> ones;
  std::optional<size_t> responder;
  for (int i = 0; i < count; ++i) {
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), i));
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OBJECT* md = nullptr;
    ASN1_OCTET_STRING* key_hash = nullptr;
    ASN1_INTEGER* serial = nullptr;
    One one;
    unsigned char* id_der = nullptr;
    const int id_length = i2d_OCSP_CERTID(id, &id_der);
    if (id_length <= 0 || OCSP_id_get0_info(&name_hash, &md, &key_hash, &serial, id) != 1 ||
        !name_hash || !key_hash || !serial) {
      OPENSSL_free(id_der);
      TakeOpenSslErrors();
      malformed_.fetch_add(1, std::memory_order_relaxed);
      return std::string(OcspMalformedRequest());
    }
    one.cert_id_der.assign(reinterpret_cast<char*>(id_der), static_cast<size_t>(id_length));
    OPENSSL_free(id_der);
    one.serial_hex = SerialHex(serial);
    const int md_nid = OBJ_obj2nid(md);
    for (size_t k = 0; k < issuers_.size(); ++k) {
      const Issuer& is = issuers_[k];
      const bool match = (md_nid == NID_sha1 && View(name_hash) == is.name_sha1 &&
                          View(key_hash) == is.key_sha1) ||
                         (md_nid == NID_sha256 && View(name_hash) == is.name_sha256 &&
                          View(key_hash) == is.key_sha256);
      if (match) {
        one.issuer = k;
        if (!responder) responder = k;
        break;
      }
    }
    ones.push_back(std::move(one));
  }
  if (!responder) return std::string(OcspUnauthorized());
  const Issuer& signer_issuer = issuers_[*responder];

  // Statuses, read together.
  std::vector<StatusRow> statuses(ones.size());
  {
    std::lock_guard lock(store_mu_);
    for (size_t i = 0; i < ones.size(); ++i) {
      // Only the chosen responder's generation is answered; others are unknown to it.
      if (ones[i].issuer != responder || ones[i].serial_hex.empty() ||
          ones[i].serial_hex[0] == '-') {
        continue;
      }
      auto found = store_->Find(signer_issuer.config.kind, ones[i].serial_hex);
      if (!found.ok()) return std::string(OcspInternalError());
      if (!found->has_value() || (*found)->generation != signer_issuer.config.generation) continue;
      statuses[i].known = true;
      statuses[i].state = (*found)->state;
      statuses[i].revoked_at = (*found)->revoked_at;
      statuses[i].reason = (*found)->reason;
    }
  }

  const int64_t now = UnixSeconds(options_.now());
  // The responder certificate of this moment (RenewResponders may swap it meanwhile), and the
  // answer's nextUpdate: the validity, never past that certificate (a client rejects an answer
  // its signer's certificate does not cover).
  const std::shared_ptr<const ResponderCert> responder_cert = ResponderOf(*responder);
  const int64_t next_update =
      std::max(now, std::min(now + options_.validity.count(), responder_cert->not_after));
  // Served from the cache until half its validity has passed, then signed afresh.
  *fresh_until = now + (next_update - now) / 2;
  // ResponseData
  std::string tbs;
  const size_t tbs_at = der::Open(tbs, der::kSequence);
  {
    const size_t rid = der::Open(tbs, der::ContextConstructed(2));  // byKey
    der::AppendTlv(tbs, der::kOctetString, signer_issuer.responder_key_sha1);
    der::Close(tbs, rid);
  }
  der::AppendGeneralizedTime(tbs, now);
  const size_t responses_at = der::Open(tbs, der::kSequence);
  for (size_t i = 0; i < ones.size(); ++i) {
    const size_t single = der::Open(tbs, der::kSequence);
    tbs.append(ones[i].cert_id_der);
    const StatusRow& st = statuses[i];
    if (!st.known) {
      tbs.append("\x82\x00", 2);  // unknown [2] IMPLICIT NULL
    } else if (st.state == CertState::kGood) {
      tbs.append("\x80\x00", 2);  // good [0] IMPLICIT NULL
    } else {
      const size_t revoked = der::Open(tbs, der::ContextConstructed(1));
      der::AppendGeneralizedTime(tbs, st.revoked_at);
      const RevocationReason reason =
          st.state == CertState::kOnHold ? RevocationReason::kCertificateHold : st.reason;
      const size_t reason_at = der::Open(tbs, der::ContextConstructed(0));
      der::AppendEnumerated(tbs, static_cast<int>(reason));
      der::Close(tbs, reason_at);
      der::Close(tbs, revoked);
    }
    der::AppendGeneralizedTime(tbs, now);  // thisUpdate
    const size_t next = der::Open(tbs, der::ContextConstructed(0));
    der::AppendGeneralizedTime(tbs, next_update);
    der::Close(tbs, next);
    der::Close(tbs, single);
    if (ones[i].issuer == responder) refs->push_back(CertRef{*responder, ones[i].serial_hex});
  }
  der::Close(tbs, responses_at);
  if (nonce) {
    const size_t exts_explicit = der::Open(tbs, der::ContextConstructed(1));
    const size_t exts = der::Open(tbs, der::kSequence);
    const size_t ext = der::Open(tbs, der::kSequence);
    der::AppendOid(tbs, kOidOcspNonce);
    der::AppendTlv(tbs, der::kOctetString, *nonce);
    der::Close(tbs, ext);
    der::Close(tbs, exts);
    der::Close(tbs, exts_explicit);
  }
  der::Close(tbs, tbs_at);

  auto signature = signer_issuer.config.responder.signer->Sign(tbs);
  if (!signature.ok()) return std::string(OcspInternalError());
  signatures_.fetch_add(1, std::memory_order_relaxed);
  // certs [0] EXPLICIT SEQUENCE OF Certificate: the delegated responder's certificate.
  std::string certs;
  {
    const size_t explicit_at = der::Open(certs, der::ContextConstructed(0));
    const size_t seq = der::Open(certs, der::kSequence);
    certs.append(responder_cert->der);
    der::Close(certs, seq);
    der::Close(certs, explicit_at);
  }
  const std::string basic = der::SignedSequence(tbs, *signature, certs);
  std::string out;
  const size_t response_at = der::Open(out, der::kSequence);
  der::AppendEnumerated(out, 0);  // successful
  const size_t bytes_explicit = der::Open(out, der::ContextConstructed(0));
  const size_t bytes = der::Open(out, der::kSequence);
  der::AppendOid(out, kOidOcspBasic);
  der::AppendTlv(out, der::kOctetString, basic);
  der::Close(out, bytes);
  der::Close(out, bytes_explicit);
  der::Close(out, response_at);
  *cacheable = !nonce.has_value();
  return out;
}

std::optional<OcspTimes> OcspResponseTimes(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  OCSP_RESPONSE* response = d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size()));
  if (!response) return std::nullopt;
  std::optional<OcspTimes> out;
  OCSP_BASICRESP* basic = OCSP_response_status(response) == OCSP_RESPONSE_STATUS_SUCCESSFUL
                              ? OCSP_response_get1_basic(response)
                              : nullptr;
  auto seconds = [](const ASN1_GENERALIZEDTIME* t) -> std::optional<int64_t> {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return static_cast<int64_t>(timegm(&tm));
  };
  if (basic && OCSP_resp_count(basic) > 0) {
    int reason = 0;
    ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
    OCSP_single_get0_status(OCSP_resp_get0(basic, 0), &reason, &revoked, &this_update, &next_update);
    const auto produced = seconds(OCSP_resp_get0_produced_at(basic));
    const auto next = seconds(next_update);
    if (produced && next) out = OcspTimes{*produced, *next};
  }
  OCSP_BASICRESP_free(basic);
  OCSP_RESPONSE_free(response);
  TakeOpenSslErrors();
  return out;
}

std::string OcspUrl(X509* cert) {
  OpenSslPtr<STACK_OF(OPENSSL_STRING), X509_email_free> urls(X509_get1_ocsp(cert));
  return urls && sk_OPENSSL_STRING_num(urls.get()) > 0 ? std::string(sk_OPENSSL_STRING_value(urls.get(), 0)) : std::string();
}

Result<OcspVerdict> AskOcsp(X509* cert, X509* issuer, const OcspTransport& transport, std::string_view field) {
  const std::string where(field);
  OpenSslPtr<OCSP_CERTID, OCSP_CERTID_free> id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
  OpenSslPtr<OCSP_REQUEST, OCSP_REQUEST_free> req(OCSP_REQUEST_new());
  if (!id || !req || !OCSP_request_add0_id(req.get(), OCSP_CERTID_dup(id.get()))) {
    TakeOpenSslErrors();
    return Error{ErrorCode::kInternal, where, "OCSP 要求を作れません (cannot build the OCSP request)", ""};
  }
  unsigned char* buf = nullptr;
  const int len = i2d_OCSP_REQUEST(req.get(), &buf);
  if (len <= 0) {
    TakeOpenSslErrors();
    return Error{ErrorCode::kInternal, where, "OCSP 要求を作れません (cannot build the OCSP request)", ""};
  }
  const std::string request(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  MYNACERT_ASSIGN_OR_RETURN(std::string answer, transport(request));
  const unsigned char* p = reinterpret_cast<const unsigned char*>(answer.data());
  OpenSslPtr<OCSP_RESPONSE, OCSP_RESPONSE_free> resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(answer.size())));
  if (!resp || OCSP_response_status(resp.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    TakeOpenSslErrors();
    return Error{ErrorCode::kFailedPrecondition, where, "OCSP の応答がありません (no successful OCSP answer)", ""};
  }
  OpenSslPtr<OCSP_BASICRESP, OCSP_BASICRESP_free> basic(OCSP_response_get1_basic(resp.get()));
  OpenSslPtr<X509_STORE, X509_STORE_free> trust(X509_STORE_new());
  X509_STORE_add_cert(trust.get(), issuer);
  if (!basic || OCSP_basic_verify(basic.get(), nullptr, trust.get(), 0) != 1) {
    TakeOpenSslErrors();
    return Error{ErrorCode::kFailedPrecondition, where,
                 "OCSP の応答の署名が認証局で検証できません (the answer is not signed for the issuing CA)", ""};
  }
  int status = -1, reason = -1;
  ASN1_GENERALIZEDTIME* revoked_at = nullptr;
  ASN1_GENERALIZEDTIME* this_update = nullptr;
  ASN1_GENERALIZEDTIME* next_update = nullptr;
  if (OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at, &this_update, &next_update) != 1) {
    TakeOpenSslErrors();
    return Error{ErrorCode::kFailedPrecondition, where, "OCSP の応答にこの証明書がありません (no status for the certificate)", ""};
  }
  OcspVerdict v;
  v.unknown = status == V_OCSP_CERTSTATUS_UNKNOWN;
  if (this_update) v.this_update = Asn1Seconds(this_update);
  if (status == V_OCSP_CERTSTATUS_REVOKED) {
    v.reason = reason >= 0 ? static_cast<RevocationReason>(reason) : RevocationReason::kUnspecified;
    v.state = v.reason == RevocationReason::kCertificateHold ? CertState::kOnHold : CertState::kRevoked;
    if (revoked_at) v.revoked_at = Asn1Seconds(revoked_at);
  }
  return v;
}

}  // namespace mynacert::pki
