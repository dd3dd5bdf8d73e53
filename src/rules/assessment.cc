#include "rules/assessment.h"

#include <string>

#include "rules/dates.h"

namespace mynacert::rules {

namespace {

// Dates outside this range are refused: birthdays are computed up to ~16 years after the last
// issue date, and no holder was born before it.
constexpr Date kMinDate = Date::Ymd(1890, 1, 1);
constexpr Date kMaxDate = Date::Ymd(2199, 12, 31);

Status CheckYear(Date d, const char* flag) {
  if (d < kMinDate || d > kMaxDate) {
    return OutOfRange(flag,
                      d.ToString() + " は対象範囲 (1890–2199年) の外です (outside 1890–2199)");
  }
  return {};
}

constexpr int kSignMinAge = 15;  // R-CERT-4

// The status of an issued certificate and what a certificate issued today would get.
void AssessIssuedCert(const Facts& f, Date today, const profiles::RuleSettings& s,
                      const CardValidity& card, bool card_expired,
                      std::optional<Date> auth_cap_for_new, CertAssessment& c, Assessment& a) {
  const int months = f.abroad ? s.window_months_abroad : s.window_months;
  c.renewal_from = RenewalWindowStart(c.validity.expires, months, s.window_reading);
  c.renew_with_card = c.validity.expires == card.expires;
  a.AddNote({f.abroad ? NoteCode::kWindowAbroad : NoteCode::kWindow, c.kind, c.validity.expires,
             c.renewal_from, months});
  if (card_expired) {
    c.status = CertStatus::kCardExpired;  // R-WIN-6
    a.AddNote({NoteCode::kStatusCardExpired, c.kind, card.expires, {}, 0});
    return;
  }
  if (f.certs_held) {  // R-LOST-1/2: held for good; the counter issues new ones
    c.status = CertStatus::kHeld;
    c.if_issued_today =
        ComputeCertValidity(f.birth, today, false, card.expires, auth_cap_for_new, s).expires;
    a.AddNote({NoteCode::kStatusHeld, c.kind, *c.if_issued_today, {}, 0});
    return;
  }
  if (c.kind == CertKind::kSign && f.sign_revoked_on) {  // R-CERT-5
    c.status = CertStatus::kRevoked;
    c.if_issued_today =
        ComputeCertValidity(f.birth, today, false, card.expires, auth_cap_for_new, s).expires;
    a.AddNote({NoteCode::kStatusRevoked, c.kind, *f.sign_revoked_on, *c.if_issued_today, 0});
    return;
  }
  if (today > c.validity.expires) {  // R-WIN-5: a new issuance, free (R-WIN-4)
    c.status = CertStatus::kExpired;
    c.if_issued_today =
        ComputeCertValidity(f.birth, today, false, card.expires, auth_cap_for_new, s).expires;
    a.AddNote({NoteCode::kStatusExpired, c.kind, c.validity.expires, *c.if_issued_today, 0});
    return;
  }
  if (today >= c.renewal_from) {  // R-WIN-1, free (R-WIN-4), 6th birthday (R-VAL-1a)
    c.status = CertStatus::kRenewable;
    if (c.renew_with_card) {
      a.AddNote({NoteCode::kStatusRenewWithCard, c.kind, card.expires, c.renewal_from, 0});
      return;
    }
    c.if_issued_today =
        ComputeCertValidity(f.birth, today, true, card.expires, auth_cap_for_new, s).expires;
    a.AddNote({NoteCode::kStatusRenewable, c.kind, *c.if_issued_today, c.validity.expires, 0});
    if (*c.if_issued_today == card.expires) {  // R-VAL-6 (seed 001)
      a.AddNote({NoteCode::kRenewedEndsWithCard, c.kind, card.expires, {}, 0});
    }
    return;
  }
  // Before the window: only a paid re-issue, counted from today's date (R-WIN-4, R-VAL-7).
  c.status = CertStatus::kValid;
  c.if_issued_today =
      ComputeCertValidity(f.birth, today, false, card.expires, auth_cap_for_new, s).expires;
  a.AddNote({NoteCode::kStatusValid, c.kind, c.renewal_from, *c.if_issued_today, 0});
  const Date in_window =
      ComputeCertValidity(f.birth, c.renewal_from, true, card.expires, auth_cap_for_new, s).expires;
  if (*c.if_issued_today < in_window) {
    a.AddNote({NoteCode::kEarlyReissueShortens, c.kind, *c.if_issued_today, in_window, 0});
  }
}

}  // namespace

Result<Assessment> Assess(const Facts& f, Date today, const profiles::RuleSettings& s) {
  MYNACERT_RETURN_IF_ERROR(CheckYear(f.birth, "birth"));
  MYNACERT_RETURN_IF_ERROR(CheckYear(f.card_applied, "card_applied"));
  MYNACERT_RETURN_IF_ERROR(CheckYear(f.card_issued, "card_issued"));
  MYNACERT_RETURN_IF_ERROR(CheckYear(today, "today"));
  const Date cert_issued = f.cert_issued.value_or(f.card_issued);
  if (f.card_applied < f.birth) {
    return InvalidArgument("card_applied",
                           "交付申請日 " + f.card_applied.ToString() +
                               " が生年月日より前です (application before birth)");
  }
  if (f.card_issued < f.card_applied) {
    return InvalidArgument("card_issued",
                           "カード発行日 " + f.card_issued.ToString() + "が交付申請日 " +
                               f.card_applied.ToString() +
                               " より前です (card issued before it was applied for)");
  }
  if (cert_issued < f.card_issued) {
    return InvalidArgument("cert_issued", "電子証明書の発行日 " + cert_issued.ToString() +
                                                " がカード発行日より前です (certificate issued "
                                                "before the card)");
  }
  if (f.cert_renewal && !f.cert_issued) {
    return InvalidArgument("cert_renewal",
                           "更新で発行された日付を --cert-issued で指定してください "
                           "(--cert-renewal needs --cert-issued, the renewal's date)",
                           "R-VAL-1a");
  }
  if (f.cert_renewal && cert_issued == f.card_issued) {
    return InvalidArgument("cert_renewal",
                           "更新による発行はカード発行日より後の日付です (a renewal cannot be on "
                           "the card's issue day)",
                           "R-VAL-1a");
  }
  if (f.stay_until && *f.stay_until < f.card_issued) {
    return InvalidArgument("stay_until",
                           "在留期間の満了日 " + f.stay_until->ToString() +
                               " がカード発行日より前です (period of stay ends "
                               "before the card was issued)",
                           "R-VAL-4");
  }
  if (today < f.card_issued) {
    return InvalidArgument("today", "基準日 " + today.ToString() +
                                          " がカード発行日より前です (today is before the card "
                                          "was issued)");
  }
  if (today < cert_issued) {
    return InvalidArgument("today", "基準日 " + today.ToString() +
                                          " が電子証明書の発行日より前です (today is before the "
                                          "certificates were issued)");
  }
  if (f.sign_revoked_on && (*f.sign_revoked_on < cert_issued || *f.sign_revoked_on > today)) {
    return InvalidArgument("sign_revoked_on",
                           "失効日は証明書の発行日から基準日までの日付です (the revocation date "
                           "must lie between the certificate's issue date and today)",
                           "R-CERT-5");
  }

  Result<Assessment> result(std::in_place);  // built in place: no copy of the notes
  Assessment& a = result.value();
  a.today = today;

  // The card (R-VAL-2/3/4).
  a.card = ComputeCardValidity(f.birth, f.card_applied, f.card_issued, f.stay_until, s);
  if (f.card_applied < kAdultAge18From) {
    a.AddNote({NoteCode::kCardThreshold20, CertKind::kAuth, f.card_applied, {}, 20});
  }
  a.AddNote({a.card.birthdays == 10 ? NoteCode::kCardTenBirthdays : NoteCode::kCardFiveBirthdays,
             CertKind::kAuth, a.card.birthday_expiry, f.card_issued, a.card.age_at_issue});
  if (a.card.capped_by_stay) {
    a.AddNote({NoteCode::kCardStayCap, CertKind::kAuth, a.card.expires, {}, 0});
  }
  a.card_expired = today > a.card.expires;
  if (a.card_expired) a.AddNote({NoteCode::kCardExpired, CertKind::kAuth, a.card.expires, {}, 0});

  // --cert-renewal names a renewal on cert_issued. Whether it fell inside the window of the
  // certificate it replaced (issued with the card) decides R-VAL-1a's sixth birthday: a renewal
  // before that window counts five birthdays from its date (R-VAL-7), and one after the old
  // certificate expired was a new issuance (R-WIN-5), five as well.
  bool renewal_in_window = false;
  if (f.cert_renewal) {
    const CertValidity replaced =
        ComputeCertValidity(f.birth, f.card_issued, false, a.card.expires, std::nullopt, s);
    const int months = f.abroad ? s.window_months_abroad : s.window_months;
    const Date from = RenewalWindowStart(replaced.expires, months, s.window_reading);
    renewal_in_window = cert_issued >= from && cert_issued <= replaced.expires;
    if (!renewal_in_window) {
      const bool before = cert_issued < from;
      a.AddNote({NoteCode::kRenewalOutsideWindow, CertKind::kAuth, cert_issued,
                 before ? from : replaced.expires, before ? 0 : 1});
    }
  }

  // The auth cert (R-VAL-1/1a/5).
  CertAssessment& auth = a.auth;
  auth.kind = CertKind::kAuth;
  const uint8_t auth_notes_begin = a.note_count;
  auth.validity =
      ComputeCertValidity(f.birth, cert_issued, renewal_in_window, a.card.expires, std::nullopt, s);
  a.AddNote({renewal_in_window ? NoteCode::kCertSixthBirthday : NoteCode::kCertFifthBirthday,
             CertKind::kAuth, auth.validity.birthday_expiry, cert_issued, 0});
  if (auth.validity.cap == CertCap::kCard) {
    a.AddNote({NoteCode::kCertCappedByCard, CertKind::kAuth, auth.validity.expires, {}, 0});
  }
  AssessIssuedCert(f, today, s, a.card, a.card_expired, std::nullopt, auth, a);

  // The sign cert (R-CERT-4, R-VAL-5: capped by the auth cert).
  CertAssessment& sign = a.sign;
  sign.kind = CertKind::kSign;
  const bool sign_age_at_issue_ok = AgeOn(f.birth, cert_issued) >= kSignMinAge;
  const bool sign_age_today_ok = AgeOn(f.birth, today) >= kSignMinAge;
  // R-CERT-4, unless the profile follows seed 003 (RuleSettings::adult_ward_sign_cert).
  const bool ward_excluded = f.adult_ward && !s.adult_ward_sign_cert;
  sign.issued = sign_age_at_issue_ok && !ward_excluded;
  sign.eligible = sign_age_today_ok && !ward_excluded;
  // A sign cert issued today is capped by the auth cert as it will stand after today's visit.
  const std::optional<Date> auth_cap_for_new =
      f.sign_revoked_on ? auth.validity.expires
                        : auth.if_issued_today.value_or(auth.validity.expires);
  if (sign.issued && !f.sign_revoked_on) {
    // Issued with the auth cert (same day, same renewal, same card): the sign cert's dates are
    // the auth cert's, since R-VAL-5's cap by the auth cert never binds below them. Reusing
    // them halves the work on the hot path; Properties.SignCertFollowsTheAuthCert pins it.
    const CertKind kind = CertKind::kSign;
    const uint8_t first_auth_note = auth_notes_begin;
    const uint8_t end_auth_note = a.note_count;
    sign = auth;
    sign.kind = kind;
    for (uint8_t i = first_auth_note; i < end_auth_note; ++i) {
      Note n = a.notes[i];
      n.kind = kind;
      a.AddNote(n);
    }
  } else if (sign.issued) {
    sign.validity = ComputeCertValidity(f.birth, cert_issued, renewal_in_window, a.card.expires,
                                        auth.validity.expires, s);
    a.AddNote({renewal_in_window ? NoteCode::kCertSixthBirthday : NoteCode::kCertFifthBirthday,
               CertKind::kSign, sign.validity.birthday_expiry, cert_issued, 0});
    if (sign.validity.cap == CertCap::kCard) {
      a.AddNote({NoteCode::kCertCappedByCard, CertKind::kSign, sign.validity.expires, {}, 0});
    } else if (sign.validity.cap == CertCap::kAuthCert) {
      a.AddNote({NoteCode::kSignCappedByAuth, CertKind::kSign, sign.validity.expires, {}, 0});
    }
    AssessIssuedCert(f, today, s, a.card, a.card_expired, auth_cap_for_new, sign, a);
  } else if (ward_excluded) {
    sign.status = CertStatus::kNotEligible;
    a.AddNote({NoteCode::kSignNotEligibleWard, CertKind::kSign, {}, {}, 0});
  } else if (!sign_age_today_ok) {
    sign.status = CertStatus::kNotEligible;
    sign.eligible_from = DateOfAge(f.birth, kSignMinAge);
    a.AddNote({NoteCode::kSignNotEligibleAge, CertKind::kSign, *sign.eligible_from, {}, 0});
  } else if (a.card_expired) {
    sign.status = CertStatus::kCardExpired;
    a.AddNote({NoteCode::kStatusCardExpired, CertKind::kSign, a.card.expires, {}, 0});
  } else {
    sign.status = CertStatus::kNotIssued;
    sign.if_issued_today =
        ComputeCertValidity(f.birth, today, false, a.card.expires, auth_cap_for_new, s).expires;
    a.AddNote({NoteCode::kSignNotIssuedNowEligible, CertKind::kSign, DateOfAge(f.birth, 15),
               *sign.if_issued_today, 0});
  }

  // R-WIN-2: the notice neither opens nor is needed for the window.
  if (auth.status == CertStatus::kValid || auth.status == CertStatus::kRenewable) {
    a.AddNote({NoteCode::kNoticeIrrelevant, CertKind::kAuth, auth.renewal_from, {}, 0});
  }
  // R-VAL-6: minors and foreign residents with a stay: card and certificate end together.
  if (auth.validity.expires == a.card.expires && !renewal_in_window &&
      (a.card.birthdays == 5 || a.card.capped_by_stay)) {
    a.AddNote({NoteCode::kSameDayCardAndCert, CertKind::kAuth, a.card.expires, {}, 0});
  }
  // R-VAL-8: an expired certificate leaves the card a valid photo ID.
  if (!a.card_expired && (auth.status == CertStatus::kExpired ||
                          (sign.issued && sign.status == CertStatus::kExpired))) {
    a.AddNote({NoteCode::kCardStillPhotoId, CertKind::kAuth, a.card.expires, {}, 0});
  }
  // R-WIN-7: health insurance use follows the auth cert.
  a.health_insurance_until = HealthInsuranceUsableUntil(auth.validity.expires);
  a.AddNote({NoteCode::kHealthInsurance, CertKind::kAuth, a.health_insurance_until,
             auth.validity.expires, 0});
  // The warning starts three months before expiry: the ordinary window (R-WIN-1), already
  // computed unless the holder is abroad (R-WIN-3's one-year window).
  const Date warn_from = f.abroad && s.window_months != s.window_months_abroad
                             ? RenewalWindowStart(auth.validity.expires, s.window_months,
                                                  s.window_reading)
                             : auth.renewal_from;
  a.health_insurance_warning = today >= warn_from && today <= auth.validity.expires;
  if (a.health_insurance_warning) {
    a.AddNote({NoteCode::kHealthInsuranceWarning, CertKind::kAuth, warn_from, {}, 0});
  }
  if (const auto b = f.birth.ymd(); b.month() == std::chrono::February && b.day() == std::chrono::day(29)) {
    a.AddNote({NoteCode::kLeapDayBirthday, CertKind::kAuth, {}, {}, 0});
  }
  return result;
}

std::string_view CertStatusName(CertStatus s) {
  switch (s) {
    case CertStatus::kValid:
      return "valid";
    case CertStatus::kRenewable:
      return "renewable";
    case CertStatus::kExpired:
      return "expired";
    case CertStatus::kCardExpired:
      return "card_expired";
    case CertStatus::kRevoked:
      return "revoked";
    case CertStatus::kHeld:
      return "held";
    case CertStatus::kNotEligible:
      return "not_eligible";
    case CertStatus::kNotIssued:
      return "not_issued";
  }
  return "valid";
}

std::string_view CertStatusJa(CertStatus s) {
  switch (s) {
    case CertStatus::kValid:
      return "有効 (更新期間前)";
    case CertStatus::kRenewable:
      return "更新可能 (無料)";
    case CertStatus::kExpired:
      return "有効期限切れ (新規発行可能)";
    case CertStatus::kCardExpired:
      return "カードの有効期限切れ";
    case CertStatus::kRevoked:
      return "失効";
    case CertStatus::kHeld:
      return "一時保留 (紛失・盗難の届出)";
    case CertStatus::kNotEligible:
      return "発行対象外";
    case CertStatus::kNotIssued:
      return "未発行 (新規発行可能)";
  }
  return "";
}

namespace {

std::string CertJa(CertKind k) {
  return k == CertKind::kSign ? "署名用電子証明書" : "利用者証明用電子証明書";
}
std::string CertEn(CertKind k) { return k == CertKind::kSign ? "sign cert" : "auth cert"; }

Reason Render(const Note& n, const profiles::RuleSettings& s) {
  const std::string a = n.a().ToString();
  const std::string b = n.b().ToString();
  const std::string cj = CertJa(n.kind);
  const std::string ce = CertEn(n.kind);
  switch (n.code) {
    case NoteCode::kCardThreshold20:
      return {
          "R-VAL-3",
          "交付申請日 " + a + " が2022-04-01より前のため、カードの有効期間を分ける年齢は20歳です。",
          "The card was applied for on " + a +
              ", before 2022-04-01: the age threshold is 20, not 18."};
    case NoteCode::kCardTenBirthdays:
      return {"R-VAL-2",
              "カード発行日 " + b + " に" + std::to_string(n.n) +
                  "歳のため、カードは発行の日後10回目の誕生日 " + a + " まで有効です。",
              "Aged " + std::to_string(n.n) + " at the card's issue on " + b +
                  ": the card is valid until the 10th birthday after issue, " + a + "."};
    case NoteCode::kCardFiveBirthdays:
      return {"R-VAL-2",
              "カード発行日 " + b + " に" + std::to_string(n.n) +
                  "歳のため、カードは発行の日後5回目の誕生日 " + a + " まで有効です。",
              "Aged " + std::to_string(n.n) + " at the card's issue on " + b +
                  ": the card is valid until the 5th birthday after issue, " + a + "."};
    case NoteCode::kCardStayCap:
      return {
          "R-VAL-4", "在留期間の定めがあるため、カードは在留期間の満了日 " + a + " までです。",
          "Foreign resident with a fixed period of stay: the card ends with the stay, " + a + "."};
    case NoteCode::kCardExpired:
      return {"R-WIN-6",
              "カード本体の有効期限 " + a +
                  " を過ぎています。カードの更新 (交付申請: "
                  "オンラインまたは郵送、受取は予約のうえ窓口) が必要です。",
              "The card itself expired on " + a +
                  ": renew the card by application (online or by post; pick it up at the counter "
                  "by appointment)."};
    case NoteCode::kCardStillPhotoId:
      return {
          "R-VAL-8",
          "電子証明書の有効期限が切れても、カードは " + a +
              " まで顔写真付きの本人確認書類として使えます。",
          "The card stays a valid photo ID until " + a + " although a certificate has expired."};
    case NoteCode::kCertFifthBirthday:
      return {
          "R-VAL-1", cj + "は発行日 " + b + " の後5回目の誕生日 " + a + " までです。",
          "The " + ce + " issued on " + b + " runs to the 5th birthday after issue, " + a + "."};
    case NoteCode::kCertSixthBirthday:
      return {"R-VAL-1a",
              cj + "は更新期間内の更新 (" + b + ") で発行されたため、発行の日後6回目の誕生日 " + a +
                  " までです。",
              "The " + ce + " was issued by a renewal inside the window (" + b +
                  "): it runs to the 6th birthday after issue, " + a + "."};
    case NoteCode::kRenewalOutsideWindow:
      if (n.n == 0) {
        return {"R-VAL-7",
                "更新日 " + a + " は前の証明書の更新期間 (" + b +
                    " から) より前のため、更新期間内の更新ではありません。新しい証明書は発行の日後5回目の誕生日までです。",
                "The renewal on " + a + " was before the window of the certificate it replaced (from " +
                    b + "), so it was not a renewal inside the window: the new certificate runs to "
                    "the 5th birthday after its issue."};
      }
      return {"R-WIN-5",
              "更新日 " + a + " は前の証明書の有効期限 " + b +
                  " の後のため、新規発行と同じく発行の日後5回目の誕生日までです。",
              "The renewal on " + a + " came after the certificate it replaced had expired (" + b +
                  "): like a new issuance, the new certificate runs to the 5th birthday after its "
                  "issue."};
    case NoteCode::kCertCappedByCard:
      return {"R-VAL-5", cj + "の有効期限はカードの有効期限 " + a + " を超えられません。",
              "The " + ce + " cannot outlive the card: it ends on " + a + "."};
    case NoteCode::kSignCappedByAuth:
      return {"R-VAL-5",
              "署名用電子証明書は利用者証明用電子証明書の有効期限 " + a + " を超えられません。",
              "The sign cert cannot outlive the auth cert: it ends on " + a + "."};
    case NoteCode::kWindow:
      return {"R-WIN-1",
              cj + "の更新は有効期限 " + a + " の3か月前の翌日 " + b + " から有効期限までです。",
              "The " + ce + " can be renewed from " + b +
                  ", the day after three months before its expiry " + a + ", up to that day."};
    case NoteCode::kWindowAbroad:
      return {"R-WIN-3",
              "国外在住で継続利用中のため、" + cj + "の更新は有効期限 " + a + " の1年前の翌日 " +
                  b + " からできます。",
              "Living abroad with continued use: the " + ce + " can be renewed from " + b +
                  ", one year before its expiry " + a + "."};
    case NoteCode::kStatusValid:
      return {"R-WIN-4",
              cj + "の無料の更新は " + a +
                  " からです。今手続きすると有料の再交付となり、新しい証明書は " + b +
                  " までです。",
              "Free renewal of the " + ce + " opens on " + a +
                  ". Doing it now is a paid re-issue; the new certificate would run to " + b + "."};
    case NoteCode::kEarlyReissueShortens:
      return {"R-VAL-7",
              "更新期間より前に手続きすると、新しい" + cj + "の有効期限は " + b + " ではなく " + a +
                  " と短くなります。",
              "Renewing before the window shortens the new " + ce + ": " + a + " instead of " + b +
                  "."};
    case NoteCode::kNoticeIrrelevant:
      return {
          "R-WIN-2",
          "更新期間は有効期限で決まります。有効期限通知書が届いていなくても " + a +
              " から手続きでき、早く届いても早まりません。",
          "The window depends on the expiry date only: from " + a +
              " with or without the expiry notice, and an early notice does not open it earlier."};
    case NoteCode::kStatusRenewable:
      return {"R-WIN-4",
              cj +
                  "は更新期間中です。窓口で無料で更新でき、新しい証明書は発行の日後6回目の誕生日 " +
                  a + " まで有効です (R-VAL-1a)。",
              "The " + ce +
                  " is inside its renewal window: renew it free at a counter; the new certificate "
                  "runs to the 6th birthday after issue, " +
                  a + " (R-VAL-1a)."};
    case NoteCode::kRenewedEndsWithCard:
      return {"R-VAL-6",
              "今更新すると、新しい" + cj + "の有効期限はカード本体と同じ " + a + " になります。",
              "Renewed now, the new " + ce + " expires with the card, on " + a + "."};
    case NoteCode::kStatusRenewWithCard:
      return {"R-WIN-6",
              cj + "はカードと同じ " + a +
                  " に満了するため、カード本体の更新 (交付申請) と同時に更新されます。",
              "The " + ce + " ends with the card on " + a +
                  ": it is renewed together with the card (apply for a new card)."};
    case NoteCode::kStatusExpired:
      return {"R-WIN-5",
              cj + "は " + a +
                  " で有効期限が切れています。カードが有効な間はいつでも無料で新規発行でき "
                  "(R-WIN-4)、今日発行すると " +
                  b + " まで有効です。",
              "The " + ce + " expired on " + a +
                  ". While the card is valid a new one can be issued at any time, free (R-WIN-4); "
                  "issued today it runs to " +
                  b + "."};
    case NoteCode::kStatusHeld:
      return {"R-LOST-2",
              cj + "は紛失・盗難の届出により一時保留されています。一時保留は解除されません。カードが見つかったら窓口で一時停止解除の手続きをすると、新しい証明書が発行され " +
                  a + " まで有効です。",
              "The " + ce + " is on hold after a loss report; a hold is never released. If the card is "
              "found, a counter lifts the suspension and issues a new certificate, valid to " + a + "."};
    case NoteCode::kStatusRevoked:
      return {"R-CERT-5",
              "氏名・住所等の変更 (" + a +
                  ") により署名用電子証明書は自動的に失効しました "
                  "(利用者証明用電子証明書は失効しません)。新規発行すると " +
                  b + " まで有効です。",
              "The sign cert was revoked automatically by a change of name/address etc. on " + a +
                  " (the auth cert stays). A new one issued today runs to " + b + "."};
    case NoteCode::kStatusCardExpired:
      return {"R-WIN-6",
              cj + "はカードの有効期限 " + a +
                  " とともに失効しています。電子証明書だけの更新はできません。",
              "The " + ce + " ended with the card on " + a + ": it cannot be renewed on its own."};
    case NoteCode::kSignNotEligibleAge:
      return {
          "R-CERT-4",
          "署名用電子証明書は15歳未満の方には発行できません。" + a + " (15歳) から発行できます。",
          "No sign cert under 15: it can be issued from " + a + " (age 15)."};
    case NoteCode::kSignNotEligibleWard:
      return {"R-CERT-4", "署名用電子証明書は成年被後見人の方には発行できません。",
              "No sign cert for an adult ward (成年被後見人)."};
    case NoteCode::kSignNotIssuedNowEligible:
      return {"R-CERT-4",
              "証明書の発行時に15歳未満だったため署名用電子証明書は搭載されていません。" + a +
                  " に15歳になったので新規発行でき、今日発行すると " + b + " まで有効です。",
              "No sign cert was issued because the holder was under 15; since " + a +
                  " (age 15) one can be issued, running to " + b + " if issued today."};
    case NoteCode::kHealthInsurance:
      return {"R-WIN-7",
              "マイナ保険証としての利用は、利用者証明用電子証明書の有効期限 " + b + " の後も " + a +
                  " まで可能です。",
              "Use as a health insurance card continues after the auth cert's expiry " + b +
                  " until " + a + "."};
    case NoteCode::kHealthInsuranceWarning:
      return {"R-WIN-7", "医療機関では " + a + " から更新を促す警告が表示されます。",
              "Hospitals show a renewal warning from " + a + "."};
    case NoteCode::kLeapDayBirthday:
      return {"B1-LEAPDAY",
              s.leap_day_birthday == profiles::LeapDayBirthday::kFeb28
                  ? "2月29日生まれのため、平年の誕生日は2月28日として計算しています "
                    "(券面・証明書の印字を優先してください)。"
                  : "2月29日生まれのため、平年の誕生日は3月1日として計算しています "
                    "(券面・証明書の印字を優先してください)。",
              s.leap_day_birthday == profiles::LeapDayBirthday::kFeb28
                  ? "Born on 29 February: in common years the birthday is taken as 28 February "
                    "(the printed card/certificate prevails)."
                  : "Born on 29 February: in common years the birthday is taken as 1 March (the "
                    "printed card/certificate prevails)."};
    case NoteCode::kSameDayCardAndCert:
      return {"R-VAL-6", "カード本体と電子証明書は同じ日 " + a + " に満了します。",
              "Card and certificates expire on the same day, " + a + "."};
  }
  return {};
}

}  // namespace

std::vector<Reason> Explain(const Assessment& a, const profiles::RuleSettings& s,
                            bool issue_dates_known) {
  std::vector<Reason> out;
  out.reserve(a.note_count + 1);
  for (uint8_t i = 0; i < a.note_count; ++i) {
    if (!issue_dates_known) {
      switch (a.notes[i].code) {  // these name an issue date or restate the held expiry
        case NoteCode::kCardThreshold20:
        case NoteCode::kCardTenBirthdays:
        case NoteCode::kCardFiveBirthdays:
        case NoteCode::kCardStayCap:
        case NoteCode::kCertFifthBirthday:
        case NoteCode::kCertSixthBirthday:
        case NoteCode::kRenewalOutsideWindow:
          continue;
        default:
          break;
      }
    }
    out.push_back(Render(a.notes[i], s));
  }
  out.push_back({"B2-WINDOW",
                 s.window_reading == profiles::WindowReading::kCorrespondingDayPlusOne
                     ? "誕生日は発行日の翌日から数えます。更新開始日は「有効期限の3か月前の応当日 "
                       "(月末は末日) の翌日」として計算しています。"
                     : "誕生日は発行日の翌日から数えます。更新開始日は民法140条・143条の期間計算 "
                       "(残り3か月未満となる日) で計算しています。",
                 s.window_reading == profiles::WindowReading::kCorrespondingDayPlusOne
                     ? "Birthdays are counted after the issue day. The window opens the day after "
                       "the date three months before expiry (clamped to the month's last day)."
                     : "Birthdays are counted after the issue day. The window opens on the first "
                       "day with less than three months left, per Civil Code Arts. 140/143."});
  return out;
}

}  // namespace mynacert::rules
