#include "card/card_data.h"

#include <gtest/gtest.h>

#include "core/hex.h"
#include "pki/certificate.h"

namespace mynacert::card {
namespace {

std::string H(std::string_view hex) {
  std::string out, clean;
  for (char c : hex) {
    if (c != ' ') clean.push_back(c);
  }
  EXPECT_TRUE(Unhex(clean, &out)) << hex;
  return out;
}

class CardDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto key = pki::GenerateRsaKey(2048);
    ASSERT_TRUE(key.ok());
    signer_ = pki::MakeKeySigner(std::move(key).value(), "test").release();
    auto other = pki::GenerateRsaKey(2048);
    ASSERT_TRUE(other.ok());
    other_ = std::move(other).value().release();
  }
  static HolderData TestCard() {
    // The JPKI test card soltia48/myna-card dumped (src/ap/text.rs, tests).
    HolderData h;
    h.my_number = "537686677188";
    h.name = "黒桐　幹也";
    h.address = "東京都清瀬市観布子南12-7-202";
    h.birth = "19800217";
    h.sex = '1';
    return h;
  }
  static inline pki::Signer* signer_ = nullptr;
  static inline EVP_PKEY* other_ = nullptr;
};

// Byte for byte what the real test card holds in EF 0001 and EF 0002, from the same data.
TEST_F(CardDataTest, TheFilesAreWhatARealCardHolds) {
  auto files = TextApFiles(TestCard(), *signer_);
  ASSERT_TRUE(files.ok()) << files.error().ToString();
  EXPECT_EQ(HexUpper((*files)[0x0001]), "FF100C353337363836363737313838FFFF");
  EXPECT_EQ((*files)[0x0002],
            H("ff2065df2108000e002000590064df22"
              "0fe9bb92e6a190e38080e5b9b9e4b99f"
              "df2336e69db1e4baace983bde6b885e7"
              "80ace5b882e8a6b3e5b883e5ad90e58d"
              "97efbc91efbc92efbc8defbc97efbc8d"
              "efbc92efbc90efbc92df240831393830"
              "30323137df250131"));
  // The fixed sizes every client reads (pymyna asserts them; jpki/myna reads exactly so much).
  EXPECT_EQ((*files)[0x0003].size(), 336u);
  EXPECT_EQ(HexUpper((*files)[0x0003].substr(0, 8)), "FF3082014BDF3120");
  EXPECT_EQ((*files)[0x0004].size(), 568u);
  EXPECT_EQ(HexUpper((*files)[0x0004].substr(0, 10)), "7F218202335F4E820129");
  EXPECT_EQ((*files)[0x0005].size(), 256u);
  EXPECT_EQ(HexUpper((*files)[0x0005].substr(0, 11)), "FF4082009FDF410401030E");
  EXPECT_EQ((*files)[0x0005].substr(15, 7), "9000033");  // a sandbox key id, not J-LIS's
  // And they read back.
  auto number = ParseMyNumberFile((*files)[0x0001]);
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(*number, "537686677188");
  auto four = ParseBasicFourFile((*files)[0x0002]);
  ASSERT_TRUE(four.ok()) << four.error().ToString();
  EXPECT_EQ(four->name, "黒桐　幹也");
  EXPECT_EQ(four->address, "東京都清瀬市観布子南１２－７－２０２");
  EXPECT_EQ(four->birth, "19800217");
  EXPECT_EQ(four->sex, '1');
}

TEST_F(CardDataTest, TheSignatureChainVerifiesAndEveryAlterationIsNamed) {
  auto files = TextApFiles(TestCard(), *signer_);
  ASSERT_TRUE(files.ok());
  auto& f = *files;
  EXPECT_TRUE(VerifyTextApFiles(f[1], f[2], f[3], f[4], signer_->public_key()).ok());
  // Under another key: EF 0004 is not the published key's.
  auto wrong = VerifyTextApFiles(f[1], f[2], f[3], f[4], other_);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field, "ef0004");
  struct Case {
    uint16_t ef;
    size_t at;
    const char* names;
  } cases[] = {
      {1, 5, "ef0001"},    // a digit of the My Number
      {2, 20, "ef0002"},   // a byte of the name
      {2, 9, "ef0002"},    // an offset (the table is not hashed: the parse checks it instead)
      {3, 10, "ef0003"},   // the first digest
      {3, 200, "ef0003"},  // the signature
      {4, 40, "ef0004"},   // the certified key
  };
  for (const Case& c : cases) {
    auto copy = f;
    copy[c.ef][c.at] ^= 0x01;
    Status s = VerifyTextApFiles(copy[1], copy[2], copy[3], copy[4], signer_->public_key());
    if (c.ef == 2 && c.at == 9) {
      // The signature does not cover the table; a client that trusts offsets is caught by the
      // parse, as myna-card does.
      EXPECT_TRUE(s.ok());
      EXPECT_FALSE(ParseBasicFourFile(copy[2]).ok());
      continue;
    }
    ASSERT_FALSE(s.ok()) << c.ef << " at " << c.at;
    EXPECT_EQ(s.error().field, c.names) << c.ef << " at " << c.at;
  }
}

