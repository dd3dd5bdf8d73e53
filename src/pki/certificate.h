// The JPKI certificate profile (jpki-facts.md part A) and issuance with OpenSSL 3.
//
//   root CAs   two self-signed RSA-2048/SHA-256 roots, one for signature and one for user
//              authentication, DN modelled on J-LIS's and marked as not J-LIS:
//              C=JP, O=JPKI-MYNACERT, OU=JPKI for digital signature | user authentication,
//              OU=mynacert test CA (not J-LIS).
//   sign cert  subject C=JP, L=<prefecture>, L=<municipality>, CN=<issue serial>;
//              subjectAltName: six otherNames (OIDs 1.2.392.200149.8.5.5.1–.6, UTF8String):
//              name, its substitution flags, sex, birth date (EYYYYMMDD), address, its flags;
//              keyUsage critical digitalSignature+nonRepudiation; certificatePolicies critical
//              1.2.392.200149.8.5.1.1.20 with a CPS URI; CRL distribution point as a
//              directoryName partitioned by municipality; issuerAltName.
//   auth cert  subject C=JP, CN=<opaque id>; no personal data; keyUsage critical
//              digitalSignature; certificatePolicies 1.2.392.200149.8.5.1.3.30.
//   both       v3, positive random serial (127 bits), notAfter = the last valid day (a date
//              of the rules engine) at 23:59:59 JST, written in UTC (14:59:59Z); AKI/SKI.
//
// The holder's key pair is generated on the card: issuance takes a public key only.
//
// Thread-safety: functions are independent; a CaGeneration must not be used from two threads
// at once (OpenSSL signing contexts).
#ifndef MYNACERT_PKI_CERTIFICATE_H_
#define MYNACERT_PKI_CERTIFICATE_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"
#include "pki/openssl.h"
#include "pki/publication.h"
#include "pki/signer.h"

