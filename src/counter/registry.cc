#include "counter/registry.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "counter/decision.h"
#include "counter/internal.h"

namespace mynacert::counter {

using internal::Audit;
using nlohmann::json;

Result<int64_t> Registry::AddResident(const Resident& r, std::string_view clerk, int64_t at) {
  MYNACERT_RETURN_IF_ERROR(
      profiles_.Find(r.municipality).ok()
          ? Status{}
          : Status{NotFound(
                "municipality",
                "'" + r.municipality + "' は登録されていない自治体です (unknown municipality)")});
  if (r.name.empty()) return InvalidArgument("name", "氏名が必要です (required)");
  if (r.address.empty()) return InvalidArgument("address", "住所が必要です (required)");
  if (r.sex != 1 && r.sex != 2 && r.sex != 9) {
    return InvalidArgument("sex", "1 (男), 2 (女), 9 (適用不能) のいずれか (JIS X 0303)");
  }
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
  MYNACERT_ASSIGN_OR_RETURN(int64_t id, store_.AddResident(r, at));
  MYNACERT_RETURN_IF_ERROR(
      Audit(store_, clerk, 0, id, "resident_add",
            json{{"municipality", r.municipality}, {"household", r.household}}.dump(), at));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return id;
}

Result<ChangeReport> Registry::ChangeResident(int64_t id, const ResidentChange& change, Date on,
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
          MYNACERT_RETURN_IF_ERROR(
              store_.EndCert("sign", serial, "revoked", "affiliationChanged", on));
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
    MYNACERT_RETURN_IF_ERROR(Audit(store_, clerk, 0, id, "resident_change",
                                   json{{"fields", report.fields},
                                        {"on", on.ToString()},
                                        {"sign_revoked", serial},
                                        {"rule", serial.empty() ? "" : "R-CERT-5"}}
                                       .dump(),
                                   at));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    if (!serial.empty()) report.revoked_serials.push_back(serial);
  }
  if (ca) MYNACERT_RETURN_IF_ERROR(DeliverRevocations(*ca, clerk, at, nullptr));
  return report;
}

Result<std::optional<rules::Assessment>> Registry::AssessResident(const Resident& r, Date today) {
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

Status Registry::DeliverRevocations(pki::CaStore& ca, std::string_view clerk, int64_t now,
                                    std::vector<std::string>* delivered) {
  MYNACERT_ASSIGN_OR_RETURN(auto pending, store_.PendingRevocations());
  for (const CounterStore::PendingRevocation& p : pending) {
    MYNACERT_ASSIGN_OR_RETURN(const pki::CaKind kind,
                              internal::ParseKeyKind(p.kind, "pending_revocations.kind"));
    MYNACERT_ASSIGN_OR_RETURN(auto found, ca.Find(kind, p.serial));
    if (found && found->state != pki::CertState::kRevoked) {
      MYNACERT_ASSIGN_OR_RETURN(pki::RevocationReason reason,
                                pki::ParseRevocationReason(p.reason, "reason"));
      MYNACERT_RETURN_IF_ERROR(ca.Revoke(kind, p.serial, reason, p.at, p.clerk,
                                         "R-CERT-5: 住民記録の変更 (residence record changed)"));
    }
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MYNACERT_RETURN_IF_ERROR(store_.MarkRevocationDone(p.id));
    MYNACERT_RETURN_IF_ERROR(Audit(
        store_, clerk, 0, p.resident_id, "ca_revoked",
        json{{"kind", p.kind}, {"serial", p.serial}, {"reason", p.reason}, {"rule", "R-CERT-5"}}
            .dump(),
        now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    if (delivered) delivered->push_back(p.serial);
  }
  return {};
}

}  // namespace mynacert::counter
