#include "counter/steps.h"

#include "counter/internal.h"

namespace mynacert::counter {

namespace {
// The stored names of the step kinds, and whether the name carries a PIN or a key after ':'.
enum class StepTarget { kNone, kPin, kKey };
struct StepKindName {
  StepKind kind;
  std::string_view name;
  StepTarget target;
};
constexpr StepKindName kStepKinds[] = {
    {StepKind::kCheckPins, "check_pins", StepTarget::kNone},
    {StepKind::kResetPin, "reset_pin", StepTarget::kPin},
    {StepKind::kKeygen, "keygen", StepTarget::kKey},
    {StepKind::kIssue, "issue", StepTarget::kKey},
    {StepKind::kWrite, "write", StepTarget::kKey},
    {StepKind::kRevokeOld, "revoke_old", StepTarget::kKey},
    {StepKind::kCreateCard, "create_card", StepTarget::kNone},
    {StepKind::kWriteCa, "write_ca", StepTarget::kNone},
    {StepKind::kWriteData, "write_data", StepTarget::kNone},
    {StepKind::kRevoke, "revoke", StepTarget::kKey},
    {StepKind::kResumeCard, "resume_card", StepTarget::kNone},
    {StepKind::kAbolishCard, "abolish_card", StepTarget::kNone},
    {StepKind::kFaceCheck, "face_check", StepTarget::kNone},
    {StepKind::kFaceOn, "face_on", StepTarget::kNone},
    {StepKind::kFaceOff, "face_off", StepTarget::kNone},
    {StepKind::kAdoptCard, "adopt_card", StepTarget::kNone},
    {StepKind::kClose, "close", StepTarget::kNone},
};

const StepKindName& NameOf(StepKind kind) {
  for (const StepKindName& k : kStepKinds) {
    if (k.kind == kind) return k;
  }
  return kStepKinds[0];  // unreachable: every kind is listed
}

}  // namespace

Error UnknownStep(std::string_view text, std::string_view field) {
  return Error{ErrorCode::kInternal, std::string(field), "unknown step " + std::string(text), ""};
}

StepName MakeStep(StepKind kind) { return StepName{kind, std::nullopt, std::nullopt}; }
StepName MakeStep(StepKind kind, pki::CaKind key) { return StepName{kind, std::nullopt, key}; }
StepName MakeResetPin(card::PinId pin) { return StepName{StepKind::kResetPin, pin, std::nullopt}; }

std::string FormatStep(const StepName& step) {
  std::string out(NameOf(step.kind).name);
  if (step.pin) out += ":" + std::string(internal::PinName(*step.pin));
  if (step.key) out += ":" + std::string(pki::CaKindName(*step.key));
  return out;
}

Result<StepName> ParseStep(std::string_view text, std::string_view field) {
  const size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  const std::string_view target =
      colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  for (const StepKindName& k : kStepKinds) {
    if (k.name != name) continue;
    if ((k.target == StepTarget::kNone) != (colon == std::string_view::npos)) break;
    switch (k.target) {
      case StepTarget::kNone:
        return MakeStep(k.kind);
      case StepTarget::kPin: {
        auto pin = internal::ParsePinName(target, field);
        if (!pin.ok()) break;
        return MakeResetPin(*pin);
      }
      case StepTarget::kKey: {
        auto key = internal::ParseKeyKind(target, field);
        if (!key.ok()) break;
        return MakeStep(k.kind, *key);
      }
    }
    break;
  }
  return UnknownStep(text, field);
}

}  // namespace mynacert::counter
