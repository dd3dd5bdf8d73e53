// Staff sign-in: login (rate-limited per address, JSON only), logout, and who am I.
#include "service/api_util.h"
#include "service/app.h"

namespace mynacert::service {

Status Service::AddStaffRoutes() {
  server::Router& r = *router_;

  // JSON only (a form or text/plain body is 415: no login CSRF from another site's form).
  // Slow: the scrypt hash runs on the transport's slow pool, never on a serving thread.
  server::Route login{
      "POST", "/api/staff/login", Access::kPublic, 4096, "login", true, [this](RequestContext& c) {
        if (c.http.Header("content-type").empty()) {
          return server::ErrorResponse(
              415, "unsupported_media_type", "Content-Type",
              "application/json で送ってください (send the body as application/json)");
        }
        auto body = BodyJson(c.http);
        if (!body.ok()) return Fail(body.error());
        auto name = Str(*body, "name", true);
        if (!name.ok()) return Fail(name.error());
        auto password = Str(*body, "password", true);
        if (!password.ok()) return Fail(password.error());
        auto s = staff_->Login(*name, *password, c.remote(), c.now);
        // A refused name, or "too many logins at once" (no password was checked): not audited.
        if (!s.ok() &&
            (s.error().code == ErrorCode::kInvalidArgument ||
             (s.error().code == ErrorCode::kResourceExhausted && s.error().field.empty()))) {
          return Fail(s.error());
        }
        // Names are at most 64 bytes here (Login refused longer ones), so the record stays small.
        Status audited = Audit(
            c.now, *name, s.ok() ? "login" : "login_failed",
            json{{"remote", c.remote()}, {"outcome", s.ok() ? "ok" : ErrorCodeName(s.error().code)}}
                .dump(-1, ' ', false, json::error_handler_t::replace));
        if (!audited.ok()) return Fail(audited.error());
        if (!s.ok()) return Fail(s.error());
        HttpResponse res = Json(200, {{"name", s->staff}, {"role", s->role}, {"csrf", s->csrf}});
        // Secure behind TLS (a trusted proxy said so): the cookie never travels in clear.
        res.headers.emplace_back("Set-Cookie", "mynacert_session=" + s->token +
                                                   "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                                   std::to_string(staff::kSessionSeconds) +
                                                   (c.http.secure ? "; Secure" : ""));
        return res;
      }};
  login.slow = true;
  MYNACERT_RETURN_IF_ERROR(r.Add(std::move(login)));

  MYNACERT_RETURN_IF_ERROR(r.Add(
      {"GET", "/api/staff/me", Access::kSession, kNoBody, "", true, [](RequestContext& c) {
         return Json(200, {{"name", c.who->name}, {"role", c.who->role}, {"csrf", c.who->csrf}});
       }}));

  MYNACERT_RETURN_IF_ERROR(
      r.Add({"POST", "/api/staff/logout", Access::kSession, kSmallBody, "", true,
             [this](RequestContext& c) {
               Status out = staff_->Logout(c.http.Cookie("mynacert_session"));
               if (!out.ok()) return Fail(out.error());
               HttpResponse res = Json(200, {{"ok", true}});
               res.headers.emplace_back(
                   "Set-Cookie", "mynacert_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
               return res;
             }}));
  return {};
}

}  // namespace mynacert::service
