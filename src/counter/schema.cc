#include "counter/schema.h"

namespace mynacert::counter {

namespace {
constexpr store::Migration kMigrations[] = {
#include "counter_migrations.inc"
};
}  // namespace

Status MigrateCounter(store::Database& db) { return store::Migrate(db, "counter", kMigrations); }

std::optional<Date> ColumnDate(store::Statement& s, int column) {
  if (s.ColumnIsNull(column)) return std::nullopt;
  auto d = Date::Parse(s.ColumnText(column));
  if (!d.ok()) return std::nullopt;
  return *d;
}

std::string ColumnString(store::Statement& s, int column) {
  if (s.ColumnIsNull(column)) return {};
  return std::string(s.ColumnText(column));
}

Result<int64_t> NextId(store::Database& db, std::string_view name) {
  MYNACERT_RETURN_IF_ERROR(
      Run(db, "UPDATE counter_ids SET value = value + 1 WHERE name = $1", {name}));
  MYNACERT_ASSIGN_OR_RETURN(auto get, Query(db, "SELECT value FROM counter_ids WHERE name = $1", {name}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, get->Step());
  if (row) return get->ColumnInt(0);
  MYNACERT_RETURN_IF_ERROR(
      Run(db, "INSERT INTO counter_ids (name, value) VALUES ($1, 1)", {name}));
  return int64_t{1};
}

}  // namespace mynacert::counter
