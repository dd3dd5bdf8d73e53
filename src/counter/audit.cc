#include "counter/audit.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "counter/schema.h"
#include "pki/key_file.h"
#include "pki/openssl.h"

namespace mynacert::counter {

namespace {
const std::string kGenesis(64, '0');

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
  r.scheme = ColumnString(s, 9);
  return r;
}

constexpr std::string_view kColumns =
    "seq, at, clerk, case_id, resident_id, action, detail, prev_hash, hash, scheme";

std::string ChainText(const AuditRecord& r) {
  std::string text = r.prev_hash;
  for (const std::string& part :
       {std::to_string(r.seq), std::to_string(r.at), r.clerk, std::to_string(r.case_id),
        std::to_string(r.resident_id), r.action, r.detail}) {
    text += '\n';
    text += part;
  }
  return text;
}

std::string Hmac(std::string_view key, std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), md, &len);
  return HexLower(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string CheckpointMac(const AuditCheckpoint& cp, std::string_view key) {
  return Hmac(key, "mynacert-audit-head\n" + std::to_string(cp.seq) + "\n" + cp.hash + "\n" +
                       std::to_string(cp.records));
}

// Constant-time comparison of two hex MACs.
bool SameMac(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Error Precondition(std::string field, std::string message) {
  return Error{ErrorCode::kFailedPrecondition, std::move(field), std::move(message), ""};
}
}  // namespace


std::string AuditLog::HashOf(const AuditRecord& r) {
  return pki::Sha256Hex(ChainText(r));
}

std::string AuditLog::MacOf(const AuditRecord& r, std::string_view key) {
  return Hmac(key, ChainText(r));
}

void AuditLog::Anchor(AuditAnchor anchor) {
  anchor_ = std::move(anchor);
  if (hooked_) return;
  hooked_ = true;
  db_.AddAfterCommit([this] {
    if (!appended_) return;
    appended_ = false;
    // The commit stands; a checkpoint left behind is what a crash would leave, and Verify
    // accepts it while the chain from it on is intact. Say so instead of failing the caller.
    if (Status s = Checkpoint(); !s.ok()) {
      std::cerr << "監査ログのチェックポイントを進められません (audit checkpoint not advanced): "
                << s.error().ToString() << "\n";
    }
  });
}

Result<int64_t> AuditLog::Append(int64_t at, std::string_view clerk, int64_t case_id,
                                 int64_t resident_id, std::string_view action,
                                 std::string_view detail) {
  AuditRecord r;
  r.seq = 1;
  r.prev_hash = kGenesis;
  std::string last_scheme;
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto last,
        Query(db_, "SELECT seq, hash, scheme FROM audit_log ORDER BY seq DESC LIMIT 1", {}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, last->Step());
    if (row) {
      r.seq = last->ColumnInt(0) + 1;
      r.prev_hash = ColumnString(*last, 1);
      last_scheme = ColumnString(*last, 2);
    }
  }
  r.at = at;
  r.clerk = std::string(clerk);
  r.case_id = case_id;
  r.resident_id = resident_id;
  r.action = std::string(action);
  r.detail = std::string(detail);
  if (anchor_) {
    r.scheme = std::string(kAuditSchemeHmac);
    r.hash = MacOf(r, anchor_->key);
  } else {
    if (last_scheme == kAuditSchemeHmac) {
      return Precondition("audit_key",
                          "監査ログは鍵付きです。ホームフォルダから開いてください (the audit log is "
                          "keyed: an unkeyed record would read as tampering; open the store "
                          "through its home folder so that the audit key is loaded)");
    }
    r.scheme = std::string(kAuditSchemeSha256);
    r.hash = HashOf(r);
  }
  MYNACERT_RETURN_IF_ERROR(Run(db_,
                               "INSERT INTO audit_log (seq, at, clerk, case_id, resident_id, "
                               "action, detail, prev_hash, hash, scheme) VALUES ($1, $2, $3, $4, "
                               "$5, $6, $7, $8, $9, $10)",
                               {r.seq, r.at, Text(r.clerk), r.case_id, r.resident_id,
                                Text(r.action), Text(r.detail), Text(r.prev_hash), Text(r.hash),
                                Text(r.scheme)}));
  appended_ = true;
  return r.seq;
}

