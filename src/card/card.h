// The IC chip of a My Number Card, as a state machine over ISO 7816-4 APDUs (jpki-card.md §7).
// The applications, files and PINs are in layout.h.
//
// Holder side = Transmit(): SELECT (A4), READ BINARY (B0; the data EFs of the 券面事項入力補助
// and 券面 APs once a PIN that opens them is verified, layout.h kDataEfRules, else 69 82), VERIFY (20, also the empty status
// query answering 63 Cx in every state of a PIN that is set; 69 84 / 6A 88 for one that is not,
// see face-authentication cards below), CHANGE REFERENCE DATA (24), COMPUTE DIGITAL
// SIGNATURE (80 2A 00 80: PKCS#1 v1.5 type 1 over the DigestInfo the host sends, RSA-2048;
// in the 券面 AP 80 2A 00 00 with its own key and no PIN)
// and GET CHALLENGE (00 84 00 00 Le: Le random bytes, 1–256, any AP or none, no PIN; extended
// Le 69 85, as a real card).
// Short EF addressing, as a real card takes it (docs/card.md): VERIFY and CHANGE REFERENCE DATA
// with P2 = 80 | PIN EF, COMPUTE DIGITAL SIGNATURE with P2 = 80 | key EF (no SELECT of the EF;
// one this AP lacks: 6A 88), READ BINARY with P1 = 80 | SFI and P2 the offset (the EF becomes
// current; unknown: 6A 82). An extended Le reads up to 65 536 bytes (00 00: to the file's end).
// Selecting an application clears every PIN-verified flag (OpenSC's logout).
//
// Issuer side over APDUs = the issuer channel (secure_channel.h): INITIALIZE UPDATE (80 50) and
// EXTERNAL AUTHENTICATE (84 82) open a session under the card's issuer key; then, CLA 84 only,
// sealed with the session key:
//   GENERATE ASYMMETRIC KEY PAIR 84 47 00 <17|1A>          → SubjectPublicKeyInfo (DER)
//                                84 47 00 00 with the 券面 AP current: that AP's own key
//   UPDATE BINARY               84 D6 <80|SFI> 00 <DER>    → replaces the whole certificate EF
//                                   (SFI 0A auth, 01 sign, 0B auth CA, 02 sign CA) with the
//                                   JPKI AP (or none) current; with the 券面事項入力補助 or
//                                   券面 AP current, the whole data EF of that AP (kDataEfRules)
//   RESET RETRY COUNTER         84 2C 02 <80|EF> <new PIN> → sets the PIN and its counter
//                               84 2C 03 <80|EF>           → resets the counter (ロック解除)
//   SET CARD TYPE               84 F0 <00 PIN card|01 face card> 00           (R-FACE-3)
//   FACE CHECK RESULT           84 F2 <00 mismatch|01 match> 00               (R-FACE-1, -2)
//                                   → 90 00 | 63 Cx (x tries left) | 69 83 locked | 69 85 PIN card
//   RESET FACE COUNTER          84 F4 00 00                                   → 90 00 | 69 85
// (F0/F2/F4 are our own: how a real card takes a face check is not public.)
// The same INS with CLA 00 (a holder-side client) answer 69 82: they exist only inside a session.
// The C++ issuer methods below do the same in-process (manufacture, and tests); whoever calls
// them holds the card file and its secret already.
//
// State lives in a card file (the EEPROM), format "mynacert-card/5", rewritten atomically
// (temp file, fsync, rename) after every change. Several Cards may hold one file at once — a
// `card serve`, the counter's execution, one-shot `card …` processes — so the file, not the
// object, is the card:
//  * The lock. Every change (a VERIFY with data, CHANGE REFERENCE DATA, SetPin,
//    ResetPinCounter, GenerateKeyPair, WriteCertificate, SetFaceCard, RecordFaceCheck,
//    ResetFaceCounter) holds flock(LOCK_EX) on the sidecar
//    `<card file>.lock` (the card file itself is replaced by rename, so it cannot carry the
//    lock), re-reads the state from the file, changes it, writes it, and only then lets go.
//    Reads that matter (TriesLeft, FaceCard, FaceTriesLeft, the VERIFY status query, SELECT, a
//    signature) re-read the
//    file when it has changed since this Card last saw it. Re-reading costs one AES-GCM
//    decryption: the card key from the secret is derived once, at Open.
//  * The seal. Everything that changes — the EFs, the private keys (each also sealed on its
//    own), the PIN salts, PBKDF2 hashes and retry counters, the card type and the face
//    counter — is one AES-256-GCM blob under a key
//    derived (PBKDF2, 200 000 rounds) from the card secret and the card id, the card id in the
//    associated data. Without the secret the file shows no PIN hash to guess offline, and an
//    edited counter, hash or byte is refused as a damaged file (Open fails; a Card that finds
//    its file damaged answers 65 81 and writes nothing). A "/2" file (counters in clear) is
//    refused too: reading it would let anyone turn a "/3" file back into an editable one.
//    What a file cannot stop: putting back a whole older copy of itself (a real chip's
//    EEPROM cannot be rolled back; a file can).
//  * The fail-closed VERIFY. Under the lock: blocked → 69 83; else the counter is lowered and
//    written BEFORE the PIN is compared; if that write fails (full or read-only disk) the
//    answer is 65 81 and no comparison is made. A right PIN then restores the counter with a
//    second write. A crash (kill -9) between the two can lose a try, never give one back.
//  * The fail-closed face check (below): the same discipline — a mismatch lowers the face
//    counter and writes it, under the lock, before the answer; a write that fails answers 65 81.
//
// Face-authentication cards (顔認証マイナンバーカード, R-FACE-1..4). CardInit::face, or
// SetFaceCard(true) at a counter: the auth and sign PINs are unset (no salt, no hash), the sign
// key slot (001A) and the sign certificate EF (0001) are empty. Holder side:
//   VERIFY of an unset PIN, with data or empty → 69 84 (reference data not usable) on a face
//     card; 6A 88 (reference data not found) on a PIN card whose PIN the counter has not set
//     yet (just switched back). No try is spent. JpkiClient::IsFaceCard reads this.
//   COMPUTE DIGITAL SIGNATURE with the auth key → only after FACE CHECK RESULT "match" in this
//     card session: that stands for a verified auth PIN and is cleared like one (a reset, any
//     SELECT of an AP). Reported while the JPKI AP is not the current one, it takes effect at
//     the next SELECT of the JPKI AP (and that SELECT is not the one that clears it).
//   The sign key → 69 82 (its PIN can never be verified); READ BINARY of 0001 → 6B 00 (empty).
// Issuer side on a face card: GenerateKeyPair(kSign), WriteCertificate(kSign), SetPin and
// ResetPinCounter of the auth or sign PIN are refused (FailedPrecondition, rule R-FACE-1;
// 69 85 over APDUs). The face counter allows 10 consecutive mismatches (R-FACE-2,
// rules::MaxPinTries(kAuth, true)): the 10th answers 69 83, and so does every check after it,
// a match included, until ResetFaceCounter. A match resets the counter.
//
// This simulates a secure element; it is not one. No interface exports a private key or the
// issuer key. Files (the card file and its lock) are 0600 whatever the umask.
//
// Errors name plain fields ("card", "secret", "issuer_key", "auth_pin", …); the CLI maps them
// to its flags.
//
// Thread-safety: one Card per thread (the vpcd connection serialises APDUs); any number of
// Cards, in any processes, on one card file.
#ifndef MYNACERT_CARD_CARD_H_
#define MYNACERT_CARD_CARD_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "card/apdu.h"
#include "card/host.h"  // FaceCheck
#include "card/layout.h"
#include "card/secure_channel.h"
#include "core/result.h"
#include "pki/openssl.h"
#include "rules/pins.h"

