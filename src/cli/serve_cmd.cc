// `mynacert serve`: the service (issue 6) — the JSON API, the UI and the CA's OCSP endpoint —
// over one home folder; and `mynacert staff add`, the accounts that log in to it.
#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <ostream>
#include <tuple>

#include "cli/commands.h"
#include "cli/terminal.h"
#include "core/clock.h"
#include "reservations/booking_rules.h"
#include "server/http.h"
#include "service/app.h"
#include "staff/staff.h"
#include "server/rate_limit.h"
#include "staff/staff.h"

namespace mynacert::cli {
namespace {

struct ServeFlags {
  std::string home, address = "127.0.0.1", port_file, name, role = "clerk";
  int port = 8080, threads = 8;
  counter::WorkspaceSecrets secrets;
  // Rate limits per address, "BURST/PER_MINUTE" (server::ParseRateLimit); "" keeps the default.
  std::string limit_login, limit_booking, limit_lookup, limit_cancel, limit_verifier;
  int per_booker = 1;
  int max_connections = 0;
  std::vector<std::string> trusted_proxies;
  std::string public_url, smtp_url, mail_from, clock_start;
  bool smtp_starttls = false;
  bool forwarded_client_cert = false;
  int kiosk_booking_hours = 24;  // R-KIOSK-1 (medium confidence)

  std::string Dir() const { return HomeDir(home); }
};

Status RunServe(const ServeFlags& f, CliContext& ctx) {
  if (f.port < 0 || f.port > 65535) return InvalidArgument("--port", "0〜65535 (0 = any free port)");
  if (f.threads < 1 || f.threads > 256) return InvalidArgument("--threads", "1〜256");
  if (f.max_connections < 0 || f.max_connections > 1000000) return InvalidArgument("--max-connections", "0〜1000000");
  for (const std::string& proxy : f.trusted_proxies) {
    // Compared with the peer's numeric address: a name would never match, silently.
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(proxy, ec);
    if (ec || address.to_string() != proxy) {
      return InvalidArgument("--trusted-proxy", proxy + ": IP アドレスで指定してください (an IP address, as the "
                                                         "proxy connects from: 127.0.0.1)");
    }
  }
  if (f.forwarded_client_cert && f.trusted_proxies.empty()) {
    return InvalidArgument("--forwarded-client-cert",
                           "--trusted-proxy と一緒に指定してください: 証明書を転送する前段のアドレスです (needs "
                           "--trusted-proxy: the address of the proxy that forwards the certificates)");
  }
  if (!f.public_url.empty() &&
      ((f.public_url.rfind("https://", 0) != 0 && f.public_url.rfind("http://", 0) != 0) ||
       f.public_url.back() != '/' || f.public_url.find_first_of(" \"<>\\") != std::string::npos)) {
    return InvalidArgument("--public-url", f.public_url + ": http(s):// で始まり / で終わる URL です (an http(s) URL "
                                                          "ending in /, e.g. https://mynacert.example.lg.jp/)");
  }
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  service::ServiceConfig config;
  config.public_url = f.public_url;
  std::unique_ptr<ShiftedClock> shifted;
  if (!f.clock_start.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(reservations::JstDateTime start,
                              reservations::ParseJstDateTime(f.clock_start, "--clock-start"));
    shifted = std::make_unique<ShiftedClock>(std::chrono::system_clock::time_point(
        std::chrono::seconds(reservations::ToUnixSeconds(start))));
    config.clock = shifted.get();
    ctx.err << "mynacert serve: 時計を " << f.clock_start << " (JST) から進めます (a shifted clock: for tests and demos)\n";
  }
  if (!f.smtp_url.empty()) {
    if (f.smtp_url.rfind("smtp://", 0) != 0 && f.smtp_url.rfind("smtps://", 0) != 0) {
      return InvalidArgument("--smtp-url", f.smtp_url + ": smtp://HOST[:PORT] か smtps://… です (an smtp:// or smtps:// URL)");
    }
    const size_t at = f.mail_from.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == f.mail_from.size() ||
        f.mail_from.find_first_of(" <>\r\n") != std::string::npos) {
      return InvalidArgument("--mail-from", "送信元のメールアドレスが必要です (the sender's address, e.g. noreply@city.example.lg.jp)");
    }
  }
  config.smtp_url = f.smtp_url;
  config.smtp_starttls = f.smtp_starttls;
  config.mail_from = f.mail_from;
  if (f.kiosk_booking_hours < 1 || f.kiosk_booking_hours > 24 * 7) {
    return InvalidArgument("--kiosk-booking-hours", "1〜168 時間 (R-KIOSK-1)");
  }
  config.kiosk_booking_seconds = int64_t{f.kiosk_booking_hours} * 3600;
  config.home = f.Dir();
  config.database = ctx.Database();
  config.secrets = f.secrets;
  for (auto [text, flag, dest] : {std::tuple{&f.limit_login, "--limit-login", &config.limits.login},
                                  std::tuple{&f.limit_booking, "--limit-booking", &config.limits.booking},
                                  std::tuple{&f.limit_lookup, "--limit-lookup", &config.limits.lookup},
                                  std::tuple{&f.limit_cancel, "--limit-cancel", &config.limits.cancel},
                                  std::tuple{&f.limit_verifier, "--limit-verifier", &config.limits.verifier}}) {
    if (text->empty()) continue;
    MYNACERT_ASSIGN_OR_RETURN(*dest, server::ParseRateLimit(*text, flag));
  }
  if (f.per_booker < 0 || f.per_booker > 1000) return InvalidArgument("--bookings-per-booker", "0〜1000");
  config.limits.bookings_per_booker = f.per_booker;
  MYNACERT_ASSIGN_OR_RETURN(auto svc, service::Service::Open(config, *reg));
  for (const std::string& note : svc->workspace().notes) ctx.err << note << "\n";
  MYNACERT_ASSIGN_OR_RETURN(int64_t staff, svc->staff().StaffCount());

