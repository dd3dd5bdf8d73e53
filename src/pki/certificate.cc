#include "pki/certificate.h"

#include "pki/der.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace mynacert::pki {

std::string_view CaKindName(CaKind kind) { return kind == CaKind::kSign ? "sign" : "auth"; }

namespace {

Error OpenSslFailure(const std::string& what) {
  return Error{ErrorCode::kInternal, "", what + ": " + TakeOpenSslErrors(), ""};
}

// Adds an extension given in OpenSSL's configuration syntax ("critical,CA:TRUE").
Status AddConfExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  if (!ext) return OpenSslFailure(std::string("extension ") + OBJ_nid2sn(nid));
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return OpenSslFailure(std::string("extension ") + OBJ_nid2sn(nid));
  return {};
}

Status AddNameEntry(X509_NAME* name, int nid, int type, const std::string& value) {
  if (X509_NAME_add_entry_by_NID(name, nid, type,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    return OpenSslFailure(std::string("name entry ") + OBJ_nid2sn(nid));
  }
  return {};
}

// C=JP (PrintableString), O=JPKI-MYNACERT, OU=JPKI for …, OU=mynacert test CA (not J-LIS).
Result<X509NamePtr> CaName(CaKind kind) {
  X509NamePtr name(X509_NAME_new());
  if (!name) return OpenSslFailure("X509_NAME_new");
  MYNACERT_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_countryName, V_ASN1_PRINTABLESTRING, "JP"));
  MYNACERT_RETURN_IF_ERROR(
      AddNameEntry(name.get(), NID_organizationName, V_ASN1_UTF8STRING, "JPKI-MYNACERT"));
  MYNACERT_RETURN_IF_ERROR(AddNameEntry(
      name.get(), NID_organizationalUnitName, V_ASN1_UTF8STRING,
      kind == CaKind::kSign ? "JPKI for digital signature" : "JPKI for user authentication"));
  MYNACERT_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_organizationalUnitName, V_ASN1_UTF8STRING,
                                        "mynacert test CA (not J-LIS)"));
  return name;
}

std::string SerialHexOf(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  return out;
}

// SubjectPublicKeyInfo of an RSA key, written directly (rsaEncryption, NULL, RSAPublicKey):
// X509_set_pubkey would run the key through OpenSSL 3's encoder and decoder, which costs as
// much as a fifth of an issuance.
int SetRsaPublicKey(X509* cert, EVP_PKEY* key) {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(key, "n", &n) != 1 || EVP_PKEY_get_bn_param(key, "e", &e) != 1) {
    BN_free(n);
    BN_free(e);
    return 0;
  }
  BignumPtr n_owner(n), e_owner(e);
  std::string n_bytes(static_cast<size_t>(BN_num_bytes(n)), '\0');
  std::string e_bytes(static_cast<size_t>(BN_num_bytes(e)), '\0');
  BN_bn2bin(n, reinterpret_cast<unsigned char*>(n_bytes.data()));
  BN_bn2bin(e, reinterpret_cast<unsigned char*>(e_bytes.data()));
  std::string rsa_public_key;
  const size_t at = der::Open(rsa_public_key, der::kSequence);
  der::AppendUnsignedInteger(rsa_public_key, n_bytes);
  der::AppendUnsignedInteger(rsa_public_key, e_bytes);
  der::Close(rsa_public_key, at);
  auto* bits = static_cast<unsigned char*>(OPENSSL_malloc(rsa_public_key.size()));
  if (!bits) return 0;
  std::memcpy(bits, rsa_public_key.data(), rsa_public_key.size());
  // X509_PUBKEY_set0_param takes ownership of `bits`.
  return X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert), OBJ_nid2obj(NID_rsaEncryption),
                                V_ASN1_NULL, nullptr, bits, static_cast<int>(rsa_public_key.size()));
}

