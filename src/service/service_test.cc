// The service over real HTTP (issue 6): the service on the event-driven server on a free port,
// a Beast client, a home folder with a real CA on SQLite. Every bad input is a 4xx with a JSON
// error, never a 500 or a dropped connection.
#include "service/app.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <filesystem>
#include <nlohmann/json.hpp>

#include "server/http.h"

namespace mynacert::service {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  json Json() const { return json::parse(body, nullptr, false); }
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("mynacert-service-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    setenv("MYNACERT_TEST_CA_PASS", "service test CA passphrase", 1);
    setenv("MYNACERT_TEST_ISSUER", "service test issuer master key", 1);
    setenv("MYNACERT_TEST_CARD", "service test card secret", 1);
    auto reg = profiles::Registry::Builtin();
    ASSERT_TRUE(reg.ok());
    profiles_ = std::make_unique<profiles::Registry>(std::move(reg).value());
    ServiceConfig config;
    config.home = home_;
    config.secrets = {"env:MYNACERT_TEST_CA_PASS", "env:MYNACERT_TEST_ISSUER", "env:MYNACERT_TEST_CARD"};
    config.clock = &clock_;
    auto svc = Service::Open(config, *profiles_);
    ASSERT_TRUE(svc.ok()) << svc.error().ToString();
    svc_ = std::move(svc).value();
    server::HttpOptions options;
    options.threads = 4;
    server_ = std::make_unique<server::HttpServer>(options, [this](const server::HttpRequest& r) { return svc_->Handle(r); });
    auto port = server_->Start();
    ASSERT_TRUE(port.ok());
    port_ = *port;
  }
  void TearDown() override {
    server_.reset();
    svc_.reset();
    std::filesystem::remove_all(home_);
  }

  Reply Send(http::verb verb, const std::string& target, const std::string& body = "",
             const std::map<std::string, std::string>& headers = {}) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!cookie_.empty()) req.set(http::field::cookie, cookie_);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 << 20);
    http::read(stream, buffer, parser);
    Reply r;
    r.status = static_cast<int>(parser.get().result_int());
    r.body = parser.get().body();
    for (const auto& f : parser.get()) r.headers[std::string(f.name_string())] = std::string(f.value());
    return r;
  }
  Reply Get(const std::string& target) { return Send(http::verb::get, target); }
  Reply Post(const std::string& target, const json& body) {
    return Send(http::verb::post, target, body.dump(), {{"X-CSRF-Token", csrf_}});
  }
  void Login(const std::string& role = "clerk") {
    ASSERT_TRUE(svc_->staff().AddStaff("tanaka", role, "correct horse battery", 0).ok());
    Reply r = Post("/api/staff/login", {{"name", "tanaka"}, {"password", "correct horse battery"}});
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string set = r.headers["Set-Cookie"];
    ASSERT_NE(set.find("HttpOnly"), std::string::npos);
    ASSERT_NE(set.find("SameSite=Strict"), std::string::npos);
    cookie_ = set.substr(0, set.find(';'));
    csrf_ = r.Json()["csrf"];
  }

  std::filesystem::path home_;
  FixedClock clock_ = FixedClock::AtJstNoon(Date::Ymd(2026, 5, 1));
  std::unique_ptr<profiles::Registry> profiles_;
  std::unique_ptr<Service> svc_;
  std::unique_ptr<server::HttpServer> server_;
  uint16_t port_ = 0;
  std::string cookie_, csrf_;
};

void ExpectJsonError(const Reply& r, int status, const std::string& field) {
  EXPECT_EQ(r.status, status) << r.body;
  const json j = r.Json();
  ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  if (!field.empty()) {
    EXPECT_EQ(j["error"]["field"], field) << r.body;
  }
}

