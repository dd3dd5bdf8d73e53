#include "counter/execution.h"
#include "counter/schema.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "rules/dates.h"
#include "rules/pins.h"
#include "rules/validity.h"

namespace mynacert::counter {

namespace {

using nlohmann::json;

std::string KindOf(std::string_view step) {
  const size_t colon = step.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(step.substr(colon + 1));
}
bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

pki::CaKind CaKindOf(std::string_view kind) {
  return kind == "sign" ? pki::CaKind::kSign : pki::CaKind::kAuth;
}

Result<card::PinId> PinIdFor(std::string_view kind) {
  if (kind == "auth") return card::PinId::kAuth;
  if (kind == "sign") return card::PinId::kSign;
  if (kind == "text") return card::PinId::kText;
  if (kind == "juki") return card::PinId::kJuki;
  return InvalidArgument("pin", "auth | sign | text | juki のいずれか");
}

// The card's 4-digit security code (part of PIN B), uniform over 0000–9999.
std::string SecurityCode() {
  uint32_t v = 0;
  do {
    RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
  } while (v >= 4294960000u);  // 4294960000 = 429496 × 10000: no modulo bias
  char out[5];
  std::snprintf(out, sizeof out, "%04u", static_cast<unsigned>(v % 10000));
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out.push_back(static_cast<char>(nib(hex[i]) << 4 | nib(hex[i + 1])));
  }
  return out;
}

std::string RuleIds(const Decision& d) {
  std::string out;
  for (const auto* list : {&d.refusals, &d.reasons}) {
    for (const rules::Reason& r : *list) {
      if (out.find(r.rule) == std::string::npos) out += (out.empty() ? "" : ",") + r.rule;
    }
  }
  return out;
}

// The SubjectPublicKeyInfo DER of a certificate.
std::string SpkiOf(std::string_view cert_der) {
  auto cert = pki::ParseCertificateDer(cert_der);
  if (!cert.ok()) return {};
  EVP_PKEY* key = X509_get0_pubkey(cert->get());
  unsigned char* out = nullptr;
  const int len = i2d_PUBKEY(key, &out);
  if (len <= 0) return {};
  std::string spki(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return spki;
}

class Wiped {
 public:
  explicit Wiped(std::string s) : s_(std::move(s)) {}
  ~Wiped() { OPENSSL_cleanse(s_.data(), s_.size()); }
  const std::string& get() const { return s_; }

 private:
  std::string s_;
};

}  // namespace

namespace {
class FileCardLink final : public CardLink {
 public:
  explicit FileCardLink(std::unique_ptr<card::Card> c) : card_(std::move(c)), t_(*card_) {}
  card::Transport& transport() override { return t_; }

