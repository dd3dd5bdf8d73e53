// Bookings: slots, 予約ID lookups, bookings and cancellations for residents (no login, limited
// per address), and a counter's day of bookings for staff.
#include <algorithm>
#include <optional>
#include <tuple>
#include <vector>

#include <chrono>

#include "calendar/schedule.h"
#include "core/date_text.h"
#include "core/qr.h"
#include "service/mailer.h"
#include "reservations/ics.h"
#include "reservations/queue.h"
#include "reservations/reservation_json.h"
#include "service/api_util.h"
#include "service/app.h"
#include "service/explain.h"

namespace mynacert::service {
namespace {

// The reservations store names its time field "time"; the API's member is "start".
Error AsBookingField(Error e) {
  if (e.field == "time") e.field = "start";
  if (e.code == ErrorCode::kOutOfRange) e.field = "date";
  return e;
}

// A booking or a move refused by the rules: 409 naming the field and the rule.
HttpResponse RefusalReply(const reservations::Refusal& refusal, bool with_code) {
  std::string field = reservations::RefusalField(refusal.code, with_code);
  if (field == "time") field = "start";
  return Json(409, {{"error",
                     {{"code", std::string(reservations::RefusalCodeName(refusal.code))}, {"field", field},
                      {"message", refusal.reason.ja + " (" + refusal.reason.en + ")"},
                      {"rule", refusal.reason.rule}}}});
}

// "%E4%B8%AD…": a URL query value.
std::string UrlEncode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

}  // namespace

std::string Service::PublicBase(const server::HttpRequest& req) const {
  if (!config_.public_url.empty()) return config_.public_url;
  // The address the browser used, when it is a plain host[:port]: it only goes back to the
  // same requester, in its own receipt.
  const std::string host = req.Header("host");
  const bool plain = !host.empty() && host.size() <= 255 &&
                     std::all_of(host.begin(), host.end(), [](unsigned char ch) {
                       return std::isalnum(ch) || ch == '.' || ch == '-' || ch == ':' || ch == '[' || ch == ']';
                     });
  if (!plain) return "";
  return std::string(req.secure ? "https://" : "http://") + host + "/";
}

// What a resident's receipt shows of a booking: the booking, the counter with its address or the
// municipality's contact, a map link, the page that finds the booking again and its QR code
// (docs/api.md, "Bookings").
json Service::BookingReply(const profiles::Municipality& m, const profiles::Counter& c,
                           const reservations::Booking& b, const server::HttpRequest& req) const {
  json j = reservations::BookingJson(b);
  j["counter_name_ja"] = c.name_ja;
  j["counter_name_en"] = c.name_en;
  j["municipality_name_ja"] = m.name_ja;
  j["municipality_name_en"] = m.name_en;
  j["counter_address_ja"] = c.address_ja.empty() ? json() : json(c.address_ja);
  j["hours_from_seed"] = c.hours_from_seed;
  const std::string place = c.address_ja.empty() ? m.name_ja + " " + c.name_ja : c.address_ja;
  j["map_url"] = "https://www.google.com/maps/search/?api=1&query=" + UrlEncode(place);
  j["contact"] = {{"department_ja", m.contact.department_ja},
                  {"postcode", m.contact.postcode},
                  {"address_ja", m.contact.address_ja},
                  {"phone", m.contact.phone},
                  {"phone_note_ja", m.contact.phone_note_ja}};
  const std::string base = PublicBase(req);
  if (!base.empty()) {
    const std::string url = base + "#/booking/" + std::to_string(b.number);
    j["url"] = url;
    if (auto qr = EncodeQr(url); qr.ok()) {
      j["qr_svg"] = QrSvg(*qr, 3, "予約の確認ページ (booking page): " + url);
    }
  } else {
    j["url"] = json();
  }
  return j;
}

Result<int> Service::DeliverMail(int limit) {
  if (config_.smtp_url.empty()) return 0;
  const profiles::Registry& profiles = *ws_->profiles;
  auto store = LeaseReservations();
  if (!store.ok()) return store.error();
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(config_.clock->Now().time_since_epoch()).count();
  MYNACERT_ASSIGN_OR_RETURN(std::vector<reservations::MailItem> due, (*store)->ClaimMail(now, limit));
  const SmtpClient smtp(config_.smtp_url, config_.smtp_starttls);
  int sent = 0;
  for (const reservations::MailItem& item : due) {
    auto message = [&]() -> Result<MailMessage> {
      MYNACERT_ASSIGN_OR_RETURN(reservations::Booking b, (*store)->GetBooking(item.booking_number));
      MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles.Find(b.municipality));
      const profiles::Counter* c = m->FindCounter(b.counter_id);
      if (!c) return NotFound("counter", b.counter_id);
      const std::string url = config_.public_url.empty() ? "" : config_.public_url + "#/booking/" + std::to_string(b.number);
      MailMessage msg;
      msg.from = config_.mail_from;
      msg.to = item.to;
      msg.date = now;
      msg.message_id = "<" + item.id + "." + std::to_string(now) + "@mynacert>";
      const std::string n = std::to_string(b.number);
      const char* ja = item.kind == "cancelled" ? "予約を取り消しました" : item.kind == "changed" ? "予約を変更しました" : "予約を受け付けました";
      const char* en = item.kind == "cancelled" ? "cancelled" : item.kind == "changed" ? "changed" : "confirmed";
      msg.subject = std::string(ja) + " — 予約番号 " + n + " / Booking " + n + " " + en;
      const std::string when_ja = JapaneseLongDate(b.day) + " " + calendar::FormatMinute(b.start_minute) + "〜" +
                                  calendar::FormatMinute(b.end_minute);
      const std::string when_en = EnglishLongDate(b.day) + ", " + calendar::FormatMinute(b.start_minute) + "–" +
                                  calendar::FormatMinute(b.end_minute);
      std::string where = c->name_ja + (c->address_ja.empty() ? "" : "、" + c->address_ja);
      std::string t = b.name + " 様\n\n" + m->name_ja + "の窓口の" + ja + "。\n\n予約番号: " + n + "\n日時: " + when_ja +
                      "\n窓口: " + where + "\n";
      if (!b.code.empty()) t += "予約ID: " + reservations::GroupSymbols(b.code) + "\n";
      if (item.kind != "cancelled") {
        t += "\n当日は本人のマイナンバーカードと必要な書類をお持ちください。本人が来る場合は暗証番号2つ (利用者証明用: 数字4桁、"
             "署名用: 英数字6〜16文字) を確かめておいてください。\n";
      }
      t += "予約の確認・変更・取消は、予約番号と予約ID または 予約のときに表示された取消コードでできます";
      t += url.empty() ? "。\n" : ":\n" + url + "\n";
      if (!m->contact.phone.empty()) {
        t += "お問い合わせ: " + (m->contact.department_ja.empty() ? m->name_ja : m->contact.department_ja) + " " +
             m->contact.phone + "\n";
      }
      t += "\n----\n" + std::string(item.kind == "cancelled" ? "Your booking is cancelled" : item.kind == "changed" ? "Your booking is changed" : "Your booking is confirmed") +
           ".\nBooking number: " + n + "\nWhen: " + when_en + "\nCounter: " + c->name_en + "\n";
      if (!url.empty()) t += "See, change or cancel it: " + url + "\n";
      t += "\nこのメールは送信専用です。mynacert (公式のサービスではありません) / This is an automatic message from mynacert, "
           "not an official service.\n";
      msg.text = std::move(t);
      if (item.kind != "cancelled") {
        msg.ics = reservations::BookingIcs(*m, *c, b, url, now);
        msg.ics_name = "mynacert-booking-" + n + ".ics";
      }
      return msg;
    }();
    Status st = message.ok() ? smtp.Send(*message) : Status(message.error());
    if (st.ok()) {
      MYNACERT_RETURN_IF_ERROR((*store)->MailSent(item.id, now));
      ++sent;
    } else {
      MYNACERT_RETURN_IF_ERROR((*store)->MailFailed(item.id, st.error().message, now));
    }
  }
  return sent;
}

