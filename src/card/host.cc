#include "card/host.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdio>

#include "card/apdu.h"
#include "card/card.h"
#include "card/card_data.h"
#include "core/hex.h"

namespace mynacert::card {
namespace {

std::string SwHex(uint16_t sw) {
  char b[5];
  std::snprintf(b, sizeof b, "%04X", sw);
  return b;
}

Error CardError(uint16_t sw, const std::string& what) {
  std::string why;
  switch (sw) {
    case kSwSecurityNotSatisfied:
      why = "セキュリティ条件を満たしていません (security status not satisfied)";
      break;
    case kSwPinBlocked:
      why = "PIN がロックされています (PIN locked)";
      break;
    case kSwFileNotFound:
      why = "ファイルがありません (file not found)";
      break;
    case 0x6988:
      why = "発行者チャネルのデータが不正です (bad secure messaging data)";
      break;
    case kSwWrongData:
      why = "データが不正です (wrong data)";
      break;
    case 0x6984:
      why = "暗証番号がありません。顔認証カードです (no PIN: a face-authentication card, R-FACE-1)";
      break;
    case 0x6A88:
      why = "暗証番号がまだ設定されていません。窓口で設定してください (PIN not set yet; set it at "
            "a counter)";
      break;
    default:
      why = "カードがエラーを返しました (the card refused)";
  }
  return Error{ErrorCode::kFailedPrecondition, "card", what + ": " + why + " SW " + SwHex(sw),
               sw == 0x6984 ? "R-FACE-1" : ""};
}

// An issuer command a face-authentication card refuses (69 85): R-FACE-1.
Error IssuerError(uint16_t sw, const std::string& what) {
  if (sw == kSwConditionsNotSatisfied) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 what + ": 顔認証カードではできません (refused on a face-authentication card: no "
                        "auth or sign PIN, no sign key or certificate) SW 6985",
                 "R-FACE-1"};
  }
  return CardError(sw, what);
}

}  // namespace

Result<std::string> LocalTransport::Transmit(std::string_view command) {
  return card_.Transmit(command);
}

std::string EncodeCommand(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, std::string_view data,
                          uint32_t ne) {
  std::string c{static_cast<char>(cla), static_cast<char>(ins), static_cast<char>(p1),
                static_cast<char>(p2)};
  const bool extended = data.size() > 255 || ne > 256;
  if (!extended) {
    if (!data.empty()) c.push_back(static_cast<char>(data.size()));
    c.append(data);
    if (ne != 0) c.push_back(static_cast<char>(ne == 256 ? 0 : ne));
    return c;
  }
  c.push_back('\0');
  if (!data.empty()) {
    c.push_back(static_cast<char>(data.size() >> 8));
    c.push_back(static_cast<char>(data.size() & 0xff));
    c.append(data);
  }
  if (ne != 0) {
    const uint32_t le = ne >= 65536 ? 0 : ne;
    c.push_back(static_cast<char>(le >> 8));
    c.push_back(static_cast<char>(le & 0xff));
  }
  return c;
}

Result<Answer> Exchange(Transport& t, std::string_view command) {
  MYNACERT_ASSIGN_OR_RETURN(std::string r, t.Transmit(command));
  if (r.size() < 2) {
    return Error{ErrorCode::kInternal, "card", "カードの応答が短すぎます (answer shorter than SW)",
                 ""};
  }
  Answer a;
  a.sw = static_cast<uint16_t>(static_cast<uint8_t>(r[r.size() - 2]) << 8 |
                               static_cast<uint8_t>(r.back()));
  r.resize(r.size() - 2);
  a.data = std::move(r);
  return a;
}

// --- holder side ---------------------------------------------------------------------------

Status JpkiClient::Select(App app) {
  MYNACERT_ASSIGN_OR_RETURN(Answer a,
                            Exchange(t_, EncodeCommand(0x00, 0xA4, 0x04, 0x0C, AidOf(app))));
  if (a.sw != kSwOk) return CardError(a.sw, "SELECT AP");
  app_ = app;
  return {};
}

