// The counter as a service over its store: open a case, record what is presented, decide,
// execute onto the card and the CA, recover after a crash, and change the residence record
// (R-CERT-5). Every decision and action is written to the audit log in the same transaction as
// the change it records.
//
// Execution is a journal of idempotent steps (case_steps): each is recorded `started`, done,
// then recorded `done` with what the next steps need (the public key from the card, the serial
// from the CA; never a PIN):
//
//   check_pins | reset_pin:K   the PIN typed by staff is checked on the card (or a new one set)
//   keygen:K                   a new key pair inside the card (the old key is gone from here on)
//   issue:K                    the CA issues for that public key (found again by its key after
//                              a crash between the CA's commit and ours)
//   write:K                    the certificate written to the card; the counter's record
//   revoke_old:K               the certificate it replaces revoked `superseded`
//   close                      the case is done
//
// Recover(): an execution interrupted before its first key generation is rolled back (nothing
// changed on the card but a PIN check; the case returns to `accepted`); one interrupted later is
// finished (the card's old key is gone, so going back is impossible). Queued R-CERT-5
// revocations are delivered to the CA.
//
// Thread-safety: one Counter per thread (its store owns one connection).
#ifndef MYNACERT_COUNTER_EXECUTION_H_
#define MYNACERT_COUNTER_EXECUTION_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "card/card.h"
#include "card/host.h"
#include "core/result.h"
#include "counter/decision.h"
#include "counter/store.h"
#include "pki/ca_store.h"
#include "pki/certificate.h"
#include "profiles/loader.h"

namespace mynacert::counter {

// A connection to a card: the card model in-process or a card in a PC/SC reader.
class CardLink {
 public:
  virtual ~CardLink() = default;
  virtual card::Transport& transport() = 0;
};
using CardOpener = std::function<Result<std::unique_ptr<CardLink>>(const CardRecord& card)>;
// Card files (the card model) live in the home folder and are recorded relative to it,
// "file:cards/<name>", so that a copied or restored home writes its own cards, never the
// original's. A location that is absolute or escapes the home (`..`, a symbolic link to
// outside: weakly canonical paths compared) is refused (field card).
//
// The card file a location names, resolved against `home`.
Result<std::filesystem::path> CardFilePath(const std::filesystem::path& home, std::string_view location);
// The location ("file:<relative path>") of the card file `path`: relative to `home`, or
// absolute inside it.
Result<std::string> CardFileLocation(const std::filesystem::path& home, const std::filesystem::path& path);
// Rewrites the cards' absolute locations inside `home` (homes from before relative
// locations) as relative ones; absolute locations outside it are left, and refused when used.
Status RelocateCardFiles(CounterStore& store, const std::filesystem::path& home);
// The card model's file, opened in-process with its secret.
Result<std::unique_ptr<CardLink>> OpenCardFile(const CardRecord& record, const std::string& secret,
                                               const std::filesystem::path& home);

// What an execution needs besides the store: the CA (its store and signing keys), the issuer
// key of the card channel, a way to reach the card, and the PINs staff type in.
struct ExecutionEnv {
  pki::CaStore* ca_store = nullptr;
  const pki::CaGeneration* sign_ca = nullptr;
  const pki::CaGeneration* auth_ca = nullptr;
  std::string issuer_master;
  CardOpener open_card;
  // Asked for "auth", "sign", "juki" (to check), "new:auth" … (to set), "init:auth" … (a new
  // card). Returned PINs are wiped after use and never stored or logged.
  std::function<Result<std::string>(std::string_view which)> pin;
  // The home folder card file locations are relative to (counter/workspace.h).
  std::filesystem::path home;
  // Where a new card file goes (card issuance with the card model): relative to `home`.
  std::function<std::string(const Resident& r, int64_t case_id)> new_card_path;
  std::string card_secret;  // encrypts a new card file (the card model)
  std::string clerk = "system";
  int64_t now = 0;  // Unix seconds
  Date today;
};

struct OpenRequest {
  int64_t resident_id = 0;
  std::string procedure;  // renewal | new_issuance | pin_reset
  std::string applicant;
  int64_t representative_id = 0;
  CaseFlags flags;
  Visit visit;
};

struct PinFailure {
  std::string pin;  // auth | sign | juki
  int tries_left = 0;
  bool locked = false;
};

struct ExecutionReport {
  bool completed = false;
  std::vector<std::string> steps_done;
  std::optional<PinFailure> pin_failure;
  std::optional<Decision> decision_after;  // when the case changed (R-PROC-5 switch)
  std::vector<std::pair<std::string, std::string>> new_serials;  // kind, serial
  std::vector<std::pair<std::string, std::string>> revoked;       // kind, serial
};

struct RecoveryReport {
  std::vector<int64_t> finished;
  std::vector<int64_t> rolled_back;
  std::vector<std::string> revocations;  // serials delivered to the CA
  std::vector<std::string> problems;     // cases that could not be recovered now, and why
};

struct ChangeReport {
  std::vector<std::string> fields;
  std::vector<std::string> revoked_serials;  // R-CERT-5
};

class Counter {
 public:
  Counter(CounterStore& store, const profiles::Registry& profiles)
      : store_(store), profiles_(profiles) {}

