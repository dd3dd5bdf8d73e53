#include "notices/letter.h"

#include <algorithm>
#include <cstdio>

#include "calendar/schedule.h"
#include "core/date_text.h"
#include "rules/dates.h"
#include "rules/procedures.h"

namespace mynacert::notices {

namespace {

using profiles::Applicant;
using profiles::ApplicantClass;
using profiles::Procedure;

bool HandlesRenewal(const profiles::Counter& c) {
  return std::find(c.procedures.begin(), c.procedures.end(), Procedure::kRenewal) !=
         c.procedures.end();
}

std::string CounterNoteJa(const profiles::Counter& c) {
  std::string note;
  switch (c.reservation) {
    case profiles::ReservationMode::kRequired: note = "要予約"; break;
    case profiles::ReservationMode::kOptional: note = "予約もできます"; break;
    case profiles::ReservationMode::kWalkIn: note = "予約不要"; break;
  }
  const bool agents = std::find(c.applicants.begin(), c.applicants.end(), ApplicantClass::kAgent) !=
                      c.applicants.end();
  if (!agents) note += "、本人のみ (代理人は不可, R-PROC-8)";
  if (!c.note_ja.empty()) note += "、" + c.note_ja;
  if (!c.hours_from_seed) note += "、受付時間は市区のページに記載がないため、お問い合わせください";
  return note;
}

// "窓口 (若林)", "窓口 (上町)" → "窓口 (若林、上町)"; other names as they are.
std::string JoinNames(const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, std::vector<std::string>>> by_prefix;
  for (const std::string& n : names) {
    const auto open = n.rfind(" (");
    const bool paren = open != std::string::npos && !n.empty() && n.back() == ')';
    const std::string prefix = paren ? n.substr(0, open) : n;
    auto it = std::find_if(by_prefix.begin(), by_prefix.end(),
                           [&](const auto& p) { return paren && p.first == prefix && !p.second.empty(); });
    if (it == by_prefix.end()) {
      by_prefix.push_back({prefix, {}});
      it = by_prefix.end() - 1;
    }
    if (paren) it->second.push_back(n.substr(open + 2, n.size() - open - 3));
  }
  std::string out;
  for (const auto& [prefix, inner] : by_prefix) {
    std::string one = prefix;
    if (!inner.empty()) {
      one += " (";
      for (size_t i = 0; i < inner.size(); ++i) one += (i ? "、" : "") + inner[i];
      one += ")";
    }
    out += (out.empty() ? "" : "、") + one;
  }
  return out;
}

// Counters with the same hours and note, named together (Setagaya's 22 fit in a few lines).
std::vector<CounterGroup> Group(const std::vector<const profiles::Counter*>& counters) {
  std::vector<CounterGroup> groups;
  std::vector<std::vector<std::string>> names;
  for (const profiles::Counter* c : counters) {
    const std::string hours = calendar::HoursJa(c->schedule), note = CounterNoteJa(*c);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const CounterGroup& g) {
      return g.hours_ja == hours && g.note_ja == note;
    });
    if (it == groups.end()) {
      groups.push_back({"", hours, note});
      names.push_back({c->name_ja});
    } else {
      names[static_cast<size_t>(it - groups.begin())].push_back(c->name_ja);
    }
  }
  for (size_t i = 0; i < groups.size(); ++i) groups[i].names_ja = JoinNames(names[i]);
  return groups;
}

PlanBlock Plan(const profiles::Municipality& m, Applicant applicant, const rules::Situation& s,
               std::string title_ja, std::string title_en) {
  PlanBlock b;
  b.title_ja = std::move(title_ja);
  b.title_en = std::move(title_en);
  auto plan = rules::PlanProcedure(m, Procedure::kRenewal, applicant, s);
  if (!plan.ok() || !plan->possible) {
    b.visits = 0;
    if (plan.ok()) {
      for (const rules::Reason& r : plan->refusals) b.notes.push_back(r.ja + " (" + r.rule + ")");
    }
    return b;
  }
  b.visits = static_cast<int>(plan->visits.size());
  for (const rules::VisitPlan& v : plan->visits) {
    std::string line = b.visits > 1 ? std::to_string(v.number) + "回目: " : "";
    if (v.holder_present && applicant != Applicant::kSelf) line += "本人も来庁、";
    bool first = true;
    for (const rules::DocumentLine& d : v.documents) {
      line += (first ? "" : "、") + d.ja + (d.optional ? " (お持ちであれば)" : "");
      first = false;
    }
    if (v.deadline_days_after_previous > 0) {
      line += " — 前回から" + std::to_string(v.deadline_days_after_previous) + "日以内";
    }
    b.lines.push_back(line);
  }
  for (const rules::Reason& r : plan->reasons) {
    if (r.rule == "R-PROC-1" || r.rule == "R-PROC-2" || r.rule == "R-PROC-3" ||
        r.rule == "R-PROC-4") {
      b.notes.push_back(r.ja + " (" + r.rule + ")");
    }
  }
  return b;
}

}  // namespace

