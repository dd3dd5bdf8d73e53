// The host side of a My Number Card: what a client application (J-LIS's 利用者クライアント
// ソフト, seeds 002 and 004) and the counter terminal send to a card, over any Transport — the
// card in-process (LocalTransport), or any PC/SC reader (pcsc.h), a real card included.
//
//   JpkiClient     holder side: PIN tries left, VERIFY, certificates, signatures. It sends only
//                  what a real JPKI card answers (short APDUs, jpki-card.md §7).
//   IssuerSession  the counter's side of the issuer channel (secure_channel.h): key pairs on
//                  the card, certificates, PINs set or unlocked (R-WIN-6, R-CERT-6), and for
//                  face-authentication cards (R-FACE-1..4) the card type, the result of a face
//                  check and its counter (card.h, "Face-authentication cards").
//
// Thread-safety: one client per transport, one thread at a time.
#ifndef MYNACERT_CARD_HOST_H_
#define MYNACERT_CARD_HOST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "card/card_data.h"
#include "card/layout.h"
#include "card/secure_channel.h"
#include "core/result.h"

namespace mynacert::card {

class Card;

// One APDU out, its answer (data || SW1 SW2) back.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<std::string> Transmit(std::string_view command) = 0;
};

class LocalTransport final : public Transport {
 public:
  explicit LocalTransport(Card& card) : card_(card) {}
  Result<std::string> Transmit(std::string_view command) override;

 private:
  Card& card_;
};

// A command APDU: short when it fits (Lc ≤ 255, Ne ≤ 256), extended otherwise.
std::string EncodeCommand(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
                          std::string_view data = {}, uint32_t ne = 0);

struct Answer {
  uint16_t sw = 0;
  std::string data;
};
// Transmits and splits the status word off; an answer shorter than two bytes is an error.
Result<Answer> Exchange(Transport& t, std::string_view command);

// The outcome of a VERIFY.
struct PinCheck {
  bool verified = false;
  int tries_left = 0;  // after this try
  bool locked = false;
};

// The outcome of a face check reported to a face-authentication card (R-FACE-1, R-FACE-2):
// `matched` when the card accepted it (its auth key usable until a reset or a re-SELECT);
// `tries_left` of the 10 consecutive failures allowed, after this check; `locked` when the
// face function is locked (a match then is refused too, and does not unlock).
struct FaceCheck {
  bool matched = false;
  int tries_left = 0;
  bool locked = false;
};

// The 券面事項入力補助 AP read with its PIN (both files) or 照合番号 A (the My Number) or B
// (the basic four), as an eKYC client reads it.
struct TextApData {
  PinCheck check;       // the VERIFY; nothing read unless verified
  HolderData holder;    // the fields the PIN opened
  bool signature_verified = false;  // EF 0003/0004 under the published key (card_data.h)
  std::string signature_problem;    // why not, when not (the field and the reason)
};

// The 券面 AP read with 照合番号 A (the card face and the My Number's image) or B (the card face),
// as a card-face check reads it, and whether the card holding them is present.
struct CardFaceRead {
  PinCheck check;               // the VERIFY; nothing read unless verified
  CardFace face;                // EF 0002
  std::string number_png;       // EF 0005 (照合番号A only)
  bool signature_verified = false;  // EF 0002 (and 0005) under the published key (card_data.h)
  std::string signature_problem;    // why not, when not
  bool chip_present = false;  // a fresh challenge signed by the AP's key verifies under DF24
};

class JpkiClient {
 public:
  explicit JpkiClient(Transport& t) : t_(t) {}

