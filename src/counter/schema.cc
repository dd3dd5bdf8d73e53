#include "counter/schema.h"

namespace mynacert::counter {

namespace {
constexpr store::Migration kMigrations[] = {
#include "counter_migrations.inc"
};
}  // namespace

Status MigrateCounter(store::Database& db) { return store::Migrate(db, "counter", kMigrations); }

Result<int64_t> NextId(store::Database& db, std::string_view name) {
  return store::NextInSequence(db, "counter_ids", name);
}

}  // namespace mynacert::counter
