#include "pki/ca_store.h"

#include <algorithm>
#include <array>
#include <utility>

#include <openssl/x509v3.h>

namespace mynacert::pki {
namespace {

// The schema steps: src/store/migrations/ca/*.sql, compiled in by CMake.
constexpr store::Migration kMigrations[] = {
#include "ca_migrations.inc"
};

constexpr std::array<std::pair<RevocationReason, std::string_view>, 9> kReasonNames = {{
    {RevocationReason::kUnspecified, "unspecified"},
    {RevocationReason::kKeyCompromise, "keyCompromise"},
    {RevocationReason::kCaCompromise, "cACompromise"},
    {RevocationReason::kAffiliationChanged, "affiliationChanged"},
    {RevocationReason::kSuperseded, "superseded"},
    {RevocationReason::kCessationOfOperation, "cessationOfOperation"},
    {RevocationReason::kCertificateHold, "certificateHold"},
    {RevocationReason::kRemoveFromCrl, "removeFromCRL"},
    {RevocationReason::kPrivilegeWithdrawn, "privilegeWithdrawn"},
}};

CertState StateFromText(std::string_view s) {
  if (s == "revoked") return CertState::kRevoked;
  if (s == "hold") return CertState::kOnHold;
  return CertState::kGood;
}

CaKind KindFromText(std::string_view s) { return s == "auth" ? CaKind::kAuth : CaKind::kSign; }

constexpr std::string_view kSelectColumns =
    "SELECT ca_kind, ca_generation, serial, subject_cn, not_before, not_after, issued_at, der, "
    "holder_ref, state, revoked_at, reason, changed_seq, crl_scope FROM ca_certificates ";

IssuedCert ReadRow(store::Statement& s) {
  IssuedCert c;
  c.kind = KindFromText(s.ColumnText(0));
  c.generation = static_cast<int>(s.ColumnInt(1));
  c.serial_hex = s.ColumnText(2);
  c.subject_cn = s.ColumnText(3);
  c.not_before = s.ColumnInt(4);
  c.not_after = s.ColumnInt(5);
  c.issued_at = s.ColumnInt(6);
  c.der = s.ColumnBlob(7);
  c.holder_ref = s.ColumnText(8);
  c.state = StateFromText(s.ColumnText(9));
  c.revoked_at = s.ColumnIsNull(10) ? 0 : s.ColumnInt(10);
  c.reason = s.ColumnIsNull(11) ? RevocationReason::kUnspecified
                                : static_cast<RevocationReason>(s.ColumnInt(11));
  c.changed_seq = s.ColumnInt(12);
  c.crl_scope = s.ColumnText(13);
  return c;
}

// The partition a certificate's distribution point names (its URL's path after /crl/), or "".
std::string CrlScopeOf(X509* cert) {
  std::string out;
  auto* points = static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr));
  for (int i = 0; points && out.empty() && i < sk_DIST_POINT_num(points); ++i) {
    const DIST_POINT* p = sk_DIST_POINT_value(points, i);
    if (!p->distpoint || p->distpoint->type != 0) continue;
    const GENERAL_NAMES* names = p->distpoint->name.fullname;
    for (int j = 0; out.empty() && j < sk_GENERAL_NAME_num(names); ++j) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, j);
      if (g->type != GEN_URI) continue;
      const std::string_view url(reinterpret_cast<const char*>(ASN1_STRING_get0_data(g->d.uniformResourceIdentifier)),
                                 static_cast<size_t>(ASN1_STRING_length(g->d.uniformResourceIdentifier)));
      const size_t at = url.find("/crl/");
      if (at == std::string_view::npos) continue;
      if (auto parsed = ParseCrlPath(url.substr(at + 5)); parsed) out = parsed->scope;
    }
  }
  CRL_DIST_POINTS_free(points);
  return out;
}

Error SerialNotFound(std::string_view serial) {
  return NotFound("serial", "その証明書は発行されていません (no such certificate: " +
                                  std::string(serial) + ")");
}

}  // namespace

Result<RevocationReason> ParseRevocationReason(std::string_view name, std::string_view field) {
  std::string accepted;
  for (const auto& [reason, text] : kReasonNames) {
    if (text == name) return reason;
    if (!accepted.empty()) accepted += ", ";
    accepted += text;
  }
  return InvalidArgument(std::string(field),
                         "失効理由が不明です (unknown revocation reason \"" + std::string(name) +
                             "\"; one of " + accepted + ")",
                         "R-CERT-5");
}

