// The counter's audit log: every decision and action with the clerk, the time, the case and the
// resident; append-only and tamper-evident. Records are chained: each record's hash covers the
// previous record's hash and its own fields,
//
//   text_n = hash_{n-1} "\n" seq "\n" at "\n" clerk "\n" case "\n" resident "\n" action "\n" detail
//   hash_n = hex(HMAC-SHA256(audit key, text_n))   scheme "hmac-sha256" (keyed, the default)
//   hash_n = hex(SHA-256(text_n))                  scheme "sha256" (rows written before the key)
//   hash_0 = 64 × "0"
//
// The key. 32 random bytes that belong to the home folder's secrets, written as 64 hex digits:
// by default the file <home>/audit.key (0600), made by OpenWorkspace (counter/workspace.h) when
// the home has no keyed record and no checkpoint yet; or a source `env:NAME` / `file:PATH`
// (WorkspaceSecrets::audit_key, `--audit-key`). A home whose log is keyed and whose key is
// missing does not open (field audit_key): a new key is never made silently. Without the key
// an attacker who edits a row cannot recompute a chain that verifies.
//
// The head, anchored outside the database: the checkpoint file <home>/audit.head (0600) holds
// {seq, hash, records} of the newest committed record with an HMAC under the same key. It is
// rewritten atomically after each commit that appended records (an after-commit callback of
// store::Database), under the lock file <home>/audit.lock so that two processes on one home
// (the CLI and `mynacert serve`) never lower it; it only moves forward, and only over a table
// whose record at the old checkpoint still has the old hash.
//
// Verify() walks the chain and then compares it with the checkpoint, and reports (ok = false,
// first_bad_seq, problem):
//   * an edited row: its hash or MAC does not match (first_bad_seq = that row);
//   * a rewritten chain (an edit with every later hash recomputed without the key): the first
//     rewritten keyed row's MAC fails; a row rewritten as unkeyed after a keyed row, or after
//     the checkpoint, is refused the same way;
//   * a deleted row in the middle: seq is not contiguous;
//   * a truncated tail: the head seq is below the checkpoint's;
//   * an emptied table: no records while the checkpoint says N;
//   * the checkpoint file edited (its MAC) or missing while records exist.
// A checkpoint behind the table (a crash between the commit and the checkpoint's rewrite) is
// not tampering when the record at the checkpoint's seq has the checkpoint's hash and the chain
// from there on verifies; `note` says how far behind it was. The rows written before the key
// (scheme sha256) keep verifying as they did, and keyed rows chain onto them.
//
// What it cannot see: the whole set removed together (every row, audit.head and audit.key) is a
// new home. Hold the key outside the home (env:/file:) or keep copies of audit.head elsewhere
// for that.
//
// Records are appended inside the caller's transaction, so a record commits with the change it
// describes or not at all. Details are JSON and never contain a PIN.
//
// Thread-safety: one AuditLog per connection; writers serialise on the database's write lock,
// checkpoint writers on the lock file.
#ifndef MYNACERT_COUNTER_AUDIT_H_
#define MYNACERT_COUNTER_AUDIT_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "counter/file_lock.h"
#include "store/database.h"

namespace mynacert::counter {

inline constexpr std::string_view kAuditSchemeSha256 = "sha256";
inline constexpr std::string_view kAuditSchemeHmac = "hmac-sha256";
inline constexpr size_t kAuditKeyBytes = 32;

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
  std::string scheme = std::string(kAuditSchemeHmac);  // hmac-sha256 | sha256 (before the key)
};

// The checkpoint file's contents.
struct AuditCheckpoint {
  int64_t seq = 0;
  std::string hash;  // hash_seq (hash_0 for an empty log)
  int64_t records = 0;
};

struct AuditVerification {
  bool ok = true;
  int64_t records = 0;
  int64_t head_seq = 0;
  std::string head_hash;
  int64_t first_bad_seq = 0;  // when !ok; 0 when the problem is the checkpoint file itself
  std::string problem;        // when !ok: what is wrong
  bool keyed = false;         // verified with the key and the checkpoint
  int64_t checkpoint_seq = -1;  // -1: no checkpoint read
  std::string note;             // when ok: e.g. the checkpoint was behind (a crash)
};

// Where the key and the checkpoint are (counter/workspace.h fills it in).
struct AuditAnchor {
  std::string key;                  // kAuditKeyBytes raw bytes
  std::filesystem::path head_path;  // <home>/audit.head
  std::filesystem::path lock_path;  // <home>/audit.lock
};


class AuditLog {
 public:
  explicit AuditLog(store::Database& db) : db_(db) {}

  // Keys the log and anchors its head: from now on Append writes keyed rows, every commit that
  // appended records advances the checkpoint, and Verify checks both.
  void Anchor(AuditAnchor anchor);
  bool keyed() const { return anchor_.has_value(); }

  // Appends one record in the caller's open transaction; returns its seq. Unkeyed (a log
  // never anchored, e.g. a test's in-memory store), a log that holds keyed rows is refused.
  Result<int64_t> Append(int64_t at, std::string_view clerk, int64_t case_id, int64_t resident_id,
                         std::string_view action, std::string_view detail);
  // Recomputes the whole chain and compares its head with the checkpoint. An unkeyed log with
  // keyed rows is an error (field audit_key).
  Result<AuditVerification> Verify();
  // Records of a case (case_id > 0) or of a resident (resident_id > 0), or all, oldest first.
  Result<std::vector<AuditRecord>> Read(int64_t case_id, int64_t resident_id, int64_t after_seq,
                                        int limit);

  // Advances the checkpoint to the committed head (the after-commit callback; also for tools).
  // Never lowers it, and refuses (kFailedPrecondition) to move over a bad or rewritten one.
  Status Checkpoint();
  // Writes the first checkpoint at the committed head when there is none (a new key).
  Status CreateCheckpoint();
  // Whether any committed record is keyed.
  Result<bool> HasKeyedRecords();
  // The checkpoint file, its MAC checked; nullopt when there is none.
  Result<std::optional<AuditCheckpoint>> ReadCheckpoint() const;

  static std::string HashOf(const AuditRecord& r);                          // sha256 rows
  static std::string MacOf(const AuditRecord& r, std::string_view key);     // keyed rows

 private:
  struct Head {
    int64_t seq = 0;
    std::string hash;
    int64_t records = 0;
    bool any_keyed = false;
  };
  Result<Head> CommittedHead();
  Status WriteCheckpoint(const AuditCheckpoint& cp);

  store::Database& db_;
  std::optional<AuditAnchor> anchor_;
  bool appended_ = false;  // since the last commit
  bool hooked_ = false;    // the after-commit callback is registered
};

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_AUDIT_H_