std::string BookingBase(const profiles::Municipality& m, std::string_view booking_base) {
  std::string base = m.contact.booking_url.empty() ? std::string(booking_base) : m.contact.booking_url;
  if (!base.empty() && base.back() != '/' && base.find('#') == std::string::npos) base += '/';
  return base;
}

std::vector<std::string> ContactLines(const profiles::Municipality& m) {
  std::vector<std::string> lines;
  const profiles::Contact& contact = m.contact;
  const std::string note = contact.phone_note_ja.empty() ? "" : " " + contact.phone_note_ja;
  if (!contact.booking_phone.empty()) {
    lines.push_back("電話予約 (by phone): " + contact.department_ja + " " + contact.booking_phone +
                    (contact.booking_phone == contact.phone ? note : "") +
                    (contact.booking_phone_hours_ja.empty() ? "" : "、受付 " + contact.booking_phone_hours_ja));
  }
  if (!contact.phone.empty() && contact.phone != contact.booking_phone) {
    lines.push_back("お問い合わせ (enquiries): " + (contact.department_ja.empty() ? m.name_ja : contact.department_ja) +
                    " " + contact.phone + note);
  }
  if (!contact.address_ja.empty()) {
    lines.push_back((contact.postcode.empty() ? "" : "〒" + contact.postcode + " ") + contact.address_ja);
  }
  return lines;
}

std::vector<CounterGroup> GroupCounters(const std::vector<const profiles::Counter*>& counters) {
  return Group(counters);
}

std::string GroupedApplicationId(std::string_view id) {
  std::string out;
  for (size_t i = 0; i < id.size(); i += 4) {
    if (!out.empty()) out += ' ';
    out += id.substr(i, 4);
  }
  return out;
}

std::string JapaneseBirthDate(Date d) {
  const std::string era = JapaneseEraYear(d);
  return std::to_string(d.year()) + "年" + (era.empty() ? "" : "(" + era + ")") + std::to_string(d.month()) + "月" +
         std::to_string(d.day()) + "日";
}

Date WindowStart(const profiles::Municipality& m, bool abroad, Date cert_expiry) {
  return rules::RenewalWindowStart(
      cert_expiry, abroad ? m.rules.window_months_abroad : m.rules.window_months,
      m.rules.window_reading);
}

std::string LetterId(Kind kind, Date cert_expiry, int64_t resident_id) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%04d%02u%02u-%09lld", std::string(KindName(kind)).c_str(),
                cert_expiry.year(), cert_expiry.month(), cert_expiry.day(),
                static_cast<long long>(resident_id));
  return buf;
}

const profiles::Counter* WardCounter(const profiles::Municipality& m, const std::string& address) {
  for (const profiles::Counter& c : m.counters) {
    const auto at = c.name_ja.find("区役所");
    if (at == std::string::npos || at == 0) continue;
    const std::string ward = c.name_ja.substr(0, at + std::string("区").size());  // "中区"
    // "横浜市中区…": the city's name right before the ward's, so 南区 never matches 港南区.
    if (address.find(m.name_ja + ward) != std::string::npos) return &c;
  }
  return nullptr;
}

