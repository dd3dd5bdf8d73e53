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
#include "counter/store.h"
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

}  // namespace mynacert::counter::internal

#endif  // MYNACERT_COUNTER_INTERNAL_H_
