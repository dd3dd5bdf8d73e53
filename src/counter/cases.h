// Cases at the counter: open a case, record what is presented, the next visit of a 文書照会
// case, and the decision at the current visit (counter/decision.h) with the case's new state.
// Every decision and action is written to the audit log in the same transaction as the change
// it records.
//
// Thread-safety: one Cases per thread (its store owns one connection).
#ifndef MYNACERT_COUNTER_CASES_H_
#define MYNACERT_COUNTER_CASES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"
#include "counter/decision.h"
#include "counter/registry.h"
#include "counter/store.h"
#include "profiles/loader.h"

namespace mynacert::counter {

struct OpenRequest {
  int64_t resident_id = 0;
  std::string procedure;  // renewal | new_issuance | pin_reset
  std::string applicant;
  int64_t representative_id = 0;
  CaseFlags flags;
  Visit visit;
};

class Cases {
 public:
  // `registry` gives the card's assessment a decision needs.
  Cases(CounterStore& store, const profiles::Registry& profiles, Registry& registry)
      : store_(store), profiles_(profiles), registry_(registry) {}

  // Opens the case with its first visit and the documents presented at it, in one
  // transaction: a refused document leaves no case (the command changes nothing).
  Result<int64_t> OpenCase(const OpenRequest& request, int64_t at,
                           std::span<const Document> documents = {});
  // Checks the documents against this visit and records them, all or none; a document that
  // cannot count (a copy, expired, not accepted here, an old proof of authority) is refused
  // with its rule, nothing of the command is recorded, and the refusal alone is audited.
  Status Present(int64_t case_id, std::span<const Document> documents, std::string_view clerk,
                 int64_t at);
  Status Present(int64_t case_id, Document d, std::string_view clerk, int64_t at) {
    return Present(case_id, std::span(&d, 1), clerk, at);
  }
  // The next visit of a 文書照会 case with the documents presented at it, in one transaction.
  Status NextVisit(int64_t case_id, const Visit& v, int64_t at,
                   std::span<const Document> documents = {});
  // Decides at the current visit, records the decision and the case's new state.
  Result<Decision> Decide(int64_t case_id, std::string_view clerk, int64_t at);
  Result<Decision> Decide(int64_t case_id, std::string_view clerk, int64_t at, Date today);

 private:
  Result<DecisionInput> InputFor(const Case& c, Date today);
  // Records `documents` for case `case_id` (re-read inside the caller's transaction `tx`), then
  // commits. A refused document ends `tx` without committing — nothing of the command stays —
  // and is audited alone (under case 0 when the command was opening the case, whose number
  // was never committed); its error is returned.
  Status AddDocumentsAndCommit(store::Transaction tx, int64_t case_id,
                               std::span<const Document> documents, std::string_view clerk,
                               int64_t at, bool opening = false);

  CounterStore& store_;
  const profiles::Registry& profiles_;
  Registry& registry_;
};

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_CASES_H_
