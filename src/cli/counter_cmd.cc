// `mynacert resident …`, `mynacert counter …`, `mynacert audit verify` and `mynacert card
// issue`: the counter (issue 5) over counter/execution.h.
//
// Everything lives under --home (default $MYNACERT_HOME, else ./mynacert-home): counter.db,
// the CA folder ca/ (its ca.db inside) and cards/ (card files of the card model). Secrets come
// from env:NAME or file:PATH only: --passphrase (the CA keys, default env:MYNACERT_CA_PASSPHRASE),
// --issuer-key (the card issuer channel, default env:MYNACERT_ISSUER_KEY), --card-secret (card
// files, default env:MYNACERT_CARD_SECRET). PINs are read from the terminal without echo, or one
// per line from stdin — never from the command line — and are never stored or logged.

#include <openssl/crypto.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/card_access.h"
#include "cli/commands.h"
#include "cli/terminal.h"
#include "card/host.h"
#include "core/clock.h"
#include "counter/card_renewal.h"
#include "counter/execution.h"
#include "counter/views.h"
#include "counter/workspace.h"
#include "pki/ca_directory.h"
#include "pki/key_file.h"
#include "pki/openssl.h"

namespace mynacert::cli {
namespace {

using nlohmann::json;

struct Home {
  std::string home;
  std::string passphrase = "env:MYNACERT_CA_PASSPHRASE";
  std::string issuer_key = "env:MYNACERT_ISSUER_KEY";
  std::string card_secret = "env:MYNACERT_CARD_SECRET";
  std::string audit_key;  // "" = <home>/audit.key (counter/audit.h)
  std::string clerk;
  bool json = false;
  // The card in a PC/SC reader (`--reader`, "" = the first reader with a card) instead of the
  // card file on record.
  std::optional<std::string> reader;

  std::string Dir() const { return HomeDir(home); }
};

void AddHomeFlags(CLI::App* c, Home& h, bool clerk) {
  AddHomeOption(*c, h.home);
  if (clerk) c->add_option("--clerk", h.clerk, "操作する職員 (監査記録) / the clerk acting")->required();
  c->add_flag("--json", h.json, "JSON で出力 / JSON output");
  c->add_option("--audit-key", h.audit_key,
                "監査ログの鍵 (env:/file:; 既定 <home>/audit.key) / the audit log's key");
}
void AddSecretFlags(CLI::App* c, Home& h) {
  c->add_option("--passphrase", h.passphrase, "認証局の鍵のパスフレーズ (env:/file:)");
  c->add_option("--issuer-key", h.issuer_key, "カード発行者鍵 (env:/file:)");
  c->add_option("--card-secret", h.card_secret, "カードファイルの秘密 (env:/file:)");
}
void AddReaderFlag(CLI::App* c, Home& h) {
  c->add_option_function<std::string>(
       "--reader", [&h](const std::string& name) { h.reader = name; },
       "PC/SC リーダーのカードで実行 (名前を省くとカードの入った最初のリーダー) / run on the card in a "
       "PC/SC reader; it must be the resident's card")
      ->expected(0, 1)
      ->default_str("");
}

// The card in a PC/SC reader, through pcscd (card/pcsc.h).
class ReaderCardLink : public counter::CardLink {
 public:
  explicit ReaderCardLink(std::unique_ptr<CardConnection> c) : c_(std::move(c)) {}
  card::Transport& transport() override { return c_->transport(); }

