// `mynacert ca init | show`: the certification authority's folder (issue 3). Private keys are
// never printed; the passphrase comes from env:NAME or file:PATH, never the command line.
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/ca_access.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "pki/ca_directory.h"
#include "pki/key_file.h"

namespace mynacert::cli {

namespace {

struct CaFlags {
  CaAccess access;
  std::string dir, kind;
  int years = 10;
  bool json = false;
  bool releasable_holds = false;  // ca init: R-LOST-2's opposite, opted into
  std::string public_url, policy;  // ca init / ca publish (pki/publication.h)
  std::string status_access;        // ca publish: public | restricted (R-VER-1)
};

// --public-url and --policy over the folder's current settings; nothing written on an error.
Result<pki::Publication> Apply(const std::string& dir, const CaFlags& f) {
  MYNACERT_ASSIGN_OR_RETURN(pki::Publication p, pki::LoadPublication(dir));
  if (!f.public_url.empty()) {
    MYNACERT_RETURN_IF_ERROR(pki::CheckBaseUrl(f.public_url, "--public-url"));
    p.base_url = f.public_url;
  }
  if (f.policy == "test") {
    p.policy = pki::PolicyArc::kTest;
  } else if (f.policy == "production") {
    p.policy = pki::PolicyArc::kProduction;
  } else if (!f.policy.empty()) {
    return InvalidArgument("--policy", "test か production です (expected test or production)");
  }
  if (f.status_access == "public" || f.status_access == "restricted") {
    p.status_restricted = f.status_access == "restricted";
  } else if (!f.status_access.empty()) {
    return InvalidArgument("--status-access", "public か restricted です (expected public or restricted; R-VER-1)",
                           "R-VER-1");
  }
  return p;
}

// The CAs of the folder `dir`; an error names --dir.
Result<std::vector<pki::CaInfo>> DescribeDir(const std::string& dir) {
  auto cas = pki::DescribeCaDirectory(dir);
  if (!cas.ok()) {
    Error e = cas.error();
    e.field = "--dir";
    return e;
  }
  return cas;
}

// Prints `cas` with the folder's hold policy and publication settings (as the files say).
Status Print(const std::vector<pki::CaInfo>& cas, const std::string& dir, bool json, std::ostream& o) {
  MYNACERT_ASSIGN_OR_RETURN(const bool releasable_holds, pki::HoldsReleasable(dir));
  MYNACERT_ASSIGN_OR_RETURN(const pki::Publication pub, pki::LoadPublication(dir));
  const std::string policy = pub.policy == pki::PolicyArc::kTest ? "test" : "production";
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
    o << nlohmann::json{{"cas", list},
                        {"holds", releasable_holds ? "releasable" : "final"},
                        {"public_url", pub.base_url},
                        {"ocsp_url", pub.OcspUrl()},
                        {"cps_url", pub.CpsUrl()},
                        {"policy", policy},
                        {"ocsp_responder_days", pub.ocsp_responder_days},
                        {"status_access", pub.status_restricted ? "restricted" : "public"}}
             .dump(2)
      << "\n";
    return {};
  }
  o << "公開 URL (public URL): " << pub.base_url << "  (OCSP " << pub.OcspUrl() << ", CRL "
    << pub.base_url << "/crl/…)\n"
    << "ポリシー OID (policy): " << policy
    << (pub.policy == pki::PolicyArc::kTest ? " — J-LIS 試験環境の OID (the test-environment arc)\n"
                                            : " — 本番の OID (J-LIS's production OIDs)\n");
  o << "OCSP 応答者証明書 (responder certificates): 有効期間 " << pub.ocsp_responder_days
    << "日、残り半分で更新 (valid " << pub.ocsp_responder_days
    << " days, renewed at half by the service and ca ocsp-serve; publication.conf "
       "ocsp_responder_days)\n";
  o << (pub.status_restricted
            ? "失効情報 (CRL・OCSP): 登録された検証者のみ (restricted to registered verifiers, R-VER-1)\n"
            : "失効情報 (CRL・OCSP): 公開 (public: anyone may fetch them)\n");
  o << (releasable_holds ? "一時保留: 解除できる (releasable: opted in with ca init --releasable-holds)\n"
                         : "一時保留: 解除しない (holds are final, as J-LIS's; R-LOST-2)\n");
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
  return {};
}

}  // namespace

