#include "card/card.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/hex.h"
#include "pki/certificate.h"
#include "pki/key_file.h"

namespace mynacert::card {
namespace {

constexpr int kPbkdf2PinIterations = 2000;
constexpr int kPbkdf2KeyIterations = 200000;
// /2: the issuer key. /3: the PIN records, counters, EFs and keys sealed as one state. /4: the
// same, with the data EFs of the 券面事項入力補助 and 券面 APs in the state. /5: a third key, the
// 券面 AP's own. A /3 or /4 file is read (no data, no third key yet) and written back as /5, so
// that a program that knows only an older form refuses the file rather than writing it back
// without what it does not know.
constexpr char kFormat[] = "mynacert-card/5";
constexpr const char* kFormatsRead[] = {"mynacert-card/5", "mynacert-card/4", "mynacert-card/3"};
constexpr char kFormatUnsealed[] = "mynacert-card/2";

std::string Pbkdf2(std::string_view secret, std::string_view salt, int iterations) {
  std::string out(32, '\0');
  PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), 32,
                    reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

using sc::RandomBytes;

// nonce (12) || ciphertext || tag (16), AES-256-GCM.
std::string Seal(const std::array<uint8_t, 32>& key, std::string_view aad, std::string_view plain) {
  const std::string nonce = RandomBytes(12);
  return nonce + sc::GcmSeal(key, nonce, aad, plain);
}

std::optional<std::string> Unseal(const std::array<uint8_t, 32>& key, std::string_view aad,
                                  std::string_view sealed) {
  if (sealed.size() < 12 + sc::kTagSize) return std::nullopt;
  return sc::GcmOpen(key, sealed.substr(0, 12), aad, sealed.substr(12));
}

// The state's associated data: the card id, and what the blob is (a sealed key, also under the
// card id, is never taken for a state).
std::string StateAad(const std::string& card_id) { return "mynacert-card/3 state " + card_id; }

// R-FACE-1: what a face-authentication card does not have.
Error FaceRefused(const std::string& what) {
  return Error{ErrorCode::kFailedPrecondition, "card",
               "顔認証カードでは" + what + "はできません。PIN のカードに切り替えてから行ってください "
               "(refused on a face-authentication card: no auth or sign PIN, no sign key or "
               "certificate; switch the card to a PIN card first)",
               "R-FACE-1"};
}
Error NotAFaceCard() {
  return Error{ErrorCode::kFailedPrecondition, "card",
               "顔認証カードではありません (not a face-authentication card)", "R-FACE-1"};
}
bool IsFaceRefusal(const Error& e) {
  return e.code == ErrorCode::kFailedPrecondition && e.rule == "R-FACE-1";
}
bool AuthOrSign(PinId id) { return id == PinId::kAuth || id == PinId::kSign; }
// VERIFY of a PIN that has no reference data: 69 84 on a face card (it has no such PIN), 6A 88
// on a PIN card whose PIN the counter has not set yet.
uint16_t UnsetPinSw(bool face) { return face ? 0x6984 : kSwReferenceNotFound; }

Error Damaged(const std::string& path, const std::string& why) {
  return Error{ErrorCode::kFailedPrecondition, "card",
               "カードファイルが壊れています (damaged card file: " + path + "; " + why + ")", ""};
}

std::string Unhex(const std::string& h) {
  std::string out;
  if (!mynacert::Unhex(h, &out)) throw std::invalid_argument("not hex");
  return out;
}

// The card file's outer JSON: format, card id, sealed issuer key, sealed state.
Result<nlohmann::json> ReadCardFile(const std::string& path, struct stat* st) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return NotFound("card", "カードファイルがありません (no card file: " + path + ")");
    }
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "カードファイルが読めません (cannot read the card file: " + path + ")", ""};
  }
  std::string text;
  bool ok = fstat(fd, st) == 0;
  char buf[8192];
  while (ok) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (!ok) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "カードファイルが読めません (cannot read the card file: " + path + ")", ""};
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("format")) {
    return InvalidArgument("card", "カードファイルではありません (not a card file: " + path + ")");
  }
  const std::string format = j["format"].is_string() ? j["format"].get<std::string>() : "";
  if (format == kFormatUnsealed) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "古い形式のカードファイルです。PIN の記録が封印されていないため使えません。"
                 "カードを作り直してください (" +
                     path +
                     " is a mynacert-card/2 file, whose PIN records and counters are not sealed; "
                     "it is no longer read: re-issue the card with `mynacert card new`, or re-make "
                     "the demo home)",
                 ""};
  }
  if (std::find(std::begin(kFormatsRead), std::end(kFormatsRead), format) == std::end(kFormatsRead)) {
    return InvalidArgument("card", "カードファイルではありません (not a card file: " + path + ")");
  }
  return j;
}

}  // namespace

// --- the card file: its lock, its seal ----------------------------------------------------

