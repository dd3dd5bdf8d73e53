#include "pki/certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/hex.h"
#include "core/local_government_code.h"
#include "pki/der.h"

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

std::optional<Date> ParseBirthDateField(std::string_view field) {
  if (field.size() != 9) return std::nullopt;
  const std::string text(field);
  auto birth = Date::Parse(text.substr(1, 4) + "-" + text.substr(5, 2) + "-" + text.substr(7, 2));
  if (!birth.ok()) return std::nullopt;
  return *birth;
}

CertifiedPersonalData ReadPersonalData(X509* cert) {
  CertifiedPersonalData out;
  const std::pair<const char*, std::optional<std::string>*> fields[] = {
      {kOidName, &out.name},       {kOidNameSubstitution, &out.name_substitution},
      {kOidSex, &out.sex},         {kOidBirthDate, &out.birth_date},
      {kOidAddress, &out.address}, {kOidAddressSubstitution, &out.address_substitution}};
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
    if (g->type != GEN_OTHERNAME) continue;
    char oid[64];
    OBJ_obj2txt(oid, sizeof oid, g->d.otherName->type_id, 1);
    const ASN1_TYPE* v = g->d.otherName->value;
    if (v->type != V_ASN1_UTF8STRING) continue;
    for (const auto& [want, field] : fields) {
      if (std::string_view(oid) == want) {
        *field = std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(v->value.utf8string)),
                             static_cast<size_t>(ASN1_STRING_length(v->value.utf8string)));
      }
    }
  }
  return out;
}

namespace {

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `n` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias).
Result<std::string> RandomFrom(std::string_view alphabet, size_t n) {
  std::string out;
  const unsigned limit = 256 - 256 % alphabet.size();
  while (out.size() < n) {
    MYNACERT_ASSIGN_OR_RETURN(const std::string raw, RandomBytes(n * 2));
    for (unsigned char b : raw) {
      if (b < limit && out.size() < n) out.push_back(alphabet[b % alphabet.size()]);
    }
  }
  return out;
}

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kUpperAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

}  // namespace

Result<std::string> WindowId(std::string_view local_government_code, int counter_number,
                             std::string_view field) {
  if (!ValidLocalGovernmentCode(local_government_code)) {
    return InvalidArgument(std::string(field),
                           "全国地方公共団体コード (6桁、検査数字つき) ではありません: '" +
                               std::string(local_government_code) +
                               "' (not a 6-digit local government code with its check digit)");
  }
  if (counter_number < 0 || counter_number > 999) {
    return InvalidArgument(std::string(field), "窓口番号は 0〜999 です (counter number 0-999)");
  }
  char number[4];
  std::snprintf(number, sizeof number, "%03d", counter_number);
  return std::string(local_government_code) + number;
}

Result<std::string> NewSubjectCn(CaKind kind, TimePoint now, std::string_view window_id) {
  if (window_id.size() != 9 || !AllDigits(window_id)) {
    return InvalidArgument("window_id", "受付窓口識別記号は9桁の数字です (9 digits)");
  }
  if (kind == CaKind::kSign) {
    const int64_t seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    MYNACERT_ASSIGN_OR_RETURN(const std::string sequence, RandomFrom(kDigits, 5));
    return FormatUtc(seconds + 9 * 3600, "%Y%m%d%H%M%S") + sequence + std::string(window_id);
  }
  MYNACERT_ASSIGN_OR_RETURN(const std::string head, RandomFrom(kUpperAlnum, 14));
  MYNACERT_ASSIGN_OR_RETURN(const std::string tail, RandomFrom(kUpperAlnum, 1));
  return head + std::string(window_id.substr(0, 5)) + std::string(window_id.substr(6, 3)) + tail;
}

