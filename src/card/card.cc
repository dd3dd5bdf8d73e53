#include "card/card.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "pki/certificate.h"
#include "pki/der.h"
#include "pki/key_file.h"

namespace mynacert::card {
namespace {

constexpr int kPbkdf2PinIterations = 2000;
constexpr int kPbkdf2KeyIterations = 200000;
constexpr char kFormat[] = "mynacert-card/2";  // /2: the issuer key

std::string Pbkdf2(std::string_view secret, std::string_view salt, int iterations) {
  std::string out(32, '\0');
  PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), 32,
                    reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

using sc::RandomBytes;

// nonce (12) || ciphertext || tag (16), AES-256-GCM, the card id as associated data.
std::string Seal(const std::array<uint8_t, 32>& key, std::string_view aad, std::string_view plain) {
  const std::string nonce = RandomBytes(12);
  return nonce + sc::GcmSeal(key, nonce, aad, plain);
}

Result<std::string> Unseal(const std::array<uint8_t, 32>& key, std::string_view aad,
                           std::string_view sealed) {
  if (sealed.size() < 12 + sc::kTagSize)
    return InvalidArgument("--card",
                           "カードファイルの鍵が壊れています (a damaged key in the card file)");
  std::optional<std::string> plain = sc::GcmOpen(key, sealed.substr(0, 12), aad, sealed.substr(12));
  if (!plain) {
    return InvalidArgument(
        "--secret", "カードの鍵を復号できません (wrong card secret, or a damaged card file)");
  }
  return std::move(*plain);
}

std::string Hex(std::string_view b) { return pki::der::Hex(b); }
std::string Unhex(const std::string& h) {
  std::string out;
  pki::der::Unhex(h, &out);
  return out;
}

}  // namespace

Result<std::unique_ptr<Card>> Card::Create(const std::string& path, const std::string& secret,
                                           const CardInit& init) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Error{ErrorCode::kFailedPrecondition, path,
                 "既にカードがあります。上書きしません (a card file exists; never overwritten)",
                 ""};
  }
  std::unique_ptr<Card> card(new Card());
  card->path_ = path;
  card->card_id_ = Hex(RandomBytes(16));
  const std::string key = Pbkdf2(secret, card->card_id_, kPbkdf2KeyIterations);
  std::copy(key.begin(), key.end(), card->key_.begin());
  card->files_[kEfToken] = std::string("JPKIAPICCTOKEN2") + std::string(17, ' ');
  for (const PinEf& p : kPinEfs)
    card->pins_[static_cast<int>(p.id)].state = rules::PinRetryState(p.kind);
  struct Initial {
    PinId id;
    const std::string* value;
    const char* field;
  };
  const Initial initial[] = {{PinId::kAuth, &init.auth_pin, "--auth-pin"},
                             {PinId::kSign, &init.sign_pin, "--sign-pin"},
                             {PinId::kText, &init.text_pin, "--text-pin"},
                             {PinId::kJuki, &init.juki_pin, "--juki-pin"},
                             {PinId::kTextA, &init.my_number, "--my-number"},
                             {PinId::kVisualA, &init.my_number, "--my-number"},
                             {PinId::kTextB, &init.pin_b, "--pin-b"},
                             {PinId::kVisualB, &init.pin_b, "--pin-b"}};
  if (init.issuer_master.size() < 16) {
    return InvalidArgument(
        "--issuer-key", "発行者鍵は16バイト以上です (the issuer secret needs at least 16 bytes)");
  }
  card->issuer_key_ = sc::CardKey(init.issuer_master, Unhex(card->card_id_));
  card->sealed_issuer_key_ =
      Seal(card->key_, card->card_id_,
           std::string_view(reinterpret_cast<const char*>(card->issuer_key_.data()), 32));
  // Everything checked before the file exists: a bad PIN leaves no half-made card behind.
  card->save_ = false;
  for (const Initial& i : initial) {
    Status set = card->SetPin(i.id, *i.value);
    if (!set.ok()) {
      Error e = set.error();
      e.field = i.field;
      return e;
    }
  }
  card->save_ = true;
  MYNACERT_RETURN_IF_ERROR(card->Save());
  return card;
}