std::string_view RevocationReasonName(RevocationReason reason) {
  for (const auto& [r, text] : kReasonNames) {
    if (r == reason) return text;
  }
  return "unspecified";
}

std::string_view CertStateName(CertState state) {
  switch (state) {
    case CertState::kGood:
      return "good";
    case CertState::kRevoked:
      return "revoked";
    case CertState::kOnHold:
      return "hold";
  }
  return "good";
}

Result<IssuedCert> DescribeIssued(X509* cert, CaKind kind, int generation, int64_t issued_at,
                                  std::string holder_ref) {
  IssuedCert c;
  c.kind = kind;
  c.generation = generation;
  c.serial_hex = SerialHex(X509_get0_serialNumber(cert));
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (at >= 0) {
    const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at));
    c.subject_cn.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                        static_cast<size_t>(ASN1_STRING_length(cn)));
  }
  c.not_before = Asn1Seconds(X509_get0_notBefore(cert));
  c.not_after = Asn1Seconds(X509_get0_notAfter(cert));
  c.issued_at = issued_at;
  c.der = CertificateDer(cert);
  c.holder_ref = std::move(holder_ref);
  c.crl_scope = CrlScopeOf(cert);
  if (c.serial_hex.empty() || c.der.empty())
    return Error{ErrorCode::kInternal, "certificate", "cannot read the issued certificate", ""};
  return c;
}

IssuedCert DescribeIssued(IssuedDer issued, CaKind kind, int generation, std::string subject_cn,
                          int64_t issued_at, std::string holder_ref) {
  IssuedCert c;
  c.kind = kind;
  c.generation = generation;
  c.serial_hex = std::move(issued.serial_hex);
  c.subject_cn = std::move(subject_cn);
  c.not_before = issued.not_before;
  c.not_after = issued.not_after;
  c.issued_at = issued_at;
  c.der = std::move(issued.der);
  c.holder_ref = std::move(holder_ref);
  c.crl_scope = std::move(issued.crl_scope);
  return c;
}

Result<std::unique_ptr<CaStore>> CaStore::Open(std::unique_ptr<store::Database> db) {
  MYNACERT_RETURN_IF_ERROR(store::Migrate(*db, "ca", kMigrations));
  return std::unique_ptr<CaStore>(new CaStore(std::move(db)));
}

Result<std::unique_ptr<CaStore>> CaStore::Open(const std::string& locator) {
  MYNACERT_ASSIGN_OR_RETURN(std::unique_ptr<store::Database> db, store::Open(locator));
  return Open(std::move(db));
}

Result<int64_t> CaStore::NextCounter(std::string_view name, int64_t step) {
  // One statement, one round trip (SQLite ≥ 3.35 and PostgreSQL both have RETURNING).
  MYNACERT_ASSIGN_OR_RETURN(
      auto update,
      db_->Prepare("UPDATE ca_counters SET value = value + $2 WHERE name = $1 RETURNING value"));
  MYNACERT_RETURN_IF_ERROR(update->BindText(1, name));
  MYNACERT_RETURN_IF_ERROR(update->BindInt(2, step));
  MYNACERT_ASSIGN_OR_RETURN(bool row, update->Step());
  if (!row) return Error{ErrorCode::kInternal, "ca_counters", "missing counter", ""};
  return update->ColumnInt(0);
}

namespace {

// Rows per statement: well under SQLite's 32 766 parameters.
constexpr size_t kRowsPerStatement = 64;

}  // namespace

Status CaStore::AppendEvent(const CaEvent& e) { return AppendEvents(std::span(&e, 1)); }

Status CaStore::AppendEvents(std::span<const CaEvent> events) {
  for (size_t start = 0; start < events.size(); start += kRowsPerStatement) {
    const auto chunk = events.subspan(start, std::min(kRowsPerStatement, events.size() - start));
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, db_->Prepare("INSERT INTO ca_events (seq, at, actor, action, ca_kind, serial, "
                             "reason, note) VALUES " + store::ValuesList(chunk.size(), 8)));
    int p = 0;
    for (const CaEvent& e : chunk) {
      MYNACERT_RETURN_IF_ERROR(s->BindInt(++p, e.seq));
      MYNACERT_RETURN_IF_ERROR(s->BindInt(++p, e.at));
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, e.actor));
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, e.action));
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, e.ca_kind));
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, e.serial_hex));
      if (e.reason) {
        MYNACERT_RETURN_IF_ERROR(s->BindInt(++p, static_cast<int>(*e.reason)));
      } else {
        MYNACERT_RETURN_IF_ERROR(s->BindNull(++p));
      }
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, e.note));
    }
    MYNACERT_RETURN_IF_ERROR(s->Step());
  }
  return {};
}