 private:
  std::unique_ptr<CardConnection> c_;
};

Result<Date> DateFlag(const std::string& text, const std::string& field) {
  if (text.empty()) return RealClock().TodayJst();
  return Date::Parse(text, field);
}

int64_t Now() { return RealClock().UnixSeconds(); }

using Session = counter::Workspace;

// A PIN from the terminal (no echo) or one line of stdin.
Result<std::string> AskPin(std::string_view which) {
  std::string label = std::string(which);
  if (label.rfind("new:", 0) == 0) label = "新しい " + label.substr(4) + " PIN (new)";
  else if (label.rfind("init:", 0) == 0) label = label.substr(5) + " PIN (カードに設定 / to set)";
  else label += " PIN";
  return ReadQuietLine(label, "one PIN per line on stdin");
}

Result<std::unique_ptr<Session>> OpenSession(const Home& h, CliContext& ctx, bool secrets) {
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  const counter::WorkspaceSecrets from{h.passphrase, h.issuer_key, h.card_secret, h.audit_key};
  MYNACERT_ASSIGN_OR_RETURN(auto s, counter::OpenWorkspace(h.Dir(), *reg, secrets ? &from : nullptr, h.audit_key, ctx.Database()));
  for (const std::string& note : s->notes) ctx.err << note << "\n";
  s->env.clerk = h.clerk.empty() ? "system" : h.clerk;
  if (!secrets) return s;
  if (h.reader) {
    const std::string reader = *h.reader;
    s->env.open_card = [reader](const counter::CardRecord&) -> Result<std::unique_ptr<counter::CardLink>> {
      CardAccess access;
      access.reader = reader;
      MYNACERT_ASSIGN_OR_RETURN(auto c, ConnectCard(access));
      return std::unique_ptr<counter::CardLink>(std::make_unique<ReaderCardLink>(std::move(c)));
    };
  }
  s->env.pin = AskPin;
  // Recovery runs on every start of a command that holds the secrets (issue 5).
  MYNACERT_ASSIGN_OR_RETURN(counter::RecoveryReport rec, s->counter->Recover(s->env));
  for (int64_t id : rec.finished) ctx.err << "復旧: 案件 " << id << " を完了しました (recovered: finished)\n";
  for (int64_t id : rec.rolled_back) ctx.err << "復旧: 案件 " << id << " を取り消しました (recovered: rolled back)\n";
  for (const std::string& p : rec.problems) ctx.err << "復旧できません (cannot recover): " << p << "\n";
  return s;
}

void PrintDecision(const counter::Decision& d, bool as_json, std::ostream& o) {
  if (as_json) {
    o << json::parse(counter::DecisionJson(d)).dump(2) << "\n";
    return;
  }
  o << "判定 (decision): " << counter::OutcomeJa(d.outcome) << " / " << counter::OutcomeName(d.outcome)
    << "  来庁 " << d.visit << "/" << d.visits_total << "\n";
  for (const auto& r : d.refusals) o << "  ✗ [" << r.rule << "] " << r.ja << "\n      " << r.en << "\n";
  for (const auto& l : d.missing) {
    o << "  不足 (missing): " << l.ja << " [" << (l.rules.empty() ? "" : l.rules.front()) << "]\n";
  }
  for (const auto& r : d.document_checks) o << "  書類 [" << r.rule << "] " << r.ja << "\n";
  for (const auto& r : d.reasons) o << "  ・[" << r.rule << "] " << r.ja << "\n      " << r.en << "\n";
  for (const auto& a : d.actions) o << "  職員: " << a.ja << "\n";
  if (d.next_visit_by) o << "  次回来庁の期限 (next visit by): " << d.next_visit_by->ToStringWithWeekday() << "\n";
  if (d.auth_expiry) o << "  新しい利用者証明用電子証明書の有効期限: " << d.auth_expiry->ToString() << "\n";
  if (d.sign_expiry) o << "  新しい署名用電子証明書の有効期限: " << d.sign_expiry->ToString() << "\n";
  if (d.fee_yen > 0) o << "  手数料 (fee): " << d.fee_yen << " 円 (R-LOST-4)\n";
  if (!d.steps.empty()) {
    o << "  実行する手順 (steps):\n";
    for (const auto& s : d.steps) o << "    - " << s.id << ": " << s.ja << " / " << s.en << "\n";
  }
}

// "kind=passport,whose=agent,expires=2030-01-01,copy"
Result<counter::Document> ParseDocument(const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> fields;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const std::string part = spec.substr(start, comma - start);
    start = comma + 1;
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    if (fields.empty() && eq == std::string::npos) {
      fields.emplace_back("item", part);  // "holder_card" alone names the item
    } else {
      fields.emplace_back(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
    }
  }
  return counter::DocumentFrom(fields, "--document");
}

struct Flags {
  Home home;
  int64_t resident = 0, case_id = 0, representative = 0, parent = 0;
  std::string municipality, name, kana, tsusho, kyuuji, address, birth, household, nationality, stay_until;
  int sex = 0;
  bool adult_ward = false, abroad = false, forwarding = false;
  std::optional<bool> set_adult_ward, set_abroad, set_forwarding;
  std::string procedure = "renewal", applicant = "self", counter_id, date, applied, certs = "both", pin = "auth";
  bool holder_present = false, pin_forgotten = false, honseki = false, corporate = false, no_photo_id = false;
  std::vector<std::string> documents;
  // abolish_card (R-LOST-4); the hotline (R-LOST-1).
  std::string card_event, caller = "holder", caller_name, police_receipt, note;
  bool at_fault = false, not_at_fault = false;
  bool with_card = false;  // resident change: the card is at the counter (written, issue 19)
  // --holder-at-fault / --not-at-fault, unset when neither is given.
  std::optional<bool> AtFault() const {
    if (at_fault) return true;
    if (not_at_fault) return false;
    return std::nullopt;
  }
  bool outside_home = false;
  // kiosk reset-pin (R-KIOSK-1)
  CardAccess card_access;
  std::string booking, pin_kind, known_pin, new_pin;
  // face_switch (R-FACE-3), card_pickup and card applications (R-CARD-1..2), the face check
  // (R-FACE-4).
  std::string card_type, application, face_check, channel, photo, state, reason;
  bool face = false;
  int64_t booking_number = 0;
};

Status RunResidentAdd(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  counter::Resident r;
  r.municipality = f.municipality;
  r.name = f.name;
  r.name_kana = f.kana;
  r.tsusho = f.tsusho;
  r.kyuuji = f.kyuuji;
  r.address = f.address;
  MYNACERT_ASSIGN_OR_RETURN(r.birth, Date::Parse(f.birth, "--birth"));
  if (r.birth > RealClock().TodayJst()) return InvalidArgument("--birth", "未来の日付です (in the future)");
  r.sex = f.sex;
  r.household = f.household.empty() ? "H-" + f.name : f.household;
  r.nationality = f.nationality.empty() ? "JP" : f.nationality;
  if (!f.stay_until.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(Date d, Date::Parse(f.stay_until, "--stay-until"));
    r.stay_until = d;
  }
  r.adult_ward = f.adult_ward;
  r.abroad = f.abroad;
  r.forwarding = f.forwarding;
  MYNACERT_ASSIGN_OR_RETURN(int64_t id, s->counter->AddResident(r, f.home.clerk, Now()));
  if (f.parent) MYNACERT_RETURN_IF_ERROR(s->store->AddRelation(f.parent, id));
  if (f.home.json) {
    ctx.out << json{{"resident", id}}.dump(2) << "\n";
  } else {
    ctx.out << "住民を登録しました (resident added): " << id << "\n";
  }
  return {};
}

Status RunResidentShow(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  MYNACERT_ASSIGN_OR_RETURN(counter::Resident r, s->store->GetResident(f.resident));
  MYNACERT_ASSIGN_OR_RETURN(auto cards, s->store->Cards(r.id));
  MYNACERT_ASSIGN_OR_RETURN(auto certs, s->store->Certs(r.id));
  MYNACERT_ASSIGN_OR_RETURN(auto events, s->store->Events(r.id));
  MYNACERT_ASSIGN_OR_RETURN(auto cases, s->store->CasesOf(r.id));
  json j = counter::ResidentJson(r);
  j["cards"] = json::array();
  for (const auto& c : cards) {
    j["cards"].push_back({{"id", c.id}, {"issued", c.issued.ToString()}, {"expires", c.expires.ToString()}, {"state", c.state}, {"chip_id", c.chip_id}});
  }
  j["certificates"] = json::array();
  for (const auto& c : certs) {
    j["certificates"].push_back({{"kind", c.kind}, {"serial", c.serial}, {"card", c.card_id}, {"issued", c.issued.ToString()},
                                 {"last_valid_day", c.last_valid_day.ToString()}, {"state", c.state}, {"reason", c.reason},
                                 {"ended_on", c.ended_on ? json(c.ended_on->ToString()) : json()}});
  }
  j["events"] = json::array();
  for (const auto& e : events) {
    j["events"].push_back({{"on", e.on.ToString()}, {"field", e.field}, {"old", e.old_value}, {"new", e.new_value}, {"clerk", e.clerk}});
  }
  j["cases"] = cases;
  MYNACERT_ASSIGN_OR_RETURN(auto assessment, s->counter->AssessResident(r, RealClock().TodayJst()));
  if (assessment) {
    j["today"] = {{"card_expires", assessment->card.expires.ToString()},
                  {"auth", std::string(rules::CertStatusName(assessment->auth.status))},
                  {"sign", std::string(rules::CertStatusName(assessment->sign.status))},
                  {"renewal_from", assessment->auth.renewal_from.ToString()}};
  }
  if (f.home.json) {
    ctx.out << j.dump(2) << "\n";
    return {};
  }
  ctx.out << "住民 " << r.id << ": " << r.name << " (" << r.birth.ToString() << ", " << r.municipality << ")\n"
          << "  住所: " << r.address << "\n";
  for (const auto& c : cards) {
    ctx.out << "  カード " << c.id << ": " << c.issued.ToString() << " 〜 " << c.expires.ToString() << " [" << c.state << "]\n";
  }
  for (const auto& c : certs) {
    ctx.out << "  " << (c.kind == "sign" ? "署名用" : "利用者証明用") << " " << c.serial << ": " << c.issued.ToString()
            << " 〜 " << c.last_valid_day.ToString() << " [" << c.state << (c.reason.empty() ? "" : " " + c.reason) << "]\n";
  }
  if (assessment) {
    ctx.out << "  本日: 利用者証明用 " << rules::CertStatusJa(assessment->auth.status) << "、署名用 "
            << rules::CertStatusJa(assessment->sign.status) << "、更新は " << assessment->auth.renewal_from.ToString() << " から\n";
  }
  for (const auto& e : events) ctx.out << "  異動 " << e.on.ToString() << " " << e.field << ": " << e.old_value << " → " << e.new_value << "\n";
  return {};
}

Status RunResidentChange(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, true));
  counter::ResidentChange ch;
  if (!f.name.empty()) ch.name = f.name;
  if (!f.tsusho.empty()) ch.tsusho = f.tsusho;
  if (!f.kyuuji.empty()) ch.kyuuji = f.kyuuji;
  if (!f.address.empty()) ch.address = f.address;
  if (!f.household.empty()) ch.household = f.household;
  if (!f.nationality.empty()) ch.nationality = f.nationality;
  if (!f.birth.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(Date d, Date::Parse(f.birth, "--birth"));
    ch.birth = d;
  }
  if (f.sex) ch.sex = f.sex;
  if (!f.stay_until.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(Date d, Date::Parse(f.stay_until, "--stay-until"));
    ch.stay_until = d;
  }
  ch.adult_ward = f.set_adult_ward;
  ch.abroad = f.set_abroad;
  ch.forwarding = f.set_forwarding;
  MYNACERT_ASSIGN_OR_RETURN(Date on, DateFlag(f.date, "--date"));
  counter::ChangeReport report;
  if (f.with_card) {  // revoked and written onto the chip in one journaled case
    s->env.clerk = f.home.clerk;
    s->env.now = Now();
    MYNACERT_ASSIGN_OR_RETURN(report, s->counter->ChangeResidentWithCard(f.resident, ch, on, s->env));
  } else {
    MYNACERT_ASSIGN_OR_RETURN(report, s->counter->ChangeResident(f.resident, ch, on, f.home.clerk, Now(), s->ca_store.get()));
  }
  if (f.home.json) {
    ctx.out << json{{"fields", report.fields},
                    {"revoked", report.revoked_serials},
                    {"case", report.case_id == 0 ? json(nullptr) : json(report.case_id)}}
                   .dump(2)
            << "\n";
    return {};
  }
  ctx.out << "変更しました (changed): ";
  for (const auto& x : report.fields) ctx.out << x << " ";
  ctx.out << "\n";
  for (const auto& serial : report.revoked_serials) {
    ctx.out << "  署名用電子証明書 " << serial << " を失効しました (affiliationChanged, R-CERT-5)\n";
  }
  if (report.case_id != 0) {
    ctx.out << "  新しい券面事項をカードに書き込みました (the new data written onto the card), 案件 (case) "
            << report.case_id << "\n";
  }
  return {};
}

