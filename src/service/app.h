// `mynacert serve`: the JSON API, the UI assets and the CA's relying-party endpoints (OCSP,
// CRLs, CA certificates) in one process over one home folder (counter/workspace.h).
// docs/api.md lists every endpoint.
//
// The API is one route table (server/router.h): each endpoint declares its method, path, access
// (public, relying party, staff, supervisor), body limit and rate-limit class, and is
// registered by the file of its area:
//   api_public.cc    the rules for residents (explain, procedure, calendar, …) and the UI files
//   api_bookings.cc  slots, 予約ID lookups, bookings and cancellations (rate-limited per address)
//   api_staff.cc     login, logout, me
//   api_cases.cc     residents, certificate copies and counter cases
//   api_notices.cc   the notice batch, its files, the audit check
//   api_relying.cc   /ocsp, /crl/*.crl, /ca/*.crt
//   api_hotline.cc   the loss hotline (R-LOST-1): hold both certificates of a lost card
//   api_holder.cc    the holder's status check and online revocation request (R-REV-2)
//
// Every error is JSON {"error": {"code", "field", "message", "rule"}} with a 4xx status (5xx
// only for a fault of ours, never with its text), every answer carries the security headers
// (CSP without inline script, nosniff, frame-ancestors none, no referrer) and API answers are
// not cached.
//
// Thread-safety: Handle may be called from any number of threads. The rules endpoints run
// without a lock; logins hash outside every lock (staff/staff.h); the counter's store is one
// SQLite connection used under `counter_mu_`; bookings lease connections from a pool.
#ifndef MYNACERT_SERVICE_APP_H_
#define MYNACERT_SERVICE_APP_H_

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/date.h"
#include "counter/lifecycle.h"
#include "counter/verifiers.h"
#include "counter/workspace.h"
#include "pki/ocsp.h"
#include "reservations/reservations.h"
#include "server/http.h"
#include "server/router.h"
#include "staff/staff.h"

namespace mynacert::service {

// Rate limits per caller address (server::ParseRateLimit's "BURST/PER_MINUTE"). The defaults
// let a family book and look up what it needs and stop a script: the attack that booked all
// 824 places of a city hall in 1.3 s now gets 5 and then one a minute.
struct ServiceLimits {
  server::RateLimit login{10, 10};     // POST /api/staff/login
  server::RateLimit booking{5, 1};     // POST /api/bookings
  server::RateLimit lookup{20, 20};    // GET /api/reservation-ids/{code}
  server::RateLimit cancel{5, 2};      // POST /api/bookings/{n}/cancel
  server::RateLimit hotline{30, 30};   // POST /api/hotline/calls: an operator's pace, not a script's
  server::RateLimit holder{10, 6};     // POST /api/holder/*: a holder's client, not a scan
  // /api/verifier/v1/*, per address: a verifier's batch of look-ups, not a scan by a stranger
  // (an unknown key costs one hash and one indexed read).
  server::RateLimit verifier{200, 12000};
  int bookings_per_booker = 1;         // without a 予約ID, per counter (BookingRequest)
  int parallel_hashes = 0;             // staff::StaffOptions
};

struct ServiceConfig {
  std::filesystem::path home;
  std::string database;  // Workspace::database: "" = SQLite files in the home
  counter::WorkspaceSecrets secrets;
  // The clock (tests pin it; null = the wall clock); read once per request (RequestContext).
  const Clock* clock = nullptr;
  ServiceLimits limits;
  // The residents' page's public address ("https://mynacert.example.lg.jp/"): the link and QR
  // code on a booking's receipt, calendar file and letters. "" = the Host the browser used.
  std::string public_url;
  // Booking confirmations by e-mail (service/mailer.h): the SMTP server ("" = none: the
  // residents' page offers no e-mail) and the sender.
  std::string smtp_url;
  bool smtp_starttls = false;
  std::string mail_from;
  // R-KIOSK-1 (medium confidence, a setting): how long a kiosk PIN-reset booking stays valid.
  int64_t kiosk_booking_seconds = counter::kDefaultKioskBookingSeconds;
  // A partition's full CRL is made again at most this often (its delta at every change): J-LIS
  // says a CRL refresh takes 5–10 minutes (jpki-facts A6), and a delta is what a verifier that
  // cannot wait fetches (freshestCRL).
  int64_t crl_full_interval_seconds = 600;
  // How often Tick looks whether a delegated OCSP responder certificate is due for renewal
  // (pki::RenewOcspResponders: at half of its 7-day life by default).
  int64_t responder_check_seconds = 600;
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> Open(const ServiceConfig& config,
                                               const profiles::Registry& profiles);
  server::HttpResponse Handle(const server::HttpRequest& request);
  // Periodic work of the serving loop: the OCSP answers re-signed after revocations, the OCSP
  // responder certificates renewed when due, and the booking e-mails due (DeliverMail).
  Status Tick();
  // Sends up to `limit` e-mails of the reservations outbox (none when no SMTP server is set);
  // the number sent. A failed one is tried again later (ReservationStore::MailFailed).
  Result<int> DeliverMail(int limit = 20);
  staff::StaffStore& staff() { return *staff_; }
  counter::Workspace& workspace() { return *ws_; }
  const server::Router& router() const { return *router_; }
  // The transport's hooks (server::HttpOptions::body_limit, too_large).
  server::RequestPlan Plan(const server::HttpRequest& head) const { return router_->Plan(head); }
  server::HttpResponse TooLarge(const server::HttpRequest& head) const;

