#include "pki/cms.h"

#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>

#include "core/clock.h"
#include "core/hex.h"

namespace mynacert::pki {

namespace {

using Pkcs7Ptr = OpenSslPtr<PKCS7, PKCS7_free>;

std::string Sha256(std::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

Error Failed(std::string_view field, std::string what) {
  TakeOpenSslErrors();
  return Error{ErrorCode::kInternal, std::string(field), "署名データを作れません (cannot build the signed data: " + what + ")", ""};
}

// The DER of a SignerInfo's signed attributes as the signature covers them (a SET OF, RFC
// 5652 5.4): sorted when signing (PKCS7_ATTR_SIGN), as received when verifying.
std::string SignedAttributesDer(PKCS7_SIGNER_INFO* si, bool verifying) {
  unsigned char* buf = nullptr;
  const int n = ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(si->auth_attr), &buf,
                              verifying ? ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY) : ASN1_ITEM_rptr(PKCS7_ATTR_SIGN));
  std::string out;
  if (n > 0) out.assign(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  OPENSSL_free(buf);
  return out;
}

void FreeX509Stack(STACK_OF(X509)* sk) { sk_X509_free(sk); }  // the stack only: PKCS7_get0_signers

std::string JstText(int64_t unix_seconds) { return FormatUtc(unix_seconds + 9 * 3600, "%Y-%m-%d %H:%M:%S JST"); }

}  // namespace

nlohmann::json CmsReportJson(const CmsReport& report) {
  nlohmann::json checks = nlohmann::json::array();
  for (const CmsCheck& c : report.checks) checks.push_back({{"check", c.name}, {"ok", c.ok}, {"ja", c.ja}, {"en", c.en}});
  return {{"valid", report.valid},
          {"signer", report.signer_subject},
          {"serial", report.signer_serial},
          {"kind", report.kind ? nlohmann::json(std::string(CaKindName(*report.kind))) : nlohmann::json(nullptr)},
          {"signing_time", report.signing_time},
          {"checks", checks}};
}

std::string Sha256DigestInfo(std::string_view message) {
  std::string digest_info;
  Unhex("3031300d060960864801650304020105000420", &digest_info);
  return digest_info + Sha256(message);
}

Result<std::string> SignCms(std::string_view content, X509* signer, const DigestInfoSigner& sign,
                            const CmsSignOptions& options, std::string_view field) {
  Pkcs7Ptr p7(PKCS7_new());
  if (!p7 || PKCS7_set_type(p7.get(), NID_pkcs7_signed) != 1 || PKCS7_content_new(p7.get(), NID_pkcs7_data) != 1) {
    return Failed(field, "SignedData");
  }
  PKCS7_SIGNER_INFO* si = PKCS7_add_signature(p7.get(), signer, X509_get0_pubkey(signer), EVP_sha256());
  if (!si) return Failed(field, "SignerInfo");
  if (PKCS7_add_certificate(p7.get(), signer) != 1) return Failed(field, "certificates");
  for (X509* extra : options.extra_certs) {
    if (PKCS7_add_certificate(p7.get(), extra) != 1) return Failed(field, "certificates");
  }
  const std::string digest = Sha256(content);
  if (PKCS7_add_attrib_content_type(si, nullptr) != 1 ||
      PKCS7_add1_attrib_digest(si, reinterpret_cast<const unsigned char*>(digest.data()), static_cast<int>(digest.size())) != 1) {
    return Failed(field, "signed attributes");
  }
  if (!options.pades) {
    ASN1_TIME* when = ASN1_TIME_set(nullptr, static_cast<time_t>(options.signing_time));
    if (!when || PKCS7_add0_attrib_signing_time(si, when) != 1) {
      ASN1_TIME_free(when);
      return Failed(field, "signingTime");
    }
  } else {
    OpenSslPtr<ESS_SIGNING_CERT_V2, ESS_SIGNING_CERT_V2_free> essv2(
        OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), signer, nullptr, 1));
    unsigned char* buf = nullptr;
    const int n = essv2 ? i2d_ESS_SIGNING_CERT_V2(essv2.get(), &buf) : -1;
    ASN1_STRING* seq = n > 0 ? ASN1_STRING_type_new(V_ASN1_SEQUENCE) : nullptr;
    const bool set = seq && ASN1_STRING_set(seq, buf, n) == 1;
    OPENSSL_free(buf);
    if (!set || PKCS7_add_signed_attribute(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, seq) != 1) {
      ASN1_STRING_free(seq);
      return Failed(field, "signing-certificate-v2");
    }
  }
  const std::string attributes = SignedAttributesDer(si, false);
  if (attributes.empty()) return Failed(field, "signed attributes");
  MYNACERT_ASSIGN_OR_RETURN(std::string signature, sign(Sha256DigestInfo(attributes)));
  if (ASN1_OCTET_STRING_set(si->enc_digest, reinterpret_cast<const unsigned char*>(signature.data()),
                            static_cast<int>(signature.size())) != 1) {
    return Failed(field, "signature");
  }
  if (options.detached) {
    PKCS7_set_detached(p7.get(), 1);
  } else {
    PKCS7* data = p7->d.sign->contents;
    if (!data->d.data) data->d.data = ASN1_OCTET_STRING_new();
    if (!data->d.data || ASN1_OCTET_STRING_set(data->d.data, reinterpret_cast<const unsigned char*>(content.data()),
                                               static_cast<int>(content.size())) != 1) {
      return Failed(field, "content");
    }
  }
  unsigned char* buf = nullptr;
  const int n = i2d_PKCS7(p7.get(), &buf);
  if (n <= 0) return Failed(field, "DER");
  std::string der(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  OPENSSL_free(buf);
  return der;
}

