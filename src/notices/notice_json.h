// The JSON of the notice batch, one shape for `mynacert notices run|list --json` and the
// service's /api/notices (docs/api.md, docs/notices.md).
//
// Thread-safety: pure functions of their arguments.
#ifndef MYNACERT_NOTICES_NOTICE_JSON_H_
#define MYNACERT_NOTICES_NOTICE_JSON_H_

#include <nlohmann/json.hpp>

#include "notices/notices.h"

namespace mynacert::notices {

// {letter_id, kind, resident, municipality, cert_expiry, run_date, batch, outcome, postal_name,
// address, reservation_id, application_id (card notices, else null), file (as recorded, or null), file_name (its last component),
// first_page, pages}.
nlohmann::json SentJson(const SentNotice& n);

// {date, batch, resumed, mailed: {jlis, city, card}, undeliverable, already_sent, waiting_for_city,
// csv, undeliverable_csv, letters: [SentJson], undeliverable_letters: [SentJson], problems}.
nlohmann::json RunReportJson(const RunReport& r);

}  // namespace mynacert::notices

#endif  // MYNACERT_NOTICES_NOTICE_JSON_H_