Status Service::AddBookingRoutes() {
  server::Router& r = *router_;
  const profiles::Registry& profiles = *ws_->profiles;

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/slots", Access::kPublic, kNoBody, "", true,
                                  [this, &profiles](RequestContext& c) {
    auto found = FindCounterAnywhere(profiles, c.Query("counter"));
    if (!found.ok()) return Fail(found.error());
    const reservations::JstDateTime now = reservations::ToJst(c.clock);
    auto date = ParseDateField(c.Query("date"), "date");
    if (!date.ok()) return Fail(date.error());
    const Date day = date->value_or(now.date);
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto view = (*store)->SlotView(*found->first, found->second->id, day);
    if (!view.ok()) return Fail(AsBookingField(view.error()));
    auto j = reservations::SlotsJson(*found->first, *found->second, *view, day, now);
    if (!j.ok()) return Fail(AsBookingField(j.error()));
    return Json(200, *j);
  }}));

  // A month of a counter's days for the residents' calendar, in one request: free places per
  // day, why a day cannot be booked, and the first bookable day (docs/reservations.md).
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/availability", Access::kPublic, kNoBody, "", true,
                                  [this, &profiles](RequestContext& c) {
    auto found = FindCounterAnywhere(profiles, c.Query("counter"));
    if (!found.ok()) return Fail(found.error());
    const profiles::Municipality& m = *found->first;
    const profiles::Counter& counter = *found->second;
    const reservations::JstDateTime now = reservations::ToJst(c.clock);
    const Date this_month = Date::Ymd(now.date.year(), now.date.month(), 1);
    Date first = this_month;
    if (const std::string month = c.Query("month"); !month.empty()) {
      auto d = month.size() == 7 ? Date::Parse(month + "-01", "month") : Result<Date>(Error{});
      if (!d.ok() || *d < this_month || *d > this_month.AddMonthsClamped(12)) {
        return Fail(InvalidArgument("month",
                                    "月は YYYY-MM で、今月から12か月先までです (YYYY-MM, this month to "
                                    "12 months ahead)"));
      }
      first = *d;
    }
    const Date last = first.LastDayOfMonth();
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    std::optional<Date> window_start;
    if (const std::string typed = c.Query("code"); !typed.empty()) {
      auto rec = (*store)->FindReservationId(typed);
      if (!rec.ok()) return Fail(rec.error());
      if (!*rec) {
        return Fail(Error{ErrorCode::kNotFound, "code", "この予約IDは発行されていません (no such reservation ID)", "R-OFF-6"});
      }
      if (auto refused = reservations::CheckCode(m, **rec, now)) {
        return Fail(InvalidArgument("code", refused->reason.ja + " (" + refused->reason.en + ")",
                                    refused->reason.rule));
      }
      window_start = (*rec)->window_start;
    }
    auto month_days = (*store)->RangeView(m, counter.id, first, last);
    if (!month_days.ok()) return Fail(AsBookingField(month_days.error()));
    auto horizon = reservations::LastBookableDay(m, counter, now.date);
    if (!horizon.ok()) return Fail(AsBookingField(horizon.error()));
    const Date ahead_to = std::min(now.date.AddDays(reservations::ReservationStore::kMaxRangeDays),
                                   horizon->value_or(Date::Ymd(9999, 12, 31)));
    std::vector<reservations::DaySlots> ahead;
    if (ahead_to >= now.date) {
      auto a = (*store)->RangeView(m, counter.id, now.date, ahead_to);
      if (!a.ok()) return Fail(AsBookingField(a.error()));
      ahead = std::move(a).value();
    }
    auto j = reservations::AvailabilityJson(m, counter, *month_days, ahead, now, window_start);
    if (!j.ok()) return Fail(AsBookingField(j.error()));
    (*j)["month"] = first.ToString().substr(0, 7);
    return Json(200, *j);
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/reservation-ids/{code}", Access::kPublic, kNoBody, "lookup", true,
                                  [this](RequestContext& c) {
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto rec = (*store)->FindReservationId(c.params[0]);
    if (!rec.ok()) return Fail(rec.error());
    if (!*rec) {
      return Fail(Error{ErrorCode::kNotFound, "code", "この予約IDは発行されていません (no such reservation ID)", "R-OFF-6"});
    }
    const reservations::CodeRecord& code = **rec;
    // Only what booking needs: no name, no resident number.
    return Json(200, {{"code", reservations::GroupSymbols(code.code)}, {"municipality", code.municipality},
                      {"bookable_from", code.window_start.ToString()}, {"valid_until", code.cert_expiry.ToString()}});
  }}));

  // A booking from a request body, by the resident on the web or by staff for a caller
  // (`booked_by`, seed 003's 電話予約): the same rules, refusals and receipt.
  auto book = [this, &profiles](RequestContext& c, const std::string& booked_by) -> HttpResponse {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    reservations::BookingRequest b;
    std::string date_text, start_text;
    for (auto [key, dest, required] : {std::tuple<const char*, std::string*, bool>{"counter", &b.counter_id, true},
                                       {"date", &date_text, true}, {"start", &start_text, true},
                                       {"name", &b.name, true}, {"phone", &b.phone, false}, {"code", &b.code, false},
                                       {"email", &b.email, false}}) {
      auto v = Str(*body, key, required);
      if (!v.ok()) return Fail(v.error());
      *dest = *v;
    }
    if (!b.email.empty() && config_.smtp_url.empty()) {
      return Fail(InvalidArgument("email", "この窓口の予約はメールでお知らせしていません (no e-mail confirmations here)"));
    }
    auto found = FindCounterAnywhere(profiles, b.counter_id);
    if (!found.ok()) return Fail(found.error());
    auto date = Date::Parse(date_text, "date");
    if (!date.ok()) return Fail(date.error());
    b.date = *date;
    auto start = reservations::ParseMinute(start_text, "start");
    if (!start.ok()) return Fail(start.error());
    b.start_minute = *start;
    b.now = reservations::ToJst(c.clock);
    b.max_active_per_booker = config_.limits.bookings_per_booker;
    b.booked_by = booked_by;
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto result = (*store)->Book(*found->first, b);
    if (!result.ok()) return Fail(AsBookingField(result.error()));
    if (!result->confirmed()) return RefusalReply(*result->refusal, !b.code.empty());
    if (!booked_by.empty()) {
      // The booking row names the clerk (booked_by, in its own transaction); the audit log says
      // it too, chained and keyed like every staff action.
      Status audited = Audit(c.now, booked_by, "booking_by_phone",
                             json{{"number", result->booking.number}, {"counter", b.counter_id},
                                  {"date", b.date.ToString()}, {"start", start_text}}
                                 .dump());
      if (!audited.ok()) return Fail(audited.error());
    }
    json j = BookingReply(*found->first, *found->second, result->booking, c.http);
    j["cancel_token"] = result->cancel_token;
    j["mail"] = b.email.empty() ? "none" : "queued";  // sent from the serving loop (DeliverMail)
    return Json(201, j);
  };

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/bookings", Access::kPublic, kSmallBody, "booking", true,
                                  [book](RequestContext& c) { return book(c, ""); }}));

  // Staff book, find and cancel for a caller on the phone (seed 003: 電話予約, 専用ダイヤル),
  // audited with the clerk's name.
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/staff/bookings", Access::kStaff, kSmallBody, "", true,
                                  [book](RequestContext& c) { return book(c, c.who->name); }}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/staff/bookings/{number}", Access::kStaff, kNoBody, "", true,
                                  [this, &profiles](RequestContext& c) {
    auto number = PathId(c.params[0], "number");
    if (!number.ok()) return Fail(number.error());
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto b = (*store)->GetBooking(*number);
    if (!b.ok()) return Fail(b.error());
    auto m = profiles.Find(b->municipality);
    if (!m.ok()) return Fail(m.error());
    const profiles::Counter* counter = (*m)->FindCounter(b->counter_id);
    if (!counter) return Fail(NotFound("counter", b->counter_id));
    json j = BookingReply(**m, *counter, *b, c.http);
    j["booked_by"] = b->booked_by.empty() ? json() : json(b->booked_by);
    return Json(200, j);
  }}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/staff/bookings/{number}/cancel", Access::kStaff, kSmallBody, "", true,
                                  [this](RequestContext& c) {
    auto number = PathId(c.params[0], "number");
    if (!number.ok()) return Fail(number.error());
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto b = (*store)->CancelForCaller(*number, reservations::ToJst(c.clock));
    if (!b.ok()) return Fail(b.error());
    Status audited = Audit(c.now, c.who->name, "booking_cancel_by_phone",
                           json{{"number", b->number}, {"counter", b->counter_id}, {"date", b->day.ToString()}}.dump());
    if (!audited.ok()) return Fail(audited.error());
    return Json(200, reservations::BookingJson(*b));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/bookings/{number}/cancel", Access::kPublic, kSmallBody, "cancel", true,
                                  [this](RequestContext& c) {
    auto number = PathId(c.params[0], "number");
    if (!number.ok()) return Fail(number.error());
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto secret = Str(*body, "secret", true);
    if (!secret.ok()) return Fail(secret.error());
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto b = (*store)->Cancel(*number, *secret, reservations::ToJst(c.clock));
    if (!b.ok()) return Fail(b.error());
    return Json(200, reservations::BookingJson(*b));
  }}));


  // The holder's own booking, by its number and the 予約ID or the cancel token (in the body,
  // never in a URL that logs keep): find it, move it, or take it as a calendar file.
  auto holder_booking = [this, &profiles](RequestContext& c, std::string* secret_out)
      -> Result<std::tuple<reservations::Booking, const profiles::Municipality*, const profiles::Counter*>> {
    MYNACERT_ASSIGN_OR_RETURN(int64_t number, PathId(c.params[0], "number"));
    MYNACERT_ASSIGN_OR_RETURN(json body, BodyJson(c.http));
    MYNACERT_ASSIGN_OR_RETURN(std::string secret, Str(body, "secret", true));
    auto store = LeaseReservations();
    if (!store.ok()) return store.error();
    MYNACERT_ASSIGN_OR_RETURN(reservations::Booking b, (*store)->FindBooking(number, secret));
    MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles.Find(b.municipality));
    const profiles::Counter* counter = m->FindCounter(b.counter_id);
    if (counter == nullptr) {
      return Error{ErrorCode::kFailedPrecondition, "counter",
                   "予約の窓口 '" + b.counter_id + "' は今のプロファイルにありません (the booking's counter is no longer in the profile)", ""};
    }
    if (secret_out) *secret_out = std::move(secret);
    return std::tuple(std::move(b), m, counter);
  };

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/bookings/{number}/find", Access::kPublic, kSmallBody, "lookup", true,
                                  [this, holder_booking](RequestContext& c) {
    auto found = holder_booking(c, nullptr);
    if (!found.ok()) return Fail(found.error());
    auto& [b, m, counter] = *found;
    return Json(200, BookingReply(*m, *counter, b, c.http));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/bookings/{number}/change", Access::kPublic, kSmallBody, "booking", true,
                                  [this, &profiles](RequestContext& c) {
    auto number = PathId(c.params[0], "number");
    if (!number.ok()) return Fail(number.error());
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    std::string secret, counter_id, date_text, start_text;
    for (auto [key, dest, required] : {std::tuple<const char*, std::string*, bool>{"secret", &secret, true},
                                       {"counter", &counter_id, false}, {"date", &date_text, true},
                                       {"start", &start_text, true}}) {
      auto v = Str(*body, key, required);
      if (!v.ok()) return Fail(v.error());
      *dest = *v;
    }
    reservations::ChangeRequest change;
    change.counter_id = counter_id;
    auto date = Date::Parse(date_text, "date");
    if (!date.ok()) return Fail(date.error());
    change.date = *date;
    auto start = reservations::ParseMinute(start_text, "start");
    if (!start.ok()) return Fail(start.error());
    change.start_minute = *start;
    change.now = reservations::ToJst(c.clock);
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    // The municipality is the booking's own: found first, so that a counter of another city is
    // refused by name.
    auto current = (*store)->FindBooking(*number, secret);
    if (!current.ok()) return Fail(current.error());
    auto m = profiles.Find(current->municipality);
    if (!m.ok()) return Fail(m.error());
    auto result = (*store)->Change(**m, *number, secret, change);
    if (!result.ok()) return Fail(AsBookingField(result.error()));
    if (!result->confirmed()) return RefusalReply(*result->refusal, !current->code.empty());
    const profiles::Counter* counter = (*m)->FindCounter(result->booking.counter_id);
    return Json(200, BookingReply(**m, *counter, result->booking, c.http));
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/bookings/{number}/calendar", Access::kPublic, kSmallBody, "lookup", true,
                                  [this, holder_booking](RequestContext& c) {
    auto found = holder_booking(c, nullptr);
    if (!found.ok()) return Fail(found.error());
    auto& [b, m, counter] = *found;
    const std::string base = PublicBase(c.http);
    HttpResponse res;
    res.content_type = "text/calendar; charset=utf-8";
    res.body = reservations::BookingIcs(*m, *counter, b,
                                        base.empty() ? "" : base + "#/booking/" + std::to_string(b.number), c.now);
    res.headers.emplace_back("Content-Disposition",
                             "attachment; filename=\"mynacert-booking-" + std::to_string(b.number) + ".ics\"");
    return res;
  }}));

  // Live congestion (R-OFF-3): the public state of a counter's queue, as JSON and as server-sent
  // events; staff issue and call the numbered tickets.
  auto queue_json = [](const profiles::Municipality& m, const profiles::Counter& counter,
                       const reservations::QueueState& q) {
    return json{{"municipality", m.id}, {"counter", counter.id}, {"counter_name_ja", counter.name_ja},
                {"counter_name_en", counter.name_en}, {"date", q.day.ToString()}, {"open", q.open},
                {"hours", q.hours}, {"hours_from_seed", counter.hours_from_seed}, {"issued", q.issued},
                {"serving", q.serving}, {"waiting", q.waiting}, {"wait_minutes", q.wait_minutes},
                {"service_minutes", (q.service_seconds + 30) / 60}, {"measured", q.measured},
                {"windows", q.windows}, {"version", q.version}, {"note_ja", counter.note_ja}};
  };
  auto read_queue = [this, &profiles, queue_json](RequestContext& c) -> Result<json> {
    MYNACERT_ASSIGN_OR_RETURN(auto found, FindCounterAnywhere(profiles, c.params[0]));
    auto store = LeaseReservations();
    if (!store.ok()) return store.error();
    MYNACERT_ASSIGN_OR_RETURN(reservations::QueueState q,
                              reservations::ReadQueue((*store)->db(), *found.first, found.second->id,
                                                      reservations::ToJst(c.clock)));
    return queue_json(*found.first, *found.second, q);
  };
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/queue/{counter}", Access::kPublic, kNoBody, "", true,
                                  [read_queue](RequestContext& c) {
    auto j = read_queue(c);
    if (!j.ok()) return Fail(j.error());
    return Json(200, *j);
  }}));
  // Server-sent events: one event with the state and its version as the event id, and a retry of
  // 2 s, after which the browser's EventSource asks again. No connection is held open between
  // events, so a waiting room of phones cannot occupy the serving threads.
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/queue/{counter}/events", Access::kPublic, kNoBody, "", true,
                                  [read_queue](RequestContext& c) {
    auto j = read_queue(c);
    if (!j.ok()) return Fail(j.error());
    HttpResponse res;
    res.content_type = "text/event-stream; charset=utf-8";
    res.body = "retry: 2000\nid: " + std::to_string((*j)["version"].get<int64_t>()) + "\nevent: queue\ndata: " +
               j->dump() + "\n\n";
    return res;
  }}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/staff/queue/{counter}/tickets", Access::kStaff, kSmallBody, "", true,
                                  [this, &profiles, read_queue](RequestContext& c) {
    auto found = FindCounterAnywhere(profiles, c.params[0]);
    if (!found.ok()) return Fail(found.error());
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto t = reservations::IssueTicket((*store)->db(), *found->first, found->second->id, reservations::ToJst(c.clock));
    if (!t.ok()) return Fail(t.error());
    json j{{"number", t->number}, {"counter", found->second->id}};
    const std::string base = PublicBase(c.http);
    if (!base.empty()) {
      const std::string url = base + "#/queue/" + found->second->id + "/" + std::to_string(t->number);
      j["url"] = url;
      if (auto qr = EncodeQr(url); qr.ok()) j["qr_svg"] = QrSvg(*qr, 3, "整理券の待ち状況 (your place in the queue): " + url);
    }
    auto q = read_queue(c);
    if (!q.ok()) return Fail(q.error());
    j["queue"] = *q;
    return Json(201, j);
  }}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/staff/queue/{counter}/next", Access::kStaff, kSmallBody, "", true,
                                  [this, &profiles, read_queue](RequestContext& c) {
    auto found = FindCounterAnywhere(profiles, c.params[0]);
    if (!found.ok()) return Fail(found.error());
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto t = reservations::CallNext((*store)->db(), *found->first, found->second->id, reservations::ToJst(c.clock),
                                    c.who->name);
    if (!t.ok()) return Fail(t.error());
    auto q = read_queue(c);
    if (!q.ok()) return Fail(q.error());
    return Json(200, {{"called", *t ? json((*t)->number) : json()}, {"queue", *q}});
  }}));

  // Staff: a counter's bookings of one day.
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/bookings", Access::kStaff, kNoBody, "", true,
                                  [this, &profiles](RequestContext& c) {
    auto found = FindCounterAnywhere(profiles, c.Query("counter"));
    if (!found.ok()) return Fail(found.error());
    auto date = ParseDateField(c.Query("date"), "date");
    if (!date.ok()) return Fail(date.error());
    const Date day = date->value_or(c.today);
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto list = (*store)->List(found->first->id, found->second->id, day);
    if (!list.ok()) return Fail(list.error());
    json arr = json::array();
    for (const auto& b : *list) {
      json j = reservations::BookingJson(b);
      j["booked_by"] = b.booked_by.empty() ? json() : json(b.booked_by);
      arr.push_back(std::move(j));
    }
    return Json(200, {{"municipality", found->first->id}, {"counter", found->second->id},
                      {"date", day.ToString()}, {"bookings", arr}});
  }}));
  return {};
}

}  // namespace mynacert::service
