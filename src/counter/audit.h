// The counter's audit log: every decision and action with the clerk, the time, the case and the
// resident; append-only and tamper-evident. Each record's hash covers the previous record's
// hash and its own fields:
//
//   hash_n = hex(SHA-256(hash_{n-1} "\n" seq "\n" at "\n" clerk "\n" case "\n" resident "\n"
//                        action "\n" detail))            hash_0 = 64 × "0"
//
// so editing, deleting or reordering any row breaks the chain from that row on, and Verify()
// names the first broken record. (Truncating the newest rows leaves a valid shorter chain: the
// head seq is printed so it can be compared with a copy kept elsewhere.)
//
// Records are appended inside the caller's transaction, so a record commits with the change it
// describes or not at all. Details are JSON and never contain a PIN.
//
// Thread-safety: one AuditLog per connection; writers serialise on the database's write lock.
#ifndef MYNACERT_COUNTER_AUDIT_H_
#define MYNACERT_COUNTER_AUDIT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace mynacert::counter {

struct AuditRecord {
  int64_t seq = 0;
  int64_t at = 0;  // Unix seconds
  std::string clerk;
  int64_t case_id = 0;
  int64_t resident_id = 0;
  std::string action;  // case_open, document_presented, decision, step_done, resident_change, …
  std::string detail;  // JSON
  std::string prev_hash;
  std::string hash;
};

struct AuditVerification {
  bool ok = true;
  int64_t records = 0;
  int64_t head_seq = 0;
  std::string head_hash;
  int64_t first_bad_seq = 0;  // when !ok
  std::string problem;        // when !ok: what is wrong with that record
};

class AuditLog {
 public:
  explicit AuditLog(store::Database& db) : db_(db) {}

  // Appends one record in the caller's open transaction; returns its seq.
  Result<int64_t> Append(int64_t at, std::string_view clerk, int64_t case_id, int64_t resident_id,
                         std::string_view action, std::string_view detail);
  // Recomputes the whole chain.
  Result<AuditVerification> Verify();
  // Records of a case (case_id > 0) or of a resident (resident_id > 0), or all, oldest first.
  Result<std::vector<AuditRecord>> Read(int64_t case_id, int64_t resident_id, int64_t after_seq,
                                        int limit);

  static std::string HashOf(const AuditRecord& r);

 private:
  store::Database& db_;
};

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_AUDIT_H_
