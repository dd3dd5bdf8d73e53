// Live congestion at a counter (issue 16, R-OFF-3: seed 001's 混雑状況 for Kanazawa City Hall):
// numbered tickets (整理券) that staff issue and call, and what the public page shows — the
// number being served, how many wait, and the expected wait from the day's measured service
// times (the time from one call to the same clerk's next), else R-PROC-10's "about 10 minutes".
//
// Thread-safety: functions of a store::Database, which serialises its own use; issuing and
// calling each run in one writing transaction, so two clerks never get the same number or call
// the same ticket.
#ifndef MYNACERT_RESERVATIONS_QUEUE_H_
#define MYNACERT_RESERVATIONS_QUEUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "profiles/model.h"
#include "reservations/booking_rules.h"
#include "store/database.h"

namespace mynacert::reservations {

// R-PROC-10 (seeds 001, 004): 更新手続きの所要時間は約10分 — the wait per person before the day
// has measured any.
inline constexpr int kDefaultServiceSeconds = 10 * 60;

struct Ticket {
  int number = 0;
  int64_t issued_at = 0;
  std::optional<int64_t> called_at;
  std::string called_by;
};

struct QueueState {
  Date day;
  bool open = false;           // the counter is open now (its hours today)
  std::string hours;           // today's hours "09:00–17:45", "" when closed all day
  int issued = 0;              // tickets issued today
  int serving = 0;             // the number called last (0: none yet)
  int waiting = 0;             // issued and not yet called
  int service_seconds = kDefaultServiceSeconds;  // per person
  bool measured = false;       // service_seconds from today's calls (at least 3), not R-PROC-10
  int windows = 1;             // clerks calling in the last hour (at least 1)
  int wait_minutes = 0;        // for a ticket taken now: waiting × service_seconds / windows
  int64_t version = 0;         // changes whenever a ticket is issued or called (SSE event id)
};

// Issues the next number of today at `counter_id`. kFailedPrecondition when the counter is
// closed at `now` (R-OFF-1: its hours and closed days), kNotFound (--counter) for an unknown one.
Result<Ticket> IssueTicket(store::Database& db, const profiles::Municipality& m, std::string_view counter_id,
                           JstDateTime now);
// Ends `clerk`'s current ticket and calls the lowest waiting number; nullopt when nobody waits.
Result<std::optional<Ticket>> CallNext(store::Database& db, const profiles::Municipality& m,
                                       std::string_view counter_id, JstDateTime now, std::string_view clerk);
// The counter's queue at `now`.
Result<QueueState> ReadQueue(store::Database& db, const profiles::Municipality& m, std::string_view counter_id,
                             JstDateTime now);

}  // namespace mynacert::reservations

#endif  // MYNACERT_RESERVATIONS_QUEUE_H_
