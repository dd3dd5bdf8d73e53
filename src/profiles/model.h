// A municipality profile (自治体プロファイル): everything in which the five seed pages differ,
// as data. One TOML file per municipality under profiles/ fills one `Municipality`;
// adding a sixth municipality is adding a file (profiles/loader.h).
//
// Where the seeds differ the difference is a setting here, never a silent choice in code
// (rules.md, preamble). Each field names the rule it parameterises.
//
// Thread-safety: plain values; a loaded profile is immutable and may be shared.
#ifndef MYNACERT_PROFILES_MODEL_H_
#define MYNACERT_PROFILES_MODEL_H_

#include <optional>
#include <string>
#include <vector>

#include "calendar/schedule.h"

namespace mynacert::profiles {

// ---- Date conventions the public sources leave open (jpki-facts.md B1, B2) ----

// R-VAL: a 29 February birthday in a common year. Default 28 Feb (道路交通法92条の2 備考5
// precedent); 1 Mar as a setting.
enum class LeapDayBirthday { kFeb28, kMar1 };
// R-WIN-1: the start of the renewal window at month ends. kCorrespondingDayPlusOne = reading A
// (the day three months before, clamped to the month's last day, then the next day; the
// default). kCivilCode = reading B (民法140/143 literal). jpki-facts.md B2 lists where they
// differ.
enum class WindowReading { kCorrespondingDayPlusOne, kCivilCode };

struct RuleSettings {
  LeapDayBirthday leap_day_birthday = LeapDayBirthday::kFeb28;
  WindowReading window_reading = WindowReading::kCorrespondingDayPlusOne;
  // R-WIN-1 / R-WIN-3: window length in months (3; 12 for holders abroad).
  int window_months = 3;
  int window_months_abroad = 12;
  // R-CARD-3 (rules-lifecycle.md, medium confidence): a card renewal can be applied for from
  // the arrival of J-LIS's notice, about this many months before the card's expiry.
  int card_application_months = 3;
  // R-CERT-4 (seed 004) vs R-PROC-3 (seed 003): Suzuka's page says no sign cert for an adult
  // ward; Yokohama's page renews an adult ward's sign cert with the holder present. The seeds
  // differ, so it is a setting: false (R-CERT-4, current law per jpki-facts A3) by default.
  bool adult_ward_sign_cert = false;
};

// ---- Procedures and applicants (R-PROC) ----

// kFoundCard: 一時停止解除 of a card the hotline suspended (R-LOST-2/3): the held certificates
// revoked and new ones issued onto the card. kAbolishCard: 紛失届 / 廃止 (R-LOST-4): the card
// abolished and its certificates revoked, for a card that stays lost, was stolen, broken or
// misused. kFaceSwitch: a card switched to a face-authentication card or back (R-FACE-3).
// kCardPickup: the new card handed over after the card's own renewal (R-CARD-2).
enum class Procedure {
  kRenewal,
  kNewIssuance,
  kPinReset,
  kFoundCard,
  kAbolishCard,
  kFaceSwitch,
  kCardPickup
};
// Who comes to the counter. The legal representative is split because the proof of
// authority differs (戸籍謄本 vs 登記事項証明書, R-PROC-2).
enum class Applicant {
  kSelf,
  kLegalRepParent,
  kLegalRepGuardian,
  kAgentWithForm,
  kAgentWithoutForm,
};
// The applicant kinds a counter accepts (R-PROC-8: Setagaya corners take `self` only).
enum class ApplicantClass { kSelf, kLegalRep, kAgent };

// ---- Counters (R-OFF) ----

enum class ReservationMode {
  kWalkIn,    // no reservation possible (Yamagata; Yokohama 青葉区・西区; Kanazawa 市民センター)
  kOptional,  // walk in, or book (Kanazawa City Hall via LINE, R-OFF-3)
  kRequired,  // book first (16 Yokohama wards, R-OFF-5)
};

struct Counter {
  std::string id;       // stable, ASCII: "yokohama-naka"
  std::string name_ja;  // "中区役所戸籍課"
  std::string name_en;  // "Naka Ward Office, Family Register Division"
  // Its place in the profile's list, from 1: the last three digits of the 受付窓口識別記号 in
  // the subject CN of the certificates it issues (pki::WindowId).
  int number = 0;
  calendar::CounterSchedule schedule;
  std::vector<Procedure> procedures;         // which procedures it handles
  std::vector<ApplicantClass> applicants;    // who it accepts (R-PROC-8)
  ReservationMode reservation = ReservationMode::kWalkIn;
  std::string note_ja;                       // "混雑: 10:00–11:30, 13:30–14:30" (R-OFF-2)
  // The counter's address where a seed gives it ("" otherwise: never invented); a print and a
  // calendar entry then name the counter and the municipality's contact address.
  std::string address_ja;
  // false where no seed gives the counter's hours (Setagaya, Suzuka): the hours are the
  // profile's assumption and every page, letter and calendar entry showing them says so.
  bool hours_from_seed = true;
};

// Where residents ask and book by phone (seed pages' お問い合わせ), for the letters, the booking
// print and the residents' page (issue 16). Every field as the seed prints it; "" where the
// seed gives none.
struct Contact {
  std::string department_ja;   // "市民課"
  std::string postcode;        // "920-8577"
  std::string address_ja;      // "金沢市広坂1丁目1番1号"
  std::string phone;           // "076-220-2241"
  std::string phone_note_ja;   // "(代表) 内線345・352"
  // A line for booking by phone (seed 003: 専用ダイヤル), with its hours; "" = the phone above.
  std::string booking_phone;
  std::string booking_phone_hours_ja;
  // The web booking page's address printed on the letters with a QR code: the deployment's
  // public URL of mynacert's residents' page ("" = the letters give the phone only; `notices
  // run --booking-url` sets it for one run).
  std::string booking_url;
};

// Booking rules (R-OFF-3, R-OFF-6). Only meaningful where some counter is not walk-in.
// src/reservations/ applies them (docs/reservations.md).
struct ReservationPolicy {
  bool from_window_start = false;  // R-OFF-6: bookable from the first day of the window
  int deadline_minute_day_before = -1;  // R-OFF-6: 17:00 the day before = 1020; -1 = none
  int max_days_ahead = 0;          // R-OFF-6: 40 (0 = no limit)
  bool max_day_closed_falls_back = false;  // R-OFF-6: 40th day closed -> the open day before
  int min_days_ahead = 0;          // R-OFF-3: Kanazawa LINE, a week or more ahead = 7
  // R-OFF-6 / R-NOT-3 (Yokohama): a booking needs the 予約ID printed on the city's notice.
  bool requires_reservation_id = false;
  // The slots a counter's opening hours are cut into, and the bookings each slot takes. No seed
  // gives them: local settings, not rules.
  int slot_minutes = 30;
  int slot_capacity = 1;
};

// ---- Procedure variants (R-PROC, R-ID, R-PIN) ----

// One identity-document requirement as alternatives of (A count, B count):
// "A×1" = {{1,0}}; "A×2 または A×1+B×1" = {{2,0},{1,1}}; "A×1 または B×1" = {{1,0},{0,1}}.
// An A document also satisfies a B slot.
struct IdCombo {
  int a = 0;
  int b = 0;
  friend bool operator==(const IdCombo&, const IdCombo&) = default;
};

// Whose document it is.
enum class Party { kHolder, kRepresentative, kAgent };

// A document a visit requires. `item`: holder_card (本人のマイナンバーカード), id (本人確認書類,
// with `whose` and `alternatives`), inquiry_form (照会書兼回答書), application_form (申請書),
// expiry_notice (有効期限通知書; optional).
struct DocumentSpec {
  std::string item;
  Party whose = Party::kHolder;
  std::vector<IdCombo> alternatives;  // for item == "id"
  bool health_insurance_card_accepted = false;  // R-ID-X: Yokohama, agent, 文書照会 visit 1
  bool optional = false;                        // e.g. the expiry notice in Yokohama
};

// One visit of the 文書照会 procedure (R-PROC-6).
struct InquiryVisit {
  std::vector<DocumentSpec> documents;
  // Staff actions: agent_fills_application_form, hand_over_application_form, take_copies,
  // mail_inquiry_form, staff_enter_pin.
  std::vector<std::string> actions;
  int deadline_days_after_previous = 0;  // Kanazawa: 3rd visit within 30 days of the 2nd
  bool any_counter = false;              // Kanazawa: "前回と違う窓口でも結構です"
};

// How guardians without a photo ID are handled (R-PROC-3).
enum class NoPhotoIdGuardian { kRefuse, kDocumentInquiry };

struct ProcedurePolicy {
  // R-PROC-1: Suzuka also checks the 住民基本台帳用暗証番号.
  bool check_juki_pin = false;
  // R-PROC-2: the legal representative acts for holders under this age (15; Kanazawa: 未成年 18).
  int legal_rep_age = 15;
  // R-PROC-2: the representative may come without the holder (Kanazawa, Yamagata).
  bool legal_rep_may_come_alone = false;
  // R-PROC-2: 戸籍謄本 waived when the residence record shows the parent-child relation in one
  // household; Kanazawa also when the 本籍 is in the city.
  bool koseki_waived_same_household = true;
  bool koseki_waived_honseki_in_city = false;
  // R-PROC-2 (Yamagata): 戸籍謄本 and 登記事項証明書 issued within this many months (0 = any).
  int authority_proof_max_months = 0;
  // R-PROC-2 (Yamagata): a corporate guardian also shows an employee ID.
  bool corporate_guardian_employee_id = false;
  // R-PROC-3 (Yokohama): a sign-cert renewal of an adult ward needs the holder present.
  bool adult_ward_sign_renewal_holder_present = false;
  NoPhotoIdGuardian guardian_without_photo_id = NoPhotoIdGuardian::kRefuse;
  // R-PROC-7 (Setagaya): after expiry the J-LIS form stays usable if name and address are
  // unchanged. Elsewhere the form is valid until the certificate's expiry (jpki-facts B6;
  // Suzuka says so explicitly).
  bool expired_form_usable_if_unchanged = false;
  // R-PROC-9: staff copy the documents (Kanazawa, Yokohama); name/address must match the
  // residence record (Yokohama).
  bool staff_copy_documents = false;
  bool id_must_match_registry = false;
  // R-ID-X and the local additions to R-ID-B (document ids of rules/id_documents.h).
  std::vector<std::string> refused_documents;
  std::vector<std::string> extra_b_documents;
  // R-PROC-6: the 文書照会 visits.
  std::vector<InquiryVisit> inquiry_visits;
};

// ---- Expiry notices (R-NOT) ----

// When the expiry notices are mailed, in days before the certificate's last valid day. The
// seeds give months loosely (000, 004: 2–3 months; 001: about 2.5 months), so a profile states
// days and its TOML comment names the seed. The notice batch (src/notices/) reads this.
struct NoticePolicy {
  // R-NOT-1: J-LIS's 有効期限通知書 (blue envelope). 76 days = 2.5 months.
  int jlis_lead_days = 76;
  // R-NOT-3 (Yokohama): the city's own notice (white envelope: the ward's counter and a
  // reservation ID, 予約ID通知書), this many days before expiry; 0 = the city mails none. When
  // set it exceeds jlis_lead_days: the white envelope comes before the blue one.
  int city_lead_days = 0;
  // R-CARD-1/3: J-LIS's notice of the card's own expiry, with the 交付申請書, this many days
  // before the card's expiry ("about 3 months": medium confidence, a setting). 0 = none.
  int card_lead_days = 90;
};

// ---- Fees (R-LOST-4, R-CARD-3) ----

// The re-issuance fee after a 紛失届 when the holder is at fault (R-LOST-4: a setting, "commonly
// 800 円 for the card and 200 円 for the certificates", rules-lifecycle.md; medium confidence).
// A card renewal is free (R-CARD-3).
struct Fees {
  int reissue_card_yen = 800;
  int reissue_certificates_yen = 200;
};

struct Municipality {
  std::string id;             // file stem: "yokohama"
  std::string name_ja;        // "横浜市"
  std::string name_en;        // "Yokohama City"
  std::string prefecture_ja;  // "神奈川県"
  std::string prefecture_en;  // "Kanagawa-ken" (sign-cert subject L=, jpki-facts A3)
  std::string municipality_en;  // "Yokohama-shi"
  // 全国地方公共団体コード with its check digit, "141003" (core/local_government_code.h); the
  // certificates' subject CN names it (pki::WindowId).
  std::string local_government_code;
  std::string seed;           // "003_f7ea3655fef1d145.txt" ("" for a profile not from a seed)
  std::string source_file;    // the file it was loaded from
  int id_line = 0;            // the line of `id` in it (for errors about the id)

  RuleSettings rules;
  Contact contact;
  std::vector<Counter> counters;
  ReservationPolicy reservation;

  ProcedurePolicy procedures;
  NoticePolicy notices;  // R-NOT-1/3
  Fees fees;             // R-LOST-4

  const Counter* FindCounter(std::string_view counter_id) const {
    for (const Counter& c : counters)
      if (c.id == counter_id) return &c;
    return nullptr;
  }
};

}  // namespace mynacert::profiles

#endif  // MYNACERT_PROFILES_MODEL_H_
