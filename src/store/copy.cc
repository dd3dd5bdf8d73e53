#include "store/copy.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace mynacert::store {
namespace {

bool Postgres(Database& db) { return db.engine() == "postgresql"; }

// Names are interpolated into SQL: only what our migrations make ([a-z0-9_]).
Status CheckName(const std::string& name) {
  if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    return InvalidArgument("table", "not a table name of ours: " + name);
  }
  return {};
}

Result<std::vector<std::string>> Strings(Database& db, std::string_view sql,
                                         std::initializer_list<Param> params) {
  MYNACERT_ASSIGN_OR_RETURN(auto q, Query(db, sql, params));
  std::vector<std::string> out;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.emplace_back(q->ColumnText(0));
  }
  return out;
}

// The tables `table` refers to by foreign key.
Result<std::vector<std::string>> References(Database& db, const std::string& table) {
  if (Postgres(db)) {
    return Strings(db,
                   "SELECT DISTINCT ccu.table_name FROM information_schema.table_constraints tc "
                   "JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = "
                   "ccu.constraint_name AND tc.table_schema = ccu.table_schema WHERE "
                   "tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND "
                   "tc.table_name = $1",
                   {table});
  }
  return Strings(db, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)", {table});
}

enum class Kind { kInt, kText, kBlob };
Kind KindOf(const std::string& type) {
  if (type == "INTEGER" || type == "BIGINT" || type == "SMALLINT") return Kind::kInt;
  if (type == "BYTEA" || type == "BLOB") return Kind::kBlob;
  return Kind::kText;
}

Error Refused(std::string message) {
  return Error{ErrorCode::kFailedPrecondition, "database", std::move(message), ""};
}

}  // namespace

Result<std::vector<std::string>> ListTables(Database& db) {
  if (Postgres(db)) {
    return Strings(db,
                   "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND "
                   "tablename <> 'schema_migrations' ORDER BY tablename",
                   {});
  }
  return Strings(db,
                 "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                 "AND name <> 'schema_migrations' ORDER BY name",
                 {});
}

Result<std::vector<TableColumn>> ListColumns(Database& db, const std::string& table) {
  MYNACERT_RETURN_IF_ERROR(CheckName(table));
  MYNACERT_ASSIGN_OR_RETURN(
      auto q, Postgres(db) ? Query(db,
                                   "SELECT column_name, upper(data_type) FROM "
                                   "information_schema.columns WHERE table_schema = "
                                   "current_schema() AND table_name = $1 ORDER BY ordinal_position",
                                   {table})
                           : Query(db, "SELECT name, upper(type) FROM pragma_table_info($1) ORDER BY cid",
                                   {table}));
  std::vector<TableColumn> out;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.push_back(TableColumn{std::string(q->ColumnText(0)), std::string(q->ColumnText(1))});
  }
  return out;
}

Result<int64_t> CountRows(Database& db, const std::string& table) {
  MYNACERT_RETURN_IF_ERROR(CheckName(table));
  MYNACERT_ASSIGN_OR_RETURN(auto q, Query(db, "SELECT COUNT(*) FROM " + table, {}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, q->Step());
  return row ? q->ColumnInt(0) : int64_t{0};
}

Result<std::vector<std::pair<std::string, int64_t>>> SchemaVersions(Database& db) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto q, Query(db,
                    "SELECT component, MAX(version) FROM schema_migrations GROUP BY component "
                    "ORDER BY component",
                    {}));
  std::vector<std::pair<std::string, int64_t>> out;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.emplace_back(std::string(q->ColumnText(0)), q->ColumnInt(1));
  }
  return out;
}

// One source's tables, referenced tables first (the target checks every foreign key as the
// rows arrive), after checking its schema versions against the target's.
static Result<std::vector<std::string>> TablesInOrder(Database& from,
                                                      const std::map<std::string, int64_t>& target) {
  MYNACERT_ASSIGN_OR_RETURN(auto from_versions, SchemaVersions(from));
  for (const auto& [component, version] : from_versions) {
    auto it = target.find(component);
    if (it == target.end() || it->second != version) {
      return Refused("スキーマの版が違います。何もコピーしていません (the schema of " + component +
                     " is at version " + std::to_string(version) + " in the source and " +
                     (it == target.end() ? std::string("absent") : std::to_string(it->second)) +
                     " in the target; migrate both first — nothing was copied)");
    }
  }
  MYNACERT_ASSIGN_OR_RETURN(std::vector<std::string> tables, ListTables(from));
  std::vector<std::string> order;
  std::set<std::string> placed;
  std::map<std::string, std::vector<std::string>> refs;
  for (const std::string& t : tables) {
    MYNACERT_RETURN_IF_ERROR(CheckName(t));
    MYNACERT_ASSIGN_OR_RETURN(refs[t], References(from, t));
  }
  while (order.size() < tables.size()) {
    bool progressed = false;
    for (const std::string& t : tables) {
      if (placed.count(t)) continue;
      const bool ready = std::all_of(refs[t].begin(), refs[t].end(), [&](const std::string& r) {
        return r == t || placed.count(r) || !refs.count(r);
      });
      if (!ready) continue;
      order.push_back(t);
      placed.insert(t);
      progressed = true;
    }
    if (!progressed) return Error{ErrorCode::kInternal, "database", "foreign keys form a cycle", ""};
  }
  return order;
}

