// What every `mynacert ca …` command needs to reach the CA: its folder, the secrets (from
// env:NAME or file:PATH only), the store and the acting staff member.
#ifndef MYNACERT_CLI_CA_ACCESS_H_
#define MYNACERT_CLI_CA_ACCESS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "core/result.h"
#include "pki/ca_directory.h"
#include "pki/ca_store.h"

namespace mynacert::cli {

struct CaAccess {
  std::string dir;
  std::string passphrase;  // env:NAME | file:PATH
  std::string hsm_pin;     // env:NAME | file:PATH
  std::string hsm;         // pkcs11:module=…;token=… (ca init: put the CA keys there)
  std::string db;          // the store; default <dir>/ca.db
  std::string actor = "system";
};

// --dir, --passphrase, --hsm-pin, --db and, when `actor_required`, --actor.
void AddAccessFlags(CLI::App& app, CaAccess& access, bool actor_required);

Result<pki::KeySecrets> ReadSecrets(const CaAccess& access, bool need_passphrase);
// The HSM backend over src/hsm (PKCS#11), for `token_uri`.
pki::HsmBackend MakeHsmBackend(const std::string& token_uri);
// The CA's store: --db when given, else the command line's database (--database,
// $MYNACERT_DATABASE), else <dir>/ca.db.
Result<std::unique_ptr<pki::CaStore>> OpenCaStore(const CaAccess& access, const CliContext& ctx);
Result<pki::CaGeneration> LoadCaGeneration(const CaAccess& access, pki::CaKind kind,
                                           int generation);
Result<pki::CaGeneration> LoadLatestCa(const CaAccess& access, pki::CaKind kind);

}  // namespace mynacert::cli

#endif  // MYNACERT_CLI_CA_ACCESS_H_
