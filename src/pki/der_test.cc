#include "core/hex.h"
#include "pki/der.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace mynacert::pki::der {
namespace {

std::string H(std::string_view bytes) { return HexUpper(bytes); }

TEST(Der, LengthsShortAndLong) {
  struct Case {
    size_t length;
    const char* hex;
  } cases[] = {{0, "00"},       {127, "7F"},       {128, "8180"},       {255, "81FF"},
               {256, "820100"}, {65535, "82FFFF"}, {65536, "83010000"}, {50000000, "8402FAF080"}};
  for (const Case& c : cases) {
    std::string out;
    AppendLength(out, c.length);
    EXPECT_EQ(H(out), c.hex) << c.length;
    EXPECT_EQ(HeaderSize(c.length), out.size() + 1) << c.length;
  }
}

TEST(Der, IntegersMinimalTwosComplement) {
  struct Case {
    int64_t value;
    const char* hex;
  } cases[] = {{0, "020100"},
               {1, "020101"},
               {127, "02017F"},
               {128, "02020080"},
               {256, "02020100"},
               {-1, "0201FF"},
               {-128, "020180"},
               {-129, "0202FF7F"},
               {INT64_MAX, "02087FFFFFFFFFFFFFFF"},
               {INT64_MIN, "02088000000000000000"}};
  for (const Case& c : cases) {
    std::string out;
    AppendInteger(out, c.value);
    EXPECT_EQ(H(out), c.hex) << c.value;
  }
  std::string u;
  AppendUnsignedInteger(u, std::string("\x00\x00\x80\x01", 4));
  EXPECT_EQ(H(u), "0203008001");
  u.clear();
  AppendUnsignedInteger(u, std::string("\x00", 1));
  EXPECT_EQ(H(u), "020100");
  u.clear();
  AppendEnumerated(u, 1);
  EXPECT_EQ(H(u), "0A0101");
}

TEST(Der, TimesSwitchToGeneralizedIn2050) {
  std::string out;
  AppendTime(out, 0);
  EXPECT_EQ(out.substr(2), "700101000000Z");
  EXPECT_EQ(out[0], static_cast<char>(kUtcTime));
  out.clear();
  AppendTime(out, 2524608000);  // 2050-01-01T00:00:00Z
  EXPECT_EQ(out[0], static_cast<char>(kGeneralizedTime));
  EXPECT_EQ(out.substr(2), "20500101000000Z");
  out.clear();
  AppendTime(out, 2524607999);  // 2049-12-31T23:59:59Z
  EXPECT_EQ(out.substr(2), "491231235959Z");
  out.clear();
  AppendGeneralizedTime(out, 1783436399);  // 2026-07-07T14:59:59Z = 23:59:59 JST
  EXPECT_EQ(out.substr(2), "20260707145959Z");
}

TEST(Der, Oids) {
  std::string out;
  AppendOid(out, "2.5.29.21");  // reasonCode
  EXPECT_EQ(H(out), "0603551D15");
  out.clear();
  AppendOid(out, "1.2.840.113549.1.1.11");
  EXPECT_EQ(H(out), "06092A864886F70D01010B");
  out.clear();
  AppendOid(out, "1.3.6.1.5.5.7.48.1.2");  // OCSP nonce
  EXPECT_EQ(H(out), "06092B0601050507300102");
}

TEST(Der, OpenCloseGrowsTheHeaderWhenNeeded) {
  for (size_t n : {0u, 5u, 127u, 128u, 300u, 70000u}) {
    std::string out = "x";
    const size_t at = Open(out, kSequence);
    out.append(n, 'a');
    Close(out, at);
    EXPECT_EQ(out, "x" + Tlv(kSequence, std::string(n, 'a'))) << n;
  }
}

}  // namespace
}  // namespace mynacert::pki::der