// `kiosk reset-pin` (R-KIOSK-1/2): the convenience-store kiosk, a terminal with the issuer's
// credentials. The holder booked with the card (`card kiosk-booking`); here the other
// certificate's PIN is verified on the card, then the forgotten one is set over the issuer
// channel. The 住基 and text PINs are refused before anything is read (R-KIOSK-2).
Status RunKioskReset(const Flags& f, CliContext& ctx) {
  MYNACERT_RETURN_IF_ERROR(counter::CheckKioskPin(f.pin_kind));
  MYNACERT_ASSIGN_OR_RETURN(card::PinId forgotten, PinIdOf(f.pin_kind, "--pin-kind"));
  const card::PinId known = forgotten == card::PinId::kAuth ? card::PinId::kSign : card::PinId::kAuth;
  // R-CERT-2 first: a new PIN the card would refuse costs nothing.
  MYNACERT_ASSIGN_OR_RETURN(std::string next, ReadPin(f.new_pin, "--new-pin", forgotten));
  const pki::Wiped next_wiped(std::move(next));
  MYNACERT_ASSIGN_OR_RETURN(std::string known_pin, ReadPin(f.known_pin, "--known-pin", known));
  const pki::Wiped known_wiped(std::move(known_pin));
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, true));
  int64_t used_at = 0;
  MYNACERT_ASSIGN_OR_RETURN(auto booking, s->store->FindKioskBooking(f.booking, &used_at));
  const int64_t now = Now();
  if (!booking) return NotFound("--booking", "予約がありません (no such booking)");
  if (used_at) return Error{ErrorCode::kFailedPrecondition, "--booking", "この予約は使用済みです (used)", "R-KIOSK-1"};
  if (booking->expires_at < now) {
    return Error{ErrorCode::kFailedPrecondition, "--booking", "予約の有効期限が過ぎています (the booking expired)", "R-KIOSK-1"};
  }
  if (booking->forgotten != f.pin_kind) {
    return InvalidArgument("--pin-kind", "予約は " + booking->forgotten + " の暗証番号の再設定です (the booking is for " +
                                             booking->forgotten + ")");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto cards, s->store->Cards(booking->resident_id));
  std::string chip;
  for (const auto& c : cards)
    if (c.id == booking->card_id && c.state == "active") chip = c.chip_id;
  if (chip.empty()) return Error{ErrorCode::kFailedPrecondition, "card", "予約したカードが有効ではありません (the booked card is not in force)", "R-KIOSK-1"};
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.card_access));
  {
    // The card in the kiosk must be the booked one: its chip ID proven under the issuer key.
    MYNACERT_ASSIGN_OR_RETURN(auto probe, card::IssuerSession::Open(connection->transport(), s->env.issuer_master));
    if (probe->card_id() != chip) {
      return Error{ErrorCode::kFailedPrecondition, "card", "予約したカードではありません (not the booked card)", "R-KIOSK-1"};
    }
  }
  card::JpkiClient client(connection->transport());
  MYNACERT_ASSIGN_OR_RETURN(card::PinCheck check, client.Verify(known, known_wiped.get()));
  if (!check.verified) {
    return InvalidArgument("--known-pin",
                           check.locked ? "もう一方の暗証番号もロックされています。窓口へお越しください (both locked: a counter, R-KIOSK-2)"
                                        : "もう一方の証明書の暗証番号が違います。残り " + std::to_string(check.tries_left) + " 回",
                           check.locked ? "R-KIOSK-2" : "R-CERT-6");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto claimed, s->store->ClaimKioskBooking(f.booking, now));
  if (!claimed) return Error{ErrorCode::kFailedPrecondition, "--booking", "この予約は使用済みです (used)", "R-KIOSK-1"};
  MYNACERT_ASSIGN_OR_RETURN(auto session, card::IssuerSession::Open(connection->transport(), s->env.issuer_master));
  MYNACERT_RETURN_IF_ERROR(session->SetPin(forgotten, next_wiped.get()));
  {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(s->store->db()));
    MYNACERT_ASSIGN_OR_RETURN(
        const int64_t seq,
        s->store->audit().Append(now, f.home.clerk.empty() ? "kiosk" : f.home.clerk, 0, booking->resident_id,
                                 "kiosk_pin_reset",
                                 json{{"booking", booking->id}, {"pin", f.pin_kind}, {"rule", "R-KIOSK-1"}}.dump()));
    (void)seq;
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  ctx.out << "暗証番号を再設定しました (PIN reset at the kiosk, R-KIOSK-1): " << f.pin_kind << "\n";
  return {};
}