Status JpkiClient::SelectEf(uint16_t ef) {
  const std::string id{static_cast<char>(ef >> 8), static_cast<char>(ef & 0xff)};
  MYNACERT_ASSIGN_OR_RETURN(Answer a, Exchange(t_, EncodeCommand(0x00, 0xA4, 0x02, 0x0C, id)));
  if (a.sw != kSwOk) return CardError(a.sw, "SELECT EF " + SwHex(ef));
  return {};
}

Result<int> JpkiClient::TriesLeft(PinId pin) {
  const PinEf& p = PinEfOf(pin);
  if (app_ != p.app) MYNACERT_RETURN_IF_ERROR(Select(p.app));
  MYNACERT_RETURN_IF_ERROR(SelectEf(p.ef));
  MYNACERT_ASSIGN_OR_RETURN(Answer a, Exchange(t_, EncodeCommand(0x00, 0x20, 0x00, 0x80)));
  if ((a.sw & 0xFFF0) == 0x63C0) return a.sw & 0x0F;
  if (a.sw == kSwPinBlocked) return 0;
  return CardError(a.sw, "VERIFY (status)");
}

Result<PinCheck> JpkiClient::Verify(PinId pin, std::string_view value) {
  const PinEf& p = PinEfOf(pin);
  if (value.empty() || value.size() > 255) {
    return InvalidArgument("pin", "PIN の長さが不正です (bad PIN length)");
  }
  if (app_ != p.app) MYNACERT_RETURN_IF_ERROR(Select(p.app));
  MYNACERT_RETURN_IF_ERROR(SelectEf(p.ef));
  std::string command = EncodeCommand(0x00, 0x20, 0x00, 0x80, value);
  auto answer = Exchange(t_, command);
  OPENSSL_cleanse(command.data(), command.size());
  if (!answer.ok()) return answer.error();
  PinCheck check;
  if (answer->sw == kSwOk) {
    check.verified = true;
    check.tries_left = rules::PinRetryState(p.kind).tries_left();
    return check;
  }
  if ((answer->sw & 0xFFF0) == 0x63C0) {
    check.tries_left = answer->sw & 0x0F;
    check.locked = check.tries_left == 0;
    return check;
  }
  if (answer->sw == kSwPinBlocked) {  // a card of ours before it answered as real ones
    check.locked = true;
    return check;
  }
  // 69 84: a blocked PIN (a real card's answer after the try that exhausted it) or a face
  // card's unset one. The status query tells them apart: 63 C0 blocked, 69 84 no PIN.
  if (answer->sw == kSwRefDataNotUsable) {
    MYNACERT_ASSIGN_OR_RETURN(Answer status, Exchange(t_, EncodeCommand(0x00, 0x20, 0x00, 0x80)));
    if (status.sw == 0x63C0) {
      check.locked = true;
      return check;
    }
  }
  return CardError(answer->sw, "VERIFY");
}

Result<bool> JpkiClient::IsFaceCard() {
  if (app_ != App::kJpki) MYNACERT_RETURN_IF_ERROR(Select(App::kJpki));
  MYNACERT_RETURN_IF_ERROR(SelectEf(kEfAuthPin));
  MYNACERT_ASSIGN_OR_RETURN(Answer a, Exchange(t_, EncodeCommand(0x00, 0x20, 0x00, 0x80)));
  if (a.sw == 0x6984) return true;  // reference data not usable: no auth PIN (R-FACE-1)
  if ((a.sw & 0xFFF0) == 0x63C0 || a.sw == kSwPinBlocked || a.sw == 0x6A88) return false;
  return CardError(a.sw, "VERIFY (status)");
}

Result<PinCheck> JpkiClient::ChangePin(PinId pin, std::string_view current, std::string_view next) {
  if (next.empty() || next.size() > 255) {
    return InvalidArgument("new_pin", "新しい PIN の長さが不正です (bad PIN length)");
  }
  MYNACERT_ASSIGN_OR_RETURN(PinCheck check, Verify(pin, current));
  if (!check.verified) return check;
  // Verify left the PIN's EF selected.
  std::string command = EncodeCommand(0x00, 0x24, 0x01, 0x80, next);
  auto answer = Exchange(t_, command);
  OPENSSL_cleanse(command.data(), command.size());
  if (!answer.ok()) return answer.error();
  if (answer->sw == kSwWrongData) {
    return InvalidArgument("new_pin", "カードが新しい PIN を受け付けません (the card refused the new PIN's format)");
  }
  if (answer->sw != kSwOk) return CardError(answer->sw, "CHANGE REFERENCE DATA");
  return check;
}