class Card::FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& card_path) {
    const std::string path = card_path + ".lock";
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      return Error{ErrorCode::kFailedPrecondition, "card",
                   "カードファイルをロックできません (cannot create the lock " + path + ")", ""};
    }
    fchmod(fd, 0600);  // whatever the umask, or whoever made it before
    FileLock lock(fd);
    int r;
    do {
      r = flock(fd, LOCK_EX);
    } while (r != 0 && errno == EINTR);
    if (r != 0) {
      return Error{ErrorCode::kFailedPrecondition, "card",
                   "カードファイルをロックできません (cannot lock " + path + ")", ""};
    }
    return lock;
  }
  FileLock() = default;
  FileLock(FileLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock() {
    if (fd_ >= 0) close(fd_);  // releases the flock
  }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct Card::Update {
  FileLock lock;
  State state;
};

namespace {
// Which version of the file `st` describes (a save is a rename of a new file: a new inode).
template <typename Stamp>
Stamp StampOf(const struct stat& st) {
  Stamp s;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return s;
}
}  // namespace

Result<Card::State> Card::Load(Stamp* stamp) const {
  struct stat st {};
  MYNACERT_ASSIGN_OR_RETURN(nlohmann::json j, ReadCardFile(path_, &st));
  State s;
  try {
    if (j.at("card_id").get<std::string>() != card_id_) {
      return Damaged(path_, "another card's file");
    }
    std::optional<std::string> plain =
        Unseal(key_, StateAad(card_id_), Unhex(j.at("state").get<std::string>()));
    if (!plain) return Damaged(path_, "the sealed state does not verify");
    nlohmann::json sj = nlohmann::json::parse(*plain, nullptr, false);
    OPENSSL_cleanse(plain->data(), plain->size());
    if (sj.is_discarded()) return Damaged(path_, "the sealed state is not JSON");
    for (const auto& [ef, value] : sj.at("files").items()) {
      s.files[static_cast<uint16_t>(std::stoul(ef, nullptr, 16))] = Unhex(value.get<std::string>());
    }
    if (sj.contains("data_files")) {  // absent in a /3 file: no data on the other APs yet
      for (const auto& [app, files] : sj.at("data_files").items()) {
        const App a = app == "text" ? App::kText : app == "visual" ? App::kVisual : App::kNone;
        if (a == App::kNone) return Damaged(path_, "data_files: " + app);
        for (const auto& [ef, value] : files.items()) {
          const uint16_t id = static_cast<uint16_t>(std::stoul(ef, nullptr, 16));
          if (!FindDataEf(a, id)) return Damaged(path_, "data_files: " + app + " " + ef);
          s.data_files[a][id] = Unhex(value.get<std::string>());
        }
      }
    }
    // Two keys before the 券面 AP had its own (an older "/4" file): that slot empty.
    const auto& keys = sj.at("keys");
    if (keys.size() < 2 || keys.size() > static_cast<size_t>(kKeyCount)) {
      return Damaged(path_, "keys");
    }
    for (size_t k = 0; k < keys.size(); ++k) s.sealed_keys[k] = Unhex(keys.at(k).get<std::string>());
    for (const PinEf& p : kPinEfs) {
      const auto& pj = sj.at("pins").at(static_cast<int>(p.id));
      Pin& pin = s.pins[static_cast<int>(p.id)];
      pin.salt = Unhex(pj.at("salt").get<std::string>());
      pin.hash = Unhex(pj.at("hash").get<std::string>());
      pin.state = rules::PinRetryState(p.kind);
      pin.state.set_tries_left(pj.at("tries_left").get<int>());
    }
    // Absent from files written before face-authentication cards: a PIN card, counter full.
    if (sj.contains("face")) s.face = sj.at("face").get<bool>();
    if (sj.contains("face_tries_left")) {
      s.face_tries.set_tries_left(sj.at("face_tries_left").get<int>());
    }
  } catch (const std::exception& e) {
    return Damaged(path_, e.what());
  }
  if (stamp) *stamp = StampOf<Stamp>(st);
  return s;
}

Status Card::Store(const State& s) {
  nlohmann::json sj;
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [ef, value] : s.files) {
    char name[5];
    std::snprintf(name, sizeof name, "%04X", ef);
    files[name] = HexUpper(value);
  }
  sj["files"] = files;
  nlohmann::json data_files = nlohmann::json::object();
  for (const auto& [app, ap_files] : s.data_files) {
    nlohmann::json fj = nlohmann::json::object();
    for (const auto& [ef, value] : ap_files) {
      char name[5];
      std::snprintf(name, sizeof name, "%04X", ef);
      fj[name] = HexUpper(value);
    }
    data_files[app == App::kText ? "text" : "visual"] = fj;
  }
  sj["data_files"] = data_files;
  nlohmann::json keys = nlohmann::json::array();
  for (const std::string& k : s.sealed_keys) keys.push_back(HexUpper(k));
  sj["keys"] = keys;
  nlohmann::json pins = nlohmann::json::array();
  for (const Pin& p : s.pins) {
    pins.push_back(
        {{"salt", HexUpper(p.salt)}, {"hash", HexUpper(p.hash)}, {"tries_left", p.state.tries_left()}});
  }
  sj["pins"] = pins;
  sj["face"] = s.face;
  sj["face_tries_left"] = s.face_tries.tries_left();
  std::string plain = sj.dump();
  nlohmann::json j;
  j["format"] = kFormat;
  j["card_id"] = card_id_;
  j["issuer_key"] = HexUpper(sealed_issuer_key_);
  j["state"] = HexUpper(Seal(key_, StateAad(card_id_), plain));
  OPENSSL_cleanse(plain.data(), plain.size());
  MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(path_, j.dump(1) + "\n", 0600));
  struct stat st {};
  stamp_ = stat(path_.c_str(), &st) == 0 ? StampOf<Stamp>(st) : Stamp{};
  return {};
}

