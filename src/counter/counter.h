// The counter as a service over its store: open a case, record what is presented, decide,
// execute onto the card and the CA, recover after a crash, and change the residence record
// (R-CERT-5). Every decision and action is written to the audit log in the same transaction as
// the change it records.
//
// A facade over its three parts, each usable alone: the resident registry (counter/registry.h),
// cases (counter/cases.h) and execution with its journal and recovery (counter/execution.h).
//
// Thread-safety: one Counter per thread (its store owns one connection).
#ifndef MYNACERT_COUNTER_COUNTER_H_
#define MYNACERT_COUNTER_COUNTER_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "core/date.h"
#include "core/result.h"
#include "counter/card_files.h"
#include "counter/cases.h"
#include "counter/execution.h"
#include "counter/lifecycle.h"
#include "counter/registry.h"
#include "counter/store.h"
#include "pki/ca_store.h"
#include "profiles/loader.h"

namespace mynacert::counter {

class Counter {
 public:
  Counter(CounterStore& store, const profiles::Registry& profiles)
      : store_(store),
        registry_(store, profiles),
        cases_(store, profiles, registry_),
        execution_(store, profiles, registry_, cases_) {}
  // The parts refer to each other.
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // ---- registry ----
  Result<int64_t> AddResident(const Resident& r, std::string_view clerk, int64_t at) {
    return registry_.AddResident(r, clerk, at);
  }
  // Applies the change; when a R-CERT-5 field changed, queues the active sign cert's revocation
  // (affiliationChanged) in the same transaction and delivers it to `ca` (if given; else
  // Recover() does).
  Result<ChangeReport> ChangeResident(int64_t id, const ResidentChange& change, Date on,
                                      std::string_view clerk, int64_t at, pki::CaStore* ca) {
    return registry_.ChangeResident(id, change, on, clerk, at, ca);
  }
  // The same at the counter with the card there: revoked and written onto the chip in one
  // journaled case (Execution::ChangeResidentWithCard).
  Result<ChangeReport> ChangeResidentWithCard(int64_t id, const ResidentChange& change, Date on,
                                              ExecutionEnv& env,
                                              ExecutionReport* execution = nullptr) {
    return execution_.ChangeResidentWithCard(id, change, on, env, execution);
  }

  // ---- cases ----
  // The case, its first visit and the documents presented at it, all or nothing.
  Result<int64_t> OpenCase(const OpenRequest& request, int64_t at,
                           std::span<const Document> documents = {}) {
    return cases_.OpenCase(request, at, documents);
  }
  // Checks the documents against this visit and records them, all or none; a document that
  // cannot count (a copy, expired, not accepted here, an old proof of authority) is refused
  // with its rule and nothing is recorded.
  Status Present(int64_t case_id, std::span<const Document> documents, std::string_view clerk,
                 int64_t at) {
    return cases_.Present(case_id, documents, clerk, at);
  }
  Status Present(int64_t case_id, Document d, std::string_view clerk, int64_t at) {
    return cases_.Present(case_id, std::move(d), clerk, at);
  }
  // The next visit of a 文書照会 case and the documents presented at it, all or nothing.
  Status NextVisit(int64_t case_id, const Visit& v, int64_t at,
                   std::span<const Document> documents = {}) {
    return cases_.NextVisit(case_id, v, at, documents);
  }
  // Decides at the current visit, records the decision and the case's new state.
  Result<Decision> Decide(int64_t case_id, std::string_view clerk, int64_t at) {
    return cases_.Decide(case_id, clerk, at);
  }
  Result<Decision> Decide(int64_t case_id, std::string_view clerk, int64_t at, Date today) {
    return cases_.Decide(case_id, clerk, at, today);
  }
  // Executes an accepted case.
  Result<ExecutionReport> Execute(int64_t case_id, ExecutionEnv& env) {
    return execution_.Execute(case_id, env);
  }
  // Finishes or rolls back interrupted executions and delivers queued revocations.
  Result<RecoveryReport> Recover(ExecutionEnv& env) { return execution_.Recover(env); }
  // A new card with both certificates for `resident_id` (R-WIN-6: the card renewed or first
  // issued), as a case executed at once. The previous card, if any, is replaced and its
  // certificates revoked `superseded`.
  Result<ExecutionReport> IssueCard(int64_t resident_id, Date applied, ExecutionEnv& env,
                                    int64_t* case_id_out = nullptr) {
    return execution_.IssueCard(resident_id, applied, env, case_id_out);
  }

  // ---- the loss hotline (R-LOST-1, counter/lifecycle.h) ----
  // Identifies the holder, suspends the card and holds both certificates in one transaction,
  // records the call; then delivers the holds to `ca` (if given).
  Result<LossReceipt> ReportLoss(const LossReport& report, std::string_view operator_name,
                                 int64_t now, Date today, pki::CaStore* ca) {
    return counter::ReportLoss(store_, registry_, report, operator_name, now, today, ca);
  }

  // R-REV-2: the holder's online revocation request, answered with a signature.
  Result<HolderRevocation> RevokeOnHolderRequest(pki::CaStore& ca, std::string_view challenge_id,
                                                 std::string_view signature, int64_t now, Date today) {
    return counter::RevokeOnHolderRequest(store_, registry_, ca, challenge_id, signature, now, today);
  }

  // The rules engine's view of a resident's card today (absent when no active card).
  Result<std::optional<rules::Assessment>> AssessResident(const Resident& r, Date today) {
    return registry_.AssessResident(r, today);
  }

  CounterStore& store() { return store_; }
  Registry& registry() { return registry_; }
  Cases& cases() { return cases_; }
  Execution& execution() { return execution_; }

 private:
  CounterStore& store_;
  Registry registry_;
  Cases cases_;
  Execution execution_;
};

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_COUNTER_H_
