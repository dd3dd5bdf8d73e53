#include "service/app.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <nlohmann/json.hpp>

#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "calendar/counter_calendar.h"
#include "counter/views.h"
#include "notices/certificate_copy.h"
#include "notices/notice_json.h"
#include "notices/notices.h"
#include "pki/crl.h"
#include "pki/key_file.h"
#include "reservations/reservation_json.h"
#include "service/assets.h"
#include "server/ocsp_http.h"
#include "service/explain.h"

namespace mynacert::service {
namespace {

using nlohmann::json;
using server::HttpRequest;
using server::HttpResponse;

const RealClock kWallClock;

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
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse Json(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

HttpResponse Fail(const Error& e) {
  return Json(StatusOf(e.code), {{"error",
                                  {{"code", ErrorCodeName(e.code)},
                                   {"field", e.field},
                                   {"message", e.message},
                                   {"rule", e.rule.empty() ? json() : json(e.rule)}}}});
}

HttpResponse Fail(int status, std::string_view code, std::string_view message) {
  return Json(status, {{"error", {{"code", code}, {"field", ""}, {"message", message}, {"rule", nullptr}}}});
}

// The request body as a JSON object; errors name "body".
Result<json> BodyJson(const HttpRequest& req) {
  if (req.body.empty()) return json::object();
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgument("body", "JSON オブジェクトではありません (the body is not a JSON object)");
  }
  return j;
}

Result<std::string> Str(const json& j, const std::string& key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return InvalidArgument(key, "必須です (required)");
    return std::string();
  }
  if (!it->is_string()) return InvalidArgument(key, "文字列で指定してください (a string)");
  return it->get<std::string>();
}

Result<int64_t> Int(const json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return InvalidArgument(key, "整数が必要です (an integer is required)");
  return it->get<int64_t>();
}

bool Bool(const json& j, const std::string& key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

Result<int64_t> PathId(std::string_view text, const std::string& field) {
  if (text.empty() || text.size() > 18) return InvalidArgument(field, "番号が不正です (not a number)");
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return InvalidArgument(field, "番号が不正です (not a number)");
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string Q(const HttpRequest& r, const std::string& key) {
  auto it = r.query.find(key);
  return it == r.query.end() ? std::string() : it->second;
}

bool QFlag(const HttpRequest& r, const std::string& key) {
  const std::string v = Q(r, key);
  return v == "1" || v == "true" || v == "yes";
}

// "/api/cases/12/decide" split on '/': {"api","cases","12","decide"}.
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

json CounterJson(const profiles::Counter& c) {
  json procedures = json::array();
  for (profiles::Procedure p : c.procedures) procedures.push_back(std::string(rules::ProcedureName(p)));
  const char* mode = c.reservation == profiles::ReservationMode::kWalkIn     ? "walk_in"
                     : c.reservation == profiles::ReservationMode::kOptional ? "optional"
                                                                             : "required";
  return {{"id", c.id}, {"name_ja", c.name_ja}, {"name_en", c.name_en}, {"reservation", mode},
          {"procedures", procedures}, {"note_ja", c.note_ja}};
}


// The profile and counter of a counter ID (IDs are unique across the profiles).
Result<std::pair<const profiles::Municipality*, const profiles::Counter*>> FindCounterAnywhere(
    const profiles::Registry& profiles, const std::string& id) {
  for (const profiles::Municipality& mu : profiles.all()) {
    if (const profiles::Counter* c = mu.FindCounter(id)) return std::pair{&mu, c};
  }
  return Error{ErrorCode::kNotFound, "counter", "窓口がありません (unknown counter '" + id + "')", ""};
}

// An error of a library that names a CLI flag ("--name") names the JSON field ("name").
Error AsField(Error e, std::string_view renamed_time = "time") {
  if (e.field.rfind("--", 0) == 0) e.field = e.field.substr(2);
  if (e.field == "time") e.field = std::string(renamed_time);
  return e;
}

// A file name of a notice run's folder: letters, digits, '.', '-', '_' and no leading dot.
bool SafeFileName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

json FilesOf(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && SafeFileName(e.path().filename().string())) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("name", "ファイルがありません (no such file)");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string CertDer(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  if (n <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

}  // namespace

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
  MYNACERT_ASSIGN_OR_RETURN(auto store, reservations::ReservationStore::OpenSqlite(ws_->DbPath(), o));
  return Lease(this, std::move(store));
}

Result<std::unique_ptr<Service>> Service::Open(const ServiceConfig& config, const profiles::Registry& profiles) {
  std::unique_ptr<Service> s(new Service());
  s->config_ = config;
  if (!s->config_.clock) s->config_.clock = &kWallClock;
  MYNACERT_ASSIGN_OR_RETURN(s->ws_, counter::OpenWorkspace(config.home, profiles, &config.secrets));
  MYNACERT_ASSIGN_OR_RETURN(s->staff_, StaffStore::OpenSqlite(s->ws_->DbPath()));
  {
    // The reservations schema migrated now, and the pool's first connection made.
    auto first = s->LeaseReservations();
    if (!first.ok()) return first.error();
  }
  MYNACERT_ASSIGN_OR_RETURN(std::string pass, pki::ReadPassphrase(config.secrets.passphrase, "--passphrase"));
  MYNACERT_ASSIGN_OR_RETURN(auto ocsp_store, pki::CaStore::OpenSqlite(s->ws_->CaDir() + "/ca.db"));
  MYNACERT_ASSIGN_OR_RETURN(s->ocsp_, pki::OcspResponder::FromDirectory(s->ws_->CaDir(), {pass, ""},
                                                                       std::move(ocsp_store)));
  // An interrupted execution from a previous run is finished or rolled back first (issue 5).
  MYNACERT_ASSIGN_OR_RETURN(counter::RecoveryReport rec, s->ws_->counter->Recover(s->ws_->env));
  (void)rec;
  return s;
}

Status Service::Tick() {
  auto refreshed = ocsp_->Refresh();
  if (!refreshed.ok()) return refreshed.error();
  return {};
}

HttpResponse Service::Handle(const HttpRequest& req) {
  HttpResponse r;
  if (req.bad_target) {
    r = Fail(400, "bad_request", "URL のエンコードが不正です (bad percent-encoding in the URL)");
  } else {
    try {
      r = Dispatch(req);
    } catch (const std::exception& e) {
      r = Fail(500, "internal", std::string("内部エラー (internal error): ") + e.what());
    }
  }
  SecurityHeaders(r, req.path.rfind("/api/", 0) == 0);
  return r;
}

HttpResponse Service::Dispatch(const HttpRequest& req) {
  const auto seg = Segments(req.path);
  const std::string& m = req.method;
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          config_.clock->Now().time_since_epoch()).count();
  const Date today = config_.clock->TodayJst();
  const profiles::Registry& profiles = *ws_->profiles;

  // ---- static UI and the CA's relying-party endpoints ----
  if (!seg.empty() && (seg[0] == "crl" || seg[0] == "ca")) return Relying(req, seg);
  if (seg.empty() || seg[0] != "api") {
    if (!seg.empty() && seg[0] == "ocsp") {
      HttpResponse r;
      r.content_type = "application/ocsp-response";
      if (m == "POST") {
        r.body = ocsp_->Respond(req.body);
      } else if (m == "GET" && seg.size() >= 2) {
        auto der = server::DecodeGetPath(req.target);
        r.body = der.ok() ? ocsp_->Respond(*der) : std::string(pki::OcspMalformedRequest());
      } else {
        return Fail(405, "method_not_allowed", "GET または POST です (GET or POST)");
      }
      return r;
    }
    if (m != "GET" && m != "HEAD") return Fail(405, "method_not_allowed", "GET のみです (GET only)");
    const Asset* a = FindAsset(req.path == "/" ? "/index.html" : req.path);
    if (!a) return Fail(404, "not_found", "ページがありません (no such page)");
    HttpResponse r;
    r.content_type = std::string(a->type);
    r.body = std::string(a->body);
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  }

  // ---- residents: the rules, no login, no resident data ----
  if (seg.size() == 2 && seg[1] == "health" && m == "GET") return Json(200, {{"ok", true}, {"today", today.ToString()}});
  if (seg.size() == 2 && seg[1] == "municipalities" && m == "GET") {
    json out = json::array();
    for (const profiles::Municipality& mu : profiles.all()) {
      json counters = json::array();
      for (const profiles::Counter& c : mu.counters) counters.push_back(CounterJson(c));
      out.push_back({{"id", mu.id}, {"name_ja", mu.name_ja}, {"name_en", mu.name_en}, {"counters", counters}});
    }
    return Json(200, out);
  }
  if (seg.size() == 2 && seg[1] == "explain" && m == "GET") {
    ExplainQuery q{Q(req, "birth"), Q(req, "card_applied"), Q(req, "card_issued"), Q(req, "cert_issued"),
                   Q(req, "stay_until"), Q(req, "sign_revoked_on"), Q(req, "today"), Q(req, "municipality"),
                   QFlag(req, "cert_renewal"), QFlag(req, "abroad"), QFlag(req, "adult_ward")};
    auto e = Explain(q, profiles, today, "");
    if (!e.ok()) return Fail(e.error());
    return Json(200, ExplanationJson(*e));
  }
  if (seg.size() == 2 && seg[1] == "procedure" && m == "GET") {
    auto mu = profiles.Find(Q(req, "municipality"));
    if (!mu.ok()) return Fail(Error{ErrorCode::kNotFound, "municipality", mu.error().message, ""});
    const std::string procedure = Q(req, "procedure").empty() ? "renewal" : Q(req, "procedure");
    const std::string applicant = Q(req, "applicant").empty() ? "self" : Q(req, "applicant");
    auto p = counter::ParseProcedure(procedure, "procedure");
    if (!p.ok()) return Fail(p.error());
    auto a = counter::ParseApplicant(applicant, "applicant");
    if (!a.ok()) return Fail(a.error());
    rules::Situation s;
    if (!Q(req, "holder_age").empty()) {
      auto age = PathId(Q(req, "holder_age"), "holder_age");
      if (!age.ok() || *age > 130) return Fail(InvalidArgument("holder_age", "年齢は0〜130です (0 to 130)"));
      s.holder_age = static_cast<int>(*age);
    }
    s.adult_ward = QFlag(req, "adult_ward");
    s.pin_forgotten = QFlag(req, "pin_forgotten");
    s.cert_expired = QFlag(req, "cert_expired");
    s.same_household = QFlag(req, "same_household");
    s.counter_id = Q(req, "counter");
    auto plan = rules::PlanProcedure(**mu, *p, *a, s);
    if (!plan.ok()) return Fail(plan.error());
    return Json(200, PlanJson(**mu, procedure, applicant, *plan));
  }
  if (seg.size() == 2 && seg[1] == "calendar" && m == "GET") {
    const std::string counter_id = Q(req, "counter");
    const profiles::Counter* c = nullptr;
    for (const profiles::Municipality& mu : profiles.all())
      if (!c) c = mu.FindCounter(counter_id);
    if (!c) return Fail(Error{ErrorCode::kNotFound, "counter", "窓口がありません (unknown counter '" + counter_id + "')", ""});
    auto from = ParseDateField(Q(req, "from"), "from");
    if (!from.ok()) return Fail(from.error());
    int days = 14;
    if (!Q(req, "days").empty()) {
      auto d = PathId(Q(req, "days"), "days");
      if (!d.ok() || *d < 1 || *d > 366) return Fail(InvalidArgument("days", "1〜366 日です (1 to 366)"));
      days = static_cast<int>(*d);
    }
    const Date start = from->value_or(today);
    auto list = calendar::CounterDays(c->schedule, start, start.AddDays(days - 1));
    if (!list.ok()) return Fail(list.error());
    json out = json::array();
    for (const calendar::DayStatus& d : *list) {
      out.push_back({{"date", d.date.ToString()}, {"label", d.date.ToStringWithWeekday()}, {"open", d.open},
                     {"from", d.open ? json(calendar::FormatMinute(d.hours.from_minute)) : json()},
                     {"to", d.open ? json(calendar::FormatMinute(d.hours.to_minute)) : json()},
                     {"holiday", d.holiday ? json(std::string(d.holiday->name_ja)) : json()},
                     {"rule", std::string(d.rule)}});
    }
    return Json(200, {{"counter", CounterJson(*c)}, {"days", out}});
  }

  // ---- residents: bookings (no login; a booking is found by its number and secret) ----
  if (seg.size() >= 2 && (seg[1] == "slots" || seg[1] == "reservation-ids" ||
                          (seg[1] == "bookings" && m == "POST"))) {
    return Bookings(req, seg);
  }

  // ---- staff ----
  if (seg.size() >= 2 && seg[1] == "staff" && seg.size() == 3 && seg[2] == "login" && m == "POST") {
    auto body = BodyJson(req);
    if (!body.ok()) return Fail(body.error());
    auto name = Str(*body, "name", true);
    if (!name.ok()) return Fail(name.error());
    auto password = Str(*body, "password", true);
    if (!password.ok()) return Fail(password.error());
    std::lock_guard lock(mu_);
    auto s = staff_->Login(*name, *password, now);
    if (auto tx = store::Transaction::Begin(ws_->store->db()); tx.ok()) {
      (void)ws_->store->audit().Append(now, *name, 0, 0, s.ok() ? "login" : "login_failed",
                                       json{{"remote", req.remote}}.dump());
      (void)tx->Commit();
    }
    if (!s.ok()) return Fail(s.error());
    HttpResponse r = Json(200, {{"name", s->staff}, {"role", s->role}, {"csrf", s->csrf}});
    r.headers.emplace_back("Set-Cookie", "mynacert_session=" + s->token +
                                             "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                             std::to_string(kSessionSeconds));
    return r;
  }

  // Everything else under /api needs a staff session.
  StaffSession who;
  {
    std::lock_guard lock(mu_);
    auto s = staff_->Check(req.Cookie("mynacert_session"), now);
    if (!s.ok()) return Fail(s.error());
    who = *s;
  }
  const bool mutating = m != "GET" && m != "HEAD";
  if (mutating && req.Header("x-csrf-token") != who.csrf) {
    return Fail(Error{ErrorCode::kPermissionDenied, "X-CSRF-Token",
                      "CSRF トークンが一致しません。再読み込みしてください (CSRF token missing or wrong)", ""});
  }
  if (seg.size() == 3 && seg[1] == "staff" && seg[2] == "me" && m == "GET") {
    return Json(200, {{"name", who.staff}, {"role", who.role}, {"csrf", who.csrf}});
  }
  if (seg.size() == 3 && seg[1] == "staff" && seg[2] == "logout" && m == "POST") {
    std::lock_guard lock(mu_);
    (void)staff_->Logout(req.Cookie("mynacert_session"));
    HttpResponse r = Json(200, {{"ok", true}});
    r.headers.emplace_back("Set-Cookie", "mynacert_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return r;
  }

  if (seg.size() == 2 && seg[1] == "bookings" && m == "GET") {
    auto found = FindCounterAnywhere(profiles, Q(req, "counter"));
    if (!found.ok()) return Fail(found.error());
    auto date = ParseDateField(Q(req, "date"), "date");
    if (!date.ok()) return Fail(date.error());
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto list = (*store)->List(found->first->id, found->second->id, date->value_or(today));
    if (!list.ok()) return Fail(AsField(list.error()));
    json arr = json::array();
    for (const auto& b : *list) arr.push_back(reservations::BookingJson(b));
    return Json(200, {{"municipality", found->first->id}, {"counter", found->second->id},
                      {"date", date->value_or(today).ToString()}, {"bookings", arr}});
  }

  std::lock_guard lock(mu_);
  counter::Counter& counter = *ws_->counter;
  counter::CounterStore& store = *ws_->store;
  if (seg.size() == 2 && seg[1] == "residents" && m == "GET") {
    const std::string q = Q(req, "q");
    json out = json::array();
    for (const profiles::Municipality& mu : profiles.all()) {
      auto list = store.ListResidents(mu.id);
      if (!list.ok()) return Fail(list.error());
      for (const counter::Resident& r : *list) {
        if (!q.empty() && r.name.find(q) == std::string::npos && r.name_kana.find(q) == std::string::npos &&
            std::to_string(r.id) != q) {
          continue;
        }
        out.push_back(counter::ResidentJson(r));
        if (out.size() >= 50) break;
      }
    }
    return Json(200, out);
  }
  if (seg.size() == 4 && seg[1] == "residents" && seg[3] == "certificate-copy" && m == "GET") {
    // 電子証明書の写し (R-PROC-11): rendered, audited, then handed over; never stored here.
    auto id = PathId(seg[2], "resident");
    if (!id.ok()) return Fail(id.error());
    auto copy = notices::CertificateCopyFor(*ws_, *id, Q(req, "kind"), today);
    if (!copy.ok()) return Fail(copy.error());
    auto pdf = notices::RenderCertificateCopy(*copy);
    if (!pdf.ok()) return Fail(pdf.error());
    Status audited = notices::RecordCertificateCopy(store, *id, *copy, who.staff, now);
    if (!audited.ok()) return Fail(audited.error());
    HttpResponse r;
    r.content_type = "application/pdf";
    r.body = std::move(*pdf);
    r.headers.emplace_back("Content-Disposition", "inline; filename=\"certificate-copy-" + copy->kind + "-" +
                                                      copy->serial_hex + ".pdf\"");
    return r;
  }
  if (seg.size() == 3 && seg[1] == "residents" && m == "GET") {
    auto id = PathId(seg[2], "resident");
    if (!id.ok()) return Fail(id.error());
    auto r = store.GetResident(*id);
    if (!r.ok()) return Fail(r.error());
    json j = counter::ResidentJson(*r);
    auto cards = store.Cards(*id);
    auto certs = store.Certs(*id);
    auto cases = store.CasesOf(*id);
    if (!cards.ok() || !certs.ok() || !cases.ok()) return Fail(500, "internal", "store");
    j["cards"] = json::array();
    for (const auto& c : *cards) {
      j["cards"].push_back({{"id", c.id}, {"issued", c.issued.ToString()}, {"expires", c.expires.ToString()}, {"state", c.state}});
    }
    j["certificates"] = json::array();
    for (const auto& c : *certs) {
      j["certificates"].push_back({{"kind", c.kind}, {"serial", c.serial}, {"issued", c.issued.ToString()},
                                   {"last_valid_day", c.last_valid_day.ToString()}, {"state", c.state}, {"reason", c.reason}});
    }
    j["cases"] = *cases;
    auto a = counter.AssessResident(*r, today);
    if (a.ok() && *a) {
      j["today"] = {{"date", today.ToString()},
                    {"card_expires", (*a)->card.expires.ToString()},
                    {"auth", std::string(rules::CertStatusName((*a)->auth.status))},
                    {"auth_ja", std::string(rules::CertStatusJa((*a)->auth.status))},
                    {"sign", std::string(rules::CertStatusName((*a)->sign.status))},
                    {"sign_ja", std::string(rules::CertStatusJa((*a)->sign.status))},
                    {"renewal_from", (*a)->auth.renewal_from.ToString()}};
    }
    return Json(200, j);
  }
  if (seg.size() == 2 && seg[1] == "cases" && m == "POST") {
    auto body = BodyJson(req);
    if (!body.ok()) return Fail(body.error());
    counter::OpenRequest o;
    auto resident = Int(*body, "resident");
    if (!resident.ok()) return Fail(resident.error());
    o.resident_id = *resident;
    for (auto [key, dest] : {std::pair<const char*, std::string*>{"procedure", &o.procedure}, {"applicant", &o.applicant},
                             {"counter", &o.visit.counter_id}}) {
      auto v = Str(*body, key, true);
      if (!v.ok()) return Fail(v.error());
      *dest = *v;
    }
    auto certs = Str(*body, "certs", false);
    if (certs.ok() && !certs->empty()) o.flags.certs = *certs;
    auto pin = Str(*body, "pin", false);
    if (pin.ok() && !pin->empty()) o.flags.pin = *pin;
    o.flags.pin_forgotten = Bool(*body, "pin_forgotten");
    o.flags.honseki_in_city = Bool(*body, "honseki_in_city");
    o.flags.representative_has_photo_id = !Bool(*body, "no_photo_id");
    if (body->contains("representative")) {
      auto rep = Int(*body, "representative");
      if (!rep.ok()) return Fail(rep.error());
      o.representative_id = *rep;
    }
    auto date = Str(*body, "date", false);
    if (!date.ok()) return Fail(date.error());
    auto on = ParseDateField(*date, "date");
    if (!on.ok()) return Fail(on.error());
    o.visit.on = on->value_or(today);
    o.visit.clerk = who.staff;
    o.visit.holder_present = Bool(*body, "holder_present") || o.applicant == "self";
    auto id = counter.OpenCase(o, now);
    if (!id.ok()) return Fail(id.error());
    return Json(201, {{"case", *id}});
  }
  if (seg.size() >= 3 && seg[1] == "cases") {
    auto id = PathId(seg[2], "case");
    if (!id.ok()) return Fail(id.error());
    if (seg.size() == 3 && m == "GET") {
      auto c = store.GetCase(*id);
      if (!c.ok()) return Fail(c.error());
      auto log = store.audit().Read(*id, 0, 0, 1000);
      if (!log.ok()) return Fail(log.error());
      return Json(200, counter::CaseJson(*c, *log));
    }
    if (seg.size() == 4 && seg[3] == "documents" && m == "POST") {
      auto body = BodyJson(req);
      if (!body.ok()) return Fail(body.error());
      std::vector<std::pair<std::string, std::string>> fields;
      for (auto it = body->begin(); it != body->end(); ++it) {
        if (it->is_string()) fields.emplace_back(it.key(), it->get<std::string>());
        else if (it->is_boolean() && it->get<bool>()) fields.emplace_back(it.key(), "");
        else if (!it->is_boolean()) return Fail(InvalidArgument(it.key(), "文字列か真偽値です (a string or a boolean)"));
      }
      auto d = counter::DocumentFrom(fields, "document");
      if (!d.ok()) return Fail(d.error());
      Status st = counter.Present(*id, *d, who.staff, now);
      if (!st.ok()) return Fail(st.error());
      return Json(201, {{"case", *id}, {"recorded", d->item}});
    }
    if (seg.size() == 4 && seg[3] == "decide" && m == "POST") {
      auto d = counter.Decide(*id, who.staff, now);
      if (!d.ok()) return Fail(d.error());
      return Json(200, json::parse(counter::DecisionJson(*d)));
    }
    if (seg.size() == 4 && seg[3] == "execute" && m == "POST") {
      auto body = BodyJson(req);
      if (!body.ok()) return Fail(body.error());
      // PINs typed by the clerk (the holder's, or the agent's form): used for this request only,
      // never stored or logged (issue 5).
      std::map<std::string, std::string> pins;
      if (auto it = body->find("pins"); it != body->end() && it->is_object()) {
        for (auto p = it->begin(); p != it->end(); ++p) {
          if (p->is_string()) pins[p.key()] = p->get<std::string>();
        }
      }
      counter::ExecutionEnv env = ws_->env;
      env.clerk = who.staff;
      env.now = now;
      env.today = today;
      env.pin = [&pins](std::string_view which) -> Result<std::string> {
        auto it = pins.find(std::string(which));
        if (it == pins.end()) {
          return InvalidArgument("pins." + std::string(which), "暗証番号を入力してください (PIN required)");
        }
        return it->second;
      };
      auto run = counter.Execute(*id, env);
      for (auto& [k, v] : pins) OPENSSL_cleanse(v.data(), v.size());
      if (!run.ok()) return Fail(run.error());
      json j{{"completed", run->completed}, {"steps", run->steps_done}};
      j["issued"] = json::array();
      for (const auto& [k, s] : run->new_serials) j["issued"].push_back({{"kind", k}, {"serial", s}});
      j["revoked"] = json::array();
      for (const auto& [k, s] : run->revoked) j["revoked"].push_back({{"kind", k}, {"serial", s}});
      if (run->pin_failure) {
        j["pin_failure"] = {{"pin", run->pin_failure->pin}, {"tries_left", run->pin_failure->tries_left},
                            {"locked", run->pin_failure->locked}};
      }
      if (run->decision_after) j["decision"] = json::parse(counter::DecisionJson(*run->decision_after));
      return Json(200, j);
    }
  }
  if (seg.size() >= 2 && seg[1] == "notices") {
    const std::filesystem::path out_dir = ws_->dir / "notices";
    if (seg.size() == 3 && seg[2] == "run" && m == "POST") {
      if (who.role != "supervisor") {
        return Fail(Error{ErrorCode::kPermissionDenied, "role", "監督者のみです (supervisors only)", ""});
      }
      auto body = BodyJson(req);
      if (!body.ok()) return Fail(body.error());
      auto date_text = Str(*body, "date", false);
      if (!date_text.ok()) return Fail(date_text.error());
      auto date = ParseDateField(*date_text, "date");
      if (!date.ok()) return Fail(date.error());
      notices::RunOptions o;
      o.run_date = date->value_or(today);
      o.out_dir = out_dir.string();
      o.pdf = !body->contains("pdf") || Bool(*body, "pdf");
      o.now = now;
      // 予約IDs (R-NOT-3) on a connection of their own, outside the batch's transactions.
      auto ids = LeaseReservations();
      if (!ids.ok()) return Fail(ids.error());
      o.reservation_ids = [&ids](int64_t resident, const std::string& municipality, Date expiry, Date window_start) {
        return (*ids)->IssueReservationId(resident, municipality, expiry, window_start);
      };
      auto run = notices::RunBatch(store, profiles, o);
      if (!run.ok()) return Fail(run.error());
      json j = notices::RunReportJson(*run);
      if (auto tx = store::Transaction::Begin(store.db()); tx.ok()) {
        (void)store.audit().Append(now, who.staff, 0, 0, "notices_run",
                                   json{{"date", j["date"]}, {"batch", j["batch"]}, {"mailed", j["mailed"]},
                                        {"undeliverable", j["undeliverable"]}}.dump());
        (void)tx->Commit();
      }
      j["files"] = FilesOf(out_dir / o.run_date.ToString());
      return Json(200, j);
    }
    if (seg.size() == 2 && m == "GET") {
      auto date = ParseDateField(Q(req, "date"), "date");
      if (!date.ok()) return Fail(date.error());
      const Date day = date->value_or(today);
      auto rows = notices::ListSent(store.db(), day);
      if (!rows.ok()) return Fail(rows.error());
      json all = json::array();
      for (const notices::SentNotice& n : *rows) all.push_back(notices::SentJson(n));
      return Json(200, {{"date", day.ToString()}, {"notices", all}, {"files", FilesOf(out_dir / day.ToString())}});
    }
    if (seg.size() == 5 && seg[2] == "files" && m == "GET") {
      auto day = Date::Parse(seg[3], "date");
      if (!day.ok()) return Fail(day.error());
      const std::string name(seg[4]);
      const bool pdf = name.size() > 4 && name.ends_with(".pdf");
      const bool csv = name.size() > 4 && name.ends_with(".csv");
      if (!SafeFileName(name) || !(pdf || csv)) {
        return Fail(InvalidArgument("name", "ファイル名が不正です (not a letter or CSV file name)"));
      }
      auto body = ReadWholeFile(out_dir / day->ToString() / name);
      if (!body.ok()) return Fail(body.error());
      HttpResponse r;
      r.content_type = pdf ? "application/pdf" : "text/csv; charset=utf-8";
      r.body = std::move(*body);
      r.headers.emplace_back("Content-Disposition",
                             std::string(pdf ? "inline" : "attachment") + "; filename=\"" + name + "\"");
      return r;
    }
  }
  if (seg.size() == 3 && seg[1] == "audit" && seg[2] == "verify" && m == "GET") {
    if (who.role != "supervisor") {
      return Fail(Error{ErrorCode::kPermissionDenied, "role", "監督者のみです (supervisors only)", ""});
    }
    auto v = store.audit().Verify();
    if (!v.ok()) return Fail(v.error());
    return Json(200, {{"ok", v->ok}, {"records", v->records}, {"first_bad_seq", v->first_bad_seq}, {"problem", v->problem},
                      {"head_seq", v->head_seq}, {"keyed", v->keyed}, {"checkpoint_seq", v->checkpoint_seq},
                      {"note", v->note}});
  }
  return Fail(404, "not_found", "そのような API はありません (no such endpoint: " + m + " " + req.path + ")");
}

HttpResponse Service::Bookings(const HttpRequest& req, const std::vector<std::string_view>& seg) {
  const std::string& m = req.method;
  const profiles::Registry& profiles = *ws_->profiles;
  const reservations::JstDateTime now = reservations::ToJst(config_.clock->Now());
  if (seg.size() == 2 && seg[1] == "slots" && m == "GET") {
    auto found = FindCounterAnywhere(profiles, Q(req, "counter"));
    if (!found.ok()) return Fail(found.error());
    auto date = ParseDateField(Q(req, "date"), "date");
    if (!date.ok()) return Fail(date.error());
    const Date day = date->value_or(now.date);
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto view = (*store)->SlotView(*found->first, found->second->id, day);
    if (!view.ok()) {
      Error e = AsField(view.error());
      if (e.code == ErrorCode::kOutOfRange) e.field = "date";
      return Fail(e);
    }
    auto j = reservations::SlotsJson(*found->first, *found->second, *view, day, now);
    if (!j.ok()) return Fail(AsField(j.error()));
    return Json(200, *j);
  }
  if (seg.size() == 3 && seg[1] == "reservation-ids" && m == "GET") {
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto rec = (*store)->FindReservationId(seg[2]);
    if (!rec.ok()) return Fail(AsField(rec.error()));
    if (!*rec) return Fail(Error{ErrorCode::kNotFound, "code", "この予約IDは発行されていません (no such reservation ID)", "R-OFF-6"});
    const reservations::CodeRecord& c = **rec;
    // Only what booking needs: no name, no resident number.
    return Json(200, {{"code", reservations::GroupSymbols(c.code)}, {"municipality", c.municipality},
                      {"bookable_from", c.window_start.ToString()}, {"valid_until", c.cert_expiry.ToString()}});
  }
  if (seg.size() == 2 && seg[1] == "bookings" && m == "POST") {
    auto body = BodyJson(req);
    if (!body.ok()) return Fail(body.error());
    reservations::BookingRequest b;
    std::string date_text, start_text;
    for (auto [key, dest, required] : {std::tuple<const char*, std::string*, bool>{"counter", &b.counter_id, true},
                                       {"date", &date_text, true}, {"start", &start_text, true},
                                       {"name", &b.name, true}, {"phone", &b.phone, false}, {"code", &b.code, false}}) {
      auto v = Str(*body, key, required);
      if (!v.ok()) return Fail(v.error());
      *dest = *v;
    }
    auto found = FindCounterAnywhere(profiles, b.counter_id);
    if (!found.ok()) return Fail(found.error());
    auto date = Date::Parse(date_text, "date");
    if (!date.ok()) return Fail(date.error());
    b.date = *date;
    auto start = reservations::ParseMinute(start_text, "start");
    if (!start.ok()) return Fail(start.error());
    b.start_minute = *start;
    b.now = now;
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto result = (*store)->Book(*found->first, b);
    if (!result.ok()) {
      Error e = AsField(result.error(), "start");
      if (e.code == ErrorCode::kOutOfRange) e.field = "date";
      return Fail(e);
    }
    if (!result->confirmed()) {
      const reservations::Refusal& r = *result->refusal;
      std::string field = reservations::RefusalField(r.code, !b.code.empty());
      if (field == "time") field = "start";
      return Json(409, {{"error", {{"code", std::string(reservations::RefusalCodeName(r.code))}, {"field", field},
                                   {"message", r.reason.ja + " (" + r.reason.en + ")"}, {"rule", r.reason.rule}}}});
    }
    json j = reservations::BookingJson(result->booking);
    j["cancel_token"] = result->cancel_token;
    j["counter_name_ja"] = found->second->name_ja;
    j["counter_name_en"] = found->second->name_en;
    return Json(201, j);
  }
  if (seg.size() == 4 && seg[1] == "bookings" && seg[3] == "cancel" && m == "POST") {
    auto number = PathId(seg[2], "number");
    if (!number.ok()) return Fail(number.error());
    auto body = BodyJson(req);
    if (!body.ok()) return Fail(body.error());
    auto secret = Str(*body, "secret", true);
    if (!secret.ok()) return Fail(secret.error());
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto b = (*store)->Cancel(*number, *secret, now);
    if (!b.ok()) return Fail(AsField(b.error()));
    return Json(200, reservations::BookingJson(*b));
  }
  return Fail(404, "not_found", "そのような API はありません (no such endpoint: " + m + " " + req.path + ")");
}

// The CA for relying parties: the current CRL and CA certificate of each kind, DER.
HttpResponse Service::Relying(const HttpRequest& req, const std::vector<std::string_view>& seg) {
  if (req.method != "GET" && req.method != "HEAD") return Fail(405, "method_not_allowed", "GET のみです (GET only)");
  const bool crl = seg[0] == "crl";
  if (seg.size() != 2 || !(seg[1] == (crl ? "auth.crl" : "auth.crt") || seg[1] == (crl ? "sign.crl" : "sign.crt"))) {
    return Fail(404, "not_found", crl ? "auth.crl か sign.crl です (auth.crl or sign.crl)"
                                      : "auth.crt か sign.crt です (auth.crt or sign.crt)");
  }
  const bool auth = seg[1].starts_with("auth");
  std::lock_guard lock(mu_);
  const pki::CaGeneration& ca = auth ? ws_->auth_ca : ws_->sign_ca;
  HttpResponse r;
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + std::string(seg[1]) + "\"");
  if (!crl) {
    r.content_type = "application/pkix-cert";
    r.body = CertDer(ca.cert.get());
    return r;
  }
  // A new CRL when a certificate of this CA changed since the cached one, or when the cached
  // one is past half its 24 h validity; otherwise the cached bytes (CRL numbers stay few).
  CrlCache& cache = crl_[auth ? 1 : 0];
  const auto clock_now = config_.clock->Now();
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(clock_now.time_since_epoch()).count();
  int64_t last = cache.seq;
  bool stale = cache.der.empty() || now - cache.made_at > 12 * 3600;
  if (!stale) {
    auto changed = ws_->ca_store->ChangedSince(cache.seq, &last);
    if (!changed.ok()) return Fail(changed.error());
    for (const auto& [kind, serial] : *changed) stale = stale || kind == ca.kind;
  }
  if (stale) {
    auto seq = ws_->ca_store->LastSeq();
    if (!seq.ok()) return Fail(seq.error());
    pki::CrlOptions o;
    o.actor = "serve";
    auto made = pki::GenerateCrl(*ws_->ca_store, ca, clock_now, o);
    if (!made.ok()) return Fail(made.error());
    cache.der = std::move(made->der);
    cache.seq = *seq;
    cache.made_at = now;
  } else {
    cache.seq = last;
  }
  r.content_type = "application/pkix-crl";
  r.body = cache.der;
  return r;
}

}  // namespace mynacert::service
