// Helpers the counter's parts share (counter/registry.h, counter/cases.h,
// counter/execution.h): the audit record of an action, and the names of PINs and key kinds as
// cases, the journal and the store write them. Not for callers outside counter/.
#ifndef MYNACERT_COUNTER_INTERNAL_H_
#define MYNACERT_COUNTER_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "card/layout.h"
#include "core/result.h"
#include "counter/lifecycle.h"
#include "counter/store.h"
#include "pki/ca_store.h"
#include "pki/certificate.h"

namespace mynacert::counter::internal {

// Appends one record to the store's audit log (inside the caller's transaction).
Status Audit(CounterStore& store, std::string_view clerk, int64_t case_id, int64_t resident_id,
             std::string_view action, const std::string& detail, int64_t at);

// The PINs a case names ("auth", "sign", "text", "juki"): the flag `pin`, reset_pin:<pin>.
std::string_view PinName(card::PinId id);
// Errors name `field` (the four names above only).
Result<card::PinId> ParsePinName(std::string_view name, std::string_view field);

// A key pair and its certificate by kind, "auth" | "sign" (pki::CaKindName); errors name
// `field`.
Result<pki::CaKind> ParseKeyKind(std::string_view name, std::string_view field);

// `bytes` random bytes as lower-case hex.
Result<std::string> RandomHex(size_t bytes);

// A holder challenge claimed and its answer checked (lifecycle.cc): what it was and the CA's
// record of the certificate whose key answered.
struct Answered {
  Challenge challenge;
  pki::IssuedCert recorded;
};
// Claims the challenge once and checks the answer: its purpose (`purpose_prefix`: "kiosk:"
// matches both kiosk purposes) and the signature by the certificate's key; the certificate
// must still be good. Errors name challenge_id, signature (403), serial; `rule` is theirs.
Result<Answered> ClaimAnswered(CounterStore& store, pki::CaStore& ca, std::string_view challenge_id,
                               std::string_view signature, std::string_view purpose_prefix,
                               std::string_view rule, int64_t now);
// The resident of a certificate the counter issued (its CA holder_ref "resident:<id>"); 0 for
// one issued without the counter (`ca issue`).
int64_t ResidentOf(const pki::IssuedCert& cert);

}  // namespace mynacert::counter::internal

#endif  // MYNACERT_COUNTER_INTERNAL_H_
