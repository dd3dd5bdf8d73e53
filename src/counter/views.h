// The counter's records as JSON (what `resident show`, `counter show` print and the service's
// API returns) and a presented document from key=value fields (the CLI's --document spec and
// the API's JSON object alike).
#ifndef MYNACERT_COUNTER_VIEWS_H_
#define MYNACERT_COUNTER_VIEWS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "counter/store.h"

namespace mynacert::counter {

nlohmann::json ResidentJson(const Resident& r);
// The case with its visits, documents, journal and (when given) its audit records.
nlohmann::json CaseJson(const Case& c, const std::vector<AuditRecord>& audit);

// Keys: item, kind (implies item=id), whose, expires | valid-until, issued, printed, source,
// copy, illegible, unsigned, pin-visible, incomplete (flags: any value). Errors name
// `field` + " " + key.
Result<Document> DocumentFrom(const std::vector<std::pair<std::string, std::string>>& fields,
                              const std::string& field);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_VIEWS_H_