Result<AuditLog::Head> AuditLog::CommittedHead() {
  Head h;
  h.hash = kGenesis;
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(db_, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", {}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) {
      h.seq = s->ColumnInt(0);
      h.hash = ColumnString(*s, 1);
    }
  }
  {
    MYNACERT_ASSIGN_OR_RETURN(auto s, Query(db_, "SELECT COUNT(*) FROM audit_log", {}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) h.records = s->ColumnInt(0);
  }
  {
    const std::string hmac(kAuditSchemeHmac);
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(db_, "SELECT 1 FROM audit_log WHERE scheme = $1 LIMIT 1", {Text(hmac)}));
    MYNACERT_ASSIGN_OR_RETURN(h.any_keyed, s->Step());
  }
  return h;
}

Result<bool> AuditLog::HasKeyedRecords() {
  MYNACERT_ASSIGN_OR_RETURN(Head h, CommittedHead());
  return h.any_keyed;
}

Result<std::optional<AuditCheckpoint>> AuditLog::ReadCheckpoint() const {
  if (!anchor_) return std::optional<AuditCheckpoint>();
  std::error_code ec;
  if (!std::filesystem::exists(anchor_->head_path, ec)) return std::optional<AuditCheckpoint>();
  std::ifstream in(anchor_->head_path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) {
    return Precondition("audit_head", anchor_->head_path.string() + ": cannot be read");
  }
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  AuditCheckpoint cp;
  if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_integer() ||
      !j.contains("hash") || !j["hash"].is_string() || !j.contains("records") ||
      !j["records"].is_number_integer() || !j.contains("mac") || !j["mac"].is_string()) {
    return Precondition("audit_head", anchor_->head_path.string() +
                                          ": 形式が正しくありません (not a checkpoint file)");
  }
  cp.seq = j["seq"].get<int64_t>();
  cp.hash = j["hash"].get<std::string>();
  cp.records = j["records"].get<int64_t>();
  if (!SameMac(CheckpointMac(cp, anchor_->key), j["mac"].get<std::string>())) {
    return Precondition("audit_head", anchor_->head_path.string() +
                                          ": MAC が一致しません (its MAC does not match: the file "
                                          "was edited, or belongs to another key)");
  }
  return std::optional<AuditCheckpoint>(cp);
}

Status AuditLog::WriteCheckpoint(const AuditCheckpoint& cp) {
  const nlohmann::json j = {{"seq", cp.seq},
                            {"hash", cp.hash},
                            {"records", cp.records},
                            {"mac", CheckpointMac(cp, anchor_->key)}};
  return pki::WriteFileAtomically(anchor_->head_path.string(), j.dump() + "\n", 0600);
}

Status AuditLog::CreateCheckpoint() {
  if (!anchor_) return Precondition("audit_key", "the audit log is not keyed");
  MYNACERT_ASSIGN_OR_RETURN(FileLock lock, FileLock::Take(anchor_->lock_path, "audit_lock"));
  std::error_code ec;
  if (std::filesystem::exists(anchor_->head_path, ec)) return {};
  MYNACERT_ASSIGN_OR_RETURN(Head head, CommittedHead());
  return WriteCheckpoint({head.seq, head.hash, head.records});
}

Status AuditLog::Checkpoint() {
  if (!anchor_) return {};
  MYNACERT_ASSIGN_OR_RETURN(FileLock lock, FileLock::Take(anchor_->lock_path, "audit_lock"));
  MYNACERT_ASSIGN_OR_RETURN(auto cp, ReadCheckpoint());
  if (!cp) {
    // Recreating it would hide whatever happened while it was gone.
    return Precondition("audit_head", anchor_->head_path.string() +
                                          ": チェックポイントがありません (checkpoint missing; "
                                          "not recreated)");
  }
  MYNACERT_ASSIGN_OR_RETURN(Head head, CommittedHead());
  if (head.seq <= cp->seq) return {};  // never lowered (another process may be ahead)
  if (cp->seq > 0) {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(db_, "SELECT hash FROM audit_log WHERE seq = $1", {cp->seq}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row || ColumnString(*s, 0) != cp->hash) {
      // Moving on would erase the evidence of a rewritten or truncated chain.
      return Precondition("audit_head",
                          "記録 " + std::to_string(cp->seq) +
                              " がチェックポイントと一致しません (the record at the checkpoint "
                              "differs from it: checkpoint kept where it is)");
    }
  }
  return WriteCheckpoint({head.seq, head.hash, head.records});
}

