// Where things are on a My Number Card's chip: the applications (AIDs), their elementary files
// and the PINs, shared by the card (card.cc) and the host side (host.cc). jpki-card.md §1–§2.
//
//   JPKI AP               D3 92 F0 00 26 01 00 00 00 01
//     0006 token "JPKIAPICCTOKEN2" + 17 spaces    000A auth cert   000B auth CA cert
//     0001 sign cert (needs the sign PIN)          0002 sign CA cert
//     0017 auth key + 0018 auth PIN (4 digits, 3 tries)
//     001A sign key + 001B sign PIN (6–16 of A–Z 0–9, 5 tries)          R-CERT-2, R-CERT-6
//   券面事項入力補助 AP    D3 92 10 00 31 00 01 01 04 08: 0011 PIN (4 digits, 3 tries),
//                         0014 照合番号A (the My Number), 0015 照合番号B (10 tries each)
//     0001 個人番号 (PIN or A)   0002 基本4情報 (PIN or B)   0003 their digests, signed (any)
//     0004 CV certificate (free) 0005 AP basic data (free)            (kDataEfRules below)
//   券面 AP               D3 92 10 00 31 00 01 01 04 02: 0013 照合番号A, 0012 照合番号B
//     0002 券面 (card face: birth, sex, the AP's public key, the name, address and face images,
//          signed, then the expiry and the security code; A or B)
//     0004 CV certificate (free)   0005 the My Number as printed, signed (A only)
//     the AP's own key (no EF: 80 2A 00 00, no PIN; issuer 84 47 00 00)   card_face.h
// Those APs' data EFs are written by the issuer (card_data.h) and exist once written.
//   住基 AP               D3 92 10 00 31 00 01 01 04 01: 001C PIN (4 digits, 3 tries) — the AID
//                         is not documented by J-LIS; public sources disagree (jpki-card.md §2.1)
// The PIN EF numbers are unique across the APs, which lets the issuer channel name a PIN by
// its EF alone (secure_channel.h).
#ifndef MYNACERT_CARD_LAYOUT_H_
#define MYNACERT_CARD_LAYOUT_H_

#include <cstdint>
#include <string_view>

#include "rules/pins.h"