// A positive serial with 127 random bits (RFC 5280: at most 20 octets; issue 3: >= 64 bits).
Status SetRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return OpenSslFailure("RAND_bytes");
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);  // positive, 16 octets
  BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) {
    return OpenSslFailure("serial number");
  }
  return {};
}

Status SetValidity(X509* cert, TimePoint not_before, TimePoint not_after) {
  const time_t nb = std::chrono::system_clock::to_time_t(not_before);
  const time_t na = std::chrono::system_clock::to_time_t(not_after);
  if (!ASN1_TIME_set(X509_getm_notBefore(cert), nb) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), na)) {
    return OpenSslFailure("validity");
  }
  return {};
}

// subjectAltName: otherName { type-id, [0] EXPLICIT UTF8String } per personal-data field.
Status AddPersonalData(X509* cert, const std::vector<std::pair<const char*, std::string>>& fields) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  for (const auto& [oid, value] : fields) {
    ASN1_OBJECT* type_id = OBJ_txt2obj(oid, 1);
    ASN1_TYPE* any = ASN1_TYPE_new();
    ASN1_UTF8STRING* text = ASN1_UTF8STRING_new();
    GENERAL_NAME* gen = GENERAL_NAME_new();
    if (!type_id || !any || !text || !gen ||
        ASN1_STRING_set(text, value.data(), static_cast<int>(value.size())) != 1) {
      ASN1_OBJECT_free(type_id);
      ASN1_TYPE_free(any);
      ASN1_UTF8STRING_free(text);
      GENERAL_NAME_free(gen);
      return OpenSslFailure("subjectAltName");
    }
    ASN1_TYPE_set(any, V_ASN1_UTF8STRING, text);                // takes `text`
    if (GENERAL_NAME_set0_othername(gen, type_id, any) != 1) {  // takes both on success
      ASN1_OBJECT_free(type_id);
      ASN1_TYPE_free(any);
      GENERAL_NAME_free(gen);
      return OpenSslFailure("subjectAltName");
    }
    sk_GENERAL_NAME_push(names.get(), gen);
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslFailure("subjectAltName");
  }
  return {};
}

Status AddPolicy(X509* cert, const char* policy_oid) {
  CertPoliciesPtr policies(sk_POLICYINFO_new_null());
  POLICYINFO* info = POLICYINFO_new();
  POLICYQUALINFO* qualifier = POLICYQUALINFO_new();
  if (!policies || !info || !qualifier) {
    POLICYINFO_free(info);
    POLICYQUALINFO_free(qualifier);
    return OpenSslFailure("certificatePolicies");
  }
  sk_POLICYINFO_push(policies.get(), info);  // owned by `policies` from here
  info->policyid = OBJ_txt2obj(policy_oid, 1);
  info->qualifiers = sk_POLICYQUALINFO_new_null();
  qualifier->pqualid = OBJ_nid2obj(NID_id_qt_cps);
  qualifier->d.cpsuri = ASN1_IA5STRING_new();
  if (!info->policyid || !info->qualifiers || !qualifier->d.cpsuri ||
      ASN1_STRING_set(qualifier->d.cpsuri, kCpsUri, -1) != 1) {
    POLICYQUALINFO_free(qualifier);
    return OpenSslFailure("certificatePolicies");
  }
  sk_POLICYQUALINFO_push(info->qualifiers, qualifier);
  // jpki-facts A3: certificatePolicies is critical on the sign cert; the same here for auth.
  if (X509_add1_ext_i2d(cert, NID_certificate_policies, policies.get(), 1, X509V3_ADD_DEFAULT) !=
      1) {
    return OpenSslFailure("certificatePolicies");
  }
  return {};
}

// A directoryName GENERAL_NAMES (for the CRL distribution point and issuerAltName).
Result<GeneralNamesPtr> DirName(X509NamePtr name) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  GENERAL_NAME* gen = GENERAL_NAME_new();
  if (!names || !gen) {
    GENERAL_NAME_free(gen);
    return OpenSslFailure("directoryName");
  }
  GENERAL_NAME_set0_value(gen, GEN_DIRNAME, name.release());
  sk_GENERAL_NAME_push(names.get(), gen);
  return names;
}

