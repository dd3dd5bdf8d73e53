#include "store/database.h"
#include "core/clock.h"

#include <chrono>
#include <cstdlib>
#include <string>

namespace mynacert::store {

Result<Transaction> Transaction::Begin(Database& db, Writers writers) {
  MYNACERT_RETURN_IF_ERROR(db.Begin(writers));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Rollback();
}

Status Transaction::Commit() {
  if (db_ == nullptr) {
    return Error{ErrorCode::kInternal, "database", "commit of a finished transaction", ""};
  }
  Database* db = db_;
  MYNACERT_RETURN_IF_ERROR(db->Commit());
  db_ = nullptr;
  db->RunAfterCommit();
  return {};
}

Status Migrate(Database& db, std::string_view component, std::span<const Migration> steps) {
  for (size_t i = 1; i < steps.size(); ++i) {
    if (steps[i].version <= steps[i - 1].version) {
      return Error{ErrorCode::kInternal, "migrations",
                   std::string(component) + ": versions must increase", ""};
    }
  }
  {
    // Under the writers' lock: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a
    // second connection creating the same table at the same moment.
    MYNACERT_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
    MYNACERT_RETURN_IF_ERROR(
        db.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT NOT NULL, "
                   "version INTEGER NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY "
                   "(component, version))"));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  auto current_version = [&db, component]() -> Result<int64_t> {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, db.Prepare("SELECT MAX(version) FROM schema_migrations WHERE component = $1"));
    MYNACERT_RETURN_IF_ERROR(s->BindText(1, component));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    return row && !s->ColumnIsNull(0) ? s->ColumnInt(0) : int64_t{0};
  };
  MYNACERT_ASSIGN_OR_RETURN(int64_t current, current_version());
  const int64_t known = steps.empty() ? 0 : steps.back().version;
  if (current > known) {
    return Error{ErrorCode::kFailedPrecondition, "database",
                 "データベースのスキーマが新しすぎます (" + std::string(component) +
                     " schema version " + std::to_string(current) +
                     " is newer than this program's " + std::to_string(known) + ")",
                 ""};
  }
  for (const Migration& step : steps) {
    if (step.version <= current) continue;
    MYNACERT_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
    // Another connection may have applied it since the read above (two processes, or a
    // service's connections opening at once): read again under the write lock.
    MYNACERT_ASSIGN_OR_RETURN(current, current_version());
    if (step.version <= current) continue;  // tx rolls back, nothing written
    MYNACERT_RETURN_IF_ERROR(db.Execute(step.sql));
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, db.Prepare("INSERT INTO schema_migrations (component, version, applied_at) VALUES "
                           "($1, $2, $3)"));
    MYNACERT_RETURN_IF_ERROR(s->BindText(1, component));
    MYNACERT_RETURN_IF_ERROR(s->BindInt(2, step.version));
    MYNACERT_RETURN_IF_ERROR(s->BindInt(3, std::chrono::duration_cast<std::chrono::seconds>(
                                               RealClock().Now().time_since_epoch())
                                               .count()));
    MYNACERT_RETURN_IF_ERROR(s->Step());
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  return {};
}

bool IsPostgresLocator(std::string_view locator) {
  return locator.starts_with("postgresql://") || locator.starts_with("postgres://");
}

std::string ConfiguredLocator(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("MYNACERT_DATABASE");
  return env ? env : "";
}

Result<std::unique_ptr<Database>> Open(const std::string& locator, const SqliteOptions& sqlite,
                                       const PostgresOptions& postgres) {
  if (IsPostgresLocator(locator)) return OpenPostgres(locator, postgres);
  if (locator.starts_with("sqlite:")) return OpenSqlite(locator.substr(7), sqlite);
  if (locator.find("://") != std::string::npos) {
    return InvalidArgument("database", RedactLocator(locator) +
                                           ": データベースの種類が分かりません (not a database "
                                           "locator: sqlite:PATH or postgresql://…)");
  }
  return OpenSqlite(locator, sqlite);
}

Status Bind(Statement& s, std::initializer_list<Param> params) {
  return BindFrom(s, 1, std::span(params.begin(), params.size()));
}

