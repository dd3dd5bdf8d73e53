#include "rules/held.h"

#include <algorithm>
#include <array>
#include <string>

#include "rules/dates.h"

namespace mynacert::rules {

namespace {

constexpr size_t kMaxMatches = 16;

// A few issue dates inside [lo, hi] that cover what can change the result within the range:
// its two ends and the two sides of R-VAL-3's 2022-04-01 (the age threshold 20 → 18).
struct Points {
  std::array<Date, 4> d;
  int n = 0;
};
Points SamplePoints(Date lo, Date hi) {
  Points p;
  if (hi < lo) return p;
  auto add = [&](Date x) {
    if (x < lo || x > hi) return;
    for (int i = 0; i < p.n; ++i)
      if (p.d[i] == x) return;
    p.d[p.n++] = x;
  };
  add(lo);
  add(hi);
  add(kAdultAge18From.AddDays(-1));
  add(kAdultAge18From);
  return p;
}

// The issue dates whose n-th birthday after is `expiry`: [the birthday n years before, the day
// before the next birthday] (「発行の日後」: a birthday on the issue day is not counted, B1).
// Empty when `expiry` is not a birthday of the holder.
std::optional<std::pair<Date, Date>> IssueRangeFor(Date birth, Date expiry, int n,
                                                   const profiles::RuleSettings& s) {
  if (BirthdayInYear(birth, expiry.year(), s.leap_day_birthday) != expiry) return std::nullopt;
  const Date lo = BirthdayInYear(birth, expiry.year() - n, s.leap_day_birthday);
  const Date hi = BirthdayInYear(birth, expiry.year() - n + 1, s.leap_day_birthday).AddDays(-1);
  return std::pair(lo, hi);
}

}  // namespace

std::string_view CardReadingName(CardReading r) {
  switch (r) {
    case CardReading::kTenBirthdays:
      return "ten_birthdays";
    case CardReading::kFiveBirthdays:
      return "five_birthdays";
    case CardReading::kStay:
      return "stay";
  }
  return "";
}

std::string_view CertReadingName(CertReading r) {
  switch (r) {
    case CertReading::kWithCard:
      return "with_card";
    case CertReading::kRenewedInWindow:
      return "renewed_in_window";
    case CertReading::kRenewedOutsideWindow:
      return "renewed_outside_window";
  }
  return "";
}

Result<HeldReading> ReadHeld(const HeldFacts& h, Date today, const profiles::RuleSettings& s) {
  const std::optional<Date> E = h.card_expires;
  const std::optional<Date> X = h.cert_expires;
  if (!E && !X) {
    return InvalidArgument("card_expires",
                           "カードの有効期限 (券面の「…まで有効」) か、電子証明書の有効期限 "
                           "(通知書) のどちらかを入力してください (give the card's expiry or the "
                           "certificates' expiry)");
  }
  for (const auto& [d, field] : {std::pair{E, "card_expires"}, std::pair{X, "cert_expires"},
                                 std::pair{h.stay_until, "stay_until"}}) {
    if (d && *d <= h.birth) {
      return InvalidArgument(field, std::string(field) + " " + d->ToString() +
                                        " が生年月日より前です (before the birth date)");
    }
  }
  if (E && X && *X > *E) {
    return InvalidArgument("cert_expires",
                           "電子証明書の有効期限 " + X->ToString() + " がカードの有効期限 " +
                               E->ToString() +
                               " より後です。電子証明書はカードより長く有効になりません "
                               "(a certificate cannot outlive the card)",
                           "R-VAL-5");
  }
  if (h.abroad && h.stay_until) {
    return InvalidArgument("abroad",
                           "stay_until (在留期間のある外国人住民) と abroad (国外転出者) は同時に指定"
                           "できません (conflicting)",
                           "R-WIN-3");
  }

  // Issue dates of the card that could have produced what is held.
  std::vector<Date> card_issued;
  auto add_range = [&](Date lo, Date hi) {
    lo = std::max(lo, h.birth);
    hi = std::min(hi, today);
    const Points p = SamplePoints(lo, hi);
    for (int i = 0; i < p.n; ++i)
      if (std::find(card_issued.begin(), card_issued.end(), p.d[i]) == card_issued.end())
        card_issued.push_back(p.d[i]);
  };
  for (const std::optional<Date>& anchor : {E, X}) {
    if (!anchor) continue;
    // The card's 10th or 5th birthday (R-VAL-2); the certificates' 5th birthday (R-VAL-1) from
    // an issue with the card, or their expiry 5 years after the first one's (R-VAL-1a).
    for (int n : {10, 5}) {
      if (auto r = IssueRangeFor(h.birth, *anchor, n, s)) add_range(r->first, r->second);
    }
    // A stay cap (R-VAL-4) or a card cap (R-VAL-5): the date is not a birthday; any issue date
    // whose birthdays reach past it. The latest possible and four years before it span them.
    if (h.stay_until && *anchor == *h.stay_until) {
      add_range(anchor->AddYearsClamped(-4), *anchor);
      add_range(anchor->AddYearsClamped(-10).AddDays(1), anchor->AddYearsClamped(-10).AddDays(1));
    }
  }

  std::vector<HeldReading> matches;
  auto try_facts = [&](const Facts& f, CertReading cert) {
    auto a = Assess(f, today, s);
    if (!a.ok()) return;
    if (E && a->card.expires != *E) return;
    if (X && a->auth.validity.expires != *X) return;
    HeldReading r;
    r.facts = f;
    r.card = a->card.capped_by_stay ? CardReading::kStay
             : a->card.birthdays == 10 ? CardReading::kTenBirthdays
                                       : CardReading::kFiveBirthdays;
    r.cert = cert;
    r.card_expires = a->card.expires;
    r.cert_expires = a->auth.validity.expires;
    r.card_expiry_given = E.has_value();
    r.cert_expiry_given = X.has_value();
    matches.push_back(r);
  };
  for (Date issued : card_issued) {
    Facts f;
    f.birth = h.birth;
    f.card_issued = issued;
    f.card_applied = issued;
    f.stay_until = h.stay_until;
    f.abroad = h.abroad;
    f.adult_ward = h.adult_ward;
    f.sign_revoked_on = h.sign_revoked_on;
    if (!h.renewed) {
      try_facts(f, CertReading::kWithCard);
      continue;
    }
    // Renewed: inside the first certificate's window (R-VAL-1a) — its first day and its last,
    // as far as today allows — or, with the letter's date, before it or after expiry (R-VAL-7,
    // R-WIN-5): five birthdays from a date the letter's expiry names.
    const Date first = ComputeCertValidity(h.birth, issued, false,
                                           ComputeCardValidity(h.birth, issued, issued,
                                                               h.stay_until, s).expires,
                                           std::nullopt, s)
                           .expires;
    const int months = h.abroad ? s.window_months_abroad : s.window_months;
    const Date from = RenewalWindowStart(first, months, s.window_reading);
    f.cert_renewal = true;
    // (Not the expiry day itself: a birthday, which 「発行の日後」 would not count.)
    for (Date on : {from, std::min(first.AddDays(-1), today)}) {
      if (on <= issued || on > today) continue;
      f.cert_issued = on;
      try_facts(f, CertReading::kRenewedInWindow);
    }
    if (X) {
      if (auto r = IssueRangeFor(h.birth, *X, 5, s)) {
        const Points p = SamplePoints(std::max(r->first, issued.AddDays(1)), std::min(r->second, today));
        for (int i = 0; i < p.n; ++i) {
          f.cert_issued = p.d[i];
          try_facts(f, CertReading::kRenewedOutsideWindow);
        }
      }
    }
    if (matches.size() > kMaxMatches) break;
  }

  if (matches.empty()) {
    // Say which answer does not fit, naming the field the resident can check.
    const char* field = X ? "cert_expires" : "card_expires";
    std::string ja = "入力された有効期限が生年月日と合いません。";
    if (E && !X && !h.stay_until &&
        BirthdayInYear(h.birth, E->year(), s.leap_day_birthday) != *E) {
      ja += "カードの有効期限が誕生日でないのは、在留期間のある外国人住民の方です。在留期間の満了日も入力してください。";
      return InvalidArgument("card_expires",
                             ja + " (the card's expiry is not a birthday: a foreign resident "
                                  "with a period of stay gives its end as stay_until)",
                             "R-VAL-4");
    }
    if (h.renewed && !X) {
      return InvalidArgument("cert_expires",
                             ja + "更新した電子証明書の有効期限を通知書などで確認して入力してください "
                                  "(renewed: give the certificates' expiry)",
                             "R-VAL-1a");
    }
    return InvalidArgument(field,
                           ja + "日付、「更新したことがある」、在留期間の答えを確かめてください (the "
                                "dates do not fit the birth date under R-VAL-1/2; check them "
                                "and the answers)",
                           "R-VAL-1");
  }
  // Readings that reproduce what is held agree on every answer; a date the resident did not
  // give may still differ (the card's expiry, from the letter alone): then ask for it.
  for (const HeldReading& m : matches) {
    if (m.card_expires != matches[0].card_expires) {
      return InvalidArgument("card_expires",
                             "カードの有効期限が " + matches[0].card_expires.ToString() + " と " +
                                 m.card_expires.ToString() +
                                 " のどちらか決まりません。券面の「…まで有効」の日付も入力して"
                                 "ください (the card's expiry is ambiguous: give it)",
                             "R-VAL-3");
    }
    if (m.cert_expires != matches[0].cert_expires) {
      return InvalidArgument("cert_expires",
                             "電子証明書の有効期限が " + matches[0].cert_expires.ToString() + " と " +
                                 m.cert_expires.ToString() +
                                 " のどちらか決まりません。通知書の日付を入力してください (the "
                                 "certificates' expiry is ambiguous: give it)",
                             "R-VAL-7");
    }
  }
  return matches[0];
}

std::vector<Reason> ExplainReading(const HeldReading& r) {
  std::vector<Reason> out;
  const std::string e = r.card_expires.ToString();
  const std::string x = r.cert_expires.ToString();
  switch (r.card) {
    case CardReading::kTenBirthdays:
      out.push_back({"R-VAL-2",
                     std::string(r.card_expiry_given ? "券面のカードの有効期限 " : "カードの有効期限は ") +
                         e + " (発行の日後10回目の誕生日: 発行時18歳以上、2022年3月までの申請は20歳以上) として確認しました。",
                     std::string(r.card_expiry_given ? "The card's expiry on its face, "
                                                     : "The card's expiry, read as ") +
                         e + " (the 10th birthday after issue: 18 or older at issue, 20 for applications before April "
                             "2022)."});
      break;
    case CardReading::kFiveBirthdays:
      out.push_back({"R-VAL-2",
                     std::string(r.card_expiry_given ? "券面のカードの有効期限 " : "カードの有効期限は ") +
                         e + " (発行の日後5回目の誕生日: 発行時18歳未満、2022年3月までの申請は20歳未満) として確認しました。",
                     std::string(r.card_expiry_given ? "The card's expiry on its face, "
                                                     : "The card's expiry, read as ") +
                         e + " (the 5th birthday after issue: under 18 at issue, 20 for applications before April 2022)."});
      break;
    case CardReading::kStay:
      out.push_back({"R-VAL-4",
                     "カードの有効期限は在留期間の満了日 " + e + " です。",
                     "The card ends with the period of stay, " + e + "."});
      break;
  }
  switch (r.cert) {
    case CertReading::kWithCard:
      out.push_back({"R-VAL-1",
                     std::string(r.cert_expiry_given ? "通知書の電子証明書の有効期限 " : "電子証明書の有効期限は ") +
                         x + " (カードと同時に発行: 5回目の誕生日、カードの期限まで) として確認しました。",
                     std::string(r.cert_expiry_given ? "The certificates' expiry from the letter, "
                                                     : "The certificates' expiry, read as ") +
                         x + " (issued with the card: the 5th birthday, no later than the card)."});
      break;
    case CertReading::kRenewedInWindow:
      out.push_back({"R-VAL-1a",
                     std::string(r.cert_expiry_given ? "更新した電子証明書の有効期限 " : "更新した電子証明書の有効期限は ") +
                         x + " (更新期間内の更新: 前の期限の5年後、カードの期限まで) として確認しました。",
                     std::string(r.cert_expiry_given ? "The renewed certificates' expiry, "
                                                     : "The renewed certificates' expiry, read as ") +
                         x + " (renewed inside the window: five years after the old expiry, no later "
                             "than the card)."});
      break;
    case CertReading::kRenewedOutsideWindow:
      out.push_back({"R-VAL-7",
                     "更新した電子証明書の有効期限 " + x +
                         " (更新期間外の更新: 更新日の後5回目の誕生日) として確認しました。",
                     "The renewed certificates' expiry, " + x +
                         " (renewed outside the window: the 5th birthday after the renewal)."});
      break;
  }
  return out;
}

}  // namespace mynacert::rules
