#include "pki/der.h"

#include <array>
#include <charconv>
#include <chrono>
#include <vector>

#include "pki/signer.h"

namespace mynacert::pki::der {

void AppendLength(std::string& out, size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<char>(length));
    return;
  }
  char bytes[sizeof(size_t)];
  int n = 0;
  for (size_t l = length; l != 0; l >>= 8) bytes[n++] = static_cast<char>(l & 0xff);
  out.push_back(static_cast<char>(0x80 | n));
  while (n > 0) out.push_back(bytes[--n]);
}

size_t HeaderSize(size_t content_length) {
  size_t n = 2;
  if (content_length >= 0x80) {
    for (size_t l = content_length; l != 0; l >>= 8) ++n;
  }
  return n;
}

void AppendTlv(std::string& out, uint8_t tag, std::string_view content) {
  out.push_back(static_cast<char>(tag));
  AppendLength(out, content.size());
  out.append(content);
}

std::string Tlv(uint8_t tag, std::string_view content) {
  std::string out;
  out.reserve(HeaderSize(content.size()) + content.size());
  AppendTlv(out, tag, content);
  return out;
}

size_t Open(std::string& out, uint8_t tag) {
  out.push_back(static_cast<char>(tag));
  out.push_back('\0');
  return out.size();
}

void Close(std::string& out, size_t content_offset) {
  const size_t length = out.size() - content_offset;
  if (length < 0x80) {
    out[content_offset - 1] = static_cast<char>(length);
    return;
  }
  std::string header;
  AppendLength(header, length);
  // The reserved octet becomes the first of `header`; the rest is inserted after it.
  out[content_offset - 1] = header[0];
  out.insert(content_offset, header, 1, std::string::npos);
}

void AppendUnsignedInteger(std::string& out, std::string_view be) {
  while (be.size() > 1 && be.front() == '\0') be.remove_prefix(1);
  const bool pad = be.empty() || (static_cast<uint8_t>(be.front()) & 0x80);
  out.push_back(static_cast<char>(kInteger));
  AppendLength(out, be.size() + (pad ? 1 : 0));
  if (pad) out.push_back('\0');
  out.append(be.empty() ? std::string_view() : be);
}

void AppendInteger(std::string& out, int64_t value) {
  char bytes[8];
  int n = 0;
  // Two's complement, minimal octets.
  do {
    bytes[n++] = static_cast<char>(value & 0xff);
    value >>= 8;
  } while (!((value == 0 && !(bytes[n - 1] & 0x80)) || (value == -1 && (bytes[n - 1] & 0x80))));
  out.push_back(static_cast<char>(kInteger));
  AppendLength(out, static_cast<size_t>(n));
  while (n > 0) out.push_back(bytes[--n]);
}

void AppendEnumerated(std::string& out, int value) {
  const size_t start = out.size();
  AppendInteger(out, value);
  out[start] = static_cast<char>(kEnumerated);
}

void AppendBitString(std::string& out, std::string_view bytes) {
  out.push_back(static_cast<char>(kBitString));
  AppendLength(out, bytes.size() + 1);
  out.push_back('\0');
  out.append(bytes);
}

namespace {

// "YYYYMMDDHHMMSS" of a UTC instant.
void CivilDigits(int64_t unix_seconds, char* digits /* 14 digits */) {
  using namespace std::chrono;
  const auto day = floor<days>(sys_seconds(seconds(unix_seconds)));
  const year_month_day ymd(day);
  const int secs = static_cast<int>(unix_seconds - day.time_since_epoch().count() * 86400);
  auto put = [&digits](int at, int width, int value) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      digits[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, 4, static_cast<int>(ymd.year()));
  put(4, 2, static_cast<int>(static_cast<unsigned>(ymd.month())));
  put(6, 2, static_cast<int>(static_cast<unsigned>(ymd.day())));
  put(8, 2, secs / 3600);
  put(10, 2, secs / 60 % 60);
  put(12, 2, secs % 60);
}

}  // namespace

void AppendTime(std::string& out, int64_t unix_seconds) {
  char digits[15];
  CivilDigits(unix_seconds, digits);
  const int year = (digits[0] - '0') * 1000 + (digits[1] - '0') * 100 + (digits[2] - '0') * 10 +
                   (digits[3] - '0');
  if (year >= 1950 && year < 2050) {
    out.push_back(static_cast<char>(kUtcTime));
    out.push_back(13);
    out.append(digits + 2, 12);
  } else {
    out.push_back(static_cast<char>(kGeneralizedTime));
    out.push_back(15);
    out.append(digits, 14);
  }
  out.push_back('Z');
}

void AppendGeneralizedTime(std::string& out, int64_t unix_seconds) {
  char digits[15];
  CivilDigits(unix_seconds, digits);
  out.push_back(static_cast<char>(kGeneralizedTime));
  out.push_back(15);
  out.append(digits, 14);
  out.push_back('Z');
}

void AppendOid(std::string& out, std::string_view dotted) {
  std::vector<uint64_t> arcs;
  while (!dotted.empty()) {
    const size_t dot = dotted.find('.');
    const std::string_view arc = dotted.substr(0, dot);
    uint64_t v = 0;
    std::from_chars(arc.data(), arc.data() + arc.size(), v);
    arcs.push_back(v);
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  std::string content;
  auto base128 = [&content](uint64_t v) {
    char bytes[10];
    int n = 0;
    do {
      bytes[n++] = static_cast<char>(v & 0x7f);
      v >>= 7;
    } while (v != 0);
    while (n > 1) content.push_back(static_cast<char>(bytes[--n] | 0x80));
    content.push_back(bytes[0]);
  };
  if (arcs.size() >= 2) base128(arcs[0] * 40 + arcs[1]);
  for (size_t i = 2; i < arcs.size(); ++i) base128(arcs[i]);
  AppendTlv(out, kOid, content);
}

void AppendExtension(std::string& out, std::string_view oid, bool critical,
                     std::string_view value) {
  const size_t ext = Open(out, kSequence);
  AppendOid(out, oid);
  if (critical) out.append("\x01\x01\xff", 3);
  AppendTlv(out, kOctetString, value);
  Close(out, ext);
}

std::string SignedSequence(std::string_view tbs, std::string_view signature,
                           std::string_view trailing) {
  const std::string_view alg = Sha256WithRsaAlgorithmDer();
  const size_t content = tbs.size() + alg.size() + HeaderSize(signature.size() + 1) +
                         signature.size() + 1 + trailing.size();
  std::string out;
  out.reserve(HeaderSize(content) + content);
  out.push_back(static_cast<char>(kSequence));
  AppendLength(out, content);
  out.append(tbs);
  out.append(alg);
  AppendBitString(out, signature);
  out.append(trailing);
  return out;
}

}  // namespace mynacert::pki::der
