// The steps of an accepted case (decision.h plans them, execution.h runs them as a journal):
// kinds as values, and their names as the journal stores them (case_steps.step) and the
// decision shows them — one Format/Parse pair at that boundary.
#ifndef MYNACERT_COUNTER_STEPS_H_
#define MYNACERT_COUNTER_STEPS_H_

#include <optional>
#include <string>
#include <string_view>

#include "card/layout.h"
#include "core/result.h"
#include "pki/certificate.h"

namespace mynacert::counter {

// A journal step (case_steps.step): its kind, the PIN a reset_pin sets, the key pair (by the
// CA that certifies it) a keygen, issue, write or revoke_old acts on. create_card and write_ca
// are the steps of a card issuance (IssueCard).
enum class StepKind {
  kCheckPins,   // check_pins
  kResetPin,    // reset_pin:<pin>
  kKeygen,      // keygen:<key>
  kIssue,       // issue:<key>
  kWrite,       // write:<key>
  kRevokeOld,   // revoke_old:<key>
  kCreateCard,  // create_card
  kWriteCa,     // write_ca
  kWriteData,   // write_data     the registry's data onto the 券面事項入力補助 AP (card_data.h)
  kRevoke,       // revoke:<key>   a certificate ended with the case's reason (R-LOST-2/4)
  kResumeCard,   // resume_card    一時停止解除: the card in force again (R-LOST-2)
  kAbolishCard,  // abolish_card   廃止 (R-LOST-4)
  kFaceCheck,    // face_check     the face checked in place of the PINs (R-FACE-2/4)
  kFaceOn,       // face_on        the card becomes a face-authentication card (R-FACE-3)
  kFaceOff,      // face_off       back to PINs: the holder's new auth (and sign) PINs set (R-FACE-3)
  kAdoptCard,    // adopt_card     the produced card becomes the holder's card, the old one
                 //                returned (R-CARD-2)
  kClose,       // close
};
struct StepName {
  StepKind kind = StepKind::kClose;
  std::optional<card::PinId> pin;  // reset_pin only: auth | sign | text | juki
  std::optional<pki::CaKind> key;  // keygen, issue, write, revoke_old only: auth | sign
  bool operator==(const StepName&) const = default;
};
StepName MakeStep(StepKind kind);
StepName MakeStep(StepKind kind, pki::CaKind key);
StepName MakeResetPin(card::PinId pin);
// The stored text, as the journal has always written it: "check_pins", "reset_pin:auth",
// "keygen:sign", "issue:auth", "write:auth", "revoke_old:sign", "create_card", "write_ca",
// "write_data", "revoke:auth", "resume_card", "abolish_card", "face_check", "face_on", "face_off",
// "adopt_card", "close".
std::string FormatStep(const StepName& step);
// The inverse of FormatStep; an unknown name is an error naming `field`.
Result<StepName> ParseStep(std::string_view text, std::string_view field);
// The error of a step name that is not one of the above (kInternal: the journal is damaged).
Error UnknownStep(std::string_view text, std::string_view field);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_STEPS_H_