  Status Select(App app);
  // VERIFY with no data: tries left, without spending one (63 Cx). Selects the PIN's AP.
  Result<int> TriesLeft(PinId pin);
  // VERIFY. Selects the PIN's AP first only when it is not the current one, so a verified
  // auth/sign PIN stays verified for the Sign that follows.
  Result<PinCheck> Verify(PinId pin, std::string_view value);
  // The DER of a certificate EF; the sign certificate needs the sign PIN verified first.
  // NotFound when the EF is empty.
  Result<std::string> ReadCertificate(CertSlot slot);
  // A whole data EF of the 券面事項入力補助 or 券面 AP (layout.h kDataEfRules; a PIN that
  // opens it verified first): SELECT, then READ BINARY in 256-byte pieces to the end.
  Result<std::string> ReadDataFile(App app, uint16_t ef);
  // VERIFY `pin` (text, text-a or text-b) and read what it opens, parsed; the signature chain
  // checked under `trusted` (the sandbox's card data key) when both files were read.
  Result<TextApData> ReadTextAp(PinId pin, std::string_view value, EVP_PKEY* trusted);
  // VERIFY `pin` (visual-a or visual-b) and read the 券面 AP; EF 0004 checked under `trusted`
  // when given; then the AP's key challenged with a random SHA-256 DigestInfo (80 2A 00 00).
  Result<CardFaceRead> ReadCardFace(PinId pin, std::string_view value, EVP_PKEY* trusted);
  // PKCS#1 v1.5 over `digest_info` with the key of `slot` (its PIN verified first; the 券面
  // AP's key, kVisual, needs none).
  Result<std::string> Sign(KeySlot slot, std::string_view digest_info);
  // The holder changes a PIN knowing the current one (R-HOLDER-1): VERIFY with `current`, then
  // CHANGE REFERENCE DATA (00 24 01 80, the new PIN as data) on the same PIN EF. The check of
  // the current PIN is returned; the PIN is changed only when it verified. The caller checks
  // `next` against R-CERT-2 first (the card refuses a malformed one with 6A 80 too).
  Result<PinCheck> ChangePin(PinId pin, std::string_view current, std::string_view next);
  // Whether the card is a face-authentication card (R-FACE-1), from the empty VERIFY (status
  // query) on the auth PIN: 69 84 "reference data not usable" = a face card, which has no auth
  // PIN; 63 Cx (or 69 83, blocked) = a PIN card; 6A 88 = a PIN card whose auth PIN the counter
  // has not set yet (just switched back from face). Selects the JPKI AP when it is not current;
  // spends no try.
  Result<bool> IsFaceCard();

 private:
  Status SelectEf(uint16_t ef);
  Transport& t_;
  App app_ = App::kNone;
};

class IssuerSession {
 public:
  // INITIALIZE UPDATE + EXTERNAL AUTHENTICATE under the key derived from `master` for this
  // card. Fails (and says which side) when the card does not prove the same key.
  static Result<std::unique_ptr<IssuerSession>> Open(Transport& t, std::string_view master);

  // The SubjectPublicKeyInfo (DER) of a new key pair made on the card.
  Result<std::string> GenerateKeyPair(KeySlot slot);
  Status WriteCertificate(CertSlot slot, std::string_view der);
  // A data EF of the 券面事項入力補助 or 券面 AP, replaced whole (card_data.h has the files).
  // Leaves the JPKI AP current.
  Status WriteDataFile(App app, uint16_t ef, std::string_view data);
  Status SetPin(PinId pin, std::string_view value);        // also resets its counter (初期化)
  Status ResetPinCounter(PinId pin);                       // ロック解除
  // R-FACE-3: to a face card (true) the auth and sign PINs are cleared and the sign key and
  // certificate erased; to a PIN card (false) the PINs stay unset until SetPin. No-op when the
  // card is that type already.
  Status SetCardType(bool face);
  // A face check done by a machine or by staff (R-FACE-1, R-FACE-2). A mismatch is counted on
  // the card before the answer; on a PIN card: an error naming R-FACE-1.
  Result<FaceCheck> RecordFaceCheck(bool matched);
  Status ResetFaceCounter();  // the face function unlocked at a counter
  const std::string& card_id() const { return card_id_; }  // hex

 private:
  explicit IssuerSession(Transport& t) : t_(t) {}
  Status SelectPlain(App app);  // SELECT an AP in clear; the session stays open
  Result<Answer> Send(uint8_t ins, uint8_t p1, uint8_t p2, std::string_view payload,
                      bool long_answer);
  Transport& t_;
  sc::Key session_{};
  uint32_t counter_ = 0;
  std::string card_id_;
};

}  // namespace mynacert::card

#endif  // MYNACERT_CARD_HOST_H_
