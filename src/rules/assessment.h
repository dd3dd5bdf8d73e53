// The answer to "when do my card and each certificate expire, from when may I renew for free,
// may I get a signature certificate at all?" for one holder on one day (rules.md R-VAL,
// R-WIN, R-CERT-4/5). This is what `mynacert explain` prints.
//
// Assess() is the hot path (bench/rules_bench.cc; target >= 10 million assessments per second
// per core): it allocates nothing. Each step records a compact `Note` (a code, two dates, a
// number); Explain() turns the notes into `Reason`s with rule IDs and Japanese/English text
// only when someone reads them.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_RULES_ASSESSMENT_H_
#define MYNACERT_RULES_ASSESSMENT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "profiles/model.h"
#include "rules/reasons.h"
#include "rules/validity.h"

namespace mynacert::rules {

// What is known about the holder and the card. Field names follow the CLI flags.
struct Facts {
  Date birth;                           // --birth
  Date card_applied;                    // --card-applied (交付申請の受付日; R-VAL-3)
  Date card_issued;                     // --card-issued
  std::optional<Date> cert_issued;      // --cert-issued (default: card_issued)
  bool cert_renewal = false;            // --cert-renewal: issued by a renewal (on cert_issued);
                                        // inside the window or not is derived (R-VAL-1a/7)
  std::optional<Date> stay_until;       // --stay-until: foreign resident's period of stay (R-VAL-4)
  bool abroad = false;                  // --abroad: R-WIN-3
  bool adult_ward = false;              // --adult-ward: 成年被後見人 (R-CERT-4)
  std::optional<Date> sign_revoked_on;  // --sign-revoked-on: name/address/… changed (R-CERT-5)
  // The card was suspended after a loss report and its certificates put on hold (R-LOST-1):
  // a hold is final, so what is issued at the counter is a new issuance (R-LOST-2).
  bool certs_held = false;
};

enum class CertKind : uint8_t { kSign, kAuth };

enum class CertStatus : uint8_t {
  kValid,        // before the window: renewing now is a paid re-issue, shorter (R-WIN-4, R-VAL-7)
  kRenewable,    // inside the window: free renewal (R-WIN-1, R-WIN-4)
  kExpired,      // past expiry while the card is valid: free new issuance (R-WIN-5)
  kCardExpired,  // the card itself has expired: renew the card (R-WIN-6)
  kRevoked,      // sign cert revoked by a change of name/address/… (R-CERT-5)
  kHeld,         // on hold after a loss report (R-LOST-1); final: new ones at a counter (R-LOST-2)
  kNotEligible,  // sign cert: under 15 or adult ward (R-CERT-4)
  kNotIssued,    // sign cert: not issued with the card (holder was under 15), may be issued now
};
std::string_view CertStatusName(CertStatus s);  // "valid", "renewable", …, "not_issued"
std::string_view CertStatusJa(CertStatus s);    // "有効", "更新可能", …

// One step of the reasoning, rendered by Explain().
enum class NoteCode : uint8_t {
  kCardTenBirthdays,
  kCardFiveBirthdays,
  kCardThreshold20,
  kCardStayCap,
  kCardExpired,
  kCardStillPhotoId,
  kCertFifthBirthday,
  kCertSixthBirthday,
  kCertCappedByCard,
  kSignCappedByAuth,
  kWindow,
  kWindowAbroad,
  kNoticeIrrelevant,
  kEarlyReissueShortens,
  kRenewedEndsWithCard,
  kStatusValid,
  kStatusRenewable,
  kStatusRenewWithCard,
  kStatusExpired,
  kStatusRevoked,
  kStatusHeld,
  kStatusCardExpired,
  kSignNotEligibleAge,
  kSignNotEligibleWard,
  kSignNotIssuedNowEligible,
  kHealthInsurance,
  kHealthInsuranceWarning,
  kLeapDayBirthday,
  kSameDayCardAndCert,
  kRenewalOutsideWindow,  // --cert-renewal on a date outside the replaced certificate's window
};
// Trivially default-constructible on purpose: the notes array of an Assessment is not
// initialised (only [0, note_count) is ever read), so dates are kept as day numbers.
struct Note {
  Note() = default;
  constexpr Note(NoteCode c, CertKind k, Date date_a, Date date_b, int number)
      : code(c), kind(k), a_days(date_a.days_since_epoch()), b_days(date_b.days_since_epoch()),
        n(number) {}
  Date a() const { return Date::FromDays(a_days); }
  Date b() const { return Date::FromDays(b_days); }

  NoteCode code;
  CertKind kind;  // for certificate notes
  int32_t a_days;
  int32_t b_days;
  int n;
};

static_assert(std::is_trivially_default_constructible_v<Note>);

struct CertAssessment {
  CertKind kind = CertKind::kAuth;
  bool issued = true;     // false: no such cert on the card (sign cert, R-CERT-4)
  bool eligible = true;   // may this cert be held by the holder today (R-CERT-4)
  CertValidity validity;  // meaningful when issued
  Date renewal_from;      // first day of the free renewal window (R-WIN-1/3)
  CertStatus status = CertStatus::kValid;
  bool renew_with_card = false;  // expires with the card: renewed by a card renewal (R-WIN-6)
  // The expiry a certificate issued today would get: renewal inside the window (R-VAL-1a),
  // paid re-issue before it (R-VAL-7), new issuance after expiry or revocation (R-WIN-5).
  // Absent when nothing can be issued today (card expired, not eligible).
  std::optional<Date> if_issued_today;
  std::optional<Date> eligible_from;  // sign cert: the 15th birthday when not yet eligible
};

struct Assessment {
  // User-provided on purpose: value-initialisation (Result's in-place construction) must not
  // zero the notes array first (measured: ~10% of an assessment).
  Assessment() {}  // NOLINT(modernize-use-equals-default)

  Date today;
  CardValidity card;
  bool card_expired = false;
  CertAssessment sign;
  CertAssessment auth;
  Date health_insurance_until;            // R-WIN-7
  bool health_insurance_warning = false;  // hospitals warn from 3 months before (R-WIN-7)

  std::array<Note, 32> notes;  // [0, note_count) are set
  uint8_t note_count = 0;

  void AddNote(Note n) {
    if (note_count < notes.size()) notes[note_count++] = n;
  }
};

// Validates the facts (every date on or after birth, applied <= issued, cert issued within the
// card's life, today not before the card's issue, --cert-renewal only on a later issue) and
// assesses them on `today`. Errors name the CLI flag (`--card-issued`, …).
Result<Assessment> Assess(const Facts& facts, Date today, const profiles::RuleSettings& settings);

// The notes as reasons with rule IDs, Japanese and English, in the order they were taken,
// followed by the conventions that were applied (jpki-facts B1/B2). `issue_dates_known` false
// (the facts were read from held expiry dates, rules/held.h): the notes that name an issue
// date are left out, since those dates are one reading among several, not the resident's.
std::vector<Reason> Explain(const Assessment& a, const profiles::RuleSettings& settings,
                            bool issue_dates_known = true);

}  // namespace mynacert::rules

#endif  // MYNACERT_RULES_ASSESSMENT_H_
