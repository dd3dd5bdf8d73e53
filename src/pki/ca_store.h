// The CA's memory: every certificate issued, its revocation state, the CRLs published and an
// audit trail of every action (who, when, what), behind the store interface (store/database.h)
// so that the same SQL runs on SQLite now and PostgreSQL later.
//
// Tables (migration "ca" v1):
//   ca_certificates  one row per issued certificate (DER kept), state good|revoked|hold,
//                    revocation time and RFC 5280 reason, `changed_seq` = the event that last
//                    changed it (delta CRLs and the OCSP cache follow it)
//   ca_events        the audit trail: seq, time, actor, action (issue, revoke, hold, release,
//                    crl), the certificate, the reason, a note. Append only.
//   ca_crls          every CRL published: number, full or delta (base), times, the last event
//                    it includes
//   ca_counters      event seq and CRL numbers, allocated inside the writing transaction
//
// Every change is one transaction: a renewal's new certificate and the revocation of the old
// one (superseded) commit together or not at all.
//
// Thread-safety: one CaStore per thread (it owns one connection).
#ifndef MYNACERT_PKI_CA_STORE_H_
#define MYNACERT_PKI_CA_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "pki/certificate.h"
#include "store/database.h"

namespace mynacert::pki {

// RFC 5280 5.3.1 CRLReason (7 is not used).
enum class RevocationReason : int {
  kUnspecified = 0,
  kKeyCompromise = 1,
  kCaCompromise = 2,
  kAffiliationChanged = 3,  // R-CERT-5: the recorded name, address, birth date or sex changed
  kSuperseded = 4,          // renewal: the new certificate replaces this one
  kCessationOfOperation = 5,
  kCertificateHold = 6,  // 一時保留: can be released
  kRemoveFromCrl = 8,    // delta CRLs only: a hold was released
  kPrivilegeWithdrawn = 9,
};
// "keyCompromise" <-> kKeyCompromise; errors name `field` and list the accepted names.
Result<RevocationReason> ParseRevocationReason(std::string_view name, std::string_view field);
std::string_view RevocationReasonName(RevocationReason reason);

enum class CertState { kGood, kRevoked, kOnHold };
std::string_view CertStateName(CertState state);  // "good", "revoked", "hold"

struct IssuedCert {
  CaKind kind = CaKind::kSign;
  int generation = 1;
  std::string serial_hex;  // upper-case hex of the serial, no leading zeros (BN_bn2hex)
  std::string subject_cn;
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
  int64_t issued_at = 0;
  std::string der;
  std::string holder_ref;  // the counter's reference for the card/holder ("" if none)
  std::string crl_scope;   // its CRL partition (publication.h); "" if issued before partitions
  CertState state = CertState::kGood;
  int64_t revoked_at = 0;
  RevocationReason reason = RevocationReason::kUnspecified;
  int64_t changed_seq = 0;
};

// The row for a certificate just signed.
Result<IssuedCert> DescribeIssued(X509* cert, CaKind kind, int generation, int64_t issued_at,
                                  std::string holder_ref);
// The same from the issuance fast path (no parsing).
IssuedCert DescribeIssued(IssuedDer issued, CaKind kind, int generation, std::string subject_cn,
                          int64_t issued_at, std::string holder_ref);

struct CaEvent {
  int64_t seq = 0;
  int64_t at = 0;
  std::string actor;
  std::string action;  // issue, renew, revoke, hold, release, crl
  std::string ca_kind;
  std::string serial_hex;
  std::optional<RevocationReason> reason;
  std::string note;
};

struct CrlRecord {
  int64_t number = 0;
  int generation = 1;
  std::optional<int64_t> delta_base;  // set for a delta CRL
  int64_t this_update = 0;
  int64_t next_update = 0;
  int64_t last_seq = 0;  // the last event the CRL reflects
  int64_t entries = 0;
  std::string scope;  // the partition (publication.h); "" = the whole generation
};

class CaStore {
 public:
  // Migrates the schema, then wraps `db`.
  static Result<std::unique_ptr<CaStore>> Open(std::unique_ptr<store::Database> db);
  // The database a locator names (store::Open: a SQLite path — the CLI's default is
  // <ca dir>/ca.db — or postgresql://…).
  static Result<std::unique_ptr<CaStore>> Open(const std::string& locator);

