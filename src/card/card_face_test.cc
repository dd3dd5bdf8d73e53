#include "card/card_face.h"

#include <cairo.h>
#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "card/card_data.h"
#include "core/hex.h"
#include "pki/certificate.h"

namespace mynacert::card {
namespace {

std::string H(std::string_view hex) {
  std::string out;
  EXPECT_TRUE(Unhex(std::string(hex), &out)) << hex;
  return out;
}

struct Png {
  int width = 0, height = 0, bit_depth = 0, colour_type = -1;
  int black = 0, white = 0;
};

// The PNG's header, and its pixels as cairo decodes them (an independent reader of our bytes).
Png Decode(const std::string& png) {
  Png out;
  if (png.size() < 33) return out;
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(png[at + i]);
    return static_cast<int>(v);
  };
  out.width = be32(16);
  out.height = be32(20);
  out.bit_depth = static_cast<uint8_t>(png[24]);
  out.colour_type = static_cast<uint8_t>(png[25]);
  struct Reader {
    const std::string* s;
    size_t at = 0;
  } reader{&png};
  cairo_surface_t* surface = cairo_image_surface_create_from_png_stream(
      [](void* closure, unsigned char* data, unsigned int length) {
        auto* r = static_cast<Reader*>(closure);
        if (r->at + length > r->s->size()) return CAIRO_STATUS_READ_ERROR;
        std::memcpy(data, r->s->data() + r->at, length);
        r->at += length;
        return CAIRO_STATUS_SUCCESS;
      },
      &reader);
  if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS) {
    cairo_surface_flush(surface);
    const unsigned char* p = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < out.height; ++y) {
      for (int x = 0; x < out.width; ++x) {
        const uint32_t px = *reinterpret_cast<const uint32_t*>(p + y * stride + 4 * x);
        ((px & 0xFFFFFF) == 0 ? out.black : out.white) += 1;
      }
    }
  }
  cairo_surface_destroy(surface);
  return out;
}

class CardFaceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto key = pki::GenerateRsaKey(2048);
    ASSERT_TRUE(key.ok());
    signer_ = pki::MakeKeySigner(std::move(key).value(), "test").release();
    auto ap = pki::GenerateRsaKey(2048);
    auto other = pki::GenerateRsaKey(2048);
    ASSERT_TRUE(ap.ok() && other.ok());
    ap_key_ = std::move(ap).value().release();
    other_ = std::move(other).value().release();
  }
  static HolderData Holder() {
    HolderData h;
    h.my_number = "537686677188";
    h.name = "黒桐　幹也";
    h.address = "東京都清瀬市観布子南12-7-202";
    h.birth = "19800217";
    h.sex = '1';
    return h;
  }
  static CardFaceData Face() { return {"19800217", '1', "20350217"}; }
  static std::map<uint16_t, std::string> Files() {
    auto images = RenderCardFace(Holder(), "2285");
    EXPECT_TRUE(images.ok()) << images.error().ToString();
    auto files = VisualApFiles(Face(), *images, ap_key_, *signer_);
    EXPECT_TRUE(files.ok()) << files.error().ToString();
    return files.ok() ? *files : std::map<uint16_t, std::string>{};
  }
  static inline pki::Signer* signer_ = nullptr;
  static inline EVP_PKEY* ap_key_ = nullptr;
  static inline EVP_PKEY* other_ = nullptr;
};

TEST_F(CardFaceTest, TheSecurityCodeIsFourDigitsOnlyTheIssuersMasterGives) {
  const std::string master(32, 'm');
  const std::string a = SecurityCode(master, "0123456789ABCDEF0123456789ABCDEF");
  EXPECT_EQ(a.size(), 4u);
  EXPECT_EQ(a.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(a, SecurityCode(master, "0123456789ABCDEF0123456789ABCDEF"));  // printed again: the same
  // Another master or another chip: other codes (over 20 chips, not all alike).
  std::set<std::string> codes;
  for (int i = 0; i < 20; ++i) codes.insert(SecurityCode(master, "CHIP" + std::to_string(i)));
  EXPECT_GT(codes.size(), 15u);
  int same = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string chip = "CHIP" + std::to_string(i);
    same += SecurityCode(master, chip) == SecurityCode(std::string(32, 'n'), chip);
  }
  EXPECT_LT(same, 3);
}