 private:
  std::unique_ptr<card::Card> card_;
  card::LocalTransport t_;
};
}  // namespace

namespace {
Error CardPrecondition(std::string message) {
  return Error{ErrorCode::kFailedPrecondition, "card", std::move(message), ""};
}

// `path` relative to `home`, both weakly canonical (symbolic links resolved); nullopt when
// it is not strictly inside.
std::optional<std::filesystem::path> InsideHome(const std::filesystem::path& home,
                                                const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path h = std::filesystem::weakly_canonical(std::filesystem::absolute(home), ec);
  if (ec) return std::nullopt;
  const std::filesystem::path p = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  if (ec) return std::nullopt;
  const std::filesystem::path rel = p.lexically_relative(h);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return std::nullopt;
  return rel;
}
}  // namespace

Result<std::filesystem::path> CardFilePath(const std::filesystem::path& home, std::string_view location) {
  if (location.rfind("file:", 0) != 0) {
    return NotFound("card", "カード " + std::string(location) +
                                " はこの端末のカードファイルではありません (not a card file; a reader card needs the reader)");
  }
  const std::filesystem::path rel(location.substr(5));
  if (rel.empty()) return CardPrecondition("カードファイルの場所が空です (the card location is empty)");
  if (rel.is_absolute()) {
    return CardPrecondition("カードファイルの場所 " + std::string(location) +
                            " はホームフォルダの外です (the card location is an absolute path outside the home folder " +
                            home.string() +
                            "; card files are recorded relative to the home, and a copied or restored home must not "
                            "write into another home's cards)");
  }
  if (home.empty()) {
    return Error{ErrorCode::kFailedPrecondition, "home",
                 "カードファイルの場所を解決するホームフォルダがありません (no home folder to resolve the card location against)",
                 ""};
  }
  const std::filesystem::path full = home / rel;
  if (!InsideHome(home, full)) {
    return CardPrecondition("カードファイルの場所 " + std::string(location) +
                            " はホームフォルダの外を指しています (the card location escapes the home folder " +
                            home.string() + " through .. or a symbolic link)");
  }
  return full;
}

Result<std::string> CardFileLocation(const std::filesystem::path& home, const std::filesystem::path& path) {
  if (home.empty()) {
    return Error{ErrorCode::kFailedPrecondition, "home",
                 "カードファイルを置くホームフォルダがありません (no home folder for card files)", ""};
  }
  if (path.empty()) return CardPrecondition("カードファイルの場所が空です (the card file path is empty)");
  const std::filesystem::path full = path.is_absolute() ? path : home / path;
  auto rel = InsideHome(home, full);
  if (!rel) {
    return CardPrecondition("カードファイル " + path.string() + " はホームフォルダ " + home.string() +
                            " の外です (the card file is outside the home folder)");
  }
  return "file:" + rel->generic_string();
}

Status RelocateCardFiles(CounterStore& store, const std::filesystem::path& home) {
  std::vector<std::pair<int64_t, std::string>> moves;
  {
    MYNACERT_ASSIGN_OR_RETURN(auto s, Query(store.db(), "SELECT id, location FROM cards", {}));
    for (;;) {
      MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      const std::string location = ColumnString(*s, 1);
      if (location.rfind("file:", 0) != 0) continue;
      const std::filesystem::path p(location.substr(5));
      std::error_code ec;
      std::filesystem::path file = p;
      if (!p.is_absolute()) {
        // Relative to the home (normalised), or (before) to the working directory of a
        // relative --home such as ./mynacert-home: the file that exists decides.
        auto in_home = CardFilePath(home, location);
        if (in_home.ok() && std::filesystem::exists(*in_home, ec)) {
          file = *in_home;
        } else if (std::filesystem::exists(p, ec)) {
          file = std::filesystem::absolute(p, ec);
        } else {
          continue;
        }
      }
      auto relocated = CardFileLocation(home, file);
      if (relocated.ok() && *relocated == location) continue;
      if (relocated.ok()) moves.emplace_back(s->ColumnInt(0), *relocated);  // else refused when used
    }
  }
  if (moves.empty()) return {};
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  for (const auto& [id, location] : moves) {
    MYNACERT_RETURN_IF_ERROR(Run(store.db(), "UPDATE cards SET location = $1 WHERE id = $2", {Text(location), id}));
  }
  return tx.Commit();
}

Result<std::unique_ptr<CardLink>> OpenCardFile(const CardRecord& record, const std::string& secret,
                                               const std::filesystem::path& home) {
  MYNACERT_ASSIGN_OR_RETURN(const std::filesystem::path path, CardFilePath(home, record.location));
  MYNACERT_ASSIGN_OR_RETURN(auto c, card::Card::Open(path.string(), secret));
  return std::unique_ptr<CardLink>(std::make_unique<FileCardLink>(std::move(c)));
}

void Failpoint(std::string_view point) {
  const char* target = std::getenv("MYNACERT_FAILPOINT");
  if (target != nullptr && point == target) raise(SIGKILL);
}

Status Counter::Audit(std::string_view clerk, int64_t case_id, int64_t resident_id,
                      std::string_view action, const std::string& detail, int64_t at) {
  auto seq = store_.audit().Append(at, clerk, case_id, resident_id, action, detail);
  if (!seq.ok()) return seq.error();
  return {};
}

// ---- registry ----

Result<int64_t> Counter::AddResident(const Resident& r, std::string_view clerk, int64_t at) {
  MYNACERT_RETURN_IF_ERROR(profiles_.Find(r.municipality).ok()
                               ? Status{}
                               : Status{NotFound("municipality", "'" + r.municipality + "' は登録されていない自治体です (unknown municipality)")});
  if (r.name.empty()) return InvalidArgument("name", "氏名が必要です (required)");
  if (r.address.empty()) return InvalidArgument("address", "住所が必要です (required)");
  if (r.sex != 1 && r.sex != 2 && r.sex != 9) {
    return InvalidArgument("sex", "1 (男), 2 (女), 9 (適用不能) のいずれか (JIS X 0303)");
  }
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_ASSIGN_OR_RETURN(int64_t id, store_.AddResident(r, at));
  MYNACERT_RETURN_IF_ERROR(Audit(clerk, 0, id, "resident_add",
                                 json{{"municipality", r.municipality}, {"household", r.household}}.dump(), at));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return id;
}

namespace {
Status DeliverRevocations(CounterStore& store, pki::CaStore& ca, std::string_view clerk, int64_t now,
                          std::vector<std::string>* delivered) {
  MYNACERT_ASSIGN_OR_RETURN(auto pending, store.PendingRevocations());
  for (const CounterStore::PendingRevocation& p : pending) {
    const pki::CaKind kind = CaKindOf(p.kind);
    MYNACERT_ASSIGN_OR_RETURN(auto found, ca.Find(kind, p.serial));
    if (found && found->state != pki::CertState::kRevoked) {
      MYNACERT_ASSIGN_OR_RETURN(pki::RevocationReason reason,
                                pki::ParseRevocationReason(p.reason, "reason"));
      MYNACERT_RETURN_IF_ERROR(ca.Revoke(kind, p.serial, reason, p.at, p.clerk,
                                         "R-CERT-5: 住民記録の変更 (residence record changed)"));
    }
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
    MYNACERT_RETURN_IF_ERROR(store.MarkRevocationDone(p.id));
    MYNACERT_ASSIGN_OR_RETURN(int64_t seq, store.audit().Append(now, clerk, 0, p.resident_id, "ca_revoked",
                                                                json{{"kind", p.kind}, {"serial", p.serial}, {"reason", p.reason}, {"rule", "R-CERT-5"}}.dump()));
    (void)seq;
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    if (delivered) delivered->push_back(p.serial);
  }
  return {};
}
}  // namespace

Result<ChangeReport> Counter::ChangeResident(int64_t id, const ResidentChange& change, Date on,
                                             std::string_view clerk, int64_t at,
                                             pki::CaStore* ca) {
  ChangeReport report;
  {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_ASSIGN_OR_RETURN(report.fields, store_.ChangeResident(id, change, on, clerk, at));
    const bool revokes = std::any_of(report.fields.begin(), report.fields.end(),
                                     [](const std::string& f) { return RevokesSignCert(f); });
    std::string serial;
    if (revokes) {
      MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(id));
      if (card) {
        MYNACERT_ASSIGN_OR_RETURN(auto sign, store_.ActiveCert(card->id, "sign"));
        if (sign) {
          serial = sign->serial;
          MYNACERT_RETURN_IF_ERROR(store_.EndCert("sign", serial, "revoked", "affiliationChanged", on));
          CounterStore::PendingRevocation p;
          p.resident_id = id;
          p.kind = "sign";
          p.serial = serial;
          p.reason = "affiliationChanged";
          p.at = at;
          p.on = on;
          p.clerk = std::string(clerk);
          MYNACERT_ASSIGN_OR_RETURN(int64_t queued, store_.QueueRevocation(p));
          (void)queued;
        }
      }
    }
    MYNACERT_RETURN_IF_ERROR(Audit(clerk, 0, id, "resident_change",
                                   json{{"fields", report.fields}, {"on", on.ToString()},
                                        {"sign_revoked", serial}, {"rule", serial.empty() ? "" : "R-CERT-5"}}.dump(), at));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    if (!serial.empty()) report.revoked_serials.push_back(serial);
  }
  if (ca) MYNACERT_RETURN_IF_ERROR(DeliverRevocations(store_, *ca, clerk, at, nullptr));
  return report;
}

// ---- assessment ----