namespace mynacert::card {

// The issuer-channel INS codes of the face-authentication commands (CLA 84, sealed).
inline constexpr uint8_t kInsSetCardType = 0xF0;
inline constexpr uint8_t kInsFaceCheckResult = 0xF2;
inline constexpr uint8_t kInsResetFaceCounter = 0xF4;

// What the counter terminal sets when the card is made.
struct CardInit {
  std::string auth_pin;       // 4 digits; empty (and unset on the card) when `face`
  std::string sign_pin;       // 6–16 of A–Z 0–9 (upper-cased); empty when `face`
  std::string text_pin;       // 4 digits (券面事項入力補助用)
  std::string juki_pin;       // 4 digits (住民基本台帳用)
  std::string my_number;      // 12 digits: PIN A of the 券面 and 券面事項入力補助 APs
  std::string pin_b;          // birth YYMMDD + expiry YYYY + security code: PIN B
  std::string issuer_master;  // the issuer's secret (≥ 16 bytes): the card keeps only the
                              // key derived from it for this card (secure_channel.h)
  bool face = false;          // a face-authentication card (R-FACE-1): no auth or sign PIN,
                              // no sign key or certificate; auth_pin and sign_pin must be empty
};

// A new chip id: 16 random bytes as 32 upper-case hex digits.
std::string NewCardId();

class Card {
 public:
  // A new card file (refuses to overwrite one). `secret` encrypts the keys at rest. `card_id`:
  // 32 upper-case hex digits, or empty for a random one (NewCardId); the issuer chooses it first
  // when it derives what it prints from it (the security code, card_face.h).
  static Result<std::unique_ptr<Card>> Create(const std::string& path, const std::string& secret,
                                              const CardInit& init, std::string_view card_id = {});
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
  // A data EF of the 券面事項入力補助 or 券面 AP (layout.h kDataEfRules), the whole file
  // replaced: the holder's data as the registry has it (card_data.h).
  static constexpr size_t kMaxDataFile = 32768;
  Status WriteDataFile(App app, uint16_t ef, std::string_view data);
  Status SetPin(PinId pin, std::string_view new_pin);  // also resets its counter (初期化)
  Status ResetPinCounter(PinId pin);                   // ロック解除
  // R-FACE-3: to a face card, the auth and sign PINs cleared (unset), the sign key and the sign
  // certificate EF erased, the face counter full; to a PIN card, the PINs stay unset until
  // SetPin. No-op (nothing cleared) when the card is that type already.
  Status SetFaceCard(bool face);
  // A face check done by a machine or by staff (R-FACE-1, R-FACE-2). On a PIN card:
  // FailedPrecondition naming R-FACE-1. Locked: {false, 0, true}, nothing changed. A mismatch
  // is counted and written before it returns; a match resets the counter and makes the auth
  // key usable for this Card's session (see above).
  Result<FaceCheck> RecordFaceCheck(bool matched);
  Status ResetFaceCounter();  // the face function unlocked at a counter; PIN card: refused

