// mynacert: the command line. Each sub-command lives in its own *_cmd.cc (commands.h).
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli/commands.h"

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

void CliContext::Fail(const Error& error) {
  err << "mynacert: " << error.ToString() << "\n";
  exit_code = error.code == ErrorCode::kInternal ? kExitInternal : kExitBadInput;
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
  app.add_option("--profiles-dir", ctx.profiles_dir,
                 "追加の自治体プロファイル (*.toml) のフォルダ / extra municipality profiles");
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

int main(int argc, char** argv) { return mynacert::cli::Main(argc, argv); }
