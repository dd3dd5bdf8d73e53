// The resident registry as the counter changes it (R-CERT-5): residents added and changed,
// each change written to the audit log in the same transaction; a change of a field the sign
// certificate records revokes it (queued, then delivered to the CA). And the rules engine's
// view of a resident's card today.
//
// Thread-safety: one Registry per thread (its store owns one connection).
#ifndef MYNACERT_COUNTER_REGISTRY_H_
#define MYNACERT_COUNTER_REGISTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "counter/store.h"
#include "pki/ca_store.h"
#include "profiles/loader.h"
#include "rules/assessment.h"

namespace mynacert::counter {

struct ChangeReport {
  std::vector<std::string> fields;
  std::vector<std::string> revoked_serials;  // R-CERT-5
  int64_t case_id = 0;  // the resident_change case that revoked and wrote the chip (0: none)
};

class Registry {
 public:
  Registry(CounterStore& store, const profiles::Registry& profiles)
      : store_(store), profiles_(profiles) {}

  Result<int64_t> AddResident(const Resident& r, std::string_view clerk, int64_t at);
  // Applies the change; when a R-CERT-5 field changed, queues the active sign cert's revocation
  // (affiliationChanged) in the same transaction and delivers it to `ca` (if given; else
  // Recover() does).
  Result<ChangeReport> ChangeResident(int64_t id, const ResidentChange& change, Date on,
                                      std::string_view clerk, int64_t at, pki::CaStore* ca);
  // The rules engine's view of a resident's card today (absent when no active card).
  Result<std::optional<rules::Assessment>> AssessResident(const Resident& r, Date today);

  // Delivers the queued R-CERT-5 revocations to `ca`, each marked done and audited in its own
  // transaction; their serials are appended to `delivered` (if given).
  Status DeliverRevocations(pki::CaStore& ca, std::string_view clerk, int64_t now,
                            std::vector<std::string>* delivered);

 private:
  CounterStore& store_;
  const profiles::Registry& profiles_;
};

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_REGISTRY_H_
