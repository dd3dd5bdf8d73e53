#include "pki/crl.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "core/hex.h"
#include "pki/der.h"

namespace mynacert::pki {
namespace {

// One revokedCertificates entry. The reason code is omitted for unspecified (RFC 5280 5.3.1).
void AppendEntry(std::string& out, std::string_view serial_hex, int64_t revoked_at,
                 RevocationReason reason, std::string& scratch) {
  const size_t entry = der::Open(out, der::kSequence);
  mynacert::Unhex(serial_hex.size() % 2 ? "0" + std::string(serial_hex) : serial_hex, &scratch);
  der::AppendUnsignedInteger(out, scratch);
  der::AppendTime(out, revoked_at);
  if (reason != RevocationReason::kUnspecified) {
    // crlEntryExtensions: SEQUENCE { SEQUENCE { reasonCode 2.5.29.21, OCTET STRING {
    // ENUMERATED reason } } }, the same 14 bytes but the last for every entry.
    static constexpr char kReasonCode[] = "\x30\x0c\x30\x0a\x06\x03\x55\x1d\x15\x04\x03\x0a\x01";
    out.append(kReasonCode, sizeof(kReasonCode) - 1);
    out.push_back(static_cast<char>(reason));
  }
  der::Close(out, entry);
}

std::string KeyIdentifier(X509* ca_cert) {
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(ca_cert);
  if (!ski) return "";
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)),
                     static_cast<size_t>(ASN1_STRING_length(ski)));
}

}  // namespace

