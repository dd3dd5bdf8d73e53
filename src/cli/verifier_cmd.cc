// `mynacert verifier add|list|set-client-cert|revoke`: the registry of verifiers (R-VER-1;
// counter/verifiers.h). The API key is printed once, by `add`, and stored only as its SHA-256;
// a TLS client certificate (mTLS through the proxy in front) is registered by its SHA-256.
#include <chrono>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "core/clock.h"
#include "counter/verifiers.h"
#include "counter/workspace.h"

namespace mynacert::cli {
namespace {

struct VerifierFlags {
  std::string home;
  std::string name, kinds, id, client_cert;
  std::string by = "cli";
  std::string audit_key;
  bool json = false;
};

Result<std::unique_ptr<counter::Workspace>> OpenHome(const VerifierFlags& f, CliContext& ctx) {
  const std::filesystem::path dir = HomeDir(f.home);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("--home", dir.string() + ": " + ec.message());
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  return counter::OpenWorkspace(dir, *reg, nullptr, f.audit_key, ctx.Database());
}

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(RealClock().Now().time_since_epoch()).count();
}

std::string KindsJa(const std::string& kinds) {
  if (kinds == "sign") return "署名検証者 (signature)";
  if (kinds == "auth") return "利用者証明検証者 (user authentication)";
  return "署名検証者・利用者証明検証者 (both)";
}

// The client certificate file's bytes (PEM or DER); "" without --client-cert.
Result<std::string> ReadClientCert(const VerifierFlags& f) {
  if (f.client_cert.empty()) return std::string();
  return ReadFileNamed(f.client_cert, "--client-cert");
}

// Errors about the certificate's content name the flag the operator typed.
Error AsFlag(Error e) {
  if (e.field == "client_certificate") e.field = "--client-cert";
  return e;
}

void PrintClientCert(const counter::Verifier& v, CliContext& ctx) {
  if (v.client_cert_sha256.empty()) return;
  ctx.out << "クライアント証明書 (TLS client certificate): " << v.client_cert_subject << "\n"
          << "  SHA-256 " << v.client_cert_sha256 << "\n";
}

Status RunAdd(const VerifierFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(std::string cert, ReadClientCert(f));
  MYNACERT_ASSIGN_OR_RETURN(auto ws, OpenHome(f, ctx));
  auto made = counter::AddVerifier(*ws->store, f.name, f.kinds, f.by, Now(), cert);
  if (!made.ok()) return AsFlag(made.error());
  counter::NewVerifier& added = *made;
  if (f.json) {
    nlohmann::json j = nlohmann::json::parse(counter::VerifierJson(added.verifier));
    j["api_key"] = added.api_key;
    ctx.out << j.dump(2) << "\n";
    return {};
  }
  ctx.out << "検証者を登録しました (verifier registered, R-VER-1): " << added.verifier.id << " "
          << added.verifier.name << " — " << KindsJa(added.verifier.kinds) << "\n"
          << "API キー (shown once; give it to the verifier, it is not stored): " << added.api_key << "\n";
  PrintClientCert(added.verifier, ctx);
  return {};
}

Status RunSetClientCert(const VerifierFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(std::string cert, ReadClientCert(f));
  MYNACERT_ASSIGN_OR_RETURN(auto ws, OpenHome(f, ctx));
  Status set = counter::SetVerifierClientCertificate(*ws->store, f.id, cert, f.by, Now());
  if (!set.ok()) return AsFlag(set.error());
  MYNACERT_ASSIGN_OR_RETURN(counter::Verifier v, counter::GetVerifier(*ws->store, f.id));
  if (f.json) {
    ctx.out << nlohmann::json::parse(counter::VerifierJson(v)).dump(2) << "\n";
    return {};
  }
  ctx.out << "クライアント証明書を登録しました。前の証明書は使えません (client certificate registered; the previous one "
             "no longer works): "
          << v.id << "\n";
  PrintClientCert(v, ctx);
  return {};
}

Status RunList(const VerifierFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto ws, OpenHome(f, ctx));
  MYNACERT_ASSIGN_OR_RETURN(auto list, counter::ListVerifiers(*ws->store));
  if (f.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const counter::Verifier& v : list) out.push_back(nlohmann::json::parse(counter::VerifierJson(v)));
    ctx.out << out.dump(2) << "\n";
    return {};
  }
  if (list.empty()) {
    ctx.out << "登録された検証者はいません (no verifier registered): mynacert verifier add --name NAME --kinds sign|auth|sign,auth\n";
    return {};
  }
  for (const counter::Verifier& v : list) {
    ctx.out << v.id << "  " << (v.state == "active" ? "有効 (active)  " : "取消 (revoked) ") << "  " << KindsJa(v.kinds)
            << "  " << v.name << (v.client_cert_sha256.empty() ? "" : "  [mTLS " + v.client_cert_subject + "]") << "\n";
  }
  return {};
}