void AddCaCommand(CLI::App& app, CliContext& ctx) {
  CLI::App* ca = app.add_subcommand("ca", "認証局 / the certification authority");
  ca->require_subcommand(1);

  auto init = std::make_shared<CaFlags>();
  CLI::App* i =
      ca->add_subcommand("init", "署名用・利用者証明用の認証局を作る / create the two root CAs");
  AddAccessFlags(*i, init->access, false);
  i->add_option("--hsm", init->access.hsm,
                "CA の鍵を HSM 内に生成: pkcs11:module=…;token=… / generate the CA keys inside "
                "this PKCS#11 token (with --hsm-pin)");
  i->add_option("--years", init->years, "有効年数 (既定 10) / validity in years");
  i->add_flag("--json", init->json, "JSON で出力 / JSON output");
  i->add_flag("--releasable-holds", init->releasable_holds,
              "一時保留を解除できる認証局にする (J-LIS は解除しません, R-LOST-2) / a CA that releases holds "
              "(J-LIS never does)");
  i->add_option("--public-url", init->public_url,
                "証明書に書く公開 URL (OCSP, CRL, CPS の基点。既定 http://127.0.0.1:8080) / the base URL "
                "certificates name for OCSP, CRLs and the CPS");
  i->add_option("--policy", init->policy,
                "ポリシー OID: test (既定, J-LIS 試験環境) | production / policy OIDs: test (default) or "
                "production");
  i->callback([init, &ctx] {
    if (init->years < 1 || init->years > 30) {
      return ctx.Fail(InvalidArgument("--years", "1〜30年で指定してください (must be 1 to 30)"));
    }
    // Checked before anything is made: a refused init leaves no CA behind.
    auto pub = Apply(init->access.dir, *init);
    if (!pub.ok()) return ctx.Fail(pub.error());
    auto secrets = ReadSecrets(init->access, true);
    if (!secrets.ok()) return ctx.Fail(secrets.error());
    if (!init->access.hsm.empty() && secrets->hsm_pin.empty()) {
      return ctx.Fail(InvalidArgument("--hsm-pin", "--hsm には --hsm-pin が必要です (needed)"));
    }
    const pki::HsmBackend backend = MakeHsmBackend(init->access.hsm);
    auto made = pki::InitCaDirectory(init->access.dir, *secrets, RealClock().Now(), init->years,
                                     init->access.hsm.empty() ? nullptr : &backend);
    if (!made.ok()) return ctx.Fail(made.error());
    if (Status st = pki::SetHoldsReleasable(init->access.dir, init->releasable_holds); !st.ok()) return ctx.Fail(st.error());
    if (Status st = pki::SavePublication(init->access.dir, *pub); !st.ok()) return ctx.Fail(st.error());
    if (Status st = Print(*made, init->access.dir, init->json, ctx.out); !st.ok()) return ctx.Fail(st.error());
  });

  auto roll = std::make_shared<CaFlags>();
  CLI::App* r = ca->add_subcommand(
      "rollover", "鍵の更新: 同じ名前の新しい世代 / key rollover: a new CA generation");
  AddAccessFlags(*r, roll->access, true);
  r->add_option("--kind", roll->kind, "sign | auth")->required();
  r->add_option("--hsm", roll->access.hsm, "新しい鍵を HSM 内に生成 / new key in this token");
  r->add_option("--years", roll->years, "有効年数 (既定 10)");
  r->add_flag("--json", roll->json, "JSON で出力 / JSON output");
  r->callback([roll, &ctx] {
    if (roll->kind != "sign" && roll->kind != "auth") {
      return ctx.Fail(InvalidArgument("--kind", "sign か auth (expected sign or auth)"));
    }
    auto secrets = ReadSecrets(roll->access, true);
    if (!secrets.ok()) return ctx.Fail(secrets.error());
    const pki::HsmBackend backend = MakeHsmBackend(roll->access.hsm);
    auto made = pki::RollOverCa(
        roll->access.dir, roll->kind == "sign" ? pki::CaKind::kSign : pki::CaKind::kAuth, *secrets,
        RealClock().Now(), roll->years, roll->access.hsm.empty() ? nullptr : &backend);
    if (!made.ok()) return ctx.Fail(made.error());
    if (Status st = Print({*made}, roll->access.dir, roll->json, ctx.out); !st.ok()) return ctx.Fail(st.error());
  });

  auto show = std::make_shared<CaFlags>();
  CLI::App* s = ca->add_subcommand(
      "show", "認証局の証明書を表示 (鍵は表示しません) / show the CA certificates");
  s->add_option("--dir", show->dir, "認証局のフォルダ / the CA folder")->required();
  s->add_flag("--json", show->json, "JSON で出力 / JSON output");
  s->callback([show, &ctx] {
    auto cas = DescribeDir(show->dir);
    if (!cas.ok()) return ctx.Fail(cas.error());
    if (Status st = Print(*cas, show->dir, show->json, ctx.out); !st.ok()) return ctx.Fail(st.error());
  });

  auto publish = std::make_shared<CaFlags>();
  CLI::App* p = ca->add_subcommand(
      "publish", "公開 URL とポリシー OID を変える (これから発行する証明書と CRL に効く) / set the public "
                 "URL and policy OIDs (for certificates and CRLs made from now on)");
  p->add_option("--dir", publish->dir, "認証局のフォルダ / the CA folder")->required();
  p->add_option("--public-url", publish->public_url, "公開 URL / the base URL (http(s)://host[:port][/path])");
  p->add_option("--policy", publish->policy, "test | production");
  p->add_option("--status-access", publish->status_access,
                "失効情報 (CRL・OCSP) を誰に出すか: public (誰でも) | restricted (登録された検証者のみ, R-VER-1) / who "
                "may read revocation status");
  p->add_flag("--json", publish->json, "JSON で出力 / JSON output");
  p->callback([publish, &ctx] {
    auto cas = DescribeDir(publish->dir);
    if (!cas.ok()) return ctx.Fail(cas.error());
    if (publish->public_url.empty() && publish->policy.empty() && publish->status_access.empty()) {
      return ctx.Fail(InvalidArgument("--public-url", "--public-url, --policy か --status-access を指定してください (give one)"));
    }
    auto pub = Apply(publish->dir, *publish);
    if (!pub.ok()) return ctx.Fail(pub.error());
    if (Status st = pki::SavePublication(publish->dir, *pub); !st.ok()) return ctx.Fail(st.error());
    if (Status st = Print(*cas, publish->dir, publish->json, ctx.out); !st.ok()) return ctx.Fail(st.error());
  });

  AddCaAdminCommands(*ca, ctx);
  AddCaOcspCommand(*ca, ctx);
}

}  // namespace mynacert::cli
