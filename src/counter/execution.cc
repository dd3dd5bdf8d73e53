#include "counter/execution.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <list>
#include <nlohmann/json.hpp>
#include <tuple>

#include "card/card.h"
#include "card/card_data.h"
#include "card/card_face.h"
#include "core/hex.h"
#include "counter/internal.h"
#include "pki/openssl.h"
#include "pki/request.h"
#include "rules/dates.h"
#include "rules/pins.h"
#include "rules/validity.h"

namespace mynacert::counter {

namespace {

using internal::Audit;
using nlohmann::json;

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out.push_back(static_cast<char>(nib(hex[i]) << 4 | nib(hex[i + 1])));
  }
  return out;
}

using pki::Wiped;

// The journal's field, named by errors about a stored step.
constexpr const char* kStepField = "case_steps.step";

// The steps that only check or set a PIN: nothing else on the card changed.
// face_check and face_off too: they need the holder at the counter, never a recovery.
bool IsPinStep(const StepName& s) {
  return s.kind == StepKind::kCheckPins || s.kind == StepKind::kResetPin ||
         s.kind == StepKind::kFaceCheck || s.kind == StepKind::kFaceOff;
}

// The steps after which going back is impossible (the card's old key gone, a certificate
// issued, written or revoked).
bool TouchesCardOrCa(const StepName& s) {
  switch (s.kind) {
    case StepKind::kKeygen:
    case StepKind::kIssue:
    case StepKind::kWrite:
    case StepKind::kRevokeOld:
    case StepKind::kWriteCa:
    case StepKind::kRevoke:
    case StepKind::kFaceOn:
      return true;
    case StepKind::kWriteData:  // the same data written again: redone after a crash
    case StepKind::kFaceCheck:
    case StepKind::kFaceOff:
    case StepKind::kAdoptCard:
    case StepKind::kCheckPins:
    case StepKind::kResetPin:
    case StepKind::kCreateCard:
    case StepKind::kResumeCard:
    case StepKind::kAbolishCard:
    case StepKind::kClose:
      return false;
  }
  return false;
}

// The steps that talk to the card.
bool TouchesCard(const StepName& s) {
  switch (s.kind) {
    case StepKind::kCheckPins:
    case StepKind::kResetPin:
    case StepKind::kKeygen:
    case StepKind::kWrite:
    case StepKind::kWriteCa:
    case StepKind::kWriteData:
    case StepKind::kCreateCard:
    case StepKind::kFaceCheck:
    case StepKind::kFaceOn:
    case StepKind::kFaceOff:
      return true;
    case StepKind::kAdoptCard:
    case StepKind::kIssue:
    case StepKind::kRevokeOld:
    case StepKind::kRevoke:
    case StepKind::kResumeCard:
    case StepKind::kAbolishCard:
    case StepKind::kClose:
      return false;
  }
  return true;
}

card::KeySlot KeySlotOf(pki::CaKind key) {
  return key == pki::CaKind::kSign ? card::KeySlot::kSign : card::KeySlot::kAuth;
}
card::CertSlot CertSlotOf(pki::CaKind key) {
  return key == pki::CaKind::kSign ? card::CertSlot::kSign : card::CertSlot::kAuth;
}
card::CertSlot CaCertSlotOf(pki::CaKind kind) {
  return kind == pki::CaKind::kSign ? card::CertSlot::kSignCa : card::CertSlot::kAuthCa;
}

// A new card becomes the holder's; the one in force before is marked `old_state` (replaced by a
// card issuance, returned at a pick-up). In the caller's transaction.
Status RegisterNewCard(CounterStore& store, CardRecord card, std::string_view old_state, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(auto old, store.ActiveCard(card.resident_id));
  if (old) MYNACERT_RETURN_IF_ERROR(store.SetCardState(old->id, old_state));
  auto id = store.AddCard(std::move(card), now);
  return id.ok() ? Status{} : Status{id.error()};
}

}  // namespace

void Failpoint(std::string_view point) {
  const char* target = std::getenv("MYNACERT_FAILPOINT");
  if (target != nullptr && point == target) raise(SIGKILL);
}

// A case whose lease another process holds: what the clerk can do about it.
static Error RunningElsewhere() {
  return Error{ErrorCode::kFailedPrecondition, "case",
               "この案件は別の端末で実行中です。終わってから案件を開き直してください (the case is being "
               "executed by another process; reopen it when that finishes)",
               ""};
}

Result<std::optional<FileLock>> TryLease(const ExecutionEnv& env, int64_t case_id) {
  if (env.home.empty()) return std::optional<FileLock>(FileLock());
  const std::filesystem::path dir = std::filesystem::path(env.home) / "run";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{ErrorCode::kFailedPrecondition, "home", dir.string() + ": " + ec.message(), ""};
  return FileLock::TryTake(dir / ("case-" + std::to_string(case_id) + ".lock"), "case");
}