// `hotline call` (R-LOST-1): the national hotline's intake, at any hour.
Status RunHotlineCall(const Flags& f, CliContext& ctx) {
  counter::LossReport report;
  report.name = f.name;
  MYNACERT_ASSIGN_OR_RETURN(report.birth, Date::Parse(f.birth, "--birth"));
  report.address = f.address;
  report.event = f.card_event.empty() ? "lost" : f.card_event;
  report.caller = f.caller;
  report.caller_name = f.caller_name;
  report.outside_home = f.outside_home;
  report.police_receipt = f.police_receipt;
  report.note = f.note;
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, true));
  const std::string operator_name = f.home.clerk.empty() ? "hotline" : f.home.clerk;
  MYNACERT_ASSIGN_OR_RETURN(auto receipt, s->counter->ReportLoss(report, operator_name, Now(),
                                                                 RealClock().TodayJst(), s->ca_store.get()));
  if (f.home.json) {
    json held = json::array();
    for (const auto& [kind, serial] : receipt.held) held.push_back({{"kind", kind}, {"serial", serial}});
    json next = json::array();
    for (const auto& n : receipt.next) next.push_back({{"rule", n.rule}, {"ja", n.ja}, {"en", n.en}});
    ctx.out << json{{"call", receipt.call_id}, {"resident", receipt.resident_id},
                    {"municipality", receipt.municipality}, {"already_suspended", receipt.already_suspended},
                    {"held", held}, {"next", next}}
                   .dump(2)
            << "\n";
    return {};
  }
  if (receipt.already_suspended) {
    ctx.out << "このカードは既に一時停止中です。通話を記録しました (already suspended; call " << receipt.call_id
            << " recorded)\n";
  } else {
    ctx.out << "カードを一時停止し、電子証明書を一時保留にしました (card suspended, certificates on hold; call "
            << receipt.call_id << ")\n";
    for (const auto& [kind, serial] : receipt.held) {
      ctx.out << "  " << (kind == "sign" ? "署名用" : "利用者証明用") << " " << serial << ": certificateHold\n";
    }
  }
  for (const auto& n : receipt.next) ctx.out << "  - " << n.ja << "\n";
  return {};
}

void PrintReport(const counter::ExecutionReport& r, bool as_json, std::ostream& o) {
  if (as_json) {
    json j{{"completed", r.completed}, {"steps", r.steps_done}};
    j["issued"] = json::array();
    for (const auto& [k, s] : r.new_serials) j["issued"].push_back({{"kind", k}, {"serial", s}});
    j["revoked"] = json::array();
    for (const auto& [k, s] : r.revoked) j["revoked"].push_back({{"kind", k}, {"serial", s}});
    if (r.pin_failure) j["pin_failure"] = {{"pin", r.pin_failure->pin}, {"tries_left", r.pin_failure->tries_left}, {"locked", r.pin_failure->locked}};
    if (r.decision_after) j["decision"] = json::parse(counter::DecisionJson(*r.decision_after));
    o << j.dump(2) << "\n";
    return;
  }
  for (const auto& s : r.steps_done) o << "  ✓ " << s << "\n";
  for (const auto& [k, s] : r.new_serials) o << "  発行 (issued) " << k << ": " << s << "\n";
  for (const auto& [k, s] : r.revoked) o << "  失効 (revoked, superseded) " << k << ": " << s << "\n";
  if (r.completed) o << "完了しました (done)\n";
  if (r.decision_after) PrintDecision(*r.decision_after, false, o);
}

Status RunCardIssue(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, true));
  MYNACERT_ASSIGN_OR_RETURN(Date today, DateFlag(f.date, "--date"));
  MYNACERT_ASSIGN_OR_RETURN(Date applied, f.applied.empty() ? Result<Date>(today) : Date::Parse(f.applied, "--applied"));
  s->env.today = today;
  int64_t case_id = 0;
  MYNACERT_ASSIGN_OR_RETURN(auto report, s->counter->IssueCard(f.resident, applied, s->env, &case_id));
  if (!f.home.json) ctx.out << "カードを発行しました (card issued), 案件 (case) " << case_id << "\n";
  PrintReport(report, f.home.json, ctx.out);
  return {};
}

Status RunOpen(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  counter::OpenRequest req;
  req.resident_id = f.resident;
  req.procedure = f.procedure;
  req.applicant = f.applicant;
  req.representative_id = f.representative;
  req.flags.certs = f.certs;
  req.flags.pin = f.pin;
  req.flags.pin_forgotten = f.pin_forgotten;
  req.flags.honseki_in_city = f.honseki;
  req.flags.corporate_guardian = f.corporate;
  req.flags.representative_has_photo_id = !f.no_photo_id;
  req.flags.card_event = f.card_event;
  req.flags.holder_at_fault = f.AtFault();
  req.flags.card_type = f.card_type;
  req.flags.application = f.application;
  MYNACERT_ASSIGN_OR_RETURN(req.visit.on, DateFlag(f.date, "--date"));
  req.visit.counter_id = f.counter_id;
  req.visit.clerk = f.home.clerk;
  req.visit.holder_present = f.holder_present || f.applicant == "self";
  std::vector<counter::Document> docs;
  for (const std::string& spec : f.documents) {  // malformed specs fail before the case exists
    MYNACERT_ASSIGN_OR_RETURN(counter::Document d, ParseDocument(spec));
    docs.push_back(d);
  }
  // The case and its documents in one transaction: a refused document leaves no case.
  MYNACERT_ASSIGN_OR_RETURN(int64_t id, s->counter->OpenCase(req, Now(), docs));
  if (f.home.json) {
    ctx.out << json{{"case", id}}.dump(2) << "\n";
  } else {
    ctx.out << "案件を開きました (case opened): " << id << "\n";
  }
  return {};
}

