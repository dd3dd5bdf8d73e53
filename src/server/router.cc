#include "server/router.h"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

namespace mynacert::server {
namespace {

using nlohmann::json;

// "/api/cases/12/decide" → {"api","cases","12","decide"}; empty segments are skipped.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

// The pattern's segments (split once, at Add) against the path's (split once per request).
bool Matches(const std::vector<std::string>& want, const std::vector<std::string_view>& got,
             std::vector<std::string>* params) {
  params->clear();
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "*" && i + 1 == want.size()) return true;
    if (i >= got.size()) return false;
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      params->emplace_back(got[i]);
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  return want.size() == got.size();
}

bool Mutating(std::string_view method) { return method != "GET" && method != "HEAD"; }

bool IsJson(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  std::string lower(t);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower == "application/json";
}

}  // namespace

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kUndeclared:
      return "undeclared";
    case Access::kPublic:
      return "public";
    case Access::kRelyingParty:
      return "relying_party";
    case Access::kStaff:
      return "staff";
    case Access::kSupervisor:
      return "supervisor";
    case Access::kHotline:
      return "hotline";
    case Access::kSession:
      return "session";
    case Access::kVerifier:
      return "verifier";
  }
  return "undeclared";
}

std::string RequestContext::Query(std::string_view key) const {
  auto it = http.query.find(std::string(key));
  return it == http.query.end() ? std::string() : it->second;
}

bool RequestContext::QueryFlag(std::string_view key) const {
  const std::string v = Query(key);
  return v == "1" || v == "true" || v == "yes";
}

int StatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kOutOfRange:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse ErrorResponse(const Error& e) {
  HttpResponse r;
  r.status = StatusOf(e.code);
  // Invalid UTF-8 in a message (an echoed input) must not make the answer itself fail.
  r.body = json{{"error",
                 {{"code", ErrorCodeName(e.code)},
                  {"field", e.field},
                  {"message", e.message},
                  {"rule", e.rule.empty() ? json() : json(e.rule)}}}}
               .dump(-1, ' ', false, json::error_handler_t::replace);
  if (e.code == ErrorCode::kResourceExhausted) {
    r.headers.emplace_back("Retry-After",
                           std::to_string(std::max<int64_t>(1, e.retry_after_seconds)));
  }
  return r;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view field,
                           std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.body =
      json{{"error", {{"code", code}, {"field", field}, {"message", message}, {"rule", nullptr}}}}
          .dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Router::Router(const Clock& clock, Authenticator authenticate)
    : clock_(clock), authenticate_(std::move(authenticate)) {}

void Router::SetLimit(const std::string& rate_class, RateLimit limit) {
  limits_[rate_class] = limit;
}

const RateLimit* Router::Limit(std::string_view rate_class) const {
  auto it = limits_.find(rate_class);
  return it == limits_.end() ? nullptr : &it->second;
}

Status Router::Add(Route route) {
  const std::string name = route.method + " " + route.pattern;
  if (route.access == Access::kUndeclared) {
    return InvalidArgument(
        "route", name + ": access is not declared (public, relying party, staff, supervisor)");
  }
  if (!route.handler) return InvalidArgument("route", name + ": no handler");
  if (route.pattern.empty() || route.pattern[0] != '/')
    return InvalidArgument("route", name + ": pattern must start with /");
  if (route.method.empty() || route.method == "HEAD") {
    return InvalidArgument("route", name + ": a method (HEAD is answered by the GET route)");
  }
  if (!route.rate.empty() && !Limit(route.rate)) {
    return InvalidArgument("route", name + ": unknown rate-limit class '" + route.rate + "'");
  }
  for (const Route& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern)
      return InvalidArgument("route", name + ": registered twice");
  }
  std::vector<std::string> segments;
  for (std::string_view seg : Segments(route.pattern)) segments.emplace_back(seg);
  patterns_.push_back(std::move(segments));
  routes_.push_back(std::move(route));
  return {};
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  std::vector<std::string> params;
  const std::string_view as = method == "HEAD" ? std::string_view("GET") : method;
  const auto got = Segments(path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    if (!Matches(patterns_[i], got, &params)) continue;
    if (r.method == as) {
      m.route = &r;
      m.params = std::move(params);
      m.allow.clear();
      return m;
    }
    if (m.allow.find(r.method) == std::string::npos) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += r.method;
      if (r.method == "GET") m.allow += ", HEAD";
    }
  }
  return m;
}

Router::Match Router::FindFor(const HttpRequest& request) const {
  const int i = request.route;
  if (i < 0 || static_cast<size_t>(i) >= routes_.size()) return Find(request.method, request.path);
  // The plan matched this head already; only the parameters are taken again.
  Match m;
  m.route = &routes_[static_cast<size_t>(i)];
  Matches(patterns_[static_cast<size_t>(i)], Segments(request.path), &m.params);
  return m;
}

RequestPlan Router::Plan(const HttpRequest& head) const {
  RequestPlan plan;
  Match m = Find(head.method, head.path);
  if (m.route) {
    plan.body_limit = m.route->body_limit;
    plan.slow = m.route->slow;
    plan.route = static_cast<int>(m.route - routes_.data());
    return plan;
  }
  plan.body_limit = 1024;  // no route: an error answer follows, read little
  std::vector<std::string> params;
  const auto got = Segments(head.path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (Matches(patterns_[i], got, &params))
      plan.body_limit = std::max(plan.body_limit, routes_[i].body_limit);
  }
  return plan;
}

