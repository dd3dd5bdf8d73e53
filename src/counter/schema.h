// The counter's schema (src/store/migrations/counter/*.sql), the id allocator, and two small
// helpers that bind parameters in one call.
//
// Thread-safety: functions over one connection, one thread at a time.
#ifndef MYNACERT_COUNTER_SCHEMA_H_
#define MYNACERT_COUNTER_SCHEMA_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/date.h"
#include "core/result.h"
#include "store/database.h"

namespace mynacert::counter {

// Applies the numbered migration files not yet applied (component "counter").
Status MigrateCounter(store::Database& db);

// The next id of sequence `name` ("resident", "case", …), inside the caller's transaction.
Result<int64_t> NextId(store::Database& db, std::string_view name);

// Parameters bound in one call (store/database.h).
using store::Param;
using store::Query;
using store::Run;
inline Param Text(const std::string& s) { return std::string_view(s); }
inline Param OptDate(const std::optional<Date>& d, std::string& buffer) {
  if (!d) return nullptr;
  buffer = d->ToString();
  return std::string_view(buffer);
}


// Column helpers.
using store::ColumnDate;
using store::ColumnString;

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_SCHEMA_H_
