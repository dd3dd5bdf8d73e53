// The counter's records behind the store interface (store/database.h): the resident registry
// slice (住民記録), cards and certificates per resident with their history, cases with their
// visits, documents and execution journal, and the revocations a change of the record queues
// (R-CERT-5). One CounterStore per connection; schema in src/store/migrations/counter/.
//
// The store only records; what may be done is counter/decision.h, and doing it (card, CA) is
// counter/execution.h.
//
// Thread-safety: one CounterStore per thread (it owns one connection).
#ifndef MYNACERT_COUNTER_STORE_H_
#define MYNACERT_COUNTER_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "counter/audit.h"
#include "store/database.h"

namespace mynacert::counter {

struct Resident {
  int64_t id = 0;
  std::string municipality;  // profile id
  std::string name;          // 氏 and 名 separated by a full-width space
  std::string name_kana;
  std::string tsusho;  // 通称
  std::string kyuuji;  // 旧氏
  std::string address;
  Date birth;
  int sex = 9;  // 1 男 2 女 9 適用不能
  std::string household;
  std::string nationality = "JP";
  std::optional<Date> stay_until;  // R-VAL-4
  bool adult_ward = false;         // R-CERT-4, R-PROC-2
  bool abroad = false;             // R-WIN-3
  bool forwarding = false;         // R-NOT-2: 転送不要 mail is not delivered
  std::string my_number;           // 12 digits, with its check digit
};

// A change of the record (`resident change`): only the fields set change.
struct ResidentChange {
  std::optional<std::string> name, tsusho, kyuuji, address, household, nationality;
  std::optional<Date> birth;
  std::optional<int> sex;
  std::optional<Date> stay_until;
  std::optional<bool> adult_ward, abroad, forwarding;
};

// The fields whose change revokes the sign cert (R-CERT-5).
bool RevokesSignCert(std::string_view field);

struct ResidentEvent {
  int64_t id = 0;
  Date on;
  std::string clerk, field, old_value, new_value;
};

struct CardRecord {
  int64_t id = 0;
  int64_t resident_id = 0;
  std::string location;  // "file:<path>" | "reader:<name>"
  std::string chip_id;
  Date applied, issued, expires;
  // active | suspended (一時停止 by the hotline, R-LOST-1) | replaced | returned | abolished
  // (廃止, R-LOST-4)
  std::string state = "active";
  bool face = false;  // a face-authentication card (R-FACE-1): no PINs, no sign certificate
  bool suspended() const { return state == "suspended"; }
};

struct CertRecord {
  int64_t id = 0;
  int64_t resident_id = 0;
  int64_t card_id = 0;
  std::string kind;  // sign | auth
  std::string serial;
  Date issued, last_valid_day;
  bool renewal = false;
  // active | held (certificateHold, final: R-LOST-2) | superseded | revoked
  std::string state = "active";
  std::string reason;            // RFC 5280 name when not active
  std::optional<Date> ended_on;
  int64_t case_id = 0;
};

// Case flags: what the clerk recorded about the situation (rules::Situation).
struct CaseFlags {
  std::string certs = "both";  // both | auth | sign: which certificates the case is about
  // abolish_card (R-LOST-4): lost | stolen | broken | misused, and whether the re-issuance fee
  // applies (the holder at fault; by default lost and broken are, stolen and misused are not).
  std::string card_event;
  std::optional<bool> holder_at_fault;
  bool pin_forgotten = false;  // R-PROC-1: reset in the same visit
  std::string pin = "auth";    // pin_reset: which PIN (auth | sign | text | juki)
  bool honseki_in_city = false;             // R-PROC-2 (Kanazawa)
  bool corporate_guardian = false;          // R-PROC-2 (Yamagata)
  bool representative_has_photo_id = true;  // R-PROC-3
  bool pin_mismatch = false;  // R-PROC-5: the form's PIN did not match the card
  std::string switched_from;  // the applicant before a switch to 文書照会
  std::string card_type;      // face_switch (R-FACE-3): face | pin, the type asked for
  std::string application;    // card_pickup (R-CARD-2): the 申請書ID of the card handed over
};

struct Visit {
  int number = 1;
  Date on;
  std::string counter_id;
  std::string clerk;
  bool holder_present = false;
};

struct Document {
  int visit = 1;
  int seq = 0;
  std::string whose = "holder";  // holder | representative | agent
  std::string item;  // holder_card | id | inquiry_form | application_form | koseki_tohon |
                     // touki_jiko_shomei | employee_id | expiry_notice | pickup_notice (交付通知書)
  std::string kind;      // id: catalog id
  std::string category;  // A | B (id, as accepted)
  std::optional<Date> issued;
  std::optional<Date> expires;  // inquiry_form: its validity
  std::string form_source;      // jlis | municipal
  std::optional<Date> form_printed;
  bool form_signed = true;
  bool form_pin_hidden = true;
  bool form_complete = true;
  // Checked when presented, never stored: a copy or an illegible document is refused
  // (R-PROC-9) before it is recorded.
  bool original = true;
  bool legible = true;
};

struct Step {
  int seq = 0;
  std::string step;   // check_pins, reset_pin:auth, keygen:auth, issue:sign, write:auth, …
  std::string state;  // planned | started | done
  std::string data;   // JSON (public key, serial); never a PIN
};

struct Case {
  int64_t id = 0;
  int64_t resident_id = 0;
  std::string municipality;
  std::string procedure;  // renewal | new_issuance | pin_reset | found_card | abolish_card |
                          // card_issuance
  std::string applicant;  // self | legal_rep_parent | legal_rep_guardian | agent_with_form |
                          // agent_without_form
  int64_t representative_id = 0;
  CaseFlags flags;
  std::string state = "open";  // open | waiting | accepted | executing | done | refused
  int visit = 1;
  std::optional<Date> deadline;
  std::string decision;  // JSON
  int64_t opened_at = 0;
  std::vector<Visit> visits;
  std::vector<Document> documents;
  std::vector<Step> steps;

