// The SQLite engine of the store interface (database.h).
#include <sqlite3.h>

#include <string>
#include <vector>

#include "store/database.h"

namespace mynacert::store {
namespace {

Error SqliteError(sqlite3* db, std::string_view what, std::string_view sql = {}) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
  if (!sql.empty()) message += " [" + std::string(sql.substr(0, 60)) + "]";
  return Error{ErrorCode::kInternal, "database", message, ""};
}

// The store's $N parameters for SQLite, outside string literals, quoted identifiers and
// comments; `present`[N] says which appear. SQLite takes $N as a *name*, and even ?N costs a
// linear search of the statement's parameters when the statement is compiled, so a multi-row
// INSERT of thousands of parameters spent more there than in the insert. So: where the text
// names $1, $2, $3, … once each and in order (multi-row INSERTs, most statements), each becomes
// a bare "?", numbered by position at no cost; otherwise each becomes ?N.
std::string NumberParameters(std::string_view sql, std::vector<bool>* present) {
  std::vector<size_t> order;
  ScanParameters(sql, &order);
  *present = PresentParameters(order);
  bool in_order = true;
  for (size_t k = 0; k < order.size() && in_order; ++k) in_order = order[k] == k + 1;
  order.clear();
  if (in_order) return ScanParameters(sql, &order, [](size_t) { return std::string("?"); });
  return ScanParameters(sql, &order, [](size_t n) { return "?" + std::to_string(n); });
}

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql, std::vector<bool> present)
      : db_(db), stmt_(stmt), sql_(std::move(sql)), present_(std::move(present)) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  Status BindInt(int index, int64_t value) override {
    MYNACERT_ASSIGN_OR_RETURN(int at, Position(index));
    return Check(sqlite3_bind_int64(stmt_, at, value), "bind");
  }
  Status BindText(int index, std::string_view value) override {
    MYNACERT_ASSIGN_OR_RETURN(int at, Position(index));
    return Check(
        sqlite3_bind_text64(stmt_, at, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
        "bind");
  }
  Status BindBlob(int index, std::string_view bytes) override {
    MYNACERT_ASSIGN_OR_RETURN(int at, Position(index));
    return Check(sqlite3_bind_blob64(stmt_, at, bytes.data(), bytes.size(), SQLITE_TRANSIENT),
                 "bind");
  }
  Status BindNull(int index) override {
    MYNACERT_ASSIGN_OR_RETURN(int at, Position(index));
    return Check(sqlite3_bind_null(stmt_, at), "bind");
  }
  Result<bool> Step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error e = SqliteError(db_, "step", sql_);
    if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT) {
      e.code = ErrorCode::kFailedPrecondition;
    }
    sqlite3_reset(stmt_);
    return e;
  }
  bool ColumnIsNull(int column) override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  int64_t ColumnInt(int column) override { return sqlite3_column_int64(stmt_, column); }
  std::string_view ColumnText(int column) override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return text ? std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
                : std::string_view();
  }
  std::string_view ColumnBlob(int column) override {
    const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return blob ? std::string_view(blob, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
                : std::string_view();
  }
  Status Reset() override {
    sqlite3_reset(stmt_);
    return {};
  }

 private:
  // $N was written ?N for SQLite (NumberParameters): its position is N.
  Result<int> Position(int index) {
    if (index < 1 || static_cast<size_t>(index) >= present_.size() || !present_[index]) {
      return InvalidArgument("database", "the statement has no parameter $" +
                                             std::to_string(index) + " [" + sql_.substr(0, 60) + "]");
    }
    return index;
  }
  Status Check(int rc, std::string_view what) {
    if (rc == SQLITE_OK) return {};
    return SqliteError(db_, what, sql_);
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  std::vector<bool> present_;  // [N]: $N appears in the statement
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }

  Status Execute(std::string_view sql) override {
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string m = message ? message : "error";
      sqlite3_free(message);
      return Error{ErrorCode::kInternal, "database", m + " [" + text.substr(0, 60) + "]", ""};
    }
    return {};
  }
  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) override {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    std::vector<bool> present;
    const std::string numbered = NumberParameters(sql, &present);
    if (sqlite3_prepare_v3(db_, numbered.data(), static_cast<int>(numbered.size()), 0, &stmt,
                           &tail) != SQLITE_OK) {
      return SqliteError(db_, "prepare", sql);
    }
    // One statement only: "SELECT …; DROP …" must not silently run half of itself.
    const std::string_view rest(
        tail, static_cast<size_t>(numbered.data() + numbered.size() - tail));
    if (stmt == nullptr || rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
      sqlite3_finalize(stmt);
      return Error{ErrorCode::kInternal, "database",
                   "prepare takes exactly one statement [" + std::string(sql.substr(0, 60)) + "]",
                   ""};
    }
    return std::unique_ptr<Statement>(
        new SqliteStatement(db_, stmt, std::string(sql), std::move(present)));
  }
  Status Begin(Writers) override { return Execute("BEGIN IMMEDIATE"); }
  Status LockKey(std::string_view) override { return {}; }
  Status Commit() override { return Execute("COMMIT"); }
  Status Rollback() override { return Execute("ROLLBACK"); }
  std::string_view engine() const override { return "sqlite"; }

 private:
  sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const SqliteOptions& options) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e{ErrorCode::kFailedPrecondition, path,
            std::string("データベースを開けません (cannot open the database): ") +
                (db ? sqlite3_errmsg(db) : "out of memory"),
            ""};
    sqlite3_close_v2(db);
    return e;
  }
  auto out = std::make_unique<SqliteDatabase>(db);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  std::string pragmas = "PRAGMA foreign_keys=ON;";
  if (options.wal && path != ":memory:") pragmas += "PRAGMA journal_mode=WAL;";
  // Reads through a memory map instead of a pread per page: a CRL of 100 000 entries reads
  // ~3 000 pages, which as syscalls were 90 % of its system time.
  if (path != ":memory:") pragmas += "PRAGMA mmap_size=1073741824;";
  pragmas += options.synchronous_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
  Status s = out->Execute(pragmas);
  if (!s.ok()) {
    Error e = s.error();
    e.field = path;
    return e;
  }
  return std::unique_ptr<Database>(std::move(out));
}

}  // namespace mynacert::store
