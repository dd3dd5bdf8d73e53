#include "notices/notice_json.h"

#include <filesystem>
#include <string>

namespace mynacert::notices {

using nlohmann::json;

json SentJson(const SentNotice& n) {
  return {{"letter_id", n.letter_id},
          {"kind", std::string(KindName(n.kind))},
          {"resident", n.resident_id},
          {"municipality", n.municipality},
          {"cert_expiry", n.cert_expiry.ToString()},
          {"run_date", n.run_date.ToString()},
          {"batch", n.batch_id},
          {"outcome", n.outcome},
          {"postal_name", n.postal_name},
          {"address", n.address},
          {"reservation_id", n.reservation_id.empty() ? json() : json(n.reservation_id)},
          {"application_id", n.application_id.empty() ? json() : json(n.application_id)},
          {"file", n.letter_file.empty() ? json() : json(n.letter_file)},
          {"file_name", n.letter_file.empty()
                            ? json()
                            : json(std::filesystem::path(n.letter_file).filename().string())},
          {"first_page", n.first_page},
          {"pages", n.pages}};
}

json RunReportJson(const RunReport& r) {
  json letters = json::array(), undeliverable = json::array();
  for (const SentNotice& n : r.produced) {
    (n.outcome == "mailed" ? letters : undeliverable).push_back(SentJson(n));
  }
  return {{"date", r.run_date.ToString()},
          {"batch", r.batch_id},
          {"resumed", r.resumed},
          {"mailed", {{"jlis", r.mailed_jlis}, {"city", r.mailed_city}, {"card", r.mailed_card}}},
          {"undeliverable", r.undeliverable},
          {"already_sent", r.already_sent},
          {"waiting_for_city", r.waiting_for_city},
          {"csv", r.csv_path},
          {"undeliverable_csv", r.undeliverable_csv_path},
          {"letters", letters},
          {"undeliverable_letters", undeliverable},
          {"problems", r.problems}};
}

}  // namespace mynacert::notices