Result<ExecutionReport> Execution::Execute(int64_t case_id, ExecutionEnv& env) {
  // The lease first, held to the end: no other process runs this case meanwhile, and a
  // recovery elsewhere leaves it alone.
  MYNACERT_ASSIGN_OR_RETURN(std::optional<FileLock> lease, TryLease(env, case_id));
  if (!lease) {
    return RunningElsewhere();
  }
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (c.state == "executing") {
    return Error{ErrorCode::kFailedPrecondition, "case",
                 "前回の実行が中断しています。`mynacert counter recover` を実行してください (an "
                 "interrupted execution: run counter recover)",
                 ""};
  }
  if (c.state != "accepted") {
    return Error{ErrorCode::kFailedPrecondition, "case",
                 "案件は受付可になっていません (state " + c.state + "; decide first)", ""};
  }
  // Decide again: the record or the card may have changed since.
  MYNACERT_ASSIGN_OR_RETURN(Decision d,
                            cases_.Decide(case_id, env.clerk, env.now, c.current_visit()->on));
  if (d.outcome != Outcome::kAccepted) {
    ExecutionReport r;
    r.decision_after = d;
    return r;
  }
  MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(c.resident_id));
  std::vector<std::pair<std::string, std::string>> steps;
  MYNACERT_ASSIGN_OR_RETURN(Resident resident, store_.GetResident(c.resident_id));
  MYNACERT_ASSIGN_OR_RETURN(auto assessment,
                            registry_.AssessResident(resident, c.current_visit()->on));
  size_t card_free = 0;  // steps that need no card
  std::optional<CardRecord> target = card;  // the card the steps act on
  if (c.procedure == "card_pickup") {
    MYNACERT_ASSIGN_OR_RETURN(auto app, store_.FindCardApplication(c.flags.application));
    if (!app) return NotFound("application", "交付申請がありません (no such card application)");
    CardRecord produced;
    produced.resident_id = c.resident_id;
    produced.location = app->location;
    produced.chip_id = app->chip_id;
    target = produced;
  }
  for (const PlannedStep& s : d.steps) {
    json data = json::object();
    MYNACERT_ASSIGN_OR_RETURN(const StepName name, ParseStep(s.id, "decision.steps"));
    if (name.kind == StepKind::kIssue) {
      const bool sign = name.key == pki::CaKind::kSign;
      data["last_valid_day"] = (sign ? d.sign_expiry : d.auth_expiry)->ToString();
      const rules::CertStatus st = sign ? assessment->sign.status : assessment->auth.status;
      // A new card's certificates are new issuances, never renewals (R-CARD-2, R-VAL-1a).
      data["renewal"] = st == rules::CertStatus::kRenewable && c.procedure != "card_pickup";
    }
    if ((name.kind == StepKind::kRevokeOld || name.kind == StepKind::kRevoke) && card) {
      MYNACERT_ASSIGN_OR_RETURN(auto old, store_.ActiveCert(card->id, pki::CaKindName(*name.key)));
      if (old) data["serial"] = old->serial;
    }
    if (name.kind == StepKind::kRevoke) {
      // R-LOST-4 / R-REV-1: the event's reason for an abolished card; a held certificate the
      // found-card case does not replace is no longer used (R-LOST-2).
      data["reason"] = c.procedure == "abolish_card"
                           ? std::string(rules::AbolitionReason(c.flags.card_event))
                           : std::string("cessationOfOperation");
    }
    if (name.kind == StepKind::kAdoptCard) {
      MYNACERT_ASSIGN_OR_RETURN(auto app, store_.FindCardApplication(c.flags.application));
      if (!app) return NotFound("application", "交付申請がありません (no such card application)");
      data = json{{"application", app->id},
                  {"location", app->location},
                  {"chip_id", app->chip_id},
                  {"applied", app->applied_on ? app->applied_on->ToString() : app->noticed_on.ToString()},
                  {"expires", app->new_card_expiry ? app->new_card_expiry->ToString() : ""},
                  {"face", app->face}};
    }
    if (!TouchesCard(name)) ++card_free;
    steps.emplace_back(FormatStep(name), data.dump());
  }
  if (!card) return NotFound("resident", "有効なカードがありません (no active card)");
  // The card first: absent, unreachable or someone else's, the case stays accepted and
  // nothing is journaled. A case that never touches the card (a 紛失届: the card is gone)
  // does not reach it.
  std::unique_ptr<CardLink> link;
  if (card_free != steps.size()) {
    MYNACERT_ASSIGN_OR_RETURN(link, ReachCard(resident, *target, env));
  }
  {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(case_id, steps));
    MYNACERT_ASSIGN_OR_RETURN(Case fresh, store_.GetCase(case_id));
    fresh.state = "executing";
    MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(fresh, env.now));
    std::vector<std::string> ids;
    for (const auto& s : steps) ids.push_back(s.first);
    MYNACERT_RETURN_IF_ERROR(Audit(store_, env.clerk, case_id, c.resident_id, "execute_start",
                                   json{{"steps", ids}}.dump(), env.now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  auto run = RunSteps(case_id, env, false, std::move(link));
  if (run.ok()) return run;
  // Stopped before any key was generated (a PIN not given, the card gone during the PIN
  // check): nothing to finish, so the case goes back to accepted now rather than waiting for
  // `counter recover`.
  MYNACERT_ASSIGN_OR_RETURN(Case after, store_.GetCase(case_id));
  for (const Step& s : after.steps) {
    auto name = ParseStep(s.step, kStepField);
    if (!name.ok() || (s.state != "planned" && !IsPinStep(*name))) return run;
  }
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(case_id, {}));
  after.state = "accepted";
  MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(after, env.now));
  MYNACERT_RETURN_IF_ERROR(Audit(store_, env.clerk, case_id, after.resident_id, "rolled_back",
                                 json{{"reason", run.error().ToString()}}.dump(), env.now));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return run;
}

Result<std::unique_ptr<CardLink>> Execution::ReachCard(const Resident& resident,
                                                       const CardRecord& record,
                                                       ExecutionEnv& env) {
  MYNACERT_ASSIGN_OR_RETURN(std::unique_ptr<CardLink> link, env.open_card(record));
  // A card in a reader could be anyone's: its chip ID, proven under the issuer key, must be
  // the one on record before any PIN is tried on it.
  if (!record.chip_id.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(auto probe,
                              card::IssuerSession::Open(link->transport(), env.issuer_master));
    if (probe->card_id() != record.chip_id) {
      return Error{ErrorCode::kFailedPrecondition, "reader",
                   "このカードは住民 " + std::to_string(resident.id) +
                       " のカードではありません (chip " + probe->card_id() +
                       "; the resident's card is " + record.chip_id + ")",
                   ""};
    }
  }
  return link;
}

