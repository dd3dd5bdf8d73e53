// The PostgreSQL engine of the store interface (database.h), on libpq.
//
// Statements are prepared on the server once per connection and per SQL text and parameter
// types, at their first execution: the parameter types are those bound (TEXT, BIGINT, BYTEA;
// a NULL leaves its type to the server), so that "$1 || $2" or "$1 IS NULL" mean on PostgreSQL
// what they mean on SQLite. Results come in text form (BYTEA as \x hex, decoded on read) and
// are read whole at the first Step: a statement can stay open while another runs on the same
// connection, as on SQLite.
//
// Begin takes a transaction-scoped advisory lock, so that writers serialise at Begin exactly as
// SQLite's BEGIN IMMEDIATE makes them: every invariant the stores keep by "read, then write in
// one transaction" holds across instances without a second proof. Transactions whose
// correctness rests on their own row locks (a conditional UPDATE) may begin without it
// (Writers::kRowLocks).
//
// A connection the server dropped (a restart, a fail-over, an administrator's
// pg_terminate_backend) is opened again outside a transaction, before the next command; the
// command that found it dropped is sent again once when sending it twice cannot do anything
// twice (a BEGIN, a SELECT). Inside a transaction the error reaches the caller: the server has
// rolled the transaction back, and the caller's Transaction ends it.
#include <libpq-fe.h>

#include <cctype>
#include <charconv>
#include <map>
#include <string>
#include <vector>

#include "core/hex.h"
#include "store/database.h"

namespace mynacert::store {
namespace {

// pg_advisory_xact_lock's key for the writers of one database: "myna" in ASCII.
constexpr int64_t kWriterLock = 0x6d796e61;

constexpr unsigned kTextOid = 25, kInt8Oid = 20, kByteaOid = 17;

std::string FirstLine(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  const size_t nl = m.find('\n');
  return nl == std::string::npos ? m : m.substr(0, nl);
}

// An error of a statement's result, with the SQLSTATE deciding the code: integrity violations
// (class 23) are kFailedPrecondition as SQLite's constraint errors are; a serialisation failure
// or deadlock (40001, 40P01) and a lock timeout (55P03) are kUnavailable-like: kInternal with the
// state in the message, since the caller cannot fix them by changing its input.
Error ResultError(const PGresult* r, PGconn* conn, std::string_view sql) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = FirstLine(r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
  if (message.empty()) message = FirstLine(PQerrorMessage(conn));
  if (state) message += std::string(" (SQLSTATE ") + state + ")";
  if (!sql.empty()) message += " [" + std::string(sql.substr(0, 60)) + "]";
  Error e{ErrorCode::kInternal, "database", message, ""};
  if (state && state[0] == '2' && state[1] == '3') e.code = ErrorCode::kFailedPrecondition;
  return e;
}

// Whether `sql` may be sent again after the connection dropped under it: a BEGIN or a plain
// SELECT, which change nothing by themselves.
bool SafeToResend(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  auto starts = [&](std::string_view word) {
    if (sql.size() - i < word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if (std::toupper(static_cast<unsigned char>(sql[i + k])) != word[k]) return false;
    }
    return sql.size() - i == word.size() || !std::isalnum(static_cast<unsigned char>(sql[i + word.size()]));
  };
  return starts("BEGIN") || starts("SELECT");
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// Which $N appear in `sql`: what Bind may name before the server has seen the statement.
std::vector<bool> PresentParameters(std::string_view sql) {
  std::vector<size_t> numbers;
  ScanParameters(sql, &numbers);
  return store::PresentParameters(numbers);
}

class PostgresDatabase;

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresDatabase* db, std::string sql, std::vector<bool> present)
      : db_(db), sql_(std::move(sql)), present_(std::move(present)),
        values_(present_.size() - 1), null_(present_.size() - 1, true),
        types_(present_.size() - 1, 0) {}