void Card::Adopt(State s) {
  for (int k = 0; k < kKeyCount; ++k) {
    if (s.sealed_keys[k] != state_.sealed_keys[k]) keys_[k].reset();  // a new key pair
  }
  for (int i = 0; i < kPinCount; ++i) {
    if (s.pins[i].hash != state_.pins[i].hash) verified_[i] = false;  // a PIN set elsewhere
  }
  if (!s.face) face_match_ = FaceMatch::kNone;  // switched to a PIN card elsewhere
  state_ = std::move(s);
}

Status Card::Refresh() {
  if (!save_) return {};
  struct stat st {};
  if (stat(path_.c_str(), &st) == 0 && StampOf<Stamp>(st) == stamp_) return {};
  Stamp stamp;
  MYNACERT_ASSIGN_OR_RETURN(State s, Load(&stamp));
  Adopt(std::move(s));
  stamp_ = stamp;
  return {};
}

Result<Card::Update> Card::Begin() {
  if (!save_) return Update{FileLock(), state_};
  MYNACERT_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(path_));
  Stamp stamp;
  MYNACERT_ASSIGN_OR_RETURN(State s, Load(&stamp));
  return Update{std::move(lock), std::move(s)};
}

Status Card::Commit(const Update& u) {
  if (save_) MYNACERT_RETURN_IF_ERROR(Store(u.state));
  Adopt(u.state);
  return {};
}

// --- making and opening ---------------------------------------------------------------------

Result<std::unique_ptr<Card>> Card::Create(const std::string& path, const std::string& secret,
                                           const CardInit& init, std::string_view card_id) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "既にカードがあります。上書きしません (a card file exists; never overwritten: " +
                     path + ")",
                 ""};
  }
  std::unique_ptr<Card> card(new Card());
  card->path_ = path;
  if (card_id.empty()) {
    card->card_id_ = NewCardId();
  } else if (card_id.size() != 32 ||
             card_id.find_first_not_of("0123456789ABCDEF") != std::string::npos) {
    return InvalidArgument("card_id", "カードIDは16進32桁です (32 upper-case hex digits)");
  } else {
    card->card_id_ = std::string(card_id);
  }
  const std::string key = Pbkdf2(secret, card->card_id_, kPbkdf2KeyIterations);
  std::copy(key.begin(), key.end(), card->key_.begin());
  card->state_.files[kEfToken] = std::string("JPKIAPICCTOKEN2") + std::string(17, ' ');
  for (const PinEf& p : kPinEfs)
    card->state_.pins[static_cast<int>(p.id)].state = rules::PinRetryState(p.kind);
  struct Initial {
    PinId id;
    const std::string* value;
    const char* field;
  };
  const Initial initial[] = {{PinId::kAuth, &init.auth_pin, "auth_pin"},
                             {PinId::kSign, &init.sign_pin, "sign_pin"},
                             {PinId::kText, &init.text_pin, "text_pin"},
                             {PinId::kJuki, &init.juki_pin, "juki_pin"},
                             {PinId::kTextA, &init.my_number, "my_number"},
                             {PinId::kVisualA, &init.my_number, "my_number"},
                             {PinId::kTextB, &init.pin_b, "pin_b"},
                             {PinId::kVisualB, &init.pin_b, "pin_b"}};
  if (init.issuer_master.size() < 16) {
    return InvalidArgument(
        "issuer_key", "発行者鍵は16バイト以上です (the issuer secret needs at least 16 bytes)");
  }
  card->issuer_key_ = sc::CardKey(init.issuer_master, Unhex(card->card_id_));
  card->sealed_issuer_key_ =
      Seal(card->key_, card->card_id_,
           std::string_view(reinterpret_cast<const char*>(card->issuer_key_.data()), 32));
  if (init.face) {  // R-FACE-1: no auth or sign PIN on a face card
    if (!init.auth_pin.empty()) {
      return InvalidArgument("auth_pin",
                             "顔認証カードには利用者証明用 PIN を設定しません (a face-authentication "
                             "card has no auth PIN)",
                             "R-FACE-1");
    }
    if (!init.sign_pin.empty()) {
      return InvalidArgument("sign_pin",
                             "顔認証カードには署名用パスワードを設定しません (a face-authentication "
                             "card has no sign PIN)",
                             "R-FACE-1");
    }
  }
  // Everything checked before the file exists: a bad PIN leaves no half-made card behind.
  card->save_ = false;
  for (const Initial& i : initial) {
    if (init.face && AuthOrSign(i.id)) continue;  // created unset
    Status set = card->SetPin(i.id, *i.value);
    if (!set.ok()) {
      Error e = set.error();
      e.field = i.field;
      return e;
    }
  }
  card->state_.face = init.face;
  card->save_ = true;
  // Under the lock, so that two makers of one path cannot both think they made it.
  MYNACERT_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(path));
  if (std::filesystem::exists(path, ec)) {
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "既にカードがあります。上書きしません (a card file exists; never overwritten: " +
                     path + ")",
                 ""};
  }
  MYNACERT_RETURN_IF_ERROR(card->Store(card->state_));
  return card;
}

