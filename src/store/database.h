// The store interface every persistent module uses (the CA, the counter, reservations, notices,
// staff): a small SQL database abstraction with one implementation per engine. SQLite is the
// embedded default; PostgreSQL (libpq, postgres_database.cc) runs the same SQL for several
// instances on one database. A locator names the database: "sqlite:PATH" (or a bare path) or
// "postgresql://…" (libpq's URI; "postgres://" too).
//
// Portable SQL, so that one text runs on both engines:
//   * parameters are written $1, $2, … (PostgreSQL's form; SQLite accepts it as named
//     parameters) and bound by number;
//   * column types: INTEGER, BIGINT, TEXT, BYTEA (binary; SQLite stores blobs as given);
//   * no engine-specific functions in the shared SQL; times are BIGINT Unix seconds (UTC),
//     dates TEXT 'YYYY-MM-DD'.
//
// Transactions: writers serialise at Begin on both engines (SQLite's BEGIN IMMEDIATE, an
// advisory lock on PostgreSQL), so "read, then write" inside one transaction is safe across
// connections, processes and instances. A transaction whose correctness rests only on its own
// conditional updates and constraints may say so (Writers::kRowLocks) and run beside others on
// PostgreSQL under READ COMMITTED. A failed statement inside a transaction ends it on
// PostgreSQL: roll back (the Transaction guard does) rather than carry on.
//
// Thread-safety: a Database (a connection) and its Statements belong to one thread at a
// time. Open one connection per thread; SQLite's busy timeout and WAL let them coexist.
#ifndef MYNACERT_STORE_DATABASE_H_
#define MYNACERT_STORE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <vector>
#include <memory>
#include <variant>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"

namespace mynacert::store {

// A prepared statement. Bind, then Step until it returns false; Reset to run it again.
class Statement {
 public:
  virtual ~Statement() = default;
  // index is 1-based: $1 is index 1.
  virtual Status BindInt(int index, int64_t value) = 0;
  virtual Status BindText(int index, std::string_view value) = 0;
  virtual Status BindBlob(int index, std::string_view bytes) = 0;
  virtual Status BindNull(int index) = 0;
  // true: a row is available through Column*; false: done.
  virtual Result<bool> Step() = 0;
  // Columns are 0-based. Views stay valid until the next Step or Reset.
  virtual bool ColumnIsNull(int column) = 0;
  virtual int64_t ColumnInt(int column) = 0;
  virtual std::string_view ColumnText(int column) = 0;
  virtual std::string_view ColumnBlob(int column) = 0;
  // Clears the bindings' results so that the statement can run again (bindings are kept
  // until rebound).
  virtual Status Reset() = 0;
};

// How a transaction's writers meet others' (see the header comment).
enum class Writers {
  kSerialised,  // one writer at a time, from Begin to Commit (the default)
  kRowLocks,    // PostgreSQL: READ COMMITTED with row locks only; SQLite: as kSerialised
};

class Database {
 public:
  virtual ~Database() = default;
  // Runs SQL without parameters (several statements separated by ';' allowed).
  virtual Status Execute(std::string_view sql) = 0;
  virtual Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) = 0;
  virtual Status Begin(Writers writers) = 0;
  Status Begin() { return Begin(Writers::kSerialised); }
  // In a Writers::kRowLocks transaction: waits for, and holds until the transaction ends, a lock
  // named `key` (any text), so that the transactions naming one key serialise (one booker's
  // bookings at a counter). SQLite: nothing to do, its writers serialise at Begin.
  virtual Status LockKey(std::string_view key) = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  virtual std::string_view engine() const = 0;  // "sqlite", "postgresql"

  // Callbacks run after each successful Transaction::Commit, in the order added, outside the
  // transaction (the audit log's checkpoint, counter/audit.h). They must not throw; what they
  // fail to do they report themselves, since the commit stands.
  void AddAfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }
  void RunAfterCommit() {
    for (const auto& fn : after_commit_) fn();
  }

 private:
  std::vector<std::function<void()>> after_commit_;
};

// Rolls back on scope exit unless Commit() succeeded: an error or an exception in the middle
// of a change leaves nothing half-written.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db, Writers writers = Writers::kSerialised);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once committed, rolled back or moved from
};

struct SqliteOptions {
  int busy_timeout_ms = 5000;
  bool wal = true;               // journal_mode=WAL (not for ":memory:")
  bool synchronous_full = true;  // synchronous=FULL: a committed issuance survives power loss
};