  // Block the stop signals before the server's threads start, so that they inherit the mask
  // and only this thread receives them (sigtimedwait below).
  const sigset_t stop = BlockStopSignals();
  server::HttpOptions http;
  http.address = f.address;
  http.port = static_cast<uint16_t>(f.port);
  http.threads = f.threads;
  http.max_connections = static_cast<size_t>(f.max_connections);
  http.trusted_proxies = f.trusted_proxies;
  http.forwarded_client_cert = f.forwarded_client_cert;
  // The logins' scrypt runs on the slow pool, as many at once as the staff store allows.
  http.slow_threads = staff::DefaultParallelHashes();
  service::Service* s = svc.get();
  // Each route's body limit and slowness, from the head before the body (server/router.h).
  http.plan = [s](const server::HttpRequest& head) { return s->Plan(head); };
  http.too_large = [s](const server::HttpRequest& head) { return s->TooLarge(head); };
  server::HttpServer server(http, [s](const server::HttpRequest& r) { return s->Handle(r); });
  MYNACERT_ASSIGN_OR_RETURN(uint16_t port, server.Start());
  if (!f.port_file.empty()) std::ofstream(f.port_file) << port << "\n";
  ctx.out << "mynacert serve: http://" << f.address << ":" << port << "/ — Ctrl-C で停止 (stop)" << std::endl;
  if (staff == 0) {
    ctx.out << "職員アカウントがありません: `mynacert staff add --name NAME --role supervisor` "
               "(no staff account yet)" << std::endl;
  }
  // Twice a second: a revocation made through another instance on the same database shows in
  // this one's OCSP answers within a second (the responder re-reads the CA's event sequence).
  while (!WaitForStop(stop, std::chrono::milliseconds(500))) {
    Status tick = s->Tick();
    if (!tick.ok()) ctx.err << "mynacert: " << tick.error().ToString() << std::endl;
  }
  server.Stop();
  ctx.out << "停止 (stopped): " << server.requests_served() << " requests" << std::endl;
  return {};
}

Status RunStaffAdd(const ServeFlags& f, CliContext& ctx) {
  std::error_code ec;
  std::filesystem::create_directories(f.Dir(), ec);
  if (ec) return InvalidArgument("--home", f.Dir() + ": " + ec.message());
  MYNACERT_ASSIGN_OR_RETURN(auto staff, staff::StaffStore::Open(ctx.StoreIn(f.Dir(), "counter.db")));
  MYNACERT_ASSIGN_OR_RETURN(std::string password,
                            ReadQuietLine("パスワード (password, 12+ characters)", "the password on one stdin line"));
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          RealClock().Now().time_since_epoch()).count();
  MYNACERT_RETURN_IF_ERROR(staff->AddStaff(f.name, f.role, password, now));
  ctx.out << "職員を登録しました (staff saved): " << f.name << " (" << f.role << ")\n";
  return {};
}

}  // namespace

