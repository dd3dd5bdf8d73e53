#include "reservations/reservations.h"
#include "core/clock.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <initializer_list>
#include <variant>

#include "pki/openssl.h"

namespace mynacert::reservations {

namespace {

constexpr store::Migration kMigrations[] = {
#include "reservations_migrations.inc"
};

using store::Param;
using store::Query;
using store::Run;

// Runs an UPDATE … RETURNING: true when it changed a row.
Result<bool> Changed(store::Database& db, std::string_view sql, std::initializer_list<Param> params) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, Query(db, sql, params));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (row) {
    // Finish the statement so that the change is complete before the next one.
    while (true) {
      MYNACERT_ASSIGN_OR_RETURN(bool more, s->Step());
      if (!more) break;
    }
  }
  return row;
}


// Takes one place of `slot` on `day` (the row made on first use): the conditional UPDATE
// decides, so two bookers can never both take the last place. False when the slot is full.
Result<bool> TakePlace(store::Database& db, const std::string& municipality, const std::string& counter_id,
                       const std::string& day, const Slot& slot) {
  const int64_t start = slot.start_minute, capacity = slot.capacity;
  MYNACERT_RETURN_IF_ERROR(
      Run(db,
          "INSERT INTO reservation_slots (municipality, counter_id, day, start_minute, capacity, "
          "booked) VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT DO NOTHING",
          {municipality, counter_id, day, start, capacity}));
  return Changed(db,
                 "UPDATE reservation_slots SET booked = booked + 1, capacity = $5 WHERE "
                 "municipality = $1 AND counter_id = $2 AND day = $3 AND start_minute = $4 AND "
                 "booked < $5 RETURNING booked",
                 {municipality, counter_id, day, start, capacity});
}

// Gives back the place booking `b` holds.
Status FreePlace(store::Database& db, const Booking& b) {
  MYNACERT_ASSIGN_OR_RETURN(
      bool freed,
      Changed(db,
              "UPDATE reservation_slots SET booked = booked - 1 WHERE municipality = $1 AND "
              "counter_id = $2 AND day = $3 AND start_minute = $4 AND booked > 0 RETURNING booked",
              {b.municipality, b.counter_id, b.day.ToString(), int64_t{b.start_minute}}));
  if (!freed) {
    return Error{ErrorCode::kInternal, "reservation_slots",
                 "予約枠の数が合いません (slot count out of step with booking " + std::to_string(b.number) + ")", ""};
  }
  return {};
}


constexpr std::string_view kBookingColumns =
    "number, municipality, counter_id, day, start_minute, end_minute, code, resident_id, name, "
    "phone, status, created_at, cancelled_at, changes, booked_by, email";

Booking ReadBooking(store::Statement& s) {
  Booking b;
  b.number = s.ColumnInt(0);
  b.municipality = store::ColumnString(s, 1);
  b.counter_id = store::ColumnString(s, 2);
  b.day = store::ColumnDate(s, 3).value_or(Date());
  b.start_minute = static_cast<int>(s.ColumnInt(4));
  b.end_minute = static_cast<int>(s.ColumnInt(5));
  b.code = store::ColumnString(s, 6);
  if (!s.ColumnIsNull(7)) b.resident_id = s.ColumnInt(7);
  b.name = store::ColumnString(s, 8);
  b.phone = store::ColumnString(s, 9);
  b.status = store::ColumnString(s, 10);
  b.created_at = s.ColumnInt(11);
  if (!s.ColumnIsNull(12)) b.cancelled_at = s.ColumnInt(12);
  b.changes = static_cast<int>(s.ColumnInt(13));
  b.booked_by = store::ColumnString(s, 14);
  b.email = store::ColumnString(s, 15);
  return b;
}

// The confirmation of `kind` for `b`, in the caller's transaction (nothing without an address).
Status QueueMail(store::Database& db, const Booking& b, std::string_view kind, int64_t now) {
  if (b.email.empty()) return {};
  const std::string id = std::to_string(b.number) + "-" + std::string(kind) + "-" + std::to_string(b.changes);
  return Run(db,
             "INSERT INTO reservation_mail (id, booking_number, kind, to_addr, status, attempts, next_at, "
             "claimed_at, last_error, created_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, NULL, NULL, $5) "
             "ON CONFLICT DO NOTHING",
             {id, b.number, kind, b.email, now});
}

