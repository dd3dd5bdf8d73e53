// Bookings: slots, 予約ID lookups, bookings and cancellations for residents (no login, limited
// per address), and a counter's day of bookings for staff.
#include <algorithm>
#include <optional>
#include <tuple>
#include <vector>

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

}  // namespace

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

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/bookings", Access::kPublic, kSmallBody, "booking", true,
                                  [this, &profiles](RequestContext& c) {
    auto body = BodyJson(c.http);
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
    b.now = reservations::ToJst(c.clock);
    b.max_active_per_booker = config_.limits.bookings_per_booker;
    auto store = LeaseReservations();
    if (!store.ok()) return Fail(store.error());
    auto result = (*store)->Book(*found->first, b);
    if (!result.ok()) return Fail(AsBookingField(result.error()));
    if (!result->confirmed()) {
      const reservations::Refusal& refusal = *result->refusal;
      std::string field = reservations::RefusalField(refusal.code, !b.code.empty());
      if (field == "time") field = "start";
      return Json(409, {{"error",
                         {{"code", std::string(reservations::RefusalCodeName(refusal.code))}, {"field", field},
                          {"message", refusal.reason.ja + " (" + refusal.reason.en + ")"},
                          {"rule", refusal.reason.rule}}}});
    }
    json j = reservations::BookingJson(result->booking);
    j["cancel_token"] = result->cancel_token;
    j["counter_name_ja"] = found->second->name_ja;
    j["counter_name_en"] = found->second->name_en;
    return Json(201, j);
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
    for (const auto& b : *list) arr.push_back(reservations::BookingJson(b));
    return Json(200, {{"municipality", found->first->id}, {"counter", found->second->id},
                      {"date", day.ToString()}, {"bookings", arr}});
  }}));
  return {};
}

}  // namespace mynacert::service