// jpki-facts A3: C=JP, O=JPKI, OU=JPKI for digital signature, OU=CRL Distribution Points,
// OU=<prefecture>, CN=<municipality> — here under O=JPKI-MYNACERT.
Status AddCrlDistributionPoint(X509* cert, const SignHolder& h) {
  X509NamePtr name(X509_NAME_new());
  if (!name) return OpenSslFailure("CRL distribution point");
  MYNACERT_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_countryName, V_ASN1_PRINTABLESTRING, "JP"));
  MYNACERT_RETURN_IF_ERROR(
      AddNameEntry(name.get(), NID_organizationName, V_ASN1_UTF8STRING, "JPKI-MYNACERT"));
  MYNACERT_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_organizationalUnitName, V_ASN1_UTF8STRING,
                                        "JPKI for digital signature"));
  MYNACERT_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_organizationalUnitName, V_ASN1_UTF8STRING,
                                        "CRL Distribution Points"));
  MYNACERT_RETURN_IF_ERROR(
      AddNameEntry(name.get(), NID_organizationalUnitName, V_ASN1_UTF8STRING, h.prefecture_en));
  MYNACERT_RETURN_IF_ERROR(
      AddNameEntry(name.get(), NID_commonName, V_ASN1_UTF8STRING, h.municipality_en));
  MYNACERT_ASSIGN_OR_RETURN(GeneralNamesPtr full, DirName(std::move(name)));
  CrlDistPointsPtr points(sk_DIST_POINT_new_null());
  DIST_POINT* dp = DIST_POINT_new();
  if (!points || !dp) {
    DIST_POINT_free(dp);
    return OpenSslFailure("CRL distribution point");
  }
  sk_DIST_POINT_push(points.get(), dp);
  dp->distpoint = DIST_POINT_NAME_new();
  if (!dp->distpoint) return OpenSslFailure("CRL distribution point");
  dp->distpoint->type = 0;  // fullName
  dp->distpoint->name.fullname = full.release();
  if (X509_add1_ext_i2d(cert, NID_crl_distribution_points, points.get(), 0, X509V3_ADD_DEFAULT) !=
      1) {
    return OpenSslFailure("CRL distribution point");
  }
  return {};
}

// jpki-facts A2: issuerAltName DirName C=JP, O=公的個人認証サービス — marked as ours.
Status AddIssuerAltName(X509* cert) {
  X509NamePtr name(X509_NAME_new());
  if (!name) return OpenSslFailure("issuerAltName");
  MYNACERT_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_countryName, V_ASN1_PRINTABLESTRING, "JP"));
  MYNACERT_RETURN_IF_ERROR(AddNameEntry(name.get(), NID_organizationName, V_ASN1_UTF8STRING,
                                        "公的個人認証サービス (mynacert 試験用)"));
  MYNACERT_ASSIGN_OR_RETURN(GeneralNamesPtr names, DirName(std::move(name)));
  if (X509_add1_ext_i2d(cert, NID_issuer_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslFailure("issuerAltName");
  }
  return {};
}

bool IsFlags(const std::string& flags, size_t length) {
  if (flags.size() != length) return false;
  for (char c : flags) {
    if (c != '0' && c != '1') return false;
  }
  return true;
}

// Characters of a UTF-8 string (code points).
size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

TimePoint EndOfDayJst(Date day) {
  // JST = UTC+9, no DST since 1951: 23:59:59 JST is 14:59:59 UTC the same day.
  return TimePoint(day.sys_days()) + std::chrono::hours(14) + std::chrono::minutes(59) +
         std::chrono::seconds(59);
}