Result<std::optional<CodeRecord>> LoadCode(store::Database& db, const std::string& canonical) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(db,
                    "SELECT code, resident_id, municipality, cert_expiry, window_start FROM "
                    "reservation_codes WHERE code = $1",
                    {canonical}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<CodeRecord>();
  CodeRecord r;
  r.code = store::ColumnString(*s, 0);
  r.resident_id = s->ColumnInt(1);
  r.municipality = store::ColumnString(*s, 2);
  r.cert_expiry = store::ColumnDate(*s, 3).value_or(Date());
  r.window_start = store::ColumnDate(*s, 4).value_or(Date());
  return std::optional<CodeRecord>(std::move(r));
}

Status CheckContact(const BookingRequest& r) {
  // Blank: only spaces, tabs and ideographic spaces (U+3000 is E3 80 80 in UTF-8).
  if (r.name.find_first_not_of(" \t\xE3\x80") == std::string::npos) {
    return InvalidArgument("name", "連絡先の氏名が必要です (a contact name is required)");
  }
  if (r.name.size() > 100) {
    return InvalidArgument("name", "氏名が長すぎます (at most 100 bytes)");
  }
  for (char c : r.name) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return InvalidArgument("name", "氏名に制御文字があります (control characters)");
    }
  }
  if (!r.email.empty()) {
    // An ASCII addr-spec: dot-atom local part, a domain of labels; nothing that could end a
    // mail header (CR, LF) or need quoting.
    const std::string& e = r.email;
    const size_t at = e.find('@');
    auto atext = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
    };
    auto dtext = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'; };
    const bool ok = e.size() <= 254 && at != std::string::npos && at > 0 && at == e.rfind('@') && at + 1 < e.size() &&
                    std::all_of(e.begin(), e.begin() + static_cast<ptrdiff_t>(at), atext) &&
                    std::all_of(e.begin() + static_cast<ptrdiff_t>(at) + 1, e.end(), dtext) &&
                    e.find('.', at) != std::string::npos && e.front() != '.' && e[at - 1] != '.' &&
                    e.find("..") == std::string::npos && e.back() != '.' && e.back() != '-';
    if (!ok) {
      return InvalidArgument("email", "メールアドレスの形が正しくありません (not an e-mail address, e.g. name@example.jp)");
    }
  }
  if (r.phone.empty()) return {};
  int digits = 0;
  for (char c : r.phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-' && c != '+' && c != '(' && c != ')' && c != ' ') {
      return InvalidArgument("phone", "電話番号は数字と - + ( ) だけで書きます (digits and - + ( ) only)");
    }
  }
  if (digits < 6 || digits > 15 || r.phone.size() > 24) {
    return InvalidArgument("phone", "電話番号の桁数が正しくありません (6 to 15 digits)");
  }
  return {};
}

// Who books without a 予約ID: the phone's digits, else the name without spaces (ASCII and
// U+3000), so "金沢　太郎" and "金沢 太郎" are one booker.
std::string BookerKey(const BookingRequest& r) {
  std::string key;
  if (!r.phone.empty()) {
    key = "tel:";
    for (char c : r.phone) {
      if (c >= '0' && c <= '9') key.push_back(c);
    }
    return key;
  }
  key = "name:";
  for (size_t i = 0; i < r.name.size(); ++i) {
    if (r.name[i] == ' ' || r.name[i] == '\t') continue;
    if (r.name.compare(i, 3, "\xE3\x80\x80") == 0) {
      i += 2;
      continue;
    }
    key.push_back(r.name[i]);
  }
  return key;
}

}  // namespace

Status MigrateReservations(store::Database& db) {
  return store::Migrate(db, "reservations", kMigrations);
}

Result<std::unique_ptr<ReservationStore>> ReservationStore::Open(
    std::unique_ptr<store::Database> db, const Clock* clock) {
  static const RealClock kWallClock;
  MYNACERT_RETURN_IF_ERROR(MigrateReservations(*db));
  std::unique_ptr<ReservationStore> s(new ReservationStore(std::move(db)));
  s->clock_ = clock ? clock : &kWallClock;
  return s;
}

