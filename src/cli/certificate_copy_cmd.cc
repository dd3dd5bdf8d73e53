// `mynacert certificate-copy`: 電子証明書の写し (R-PROC-11) of a resident's active certificate
// as a one-page PDF, over notices/certificate_copy.h.
//
//   mynacert certificate-copy --resident 12 --kind sign --out copy.pdf --clerk suzuki
//                             [--home DIR] [--date YYYY-MM-DD] [--json]
//
// --home as for the counter (default $MYNACERT_HOME, else ./mynacert-home). The certificate is
// read from the CA's store (<home>/ca/ca.db): printing a copy needs no key, so this command takes
// no secrets. Handing a copy over is a staff action on personal data: --clerk is required and
// the copy is recorded in the counter's audit log (`certificate_copy`). The file is written
// atomically with mode 0600 (it holds the holder's name and address); `--out -` writes the PDF
// to stdout (e.g. into lp). --date is the print date (default today, JST).
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/format.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "counter/workspace.h"
#include "notices/certificate_copy.h"
#include "pki/key_file.h"

namespace mynacert::cli {
namespace {

struct CopyFlags {
  std::string home;
  int64_t resident = 0;
  std::string kind;
  std::string out;
  std::string clerk;
  std::string date;
  bool json = false;

  std::filesystem::path Home() const { return HomeDir(home); }
};

int64_t Now() { return RealClock().UnixSeconds(); }

// The library names its inputs as the web API does ("resident", "kind"); here they are flags.
Error AsFlag(Error e) {
  if (e.field == "resident" || e.field == "kind") e.field = "--" + e.field;
  return e;
}

Status RunCertificateCopy(const CopyFlags& f, CliContext& ctx) {
  if (f.kind != "auth" && f.kind != "sign") {
    return InvalidArgument("--kind", "'" + f.kind + "': auth (利用者証明用) か sign (署名用) を指定してください");
  }
  if (f.clerk.empty()) return InvalidArgument("--clerk", "職員名が必要です (the clerk acting is required)");
  if (f.out.empty()) return InvalidArgument("--out", "出力先の PDF を指定してください (a file, or - for stdout)");
  Date today = RealClock().TodayJst();
  if (!f.date.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(today, Date::Parse(f.date, "--date"));
  }
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  MYNACERT_ASSIGN_OR_RETURN(auto ws, counter::OpenWorkspace(f.Home(), *reg, nullptr, "", ctx.Database()));
  auto copy = notices::CertificateCopyFor(*ws, f.resident, f.kind, today);
  if (!copy.ok()) return AsFlag(copy.error());
  MYNACERT_ASSIGN_OR_RETURN(std::string pdf, notices::RenderCertificateCopy(*copy));
  MYNACERT_RETURN_IF_ERROR(WriteDocumentOut(f.out, pdf, ctx.out));
  MYNACERT_RETURN_IF_ERROR(notices::RecordCertificateCopy(*ws->store, f.resident, *copy, f.clerk, Now()));
  std::ostream& report = f.out == "-" ? ctx.err : ctx.out;
  if (f.json) {
    report << nlohmann::json{{"file", f.out},
                             {"bytes", pdf.size()},
                             {"resident", f.resident},
                             {"kind", copy->kind},
                             {"serial", copy->serial_hex},
                             {"issued", copy->issued.ToString()},
                             {"last_valid_day", copy->last_valid_day.ToString()},
                             {"sha256_fingerprint", copy->sha256_fingerprint},
                             {"printed_on", copy->printed_on.ToString()}}
                  .dump(2)
           << "\n";
  } else {
    report << "電子証明書の写しを作りました (certificate copy written): " << f.out << "\n"
           << "  " << notices::CertificateKindJa(copy->kind) << " " << copy->serial_hex << "  " << copy->name
           << "  有効期間満了日 (valid through) " << copy->last_valid_day.ToString() << "\n";
  }
  return {};
}

}  // namespace

void AddCertificateCopyCommand(CLI::App& app, CliContext& ctx) {
  auto f = std::make_shared<CopyFlags>();
  CLI::App* c = app.add_subcommand(
      "certificate-copy", "電子証明書の写し (PDF, R-PROC-11) / a printed copy of a resident's certificate");
  c->add_option("--resident", f->resident, "住民番号 / resident id")->required();
  c->add_option("--kind", f->kind, "auth (利用者証明用) | sign (署名用)")->required();
  c->add_option("--out", f->out, "PDF の出力先 (- で標準出力) / the PDF file, - for stdout")->required();
  c->add_option("--clerk", f->clerk, "操作する職員 (監査記録) / the clerk acting")->required();
  AddHomeOption(*c, f->home);
  c->add_option("--date", f->date, "印刷日 YYYY-MM-DD (既定: 今日) / print date (default: today, JST)");
  c->add_flag("--json", f->json, "JSON で出力 / JSON output");
  c->callback([f, &ctx] { RunCommand(ctx, [&] { return RunCertificateCopy(*f, ctx); }); });
}

}  // namespace mynacert::cli
