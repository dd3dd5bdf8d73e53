// Execution of a case onto the card and the CA, and recovery after a crash.
//
// Execution is a journal of idempotent steps (case_steps): each is recorded `started`, done,
// then recorded `done` with what the next steps need (the public key from the card, the serial
// from the CA; never a PIN):
//
//   check_pins | reset_pin:K   the PIN typed by staff is checked on the card (or a new one set)
//   face_check                 a face card: the face check in place of the PINs (R-FACE-4)
//   face_on | face_off         the card switched to face authentication or back (R-FACE-3)
//   adopt_card                 the produced card becomes the holder's, the old one returned
//                              (R-CARD-2)
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
// Every action is written to the audit log in the same transaction as the change it records.
//
// Thread-safety: one Execution per thread (its store owns one connection).
#ifndef MYNACERT_COUNTER_EXECUTION_H_
#define MYNACERT_COUNTER_EXECUTION_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "card/layout.h"
#include "core/date.h"
#include "core/result.h"
#include "counter/file_lock.h"
#include "counter/card_files.h"
#include "counter/cases.h"
#include "counter/decision.h"
#include "counter/registry.h"
#include "counter/steps.h"
#include "counter/store.h"
#include "pki/ca_store.h"
#include "pki/certificate.h"
#include "profiles/loader.h"

namespace mynacert::counter {

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
  // The face check of a face-authentication card (R-FACE-2/4), made by staff or a machine:
  // true when the holder's face matches the card's photo. Asked once per face_check step.
  std::function<Result<bool>()> face_check;
  // The home folder card file locations are relative to (counter/workspace.h).
  std::filesystem::path home;
  // Where a new card file goes (card issuance with the card model): relative to `home`.
  std::function<std::string(const Resident& r, int64_t case_id)> new_card_path;
  std::string card_secret;  // encrypts a new card file (the card model)
  // The sandbox's key for the 券面事項 data (write_data; pki LoadOrCreateCardDataKey), asked for
  // at the first write: made then in a CA folder that has none.
  std::function<Result<pki::Signer*>()> card_data_signer;
  std::string clerk = "system";
  int64_t now = 0;  // Unix seconds
  Date today;
};

struct PinFailure {
  std::string pin;  // auth | sign | juki
  int tries_left = 0;
  bool locked = false;
};

// A face check that did not match (R-FACE-2): the card's count of failures left.
struct FaceFailure {
  int tries_left = 0;
  bool locked = false;
};

struct ExecutionReport {
  bool completed = false;
  std::vector<std::string> steps_done;
  std::optional<PinFailure> pin_failure;
  std::optional<FaceFailure> face_failure;
  std::optional<Decision> decision_after;  // when the case changed (R-PROC-5 switch)
  std::vector<std::pair<std::string, std::string>> new_serials;  // kind, serial
  std::vector<std::pair<std::string, std::string>> revoked;      // kind, serial
};

struct RecoveryReport {
  std::vector<int64_t> finished;
  std::vector<int64_t> rolled_back;
  std::vector<std::string> revocations;  // serials delivered to the CA
  std::vector<std::string> problems;     // cases that could not be recovered now, and why
  // Executing cases left alone: their lease is held, so their execution is alive in another
  // process (another instance on the same database and home).
  std::vector<int64_t> running_elsewhere;
};

// A case's execution lease: <home>/run/case-<id>.lock, flock'ed by the process that runs the
// case's steps from before it marks the case executing until it is done (released by the
// kernel if that process dies, even by kill -9). nullopt: another process holds it. An empty
// home: a lease that holds nothing (a workspace without a home has no other process).
Result<std::optional<FileLock>> TryLease(const ExecutionEnv& env, int64_t case_id);


class Execution {
 public:
  // `cases` decides again before executing; `registry` assesses the card and delivers the
  // queued revocations.
  Execution(CounterStore& store, const profiles::Registry& profiles, Registry& registry,
            Cases& cases)
      : store_(store), profiles_(profiles), registry_(registry), cases_(cases) {}

  // Executes an accepted case.
  Result<ExecutionReport> Execute(int64_t case_id, ExecutionEnv& env);
  // Finishes or rolls back interrupted executions and delivers queued revocations.
  Result<RecoveryReport> Recover(ExecutionEnv& env);
  // A new card with both certificates for `resident_id` (R-WIN-6: the card renewed or first
  // issued), as a case executed at once. The previous card, if any, is replaced and its
  // certificates revoked `superseded`.
  Result<ExecutionReport> IssueCard(int64_t resident_id, Date applied, ExecutionEnv& env,
                                    int64_t* case_id_out = nullptr);
  // A change of the record made at the counter with the holder's card there (a move, a new
  // name: 転入届 with the card, R-CERT-5): the record changed and a case "resident_change"
  // planned in one transaction — revoke:sign (affiliationChanged) when a R-CERT-5 field
  // changed, write_data (the new data onto the chip's 券面事項入力補助 AP), close — then
  // executed. Killed at any point, Recover() finishes it (the record cannot go back). Without
  // an active card, or with no R-CERT-5 field changed, it is Registry::ChangeResident.
  Result<ChangeReport> ChangeResidentWithCard(int64_t resident_id, const ResidentChange& change,
                                              Date on, ExecutionEnv& env,
                                              ExecutionReport* execution = nullptr);

 private:
  // `link`: the card already reached (Execute reaches it before journaling anything).
  Result<ExecutionReport> RunSteps(int64_t case_id, ExecutionEnv& env, bool recovering,
                                   std::unique_ptr<CardLink> link = nullptr);
  Result<std::unique_ptr<CardLink>> ReachCard(const Resident& resident, const CardRecord& record,
                                              ExecutionEnv& env);

  CounterStore& store_;
  const profiles::Registry& profiles_;
  Registry& registry_;
  Cases& cases_;
};

// Kills the process (SIGKILL) when MYNACERT_FAILPOINT equals `point` ("keygen:auth:done", …):
// the crash-recovery tests stop an execution at every step this way.
void Failpoint(std::string_view point);

}  // namespace mynacert::counter

// The facade (class Counter) over the registry, the cases and the execution: callers from
// before the split reach it through this header.
#include "counter/counter.h"  // IWYU pragma: export

#endif  // MYNACERT_COUNTER_EXECUTION_H_