Result<ExecutionReport> Execution::RunSteps(int64_t case_id, ExecutionEnv& env, bool recovering,
                                            std::unique_ptr<CardLink> link) {
  ExecutionReport report;
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  std::vector<StepName> names;  // c.steps', parsed
  for (const Step& s : c.steps) {
    MYNACERT_ASSIGN_OR_RETURN(StepName name, ParseStep(s.step, kStepField));
    names.push_back(name);
  }
  MYNACERT_ASSIGN_OR_RETURN(Resident resident, store_.GetResident(c.resident_id));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(c.municipality));
  const std::string holder_ref = "resident:" + std::to_string(resident.id);

  std::unique_ptr<card::IssuerSession> session;
  // The card the steps act on: the holder's card, or the produced one a pick-up hands over
  // (recorded in its adopt_card step, R-CARD-2) until that step made it the holder's.
  auto target_card = [&]() -> Result<std::optional<CardRecord>> {
    for (size_t i = 0; i < c.steps.size(); ++i) {
      if (names[i].kind != StepKind::kAdoptCard || c.steps[i].state == "done") continue;
      const json data = json::parse(c.steps[i].data, nullptr, false);
      if (!data.is_object()) break;
      CardRecord produced;
      produced.resident_id = resident.id;
      produced.location = data.value("location", "");
      produced.chip_id = data.value("chip_id", "");
      return std::optional<CardRecord>(produced);
    }
    return store_.ActiveCard(resident.id);
  };
  auto need_link = [&]() -> Status {
    if (link) return {};
    MYNACERT_ASSIGN_OR_RETURN(std::optional<CardRecord> card_record, target_card());
    if (!card_record) return NotFound("resident", "有効なカードがありません (no active card)");
    MYNACERT_ASSIGN_OR_RETURN(link, ReachCard(resident, *card_record, env));
    return {};
  };
  // A check at the counter that failed (a PIN, the face): nothing was changed on the card, the
  // execution is undone — the case back to accepted, or, for an agent's form, to 文書照会
  // (R-PROC-5).
  auto undo_after_check = [&](std::string_view event, json detail, bool switch_case) -> Status {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(case_id, {}));
    MYNACERT_ASSIGN_OR_RETURN(Case fresh, store_.GetCase(case_id));
    if (switch_case) {
      fresh.flags.pin_mismatch = true;
      fresh.state = "open";
    } else {
      fresh.state = "accepted";
    }
    MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(fresh, env.now));
    MYNACERT_RETURN_IF_ERROR(Audit(store_, env.clerk, case_id, c.resident_id, event, detail.dump(), env.now));
    return tx.Commit();
  };
  auto need_session = [&]() -> Status {
    MYNACERT_RETURN_IF_ERROR(need_link());
    if (session) return {};
    MYNACERT_ASSIGN_OR_RETURN(session,
                              card::IssuerSession::Open(link->transport(), env.issuer_master));
    return {};
  };
  auto step_data = [&](const StepName& name) -> json {
    for (size_t i = 0; i < c.steps.size(); ++i)
      if (names[i] == name) return json::parse(c.steps[i].data, nullptr, false);
    return json::object();
  };

  for (size_t i = 0; i < c.steps.size(); ++i) {
    Step& step = c.steps[i];
    const StepName& name = names[i];
    if (step.state == "done") continue;
    if (recovering && IsPinStep(name)) {
      return Error{ErrorCode::kFailedPrecondition, "case",
                   "暗証番号の照合は復旧では行えません (cannot recover a PIN step)", ""};
    }
    {
      MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
      MYNACERT_RETURN_IF_ERROR(store_.MarkStep(case_id, step.seq, "started", "", env.now));
      MYNACERT_RETURN_IF_ERROR(tx.Commit());
    }
    Failpoint(step.step + ":started");
    json data = json::parse(step.data, nullptr, false);
    if (!data.is_object()) data = json::object();
    // The key kind as the store and the report write it ("auth", "sign"; "" for other steps).
    const std::string kind(name.key ? pki::CaKindName(*name.key) : "");
    // Domain changes recorded with the step's `done`, in one transaction.
    std::function<Status()> record = [] { return Status{}; };

    if (name.kind == StepKind::kCheckPins) {
      MYNACERT_RETURN_IF_ERROR(need_link());
      card::JpkiClient client(link->transport());
      std::vector<card::PinId> pins = {card::PinId::kAuth};
      const bool sign = std::find(names.begin(), names.end(),
                                  MakeStep(StepKind::kKeygen, pki::CaKind::kSign)) != names.end();
      if (sign) pins.push_back(card::PinId::kSign);
      if (m->procedures.check_juki_pin) pins.push_back(card::PinId::kJuki);
      std::vector<std::string> checked;
      for (const card::PinId id : pins) {
        const std::string which(internal::PinName(id));
        MYNACERT_ASSIGN_OR_RETURN(std::string typed, env.pin(which));
        Wiped raw(std::move(typed));
        MYNACERT_ASSIGN_OR_RETURN(
            std::string normal,
            rules::NormalizePin(card::PinEfOf(id).kind, raw.get(), "PIN (" + which + ")"));
        Wiped value(std::move(normal));
        MYNACERT_ASSIGN_OR_RETURN(card::PinCheck check, client.Verify(id, value.get()));
        if (!check.verified) {
          report.pin_failure = PinFailure{which, check.tries_left, check.locked};
          break;
        }
        checked.push_back(which);
      }
      if (report.pin_failure) {
        // R-PROC-5 / R-CERT-6: nothing was changed on the card; the execution is undone.
        const bool switch_case = c.applicant == "agent_with_form";
        const PinFailure& f = *report.pin_failure;
        MYNACERT_RETURN_IF_ERROR(undo_after_check("pin_mismatch",
                                                  json{{"pin", f.pin},
                                                       {"tries_left", f.tries_left},
                                                       {"locked", f.locked},
                                                       {"rule", switch_case ? "R-PROC-5" : "R-CERT-6"}},
                                                  switch_case));
        if (switch_case) {
          MYNACERT_ASSIGN_OR_RETURN(Decision after, cases_.Decide(case_id, env.clerk, env.now));
          report.decision_after = after;
        }
        return report;
      }
      data["checked"] = checked;
    } else if (name.kind == StepKind::kResetPin) {
      const card::PinId id = *name.pin;
      const std::string pin(internal::PinName(id));
      MYNACERT_ASSIGN_OR_RETURN(std::string typed, env.pin("new:" + pin));
      Wiped raw(std::move(typed));
      MYNACERT_ASSIGN_OR_RETURN(
          std::string normal,
          rules::NormalizePin(card::PinEfOf(id).kind, raw.get(), "PIN (new " + pin + ")"));
      Wiped value(std::move(normal));
      MYNACERT_RETURN_IF_ERROR(need_session());
      MYNACERT_RETURN_IF_ERROR(session->SetPin(id, value.get()));
      data["pin"] = pin;
    } else if (name.kind == StepKind::kFaceCheck) {
      // R-FACE-2/4: the face in place of the PIN; a mismatch counts on the card (10 allowed).
      if (!env.face_check) {
        return Error{ErrorCode::kFailedPrecondition, "face_check",
                     "顔認証の結果がありません (match | mismatch を指定してください, R-FACE-4)", "R-FACE-4"};
      }
      MYNACERT_ASSIGN_OR_RETURN(const bool matched, env.face_check());
      MYNACERT_RETURN_IF_ERROR(need_session());
      MYNACERT_ASSIGN_OR_RETURN(const card::FaceCheck check, session->RecordFaceCheck(matched));
      if (!check.matched) {
        report.face_failure = FaceFailure{check.tries_left, check.locked};
        MYNACERT_RETURN_IF_ERROR(undo_after_check(
            "face_mismatch",
            json{{"tries_left", check.tries_left}, {"locked", check.locked}, {"rule", "R-FACE-2"}}, false));
        return report;
      }
      data["face"] = "matched";
    } else if (name.kind == StepKind::kFaceOn || name.kind == StepKind::kFaceOff) {
      const bool face = name.kind == StepKind::kFaceOn;
      std::list<std::pair<card::PinId, Wiped>> pins;  // face_off: the holder's new PINs
      if (!face) {
        const bool sign = std::find(names.begin(), names.end(),
                                    MakeStep(StepKind::kKeygen, pki::CaKind::kSign)) != names.end();
        for (const card::PinId id : {card::PinId::kAuth, card::PinId::kSign}) {
          if (id == card::PinId::kSign && !sign) continue;
          const std::string which(internal::PinName(id));
          MYNACERT_ASSIGN_OR_RETURN(std::string typed, env.pin("new:" + which));
          Wiped raw(std::move(typed));
          MYNACERT_ASSIGN_OR_RETURN(
              std::string normal,
              rules::NormalizePin(card::PinEfOf(id).kind, raw.get(), "PIN (new " + which + ")"));
          pins.emplace_back(std::piecewise_construct, std::forward_as_tuple(id),
                            std::forward_as_tuple(std::move(normal)));
        }
      }
      MYNACERT_RETURN_IF_ERROR(need_session());
      MYNACERT_RETURN_IF_ERROR(session->SetCardType(face));
      for (const auto& [id, value] : pins) MYNACERT_RETURN_IF_ERROR(session->SetPin(id, value.get()));
      data["card_type"] = face ? "face" : "pin";
      record = [this, &resident, face]() -> Status {
        MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(resident.id));
        if (!card) return NotFound("resident", "有効なカードがありません (no active card)");
        return store_.SetCardFace(card->id, face);
      };
    } else if (name.kind == StepKind::kAdoptCard) {
      // R-CARD-2: the produced card becomes the holder's; the old one is returned.
      MYNACERT_ASSIGN_OR_RETURN(const Date applied, Date::Parse(data.value("applied", ""), "applied"));
      MYNACERT_ASSIGN_OR_RETURN(const Date expires, Date::Parse(data.value("expires", ""), "expires"));
      const std::string location = data.value("location", ""), chip = data.value("chip_id", "");
      const std::string application = data.value("application", "");
      const bool face = data.value("face", false);
      record = [this, &resident, location, chip, applied, expires, face, application, case_id,
                &env]() -> Status {
        MYNACERT_ASSIGN_OR_RETURN(auto old, store_.ActiveCard(resident.id));
        if (old && old->chip_id == chip) return Status{};  // done before a crash
        CardRecord cr;
        cr.resident_id = resident.id;
        cr.location = location;
        cr.chip_id = chip;
        cr.applied = applied;
        cr.issued = env.today;
        cr.expires = expires;
        cr.face = face;
        MYNACERT_RETURN_IF_ERROR(RegisterNewCard(store_, cr, "returned", env.now));
        MYNACERT_ASSIGN_OR_RETURN(auto app, store_.FindCardApplication(application));
        if (!app) return NotFound("application", "交付申請がありません (no such card application)");
        app->state = "picked_up";
        app->picked_up_on = env.today;
        app->case_id = case_id;
        app->clerk = env.clerk;
        app->updated_at = env.now;
        return store_.UpdateCardApplication(*app);
      };
    } else if (name.kind == StepKind::kKeygen) {
      MYNACERT_RETURN_IF_ERROR(need_session());
      MYNACERT_ASSIGN_OR_RETURN(std::string spki, session->GenerateKeyPair(KeySlotOf(*name.key)));
      data["spki"] = HexUpper(spki);
    } else if (name.kind == StepKind::kIssue) {
      const json key = step_data(MakeStep(StepKind::kKeygen, *name.key));
      const std::string spki = Unhex(key.value("spki", ""));
      if (spki.empty())
        return Error{ErrorCode::kInternal, "case_steps",
                     "keygen の記録がありません (no key recorded)", ""};
      const pki::CaKind ca_kind = *name.key;
      std::string serial;
      // Idempotent: a certificate the CA already issued for this key (a crash after its commit).
      MYNACERT_ASSIGN_OR_RETURN(auto issued, env.ca_store->FindByHolder(holder_ref));
      for (const pki::IssuedCert& ic : issued) {
        if (ic.kind == ca_kind && pki::CertificateSpkiDer(ic.der) == spki) serial = ic.serial_hex;
      }
      if (serial.empty()) {
        pki::EvpPkeyPtr pub = pki::ParseSpkiDer(spki);
        if (!pub)
          return Error{ErrorCode::kInternal, "card", "カードの公開鍵が読めません (bad public key)",
                       ""};
        const pki::CaGeneration* ca = ca_kind == pki::CaKind::kSign ? env.sign_ca : env.auth_ca;
        if (!ca)
          return Error{ErrorCode::kFailedPrecondition, "ca_dir", "認証局の鍵がありません (no CA)",
                       ""};
        MYNACERT_ASSIGN_OR_RETURN(const Date last_valid_day,
                                  Date::Parse(data.value("last_valid_day", ""), "last_valid_day"));
        pki::SignHolder holder;  // the sign certificate's personal data (R-CERT-3)
        holder.name = resident.name;
        holder.sex = resident.sex;
        holder.birth = resident.birth;
        holder.address = resident.address;
        holder.prefecture_en = m->prefecture_en;
        holder.municipality_en = m->municipality_en;
        // The subject CN names the counter of the case's latest visit (000: no counter, a
        // card issuance) and the municipality's code (pki::WindowId).
        const profiles::Counter* counter =
            c.visits.empty() ? nullptr : m->FindCounter(c.visits.back().counter_id);
        MYNACERT_ASSIGN_OR_RETURN(const std::string window,
                                  pki::WindowId(m->local_government_code, counter ? counter->number : 0));
        MYNACERT_ASSIGN_OR_RETURN(
            const pki::CertRequest req,
            pki::CardKeyRequest(ca_kind, pub.get(), pki::TimePoint(std::chrono::seconds(env.now)),
                                env.today, last_valid_day, holder, window));
        MYNACERT_ASSIGN_OR_RETURN(pki::IssuedDer der, pki::IssueCertificateDer(*ca, req));
        pki::IssuedCert row =
            pki::DescribeIssued(der, ca_kind, ca->generation, req.subject_cn, env.now, holder_ref);
        MYNACERT_RETURN_IF_ERROR(env.ca_store->RecordIssued(row, env.clerk));
        serial = row.serial_hex;
      }
      data["serial"] = serial;
      report.new_serials.emplace_back(kind, serial);
    } else if (name.kind == StepKind::kWrite) {
      const json issued = step_data(MakeStep(StepKind::kIssue, *name.key));
      const std::string serial = issued.value("serial", "");
      MYNACERT_ASSIGN_OR_RETURN(auto found, env.ca_store->Find(*name.key, serial));
      if (!found)
        return Error{ErrorCode::kInternal, "ca", "発行記録がありません (certificate not in the CA)",
                     ""};
      MYNACERT_RETURN_IF_ERROR(need_session());
      MYNACERT_RETURN_IF_ERROR(session->WriteCertificate(CertSlotOf(*name.key), found->der));
      data["serial"] = serial;
      const Date last = Date::Parse(issued.value("last_valid_day", "")).value();
      const bool renewal = issued.value("renewal", false);
      record = [this, &resident, kind, serial, &env, last, renewal, case_id]() -> Status {
        MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(resident.id));
        if (!card) return NotFound("resident", "有効なカードがありません (no active card)");
        CertRecord cr;
        cr.resident_id = resident.id;
        cr.card_id = card->id;
        cr.kind = kind;
        cr.serial = serial;
        cr.issued = env.today;
        cr.last_valid_day = last;
        cr.renewal = renewal;
        cr.case_id = case_id;
        auto id = store_.AddCert(cr);
        return id.ok() ? Status{} : Status{id.error()};
      };
    } else if (name.kind == StepKind::kRevokeOld) {
      const std::string serial = data.value("serial", "");
      if (!serial.empty()) {
        MYNACERT_ASSIGN_OR_RETURN(auto found, env.ca_store->Find(*name.key, serial));
        // A held certificate too (a found card, R-LOST-2): a hold ends only in a revocation.
        if (found && found->state != pki::CertState::kRevoked) {
          MYNACERT_RETURN_IF_ERROR(
              env.ca_store->Revoke(*name.key, serial, pki::RevocationReason::kSuperseded, env.now,
                                   env.clerk, "case " + std::to_string(case_id)));
        }
        report.revoked.emplace_back(kind, serial);
        record = [this, kind, serial, &env] {
          return store_.EndCert(kind, serial, "superseded", "superseded", env.today);
        };
      }
    } else if (name.kind == StepKind::kRevoke) {
      const std::string serial = data.value("serial", "");
      const std::string reason_name = data.value("reason", "cessationOfOperation");
      MYNACERT_ASSIGN_OR_RETURN(const pki::RevocationReason reason,
                                pki::ParseRevocationReason(reason_name, "case_steps.data.reason"));
      if (!serial.empty()) {
        MYNACERT_ASSIGN_OR_RETURN(auto found, env.ca_store->Find(*name.key, serial));
        if (found && found->state != pki::CertState::kRevoked) {
          MYNACERT_RETURN_IF_ERROR(env.ca_store->Revoke(*name.key, serial, reason, env.now, env.clerk,
                                                        "case " + std::to_string(case_id) + " (" +
                                                            c.procedure + ")"));
        }
        report.revoked.emplace_back(kind, serial);
        record = [this, kind, serial, reason_name, &env] {
          return store_.EndCert(kind, serial, "revoked", reason_name, env.today);
        };
      }
    } else if (name.kind == StepKind::kResumeCard || name.kind == StepKind::kAbolishCard) {
      const bool resume = name.kind == StepKind::kResumeCard;
      record = [this, &resident, resume]() -> Status {
        MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(resident.id));
        if (!card) return Status{};  // done before a crash
        if (resume && !card->suspended()) return Status{};
        return store_.SetCardState(card->id, resume ? "active" : "abolished");
      };
    } else if (name.kind == StepKind::kCreateCard) {
      // A new card (the card model): PINs chosen by the holder, the issuer key written in.
      // Recorded relative to the home; a journal from before that holds an absolute path inside it.
      MYNACERT_ASSIGN_OR_RETURN(const std::string location,
                                CardFileLocation(env.home, data.value("path", "")));
      MYNACERT_ASSIGN_OR_RETURN(const std::filesystem::path card_path,
                                CardFilePath(env.home, location));
      const std::string path = card_path.string();
      card::CardInit init;
      for (const auto& [which, target] :
           {std::pair{"init:auth", &init.auth_pin}, std::pair{"init:sign", &init.sign_pin},
            std::pair{"init:text", &init.text_pin}, std::pair{"init:juki", &init.juki_pin}}) {
        MYNACERT_ASSIGN_OR_RETURN(*target, env.pin(which));
      }
      init.my_number = resident.my_number;
      MYNACERT_ASSIGN_OR_RETURN(const Date expires,
                                Date::Parse(data.value("expires", ""), "expires"));
      // The chip id first: the security code printed on the card is derived from it (card_face.h).
      const std::string chip_id = card::NewCardId();
      init.pin_b = card::CollationNumberB(resident.birth, expires.year(),
                                          card::SecurityCode(env.issuer_master, chip_id));
      init.issuer_master = env.issuer_master;
      auto made = card::Card::Create(path, env.card_secret, init, chip_id);
      for (std::string* p :
           {&init.auth_pin, &init.sign_pin, &init.text_pin, &init.juki_pin, &init.issuer_master}) {
        OPENSSL_cleanse(p->data(), p->size());
      }
      if (!made.ok()) return made.error();
      data["chip_id"] = (*made)->card_id();
      const std::string chip = (*made)->card_id();
      MYNACERT_ASSIGN_OR_RETURN(const Date applied,
                                Date::Parse(data.value("applied", ""), "applied"));
      record = [this, &resident, location, chip, applied, expires, &env]() -> Status {
        CardRecord cr;
        cr.resident_id = resident.id;
        cr.location = location;
        cr.chip_id = chip;
        cr.applied = applied;
        cr.issued = env.today;
        cr.expires = expires;
        return RegisterNewCard(store_, cr, "replaced", env.now);
      };
    } else if (name.kind == StepKind::kWriteCa) {
      MYNACERT_RETURN_IF_ERROR(need_session());
      for (const pki::CaGeneration* ca : {env.auth_ca, env.sign_ca}) {
        if (!ca)
          return Error{ErrorCode::kFailedPrecondition, "ca_dir", "認証局がありません (no CA)", ""};
        MYNACERT_RETURN_IF_ERROR(
            session->WriteCertificate(CaCertSlotOf(ca->kind), pki::CertificateDer(ca->cert.get())));
      }
    } else if (name.kind == StepKind::kWriteData) {
      // The registry's data as they are now (a move re-writes them: R-CERT-5's case).
      if (!env.card_data_signer) {
        return Error{ErrorCode::kFailedPrecondition, "passphrase",
                     "カードに券面事項を書き込むには認証局のパスフレーズが必要です。--passphrase "
                     "(または MYNACERT_CA_PASSPHRASE) を指定してください (the CA passphrase is "
                     "needed to sign the card data: give --passphrase)",
                     ""};
      }
      MYNACERT_ASSIGN_OR_RETURN(pki::Signer * signer, env.card_data_signer());
      card::HolderData holder;
      holder.my_number = resident.my_number;
      holder.name = card::TextName(resident.name, resident.kyuuji, resident.tsusho);
      holder.address = resident.address;
      holder.birth = card::CardDate(resident.birth);
      holder.sex = static_cast<char>('0' + resident.sex);
      MYNACERT_ASSIGN_OR_RETURN(auto files, card::TextApFiles(holder, *signer));
      MYNACERT_RETURN_IF_ERROR(need_session());
      for (const auto& [ef, bytes] : files) {
        MYNACERT_RETURN_IF_ERROR(session->WriteDataFile(card::App::kText, ef, bytes));
      }
      // The 券面 AP holds the card as printed: written with a new card (issuance, the card's
      // renewal), not at a move — the move goes on the face's 追記欄 and into the 券面事項入力補助
      // AP above (docs/card.md). A redo makes the AP's key again and rewrites the three files.
      if (!data.value("text_only", false)) {
        MYNACERT_ASSIGN_OR_RETURN(auto card_record, store_.ActiveCard(resident.id));
        if (!card_record || card_record->chip_id != session->card_id()) {
          return Error{ErrorCode::kFailedPrecondition, "card",
                       "読み取り機のカードがこの住民の交付中のカードではありません。この住民のカードを"
                       "置いて、もう一度実行してください (the card in the reader is not this "
                       "resident's card: put theirs in the reader and run the case again)",
                       ""};
        }
        MYNACERT_ASSIGN_OR_RETURN(const std::string spki,
                                  session->GenerateKeyPair(card::KeySlot::kVisual));
        pki::EvpPkeyPtr ap_key = pki::ParseSpkiDer(spki);
        if (!ap_key) {
          return Error{ErrorCode::kInternal, "card", "カードの公開鍵が読めません (bad public key)", ""};
        }
        MYNACERT_ASSIGN_OR_RETURN(
            const card::CardFaceImages images,
            card::RenderCardFace(holder, card::SecurityCode(env.issuer_master, session->card_id())));
        const card::CardFaceData face{holder.birth, holder.sex, card::CardDate(card_record->expires)};
        MYNACERT_ASSIGN_OR_RETURN(auto face_files,
                                  card::VisualApFiles(face, images, ap_key.get(), *signer));
        for (const auto& [ef, bytes] : face_files) {
          MYNACERT_RETURN_IF_ERROR(session->WriteDataFile(card::App::kVisual, ef, bytes));
        }
        data["card_face"] = true;
      }
      data["address"] = resident.address;  // what the chip says now (no My Number in the journal)
    } else if (name.kind == StepKind::kClose) {
      record = [this, case_id, &env]() -> Status {
        MYNACERT_ASSIGN_OR_RETURN(Case fresh, store_.GetCase(case_id));
        fresh.state = "done";
        return store_.UpdateCase(fresh, env.now);
      };
    } else {
      return UnknownStep(step.step, kStepField);
    }
    Failpoint(step.step + ":acted");
    {
      MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
      MYNACERT_RETURN_IF_ERROR(record());
      step.data = data.dump();
      MYNACERT_RETURN_IF_ERROR(store_.MarkStep(case_id, step.seq, "done", step.data, env.now));
      json detail{{"step", step.step}};
      if (data.contains("serial")) detail["serial"] = data["serial"];
      if (recovering) detail["recovery"] = true;
      MYNACERT_RETURN_IF_ERROR(
          Audit(store_, env.clerk, case_id, c.resident_id, "step_done", detail.dump(), env.now));
      MYNACERT_RETURN_IF_ERROR(tx.Commit());
    }
    step.state = "done";
    report.steps_done.push_back(step.step);
    Failpoint(step.step + ":done");
  }
  report.completed = true;
  return report;
}