Result<std::unique_ptr<Card>> Card::Open(const std::string& path, const std::string& secret) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("--card", "カードファイルがありません (no card file: " + path + ")");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != kFormat) {
    return InvalidArgument("--card",
                           "カードファイルではありません (not a card file: " + path + ")");
  }
  std::unique_ptr<Card> card(new Card());
  card->path_ = path;
  try {
    card->card_id_ = j.at("card_id").get<std::string>();
    for (const auto& [ef, value] : j.at("files").items()) {
      card->files_[static_cast<uint16_t>(std::stoul(ef, nullptr, 16))] =
          Unhex(value.get<std::string>());
    }
    for (int k = 0; k < 2; ++k)
      card->sealed_keys_[k] = Unhex(j.at("keys").at(k).get<std::string>());
    card->sealed_issuer_key_ = Unhex(j.at("issuer_key").get<std::string>());
    for (const PinEf& p : kPinEfs) {
      const auto& pj = j.at("pins").at(static_cast<int>(p.id));
      Pin& pin = card->pins_[static_cast<int>(p.id)];
      pin.salt = Unhex(pj.at("salt").get<std::string>());
      pin.hash = Unhex(pj.at("hash").get<std::string>());
      pin.state = rules::PinRetryState(p.kind);
      pin.state.set_tries_left(pj.at("tries_left").get<int>());
    }
  } catch (const std::exception& e) {
    return InvalidArgument(
        "--card", std::string("カードファイルが壊れています (damaged card file): ") + e.what());
  }
  const std::string key = Pbkdf2(secret, card->card_id_, kPbkdf2KeyIterations);
  std::copy(key.begin(), key.end(), card->key_.begin());
  // Prove the secret now (the issuer key is always there), not at the first signature.
  MYNACERT_ASSIGN_OR_RETURN(std::string issuer_key,
                            Unseal(card->key_, card->card_id_, card->sealed_issuer_key_));
  if (issuer_key.size() != card->issuer_key_.size()) {
    return InvalidArgument("--card", "カードファイルが壊れています (damaged card file)");
  }
  std::copy(issuer_key.begin(), issuer_key.end(), card->issuer_key_.begin());
  OPENSSL_cleanse(issuer_key.data(), issuer_key.size());
  for (int k = 0; k < 2; ++k) {
    if (!card->sealed_keys_[k].empty()) {
      MYNACERT_RETURN_IF_ERROR(card->LoadKey(static_cast<KeySlot>(k)));
    }
  }
  return card;
}

Status Card::Save() const {
  if (!save_) return {};
  nlohmann::json j;
  j["format"] = kFormat;
  j["card_id"] = card_id_;
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [ef, value] : files_) {
    char name[5];
    std::snprintf(name, sizeof name, "%04X", ef);
    files[name] = Hex(value);
  }
  j["files"] = files;
  j["keys"] = {Hex(sealed_keys_[0]), Hex(sealed_keys_[1])};
  j["issuer_key"] = Hex(sealed_issuer_key_);
  nlohmann::json pins = nlohmann::json::array();
  for (const Pin& p : pins_) {
    pins.push_back(
        {{"salt", Hex(p.salt)}, {"hash", Hex(p.hash)}, {"tries_left", p.state.tries_left()}});
  }
  j["pins"] = pins;
  return pki::WriteFileAtomically(path_, j.dump(1) + "\n", 0600);
}

Status Card::LoadKey(KeySlot slot) {
  const int k = static_cast<int>(slot);
  if (keys_[k]) return {};
  MYNACERT_ASSIGN_OR_RETURN(std::string der, Unseal(key_, card_id_, sealed_keys_[k]));
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  OPENSSL_cleanse(der.data(), der.size());
  if (!key)
    return Error{ErrorCode::kInternal, "--card",
                 "カードファイルの鍵が壊れています (a damaged key in the card file)", ""};
  keys_[k].reset(key);
  return {};
}

// --- issuer side ---------------------------------------------------------------------------