Result<AuditVerification> AuditLog::Verify() {
  AuditVerification v;
  v.head_hash = kGenesis;
  v.keyed = keyed();
  std::optional<AuditCheckpoint> cp;
  std::string cp_problem;
  if (anchor_) {
    auto read = ReadCheckpoint();
    if (read.ok()) {
      cp = *read;
    } else {
      cp_problem = read.error().message;
    }
    if (cp) v.checkpoint_seq = cp->seq;
  }
  auto fail = [&v](int64_t seq, std::string problem) {
    v.ok = false;
    v.first_bad_seq = seq;
    v.problem = std::move(problem);
    return v;
  };

  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(db_, "SELECT " + std::string(kColumns) + " FROM audit_log ORDER BY seq", {}));
  int64_t expected_seq = 1;
  bool keyed_seen = false;
  std::string hash_at_checkpoint;
  for (;;) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    AuditRecord r = ReadRow(*s);
    ++v.records;
    if (r.seq != expected_seq) {
      return fail(r.seq, "番号が連続していません (seq " + std::to_string(r.seq) + " where " +
                             std::to_string(expected_seq) +
                             " was expected: a record was deleted)");
    }
    if (r.prev_hash != v.head_hash) {
      return fail(r.seq,
                  "前の記録のハッシュと一致しません (prev_hash does not match the previous record)");
    }
    if (r.scheme == kAuditSchemeSha256) {
      if (keyed_seen) {
        return fail(r.seq,
                    "鍵付きの記録の後に鍵なしの記録があります (an unkeyed record after keyed "
                    "records: the chain was rewritten without the key)");
      }
      if (cp && r.seq > cp->seq) {
        return fail(r.seq,
                    "チェックポイントより後に鍵なしの記録があります (an unkeyed record after the "
                    "checkpoint: the chain was rewritten without the key)");
      }
      if (HashOf(r) != r.hash) {
        return fail(r.seq,
                    "記録の内容がハッシュと一致しません (the record was altered after it was "
                    "written)");
      }
    } else if (r.scheme == kAuditSchemeHmac) {
      if (!anchor_) {
        return Precondition("audit_key",
                            "鍵付きの監査記録は鍵がないと検証できません (keyed audit records "
                            "cannot be verified without the audit key)");
      }
      if (!SameMac(MacOf(r, anchor_->key), r.hash)) {
        return fail(r.seq,
                    "記録の MAC が一致しません (MAC mismatch: the record was altered, or the chain "
                    "was rewritten by someone without the key)");
      }
      keyed_seen = true;
    } else {
      return fail(r.seq, "不明な方式です (unknown scheme \"" + r.scheme + "\")");
    }
    if (cp && r.seq == cp->seq) hash_at_checkpoint = r.hash;
    v.head_seq = r.seq;
    v.head_hash = r.hash;
    expected_seq = r.seq + 1;
  }
  if (!anchor_) return v;  // unkeyed: the chain alone, as before the key

  const std::string head_file = anchor_->head_path.filename().string();
  if (!cp_problem.empty()) {
    return fail(0, "チェックポイント " + head_file + " が改ざんされています (checkpoint edited: " +
                       cp_problem + ")");
  }
  if (!cp) {
    if (v.records == 0) return v;
    return fail(0, "チェックポイント " + head_file + " がありません (checkpoint missing while " +
                       std::to_string(v.records) + " records exist)");
  }
  if (v.records == 0 && cp->seq > 0) {
    return fail(1, "記録がすべて削除されています (emptied: no records, but the checkpoint says " +
                       std::to_string(cp->records) + " up to seq " + std::to_string(cp->seq) +
                       ")");
  }
  if (v.head_seq < cp->seq) {
    return fail(v.head_seq + 1,
                "末尾の記録が削除されています (truncated: the newest record is seq " +
                    std::to_string(v.head_seq) + " but the checkpoint says seq " +
                    std::to_string(cp->seq) + ")");
  }
  const std::string expected = cp->seq == 0 ? kGenesis : hash_at_checkpoint;
  if (cp->hash != expected) {
    return fail(cp->seq, "記録 " + std::to_string(cp->seq) +
                             " がチェックポイントと一致しません (the record at the checkpoint's "
                             "seq differs from it: the chain was rewritten)");
  }
  if (v.head_seq > cp->seq) {
    v.note = "チェックポイントは " + std::to_string(v.head_seq - cp->seq) +
             " 件遅れていました (the checkpoint was behind the table, as a crash between a commit "
             "and its checkpoint leaves it; the chain from seq " +
             std::to_string(cp->seq) + " on verifies)";
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