Result<std::string> JpkiClient::ReadCertificate(CertSlot slot) {
  if (app_ != App::kJpki) MYNACERT_RETURN_IF_ERROR(Select(App::kJpki));
  MYNACERT_RETURN_IF_ERROR(SelectEf(CertEf(slot)));
  // The file is sized by its DER header (30 82 HH LL), then read in ≤ 256-byte pieces.
  MYNACERT_ASSIGN_OR_RETURN(Answer head, Exchange(t_, EncodeCommand(0x00, 0xB0, 0, 0, {}, 4)));
  if (head.sw == kSwWrongOffset) {
    return NotFound("card", "証明書が書き込まれていません (no certificate on the card)");
  }
  if (head.sw != kSwOk) return CardError(head.sw, "READ BINARY");
  if (head.data.size() != 4 || static_cast<uint8_t>(head.data[0]) != 0x30 ||
      static_cast<uint8_t>(head.data[1]) != 0x82) {
    return NotFound("card", "証明書が書き込まれていません (no certificate on the card)");
  }
  const size_t total = 4 + (static_cast<size_t>(static_cast<uint8_t>(head.data[2])) << 8 |
                            static_cast<uint8_t>(head.data[3]));
  std::string der = head.data;
  while (der.size() < total) {
    const size_t offset = der.size();
    if (offset > 0x7FFF) return CardError(kSwWrongOffset, "READ BINARY");
    const uint32_t want = static_cast<uint32_t>(std::min<size_t>(total - offset, 256));
    MYNACERT_ASSIGN_OR_RETURN(
        Answer a, Exchange(t_, EncodeCommand(0x00, 0xB0, static_cast<uint8_t>(offset >> 8),
                                             static_cast<uint8_t>(offset & 0xff), {}, want)));
    if (a.sw != kSwOk || a.data.empty()) return CardError(a.sw, "READ BINARY");
    der.append(a.data);
  }
  der.resize(total);
  return der;
}

Result<std::string> JpkiClient::ReadDataFile(App app, uint16_t ef) {
  if (app_ != app) MYNACERT_RETURN_IF_ERROR(Select(app));
  MYNACERT_RETURN_IF_ERROR(SelectEf(ef));
  // To the end of the file in 256-byte pieces: a short answer, or 6B 00 at the end.
  std::string data;
  for (;;) {
    const size_t offset = data.size();
    if (offset > 0x7FFF) return CardError(kSwWrongOffset, "READ BINARY");
    MYNACERT_ASSIGN_OR_RETURN(
        Answer a, Exchange(t_, EncodeCommand(0x00, 0xB0, static_cast<uint8_t>(offset >> 8),
                                             static_cast<uint8_t>(offset & 0xff), {}, 256)));
    if (a.sw == kSwWrongOffset && offset > 0) break;
    if (a.sw != kSwOk) return CardError(a.sw, "READ BINARY EF " + SwHex(ef));
    data.append(a.data);
    if (a.data.size() < 256) break;
  }
  return data;
}

Result<TextApData> JpkiClient::ReadTextAp(PinId pin, std::string_view value, EVP_PKEY* trusted) {
  if (pin != PinId::kText && pin != PinId::kTextA && pin != PinId::kTextB) {
    return InvalidArgument("pin", "券面事項入力補助APの暗証番号か照合番号A/Bです (text, text-a or text-b)");
  }
  MYNACERT_ASSIGN_OR_RETURN(PinCheck check, Verify(pin, value));
  TextApData out;
  out.check = check;
  if (!check.verified) return out;
  const bool number = pin != PinId::kTextB, four = pin != PinId::kTextA;
  std::string files[5];
  for (uint16_t ef = 1; ef <= 5; ++ef) {
    if ((ef == kEfMyNumber && !number) || (ef == kEfBasicFour && !four)) continue;
    MYNACERT_ASSIGN_OR_RETURN(files[ef - 1], ReadDataFile(App::kText, ef));
  }
  if (number) {
    MYNACERT_ASSIGN_OR_RETURN(out.holder.my_number, ParseMyNumberFile(files[0]));
  }
  if (four) {
    MYNACERT_ASSIGN_OR_RETURN(HolderData h, ParseBasicFourFile(files[1]));
    h.my_number = out.holder.my_number;
    out.holder = h;
  }
  // The signature covers both files; with one of them unread only EF 0004 can be checked.
  if (trusted && number && four) {
    const Status s = VerifyTextApFiles(files[0], files[1], files[2], files[3], trusted);
    out.signature_verified = s.ok();
    if (!s.ok()) out.signature_problem = s.error().field + ": " + s.error().message;
  } else {
    out.signature_problem =
        "署名は暗証番号で両方を読んだときに確かめます (checked when both files are read, with the "
        "PIN)";
  }
  return out;
}

