// The route table's declarations are enforced before any handler: access, CSRF, methods, rate
// classes, JSON bodies, body limits; and one clock reading per request.
#include "server/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mynacert::server {
namespace {

HttpResponse Ok(RequestContext& c) {
  HttpResponse r;
  r.body = "ok";
  for (const auto& p : c.params) r.body += " " + p;
  if (c.who) r.body += " by " + c.who->name;
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest()
      : router_(clock_, [](const HttpRequest& req, int64_t) -> Result<Principal> {
          if (req.Cookie("s") == "clerk") return Principal{"tanaka", "clerk", "c1", ""};
          if (req.Cookie("s") == "boss") return Principal{"boss", "supervisor", "c2", ""};
          if (req.Cookie("s") == "line") return Principal{"suzuki", "hotline", "c3", ""};
          return Error{ErrorCode::kUnauthenticated, "session", "log in", ""};
        }) {
    router_.SetLimit("booking", RateLimit{2, 1});
    EXPECT_TRUE(router_.Add({"GET", "/api/health", Access::kPublic, 0, "", true, Ok}).ok());
    EXPECT_TRUE(router_.Add({"POST", "/api/bookings", Access::kPublic, 100, "booking", true, Ok}).ok());
    EXPECT_TRUE(router_.Add({"GET", "/api/bookings", Access::kStaff, 0, "", true, Ok}).ok());
    EXPECT_TRUE(router_.Add({"POST", "/api/cases/{case}/decide", Access::kStaff, 100, "", true, Ok}).ok());
    EXPECT_TRUE(router_.Add({"POST", "/api/notices/run", Access::kSupervisor, 100, "", true, Ok}).ok());
    EXPECT_TRUE(router_.Add({"GET", "/ocsp/*", Access::kRelyingParty, 0, "", false, Ok}).ok());
    EXPECT_TRUE(router_.Add({"POST", "/api/hotline/calls", Access::kHotline, 100, "", true, Ok}).ok());
    EXPECT_TRUE(router_.Add({"GET", "/api/staff/me", Access::kSession, 0, "", true, Ok}).ok());
  }
  HttpResponse Call(std::string method, std::string path, std::string cookie = "", std::string body = "",
                    std::string csrf = "", std::string type = "application/json") {
    HttpRequest r;
    r.method = std::move(method);
    r.path = r.target = std::move(path);
    r.remote = "192.0.2.1";
    if (!cookie.empty()) r.headers["cookie"] = "s=" + cookie;
    if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
    if (!body.empty()) r.headers["content-type"] = type;
    r.body = std::move(body);
    return router_.Handle(r);
  }
  static std::string Field(const HttpResponse& r) {
    return nlohmann::json::parse(r.body)["error"]["field"].get<std::string>();
  }

  FixedClock clock_ = FixedClock::AtJstNoon(Date::Ymd(2026, 12, 2));
  Router router_;
};

// R-VER-1: verifier routes take a registered verifier's API key (401 with WWW-Authenticate
// Bearer otherwise, and never a staff session); relying-party routes are open until the
// service restricts them, then they take the same key. A verifier's key opens no staff route.
TEST_F(RouterTest, VerifierRoutesAndRestrictedStatusTakeAVerifierKey) {
  router_.SetVerifierAuthenticator([](const HttpRequest& req, int64_t) -> Result<Principal> {
    if (req.Header("authorization") == "Bearer good") return Principal{"V0123456789AB", "verifier", "", "sign"};
    return Error{ErrorCode::kUnauthenticated, "Authorization", "key", "R-VER-1"};
  });
  ASSERT_TRUE(router_.Add({"POST", "/api/verifier/v1/status", Access::kVerifier, 100, "", true, Ok}).ok());
  auto call = [&](const std::string& method, const std::string& path, const std::string& key,
                  const std::string& cookie = "") {
    HttpRequest r;
    r.method = method;
    r.path = r.target = path;
    r.remote = "192.0.2.1";
    if (!key.empty()) r.headers["authorization"] = "Bearer " + key;
    if (!cookie.empty()) r.headers["cookie"] = "s=" + cookie;
    return router_.Handle(r);
  };
  const HttpResponse none = call("POST", "/api/verifier/v1/status", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Field(none), "Authorization");
  bool challenged = false;
  for (const auto& [k, v] : none.headers) challenged |= k == "WWW-Authenticate" && v.rfind("Bearer", 0) == 0;
  EXPECT_TRUE(challenged);
  EXPECT_EQ(call("POST", "/api/verifier/v1/status", "bad").status, 401);
  EXPECT_EQ(call("POST", "/api/verifier/v1/status", "", "boss").status, 401);  // a staff session is not a key
  const HttpResponse good = call("POST", "/api/verifier/v1/status", "good");
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(good.body, "ok by V0123456789AB");
  EXPECT_EQ(call("GET", "/api/bookings", "good").status, 401);  // nor a key a session

  EXPECT_EQ(call("GET", "/ocsp/abc", "").status, 200);  // public by default
  router_.RestrictRelyingParty(true);
  EXPECT_EQ(call("GET", "/ocsp/abc", "").status, 401);
  EXPECT_EQ(call("GET", "/ocsp/abc", "bad").status, 401);
  EXPECT_EQ(call("GET", "/ocsp/abc", "good").status, 200);
  EXPECT_EQ(call("GET", "/api/health", "").status, 200);  // residents' routes stay open
}

// R-LOST-1: the hotline's operators hold certificates and see no counter case; clerks hold
// nothing; supervisors do both; every role may ask who it is.
TEST_F(RouterTest, HotlineAndCounterRolesStayApart) {
  EXPECT_EQ(Call("POST", "/api/hotline/calls", "line", "{}", "c3").status, 200);
  EXPECT_EQ(Call("POST", "/api/hotline/calls", "boss", "{}", "c2").status, 200);
  const HttpResponse clerk = Call("POST", "/api/hotline/calls", "clerk", "{}", "c1");
  EXPECT_EQ(clerk.status, 403);
  EXPECT_EQ(Field(clerk), "role");
  EXPECT_EQ(Call("POST", "/api/hotline/calls", "", "{}").status, 401);
  EXPECT_EQ(Call("POST", "/api/hotline/calls", "line", "{}").status, 403);  // no CSRF token
  const HttpResponse cases = Call("POST", "/api/cases/7/decide", "line", "{}", "c3");
  EXPECT_EQ(cases.status, 403);
  EXPECT_EQ(Field(cases), "role");
  EXPECT_EQ(Call("GET", "/api/bookings", "line").status, 403);
  for (const char* who : {"line", "clerk", "boss"}) EXPECT_EQ(Call("GET", "/api/staff/me", who).status, 200) << who;
}

TEST_F(RouterTest, AccessIsWhatTheRouteDeclaresNotWhereItSits) {
  EXPECT_EQ(Call("GET", "/api/health").status, 200);
  EXPECT_EQ(Call("POST", "/api/bookings", "", "{}").status, 200);  // public POST
  EXPECT_EQ(Call("GET", "/api/bookings").status, 401);             // staff GET, same path
  EXPECT_EQ(Call("HEAD", "/api/bookings").status, 401);
  EXPECT_EQ(Call("GET", "/api/bookings", "clerk").body, "ok by tanaka");
  EXPECT_EQ(Call("POST", "/api/cases/12/decide").status, 401);
  EXPECT_EQ(Call("POST", "/api/cases/12/decide", "clerk").status, 403);  // no CSRF token
  EXPECT_EQ(Field(Call("POST", "/api/cases/12/decide", "clerk", "", "c2")), "X-CSRF-Token");
  EXPECT_EQ(Call("POST", "/api/cases/12/decide", "clerk", "", "c1").body, "ok 12 by tanaka");
  EXPECT_EQ(Call("POST", "/api/notices/run", "clerk", "", "c1").status, 403);
  EXPECT_EQ(Call("POST", "/api/notices/run", "boss", "", "c2").status, 200);
  EXPECT_EQ(Call("GET", "/ocsp/MEIwQDA-").body, "ok");
}

TEST_F(RouterTest, MethodsPathsAndBodies) {
  HttpResponse r = Call("DELETE", "/api/bookings");
  EXPECT_EQ(r.status, 405);
  bool allow = false;
  for (const auto& [k, v] : r.headers) allow = allow || (k == "Allow" && v == "POST, GET, HEAD");
  EXPECT_TRUE(allow);
  EXPECT_EQ(Call("GET", "/api/nothing").status, 404);
  EXPECT_EQ(Call("HEAD", "/api/health").status, 200);
  EXPECT_EQ(Call("POST", "/api/bookings", "", "name=x", "", "application/x-www-form-urlencoded").status, 415);
  EXPECT_EQ(Call("POST", "/api/bookings", "", std::string(101, ' ')).status, 413);
  HttpRequest head;
  head.method = "POST";
  head.path = "/api/bookings";
  EXPECT_EQ(router_.Plan(head).body_limit, 100u);
}

TEST_F(RouterTest, RateClassesArePerAddress) {
  EXPECT_EQ(Call("POST", "/api/bookings", "", "{}").status, 200);
  EXPECT_EQ(Call("POST", "/api/bookings", "", "{}").status, 200);
  HttpResponse r = Call("POST", "/api/bookings", "", "{}");
  EXPECT_EQ(r.status, 429);
  bool retry = false;
  for (const auto& [k, v] : r.headers) retry = retry || (k == "Retry-After" && v == "60");
  EXPECT_TRUE(retry);
  clock_.Advance(std::chrono::seconds(60));
  EXPECT_EQ(Call("POST", "/api/bookings", "", "{}").status, 200);
}

TEST_F(RouterTest, DeclarationsAreChecked) {
  auto refused = [&](Route r) {
    Status s = router_.Add(std::move(r));
    return !s.ok() && s.error().field == "route";
  };
  EXPECT_TRUE(refused({"GET", "/x", Access::kUndeclared, 0, "", true, Ok}));
  EXPECT_TRUE(refused({"GET", "/x", Access::kPublic, 0, "", true, nullptr}));
  EXPECT_TRUE(refused({"GET", "x", Access::kPublic, 0, "", true, Ok}));
  EXPECT_TRUE(refused({"GET", "/x", Access::kPublic, 0, "nosuchclass", true, Ok}));
  EXPECT_TRUE(refused({"GET", "/api/health", Access::kPublic, 0, "", true, Ok}));  // twice
  EXPECT_TRUE(refused({"HEAD", "/y", Access::kPublic, 0, "", true, Ok}));
}

TEST_F(RouterTest, AHandlersExceptionIsA500WithoutItsText) {
  ASSERT_TRUE(router_.Add({"GET", "/boom", Access::kPublic, 0, "", true, [](RequestContext&) -> HttpResponse {
                             throw std::runtime_error("secret detail");
                           }}).ok());
  HttpResponse r = Call("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
}

TEST_F(RouterTest, OneClockReadingPerRequest) {
  ASSERT_TRUE(router_.Add({"GET", "/now", Access::kPublic, 0, "", true, [](RequestContext& c) {
                             HttpResponse r;
                             r.body = c.today.ToString() + " " + std::to_string(c.now);
                             return r;
                           }}).ok());
  clock_.Set(std::chrono::system_clock::time_point(std::chrono::seconds(1796137200)));  // 2026-12-01 15:00 UTC
  EXPECT_EQ(Call("GET", "/now").body, "2026-12-02 1796137200");  // JST is already the 2nd
}

}  // namespace
}  // namespace mynacert::server
