#include "rules/validity.h"

#include "rules/dates.h"

namespace mynacert::rules {

CardValidity ComputeCardValidity(Date birth, Date applied, Date issued,
                                 std::optional<Date> stay_until,
                                 const profiles::RuleSettings& settings) {
  CardValidity v;
  v.age_at_issue = AgeOn(birth, issued);
  // R-VAL-3: the application date, not the issue date, decides the threshold.
  v.age_threshold = applied < kAdultAge18From ? 20 : 18;
  v.birthdays = v.age_at_issue >= v.age_threshold ? 10 : 5;  // R-VAL-2
  v.birthday_expiry = NthBirthdayAfter(birth, issued, v.birthdays, settings.leap_day_birthday);
  v.expires = v.birthday_expiry;
  if (stay_until && *stay_until < v.expires) {  // R-VAL-4
    v.expires = *stay_until;
    v.capped_by_stay = true;
  }
  return v;
}

CertValidity ComputeCertValidity(Date birth, Date issued, bool renewal_in_window, Date card_expiry,
                                 std::optional<Date> auth_expiry,
                                 const profiles::RuleSettings& settings) {
  CertValidity v;
  v.birthdays = renewal_in_window ? 6 : 5;  // R-VAL-1a : R-VAL-1
  v.birthday_expiry = NthBirthdayAfter(birth, issued, v.birthdays, settings.leap_day_birthday);
  v.expires = v.birthday_expiry;
  if (card_expiry < v.expires) {  // R-VAL-5
    v.expires = card_expiry;
    v.cap = CertCap::kCard;
  }
  if (auth_expiry && *auth_expiry < v.expires) {  // R-VAL-5, jpki-facts B0
    v.expires = *auth_expiry;
    v.cap = CertCap::kAuthCert;
  }
  return v;
}

}  // namespace mynacert::rules
