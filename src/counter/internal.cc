#include "counter/internal.h"

namespace mynacert::counter::internal {

Status Audit(CounterStore& store, std::string_view clerk, int64_t case_id, int64_t resident_id,
             std::string_view action, const std::string& detail, int64_t at) {
  auto seq = store.audit().Append(at, clerk, case_id, resident_id, action, detail);
  if (!seq.ok()) return seq.error();
  return {};
}

// The PINs a case may name; their names are card/layout.h's (PinEf::name).
constexpr card::PinId kCasePins[] = {card::PinId::kAuth, card::PinId::kSign, card::PinId::kText,
                                     card::PinId::kJuki};

std::string_view PinName(card::PinId id) { return card::PinEfOf(id).name; }

Result<card::PinId> ParsePinName(std::string_view name, std::string_view field) {
  for (card::PinId pin : kCasePins) {
    if (PinName(pin) == name) return pin;
  }
  return InvalidArgument(std::string(field), "auth | sign | text | juki のいずれか");
}

Result<pki::CaKind> ParseKeyKind(std::string_view name, std::string_view field) {
  for (pki::CaKind kind : {pki::CaKind::kAuth, pki::CaKind::kSign}) {
    if (pki::CaKindName(kind) == name) return kind;
  }
  return InvalidArgument(std::string(field), "'" + std::string(name) + "': auth | sign のいずれか");
}

}  // namespace mynacert::counter::internal
