// `mynacert ca ocsp-serve`: the OCSP responder (RFC 6960) of every CA generation in a CA
// folder, over HTTP (GET and POST) on an in-process event-driven server. Answers are signed by
// the delegated responder keys. Runs until SIGINT or SIGTERM, polling the CA store for
// revocations every --refresh seconds and re-signing the cached answers they touch, and every
// ten minutes renewing a responder certificate that is due (pki::RenewOcspResponders: the only
// use of the CA keys here).

#include <chrono>
#include <fstream>
#include <memory>
#include <ostream>

#include "cli/ca_access.h"
#include "cli/commands.h"
#include "cli/terminal.h"
#include "pki/ocsp.h"
#include "server/ocsp_http.h"

namespace mynacert::cli {
namespace {

struct ServeFlags {
  CaAccess access;
  std::string address = "127.0.0.1";
  int port = 8080;
  int threads = 1;
  int refresh_seconds = 5;
  int validity_hours = 24;
  std::string port_file;
};

Status RunServe(const ServeFlags& f, CliContext& ctx) {
  if (f.port < 0 || f.port > 65535)
    return InvalidArgument("--port", "0〜65535 (0 = any free port)");
  if (f.threads < 1 || f.threads > 64) return InvalidArgument("--threads", "1〜64");
  if (f.refresh_seconds < 1) return InvalidArgument("--refresh", "1 秒以上 (at least 1 second)");
  if (f.validity_hours < 1 || f.validity_hours > 24 * 7) {
    return InvalidArgument("--validity-hours", "1〜168");
  }
  MYNACERT_ASSIGN_OR_RETURN(pki::KeySecrets secrets, ReadSecrets(f.access, true));
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenCaStore(f.access, ctx));
  pki::OcspOptions options;
  options.validity = std::chrono::hours(f.validity_hours);
  MYNACERT_ASSIGN_OR_RETURN(auto responder, pki::OcspResponder::FromDirectory(
                                                f.access.dir, secrets, std::move(store), options));
  pki::OcspResponder* r = responder.get();

  // Block the stop signals before the server's threads start, so that they inherit the mask
  // and only this thread receives them (sigtimedwait below).
  const sigset_t stop = BlockStopSignals();

  server::OcspHttpOptions http;
  http.address = f.address;
  http.port = static_cast<uint16_t>(f.port);
  http.threads = f.threads;
  server::OcspHttpServer server(http, [r](std::string_view der) { return r->Respond(der); });
  MYNACERT_ASSIGN_OR_RETURN(uint16_t port, server.Start());
  if (!f.port_file.empty()) {
    std::ofstream(f.port_file) << port << "\n";
  }
  ctx.out << "OCSP レスポンダ起動 (OCSP responder listening) on http://" << f.address << ":" << port
          << "/ — Ctrl-C で停止 (stop)" << std::endl;

  const pki::HsmBackend backend = MakeHsmBackend(f.access.hsm);
  const pki::HsmBackend* hsm = f.access.hsm.empty() ? nullptr : &backend;
  auto renew = [&] {
    auto renewed = r->RenewResponders(f.access.dir, secrets, hsm);
    if (!renewed.ok()) ctx.err << "mynacert: " << renewed.error().ToString() << std::endl;
    for (const std::string& name : renewed.ok() ? *renewed : std::vector<std::string>{}) {
      ctx.out << "応答者証明書を更新 (responder certificate renewed): " << name << std::endl;
    }
  };
  renew();
  auto next_renewal = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (!WaitForStop(stop, std::chrono::seconds(f.refresh_seconds))) {
    auto refreshed = r->Refresh();
    if (!refreshed.ok()) ctx.err << "mynacert: " << refreshed.error().ToString() << std::endl;
    if (std::chrono::steady_clock::now() >= next_renewal) {
      renew();
      next_renewal = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    }
  }
  server.Stop();
  const auto stats = r->stats();
  ctx.out << "停止 (stopped): " << stats.requests << " requests, " << stats.cache_hits
          << " from cache, " << stats.signatures << " signed, " << stats.malformed << " malformed"
          << std::endl;
  return {};
}

}  // namespace

void AddCaOcspCommand(CLI::App& ca, CliContext& ctx) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* s = ca.add_subcommand("ocsp-serve", "OCSP レスポンダ (HTTP) / serve OCSP");
  AddAccessFlags(*s, f->access, false);
  s->add_option("--address", f->address, "待ち受けアドレス (既定 127.0.0.1)");
  s->add_option("--port", f->port, "ポート (既定 8080; 0 = 空いているポート)");
  s->add_option("--threads", f->threads, "スレッド数 (既定 1)");
  s->add_option("--refresh", f->refresh_seconds, "失効の確認間隔 秒 (既定 5) / store poll");
  s->add_option("--validity-hours", f->validity_hours, "応答の有効時間 (既定 24) / nextUpdate");
  s->add_option("--port-file", f->port_file, "使ったポート番号を書くファイル / write the port");
  s->callback([f, &ctx] { RunCommand(ctx, [&] { return RunServe(*f, ctx); }); });
}

}  // namespace mynacert::cli