namespace mynacert::pki {

using TimePoint = std::chrono::system_clock::time_point;

enum class CaKind { kSign, kAuth };
std::string_view CaKindName(CaKind kind);  // "sign", "auth"

inline constexpr const char* kOidName = "1.2.392.200149.8.5.5.1";
inline constexpr const char* kOidNameSubstitution = "1.2.392.200149.8.5.5.2";
inline constexpr const char* kOidSex = "1.2.392.200149.8.5.5.3";
inline constexpr const char* kOidBirthDate = "1.2.392.200149.8.5.5.4";
inline constexpr const char* kOidAddress = "1.2.392.200149.8.5.5.5";
inline constexpr const char* kOidAddressSubstitution = "1.2.392.200149.8.5.5.6";
inline constexpr const char* kOidSignPolicy = "1.2.392.200149.8.5.1.1.20";
inline constexpr const char* kOidAuthPolicy = "1.2.392.200149.8.5.1.3.30";
// The arc of J-LIS's test environment (jpki-facts A3): a sandbox's default (publication.h).
inline constexpr const char* kOidSignTestPolicy = "1.2.392.200149.8.5.1.0.20";
inline constexpr const char* kOidAuthTestPolicy = "1.2.392.200149.8.5.1.0.30";

// Whether an auth certificate's certificatePolicies is critical (a sign certificate's is):
// see docs/relying-parties.md "certificatePolicies".
inline constexpr bool kAuthPoliciesCritical = true;

// A root CA generation: its self-signed certificate and the signer holding its key (a key
// file decrypted in memory, or a key inside an HSM). The key is never printed or written in
// clear. Generations of one kind share the DN; they differ by key identifier (SKI).
struct CaGeneration {
  CaKind kind = CaKind::kSign;
  int generation = 1;
  std::shared_ptr<Signer> signer;
  X509Ptr cert;
  Publication publication;  // the URLs its certificates and CRLs name (publication.h)
};

// An RSA key pair (2048 bits for JPKI: 施行規則第2条).
Result<EvpPkeyPtr> GenerateRsaKey(int bits = 2048);

// A self-signed root over `signer`'s key, valid from `not_before` for `years` years.
Result<CaGeneration> CreateRootCa(CaKind kind, int generation, std::shared_ptr<Signer> signer,
                                  TimePoint not_before, int years);

// The self-signed certificate that publishes the sandbox's key for the card's 券面事項 data
// (card/card_data.h): "mynacert TEST - not J-LIS", digitalSignature only, not a CA.
Result<X509Ptr> CreateCardDataCertificate(Signer& signer, TimePoint not_before, int years = 20);

// Signs an X509 object whose other fields are all set (roots and OCSP responder certificates):
// sets the signature algorithm, sends the TBSCertificate to `signer`, parses the result back.
// Not the glossary's SignCertificate (署名用電子証明書).
Result<X509Ptr> SignX509(X509* unsigned_cert, Signer& signer);

// The sign cert's personal data (R-CERT-3), as the residence record has it.
struct SignHolder {
  std::string name;               // 氏名, 氏 and 名 separated by a full-width space
  std::string name_substitution;  // one '0'/'1' per character of `name` ("" = all '0')
  int sex = 0;                    // 1 男, 2 女, 9 適用不能 (JIS X 0303)
  Date birth;
  std::string address;               // from the prefecture, no postcode
  std::string address_substitution;  // as name_substitution
  std::string prefecture_en;         // subject L= and the CRL partition: "Kanagawa-ken"
  std::string municipality_en;       // "Yokohama-shi"
};

// "EYYYYMMDD": era digit (1 明治, 2 大正, 3 昭和, 4 平成, 5 令和) then the Gregorian date
// (jpki-facts A4): 1980-02-17 -> "319800217".
std::string BirthDateField(Date birth);
// The date of a BirthDateField ("EYYYYMMDD" -> its Gregorian date); nullopt when malformed.
std::optional<Date> ParseBirthDateField(std::string_view field);

// The personal data a sign certificate carries (R-CERT-3): the UTF8String otherNames of its
// subjectAltName (jpki-facts A4), as recorded; nullopt for an item the certificate lacks.
struct CertifiedPersonalData {
  std::optional<std::string> name, name_substitution;
  std::optional<std::string> sex;         // "1", "2" or "9"
  std::optional<std::string> birth_date;  // BirthDateField "EYYYYMMDD"
  std::optional<std::string> address, address_substitution;
};
CertifiedPersonalData ReadPersonalData(X509* cert);

struct CertRequest {
  CaKind kind = CaKind::kAuth;
  EVP_PKEY* public_key = nullptr;  // generated on the card; not owned
  TimePoint not_before;
  Date last_valid_day;     // from the rules engine (R-VAL); 23:59:59 JST
  std::string subject_cn;  // sign: the issue serial; auth: the opaque id
  SignHolder holder;       // sign cert only
};

// The 受付窓口識別記号 of a counter, 9 characters: the municipality's 6-digit code and the
// counter's 3-digit number (its place in the profile; 000 for issuance at no counter, the card
// issuance of the municipality); the code must pass
// ValidLocalGovernmentCode (core/local_government_code.h). The real symbol's inner structure is not
// public; its length is (jpki-facts A3, "subject CN"). Errors name `field`.
Result<std::string> WindowId(std::string_view local_government_code, int counter_number,
                             std::string_view field = "local_government_code");
// The window of a certificate issued outside any counter (`ca issue` without --municipality).
inline constexpr std::string_view kNoWindowId = "000000000";

// A subject_cn of the real shape (docs/pki.md "Subject CN"):
// - sign, 28 characters: the issue request's time in JST `YYYYMMDDhhmmss`, a 5-digit sequence
//   number (drawn at random: its real scope is not public) and the 9-character window id;
// - auth, 23 upper-case letters and digits: 14 random, the window's 5-digit municipality code
//   (without its check digit), its 3-digit counter number and one random character, the layout
//   of the one public real CN, `997794E9AGCIEG13221003A` (13221: Kiyose-shi).
// `window_id` must be 9 digits (WindowId).
Result<std::string> NewSubjectCn(CaKind kind, TimePoint now, std::string_view window_id);

// What a subject_cn of NewSubjectCn's shape says; nullopt for another shape (an older
// certificate's random hex, a CN given to `ca issue --cn`).
struct SubjectCnParts {
  std::optional<int64_t> requested_at;  // sign only: the issue request's time, Unix seconds
  std::string local_government_code;    // sign: 6 digits; auth: the 5 without the check digit
  std::string counter_number;           // 3 digits
};
std::optional<SubjectCnParts> ParseSubjectCn(CaKind kind, std::string_view cn);

// Issues a certificate under `ca` (whose kind must match). Errors name the field at fault.
Result<X509Ptr> IssueCertificate(const CaGeneration& ca, const CertRequest& request);

// The same, returning the DER without parsing it back (the issuance fast path: parsing a
// certificate in OpenSSL 3 decodes its key through the provider decoders, ~15 % of an issuance).
struct IssuedDer {
  std::string der;
  std::string serial_hex;  // upper-case hex, no leading zeros (BN_bn2hex)
  std::string crl_scope;   // its CRL partition (publication.h)
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
};
Result<IssuedDer> IssueCertificateDer(const CaGeneration& ca, const CertRequest& request);
// DistributionPointName's fullName [0] as certificates and CRLs (issuingDistributionPoint)
// write it: the directoryName of a sign certificate's municipality (`holder`, or none for
// auth), then the URL.
void AppendDistributionPointNames(std::string& out, const SignHolder* holder, std::string_view url);
Result<X509Ptr> ParseCertificateDer(std::string_view der);
// One certificate as a file or a form holds it: PEM (the first CERTIFICATE block) or DER (with
// nothing after it). kInvalidArgument naming `field` otherwise.
Result<X509Ptr> ParseCertificatePemOrDer(std::string_view bytes, std::string_view field);

// The serial and the issuer of a DER certificate read without parsing it whole: OpenSSL 3.0's
// d2i_X509 decodes the public key through its provider framework (tens of microseconds, under
// global locks), which a status look-up that then compares the whole DER with the CA store's
// copy does not need. Reads TLVs with ASN1_get_object: Certificate → TBSCertificate →
// [0] version, serialNumber, signature, issuer. kInvalidArgument naming `field` when the
// bytes are not that shape. Says nothing of the signature: the caller must match the DER with
// a certificate it trusts.
struct CertificatePeek {
  std::string serial_hex;  // as SerialHex: upper-case, no leading zeros
  std::string issuer_der;  // the issuer Name, as encoded
};
Result<CertificatePeek> PeekCertificate(std::string_view der, std::string_view field);
// The subject Name of `cert` as DER (what PeekCertificate's issuer_der of its certificates is).
std::string SubjectNameDer(X509* cert);

// The delegated OCSP responder certificate of a CA generation (RFC 6960 4.2.2.2): keyUsage
// digitalSignature, extendedKeyUsage id-kp-OCSPSigning, id-pkix-ocsp-nocheck.
Result<X509Ptr> IssueOcspResponderCertificate(const CaGeneration& ca, EVP_PKEY* responder_key,
                                              TimePoint not_before, TimePoint not_after);

// notAfter for a last valid day: that day 23:59:59 JST.
TimePoint EndOfDayJst(Date day);

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_CERTIFICATE_H_