Result<pki::EvpPkeyPtr> Card::GenerateKeyPair(KeySlot slot) {
  MYNACERT_ASSIGN_OR_RETURN(pki::EvpPkeyPtr key, pki::GenerateRsaKey(2048));
  unsigned char* der = nullptr;
  const int len = i2d_PrivateKey(key.get(), &der);
  if (len <= 0) return Error{ErrorCode::kInternal, "card", "key encoding", ""};
  const int k = static_cast<int>(slot);
  sealed_keys_[k] = Seal(key_, card_id_, std::string_view(reinterpret_cast<char*>(der), len));
  OPENSSL_clear_free(der, static_cast<size_t>(len));
  // The public half leaves the card; the private one stays in keys_.
  unsigned char* pub = nullptr;
  const int pub_len = i2d_PUBKEY(key.get(), &pub);
  const unsigned char* p = pub;
  pki::EvpPkeyPtr public_key(d2i_PUBKEY(nullptr, &p, pub_len));
  OPENSSL_free(pub);
  keys_[k] = std::move(key);
  MYNACERT_RETURN_IF_ERROR(Save());
  return public_key;
}

Status Card::WriteCertificate(CertSlot slot, std::string_view der) {
  // OpenSC sizes the file from a `30 82 HH LL` header (jpki-card.md §1.5).
  if (der.size() < 260 || static_cast<uint8_t>(der[0]) != 0x30 ||
      static_cast<uint8_t>(der[1]) != 0x82) {
    return InvalidArgument("certificate",
                           "DER の証明書 (30 82 …) ではありません (not a DER certificate)");
  }
  files_[CertEf(slot)] = std::string(der);
  return Save();
}

Status Card::SetPin(PinId id, std::string_view new_pin) {
  const PinEf& ef = PinEfOf(id);
  std::string value(new_pin);
  if (id == PinId::kTextA || id == PinId::kVisualA) {
    if (value.size() != 12 || value.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument("my_number", "個人番号は12桁の数字です (12 digits)");
    }
  } else if (id == PinId::kTextB || id == PinId::kVisualB) {
    if (value.size() != 14 || value.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument("pin_b", "照合番号Bは14桁です (birth YYMMDD + expiry YYYY + code)");
    }
  } else {
    MYNACERT_ASSIGN_OR_RETURN(value, rules::NormalizePin(ef.kind, new_pin, "pin"));
  }
  Pin& pin = pins_[static_cast<int>(id)];
  pin.salt = RandomBytes(16);
  pin.hash = Pbkdf2(value, pin.salt, kPbkdf2PinIterations);
  OPENSSL_cleanse(value.data(), value.size());
  pin.state.Reset();
  verified_[static_cast<int>(id)] = false;
  return Save();
}

Status Card::ResetPinCounter(PinId id) {
  pins_[static_cast<int>(id)].state.Reset();
  return Save();
}

int Card::TriesLeft(PinId id) const { return pins_[static_cast<int>(id)].state.tries_left(); }

std::string Card::Certificate(CertSlot slot) const {
  auto it = files_.find(CertEf(slot));
  return it == files_.end() ? std::string() : it->second;
}

// --- holder side ---------------------------------------------------------------------------

void Card::Reset() {
  app_ = App::kNone;
  ef_ = 0;
  verified_.fill(false);
  session_ = Session::kNone;
}

std::string Card::Transmit(std::string_view command) {
  try {
    return Dispatch(command);
  } catch (...) {
    return Response(0x6F00);  // no precise diagnosis
  }
}