std::string NewCardId() { return HexUpper(RandomBytes(16)); }

Result<std::unique_ptr<Card>> Card::Open(const std::string& path, const std::string& secret) {
  struct stat st {};
  MYNACERT_ASSIGN_OR_RETURN(nlohmann::json j, ReadCardFile(path, &st));
  std::unique_ptr<Card> card(new Card());
  card->path_ = path;
  try {
    card->card_id_ = j.at("card_id").get<std::string>();
    card->sealed_issuer_key_ = Unhex(j.at("issuer_key").get<std::string>());
  } catch (const std::exception& e) {
    return Damaged(path, e.what());
  }
  const std::string key = Pbkdf2(secret, card->card_id_, kPbkdf2KeyIterations);
  std::copy(key.begin(), key.end(), card->key_.begin());
  // Prove the secret now (the issuer key is always there), not at the first signature.
  std::optional<std::string> issuer_key =
      Unseal(card->key_, card->card_id_, card->sealed_issuer_key_);
  if (!issuer_key) {
    return InvalidArgument(
        "secret", "カードの鍵を復号できません (wrong card secret, or a damaged card file)");
  }
  if (issuer_key->size() != card->issuer_key_.size()) return Damaged(path, "the issuer key");
  std::copy(issuer_key->begin(), issuer_key->end(), card->issuer_key_.begin());
  OPENSSL_cleanse(issuer_key->data(), issuer_key->size());
  MYNACERT_RETURN_IF_ERROR(card->Refresh());
  for (int k = 0; k < kKeyCount; ++k) {
    if (!card->state_.sealed_keys[k].empty()) {
      MYNACERT_RETURN_IF_ERROR(card->LoadKey(static_cast<KeySlot>(k)));
    }
  }
  return card;
}

Status Card::LoadKey(KeySlot slot) {
  const int k = static_cast<int>(slot);
  if (keys_[k]) return {};
  std::optional<std::string> der = Unseal(key_, card_id_, state_.sealed_keys[k]);
  if (!der) return Damaged(path_, "a private key does not verify");
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der->size()));
  OPENSSL_cleanse(der->data(), der->size());
  if (!key) return Damaged(path_, "a private key");
  keys_[k].reset(key);
  return {};
}

// --- issuer side ---------------------------------------------------------------------------

Result<pki::EvpPkeyPtr> Card::GenerateKeyPair(KeySlot slot) {
  if (slot == KeySlot::kSign && FaceCard()) return FaceRefused("署名用の鍵の生成");  // early
  MYNACERT_ASSIGN_OR_RETURN(pki::EvpPkeyPtr key, pki::GenerateRsaKey(2048));
  unsigned char* der = nullptr;
  const int len = i2d_PrivateKey(key.get(), &der);
  if (len <= 0) return Error{ErrorCode::kInternal, "card", "key encoding", ""};
  const int k = static_cast<int>(slot);
  const std::string sealed =
      Seal(key_, card_id_, std::string_view(reinterpret_cast<char*>(der), len));
  OPENSSL_clear_free(der, static_cast<size_t>(len));
  // The public half leaves the card; the private one stays in keys_.
  unsigned char* pub = nullptr;
  const int pub_len = i2d_PUBKEY(key.get(), &pub);
  const unsigned char* p = pub;
  pki::EvpPkeyPtr public_key(d2i_PUBKEY(nullptr, &p, pub_len));
  OPENSSL_free(pub);
  MYNACERT_ASSIGN_OR_RETURN(Update u, Begin());
  if (slot == KeySlot::kSign && u.state.face) return FaceRefused("署名用の鍵の生成");
  u.state.sealed_keys[k] = sealed;
  MYNACERT_RETURN_IF_ERROR(Commit(u));
  keys_[k] = std::move(key);
  return public_key;
}

Status Card::WriteCertificate(CertSlot slot, std::string_view der) {
  // OpenSC sizes the file from a `30 82 HH LL` header (jpki-card.md §1.5).
  if (der.size() < 260 || static_cast<uint8_t>(der[0]) != 0x30 ||
      static_cast<uint8_t>(der[1]) != 0x82) {
    return InvalidArgument("certificate",
                           "DER の証明書 (30 82 …) ではありません (not a DER certificate)");
  }
  MYNACERT_ASSIGN_OR_RETURN(Update u, Begin());
  if (slot == CertSlot::kSign && u.state.face) return FaceRefused("署名用電子証明書の書き込み");
  u.state.files[CertEf(slot)] = std::string(der);
  return Commit(u);
}