Result<Letter> ComposeLetter(const profiles::Municipality& m, const counter::Resident& r,
                             const DueNotice& due, Date run_date, const std::string& letter_id,
                             const std::string& reservation_id, std::string_view booking_base) {
  if (!due.auth && !due.sign) {
    return Error{ErrorCode::kInternal, "notice", "a notice about no certificate", "R-NOT-1"};
  }
  Letter l;
  l.letter_id = letter_id;
  l.kind = due.kind;
  l.run_date = run_date;
  l.municipality_ja = m.name_ja;
  l.name = r.name;
  l.postal_name = r.name + " 様";
  l.address = r.address;
  l.birth = r.birth;
  l.cert_expiry = due.cert_expiry;
  l.window_start = WindowStart(m, r.abroad, due.cert_expiry);
  l.card_expires_too = due.card_expiry <= due.cert_expiry;
  if (due.auth) l.certs.push_back({"利用者証明用電子証明書", "user-authentication certificate", due.cert_expiry});
  if (due.sign) l.certs.push_back({"署名用電子証明書", "signature certificate", due.cert_expiry});

  // Where: the ward's counter for the city's notice (R-NOT-3), every renewal counter otherwise.
  const profiles::Counter* home = WardCounter(m, r.address);
  std::vector<const profiles::Counter*> counters;
  if (due.kind == Kind::kCity && home) {
    counters.push_back(home);
    l.home_counter_ja = home->name_ja;
  } else {
    for (const profiles::Counter& c : m.counters)
      if (HandlesRenewal(c)) counters.push_back(&c);
  }
  l.counters = Group(counters);
  if (due.kind == Kind::kCity) {
    l.sender_ja = m.name_ja + (home ? " " + home->name_ja : "");
    l.reservation_id = reservation_id;
    const profiles::ReservationPolicy& rp = m.reservation;
    std::string when = "予約は" + std::string(rp.from_window_start
                                                  ? "更新手続期間の初日 " + l.window_start.ToString() + " から"
                                                  : "");
    if (rp.deadline_minute_day_before >= 0) {
      when += "、来庁希望日の前日 " + calendar::FormatMinute(rp.deadline_minute_day_before) + " まで";
    }
    if (rp.max_days_ahead > 0) when += "、" + std::to_string(rp.max_days_ahead) + "日先まで";
    l.reservation_rules.push_back(when + "受け付けます (R-OFF-6)。");
    // With a booking page the ID's box says "book on the web" beside its QR code, and the
    // contact lines give the phone.
    if (m.contact.booking_url.empty() && booking_base.empty()) {
      l.reservation_rules.push_back(
          "ウェブまたは電話で、上の予約IDを使って予約してください。/ Book on the web or by phone with this ID.");
    }
    if (home && home->reservation == profiles::ReservationMode::kWalkIn) {
      l.reservation_rules.push_back(home->name_ja + "は予約なしでも手続きできます (R-OFF-5)。");
    }
  } else {
    l.sender_ja = "地方公共団体情報システム機構 (J-LIS) — 差出人 " + m.name_ja;
  }

  // What to bring and how many visits (R-PROC), as the counter will ask (rules::PlanProcedure).
  rules::Situation s;
  s.holder_age = rules::AgeOn(r.birth, std::max(run_date, l.window_start));
  s.adult_ward = r.adult_ward;
  s.sign_cert = due.sign;
  s.sign_only = due.sign && !due.auth;
  const bool needs_rep = s.holder_age < m.procedures.legal_rep_age || r.adult_ward;
  if (needs_rep) {
    l.plans.push_back(Plan(m, r.adult_ward ? Applicant::kLegalRepGuardian : Applicant::kLegalRepParent,
                           s, r.adult_ward ? "法定代理人 (成年後見人) が来庁する場合" : "法定代理人 (親権者) が来庁する場合",
                           "A legal representative applies (R-PROC-2)"));
  } else {
    l.plans.push_back(Plan(m, Applicant::kSelf, s, "本人が来庁する場合", "The holder in person"));
    PlanBlock agent = Plan(m, Applicant::kAgentWithForm, s, "代理人が来庁する場合 (照会書兼回答書を使う)",
                           "An agent with the inquiry-and-response form (page 2)");
    agent.notes.push_back(
        "2ページ目の照会書兼回答書に本人が記入・署名し、暗証番号を目隠ししてから代理人にお渡しください (R-PROC-4)。");
    auto by_post = rules::PlanProcedure(m, Procedure::kRenewal, Applicant::kAgentWithoutForm, s);
    if (by_post.ok() && by_post->possible) {
      agent.notes.push_back("照会書兼回答書が使えない場合 (暗証番号の不一致・記入漏れ・目隠しなし) は文書照会となり、" +
                            std::to_string(by_post->visits.size()) + "回の来庁が必要です (R-PROC-5, R-PROC-6)。");
    }
    l.plans.push_back(std::move(agent));
  }

  l.form_valid_ja = "この照会書兼回答書は電子証明書の有効期限 " + due.cert_expiry.ToString() + " まで使えます";
  if (m.procedures.expired_form_usable_if_unchanged) {
    l.form_valid_ja += "。有効期限の後も、印字された氏名・住所に変更がなければ使えます (R-PROC-7)";
  }
  l.form_valid_ja += "。";

  // Where to book, check and ask (issue 16): the web page with a QR code, the phones.
  const std::string base = BookingBase(m, booking_base);
  if (!base.empty()) {
    // The 予約ID as printed (grouped): the booking form opens with it filled in.
    // With the ward's counter when the letter names it (R-NOT-3): the form opens on it.
    l.booking_url = base + (l.reservation_id.empty()
                                ? "#/"
                                : "#/book/" + l.reservation_id + (home && due.kind == Kind::kCity ? "/" + home->id : ""));
  }
  l.contact_lines = ContactLines(m);

  l.notes.push_back("通知が届く前でも、更新できる期間に入っていれば手続きできます (R-WIN-2)。期間内の更新は無料です (R-WIN-4)。");
  l.notes.push_back("所要時間は約10分、写真は不要です (R-PROC-10)。");
  if (l.card_expires_too) {
    l.notes.push_back("カードの有効期限 " + due.card_expiry.ToString() +
                      " も到来します。電子証明書だけの更新はできません。カードの更新 (交付申請) をしてください (R-WIN-6)。");
  }
  l.notes.push_back("有効期限が過ぎると e-Tax・マイナポータル・コンビニ交付などで使えなくなりますが、カードが有効な間はいつでも無料で新しい電子証明書を発行できます (R-WIN-5)。");
  if (due.kind == Kind::kCity) {
    l.notes.push_back("このお知らせ (白い封筒) のあと、J-LIS から青い封筒で「有効期限通知書」が届きます。このお知らせで手続きを済ませた方は、再度の手続きは必要ありません (R-NOT-3, R-NOT-4)。");
  } else {
    l.notes.push_back("すでに更新手続きがお済みの方は、この通知による手続きは必要ありません (R-NOT-4)。");
  }
  return l;
}