void AddServeCommands(CLI::App& app, CliContext& ctx) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* s = app.add_subcommand("serve", "API・画面・OCSP を提供 / serve the API, the UI and OCSP");
  AddHomeOption(*s, f->home);
  s->add_option("--address", f->address, "待ち受けアドレス (既定 127.0.0.1)");
  s->add_option("--port", f->port, "ポート (既定 8080; 0 = 空いているポート)");
  s->add_option("--threads", f->threads, "スレッド数 (既定 8)");
  s->add_option("--port-file", f->port_file, "使ったポート番号を書くファイル / write the port");
  s->add_option("--max-connections", f->max_connections,
                "同時接続の上限 (既定 0 = ファイル記述子の上限 − 64) / connections at once (0: RLIMIT_NOFILE − 64)");
  s->add_option("--passphrase", f->secrets.passphrase, "認証局の鍵のパスフレーズ (env:/file:)");
  s->add_option("--issuer-key", f->secrets.issuer_key, "カード発行者鍵 (env:/file:)");
  s->add_option("--card-secret", f->secrets.card_secret, "カードファイルの秘密 (env:/file:)");
  s->add_option("--limit-login", f->limit_login, "ログイン試行の上限 / login attempts per address, BURST/PER_MINUTE (既定 10/10)");
  s->add_option("--limit-booking", f->limit_booking, "予約の上限 / bookings per address (既定 5/1)");
  s->add_option("--limit-lookup", f->limit_lookup, "予約ID照会の上限 / 予約ID lookups per address (既定 20/20)");
  s->add_option("--limit-cancel", f->limit_cancel, "取消の上限 / cancellations per address (既定 5/2)");
  s->add_option("--limit-verifier", f->limit_verifier,
                "検証者 API の上限 / verifier API requests per address (既定 200/12000)");
  s->add_option("--bookings-per-booker", f->per_booker,
                "予約IDなしで1人(電話番号・氏名)が1窓口に持てる予約数 / bookings one booker may hold at a counter "
                "without a 予約ID (既定 1; 0 = 無制限)");
  s->add_option("--trusted-proxy", f->trusted_proxies,
                "TLS を終端する前段 (nginx) のアドレス: X-Real-IP と X-Forwarded-Proto を信じる / a proxy "
                "in front (nginx): its X-Real-IP names the client, X-Forwarded-Proto https makes "
                "cookies Secure");
  s->add_flag("--forwarded-client-cert", f->forwarded_client_cert,
              "前段が検証した TLS クライアント証明書 (X-SSL-Client-Verify, X-SSL-Client-Cert) を検証者の資格情報とし"
              "て信じる。前段は両方のヘッダーを毎回設定すること / trust the client certificate a --trusted-proxy "
              "verified and forwards (a verifier's mTLS); the proxy must set both headers on every request");
  s->add_option("--public-url", f->public_url,
                "住民のページの公開 URL: 予約の控え・カレンダー・通知書の QR コード / the residents' page's "
                "public address for receipts, calendar files and QR codes (既定: ブラウザが使ったアドレス)");
  s->add_option("--clock-start", f->clock_start,
                "試験・デモ用: 時計をこの日時 (JST, YYYY-MM-DDTHH:MM) から進める / tests and demos: the clock runs "
                "from this JST time");
  s->add_option("--smtp-url", f->smtp_url,
                "予約の確認メールを送る SMTP サーバ (smtp://HOST:PORT) / the SMTP server for booking e-mails (既定: なし)");
  s->add_flag("--smtp-starttls", f->smtp_starttls, "SMTP で STARTTLS を必須にする / require STARTTLS");
  s->add_option("--mail-from", f->mail_from, "確認メールの送信元 / the e-mails' sender address");
  s->add_option("--kiosk-booking-hours", f->kiosk_booking_hours,
                "コンビニでの暗証番号再設定の予約の有効時間 (既定 24, R-KIOSK-1) / a kiosk booking's validity");
  s->add_option("--audit-key", f->secrets.audit_key,
                "監査ログの鍵 (env:/file:; 既定 <home>/audit.key) / the audit log's key");
  s->callback([f, &ctx] { RunCommand(ctx, [&] { return RunServe(*f, ctx); }); });

  CLI::App* staff = app.add_subcommand("staff", "職員アカウント / staff accounts");
  staff->require_subcommand(1);
  auto g = std::make_shared<ServeFlags>();
  CLI::App* add = staff->add_subcommand("add", "職員を登録 (パスワードは標準入力) / add or reset a staff account");
  add->add_option("--home", g->home, "データの場所");
  add->add_option("--name", g->name, "職員名")->required();
  add->add_option("--role", g->role, "clerk (窓口) | supervisor (監督者)");
  add->callback([g, &ctx] { RunCommand(ctx, [&] { return RunStaffAdd(*g, ctx); }); });
}

}  // namespace mynacert::cli