Status Card::WriteDataFile(App app, uint16_t ef, std::string_view data) {
  if (!FindDataEf(app, ef)) {
    return InvalidArgument("ef", "そのアプリケーションにこの EF はありません (no such data EF in this AP)");
  }
  if (data.empty() || data.size() > kMaxDataFile) {
    return InvalidArgument("data", "EF の内容は1〜" + std::to_string(kMaxDataFile) +
                                       "バイトです (1 to " + std::to_string(kMaxDataFile) +
                                       " bytes)");
  }
  MYNACERT_ASSIGN_OR_RETURN(Update u, Begin());
  u.state.data_files[app][ef] = std::string(data);
  return Commit(u);
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
  const std::string salt = RandomBytes(16);
  const std::string hash = Pbkdf2(value, salt, kPbkdf2PinIterations);
  OPENSSL_cleanse(value.data(), value.size());
  verified_[static_cast<int>(id)] = false;
  MYNACERT_ASSIGN_OR_RETURN(Update u, Begin());
  if (AuthOrSign(id) && u.state.face) return FaceRefused("暗証番号の設定");
  Pin& pin = u.state.pins[static_cast<int>(id)];
  pin.salt = salt;
  pin.hash = hash;
  pin.state.Reset();
  return Commit(u);
}

Status Card::ResetPinCounter(PinId id) {
  MYNACERT_ASSIGN_OR_RETURN(Update u, Begin());
  if (AuthOrSign(id) && u.state.face) return FaceRefused("暗証番号のロック解除");
  u.state.pins[static_cast<int>(id)].state.Reset();
  return Commit(u);
}

Status Card::SetFaceCard(bool face) {
  MYNACERT_ASSIGN_OR_RETURN(Update u, Begin());
  if (u.state.face == face) return {};  // that type already: nothing cleared
  if (face) {  // R-FACE-3: PINs cleared, the sign key and certificate gone
    for (PinId id : {PinId::kAuth, PinId::kSign}) {
      Pin& pin = u.state.pins[static_cast<int>(id)];
      pin.salt.clear();
      pin.hash.clear();
      pin.state.Reset();
    }
    u.state.sealed_keys[static_cast<int>(KeySlot::kSign)].clear();
    u.state.files.erase(kEfSignCert);
  }
  // To a PIN card the PINs stay unset until the counter sets them (SetPin).
  u.state.face = face;
  u.state.face_tries.Reset();
  face_match_ = FaceMatch::kNone;
  return Commit(u);  // Adopt drops the sign key and the verified flags of the cleared PINs
}

Result<FaceCheck> Card::RecordFaceCheck(bool matched) {
  face_match_ = FaceMatch::kNone;
  MYNACERT_ASSIGN_OR_RETURN(Update u, Begin());
  if (!u.state.face) return NotAFaceCard();
  rules::PinRetryState& tries = u.state.face_tries;
  FaceCheck check;
  if (tries.locked()) {  // R-FACE-2: locked, a match included, until the counter resets it
    check.locked = true;
    return check;
  }
  if (!matched) {
    // On the card before the answer, like a wrong PIN (VERIFY): no write, no answer.
    tries.Record(false);
    MYNACERT_RETURN_IF_ERROR(Commit(u));
    check.tries_left = tries.tries_left();
    check.locked = tries.locked();
    return check;
  }
  if (tries.tries_left() != tries.max_tries()) {  // consecutive failures: a match resets
    tries.Reset();
    MYNACERT_RETURN_IF_ERROR(Commit(u));
  }
  check.matched = true;
  check.tries_left = tries.tries_left();
  face_match_ = app_ == App::kJpki ? FaceMatch::kActive : FaceMatch::kPending;
  return check;
}

Status Card::ResetFaceCounter() {
  MYNACERT_ASSIGN_OR_RETURN(Update u, Begin());
  if (!u.state.face) return NotAFaceCard();
  u.state.face_tries.Reset();
  return Commit(u);
}

int Card::TriesLeft(PinId id) const {
  auto s = Load(nullptr);
  return s.ok() ? s->pins[static_cast<int>(id)].state.tries_left() : 0;
}

bool Card::FaceCard() const {
  auto s = Load(nullptr);
  return s.ok() ? s->face : state_.face;
}

int Card::FaceTriesLeft() const {
  auto s = Load(nullptr);
  return s.ok() ? s->face_tries.tries_left() : 0;
}

std::string Card::Certificate(CertSlot slot) const {
  auto s = Load(nullptr);
  if (!s.ok()) return {};
  auto it = s->files.find(CertEf(slot));
  return it == s->files.end() ? std::string() : it->second;
}

// --- holder side ---------------------------------------------------------------------------

