// The holder's data on the card's 券面事項入力補助 AP (its files encoded as a real card holds them,
// and read back), and the sandbox's signature over them. docs/card-evidence.md Q3 has the
// layouts and their sources; docs/card.md says what is ours.
//
//   EF 0001  個人番号: FF 10 0C <12 ASCII digits> FF FF                           (17 bytes)
//   EF 0002  基本4情報: FF 20 L | DF21 08 <4 offsets, from the file's start, BE16> |
//            DF22 氏名 (UTF-8, 氏 U+3000 名) | DF23 住所 (UTF-8, full-width digits) |
//            DF24 08 YYYYMMDD | DF25 01 <JIS X 0303 sex digit>
//   EF 0003  FF 30 82 01 4B | DF31 20 SHA-256(EF 0001, all 17 bytes) |
//            DF32 20 SHA-256(EF 0002's value after the DF21 table) | DF33 82 01 00 <RSA-2048
//            PKCS#1 v1.5 SHA-256 over the DF31 and DF32 objects as written>       (336 bytes)
//   EF 0004  card-verifiable certificate: 7F21 82 02 33 | 5F4E 82 01 29 <16-byte issuer key
//            id, 16-byte subject key id, 90 03 <e> 91 82 01 00 <n>> | 5F37 82 01 00 <sig over
//            the 5F4E value>                                                        (568 bytes)
//   EF 0005  FF 40 82 00 9F | DF41 04 01 03 0E 01 | DF42 10 <key id> | DF43 82 00 80 <32 bytes
//            + 96 FF>, FF-filled                                                    (256 bytes)
// Lengths are one byte below 128 and `82 HH LL` from 128 on, never `81` — as the real files are
// (jpki/myna decodes EF 0005's `FF 40 82 00 9F`).
//
// The signing key is the sandbox's "J-LIS" key for this AP (pki/card_data_key.h), marked as a
// test key: key id "9000033" (9: mynacert's sandbox; J-LIS production ids begin 5, its test
// hierarchy's 6). EF 0004 certifies that same key (issuer = subject), so a client checks EF 0004
// against the published key and EF 0003 against the key in EF 0004.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_CARD_CARD_DATA_H_
#define MYNACERT_CARD_CARD_DATA_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"
#include "pki/openssl.h"
#include "pki/signer.h"