  // Observations (the counter's "PIN tries left" and a test's view); no secrets. As the card
  // file holds them now; TriesLeft is 0 (blocked) when the file cannot be read. An unset PIN
  // (a face card's auth and sign PINs) keeps its full count: FaceCard() tells. FaceCard is the
  // last known type and FaceTriesLeft 0 when the file cannot be read.
  int TriesLeft(PinId pin) const;
  bool FaceCard() const;
  int FaceTriesLeft() const;
  std::string Certificate(CertSlot slot) const;
  const std::string& card_id() const { return card_id_; }

 private:
  struct Pin {
    std::string salt;
    std::string hash;  // PBKDF2-HMAC-SHA256(PIN, salt): never the PIN itself; empty = unset
    rules::PinRetryState state{rules::PinKind::kAuth};
  };
  // What the card file holds under its seal: everything that changes.
  struct State {
    std::map<uint16_t, std::string> files;   // JPKI transparent EFs: 0006, 000A, 0001, 000B, 0002
    std::map<App, std::map<uint16_t, std::string>> data_files;  // 券面事項入力補助, 券面 APs
    std::array<std::string, kKeyCount> sealed_keys;  // AES-256-GCM(PKCS#8 DER) per KeySlot
    std::array<Pin, kPinCount> pins;
    bool face = false;  // a face-authentication card (absent in older files: a PIN card)
    rules::PinRetryState face_tries{rules::PinKind::kAuth, /*face_authentication=*/true};
  };
  // Which version of the card file this Card last read or wrote (each save is a new inode).
  struct Stamp {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  class FileLock;  // flock(LOCK_EX) on "<card file>.lock", released by the destructor
  // One change to the card file: the lock held and the state as read under it.
  struct Update;
  Card() = default;
  Result<Update> Begin();             // locks, re-reads (in memory while Create builds the card)
  Status Commit(const Update& u);     // writes u's state, then adopts it; the lock stays held
  Result<State> Load(Stamp* stamp) const;  // the state as the file holds it now
  Status Refresh();                        // Load() + Adopt() when the file has changed
  void Adopt(State s);
  Status Store(const State& s);
  std::string Dispatch(std::string_view command);
  std::string Select(const Command& c);
  bool Knows(uint16_t ef) const;  // an EF of the current AP (SELECT by id, READ BINARY by SFI)
  const PinEf* PinOf(uint8_t p2, uint16_t* sw) const;
  std::string ReadBinary(const Command& c);
  std::string ReadDataFile(const Command& c, size_t offset);
  std::string Verify(const Command& c);
  std::string ChangePin(const Command& c);
  std::string Sign(const Command& c);
  std::string SignWithApKey(const Command& c);
  std::string SignWith(KeySlot slot, std::string_view digest_info);
  std::string GetChallenge(const Command& c);
  std::string InitializeUpdate(const Command& c);
  std::string ExternalAuthenticate(const Command& c);
  std::string Secured(const Command& c);
  std::string IssuerCommand(const Command& c);
  Status LoadKey(KeySlot slot);

  std::string path_;
  bool save_ = true;  // false while Create() is still checking its input
  std::string card_id_;
  std::array<uint8_t, 32> key_{};  // derived from the secret; seals the state in the file
  State state_;                    // as last read from or written to the file
  Stamp stamp_;
  std::array<pki::EvpPkeyPtr, kKeyCount> keys_;  // decrypted on first use; dropped when a key changes
  std::string sealed_issuer_key_;        // AES-256-GCM(K_card)
  sc::Key issuer_key_{};

  // volatile
  App app_ = App::kNone;
  uint16_t ef_ = 0;
  std::array<bool, kPinCount> verified_{};
  // A face check matched in this session: kPending until the next SELECT of the JPKI AP when it
  // was reported with another (or no) AP current, kActive = the auth key usable.
  enum class FaceMatch : uint8_t { kNone, kPending, kActive };
  FaceMatch face_match_ = FaceMatch::kNone;
  enum class Session : uint8_t { kNone, kHalfOpen, kOpen };
  Session session_ = Session::kNone;
  std::string host_challenge_, card_challenge_;
  sc::Key session_key_{};
  uint32_t session_counter_ = 0;
};

}  // namespace mynacert::card

#endif  // MYNACERT_CARD_CARD_H_