Result<std::optional<rules::Assessment>> Counter::AssessResident(const Resident& r, Date today) {
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(r.municipality));
  MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(r.id));
  if (!card) return std::optional<rules::Assessment>();
  MYNACERT_ASSIGN_OR_RETURN(auto certs, store_.Certs(r.id));
  const CertRecord* auth = nullptr;
  const CertRecord* sign = nullptr;
  for (const CertRecord& c : certs) {  // newest first
    if (c.card_id != card->id) continue;
    if (c.kind == "auth" && !auth) auth = &c;
    if (c.kind == "sign" && !sign) sign = &c;
  }
  rules::Facts f;
  f.birth = r.birth;
  f.card_applied = card->applied;
  f.card_issued = card->issued;
  if (auth) {
    f.cert_issued = auth->issued;
    f.cert_renewal = auth->renewal;
  }
  f.stay_until = r.stay_until;
  f.abroad = r.abroad;
  f.adult_ward = r.adult_ward;
  if (sign && sign->state == "revoked" && sign->reason == "affiliationChanged") {
    f.sign_revoked_on = sign->ended_on;
  }
  MYNACERT_ASSIGN_OR_RETURN(rules::Assessment a, rules::Assess(f, today, m->rules));
  return std::optional<rules::Assessment>(std::move(a));
}

Result<DecisionInput> Counter::InputFor(const Case& c, Date today) {
  DecisionInput in;
  MYNACERT_ASSIGN_OR_RETURN(in.municipality, profiles_.Find(c.municipality));
  MYNACERT_ASSIGN_OR_RETURN(in.resident, store_.GetResident(c.resident_id));
  if (c.representative_id) {
    MYNACERT_ASSIGN_OR_RETURN(Resident rep, store_.GetResident(c.representative_id));
    in.representative = rep;
    MYNACERT_ASSIGN_OR_RETURN(in.representative_is_parent,
                              store_.IsParentOf(c.representative_id, c.resident_id));
  }
  MYNACERT_ASSIGN_OR_RETURN(in.assessment, AssessResident(in.resident, today));
  MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(c.resident_id));
  if (card) {
    MYNACERT_ASSIGN_OR_RETURN(auto auth, store_.ActiveCert(card->id, "auth"));
    MYNACERT_ASSIGN_OR_RETURN(auto sign, store_.ActiveCert(card->id, "sign"));
    in.has_active_auth = auth && auth->last_valid_day >= today;
    in.has_active_sign = sign && sign->last_valid_day >= today;
  }
  for (const Document& d : c.documents) {
    if (d.visit != c.visit || d.item != "inquiry_form" || !d.form_printed) continue;
    MYNACERT_ASSIGN_OR_RETURN(auto events, store_.Events(c.resident_id));
    for (const ResidentEvent& e : events) {
      if ((e.field == "name" || e.field == "address") && e.on > *d.form_printed) {
        in.name_or_address_changed_since_form = true;
      }
    }
  }
  in.the_case = c;
  in.today = today;
  return in;
}

// ---- cases ----

Result<int64_t> Counter::OpenCase(const OpenRequest& r, int64_t at) {
  MYNACERT_ASSIGN_OR_RETURN(Resident resident, store_.GetResident(r.resident_id));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(resident.municipality));
  MYNACERT_ASSIGN_OR_RETURN(auto procedure, ParseProcedure(r.procedure, "procedure"));
  (void)procedure;
  MYNACERT_ASSIGN_OR_RETURN(auto applicant, ParseApplicant(r.applicant, "applicant"));
  (void)applicant;
  if (r.visit.counter_id.empty() || !m->FindCounter(r.visit.counter_id)) {
    std::string known;
    for (const profiles::Counter& c : m->counters) known += (known.empty() ? "" : ", ") + c.id;
    return NotFound("counter", "'" + r.visit.counter_id + "' は" + m->name_ja +
                                     "の窓口にありません (known: " + known + ")");
  }
  if (r.flags.certs != "both" && r.flags.certs != "auth" && r.flags.certs != "sign") {
    return InvalidArgument("certs", "both | auth | sign のいずれか");
  }
  MYNACERT_ASSIGN_OR_RETURN(card::PinId pin_id, PinIdFor(r.flags.pin));
  (void)pin_id;
  if (r.representative_id) {
    MYNACERT_ASSIGN_OR_RETURN(Resident rep, store_.GetResident(r.representative_id));
    (void)rep;
  }
  Case c;
  c.resident_id = r.resident_id;
  c.municipality = resident.municipality;
  c.procedure = r.procedure;
  c.applicant = r.applicant;
  c.representative_id = r.representative_id;
  c.flags = r.flags;
  c.decision = "{}";
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_ASSIGN_OR_RETURN(int64_t id, store_.OpenCase(c, r.visit, at));
  MYNACERT_RETURN_IF_ERROR(Audit(r.visit.clerk, id, r.resident_id, "case_open",
                                 json{{"procedure", r.procedure}, {"applicant", r.applicant},
                                      {"counter", r.visit.counter_id}, {"on", r.visit.on.ToString()},
                                      {"holder_present", r.visit.holder_present}}.dump(), at));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return id;
}