Status RunRevoke(const VerifierFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto ws, OpenHome(f, ctx));
  MYNACERT_RETURN_IF_ERROR(counter::RevokeVerifier(*ws->store, f.id, f.by, Now()));
  ctx.out << "検証者の登録を取り消しました。API キーは使えません (verifier revoked; its key no longer works): " << f.id
          << "\n";
  return {};
}

}  // namespace

void AddVerifierCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* verifier = app.add_subcommand("verifier", "登録された検証者 (R-VER-1) / registered verifiers");
  verifier->require_subcommand(1);

  auto a = std::make_shared<VerifierFlags>();
  CLI::App* add = verifier->add_subcommand("add", "検証者を登録し API キーを一度だけ表示 / register a verifier; its API key is shown once");
  AddHomeOption(*add, a->home);
  add->add_option("--name", a->name, "名称 / the verifier's name (1–100 characters)")->required();
  add->add_option("--kinds", a->kinds,
                  "sign (署名検証者) | auth (利用者証明検証者) | sign,auth")->required();
  add->add_option("--by", a->by, "登録した職員 (監査ログ) / who registers it, for the audit log");
  add->add_option("--audit-key", a->audit_key, "監査ログの鍵 (env:/file:; 既定 <home>/audit.key)");
  add->add_option("--client-cert", a->client_cert,
                  "検証者の TLS クライアント証明書 (PEM か DER; mTLS) / the verifier's TLS client certificate");
  add->add_flag("--json", a->json, "JSON で出力 / JSON output");
  add->callback([a, &ctx] { RunCommand(ctx, [&] { return RunAdd(*a, ctx); }); });

  auto c = std::make_shared<VerifierFlags>();
  CLI::App* cert = verifier->add_subcommand(
      "set-client-cert", "検証者の TLS クライアント証明書を登録 (更新) / register a verifier's (renewed) TLS client certificate");
  AddHomeOption(*cert, c->home);
  cert->add_option("--id", c->id, "検証者 ID (V…)")->required();
  cert->add_option("--client-cert", c->client_cert, "証明書ファイル (PEM か DER) / the certificate file")->required();
  cert->add_option("--by", c->by, "登録した職員 (監査ログ) / who registers it");
  cert->add_option("--audit-key", c->audit_key, "監査ログの鍵 (env:/file:; 既定 <home>/audit.key)");
  cert->add_flag("--json", c->json, "JSON で出力 / JSON output");
  cert->callback([c, &ctx] { RunCommand(ctx, [&] { return RunSetClientCert(*c, ctx); }); });

  auto l = std::make_shared<VerifierFlags>();
  CLI::App* list = verifier->add_subcommand("list", "登録された検証者の一覧 / list the verifiers");
  AddHomeOption(*list, l->home);
  list->add_option("--audit-key", l->audit_key, "監査ログの鍵 (env:/file:; 既定 <home>/audit.key)");
  list->add_flag("--json", l->json, "JSON で出力 / JSON output");
  list->callback([l, &ctx] { RunCommand(ctx, [&] { return RunList(*l, ctx); }); });

  auto r = std::make_shared<VerifierFlags>();
  CLI::App* revoke = verifier->add_subcommand("revoke", "登録を取り消す (API キーが使えなくなる) / revoke a verifier");
  AddHomeOption(*revoke, r->home);
  revoke->add_option("--id", r->id, "検証者 ID (V…)")->required();
  revoke->add_option("--by", r->by, "取り消した職員 (監査ログ) / who revokes it");
  revoke->add_option("--audit-key", r->audit_key, "監査ログの鍵 (env:/file:; 既定 <home>/audit.key)");
  revoke->callback([r, &ctx] { RunCommand(ctx, [&] { return RunRevoke(*r, ctx); }); });
}

}  // namespace mynacert::cli
