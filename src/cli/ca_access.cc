#include "cli/ca_access.h"

#include <filesystem>

#include "hsm/pkcs11.h"
#include "pki/key_file.h"

namespace mynacert::cli {

void AddAccessFlags(CLI::App& app, CaAccess& a, bool actor_required) {
  app.add_option("--dir", a.dir, "認証局のフォルダ / the CA folder")->required();
  app.add_option("--passphrase", a.passphrase,
                 "鍵ファイルのパスフレーズの場所: env:変数名 | file:パス / where the key "
                 "passphrase is");
  app.add_option("--hsm-pin", a.hsm_pin,
                 "HSM の PIN の場所: env:変数名 | file:パス / where the HSM token PIN is");
  app.add_option("--db", a.db, "CA の記録 (SQLite; 既定 <dir>/ca.db) / the CA store");
  auto* actor = app.add_option("--actor", a.actor, "操作する職員の ID (監査記録) / staff id");
  if (actor_required) actor->required();
}

Result<pki::KeySecrets> ReadSecrets(const CaAccess& a, bool need_passphrase) {
  pki::KeySecrets secrets;
  if (!a.passphrase.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(secrets.passphrase,
                              pki::ReadPassphrase(a.passphrase, "--passphrase"));
  } else if (need_passphrase) {
    return InvalidArgument("--passphrase",
                           "鍵のパスフレーズが必要です (needed: env:NAME or file:PATH)");
  }
  if (!a.hsm_pin.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(secrets.hsm_pin, pki::ReadSecret(a.hsm_pin, "--hsm-pin", 4));
  }
  return secrets;
}

pki::HsmBackend MakeHsmBackend(const std::string& token_uri) {
  pki::HsmBackend backend;
  backend.token_uri = token_uri;
  auto spec_for = [](const std::string& key_uri, const std::string& pin) -> Result<hsm::TokenSpec> {
    MYNACERT_ASSIGN_OR_RETURN(hsm::TokenSpec spec, hsm::ParseTokenUri(key_uri));
    spec.pin = pin;
    return spec;
  };
  backend.generate = [spec_for](const std::string& key_uri,
                                const std::string& pin) -> Result<std::unique_ptr<pki::Signer>> {
    MYNACERT_ASSIGN_OR_RETURN(hsm::TokenSpec spec, spec_for(key_uri, pin));
    MYNACERT_RETURN_IF_ERROR(hsm::GenerateRsaKeyInToken(spec));
    return hsm::OpenPkcs11Signer(spec);
  };
  backend.open = [spec_for](const std::string& key_uri,
                            const std::string& pin) -> Result<std::unique_ptr<pki::Signer>> {
    MYNACERT_ASSIGN_OR_RETURN(hsm::TokenSpec spec, spec_for(key_uri, pin));
    return hsm::OpenPkcs11Signer(spec);
  };
  return backend;
}

Result<std::unique_ptr<pki::CaStore>> OpenCaStore(const CaAccess& a, const CliContext& ctx) {
  std::error_code ec;
  if (!std::filesystem::is_directory(a.dir, ec)) {
    return NotFound("--dir", "認証局のフォルダがありません (no such CA folder: " + a.dir + ")");
  }
  const std::string path = a.db.empty() ? ctx.StoreIn(a.dir, "ca.db") : a.db;
  auto store = pki::CaStore::Open(path);
  if (!store.ok()) {
    Error e = store.error();
    if (e.field.empty()) e.field = "--db";
    return e;
  }
  return store;
}

Result<pki::CaGeneration> LoadCaGeneration(const CaAccess& a, pki::CaKind kind, int generation) {
  MYNACERT_ASSIGN_OR_RETURN(pki::KeySecrets secrets, ReadSecrets(a, a.hsm_pin.empty()));
  const pki::HsmBackend backend = MakeHsmBackend("");
  return pki::LoadCa(a.dir, kind, generation, secrets, a.hsm_pin.empty() ? nullptr : &backend);
}

Result<pki::CaGeneration> LoadLatestCa(const CaAccess& a, pki::CaKind kind) {
  const int latest = pki::LatestGeneration(a.dir, kind);
  if (latest == 0) {
    return NotFound("--dir",
                    "認証局がありません。先に ca init を実行してください (no CA; run ca init)");
  }
  return LoadCaGeneration(a, kind, latest);
}

}  // namespace mynacert::cli