  Status RecordIssued(const IssuedCert& cert, std::string_view actor);
  // Several certificates and their `issue` events in one transaction: one commit (one fsync)
  // for the group, event numbers in the order given. All or nothing: an error (a duplicate
  // serial) records none of them. IssuanceCommitter (pki/issuance_committer.h) forms the
  // groups from concurrent issuers.
  struct Issuance {
    const IssuedCert* cert = nullptr;
    std::string_view actor;
  };
  Status RecordIssuedGroup(std::span<const Issuance> group);
  // Renewal (issue 3): the new certificate, and the old one revoked `superseded` at `at`, in
  // one transaction. The old one must be of the same kind and not already revoked.
  Status RecordRenewal(const IssuedCert& new_cert, std::string_view old_serial_hex, int64_t at,
                       std::string_view actor);
  // Revokes (or puts on hold, for kCertificateHold). A held certificate may be revoked for a
  // final reason; a revoked one cannot change. kRemoveFromCrl is not a revocation reason.
  Status Revoke(CaKind kind, std::string_view serial_hex, RevocationReason reason, int64_t at,
                std::string_view actor, std::string_view note = {});
  // Several revocations in one transaction, all or none: a hotline call puts both of a card's
  // certificates on hold at once (R-LOST-1), so OCSP never answers one held and one good. A
  // revoked certificate (final, whatever its reason) and a held one asked to be held again are
  // left as they are, so a delivery repeated after a crash changes nothing.
  struct Revocation {
    CaKind kind = CaKind::kAuth;
    std::string serial_hex;
    RevocationReason reason = RevocationReason::kUnspecified;
  };
  Status RevokeAll(std::span<const Revocation> revocations, int64_t at, std::string_view actor,
                   std::string_view note = {});
  // Releases a hold: the certificate is good again (delta CRLs list it as removeFromCRL).
  Status ReleaseHold(CaKind kind, std::string_view serial_hex, int64_t at, std::string_view actor,
                     std::string_view note = {});

  Result<std::optional<IssuedCert>> Find(CaKind kind, std::string_view serial_hex);
  // The certificates of a holder reference, newest first.
  Result<std::vector<IssuedCert>> FindByHolder(std::string_view holder_ref);

  // Revoked and held certificates of one CA generation (the full CRL's entries); with a
  // `scope`, of that partition only.
  using EntryFn =
      std::function<void(std::string_view serial_hex, int64_t revoked_at, RevocationReason reason)>;
  Status ForEachRevoked(CaKind kind, int generation, const EntryFn& fn,
                        const std::optional<std::string>& scope = std::nullopt);
  // Certificates of one generation (and partition) whose state changed after event `seq` (a
  // delta CRL; good ones are reported with kRemoveFromCrl).
  Status ForEachChangedSince(CaKind kind, int generation, int64_t seq, const EntryFn& fn,
                             const std::optional<std::string>& scope = std::nullopt);
  // The CRL partitions that hold certificates of one generation, sorted (issue 18: what
  // `ca crl --partitions` writes; certificates from before partitions, scope '', are left out).
  Result<std::vector<std::string>> Scopes(CaKind kind, int generation);
  // Whether a certificate of that generation and partition changed after event `seq`.
  Result<bool> ScopeChangedSince(CaKind kind, int generation, std::string_view scope, int64_t seq);
  // Serials (of any kind) changed after `seq`, and the newest seq (the OCSP cache's refresh).
  Result<std::vector<std::pair<CaKind, std::string>>> ChangedSince(int64_t seq, int64_t* last);
  Result<int64_t> LastSeq();

  // CRL publication: allocates the next CRL number of (kind) and records the CRL with its
  // event, in the caller's open transaction (see Database()).
  Result<int64_t> RecordCrl(CaKind kind, CrlRecord record, std::string_view actor);
  Result<std::optional<CrlRecord>> LastFullCrl(CaKind kind, int generation,
                                               std::string_view scope = "");

  Result<std::vector<CaEvent>> Events(int64_t after_seq, int limit);

  store::Database& database() { return *db_; }

 private:
  explicit CaStore(std::unique_ptr<store::Database> db) : db_(std::move(db)) {}
  // Adds `step` to a counter; returns its new value (the last of the `step` numbers taken).
  Result<int64_t> NextCounter(std::string_view name, int64_t step = 1);
  Status AppendEvent(const CaEvent& event);
  Status AppendEvents(std::span<const CaEvent> events);  // multi-row INSERTs
  Status Insert(const IssuedCert& cert, int64_t seq);
  // The certificates as new good rows, changed_seq first_seq, first_seq + 1, …
  Status InsertAll(std::span<const IssuedCert* const> certs, int64_t first_seq);
  Status ChangeState(CaKind kind, std::string_view serial_hex, RevocationReason reason, int64_t at,
                     std::string_view actor, std::string_view note, bool release,
                     std::string_view action);

  std::unique_ptr<store::Database> db_;
};

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_CA_STORE_H_