HttpResponse Router::TooLarge(const HttpRequest& head) const {
  Match m = FindFor(head);
  if (m.route && m.route->too_large) return m.route->too_large();
  return ErrorResponse(413, "payload_too_large", "body",
                       "リクエストが大きすぎます (request body too large)");
}

HttpResponse Router::Handle(const HttpRequest& req) {
  if (req.bad_target) {
    return ErrorResponse(
        InvalidArgument(req.bad_field.empty() ? "path" : req.bad_field,
                        "URL のエンコードが不正です (bad percent-encoding or invalid UTF-8)"));
  }
  Match m = FindFor(req);
  if (!m.route) {
    if (m.allow.empty()) {
      return ErrorResponse(404, "not_found", "path",
                           "そのような URL はありません (no such endpoint: " + req.path + ")");
    }
    HttpResponse r =
        ErrorResponse(405, "method_not_allowed", "method",
                      "このメソッドは使えません (method not allowed; allowed: " + m.allow + ")");
    r.headers.emplace_back("Allow", m.allow);
    return r;
  }
  const Route& route = *m.route;
  RequestContext ctx{req, clock_.Now(), 0, {}, std::move(m.params), std::nullopt};
  ctx.now = std::chrono::duration_cast<std::chrono::seconds>(ctx.clock.time_since_epoch()).count();
  ctx.today = Clock::JstDate(ctx.clock);

  if (!route.rate.empty()) {
    const int64_t wait = limiter_.Take(route.rate, req.remote, *Limit(route.rate), ctx.clock);
    if (wait > 0) {
      Error e{
          ErrorCode::kResourceExhausted, "",
          "短い時間に多くの要求がありました。" + std::to_string(wait) +
              "秒後にもう一度お試しください (too many requests from this address; try again in " +
              std::to_string(wait) + " s)",
          ""};
      e.retry_after_seconds = wait;
      HttpResponse r = ErrorResponse(e);
      r.headers.emplace_back("X-RateLimit-Class", route.rate);
      return r;
    }
  }
  if (route.access == Access::kStaff || route.access == Access::kSupervisor ||
      route.access == Access::kHotline || route.access == Access::kSession) {
    if (!authenticate_)
      return ErrorResponse(
          Error{ErrorCode::kUnauthenticated, "session", "ログインしてください (log in first)", ""});
    auto who = authenticate_(req, ctx.now);
    if (!who.ok()) return ErrorResponse(who.error());
    if (route.access == Access::kSupervisor && who->role != "supervisor") {
      return ErrorResponse(
          Error{ErrorCode::kPermissionDenied, "role", "監督者のみです (supervisors only)", ""});
    }
    // The counter's routes are not the hotline's and the hotline's are not the counter's: an
    // operator of the national hotline sees no municipal cases, a clerk holds no certificate.
    if (route.access == Access::kStaff && who->role == "hotline") {
      return ErrorResponse(Error{ErrorCode::kPermissionDenied, "role",
                                 "窓口職員・監督者のみです (counter staff only)", ""});
    }
    if (route.access == Access::kHotline && who->role != "hotline" && who->role != "supervisor") {
      return ErrorResponse(Error{ErrorCode::kPermissionDenied, "role",
                                 "紛失・盗難の受付担当のみです (hotline operators only)", "R-LOST-1"});
    }
    if (Mutating(req.method) && (who->csrf.empty() || req.Header("x-csrf-token") != who->csrf)) {
      return ErrorResponse(Error{
          ErrorCode::kPermissionDenied, "X-CSRF-Token",
          "CSRF トークンが一致しません。再読み込みしてください (CSRF token missing or wrong)", ""});
    }
    ctx.who = std::move(*who);
  }
  if (route.access == Access::kVerifier || (route.access == Access::kRelyingParty && restrict_relying_party_)) {
    Result<Principal> who = authenticate_verifier_
                                ? authenticate_verifier_(req, ctx.now)
                                : Result<Principal>(Error{ErrorCode::kUnauthenticated, "Authorization",
                                                          "登録された検証者のみです (registered verifiers only)", "R-VER-1"});
    if (!who.ok()) {
      HttpResponse r = ErrorResponse(who.error());
      if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"mynacert verifiers\"");
      return r;
    }
    ctx.who = std::move(*who);
  }
  if (route.json_body && !req.body.empty() && !IsJson(req.Header("content-type"))) {
    return ErrorResponse(415, "unsupported_media_type", "Content-Type",
                         "application/json で送ってください (send the body as application/json)");
  }
  if (req.body.size() > route.body_limit) return TooLarge(req);
  try {
    return route.handler(ctx);
  } catch (const std::exception& e) {
    // The exception's text is for the operator's log, never for the caller.
    std::cerr << "mynacert: " << req.method << " " << route.pattern
              << ": internal error: " << e.what() << std::endl;
    return ErrorResponse(500, "internal", "", "内部エラー (internal error)");
  }
}

}  // namespace mynacert::server