// Opens (creating if missing) a SQLite database file; ":memory:" for a private in-memory one.
// Errors name the path.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const SqliteOptions& options = {});

struct PostgresOptions {
  int connect_timeout_s = 10;
  int lock_timeout_ms = 30000;  // a writer waits this long for another's Begin..Commit
};

// Connects to PostgreSQL (a libpq URI or key=value string). Errors name "database" and show the
// locator with its password hidden.
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url,
                                               const PostgresOptions& options = {});

// Opens the database a locator names: "postgresql://…" or "postgres://…" on PostgreSQL,
// "sqlite:PATH" or a bare PATH on SQLite (created if missing).
Result<std::unique_ptr<Database>> Open(const std::string& locator,
                                       const SqliteOptions& sqlite = {},
                                       const PostgresOptions& postgres = {});
bool IsPostgresLocator(std::string_view locator);
// The database a command runs on: `flag` (--database) when given, else $MYNACERT_DATABASE,
// else "" (the embedded default: SQLite files in the home).
std::string ConfiguredLocator(const std::string& flag);
// The locator fit for a log or an error: a password in it replaced by ***.
std::string RedactLocator(std::string_view locator);

// One schema step. Steps are applied in order, each once, inside one transaction per step,
// and recorded in the table schema_migrations(component, version, applied_at).
struct Migration {
  int version;
  std::string_view sql;
};
// Brings `component`'s schema ("ca", "counter", …) up to the last step. Refuses a database
// whose recorded version is newer than the code knows (kFailedPrecondition).
Status Migrate(Database& db, std::string_view component, std::span<const Migration> steps);

// A bound parameter: NULL, an integer or text. Text views must outlive the call.
using Param = std::variant<std::nullptr_t, int64_t, std::string_view>;

// Binds `params` to $1, $2, … of a prepared (or Reset) statement.
Status Bind(Statement& s, std::initializer_list<Param> params);
// Prepares `sql` and binds `params` to $1, $2, …; the statement is ready to Step.
Result<std::unique_ptr<Statement>> Query(Database& db, std::string_view sql,
                                         std::initializer_list<Param> params);
// Runs a statement that returns no rows.
Status Run(Database& db, std::string_view sql, std::initializer_list<Param> params);
// Binds `params` to $first, $first + 1, … (a statement built with ValuesList or
// ParameterList, whose parameters are counted at run time).
Status BindFrom(Statement& s, int first, std::span<const Param> params);

// Statements over many rows in one round trip (PostgreSQL pays one per statement):
// "($1, …, $k), ($k+1, …, $2k), …" — the VALUES list of a multi-row INSERT of `rows` rows of
// `arity` parameters (`tail`, literal SQL, is appended inside each row's parentheses) — and
// "$first, …, $(first + count - 1)", an IN list. Both engines take up to 32 766 parameters in
// one statement (SQLite's limit; PostgreSQL's is 65 535): callers chunk below that.
std::string ValuesList(size_t rows, int arity, std::string_view tail = {});
std::string ParameterList(int first, size_t count);
inline constexpr size_t kMaxParameters = 32766;

// For the engines: the $N parameters of `sql` outside string literals, quoted identifiers and
// comments, each N in order of appearance into `numbers`; with `replace`, the text returned is
// `sql` with each $N replaced by replace(N) (else "").
std::string ScanParameters(std::string_view sql, std::vector<size_t>* numbers,
                           const std::function<std::string(size_t)>& replace = {});
// Which $N appear ([N] true; [0] unused), from ScanParameters' numbers: what Bind may name.
std::vector<bool> PresentParameters(const std::vector<size_t>& numbers);

// Nullable columns: NULL reads as "" and as nullopt (so does a date that does not parse).
std::string ColumnString(Statement& s, int column);
std::optional<Date> ColumnDate(Statement& s, int column);

// The next value (1, 2, …; with `step`, the last of the next `step` values) of the sequence
// `name` kept in `table` (columns name TEXT PRIMARY
// KEY, value INTEGER), allocated inside the caller's transaction with portable SQL (no
// AUTOINCREMENT or SERIAL), so that every engine numbers alike. `table` is the component's
// own constant ([a-z_]+), never input.
Result<int64_t> NextInSequence(Database& db, std::string_view table, std::string_view name,
                               int64_t step = 1);

}  // namespace mynacert::store

#endif  // MYNACERT_STORE_DATABASE_H_
