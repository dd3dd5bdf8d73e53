// mynacert: the command line. Each sub-command lives in its own *_cmd.cc (commands.h).
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "store/database.h"

namespace mynacert::cli {

Result<const profiles::Registry*> CliContext::Profiles() {
  if (!registry_) {
    std::string dir = profiles_dir;
    if (dir.empty()) {
      if (const char* env = std::getenv("MYNACERT_PROFILES_DIR")) dir = env;
    }
    registry_.emplace(profiles::Registry::Load(dir));
  }
  if (!registry_->ok()) return registry_->error();
  return &registry_->value();
}

Result<const profiles::Municipality*> CliContext::FindMunicipality(const std::string& id) {
  auto reg = Profiles();
  if (!reg.ok()) return reg.error();
  auto found = (*reg)->Find(id);
  if (!found.ok()) {
    Error e = found.error();
    e.field = "--municipality";
    return e;
  }
  return *found;
}

// "card_secret" → "--card-secret" when the command being run has that option.
static std::string FlagOf(CLI::App* root, const std::string& field) {
  if (!root || field.empty() || field.rfind("--", 0) == 0) return field;
  CLI::App* cmd = root;
  for (;;) {
    auto subs = cmd->get_subcommands();
    if (subs.empty()) break;
    cmd = subs.front();
  }
  std::string flag = "--" + field;
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  for (CLI::App* a = cmd; a; a = a->get_parent()) {
    if (a->get_option_no_throw(flag)) return flag;
  }
  return field;
}

void CliContext::Fail(const Error& error) {
  Error shown = error;
  shown.field = FlagOf(root, error.field);
  err << "mynacert: " << shown.ToString() << "\n";
  exit_code = error.code == ErrorCode::kInternal ? kExitInternal : kExitBadInput;
}

std::string CliContext::Database() const { return store::ConfiguredLocator(database_flag); }

std::string CliContext::StoreIn(const std::string& home, const std::string& file) const {
  const std::string db = Database();
  return db.empty() ? (std::filesystem::path(home) / file).string() : db;
}

std::string HomeDir(const std::string& home_flag) {
  if (!home_flag.empty()) return home_flag;
  if (const char* env = std::getenv("MYNACERT_HOME")) return env;
  return "mynacert-home";
}

CLI::Option* AddHomeOption(CLI::App& command, std::string& home_flag) {
  return command.add_option("--home", home_flag, "データの場所 (既定 $MYNACERT_HOME または ./mynacert-home)");
}

Result<std::string> ReadFileNamed(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(flag, "ファイルが読めません (cannot read " + path + ")");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

namespace {

// CLI11's messages name the option; keep them on one line and prefix them like ours.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

int Main(int argc, char** argv) {
  CliContext ctx(std::cout, std::cerr);
  CLI::App app{
      "mynacert — マイナンバーカードの電子証明書 (公的個人認証サービス) "
      "の規則・手続き・窓口カレンダー\n"
      "mynacert — the My Number Card certificate rules, procedures and counter calendar"};
  app.require_subcommand(1);
  ctx.root = &app;
  app.add_option("--profiles-dir", ctx.profiles_dir,
                 "追加の自治体プロファイル (*.toml) のフォルダ / extra municipality profiles");
  // Given anywhere on the line (`mynacert serve --database …`): unknown to the sub-command, it
  // falls through to here.
  app.add_option("--database", ctx.database_flag,
                 "データベース: sqlite:PATH または postgresql://… (既定 $MYNACERT_DATABASE、なければ "
                 "<home> の SQLite) / the database");
  app.fallthrough();
  app.set_version_flag("--version", "mynacert 0.1.0");
  AddExplainCommand(app, ctx);
  AddProcedureCommand(app, ctx);
  AddCalendarCommand(app, ctx);
  AddCaCommand(app, ctx);
  AddCardCommand(app, ctx);
  AddCounterCommands(app, ctx);
  AddReservationCommands(app, ctx);
  AddNoticesCommands(app, ctx);
  AddServeCommands(app, ctx);
  AddCertificateCopyCommand(app, ctx);
  AddDemoCommands(app, ctx);
  AddDbCommands(app, ctx);
  AddVerifierCommands(app, ctx);
  AddVerifyCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "mynacert: " << OneLine(e.what()) << " (--help で使い方 / see --help)\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "mynacert: internal error: " << OneLine(e.what()) << "\n";
    return kExitInternal;
  }
  return ctx.exit_code;
}

}  // namespace mynacert::cli

int main(int argc, char** argv) {
  // Everything mynacert writes (the home, counter.db with names, addresses and My Numbers, card
  // files, keys, letters, CSVs) is the operator's alone, whatever the caller's umask (issue 14).
  umask(077);
  return mynacert::cli::Main(argc, argv);
}
