// The issuer channel: how the counter terminal proves to a card that it is the issuer before it
// may generate keys, write certificates or set PINs (R-WIN-6), and how those commands travel
// confidential and unreplayable. Real My Number Cards use secure messaging under J-LIS keys;
// this is our own scheme, shaped like GlobalPlatform SCP03 but not compatible with it.
//
// Keys
//   master  the issuer's secret (a municipality's counter system holds it; ≥ 16 bytes).
//   K_card  = HMAC-SHA256(master, "mynacert-card-issuer/1" || card_id), written into the card
//           at manufacture (sealed like its private keys). A card knows only its own K_card, so
//           one card's file reveals nothing about another card.
// Opening a session (mutual authentication, fresh keys every time)
//   INITIALIZE UPDATE   80 50 00 00 10 <host challenge, 16> 00
//                       → card_id (16) || card challenge (16) || card cryptogram (16) 90 00
//   S = HMAC-SHA256(K_card, "session" || host challenge || card challenge)
//   card cryptogram = HMAC-SHA256(S, "card" || host ch || card ch)[0..16]  (the host checks it)
//   EXTERNAL AUTHENTICATE 84 82 00 00 10 <host cryptogram = HMAC(S, "host" || card ch ||
//                       host ch)[0..16]>  → 90 00, or 69 82 and the half-open session is gone.
// Secured commands (CLA 84), numbered n = 1, 2, … within the session
//   data = AES-256-GCM(S, nonce = 01 || 00×7 || n (4, big endian), aad = CLA INS P1 P2,
//          payload) || tag (16)
//   answer = AES-256-GCM(S, nonce = 02 || 00×7 || n, aad = SW1 SW2, data) || tag, SW1 SW2
//   A command that does not open under the next n (forged, altered, replayed, reordered) gets
//   69 88 and ends the session. A reset or power cycle ends it too.
// The commands (card.h): GENERATE ASYMMETRIC KEY PAIR (47), UPDATE BINARY (D6), RESET RETRY
// COUNTER (2C), and for face-authentication cards our own SET CARD TYPE (F0), FACE CHECK
// RESULT (F2) and RESET FACE COUNTER (F4) — their arguments in P1, which the header's place in
// the associated data authenticates. A terminal that reports a face check must therefore hold
// the issuer key; how a real card learns of a face check is not public.
//
// Thread-safety: plain functions.
#ifndef MYNACERT_CARD_SECURE_CHANNEL_H_
#define MYNACERT_CARD_SECURE_CHANNEL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mynacert::card::sc {

inline constexpr size_t kChallengeSize = 16;
inline constexpr size_t kCryptogramSize = 16;
inline constexpr size_t kTagSize = 16;
inline constexpr uint8_t kClaSecure = 0x84;
inline constexpr uint8_t kInsInitializeUpdate = 0x50;
inline constexpr uint8_t kInsExternalAuthenticate = 0x82;

using Key = std::array<uint8_t, 32>;

// Random bytes from OpenSSL's DRBG.
std::string RandomBytes(size_t n);
// HMAC-SHA256.
std::string Hmac(std::string_view key, std::string_view message);

Key CardKey(std::string_view master, std::string_view card_id);
Key SessionKey(const Key& card_key, std::string_view host_challenge,
               std::string_view card_challenge);
std::string CardCryptogram(const Key& session, std::string_view host_challenge,
                           std::string_view card_challenge);
std::string HostCryptogram(const Key& session, std::string_view host_challenge,
                           std::string_view card_challenge);

// AES-256-GCM with an explicit 12-byte nonce: ciphertext || tag. Open: nullopt when the tag
// does not verify.
std::string GcmSeal(const Key& key, std::string_view nonce, std::string_view aad,
                    std::string_view plain);
std::optional<std::string> GcmOpen(const Key& key, std::string_view nonce, std::string_view aad,
                                   std::string_view sealed);

enum class Direction : uint8_t { kCommand = 1, kResponse = 2 };
std::string Nonce(Direction d, uint32_t counter);

}  // namespace mynacert::card::sc

#endif  // MYNACERT_CARD_SECURE_CHANNEL_H_