Result<std::unique_ptr<ReservationStore>> ReservationStore::Open(
    const std::string& locator, const store::SqliteOptions& options, const Clock* clock) {
  MYNACERT_ASSIGN_OR_RETURN(auto db, store::Open(locator, options));
  return Open(std::move(db), clock);
}

// ---- 予約ID ----

Result<std::string> ReservationStore::IssueReservationId(int64_t resident_id,
                                                         std::string_view municipality,
                                                         Date cert_expiry, Date window_start) {
  if (resident_id <= 0) {
    return InvalidArgument("resident", "住民番号は正の整数です (a positive resident number)");
  }
  if (municipality.empty()) {
    return InvalidArgument("municipality", "自治体が必要です (municipality required)");
  }
  if (window_start > cert_expiry) {
    return InvalidArgument("window_start",
                           "更新手続期間の初日 " + window_start.ToString() + " が有効期限 " +
                               cert_expiry.ToString() + " より後です (window start after expiry)",
                           "R-WIN-1");
  }
  const std::string expiry = cert_expiry.ToString();
  const std::string start = window_start.ToString();
  auto existing = [&]() -> Result<std::optional<std::string>> {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(*db_,
                      "SELECT code FROM reservation_codes WHERE resident_id = $1 AND "
                      "cert_expiry = $2",
                      {resident_id, expiry}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(GroupSymbols(s->ColumnText(0)));
  };
  // ON CONFLICT DO NOTHING covers both a concurrent issue for the same (resident, expiry) and
  // the (2^-50) chance of a code drawn twice; the SELECT after it tells them apart.
  for (int attempt = 0; attempt < 8; ++attempt) {
    MYNACERT_ASSIGN_OR_RETURN(std::optional<std::string> found, existing());
    if (found) return *found;
    MYNACERT_ASSIGN_OR_RETURN(std::string code, NewReservationCode());
    MYNACERT_RETURN_IF_ERROR(
        Run(*db_,
            "INSERT INTO reservation_codes (code, resident_id, municipality, cert_expiry, "
            "window_start, booking_number, booking_day, issued_at) VALUES ($1, $2, $3, $4, $5, "
            "NULL, NULL, $6) ON CONFLICT DO NOTHING",
            {code, resident_id, municipality, expiry, start, clock_->UnixSeconds()}));
  }
  return Error{ErrorCode::kInternal, "reservation_codes",
               "予約IDを発行できません (could not issue a reservation ID)", ""};
}

Result<std::optional<CodeRecord>> ReservationStore::FindReservationId(std::string_view typed) {
  MYNACERT_ASSIGN_OR_RETURN(std::string canonical, NormalizeReservationCode(typed, "code"));
  return LoadCode(*db_, canonical);
}

// ---- slots and bookings ----

Result<DaySlots> ReservationStore::SlotView(const profiles::Municipality& m,
                                            std::string_view counter_id, Date date) {
  MYNACERT_ASSIGN_OR_RETURN(std::vector<DaySlots> days, RangeView(m, counter_id, date, date));
  return std::move(days.front());
}

Result<std::vector<DaySlots>> ReservationStore::RangeView(const profiles::Municipality& m,
                                                          std::string_view counter_id, Date from,
                                                          Date to) {
  const profiles::Counter* c = m.FindCounter(counter_id);
  if (c == nullptr) {
    return NotFound("counter", "窓口 '" + std::string(counter_id) + "' は" + m.name_ja +
                                     "にありません (unknown counter)");
  }
  if (to < from || to - from > kMaxRangeDays) {
    return InvalidArgument("date", "期間は" + std::to_string(kMaxRangeDays + 1) +
                                       "日以内です (a range of at most " +
                                       std::to_string(kMaxRangeDays + 1) + " days)");
  }
  std::vector<DaySlots> days;
  days.reserve(static_cast<size_t>(to - from + 1));
  bool any_slot = false;
  for (Date d = from; d <= to; d = d.AddDays(1)) {
    MYNACERT_ASSIGN_OR_RETURN(DaySlots day, SlotsForDay(m, *c, d));
    any_slot = any_slot || !day.slots.empty();
    days.push_back(std::move(day));
  }
  if (!any_slot) return days;
  // One query for the whole range (days are stored as YYYY-MM-DD, which sort as dates).
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT day, start_minute, booked FROM reservation_slots WHERE municipality = "
                    "$1 AND counter_id = $2 AND day >= $3 AND day <= $4",
                    {m.id, counter_id, from.ToString(), to.ToString()}));
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    MYNACERT_ASSIGN_OR_RETURN(Date day, Date::Parse(s->ColumnText(0), "reservation_slots.day"));
    if (day < from || day > to) continue;
    const int start = static_cast<int>(s->ColumnInt(1));
    for (Slot& slot : days[static_cast<size_t>(day - from)].slots) {
      if (slot.start_minute == start) slot.booked = static_cast<int>(s->ColumnInt(2));
    }
  }
  return days;
}

