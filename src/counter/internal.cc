#include "counter/internal.h"

#include <utility>

namespace mynacert::counter::internal {

Status Audit(CounterStore& store, std::string_view clerk, int64_t case_id, int64_t resident_id,
             std::string_view action, const std::string& detail, int64_t at) {
  auto seq = store.audit().Append(at, clerk, case_id, resident_id, action, detail);
  if (!seq.ok()) return seq.error();
  return {};
}

namespace {
constexpr std::pair<card::PinId, std::string_view> kPinNames[] = {
    {card::PinId::kAuth, "auth"},
    {card::PinId::kSign, "sign"},
    {card::PinId::kText, "text"},
    {card::PinId::kJuki, "juki"},
};
}  // namespace

std::string_view PinName(card::PinId id) {
  for (const auto& [pin, name] : kPinNames) {
    if (pin == id) return name;
  }
  return "";
}

Result<card::PinId> ParsePinName(std::string_view name, std::string_view field) {
  for (const auto& [pin, text] : kPinNames) {
    if (text == name) return pin;
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