std::optional<SubjectCnParts> ParseSubjectCn(CaKind kind, std::string_view cn) {
  SubjectCnParts parts;
  if (kind == CaKind::kSign) {
    if (cn.size() != 28 || !AllDigits(cn)) return std::nullopt;
    auto num = [&](size_t at, size_t n) { return std::stoi(std::string(cn.substr(at, n))); };
    const Result<Date> day = Date::FromYmd(num(0, 4), static_cast<unsigned>(num(4, 2)),
                                           static_cast<unsigned>(num(6, 2)), "cn");
    if (!day.ok() || num(8, 2) > 23 || num(10, 2) > 59 || num(12, 2) > 59) return std::nullopt;
    parts.requested_at = int64_t{day->days_since_epoch()} * 86400 + num(8, 2) * 3600 +
                         num(10, 2) * 60 + num(12, 2) - 9 * 3600;
    parts.local_government_code = std::string(cn.substr(19, 6));
    parts.counter_number = std::string(cn.substr(25, 3));
    return parts;
  }
  if (cn.size() != 23) return std::nullopt;
  for (char c : cn) {
    if (kUpperAlnum.find(c) == std::string_view::npos) return std::nullopt;
  }
  if (!AllDigits(cn.substr(14, 8))) return std::nullopt;
  parts.local_government_code = std::string(cn.substr(14, 5));
  parts.counter_number = std::string(cn.substr(19, 3));
  return parts;
}

Result<EvpPkeyPtr> GenerateRsaKey(int bits) {
  EvpPkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (!key) return OpenSslFailure("RSA key generation");
  return key;
}

namespace {

Result<std::string> SignX509Der(X509* c, Signer& signer) {
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

}  // namespace

Result<X509Ptr> ParseCertificateDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return OpenSslFailure("parsing the signed certificate");
  return cert;
}

Result<X509Ptr> ParseCertificatePemOrDer(std::string_view bytes, std::string_view field) {
  if (bytes.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (cert) return cert;
  } else if (!bytes.empty()) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
    if (cert && p == reinterpret_cast<const unsigned char*>(bytes.data()) + bytes.size()) return cert;
  }
  TakeOpenSslErrors();
  return InvalidArgument(std::string(field), "証明書 (PEM か DER) ではありません (not a certificate, PEM or DER)");
}

namespace {

// One TLV at `p` within `end`: its tag, class and content [*content, *content + *length);
// `p` moves past the header. False when it is not a definite-length TLV inside the bounds.
bool NextTlv(const unsigned char*& p, const unsigned char* end, int* tag, int* klass, long* length) {
  if (p >= end) return false;
  const int ret = ASN1_get_object(&p, length, tag, klass, end - p);
  return (ret & 0x80) == 0 && ret != 0x21 && *length >= 0 && *length <= end - p;
}

}  // namespace

Result<CertificatePeek> PeekCertificate(std::string_view der, std::string_view field) {
  auto fail = [&]() -> Error {
    ERR_clear_error();
    return InvalidArgument(std::string(field), "証明書 (DER) として読めません (not a DER certificate)");
  };
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  int tag = 0, klass = 0;
  long len = 0;
  // Certificate ::= SEQUENCE { tbsCertificate, ... } spanning the whole input.
  if (!NextTlv(p, end, &tag, &klass, &len) || tag != V_ASN1_SEQUENCE || klass != V_ASN1_UNIVERSAL ||
      p + len != end) {
    return fail();
  }
  const unsigned char* tbs_end = nullptr;  // TBSCertificate ::= SEQUENCE
  if (!NextTlv(p, end, &tag, &klass, &len) || tag != V_ASN1_SEQUENCE) return fail();
  tbs_end = p + len;
  const unsigned char* item = p;
  if (!NextTlv(p, tbs_end, &tag, &klass, &len)) return fail();
  if (klass == V_ASN1_CONTEXT_SPECIFIC && tag == 0) {  // [0] EXPLICIT version
    p += len;
    item = p;
    if (!NextTlv(p, tbs_end, &tag, &klass, &len)) return fail();
  }
  if (tag != V_ASN1_INTEGER || klass != V_ASN1_UNIVERSAL) return fail();
  const unsigned char* serial_tlv = item;
  p += len;
  OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free> serial(d2i_ASN1_INTEGER(nullptr, &serial_tlv, p - item));
  if (!serial) return fail();
  if (!NextTlv(p, tbs_end, &tag, &klass, &len) || tag != V_ASN1_SEQUENCE) return fail();  // signature
  p += len;
  item = p;
  if (!NextTlv(p, tbs_end, &tag, &klass, &len) || tag != V_ASN1_SEQUENCE) return fail();  // issuer
  p += len;
  CertificatePeek out;
  out.serial_hex = SerialHex(serial.get());
  out.issuer_der.assign(reinterpret_cast<const char*>(item), static_cast<size_t>(p - item));
  return out;
}

