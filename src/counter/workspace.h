// A counter workspace: everything under one home folder — counter.db (the counter's store,
// shared by reservations and notices), the CA folder ca/ (created on first use) and cards/
// (card files of the card model, recorded relative to the home: counter/card_files.h), the
// audit log's key audit.key and checkpoint audit.head (counter/audit.h) — opened once by a CLI
// command or by `mynacert serve`.
#ifndef MYNACERT_COUNTER_WORKSPACE_H_
#define MYNACERT_COUNTER_WORKSPACE_H_

#include <filesystem>
#include <memory>
#include <mutex>
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
  // The audit log's key (64 hex digits): "" = the home's own <home>/audit.key, made with a
  // new home. Also read without the CA secrets (OpenWorkspace's audit_key).
  std::string audit_key;
};

struct Workspace {
  std::filesystem::path dir;
  std::unique_ptr<profiles::Registry> profiles;
  std::unique_ptr<CounterStore> store;
  std::unique_ptr<Counter> counter;
  // With the secrets only:
  std::unique_ptr<pki::CaStore> ca_store;
  pki::CaGeneration sign_ca, auth_ca;
  pki::OcspResponderKey card_data_key;  // loaded at the first write_data (env.card_data_signer)
  std::mutex card_data_mu;              // guards card_data_key's loading (serve's threads)
  ExecutionEnv env;  // open_card = the card files; pin unset (the caller asks)
  std::vector<std::string> notes;  // "CA created: …" for the caller to print

  // The database of every store (store::Open's locator): "" = the embedded default, SQLite
  // files in the home (counter.db, ca/ca.db); postgresql://… = one PostgreSQL database shared
  // by several instances (the counter's, reservations', notices', staff's and the CA's tables
  // side by side, their names apart). Keys, card files and the audit checkpoint stay in the
  // home, which instances share (docs/scale.md).
  std::string database;

  std::string CaDir() const { return (dir / "ca").string(); }
  // The counter's store (and reservations', notices', staff's).
  std::string CounterDb() const { return database.empty() ? (dir / "counter.db").string() : database; }
  // The CA's store.
  std::string CaDb() const { return database.empty() ? (dir / "ca" / "ca.db").string() : database; }
};


// Opens the stores (on `database`: Workspace::database) and keys the audit log (AnchorAuditLog); with `secrets`, also loads (or
// first creates) the CA and reads the issuer key and the card secret. The audit key's source
// is `audit_key`, else secrets->audit_key, else <home>/audit.key. Errors name --home,
// --passphrase, --issuer-key, --card-secret or audit_key.
Result<std::unique_ptr<Workspace>> OpenWorkspace(const std::filesystem::path& dir,
                                                 const profiles::Registry& profiles,
                                                 const WorkspaceSecrets* secrets,
                                                 const std::string& audit_key = "",
                                                 const std::string& database = "");

// Keys `log` with the home's audit key and anchors its head in <home>/audit.head. With no
// `key_source`, the key is <home>/audit.key: made (0600, 32 random bytes as hex) when the log
// has no keyed record and there is no checkpoint, with the first checkpoint; missing from a
// keyed log, an error (audit_key) — never a new key. With `key_source` (env:NAME or
// file:PATH), the key is read from there, and the first checkpoint is written when the log
// has no keyed record yet. `notes` gets "audit key created".
Status AnchorAuditLog(const std::filesystem::path& home, const std::string& key_source, AuditLog& log,
                      std::vector<std::string>* notes);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_WORKSPACE_H_
