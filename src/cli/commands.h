// The sub-commands of `mynacert`. main.cc builds the CLI11 app and calls one Add*Command per
// sub-command; each registers its flags and a callback that writes to ctx.out and sets
// ctx.exit_code.
//
// Exit codes: 0 success; 2 bad input (an impossible date, an unknown municipality, conflicting
// flags) with exactly one line on ctx.err naming the flag and the problem; 1 internal error.
#ifndef MYNACERT_CLI_COMMANDS_H_
#define MYNACERT_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "profiles/loader.h"

namespace mynacert::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;

struct CliContext {
  CliContext(std::ostream& o, std::ostream& e) : out(o), err(e) {}

  std::ostream& out;
  std::ostream& err;
  // --profiles-dir: extra municipality profiles, loaded after the built-in five.
  std::string profiles_dir;
  // --database (any command that opens a store): see Database().
  std::string database_flag;
  int exit_code = kExitOk;

  // The database of the stores: --database, else $MYNACERT_DATABASE, else "" (SQLite files in
  // the home).
  std::string Database() const;
  // Where a home's store lives: Database() when set, else <home>/<file> (counter.db, ca/ca.db).
  std::string StoreIn(const std::string& home, const std::string& file) const;

  // The profile registry (built-in + profiles_dir), loaded on first use.
  Result<const profiles::Registry*> Profiles();
  // The profile of `id`, errors naming --municipality (or --profiles-dir when loading failed).
  Result<const profiles::Municipality*> FindMunicipality(const std::string& id);
  // Prints `error.ToString()` as one line on err and sets exit_code (2 unless internal). The
  // modules below name fields ("case", "card_secret"); where the running command has the flag
  // of that name (--case, --card-secret) the line names the flag: the CLI's edge, not theirs.
  void Fail(const Error& error);
  // The command line being run (set by Main), for Fail's field-to-flag mapping.
  CLI::App* root = nullptr;

 private:
  std::optional<Result<profiles::Registry>> registry_;
};

// The data directory of the commands that keep state (counter.db, cards, notices): `home_flag`
// (--home) when given, else $MYNACERT_HOME, else ./mynacert-home.
std::string HomeDir(const std::string& home_flag);
// Adds --home, read by HomeDir, to `command`.
CLI::Option* AddHomeOption(CLI::App& command, std::string& home_flag);
// The whole of the file at `path`; NotFound naming `flag` when it cannot be read.
Result<std::string> ReadFileNamed(const std::string& path, const std::string& flag);

// Runs a sub-command body returning Status and reports its error (one line, exit code) via
// ctx.Fail.
template <typename F>
void RunCommand(CliContext& ctx, F&& body) {
  Status status = body();
  if (!status.ok()) ctx.Fail(status.error());
}

void AddExplainCommand(CLI::App& app, CliContext& ctx);    // explain_cmd.cc
void AddProcedureCommand(CLI::App& app, CliContext& ctx);  // procedure_cmd.cc
void AddCalendarCommand(CLI::App& app, CliContext& ctx);   // calendar_cmd.cc (+ holidays)
void AddCaCommand(CLI::App& app, CliContext& ctx);         // ca_cmd.cc
void AddCaAdminCommands(CLI::App& ca, CliContext& ctx);    // ca_admin_cmd.cc
void AddCaOcspCommand(CLI::App& ca, CliContext& ctx);      // ca_ocsp_cmd.cc
void AddCardCommand(CLI::App& app, CliContext& ctx);       // card_cmd.cc
void AddCardClientCommands(CLI::App& card, CliContext& ctx);  // card_client_cmd.cc
void AddCounterCommands(CLI::App& app, CliContext& ctx);   // counter_cmd.cc: resident, counter, audit
void AddCardIssueCommand(CLI::App& card, CliContext& ctx);  // counter_cmd.cc: card issue
void AddReservationCommands(CLI::App& app, CliContext& ctx);  // reservation_cmd.cc
void AddNoticesCommands(CLI::App& app, CliContext& ctx);      // notices_cmd.cc
void AddServeCommands(CLI::App& app, CliContext& ctx);        // serve_cmd.cc: serve, staff
void AddCertificateCopyCommand(CLI::App& app, CliContext& ctx);  // certificate_copy_cmd.cc
void AddDemoCommands(CLI::App& app, CliContext& ctx);         // demo_cmd.cc: demo seed
void AddDbCommands(CLI::App& app, CliContext& ctx);           // db_cmd.cc: db migrate, db copy
void AddVerifierCommands(CLI::App& app, CliContext& ctx);     // verifier_cmd.cc: verifier add, list, revoke
void AddVerifyCommand(CLI::App& app, CliContext& ctx);        // card_client_cmd.cc: verify (signed documents)

}  // namespace mynacert::cli

#endif  // MYNACERT_CLI_COMMANDS_H_
