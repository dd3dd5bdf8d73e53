// A counter workspace: everything under one home folder — counter.db (the counter's store,
// shared by reservations and notices), the CA folder ca/ (created on first use) and cards/
// (card files of the card model) — opened once by a CLI command or by `mynacert serve`.
#ifndef MYNACERT_COUNTER_WORKSPACE_H_
#define MYNACERT_COUNTER_WORKSPACE_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "counter/execution.h"
#include "pki/ca_directory.h"
#include "pki/ca_store.h"
#include "profiles/loader.h"

namespace mynacert::counter {

// Where the secrets come from: env:NAME or file:PATH only.
struct WorkspaceSecrets {
  std::string passphrase = "env:MYNACERT_CA_PASSPHRASE";  // the CA keys
  std::string issuer_key = "env:MYNACERT_ISSUER_KEY";     // the card issuer channel
  std::string card_secret = "env:MYNACERT_CARD_SECRET";   // card files
};

struct Workspace {
  std::filesystem::path dir;
  std::unique_ptr<profiles::Registry> profiles;
  std::unique_ptr<CounterStore> store;
  std::unique_ptr<Counter> counter;
  // With the secrets only:
  std::unique_ptr<pki::CaStore> ca_store;
  pki::CaGeneration sign_ca, auth_ca;
  ExecutionEnv env;  // open_card = the card files; pin unset (the caller asks)
  std::vector<std::string> notes;  // "CA created: …" for the caller to print

  std::string CaDir() const { return (dir / "ca").string(); }
  std::string DbPath() const { return (dir / "counter.db").string(); }
};

// Opens the stores; with `secrets`, also loads (or first creates) the CA and reads the issuer
// key and the card secret. Errors name --home, --passphrase, --issuer-key or --card-secret.
Result<std::unique_ptr<Workspace>> OpenWorkspace(const std::filesystem::path& dir,
                                                 const profiles::Registry& profiles,
                                                 const WorkspaceSecrets* secrets);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_WORKSPACE_H_
