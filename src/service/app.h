// `mynacert serve`: the JSON API, the UI assets and the CA's OCSP endpoint in one process over
// one home folder (counter/workspace.h). docs/api.md lists every endpoint.
//
//   * residents' endpoints (/api/explain, /api/procedure, /api/municipalities, /api/calendar)
//     need no login and expose no resident data;
//   * staff endpoints need a session cookie (HttpOnly, SameSite=Strict) and, when they change
//     state, the session's CSRF token in X-CSRF-Token; staff actions go to the audit log;
//   * every error is JSON {"error": {"code", "field", "message", "rule"}} with a 4xx status
//     (5xx only for a fault of ours), never an HTML page or a dropped connection;
//   * every answer carries the security headers (CSP without inline script, nosniff,
//     frame-ancestors none, no referrer); API answers are not cached.
//
// Thread-safety: Handle may be called from any number of threads. The rules endpoints run
// without a lock; the counter's store is one SQLite connection, used under a mutex.
#ifndef MYNACERT_SERVICE_APP_H_
#define MYNACERT_SERVICE_APP_H_

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "counter/workspace.h"
#include "pki/ocsp.h"
#include "reservations/reservations.h"
#include "server/http.h"
#include "service/staff.h"

namespace mynacert::service {

struct ServiceConfig {
  std::filesystem::path home;
  counter::WorkspaceSecrets secrets;
  // The clock (tests pin it; null = the wall clock); "today" is its JST date, taken once per
  // request.
  const Clock* clock = nullptr;
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> Open(const ServiceConfig& config,
                                               const profiles::Registry& profiles);
  server::HttpResponse Handle(const server::HttpRequest& request);
  // Periodic work of the serving loop: the OCSP answers re-signed after revocations.
  Status Tick();
  StaffStore& staff() { return *staff_; }
  counter::Workspace& workspace() { return *ws_; }

 private:
  Service() = default;
  server::HttpResponse Dispatch(const server::HttpRequest& request);
  server::HttpResponse Bookings(const server::HttpRequest& request, const std::vector<std::string_view>& seg);
  server::HttpResponse Relying(const server::HttpRequest& request, const std::vector<std::string_view>& seg);

  // A reservations store (its own SQLite connection) lent to one request at a time: bookings
  // run in parallel up to the pool's size, and no double booking rests on the conditional
  // UPDATE of reservations.h, not on a lock of ours.
  class Lease;
  Result<Lease> LeaseReservations();

  ServiceConfig config_;
  std::unique_ptr<counter::Workspace> ws_;
  std::unique_ptr<StaffStore> staff_;
  std::unique_ptr<pki::OcspResponder> ocsp_;
  std::mutex mu_;  // ws_ and staff_: one SQLite connection each; the CRL cache
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<reservations::ReservationStore>> pool_;
  struct CrlCache {
    std::string der;
    int64_t seq = -1;    // the CA store's change sequence it covers
    int64_t made_at = 0;
  };
  CrlCache crl_[2];  // [0] sign, [1] auth
};

}  // namespace mynacert::service

#endif  // MYNACERT_SERVICE_APP_H_
