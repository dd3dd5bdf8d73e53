// The route table of an HTTP application (issue 14): every endpoint is one declared Route —
// method, path pattern, who may call it, how large a body it takes, which rate limit it counts
// against — and the Router enforces those declarations before any handler runs, in this order:
//
//   1. a URL that did not decode (bad percent-escape, invalid UTF-8)  → 400 naming the field
//   2. no route for the path                                          → 404
//      a route for the path but not the method                        → 405 with Allow
//      (HEAD is answered wherever GET is; the transport drops the body)
//   3. the route's rate-limit class, per caller address               → 429 with Retry-After
//   4. access: public: anyone; relying party: anyone, or when the
//              service restricts status (RestrictRelyingParty) a
//              registered verifier's API key, as verifier:            → 401
//              verifier: a registered verifier's API key              → 401
//              staff: a session                                       → 401
//              staff: a clerk's or supervisor's session               → 403
//              supervisor: a supervisor's session                     → 403
//              hotline: a hotline operator's or supervisor's session  → 403
//              session: any of them
//              a staff route that changes state: the session's CSRF
//              token in X-CSRF-Token                                  → 403
//   5. a body on a JSON route that is not application/json            → 415
//   6. a body over the route's limit (the transport checks it first
//      from the head, so such a body is never read whole)             → 413
//   7. the handler, with one RequestContext: the clock read once, the
//      caller's address, the session, the path parameters.
//
// A route whose access is not declared cannot be registered: where an endpoint sits in the
// table never decides whether it needs a login. Errors are JSON
// {"error": {"code", "field", "message", "rule"}} (ErrorResponse).
//
// Thread-safety: Add before serving; Handle from any number of threads.
#ifndef MYNACERT_SERVER_ROUTER_H_
#define MYNACERT_SERVER_ROUTER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/result.h"
#include "server/http.h"
#include "server/rate_limit.h"

namespace mynacert::server {

enum class Access : uint8_t {
  kUndeclared,    // refused by Router::Add
  kPublic,        // residents: no login, no resident data
  kRelyingParty,  // CRLs, CA certificates, OCSP: no login, binary answers
  kStaff,         // a clerk's or supervisor's session (the counter)
  kSupervisor,    // a supervisor's session
  kHotline,       // a hotline operator's or supervisor's session (R-LOST-1: national, 24 hours)
  kSession,       // any staff session, whatever its role (who am I, log out)
  kVerifier,      // a registered verifier's API key (R-VER-1): Authorization: Bearer mvk_…
};
std::string_view AccessName(Access access);

// The authenticated caller of a staff route.
struct Principal {
  std::string name;  // a verifier: its id
  std::string role;  // "clerk" | "supervisor" | "hotline" | "verifier"
  std::string csrf;  // "" for a verifier (an API key is not a cookie: no CSRF)
  std::string kinds;  // a verifier's: "sign" | "auth" | "sign,auth"
};

struct RequestContext {
  const HttpRequest& http;
  std::chrono::system_clock::time_point clock;  // "now", read once for the whole request
  int64_t now = 0;                              // the same, Unix seconds
  Date today;                                   // the same, as the date in Japan
  std::vector<std::string> params;              // the {…} segments of the pattern, in order
  std::optional<Principal> who;                 // set on staff and supervisor routes

  const std::string& remote() const { return http.remote; }
  // A query parameter ("" when absent).
  std::string Query(std::string_view key) const;
  bool QueryFlag(std::string_view key) const;  // "1" | "true" | "yes"
};

using RouteHandler = std::function<HttpResponse(RequestContext&)>;

struct Route {
  Route() = default;
  Route(std::string method, std::string pattern, Access access, size_t body_limit, std::string rate,
        bool json_body, RouteHandler handler, std::function<HttpResponse()> too_large = nullptr)
      : method(std::move(method)),
        pattern(std::move(pattern)),
        access(access),
        body_limit(body_limit),
        rate(std::move(rate)),
        json_body(json_body),
        handler(std::move(handler)),
        too_large(std::move(too_large)) {}

  std::string method;   // "GET" (answers HEAD too), "POST", …
  std::string pattern;  // "/api/cases/{case}/decide"; a last segment "*" matches the rest
  Access access = Access::kUndeclared;
  size_t body_limit = 16 * 1024;  // bytes
  std::string rate;               // a class given to Router::SetLimit, or "" for none
  bool json_body = true;          // a non-empty body must be application/json
  // Runs on the transport's slow pool at a lower CPU priority (RequestPlan::slow), not on a
  // serving thread: work of tens of milliseconds of CPU, like a login's scrypt.
  bool slow = false;
  RouteHandler handler;
  // The answer to a body over body_limit (default: JSON 413); OCSP answers in its own format.
  std::function<HttpResponse()> too_large;
};

// The API's error answer: {"error": {"code", "field", "message", "rule"}}; status from the
// code (400, 401, 403, 404, 409, 429 with Retry-After, 500).
int StatusOf(ErrorCode code);
HttpResponse ErrorResponse(const Error& e);
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view field,
                           std::string_view message);

class Router {
 public:
  // authenticate: who holds the request's session (kUnauthenticated when nobody).
  using Authenticator = std::function<Result<Principal>(const HttpRequest&, int64_t now)>;
  Router(const Clock& clock, Authenticator authenticate);

  // Who holds the request's verifier API key (kUnauthenticated when nobody): kVerifier routes,
  // and kRelyingParty routes once restricted.
  void SetVerifierAuthenticator(Authenticator authenticate) { authenticate_verifier_ = std::move(authenticate); }
  // R-VER-1: revocation data only for registered verifiers (J-LIS's way); off by default (a
  // sandbox publishes to anyone).
  void RestrictRelyingParty(bool restricted) { restrict_relying_party_ = restricted; }
  bool relying_party_restricted() const { return restrict_relying_party_; }

  // Refuses (kInvalidArgument, field "route") an undeclared access, a missing handler, a
  // pattern not starting with '/', an unknown rate class, or a (method, pattern) twice.
  Status Add(Route route);
  // A rate-limit class; routes name it in Route::rate. Set before Add.
  void SetLimit(const std::string& rate_class, RateLimit limit);
  const RateLimit* Limit(std::string_view rate_class) const;

  // A request whose `route` is set (by Plan, from the same head) is not matched again.
  HttpResponse Handle(const HttpRequest& request);
  // For the transport, from the head, before the body is read: the matched route (its index,
  // body limit and slowness); with no route for the method, the largest limit of the path's
  // routes, so that a 405 is still answered.
  RequestPlan Plan(const HttpRequest& head) const;
  HttpResponse TooLarge(const HttpRequest& head) const;

  const std::vector<Route>& routes() const { return routes_; }
  RateLimiter& limiter() { return limiter_; }

 private:
  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> params;
    std::string allow;  // when the path matched but not the method
  };
  Match Find(std::string_view method, std::string_view path) const;
  // Find, or the route the plan already found for this request (HttpRequest::route).
  Match FindFor(const HttpRequest& request) const;

  const Clock& clock_;
  Authenticator authenticate_;
  Authenticator authenticate_verifier_;
  bool restrict_relying_party_ = false;
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // routes_[i].pattern split on '/'
  std::map<std::string, RateLimit, std::less<>> limits_;
  RateLimiter limiter_;
};

}  // namespace mynacert::server

#endif  // MYNACERT_SERVER_ROUTER_H_