std::string Card::Dispatch(std::string_view bytes) {
  const std::optional<Command> parsed = ParseCommand(bytes);
  if (!parsed) return Response(kSwWrongLength);
  const Command& c = *parsed;
  if (c.cla == 0x80) {
    if (c.ins == 0x2A) return Sign(c);
    if (c.ins == sc::kInsInitializeUpdate) return InitializeUpdate(c);
    return Response(kSwInsNotSupported);
  }
  if (c.cla == sc::kClaSecure) {
    if (c.ins == sc::kInsExternalAuthenticate) return ExternalAuthenticate(c);
    return Secured(c);
  }
  if (c.cla != 0x00) return Response(kSwClaNotSupported);
  switch (c.ins) {
    case 0xA4:
      return Select(c);
    case 0xB0:
      return ReadBinary(c);
    case 0x20:
      return Verify(c);
    case 0x24:
      return ChangePin(c);
    case 0x47:                                   // GENERATE ASYMMETRIC KEY PAIR
    case 0xD6:                                   // UPDATE BINARY
    case 0x2C:                                   // RESET RETRY COUNTER
      return Response(kSwSecurityNotSatisfied);  // issuer commands: only in a session
    default:
      return Response(kSwInsNotSupported);
  }
}

std::string Card::Select(const Command& c) {
  if (c.p1 == 0x04) {  // by DF name (AID)
    App app = App::kNone;
    if (c.data == kAidJpki)
      app = App::kJpki;
    else if (c.data == kAidText)
      app = App::kText;
    else if (c.data == kAidVisual)
      app = App::kVisual;
    else if (c.data == kAidJuki)
      app = App::kJuki;
    if (app == App::kNone) return Response(kSwFileNotFound);
    app_ = app;
    ef_ = 0;
    verified_.fill(false);  // OpenSC's logout is a re-SELECT of the AP
    return Response(kSwOk);
  }
  if (c.p1 == 0x02) {  // an EF under the current DF, by file id
    if (c.data.size() != 2) return Response(kSwWrongLength);
    const uint16_t ef = static_cast<uint16_t>(static_cast<uint8_t>(c.data[0]) << 8 |
                                              static_cast<uint8_t>(c.data[1]));
    const bool known =
        FindPinEf(app_, ef) != nullptr ||
        (app_ == App::kJpki &&
         (files_.count(ef) != 0 || ef == kEfAuthKey || ef == kEfSignKey || ef == kEfAuthCert ||
          ef == kEfSignCert || ef == kEfAuthCa || ef == kEfSignCa));
    if (!known) return Response(kSwFileNotFound);
    ef_ = ef;
    return Response(kSwOk);
  }
  return Response(kSwWrongP1P2);
}

std::string Card::ReadBinary(const Command& c) {
  if (c.p1 & 0x80) return Response(kSwWrongP1P2);  // short EF identifiers are not used
  if (app_ != App::kJpki || ef_ == 0) return Response(kSwCommandNotAllowed);
  const auto it = files_.find(ef_);
  if (it == files_.end()) {
    // A key or PIN EF, or a certificate EF not written yet.
    const bool is_cert =
        ef_ == kEfAuthCert || ef_ == kEfSignCert || ef_ == kEfAuthCa || ef_ == kEfSignCa;
    return Response(is_cert ? kSwWrongOffset : kSwCommandNotAllowed);
  }
  if (ef_ == kEfSignCert && !verified_[static_cast<int>(PinId::kSign)]) {
    return Response(kSwSecurityNotSatisfied);
  }
  if (!c.has_le) return Response(kSwWrongLength);
  const size_t offset = static_cast<size_t>(c.p1) << 8 | c.p2;
  const std::string& data = it->second;
  if (offset >= data.size()) return Response(kSwWrongOffset);
  return Response(kSwOk, std::string_view(data).substr(offset, c.ne));
}

Card::Pin* Card::CurrentPin() {
  const PinEf* ef = FindPinEf(app_, ef_);
  return ef ? &pins_[static_cast<int>(ef->id)] : nullptr;
}