void Card::Reset() {
  app_ = App::kNone;
  ef_ = 0;
  verified_.fill(false);
  face_match_ = FaceMatch::kNone;
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
    case 0x84:
      return GetChallenge(c);
    case 0x47:                                   // GENERATE ASYMMETRIC KEY PAIR
    case 0xD6:                                   // UPDATE BINARY
    case 0x2C:                                   // RESET RETRY COUNTER
    case kInsSetCardType:
    case kInsFaceCheckResult:
    case kInsResetFaceCounter:
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
    if (!Refresh().ok()) return Response(0x6581);  // another process may have changed the card
    app_ = app;
    ef_ = 0;
    verified_.fill(false);  // OpenSC's logout is a re-SELECT of the AP
    // A face match stands for a verified auth PIN: cleared the same way, except that one
    // reported before the JPKI AP was selected takes effect at this SELECT of it.
    face_match_ = face_match_ == FaceMatch::kPending && app == App::kJpki ? FaceMatch::kActive
                                                                          : FaceMatch::kNone;
    return Response(kSwOk);
  }
  if (c.p1 == 0x02) {  // an EF under the current DF, by file id
    if (c.data.size() != 2) return Response(kSwWrongLength);
    if (!Refresh().ok()) return Response(0x6581);
    const uint16_t ef = static_cast<uint16_t>(static_cast<uint8_t>(c.data[0]) << 8 |
                                              static_cast<uint8_t>(c.data[1]));
    if (!Knows(ef)) return Response(kSwFileNotFound);
    ef_ = ef;
    return Response(kSwOk);
  }
  return Response(kSwWrongP1P2);
}

bool Card::Knows(uint16_t ef) const {
  if (FindDataEf(app_, ef)) {  // a data EF exists once the issuer has written it
    const auto ap = state_.data_files.find(app_);
    return ap != state_.data_files.end() && ap->second.count(ef) != 0;
  }
  return FindPinEf(app_, ef) != nullptr ||
         (app_ == App::kJpki && (state_.files.count(ef) != 0 || ef == kEfAuthKey || ef == kEfSignKey ||
                                 ef == kEfAuthCert || ef == kEfSignCert || ef == kEfAuthCa || ef == kEfSignCa));
}

std::string Card::ReadBinary(const Command& c) {
  size_t offset = static_cast<size_t>(c.p1) << 8 | c.p2;
  if (c.p1 & 0x80) {
    // P1 = 80 | SFI: the EF by its short identifier, P2 the offset (ISO 7816-4 7.2.2), and the
    // EF becomes the current one. A real card reads so (the myna-browser-extension's
    // 00 B0 8A 00 04 in its MyNa Portal login; docs/card.md "Short EF addressing"). This card's
    // EF ids are 00 01–00 1F, so the short identifier is the id itself.
    if (c.p1 & 0x60) return Response(kSwWrongP1P2);
    const uint16_t sfi = c.p1 & 0x1F;
    if (!Refresh().ok()) return Response(0x6581);
    if (sfi == 0 || !Knows(sfi)) return Response(kSwFileNotFound);
    ef_ = sfi;
    offset = c.p2;
  }
  if (ef_ == 0) return Response(kSwCommandNotAllowed);
  if (app_ == App::kText || app_ == App::kVisual) return ReadDataFile(c, offset);
  if (app_ != App::kJpki) return Response(kSwCommandNotAllowed);
  const auto it = state_.files.find(ef_);
  if (it == state_.files.end()) {
    // A key or PIN EF, or a certificate EF not written yet.
    const bool is_cert =
        ef_ == kEfAuthCert || ef_ == kEfSignCert || ef_ == kEfAuthCa || ef_ == kEfSignCa;
    return Response(is_cert ? kSwWrongOffset : kSwCommandNotAllowed);
  }
  if (ef_ == kEfSignCert && !verified_[static_cast<int>(PinId::kSign)]) {
    return Response(kSwSecurityNotSatisfied);
  }
  if (!c.has_le) return Response(kSwWrongLength);
  const std::string& data = it->second;
  if (offset >= data.size()) return Response(kSwWrongOffset);
  return Response(kSwOk, std::string_view(data).substr(offset, c.ne));
}

// READ BINARY of the current EF of the 券面事項入力補助 or 券面 AP: a PIN EF is no file to read
// (69 86); a data EF answers once one of the PINs that open it is verified in this session
// (69 82 before: the status a real card gives, docs/card-evidence.md Q3), from `offset`.
std::string Card::ReadDataFile(const Command& c, size_t offset) {
  const DataEfRule* rule = FindDataEf(app_, ef_);
  const auto ap = state_.data_files.find(app_);
  if (!rule || ap == state_.data_files.end() || ap->second.count(ef_) == 0) {
    return Response(kSwCommandNotAllowed);
  }
  bool open = rule->count == 0;
  for (int i = 0; i < rule->count; ++i) open = open || verified_[static_cast<int>(rule->opened_by[i])];
  if (!open) return Response(kSwSecurityNotSatisfied);
  if (!c.has_le) return Response(kSwWrongLength);
  const std::string& data = ap->second.at(ef_);
  if (offset >= data.size()) return Response(kSwWrongOffset);
  return Response(kSwOk, std::string_view(data).substr(offset, c.ne));
}