Status RunPresent(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  if (f.documents.empty()) return InvalidArgument("--document", "書類を指定してください (at least one --document)");
  std::vector<counter::Document> docs;
  for (const std::string& spec : f.documents) {
    MYNACERT_ASSIGN_OR_RETURN(counter::Document d, ParseDocument(spec));
    docs.push_back(std::move(d));
  }
  // All or none: one refused document records none of them.
  MYNACERT_RETURN_IF_ERROR(s->counter->Present(f.case_id, docs, f.home.clerk, Now()));
  if (!f.home.json) {
    for (const std::string& spec : f.documents) ctx.out << "受け付けました (recorded): " << spec << "\n";
  }
  if (f.home.json) ctx.out << json{{"case", f.case_id}, {"recorded", f.documents.size()}}.dump(2) << "\n";
  return {};
}

Status RunVisit(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  counter::Visit v;
  MYNACERT_ASSIGN_OR_RETURN(v.on, DateFlag(f.date, "--date"));
  v.counter_id = f.counter_id;
  v.clerk = f.home.clerk;
  v.holder_present = f.holder_present;
  std::vector<counter::Document> docs;
  for (const std::string& spec : f.documents) {
    MYNACERT_ASSIGN_OR_RETURN(counter::Document d, ParseDocument(spec));
    docs.push_back(std::move(d));
  }
  // The visit and its documents in one transaction: a refused document records no visit.
  MYNACERT_RETURN_IF_ERROR(s->counter->NextVisit(f.case_id, v, Now(), docs));
  ctx.out << (f.home.json ? json{{"case", f.case_id}}.dump(2) : "来庁を記録しました (visit recorded)") << "\n";
  return {};
}

Status RunDecide(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  MYNACERT_ASSIGN_OR_RETURN(counter::Decision d, s->counter->Decide(f.case_id, f.home.clerk, Now()));
  PrintDecision(d, f.home.json, ctx.out);
  return {};
}

Status RunExecute(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, true));
  MYNACERT_ASSIGN_OR_RETURN(counter::Case c, s->store->GetCase(f.case_id));
  s->env.today = c.current_visit()->on;
  if (!f.face_check.empty()) {
    if (f.face_check != "match" && f.face_check != "mismatch") {
      return InvalidArgument("--face-check", "match (一致) | mismatch (不一致) のいずれか (R-FACE-4)", "R-FACE-4");
    }
    const bool matched = f.face_check == "match";
    s->env.face_check = [matched] { return Result<bool>(matched); };
  }
  MYNACERT_ASSIGN_OR_RETURN(auto report, s->counter->Execute(f.case_id, s->env));
  PrintReport(report, f.home.json, ctx.out);
  if (report.face_failure) {
    const auto& ff = *report.face_failure;
    return InvalidArgument("--face-check",
                           ff.locked ? "顔認証がロックされました (10回連続の不一致)。窓口でロックを解除してください (face check locked after 10 failures)"
                                     : "顔認証が一致しません。残り " + std::to_string(ff.tries_left) + " 回 (face did not match; tries left)",
                           "R-FACE-2");
  }
  if (report.pin_failure) {
    const auto& p = *report.pin_failure;
    return InvalidArgument("PIN (" + p.pin + ")",
                           p.locked ? "暗証番号がロックされました。本人確認書類で再設定してください (locked: reset with an ID, --procedure pin_reset)"
                                    : "暗証番号が一致しません。残り " + std::to_string(p.tries_left) + " 回 (wrong PIN; tries left)",
                           c.applicant == "agent_with_form" ? "R-PROC-5" : "R-CERT-6");
  }
  if (!report.completed && report.decision_after) {
    return InvalidArgument("--case", "受付可ではありません (not accepted now)");
  }
  return {};
}

// ---- card applications (R-CARD-1..2) ----

void PrintApplication(const counter::CardApplication& a, bool as_json, std::ostream& out) {
  if (as_json) {
    out << json::parse(counter::ApplicationJson(a)).dump(2) << "\n";
    return;
  }
  out << "交付申請 (card application) " << a.id << ": " << a.state << " — 住民 (resident) " << a.resident_id
      << "、カードの有効期限 (card expiry) " << a.card_expiry.ToString();
  if (!a.channel.empty()) out << "、申請 (applied) " << a.channel;
  if (a.face) out << "、顔認証マイナンバーカード (face card)";
  if (a.new_card_expiry) out << "、新しいカードの有効期限 (new card expiry) " << a.new_card_expiry->ToString();
  if (!a.pickup_booking.empty()) out << "、受け取り予約 (pick-up booking) " << a.pickup_booking;
  out << "\n";
}

Status RunApplicationList(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  std::vector<counter::CardApplication> list;
  if (f.resident) {
    MYNACERT_ASSIGN_OR_RETURN(list, s->store->CardApplications(f.resident));
  } else {
    static constexpr std::string_view kStates[] = {"noticed", "applied", "produced", "notified", "picked_up", "cancelled"};
    if (std::find(std::begin(kStates), std::end(kStates), f.state) == std::end(kStates)) {
      return InvalidArgument("--state", "noticed | applied | produced | notified | picked_up | cancelled のいずれか");
    }
    MYNACERT_ASSIGN_OR_RETURN(list, s->store->CardApplicationsInState(f.state));
  }
  if (f.home.json) {
    json j = json::array();
    for (const auto& a : list) j.push_back(json::parse(counter::ApplicationJson(a)));
    ctx.out << j.dump(2) << "\n";
    return {};
  }
  for (const auto& a : list) PrintApplication(a, false, ctx.out);
  return {};
}

Status RunApplicationShow(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  MYNACERT_ASSIGN_OR_RETURN(auto a, s->store->FindCardApplication(f.application));
  if (!a) return NotFound("--application", "申請書ID '" + f.application + "' は見つかりません (no such application)");
  PrintApplication(*a, f.home.json, ctx.out);
  return {};
}

Status RunApplicationApply(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  counter::ApplyRequest req;
  req.channel = f.channel;
  req.photo = f.photo;
  req.face = f.face;
  if (!f.birth.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(Date b, Date::Parse(f.birth, "--birth"));
    req.birth = b;
  }
  MYNACERT_ASSIGN_OR_RETURN(Date today, DateFlag(f.date, "--date"));
  MYNACERT_ASSIGN_OR_RETURN(auto a, counter::Apply(*s->store, f.application, req, today, s->env.clerk, Now()));
  PrintApplication(a, f.home.json, ctx.out);
  return {};
}

