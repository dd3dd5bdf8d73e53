#include "counter/workspace.h"

#include "core/clock.h"
#include "pki/key_file.h"

namespace mynacert::counter {

Result<std::unique_ptr<Workspace>> OpenWorkspace(const std::filesystem::path& dir,
                                                 const profiles::Registry& profiles,
                                                 const WorkspaceSecrets* secrets) {
  auto w = std::make_unique<Workspace>();
  w->dir = dir;
  std::error_code ec;
  std::filesystem::create_directories(dir / "cards", ec);
  if (ec) return InvalidArgument("--home", dir.string() + ": " + ec.message());
  w->profiles = std::make_unique<profiles::Registry>(profiles);
  MYNACERT_ASSIGN_OR_RETURN(w->store, CounterStore::OpenSqlite(w->DbPath()));
  w->counter = std::make_unique<Counter>(*w->store, *w->profiles);
  w->env.now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  w->env.today = RealClock().TodayJst();
  if (!secrets) return w;
  const std::string ca_dir = w->CaDir();
  MYNACERT_ASSIGN_OR_RETURN(std::string pass, pki::ReadPassphrase(secrets->passphrase, "--passphrase"));
  pki::KeySecrets keys{pass, ""};
  if (pki::LatestGeneration(ca_dir, pki::CaKind::kSign) == 0) {
    MYNACERT_ASSIGN_OR_RETURN(auto made, pki::InitCaDirectory(ca_dir, keys, RealClock().Now()));
    (void)made;
    w->notes.push_back("認証局を作りました (CA created): " + ca_dir);
  }
  MYNACERT_ASSIGN_OR_RETURN(w->sign_ca, pki::LoadCa(ca_dir, pki::CaKind::kSign,
                                                    pki::LatestGeneration(ca_dir, pki::CaKind::kSign), keys));
  MYNACERT_ASSIGN_OR_RETURN(w->auth_ca, pki::LoadCa(ca_dir, pki::CaKind::kAuth,
                                                    pki::LatestGeneration(ca_dir, pki::CaKind::kAuth), keys));
  MYNACERT_ASSIGN_OR_RETURN(w->ca_store, pki::CaStore::OpenSqlite(ca_dir + "/ca.db"));
  MYNACERT_ASSIGN_OR_RETURN(w->env.issuer_master, pki::ReadSecret(secrets->issuer_key, "--issuer-key", 16));
  MYNACERT_ASSIGN_OR_RETURN(w->env.card_secret, pki::ReadPassphrase(secrets->card_secret, "--card-secret"));
  w->env.ca_store = w->ca_store.get();
  w->env.sign_ca = &w->sign_ca;
  w->env.auth_ca = &w->auth_ca;
  const std::string secret = w->env.card_secret;
  w->env.open_card = [secret](const CardRecord& r) { return OpenCardFile(r, secret); };
  w->env.new_card_path = [dir](const Resident& r, int64_t case_id) {
    return (dir / "cards" / ("resident-" + std::to_string(r.id) + "-case-" + std::to_string(case_id) + ".card"))
        .string();
  };
  return w;
}

}  // namespace mynacert::counter
