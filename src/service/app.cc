#include "service/app.h"

#include "counter/verifiers.h"
#include "pki/key_file.h"
#include "server/ocsp_http.h"
#include "service/api_util.h"

namespace mynacert::service {
namespace {

const RealClock kWallClock;

void SecurityHeaders(HttpResponse& r, bool api) {
  // A PDF (letters, certificate copies) is shown by the browser's viewer, which a document
  // policy with object-src 'none' would block; it gets no script of ours, only the framing rule.
  r.headers.emplace_back("Content-Security-Policy",
                         r.content_type == "application/pdf"
                             ? "frame-ancestors 'none'"
                             : "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  if (api) r.headers.emplace_back("Cache-Control", "no-store");
}

}  // namespace

Result<Service::Lease> Service::LeaseReservations() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto store = std::move(pool_.back());
      pool_.pop_back();
      return Lease(this, std::move(store));
    }
  }
  // A new connection when every pooled one is lent: at most one per serving thread in
  // practice. Writers wait for each other up to 30 s (SQLite serialises them).
  store::SqliteOptions o;
  o.busy_timeout_ms = 30000;
  MYNACERT_ASSIGN_OR_RETURN(auto store, reservations::ReservationStore::Open(ws_->CounterDb(), o, config_.clock));
  return Lease(this, std::move(store));
}

Status Service::Audit(int64_t at, std::string_view who, std::string_view action, const std::string& detail) {
  std::lock_guard lock(counter_mu_);
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(ws_->store->db()));
  MYNACERT_ASSIGN_OR_RETURN(int64_t seq, ws_->store->audit().Append(at, who, 0, 0, action, detail));
  (void)seq;
  return tx.Commit();
}