std::string SubjectNameDer(X509* cert) {
  unsigned char* buf = nullptr;
  const int n = i2d_X509_NAME(X509_get_subject_name(cert), &buf);
  std::string out;
  if (n > 0) out.assign(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  OPENSSL_free(buf);
  return out;
}

Result<X509Ptr> SignX509(X509* c, Signer& signer) {
  MYNACERT_ASSIGN_OR_RETURN(std::string der, SignX509Der(c, signer));
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
  MYNACERT_ASSIGN_OR_RETURN(ca.cert, SignX509(c, *ca.signer));
  return ca;
}

Result<X509Ptr> CreateCardDataCertificate(Signer& signer, TimePoint not_before, int years) {
  X509Ptr cert(X509_new());
  X509NamePtr name(X509_NAME_new());
  if (!cert || !name) return OpenSslFailure("X509_new");
  X509* c = cert.get();
  const std::pair<const char*, const char*> rdns[] = {
      {"C", "JP"},
      {"O", "mynacert TEST - not J-LIS"},
      {"OU", "券面事項入力補助AP 9000033"},
      {"CN", "mynacert TEST card data signing key (券面事項 署名鍵, テスト用)"}};
  for (const auto& [field, value] : rdns) {
    if (X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value), -1, -1, 0) != 1) {
      return OpenSslFailure("card data key name");
    }
  }
  if (X509_set_version(c, 2) != 1 || X509_set_subject_name(c, name.get()) != 1 ||
      X509_set_issuer_name(c, name.get()) != 1 || X509_set_pubkey(c, signer.public_key()) != 1) {
    return OpenSslFailure("card data key certificate");
  }
  MYNACERT_RETURN_IF_ERROR(SetRandomSerial(c));
  MYNACERT_RETURN_IF_ERROR(SetValidity(
      c, not_before, not_before + std::chrono::hours(24 * 365 * years + 24 * (years / 4))));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, c, NID_basic_constraints, "critical,CA:FALSE"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, c, NID_key_usage, "critical,digitalSignature"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, c, NID_subject_key_identifier, "hash"));
  return SignX509(c, signer);
}

namespace {

// --- The TBSCertificate of a holder's certificate, written as DER ---------------------------
// Built directly rather than through X509 objects: OpenSSL 3 routes every key and extension
// through its encoders, which cost a third of an issuance on top of the signature. The
// encoding is the one OpenSSL produced for the same profile (checked field by field by
// `openssl x509 -text` in certificate_test.cc).

struct Tbs {
  std::string der;
  std::string serial_hex;
  std::string crl_scope;
};

// AttributeTypeAndValue in its own RDN: SET { SEQUENCE { type, value } }.
void AppendRdn(std::string& out, std::string_view oid, uint8_t string_tag, std::string_view value) {
  const size_t set = der::Open(out, der::kSet);
  const size_t seq = der::Open(out, der::kSequence);
  der::AppendOid(out, oid);
  der::AppendTlv(out, string_tag, value);
  der::Close(out, seq);
  der::Close(out, set);
}

constexpr uint8_t kPrintableString = 0x13;
constexpr uint8_t kUtf8String = 0x0c;
constexpr uint8_t kIa5String = 0x16;

// RSAPublicKey ::= SEQUENCE { modulus, publicExponent }
Result<std::string> RsaPublicKeyDer(EVP_PKEY* key) {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(key, "n", &n) != 1 || EVP_PKEY_get_bn_param(key, "e", &e) != 1) {
    BN_free(n);
    BN_free(e);
    return OpenSslFailure("public key");
  }
  BignumPtr n_owner(n), e_owner(e);
  std::string n_bytes(static_cast<size_t>(BN_num_bytes(n)), '\0');
  std::string e_bytes(static_cast<size_t>(BN_num_bytes(e)), '\0');
  BN_bn2bin(n, reinterpret_cast<unsigned char*>(n_bytes.data()));
  BN_bn2bin(e, reinterpret_cast<unsigned char*>(e_bytes.data()));
  std::string out;
  const size_t at = der::Open(out, der::kSequence);
  der::AppendUnsignedInteger(out, n_bytes);
  der::AppendUnsignedInteger(out, e_bytes);
  der::Close(out, at);
  return out;
}