Result<CardFaceRead> JpkiClient::ReadCardFace(PinId pin, std::string_view value, EVP_PKEY* trusted) {
  if (pin != PinId::kVisualA && pin != PinId::kVisualB) {
    return InvalidArgument("pin", "券面APの照合番号A/Bです (visual-a or visual-b)");
  }
  MYNACERT_ASSIGN_OR_RETURN(PinCheck check, Verify(pin, value));
  CardFaceRead out;
  out.check = check;
  if (!check.verified) return out;
  MYNACERT_ASSIGN_OR_RETURN(const std::string ef0002, ReadDataFile(App::kVisual, kEfCardFace));
  MYNACERT_ASSIGN_OR_RETURN(out.face, ParseCardFaceFile(ef0002));
  std::string ef0005;
  if (pin == PinId::kVisualA) {
    MYNACERT_ASSIGN_OR_RETURN(ef0005, ReadDataFile(App::kVisual, kEfNumberImage));
    MYNACERT_ASSIGN_OR_RETURN(out.number_png, ParseNumberImageFile(ef0005));
  }
  MYNACERT_ASSIGN_OR_RETURN(const std::string ef0004, ReadDataFile(App::kVisual, kEfFaceCertificate));
  if (trusted) {
    const Status s = VerifyVisualApFiles(ef0002, ef0005, ef0004, trusted);
    out.signature_verified = s.ok();
    if (!s.ok()) out.signature_problem = s.error().field + ": " + s.error().message;
  } else {
    out.signature_problem = "公開鍵が指定されていません (no published key given)";
  }
  // The records prove nothing about the chip in the reader unless it signs a fresh challenge
  // with the key they carry (soltia48/myna-card surface.rs: "or the key being challenged is one
  // the attacker chose" — hence the records verified first).
  MYNACERT_ASSIGN_OR_RETURN(const std::string nonce, pki::RandomBytes(32));
  std::string digest(32, '\0');
  unsigned int n = 0;
  EVP_Digest(nonce.data(), nonce.size(), reinterpret_cast<unsigned char*>(digest.data()), &n,
             EVP_sha256(), nullptr);
  const std::string digest_info = Sha256DigestInfo(digest);
  MYNACERT_ASSIGN_OR_RETURN(const std::string signature, Sign(KeySlot::kVisual, digest_info));
  out.chip_present = ChipSignedChallenge(out.face, digest_info, signature);
  return out;
}

Result<std::string> JpkiClient::Sign(KeySlot slot, std::string_view digest_info) {
  if (slot == KeySlot::kVisual) {  // the 券面 AP's own key: 80 2A 00 00, no PIN
    if (app_ != App::kVisual) MYNACERT_RETURN_IF_ERROR(Select(App::kVisual));
    MYNACERT_ASSIGN_OR_RETURN(Answer a,
                              Exchange(t_, EncodeCommand(0x80, 0x2A, 0x00, 0x00, digest_info, 256)));
    if (a.sw != kSwOk) return CardError(a.sw, "COMPUTE DIGITAL SIGNATURE");
    return a.data;
  }
  if (app_ != App::kJpki) MYNACERT_RETURN_IF_ERROR(Select(App::kJpki));
  MYNACERT_RETURN_IF_ERROR(SelectEf(KeyEf(slot)));
  MYNACERT_ASSIGN_OR_RETURN(Answer a,
                            Exchange(t_, EncodeCommand(0x80, 0x2A, 0x00, 0x80, digest_info, 256)));
  if (a.sw != kSwOk) return CardError(a.sw, "COMPUTE DIGITAL SIGNATURE");
  return a.data;
}