// The PIN a VERIFY or CHANGE REFERENCE DATA names in P2: 80 = the current EF; 80 | EF = that
// PIN EF of the current AP without selecting it (short EF addressing; a real card accepts
// 00 20 00 98 in the JPKI AP and 00 20 00 91 in the 券面事項入力補助 AP, docs/card.md).
// Answers the status word of a refusal through `sw`.
const PinEf* Card::PinOf(uint8_t p2, uint16_t* sw) const {
  if ((p2 & 0xE0) != 0x80) {
    *sw = kSwWrongP1P2;
    return nullptr;
  }
  const uint16_t ref = p2 & 0x1F;
  const PinEf* ef = FindPinEf(app_, ref == 0 ? ef_ : ref);
  if (!ef) *sw = ref == 0 ? kSwCommandNotAllowed : kSwReferenceNotFound;
  return ef;
}

std::string Card::Verify(const Command& c) {
  if (c.p1 != 0x00) return Response(kSwWrongP1P2);
  uint16_t refused = 0;
  const PinEf* ef = PinOf(c.p2, &refused);
  if (!ef) return Response(refused);
  const int id = static_cast<int>(ef->id);
  // The status query: 63 Cx in every state — verified, blocked (63 C0) — as OpenSC needs; the
  // count as the card file holds it now.
  if (c.data.empty()) {
    if (!Refresh().ok()) return Response(0x6581);  // memory failure
    if (state_.pins[id].hash.empty()) return Response(UnsetPinSw(state_.face));
    return Response(card::TriesLeft(state_.pins[id].state.tries_left()));
  }
  verified_[id] = false;
  // Under the card file's lock, on its state as read now: another process's tries count.
  auto u = Begin();
  if (!u.ok()) return Response(0x6581);
  Pin& pin = u->state.pins[id];
  if (pin.hash.empty()) return Response(UnsetPinSw(u->state.face));  // nothing to compare
  // Blocked (R-CERT-6): 69 84 to every VERIFY after the one that exhausted it (63 C0), as a
  // real card answers (soltia48/myna-card README "Retry counters"; docs/card-evidence.md Q3).
  if (pin.state.locked()) return Response(kSwRefDataNotUsable);
  // The try is on the card before the PIN is compared: if it cannot be written (a full or
  // read-only disk) there is no comparison at all, and pulling the card (kill -9) at any
  // point cannot give a try back.
  pin.state.Record(false);
  if (!Commit(*u).ok()) return Response(0x6581);
  const std::string hash = Pbkdf2(c.data, pin.salt, kPbkdf2PinIterations);
  const bool correct = hash.size() == pin.hash.size() &&
                       CRYPTO_memcmp(hash.data(), pin.hash.data(), hash.size()) == 0;
  if (!correct) return Response(card::TriesLeft(pin.state.tries_left()));
  pin.state.Reset();  // R-CERT-6: consecutive failures; success resets
  if (!Commit(*u).ok()) return Response(0x6581);
  verified_[id] = true;
  return Response(kSwOk);
}

std::string Card::ChangePin(const Command& c) {
  if (c.p1 != 0x01) return Response(kSwWrongP1P2);
  uint16_t refused = 0;
  const PinEf* ef = PinOf(c.p2, &refused);
  if (!ef) return Response(refused);
  if (!verified_[static_cast<int>(ef->id)]) return Response(kSwSecurityNotSatisfied);
  const Status set = SetPin(ef->id, c.data);
  if (!set.ok())
    return Response(set.error().code == ErrorCode::kInvalidArgument ? kSwWrongData : 0x6581);
  verified_[static_cast<int>(ef->id)] = true;
  return Response(kSwOk);
}

std::string Card::Sign(const Command& c) {
  // P2 = 80: the current key EF; 80 | EF: that key EF without selecting it, as a real card
  // takes it (80 2A 00 97 in the myna-browser-extension's MyNa Portal login; soltia48/myna-card
  // src/ap/jpki.rs: "the card produces a byte-identical signature either way").
  if (app_ == App::kVisual) return SignWithApKey(c);
  if (c.p1 != 0x00 || (c.p2 & 0xE0) != 0x80) return Response(kSwWrongP1P2);
  const uint16_t ref = c.p2 & 0x1F;
  const uint16_t key_ef = ref == 0 ? ef_ : ref;
  if (app_ != App::kJpki || (key_ef != kEfAuthKey && key_ef != kEfSignKey)) {
    return Response(ref == 0 ? kSwCommandNotAllowed : kSwReferenceNotFound);
  }
  const KeySlot slot = key_ef == kEfAuthKey ? KeySlot::kAuth : KeySlot::kSign;
  const PinId pin = slot == KeySlot::kAuth ? PinId::kAuth : PinId::kSign;
  if (!Refresh().ok()) return Response(0x6581);  // a key renewed through another process
  // On a face card the auth key answers to a matched face check, not to a PIN (R-FACE-1).
  const bool allowed = slot == KeySlot::kAuth && state_.face
                           ? face_match_ == FaceMatch::kActive
                           : verified_[static_cast<int>(pin)];
  if (!allowed) return Response(kSwSecurityNotSatisfied);
  return SignWith(slot, c.data);
}