Status CaStore::Insert(const IssuedCert& c, int64_t seq) {
  const IssuedCert* one = &c;
  return InsertAll(std::span(&one, 1), seq);
}

Status CaStore::InsertAll(std::span<const IssuedCert* const> certs, int64_t first_seq) {
  int64_t seq = first_seq;
  for (size_t start = 0; start < certs.size(); start += kRowsPerStatement) {
    const auto chunk = certs.subspan(start, std::min(kRowsPerStatement, certs.size() - start));
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, db_->Prepare(
                    "INSERT INTO ca_certificates (ca_kind, ca_generation, serial, subject_cn, "
                    "not_before, not_after, issued_at, der, holder_ref, changed_seq, crl_scope, "
                    "state) VALUES " + store::ValuesList(chunk.size(), 11, ", 'good'")));
    int p = 0;
    for (const IssuedCert* c : chunk) {
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, CaKindName(c->kind)));
      MYNACERT_RETURN_IF_ERROR(s->BindInt(++p, c->generation));
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, c->serial_hex));
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, c->subject_cn));
      MYNACERT_RETURN_IF_ERROR(s->BindInt(++p, c->not_before));
      MYNACERT_RETURN_IF_ERROR(s->BindInt(++p, c->not_after));
      MYNACERT_RETURN_IF_ERROR(s->BindInt(++p, c->issued_at));
      MYNACERT_RETURN_IF_ERROR(s->BindBlob(++p, c->der));
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, c->holder_ref));
      MYNACERT_RETURN_IF_ERROR(s->BindInt(++p, seq++));
      MYNACERT_RETURN_IF_ERROR(s->BindText(++p, c->crl_scope));
    }
    MYNACERT_RETURN_IF_ERROR(s->Step());
  }
  return {};
}

Status CaStore::RecordIssued(const IssuedCert& cert, std::string_view actor) {
  const Issuance one{&cert, actor};
  return RecordIssuedGroup(std::span(&one, 1));
}

Status CaStore::RecordIssuedGroup(std::span<const Issuance> group) {
  if (group.empty()) return {};
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  // The group's event numbers in one update: the writers' lock keeps them in commit order,
  // which the OCSP caches' refresh (ChangedSince) and delta CRLs rely on.
  MYNACERT_ASSIGN_OR_RETURN(const int64_t last,
                            NextCounter("event_seq", static_cast<int64_t>(group.size())));
  const int64_t first = last - static_cast<int64_t>(group.size()) + 1;
  std::vector<const IssuedCert*> certs;
  std::vector<CaEvent> events;
  certs.reserve(group.size());
  events.reserve(group.size());
  int64_t seq = first;
  for (const Issuance& i : group) {
    certs.push_back(i.cert);
    events.push_back(CaEvent{seq++, i.cert->issued_at, std::string(i.actor), "issue",
                             std::string(CaKindName(i.cert->kind)), i.cert->serial_hex,
                             std::nullopt, i.cert->subject_cn});
  }
  MYNACERT_RETURN_IF_ERROR(InsertAll(certs, first));
  MYNACERT_RETURN_IF_ERROR(AppendEvents(events));
  return tx.Commit();
}