// The seeds' worked example (Yamagata): born 1980-07-07, card 2021-07-07 → certificates expire
// 2026-07-07, free renewal from 2026-04-08 (R-VAL-1, R-WIN-1).
TEST_F(ServiceTest, ExplainIsTheRulesOverHttp) {
  Reply r = Get("/api/explain?municipality=yamagata&birth=1980-07-07&card_issued=2021-07-07");
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.Json();
  EXPECT_EQ(j["today"], "2026-05-01");
  EXPECT_EQ(j["certificates"]["auth"]["expires"], "2026-07-07");
  EXPECT_EQ(j["certificates"]["auth"]["renewal_from"], "2026-04-08");
  EXPECT_EQ(j["certificates"]["auth"]["status"], "renewable");
  EXPECT_EQ(j["card"]["expires"], "2031-07-07");
  EXPECT_EQ(r.headers["Cache-Control"], "no-store");
  EXPECT_NE(r.headers["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);

  Reply p = Get("/api/procedure?municipality=kanazawa&applicant=agent_without_form");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.Json()["visits"].size(), 3u);  // R-PROC-6, Kanazawa
  Reply c = Get("/api/calendar?counter=yokohama-naka&from=2026-12-28&days=8");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_FALSE(c.Json()["days"][4]["open"]);  // 2027-01-01 (R-OFF-1)
  EXPECT_EQ(c.Json()["days"][7]["date"], "2027-01-04");
  EXPECT_TRUE(c.Json()["days"][7]["open"]);
}

TEST_F(ServiceTest, BadInputIsA4xxWithAJsonError) {
  ExpectJsonError(Get("/api/explain?birth=1980-02-30&card_issued=2021-07-07"), 400, "birth");
  ExpectJsonError(Get("/api/explain?card_issued=2021-07-07"), 400, "birth");
  ExpectJsonError(Get("/api/explain?birth=1980-07-07&card_issued=2021-07-07&municipality=atlantis"), 404, "municipality");
  ExpectJsonError(Get("/api/explain?birth=%ZZ"), 400, "");
  ExpectJsonError(Get("/api/procedure?municipality=yokohama&applicant=neighbour"), 400, "applicant");
  ExpectJsonError(Get("/api/calendar?counter=nowhere"), 404, "counter");
  ExpectJsonError(Get("/api/calendar?counter=yokohama-naka&days=9999"), 400, "days");
  ExpectJsonError(Get("/api/no-such-thing"), 401, "session");  // staff area: a session first
  ExpectJsonError(Send(http::verb::post, "/api/staff/login", "{not json"), 400, "body");
  ExpectJsonError(Send(http::verb::post, "/api/staff/login", "[1,2]"), 400, "body");
  ExpectJsonError(Post("/api/staff/login", {{"name", "x"}}), 400, "password");
  ExpectJsonError(Send(http::verb::post, "/api/staff/login", std::string(100 * 1024, 'x')), 413, "");
  ExpectJsonError(Get("/nope.html"), 404, "");
  ExpectJsonError(Send(http::verb::delete_, "/index.html"), 405, "");
}

TEST_F(ServiceTest, TheUiIsServedWithItsSecurityHeaders) {
  Reply r = Get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.headers["Content-Type"].find("text/html"), std::string::npos);
  EXPECT_NE(r.body.find("/app.js"), std::string::npos);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);  // no inline script: the CSP forbids it
  EXPECT_EQ(r.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(Get("/app.js").status, 200);
  EXPECT_EQ(Get("/style.css").status, 200);
}