Result<RecoveryReport> Execution::Recover(ExecutionEnv& env) {
  RecoveryReport report;
  if (env.ca_store) {
    MYNACERT_RETURN_IF_ERROR(
        registry_.DeliverRevocations(*env.ca_store, env.clerk, env.now, &report.revocations));
  }
  MYNACERT_ASSIGN_OR_RETURN(auto executing, store_.CasesInState("executing"));
  for (int64_t id : executing) {
    MYNACERT_ASSIGN_OR_RETURN(std::optional<FileLock> lease, TryLease(env, id));
    if (!lease) {  // alive in another process: not interrupted
      report.running_elsewhere.push_back(id);
      continue;
    }
    MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(id));
    if (c.state != "executing") continue;  // finished elsewhere since the list was read
    bool forward = false;
    bool all_but_close = true;
    std::vector<StepName> names;  // c.steps', parsed
    std::optional<Error> unknown;
    for (const Step& s : c.steps) {
      auto name = ParseStep(s.step, kStepField);
      if (!name.ok()) {
        unknown = name.error();
        break;
      }
      names.push_back(*name);
      if (TouchesCardOrCa(*name) && s.state != "planned") forward = true;
      if ((name->kind == StepKind::kCreateCard || name->kind == StepKind::kAdoptCard) &&
          s.state == "done") {
        forward = true;  // the new card is the holder's now
      }
      if (name->kind != StepKind::kClose && s.state != "done") all_but_close = false;
    }
    // The record changed with the case's plan: what it planned must follow.
    if (c.procedure == "resident_change") forward = true;
    if (unknown) {  // neither finished nor rolled back: the journal is not understood
      report.problems.push_back("case " + std::to_string(id) + ": " + unknown->ToString());
      continue;
    }
    if (forward || all_but_close) {
      auto run = RunSteps(id, env, true);
      if (!run.ok()) {
        report.problems.push_back("case " + std::to_string(id) + ": " + run.error().ToString());
        continue;
      }
      report.finished.push_back(id);
      continue;
    }
    // Roll back: nothing reached the card but a PIN check (or a card file not yet registered).
    for (size_t i = 0; i < c.steps.size(); ++i) {
      const Step& s = c.steps[i];
      if (names[i].kind != StepKind::kCreateCard || s.state != "started") continue;
      const json data = json::parse(s.data, nullptr, false);
      std::error_code ec;
      if (data.is_object()) std::filesystem::remove(data.value("path", ""), ec);
    }
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(id, {}));
    c.state = c.procedure == "card_issuance" ? "cancelled" : "accepted";
    MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(c, env.now));
    MYNACERT_RETURN_IF_ERROR(
        Audit(store_, env.clerk, id, c.resident_id, "rolled_back",
              json{{"reason", "interrupted before any key was generated"}}.dump(), env.now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    report.rolled_back.push_back(id);
  }
  return report;
}