Result<BookingResult> ReservationStore::Book(const profiles::Municipality& m,
                                             const BookingRequest& req) {
  const profiles::Counter* c = m.FindCounter(req.counter_id);
  if (c == nullptr) {
    return NotFound("counter", "窓口 '" + req.counter_id + "' は" + m.name_ja +
                                     "にありません (unknown counter)");
  }
  MYNACERT_RETURN_IF_ERROR(CheckContact(req));
  BookingResult out;
  auto refuse = [&out](Refusal r) -> Result<BookingResult> {
    out.refusal = std::move(r);
    return std::move(out);
  };

  // The counter and the slot first: a walk-in counter says so before asking for a 予約ID.
  MYNACERT_ASSIGN_OR_RETURN(auto found, FindSlot(m, *c, req.date, req.start_minute));
  if (Refusal* r = std::get_if<Refusal>(&found)) return refuse(std::move(*r));
  const Slot slot = std::get<Slot>(found);

  std::optional<std::string> code;
  if (!req.code.empty()) {
    auto read = ReadReservationCode(req.code);
    if (const CodeProblem* p = std::get_if<CodeProblem>(&read)) return refuse(CodeInvalid(p->ja, p->en));
    code = std::get<std::string>(std::move(read));
  } else if (m.reservation.requires_reservation_id) {
    return refuse(CodeRequired(m));
  }

  // On PostgreSQL a booking runs beside the others (Writers::kRowLocks): its place rests on the
  // slot row's conditional UPDATE, its 予約ID on the code row's, a booker's limit on a lock named
  // after (counter, booker), and its number comes from a block this connection reserved
  // beforehand — so no row is held by every booking until its commit, and commits group. On
  // SQLite writers serialise anyway, and each booking takes the next number in its transaction.
  const bool concurrent = db_->engine() == "postgresql";
  if (concurrent && next_number_ >= block_end_) {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction block, store::Transaction::Begin(*db_));
    MYNACERT_ASSIGN_OR_RETURN(
        int64_t last, store::NextInSequence(*db_, "reservation_sequences", "booking", kNumberBlock));
    MYNACERT_RETURN_IF_ERROR(block.Commit());
    next_number_ = last - kNumberBlock + 1;
    block_end_ = last + 1;
  }
  // Everything below runs in one transaction; a refusal returns before Commit, so the
  // destructor rolls back whatever was changed.
  MYNACERT_ASSIGN_OR_RETURN(
      store::Transaction tx,
      store::Transaction::Begin(*db_, concurrent ? store::Writers::kRowLocks : store::Writers::kSerialised));
  std::optional<Date> window_start = req.window_start;
  if (code) {
    MYNACERT_ASSIGN_OR_RETURN(std::optional<CodeRecord> rec, LoadCode(*db_, *code));
    if (!rec) return refuse(CodeUnknown());
    if (auto r = CheckCode(m, *rec, req.now)) return refuse(std::move(*r));
    window_start = rec->window_start;  // R-OFF-6: from the first day of the window
  }
  MYNACERT_ASSIGN_OR_RETURN(std::optional<Refusal> rule,
                            CheckBooking(m, *c, req.date, req.start_minute, req.now, window_start));
  if (rule) return refuse(std::move(*rule));
  const std::string booker = code ? std::string() : BookerKey(req);
  if (!code && req.max_active_per_booker > 0) {
    // Inside the writing transaction, under the booker's lock: two bookings of one booker
    // cannot both pass.
    MYNACERT_RETURN_IF_ERROR(db_->LockKey("booking\x1f" + m.id + "\x1f" + req.counter_id + "\x1f" + booker));
    MYNACERT_ASSIGN_OR_RETURN(
        auto held, Query(*db_,
                         "SELECT number, day FROM reservation_bookings WHERE municipality = $1 AND "
                         "counter_id = $2 AND booker_key = $3 AND status = 'confirmed' AND day >= $4 "
                         "ORDER BY day, number",
                         {m.id, req.counter_id, booker, req.now.date.ToString()}));
    int64_t active = 0, first = 0;
    Date first_day = req.date;
    for (;;) {
      MYNACERT_ASSIGN_OR_RETURN(bool row, held->Step());
      if (!row) break;
      if (active++ == 0) {
        first = held->ColumnInt(0);
        first_day = store::ColumnDate(*held, 1).value_or(Date());
      }
    }
    if (active >= req.max_active_per_booker) return refuse(BookerHasBooking(first, first_day, !req.phone.empty()));
  }

  // The place: the conditional UPDATE decides (see the header).
  const std::string day = req.date.ToString();
  const int64_t start = slot.start_minute;
  MYNACERT_ASSIGN_OR_RETURN(bool took, TakePlace(*db_, m.id, req.counter_id, day, slot));
  if (!took) return refuse(Full(m, slot));

  int64_t number = next_number_;
  if (!concurrent) {
    MYNACERT_ASSIGN_OR_RETURN(number, store::NextInSequence(*db_, "reservation_sequences", "booking"));
  }
  if (code) {
    // One confirmed booking per 予約ID: claimed like the place. A booking whose day has passed
    // no longer holds the code.
    const std::string today = req.now.date.ToString();
    MYNACERT_ASSIGN_OR_RETURN(
        bool claimed,
        Changed(*db_,
                "UPDATE reservation_codes SET booking_number = $2, booking_day = $3 WHERE code = "
                "$1 AND (booking_number IS NULL OR booking_day < $4) RETURNING code",
                {*code, number, day, today}));
    if (!claimed) {
      MYNACERT_ASSIGN_OR_RETURN(
          auto held, Query(*db_,
                           "SELECT booking_number, booking_day FROM reservation_codes WHERE "
                           "code = $1",
                           {*code}));
      MYNACERT_ASSIGN_OR_RETURN(bool row, held->Step());
      if (!row) return refuse(CodeUnknown());
      return refuse(CodeInUse(held->ColumnInt(0), store::ColumnDate(*held, 1).value_or(Date())));
    }
  }

  MYNACERT_ASSIGN_OR_RETURN(std::string token, NewCancelToken());
  Booking& b = out.booking;
  b.number = number;
  b.municipality = m.id;
  b.counter_id = req.counter_id;
  b.day = req.date;
  b.start_minute = slot.start_minute;
  b.end_minute = slot.end_minute;
  b.code = code.value_or("");
  if (!code) b.resident_id = req.resident_id;
  b.name = req.name;
  b.phone = req.phone;
  b.status = "confirmed";
  b.booked_by = req.booked_by;
  b.created_at = ToUnixSeconds(req.now);
  const std::string hash = pki::Sha256Hex(token);
  const Param code_param = code ? Param(std::string_view(*code)) : Param(nullptr);
  const Param resident_param = b.resident_id ? Param(*b.resident_id) : Param(nullptr);
  MYNACERT_ASSIGN_OR_RETURN(
      auto ins, Query(*db_,
                      "INSERT INTO reservation_bookings (number, municipality, counter_id, day, "
                      "start_minute, end_minute, code, resident_id, name, phone, "
                      "cancel_token_hash, status, created_at, cancelled_at, booker_key, booked_by, email) VALUES "
                      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'confirmed', $12, NULL, $13, $14, $15)",
                      {number, m.id, req.counter_id, day, start, int64_t{slot.end_minute},
                       code_param, resident_param, req.name, req.phone, hash, b.created_at,
                       booker.empty() ? Param(nullptr) : Param(std::string_view(booker)),
                       req.booked_by.empty() ? Param(nullptr) : Param(std::string_view(req.booked_by)),
                       req.email.empty() ? Param(nullptr) : Param(std::string_view(req.email))}));
  MYNACERT_ASSIGN_OR_RETURN(bool ins_row, ins->Step());
  (void)ins_row;
  b.email = req.email;
  MYNACERT_RETURN_IF_ERROR(QueueMail(*db_, b, "booked", b.created_at));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  if (concurrent) ++next_number_;  // used only once committed
  out.cancel_token = GroupSymbols(token);
  return out;
}

