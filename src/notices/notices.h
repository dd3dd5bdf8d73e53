// The expiry-notice batch (issue 6, rules.md R-NOT): for a run date D, which holders get a
// notice today, the letters as PDF (one print file per chunk, notices/pdf.h), and the mail
// vendor's CSV — each notice once. docs/notices.md has the rules, the layout and the figures.
//
// Selection (docs/notices.md):
//   * a notice is about one certificate expiry: the active auth cert's last valid day, and the
//     active sign cert's when it expires on another day (R-VAL-5); one letter lists the
//     certificates that expire that day;
//   * it is due from its send date (expiry − the profile's lead days, R-NOT-1/3) up to the
//     expiry itself: a missed day is caught up, a notice after expiry never goes out;
//   * not for holders without an active card and certificate (card returned, certificate
//     revoked or expired), nor for those who already renewed — their active certificate's
//     expiry moved, so the old expiry is not selected (R-NOT-4);
//   * a forwarding request on file (転送届): not mailed, recorded and listed as undeliverable
//     (R-NOT-2: 転送不要 mail is not forwarded);
//   * where the municipality mails its own notice (Yokohama, R-NOT-3) it goes first, with a
//     reservation ID from the injected issuer; J-LIS's follows on a later run date, never the
//     same day, so the white envelope always precedes the blue one;
//   * the card's own expiry (R-CARD-1, kind `card`): J-LIS's notice with the 交付申請書, for an
//     active card expiring within the profile's notices.card_lead_days (0 = none), due from
//     then up to the card's expiry, with the same forwarding and catch-up rules. Its record
//     keeps the CARD's expiry in cert_expiry; the batch opens the form's application
//     (counter::OpenApplication) in the transaction that records the notice.
//
// Idempotency: `notices_sent` has the key (resident, kind, cert expiry). A run commits one
// transaction per chunk of letters; a run that stopped is resumed by the next run for the same
// date (same batch id), and nothing recorded is produced again. The reservation-ID issuer is
// called outside our transactions and may be asked again for a notice whose chunk did not
// commit: it must return the same ID for the same (resident, expiry) or a fresh valid one.
//
// Thread-safety: functions over one CounterStore (one connection), one thread at a time.
#ifndef MYNACERT_NOTICES_NOTICES_H_
#define MYNACERT_NOTICES_NOTICES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "counter/store.h"
#include "profiles/loader.h"
#include "store/database.h"

