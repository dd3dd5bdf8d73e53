#include "counter/audit.h"

#include <openssl/evp.h>

#include "counter/schema.h"

namespace mynacert::counter {

namespace {
const std::string kGenesis(64, '0');

std::string Hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

AuditRecord ReadRow(store::Statement& s) {
  AuditRecord r;
  r.seq = s.ColumnInt(0);
  r.at = s.ColumnInt(1);
  r.clerk = ColumnString(s, 2);
  r.case_id = s.ColumnInt(3);
  r.resident_id = s.ColumnInt(4);
  r.action = ColumnString(s, 5);
  r.detail = ColumnString(s, 6);
  r.prev_hash = ColumnString(s, 7);
  r.hash = ColumnString(s, 8);
  return r;
}

constexpr std::string_view kColumns =
    "seq, at, clerk, case_id, resident_id, action, detail, prev_hash, hash";
}  // namespace

std::string AuditLog::HashOf(const AuditRecord& r) {
  std::string text = r.prev_hash;
  for (const std::string& part :
       {std::to_string(r.seq), std::to_string(r.at), r.clerk, std::to_string(r.case_id),
        std::to_string(r.resident_id), r.action, r.detail}) {
    text += '\n';
    text += part;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(md, len);
}

Result<int64_t> AuditLog::Append(int64_t at, std::string_view clerk, int64_t case_id,
                                 int64_t resident_id, std::string_view action,
                                 std::string_view detail) {
  AuditRecord r;
  r.seq = 1;
  r.prev_hash = kGenesis;
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto last, Query(db_, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", {}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, last->Step());
    if (row) {
      r.seq = last->ColumnInt(0) + 1;
      r.prev_hash = ColumnString(*last, 1);
    }
  }
  r.at = at;
  r.clerk = std::string(clerk);
  r.case_id = case_id;
  r.resident_id = resident_id;
  r.action = std::string(action);
  r.detail = std::string(detail);
  r.hash = HashOf(r);
  MYNACERT_RETURN_IF_ERROR(Run(db_,
                               "INSERT INTO audit_log (seq, at, clerk, case_id, resident_id, "
                               "action, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, "
                               "$7, $8, $9)",
                               {r.seq, r.at, Text(r.clerk), r.case_id, r.resident_id,
                                Text(r.action), Text(r.detail), Text(r.prev_hash), Text(r.hash)}));
  return r.seq;
}

Result<AuditVerification> AuditLog::Verify() {
  AuditVerification v;
  v.head_hash = kGenesis;
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(db_, "SELECT " + std::string(kColumns) + " FROM audit_log ORDER BY seq", {}));
  int64_t expected_seq = 1;
  for (;;) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    AuditRecord r = ReadRow(*s);
    ++v.records;
    std::string problem;
    if (r.seq != expected_seq) {
      problem = "番号が連続していません (seq " + std::to_string(r.seq) + " where " +
                std::to_string(expected_seq) + " was expected: a record was deleted)";
    } else if (r.prev_hash != v.head_hash) {
      problem = "前の記録のハッシュと一致しません (prev_hash does not match the previous record)";
    } else if (HashOf(r) != r.hash) {
      problem = "記録の内容がハッシュと一致しません (the record was altered after it was written)";
    }
    if (!problem.empty()) {
      v.ok = false;
      v.first_bad_seq = r.seq;
      v.problem = problem;
      return v;
    }
    v.head_seq = r.seq;
    v.head_hash = r.hash;
    expected_seq = r.seq + 1;
  }
  return v;
}

Result<std::vector<AuditRecord>> AuditLog::Read(int64_t case_id, int64_t resident_id,
                                                int64_t after_seq, int limit) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM audit_log WHERE seq > $1";
  if (case_id > 0) sql += " AND case_id = $2";
  if (resident_id > 0) sql += case_id > 0 ? " AND resident_id = $3" : " AND resident_id = $2";
  sql += " ORDER BY seq LIMIT " + std::to_string(limit);
  std::unique_ptr<store::Statement> s;
  if (case_id > 0 && resident_id > 0) {
    MYNACERT_ASSIGN_OR_RETURN(s, Query(db_, sql, {after_seq, case_id, resident_id}));
  } else if (case_id > 0) {
    MYNACERT_ASSIGN_OR_RETURN(s, Query(db_, sql, {after_seq, case_id}));
  } else if (resident_id > 0) {
    MYNACERT_ASSIGN_OR_RETURN(s, Query(db_, sql, {after_seq, resident_id}));
  } else {
    MYNACERT_ASSIGN_OR_RETURN(s, Query(db_, sql, {after_seq}));
  }
  std::vector<AuditRecord> out;
  for (;;) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadRow(*s));
  }
  return out;
}

}  // namespace mynacert::counter
