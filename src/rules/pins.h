// The four PINs (暗証番号) of the card: their formats (R-CERT-2) and the wrong-entry lockout
// (R-CERT-6). The card model (src/card) enforces these on the chip; the counter and the UI
// use the same functions to check a PIN before it is sent, so the rule lives in one place.
//
// A PIN is never stored or logged by these functions: they take a view, answer, and keep
// nothing. Error messages describe the rule, never the PIN.
//
// Thread-safety: pure functions; PinRetryState is a plain value.
#ifndef MYNACERT_RULES_PINS_H_
#define MYNACERT_RULES_PINS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace mynacert::rules {

enum class PinKind : uint8_t {
  kSign,  // 署名用電子証明書の暗証番号 (署名用パスワード): 6–16 A–Z/0–9, mixed
  kAuth,        // 利用者証明用電子証明書の暗証番号: 4 digits
  kJuki,        // 住民基本台帳用暗証番号: 4 digits
  kKenmenHojo,  // 券面事項入力補助用暗証番号: 4 digits
  kCollation,   // 照合番号 A (the My Number, 12 digits) / B (14 digits) of the 券面 and
                // 券面事項入力補助 APs: not a PIN the holder chose, read off the card's face
};
std::string_view PinKindJa(PinKind k);
std::string_view PinKindName(PinKind k);  // "sign", "auth", "juki", "kenmen_hojo", "collation"

// R-CERT-2 (jpki-facts B5): validates `input` for `kind` and returns the PIN as the card
// compares it: the sign PIN upper-cased (lowercase input is accepted and converted, for that
// PIN only); 4-digit PINs unchanged. Errors name `field` and rule R-CERT-2 and never echo the
// PIN.
Result<std::string> NormalizePin(PinKind kind, std::string_view input, std::string_view field);

// R-CERT-6: consecutive wrong entries allowed before the PIN locks. auth 3 (10 with face
// authentication on a 顔認証 card), sign 5, 住基 and 券面事項入力補助 3; a 照合番号 10
// (docs/card-evidence.md, "Retry counts": デジタル庁 "続けて10回間違えるとカードがロック").
int MaxPinTries(PinKind kind, bool face_authentication = false);

// The retry counter of one PIN, as the card keeps it. A correct entry resets it; a wrong entry
// decrements it; at zero the PIN is locked and only a reset at a counter (R-PIN-1) or, for a
// cert PIN, at a kiosk (R-PIN-2) unlocks it. The count persists between sessions.
class PinRetryState {
 public:
  explicit PinRetryState(PinKind kind, bool face_authentication = false)
      : max_(static_cast<uint8_t>(MaxPinTries(kind, face_authentication))), left_(max_) {}

  enum class Outcome : uint8_t { kAccepted, kWrong, kNowLocked, kAlreadyLocked };
  // Records one verification. A locked PIN stays locked even when `correct`.
  Outcome Record(bool correct);
  // The counter reset (暗証番号の再設定 / 初期化): tries back to the maximum.
  void Reset() { left_ = max_; }

  int tries_left() const { return left_; }
  int max_tries() const { return max_; }
  bool locked() const { return left_ == 0; }
  // For restoring the persisted count; clamped to [0, max].
  void set_tries_left(int n) { left_ = static_cast<uint8_t>(n < 0 ? 0 : n > max_ ? max_ : n); }

 private:
  uint8_t max_;
  uint8_t left_;
};

}  // namespace mynacert::rules

#endif  // MYNACERT_RULES_PINS_H_
