#include "rules/pins.h"

namespace mynacert::rules {

std::string_view PinKindJa(PinKind k) {
  switch (k) {
    case PinKind::kSign:
      return "署名用電子証明書の暗証番号";
    case PinKind::kAuth:
      return "利用者証明用電子証明書の暗証番号";
    case PinKind::kJuki:
      return "住民基本台帳用暗証番号";
    case PinKind::kKenmenHojo:
      return "券面事項入力補助用暗証番号";
    case PinKind::kCollation:
      return "照合番号";
  }
  return "";
}

std::string_view PinKindName(PinKind k) {
  switch (k) {
    case PinKind::kSign:
      return "sign";
    case PinKind::kAuth:
      return "auth";
    case PinKind::kJuki:
      return "juki";
    case PinKind::kKenmenHojo:
      return "kenmen_hojo";
    case PinKind::kCollation:
      return "collation";
  }
  return "";
}

Result<std::string> NormalizePin(PinKind kind, std::string_view input, std::string_view field) {
  const std::string f(field);
  const std::string name(PinKindJa(kind));
  if (kind == PinKind::kCollation) {  // A: the 12-digit My Number; B: 14 digits
    bool ok = input.size() == 12 || input.size() == 14;
    for (char c : input) ok = ok && c >= '0' && c <= '9';
    if (!ok) {
      return InvalidArgument(f, name + "は数字12桁(A)または14桁(B)です (12 digits for A, 14 for B)",
                             "R-CERT-2");
    }
    return std::string(input);
  }
  if (kind != PinKind::kSign) {
    bool ok = input.size() == 4;
    for (char c : input) ok = ok && c >= '0' && c <= '9';
    if (!ok) {
      return InvalidArgument(f, name + "は数字4桁です (must be exactly 4 digits)", "R-CERT-2");
    }
    return std::string(input);
  }
  if (input.size() < 6 || input.size() > 16) {
    return InvalidArgument(f, name + "は6〜16文字です (must be 6 to 16 characters)", "R-CERT-2");
  }
  std::string pin(input);
  bool letter = false, digit = false;
  for (char& c : pin) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');  // B5: this PIN only
    if (c >= 'A' && c <= 'Z') {
      letter = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      return InvalidArgument(f, name + "に使えるのは半角英大文字と数字だけです (only A-Z and 0-9)",
                             "R-CERT-2");
    }
  }
  if (!letter || !digit) {
    return InvalidArgument(
        f, name + "は英字と数字を両方含めてください (must mix letters and digits)", "R-CERT-2");
  }
  return pin;
}

int MaxPinTries(PinKind kind, bool face_authentication) {
  switch (kind) {
    case PinKind::kSign:
      return 5;  // R-CERT-6
    case PinKind::kAuth:
      return face_authentication ? 10 : 3;  // R-CERT-6 (顔認証: 10)
    case PinKind::kJuki:
    case PinKind::kKenmenHojo:
      return 3;  // R-CERT-6, jpki-facts B5
    case PinKind::kCollation:
      return 10;  // docs/card-evidence.md "Retry counts"
  }
  return 3;
}

PinRetryState::Outcome PinRetryState::Record(bool correct) {
  if (left_ == 0) return Outcome::kAlreadyLocked;
  if (correct) {
    left_ = max_;  // consecutive count: a correct entry resets it
    return Outcome::kAccepted;
  }
  --left_;
  return left_ == 0 ? Outcome::kNowLocked : Outcome::kWrong;
}

}  // namespace mynacert::rules