 private:
  Service() = default;
  Status AddPublicRoutes();
  Status AddBookingRoutes();
  Status AddStaffRoutes();
  Status AddCaseRoutes();
  Status AddNoticeRoutes();
  Status AddRelyingRoutes();
  Status AddHotlineRoutes();
  Status AddApplicationRoutes();
  Status AddHolderRoutes();
  Status AddVerifierRoutes();
  Status AddDemoLoginRoutes();
  // The demo relying party's own verifier record (found or made on first use), under counter_mu_.
  Result<const counter::Verifier*> DemoVerifier(int64_t now);
  // The registered verifier calling (its key checked by the router), under counter_mu_.
  Result<const counter::Verifier*> CallingVerifier(const server::RequestContext& c);
  // A verifier route about one certificate: the body's certificate_hex and the calling
  // verifier, then `handler` under counter_mu_ with the current CA generations.
  using VerifierCertificateHandler = std::function<server::HttpResponse(
      const counter::Verifier&, std::span<const pki::CaGeneration* const>, const std::string& der, int64_t now)>;
  server::HttpResponse OnVerifierCertificate(server::RequestContext& c, const VerifierCertificateHandler& handler);
  std::string PublicBase(const server::HttpRequest& req) const;
  nlohmann::json BookingReply(const profiles::Municipality& m, const profiles::Counter& c,
                              const reservations::Booking& b, const server::HttpRequest& req) const;

  // A reservations store (its own SQLite connection) lent to one request at a time: bookings
  // run in parallel up to the pool's size, and no double booking rests on the conditional
  // UPDATE of reservations.h, not on a lock of ours.
  class Lease;
  Result<Lease> LeaseReservations();
  // Appends one record to the counter's audit log in its own transaction.
  Status Audit(int64_t at, std::string_view who, std::string_view action, const std::string& detail);

  ServiceConfig config_;
  std::unique_ptr<counter::Workspace> ws_;
  std::unique_ptr<staff::StaffStore> staff_;
  std::unique_ptr<pki::OcspResponder> ocsp_;
  int64_t next_responder_check_ = 0;  // Unix seconds; Tick's thread only
  std::unique_ptr<server::Router> router_;
  std::mutex counter_mu_;  // ws_ (the counter's and the CA's connections) and crl_
  std::map<std::string, counter::Verifier, std::less<>> verifiers_;  // by id, under counter_mu_
  std::optional<counter::Verifier> demo_verifier_;                   // under counter_mu_
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<reservations::ReservationStore>> pool_;
  struct CrlCache {
    std::string der;
    int64_t seq = -1;  // the CA store's change sequence it covers
    int64_t made_at = 0;
  };
  CrlCache crl_[2];  // [0] sign, [1] auth
  // Partition CRLs (pki/publication.h), by "<kind>/g<N>/<scope>" + ".delta" for deltas.
  struct PartitionCrl {
    std::string der;
    int64_t seq = -1;       // the CA store's change sequence it covers
    int64_t made_at = 0;
    int64_t number = 0;     // its CRL number (the ETag)
    int64_t this_update = 0, next_update = 0;
    int64_t base_number = 0;  // a delta: the full CRL it was made against
  };
  std::map<std::string, PartitionCrl> partition_crls_;
  // Older CA generations, loaded when one of their CRLs is asked for (they keep signing them).
  std::map<std::pair<int, int>, pki::CaGeneration> older_cas_;
  std::map<std::pair<int, int>, std::string> ca_der_;  // /ca/<kind>/g<N>.crt, by (auth?, N)
  std::string ca_passphrase_;
  // Answers a partition CRL (or its delta) under counter_mu_.
  server::HttpResponse PartitionCrlAnswer(server::RequestContext& c, const pki::CrlPath& path);
};

// A pooled reservations connection, returned to the pool when the lease ends.
class Service::Lease {
 public:
  Lease(Service* s, std::unique_ptr<reservations::ReservationStore> store) : s_(s), store_(std::move(store)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (!store_) return;
    std::lock_guard lock(s_->pool_mu_);
    s_->pool_.push_back(std::move(store_));
  }
  reservations::ReservationStore* operator->() { return store_.get(); }

 private:
  Service* s_;
  std::unique_ptr<reservations::ReservationStore> store_;
};

}  // namespace mynacert::service

#endif  // MYNACERT_SERVICE_APP_H_