  Status BindInt(int index, int64_t value) override {
    MYNACERT_RETURN_IF_ERROR(Check(index));
    Set(index, std::to_string(value), kInt8Oid);
    return {};
  }
  Status BindText(int index, std::string_view value) override {
    MYNACERT_RETURN_IF_ERROR(Check(index));
    if (value.find('\0') != std::string_view::npos) {
      return InvalidArgument("database", "text holds a NUL byte, which PostgreSQL's text cannot [" +
                                             sql_.substr(0, 60) + "]");
    }
    Set(index, std::string(value), kTextOid);
    return {};
  }
  Status BindBlob(int index, std::string_view bytes) override {
    MYNACERT_RETURN_IF_ERROR(Check(index));
    Set(index, std::string(bytes), kByteaOid);
    return {};
  }
  Status BindNull(int index) override {
    MYNACERT_RETURN_IF_ERROR(Check(index));
    const size_t i = static_cast<size_t>(index - 1);
    null_[i] = true;
    values_[i].clear();
    // The type of a NULL is left to the server unless one was bound before: a statement
    // rebound with NULL keeps its prepared form.
    return {};
  }
  Result<bool> Step() override;
  bool ColumnIsNull(int column) override {
    return !InRow(column) || PQgetisnull(result_.get(), row_, column);
  }
  int64_t ColumnInt(int column) override {
    if (ColumnIsNull(column)) return 0;
    const char* v = PQgetvalue(result_.get(), row_, column);
    const int n = PQgetlength(result_.get(), row_, column);
    if (n == 1 && (v[0] == 't' || v[0] == 'f')) return v[0] == 't';  // a boolean
    int64_t out = 0;
    std::from_chars(v, v + n, out);
    return out;
  }
  std::string_view ColumnText(int column) override {
    if (ColumnIsNull(column)) return {};
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<size_t>(PQgetlength(result_.get(), row_, column))};
  }
  std::string_view ColumnBlob(int column) override {
    const std::string_view text = ColumnText(column);
    if (PQftype(result_.get(), column) != kByteaOid) return text;
    if (blobs_.size() <= static_cast<size_t>(column)) blobs_.resize(static_cast<size_t>(column) + 1);
    std::string& out = blobs_[static_cast<size_t>(column)];
    out.clear();
    if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') (void)Unhex(text.substr(2), &out);
    return out;
  }
  Status Reset() override {
    result_.reset();
    row_ = -1;
    return {};
  }

 private:
  Status Check(int index) const {
    if (index < 1 || static_cast<size_t>(index) >= present_.size() || !present_[index]) {
      return InvalidArgument("database", "the statement has no parameter $" + std::to_string(index) +
                                             " [" + sql_.substr(0, 60) + "]");
    }
    return {};
  }
  void Set(int index, std::string value, unsigned type) {
    const size_t i = static_cast<size_t>(index - 1);
    values_[i] = std::move(value);
    null_[i] = false;
    types_[i] = type;
  }
  bool InRow(int column) const {
    return result_ && row_ >= 0 && row_ < PQntuples(result_.get()) && column >= 0 &&
           column < PQnfields(result_.get());
  }

  PostgresDatabase* db_;
  std::string sql_;
  std::vector<bool> present_;  // [N]: $N appears in the statement
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<unsigned> types_;  // 0: not known (never bound but NULL)
  ResultPtr result_;
  int row_ = -1;
  std::vector<std::string> blobs_;  // decoded BYTEA columns of the current row
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(PGconn* conn) : conn_(conn) {}
  ~PostgresDatabase() override { PQfinish(conn_); }