TEST_F(ServiceTest, StaffSessionsPasswordsAndCsrf) {
  ASSERT_TRUE(svc_->staff().AddStaff("sato", "clerk", "another long password", 0).ok());
  EXPECT_FALSE(svc_->staff().AddStaff("short", "clerk", "tooshort", 0).ok());
  EXPECT_FALSE(svc_->staff().AddStaff("boss", "admin", "another long password", 0).ok());
  ExpectJsonError(Post("/api/staff/login", {{"name", "sato"}, {"password", "wrong password!"}}), 401, "password");
  ExpectJsonError(Post("/api/staff/login", {{"name", "nobody"}, {"password", "wrong password!"}}), 401, "password");
  for (int i = 0; i < kMaxFailedLogins - 1; ++i) Post("/api/staff/login", {{"name", "sato"}, {"password", "nope nope nope"}});
  // Five wrong in a row: locked, even with the right password, until 15 minutes pass.
  ExpectJsonError(Post("/api/staff/login", {{"name", "sato"}, {"password", "another long password"}}), 403, "name");
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_EQ(Post("/api/staff/login", {{"name", "sato"}, {"password", "another long password"}}).status, 200);

  Login();
  EXPECT_EQ(Get("/api/staff/me").Json()["name"], "tanaka");
  // A state change without the CSRF token is refused.
  ExpectJsonError(Send(http::verb::post, "/api/cases", "{}"), 403, "X-CSRF-Token");
  ExpectJsonError(Send(http::verb::post, "/api/cases", "{}", {{"X-CSRF-Token", "0000"}}), 403, "X-CSRF-Token");
  ExpectJsonError(Get("/api/audit/verify"), 403, "role");  // supervisors only
  EXPECT_EQ(Post("/api/staff/logout", json::object()).status, 200);
  ExpectJsonError(Get("/api/staff/me"), 401, "session");
  // Passwords are stored as scrypt hashes only.
  EXPECT_TRUE(CheckPassword("correct horse battery", *HashPassword("correct horse battery")));
  EXPECT_FALSE(CheckPassword("correct horse batterY", *HashPassword("correct horse battery")));
}

// A clerk renews for the holder over the API: open, present, decide, execute with the PINs
// typed at the counter; the new certificate is on the card and the CA says so over OCSP.
TEST_F(ServiceTest, ClerkRenewsOverTheApi) {
  counter::Workspace& ws = svc_->workspace();
  counter::Resident res;
  res.municipality = "yamagata";
  res.name = "山形　花子";
  res.name_kana = "ヤマガタ　ハナコ";
  res.address = "山形県山形市旅篭町二丁目3番25号";
  res.birth = Date::Ymd(1980, 7, 7);
  res.sex = 2;
  res.household = "H1";
  auto id = ws.counter->AddResident(res, "test", 0);
  ASSERT_TRUE(id.ok());
  counter::ExecutionEnv env = ws.env;
  env.today = Date::Ymd(2021, 7, 7);
  env.pin = [](std::string_view which) -> Result<std::string> {
    return std::string(which == "init:sign" ? "ABC123" : "1234");
  };
  auto issued = ws.counter->IssueCard(*id, Date::Ymd(2021, 6, 1), env);
  ASSERT_TRUE(issued.ok() && issued->completed) << (issued.ok() ? "" : issued.error().ToString());

  Login();
  Reply found = Get("/api/residents?q=%E5%B1%B1%E5%BD%A2");  // 山形
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.Json().size(), 1u);
  Reply detail = Get("/api/residents/" + std::to_string(*id));
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.Json()["today"]["auth"], "renewable");
  ExpectJsonError(Get("/api/residents/99999"), 404, "--resident");

  Reply opened = Post("/api/cases", {{"resident", *id}, {"procedure", "renewal"}, {"applicant", "self"},
                                     {"counter", "yamagata-cityhall"}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string c = "/api/cases/" + std::to_string(opened.Json()["case"].get<int64_t>());
  ExpectJsonError(Post(c + "/documents", {{"item", "holder_card"}, {"copy", true}}), 400, "");  // R-PROC-9
  ASSERT_EQ(Post(c + "/documents", {{"item", "holder_card"}}).status, 201);
  Reply d = Post(c + "/decide", json::object());
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.Json()["outcome"], "accepted");
  EXPECT_EQ(d.Json()["auth_expiry"], "2031-07-07");  // R-VAL-1a: with the card
  ExpectJsonError(Post(c + "/execute", json::object()), 400, "pins.auth");
  Reply run = Post(c + "/execute", {{"pins", {{"auth", "1234"}, {"sign", "ABC123"}}}});
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_TRUE(run.Json()["completed"]) << run.body;
  EXPECT_EQ(run.Json()["issued"].size(), 2u);
  Reply shown = Get(c);
  EXPECT_EQ(shown.Json()["state"], "done") << shown.body;
  EXPECT_EQ(shown.body.find("1234"), std::string::npos);  // no PIN in the record
  EXPECT_EQ(shown.body.find("ABC123"), std::string::npos);
}

}  // namespace
}  // namespace mynacert::service