Result<Booking> ReservationStore::GetBooking(int64_t number) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kBookingColumns) +
                        " FROM reservation_bookings WHERE number = $1",
                    {number}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) {
    return NotFound("number", "予約番号 " + std::to_string(number) + " はありません (no such booking)");
  }
  return ReadBooking(*s);
}

namespace {

// The booking `number` and whether `secret` opens it: the 予約ID it was made with, or its cancel
// token (compared as its hash). nullopt when there is no such booking.
Result<std::optional<std::pair<Booking, bool>>> LoadForHolder(store::Database& db, int64_t number,
                                                              std::string_view secret) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(db,
                    "SELECT " + std::string(kBookingColumns) +
                        ", cancel_token_hash FROM reservation_bookings WHERE number = $1",
                    {number}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<std::pair<Booking, bool>>();
  Booking b = ReadBooking(*s);
  const std::string token_hash = store::ColumnString(*s, 16);
  bool ok = false;
  if (auto code = ReadReservationCode(secret); std::holds_alternative<std::string>(code)) {
    ok = !b.code.empty() && std::get<std::string>(code) == b.code;
  } else if (auto token = ReadCancelToken(secret); std::holds_alternative<std::string>(token)) {
    ok = pki::Sha256Hex(std::get<std::string>(token)) == token_hash;
  }
  return std::optional<std::pair<Booking, bool>>(std::pair(std::move(b), ok));
}

Error HolderMismatch() {
  return NotFound("number",
                  "予約番号と予約ID (または取消番号) が一致しません (booking number and reservation "
                  "ID or cancel token do not match)");
}

// A confirmed booking whose slot has not begun at `now` may be cancelled or moved.
Status StillOpen(const Booking& b, JstDateTime now) {
  if (b.status != "confirmed") {
    return Error{ErrorCode::kFailedPrecondition, "number",
                 "予約番号 " + std::to_string(b.number) + " は既に取り消されています (already cancelled)", ""};
  }
  if (JstDateTime{b.day, b.start_minute} <= now) {
    return Error{ErrorCode::kFailedPrecondition, "number",
                 "予約の時刻 " + b.day.ToString() + " " + calendar::FormatMinute(b.start_minute) +
                     " を過ぎているため変更・取消できません (the slot has begun)",
                 ""};
  }
  return {};
}

}  // namespace