std::string BirthDateField(Date birth) {
  // 明治 from 1868-10-23 (元号の改元日), 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08,
  // 令和 2019-05-01; 0 (不明) before 明治.
  int era = 0;
  if (birth >= Date::Ymd(2019, 5, 1)) {
    era = 5;
  } else if (birth >= Date::Ymd(1989, 1, 8)) {
    era = 4;
  } else if (birth >= Date::Ymd(1926, 12, 25)) {
    era = 3;
  } else if (birth >= Date::Ymd(1912, 7, 30)) {
    era = 2;
  } else if (birth >= Date::Ymd(1868, 10, 23)) {
    era = 1;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d%04d%02u%02u", era, birth.year(), birth.month(), birth.day());
  return buf;
}

Result<EvpPkeyPtr> GenerateRsaKey(int bits) {
  EvpPkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (!key) return OpenSslFailure("RSA key generation");
  return key;
}

Result<std::string> SignCertificateDer(X509* c, Signer& signer) {
  // The TBSCertificate carries the algorithm too; OpenSSL only exposes it const because its
  // own X509_sign sets it. We set it to what every Signer produces.
  auto* tbs_algorithm = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(c));
  if (X509_ALGOR_set0(tbs_algorithm, OBJ_nid2obj(NID_sha256WithRSAEncryption), V_ASN1_NULL,
                      nullptr) != 1) {
    return OpenSslFailure("signature algorithm");
  }
  unsigned char* tbs_der = nullptr;
  const int tbs_length = i2d_re_X509_tbs(c, &tbs_der);
  if (tbs_length <= 0) return OpenSslFailure("encoding the TBSCertificate");
  const std::string tbs(reinterpret_cast<char*>(tbs_der), static_cast<size_t>(tbs_length));
  OPENSSL_free(tbs_der);
  MYNACERT_ASSIGN_OR_RETURN(std::string signature, signer.Sign(tbs));
  return der::SignedSequence(tbs, signature);
}

Result<X509Ptr> ParseCertificateDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return OpenSslFailure("parsing the signed certificate");
  return cert;
}

Result<X509Ptr> SignCertificate(X509* c, Signer& signer) {
  MYNACERT_ASSIGN_OR_RETURN(std::string der, SignCertificateDer(c, signer));
  return ParseCertificateDer(der);
}

Result<CaGeneration> CreateRootCa(CaKind kind, int generation, std::shared_ptr<Signer> signer,
                                  TimePoint not_before, int years) {
  CaGeneration ca;
  ca.kind = kind;
  ca.generation = generation;
  ca.signer = std::move(signer);
  if (!ca.signer) return InvalidArgument("signer", "CA の鍵がありません (no CA key)");
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslFailure("X509_new");
  X509* c = cert.get();
  MYNACERT_ASSIGN_OR_RETURN(X509NamePtr name, CaName(kind));
  if (X509_set_version(c, 2) != 1 || X509_set_subject_name(c, name.get()) != 1 ||
      X509_set_issuer_name(c, name.get()) != 1 ||
      X509_set_pubkey(c, ca.signer->public_key()) != 1) {
    return OpenSslFailure("root certificate");
  }
  MYNACERT_RETURN_IF_ERROR(SetRandomSerial(c));
  MYNACERT_RETURN_IF_ERROR(SetValidity(
      c, not_before, not_before + std::chrono::hours(24 * 365 * years + 24 * (years / 4))));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, c, NID_basic_constraints, "critical,CA:TRUE"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, c, NID_subject_key_identifier, "hash"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, c, NID_authority_key_identifier, "keyid:always"));
  MYNACERT_ASSIGN_OR_RETURN(ca.cert, SignCertificate(c, *ca.signer));
  return ca;
}

