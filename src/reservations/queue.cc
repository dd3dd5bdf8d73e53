#include "reservations/queue.h"

#include "calendar/counter_calendar.h"
#include "calendar/schedule.h"

namespace mynacert::reservations {
namespace {

using store::Query;
using store::Run;

Result<const profiles::Counter*> Find(const profiles::Municipality& m, std::string_view counter_id) {
  const profiles::Counter* c = m.FindCounter(counter_id);
  if (!c) return NotFound("counter", "窓口 '" + std::string(counter_id) + "' は" + m.name_ja + "にありません (unknown counter)");
  return c;
}

}  // namespace

Result<Ticket> IssueTicket(store::Database& db, const profiles::Municipality& m, std::string_view counter_id,
                           JstDateTime now) {
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Counter* c, Find(m, counter_id));
  MYNACERT_ASSIGN_OR_RETURN(calendar::DayStatus today, calendar::CounterDay(c->schedule, now.date));
  if (!today.open || now.minute < today.hours.from_minute || now.minute >= today.hours.to_minute) {
    return Error{ErrorCode::kFailedPrecondition, "counter",
                 "窓口の受付時間外です (the counter is closed now: " + calendar::DescribeDay(today) + ")", "R-OFF-1"};
  }
  const std::string day = now.date.ToString();
  const int64_t at = ToUnixSeconds(now);
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
  MYNACERT_ASSIGN_OR_RETURN(auto s, Query(db,
                                          "SELECT COALESCE(MAX(number), 0) FROM counter_tickets WHERE "
                                          "municipality = $1 AND counter_id = $2 AND day = $3",
                                          {m.id, counter_id, day}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  const int number = row ? static_cast<int>(s->ColumnInt(0)) + 1 : 1;
  s.reset();
  MYNACERT_RETURN_IF_ERROR(Run(db,
                               "INSERT INTO counter_tickets (municipality, counter_id, day, number, issued_at) "
                               "VALUES ($1, $2, $3, $4, $5)",
                               {m.id, counter_id, day, int64_t{number}, at}));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return Ticket{number, at, std::nullopt, ""};
}

Result<std::optional<Ticket>> CallNext(store::Database& db, const profiles::Municipality& m,
                                       std::string_view counter_id, JstDateTime now, std::string_view clerk) {
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Counter* c, Find(m, counter_id));
  (void)c;
  const std::string day = now.date.ToString();
  const int64_t at = ToUnixSeconds(now);
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
  MYNACERT_RETURN_IF_ERROR(Run(db,
                               "UPDATE counter_tickets SET done_at = $5 WHERE municipality = $1 AND counter_id = $2 "
                               "AND day = $3 AND called_by = $4 AND done_at IS NULL",
                               {m.id, counter_id, day, clerk, at}));
  MYNACERT_ASSIGN_OR_RETURN(auto s, Query(db,
                                          "SELECT MIN(number) FROM counter_tickets WHERE municipality = $1 AND "
                                          "counter_id = $2 AND day = $3 AND called_at IS NULL",
                                          {m.id, counter_id, day}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row || s->ColumnIsNull(0)) {
    s.reset();
    MYNACERT_RETURN_IF_ERROR(tx.Commit());  // the clerk's last ticket is done all the same
    return std::optional<Ticket>();
  }
  const int number = static_cast<int>(s->ColumnInt(0));
  s.reset();
  MYNACERT_RETURN_IF_ERROR(Run(db,
                               "UPDATE counter_tickets SET called_at = $5, called_by = $6 WHERE municipality = $1 AND "
                               "counter_id = $2 AND day = $3 AND number = $4",
                               {m.id, counter_id, day, int64_t{number}, at, clerk}));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return std::optional<Ticket>(Ticket{number, 0, at, std::string(clerk)});
}

Result<QueueState> ReadQueue(store::Database& db, const profiles::Municipality& m, std::string_view counter_id,
                             JstDateTime now) {
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Counter* c, Find(m, counter_id));
  QueueState q;
  q.day = now.date;
  MYNACERT_ASSIGN_OR_RETURN(calendar::DayStatus today, calendar::CounterDay(c->schedule, now.date));
  if (today.open) {
    q.hours = calendar::FormatMinute(today.hours.from_minute) + "–" + calendar::FormatMinute(today.hours.to_minute);
    q.open = now.minute >= today.hours.from_minute && now.minute < today.hours.to_minute;
  }
  const std::string day = now.date.ToString();
  const int64_t at = ToUnixSeconds(now);
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(db,
                    "SELECT COUNT(*), COUNT(called_at), COALESCE(MAX(CASE WHEN called_at IS NOT NULL THEN number END), 0), "
                    "COUNT(done_at), COALESCE(SUM(done_at - called_at), 0), "
                    "COUNT(DISTINCT CASE WHEN called_at >= $4 THEN called_by END) "
                    "FROM counter_tickets WHERE municipality = $1 AND counter_id = $2 AND day = $3",
                    {m.id, counter_id, day, at - 3600}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (row) {
    q.issued = static_cast<int>(s->ColumnInt(0));
    const int called = static_cast<int>(s->ColumnInt(1));
    q.serving = static_cast<int>(s->ColumnInt(2));
    const int64_t done = s->ColumnInt(3), spent = s->ColumnInt(4);
    q.windows = std::max<int>(1, static_cast<int>(s->ColumnInt(5)));
    q.waiting = q.issued - called;
    q.version = q.issued + called;
    if (done >= 3) {
      q.service_seconds = static_cast<int>(spent / done);
      q.measured = true;
    }
  }
  q.wait_minutes = (q.waiting * q.service_seconds / q.windows + 59) / 60;
  return q;
}

}  // namespace mynacert::reservations
