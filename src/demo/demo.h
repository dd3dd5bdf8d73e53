// The demo population of `mynacert demo seed` (docs/demo.md): residents of the five seed
// municipalities, each with a virtual card and certificates issued by the home's real CA, placed
// relative to a given "today" so that every situation of the seeds can be tried in the UI on
// whatever day the demo is seeded — a renewal inside the window, a legal representative for a
// minor or an adult ward, a revoked sign cert after a move, a notice that cannot be delivered…
//
// Two steps:
//   Plan(today)  pure: who lives where, born when, card issued (backdated) when — computed so
//                that the rules engine puts each resident in its situation on `today`; the plan
//                checks itself against rules::Assess and fails rather than mislabel anyone.
//   Seed(ws)     carries the plan out through the counter's own code paths: Counter::AddResident,
//                Counter::IssueCard with a backdated issue day (the card model, keys generated
//                on the card, certificates from the real CA), Counter::ChangeResident for a move
//                (R-CERT-5 revocation delivered to the CA), ReservationStore::IssueReservationId
//                for holders who get Yokohama's 予約ID通知書 (R-NOT-3), StaffStore::AddStaff;
//                cases opened, decided and executed at a counter in the past (a face_switch,
//                a certificate renewal, R-FACE-3 / R-VAL-1a) and the card's own renewal
//                (counter/card_renewal.h: OpenApplication, Apply, Produce, MarkNotified).
//
// Every demo card has the same PINs (kDemoPins; documented, never printed), so that a clerk can
// run a renewal in the UI.
//
// Thread-safety: Plan is a pure function; Seed uses the workspace's connections (one thread).
#ifndef MYNACERT_DEMO_DEMO_H_
#define MYNACERT_DEMO_DEMO_H_

#include <array>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "counter/store.h"
#include "counter/workspace.h"
#include "profiles/loader.h"
#include "rules/assessment.h"