// The 券面 AP's own key: 80 2A 00 00 (the AP's default key), no PIN — what proves that the chip
// holding the card-face records is present (soltia48/myna-card src/ap/surface.rs SurfaceAp::sign:
// "the one whose public half travels inside the signed records, and which needs no credential").
std::string Card::SignWithApKey(const Command& c) {
  if (c.p1 != 0x00 || c.p2 != 0x00) return Response(kSwWrongP1P2);
  if (!Refresh().ok()) return Response(0x6581);
  return SignWith(KeySlot::kVisual, c.data);
}

std::string Card::SignWith(KeySlot slot, std::string_view digest_info) {
  if (digest_info.empty() || digest_info.size() > 245) return Response(kSwWrongLength);  // k - 11
  if (state_.sealed_keys[static_cast<int>(slot)].empty()) return Response(kSwConditionsNotSatisfied);
  if (!LoadKey(slot).ok()) return Response(0x6F00);
  pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(keys_[static_cast<int>(slot)].get(), nullptr));
  size_t length = 256;
  std::string signature(256, '\0');
  // PKCS#1 v1.5 type 1 over the DigestInfo the host built (no hashing on the card).
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                    reinterpret_cast<const unsigned char*>(digest_info.data()), digest_info.size()) != 1) {
    pki::TakeOpenSslErrors();
    return Response(0x6F00);
  }
  signature.resize(length);
  return Response(kSwOk, signature);
}

// GET CHALLENGE 00 84 00 00 Le, as a real JPKI card answers it (soltia48/myna-card, src/card.rs
// Card::get_challenge, commit 0c39784a): exactly Le random bytes for every short Le (Le 00 =
// 256), with or without an AP selected, no PIN asked; the extended form refused with 69 85.
// OpenSC's iso7816 get_challenge sends it for C_GenerateRandom (pkcs11-tool --test). It touches
// no state: a verified PIN stays verified, the current AP and EF stay current, the card file
// is not written.
std::string Card::GetChallenge(const Command& c) {
  if (c.p1 != 0x00 || c.p2 != 0x00) return Response(kSwWrongP1P2);
  if (!c.data.empty()) return Response(kSwWrongLength);  // case 3/4: nothing goes in
  if (c.extended) return Response(kSwConditionsNotSatisfied);  // the real card's answer
  // No Le (case 1): not observed on a real card; no length asked is a wrong length here, as
  // for READ BINARY.
  if (!c.has_le) return Response(kSwWrongLength);
  std::string challenge(c.ne, '\0');  // 1..256: short Le only, by now
  if (RAND_bytes(reinterpret_cast<unsigned char*>(challenge.data()),
                 static_cast<int>(challenge.size())) != 1) {
    // No entropy: no bytes at all rather than predictable ones.
    pki::TakeOpenSslErrors();
    return Response(0x6F00);
  }
  return Response(kSwOk, challenge);
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
    if (IsFaceRefusal(s.error())) return Response(kSwConditionsNotSatisfied);  // R-FACE-1
    return Response(s.error().code == ErrorCode::kInvalidArgument ? kSwWrongData : 0x6581);
  };
  switch (c.ins) {
    case 0x47: {  // GENERATE ASYMMETRIC KEY PAIR, P2 = the key EF
      // With the 券面 AP current, P2 = 00: that AP's own key.
      const bool visual = app_ == App::kVisual && c.p2 == 0x00;
      if (c.p1 != 0x00 || (!visual && c.p2 != kEfAuthKey && c.p2 != kEfSignKey)) {
        return Response(kSwWrongP1P2);
      }
      if (!c.data.empty()) return Response(kSwWrongLength);
      auto pub = GenerateKeyPair(visual                 ? KeySlot::kVisual
                                 : c.p2 == kEfAuthKey ? KeySlot::kAuth
                                                      : KeySlot::kSign);
      if (!pub.ok()) return status_of(pub.error());
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
      if (app_ == App::kText || app_ == App::kVisual) {  // a data EF of the current AP
        if (!FindDataEf(app_, ef)) return Response(kSwFileNotFound);
        return status_of(WriteDataFile(app_, ef, c.data));
      }
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
    case kInsSetCardType: {  // P1 = 00 PIN card, 01 face card
      if (c.p1 > 0x01 || c.p2 != 0x00) return Response(kSwWrongP1P2);
      if (!c.data.empty()) return Response(kSwWrongLength);
      return status_of(SetFaceCard(c.p1 == 0x01));
    }
    case kInsFaceCheckResult: {  // P1 = 00 mismatch, 01 match
      if (c.p1 > 0x01 || c.p2 != 0x00) return Response(kSwWrongP1P2);
      if (!c.data.empty()) return Response(kSwWrongLength);
      auto check = RecordFaceCheck(c.p1 == 0x01);
      if (!check.ok()) return status_of(check.error());
      if (check->matched) return Response(kSwOk);
      if (check->locked) return Response(kSwPinBlocked);
      return Response(card::TriesLeft(check->tries_left));
    }
    case kInsResetFaceCounter: {
      if (c.p1 != 0x00 || c.p2 != 0x00) return Response(kSwWrongP1P2);
      if (!c.data.empty()) return Response(kSwWrongLength);
      return status_of(ResetFaceCounter());
    }
    default:
      return Response(kSwInsNotSupported);
  }
}

}  // namespace mynacert::card