// 1 bit a pixel, grey (colour type 0), black text on white; the My Number and the security code at
// the sizes measured on a card (soltia48/myna-card: 72×12 and 24×12).
TEST_F(CardFaceTest, TheTextImagesAreOneBitAtTheCardsSizes) {
  auto images = RenderCardFace(Holder(), "2285");
  ASSERT_TRUE(images.ok()) << images.error().ToString();
  const struct {
    const std::string* png;
    int width, height;  // 0: not fixed
  } want[] = {{&images->number_png, 72, 12},
              {&images->security_code_png, 24, 12},
              {&images->name_png, 0, 24},
              {&images->address_png, 480, 0}};
  for (const auto& w : want) {
    const Png p = Decode(*w.png);
    EXPECT_EQ(p.bit_depth, 1);
    EXPECT_EQ(p.colour_type, 0);
    if (w.width) {
      EXPECT_EQ(p.width, w.width);
    }
    if (w.height) {
      EXPECT_EQ(p.height, w.height);
    }
    // Ink, on a white ground.
    EXPECT_GT(p.black, p.width * p.height / 50) << p.width << "x" << p.height;
    EXPECT_GT(p.white, p.black);
  }
  // A long address wraps onto more lines of the same width; a long name is squeezed, not cut.
  HolderData long_one = Holder();
  long_one.address = "北海道札幌市中央区北一条西二丁目一番地　札幌市役所本庁舎内　長い長い建物の名前の部屋番号１２３４";
  long_one.name = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処";
  auto wide = RenderCardFace(long_one, "0000");
  ASSERT_TRUE(wide.ok());
  EXPECT_GE(Decode(wide->address_png).height, 48);
  EXPECT_EQ(Decode(wide->address_png).width, 480);
  EXPECT_EQ(Decode(wide->name_png).width, 480);
}