Status RunApplicationProduce(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, true));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  MYNACERT_ASSIGN_OR_RETURN(Date today, DateFlag(f.date, "--date"));
  const counter::ProductionEnv env{s->env.home, s->env.card_secret, s->env.issuer_master};
  MYNACERT_ASSIGN_OR_RETURN(auto a, counter::Produce(*s->store, *reg, f.application, env, today, s->env.clerk, Now()));
  PrintApplication(a, f.home.json, ctx.out);
  return {};
}

Status RunApplicationBook(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  if (f.booking_number <= 0) return InvalidArgument("--booking", "予約番号を指定してください (the booking number)");
  MYNACERT_ASSIGN_OR_RETURN(auto a, counter::RecordPickupBooking(*s->store, f.application, f.booking_number,
                                                                 s->env.clerk, Now()));
  PrintApplication(a, f.home.json, ctx.out);
  return {};
}

Status RunApplicationCancel(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  MYNACERT_ASSIGN_OR_RETURN(auto a, counter::Cancel(*s->store, f.application, s->env.home, f.reason, s->env.clerk, Now()));
  PrintApplication(a, f.home.json, ctx.out);
  return {};
}

Status RunShow(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  MYNACERT_ASSIGN_OR_RETURN(counter::Case c, s->store->GetCase(f.case_id));
  MYNACERT_ASSIGN_OR_RETURN(auto log, s->store->audit().Read(c.id, 0, 0, 1000));
  const json j = counter::CaseJson(c, log);
  ctx.out << j.dump(2) << "\n";
  return {};
}

Status RunRecover(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, true));  // recovers on open
  // Once more, for its report: a case another process is executing (its lease held) is not
  // interrupted, and not this command's to finish.
  MYNACERT_ASSIGN_OR_RETURN(counter::RecoveryReport again, s->counter->Recover(s->env));
  MYNACERT_ASSIGN_OR_RETURN(auto executing, s->store->CasesInState("executing"));
  std::vector<int64_t> unfinished;
  for (int64_t id : executing) {
    if (std::find(again.running_elsewhere.begin(), again.running_elsewhere.end(), id) ==
        again.running_elsewhere.end()) {
      unfinished.push_back(id);
    }
  }
  if (f.home.json) {
    ctx.out << json{{"unfinished", unfinished}, {"running_elsewhere", again.running_elsewhere}}.dump(2) << "\n";
  } else {
    ctx.out << "復旧を確認しました (recovery checked); 未完了 " << unfinished.size() << " 件";
    if (!again.running_elsewhere.empty()) {
      ctx.out << "、別の端末で実行中 " << again.running_elsewhere.size() << " 件 (being executed by another process)";
    }
    ctx.out << "\n";
  }
  return unfinished.empty() ? Status{} : Status{Error{ErrorCode::kFailedPrecondition, "--card", "復旧できない案件があります (unrecovered cases remain)", ""}};
}

Status RunAuditVerify(const Flags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, OpenSession(f.home, ctx, false));
  MYNACERT_ASSIGN_OR_RETURN(counter::AuditVerification v, s->store->audit().Verify());
  if (f.home.json) {
    ctx.out << json{{"ok", v.ok}, {"records", v.records}, {"head_seq", v.head_seq}, {"head_hash", v.head_hash},
                    {"first_bad_seq", v.first_bad_seq}, {"problem", v.problem}, {"keyed", v.keyed},
                    {"checkpoint_seq", v.checkpoint_seq}, {"note", v.note}}.dump(2) << "\n";
  } else if (v.ok) {
    ctx.out << "監査記録は改ざんされていません (audit log intact): " << v.records << " 件, head " << v.head_seq << " " << v.head_hash << "\n";
    if (!v.note.empty()) ctx.out << v.note << "\n";
  }
  if (!v.ok) {
    // first_bad_seq 0: the problem is the checkpoint file, not a record.
    return Error{ErrorCode::kFailedPrecondition, "audit_log",
                 v.first_bad_seq > 0 ? "記録 " + std::to_string(v.first_bad_seq) + ": " + v.problem : v.problem, ""};
  }
  return {};
}

}  // namespace