Result<std::unique_ptr<Service>> Service::Open(const ServiceConfig& config, const profiles::Registry& profiles) {
  std::unique_ptr<Service> s(new Service());
  s->config_ = config;
  if (!s->config_.clock) s->config_.clock = &kWallClock;
  MYNACERT_ASSIGN_OR_RETURN(s->ws_, counter::OpenWorkspace(config.home, profiles, &config.secrets, "", config.database));
  MYNACERT_ASSIGN_OR_RETURN(s->staff_, staff::StaffStore::Open(
                                           s->ws_->CounterDb(), staff::StaffOptions{config.limits.parallel_hashes}));
  {
    // The reservations schema migrated now, and the pool's first connection made.
    auto first = s->LeaseReservations();
    if (!first.ok()) return first.error();
  }
  MYNACERT_ASSIGN_OR_RETURN(std::string pass, pki::ReadPassphrase(config.secrets.passphrase, "passphrase"));
  s->ca_passphrase_ = pass;
  MYNACERT_ASSIGN_OR_RETURN(auto ocsp_store, pki::CaStore::Open(s->ws_->CaDb()));
  pki::OcspOptions ocsp_options;
  const Clock* clock = s->config_.clock;
  ocsp_options.now = [clock] { return clock->Now(); };
  MYNACERT_ASSIGN_OR_RETURN(s->ocsp_, pki::OcspResponder::FromDirectory(s->ws_->CaDir(), {pass, ""},
                                                                       std::move(ocsp_store),
                                                                       ocsp_options));
  // Short-lived responder certificates: renewed now if due. A failure (a read-only CA folder)
  // does not stop the service; the first Tick reports it and tries again, every
  // responder_check_seconds from then on.
  // On success the first Tick does not do it again.
  if (s->ocsp_->RenewResponders(s->ws_->CaDir(), {pass, ""}).ok()) {
    s->next_responder_check_ = std::chrono::duration_cast<std::chrono::seconds>(
                                 s->config_.clock->Now().time_since_epoch())
                                 .count() +
                               s->config_.responder_check_seconds;
  }
  // An interrupted execution from a previous run is finished or rolled back first (issue 5).
  MYNACERT_ASSIGN_OR_RETURN(counter::RecoveryReport rec, s->ws_->counter->Recover(s->ws_->env));
  (void)rec;

  staff::StaffStore* staff = s->staff_.get();
  s->router_ = std::make_unique<server::Router>(
      *s->config_.clock, [staff](const HttpRequest& req, int64_t now) -> Result<server::Principal> {
        MYNACERT_ASSIGN_OR_RETURN(staff::StaffSession who, staff->Check(req.Cookie("mynacert_session"), now));
        return server::Principal{who.staff, who.role, who.csrf, ""};
      });
  s->router_->SetLimit("login", config.limits.login);
  s->router_->SetLimit("booking", config.limits.booking);
  s->router_->SetLimit("lookup", config.limits.lookup);
  s->router_->SetLimit("cancel", config.limits.cancel);
  s->router_->SetLimit("hotline", config.limits.hotline);
  s->router_->SetLimit("holder", config.limits.holder);
  s->router_->SetLimit("verifier", config.limits.verifier);
  // R-VER-1: a registered verifier's API key, or its TLS client certificate as the trusted
  // proxy verified and forwarded it (HttpRequest::client_cert). Every credential presented must
  // be a registered verifier's, and the same one's: a key with another verifier's (or an
  // unregistered) certificate is refused, so neither credential can lend the other its rights.
  s->router_->SetVerifierAuthenticator([raw = s.get()](const HttpRequest& req, int64_t) -> Result<server::Principal> {
    const std::string header = req.Header("authorization");
    std::lock_guard lock(raw->counter_mu_);
    std::optional<counter::Verifier> by_cert;
    if (!req.client_cert.empty()) {
      MYNACERT_ASSIGN_OR_RETURN(by_cert, counter::AuthenticateVerifierByCertificate(*raw->ws_->store, req.client_cert));
      if (header.empty()) return server::Principal{by_cert->id, "verifier", "", by_cert->kinds};
    }
    const std::string key = header.rfind("Bearer ", 0) == 0 ? header.substr(7) : std::string();
    MYNACERT_ASSIGN_OR_RETURN(counter::Verifier v, counter::AuthenticateVerifier(*raw->ws_->store, key));
    if (by_cert && by_cert->id != v.id) {
      return Error{ErrorCode::kUnauthenticated, "client_certificate",
                   "API キーとクライアント証明書が別の検証者のものです (the API key and the client certificate belong "
                   "to different verifiers)",
                   "R-VER-1"};
    }
    return server::Principal{v.id, "verifier", "", v.kinds};
  });
  MYNACERT_RETURN_IF_ERROR(s->AddStaffRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddBookingRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddCaseRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddNoticeRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddRelyingRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddHotlineRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddApplicationRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddHolderRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddVerifierRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddDemoLoginRoutes());
  MYNACERT_RETURN_IF_ERROR(s->AddPublicRoutes());
  return s;
}

Status Service::Tick() {
  auto refreshed = ocsp_->Refresh();
  if (!refreshed.ok()) return refreshed.error();
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          config_.clock->Now().time_since_epoch())
                          .count();
  if (now >= next_responder_check_) {
    next_responder_check_ = now + config_.responder_check_seconds;
    auto renewed = ocsp_->RenewResponders(ws_->CaDir(), {ca_passphrase_, ""});
    if (!renewed.ok()) return renewed.error();
  }
  auto mailed = DeliverMail();
  if (!mailed.ok()) return mailed.error();
  return {};
}

HttpResponse Service::Handle(const HttpRequest& req) {
  HttpResponse r = router_->Handle(req);
  SecurityHeaders(r, req.path.rfind("/api/", 0) == 0);
  return r;
}

HttpResponse Service::TooLarge(const HttpRequest& head) const {
  HttpResponse r = router_->TooLarge(head);
  SecurityHeaders(r, head.path.rfind("/api/", 0) == 0);
  return r;
}

}  // namespace mynacert::service