namespace mynacert::card {

enum class App : uint8_t { kNone, kJpki, kText, kVisual, kJuki };

// The PINs of the card, by the application and EF that hold them.
enum class PinId : uint8_t {
  kAuth,     // JPKI 0018
  kSign,     // JPKI 001B
  kText,     // 券面事項入力補助 0011
  kTextA,    // 券面事項入力補助 0014 (the My Number)
  kTextB,    // 券面事項入力補助 0015
  kVisualA,  // 券面 0013 (the My Number)
  kVisualB,  // 券面 0012
  kJuki,     // 住基 001C
};
inline constexpr int kPinCount = 8;

// kVisual: the 券面 AP's own key, whose public half the card-face records carry; it signs a
// challenge with no PIN, which proves the chip holding those records is present (card_face.h).
enum class KeySlot : uint8_t { kAuth, kSign, kVisual };            // EF 0017, 001A, —
inline constexpr int kKeyCount = 3;
enum class CertSlot : uint8_t { kAuth, kSign, kAuthCa, kSignCa };  // EF 000A, 0001, 000B, 0002

inline constexpr std::string_view kAidJpki("\xD3\x92\xF0\x00\x26\x01\x00\x00\x00\x01", 10);
inline constexpr std::string_view kAidText("\xD3\x92\x10\x00\x31\x00\x01\x01\x04\x08", 10);
inline constexpr std::string_view kAidVisual("\xD3\x92\x10\x00\x31\x00\x01\x01\x04\x02", 10);
inline constexpr std::string_view kAidJuki("\xD3\x92\x10\x00\x31\x00\x01\x01\x04\x01", 10);

inline constexpr uint16_t kEfToken = 0x0006;
inline constexpr uint16_t kEfAuthCert = 0x000A, kEfSignCert = 0x0001;
inline constexpr uint16_t kEfAuthCa = 0x000B, kEfSignCa = 0x0002;
inline constexpr uint16_t kEfAuthKey = 0x0017, kEfAuthPin = 0x0018;
inline constexpr uint16_t kEfSignKey = 0x001A, kEfSignPin = 0x001B;

struct PinEf {
  App app;
  uint16_t ef;
  PinId id;
  rules::PinKind kind;
  const char* name;  // as the CLI and the counter name it
};
// In PinId order. 照合番号 A/B of the 券面 and 券面事項入力補助 APs are not in rules.md: they
// lock after 10 consecutive failures (rules::PinKind::kCollation, docs/card-evidence.md).
inline constexpr PinEf kPinEfs[] = {
    {App::kJpki, kEfAuthPin, PinId::kAuth, rules::PinKind::kAuth, "auth"},
    {App::kJpki, kEfSignPin, PinId::kSign, rules::PinKind::kSign, "sign"},
    {App::kText, 0x0011, PinId::kText, rules::PinKind::kKenmenHojo, "text"},
    {App::kText, 0x0014, PinId::kTextA, rules::PinKind::kCollation, "text-a"},
    {App::kText, 0x0015, PinId::kTextB, rules::PinKind::kCollation, "text-b"},
    {App::kVisual, 0x0013, PinId::kVisualA, rules::PinKind::kCollation, "visual-a"},
    {App::kVisual, 0x0012, PinId::kVisualB, rules::PinKind::kCollation, "visual-b"},
    {App::kJuki, 0x001C, PinId::kJuki, rules::PinKind::kJuki, "juki"},
};

// The data EFs of the 券面事項入力補助 and 券面 APs, and which verified PIN opens each (any
// one of `opened_by`; none listed = free to read). docs/card-evidence.md, Q3: 照合番号A opens
// the My Number and not the basic four, B the other way round, the PIN both.
inline constexpr uint16_t kEfMyNumber = 0x0001, kEfBasicFour = 0x0002, kEfTextDigests = 0x0003,
                          kEfApCertificate = 0x0004, kEfApBasicData = 0x0005;
inline constexpr uint16_t kEfCardFace = 0x0002, kEfFaceCertificate = 0x0004,
                          kEfNumberImage = 0x0005;  // 券面 AP
struct DataEfRule {
  App app;
  uint16_t ef;
  PinId opened_by[3];
  int count;  // how many of opened_by apply
  const char* name;
};
inline constexpr DataEfRule kDataEfRules[] = {
    {App::kText, kEfMyNumber, {PinId::kText, PinId::kTextA}, 2, "my_number"},
    {App::kText, kEfBasicFour, {PinId::kText, PinId::kTextB}, 2, "basic_four"},
    {App::kText, kEfTextDigests, {PinId::kText, PinId::kTextA, PinId::kTextB}, 3, "digests"},
    {App::kText, kEfApCertificate, {}, 0, "certificate"},
    {App::kText, kEfApBasicData, {}, 0, "basic_data"},
    // soltia48/myna-card src/ap/surface.rs, measured on a card: A opens 0002–0006, B the same
    // without 0005; 0004 opens with nothing presented.
    {App::kVisual, kEfCardFace, {PinId::kVisualA, PinId::kVisualB}, 2, "card_face"},
    {App::kVisual, kEfFaceCertificate, {}, 0, "face_certificate"},
    {App::kVisual, kEfNumberImage, {PinId::kVisualA}, 1, "number_image"},
};
constexpr const DataEfRule* FindDataEf(App app, uint16_t ef) {
  for (const DataEfRule& r : kDataEfRules) {
    if (r.app == app && r.ef == ef) return &r;
  }
  return nullptr;
}

constexpr const PinEf& PinEfOf(PinId id) { return kPinEfs[static_cast<int>(id)]; }
constexpr const PinEf* FindPinEf(App app, uint16_t ef) {
  for (const PinEf& p : kPinEfs) {
    if (p.app == app && p.ef == ef) return &p;
  }
  return nullptr;
}
constexpr const PinEf* FindPinEfAnyApp(uint16_t ef) {
  for (const PinEf& p : kPinEfs) {
    if (p.ef == ef) return &p;
  }
  return nullptr;
}
constexpr uint16_t CertEf(CertSlot slot) {
  constexpr uint16_t kEfs[] = {kEfAuthCert, kEfSignCert, kEfAuthCa, kEfSignCa};
  return kEfs[static_cast<int>(slot)];
}
// The JPKI key EFs; the 券面 AP's key has none (0: the AP's default key).
constexpr uint16_t KeyEf(KeySlot slot) {
  return slot == KeySlot::kAuth ? kEfAuthKey : slot == KeySlot::kSign ? kEfSignKey : 0;
}
constexpr std::string_view AidOf(App app) {
  switch (app) {
    case App::kJpki:
      return kAidJpki;
    case App::kText:
      return kAidText;
    case App::kVisual:
      return kAidVisual;
    case App::kJuki:
      return kAidJuki;
    case App::kNone:
      break;
  }
  return {};
}

}  // namespace mynacert::card

#endif  // MYNACERT_CARD_LAYOUT_H_