  // ---- registry ----
  Result<int64_t> AddResident(const Resident& r, std::string_view clerk, int64_t at);
  // Applies the change; when a R-CERT-5 field changed, queues the active sign cert's revocation
  // (affiliationChanged) in the same transaction and delivers it to `ca` (if given; else
  // Recover() does).
  Result<ChangeReport> ChangeResident(int64_t id, const ResidentChange& change, Date on,
                                      std::string_view clerk, int64_t at, pki::CaStore* ca);

  // ---- cases ----
  Result<int64_t> OpenCase(const OpenRequest& request, int64_t at);
  // Checks the document against this visit and records it; a document that cannot count (a
  // copy, expired, not accepted here, an old proof of authority) is refused with its rule and
  // not recorded.
  Status Present(int64_t case_id, Document d, std::string_view clerk, int64_t at);
  // The next visit of a 文書照会 case.
  Status NextVisit(int64_t case_id, const Visit& v, int64_t at);
  // Decides at the current visit, records the decision and the case's new state.
  Result<Decision> Decide(int64_t case_id, std::string_view clerk, int64_t at);
  Result<Decision> Decide(int64_t case_id, std::string_view clerk, int64_t at, Date today);
  // Executes an accepted case.
  Result<ExecutionReport> Execute(int64_t case_id, ExecutionEnv& env);
  // Finishes or rolls back interrupted executions and delivers queued revocations.
  Result<RecoveryReport> Recover(ExecutionEnv& env);
  // A new card with both certificates for `resident_id` (R-WIN-6: the card renewed or first
  // issued), as a case executed at once. The previous card, if any, is replaced and its
  // certificates revoked `superseded`.
  Result<ExecutionReport> IssueCard(int64_t resident_id, Date applied, ExecutionEnv& env,
                                    int64_t* case_id_out = nullptr);

  // The rules engine's view of a resident's card today (absent when no active card).
  Result<std::optional<rules::Assessment>> AssessResident(const Resident& r, Date today);

  CounterStore& store() { return store_; }

 private:
  Result<DecisionInput> InputFor(const Case& c, Date today);
  // `link`: the card already reached (Execute reaches it before journaling anything).
  Result<ExecutionReport> RunSteps(int64_t case_id, ExecutionEnv& env, bool recovering,
                                   std::unique_ptr<CardLink> link = nullptr);
  Result<std::unique_ptr<CardLink>> ReachCard(const Resident& resident, const CardRecord& record,
                                              ExecutionEnv& env);
  Status Audit(std::string_view clerk, int64_t case_id, int64_t resident_id,
               std::string_view action, const std::string& detail, int64_t at);

  CounterStore& store_;
  const profiles::Registry& profiles_;
};

// Kills the process (SIGKILL) when MYNACERT_FAILPOINT equals `point` ("keygen:auth:done", …):
// the crash-recovery tests stop an execution at every step this way.
void Failpoint(std::string_view point);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_EXECUTION_H_