namespace {

// The certificate of `r`, complete but for the signature.
Result<X509Ptr> BuildCertificate(const CaGeneration& ca, const CertRequest& r) {
  if (r.kind != ca.kind) {
    return InvalidArgument("kind",
                           "証明書の種類と認証局が一致しません (the CA does not issue this kind)");
  }
  if (!r.public_key || EVP_PKEY_get_base_id(r.public_key) != EVP_PKEY_RSA ||
      EVP_PKEY_get_bits(r.public_key) != 2048) {
    return InvalidArgument("public_key",
                           "RSA-2048 の公開鍵が必要です (an RSA-2048 public key is required)");
  }
  const TimePoint not_after = EndOfDayJst(r.last_valid_day);
  if (not_after <= r.not_before) {
    return InvalidArgument("last_valid_day",
                           "有効期限が発行日時より前です (expires before issuance)", "R-VAL-1");
  }
  if (r.subject_cn.empty()) return InvalidArgument("subject_cn", "CN が空です (empty subject CN)");
  const SignHolder& h = r.holder;
  if (r.kind == CaKind::kSign) {
    if (h.name.empty() || h.address.empty() || h.prefecture_en.empty() ||
        h.municipality_en.empty()) {
      return InvalidArgument("holder",
                             "署名用電子証明書には氏名・住所・自治体が必要です (name, address and "
                             "municipality required)",
                             "R-CERT-3");
    }
    if (h.sex != 1 && h.sex != 2 && h.sex != 9) {
      return InvalidArgument(
          "holder.sex", "性別は 1, 2, 9 のいずれかです (sex code must be 1, 2 or 9)", "R-CERT-3");
    }
    if (!h.name_substitution.empty() && !IsFlags(h.name_substitution, Utf8Length(h.name))) {
      return InvalidArgument(
          "holder.name_substitution",
          "代替文字フラグは氏名の文字数と同じ長さの 0/1 です (one 0/1 per character)");
    }
    if (!h.address_substitution.empty() &&
        !IsFlags(h.address_substitution, Utf8Length(h.address))) {
      return InvalidArgument(
          "holder.address_substitution",
          "代替文字フラグは住所の文字数と同じ長さの 0/1 です (one 0/1 per character)");
    }
  }

  X509Ptr cert(X509_new());
  if (!cert) return OpenSslFailure("X509_new");
  X509* c = cert.get();
  X509NamePtr subject(X509_NAME_new());
  if (!subject) return OpenSslFailure("X509_NAME_new");
  MYNACERT_RETURN_IF_ERROR(
      AddNameEntry(subject.get(), NID_countryName, V_ASN1_PRINTABLESTRING, "JP"));
  if (r.kind == CaKind::kSign) {
    MYNACERT_RETURN_IF_ERROR(
        AddNameEntry(subject.get(), NID_localityName, V_ASN1_UTF8STRING, h.prefecture_en));
    MYNACERT_RETURN_IF_ERROR(
        AddNameEntry(subject.get(), NID_localityName, V_ASN1_UTF8STRING, h.municipality_en));
  }
  MYNACERT_RETURN_IF_ERROR(
      AddNameEntry(subject.get(), NID_commonName, V_ASN1_UTF8STRING, r.subject_cn));
  if (X509_set_version(c, 2) != 1 || X509_set_subject_name(c, subject.get()) != 1 ||
      X509_set_issuer_name(c, X509_get_subject_name(ca.cert.get())) != 1 ||
      SetRsaPublicKey(c, r.public_key) != 1) {
    return OpenSslFailure("certificate");
  }
  MYNACERT_RETURN_IF_ERROR(SetRandomSerial(c));
  MYNACERT_RETURN_IF_ERROR(SetValidity(c, r.not_before, not_after));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, ca.cert.get(), NID_key_usage,
                                            r.kind == CaKind::kSign
                                                ? "critical,digitalSignature,nonRepudiation"
                                                : "critical,digitalSignature"));
  if (r.kind == CaKind::kSign) {
    const std::string name_flags =
        h.name_substitution.empty() ? std::string(Utf8Length(h.name), '0') : h.name_substitution;
    const std::string address_flags = h.address_substitution.empty()
                                          ? std::string(Utf8Length(h.address), '0')
                                          : h.address_substitution;
    // The order seen on a card: .1, .4, .3, .5, .2, .6 (jpki-facts A4).
    MYNACERT_RETURN_IF_ERROR(AddPersonalData(c, {{kOidName, h.name},
                                                 {kOidBirthDate, BirthDateField(h.birth)},
                                                 {kOidSex, std::to_string(h.sex)},
                                                 {kOidAddress, h.address},
                                                 {kOidNameSubstitution, name_flags},
                                                 {kOidAddressSubstitution, address_flags}}));
  }
  MYNACERT_RETURN_IF_ERROR(AddPolicy(c, r.kind == CaKind::kSign ? kOidSignPolicy : kOidAuthPolicy));
  MYNACERT_RETURN_IF_ERROR(AddIssuerAltName(c));
  if (r.kind == CaKind::kSign) MYNACERT_RETURN_IF_ERROR(AddCrlDistributionPoint(c, h));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, ca.cert.get(), NID_subject_key_identifier, "hash"));
  MYNACERT_RETURN_IF_ERROR(
      AddConfExtension(c, ca.cert.get(), NID_authority_key_identifier, "keyid:always"));
  return cert;
}

}  // namespace