Status CaStore::ChangeState(CaKind kind, std::string_view serial, RevocationReason reason,
                            int64_t at, std::string_view actor, std::string_view note, bool release,
                            std::string_view action) {
  MYNACERT_ASSIGN_OR_RETURN(std::optional<IssuedCert> current, Find(kind, serial));
  if (!current) return SerialNotFound(serial);
  if (release) {
    if (current->state != CertState::kOnHold) {
      return Error{ErrorCode::kFailedPrecondition, "serial",
                   "一時保留中ではないため解除できません (the certificate is not on hold)", ""};
    }
  } else {
    if (reason == RevocationReason::kRemoveFromCrl) {
      return InvalidArgument("reason",
                             "removeFromCRL は失効理由ではありません (removeFromCRL is not a "
                             "revocation reason; use ca release)");
    }
    if (current->state == CertState::kRevoked) {
      return Error{ErrorCode::kFailedPrecondition, "serial",
                   "既に失効しています (already revoked: " +
                       std::string(RevocationReasonName(current->reason)) + ")",
                   ""};
    }
    if (current->state == CertState::kOnHold && reason == RevocationReason::kCertificateHold) {
      return Error{ErrorCode::kFailedPrecondition, "serial",
                   "既に一時保留中です (already on hold)", ""};
    }
  }
  MYNACERT_ASSIGN_OR_RETURN(int64_t seq, NextCounter("event_seq"));
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare("UPDATE ca_certificates SET state = $1, revoked_at = $2, reason = $3, "
                           "changed_seq = $4 WHERE ca_kind = $5 AND serial = $6"));
  if (release) {
    MYNACERT_RETURN_IF_ERROR(s->BindText(1, "good"));
    MYNACERT_RETURN_IF_ERROR(s->BindNull(2));
    MYNACERT_RETURN_IF_ERROR(s->BindNull(3));
  } else {
    MYNACERT_RETURN_IF_ERROR(
        s->BindText(1, reason == RevocationReason::kCertificateHold ? "hold" : "revoked"));
    MYNACERT_RETURN_IF_ERROR(s->BindInt(2, at));
    MYNACERT_RETURN_IF_ERROR(s->BindInt(3, static_cast<int>(reason)));
  }
  MYNACERT_RETURN_IF_ERROR(s->BindInt(4, seq));
  MYNACERT_RETURN_IF_ERROR(s->BindText(5, CaKindName(kind)));
  MYNACERT_RETURN_IF_ERROR(s->BindText(6, serial));
  MYNACERT_RETURN_IF_ERROR(s->Step());
  std::optional<RevocationReason> logged;
  if (!release) logged = reason;
  return AppendEvent(CaEvent{seq, at, std::string(actor), std::string(action),
                             std::string(CaKindName(kind)), std::string(serial), logged,
                             std::string(note)});
}

Status CaStore::Revoke(CaKind kind, std::string_view serial, RevocationReason reason, int64_t at,
                       std::string_view actor, std::string_view note) {
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  MYNACERT_RETURN_IF_ERROR(
      ChangeState(kind, serial, reason, at, actor, note, false,
                  reason == RevocationReason::kCertificateHold ? "hold" : "revoke"));
  return tx.Commit();
}

Status CaStore::RevokeAll(std::span<const Revocation> revocations, int64_t at,
                          std::string_view actor, std::string_view note) {
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  for (const Revocation& r : revocations) {
    MYNACERT_ASSIGN_OR_RETURN(std::optional<IssuedCert> current, Find(r.kind, r.serial_hex));
    if (!current) return SerialNotFound(r.serial_hex);
    const bool hold = r.reason == RevocationReason::kCertificateHold;
    // Revoked is final (whatever its reason); held is final for another hold.
    if (current->state == CertState::kRevoked) continue;
    if (hold && current->state == CertState::kOnHold) continue;
    MYNACERT_RETURN_IF_ERROR(ChangeState(r.kind, r.serial_hex, r.reason, at, actor, note, false,
                                         hold ? "hold" : "revoke"));
  }
  return tx.Commit();
}

Status CaStore::ReleaseHold(CaKind kind, std::string_view serial, int64_t at,
                            std::string_view actor, std::string_view note) {
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  MYNACERT_RETURN_IF_ERROR(ChangeState(kind, serial, RevocationReason::kRemoveFromCrl, at, actor,
                                       note, true, "release"));
  return tx.Commit();
}

Status CaStore::RecordRenewal(const IssuedCert& new_cert, std::string_view old_serial, int64_t at,
                              std::string_view actor) {
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  MYNACERT_ASSIGN_OR_RETURN(int64_t seq, NextCounter("event_seq"));
  MYNACERT_RETURN_IF_ERROR(Insert(new_cert, seq));
  MYNACERT_RETURN_IF_ERROR(AppendEvent(CaEvent{
      seq, new_cert.issued_at, std::string(actor), "renew", std::string(CaKindName(new_cert.kind)),
      new_cert.serial_hex, std::nullopt, "replaces " + std::string(old_serial)}));
  MYNACERT_RETURN_IF_ERROR(ChangeState(new_cert.kind, old_serial, RevocationReason::kSuperseded, at,
                                       actor, "renewed as " + new_cert.serial_hex, false,
                                       "revoke"));
  return tx.Commit();
}

Result<std::optional<IssuedCert>> CaStore::Find(CaKind kind, std::string_view serial) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare(std::string(kSelectColumns) + "WHERE ca_kind = $1 AND serial = $2"));
  MYNACERT_RETURN_IF_ERROR(s->BindText(1, CaKindName(kind)));
  MYNACERT_RETURN_IF_ERROR(s->BindText(2, serial));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<IssuedCert>();
  return std::optional<IssuedCert>(ReadRow(*s));
}