Status Counter::Present(int64_t case_id, Document d, std::string_view clerk, int64_t at) {
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (c.state != "open" && c.state != "accepted") {
    return Error{ErrorCode::kFailedPrecondition, "case",
                 "案件は " + c.state + " の状態です。書類を受け付けられません (the case is " + c.state + ")", ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(c.municipality));
  static const std::vector<std::string> kItems = {"holder_card", "id", "inquiry_form", "application_form",
                                                  "koseki_tohon", "touki_jiko_shomei", "employee_id", "expiry_notice"};
  if (std::find(kItems.begin(), kItems.end(), d.item) == kItems.end()) {
    return InvalidArgument("document", "'" + d.item + "': holder_card | id | inquiry_form | application_form | koseki_tohon | touki_jiko_shomei | employee_id | expiry_notice");
  }
  if (d.whose != "holder" && d.whose != "representative" && d.whose != "agent") {
    return InvalidArgument("document", "whose は holder | representative | agent");
  }
  if (d.item == "id" && !rules::FindIdDocument(d.kind)) {
    return InvalidArgument("document", "'" + d.kind + "' は本人確認書類の一覧にありません (unknown identity document; see `mynacert procedure --documents`)", "R-ID-X");
  }
  if (d.item == "inquiry_form" && d.form_source != "jlis" && d.form_source != "municipal") {
    return InvalidArgument("document", "照会書兼回答書の source は jlis | municipal");
  }
  const Visit* visit = c.current_visit();
  d.visit = c.visit;
  // R-ID-X: Yokohama takes a health insurance card as the agent's ID on the first 文書照会 visit.
  bool health_insurance_ok = false;
  if (c.applicant == "agent_without_form" && c.visit <= static_cast<int>(m->procedures.inquiry_visits.size())) {
    for (const profiles::DocumentSpec& spec : m->procedures.inquiry_visits[c.visit - 1].documents) {
      if (spec.item == "id" && spec.health_insurance_card_accepted && d.whose == "agent") health_insurance_ok = true;
    }
  }
  if (auto problem = CheckPresented(*m, d, visit->on, health_insurance_ok)) {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_RETURN_IF_ERROR(Audit(clerk, case_id, c.resident_id, "document_refused",
                                   json{{"visit", c.visit}, {"item", d.item}, {"kind", d.kind}, {"whose", d.whose},
                                        {"rule", problem->rule}, {"reason", problem->en}}.dump(), at));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    return InvalidArgument("document", problem->ja + " / " + problem->en, problem->rule);
  }
  if (d.item == "id") {
    rules::PresentedDocument p;
    p.kind = d.kind;
    p.expires = d.expires;
    p.issued = d.issued;
    const rules::IdCheck check = rules::CheckIdentityDocument(*m, p, visit->on, health_insurance_ok);
    d.category = check.category == rules::IdCategory::kA ? "A" : "B";
  }
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_ASSIGN_OR_RETURN(int seq, store_.AddDocument(case_id, d));
  if (c.state == "accepted") {
    c.state = "open";
    MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(c, at));
  }
  json detail{{"visit", c.visit}, {"seq", seq}, {"item", d.item}, {"whose", d.whose}};
  if (!d.kind.empty()) detail["kind"] = d.kind;
  if (!d.category.empty()) detail["category"] = d.category;
  if (d.item == "inquiry_form") {
    detail["source"] = d.form_source;
    detail["signed"] = d.form_signed;
    detail["pin_hidden"] = d.form_pin_hidden;
    detail["complete"] = d.form_complete;
  }
  MYNACERT_RETURN_IF_ERROR(Audit(clerk, case_id, c.resident_id, "document_presented", detail.dump(), at));
  return tx.Commit();
}

Status Counter::NextVisit(int64_t case_id, const Visit& v, int64_t at) {
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (c.state != "waiting") {
    return Error{ErrorCode::kFailedPrecondition, "case",
                 "案件は次回来庁待ちではありません (the case is " + c.state + ", not waiting for a visit)", "R-PROC-6"};
  }
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(c.municipality));
  if (!m->FindCounter(v.counter_id)) {
    return NotFound("counter", "'" + v.counter_id + "' は" + m->name_ja + "の窓口にありません (unknown counter)");
  }
  if (v.on < c.current_visit()->on) {
    return InvalidArgument("date", "前回の来庁 (" + c.current_visit()->on.ToString() + ") より前です (before the previous visit)");
  }
  Visit next = v;
  next.number = c.visit + 1;
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_RETURN_IF_ERROR(store_.AddVisit(case_id, next));
  c.visit = next.number;
  c.state = "open";
  MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(c, at));
  MYNACERT_RETURN_IF_ERROR(Audit(v.clerk, case_id, c.resident_id, "visit",
                                 json{{"visit", next.number}, {"on", v.on.ToString()}, {"counter", v.counter_id},
                                      {"holder_present", v.holder_present}}.dump(), at));
  return tx.Commit();
}

Result<Decision> Counter::Decide(int64_t case_id, std::string_view clerk, int64_t at) {
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  return Decide(case_id, clerk, at, c.current_visit()->on);
}

