// The loss hotline (rules-lifecycle.md R-LOST-1): a caller reports a lost or stolen card; the
// operator identifies the holder by the basic data the caller gives (name, birth date,
// address), and in one transaction of the counter's store the card is suspended (一時停止),
// both certificates are marked held and their holds queued for the CA, the call is recorded
// and audited. The holds then reach the CA together (CaStore::RevokeAll), so its OCSP answers
// `revoked (certificateHold)` for both at once; a crash between the two transactions leaves
// them queued for Recover() / the next delivery, never half done.
//
// A hold is final (R-LOST-2): nothing here lifts it. A found card goes to a counter
// (procedure found_card: the held certificates revoked, new ones issued); a card that stays
// lost is abolished there (abolish_card, R-LOST-4).
//
// The hotline is national and open 24 hours: a call is taken whatever the counters' hours.
//
// Thread-safety: one per thread (its store owns one connection).
#ifndef MYNACERT_COUNTER_LIFECYCLE_H_
#define MYNACERT_COUNTER_LIFECYCLE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "counter/registry.h"
#include "counter/store.h"
#include "pki/ca_store.h"
#include "pki/certificate.h"
#include "rules/reasons.h"

namespace mynacert::counter {

// What the caller says.
struct LossReport {
  std::string name;     // the holder's 氏名 (spaces and full-width letters as typed: compared loosely)
  Date birth;
  std::string address;  // the address of the residence record
  std::string event = "lost";     // lost | stolen
  std::string caller = "holder";  // holder | family | other
  std::string caller_name;        // required unless the holder calls
  bool outside_home = false;      // lost outside the home: the police too (R-LOST-1)
  std::string police_receipt;     // 受理番号 where given: up to 32 letters, digits, '-'
  std::string note;               // up to 500 characters
};

struct LossReceipt {
  int64_t call_id = 0;
  int64_t resident_id = 0;
  std::string municipality;
  int64_t card_id = 0;
  // The certificates this call put on hold (kind, serial); empty when the card was already
  // suspended by an earlier call (`already_suspended`).
  std::vector<std::pair<std::string, std::string>> held;
  bool already_suspended = false;
  // What the holder must still do (report to the municipality; to the police), and that the
  // hold is final: for the operator to read out.
  std::vector<rules::Reason> next;
};

// Identifies the holder, suspends the card and holds both certificates, records the call
// (R-LOST-1); then delivers the holds to `ca` (when given; else the next delivery does).
// Errors name the field: name, birth, address (no resident matches all three: `holder`, with
// nothing that tells which part differed), event, caller, caller_name, police_receipt, note;
// `card` when the holder has no card in force.
Result<LossReceipt> ReportLoss(CounterStore& store, Registry& registry, const LossReport& report,
                               std::string_view operator_name, int64_t now, Date today,
                               pki::CaStore* ca);

// The comparison the hotline makes: spaces dropped, full-width ASCII folded.
std::string NormalizeForMatch(std::string_view text);

// ---- What the holder asks online with the card: a signed challenge ----
//
// The holder proves possession of the card (and knowledge of a PIN) by a signature with a
// certificate's own key over a fresh challenge of the service:
//   1. IssueHolderChallenge(certificate, purpose): the certificate must be one of this CA's (its
//      signature checked against the CA certificates given) and good in the CA store; a
//      challenge of 32 random bytes is stored for it and the purpose, valid kChallengeSeconds.
//   2. The holder signs ChallengeMessage(challenge) on the card (SHA-256, PKCS#1 v1.5). The
//      message names the purpose, the certificate and the challenge, so a signature made for
//      anything else (a login, another certificate, another purpose) never matches.
//   3. The answer: the challenge is claimed once (a replay finds it used; an expired one is
//      refused), its purpose must be the one answered, and the signature is checked with the
//      public key of the certificate the challenge names — a signature by another key is
//      refused. Claimed before the check, so a challenge gives one try, never an oracle.
// Purposes:
//   revocation   R-REV-2 "no longer used": RevokeOnHolderRequest revokes the certificate
//                cessationOfOperation (ended in the counter's records, queued, delivered,
//                audited `holder_revocation`). A lost, stolen or misused card is not revoked
//                this way: the hotline holds it (R-LOST-1).
//   kiosk:auth   R-KIOSK-1: BookKiosk books the reset of the auth PIN, proven with the sign
//   kiosk:sign   certificate's key (and the other way round), valid kiosk_seconds; the kiosk
//                then resets it (ResetPinAtKiosk). The 住基 and 券面事項入力補助 PINs, and both
//                certificate PINs forgotten, are not a kiosk's (R-KIOSK-2).
inline constexpr int64_t kChallengeSeconds = 300;
// R-KIOSK-1 (rules-lifecycle.md, medium confidence): how long a kiosk booking stays valid.
inline constexpr int64_t kDefaultKioskBookingSeconds = 24 * 3600;

struct Challenge {
  std::string id;         // 32 hex digits
  std::string purpose;    // revocation | kiosk:auth | kiosk:sign
  std::string kind;       // auth | sign: the certificate whose key answers
  std::string serial;
  std::string challenge;  // 64 hex digits
  int64_t expires_at = 0;
};
// The CA generation among `cas` whose key signed `cert`; nullptr when none did.
const pki::CaGeneration* IssuerOf(std::span<const pki::CaGeneration* const> cas, X509* cert);

// The exact bytes the holder signs.
std::string ChallengeMessage(const Challenge& c);
// The first line of the message for `purpose`: a client checks it before it signs.
std::string ChallengePrefix(std::string_view purpose);

// Errors: `purpose` (unknown; a kiosk booking proven with the certificate of the PIN it resets,
// R-KIOSK-1), `certificate` (not DER, not issued by `cas`, unknown to the CA store), 409
// `serial` when it is not good (revoked or held: R-REV-2 / R-LOST-2).
Result<Challenge> IssueHolderChallenge(CounterStore& store, pki::CaStore& ca,
                                       std::span<const pki::CaGeneration* const> cas,
                                       std::string_view certificate_der, std::string_view purpose,
                                       int64_t now);

struct HolderRevocation {
  std::string kind, serial;
  int64_t resident_id = 0;  // 0 when the counter has no record of it
};
// Errors: `challenge_id` (unknown, used, expired or of another purpose: 409), `signature` (does
// not verify: 403).
Result<HolderRevocation> RevokeOnHolderRequest(CounterStore& store, Registry& registry, pki::CaStore& ca,
                                               std::string_view challenge_id,
                                               std::string_view signature, int64_t now, Date today);

// R-KIOSK-1: the booking of a kiosk PIN reset, answered like a revocation request.
Result<CounterStore::KioskBooking> BookKiosk(CounterStore& store, pki::CaStore& ca, std::string_view challenge_id,
                                             std::string_view signature, int64_t now,
                                             int64_t valid_seconds = kDefaultKioskBookingSeconds);

// R-KIOSK-2: which PINs a kiosk may reset ("auth", "sign"); the refusal with its rule otherwise.
Status CheckKioskPin(std::string_view pin);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_LIFECYCLE_H_
