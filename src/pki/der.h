// A minimal DER writer (X.690) for what we sign ourselves: the TBSCertList of a CRL with
// millions of entries (streamed, no OpenSSL object per entry), OCSP responses, and the outer
// SEQUENCE of a certificate signed through a Signer. Reading DER stays with OpenSSL.
//
// Every function appends to `out` (one buffer grown in place); lengths are definite.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_PKI_DER_H_
#define MYNACERT_PKI_DER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace mynacert::pki::der {

inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kEnumerated = 0x0a;
inline constexpr uint8_t kUtcTime = 0x17;
inline constexpr uint8_t kGeneralizedTime = 0x18;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;
// [n] context-specific: constructed (EXPLICIT or IMPLICIT of a constructed type) or primitive.
constexpr uint8_t ContextConstructed(int n) { return static_cast<uint8_t>(0xa0 | n); }
constexpr uint8_t ContextPrimitive(int n) { return static_cast<uint8_t>(0x80 | n); }

void AppendLength(std::string& out, size_t length);
size_t HeaderSize(size_t content_length);  // tag + length octets
void AppendTlv(std::string& out, uint8_t tag, std::string_view content);
std::string Tlv(uint8_t tag, std::string_view content);
// Writes the tag and a length to be patched later: returns the offset of the content. Close
// moves the content if the length needs more than the one reserved octet.
size_t Open(std::string& out, uint8_t tag);
void Close(std::string& out, size_t content_offset);

// INTEGER from an unsigned big-endian magnitude (leading zeros dropped, a 0x00 prepended when
// the high bit is set).
void AppendUnsignedInteger(std::string& out, std::string_view big_endian);
void AppendInteger(std::string& out, int64_t value);
void AppendEnumerated(std::string& out, int value);
void AppendBitString(std::string& out, std::string_view bytes);  // no unused bits
// RFC 5280 Time: UTCTime for 1950–2049, GeneralizedTime from 2050; and GeneralizedTime alone
// (OCSP). `unix_seconds` is UTC.
void AppendTime(std::string& out, int64_t unix_seconds);
void AppendGeneralizedTime(std::string& out, int64_t unix_seconds);
// An OID from its dotted text ("2.5.29.21").
void AppendOid(std::string& out, std::string_view dotted);

// Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
void AppendExtension(std::string& out, std::string_view oid, bool critical, std::string_view value);

// SEQUENCE { tbs, sha256WithRSAEncryption, BIT STRING signature }: a Certificate,
// CertificateList or the BasicOCSPResponse core.
std::string SignedSequence(std::string_view tbs, std::string_view signature,
                           std::string_view trailing = {});

}  // namespace mynacert::pki::der

#endif  // MYNACERT_PKI_DER_H_