  const Visit* current_visit() const { return visits.empty() ? nullptr : &visits.back(); }
};

class CounterStore {
 public:
  // Migrates the schema, then wraps `db`.
  static Result<std::unique_ptr<CounterStore>> Open(std::unique_ptr<store::Database> db);
  // The database a locator names (store::Open: a SQLite path or postgresql://…).
  static Result<std::unique_ptr<CounterStore>> Open(const std::string& locator);

  store::Database& db() { return *db_; }
  AuditLog& audit() { return audit_; }

  // ---- registry ----
  // Inserts (allocating the id and, if empty, a My Number); in the caller's transaction.
  Result<int64_t> AddResident(Resident r, int64_t at);
  Result<Resident> GetResident(int64_t id);  // NotFound names --resident
  Result<std::vector<Resident>> ListResidents(const std::string& municipality);
  // Applies the change and records one event per changed field (in the caller's transaction).
  // Returns the fields that changed.
  Result<std::vector<std::string>> ChangeResident(int64_t id, const ResidentChange& change,
                                                  Date on, std::string_view clerk, int64_t at);
  Result<std::vector<ResidentEvent>> Events(int64_t resident_id);
  Status AddRelation(int64_t parent_id, int64_t child_id);
  Result<bool> IsParentOf(int64_t parent_id, int64_t child_id);

  // The residents born on `birth`, in every municipality (the hotline identifies a caller
  // nationwide, R-LOST-1).
  Result<std::vector<Resident>> ResidentsBornOn(Date birth);

  // ---- cards and certificates ----
  Result<int64_t> AddCard(CardRecord c, int64_t at);
  // The resident's current card: active or suspended (R-LOST-1), never replaced or abolished.
  Result<std::optional<CardRecord>> ActiveCard(int64_t resident_id);
  Result<std::vector<CardRecord>> Cards(int64_t resident_id);
  Status SetCardState(int64_t card_id, std::string_view state);
  Status SetCardFace(int64_t card_id, bool face);  // R-FACE-3
  Result<int64_t> AddCert(CertRecord c);
  // Newest first.
  Result<std::vector<CertRecord>> Certs(int64_t resident_id);
  // The card's current certificate of `kind`: active or held.
  Result<std::optional<CertRecord>> ActiveCert(int64_t card_id, std::string_view kind);
  // An active certificate put on hold (R-LOST-1).
  Status HoldCert(std::string_view kind, std::string_view serial);
  // Ends an active or held certificate.
  Status EndCert(std::string_view kind, std::string_view serial, std::string_view state,
                 std::string_view reason, Date on);

  // ---- cases ----
  Result<int64_t> OpenCase(Case c, const Visit& first, int64_t at);
  Result<Case> GetCase(int64_t id);  // NotFound names --case; with visits, documents, steps
  Result<std::vector<int64_t>> CasesInState(std::string_view state);
  Result<std::vector<int64_t>> CasesOf(int64_t resident_id);
  Status UpdateCase(const Case& c, int64_t at);  // applicant, flags, state, visit, deadline, decision
  Status AddVisit(int64_t case_id, const Visit& v);
  Result<int> AddDocument(int64_t case_id, Document d);  // returns seq
  // Replaces the case's journal with `steps` (id, initial data), all `planned`.
  Status PlanSteps(int64_t case_id, const std::vector<std::pair<std::string, std::string>>& steps);
  Status MarkStep(int64_t case_id, int seq, std::string_view state, std::string_view data,
                  int64_t at);