// From 128 bytes on the length is 82 HH LL (never 81), and the offsets count the longer header.
TEST_F(CardDataTest, ALongAddressTakesTheThreeByteLength) {
  HolderData h = TestCard();
  h.address = "神奈川県横浜市中区日本大通1-1 横浜市役所前ビルディング第二別館東棟1234号室";
  auto files = TextApFiles(h, *signer_);
  ASSERT_TRUE(files.ok());
  const std::string& f = (*files)[0x0002];
  EXPECT_EQ(HexUpper(f.substr(0, 3)), "FF2082");
  EXPECT_EQ(static_cast<size_t>(static_cast<uint8_t>(f[3]) << 8 | static_cast<uint8_t>(f[4])),
            f.size() - 5);
  EXPECT_EQ(HexUpper(f.substr(5, 5)), "DF21080010");  // name at 5 + 11 = 16
  auto back = ParseBasicFourFile(f);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->address,
            "神奈川県横浜市中区日本大通１－１ 横浜市役所前ビルディング第二別館東棟１２３４号室");
  auto& all = *files;
  EXPECT_TRUE(VerifyTextApFiles(all[1], all[2], all[3], all[4], signer_->public_key()).ok());
}

TEST_F(CardDataTest, TheNameCarriesTheFormerSurnameAndTheAlias) {
  EXPECT_EQ(TextName("番号　花子", "", ""), "番号　花子");
  EXPECT_EQ(TextName("番号　花子", "山田", ""), "番号　花子［山田］");
  EXPECT_EQ(TextName("SMITH　JOHN", "", "スミス　ジョン"), "SMITH　JOHN（スミス　ジョン）");
}

TEST_F(CardDataTest, DataThatDoesNotFitIsRefusedByField) {
  struct Case {
    void (*edit)(HolderData&);
    const char* field;
  } cases[] = {
      {[](HolderData& h) { h.my_number = "12345"; }, "my_number"},
      {[](HolderData& h) { h.my_number = "53768667718X"; }, "my_number"},
      {[](HolderData& h) { h.birth = "1980-02-17"; }, "birth"},
      {[](HolderData& h) { h.sex = '3'; }, "sex"},
      {[](HolderData& h) { h.name.clear(); }, "name"},
      {[](HolderData& h) { h.address.clear(); }, "address"},
  };
  for (const Case& c : cases) {
    HolderData h = TestCard();
    c.edit(h);
    auto files = TextApFiles(h, *signer_);
    ASSERT_FALSE(files.ok()) << c.field;
    EXPECT_EQ(files.error().field, c.field);
  }
  // A reader refuses what is not the file it expects.
  EXPECT_FALSE(ParseMyNumberFile(H("FF110C353337363836363737313838")).ok());
  EXPECT_FALSE(ParseMyNumberFile(H("FF100C3533")).ok());
  EXPECT_FALSE(ParseBasicFourFile(H("FF2003DF2100")).ok());
}

}  // namespace
}  // namespace mynacert::card

namespace mynacert::card {
namespace {

// The files' dates and DigestInfo: YYYYMMDD both ways; the ordinary SHA-256 DigestInfo is the
// canonical 51 bytes (RFC 8017 §9.2 note 1), the card face's three-digest one 115.
TEST(CardDataFormats, DatesAndDigestInfos) {
  EXPECT_EQ(CardDate(Date::Ymd(1980, 2, 17)), "19800217");
  EXPECT_EQ(CardDateIso("20350217"), "2035-02-17");
  const std::string one = Sha256DigestInfo(std::string(32, '\xAA'));
  EXPECT_EQ(one.size(), 51u);
  EXPECT_EQ(HexUpper(one.substr(0, 19)), "3031300D060960864801650304020105000420");
  const std::string three = Sha256DigestInfo(std::string(96, '\xAA'));
  EXPECT_EQ(three.size(), 115u);
  EXPECT_EQ(HexUpper(three.substr(0, 2)), "3071");
}

}  // namespace
}  // namespace mynacert::card