// C=JP, O=JPKI-MYNACERT, OU=JPKI for digital signature, OU=CRL Distribution Points,
// OU=<prefecture>, CN=<municipality> (jpki-facts A3, under O=JPKI-MYNACERT).
void AppendCrlDistributionPointName(std::string& out, const SignHolder& h) {
  const size_t name = der::Open(out, der::kSequence);
  AppendRdn(out, "2.5.4.6", kPrintableString, "JP");
  AppendRdn(out, "2.5.4.10", kUtf8String, "JPKI-MYNACERT");
  AppendRdn(out, "2.5.4.11", kUtf8String, "JPKI for digital signature");
  AppendRdn(out, "2.5.4.11", kUtf8String, "CRL Distribution Points");
  AppendRdn(out, "2.5.4.11", kUtf8String, h.prefecture_en);
  AppendRdn(out, "2.5.4.3", kUtf8String, h.municipality_en);
  der::Close(out, name);
}

}  // namespace

void AppendDistributionPointNames(std::string& out, const SignHolder* holder, std::string_view url) {
  const size_t full_name = der::Open(out, der::ContextConstructed(0));
  if (holder) {
    const size_t directory = der::Open(out, der::ContextConstructed(4));
    AppendCrlDistributionPointName(out, *holder);
    der::Close(out, directory);
  }
  der::AppendTlv(out, der::ContextPrimitive(6), url);  // uniformResourceIdentifier
  der::Close(out, full_name);
}