  // ---- R-CERT-5 revocations queued by a change ----
  struct PendingRevocation {
    int64_t id = 0;
    int64_t resident_id = 0;
    std::string kind, serial, reason;
    int64_t at = 0;
    Date on;
    std::string clerk;
    std::string rule = "R-CERT-5";  // R-CERT-5 (a change of the record) | R-LOST-1 (a hold)
  };
  Result<int64_t> QueueRevocation(const PendingRevocation& p);
  Result<std::vector<PendingRevocation>> PendingRevocations();
  Status MarkRevocationDone(int64_t id);

  // ---- the loss hotline (R-LOST-1) ----
  struct HotlineCall {
    int64_t id = 0;
    int64_t resident_id = 0;
    int64_t card_id = 0;
    int64_t at = 0;
    std::string operator_name;
    std::string event = "lost";     // lost | stolen
    std::string caller = "holder";  // holder | family | other
    std::string caller_name;
    bool outside_home = false;
    std::string police_receipt;
    std::string held;  // JSON [{"kind", "serial"}]
    std::string note;
  };
  Result<int64_t> AddHotlineCall(HotlineCall call);
  Result<std::vector<HotlineCall>> HotlineCalls(int64_t resident_id);  // oldest first

  // ---- the holder's online revocation request (R-REV-2) ----
  struct HolderChallenge {
    std::string id;         // 32 hex digits
    std::string purpose;    // revocation | kiosk:auth | kiosk:sign
    std::string kind, serial;
    std::string challenge;  // 64 hex digits
    int64_t created_at = 0, expires_at = 0;
  };
  Status AddChallenge(const HolderChallenge& c);
  // Marks the challenge used at `now` and returns it, once: nullopt when it does not exist, was
  // used before (a replay) or expired. One conditional UPDATE … RETURNING, so two requests
  // racing with the same answer cannot both claim it.
  Result<std::optional<HolderChallenge>> ClaimChallenge(std::string_view id, int64_t now);

  // ---- kiosk PIN reset bookings (R-KIOSK-1) ----
  struct KioskBooking {
    std::string id;
    int64_t resident_id = 0, card_id = 0;
    std::string known_kind, known_serial, forgotten;
    int64_t created_at = 0, expires_at = 0;
  };
  Status AddKioskBooking(const KioskBooking& b);
  // Marks the booking used and returns it, once (nullopt: unknown, used or expired).
  Result<std::optional<KioskBooking>> ClaimKioskBooking(std::string_view id, int64_t now);
  // The booking as it is, used or not (nullopt: unknown).
  Result<std::optional<KioskBooking>> FindKioskBooking(std::string_view id, int64_t* used_at);

  // ---- the card's own renewal (R-CARD-1..3): the 交付申請書 and what became of it ----
  struct CardApplication {
    std::string id;  // 申請書ID, 23 digits
    int64_t resident_id = 0, old_card_id = 0;
    Date card_expiry;
    // noticed | applied | produced | notified | picked_up | cancelled
    std::string state = "noticed";
    Date noticed_on;
    std::string channel;  // online | post | counter ('' before the application)
    std::string photo;    // uploaded | attached | taken_at_counter
    bool face = false;    // a face-authentication card asked for (R-FACE-1)
    std::optional<Date> applied_on, produced_on, notified_on, picked_up_on;
    std::string location, chip_id;  // the produced card
    std::optional<Date> new_card_expiry;
    std::string pickup_booking;  // 予約番号
    int64_t case_id = 0;         // the pick-up case
    std::string clerk;
    int64_t created_at = 0, updated_at = 0;
  };
  Status AddCardApplication(const CardApplication& a);
  // Writes every field but id, resident_id, old_card_id, card_expiry and created_at.
  Status UpdateCardApplication(const CardApplication& a);
  Result<std::optional<CardApplication>> FindCardApplication(std::string_view id);
  // The resident's applications, newest first.
  Result<std::vector<CardApplication>> CardApplications(int64_t resident_id);
  // Every application in `state`, oldest first (staff lists: to produce, to notify).
  Result<std::vector<CardApplication>> CardApplicationsInState(std::string_view state);

 private:
  explicit CounterStore(std::unique_ptr<store::Database> db)
      : db_(std::move(db)), audit_(*db_) {}
  std::unique_ptr<store::Database> db_;
  AuditLog audit_;
};

// A 12-digit My Number whose last digit is the check digit of 行政手続における特定の個人を
// 識別するための番号の利用等に関する法律施行令 第8条 over the first eleven.
std::string MyNumberWithCheckDigit(std::string_view eleven_digits);
bool ValidMyNumber(std::string_view twelve_digits);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_STORE_H_