namespace mynacert::notices {

enum class Kind {
  kCity,  // R-NOT-3: the municipality's own notice (Yokohama's white envelope, 予約ID通知書)
  kJlis,  // R-NOT-1: J-LIS's 有効期限通知書 (blue envelope)
  kCard,  // R-CARD-1: J-LIS's notice of the card's own expiry, with the 交付申請書
};
std::string_view KindName(Kind k);  // "city" | "jlis" | "card"

// Issues the reservation ID printed on a city notice (R-NOT-3, R-OFF-6: bookable from
// `window_start`). The reservations store provides it; tests pass a lambda.
using ReservationIdIssuer = std::function<Result<std::string>(
    int64_t resident_id, const std::string& municipality, Date cert_expiry, Date window_start)>;

// Applies the notices schema (src/store/migrations/notices/) after the counter's.
Status MigrateNotices(store::Database& db);

// One notice due on the run date.
struct DueNotice {
  int64_t resident_id = 0;
  std::string municipality;
  Kind kind = Kind::kJlis;
  // The expiry the notice is about: a certificate's last valid day; for Kind::kCard the card's
  // expiry (equal to card_expiry).
  Date cert_expiry;
  Date send_date;           // cert_expiry − lead days; <= run date
  bool auth = false;        // the active auth cert expires on cert_expiry (never for kCard)
  bool sign = false;        // the active sign cert expires on cert_expiry (never for kCard)
  Date card_expiry;         // of the active card (R-WIN-6 when equal to cert_expiry)
  bool undeliverable = false;  // forwarding request on file (R-NOT-2)
};

struct Selection {
  // In production order: municipality, resident, expiry, kind (city, jlis, card). A holder
  // never has the city's and J-LIS's certificate notices due for one expiry on the same day
  // (J-LIS's waits for a day after the city's); a card notice may go with either.
  std::vector<DueNotice> due;
  int already_sent = 0;      // in their send period but recorded before (skipped)
  int waiting_for_city = 0;  // J-LIS notices held until the city's went out on an earlier day
  std::vector<std::string> problems;  // e.g. a resident of a municipality without a profile
};

// The notices due on `run_date` and not yet recorded (migrating the notices schema first): one
// indexed range query over the active certificates (counter migration 0002) and one over the
// active cards (notices migration 0002), each with a primary-key probe of notices_sent per row.
Result<Selection> SelectDue(store::Database& db, const profiles::Registry& profiles,
                            Date run_date);

struct RunOptions {
  Date run_date;
  // Letters go to out_dir/<run date>/<batch id>-<first seq>.pdf (one print file per chunk,
  // notices/pdf.h says why), the CSVs beside them.
  std::string out_dir = "notices";
  bool pdf = true;        // false (--no-pdf): record and write the CSV only
  size_t chunk_size = 250;  // letters per transaction
  ReservationIdIssuer reservation_ids;  // required when a profile sends city notices
  // The residents' page printed on the letters with a QR code, for profiles without their own
  // contact.booking_url ("" = none: the letters give the phone only).
  std::string booking_url;
  // Called after each committed chunk with (notices done, notices due).
  std::function<void(size_t done, size_t total)> progress;
  // Test hook: called after each committed chunk (1-based); an error stops the run there,
  // leaving the batch `running` as a crash would.
  std::function<Status(size_t chunk)> after_chunk;
  int64_t now = 0;  // Unix seconds for the records
  // Who opens the card notices' applications, in their audit records (R-CARD-1).
  std::string clerk = "notices";
};

// A recorded notice (a row of notices_sent).
struct SentNotice {
  std::string letter_id;
  int64_t resident_id = 0;
  Kind kind = Kind::kJlis;
  Date cert_expiry;
  Date run_date;
  std::string batch_id;
  std::string outcome;  // mailed | undeliverable
  std::string municipality;
  std::string postal_name;
  std::string address;
  std::string reservation_id;
  std::string application_id;  // card notice: the 交付申請書's 申請書ID (R-CARD-1); "" otherwise
  std::string letter_file;  // the print file holding it; "" when not rendered
  int64_t seq = 0;          // its order in the batch (the CSV's order)
  int first_page = 0;       // its first page in letter_file (1-based)
  int pages = 0;
};

struct RunReport {
  std::string batch_id;  // "20260501-1"
  bool resumed = false;  // continued a batch a previous run left `running`
  Date run_date;
  int mailed_jlis = 0;
  int mailed_city = 0;
  int mailed_card = 0;  // card-expiry notices with the 交付申請書 (R-CARD-1)
  int undeliverable = 0;
  int already_sent = 0;
  int waiting_for_city = 0;
  std::vector<SentNotice> produced;  // this run's records, in order
  std::vector<std::string> problems;
  std::string csv_path;               // the mail vendor's CSV (every mailed letter of the batch)
  std::string undeliverable_csv_path;  // the batch's undeliverable notices (R-NOT-2), for staff
};

// Runs (or resumes) the batch for options.run_date. A card notice's application
// (counter::OpenApplication, idempotent per resident and card expiry) is opened in the
// transaction that records the notice — mailed or undeliverable, so staff can hand the form's
// ID to a holder who asks — and its letter, which prints the 申請書ID, is rendered inside that
// transaction: a chunk holding card notices keeps the writers' lock while its print file is
// written (about 10 ms a letter).
Result<RunReport> RunBatch(counter::CounterStore& store, const profiles::Registry& profiles,
                           const RunOptions& options);

// What the runs of `run_date` produced, in batch and letter order.
Result<std::vector<SentNotice>> ListSent(store::Database& db, Date run_date);

// The mail vendor's CSV (UTF-8, header, RFC 4180 quoting): letter_id, kind, postal_name,
// address, file, first_page, pages — one row per mailed letter, the letter being pages
// first_page … first_page + pages − 1 of file. `base_dir`: files are written relative to it.
std::string MailVendorCsv(const std::vector<SentNotice>& mailed, const std::string& base_dir);

}  // namespace mynacert::notices

#endif  // MYNACERT_NOTICES_NOTICES_H_