namespace {

// CRLDistributionPoints (or FreshestCRL) with one point: fullName = [the directoryName,] URL.
void AppendDistributionPoints(std::string& value, const SignHolder* holder, std::string_view url) {
  value.clear();
  const size_t points = der::Open(value, der::kSequence);
  const size_t point = der::Open(value, der::kSequence);
  const size_t dp_name = der::Open(value, der::ContextConstructed(0));
  AppendDistributionPointNames(value, holder, url);
  der::Close(value, dp_name);
  der::Close(value, point);
  der::Close(value, points);
}

Result<Tbs> TbsDer(const CaGeneration& ca, const CertRequest& r, TimePoint not_after) {
  const SignHolder& h = r.holder;
  const bool sign = r.kind == CaKind::kSign;
  Tbs tbs;
  std::string& out = tbs.der;
  out.reserve(1600);
  const size_t top = der::Open(out, der::kSequence);
  out.append("\xa0\x03\x02\x01\x02", 5);  // [0] EXPLICIT version v3
  // A positive serial with 127 random bits (RFC 5280: at most 20 octets; issue 3: >= 64 bits).
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return OpenSslFailure("RAND_bytes");
  serial[0] = static_cast<unsigned char>((serial[0] & 0x7f) | 0x40);  // positive, 16 octets
  const std::string_view serial_bytes(reinterpret_cast<char*>(serial), sizeof serial);
  der::AppendUnsignedInteger(out, serial_bytes);
  tbs.serial_hex = HexUpper(serial_bytes);
  out.append(Sha256WithRsaAlgorithmDer());
  // issuer: the CA's subject as encoded in its certificate
  const X509_NAME* issuer = X509_get_subject_name(ca.cert.get());
  const unsigned char* issuer_der = nullptr;
  size_t issuer_length = 0;
  if (X509_NAME_get0_der(issuer, &issuer_der, &issuer_length) != 1) {
    return OpenSslFailure("issuer name");
  }
  out.append(reinterpret_cast<const char*>(issuer_der), issuer_length);
  const size_t validity = der::Open(out, der::kSequence);
  der::AppendTime(
      out,
      std::chrono::duration_cast<std::chrono::seconds>(r.not_before.time_since_epoch()).count());
  der::AppendTime(
      out, std::chrono::duration_cast<std::chrono::seconds>(not_after.time_since_epoch()).count());
  der::Close(out, validity);
  const size_t subject = der::Open(out, der::kSequence);
  AppendRdn(out, "2.5.4.6", kPrintableString, "JP");
  if (sign) {
    AppendRdn(out, "2.5.4.7", kUtf8String, h.prefecture_en);
    AppendRdn(out, "2.5.4.7", kUtf8String, h.municipality_en);
  }
  AppendRdn(out, "2.5.4.3", kUtf8String, r.subject_cn);
  der::Close(out, subject);
  // SubjectPublicKeyInfo { rsaEncryption NULL, BIT STRING RSAPublicKey }
  MYNACERT_ASSIGN_OR_RETURN(std::string rsa_key, RsaPublicKeyDer(r.public_key));
  const size_t spki = der::Open(out, der::kSequence);
  out.append("\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00", 15);
  der::AppendBitString(out, rsa_key);
  der::Close(out, spki);

  const size_t explicit_exts = der::Open(out, der::ContextConstructed(3));
  const size_t exts = der::Open(out, der::kSequence);
  // keyUsage: digitalSignature(0) [+ nonRepudiation(1)], trailing zero bits dropped.
  der::AppendExtension(
      out, "2.5.29.15", true,
      sign ? std::string_view("\x03\x02\x06\xc0", 4) : std::string_view("\x03\x02\x07\x80", 4));
  std::string value;
  if (sign) {
    const std::string name_flags =
        h.name_substitution.empty() ? std::string(Utf8Length(h.name), '0') : h.name_substitution;
    const std::string address_flags = h.address_substitution.empty()
                                          ? std::string(Utf8Length(h.address), '0')
                                          : h.address_substitution;
    // subjectAltName: otherName { type-id, [0] EXPLICIT UTF8String } per personal-data field,
    // in the order seen on a card: .1, .4, .3, .5, .2, .6 (jpki-facts A4).
    const std::pair<const char*, std::string> fields[] = {{kOidName, h.name},
                                                          {kOidBirthDate, BirthDateField(h.birth)},
                                                          {kOidSex, std::to_string(h.sex)},
                                                          {kOidAddress, h.address},
                                                          {kOidNameSubstitution, name_flags},
                                                          {kOidAddressSubstitution, address_flags}};
    value.clear();
    const size_t names = der::Open(value, der::kSequence);
    for (const auto& [oid, text] : fields) {
      const size_t other = der::Open(value, der::ContextConstructed(0));
      der::AppendOid(value, oid);
      const size_t explicit_value = der::Open(value, der::ContextConstructed(0));
      der::AppendTlv(value, kUtf8String, text);
      der::Close(value, explicit_value);
      der::Close(value, other);
    }
    der::Close(value, names);
    der::AppendExtension(out, "2.5.29.17", false, value);
  }
  // certificatePolicies (jpki-facts A3, A5): the policy with a CPS URI qualifier pointing at
  // this CA's own CPS page. Critical in sign certificates, as reported of real ones; see
  // kAuthPoliciesCritical for auth certificates.
  value.clear();
  {
    const size_t policies = der::Open(value, der::kSequence);
    const size_t info = der::Open(value, der::kSequence);
    der::AppendOid(value, ca.publication.PolicyOid(r.kind));
    const size_t qualifiers = der::Open(value, der::kSequence);
    const size_t qualifier = der::Open(value, der::kSequence);
    der::AppendOid(value, "1.3.6.1.5.5.7.2.1");  // id-qt-cps
    der::AppendTlv(value, kIa5String, ca.publication.CpsUrl());
    der::Close(value, qualifier);
    der::Close(value, qualifiers);
    der::Close(value, info);
    der::Close(value, policies);
  }
  der::AppendExtension(out, "2.5.29.32", sign || kAuthPoliciesCritical, value);
  // issuerAltName: directoryName C=JP, O=公的個人認証サービス — marked as ours (jpki-facts A2).
  value.clear();
  {
    const size_t names = der::Open(value, der::kSequence);
    const size_t directory = der::Open(value, der::ContextConstructed(4));
    const size_t name = der::Open(value, der::kSequence);
    AppendRdn(value, "2.5.4.6", kPrintableString, "JP");
    AppendRdn(value, "2.5.4.10", kUtf8String, "公的個人認証サービス (mynacert 試験用)");
    der::Close(value, name);
    der::Close(value, directory);
    der::Close(value, names);
  }
  der::AppendExtension(out, "2.5.29.18", false, value);
  // cRLDistributionPoints and freshestCRL: the partition's full and delta CRLs. A sign
  // certificate's point is also named by the directoryName J-LIS uses.
  tbs.crl_scope = sign ? SignCrlScope(h.prefecture_en, h.municipality_en) : AuthCrlScope(tbs.serial_hex);
  AppendDistributionPoints(value, sign ? &h : nullptr,
                           ca.publication.CrlUrl(r.kind, ca.generation, tbs.crl_scope, false));
  der::AppendExtension(out, "2.5.29.31", false, value);
  AppendDistributionPoints(value, nullptr,
                           ca.publication.CrlUrl(r.kind, ca.generation, tbs.crl_scope, true));
  der::AppendExtension(out, "2.5.29.46", false, value);
  // authorityInfoAccess: the OCSP responder and the issuing CA generation's certificate.
  value.clear();
  {
    const size_t access = der::Open(value, der::kSequence);
    const size_t ocsp = der::Open(value, der::kSequence);
    der::AppendOid(value, "1.3.6.1.5.5.7.48.1");  // id-ad-ocsp
    der::AppendTlv(value, der::ContextPrimitive(6), ca.publication.OcspUrl());
    der::Close(value, ocsp);
    const size_t issuers = der::Open(value, der::kSequence);
    der::AppendOid(value, "1.3.6.1.5.5.7.48.2");  // id-ad-caIssuers
    der::AppendTlv(value, der::ContextPrimitive(6),
                   ca.publication.CaIssuersUrl(r.kind, ca.generation));
    der::Close(value, issuers);
    der::Close(value, access);
  }
  der::AppendExtension(out, "1.3.6.1.5.5.7.1.1", false, value);
  // subjectKeyIdentifier: SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2 method 1).
  unsigned char ski[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(rsa_key.data()), rsa_key.size(), ski);
  der::AppendExtension(
      out, "2.5.29.14", false,
      der::Tlv(der::kOctetString, std::string_view(reinterpret_cast<char*>(ski), sizeof ski)));
  // authorityKeyIdentifier: the issuing generation's key id only.
  const ASN1_OCTET_STRING* ca_ski = X509_get0_subject_key_id(ca.cert.get());
  if (!ca_ski) return InvalidArgument("ca", "CA certificate without a key identifier");
  value.clear();
  der::AppendTlv(
      value, der::kSequence,
      der::Tlv(der::ContextPrimitive(0),
               std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ca_ski)),
                                static_cast<size_t>(ASN1_STRING_length(ca_ski)))));
  der::AppendExtension(out, "2.5.29.35", false, value);
  der::Close(out, exts);
  der::Close(out, explicit_exts);
  der::Close(out, top);
  return tbs;
}