Result<IssuedDer> IssueCertificateDer(const CaGeneration& ca, const CertRequest& r) {
  MYNACERT_ASSIGN_OR_RETURN(X509Ptr cert, BuildCertificate(ca, r));
  IssuedDer out;
  MYNACERT_ASSIGN_OR_RETURN(out.der, SignCertificateDer(cert.get(), *ca.signer));
  out.serial_hex = SerialHexOf(X509_get0_serialNumber(cert.get()));
  out.not_before = std::chrono::duration_cast<std::chrono::seconds>(
                       r.not_before.time_since_epoch()).count();
  out.not_after = std::chrono::duration_cast<std::chrono::seconds>(
                      EndOfDayJst(r.last_valid_day).time_since_epoch()).count();
  return out;
}

Result<X509Ptr> IssueCertificate(const CaGeneration& ca, const CertRequest& r) {
  MYNACERT_ASSIGN_OR_RETURN(IssuedDer issued, IssueCertificateDer(ca, r));
  return ParseCertificateDer(issued.der);

}

Result<X509Ptr> IssueOcspResponderCertificate(const CaGeneration& ca, EVP_PKEY* responder_key,
                                              TimePoint not_before, TimePoint not_after) {
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslFailure("X509_new");
  X509* c = cert.get();
  MYNACERT_ASSIGN_OR_RETURN(X509NamePtr subject, CaName(ca.kind));
  MYNACERT_RETURN_IF_ERROR(AddNameEntry(subject.get(), NID_commonName, V_ASN1_UTF8STRING,
                                        "OCSP Responder G" + std::to_string(ca.generation)));
  if (X509_set_version(c, 2) != 1 || X509_set_subject_name(c, subject.get()) != 1 ||
      X509_set_issuer_name(c, X509_get_subject_name(ca.cert.get())) != 1 ||
      X509_set_pubkey(c, responder_key) != 1) {
    return OpenSslFailure("OCSP responder certificate");
  }
  MYNACERT_RETURN_IF_ERROR(SetRandomSerial(c));
  MYNACERT_RETURN_IF_ERROR(SetValidity(c, not_before, not_after));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, ca.cert.get(), NID_key_usage, "critical,digitalSignature"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, ca.cert.get(), NID_ext_key_usage, "OCSPSigning"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, ca.cert.get(), NID_id_pkix_OCSP_noCheck, "ignored"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, ca.cert.get(), NID_subject_key_identifier, "hash"));
  MYNACERT_RETURN_IF_ERROR(
      AddConfExtension(c, ca.cert.get(), NID_authority_key_identifier, "keyid:always"));
  return SignCertificate(c, *ca.signer);
}

}  // namespace mynacert::pki