// Copies one table's rows (the caller's transaction on `to`) and checks the counts.
static Result<int64_t> CopyTable(Database& from, Database& to, const std::string& t);

Result<std::set<std::string>> SeededTables(Database& db) {
  MYNACERT_ASSIGN_OR_RETURN(std::vector<std::string> tables, ListTables(db));
  std::set<std::string> out;
  for (const std::string& t : tables) {
    MYNACERT_ASSIGN_OR_RETURN(int64_t rows, CountRows(db, t));
    if (rows > 0) out.insert(t);
  }
  return out;
}

Result<CopyReport> CopyRows(const std::vector<Database*>& from, Database& to,
                            const std::set<std::string>& seeded) {
  MYNACERT_ASSIGN_OR_RETURN(auto to_versions, SchemaVersions(to));
  const std::map<std::string, int64_t> target(to_versions.begin(), to_versions.end());
  std::vector<std::vector<std::string>> orders;
  for (Database* source : from) {
    MYNACERT_ASSIGN_OR_RETURN(orders.emplace_back(), TablesInOrder(*source, target));
  }
  MYNACERT_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(to));
  for (const std::vector<std::string>& order : orders) {
    for (const std::string& t : order) {
      if (seeded.count(t)) MYNACERT_RETURN_IF_ERROR(Run(to, "DELETE FROM " + t, {}));
    }
  }
  CopyReport report;
  for (size_t i = 0; i < from.size(); ++i) {
    for (const std::string& t : orders[i]) {
      MYNACERT_ASSIGN_OR_RETURN(int64_t rows, CopyTable(*from[i], to, t));
      report.tables.push_back(CopiedTable{t, rows});
    }
  }
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return report;
}

static Result<int64_t> CopyTable(Database& from, Database& to, const std::string& t) {
  MYNACERT_ASSIGN_OR_RETURN(std::vector<TableColumn> source_columns, ListColumns(from, t));
  MYNACERT_ASSIGN_OR_RETURN(std::vector<TableColumn> target_columns, ListColumns(to, t));
  std::map<std::string, std::string> target_types;
  for (const TableColumn& c : target_columns) target_types[c.name] = c.type;
  std::string names, dollar_params;
  std::vector<Kind> kinds;
  for (size_t i = 0; i < source_columns.size(); ++i) {
    const TableColumn& c = source_columns[i];
    MYNACERT_RETURN_IF_ERROR(CheckName(c.name));
    auto it = target_types.find(c.name);
    if (it == target_types.end()) {
      return Refused("コピー先に列がありません。何もコピーしていません (the target has no column " +
                     t + "." + c.name + " — nothing was copied)");
    }
    names += (i ? ", " : "") + c.name;
    dollar_params += (i ? ", $" : "$") + std::to_string(i + 1);
    kinds.push_back(KindOf(it->second));
  }
  MYNACERT_ASSIGN_OR_RETURN(int64_t already, CountRows(to, t));
  if (already > 0) {
    return Refused("コピー先に既にデータがあります。何もコピーしていません (the target's table " + t +
                   " already holds " + std::to_string(already) + " rows — nothing was copied)");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto read, Query(from, "SELECT " + names + " FROM " + t, {}));
  MYNACERT_ASSIGN_OR_RETURN(
      auto write, to.Prepare("INSERT INTO " + t + " (" + names + ") VALUES (" + dollar_params + ")"));
  int64_t rows = 0;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, read->Step());
    if (!row) break;
    for (size_t i = 0; i < kinds.size(); ++i) {
      const int col = static_cast<int>(i), at = static_cast<int>(i + 1);
      if (read->ColumnIsNull(col)) {
        MYNACERT_RETURN_IF_ERROR(write->BindNull(at));
      } else if (kinds[i] == Kind::kInt) {
        MYNACERT_RETURN_IF_ERROR(write->BindInt(at, read->ColumnInt(col)));
      } else if (kinds[i] == Kind::kBlob) {
        MYNACERT_RETURN_IF_ERROR(write->BindBlob(at, read->ColumnBlob(col)));
      } else {
        MYNACERT_RETURN_IF_ERROR(write->BindText(at, read->ColumnText(col)));
      }
    }
    MYNACERT_ASSIGN_OR_RETURN(bool more, write->Step());
    (void)more;
    MYNACERT_RETURN_IF_ERROR(write->Reset());
    ++rows;
  }
  MYNACERT_ASSIGN_OR_RETURN(int64_t source_rows, CountRows(from, t));
  MYNACERT_ASSIGN_OR_RETURN(int64_t target_rows, CountRows(to, t));
  if (rows != source_rows || target_rows != source_rows) {
    return Error{ErrorCode::kInternal, "database",
                 t + ": " + std::to_string(source_rows) + " rows in the source, " +
                     std::to_string(target_rows) + " in the target — nothing was copied",
                 ""};
  }
  return rows;
}

}  // namespace mynacert::store
