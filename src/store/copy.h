// Copying a database's rows to another engine (`mynacert db copy`): every table the source's
// migrations made, row by row through the portable interface, into a target whose migrations
// made the same tables. The whole copy is one transaction on the target: it lands whole or not
// at all, and a target that already holds rows in a copied table is refused before anything is
// written.
//
//   auto from = store::Open(home + "/counter.db"); auto to = store::Open("postgresql://…");
//   (migrate both to the same versions first)
//   auto report = store::CopyRows({from->get()}, **to);   // report->tables: name, rows copied
#ifndef MYNACERT_STORE_COPY_H_
#define MYNACERT_STORE_COPY_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace mynacert::store {

struct TableColumn {
  std::string name;
  std::string type;  // as declared, upper case: INTEGER, BIGINT, TEXT, BYTEA
};

// The tables of the database (schema_migrations and the engine's own excluded), by name.
Result<std::vector<std::string>> ListTables(Database& db);
// A table's columns in their declared order. `table` comes from ListTables.
Result<std::vector<TableColumn>> ListColumns(Database& db, const std::string& table);
// SELECT COUNT(*) of a table from ListTables.
Result<int64_t> CountRows(Database& db, const std::string& table);
// Each component's schema version recorded in schema_migrations ("ca" → 2, …).
Result<std::vector<std::pair<std::string, int64_t>>> SchemaVersions(Database& db);

struct CopiedTable {
  std::string name;
  int64_t rows = 0;
};
struct CopyReport {
  std::vector<CopiedTable> tables;
};

// Copies every row of every table of each of `from` (a home's counter.db and ca/ca.db: tables
// apart) into the same table of `to`, in one transaction on `to`, and checks the counts on both
// sides. Refused (kFailedPrecondition, nothing written) when a source and `to` record different
// schema versions for a component of the source, when `to` lacks a column of a source, or when
// a table of `to` already holds rows. The tables in `seeded` are those a fresh database's
// migrations fill themselves (the CA's counters): their rows in `to` are replaced by the
// source's, inside the same transaction.
Result<CopyReport> CopyRows(const std::vector<Database*>& from, Database& to,
                            const std::set<std::string>& seeded = {});
// The tables that migrations alone fill in `db` (a database just migrated, with no other rows).
Result<std::set<std::string>> SeededTables(Database& db);

}  // namespace mynacert::store

#endif  // MYNACERT_STORE_COPY_H_