Result<std::vector<IssuedCert>> CaStore::FindByHolder(std::string_view holder_ref) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare(std::string(kSelectColumns) +
                           "WHERE holder_ref = $1 ORDER BY issued_at DESC, changed_seq DESC"));
  MYNACERT_RETURN_IF_ERROR(s->BindText(1, holder_ref));
  std::vector<IssuedCert> out;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadRow(*s));
  }
  return out;
}

Status CaStore::ForEachRevoked(CaKind kind, int generation, const EntryFn& fn,
                               const std::optional<std::string>& scope) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare(scope ? "SELECT serial, revoked_at, reason FROM ca_certificates WHERE "
                                   "ca_kind = $1 AND ca_generation = $2 AND crl_scope = $3 AND "
                                   "state IN ('revoked', 'hold')"
                                 : "SELECT serial, revoked_at, reason FROM ca_certificates WHERE "
                                   "ca_kind = $1 AND ca_generation = $2 AND state IN ('revoked', "
                                   "'hold')"));
  MYNACERT_RETURN_IF_ERROR(s->BindText(1, CaKindName(kind)));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(2, generation));
  if (scope) MYNACERT_RETURN_IF_ERROR(s->BindText(3, *scope));
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return {};
    fn(s->ColumnText(0), s->ColumnInt(1), static_cast<RevocationReason>(s->ColumnInt(2)));
  }
}

Status CaStore::ForEachChangedSince(CaKind kind, int generation, int64_t seq, const EntryFn& fn,
                                    const std::optional<std::string>& scope) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare(std::string("SELECT serial, state, revoked_at, reason, changed_seq FROM "
                                       "ca_certificates WHERE changed_seq > $3 AND ca_kind = $1 AND "
                                       "ca_generation = $2") +
                           (scope ? " AND crl_scope = $4" : "")));
  MYNACERT_RETURN_IF_ERROR(s->BindText(1, CaKindName(kind)));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(2, generation));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(3, seq));
  if (scope) MYNACERT_RETURN_IF_ERROR(s->BindText(4, *scope));
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return {};
    const CertState state = StateFromText(s->ColumnText(1));
    if (state == CertState::kGood) {
      // Issued after the base (nothing to say) or released from hold (removeFromCRL).
      MYNACERT_ASSIGN_OR_RETURN(
          auto at, db_->Prepare("SELECT at FROM ca_events WHERE ca_kind = $1 AND serial = $2 AND "
                                "action = 'release' AND seq > $3 ORDER BY seq DESC"));
      MYNACERT_RETURN_IF_ERROR(at->BindText(1, CaKindName(kind)));
      MYNACERT_RETURN_IF_ERROR(at->BindText(2, s->ColumnText(0)));
      MYNACERT_RETURN_IF_ERROR(at->BindInt(3, seq));
      MYNACERT_ASSIGN_OR_RETURN(bool has, at->Step());
      if (!has) continue;
      fn(s->ColumnText(0), at->ColumnInt(0), RevocationReason::kRemoveFromCrl);
      continue;
    }
    fn(s->ColumnText(0), s->ColumnInt(2), static_cast<RevocationReason>(s->ColumnInt(3)));
  }
}

Result<std::vector<std::string>> CaStore::Scopes(CaKind kind, int generation) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare("SELECT DISTINCT crl_scope FROM ca_certificates WHERE ca_kind = $1 AND "
                           "ca_generation = $2 AND crl_scope <> '' ORDER BY crl_scope"));
  MYNACERT_RETURN_IF_ERROR(s->BindText(1, CaKindName(kind)));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(2, generation));
  std::vector<std::string> out;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.emplace_back(s->ColumnText(0));
  }
  return out;
}

Result<bool> CaStore::ScopeChangedSince(CaKind kind, int generation, std::string_view scope,
                                        int64_t seq) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare("SELECT 1 FROM ca_certificates WHERE changed_seq > $4 AND ca_kind = $1 "
                           "AND ca_generation = $2 AND crl_scope = $3 LIMIT 1"));
  MYNACERT_RETURN_IF_ERROR(s->BindText(1, CaKindName(kind)));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(2, generation));
  MYNACERT_RETURN_IF_ERROR(s->BindText(3, scope));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(4, seq));
  return s->Step();
}