void AddCounterCommands(CLI::App& app, CliContext& ctx) {
  auto run = [&ctx](Status (*fn)(const Flags&, CliContext&), std::shared_ptr<Flags> flags) {
    return [fn, flags, &ctx] { RunCommand(ctx, [&] { return fn(*flags, ctx); }); };
  };

  {
    // The kiosk (R-KIOSK-1/2): a terminal of the client with the issuer's credentials.
    CLI::App* kiosk = app.add_subcommand("kiosk", "コンビニのキオスク端末 / the convenience-store kiosk");
    kiosk->require_subcommand(1);
    auto fl = std::make_shared<Flags>();
    CLI::App* c = kiosk->add_subcommand(
        "reset-pin", "予約した証明書の暗証番号を再設定 (もう一方の暗証番号で本人確認) / reset a booked PIN");
    AddHomeFlags(c, fl->home, true);
    AddCardAccessFlags(c, fl->card_access);
    c->add_option("--booking", fl->booking, "予約番号 (card kiosk-booking)")->required();
    c->add_option("--pin-kind", fl->pin_kind, "再設定する暗証番号: auth | sign (住基・text は窓口, R-KIOSK-2)")->required();
    c->add_option("--known-pin", fl->known_pin, "もう一方の証明書の暗証番号の場所 (env:/file:)")->required();
    c->add_option("--new-pin", fl->new_pin, "新しい暗証番号の場所 (env:/file:; R-CERT-2)")->required();
    c->callback(run(RunKioskReset, fl));
  }
  {
    // The loss hotline (R-LOST-1): national, 24 hours; nothing here lifts a hold (R-LOST-2).
    CLI::App* hotline = app.add_subcommand("hotline", "紛失・盗難の受付 (24時間) / the loss hotline");
    hotline->require_subcommand(1);
    auto fl = std::make_shared<Flags>();
    CLI::App* c = hotline->add_subcommand(
        "call", "本人を特定し、カードを一時停止、両方の電子証明書を一時保留 / hold a lost card's certificates");
    AddHomeFlags(c, fl->home, true);
    c->add_option("--name", fl->name, "本人の氏名")->required();
    c->add_option("--birth", fl->birth, "本人の生年月日 YYYY-MM-DD")->required();
    c->add_option("--address", fl->address, "本人の住所 (住民票のとおり)")->required();
    c->add_option("--event", fl->card_event, "lost (紛失, 既定) | stolen (盗難)");
    c->add_option("--caller", fl->caller, "holder (本人, 既定) | family | other");
    c->add_option("--caller-name", fl->caller_name, "本人以外の場合、電話をかけた方の氏名");
    c->add_flag("--outside-home", fl->outside_home, "家の外でなくした (警察へも届出)");
    c->add_option("--police-receipt", fl->police_receipt, "警察の受理番号");
    c->add_option("--note", fl->note, "メモ (500文字まで)");
    c->callback(run(RunHotlineCall, fl));
  }

  CLI::App* resident = app.add_subcommand("resident", "住民記録 / the residence record");
  resident->require_subcommand(1);
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = resident->add_subcommand("add", "住民を登録 / add a resident");
    AddHomeFlags(c, fl->home, true);
    c->add_option("--municipality", fl->municipality, "自治体 (yamagata, kanazawa, setagaya, yokohama, suzuka)")->required();
    c->add_option("--name", fl->name, "氏名 (氏と名は全角スペースで区切る)")->required();
    c->add_option("--kana", fl->kana, "フリガナ");
    c->add_option("--tsusho", fl->tsusho, "通称");
    c->add_option("--kyuuji", fl->kyuuji, "旧氏");
    c->add_option("--address", fl->address, "住所")->required();
    c->add_option("--birth", fl->birth, "生年月日 YYYY-MM-DD")->required();
    c->add_option("--sex", fl->sex, "1 男, 2 女, 9 適用不能")->required();
    c->add_option("--household", fl->household, "世帯番号");
    c->add_option("--nationality", fl->nationality, "国籍 (既定 JP)");
    c->add_option("--stay-until", fl->stay_until, "在留期間の満了日 (R-VAL-4)");
    c->add_option("--parent", fl->parent, "親の住民番号 (続柄: 子)");
    c->add_flag("--adult-ward", fl->adult_ward, "成年被後見人 (R-CERT-4)");
    c->add_flag("--abroad", fl->abroad, "国外転出者 (R-WIN-3)");
    c->add_flag("--forwarding", fl->forwarding, "転送届あり (R-NOT-2)");
    c->callback(run(RunResidentAdd, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = resident->add_subcommand("show", "住民・カード・証明書・異動 / a resident with history");
    AddHomeFlags(c, fl->home, false);
    c->add_option("--resident", fl->resident, "住民番号")->required();
    c->callback(run(RunResidentShow, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = resident->add_subcommand("change", "異動 (氏名・住所の変更で署名用は失効 R-CERT-5) / a change");
    AddHomeFlags(c, fl->home, true);
    AddSecretFlags(c, fl->home);
    c->add_option("--resident", fl->resident, "住民番号")->required();
    c->add_option("--name", fl->name, "氏名");
    c->add_option("--tsusho", fl->tsusho, "通称");
    c->add_option("--kyuuji", fl->kyuuji, "旧氏");
    c->add_option("--address", fl->address, "住所");
    c->add_option("--birth", fl->birth, "生年月日");
    c->add_option("--sex", fl->sex, "性別");
    c->add_option("--household", fl->household, "世帯番号");
    c->add_option("--nationality", fl->nationality, "国籍");
    c->add_option("--stay-until", fl->stay_until, "在留期間の満了日");
    c->add_option("--adult-ward", fl->set_adult_ward, "成年被後見人 true|false");
    c->add_option("--abroad", fl->set_abroad, "国外転出 true|false");
    c->add_option("--forwarding", fl->set_forwarding, "転送届 true|false");
    c->add_option("--date", fl->date, "異動日 (既定 今日)");
    AddReaderFlag(c, fl->home);
    c->add_flag("--with-card", fl->with_card,
                "カードを窓口で預かっている: 券面事項 (券面事項入力補助AP) も書き換える / the card is at the "
                "counter: its chip data are rewritten in the same case (--reader for a card in a reader)");
    c->callback(run(RunResidentChange, fl));
  }

  CLI::App* counter = app.add_subcommand("counter", "窓口の案件 / cases at the counter");
  counter->require_subcommand(1);
  auto doc_help = "書類: holder_card | id,kind=passport,whose=agent,expires=2030-01-01 | inquiry_form,source=jlis,valid-until=…,printed=… [,copy,unsigned,pin-visible]";
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = counter->add_subcommand("open", "案件を開く (1回目の来庁) / open a case");
    AddHomeFlags(c, fl->home, true);
    c->add_option("--resident", fl->resident, "住民番号")->required();
    c->add_option("--procedure", fl->procedure,
                  "renewal | new_issuance | pin_reset | found_card (一時停止解除, R-LOST-2) | abolish_card "
                  "(紛失届・廃止, R-LOST-4) | face_switch (顔認証の切替, R-FACE-3) | card_pickup (新しいカードの交付, R-CARD-2)");
    c->add_option("--applicant", fl->applicant, "self | legal_rep_parent | legal_rep_guardian | agent_with_form | agent_without_form");
    c->add_option("--representative", fl->representative, "法定代理人の住民番号");
    c->add_option("--counter", fl->counter_id, "窓口 ID")->required();
    c->add_option("--date", fl->date, "来庁日 (既定 今日)");
    c->add_option("--certs", fl->certs, "both | auth | sign");
    c->add_option("--pin", fl->pin, "pin_reset: auth | sign | text | juki");
    c->add_flag("--holder-present", fl->holder_present, "本人も来庁");
    c->add_flag("--pin-forgotten", fl->pin_forgotten, "暗証番号を忘れた (R-PROC-1)");
    c->add_flag("--honseki-in-city", fl->honseki, "本籍が市内 (R-PROC-2)");
    c->add_flag("--corporate-guardian", fl->corporate, "法人後見人 (R-PROC-2)");
    c->add_flag("--no-photo-id", fl->no_photo_id, "法定代理人に顔写真付き書類なし (R-PROC-3)");
    c->add_option("--card-event", fl->card_event, "abolish_card: lost | stolen | broken | misused (R-LOST-4)");
    c->add_flag("--holder-at-fault", fl->at_fault,
                "abolish_card: 再交付手数料の有無 (既定: lost, broken は本人の責) (R-LOST-4)");
    c->add_flag("--not-at-fault", fl->not_at_fault, "abolish_card: 本人の責によらない (手数料なし)");
    c->add_option("--card-type", fl->card_type, "face_switch: face (顔認証マイナンバーカードへ) | pin (暗証番号のカードへ) (R-FACE-3)");
    c->add_option("--application", fl->application, "card_pickup: 交付申請書ID (R-CARD-2)");
    c->add_option("--document", fl->documents, doc_help);
    c->callback(run(RunOpen, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = counter->add_subcommand("present", "提示書類を記録 / record presented documents");
    AddHomeFlags(c, fl->home, true);
    c->add_option("--case", fl->case_id, "案件番号")->required();
    c->add_option("--document", fl->documents, doc_help);
    c->callback(run(RunPresent, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = counter->add_subcommand("visit", "次の来庁 (文書照会) / the next visit");
    AddHomeFlags(c, fl->home, true);
    c->add_option("--case", fl->case_id, "案件番号")->required();
    c->add_option("--counter", fl->counter_id, "窓口 ID")->required();
    c->add_option("--date", fl->date, "来庁日 (既定 今日)");
    c->add_flag("--holder-present", fl->holder_present, "本人も来庁");
    c->add_option("--document", fl->documents, doc_help);
    c->callback(run(RunVisit, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = counter->add_subcommand("decide", "判定 (規則 ID 付き) / decide, citing rule IDs");
    AddHomeFlags(c, fl->home, true);
    c->add_option("--case", fl->case_id, "案件番号")->required();
    c->callback(run(RunDecide, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = counter->add_subcommand("execute", "実行: 暗証番号照合→鍵生成→発行→書込→旧証明書失効 / execute");
    AddHomeFlags(c, fl->home, true);
    AddSecretFlags(c, fl->home);
    AddReaderFlag(c, fl->home);
    c->add_option("--case", fl->case_id, "案件番号")->required();
    c->add_option("--face-check", fl->face_check,
                  "顔認証マイナンバーカード: 職員による顔の照合結果 match | mismatch (R-FACE-4)");
    c->callback(run(RunExecute, fl));
  }
  {
    // R-CARD-1..2: the card's own renewal, from the 交付申請書 to the card waiting at the counter.
    CLI::App* apps = counter->add_subcommand("application", "カードの交付申請 (カード本体の更新) / card applications (R-CARD)");
    apps->require_subcommand(1);
    {
      auto fl = std::make_shared<Flags>();
      fl->state = "applied";
      CLI::App* c = apps->add_subcommand("list", "状態ごとの一覧 / applications by state");
      AddHomeFlags(c, fl->home, false);
      c->add_option("--state", fl->state, "noticed | applied (既定) | produced | notified | picked_up | cancelled");
      c->add_option("--resident", fl->resident, "この住民の申請 / this resident's applications");
      c->callback(run(RunApplicationList, fl));
    }
    {
      auto fl = std::make_shared<Flags>();
      CLI::App* c = apps->add_subcommand("show", "申請を表示 / show an application");
      AddHomeFlags(c, fl->home, false);
      c->add_option("--application", fl->application, "申請書ID (23桁)")->required();
      c->callback(run(RunApplicationShow, fl));
    }
    {
      auto fl = std::make_shared<Flags>();
      CLI::App* c = apps->add_subcommand("apply", "申請を受け付ける (郵送・窓口) / record an application (R-CARD-1)");
      AddHomeFlags(c, fl->home, true);
      c->add_option("--application", fl->application, "申請書ID (23桁)")->required();
      c->add_option("--channel", fl->channel, "post (郵送) | counter (窓口、写真は窓口で撮影) | online")->required();
      c->add_option("--photo", fl->photo, "attached | taken_at_counter | uploaded (既定: 申請方法による)");
      c->add_flag("--face", fl->face, "顔認証マイナンバーカードを希望 (R-FACE-1)");
      c->add_option("--birth", fl->birth, "online: 申請書の生年月日");
      c->add_option("--date", fl->date, "受付日 (既定 今日)");
      c->callback(run(RunApplicationApply, fl));
    }
    {
      auto fl = std::make_shared<Flags>();
      CLI::App* c = apps->add_subcommand("produce", "カードを製造 (新しいチップ) / produce the card (R-CARD-2)");
      AddHomeFlags(c, fl->home, true);
      AddSecretFlags(c, fl->home);
      c->add_option("--application", fl->application, "申請書ID (23桁)")->required();
      c->add_option("--date", fl->date, "製造日 (既定 今日)");
      c->callback(run(RunApplicationProduce, fl));
    }
    {
      auto fl = std::make_shared<Flags>();
      CLI::App* c = apps->add_subcommand("book", "受け取りの予約を記録 / record the pick-up booking (R-CARD-2)");
      AddHomeFlags(c, fl->home, true);
      c->add_option("--application", fl->application, "申請書ID (23桁)")->required();
      c->add_option("--booking", fl->booking_number, "予約番号")->required();
      c->callback(run(RunApplicationBook, fl));
    }
    {
      auto fl = std::make_shared<Flags>();
      CLI::App* c = apps->add_subcommand("cancel", "申請を取り消す (製造済みのカードは破棄) / cancel an application");
      AddHomeFlags(c, fl->home, true);
      c->add_option("--application", fl->application, "申請書ID (23桁)")->required();
      c->add_option("--reason", fl->reason, "理由")->required();
      c->callback(run(RunApplicationCancel, fl));
    }
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = counter->add_subcommand("show", "案件の記録 (JSON) / a case with its audit trail");
    AddHomeFlags(c, fl->home, false);
    c->add_option("--case", fl->case_id, "案件番号")->required();
    c->callback(run(RunShow, fl));
  }
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = counter->add_subcommand("recover", "中断した実行の完了・取消 / finish or roll back interrupted executions");
    AddHomeFlags(c, fl->home, false);
    AddSecretFlags(c, fl->home);
    AddReaderFlag(c, fl->home);
    c->callback(run(RunRecover, fl));
  }

  CLI::App* audit = app.add_subcommand("audit", "監査記録 / the audit log");
  audit->require_subcommand(1);
  {
    auto fl = std::make_shared<Flags>();
    CLI::App* c = audit->add_subcommand("verify", "ハッシュ連鎖を検証 / verify the hash chain");
    AddHomeFlags(c, fl->home, false);
    c->callback(run(RunAuditVerify, fl));
  }
}

void AddCardIssueCommand(CLI::App& card, CliContext& ctx) {
  auto fl = std::make_shared<Flags>();
  CLI::App* c = card.add_subcommand("issue", "新しいカードと両方の証明書 (R-WIN-6) / a new card with both certificates");
  AddHomeFlags(c, fl->home, true);
  AddSecretFlags(c, fl->home);
  c->add_option("--resident", fl->resident, "住民番号")->required();
  c->add_option("--date", fl->date, "交付日 (既定 今日)");
  c->add_option("--applied", fl->applied, "交付申請の受付日 (R-VAL-3; 既定 交付日)");
  c->callback([fl, &ctx] { RunCommand(ctx, [&] { return RunCardIssue(*fl, ctx); }); });
}

}  // namespace mynacert::cli
