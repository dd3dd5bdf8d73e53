// 予約ID and cancel tokens (reservation_code.h): random, typable, self-checking.
#include "reservations/reservation_code.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "pki/openssl.h"

namespace mynacert::reservations {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

TEST(ReservationCode, ShapeAndCheckSymbol) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    auto c = NewReservationCode();
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->size(), 11u);
    for (char x : *c) EXPECT_NE(kAlphabet.find(x), std::string_view::npos) << *c;
    EXPECT_EQ(CheckSymbol(c->substr(0, 10)), c->back());
    auto back = NormalizeReservationCode(GroupSymbols(*c), "code");
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, *c);
    seen.insert(*c);
  }
  EXPECT_EQ(seen.size(), 2000u);  // 50 random bits: no repeats
}

TEST(ReservationCode, EverySymbolIsUsed) {
  // Each of the 10 random positions draws all 32 symbols (the 5-bit split has no bias toward
  // part of the alphabet).
  std::set<char> first, last;
  for (int i = 0; i < 4000; ++i) {
    auto c = NewReservationCode();
    first.insert((*c)[0]);
    last.insert((*c)[9]);
  }
  EXPECT_EQ(first.size(), 32u);
  EXPECT_EQ(last.size(), 32u);
}

TEST(ReservationCode, EverySingleTypoAndNeighbourSwapIsCaught) {
  const std::string code = *NewReservationCode();
  for (size_t i = 0; i < code.size(); ++i) {
    for (char x : kAlphabet) {
      if (x == code[i]) continue;
      std::string typo = code;
      typo[i] = x;
      EXPECT_FALSE(NormalizeReservationCode(typo, "code").ok()) << typo;
    }
  }
  for (size_t i = 0; i + 1 < code.size(); ++i) {
    if (code[i] == code[i + 1]) continue;
    std::string swapped = code;
    std::swap(swapped[i], swapped[i + 1]);
    // Luhn mod N misses one swap pair per N (the symbols of value 0 and N-1, "0" and "Z").
    const bool blind = (code[i] == '0' && code[i + 1] == 'Z') || (code[i] == 'Z' && code[i + 1] == '0');
    if (!blind) {
      EXPECT_FALSE(NormalizeReservationCode(swapped, "code").ok()) << swapped;
    }
  }
}

TEST(ReservationCode, ForgivingReading) {
  // A code with 0 and 1 in it, typed with O, I, l, lower case, spaces and full-width forms.
  std::string payload = "01ABCDEFGH";
  const std::string code = payload + CheckSymbol(payload);
  std::string typed = "oI-abcd efgh-";
  typed += static_cast<char>(std::tolower(code.back()));
  auto n = NormalizeReservationCode(typed, "code");
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  EXPECT_EQ(*n, code);
  // Full width: "０１ＡＢ－ＣＤＥＦ　ＧＨ" + the check symbol.
  std::string wide = "\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x8D\xEF\xBC\xA3"
                     "\xEF\xBC\xA4\xEF\xBC\xA5\xEF\xBC\xA6\xE3\x80\x80\xEF\xBC\xA7\xEF\xBC\xA8";
  wide += code.back();
  auto w = NormalizeReservationCode(wide, "code");
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  EXPECT_EQ(*w, code);
  EXPECT_EQ(GroupSymbols(code), code.substr(0, 4) + "-" + code.substr(4, 4) + "-" + code.substr(8));
}

TEST(ReservationCode, ProblemsAreNamed) {
  auto u = ReadReservationCode("UUUU-UUUU-UUU");
  ASSERT_TRUE(std::holds_alternative<CodeProblem>(u));
  EXPECT_NE(std::get<CodeProblem>(u).ja.find("'U'"), std::string::npos);
  auto shortcode = NormalizeReservationCode("ABCD", "code");
  ASSERT_FALSE(shortcode.ok());
  EXPECT_EQ(shortcode.error().field, "code");
  EXPECT_NE(shortcode.error().message.find("11"), std::string::npos);
  auto kana = ReadReservationCode("あいう");
  ASSERT_TRUE(std::holds_alternative<CodeProblem>(kana));
  EXPECT_FALSE(ReadReservationCode("\xFF\xFE").index() == 0);  // not UTF-8: refused, not shown
}

TEST(CancelToken, RandomAndHashed) {
  auto t = NewCancelToken();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->size(), 12u);
  EXPECT_EQ(*NormalizeCancelToken(GroupSymbols(*t), "token"), *t);
  EXPECT_NE(*NewCancelToken(), *t);
  // The stored form of a cancel token: lower-case hex SHA-256.
  EXPECT_EQ(pki::Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace mynacert::reservations