namespace {

// A CRL made and recorded but not yet signed: its record and TBSCertList.
struct Unsigned {
  CrlOutput out;  // der: the TBSCertList until Sign
};

Result<std::string> CheckCa(const CaGeneration& ca) {
  if (!ca.signer || !ca.cert) return InvalidArgument("ca", "認証局が読み込まれていません (no CA)");
  std::string key_id = KeyIdentifier(ca.cert.get());
  if (key_id.empty()) {
    return Error{ErrorCode::kFailedPrecondition, "ca",
                 "認証局証明書に SKI がありません (the CA certificate has no key identifier)", ""};
  }
  return key_id;
}

// Reads the entries, allocates and records the CRL's number and builds its TBSCertList, in the
// caller's open transaction.
Result<Unsigned> Prepare(CaStore& store, const CaGeneration& ca, int64_t this_update,
                         const CrlOptions& options, const std::string& key_id) {
  const std::string scope = options.scope.value_or("");
  if (options.scope && (scope.empty() || (ca.kind == CaKind::kSign) != (scope.find('/') != std::string::npos))) {
    return InvalidArgument("scope", "CRL の区分が正しくありません (not a partition of this CA: " + scope + ")");
  }
  CrlOutput out;
  out.record.generation = ca.generation;
  out.record.scope = scope;
  out.record.this_update = this_update;
  out.record.next_update = this_update + options.validity.count();

  MYNACERT_ASSIGN_OR_RETURN(out.record.last_seq, store.LastSeq());
  std::optional<CrlRecord> base;
  if (options.delta) {
    MYNACERT_ASSIGN_OR_RETURN(base, store.LastFullCrl(ca.kind, ca.generation, scope));
    if (!base) {
      return Error{ErrorCode::kFailedPrecondition, "delta",
                   "差分 CRL の基になる完全 CRL がありません (publish a full CRL first)", ""};
    }
    out.record.delta_base = base->number;
  }

  // Sized from the last full CRL (a CA publishes on a schedule, so the next one is about as
  // large): growing a buffer of tens of megabytes by doubling costs more in page faults and
  // copies than writing the entries.
  std::string entries;
  if (!options.delta) {
    MYNACERT_ASSIGN_OR_RETURN(std::optional<CrlRecord> last,
                              store.LastFullCrl(ca.kind, ca.generation, scope));
    if (last) entries.reserve(static_cast<size_t>(last->entries) * 52 + 4096);
  }
  std::string scratch;
  int64_t count = 0;
  auto add = [&](std::string_view serial, int64_t at, RevocationReason reason) {
    AppendEntry(entries, serial, at, reason, scratch);
    ++count;
  };
  if (options.delta) {
    MYNACERT_RETURN_IF_ERROR(
        store.ForEachChangedSince(ca.kind, ca.generation, base->last_seq, add, options.scope));
  } else {
    MYNACERT_RETURN_IF_ERROR(store.ForEachRevoked(ca.kind, ca.generation, add, options.scope));
  }
  out.record.entries = count;
  MYNACERT_ASSIGN_OR_RETURN(int64_t number, store.RecordCrl(ca.kind, out.record, options.actor));
  out.record.number = number;

  // TBSCertList
  unsigned char* issuer_der = nullptr;
  const int issuer_length = i2d_X509_NAME(X509_get_subject_name(ca.cert.get()), &issuer_der);
  if (issuer_length <= 0) {
    return Error{ErrorCode::kInternal, "ca", "cannot encode the issuer: " + TakeOpenSslErrors(),
                 ""};
  }
  std::string tbs;
  tbs.reserve(entries.size() + 1024);
  const size_t tbs_at = der::Open(tbs, der::kSequence);
  der::AppendInteger(tbs, 1);  // v2
  tbs.append(Sha256WithRsaAlgorithmDer());
  tbs.append(reinterpret_cast<const char*>(issuer_der), static_cast<size_t>(issuer_length));
  OPENSSL_free(issuer_der);
  der::AppendTime(tbs, out.record.this_update);
  der::AppendTime(tbs, out.record.next_update);
  if (!entries.empty()) {
    tbs.push_back(static_cast<char>(der::kSequence));
    der::AppendLength(tbs, entries.size());
    tbs.append(entries);
    std::string().swap(entries);
  }
  const size_t explicit_at = der::Open(tbs, der::ContextConstructed(0));
  const size_t exts_at = der::Open(tbs, der::kSequence);
  {
    std::string aki;  // AuthorityKeyIdentifier ::= SEQUENCE { [0] keyIdentifier }
    der::AppendTlv(aki, der::kSequence, der::Tlv(der::ContextPrimitive(0), key_id));
    der::AppendExtension(tbs, "2.5.29.35", false, aki);
    std::string crl_number;
    der::AppendInteger(crl_number, number);
    der::AppendExtension(tbs, "2.5.29.20", false, crl_number);
    if (base) {
      std::string base_number;
      der::AppendInteger(base_number, base->number);
      der::AppendExtension(tbs, "2.5.29.27", true, base_number);  // deltaCRLIndicator
    }
    if (options.scope) {
      // The municipality's directoryName of a sign partition, as its certificates write it.
      SignHolder holder;
      if (ca.kind == CaKind::kSign) {
        holder.prefecture_en = scope.substr(0, scope.find('/'));
        holder.municipality_en = scope.substr(scope.find('/') + 1);
      }
      const SignHolder* named = ca.kind == CaKind::kSign ? &holder : nullptr;
      // issuingDistributionPoint ::= SEQUENCE { distributionPoint [0] { fullName [0] },
      // onlyContainsUserCerts [1] TRUE }
      std::string idp;
      const size_t seq = der::Open(idp, der::kSequence);
      const size_t dp = der::Open(idp, der::ContextConstructed(0));
      AppendDistributionPointNames(
          idp, named, ca.publication.CrlUrl(ca.kind, ca.generation, scope, false));
      der::Close(idp, dp);
      idp.append("\x81\x01\xff", 3);
      der::Close(idp, seq);
      der::AppendExtension(tbs, "2.5.29.28", true, idp);
      if (!base) {
        // freshestCRL: where the deltas of this full CRL are (RFC 5280 5.2.6).
        std::string freshest;
        const size_t points = der::Open(freshest, der::kSequence);
        const size_t point = der::Open(freshest, der::kSequence);
        const size_t name = der::Open(freshest, der::ContextConstructed(0));
        AppendDistributionPointNames(
            freshest, nullptr, ca.publication.CrlUrl(ca.kind, ca.generation, scope, true));
        der::Close(freshest, name);
        der::Close(freshest, point);
        der::Close(freshest, points);
        der::AppendExtension(tbs, "2.5.29.46", false, freshest);
      }
    }
  }
  der::Close(tbs, exts_at);
  der::Close(tbs, explicit_at);
  der::Close(tbs, tbs_at);

  out.der = std::move(tbs);
  return Unsigned{std::move(out)};
}

Status Sign(const CaGeneration& ca, CrlOutput& crl) {
  MYNACERT_ASSIGN_OR_RETURN(std::string signature, ca.signer->Sign(crl.der));
  crl.der = der::SignedSequence(crl.der, signature);
  return {};
}

int64_t Seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<CrlOutput> GenerateCrl(CaStore& store, const CaGeneration& ca, TimePoint now,
                              const CrlOptions& options) {
  MYNACERT_ASSIGN_OR_RETURN(const std::string key_id, CheckCa(ca));
  // The snapshot, the number and the record are one transaction: two CRLs never share a
  // number and a CRL never misses an event it claims (last_seq).
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.database()));
  MYNACERT_ASSIGN_OR_RETURN(Unsigned u, Prepare(store, ca, Seconds(now), options, key_id));
  MYNACERT_RETURN_IF_ERROR(Sign(ca, u.out));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return std::move(u.out);
}

Result<std::vector<CrlOutput>> GenerateCrls(CaStore& store, const CaGeneration& ca, TimePoint now,
                                            const CrlOptions& options,
                                            const std::vector<std::string>& scopes,
                                            int threads) {
  MYNACERT_ASSIGN_OR_RETURN(const std::string key_id, CheckCa(ca));
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.database()));
  std::vector<CrlOutput> out;
  out.reserve(scopes.size());
  for (const std::string& scope : scopes) {
    CrlOptions one = options;
    one.scope = scope;
    MYNACERT_ASSIGN_OR_RETURN(Unsigned u, Prepare(store, ca, Seconds(now), one, key_id));
    out.push_back(std::move(u.out));
  }
  // The signatures, the bulk of the work once the entries are read, on `threads` threads
  // (Signer is thread-safe); the transaction commits only when every one succeeded.
  std::atomic<size_t> next{0};
  std::mutex failure_mu;
  std::optional<Error> failure;
  auto work = [&] {
    for (size_t i = next++; i < out.size(); i = next++) {
      Status st = Sign(ca, out[i]);
      if (!st.ok()) {
        std::lock_guard lock(failure_mu);
        if (!failure) failure = st.error();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (failure) return *failure;
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return out;
}

}  // namespace mynacert::pki