Result<std::unique_ptr<Statement>> Query(Database& db, std::string_view sql,
                                         std::initializer_list<Param> params) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, db.Prepare(sql));
  MYNACERT_RETURN_IF_ERROR(Bind(*s, params));
  return s;
}

Status BindFrom(Statement& s, int first, std::span<const Param> params) {
  int i = first;
  for (const Param& p : params) {
    if (std::holds_alternative<std::nullptr_t>(p)) {
      MYNACERT_RETURN_IF_ERROR(s.BindNull(i));
    } else if (const int64_t* n = std::get_if<int64_t>(&p)) {
      MYNACERT_RETURN_IF_ERROR(s.BindInt(i, *n));
    } else {
      MYNACERT_RETURN_IF_ERROR(s.BindText(i, std::get<std::string_view>(p)));
    }
    ++i;
  }
  return {};
}

std::string ScanParameters(std::string_view sql, std::vector<size_t>* numbers,
                           const std::function<std::string(size_t)>& replace) {
  std::string out;
  if (replace) out.reserve(sql.size());
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    size_t end = std::string_view::npos;
    if (c == '\'' || c == '"') {
      end = sql.find(c, i + 1);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      end = sql.find('\n', i);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      end = sql.find("*/", i + 2);
      if (end != std::string_view::npos) ++end;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '1' && sql[i + 1] <= '9') {
      size_t j = i + 1;
      size_t n = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9' && n < 1'000'000) {
        n = n * 10 + static_cast<size_t>(sql[j] - '0');
        ++j;
      }
      numbers->push_back(n);
      if (replace) out += replace(n);
      i = j - 1;
      continue;
    } else {
      if (replace) out += c;
      continue;
    }
    // A literal, an identifier or a comment, as it is (to the end if unterminated).
    const size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
    if (replace) out.append(sql.substr(i, stop - i));
    i = stop - 1;
  }
  return out;
}

std::vector<bool> PresentParameters(const std::vector<size_t>& numbers) {
  std::vector<bool> present(1, false);
  for (size_t n : numbers) {
    if (n >= present.size()) present.resize(n + 1, false);
    present[n] = true;
  }
  return present;
}

std::string ValuesList(size_t rows, int arity, std::string_view tail) {
  std::string sql;
  sql.reserve(rows * static_cast<size_t>(arity) * 6);
  int n = 0;
  for (size_t r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (int c = 0; c < arity; ++c) {
      if (c) sql += ", ";
      sql += "$" + std::to_string(++n);
    }
    sql += tail;
    sql += ")";
  }
  return sql;
}

std::string ParameterList(int first, size_t count) {
  std::string sql;
  for (size_t i = 0; i < count; ++i) {
    if (i) sql += ", ";
    sql += "$" + std::to_string(first + static_cast<int>(i));
  }
  return sql;
}

Status Run(Database& db, std::string_view sql, std::initializer_list<Param> params) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, Query(db, sql, params));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  (void)row;
  return {};
}

std::string ColumnString(Statement& s, int column) {
  if (s.ColumnIsNull(column)) return {};
  return std::string(s.ColumnText(column));
}

std::optional<Date> ColumnDate(Statement& s, int column) {
  if (s.ColumnIsNull(column)) return std::nullopt;
  auto d = Date::Parse(s.ColumnText(column));
  if (!d.ok()) return std::nullopt;
  return *d;
}

Result<int64_t> NextInSequence(Database& db, std::string_view table, std::string_view name,
                               int64_t step) {
  if (table.empty() || table.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string_view::npos) {
    return InvalidArgument("table", "not a sequence table: " + std::string(table));
  }
  const std::string t(table);
  MYNACERT_ASSIGN_OR_RETURN(
      auto up, Query(db, "UPDATE " + t + " SET value = value + $2 WHERE name = $1 RETURNING value", {name, step}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, up->Step());
  if (row) {
    const int64_t value = up->ColumnInt(0);
    MYNACERT_ASSIGN_OR_RETURN(bool more, up->Step());  // finish the statement
    (void)more;
    return value;
  }
  MYNACERT_RETURN_IF_ERROR(Run(db, "INSERT INTO " + t + " (name, value) VALUES ($1, $2)", {name, step}));
  return step;
}

}  // namespace mynacert::store