std::string Card::Verify(const Command& c) {
  if (c.p1 != 0x00 || c.p2 != 0x80) return Response(kSwWrongP1P2);
  Pin* pin = CurrentPin();
  if (!pin) return Response(kSwCommandNotAllowed);
  const int id = static_cast<int>(FindPinEf(app_, ef_)->id);
  // The status query: 63 Cx in every state — verified, blocked (63 C0) — as OpenSC needs.
  if (c.data.empty()) return Response(card::TriesLeft(pin->state.tries_left()));
  if (pin->state.locked()) return Response(kSwPinBlocked);
  const std::string hash = Pbkdf2(c.data, pin->salt, kPbkdf2PinIterations);
  const bool correct = hash.size() == pin->hash.size() &&
                       CRYPTO_memcmp(hash.data(), pin->hash.data(), hash.size()) == 0;
  const int before = pin->state.tries_left();
  pin->state.Record(correct);  // R-CERT-6: consecutive failures; success resets
  verified_[id] = correct;
  // The count is on the card before the answer leaves it: pulling the card (or kill -9) after
  // a wrong PIN cannot give the try back.
  if (pin->state.tries_left() != before && !Save().ok()) return Response(0x6581);  // memory failure
  if (correct) return Response(kSwOk);
  return Response(card::TriesLeft(pin->state.tries_left()));
}

std::string Card::ChangePin(const Command& c) {
  if (c.p1 != 0x01 || c.p2 != 0x80) return Response(kSwWrongP1P2);
  const PinEf* ef = FindPinEf(app_, ef_);
  if (!ef) return Response(kSwCommandNotAllowed);
  if (!verified_[static_cast<int>(ef->id)]) return Response(kSwSecurityNotSatisfied);
  const Status set = SetPin(ef->id, c.data);
  if (!set.ok())
    return Response(set.error().code == ErrorCode::kInvalidArgument ? kSwWrongData : 0x6581);
  verified_[static_cast<int>(ef->id)] = true;
  return Response(kSwOk);
}

std::string Card::Sign(const Command& c) {
  if (c.p1 != 0x00 || c.p2 != 0x80) return Response(kSwWrongP1P2);
  if (app_ != App::kJpki || (ef_ != kEfAuthKey && ef_ != kEfSignKey)) {
    return Response(kSwCommandNotAllowed);
  }
  const KeySlot slot = ef_ == kEfAuthKey ? KeySlot::kAuth : KeySlot::kSign;
  const PinId pin = slot == KeySlot::kAuth ? PinId::kAuth : PinId::kSign;
  if (!verified_[static_cast<int>(pin)]) return Response(kSwSecurityNotSatisfied);
  if (c.data.empty() || c.data.size() > 245) return Response(kSwWrongLength);  // k - 11
  if (sealed_keys_[static_cast<int>(slot)].empty()) return Response(kSwConditionsNotSatisfied);
  if (!LoadKey(slot).ok()) return Response(0x6F00);
  pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(keys_[static_cast<int>(slot)].get(), nullptr));
  size_t length = 256;
  std::string signature(256, '\0');
  // PKCS#1 v1.5 type 1 over the DigestInfo the host built (no hashing on the card).
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                    reinterpret_cast<const unsigned char*>(c.data.data()), c.data.size()) != 1) {
    pki::TakeOpenSslErrors();
    return Response(0x6F00);
  }
  signature.resize(length);
  return Response(kSwOk, signature);
}

// --- the issuer channel (secure_channel.h) --------------------------------------------------

std::string Card::InitializeUpdate(const Command& c) {
  if (c.p1 != 0x00 || c.p2 != 0x00) return Response(kSwWrongP1P2);
  if (c.data.size() != sc::kChallengeSize) return Response(kSwWrongLength);
  session_ = Session::kHalfOpen;
  host_challenge_ = c.data;
  card_challenge_ = RandomBytes(sc::kChallengeSize);
  session_key_ = sc::SessionKey(issuer_key_, host_challenge_, card_challenge_);
  session_counter_ = 0;
  return Response(kSwOk, Unhex(card_id_) + card_challenge_ +
                             sc::CardCryptogram(session_key_, host_challenge_, card_challenge_));
}

std::string Card::ExternalAuthenticate(const Command& c) {
  if (session_ != Session::kHalfOpen) return Response(kSwConditionsNotSatisfied);
  session_ = Session::kNone;  // one try per INITIALIZE UPDATE
  if (c.p1 != 0x00 || c.p2 != 0x00) return Response(kSwWrongP1P2);
  const std::string expected = sc::HostCryptogram(session_key_, host_challenge_, card_challenge_);
  if (c.data.size() != expected.size() ||
      CRYPTO_memcmp(c.data.data(), expected.data(), expected.size()) != 0) {
    return Response(kSwSecurityNotSatisfied);
  }
  session_ = Session::kOpen;
  return Response(kSwOk);
}