Result<Booking> ReservationStore::FindBooking(int64_t number, std::string_view secret) {
  MYNACERT_ASSIGN_OR_RETURN(auto found, LoadForHolder(*db_, number, secret));
  if (!found || !found->second) return HolderMismatch();
  return std::move(found->first);
}

Result<BookingResult> ReservationStore::Change(const profiles::Municipality& m, int64_t number,
                                               std::string_view secret, const ChangeRequest& req) {
  BookingResult out;
  auto refuse = [&out](Refusal r) -> Result<BookingResult> {
    out.refusal = std::move(r);
    return std::move(out);
  };
  // Everything in one transaction: a refusal or an error returns before Commit and the
  // destructor rolls back.
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  MYNACERT_ASSIGN_OR_RETURN(auto found, LoadForHolder(*db_, number, secret));
  if (!found || !found->second) return HolderMismatch();
  Booking b = std::move(found->first);
  MYNACERT_RETURN_IF_ERROR(StillOpen(b, req.now));
  if (b.municipality != m.id) {
    return InvalidArgument("counter", "予約番号 " + std::to_string(number) + " は" + m.name_ja +
                                          "の予約ではありません (a booking of another municipality)");
  }
  const std::string counter_id = req.counter_id.empty() ? b.counter_id : req.counter_id;
  const profiles::Counter* c = m.FindCounter(counter_id);
  if (c == nullptr) {
    return NotFound("counter", "窓口 '" + counter_id + "' は" + m.name_ja + "にありません (unknown counter)");
  }
  if (counter_id == b.counter_id && req.date == b.day && req.start_minute == b.start_minute) {
    return InvalidArgument("start", "今の予約と同じ日時です (that is the booking's own slot)");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto slot_found, FindSlot(m, *c, req.date, req.start_minute));
  if (Refusal* r = std::get_if<Refusal>(&slot_found)) return refuse(std::move(*r));
  const Slot slot = std::get<Slot>(slot_found);
  std::optional<Date> window_start;
  if (!b.code.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(std::optional<CodeRecord> rec, LoadCode(*db_, b.code));
    if (!rec) return refuse(CodeUnknown());
    if (auto r = CheckCode(m, *rec, req.now)) return refuse(std::move(*r));
    window_start = rec->window_start;  // R-OFF-6, as when it was booked
  }
  MYNACERT_ASSIGN_OR_RETURN(std::optional<Refusal> rule,
                            CheckBooking(m, *c, req.date, req.start_minute, req.now, window_start));
  if (rule) return refuse(std::move(*rule));

  // The new place first (the conditional UPDATE decides), then the old one freed.
  const std::string day = req.date.ToString();
  const int64_t start = slot.start_minute;
  MYNACERT_ASSIGN_OR_RETURN(bool took, TakePlace(*db_, m.id, counter_id, day, slot));
  if (!took) return refuse(Full(m, slot));
  MYNACERT_RETURN_IF_ERROR(FreePlace(*db_, b));
  MYNACERT_ASSIGN_OR_RETURN(
      bool moved,
      Changed(*db_,
              "UPDATE reservation_bookings SET counter_id = $2, day = $3, start_minute = $4, "
              "end_minute = $5, changes = changes + 1 WHERE number = $1 AND status = 'confirmed' "
              "RETURNING number",
              {number, counter_id, day, start, int64_t{slot.end_minute}}));
  if (!moved) {
    return Error{ErrorCode::kFailedPrecondition, "number", "既に取り消されています (already cancelled)", ""};
  }
  if (!b.code.empty()) {
    MYNACERT_RETURN_IF_ERROR(Run(*db_,
                                 "UPDATE reservation_codes SET booking_day = $3 WHERE code = $1 AND "
                                 "booking_number = $2",
                                 {b.code, number, day}));
  }
  b.counter_id = counter_id;
  b.day = req.date;
  b.start_minute = slot.start_minute;
  b.end_minute = slot.end_minute;
  ++b.changes;
  MYNACERT_RETURN_IF_ERROR(QueueMail(*db_, b, "changed", ToUnixSeconds(req.now)));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  out.booking = std::move(b);
  return out;
}