Result<Decision> Counter::Decide(int64_t case_id, std::string_view clerk, int64_t at, Date today) {
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (c.state == "done" || c.state == "executing" || c.state == "cancelled") {
    return Error{ErrorCode::kFailedPrecondition, "case", "案件は " + c.state + " です (the case is " + c.state + ")", ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(DecisionInput in, InputFor(c, today));
  MYNACERT_ASSIGN_OR_RETURN(Decision d, counter::Decide(in));
  // R-PROC-5: a form that cannot be used as it is (PIN not hidden, unsigned, incomplete, PIN
  // mismatch) turns the case into 文書照会 at this same visit.
  if (c.applicant == "agent_with_form" && d.document_inquiry && d.outcome != Outcome::kRefused) {
    c.flags.switched_from = c.applicant;
    c.applicant = "agent_without_form";
    d.reasons.push_back({"R-PROC-5", "この案件は文書照会に切り替わりました (代理人・照会書なし)。",
                         "The case switched to the inquiry by post (agent without a form)."});
  }
  switch (d.outcome) {
    case Outcome::kAccepted: c.state = "accepted"; break;
    case Outcome::kMissing: c.state = "open"; break;
    case Outcome::kNextVisit: c.state = "waiting"; c.deadline = d.next_visit_by; break;
    case Outcome::kRefused: c.state = "refused"; break;
  }
  c.decision = DecisionJson(d);
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(c, at));
  json detail{{"visit", c.visit}, {"outcome", std::string(OutcomeName(d.outcome))}, {"rules", RuleIds(d)}};
  if (d.next_visit_by) detail["next_visit_by"] = d.next_visit_by->ToString();
  std::vector<std::string> steps;
  for (const PlannedStep& s : d.steps) steps.push_back(s.id);
  if (!steps.empty()) detail["steps"] = steps;
  MYNACERT_RETURN_IF_ERROR(Audit(clerk, case_id, c.resident_id, "decision", detail.dump(), at));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return d;
}

// ---- execution ----

Result<ExecutionReport> Counter::Execute(int64_t case_id, ExecutionEnv& env) {
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (c.state == "executing") {
    return Error{ErrorCode::kFailedPrecondition, "case",
                 "前回の実行が中断しています。`mynacert counter recover` を実行してください (an interrupted execution: run counter recover)", ""};
  }
  if (c.state != "accepted") {
    return Error{ErrorCode::kFailedPrecondition, "case",
                 "案件は受付可になっていません (state " + c.state + "; decide first)", ""};
  }
  // Decide again: the record or the card may have changed since.
  MYNACERT_ASSIGN_OR_RETURN(Decision d, Decide(case_id, env.clerk, env.now, c.current_visit()->on));
  if (d.outcome != Outcome::kAccepted) {
    ExecutionReport r;
    r.decision_after = d;
    return r;
  }
  MYNACERT_ASSIGN_OR_RETURN(auto card, store_.ActiveCard(c.resident_id));
  std::vector<std::pair<std::string, std::string>> steps;
  MYNACERT_ASSIGN_OR_RETURN(Resident resident, store_.GetResident(c.resident_id));
  MYNACERT_ASSIGN_OR_RETURN(auto assessment, AssessResident(resident, c.current_visit()->on));
  for (const PlannedStep& s : d.steps) {
    json data = json::object();
    const std::string kind = KindOf(s.id);
    if (StartsWith(s.id, "issue:")) {
      const bool sign = kind == "sign";
      data["last_valid_day"] = (sign ? d.sign_expiry : d.auth_expiry)->ToString();
      const rules::CertStatus st = sign ? assessment->sign.status : assessment->auth.status;
      data["renewal"] = st == rules::CertStatus::kRenewable;
    }
    if (StartsWith(s.id, "revoke_old:") && card) {
      MYNACERT_ASSIGN_OR_RETURN(auto old, store_.ActiveCert(card->id, kind));
      if (old) data["serial"] = old->serial;
    }
    steps.emplace_back(s.id, data.dump());
  }
  // The card first: absent, unreachable or someone else's, the case stays accepted and
  // nothing is journaled.
  if (!card) return NotFound("resident", "有効なカードがありません (no active card)");
  MYNACERT_ASSIGN_OR_RETURN(std::unique_ptr<CardLink> link, ReachCard(resident, *card, env));
  {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(case_id, steps));
    MYNACERT_ASSIGN_OR_RETURN(Case fresh, store_.GetCase(case_id));
    fresh.state = "executing";
    MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(fresh, env.now));
    std::vector<std::string> ids;
    for (const auto& s : steps) ids.push_back(s.first);
    MYNACERT_RETURN_IF_ERROR(Audit(env.clerk, case_id, c.resident_id, "execute_start", json{{"steps", ids}}.dump(), env.now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  auto run = RunSteps(case_id, env, false, std::move(link));
  if (run.ok()) return run;
  // Stopped before any key was generated (a PIN not given, the card gone during the PIN
  // check): nothing to finish, so the case goes back to accepted now rather than waiting for
  // `counter recover`.
  MYNACERT_ASSIGN_OR_RETURN(Case after, store_.GetCase(case_id));
  for (const Step& s : after.steps) {
    if (s.state != "planned" && s.step != "check_pins" && !StartsWith(s.step, "reset_pin:")) return run;
  }
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(case_id, {}));
  after.state = "accepted";
  MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(after, env.now));
  MYNACERT_RETURN_IF_ERROR(Audit(env.clerk, case_id, after.resident_id, "rolled_back",
                                 json{{"reason", run.error().ToString()}}.dump(), env.now));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return run;
}

Result<std::unique_ptr<CardLink>> Counter::ReachCard(const Resident& resident, const CardRecord& record,
                                                     ExecutionEnv& env) {
  MYNACERT_ASSIGN_OR_RETURN(std::unique_ptr<CardLink> link, env.open_card(record));
  // A card in a reader could be anyone's: its chip ID, proven under the issuer key, must be
  // the one on record before any PIN is tried on it.
  if (!record.chip_id.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(auto probe, card::IssuerSession::Open(link->transport(), env.issuer_master));
    if (probe->card_id() != record.chip_id) {
      return Error{ErrorCode::kFailedPrecondition, "reader",
                   "このカードは住民 " + std::to_string(resident.id) + " のカードではありません (chip " +
                       probe->card_id() + "; the resident's card is " + record.chip_id + ")",
                   ""};
    }
  }
  return link;
}

