// libFuzzer target: arbitrary bytes as an HTTP request into the real service (issue 14): the
// transport's parser (Beast, percent-decoding, UTF-8 validation, query and cookie parsing) and
// then the real route table of `mynacert serve` over a real home (a CA, the stores on SQLite).
// Every input must get an answer with a 2xx–4xx status — never a crash, a 500, or an error
// body that is not JSON (built and run for a bounded time by scripts/fuzz.sh).
//
// Two shapes of input: bytes that start like an HTTP request line are parsed as a whole
// request; anything else is split into a method (first byte) and a target (the rest), so the
// fuzzer reaches the routes without having to find HTTP's framing first.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "profiles/loader.h"
#include "server/http.h"
#include "service/app.h"

namespace {

using mynacert::server::HttpRequest;
using mynacert::server::HttpResponse;

struct World {
  std::filesystem::path home;
  std::unique_ptr<mynacert::profiles::Registry> profiles;
  mynacert::FixedClock clock = mynacert::FixedClock::AtJstNoon(mynacert::Date::Ymd(2026, 12, 2));
  std::unique_ptr<mynacert::service::Service> service;
};

World& TheWorld() {
  static World* w = [] {
    auto* world = new World();
    world->home = std::filesystem::temp_directory_path() / ("mynacert-http-fuzz-" + std::to_string(getpid()));
    std::filesystem::remove_all(world->home);
    setenv("MYNACERT_FUZZ_CA", "http fuzz CA passphrase", 1);
    setenv("MYNACERT_FUZZ_ISSUER", "http fuzz issuer master key", 1);
    setenv("MYNACERT_FUZZ_CARD", "http fuzz card secret", 1);
    auto reg = mynacert::profiles::Registry::Builtin();
    if (!reg.ok()) std::abort();
    world->profiles = std::make_unique<mynacert::profiles::Registry>(std::move(reg).value());
    mynacert::service::ServiceConfig config;
    config.home = world->home;
    config.secrets = {"env:MYNACERT_FUZZ_CA", "env:MYNACERT_FUZZ_ISSUER", "env:MYNACERT_FUZZ_CARD", ""};
    config.clock = &world->clock;
    config.limits.booking = config.limits.lookup = config.limits.cancel = config.limits.login = {};
    auto svc = mynacert::service::Service::Open(config, *world->profiles);
    if (!svc.ok()) {
      std::cerr << svc.error().ToString() << "\n";
      std::abort();
    }
    world->service = std::move(svc).value();
    std::atexit([] { std::filesystem::remove_all(TheWorld().home); });
    return world;
  }();
  return *w;
}

void Check(const HttpRequest& req, const HttpResponse& r) {
  if (r.status < 200 || r.status >= 500) {
    std::cerr << "status " << r.status << " for " << req.method << " " << req.target << "\n" << r.body << "\n";
    std::abort();
  }
  if (r.status >= 400 && r.content_type.rfind("application/json", 0) == 0) {
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("error")) {
      std::cerr << "not a JSON error: " << r.body << "\n";
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = TheWorld();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const char* kMethods[] = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "GET"};
  HttpRequest req;
  if (bytes.size() > 4 && (bytes.starts_with("GET ") || bytes.starts_with("POST") || bytes.starts_with("HEAD"))) {
    auto parsed = mynacert::server::ParseHttpRequest(bytes, "127.0.0.1");
    if (!parsed.ok()) return 0;
    req = std::move(parsed).value();
  } else if (!bytes.empty()) {
    const std::string method = kMethods[static_cast<uint8_t>(bytes[0]) % 8];
    std::string target(bytes.substr(1));
    const size_t body_at = target.find('\n');
    std::string body;
    if (body_at != std::string::npos) {
      body = target.substr(body_at + 1);
      target.resize(body_at);
    }
    std::string raw = method + " " + (target.empty() || target[0] != '/' ? "/" + target : target) +
                      " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body;
    auto parsed = mynacert::server::ParseHttpRequest(raw, "127.0.0.1");
    if (!parsed.ok()) return 0;
    req = std::move(parsed).value();
  } else {
    return 0;
  }
  const mynacert::server::RequestPlan plan = w.service->Plan(req);
  req.route = plan.route;
  if (req.body.size() > plan.body_limit) {
    Check(req, w.service->TooLarge(req));
    return 0;
  }
  Check(req, w.service->Handle(req));
  return 0;
}