Result<std::vector<std::pair<CaKind, std::string>>> CaStore::ChangedSince(int64_t seq,
                                                                          int64_t* last) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare("SELECT ca_kind, serial, changed_seq FROM ca_certificates WHERE "
                           "changed_seq > $1"));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(1, seq));
  std::vector<std::pair<CaKind, std::string>> out;
  *last = seq;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.emplace_back(KindFromText(s->ColumnText(0)), std::string(s->ColumnText(1)));
    *last = std::max(*last, s->ColumnInt(2));
  }
  return out;
}

Result<int64_t> CaStore::LastSeq() {
  MYNACERT_ASSIGN_OR_RETURN(auto s,
                            db_->Prepare("SELECT value FROM ca_counters WHERE name = 'event_seq'"));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->ColumnInt(0) : 0;
}

Result<int64_t> CaStore::RecordCrl(CaKind kind, CrlRecord r, std::string_view actor) {
  MYNACERT_ASSIGN_OR_RETURN(int64_t number,
                            NextCounter(kind == CaKind::kSign ? "crl_sign" : "crl_auth"));
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare("INSERT INTO ca_crls (ca_kind, crl_number, ca_generation, delta_base, "
                           "this_update, next_update, last_seq, entries, crl_scope) VALUES ($1, "
                           "$2, $3, $4, $5, $6, $7, $8, $9)"));
  MYNACERT_RETURN_IF_ERROR(s->BindText(1, CaKindName(kind)));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(2, number));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(3, r.generation));
  if (r.delta_base) {
    MYNACERT_RETURN_IF_ERROR(s->BindInt(4, *r.delta_base));
  } else {
    MYNACERT_RETURN_IF_ERROR(s->BindNull(4));
  }
  MYNACERT_RETURN_IF_ERROR(s->BindInt(5, r.this_update));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(6, r.next_update));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(7, r.last_seq));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(8, r.entries));
  MYNACERT_RETURN_IF_ERROR(s->BindText(9, r.scope));
  MYNACERT_RETURN_IF_ERROR(s->Step());
  MYNACERT_ASSIGN_OR_RETURN(int64_t seq, NextCounter("event_seq"));
  MYNACERT_RETURN_IF_ERROR(AppendEvent(
      CaEvent{seq, r.this_update, std::string(actor), "crl", std::string(CaKindName(kind)), "",
              std::nullopt,
              (r.delta_base ? "delta CRL " : "CRL ") + std::to_string(number) + " generation " +
                  std::to_string(r.generation) + (r.scope.empty() ? "" : " partition " + r.scope) +
                  ", " + std::to_string(r.entries) + " entries"}));
  return number;
}

Result<std::optional<CrlRecord>> CaStore::LastFullCrl(CaKind kind, int generation,
                                                      std::string_view scope) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare("SELECT crl_number, this_update, next_update, last_seq, entries FROM "
                           "ca_crls WHERE ca_kind = $1 AND ca_generation = $2 AND crl_scope = $3 "
                           "AND delta_base IS NULL ORDER BY crl_number DESC LIMIT 1"));
  MYNACERT_RETURN_IF_ERROR(s->BindText(1, CaKindName(kind)));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(2, generation));
  MYNACERT_RETURN_IF_ERROR(s->BindText(3, scope));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<CrlRecord>();
  CrlRecord r;
  r.number = s->ColumnInt(0);
  r.generation = generation;
  r.this_update = s->ColumnInt(1);
  r.next_update = s->ColumnInt(2);
  r.last_seq = s->ColumnInt(3);
  r.entries = s->ColumnInt(4);
  r.scope = std::string(scope);
  return std::optional<CrlRecord>(r);
}

Result<std::vector<CaEvent>> CaStore::Events(int64_t after_seq, int limit) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, db_->Prepare("SELECT seq, at, actor, action, ca_kind, serial, reason, note FROM "
                           "ca_events WHERE seq > $1 ORDER BY seq LIMIT $2"));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(1, after_seq));
  MYNACERT_RETURN_IF_ERROR(s->BindInt(2, limit));
  std::vector<CaEvent> out;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    CaEvent e;
    e.seq = s->ColumnInt(0);
    e.at = s->ColumnInt(1);
    e.actor = s->ColumnText(2);
    e.action = s->ColumnText(3);
    e.ca_kind = s->ColumnText(4);
    e.serial_hex = s->ColumnText(5);
    if (!s->ColumnIsNull(6)) e.reason = static_cast<RevocationReason>(s->ColumnInt(6));
    e.note = s->ColumnText(7);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace mynacert::pki
