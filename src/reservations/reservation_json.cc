#include "reservations/reservation_json.h"

#include <optional>
#include <vector>

#include "calendar/counter_calendar.h"

namespace mynacert::reservations {

using nlohmann::json;

json RefusalJson(const Refusal& r) {
  return {{"code", std::string(RefusalCodeName(r.code))},
          {"rule", r.reason.rule},
          {"text", r.reason.ja},
          {"text_en", r.reason.en}};
}

std::string RefusalField(RefusalCode code, bool with_code) {
  switch (code) {
    case RefusalCode::kWalkIn:
      return "counter";
    case RefusalCode::kBookerHasBooking:
      return "phone";
    case RefusalCode::kNoSuchSlot:
    case RefusalCode::kFull:
      return "time";
    case RefusalCode::kBeforeWindow:
      return with_code ? "code" : "window_start";
    case RefusalCode::kCodeRequired:
    case RefusalCode::kCodeInvalid:
    case RefusalCode::kCodeUnknown:
    case RefusalCode::kCodeOtherMunicipality:
    case RefusalCode::kCodeExpired:
    case RefusalCode::kCodeInUse:
      return "code";
    case RefusalCode::kClosedDay:
    case RefusalCode::kDeadlinePassed:
    case RefusalCode::kTooFarAhead:
    case RefusalCode::kTooSoon:
    case RefusalCode::kPast:
      return "date";
  }
  return "date";
}

json BookingJson(const Booking& b) {
  return {{"number", b.number},
          {"municipality", b.municipality},
          {"counter", b.counter_id},
          {"date", b.day.ToString()},
          {"label", b.day.ToStringWithWeekday()},
          {"start", calendar::FormatMinute(b.start_minute)},
          {"end", calendar::FormatMinute(b.end_minute)},
          {"code", b.code.empty() ? json() : json(GroupSymbols(b.code))},
          {"resident", b.resident_id ? json(*b.resident_id) : json()},
          {"name", b.name},
          {"phone", b.phone},
          {"status", b.status},
          {"changes", b.changes},
          {"channel", b.booked_by.empty() ? "web" : "phone"}};
}

Result<json> SlotsJson(const profiles::Municipality& m, const profiles::Counter& c,
                       const DaySlots& view, Date date, JstDateTime now) {
  json slots = json::array();
  for (const Slot& s : view.slots) {
    MYNACERT_ASSIGN_OR_RETURN(std::optional<Refusal> r,
                              CheckBooking(m, c, date, s.start_minute, now, std::nullopt));
    slots.push_back({{"start", calendar::FormatMinute(s.start_minute)},
                     {"end", calendar::FormatMinute(s.end_minute)},
                     {"capacity", s.capacity},
                     {"booked", s.booked},
                     {"available", s.available()},
                     {"bookable_now", !r && s.available() > 0},
                     {"refusal", r ? RefusalJson(*r) : json()}});
  }
  json last = nullptr;
  if (c.reservation != profiles::ReservationMode::kWalkIn) {
    MYNACERT_ASSIGN_OR_RETURN(std::optional<Date> l, LastBookableDay(m, c, now.date));
    if (l) last = l->ToString();
  }
  return json{{"municipality", m.id},
              {"counter", c.id},
              {"date", date.ToString()},
              {"label", date.ToStringWithWeekday()},
              {"now", FormatJstDateTime(now)},
              {"open", view.day.open},
              {"day", calendar::DescribeDay(view.day)},
              {"refusal", view.refusal ? RefusalJson(*view.refusal) : json()},
              {"last_bookable", last},
              {"slots", slots}};
}

namespace {

struct DayVerdict {
  int capacity = 0;
  int available = 0;  // free places in slots bookable now
  std::optional<Refusal> refusal;  // why no slot of the day can be booked
};

Result<DayVerdict> JudgeDay(const profiles::Municipality& m, const profiles::Counter& c,
                            const DaySlots& d, JstDateTime now, std::optional<Date> window_start) {
  DayVerdict v;
  if (d.refusal) {
    v.refusal = d.refusal;
    return v;
  }
  bool rules_allow_one = false;
  for (const Slot& s : d.slots) {
    v.capacity += s.capacity;
    MYNACERT_ASSIGN_OR_RETURN(std::optional<Refusal> r,
                              CheckBooking(m, c, d.day.date, s.start_minute, now, window_start));
    if (r) {
      v.refusal = std::move(r);  // the latest slot's reason speaks for the day
      continue;
    }
    rules_allow_one = true;
    v.available += s.available();
  }
  if (v.available > 0) {
    v.refusal.reset();
  } else if (rules_allow_one) {
    v.refusal = Refusal{RefusalCode::kFull,
                        {OfficeRulesOf(m).bookings, "この日の枠はすべて予約で埋まっています。",
                         "Every slot of this day is booked."}};
  }
  return v;
}

}  // namespace

Result<json> AvailabilityJson(const profiles::Municipality& m, const profiles::Counter& c,
                              const std::vector<DaySlots>& month,
                              const std::vector<DaySlots>& ahead, JstDateTime now,
                              std::optional<Date> window_start) {
  json days = json::array();
  for (const DaySlots& d : month) {
    MYNACERT_ASSIGN_OR_RETURN(DayVerdict v, JudgeDay(m, c, d, now, window_start));
    const char* level = !d.day.open                  ? "closed"
                        : v.available == 0           ? "none"
                        : v.available * 4 <= v.capacity ? "few"
                                                        : "many";
    days.push_back({{"date", d.day.date.ToString()},
                    {"label", d.day.date.ToStringWithWeekday()},
                    {"open", d.day.open},
                    {"capacity", v.capacity},
                    {"available", v.available},
                    {"level", level},
                    {"bookable", v.available > 0},
                    {"refusal", v.refusal ? RefusalJson(*v.refusal) : json()}});
  }
  json first = nullptr;
  for (const DaySlots& d : ahead) {
    MYNACERT_ASSIGN_OR_RETURN(DayVerdict v, JudgeDay(m, c, d, now, window_start));
    if (v.available > 0) {
      first = d.day.date.ToString();
      break;
    }
  }
  json last = nullptr;
  if (c.reservation != profiles::ReservationMode::kWalkIn) {
    MYNACERT_ASSIGN_OR_RETURN(std::optional<Date> l, LastBookableDay(m, c, now.date));
    if (l) last = l->ToString();
  }
  return json{{"municipality", m.id},       {"counter", c.id},
              {"now", FormatJstDateTime(now)}, {"first_bookable", first},
              {"last_bookable", last},       {"window_start", window_start ? json(window_start->ToString()) : json()},
              {"days", days}};
}

}  // namespace mynacert::reservations
