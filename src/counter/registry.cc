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
  // The card's newest sign certificate revoked and not replaced: a move (R-CERT-5), a switch to
  // a face card (R-FACE-3) or the holder's own request (R-REV-2). An auth certificate renewed
  // since (a face card's renewal) is the assessment's issue date: the revocation is dated no
  // earlier.
  if (sign && sign->state == "revoked" && sign->ended_on) {
    f.sign_revoked_on = auth && *sign->ended_on < auth->issued ? auth->issued : *sign->ended_on;
  }
  f.certs_held = card->suspended() || (auth && auth->state == "held");
  MYNACERT_ASSIGN_OR_RETURN(rules::Assessment a, rules::Assess(f, today, m->rules));
  return std::optional<rules::Assessment>(std::move(a));
}

Status Registry::DeliverRevocations(pki::CaStore& ca, std::string_view clerk, int64_t now,
                                    std::vector<std::string>* delivered) {
  MYNACERT_ASSIGN_OR_RETURN(auto pending, store_.PendingRevocations());
  // The rows one act queued (a hotline call's two holds: same resident, same time, same rule)
  // reach the CA in one transaction (CaStore::RevokeAll), so its OCSP never tells one held and
  // the other good.
  size_t i = 0;
  while (i < pending.size()) {
    size_t end = i + 1;
    while (end < pending.size() && pending[end].resident_id == pending[i].resident_id &&
           pending[end].at == pending[i].at && pending[end].rule == pending[i].rule) {
      ++end;
    }
    std::vector<pki::CaStore::Revocation> group;
    for (size_t k = i; k < end; ++k) {
      const CounterStore::PendingRevocation& p = pending[k];
      MYNACERT_ASSIGN_OR_RETURN(const pki::CaKind kind,
                                internal::ParseKeyKind(p.kind, "pending_revocations.kind"));
      MYNACERT_ASSIGN_OR_RETURN(pki::RevocationReason reason,
                                pki::ParseRevocationReason(p.reason, "reason"));
      // A certificate the CA never recorded (its issuance rolled back) has nothing to revoke.
      MYNACERT_ASSIGN_OR_RETURN(auto found, ca.Find(kind, p.serial));
      if (found) group.push_back({kind, p.serial, reason});
    }
    const std::string& rule = pending[i].rule;
    const std::string note =
        rule == "R-LOST-1"   ? "R-LOST-1: 紛失・盗難の届出による一時保留 (hold after a loss report)"
        : rule == "R-REV-2" ? "R-REV-2: 利用者による失効申請 (the holder's online request)"
                            : rule + ": 住民記録の変更 (residence record changed)";
    MYNACERT_RETURN_IF_ERROR(ca.RevokeAll(group, pending[i].at, pending[i].clerk, note));
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    for (size_t k = i; k < end; ++k) {
      const CounterStore::PendingRevocation& p = pending[k];
      MYNACERT_RETURN_IF_ERROR(store_.MarkRevocationDone(p.id));
      MYNACERT_RETURN_IF_ERROR(Audit(
          store_, clerk, 0, p.resident_id, "ca_revoked",
          json{{"kind", p.kind}, {"serial", p.serial}, {"reason", p.reason}, {"rule", p.rule}}.dump(),
          now));
    }
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    if (delivered) {
      for (size_t k = i; k < end; ++k) delivered->push_back(pending[k].serial);
    }
    i = end;
  }
  return {};
}

}  // namespace mynacert::counter