// --- issuer side ---------------------------------------------------------------------------

Result<std::unique_ptr<IssuerSession>> IssuerSession::Open(Transport& t, std::string_view master) {
  std::unique_ptr<IssuerSession> s(new IssuerSession(t));
  const std::string host_challenge = sc::RandomBytes(sc::kChallengeSize);
  MYNACERT_ASSIGN_OR_RETURN(Answer init, Exchange(t, EncodeCommand(0x80, sc::kInsInitializeUpdate,
                                                                   0, 0, host_challenge, 256)));
  if (init.sw != kSwOk) return CardError(init.sw, "INITIALIZE UPDATE");
  if (init.data.size() != 16 + sc::kChallengeSize + sc::kCryptogramSize) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "発行者チャネルに対応していないカードです (the card has no issuer channel)", ""};
  }
  const std::string card_id = init.data.substr(0, 16);
  const std::string card_challenge = init.data.substr(16, sc::kChallengeSize);
  const std::string card_cryptogram = init.data.substr(32);
  const sc::Key card_key = sc::CardKey(master, card_id);
  s->session_ = sc::SessionKey(card_key, host_challenge, card_challenge);
  const std::string expected = sc::CardCryptogram(s->session_, host_challenge, card_challenge);
  if (CRYPTO_memcmp(expected.data(), card_cryptogram.data(), expected.size()) != 0) {
    return Error{ErrorCode::kFailedPrecondition, "issuer_key",
                 "カードが発行者鍵を証明できません: 発行者鍵が違うか、別の発行者のカードです "
                 "(the card does not prove the issuer key: wrong --issuer-key, or another "
                 "issuer's card)",
                 ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(
      Answer auth,
      Exchange(t, EncodeCommand(sc::kClaSecure, sc::kInsExternalAuthenticate, 0, 0,
                                sc::HostCryptogram(s->session_, host_challenge, card_challenge))));
  if (auth.sw != kSwOk) return CardError(auth.sw, "EXTERNAL AUTHENTICATE");
  s->card_id_ = HexUpper(card_id);
  return s;
}

Result<Answer> IssuerSession::Send(uint8_t ins, uint8_t p1, uint8_t p2, std::string_view payload,
                                   bool long_answer) {
  const uint32_t n = ++counter_;
  const std::string header{static_cast<char>(sc::kClaSecure), static_cast<char>(ins),
                           static_cast<char>(p1), static_cast<char>(p2)};
  const std::string sealed =
      sc::GcmSeal(session_, sc::Nonce(sc::Direction::kCommand, n), header, payload);
  std::string command =
      EncodeCommand(sc::kClaSecure, ins, p1, p2, sealed, long_answer ? 65536 : 256);
  MYNACERT_ASSIGN_OR_RETURN(Answer a, Exchange(t_, command));
  if (a.sw == 0x6988 || a.sw == kSwSecurityNotSatisfied) {
    return CardError(a.sw, "発行者チャネル (issuer channel)");  // session ended, nothing sealed
  }
  const std::string sw{static_cast<char>(a.sw >> 8), static_cast<char>(a.sw & 0xff)};
  std::optional<std::string> plain =
      sc::GcmOpen(session_, sc::Nonce(sc::Direction::kResponse, n), sw, a.data);
  if (!plain) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "カードの応答を確認できません (the card's answer does not verify)", ""};
  }
  a.data = std::move(*plain);
  return a;
}

Result<std::string> IssuerSession::GenerateKeyPair(KeySlot slot) {
  // The 券面 AP's key: made with that AP current (P2 00), then the JPKI AP current again.
  const bool visual = slot == KeySlot::kVisual;
  if (visual) MYNACERT_RETURN_IF_ERROR(SelectPlain(App::kVisual));
  MYNACERT_ASSIGN_OR_RETURN(
      Answer a, Send(0x47, 0x00, static_cast<uint8_t>(KeyEf(slot)), {}, /*long_answer=*/true));
  if (visual) MYNACERT_RETURN_IF_ERROR(SelectPlain(App::kJpki));
  if (a.sw != kSwOk) return IssuerError(a.sw, "GENERATE ASYMMETRIC KEY PAIR");
  return a.data;
}