Result<CmsReport> VerifyCms(std::string_view cms_der, std::optional<std::string_view> content,
                            std::span<const std::pair<CaKind, X509*>> trust, const OcspAt& ocsp, int64_t now,
                            std::string_view field, const CmsVerifyOptions& options) {
  (void)now;
  const Error not_signed_data = InvalidArgument(std::string(field),
                                                "署名データ (CMS SignedData, DER) として読めません (not a CMS SignedData)");
  const unsigned char* p = reinterpret_cast<const unsigned char*>(cms_der.data());
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(cms_der.size())));
  if (!p7 || !PKCS7_type_is_signed(p7.get())) {
    TakeOpenSslErrors();
    return not_signed_data;
  }
  STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(p7.get());
  if (!infos || sk_PKCS7_SIGNER_INFO_num(infos) != 1) {
    return InvalidArgument(std::string(field), "署名者が1人の署名データだけを検証します (one signer only)");
  }
  PKCS7_SIGNER_INFO* si = sk_PKCS7_SIGNER_INFO_value(infos, 0);
  CmsReport report;
  // The content: attached, or the detached one.
  const ASN1_OCTET_STRING* attached =
      PKCS7_type_is_data(p7->d.sign->contents) ? p7->d.sign->contents->d.data : nullptr;
  if (attached && ASN1_STRING_length(attached) > 0) {
    report.content.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(attached)),
                          static_cast<size_t>(ASN1_STRING_length(attached)));
  } else if (content) {
    report.content = std::string(*content);
  } else {
    return InvalidArgument("content", "分離署名です。署名されたファイルも指定してください (a detached signature: give the signed file too)");
  }
  // The signer's certificate, among those the SignedData carries.
  OpenSslPtr<STACK_OF(X509), FreeX509Stack> signers(PKCS7_get0_signers(p7.get(), nullptr, 0));
  X509* cert = signers && sk_X509_num(signers.get()) == 1 ? sk_X509_value(signers.get(), 0) : nullptr;
  if (!cert) {
    TakeOpenSslErrors();
    return InvalidArgument(std::string(field), "署名者の証明書が含まれていません (the signer's certificate is not included)");
  }
  report.signer_serial = SerialHex(X509_get0_serialNumber(cert));
  {
    char* line = X509_NAME_oneline(X509_get_subject_name(cert), nullptr, 0);
    report.signer_subject = line ? line : "";
    OPENSSL_free(line);
  }
  auto add = [&](std::string name, bool ok, std::string ja, std::string en) {
    report.checks.push_back({std::move(name), ok, std::move(ja), std::move(en)});
    return ok;
  };

  // 1. The content against the messageDigest, and the signature over the signed attributes.
  const bool sha256 = OBJ_obj2nid(si->digest_alg->algorithm) == NID_sha256;
  ASN1_OCTET_STRING* md = si->auth_attr ? PKCS7_digest_from_attributes(si->auth_attr) : nullptr;
  const std::string digest = Sha256(report.content);
  const bool content_ok = sha256 && md && ASN1_STRING_length(md) == static_cast<int>(digest.size()) &&
                          std::memcmp(digest.data(), ASN1_STRING_get0_data(md), digest.size()) == 0;
  add("content", content_ok, content_ok ? "署名された内容は改変されていません" : "署名された内容が一致しません (改変されたか、別のファイルです)",
      content_ok ? "the content is as signed" : "the content does not match the signature (altered, or another file)");
  const std::string attributes = si->auth_attr ? SignedAttributesDer(si, true) : std::string();
  const bool signature_ok =
      !attributes.empty() &&
      VerifySha256Signature(X509_get0_pubkey(cert), attributes,
                            std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(si->enc_digest)),
                                             static_cast<size_t>(ASN1_STRING_length(si->enc_digest))));
  add("signature", signature_ok, signature_ok ? "署名は署名者の鍵によるものです" : "署名が署名者の証明書の鍵で検証できません",
      signature_ok ? "the signature is by the signer's key" : "the signature does not verify with the signer's certificate");
  // The ESS signing-certificate-v2 attribute (CAdES, PAdES), when present: the certificate the
  // signer meant, so that another certificate of the same key cannot take its place.
  if (const ASN1_TYPE* essv2 = PKCS7_get_signed_attribute(si, NID_id_smime_aa_signingCertificateV2)) {
    bool bound = false;
    if (essv2->type == V_ASN1_SEQUENCE) {
      const unsigned char* q = ASN1_STRING_get0_data(essv2->value.sequence);
      OpenSslPtr<ESS_SIGNING_CERT_V2, ESS_SIGNING_CERT_V2_free> ss(
          d2i_ESS_SIGNING_CERT_V2(nullptr, &q, ASN1_STRING_length(essv2->value.sequence)));
      OpenSslPtr<STACK_OF(X509), FreeX509Stack> chain(sk_X509_new_null());
      bound = ss && chain && sk_X509_push(chain.get(), cert) > 0 &&
              OSSL_ESS_check_signing_certs(nullptr, ss.get(), chain.get(), 1) > 0;
    }
    TakeOpenSslErrors();
    add("signer_certificate", bound,
        bound ? "署名者が指定した証明書 (signing-certificate-v2) と一致します"
              : "署名された属性が指定する証明書 (signing-certificate-v2) と署名者の証明書が一致しません",
        bound ? "the certificate is the one the signed attributes name (signing-certificate-v2)"
              : "the signer's certificate is not the one the signed attributes name (signing-certificate-v2)");
  }

  // 2. The chain at the signing time the signature states.
  const ASN1_TYPE* when = PKCS7_get_signed_attribute(si, NID_pkcs9_signingTime);
  if (when && (when->type == V_ASN1_UTCTIME || when->type == V_ASN1_GENERALIZEDTIME)) {
    report.signing_time = Asn1Seconds(reinterpret_cast<const ASN1_TIME*>(when->value.utctime));
  } else {
    report.signing_time = options.claimed_time;
  }
  OpenSslPtr<X509_STORE, X509_STORE_free> store(X509_STORE_new());
  for (const auto& [kind, ca] : trust) X509_STORE_add_cert(store.get(), ca);
  OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free> ctx(X509_STORE_CTX_new());
  bool chain_ok = false;
  X509* issuer = nullptr;
  std::string chain_problem;
  if (report.signing_time == 0) {
    chain_problem = "no signingTime";
  } else if (ctx && X509_STORE_CTX_init(ctx.get(), store.get(), cert, p7->d.sign->cert) == 1) {
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(report.signing_time));
    chain_ok = X509_verify_cert(ctx.get()) == 1;
    if (!chain_ok) chain_problem = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
    if (chain_ok && chain && sk_X509_num(chain) >= 2) {
      issuer = sk_X509_value(chain, 1);
      X509* root = sk_X509_value(chain, sk_X509_num(chain) - 1);
      for (const auto& [kind, ca] : trust) {
        if (X509_cmp(root, ca) == 0) report.kind = kind;
      }
    }
  }
  TakeOpenSslErrors();
  const std::string at = report.signing_time ? JstText(report.signing_time) : "?";
  add("chain", chain_ok,
      chain_ok ? "署名時 (" + at + ") に有効な、この認証局の証明書です"
               : "署名時 (" + at + ") に有効な、信頼する認証局の証明書ではありません",
      chain_ok ? "a certificate of this CA, valid at the signing time (" + at + ")"
               : "not a certificate of a trusted CA valid at the signing time (" + at + "): " + chain_problem);

  // 3. Its status: now, by OCSP at the URL the certificate names; or, offline, from an OCSP
  // answer the signature carries (long-term validation), as of when that answer was made.
  auto record = [&](const OcspVerdict& verdict, bool embedded) {
    report.status = verdict;
    const bool good = !verdict.unknown && verdict.state == CertState::kGood;
    const std::string reason(RevocationReasonName(verdict.reason));
    const std::string ja_from = embedded ? "埋め込まれた OCSP 応答 (" + JstText(verdict.this_update) + " 時点)" : "OCSP";
    const std::string en_from = embedded ? "embedded OCSP answer (as of " + JstText(verdict.this_update) + ")" : "OCSP";
    add("revocation", good,
        ja_from + (good ? ": 失効していません"
                   : verdict.unknown ? ": 認証局はこの証明書を知りません"
                   : verdict.state == CertState::kOnHold ? ": 一時保留中です (" + JstText(verdict.revoked_at) + "から)"
                                                          : ": " + JstText(verdict.revoked_at) + " に失効しています (" + reason + ")"),
        en_from + (good ? ": not revoked"
                   : verdict.unknown ? ": unknown to the CA"
                   : verdict.state == CertState::kOnHold ? ": on hold since " + JstText(verdict.revoked_at)
                                                          : ": revoked at " + JstText(verdict.revoked_at) + " (" + reason + ")"));
  };
  if (!issuer) {
    add("revocation", false, "失効を確認できませんでした (認証局が分かりません)", "the revocation status was not checked (no CA)");
  } else if (!ocsp) {
    std::optional<OcspVerdict> found;
    for (const std::string& answer : options.embedded_ocsp) {
      auto verdict = AskOcsp(cert, issuer, [&](const std::string&) -> Result<std::string> { return answer; }, field);
      if (verdict.ok()) {
        found = *verdict;
        break;
      }
    }
    if (found) {
      record(*found, true);
    } else {
      add("revocation", false, "失効を確認できませんでした", "the revocation status was not checked");
    }
  } else {
    const std::string where = OcspUrl(cert);
    if (where.empty()) {
      add("revocation", false, "証明書に OCSP の URL がありません", "the certificate names no OCSP URL");
    } else {
      auto verdict = AskOcsp(cert, issuer, [&](const std::string& request) { return ocsp(where, request); }, field);
      if (!verdict.ok()) {
        add("revocation", false, "OCSP で確認できませんでした: " + verdict.error().message,
            "OCSP gave no usable answer: " + verdict.error().message);
      } else {
        record(*verdict, false);
      }
    }
  }
  report.valid = true;
  for (const CmsCheck& c : report.checks) report.valid = report.valid && c.ok;
  return report;
}

}  // namespace mynacert::pki