Result<ExecutionReport> Counter::RunSteps(int64_t case_id, ExecutionEnv& env, bool recovering,
                                          std::unique_ptr<CardLink> link) {
  ExecutionReport report;
  MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  MYNACERT_ASSIGN_OR_RETURN(Resident resident, store_.GetResident(c.resident_id));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(c.municipality));
  const std::string holder_ref = "resident:" + std::to_string(resident.id);

  std::unique_ptr<card::IssuerSession> session;
  std::optional<CardRecord> card_record;
  if (link) {
    MYNACERT_ASSIGN_OR_RETURN(card_record, store_.ActiveCard(resident.id));
  }
  auto need_link = [&]() -> Status {
    if (link) return {};
    MYNACERT_ASSIGN_OR_RETURN(card_record, store_.ActiveCard(resident.id));
    if (!card_record) return NotFound("resident", "有効なカードがありません (no active card)");
    MYNACERT_ASSIGN_OR_RETURN(link, ReachCard(resident, *card_record, env));
    return {};
  };
  auto need_session = [&]() -> Status {
    MYNACERT_RETURN_IF_ERROR(need_link());
    if (session) return {};
    MYNACERT_ASSIGN_OR_RETURN(session, card::IssuerSession::Open(link->transport(), env.issuer_master));
    return {};
  };
  auto step_data = [&](std::string_view id) -> json {
    for (const Step& s : c.steps)
      if (s.step == id) return json::parse(s.data, nullptr, false);
    return json::object();
  };

  for (Step& step : c.steps) {
    if (step.state == "done") continue;
    if (recovering && (step.step == "check_pins" || StartsWith(step.step, "reset_pin:"))) {
      return Error{ErrorCode::kFailedPrecondition, "case", "暗証番号の照合は復旧では行えません (cannot recover a PIN step)", ""};
    }
    {
      MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
      MYNACERT_RETURN_IF_ERROR(store_.MarkStep(case_id, step.seq, "started", "", env.now));
      MYNACERT_RETURN_IF_ERROR(tx.Commit());
    }
    Failpoint(step.step + ":started");
    json data = json::parse(step.data, nullptr, false);
    if (!data.is_object()) data = json::object();
    const std::string kind = KindOf(step.step);
    // Domain changes recorded with the step's `done`, in one transaction.
    std::function<Status()> record = [] { return Status{}; };

    if (step.step == "check_pins") {
      MYNACERT_RETURN_IF_ERROR(need_link());
      card::JpkiClient client(link->transport());
      std::vector<std::string> pins = {"auth"};
      bool sign = false;
      for (const Step& s : c.steps) sign = sign || s.step == "keygen:sign";
      if (sign) pins.push_back("sign");
      if (m->procedures.check_juki_pin) pins.push_back("juki");
      for (const std::string& which : pins) {
        MYNACERT_ASSIGN_OR_RETURN(card::PinId id, PinIdFor(which));
        MYNACERT_ASSIGN_OR_RETURN(std::string typed, env.pin(which));
        Wiped raw(std::move(typed));
        MYNACERT_ASSIGN_OR_RETURN(std::string normal, rules::NormalizePin(card::PinEfOf(id).kind, raw.get(), "PIN (" + which + ")"));
        Wiped value(std::move(normal));
        MYNACERT_ASSIGN_OR_RETURN(card::PinCheck check, client.Verify(id, value.get()));
        if (!check.verified) {
          report.pin_failure = PinFailure{which, check.tries_left, check.locked};
          break;
        }
      }
      if (report.pin_failure) {
        // R-PROC-5 / R-CERT-6: nothing was changed on the card; the execution is undone.
        MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
        MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(case_id, {}));
        MYNACERT_ASSIGN_OR_RETURN(Case fresh, store_.GetCase(case_id));
        const bool switch_case = fresh.applicant == "agent_with_form";
        if (switch_case) {
          fresh.flags.pin_mismatch = true;
          fresh.state = "open";
        } else {
          fresh.state = "accepted";
        }
        MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(fresh, env.now));
        const PinFailure& f = *report.pin_failure;
        MYNACERT_RETURN_IF_ERROR(Audit(env.clerk, case_id, c.resident_id, "pin_mismatch",
                                       json{{"pin", f.pin}, {"tries_left", f.tries_left}, {"locked", f.locked},
                                            {"rule", switch_case ? "R-PROC-5" : "R-CERT-6"}}.dump(), env.now));
        MYNACERT_RETURN_IF_ERROR(tx.Commit());
        if (switch_case) {
          MYNACERT_ASSIGN_OR_RETURN(Decision after, Decide(case_id, env.clerk, env.now));
          report.decision_after = after;
        }
        return report;
      }
      data["checked"] = pins;
    } else if (StartsWith(step.step, "reset_pin:")) {
      MYNACERT_ASSIGN_OR_RETURN(card::PinId id, PinIdFor(kind));
      MYNACERT_ASSIGN_OR_RETURN(std::string typed, env.pin("new:" + kind));
      Wiped raw(std::move(typed));
      MYNACERT_ASSIGN_OR_RETURN(std::string normal, rules::NormalizePin(card::PinEfOf(id).kind, raw.get(), "PIN (new " + kind + ")"));
      Wiped value(std::move(normal));
      MYNACERT_RETURN_IF_ERROR(need_session());
      MYNACERT_RETURN_IF_ERROR(session->SetPin(id, value.get()));
      data["pin"] = kind;
    } else if (StartsWith(step.step, "keygen:")) {
      MYNACERT_RETURN_IF_ERROR(need_session());
      MYNACERT_ASSIGN_OR_RETURN(std::string spki, session->GenerateKeyPair(kind == "sign" ? card::KeySlot::kSign : card::KeySlot::kAuth));
      data["spki"] = HexUpper(spki);
    } else if (StartsWith(step.step, "issue:")) {
      const json key = step_data("keygen:" + kind);
      const std::string spki = Unhex(key.value("spki", ""));
      if (spki.empty()) return Error{ErrorCode::kInternal, "case_steps", "keygen の記録がありません (no key recorded)", ""};
      const pki::CaKind ca_kind = CaKindOf(kind);
      std::string serial;
      // Idempotent: a certificate the CA already issued for this key (a crash after its commit).
      MYNACERT_ASSIGN_OR_RETURN(auto issued, env.ca_store->FindByHolder(holder_ref));
      for (const pki::IssuedCert& ic : issued) {
        if (ic.kind == ca_kind && SpkiOf(ic.der) == spki) serial = ic.serial_hex;
      }
      if (serial.empty()) {
        const auto* p = reinterpret_cast<const unsigned char*>(spki.data());
        pki::EvpPkeyPtr pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
        if (!pub) return Error{ErrorCode::kInternal, "card", "カードの公開鍵が読めません (bad public key)", ""};
        const pki::CaGeneration* ca = ca_kind == pki::CaKind::kSign ? env.sign_ca : env.auth_ca;
        if (!ca) return Error{ErrorCode::kFailedPrecondition, "ca_dir", "認証局の鍵がありません (no CA)", ""};
        pki::CertRequest req;
        req.kind = ca_kind;
        req.public_key = pub.get();
        // notBefore: the start of the issue day (JST), never later than now.
        req.not_before = std::min(std::chrono::system_clock::time_point(std::chrono::seconds(env.now)),
                                  pki::EndOfDayJst(env.today) - std::chrono::seconds(86399));
        MYNACERT_ASSIGN_OR_RETURN(req.last_valid_day, Date::Parse(data.value("last_valid_day", ""), "last_valid_day"));
        MYNACERT_ASSIGN_OR_RETURN(req.subject_cn, pki::NewSubjectCn(ca_kind));
        if (ca_kind == pki::CaKind::kSign) {
          req.holder.name = resident.name;
          req.holder.sex = resident.sex;
          req.holder.birth = resident.birth;
          req.holder.address = resident.address;
          req.holder.prefecture_en = m->prefecture_en;
          req.holder.municipality_en = m->municipality_en;
        }
        MYNACERT_ASSIGN_OR_RETURN(pki::IssuedDer der, pki::IssueCertificateDer(*ca, req));
        pki::IssuedCert row = pki::DescribeIssued(der, ca_kind, ca->generation, req.subject_cn, env.now, holder_ref);
        MYNACERT_RETURN_IF_ERROR(env.ca_store->RecordIssued(row, env.clerk));
        serial = row.serial_hex;
      }
      data["serial"] = serial;
      report.new_serials.emplace_back(kind, serial);
    } else if (StartsWith(step.step, "write:")) {
      const json issued = step_data("issue:" + kind);
      const std::string serial = issued.value("serial", "");
      MYNACERT_ASSIGN_OR_RETURN(auto found, env.ca_store->Find(CaKindOf(kind), serial));
      if (!found) return Error{ErrorCode::kInternal, "ca", "発行記録がありません (certificate not in the CA)", ""};
      MYNACERT_RETURN_IF_ERROR(need_session());
      MYNACERT_RETURN_IF_ERROR(session->WriteCertificate(kind == "sign" ? card::CertSlot::kSign : card::CertSlot::kAuth, found->der));
      data["serial"] = serial;
      const Date last = Date::Parse(issued.value("last_valid_day", "")).value();
      const bool renewal = issued.value("renewal", false);
      const int64_t card_id = card_record->id;
      record = [this, &resident, card_id, kind, serial, &env, last, renewal, case_id] {
        CertRecord cr;
        cr.resident_id = resident.id;
        cr.card_id = card_id;
        cr.kind = kind;
        cr.serial = serial;
        cr.issued = env.today;
        cr.last_valid_day = last;
        cr.renewal = renewal;
        cr.case_id = case_id;
        auto id = store_.AddCert(cr);
        return id.ok() ? Status{} : Status{id.error()};
      };
    } else if (StartsWith(step.step, "revoke_old:")) {
      const std::string serial = data.value("serial", "");
      if (!serial.empty()) {
        MYNACERT_ASSIGN_OR_RETURN(auto found, env.ca_store->Find(CaKindOf(kind), serial));
        if (found && found->state == pki::CertState::kGood) {
          MYNACERT_RETURN_IF_ERROR(env.ca_store->Revoke(CaKindOf(kind), serial, pki::RevocationReason::kSuperseded, env.now,
                                                        env.clerk, "case " + std::to_string(case_id)));
        }
        report.revoked.emplace_back(kind, serial);
        record = [this, kind, serial, &env] { return store_.EndCert(kind, serial, "superseded", "superseded", env.today); };
      }
    } else if (step.step == "create_card") {
      // A new card (the card model): PINs chosen by the holder, the issuer key written in.
      // Recorded relative to the home; a journal from before that holds an absolute path inside it.
      MYNACERT_ASSIGN_OR_RETURN(const std::string location, CardFileLocation(env.home, data.value("path", "")));
      MYNACERT_ASSIGN_OR_RETURN(const std::filesystem::path card_path, CardFilePath(env.home, location));
      const std::string path = card_path.string();
      card::CardInit init;
      for (const auto& [which, target] : {std::pair{"init:auth", &init.auth_pin}, std::pair{"init:sign", &init.sign_pin},
                                          std::pair{"init:text", &init.text_pin}, std::pair{"init:juki", &init.juki_pin}}) {
        MYNACERT_ASSIGN_OR_RETURN(*target, env.pin(which));
      }
      init.my_number = resident.my_number;
      MYNACERT_ASSIGN_OR_RETURN(const Date expires, Date::Parse(data.value("expires", ""), "expires"));
      const std::string birth = resident.birth.ToString();
      init.pin_b = birth.substr(2, 2) + birth.substr(5, 2) + birth.substr(8, 2) + expires.ToString().substr(0, 4) +
                   SecurityCode();
      init.issuer_master = env.issuer_master;
      auto made = card::Card::Create(path, env.card_secret, init);
      for (std::string* p : {&init.auth_pin, &init.sign_pin, &init.text_pin, &init.juki_pin, &init.issuer_master}) {
        OPENSSL_cleanse(p->data(), p->size());
      }
      if (!made.ok()) return made.error();
      data["chip_id"] = (*made)->card_id();
      const std::string chip = (*made)->card_id();
      MYNACERT_ASSIGN_OR_RETURN(const Date applied, Date::Parse(data.value("applied", ""), "applied"));
      record = [this, &resident, location, chip, applied, expires, &env]() -> Status {
        MYNACERT_ASSIGN_OR_RETURN(auto old, store_.ActiveCard(resident.id));
        if (old) MYNACERT_RETURN_IF_ERROR(store_.SetCardState(old->id, "replaced"));
        CardRecord cr;
        cr.resident_id = resident.id;
        cr.location = location;
        cr.chip_id = chip;
        cr.applied = applied;
        cr.issued = env.today;
        cr.expires = expires;
        auto id = store_.AddCard(cr, env.now);
        return id.ok() ? Status{} : Status{id.error()};
      };
    } else if (step.step == "write_ca") {
      MYNACERT_RETURN_IF_ERROR(need_session());
      for (const pki::CaGeneration* ca : {env.auth_ca, env.sign_ca}) {
        if (!ca) return Error{ErrorCode::kFailedPrecondition, "ca_dir", "認証局がありません (no CA)", ""};
        MYNACERT_RETURN_IF_ERROR(session->WriteCertificate(
            ca->kind == pki::CaKind::kSign ? card::CertSlot::kSignCa : card::CertSlot::kAuthCa,
            pki::CertificateDer(ca->cert.get())));
      }
    } else if (step.step == "close") {
      record = [this, case_id, &env]() -> Status {
        MYNACERT_ASSIGN_OR_RETURN(Case fresh, store_.GetCase(case_id));
        fresh.state = "done";
        return store_.UpdateCase(fresh, env.now);
      };
    } else {
      return Error{ErrorCode::kInternal, "case_steps", "unknown step " + step.step, ""};
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
      MYNACERT_RETURN_IF_ERROR(Audit(env.clerk, case_id, c.resident_id, "step_done", detail.dump(), env.now));
      MYNACERT_RETURN_IF_ERROR(tx.Commit());
    }
    report.steps_done.push_back(step.step);
    Failpoint(step.step + ":done");
  }
  report.completed = true;
  return report;
}