namespace mynacert::card {

// What the registry knows of the holder, as the card writes it.
struct HolderData {
  std::string my_number;  // 12 digits
  std::string name;       // 氏 and 名 separated by U+3000; 旧氏/通称 already added (TextName)
  std::string address;    // as the registry has it; digits and '-' are written full-width
  std::string birth;      // YYYYMMDD
  char sex = '9';         // '1' 男, '2' 女, '9' 適用不能 (JIS X 0303)
};

// The 氏名 of DF22: the registered name, with the 旧氏 in ［］ and the 通称 in （） after it, as
// the card's face prints them (a choice: no public dump of such a card; docs/card.md).
std::string TextName(std::string_view name, std::string_view kyuuji, std::string_view tsusho);

// 照合番号B: the birth date as YYMMDD with the year in its Japanese era (昭和55 = 55), the card's
// expiry year and its 4-digit security code — 14 digits (soltia48/myna-card, confirmed on a card:
// 1980-02-17, 2035, 2285 → 55021720352285).
std::string CollationNumberB(Date birth, int expiry_year, std::string_view security_code);

// Dates as the card's files write them, YYYYMMDD (DF24 of the basic four, DF22/DF29 of the card
// face), and back to YYYY-MM-DD. CardDateIso expects the 8 digits a parse has checked.
std::string CardDate(Date d);
std::string CardDateIso(std::string_view yyyymmdd);

// DigestInfo { sha256, OCTET STRING digest }: the ordinary one for a 32-byte digest, and the
// card face's for its three digests (96 bytes; soltia48/myna-card src/data.rs sha256_digest_info).
std::string Sha256DigestInfo(std::string_view digest);

// The sandbox key's 16-byte key id: "9000033" 08 05 "001" 00 00 00 00.
std::string SandboxKeyId();

// EFs 0001–0005 of the 券面事項入力補助 AP, signed with `signer` (RSA-2048). Refuses data that
// does not fit the files (field named: my_number, name, address, birth, sex).
Result<std::map<uint16_t, std::string>> TextApFiles(const HolderData& holder, pki::Signer& signer);

// --- the reader's side ----------------------------------------------------------------------

// EF 0001 → the 12 digits (filler after the object ignored).
Result<std::string> ParseMyNumberFile(std::string_view file);
// EF 0002 → name, address, birth (YYYYMMDD), sex; the DF21 offsets checked against the objects.
Result<HolderData> ParseBasicFourFile(std::string_view file);
// The chain a client checks: EF 0004's signature under `trusted` (the published sandbox key),
// EF 0003's signature under the key EF 0004 certifies, and the two digests against EF 0001 and
// EF 0002 as read. An error names the file that does not verify.
Status VerifyTextApFiles(std::string_view ef0001, std::string_view ef0002, std::string_view ef0003,
                         std::string_view ef0004, EVP_PKEY* trusted);

// --- the 券面 AP (the card face; layout.h) ---------------------------------------------------
//
//   EF 0002  FF 20 82 HH LL | DF21 12 <9 offsets> | DF22 08 生年月日 YYYYMMDD | DF23 01 性別 |
//            DF24 <90 03 e 91 82 01 00 n: the AP's own public key> | DF25 氏名 PNG |
//            DF26 住所 PNG | DF27 顔写真 (JPEG 2000) | DF28 82 01 00 <signature> |
//            DF29 08 有効期限 YYYYMMDD | DF2A セキュリティコード PNG
//            DF28 signs, PKCS#1 v1.5, the DigestInfo (SHA-256 OID) whose OCTET STRING holds three
//            SHA-256 digests, 96 bytes: of DF22‖DF23‖DF24, of DF25‖DF26 and of DF27, each object
//            as written. DF29 and DF2A come after it and are not covered.
//   EF 0004  the CV certificate of the signing key, as the 券面事項入力補助 AP's
//   EF 0005  FF 40 82 HH LL | DF41 個人番号 PNG | DF42 <the AP's public key> |
//            DF43 82 01 00 <PKCS#1 v1.5 SHA-256 over the DF41 and DF42 objects as written>
// soltia48/myna-card src/ap/surface.rs and src/data.rs (parsed and verified on cards). The images
// are ours (card_face.h renders them); a real card's photo is a greyscale JPEG 2000 as ours.
struct CardFaceImages {
  std::string name_png, address_png, number_png, security_code_png;
  std::string photo;  // JPEG 2000 (JP2)
};
struct CardFaceData {
  std::string birth;   // YYYYMMDD
  char sex = '9';      // JIS X 0303
  std::string expiry;  // YYYYMMDD: the card's (R-VAL)
};
// EFs 0002, 0004 and 0005, signed with `signer`; `ap_key` is the public half of the 券面 AP's own
// key (made on the card: KeySlot::kVisual). Refuses data that does not fit (field named).
Result<std::map<uint16_t, std::string>> VisualApFiles(const CardFaceData& face,
                                                      const CardFaceImages& images,
                                                      EVP_PKEY* ap_key, pki::Signer& signer);

// EF 0002 as a reader finds it; the offset table checked.
struct CardFace {
  CardFaceData data;
  std::string public_key;  // DF24 as written: 90 <e> 91 82 01 00 <n>
  CardFaceImages images;   // number_png empty: it is EF 0005's
};
Result<CardFace> ParseCardFaceFile(std::string_view file);
// EF 0005 → the My Number's image.
Result<std::string> ParseNumberImageFile(std::string_view file);
// The 券面 AP's key from DF24 / DF42: what a challenge signed by the card (80 2A 00 00) verifies
// under.
Result<pki::EvpPkeyPtr> CardFaceKey(const CardFace& face);
// Whether `signature` (the card's answer to 80 2A 00 00 over `digest_info`) is PKCS#1 v1.5 under
// the key the face names: the chip in the reader is the one the face was written for.
bool ChipSignedChallenge(const CardFace& face, std::string_view digest_info, std::string_view signature);
// EF 0004 under `trusted`, EF 0002's DF28 under the key EF 0004 certifies, and, when `ef0005` is
// not empty (it opens to 照合番号A only), EF 0005's DF43 and its key being EF 0002's. An error
// names the file.
Status VerifyVisualApFiles(std::string_view ef0002, std::string_view ef0005,
                           std::string_view ef0004, EVP_PKEY* trusted);

}  // namespace mynacert::card

#endif  // MYNACERT_CARD_CARD_DATA_H_
