// What an expiry notice says (R-NOT, R-WIN-1, R-PROC-4/6): the content of one letter,
// composed from the residence record, the profile and the rules engine, before any layout.
// The PDF renderer (notices/pdf.h) only places this text; tests read it without a PDF.
//
// Page 1 is the notice — J-LIS's 有効期限通知書, or the city's 有効期限のお知らせ (予約ID通知書)
// that names the ward's counter and carries the reservation ID (R-NOT-3). Page 2 is the
// 照会書兼回答書 for an agent (R-PROC-4): holder, agent, declaration, and a PIN box with the
// instruction to hide it — the form never carries a PIN, only empty boxes.
//
// The card notice (Kind::kCard, R-CARD-1..4) is another letter: page 1 says that the CARD
// expires, that its certificates end with it (renew the card, R-CARD-4), how to apply, that it
// is free and what follows (交付通知書, pick-up by booking, R-CARD-2); page 2 is the 交付申請書
// with its 申請書ID and a QR code for the online application. No PIN is asked anywhere.
//
// Thread-safety: pure functions.
#ifndef MYNACERT_NOTICES_LETTER_H_
#define MYNACERT_NOTICES_LETTER_H_

#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "counter/store.h"
#include "notices/notices.h"
#include "profiles/model.h"

namespace mynacert::notices {

struct CertLine {
  std::string ja, en;  // "利用者証明用電子証明書", "user-authentication certificate"
  Date expiry;
};

// Who comes, how many visits, what each visit needs (from rules::PlanProcedure).
struct PlanBlock {
  std::string title_ja, title_en;  // "本人が来庁する場合", "The holder in person"
  int visits = 1;
  std::vector<std::string> lines;  // "1回目: 本人のマイナンバーカード (原本)、…"
  std::vector<std::string> notes;  // reasons worth printing, with their rule IDs
};

// A line in plain Japanese with its English alongside.
struct Bilingual {
  std::string ja, en;
};

// A headed block of the card notice.
struct CardSection {
  std::string title_ja, title_en;
  std::vector<Bilingual> items;
};

// Counters with the same hours and reservation mode, named together.
struct CounterGroup {
  std::string names_ja;  // "鶴見区役所戸籍課登録担当"
  std::string hours_ja;  // "平日 8:45–17:00、第2・第4土曜日 9:00–12:00"
  std::string note_ja;   // "予約制", "本人のみ (R-PROC-8)", the counter's note
};

struct Letter {
  std::string letter_id;
  Kind kind = Kind::kJlis;
  Date run_date;
  std::string municipality_ja;  // "横浜市"
  std::string sender_ja;        // J-LIS (差出人 the city) or the ward office
  std::string name;             // 氏名 as recorded
  std::string postal_name;      // "山田　花子 様"
  std::string address;
  Date birth;
  std::vector<CertLine> certs;  // those expiring on cert_expiry
  Date cert_expiry;
  Date window_start;            // R-WIN-1 (R-WIN-3 for holders abroad)
  bool card_expires_too = false;  // R-WIN-6: the card expires the same day
  std::string reservation_id;     // city notice (R-NOT-3)
  std::vector<std::string> reservation_rules;  // R-OFF-6 lines for the city notice
  std::string home_counter_ja;    // the ward's counter (R-NOT-3), "" if none matched
  std::vector<CounterGroup> counters;
  std::vector<PlanBlock> plans;   // self (or legal representative), agent with the form
  std::string form_valid_ja;      // the 照会書兼回答書's validity (B6 / R-PROC-7)
  std::vector<std::string> notes;  // R-WIN-2, R-WIN-4, R-NOT-4, …
  // Where to book or check on the web, printed with a QR code: the residents' page, opened on
  // the booking form with the 予約ID for a city notice ("" when no address is configured).
  std::string booking_url;
  // The municipality's phone lines as its page gives them: enquiries, booking by phone (seed
  // 003's 専用ダイヤル with its hours).
  std::vector<std::string> contact_lines;

  // ---- the card notice (Kind::kCard); cert_expiry holds the card's expiry too ----
  Date card_expiry;
  std::string card_expiry_ja;          // "2027年(令和9年)2月10日(水)"
  std::string card_expiry_en;          // "Wed 10 February 2027"
  std::string application_id;          // the 交付申請書's 申請書ID, 23 digits
  std::string application_id_grouped;  // "1234 5678 9012 3456 7890 123"
  // The online application, printed on the form as a QR code: <booking base>#/apply/<id>
  // ("" when no booking address is configured: the form says to apply by post or at a counter).
  std::string apply_url;
  bool legal_rep = false;  // under the legal representative's age or an adult ward (R-PROC-2)
  std::vector<Bilingual> card_intro;
  std::vector<CardSection> card_sections;
};

// Composes the letter for `due`. `reservation_id` only for a city notice. `booking_base`: the
// residents' page ("https://…/"), used when the profile's contact.booking_url is empty; "" and
// no profile URL: the letter gives the phone only.
Result<Letter> ComposeLetter(const profiles::Municipality& m, const counter::Resident& r,
                             const DueNotice& due, Date run_date, const std::string& letter_id,
                             const std::string& reservation_id, std::string_view booking_base = "");

// Composes the card notice for `due` (Kind::kCard, R-CARD-1..4) carrying the 交付申請書 of
// `application_id` (counter::OpenApplication). `booking_base` as for ComposeLetter: the online
// application's address is <base>#/apply/<id>.
Result<Letter> ComposeCardLetter(const profiles::Municipality& m, const counter::Resident& r,
                                 const DueNotice& due, Date run_date, const std::string& letter_id,
                                 const std::string& application_id,
                                 std::string_view booking_base = "");

// "1234 5678 9012 3456 7890 123": a 申請書ID in groups of four for reading aloud and copying.
std::string GroupedApplicationId(std::string_view id);

// The residents' page to print ("https://…/", with its slash): the profile's
// contact.booking_url, else `booking_base`; "" when neither is set.
std::string BookingBase(const profiles::Municipality& m, std::string_view booking_base);

// The municipality's phone and address lines (contact.*) as the letters print them.
std::vector<std::string> ContactLines(const profiles::Municipality& m);

// The counters, those with the same hours and notes named together (as the letters list them).
std::vector<CounterGroup> GroupCounters(const std::vector<const profiles::Counter*>& counters);

// "1980年(昭和55年)7月7日": a date of birth as the forms print it (no weekday).
std::string JapaneseBirthDate(Date d);

// The renewal window's first day for a holder (R-WIN-1, R-WIN-3 abroad).
Date WindowStart(const profiles::Municipality& m, bool abroad, Date cert_expiry);

// "jlis-20260707-000000042": stable for (kind, expiry, resident), so a resumed run writes the
// same file names and the ID is unique exactly when the notices_sent key is.
std::string LetterId(Kind kind, Date cert_expiry, int64_t resident_id);

// The counter whose ward appears in the address ("横浜市中区…" → 中区役所…), or null.
const profiles::Counter* WardCounter(const profiles::Municipality& m, const std::string& address);

}  // namespace mynacert::notices

#endif  // MYNACERT_NOTICES_LETTER_H_
