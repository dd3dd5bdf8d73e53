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

// ---- The holder's online revocation request (R-REV-2: "no longer used", at any hour) ----
//
// The holder proves possession of the card by a signature with the certificate's own key over
// a fresh challenge of the service (utilities: `mynacert card revoke-request`):
//   1. IssueRevocationChallenge(certificate): the certificate must be one of this CA's (its
//      signature checked against the CA certificates given) and good in the CA store; a
//      challenge of 32 random bytes is stored for it, valid kChallengeSeconds.
//   2. The holder signs RevocationMessage(challenge) on the card (SHA-256, PKCS#1 v1.5).
//   3. RevokeOnHolderRequest(id, signature): the challenge is claimed once (a replay finds it
//      used; an expired one is refused), the signature checked with the public key of the
//      certificate the challenge names — a signature by another key is refused —, and the
//      certificate revoked `cessationOfOperation` in the CA, ended in the counter's records
//      and audited (`holder_revocation`).
// A lost, stolen or misused card is not revoked this way (R-REV-2): the hotline holds it.
inline constexpr int64_t kChallengeSeconds = 300;

struct RevocationChallenge {
  std::string id;         // 32 hex digits
  std::string kind;       // auth | sign
  std::string serial;
  std::string challenge;  // 64 hex digits
  int64_t expires_at = 0;
};
// The exact bytes the holder signs: it names the purpose, the certificate and the challenge,
// so a signature made for anything else (a login, another certificate) never matches.
std::string RevocationMessage(const RevocationChallenge& c);

// Errors: `certificate` (not DER, not issued by `cas`, unknown to the CA store), 409 `serial`
// when it is not good (revoked or held: R-REV-2 / R-LOST-2).
Result<RevocationChallenge> IssueRevocationChallenge(CounterStore& store, pki::CaStore& ca,
                                                     std::span<const pki::CaGeneration* const> cas,
                                                     std::string_view certificate_der, int64_t now);

struct HolderRevocation {
  std::string kind, serial;
  int64_t resident_id = 0;  // 0 when the counter has no record of it
};
// Errors: `challenge_id` (unknown, used or expired: 409), `signature` (does not verify: 403).
Result<HolderRevocation> RevokeOnHolderRequest(CounterStore& store, Registry& registry, pki::CaStore& ca,
                                               std::string_view challenge_id,
                                               std::string_view signature, int64_t now, Date today);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_LIFECYCLE_H_
