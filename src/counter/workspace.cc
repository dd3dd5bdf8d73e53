#include "counter/workspace.h"

#include <openssl/rand.h>

#include <cctype>

#include "core/clock.h"
#include "core/hex.h"
#include "counter/schema.h"
#include "pki/key_file.h"

namespace mynacert::counter {

namespace {
Error Precondition(std::string field, std::string message) {
  return Error{ErrorCode::kFailedPrecondition, std::move(field), std::move(message), ""};
}

Result<std::string> KeyFromHex(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::string key;
  if (text.size() != kAuditKeyBytes * 2 || !Unhex(text, &key)) {
    return InvalidArgument("audit_key", "監査ログの鍵は 16 進 64 桁です (expected 64 hex digits: " +
                                            std::to_string(kAuditKeyBytes) + " bytes)");
  }
  return key;
}
}  // namespace

Status AnchorAuditLog(const std::filesystem::path& home, const std::string& key_source,
                      AuditLog& log, std::vector<std::string>* notes) {
  const std::filesystem::path head = home / "audit.head";
  const std::filesystem::path lock_path = home / "audit.lock";
  const std::filesystem::path key_file = home / "audit.key";
  std::string source = key_source;
  bool made = false;
  MYNACERT_ASSIGN_OR_RETURN(const bool keyed_rows, log.HasKeyedRecords());
  std::error_code ec;
  if (source.empty()) {
    // Under the lock: two processes opening a new home at once make one key, not two.
    MYNACERT_ASSIGN_OR_RETURN(FileLock lock, FileLock::Take(lock_path, "audit_lock"));
    if (!std::filesystem::exists(key_file, ec)) {
      if (keyed_rows || std::filesystem::exists(head, ec)) {
        return Precondition(
            "audit_key",
            key_file.string() + ": 監査ログの鍵がありません (the audit key is missing but the log " +
                "is keyed — it has " + (keyed_rows ? "keyed records" : "a checkpoint audit.head") +
                "; restore audit.key from the home's backup, or give its source env:NAME or "
                "file:PATH; a new key is never made for a keyed log)");
      }
      unsigned char bytes[kAuditKeyBytes];
      if (RAND_bytes(bytes, sizeof bytes) != 1) {
        return Error{ErrorCode::kInternal, "audit_key", "乱数を得られません (the CSPRNG failed)", ""};
      }
      const std::string hex = HexLower(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
      OPENSSL_cleanse(bytes, sizeof bytes);
      MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(key_file.string(), hex + "\n", 0600));
      made = true;
      if (notes) {
        notes->push_back("監査ログの鍵を作りました (audit key created; back it up with the home): " +
                         key_file.string());
      }
    }
    source = "file:" + key_file.string();
  }
  MYNACERT_ASSIGN_OR_RETURN(std::string text, pki::ReadSecret(source, "audit_key", kAuditKeyBytes * 2));
  MYNACERT_ASSIGN_OR_RETURN(std::string key, KeyFromHex(std::move(text)));
  log.Anchor(AuditAnchor{std::move(key), head, lock_path});
  // The first checkpoint, at the head as it is: with a new key, or with a key from elsewhere
  // on a log that has no keyed record yet (a new home, or one from before the key). A
  // checkpoint missing from a keyed log is not recreated: Verify reports it.
  const bool from_elsewhere = !key_source.empty();
  if (!std::filesystem::exists(head, ec) && (made || (from_elsewhere && !keyed_rows))) {
    MYNACERT_RETURN_IF_ERROR(log.CreateCheckpoint());
  }
  return {};
}

Result<std::unique_ptr<Workspace>> OpenWorkspace(const std::filesystem::path& dir,
                                                 const profiles::Registry& profiles,
                                                 const WorkspaceSecrets* secrets,
                                                 const std::string& audit_key,
                                                 const std::string& database) {
  auto w = std::make_unique<Workspace>();
  w->dir = dir;
  w->database = database;
  std::error_code ec;
  std::filesystem::create_directories(dir / "cards", ec);
  if (ec) return InvalidArgument("home", dir.string() + ": " + ec.message());
  w->profiles = std::make_unique<profiles::Registry>(profiles);
  MYNACERT_ASSIGN_OR_RETURN(w->store, CounterStore::Open(w->CounterDb()));
  const std::string audit_source = !audit_key.empty() ? audit_key : secrets ? secrets->audit_key : "";
  MYNACERT_RETURN_IF_ERROR(AnchorAuditLog(dir, audit_source, w->store->audit(), &w->notes));
  MYNACERT_RETURN_IF_ERROR(RelocateCardFiles(*w->store, dir));
  w->counter = std::make_unique<Counter>(*w->store, *w->profiles);
  w->env.home = dir;
  w->env.now = std::chrono::duration_cast<std::chrono::seconds>(
                   RealClock().Now().time_since_epoch())
                   .count();
  w->env.today = RealClock().TodayJst();
  if (!secrets) return w;
  const std::string ca_dir = w->CaDir();
  MYNACERT_ASSIGN_OR_RETURN(std::string pass, pki::ReadPassphrase(secrets->passphrase, "passphrase"));
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
  MYNACERT_ASSIGN_OR_RETURN(w->ca_store, pki::CaStore::Open(w->CaDb()));
  MYNACERT_ASSIGN_OR_RETURN(w->env.issuer_master, pki::ReadSecret(secrets->issuer_key, "issuer_key", 16));
  MYNACERT_ASSIGN_OR_RETURN(w->env.card_secret, pki::ReadPassphrase(secrets->card_secret, "card_secret"));
  w->env.ca_store = w->ca_store.get();
  w->env.sign_ca = &w->sign_ca;
  w->env.auth_ca = &w->auth_ca;
  Workspace* ws = w.get();
  w->env.card_data_signer = [ws, ca_dir, keys]() -> Result<pki::Signer*> {
    std::lock_guard lock(ws->card_data_mu);
    if (!ws->card_data_key.signer) {
      MYNACERT_ASSIGN_OR_RETURN(ws->card_data_key,
                                pki::LoadOrCreateCardDataKey(ca_dir, keys, RealClock().Now()));
    }
    return ws->card_data_key.signer.get();
  };
  const std::string secret = w->env.card_secret;
  w->env.open_card = [secret, dir](const CardRecord& r) { return OpenCardFile(r, secret, dir); };
  // Relative to the home (ExecutionEnv::home): a copied home writes its own cards.
  w->env.new_card_path = [](const Resident& r, int64_t case_id) {
    return (std::filesystem::path("cards") /
            ("resident-" + std::to_string(r.id) + "-case-" + std::to_string(case_id) + ".card"))
        .string();
  };
  return w;
}

}  // namespace mynacert::counter