// The TBSCertificate of `r`, after checking it.
Result<Tbs> BuildTbs(const CaGeneration& ca, const CertRequest& r) {
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

  return TbsDer(ca, r, not_after);
}

}  // namespace

Result<IssuedDer> IssueCertificateDer(const CaGeneration& ca, const CertRequest& r) {
  MYNACERT_ASSIGN_OR_RETURN(Tbs tbs, BuildTbs(ca, r));
  IssuedDer out;
  MYNACERT_ASSIGN_OR_RETURN(std::string signature, ca.signer->Sign(tbs.der));
  out.der = der::SignedSequence(tbs.der, signature);
  out.serial_hex = std::move(tbs.serial_hex);
  out.crl_scope = std::move(tbs.crl_scope);
  out.not_before =
      std::chrono::duration_cast<std::chrono::seconds>(r.not_before.time_since_epoch()).count();
  out.not_after = std::chrono::duration_cast<std::chrono::seconds>(
                      EndOfDayJst(r.last_valid_day).time_since_epoch())
                      .count();
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
  MYNACERT_RETURN_IF_ERROR(
      AddConfExtension(c, ca.cert.get(), NID_key_usage, "critical,digitalSignature"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, ca.cert.get(), NID_ext_key_usage, "OCSPSigning"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, ca.cert.get(), NID_id_pkix_OCSP_noCheck, "ignored"));
  MYNACERT_RETURN_IF_ERROR(AddConfExtension(c, ca.cert.get(), NID_subject_key_identifier, "hash"));
  MYNACERT_RETURN_IF_ERROR(
      AddConfExtension(c, ca.cert.get(), NID_authority_key_identifier, "keyid:always"));
  return SignX509(c, *ca.signer);
}

}  // namespace mynacert::pki
