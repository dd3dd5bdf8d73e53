// `mynacert db migrate` and `mynacert db copy`: the database under the stores (store/database.h).
//
//   mynacert db migrate [--home H] [--database postgresql://…]
//       brings every component's schema (counter, reservations, notices, service, ca) to this
//       program's version and prints the versions; refuses a database of a newer schema.
//   mynacert db copy --to postgresql://… [--home H]
//       moves a home from the embedded default: its counter.db and ca/ca.db copied whole into
//       the target (one transaction: all or nothing, never onto rows already there), verified
//       by row counts and by `audit verify` on the copy. The home keeps its keys, card files
//       and audit checkpoint; run with --database (or MYNACERT_DATABASE) on the copy from then.
#include <unistd.h>

#include <filesystem>
#include <set>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "counter/schema.h"
#include "counter/workspace.h"
#include "notices/notices.h"
#include "pki/ca_store.h"
#include "reservations/reservations.h"
#include "staff/staff.h"
#include "store/copy.h"

namespace mynacert::cli {
namespace {

using json = nlohmann::ordered_json;

struct DbFlags {
  std::string home, to;
  bool json = false;
  std::string Home() const { return HomeDir(home); }
};

// Every component's migrations on `locator` (the stores' Open migrates; staff's and the CA's
// tables included).
Status MigrateAll(const std::string& locator, bool counter_side, bool ca_side) {
  if (counter_side) {
    MYNACERT_ASSIGN_OR_RETURN(auto counter, counter::CounterStore::Open(locator));
    MYNACERT_RETURN_IF_ERROR(notices::MigrateNotices(counter->db()));
    MYNACERT_ASSIGN_OR_RETURN(auto reservations, reservations::ReservationStore::Open(locator));
    MYNACERT_ASSIGN_OR_RETURN(auto staff, staff::StaffStore::Open(locator));
    (void)reservations, (void)staff;
  }
  if (ca_side) {
    MYNACERT_ASSIGN_OR_RETURN(auto ca, pki::CaStore::Open(locator));
    (void)ca;
  }
  return {};
}

Result<json> Versions(const std::string& locator) {
  MYNACERT_ASSIGN_OR_RETURN(auto db, store::Open(locator));
  MYNACERT_ASSIGN_OR_RETURN(auto versions, store::SchemaVersions(*db));
  json out = json::object();
  for (const auto& [component, version] : versions) out[component] = version;
  return out;
}

Status RunMigrate(const DbFlags& f, CliContext& ctx) {
  const std::string db = ctx.Database();
  std::vector<std::string> locators;
  if (!db.empty()) {
    MYNACERT_RETURN_IF_ERROR(MigrateAll(db, true, true));
    locators.push_back(db);
  } else {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(f.Home()) / "ca", ec);
    if (ec) return InvalidArgument("--home", f.Home() + ": " + ec.message());
    MYNACERT_RETURN_IF_ERROR(MigrateAll(ctx.StoreIn(f.Home(), "counter.db"), true, false));
    MYNACERT_RETURN_IF_ERROR(MigrateAll(ctx.StoreIn(f.Home(), "ca/ca.db"), false, true));
    locators = {ctx.StoreIn(f.Home(), "counter.db"), ctx.StoreIn(f.Home(), "ca/ca.db")};
  }
  json out = json::object();
  for (const std::string& l : locators) {
    MYNACERT_ASSIGN_OR_RETURN(json v, Versions(l));
    out[store::RedactLocator(l)] = v;
  }
  if (f.json) {
    ctx.out << out.dump(2) << "\n";
  } else {
    for (const auto& [where, versions] : out.items()) {
      ctx.out << "スキーマは最新です (schema up to date): " << where << " " << versions.dump() << "\n";
    }
  }
  return {};
}

Status RunCopy(const DbFlags& f, CliContext& ctx) {
  if (!store::IsPostgresLocator(f.to) && !f.to.starts_with("sqlite:")) {
    return InvalidArgument("--to", "コピー先は postgresql://… または sqlite:PATH です (the target is a "
                                   "database locator)");
  }
  const std::filesystem::path home = f.Home();
  const std::string counter_db = (home / "counter.db").string(), ca_db = (home / "ca" / "ca.db").string();
  std::error_code ec;
  if (!std::filesystem::exists(counter_db, ec)) {
    return NotFound("--home", counter_db + ": コピー元のデータベースがありません (no embedded database "
                              "in this home to copy)");
  }
  const bool has_ca = std::filesystem::exists(ca_db, ec);
  // Both sides at this program's schema: the sources (a home from an older version is brought
  // up first, as any command would) and the target.
  MYNACERT_RETURN_IF_ERROR(MigrateAll(counter_db, true, false));
  if (has_ca) {
    MYNACERT_RETURN_IF_ERROR(MigrateAll(ca_db, false, true));
  }
  MYNACERT_RETURN_IF_ERROR(MigrateAll(f.to, true, true));

  MYNACERT_ASSIGN_OR_RETURN(auto from_counter, store::Open(counter_db));
  std::unique_ptr<store::Database> from_ca;
  if (has_ca) {
    MYNACERT_ASSIGN_OR_RETURN(from_ca, store::Open(ca_db));
  }
  MYNACERT_ASSIGN_OR_RETURN(auto to, store::Open(f.to));
  std::vector<store::Database*> sources{from_counter.get()};
  if (from_ca) sources.push_back(from_ca.get());
  // The tables a fresh database's migrations fill by themselves (the CA's counters): replaced
  // by the home's rows; every other table of the target must be empty.
  const std::filesystem::path fresh =
      std::filesystem::temp_directory_path() / ("mynacert-fresh-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(fresh, ec);
  Status migrated = MigrateAll(fresh.string(), true, true);
  Result<std::set<std::string>> seeded = std::set<std::string>{};
  if (migrated.ok()) {
    auto fresh_db = store::Open(fresh.string());
    seeded = fresh_db.ok() ? store::SeededTables(**fresh_db) : Result<std::set<std::string>>(fresh_db.error());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(fresh.string() + suffix, ec);
  MYNACERT_RETURN_IF_ERROR(std::move(migrated));
  if (!seeded.ok()) return seeded.error();
  auto copied = store::CopyRows(sources, *to, *seeded);
  if (!copied.ok()) {
    Error e = copied.error();
    e.field = "--to";
    return e;
  }

  // The copy's audit log, verified with the home's key and checkpoint.
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  MYNACERT_ASSIGN_OR_RETURN(auto ws, counter::OpenWorkspace(home, *reg, nullptr, "", f.to));
  MYNACERT_ASSIGN_OR_RETURN(counter::AuditVerification v, ws->store->audit().Verify());

  int64_t rows = 0;
  json tables = json::object();
  for (const store::CopiedTable& t : copied->tables) {
    tables[t.name] = t.rows;
    rows += t.rows;
  }
  if (f.json) {
    ctx.out << json{{"to", store::RedactLocator(f.to)}, {"rows", rows}, {"tables", tables},
                    {"audit", {{"ok", v.ok}, {"records", v.records}, {"problem", v.problem}}}}
                   .dump(2)
            << "\n";
  } else {
    ctx.out << "コピーしました (copied) → " << store::RedactLocator(f.to) << ": " << copied->tables.size()
            << " 表 (tables), " << rows << " 行 (rows)\n";
    for (const store::CopiedTable& t : copied->tables) ctx.out << "  " << t.name << " " << t.rows << "\n";
    if (v.ok) {
      ctx.out << "監査記録を検証しました (audit log verified on the copy): " << v.records << " 件\n";
    }
  }
  if (!v.ok) {
    return Error{ErrorCode::kFailedPrecondition, "audit_log",
                 "コピーの監査記録が検証できません (the copy's audit log does not verify): " + v.problem, ""};
  }
  return {};
}

}  // namespace

void AddDbCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* db = app.add_subcommand("db", "データベース / the database (migrate, copy)");
  db->require_subcommand(1);
  {
    auto f = std::make_shared<DbFlags>();
    CLI::App* c = db->add_subcommand(
        "migrate", "スキーマを最新に / bring every component's schema to this program's version");
    AddHomeOption(*c, f->home);
    c->add_flag("--json", f->json, "JSON で出力");
    c->callback([f, &ctx] { RunCommand(ctx, [&] { return RunMigrate(*f, ctx); }); });
  }
  {
    auto f = std::make_shared<DbFlags>();
    CLI::App* c = db->add_subcommand(
        "copy", "ホームの SQLite を別のデータベースへ / copy a home's SQLite files to another database");
    AddHomeOption(*c, f->home);
    c->add_option("--to", f->to, "コピー先 postgresql://… (空であること) / the target")->required();
    c->add_flag("--json", f->json, "JSON で出力");
    c->callback([f, &ctx] { RunCommand(ctx, [&] { return RunCopy(*f, ctx); }); });
  }
}

}  // namespace mynacert::cli