Result<Booking> ReservationStore::Cancel(int64_t number, std::string_view secret,
                                         JstDateTime now) {
  return CancelChecked(number, &secret, now);
}

Result<Booking> ReservationStore::CancelForCaller(int64_t number, JstDateTime now) {
  return CancelChecked(number, nullptr, now);
}

Result<Booking> ReservationStore::CancelChecked(int64_t number, const std::string_view* secret,
                                                JstDateTime now) {
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  MYNACERT_ASSIGN_OR_RETURN(auto found, LoadForHolder(*db_, number, secret ? *secret : std::string_view()));
  if (!found) {
    if (!secret) return NotFound("number", "予約番号 " + std::to_string(number) + " はありません (no such booking)");
    return HolderMismatch();
  }
  if (secret && !found->second) return HolderMismatch();
  Booking b = std::move(found->first);
  MYNACERT_RETURN_IF_ERROR(StillOpen(b, now));
  const int64_t at = ToUnixSeconds(now);
  MYNACERT_ASSIGN_OR_RETURN(
      bool cancelled,
      Changed(*db_,
              "UPDATE reservation_bookings SET status = 'cancelled', cancelled_at = $2 WHERE "
              "number = $1 AND status = 'confirmed' RETURNING number",
              {number, at}));
  if (!cancelled) {
    return Error{ErrorCode::kFailedPrecondition, "number", "既に取り消されています (already cancelled)", ""};
  }
  MYNACERT_RETURN_IF_ERROR(FreePlace(*db_, b));
  if (!b.code.empty()) {
    MYNACERT_RETURN_IF_ERROR(Run(*db_,
                                 "UPDATE reservation_codes SET booking_number = NULL, booking_day "
                                 "= NULL WHERE code = $1 AND booking_number = $2",
                                 {b.code, number}));
  }
  b.status = "cancelled";
  b.cancelled_at = at;
  MYNACERT_RETURN_IF_ERROR(QueueMail(*db_, b, "cancelled", at));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return b;
}

