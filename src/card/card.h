// The IC chip of a My Number Card, as a state machine over ISO 7816-4 APDUs (jpki-card.md §7).
//
// Applications (AIDs) and their elementary files:
//   JPKI AP               D3 92 F0 00 26 01 00 00 00 01
//     0006 token "JPKIAPICCTOKEN2" + 17 spaces    000A auth cert   000B auth CA cert
//     0001 sign cert (needs the sign PIN)          0002 sign CA cert
//     0017 auth key + 0018 auth PIN (4 digits, 3 tries)
//     001A sign key + 001B sign PIN (6–16 of A–Z 0–9, 5 tries)          R-CERT-2, R-CERT-6
//   券面事項入力補助 AP    D3 92 10 00 31 00 01 01 04 08: 0011 PIN (4 digits, 3 tries),
//                         0014 PIN A (the My Number), 0015 PIN B
//   券面 AP               D3 92 10 00 31 00 01 01 04 02: 0013 PIN A, 0012 PIN B
//   住基 AP               D3 92 10 00 31 00 01 01 04 01: 001C PIN (4 digits, 3 tries) — the AID
//                         is not documented by J-LIS; public sources disagree (jpki-card.md §2.1)
//
// Holder side = Transmit(): SELECT (A4), READ BINARY (B0), VERIFY (20, also the empty status
// query answering 63 Cx in every state), CHANGE REFERENCE DATA (24), and COMPUTE DIGITAL
// SIGNATURE (80 2A 00 80: PKCS#1 v1.5 type 1 over the DigestInfo the host sends, RSA-2048).
// Selecting an application clears every PIN-verified flag (OpenSC's logout).
//
// Issuer side = the C++ methods below (the counter terminal): generate a key pair on the card,
// write a certificate, set or reset a PIN. No APDU reaches them.
//
// State lives in a card file (the EEPROM), rewritten atomically after every change that must
// survive a power cut — a PIN try is written before its answer leaves the card. Private keys are
// encrypted in the file with AES-256-GCM under a key derived (PBKDF2) from a card secret and
// the card's id: a simulation of a secure element, not one. No interface exports a private key.
//
// Thread-safety: one Card per thread (the vpcd connection serialises APDUs).
#ifndef MYNACERT_CARD_CARD_H_
#define MYNACERT_CARD_CARD_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "card/apdu.h"
#include "core/result.h"
#include "pki/openssl.h"
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

enum class KeySlot : uint8_t { kAuth, kSign };                     // EF 0017, 001A
enum class CertSlot : uint8_t { kAuth, kSign, kAuthCa, kSignCa };  // EF 000A, 0001, 000B, 0002

// What the counter terminal sets when the card is made.
struct CardInit {
  std::string auth_pin;   // 4 digits
  std::string sign_pin;   // 6–16 of A–Z 0–9 (upper-cased)
  std::string text_pin;   // 4 digits (券面事項入力補助用)
  std::string juki_pin;   // 4 digits (住民基本台帳用)
  std::string my_number;  // 12 digits: PIN A of the 券面 and 券面事項入力補助 APs
  std::string pin_b;      // birth YYMMDD + expiry YYYY + security code: PIN B
};

class Card {
 public:
  // A new card file (refuses to overwrite one). `secret` encrypts the keys at rest.
  static Result<std::unique_ptr<Card>> Create(const std::string& path, const std::string& secret,
                                              const CardInit& init);
  static Result<std::unique_ptr<Card>> Open(const std::string& path, const std::string& secret);

  // One command APDU in, one response APDU out (data + SW1 SW2). Never throws.
  std::string Transmit(std::string_view command);
  // Power off / on / warm reset: volatile state (selected AP and EF, verified PINs) cleared.
  void Reset();

  // --- issuer side ---
  // Generates an RSA-2048 key pair inside the card; returns the public key. Replaces the
  // slot's key (a renewal), so the matching certificate must be written next.
  Result<pki::EvpPkeyPtr> GenerateKeyPair(KeySlot slot);
  Status WriteCertificate(CertSlot slot, std::string_view der);
  Status SetPin(PinId pin, std::string_view new_pin);  // also resets its counter (初期化)
  Status ResetPinCounter(PinId pin);                   // ロック解除

  // Observations (the counter's "PIN tries left" and a test's view); no secrets.
  int TriesLeft(PinId pin) const;
  std::string Certificate(CertSlot slot) const;
  const std::string& card_id() const { return card_id_; }

 private:
  struct Pin {
    std::string salt;
    std::string hash;  // PBKDF2-HMAC-SHA256(PIN, salt): never the PIN itself
    rules::PinRetryState state{rules::PinKind::kAuth};
  };
  Card() = default;
  Status Save() const;
  std::string Dispatch(std::string_view command);
  std::string Select(const Command& c);
  std::string ReadBinary(const Command& c);
  std::string Verify(const Command& c);
  std::string ChangePin(const Command& c);
  std::string Sign(const Command& c);
  Pin* CurrentPin();
  Status LoadKey(KeySlot slot);

  std::string path_;
  std::string card_id_;
  std::array<uint8_t, 32> key_{};  // derived from the secret; encrypts private keys in the file
  std::map<uint16_t, std::string> files_;   // JPKI transparent EFs: 0006, 000A, 0001, 000B, 0002
  std::array<std::string, 2> sealed_keys_;  // AES-256-GCM(PKCS#8 DER) per KeySlot
  std::array<pki::EvpPkeyPtr, 2> keys_;     // decrypted on first use
  std::array<Pin, kPinCount> pins_;

  // volatile
  App app_ = App::kNone;
  uint16_t ef_ = 0;
  std::array<bool, kPinCount> verified_{};
};

}  // namespace mynacert::card

#endif  // MYNACERT_CARD_CARD_H_