namespace {
// A case the counter runs at once, with no decision visit of its own (a card issuance, a change
// with the card there): opened in the caller's transaction in state "executing", its visit
// today with the holder present, and its lease taken before the caller commits. A lease already
// held means a case number reused from one rolled back elsewhere: RunningElsewhere.
Result<int64_t> OpenRunningCase(CounterStore& store, const Resident& r, std::string procedure,
                                std::string decision, const ExecutionEnv& env,
                                std::optional<FileLock>* lease) {
  Case c;
  c.resident_id = r.id;
  c.municipality = r.municipality;
  c.procedure = std::move(procedure);
  c.applicant = "self";
  c.state = "executing";
  c.decision = std::move(decision);
  Visit v;
  v.on = env.today;
  v.clerk = env.clerk;
  v.holder_present = true;
  MYNACERT_ASSIGN_OR_RETURN(const int64_t id, store.OpenCase(c, v, env.now));
  MYNACERT_ASSIGN_OR_RETURN(*lease, TryLease(env, id));
  if (!*lease) return RunningElsewhere();
  return id;
}
}  // namespace

Result<ChangeReport> Execution::ChangeResidentWithCard(int64_t resident_id,
                                                      const ResidentChange& change, Date on,
                                                      ExecutionEnv& env, ExecutionReport* execution) {
  MYNACERT_ASSIGN_OR_RETURN(Resident r, store_.GetResident(resident_id));
  MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(resident_id));
  if (!card || card->suspended()) {
    return registry_.ChangeResident(resident_id, change, on, env.clerk, env.now, env.ca_store);
  }
  ChangeReport report;
  int64_t id = 0;
  std::optional<FileLock> lease;
  std::string serial;
  {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_ASSIGN_OR_RETURN(report.fields,
                              store_.ChangeResident(resident_id, change, on, env.clerk, env.now));
    const bool chip = std::any_of(report.fields.begin(), report.fields.end(),
                                  [](const std::string& f) { return RevokesSignCert(f); });
    if (!chip) {  // nothing the chip or a certificate holds: the record alone
      MYNACERT_RETURN_IF_ERROR(Audit(store_, env.clerk, 0, resident_id, "resident_change",
                                     json{{"fields", report.fields}, {"on", on.ToString()}}.dump(),
                                     env.now));
      MYNACERT_RETURN_IF_ERROR(tx.Commit());
      return report;
    }
    MYNACERT_ASSIGN_OR_RETURN(auto sign, store_.ActiveCert(card->id, "sign"));
    if (sign) serial = sign->serial;
    MYNACERT_ASSIGN_OR_RETURN(
        id, OpenRunningCase(store_, r, "resident_change",
                            json{{"outcome", "accepted"}, {"rules", "R-CERT-5"}}.dump(), env, &lease));
    std::vector<std::pair<std::string, std::string>> steps;
    if (sign) {
      steps.emplace_back(FormatStep(MakeStep(StepKind::kRevoke, pki::CaKind::kSign)),
                         json{{"serial", serial}, {"reason", "affiliationChanged"}}.dump());
    }
    steps.emplace_back(FormatStep(MakeStep(StepKind::kWriteData)), json{{"text_only", true}}.dump());
    steps.emplace_back(FormatStep(MakeStep(StepKind::kClose)), "{}");
    MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(id, steps));
    MYNACERT_RETURN_IF_ERROR(Audit(store_, env.clerk, id, resident_id, "resident_change",
                                   json{{"fields", report.fields},
                                        {"on", on.ToString()},
                                        {"sign_revoked", serial},
                                        {"rule", serial.empty() ? "" : "R-CERT-5"},
                                        {"case", id}}
                                       .dump(),
                                   env.now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  if (!serial.empty()) report.revoked_serials.push_back(serial);
  report.case_id = id;
  MYNACERT_ASSIGN_OR_RETURN(ExecutionReport run, RunSteps(id, env, false));
  if (execution) *execution = std::move(run);
  return report;
}

Result<ExecutionReport> Execution::IssueCard(int64_t resident_id, Date applied, ExecutionEnv& env,
                                             int64_t* case_id_out) {
  MYNACERT_ASSIGN_OR_RETURN(Resident r, store_.GetResident(resident_id));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(r.municipality));
  if (applied > env.today)
    return InvalidArgument("applied", "交付申請日が今日より後です (after today)");
  if (applied < r.birth)
    return InvalidArgument("applied", "生年月日より前です (before the birth date)");
  if (!env.new_card_path)
    return Error{ErrorCode::kFailedPrecondition, "home", "カードファイルの場所がありません", ""};
  if (env.home.empty()) {
    return Error{ErrorCode::kFailedPrecondition, "home",
                 "カードファイルを置くホームフォルダがありません (no home folder for card files)",
                 ""};
  }
  // R-VAL-2/3/4: the card's expiry; R-VAL-1/5: the certificates' (sign capped by auth).
  const rules::CardValidity cv =
      rules::ComputeCardValidity(r.birth, applied, env.today, r.stay_until, m->rules);
  const rules::CertValidity auth =
      rules::ComputeCertValidity(r.birth, env.today, false, cv.expires, std::nullopt, m->rules);
  const bool sign =
      rules::AgeOn(r.birth, env.today) >= 15 && (!r.adult_ward || m->rules.adult_ward_sign_cert);
  const rules::CertValidity signv =
      rules::ComputeCertValidity(r.birth, env.today, false, cv.expires, auth.expires, m->rules);

  const std::string decision = json{{"outcome", "accepted"},
                                    {"card_expiry", cv.expires.ToString()},
                                    {"auth_expiry", auth.expires.ToString()},
                                    {"sign_expiry", sign ? json(signv.expires.ToString()) : json()},
                                    {"rules", "R-WIN-6,R-VAL-2,R-VAL-1,R-VAL-5,R-CERT-4"}}
                                   .dump();
  MYNACERT_ASSIGN_OR_RETURN(auto old_card, store_.ActiveCard(r.id));
  int64_t id = 0;
  std::optional<FileLock> lease;  // taken before the executing case is committed
  {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_ASSIGN_OR_RETURN(id, OpenRunningCase(store_, r, "card_issuance", decision, env, &lease));
    std::vector<std::pair<std::string, std::string>> steps;
    auto plan = [&steps](const StepName& name, std::string data) {
      steps.emplace_back(FormatStep(name), std::move(data));
    };
    constexpr pki::CaKind kAuth = pki::CaKind::kAuth;
    constexpr pki::CaKind kSign = pki::CaKind::kSign;
    plan(MakeStep(StepKind::kCreateCard), json{{"path", env.new_card_path(r, id)},
                                               {"applied", applied.ToString()},
                                               {"expires", cv.expires.ToString()}}
                                              .dump());
    plan(MakeStep(StepKind::kKeygen, kAuth), "{}");
    if (sign) plan(MakeStep(StepKind::kKeygen, kSign), "{}");
    plan(MakeStep(StepKind::kIssue, kAuth),
         json{{"last_valid_day", auth.expires.ToString()}, {"renewal", false}}.dump());
    if (sign)
      plan(MakeStep(StepKind::kIssue, kSign),
           json{{"last_valid_day", signv.expires.ToString()}, {"renewal", false}}.dump());
    plan(MakeStep(StepKind::kWriteCa), "{}");
    plan(MakeStep(StepKind::kWriteData), "{}");
    plan(MakeStep(StepKind::kWrite, kAuth), "{}");
    if (sign) plan(MakeStep(StepKind::kWrite, kSign), "{}");
    if (old_card) {
      for (const pki::CaKind kind : {kAuth, kSign}) {
        MYNACERT_ASSIGN_OR_RETURN(auto old, store_.ActiveCert(old_card->id, pki::CaKindName(kind)));
        if (old) plan(MakeStep(StepKind::kRevokeOld, kind), json{{"serial", old->serial}}.dump());
      }
    }
    plan(MakeStep(StepKind::kClose), "{}");
    MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(id, steps));
    std::vector<std::string> ids;
    for (const auto& s : steps) ids.push_back(s.first);
    MYNACERT_RETURN_IF_ERROR(
        Audit(store_, env.clerk, id, r.id, "card_issue_start",
              json{{"steps", ids}, {"card_expiry", cv.expires.ToString()}}.dump(), env.now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  if (case_id_out) *case_id_out = id;
  return RunSteps(id, env, false);
}

}  // namespace mynacert::counter
