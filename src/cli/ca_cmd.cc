// `mynacert ca init | show`: the certification authority's folder (issue 3). Private keys are
// never printed; the passphrase comes from env:NAME or file:PATH, never the command line.
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands.h"
#include "core/clock.h"
#include "pki/ca_directory.h"
#include "pki/key_file.h"

namespace mynacert::cli {

namespace {

struct CaFlags {
  std::string dir, passphrase;
  int years = 10;
  bool json = false;
};

void Print(const std::vector<pki::CaInfo>& cas, bool json, std::ostream& o) {
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const pki::CaInfo& c : cas) {
      list.push_back({{"kind", std::string(pki::CaKindName(c.kind))},
                      {"generation", c.generation},
                      {"subject", c.subject},
                      {"serial", c.serial_hex},
                      {"not_before", c.not_before},
                      {"not_after", c.not_after},
                      {"sha256_fingerprint", c.sha256_fingerprint},
                      {"certificate", c.certificate_path}});
    }
    o << nlohmann::json{{"cas", list}}.dump(2) << "\n";
    return;
  }
  for (const pki::CaInfo& c : cas) {
    o << (c.kind == pki::CaKind::kSign ? "署名用認証局 (signature CA)"
                                       : "利用者証明用認証局 (user-authentication CA)")
      << " 第" << c.generation << "世代 / generation " << c.generation << "\n"
      << "    subject:     " << c.subject << "\n"
      << "    serial:      " << c.serial_hex << "\n"
      << "    validity:    " << c.not_before << " – " << c.not_after << "\n"
      << "    SHA-256:     " << c.sha256_fingerprint << "\n"
      << "    certificate: " << c.certificate_path << "\n";
  }
}

}  // namespace

void AddCaCommand(CLI::App& app, CliContext& ctx) {
  CLI::App* ca = app.add_subcommand("ca", "認証局 / the certification authority");
  ca->require_subcommand(1);

  auto init = std::make_shared<CaFlags>();
  CLI::App* i =
      ca->add_subcommand("init", "署名用・利用者証明用の認証局を作る / create the two root CAs");
  i->add_option("--dir", init->dir, "認証局のフォルダ / the CA folder")->required();
  i->add_option("--passphrase", init->passphrase,
                "鍵を暗号化するパスフレーズの場所: env:変数名 または file:パス / where the key "
                "passphrase is: env:NAME or file:PATH")
      ->required();
  i->add_option("--years", init->years, "有効年数 (既定 10) / validity in years");
  i->add_flag("--json", init->json, "JSON で出力 / JSON output");
  i->callback([init, &ctx] {
    if (init->years < 1 || init->years > 30) {
      return ctx.Fail(InvalidArgument("--years", "1〜30年で指定してください (must be 1 to 30)"));
    }
    auto pass = pki::ReadPassphrase(init->passphrase, "--passphrase");
    if (!pass.ok()) return ctx.Fail(pass.error());
    auto made = pki::InitCaDirectory(init->dir, pki::KeySecrets{*pass, {}}, RealClock().Now(), init->years);
    if (!made.ok()) return ctx.Fail(made.error());
    Print(*made, init->json, ctx.out);
  });

  auto show = std::make_shared<CaFlags>();
  CLI::App* s = ca->add_subcommand(
      "show", "認証局の証明書を表示 (鍵は表示しません) / show the CA certificates");
  s->add_option("--dir", show->dir, "認証局のフォルダ / the CA folder")->required();
  s->add_flag("--json", show->json, "JSON で出力 / JSON output");
  s->callback([show, &ctx] {
    auto cas = pki::DescribeCaDirectory(show->dir);
    if (!cas.ok()) {
      Error e = cas.error();
      e.field = "--dir";
      return ctx.Fail(e);
    }
    Print(*cas, show->json, ctx.out);
  });
}

}  // namespace mynacert::cli