// The photo is a JP2 file (as real cards hold a greyscale JPEG 2000) that an independent decoder
// reads back at its size: opj_decompress, the OpenJPEG command-line tool.
TEST_F(CardFaceTest, ThePhotoIsAGreyscaleJpeg2000) {
  auto photo = PlaceholderPhotoJp2(120, 150);
  ASSERT_TRUE(photo.ok()) << photo.error().ToString();
  EXPECT_EQ(HexUpper(photo->substr(0, 12)), "0000000C6A5020200D0A870A");
  EXPECT_LT(photo->size(), 8000u);
  if (std::system("command -v opj_decompress >/dev/null") != 0) {
    if (std::getenv("CI")) FAIL() << "opj_decompress (libopenjp2-tools) is missing";
    GTEST_SKIP() << "opj_decompress not installed";
  }
  const auto dir = std::filesystem::temp_directory_path() / ("card_face_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "face.jp2", std::ios::binary) << *photo; }
  const std::string cmd = "opj_decompress -quiet -i " + (dir / "face.jp2").string() + " -o " +
                          (dir / "face.pgm").string() + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream pgm(dir / "face.pgm", std::ios::binary);
  std::string magic;
  int w = 0, h = 0, max = 0;
  pgm >> magic;
  pgm >> std::ws;
  while (pgm.peek() == '#') {  // opj_decompress writes a comment line
    std::string comment;
    std::getline(pgm, comment);
  }
  pgm >> w >> h >> max;
  EXPECT_EQ(magic, "P5");  // one grey channel
  EXPECT_EQ(w, 120);
  EXPECT_EQ(h, 150);
  EXPECT_EQ(max, 255);
  std::filesystem::remove_all(dir);
}

TEST_F(CardFaceTest, TheFilesParseBackAndVerifyAsARealCardsDo) {
  auto files = Files();
  ASSERT_EQ(files.size(), 3u);
  auto face = ParseCardFaceFile(files[0x0002]);
  ASSERT_TRUE(face.ok()) << face.error().ToString();
  EXPECT_EQ(face->data.birth, "19800217");
  EXPECT_EQ(face->data.sex, '1');
  EXPECT_EQ(face->data.expiry, "20350217");
  EXPECT_EQ(Decode(face->images.security_code_png).width, 24);
  EXPECT_EQ(HexUpper(face->images.photo.substr(4, 4)), "6A502020");
  // The shape: FF20 82 HH LL, a nine-entry offset table, DF24 the AP's key (265 bytes).
  EXPECT_EQ(HexUpper(files[0x0002].substr(0, 3)), "FF2082");
  EXPECT_EQ(HexUpper(files[0x0002].substr(5, 3)), "DF2112");
  EXPECT_EQ(face->public_key.size(), 265u);
  auto key = CardFaceKey(*face);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(EVP_PKEY_eq(key->get(), ap_key_), 1);
  auto number = ParseNumberImageFile(files[0x0005]);
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(Decode(*number).width, 72);
  EXPECT_EQ(files[0x0004].size(), 568u);
  EXPECT_TRUE(VerifyVisualApFiles(files[0x0002], files[0x0005], files[0x0004], signer_->public_key()).ok());
  EXPECT_TRUE(VerifyVisualApFiles(files[0x0002], "", files[0x0004], signer_->public_key()).ok());

  // DF28 is PKCS#1 v1.5 over a DigestInfo of three SHA-256 digests: 30 71 … 04 60 <96 bytes>
  // (soltia48/myna-card src/data.rs, builds_digest_infos_of_both_lengths).
  const std::string& f = files[0x0002];
  const size_t at = f.find(H("DF28820100"));
  ASSERT_NE(at, std::string::npos);
  pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(signer_->public_key(), nullptr));
  ASSERT_EQ(EVP_PKEY_verify_recover_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
  unsigned char recovered[256];
  size_t n = sizeof recovered;
  ASSERT_EQ(EVP_PKEY_verify_recover(ctx.get(), recovered, &n,
                                    reinterpret_cast<const unsigned char*>(f.data() + at + 5), 256),
            1);
  ASSERT_EQ(n, 115u);
  const std::string info(reinterpret_cast<char*>(recovered), n);
  EXPECT_EQ(HexUpper(info.substr(0, 19)), "3071300D060960864801650304020105000460");
}

TEST_F(CardFaceTest, EachAlterationIsNamedAndTheExpiryIsNotSigned) {
  const auto files = Files();
  EVP_PKEY* trusted = signer_->public_key();
  auto flip = [](std::string s, size_t at) {
    s[at] = static_cast<char>(s[at] ^ 0x01);
    return s;
  };
  auto error_field = [&](const std::string& ef2, const std::string& ef5, const std::string& ef4,
                         EVP_PKEY* key) {
    const Status s = VerifyVisualApFiles(ef2, ef5, ef4, key);
    return s.ok() ? std::string("ok") : s.error().field;
  };
  const std::string& ef2 = files.at(0x0002);
  const std::string& ef4 = files.at(0x0004);
  const std::string& ef5 = files.at(0x0005);
  // The birth date, the key, a name image byte, the photo: the signature no longer verifies.
  for (const std::string tag : {"DF2208", "DF2482", "DF2582", "DF2782"}) {
    const size_t at = ef2.find(H(tag));
    ASSERT_NE(at, std::string::npos) << tag;
    EXPECT_EQ(error_field(flip(ef2, at + 8), ef5, ef4, trusted), "ef0002") << tag;
  }
  // The expiry follows the signature: altered, it still verifies — as on a real card, so a
  // reader must not trust DF29 from the file alone (docs/card.md).
  const size_t expiry = ef2.find(H("DF2908"));
  ASSERT_NE(expiry, std::string::npos);
  std::string later = ef2;
  later.replace(expiry + 3, 4, "2099");
  EXPECT_EQ(error_field(later, ef5, ef4, trusted), "ok");
  EXPECT_EQ(error_field(ef2, flip(ef5, 10), ef4, trusted), "ef0005");
  EXPECT_EQ(error_field(ef2, ef5, flip(ef4, 40), trusted), "ef0004");
  EXPECT_EQ(error_field(ef2, ef5, ef4, other_), "ef0004");
  // An offset that points elsewhere is caught by the parse.
  EXPECT_FALSE(ParseCardFaceFile(flip(ef2, 9)).ok());
}

TEST_F(CardFaceTest, BadInputIsRefusedByField) {
  auto images = RenderCardFace(Holder(), "2285");
  ASSERT_TRUE(images.ok());
  auto field = [&](CardFaceData d, CardFaceImages i) {
    auto r = VisualApFiles(d, i, ap_key_, *signer_);
    return r.ok() ? std::string("ok") : r.error().field;
  };
  CardFaceData d = Face();
  d.expiry = "2035-02-17";
  EXPECT_EQ(field(d, *images), "expiry");
  d = Face();
  d.sex = 'M';
  EXPECT_EQ(field(d, *images), "sex");
  CardFaceImages i = *images;
  i.photo = i.name_png;  // a PNG where a JPEG 2000 goes
  EXPECT_EQ(field(Face(), i), "photo");
  i = *images;
  i.photo.append(40000, '\0');  // over what the EF holds
  EXPECT_EQ(field(Face(), i), "photo");
}

}  // namespace
}  // namespace mynacert::card