Result<Letter> ComposeCardLetter(const profiles::Municipality& m, const counter::Resident& r,
                                 const DueNotice& due, Date run_date, const std::string& letter_id,
                                 const std::string& application_id, std::string_view booking_base) {
  if (due.kind != Kind::kCard) {
    return Error{ErrorCode::kInternal, "notice", "ComposeCardLetter for a certificate notice", "R-CARD-1"};
  }
  if (application_id.empty()) {
    return Error{ErrorCode::kInternal, "application", "a card notice without its 申請書ID", "R-CARD-1"};
  }
  Letter l;
  l.letter_id = letter_id;
  l.kind = Kind::kCard;
  l.run_date = run_date;
  l.municipality_ja = m.name_ja;
  l.sender_ja = "地方公共団体情報システム機構 (J-LIS) — 差出人 " + m.name_ja;
  l.name = r.name;
  l.postal_name = r.name + " 様";
  l.address = r.address;
  l.birth = r.birth;
  l.cert_expiry = l.card_expiry = due.card_expiry;
  l.card_expires_too = true;
  l.card_expiry_ja = JapaneseLongDate(due.card_expiry);
  l.card_expiry_en = EnglishLongDate(due.card_expiry);
  l.application_id = application_id;
  l.application_id_grouped = GroupedApplicationId(application_id);
  const std::string base = BookingBase(m, booking_base);
  if (!base.empty()) l.apply_url = base + "#/apply/" + application_id;
  const bool online = !l.apply_url.empty();
  l.legal_rep = rules::AgeOn(r.birth, run_date) < m.procedures.legal_rep_age || r.adult_ward;
  l.contact_lines = ContactLines(m);

  // Where to apply with help and to collect the card: the pick-up counters (else those that
  // issue cards).
  std::vector<const profiles::Counter*> counters;
  for (Procedure p : {Procedure::kCardPickup, Procedure::kNewIssuance}) {
    for (const profiles::Counter& c : m.counters) {
      if (std::find(c.procedures.begin(), c.procedures.end(), p) != c.procedures.end()) counters.push_back(&c);
    }
    if (!counters.empty()) break;
  }
  l.counters = Group(counters);

  l.card_intro = {
      {r.name + " 様のマイナンバーカード (個人番号カード) は、" + l.card_expiry_ja +
           " に有効期限を迎えます。新しいカードを申請してください。申請には2ページ目の交付申請書を使います。",
       "Your My Number Card expires on " + l.card_expiry_en +
           ". Please apply for a new card with the application form (交付申請書) on page 2."}};

  CardSection certs{"電子証明書もカードと一緒に使えなくなります", "The certificates end with the card", {}};
  certs.items.push_back(
      {"カードの電子証明書 (利用者証明用・署名用) は、カードの有効期限を過ぎると使えません。電子証明書だけの更新はできないため、"
       "カードを更新してください。新しいカードには新しい電子証明書を入れます (R-CARD-4, R-WIN-6)。",
       "The certificates on the card stop working when the card expires and cannot be renewed on their own: renew the "
       "card. The new card comes with new certificates."});
  l.card_sections.push_back(std::move(certs));

  CardSection how{"申請のしかた (R-CARD-1)", "How to apply", {}};
  if (online) {
    how.items.push_back({"スマートフォン・パソコンで: 2ページ目の QR コードを読み取り、申請書ID と生年月日を確かめて、顔写真を送ります。",
                         "Online: scan the QR code on page 2, confirm the application ID and your date of birth, upload a photo."});
  }
  how.items.push_back({"郵送で: 2ページ目の交付申請書に署名し、顔写真 (縦4.5cm×横3.5cm) を貼って、返信用封筒で送ります。",
                       "By post: sign the form on page 2, stick a photo (4.5 cm high × 3.5 cm wide) on it, mail it in the return envelope."});
  if (online) {
    how.items.push_back({"まちなかの証明写真機で: 交付申請書の QR コードを読み取らせ、撮影した写真でそのまま申請できます。",
                         "At a photo booth: let the booth read the form's QR code and apply with the photo it takes."});
  }
  how.items.push_back({"窓口で: この通知を持って来庁してください。職員が申請をお手伝いし、顔写真はその場で撮影します。",
                       "At the counter: bring this notice; staff help you apply and take your photo there."});
  if (!online) {
    how.items.push_back({"この交付申請書にはオンライン申請用の QR コードがありません。郵送または窓口で申請してください。",
                         "This form has no QR code for applying online: apply by post or at the counter."});
  }
  if (l.legal_rep) {
    how.items.push_back({std::to_string(m.procedures.legal_rep_age) +
                             "歳未満の方・成年被後見人の方は、法定代理人が申請書に記入・署名してください (R-PROC-2)。",
                         "Under " + std::to_string(m.procedures.legal_rep_age) +
                             " or an adult ward: the legal representative fills in and signs the form."});
  }
  how.items.push_back({"顔認証マイナンバーカード (暗証番号なし・署名用電子証明書なし) を希望する方は、申請書の欄にチェックしてください (R-FACE-1)。",
                       "For a face-authentication card (no PINs, no signature certificate), tick the box on the form."});
  l.card_sections.push_back(std::move(how));

  CardSection after{"無料です・申請のあと (R-CARD-3, R-CARD-2)", "Free of charge; after you apply", {}};
  after.items.push_back({"カードの更新は無料です。この通知が届いた日から申請できます。有効期限までに新しいカードを受け取れるよう、早めに申請してください。",
                         "Renewing the card is free of charge. You can apply from the day this notice arrives: apply early so the "
                         "new card is ready before the old one expires."});
  after.items.push_back({"申請から約1か月後に、" + m.name_ja + "から「交付通知書」が届きます。届いたら受け取りの予約をして、"
                         "交付通知書・今のカード (返納します)・本人確認書類を持って来庁してください。暗証番号は受け取りのときに窓口で設定します。",
                         "About one month after you apply, a pick-up notice (交付通知書) arrives. Then book a pick-up and come with "
                         "it, your current card (it is returned) and identity documents; you set the PINs at the counter."});
  l.card_sections.push_back(std::move(after));

  CardSection notes{"ご注意", "Notes", {}};
  notes.items.push_back({"すでにカードの更新を申請された方は、この通知による手続きは必要ありません。この通知と交付申請書に暗証番号を書く欄はありません: "
                         "電話やメールで暗証番号を尋ねられても答えないでください。",
                         "Already applied for a new card? Then there is nothing more to do. Neither this notice nor the form asks "
                         "for a PIN: never tell a PIN to anyone who asks by phone or e-mail."});
  l.card_sections.push_back(std::move(notes));
  return l;
}

}  // namespace mynacert::notices