Status IssuerSession::SelectPlain(App app) {
  MYNACERT_ASSIGN_OR_RETURN(Answer sel, Exchange(t_, EncodeCommand(0x00, 0xA4, 0x04, 0x0C, AidOf(app))));
  if (sel.sw != kSwOk) return CardError(sel.sw, "SELECT AP");
  return {};
}

Status IssuerSession::WriteCertificate(CertSlot slot, std::string_view der) {
  MYNACERT_ASSIGN_OR_RETURN(
      Answer a, Send(0xD6, static_cast<uint8_t>(0x80 | CertEf(slot)), 0x00, der, false));
  if (a.sw != kSwOk) return IssuerError(a.sw, "UPDATE BINARY");
  return {};
}

Status IssuerSession::WriteDataFile(App app, uint16_t ef, std::string_view data) {
  // UPDATE BINARY writes into the current AP: select it with a plain SELECT (the session
  // stays open), write, and leave the JPKI AP current again for the certificate writes.
  MYNACERT_RETURN_IF_ERROR(SelectPlain(app));
  MYNACERT_ASSIGN_OR_RETURN(Answer a,
                            Send(0xD6, static_cast<uint8_t>(0x80 | ef), 0x00, data, false));
  MYNACERT_RETURN_IF_ERROR(SelectPlain(App::kJpki));
  if (a.sw != kSwOk) return IssuerError(a.sw, "UPDATE BINARY EF " + SwHex(ef));
  return {};
}

Status IssuerSession::SetPin(PinId pin, std::string_view value) {
  MYNACERT_ASSIGN_OR_RETURN(
      Answer a, Send(0x2C, 0x02, static_cast<uint8_t>(0x80 | PinEfOf(pin).ef), value, false));
  if (a.sw == kSwWrongData) {
    return InvalidArgument("pin", std::string("PIN の形式が違います (wrong PIN format): ") +
                                        PinEfOf(pin).name + " (R-CERT-2)");
  }
  if (a.sw != kSwOk) return IssuerError(a.sw, "RESET RETRY COUNTER");
  return {};
}

Status IssuerSession::ResetPinCounter(PinId pin) {
  MYNACERT_ASSIGN_OR_RETURN(
      Answer a, Send(0x2C, 0x03, static_cast<uint8_t>(0x80 | PinEfOf(pin).ef), {}, false));
  if (a.sw != kSwOk) return IssuerError(a.sw, "RESET RETRY COUNTER");
  return {};
}

Status IssuerSession::SetCardType(bool face) {
  MYNACERT_ASSIGN_OR_RETURN(Answer a, Send(kInsSetCardType, face ? 0x01 : 0x00, 0x00, {}, false));
  if (a.sw != kSwOk) return CardError(a.sw, "SET CARD TYPE");
  return {};
}

Result<FaceCheck> IssuerSession::RecordFaceCheck(bool matched) {
  MYNACERT_ASSIGN_OR_RETURN(Answer a,
                            Send(kInsFaceCheckResult, matched ? 0x01 : 0x00, 0x00, {}, false));
  FaceCheck check;
  if (a.sw == kSwOk) {
    check.matched = true;
    check.tries_left = rules::MaxPinTries(rules::PinKind::kAuth, /*face_authentication=*/true);
    return check;
  }
  if ((a.sw & 0xFFF0) == 0x63C0) {
    check.tries_left = a.sw & 0x0F;
    check.locked = check.tries_left == 0;
    return check;
  }
  if (a.sw == kSwPinBlocked) {
    check.locked = true;
    return check;
  }
  if (a.sw == kSwConditionsNotSatisfied) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "顔認証カードではありません (not a face-authentication card) SW 6985", "R-FACE-1"};
  }
  return CardError(a.sw, "FACE CHECK RESULT");
}

Status IssuerSession::ResetFaceCounter() {
  MYNACERT_ASSIGN_OR_RETURN(Answer a, Send(kInsResetFaceCounter, 0x00, 0x00, {}, false));
  if (a.sw == kSwConditionsNotSatisfied) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "顔認証カードではありません (not a face-authentication card) SW 6985", "R-FACE-1"};
  }
  if (a.sw != kSwOk) return CardError(a.sw, "RESET FACE COUNTER");
  return {};
}

}  // namespace mynacert::card