Result<RecoveryReport> Counter::Recover(ExecutionEnv& env) {
  RecoveryReport report;
  if (env.ca_store) {
    MYNACERT_RETURN_IF_ERROR(DeliverRevocations(store_, *env.ca_store, env.clerk, env.now, &report.revocations));
  }
  MYNACERT_ASSIGN_OR_RETURN(auto executing, store_.CasesInState("executing"));
  for (int64_t id : executing) {
    MYNACERT_ASSIGN_OR_RETURN(Case c, store_.GetCase(id));
    bool forward = false;
    bool all_but_close = true;
    for (const Step& s : c.steps) {
      const bool touches_card_or_ca = StartsWith(s.step, "keygen:") || StartsWith(s.step, "issue:") ||
                                      StartsWith(s.step, "write:") || StartsWith(s.step, "revoke_old:") ||
                                      s.step == "write_ca";
      if (touches_card_or_ca && s.state != "planned") forward = true;
      if (s.step == "create_card" && s.state == "done") forward = true;
      if (s.step != "close" && s.state != "done") all_but_close = false;
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
    for (const Step& s : c.steps) {
      if (s.step != "create_card" || s.state != "started") continue;
      const json data = json::parse(s.data, nullptr, false);
      std::error_code ec;
      if (data.is_object()) std::filesystem::remove(data.value("path", ""), ec);
    }
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(id, {}));
    c.state = c.procedure == "card_issuance" ? "cancelled" : "accepted";
    MYNACERT_RETURN_IF_ERROR(store_.UpdateCase(c, env.now));
    MYNACERT_RETURN_IF_ERROR(Audit(env.clerk, id, c.resident_id, "rolled_back",
                                   json{{"reason", "interrupted before any key was generated"}}.dump(), env.now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    report.rolled_back.push_back(id);
  }
  return report;
}

Result<ExecutionReport> Counter::IssueCard(int64_t resident_id, Date applied, ExecutionEnv& env,
                                           int64_t* case_id_out) {
  MYNACERT_ASSIGN_OR_RETURN(Resident r, store_.GetResident(resident_id));
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles_.Find(r.municipality));
  if (applied > env.today) return InvalidArgument("applied", "交付申請日が今日より後です (after today)");
  if (applied < r.birth) return InvalidArgument("applied", "生年月日より前です (before the birth date)");
  if (!env.new_card_path) return Error{ErrorCode::kFailedPrecondition, "home", "カードファイルの場所がありません", ""};
  if (env.home.empty()) {
    return Error{ErrorCode::kFailedPrecondition, "home",
                 "カードファイルを置くホームフォルダがありません (no home folder for card files)", ""};
  }
  // R-VAL-2/3/4: the card's expiry; R-VAL-1/5: the certificates' (sign capped by auth).
  const rules::CardValidity cv = rules::ComputeCardValidity(r.birth, applied, env.today, r.stay_until, m->rules);
  const rules::CertValidity auth = rules::ComputeCertValidity(r.birth, env.today, false, cv.expires, std::nullopt, m->rules);
  const bool sign = rules::AgeOn(r.birth, env.today) >= 15 && (!r.adult_ward || m->rules.adult_ward_sign_cert);
  const rules::CertValidity signv = rules::ComputeCertValidity(r.birth, env.today, false, cv.expires, auth.expires, m->rules);

  Case c;
  c.resident_id = r.id;
  c.municipality = r.municipality;
  c.procedure = "card_issuance";
  c.applicant = "self";
  c.state = "executing";
  c.decision = json{{"outcome", "accepted"}, {"card_expiry", cv.expires.ToString()},
                    {"auth_expiry", auth.expires.ToString()},
                    {"sign_expiry", sign ? json(signv.expires.ToString()) : json()},
                    {"rules", "R-WIN-6,R-VAL-2,R-VAL-1,R-VAL-5,R-CERT-4"}}.dump();
  Visit v;
  v.on = env.today;
  v.counter_id = "";
  v.clerk = env.clerk;
  v.holder_present = true;
  MYNACERT_ASSIGN_OR_RETURN(auto old_card, store_.ActiveCard(r.id));
  int64_t id = 0;
  {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_ASSIGN_OR_RETURN(id, store_.OpenCase(c, v, env.now));
    std::vector<std::pair<std::string, std::string>> steps;
    steps.emplace_back("create_card", json{{"path", env.new_card_path(r, id)}, {"applied", applied.ToString()},
                                           {"expires", cv.expires.ToString()}}.dump());
    steps.emplace_back("keygen:auth", "{}");
    if (sign) steps.emplace_back("keygen:sign", "{}");
    steps.emplace_back("issue:auth", json{{"last_valid_day", auth.expires.ToString()}, {"renewal", false}}.dump());
    if (sign) steps.emplace_back("issue:sign", json{{"last_valid_day", signv.expires.ToString()}, {"renewal", false}}.dump());
    steps.emplace_back("write_ca", "{}");
    steps.emplace_back("write:auth", "{}");
    if (sign) steps.emplace_back("write:sign", "{}");
    if (old_card) {
      for (const char* kind : {"auth", "sign"}) {
        MYNACERT_ASSIGN_OR_RETURN(auto old, store_.ActiveCert(old_card->id, kind));
        if (old) steps.emplace_back(std::string("revoke_old:") + kind, json{{"serial", old->serial}}.dump());
      }
    }
    steps.emplace_back("close", "{}");
    MYNACERT_RETURN_IF_ERROR(store_.PlanSteps(id, steps));
    std::vector<std::string> ids;
    for (const auto& s : steps) ids.push_back(s.first);
    MYNACERT_RETURN_IF_ERROR(Audit(env.clerk, id, r.id, "card_issue_start",
                                   json{{"steps", ids}, {"card_expiry", cv.expires.ToString()}}.dump(), env.now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  if (case_id_out) *case_id_out = id;
  return RunSteps(id, env, false);
}

}  // namespace mynacert::counter