namespace mynacert::demo {

// The PINs set on every demo card (R-CERT-2 formats). Public on purpose: it is a demo.
struct DemoPins {
  std::string_view auth = "1234";    // 利用者証明用
  std::string_view sign = "ABC123";  // 署名用 (6–16 of A–Z and 0–9, both kinds)
  std::string_view text = "5678";    // 券面事項入力補助用
  std::string_view juki = "2468";    // 住民基本台帳用
};
inline constexpr DemoPins kDemoPins{};

// The staff accounts Seed creates when given a password, each named as its role: the
// counter's clerk and supervisor, and an operator of the loss hotline (R-LOST-1).
inline constexpr std::array<std::string_view, 3> kStaffNames = {"clerk", "supervisor", "hotline"};

// What a demo resident is there to show. The codes (SituationCode) are a stable interface:
// the browser tests pick residents by them.
enum class Situation : uint8_t {
  kInWindow,          // in_window: inside the free renewal window (R-WIN-1, R-WIN-4)
  kBeforeWindow,      // before_window: valid, window not open yet (R-WIN-4 paid, R-VAL-7)
  kExpired,           // expired: certificates expired, card valid (R-WIN-5, R-VAL-8)
  kMinorUnder15,      // minor_under_15: legal representative; no sign cert (R-CERT-4, R-PROC-2)
  kMinor15To17,       // minor_15_17: sign cert; card and certs end together (R-VAL-2, R-VAL-6)
  kAdultWard,         // adult_ward: 成年被後見人, guardian (R-CERT-4, R-PROC-2/3)
  kForeignStay,       // foreign_stay: period of stay caps card and certs (R-VAL-4, R-VAL-6)
  kAbroad,            // abroad: 国外転出者, window one year before expiry (R-WIN-3)
  kRevokedAfterMove,  // revoked_after_move: sign cert revoked by an address change (R-CERT-5)
  kForwarding,        // forwarding: 転送届 on file, notice undeliverable (R-NOT-2)
  kNoticeDueToday,    // notice_due_today: the notice's send date is today (R-NOT-1, R-NOT-3)
  kLeapDayBirth,      // leap_day_birth: born 29 February (R-VAL, jpki-facts B1)
  kCardOnHold,        // card_on_hold: card suspended, both certificates held by a call (R-LOST-1)
  kFaceCard,          // face_card: switched to a face card at the counter (R-FACE-1/3)
  kCardRenewalNoticed,  // card_renewal_noticed: card expiring, 交付申請書 sent (R-CARD-1, R-WIN-6)
  kPickupReady,         // pickup_ready: new card produced, 交付通知書 mailed (R-CARD-2)
};
inline constexpr std::array kAllSituations = {
    Situation::kInWindow,     Situation::kBeforeWindow,   Situation::kExpired,
    Situation::kMinorUnder15, Situation::kMinor15To17,    Situation::kAdultWard,
    Situation::kForeignStay,  Situation::kAbroad,         Situation::kRevokedAfterMove,
    Situation::kForwarding,   Situation::kNoticeDueToday, Situation::kLeapDayBirth,
    Situation::kCardOnHold,   Situation::kFaceCard,       Situation::kCardRenewalNoticed,
    Situation::kPickupReady,
};
std::string_view SituationCode(Situation s);  // "in_window", …
std::string_view SituationJa(Situation s);    // "更新期間内", …
std::string_view SituationEn(Situation s);    // "inside the renewal window", …
// kInvalidArgument naming `field` for an unknown code.
Result<Situation> ParseSituation(std::string_view code, std::string_view field = "situation");

// One resident of the plan.
struct PlannedResident {
  Situation situation = Situation::kInWindow;
  counter::Resident record;  // id unset; household shared with the parent for minors
  Date card_applied;         // 交付申請日
  Date card_issued;          // the card and both certificates (backdated)
  // revoked_after_move: the new address and the day of the move (R-CERT-5).
  std::optional<std::string> moved_to;
  std::optional<Date> moved_on;
  // Index in the plan of the parent (minors; recorded as a relation, one household) and of
  // the legal representative (minors: the parent; adult ward: the guardian), or -1.
  int parent = -1;
  int representative = -1;
  Date expected_cert_expiry;  // the auth cert's last valid day the rules give
  // face_card: the day of the face_switch case (R-FACE-3); card_renewal_noticed and
  // pickup_ready: the day of the certificates' renewal case (R-VAL-1a, capped by the card).
  // Both at `counter_id`, the municipality's first counter that handles the procedure.
  std::optional<Date> face_switched;
  std::optional<Date> certs_renewed;
  std::string counter_id;
  // card_renewal_noticed and pickup_ready: the card's own renewal (counter/card_renewal.h).
  struct CardApplicationSteps {
    Date noticed;                  // OpenApplication, as the notice batch would (R-CARD-1)
    std::optional<Date> applied;   // Apply by post; pickup_ready only
    std::optional<Date> produced;  // Produce (R-CARD-2)
    std::optional<Date> notified;  // MarkNotified: the 交付通知書 mailed
  };
  std::optional<CardApplicationSteps> card_application;
};

// The plan for `today`: 17 residents in each of yamagata, kanazawa, setagaya, yokohama and
// suzuka, every situation in each. Errors: kNotFound when a profile is missing; kInternal when
// a planned resident would not be in its situation on `today` (a bug of the plan, never input).
Result<std::vector<PlannedResident>> Plan(Date today, const profiles::Registry& profiles);

// The part of `plan` in one municipality (its 17 situations), the parent and representative
// indices renumbered. kInvalidArgument naming `field` for a municipality the plan has none of.
Result<std::vector<PlannedResident>> OnlyMunicipality(std::vector<PlannedResident> plan, std::string_view municipality,
                                                      std::string_view field);

// Whether `a` (the assessment of the resident on `today`) shows `p`'s situation; the problem
// when it does not. Used by Plan and, on the seeded store, by Seed.
std::optional<std::string> CheckSituation(const PlannedResident& p, const rules::Assessment& a,
                                          const profiles::Municipality& m, Date today);

// A seeded resident as reported.
struct SeededResident {
  int64_t id = 0;
  std::string name, name_kana, municipality;
  std::string address;  // as the residence record has it (the hotline identifies by it)
  Situation situation = Situation::kInWindow;
  Date birth;
  Date cert_expiry;  // the auth cert's last valid day (the sign cert's is sign_expiry)
  std::optional<Date> sign_expiry;  // absent when no sign cert was issued
  Date card_expiry;
  Date renewal_from;                     // first day of the free renewal window (R-WIN-1/3)
  // rules::CertStatusName on `today` (a face card: sign "revoked", read from the store).
  std::string auth_status, sign_status;
  std::string reservation_id;            // 予約ID (R-NOT-3), "" when none
  int64_t representative_id = 0;         // the legal representative's resident id, 0 when none
  std::string card_application;  // 申請書ID of the card's renewal (R-CARD-1), "" when none
};

struct SeedReport {
  Date today;
  std::vector<SeededResident> residents;  // in plan order (municipality, then situation)
  std::vector<std::string> staff;         // accounts created or reset
};

struct SeedOptions {
  Date today;
  // With a value: staff accounts `clerk` (role clerk) and `supervisor` (role supervisor) with
  // this password (12+ characters), created — or reset — before any resident.
  std::optional<std::string> staff_password;
  int64_t now = 0;  // Unix seconds for the records
  // With a value: only this municipality's residents (OnlyMunicipality), as the relying
  // parties' sandbox wants one of each situation (scripts/sandbox.sh).
  std::optional<std::string> municipality;
  // Called after each resident: (done, total, the resident).
  std::function<void(size_t, size_t, const SeededResident&)> progress;
};

// The number of residents the home's store holds (every municipality).
Result<int64_t> CountResidents(counter::CounterStore& store);

// Seeds the demo into a workspace opened with its secrets (CA, issuer key, card secret).
// Refuses a home that already has residents: kFailedPrecondition naming --home, nothing written.
// The counter's API commits each step on its own (a resident, each execution step of a card,
// a move), so an error part-way leaves the residents seeded so far; the error names the
// resident and what to do. Errors of the staff password name --staff-password.
Result<SeedReport> Seed(counter::Workspace& ws, const SeedOptions& options);

// {"today", "residents": [{"id", "name", "name_kana", "municipality", "situation",
//  "situation_ja", "situation_en", "birth", "cert_expiry", "sign_expiry", "card_expiry",
//  "renewal_from", "auth_status", "sign_status", "reservation_id", "representative_id",
//  "card_application"}],
//  "staff": [...]} — absent values are null.
nlohmann::json ReportJson(const SeedReport& report);

}  // namespace mynacert::demo

#endif  // MYNACERT_DEMO_DEMO_H_