  Status Execute(std::string_view sql) override {
    const std::string text(sql);
    ReconnectIfDropped();
    ResultPtr r(PQexec(conn_, text.c_str()));
    auto failed = [&] {
      const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
      return st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY;
    };
    if (failed() && Resend(sql)) r.reset(PQexec(conn_, text.c_str()));
    if (failed()) return ResultError(r.get(), conn_, sql);
    return {};
  }
  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) override {
    // One statement only, as on SQLite: the server refuses several in a prepared statement
    // when it first sees it; an empty text is refused here.
    if (sql.find_first_not_of(" \t\r\n;") == std::string_view::npos) {
      return Error{ErrorCode::kInternal, "database", "prepare takes exactly one statement [" +
                                                         std::string(sql.substr(0, 60)) + "]", ""};
    }
    return std::unique_ptr<Statement>(
        new PostgresStatement(this, std::string(sql), PresentParameters(sql)));
  }
  Status Begin(Writers writers) override {
    if (writers == Writers::kRowLocks) {
      MYNACERT_RETURN_IF_ERROR(Execute("BEGIN"));
      in_transaction_ = true;
      return {};
    }
    Status locked =
        Execute("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLock) + ")");
    // A lock that timed out leaves an aborted transaction: end it, so that a failed Begin
    // leaves the connection as it found it (as on SQLite).
    if (!locked.ok()) {
      (void)Execute("ROLLBACK");
      return locked;
    }
    in_transaction_ = true;
    return {};
  }
  Status LockKey(std::string_view key) override {
    MYNACERT_ASSIGN_OR_RETURN(auto s, Query(*this, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {key}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    (void)row;
    return {};
  }
  // Never on a connection opened again: a COMMIT there would find no transaction, succeed,
  // and report as committed a transaction the server rolled back when the connection dropped.
  Status Commit() override { return End("COMMIT"); }
  Status Rollback() override { return End("ROLLBACK"); }
  std::string_view engine() const override { return "postgresql"; }

  // Runs `sql` with the statement's bindings, preparing it first on this connection under a
  // name kept per (text, parameter types).
  Result<ResultPtr> Run(const std::string& sql, const std::vector<std::string>& values,
                        const std::vector<bool>& null, const std::vector<unsigned>& types) {
    ReconnectIfDropped();
    Result<ResultPtr> r = RunOnce(sql, values, null, types);
    if (!r.ok() && Resend(sql)) r = RunOnce(sql, values, null, types);
    return r;
  }

 private:
  Result<ResultPtr> RunOnce(const std::string& sql, const std::vector<std::string>& values,
                            const std::vector<bool>& null, const std::vector<unsigned>& types) {
    std::string key = sql;
    key.push_back('\0');
    for (unsigned t : types) key += std::to_string(t) + ",";
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      const std::string name = "m" + std::to_string(prepared_.size() + 1);
      std::vector<Oid> oids(types.begin(), types.end());
      ResultPtr r(PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(oids.size()),
                            oids.empty() ? nullptr : oids.data()));
      if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return ResultError(r.get(), conn_, sql);
      it = prepared_.emplace(std::move(key), name).first;
    }
    const size_t n = values.size();
    std::vector<const char*> ptrs(n);
    std::vector<int> lengths(n), formats(n);
    for (size_t i = 0; i < n; ++i) {
      ptrs[i] = null[i] ? nullptr : values[i].data();
      lengths[i] = static_cast<int>(values[i].size());
      formats[i] = types[i] == kByteaOid ? 1 : 0;  // bytes as they are; the rest as text
    }
    ResultPtr r(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(n),
                               n ? ptrs.data() : nullptr, n ? lengths.data() : nullptr,
                               n ? formats.data() : nullptr, 0));
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return ResultError(r.get(), conn_, sql);
    return r;
  }

  Status End(const char* command) {
    in_transaction_ = false;  // committed, or (on an error) rolled back by the server
    ResultPtr r(PQexec(conn_, command));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      Error e = ResultError(r.get(), conn_, command);
      if (PQstatus(conn_) == CONNECTION_BAD) {
        e.message = "データベースとの接続が切れました。トランザクションは取り消されています "
                    "(the connection to the database dropped; the transaction was rolled back): " +
                    e.message;
      }
      return e;
    }
    return {};
  }

  // Outside a transaction, a connection known to be dropped is opened again (with the same
  // parameters; the server forgot this connection's prepared statements).
  void ReconnectIfDropped() {
    if (!in_transaction_ && PQstatus(conn_) == CONNECTION_BAD) Reconnect();
  }
  bool Reconnect() {
    PQreset(conn_);
    prepared_.clear();
    return PQstatus(conn_) == CONNECTION_OK;
  }
  // After a failure: whether it was the connection dropping under a command that may be sent
  // again (outside a transaction; SafeToResend), and the connection is back.
  bool Resend(std::string_view sql) {
    return !in_transaction_ && PQstatus(conn_) == CONNECTION_BAD && SafeToResend(sql) &&
           Reconnect();
  }

  PGconn* conn_;
  bool in_transaction_ = false;  // between a Begin that succeeded and Commit or Rollback
  std::map<std::string, std::string> prepared_;  // (text, types) → server-side name
};

Result<bool> PostgresStatement::Step() {
  if (!result_) {
    MYNACERT_ASSIGN_OR_RETURN(result_, db_->Run(sql_, values_, null_, types_));
    row_ = 0;
  } else {
    ++row_;
  }
  blobs_.clear();
  return row_ < PQntuples(result_.get());
}

}  // namespace

std::string RedactLocator(std::string_view locator) {
  // postgresql://user:secret@host/db → postgresql://user:***@host/db; password=… likewise.
  std::string out(locator);
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t at = out.find('@', start);
    const size_t slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    const size_t end = out.find_first_of("& ", p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  return out;
}

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url,
                                               const PostgresOptions& options) {
  const std::string timeout = std::to_string(options.connect_timeout_s);
  const std::string settings = "-c lock_timeout=" + std::to_string(options.lock_timeout_ms) +
                               " -c TimeZone=UTC -c client_min_messages=warning";
  const char* keys[] = {"dbname", "application_name", "client_encoding", "connect_timeout",
                        "options", nullptr};
  const char* values[] = {url.c_str(), "mynacert", "UTF8", timeout.c_str(), settings.c_str(),
                          nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    Error e{ErrorCode::kFailedPrecondition, "database",
            "データベースに接続できません (cannot connect to the database " + RedactLocator(url) +
                "): " + FirstLine(conn ? PQerrorMessage(conn) : "out of memory"),
            ""};
    PQfinish(conn);
    return e;
  }
  return std::unique_ptr<Database>(new PostgresDatabase(conn));
}

}  // namespace mynacert::store
