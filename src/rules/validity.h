// Validity of the card and of its two certificates (rules.md R-VAL).
//
//   card  (R-VAL-2/3/4): the 10th birthday after issue if the holder was at least 18 at issue
//         (20 when the application was received before 2022-04-01), else the 5th; a foreign
//         resident with a fixed period of stay: no later than the end of that period.
//   cert  (R-VAL-1/1a/5): the 5th birthday after issue — the 6th when issued by a renewal
//         inside the renewal window —, capped by the card; the sign cert also by the auth cert.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_RULES_VALIDITY_H_
#define MYNACERT_RULES_VALIDITY_H_

#include <optional>

#include "core/date.h"
#include "profiles/model.h"

namespace mynacert::rules {

struct CardValidity {
  Date expires;
  int age_at_issue = 0;
  int age_threshold = 18;       // R-VAL-2 (18) or R-VAL-3 (20)
  int birthdays = 10;           // 10 or 5 (R-VAL-2)
  Date birthday_expiry;         // before the stay cap
  bool capped_by_stay = false;  // R-VAL-4
};

// Preconditions (checked by Assess, not here): birth <= applied <= issued.
CardValidity ComputeCardValidity(Date birth, Date applied, Date issued,
                                 std::optional<Date> stay_until,
                                 const profiles::RuleSettings& settings);

// What bounds a certificate's expiry.
enum class CertCap {
  kBirthday,  // R-VAL-1 / R-VAL-1a
  kCard,      // R-VAL-5: the card expires first
  kAuthCert,  // R-VAL-5 / jpki-facts B0: the sign cert never outlives the auth cert
};

struct CertValidity {
  Date expires;
  Date birthday_expiry;  // the 5th (6th) birthday after issue, before the caps
  int birthdays = 5;     // 5 (R-VAL-1) or 6 (R-VAL-1a)
  CertCap cap = CertCap::kBirthday;
};

// `renewal_in_window`: issued on a renewal applied for inside the renewal window (R-VAL-1a).
// `auth_expiry`: for the sign cert, the auth cert's expiry when one is issued (R-VAL-5).
CertValidity ComputeCertValidity(Date birth, Date issued, bool renewal_in_window, Date card_expiry,
                                 std::optional<Date> auth_expiry,
                                 const profiles::RuleSettings& settings);

}  // namespace mynacert::rules

#endif  // MYNACERT_RULES_VALIDITY_H_