std::string Card::Secured(const Command& c) {
  if (session_ != Session::kOpen) return Response(kSwSecurityNotSatisfied);
  const uint32_t n = ++session_counter_;
  const std::string header{static_cast<char>(c.cla), static_cast<char>(c.ins),
                           static_cast<char>(c.p1), static_cast<char>(c.p2)};
  std::optional<std::string> payload =
      sc::GcmOpen(session_key_, sc::Nonce(sc::Direction::kCommand, n), header, c.data);
  if (!payload) {
    session_ = Session::kNone;  // forged, altered, replayed or out of order
    return Response(0x6988);    // incorrect secure messaging data objects
  }
  Command inner = c;
  inner.data = std::move(*payload);
  std::string answer = IssuerCommand(inner);
  OPENSSL_cleanse(inner.data.data(), inner.data.size());
  const uint16_t sw = static_cast<uint16_t>(static_cast<uint8_t>(answer[answer.size() - 2]) << 8 |
                                            static_cast<uint8_t>(answer.back()));
  const std::string sw_bytes = answer.substr(answer.size() - 2);
  const std::string sealed =
      sc::GcmSeal(session_key_, sc::Nonce(sc::Direction::kResponse, n), sw_bytes,
                  std::string_view(answer).substr(0, answer.size() - 2));
  return Response(sw, sealed);
}

std::string Card::IssuerCommand(const Command& c) {
  auto status_of = [](const Status& s) {
    if (s.ok()) return Response(kSwOk);
    return Response(s.error().code == ErrorCode::kInvalidArgument ? kSwWrongData : 0x6581);
  };
  switch (c.ins) {
    case 0x47: {  // GENERATE ASYMMETRIC KEY PAIR, P2 = the key EF
      if (c.p1 != 0x00 || (c.p2 != kEfAuthKey && c.p2 != kEfSignKey)) {
        return Response(kSwWrongP1P2);
      }
      if (!c.data.empty()) return Response(kSwWrongLength);
      auto pub = GenerateKeyPair(c.p2 == kEfAuthKey ? KeySlot::kAuth : KeySlot::kSign);
      if (!pub.ok()) return Response(0x6581);
      unsigned char* der = nullptr;
      const int len = i2d_PUBKEY(pub->get(), &der);
      if (len <= 0) return Response(0x6F00);
      std::string spki(reinterpret_cast<char*>(der), static_cast<size_t>(len));
      OPENSSL_free(der);
      return Response(kSwOk, spki);
    }
    case 0xD6: {  // UPDATE BINARY by short EF identifier at offset 0: the whole file
      if (!(c.p1 & 0x80) || c.p2 != 0x00) return Response(kSwWrongP1P2);
      const uint16_t ef = c.p1 & 0x1F;
      for (CertSlot slot :
           {CertSlot::kAuth, CertSlot::kSign, CertSlot::kAuthCa, CertSlot::kSignCa}) {
        if (CertEf(slot) == ef) return status_of(WriteCertificate(slot, c.data));
      }
      return Response(kSwFileNotFound);
    }
    case 0x2C: {  // RESET RETRY COUNTER, P2 = 80 | the PIN's EF
      if (!(c.p2 & 0x80)) return Response(kSwWrongP1P2);
      const PinEf* pin = FindPinEfAnyApp(c.p2 & 0x1F);
      if (!pin) return Response(kSwFileNotFound);
      if (c.p1 == 0x02) return status_of(SetPin(pin->id, c.data));
      if (c.p1 == 0x03) {
        if (!c.data.empty()) return Response(kSwWrongLength);
        return status_of(ResetPinCounter(pin->id));
      }
      return Response(kSwWrongP1P2);
    }
    default:
      return Response(kSwInsNotSupported);
  }
}

}  // namespace mynacert::card