Result<std::vector<MailItem>> ReservationStore::ClaimMail(int64_t now, int limit) {
  const int64_t stale = now - 300;
  // The serving loop asks twice a second: a read first, so that an empty outbox never takes
  // the writers' lock from the bookings.
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto any, Query(*db_,
                        "SELECT 1 FROM reservation_mail WHERE (status = 'pending' AND next_at <= $1) OR "
                        "(status = 'sending' AND claimed_at < $2) LIMIT 1",
                        {now, stale}));
    MYNACERT_ASSIGN_OR_RETURN(bool due, any->Step());
    if (!due) return std::vector<MailItem>();
  }
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_, store::Writers::kRowLocks));
  // The outer condition is checked again on each row it updates: on PostgreSQL a second claimer
  // waiting on the row lock sees it `sending` and skips it.
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "UPDATE reservation_mail SET status = 'sending', claimed_at = $1 WHERE id IN (SELECT id "
                    "FROM reservation_mail WHERE (status = 'pending' AND next_at <= $1) OR (status = "
                    "'sending' AND claimed_at < $2) ORDER BY next_at LIMIT $3) AND ((status = 'pending' AND "
                    "next_at <= $1) OR (status = 'sending' AND claimed_at < $2)) RETURNING id, "
                    "booking_number, kind, to_addr, attempts",
                    {now, stale, int64_t{limit}}));
  std::vector<MailItem> out;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back({store::ColumnString(*s, 0), s->ColumnInt(1), store::ColumnString(*s, 2),
                   store::ColumnString(*s, 3), static_cast<int>(s->ColumnInt(4))});
  }
  s.reset();
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Status ReservationStore::MailSent(const std::string& id, int64_t now) {
  return Run(*db_,
             "UPDATE reservation_mail SET status = 'sent', to_addr = NULL, claimed_at = NULL, next_at = $2, "
             "attempts = attempts + 1 WHERE id = $1",
             {id, now});
}

Status ReservationStore::MailFailed(const std::string& id, const std::string& error, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(auto s, Query(*db_, "SELECT attempts FROM reservation_mail WHERE id = $1", {id}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return NotFound("id", "no such mail " + id);
  const int64_t attempts = s->ColumnInt(0) + 1;
  s.reset();
  const bool give_up = attempts >= kMailAttempts;
  const int64_t delay = std::min<int64_t>(int64_t{30} << std::min<int64_t>(attempts - 1, 7), 3600);
  return Run(*db_,
             give_up ? "UPDATE reservation_mail SET status = 'failed', to_addr = NULL, claimed_at = NULL, attempts = "
                       "$2, next_at = $3, last_error = $4 WHERE id = $1"
                     : "UPDATE reservation_mail SET status = 'pending', claimed_at = NULL, attempts = $2, next_at "
                       "= $3, last_error = $4 WHERE id = $1",
             {id, attempts, now + delay, error.substr(0, 500)});
}

Result<std::vector<Booking>> ReservationStore::List(std::string_view municipality,
                                                    std::string_view counter_id, Date date) {
  const std::string day = date.ToString();
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kBookingColumns) +
                        " FROM reservation_bookings WHERE municipality = $1 AND counter_id = $2 "
                        "AND day = $3 ORDER BY start_minute, number",
                    {municipality, counter_id, day}));
  std::vector<Booking> out;
  while (true) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadBooking(*s));
  }
  return out;
}

}  // namespace mynacert::reservations
