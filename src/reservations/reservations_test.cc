// The reservation store (reservations.h) on SQLite files in a temp folder: 予約ID issue, booking
// refusals that need the database, cancel and rebook, and no double booking under 1 000
// concurrent bookers, each on its own connection.
#include "reservations/reservations.h"
#include "reservations/queue.h"
#include "store/testing.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "profiles/loader.h"

namespace mynacert::reservations {
namespace {

using profiles::Municipality;

const profiles::Registry& Reg() {
  static const profiles::Registry reg = *profiles::Registry::Builtin();
  return reg;
}
const Municipality& Profile(std::string_view id) { return **Reg().Find(id); }

constexpr int Hm(int h, int m) { return h * 60 + m; }
JstDateTime At(int y, unsigned mo, unsigned d, int h, int mi) {
  return JstDateTime{Date::Ymd(y, mo, d), Hm(h, mi)};
}

// On both engines (store/testing.h): a SQLite file and a PostgreSQL database.
class ReservationStoreTest : public store::testing::EngineTest {
 protected:
  void SetUp() override {
    store::testing::EngineTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    path_ = locator();
    auto s = ReservationStore::Open(path_);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }

  // A Yokohama request for Tue 2026-12-01 09:15, made on 2026-11-20 10:00.
  static BookingRequest Request(const std::string& code) {
    BookingRequest r;
    r.counter_id = "yokohama-naka";
    r.date = Date::Ymd(2026, 12, 1);
    r.start_minute = Hm(9, 15);
    r.code = code;
    r.name = "横浜　太郎";
    r.phone = "045-000-0000";
    r.now = At(2026, 11, 20, 10, 0);
    return r;
  }
  // A 予約ID for a certificate expiring 2027-01-31 (window from 2026-11-01).
  std::string Code(int64_t resident) {
    auto c = store_->IssueReservationId(resident, "yokohama", Date::Ymd(2027, 1, 31),
                                        Date::Ymd(2026, 11, 1));
    EXPECT_TRUE(c.ok()) << c.error().ToString();
    return c.ok() ? *c : std::string();
  }
  RefusalCode Refused(const Municipality& m, const BookingRequest& r) {
    auto out = store_->Book(m, r);
    EXPECT_TRUE(out.ok()) << out.error().ToString();
    if (!out.ok() || out->confirmed()) {
      ADD_FAILURE() << "expected a refusal";
      return RefusalCode::kFull;
    }
    return out->refusal->code;
  }

  std::string path_;  // the database's locator
  std::unique_ptr<ReservationStore> store_;
};

TEST_P(ReservationStoreTest, ReservationIdIsIdempotentPerResidentAndExpiry) {
  const std::string a = Code(7);
  EXPECT_EQ(a.size(), 13u);  // XXXX-XXXX-XXX
  EXPECT_EQ(a[4], '-');
  EXPECT_EQ(Code(7), a);  // the notices batch may run twice
  auto again = store_->IssueReservationId(7, "yokohama", Date::Ymd(2027, 1, 31), Date::Ymd(2026, 11, 2));
  EXPECT_EQ(*again, a);  // the first issue wins
  auto next = store_->IssueReservationId(7, "yokohama", Date::Ymd(2032, 1, 31), Date::Ymd(2031, 11, 1));
  EXPECT_NE(*next, a);  // the next renewal gets a new one
  auto rec = store_->FindReservationId(a);
  ASSERT_TRUE(rec.ok() && rec->has_value());
  EXPECT_EQ((*rec)->resident_id, 7);
  EXPECT_EQ((*rec)->window_start, Date::Ymd(2026, 11, 1));
  // Codes of consecutive residents share nothing that could be guessed.
  std::set<std::string> codes;
  for (int64_t r = 100; r < 300; ++r) codes.insert(Code(r));
  EXPECT_EQ(codes.size(), 200u);
  auto bad = store_->IssueReservationId(8, "yokohama", Date::Ymd(2027, 1, 31), Date::Ymd(2027, 2, 1));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().rule, "R-WIN-1");
  // It works inside a caller's transaction (the notices batch may hold one on db()).
  {
    auto tx = store::Transaction::Begin(store_->db());
    ASSERT_TRUE(tx.ok());
    EXPECT_TRUE(store_->IssueReservationId(9, "yokohama", Date::Ymd(2027, 1, 31), Date::Ymd(2026, 11, 1)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_TRUE((*store_->FindReservationId(Code(9))).has_value());
}

TEST_P(ReservationStoreTest, BookWithAReservationId) {
  const Municipality& y = Profile("yokohama");
  const std::string code = Code(1);
  auto r = store_->Book(y, Request(code));
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_TRUE(r->confirmed()) << r->refusal->reason.ja;
  EXPECT_EQ(r->booking.number, 1);
  EXPECT_EQ(r->booking.end_minute, Hm(9, 45));
  EXPECT_EQ(r->booking.code, *NormalizeReservationCode(code, "code"));
  EXPECT_FALSE(r->booking.resident_id);  // the code is the link; no resident number copied
  EXPECT_EQ(r->cancel_token.size(), 14u);
  auto view = store_->SlotView(y, "yokohama-naka", Date::Ymd(2026, 12, 1));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->slots[1].start_minute, Hm(9, 15));
  EXPECT_EQ(view->slots[1].booked, 1);
  EXPECT_EQ(view->slots[1].available(), 1);
  EXPECT_EQ(view->slots[0].booked, 0);
  auto list = store_->List("yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "横浜　太郎");
  EXPECT_EQ((*list)[0].status, "confirmed");
}

TEST_P(ReservationStoreTest, ReservationIdRefusals) {
  const Municipality& y = Profile("yokohama");
  EXPECT_EQ(Refused(y, Request("")), RefusalCode::kCodeRequired);
  std::string code = Code(1);
  std::string typo = code;
  typo[0] = typo[0] == '7' ? '8' : '7';
  EXPECT_EQ(Refused(y, Request(typo)), RefusalCode::kCodeInvalid);
  const std::string never = GroupSymbols(*NewReservationCode());
  EXPECT_EQ(Refused(y, Request(never)), RefusalCode::kCodeUnknown);
  auto other = store_->IssueReservationId(2, "kanazawa", Date::Ymd(2027, 1, 31), Date::Ymd(2026, 11, 1));
  EXPECT_EQ(Refused(y, Request(*other)), RefusalCode::kCodeOtherMunicipality);
  // R-OFF-6: the code's window start is the first booking day.
  auto later = store_->IssueReservationId(3, "yokohama", Date::Ymd(2027, 3, 24), Date::Ymd(2026, 12, 25));
  BookingRequest early = Request(*later);
  early.date = Date::Ymd(2027, 1, 5);
  early.now = At(2026, 12, 24, 12, 0);
  EXPECT_EQ(Refused(y, early), RefusalCode::kBeforeWindow);
  early.now = At(2026, 12, 25, 0, 0);
  EXPECT_TRUE(store_->Book(y, early)->confirmed());
  // After the certificate's expiry the code has lapsed.
  BookingRequest lapsed = Request(code);
  lapsed.now = At(2027, 2, 1, 10, 0);
  lapsed.date = Date::Ymd(2027, 2, 3);
  EXPECT_EQ(Refused(y, lapsed), RefusalCode::kCodeExpired);
  // A walk-in counter says so before asking for a code.
  BookingRequest nishi = Request("");
  nishi.counter_id = "yokohama-nishi";
  auto w = store_->Book(y, nishi);
  ASSERT_TRUE(w.ok() && !w->confirmed());
  EXPECT_EQ(w->refusal->code, RefusalCode::kWalkIn);
  EXPECT_EQ(w->refusal->reason.rule, "R-OFF-5");
  auto view = store_->SlotView(y, "yokohama-nishi", Date::Ymd(2026, 12, 1));
  ASSERT_TRUE(view.ok() && view->refusal);
  EXPECT_EQ(view->refusal->reason.rule, "R-OFF-5");
  // Nothing was written by any refusal.
  auto list = store_->List("yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1));
  EXPECT_TRUE(list->empty());
}

TEST_P(ReservationStoreTest, OneBookingPerCodeAtATime) {
  const Municipality& y = Profile("yokohama");
  const std::string code = Code(1);
  auto first = store_->Book(y, Request(code));
  ASSERT_TRUE(first->confirmed());
  BookingRequest other = Request(code);
  other.start_minute = Hm(10, 15);
  auto second = store_->Book(y, other);
  ASSERT_TRUE(second.ok() && !second->confirmed());
  EXPECT_EQ(second->refusal->code, RefusalCode::kCodeInUse);
  EXPECT_NE(second->refusal->reason.ja.find("予約番号 1"), std::string::npos);
  // The refused attempt took no place in 10:15.
  EXPECT_EQ(store_->SlotView(y, "yokohama-naka", Date::Ymd(2026, 12, 1))->slots[3].booked, 0);
  // Cancel with the code itself, then the other slot is free to book.
  auto cancelled = store_->Cancel(first->booking.number, code, At(2026, 11, 21, 9, 0));
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().ToString();
  EXPECT_EQ(cancelled->status, "cancelled");
  auto rebooked = store_->Book(y, other);
  ASSERT_TRUE(rebooked->confirmed()) << rebooked->refusal->reason.ja;
  EXPECT_EQ(rebooked->booking.number, 2);
  // A booking whose day has passed (a missed visit) no longer holds the code.
  BookingRequest after = Request(code);
  after.now = At(2026, 12, 2, 10, 0);
  after.date = Date::Ymd(2026, 12, 10);
  EXPECT_TRUE(store_->Book(y, after)->confirmed());
}

TEST_P(ReservationStoreTest, FullThenCancelThenRebook) {
  const Municipality& y = Profile("yokohama");  // slot_capacity 2
  auto a = store_->Book(y, Request(Code(1)));
  auto b = store_->Book(y, Request(Code(2)));
  ASSERT_TRUE(a->confirmed() && b->confirmed());
  auto c = store_->Book(y, Request(Code(3)));
  ASSERT_TRUE(c.ok() && !c->confirmed());
  EXPECT_EQ(c->refusal->code, RefusalCode::kFull);
  EXPECT_EQ(c->refusal->reason.rule, "R-OFF-6");
  EXPECT_NE(c->refusal->reason.ja.find("満席"), std::string::npos);
  EXPECT_NE(c->refusal->reason.en.find("Full"), std::string::npos);

  // Cancel by the cancel token (as typed, in lower case).
  std::string token = a->cancel_token;
  for (char& ch : token) ch = static_cast<char>(std::tolower(ch));
  EXPECT_FALSE(store_->Cancel(a->booking.number, "AAAA-AAAA-AAAA", At(2026, 11, 21, 9, 0)).ok());
  EXPECT_FALSE(store_->Cancel(a->booking.number, b->cancel_token, At(2026, 11, 21, 9, 0)).ok());
  EXPECT_EQ(store_->Cancel(999, token, At(2026, 11, 21, 9, 0)).error().code, ErrorCode::kNotFound);
  auto done = store_->Cancel(a->booking.number, token, At(2026, 11, 21, 9, 0));
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  auto twice = store_->Cancel(a->booking.number, token, At(2026, 11, 21, 9, 5));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->SlotView(y, "yokohama-naka", Date::Ymd(2026, 12, 1))->slots[1].booked, 1);
  EXPECT_TRUE(store_->Book(y, Request(Code(3)))->confirmed());
  EXPECT_EQ(store_->Book(y, Request(Code(4)))->refusal->code, RefusalCode::kFull);
  // A slot that has begun cannot be cancelled.
  auto begun = store_->Cancel(b->booking.number, b->cancel_token, At(2026, 12, 1, 9, 15));
  ASSERT_FALSE(begun.ok());
  EXPECT_EQ(begun.error().code, ErrorCode::kFailedPrecondition);
  auto list = store_->List("yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1));
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].status, "cancelled");
  EXPECT_TRUE((*list)[0].cancelled_at.has_value());
}

// Find and change by number + 予約ID or cancel token (issue 16): a move keeps the number, the
// code and the token, frees the old place and takes the new one in one transaction; a refused
// move changes nothing.
TEST_P(ReservationStoreTest, FindAndMoveABookingByItsNumberAndCode) {
  const Municipality& y = Profile("yokohama");  // slot_capacity 2, 40 days ahead (R-OFF-6)
  const std::string code = Code(1);
  auto booked = store_->Book(y, Request(code));
  ASSERT_TRUE(booked.ok() && booked->confirmed());
  const int64_t number = booked->booking.number;

  auto found = store_->FindBooking(number, code);
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  EXPECT_EQ(found->start_minute, Hm(9, 15));
  EXPECT_EQ(store_->FindBooking(number, booked->cancel_token)->number, number);
  EXPECT_EQ(store_->FindBooking(number, "AAAA-AAAA-AAAA").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->FindBooking(number + 1, code).error().code, ErrorCode::kNotFound);
  // One message for a wrong number and a wrong secret: numbers cannot be probed.
  EXPECT_EQ(store_->FindBooking(number + 1, code).error().message,
            store_->FindBooking(number, "AAAA-AAAA-AAAA").error().message);

  const JstDateTime now = At(2026, 11, 21, 9, 0);
  auto booked_at = [&](const char* counter, Date d, int minute) {
    auto view = store_->SlotView(y, counter, d);
    if (!view.ok()) {
      ADD_FAILURE() << view.error().ToString();
      return -1;
    }
    const DaySlots day = std::move(view).value();
    for (const Slot& slot : day.slots)
      if (slot.start_minute == minute) return slot.booked;
    ADD_FAILURE() << "no slot " << minute << " at " << counter;
    return -1;
  };
  ChangeRequest to;
  to.date = Date::Ymd(2026, 12, 2);
  to.start_minute = Hm(10, 15);
  to.now = now;
  auto moved = store_->Change(y, number, code, to);
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  ASSERT_TRUE(moved->confirmed()) << moved->refusal->reason.ja;
  EXPECT_EQ(moved->booking.number, number);
  EXPECT_EQ(moved->booking.changes, 1);
  EXPECT_EQ(booked_at("yokohama-naka", Date::Ymd(2026, 12, 1), Hm(9, 15)), 0);  // the old place is free
  EXPECT_EQ(booked_at("yokohama-naka", Date::Ymd(2026, 12, 2), Hm(10, 15)), 1);
  // The code still holds this booking: a second booking with it is refused.
  BookingRequest second = Request(code);
  second.date = Date::Ymd(2026, 12, 3);
  EXPECT_EQ(Refused(y, second), RefusalCode::kCodeInUse);
  // The cancel token moves it too, to another ward's counter of the city.
  ChangeRequest other = to;
  other.counter_id = "yokohama-kanagawa";
  other.start_minute = Hm(13, 15);
  auto moved_again = store_->Change(y, number, booked->cancel_token, other);
  ASSERT_TRUE(moved_again.ok() && moved_again->confirmed()) << (moved_again.ok() ? moved_again->refusal->reason.ja : moved_again.error().ToString());
  EXPECT_EQ(moved_again->booking.counter_id, "yokohama-kanagawa");
  EXPECT_EQ(moved_again->booking.changes, 2);
  EXPECT_EQ(booked_at("yokohama-naka", Date::Ymd(2026, 12, 2), Hm(10, 15)), 0);

  // Refusals change nothing: a full slot, a day too far (R-OFF-6: 40 days), the same slot.
  BookingRequest fill = Request(Code(2));
  fill.date = Date::Ymd(2026, 12, 3);
  ASSERT_TRUE(store_->Book(y, fill)->confirmed());
  fill.code = Code(3);
  ASSERT_TRUE(store_->Book(y, fill)->confirmed());
  ChangeRequest full = to;
  full.counter_id = "yokohama-naka";
  full.date = Date::Ymd(2026, 12, 3);
  full.start_minute = Hm(9, 15);
  auto refused = store_->Change(y, number, code, full);
  ASSERT_TRUE(refused.ok() && !refused->confirmed());
  EXPECT_EQ(refused->refusal->code, RefusalCode::kFull);
  ChangeRequest far = to;
  far.date = Date::Ymd(2027, 1, 20);
  auto too_far = store_->Change(y, number, code, far);
  ASSERT_TRUE(too_far.ok() && !too_far->confirmed());
  EXPECT_EQ(too_far->refusal->reason.rule, "R-OFF-6");
  auto same = store_->Change(y, number, code, other);
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().field, "start");
  ChangeRequest nowhere = to;
  nowhere.counter_id = "kanazawa-cityhall";
  EXPECT_EQ(store_->Change(y, number, code, nowhere).error().field, "counter");
  auto still = store_->FindBooking(number, code);
  EXPECT_EQ(still->counter_id, "yokohama-kanagawa");
  EXPECT_EQ(still->day, Date::Ymd(2026, 12, 2));
  EXPECT_EQ(still->changes, 2);
  EXPECT_EQ(booked_at("yokohama-kanagawa", Date::Ymd(2026, 12, 2), Hm(13, 15)), 1);
  EXPECT_EQ(booked_at("yokohama-naka", Date::Ymd(2026, 12, 3), Hm(9, 15)), 2);

  // A wrong secret moves nothing; a cancelled or begun booking cannot move.
  EXPECT_EQ(store_->Change(y, number, "AAAA-AAAA-AAAA", to).error().code, ErrorCode::kNotFound);
  ChangeRequest late = to;
  late.now = At(2026, 12, 2, 13, 15);
  late.date = Date::Ymd(2026, 12, 10);
  EXPECT_EQ(store_->Change(y, number, code, late).error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(store_->Cancel(number, code, now).ok());
  EXPECT_EQ(store_->FindBooking(number, code)->status, "cancelled");
  EXPECT_EQ(store_->Change(y, number, code, to).error().code, ErrorCode::kFailedPrecondition);
}

// The confirmation e-mails are an outbox written in the booking's transaction: a refused
// booking queues nothing, and two senders beside each other (two instances) never claim the
// same message.
TEST_P(ReservationStoreTest, MailIsQueuedWithTheBookingAndClaimedOnce) {
  const Municipality& y = Profile("yokohama");  // slot_capacity 2
  for (int i = 1; i <= 3; ++i) {
    BookingRequest r = Request(Code(i));
    r.email = "holder" + std::to_string(i) + "@example.jp";
    auto b = store_->Book(y, r);
    ASSERT_TRUE(b.ok()) << b.error().ToString();
    EXPECT_EQ(b->confirmed(), i <= 2);  // the third finds the slot full: nothing queued
  }
  BookingRequest bad = Request(Code(4));
  bad.email = "holder@example..jp";
  EXPECT_EQ(store_->Book(y, bad).error().field, "email");
  auto other = ReservationStore::Open(path_);
  ASSERT_TRUE(other.ok());
  const int64_t now = ToUnixSeconds(At(2026, 11, 20, 10, 1));
  std::vector<MailItem> a, b;
  std::thread ta([&] { a = *store_->ClaimMail(now, 10); });
  std::thread tb([&] { b = *(*other)->ClaimMail(now, 10); });
  ta.join();
  tb.join();
  std::set<std::string> ids;
  for (const auto& m : a) ids.insert(m.id);
  for (const auto& m : b) EXPECT_TRUE(ids.insert(m.id).second) << m.id << " claimed twice";
  EXPECT_EQ(ids, (std::set<std::string>{"1-booked-0", "2-booked-0"}));
  // Claimed: not due again until the claim is stale (5 minutes); a failure backs off 30 s.
  EXPECT_TRUE(store_->ClaimMail(now + 10, 10)->empty());
  ASSERT_TRUE(store_->MailFailed("1-booked-0", "451 try later", now + 10).ok());
  ASSERT_TRUE(store_->MailSent("2-booked-0", now + 10).ok());
  EXPECT_TRUE(store_->ClaimMail(now + 20, 10)->empty());
  auto again = store_->ClaimMail(now + 41, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].to, "holder1@example.jp");
  EXPECT_EQ((*again)[0].attempts, 1);
}

// Live congestion (R-OFF-3): tickets numbered from 1 each day, called in order; the wait from
// the day's measured service times once three are done, else R-PROC-10's 10 minutes; two clerks
// never call the same number; a closed counter issues none.
TEST_P(ReservationStoreTest, TicketsAreIssuedCalledAndTimed) {
  const Municipality& k = Profile("kanazawa");
  store::Database& db = store_->db();
  const Date day = Date::Ymd(2026, 12, 1);  // a Tuesday; City Hall 09:00–17:45
  auto at = [&](int h, int m) { return JstDateTime{day, Hm(h, m)}; };
  EXPECT_EQ(IssueTicket(db, k, "kanazawa-cityhall", at(8, 59)).error().rule, "R-OFF-1");
  for (int i = 1; i <= 6; ++i) {
    auto t = IssueTicket(db, k, "kanazawa-cityhall", at(9, i));
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    EXPECT_EQ(t->number, i);
  }
  auto q = ReadQueue(db, k, "kanazawa-cityhall", at(9, 10));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->waiting, 6);
  EXPECT_EQ(q->serving, 0);
  EXPECT_FALSE(q->measured);
  EXPECT_EQ(q->wait_minutes, 60);  // 6 × 10 minutes (R-PROC-10)
  // Two clerks call: different numbers.
  auto a = CallNext(db, k, "kanazawa-cityhall", at(9, 10), "sato");
  auto b = CallNext(db, k, "kanazawa-cityhall", at(9, 10), "tanaka");
  ASSERT_TRUE(a.ok() && b.ok() && a->has_value() && b->has_value());
  EXPECT_EQ((*a)->number, 1);
  EXPECT_EQ((*b)->number, 2);
  // sato serves 1, 3, 4 and 5 minutes each: measured after three are done.
  ASSERT_EQ((*CallNext(db, k, "kanazawa-cityhall", at(9, 15), "sato"))->number, 3);
  ASSERT_EQ((*CallNext(db, k, "kanazawa-cityhall", at(9, 20), "sato"))->number, 4);
  ASSERT_EQ((*CallNext(db, k, "kanazawa-cityhall", at(9, 25), "sato"))->number, 5);
  q = ReadQueue(db, k, "kanazawa-cityhall", at(9, 26));
  EXPECT_TRUE(q->measured);
  EXPECT_EQ(q->service_seconds, 300);
  EXPECT_EQ(q->serving, 5);
  EXPECT_EQ(q->waiting, 1);
  EXPECT_EQ(q->windows, 2);
  EXPECT_EQ(q->wait_minutes, 3);  // 1 × 5 minutes ÷ 2 clerks, rounded up
  const int64_t version = q->version;
  ASSERT_EQ((*CallNext(db, k, "kanazawa-cityhall", at(9, 30), "tanaka"))->number, 6);
  EXPECT_FALSE(CallNext(db, k, "kanazawa-cityhall", at(9, 35), "sato")->has_value());  // nobody waits
  EXPECT_GT(ReadQueue(db, k, "kanazawa-cityhall", at(9, 36))->version, version);
  // The next day starts again at 1.
  EXPECT_EQ(IssueTicket(db, k, "kanazawa-cityhall", JstDateTime{Date::Ymd(2026, 12, 2), Hm(9, 0)})->number, 1);
  EXPECT_EQ(IssueTicket(db, k, "nowhere", at(10, 0)).error().field, "counter");
}

// The month calendar's query (RangeView) sees what the day's (SlotView) sees, on each day of
// the range, and refuses a range it would not answer in one query.
TEST_P(ReservationStoreTest, ARangeOfDaysIsTheirDaysInOneQuery) {
  const Municipality& y = Profile("yokohama");
  ASSERT_TRUE(store_->Book(y, Request(Code(1)))->confirmed());  // 2026-12-01 09:15
  auto range = store_->RangeView(y, "yokohama-naka", Date::Ymd(2026, 11, 29), Date::Ymd(2026, 12, 31));
  ASSERT_TRUE(range.ok()) << range.error().ToString();
  ASSERT_EQ(range->size(), 33u);
  for (const DaySlots& d : *range) {
    auto day = store_->SlotView(y, "yokohama-naka", d.day.date);
    ASSERT_TRUE(day.ok());
    ASSERT_EQ(d.slots.size(), day->slots.size()) << d.day.date;
    EXPECT_EQ(d.day.open, day->day.open) << d.day.date;
    for (size_t i = 0; i < d.slots.size(); ++i) EXPECT_EQ(d.slots[i].booked, day->slots[i].booked);
  }
  EXPECT_EQ((*range)[2].slots[1].booked, 1);  // 2026-12-01's second slot
  EXPECT_FALSE((*range)[0].day.open);         // 2026-11-29: a Sunday
  EXPECT_EQ(store_->RangeView(y, "yokohama-naka", Date::Ymd(2026, 12, 2), Date::Ymd(2026, 12, 1))
                .error().field, "date");
  EXPECT_EQ(store_->RangeView(y, "yokohama-naka", Date::Ymd(2026, 1, 1), Date::Ymd(2026, 12, 31))
                .error().field, "date");
}

TEST_P(ReservationStoreTest, KanazawaBooksWithoutACode) {
  const Municipality& k = Profile("kanazawa");
  BookingRequest r;
  r.counter_id = "kanazawa-cityhall";
  r.date = Date::Ymd(2026, 6, 8);
  r.start_minute = Hm(17, 30);
  r.resident_id = 12;
  r.name = "金沢　花子";
  r.now = At(2026, 6, 1, 10, 0);
  auto ok = store_->Book(k, r);
  ASSERT_TRUE(ok.ok() && ok->confirmed()) << (ok.ok() ? ok->refusal->reason.ja : ok.error().ToString());
  EXPECT_EQ(ok->booking.resident_id, 12);
  EXPECT_EQ(ok->booking.end_minute, Hm(17, 45));
  r.date = Date::Ymd(2026, 6, 5);
  EXPECT_EQ(Refused(k, r), RefusalCode::kTooSoon);
}

// Without a 予約ID one booker (phone digits, else the name without spaces) holds one booking at
// a counter (issue 14: one anonymous client booked all 824 places of Kanazawa City Hall).
TEST_P(ReservationStoreTest, OneBookerOneBookingPerCounterWithoutACode) {
  const Municipality& k = Profile("kanazawa");
  BookingRequest r;
  r.counter_id = "kanazawa-cityhall";
  r.date = Date::Ymd(2026, 6, 8);
  r.start_minute = Hm(17, 30);
  r.name = "金沢　花子";
  r.phone = "076-220-2111";
  r.now = At(2026, 6, 1, 10, 0);
  auto first = store_->Book(k, r);
  ASSERT_TRUE(first.ok() && first->confirmed());
  BookingRequest again = r;
  again.date = Date::Ymd(2026, 6, 9);
  again.phone = "(076) 2202111";  // the same digits
  again.name = "別の名前";
  EXPECT_EQ(Refused(k, again), RefusalCode::kBookerHasBooking);
  BookingRequest by_name = r;
  by_name.phone.clear();
  by_name.name = "金沢 太郎";
  ASSERT_TRUE(store_->Book(k, by_name)->confirmed());
  by_name.name = "金沢太郎";  // spaces do not make another booker
  by_name.date = Date::Ymd(2026, 6, 10);
  EXPECT_EQ(Refused(k, by_name), RefusalCode::kBookerHasBooking);
  by_name.max_active_per_booker = 0;  // the setting off
  EXPECT_TRUE(store_->Book(k, by_name)->confirmed());
  // After a cancellation the booker may book again.
  ASSERT_TRUE(store_->Cancel(first->booking.number, first->cancel_token, r.now).ok());
  EXPECT_TRUE(store_->Book(k, again)->confirmed());
}

TEST_P(ReservationStoreTest, BadInputIsAnError) {
  const Municipality& y = Profile("yokohama");
  BookingRequest r = Request(Code(1));
  r.counter_id = "yokohama-nowhere";
  EXPECT_EQ(store_->Book(y, r).error().field, "counter");
  r = Request(Code(1));
  r.name = "　 ";
  EXPECT_EQ(store_->Book(y, r).error().field, "name");
  r = Request(Code(1));
  r.phone = "045-abc";
  EXPECT_EQ(store_->Book(y, r).error().field, "phone");
  EXPECT_EQ(store_->SlotView(y, "nowhere", Date::Ymd(2026, 12, 1)).error().field, "counter");
}

// ---- concurrency ----

struct Burst {
  int confirmed = 0;
  int full = 0;
  std::map<std::string, int> other;  // anything else: refusal names and errors, with counts
};

// Runs `attempt(i)` for i in [0, n) on threads released together, each on its own connection
// to `locator` opened first (outside the timed part): n threads on SQLite; on PostgreSQL at
// most 100 (one server process per connection), each running its share of the attempts.
Burst RunBurst(const std::string& locator, int n,
               const std::function<std::string(int, ReservationStore&)>& attempt) {
  Burst out;
  std::mutex mu;
  const int threads_n = store::IsPostgresLocator(locator) ? std::min(n, 100) : n;
  std::latch ready(threads_n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(threads_n));
  for (int t = 0; t < threads_n; ++t) {
    threads.emplace_back([&, t] {
      // 1 000 writers queue for SQLite's one write lock: under ASan or a loaded machine the
      // last may wait longer than the default 5 s. Waiting longer changes no outcome.
      store::SqliteOptions options;
      options.busy_timeout_ms = 60000;
      auto s = ReservationStore::Open(locator, options);
      ready.arrive_and_wait();
      for (int i = t; i < n; i += threads_n) {
        const std::string outcome = s.ok() ? attempt(i, **s) : "open: " + s.error().ToString();
        std::lock_guard lock(mu);
        if (outcome == "confirmed") {
          ++out.confirmed;
        } else if (outcome == "full") {
          ++out.full;
        } else {
          ++out.other[outcome];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return out;
}

// What the database says about Yokohama 中区, 2026-12-01 09:15.
struct Counted {
  int64_t bookings = 0;  // confirmed rows
  int64_t booked = 0;    // the slot's counter
};
Counted Count(const std::string& locator) {
  Counted c;
  auto db = store::Open(locator);
  auto q = (*db)->Prepare(
      "SELECT COUNT(*) FROM reservation_bookings WHERE counter_id = 'yokohama-naka' AND day = "
      "'2026-12-01' AND start_minute = 555 AND status = 'confirmed'");
  if ((*q)->Step().ok()) c.bookings = (*q)->ColumnInt(0);
  auto s = (*db)->Prepare(
      "SELECT booked FROM reservation_slots WHERE counter_id = 'yokohama-naka' AND day = "
      "'2026-12-01' AND start_minute = 555");
  if (auto row = (*s)->Step(); row.ok() && *row) c.booked = (*s)->ColumnInt(0);
  return c;
}

void RaiseFileLimit() {
  // Each connection holds the database, its WAL and its shared memory open.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

TEST_P(ReservationStoreTest, ThousandConcurrentBookersNeverOverbook) {
  RaiseFileLimit();
  constexpr int kBookers = 1000;
  constexpr int kCapacity = 3;
  Municipality y = Profile("yokohama");
  y.reservation.slot_capacity = kCapacity;
  std::vector<std::string> codes;
  {
    auto tx = store::Transaction::Begin(store_->db());  // one commit for 1 000 issues
    for (int i = 0; i < kBookers; ++i) codes.push_back(Code(1000 + i));
    ASSERT_TRUE(tx->Commit().ok());
  }
  const Burst burst = RunBurst(path_, kBookers, [&](int i, ReservationStore& s) -> std::string {
    auto r = s.Book(y, Request(codes[static_cast<size_t>(i)]));
    if (!r.ok()) return "error: " + r.error().ToString();
    if (r->confirmed()) return "confirmed";
    if (r->refusal->code == RefusalCode::kFull &&
        r->refusal->reason.ja.find("満席") != std::string::npos) {
      return "full";
    }
    return std::string(RefusalCodeName(r->refusal->code));
  });
  EXPECT_EQ(burst.confirmed, kCapacity);
  EXPECT_EQ(burst.full, kBookers - kCapacity);
  for (const auto& [what, n] : burst.other) ADD_FAILURE() << n << " x " << what;
  const Counted db = Count(path_);
  EXPECT_EQ(db.bookings, kCapacity);
  EXPECT_EQ(db.booked, kCapacity);

  // Cancel one, then exactly one more booker gets in.
  auto list = store_->List("yokohama", "yokohama-naka", Date::Ymd(2026, 12, 1));
  ASSERT_EQ(list->size(), static_cast<size_t>(kCapacity));
  ASSERT_TRUE(store_->Cancel((*list)[0].number, (*list)[0].code, At(2026, 11, 21, 9, 0)).ok());
  std::vector<std::string> fresh;
  for (int i = 0; i < 50; ++i) fresh.push_back(Code(5000 + i));
  const Burst again = RunBurst(path_, 50, [&](int i, ReservationStore& s) -> std::string {
    auto r = s.Book(y, Request(fresh[static_cast<size_t>(i)]));
    if (!r.ok()) return "error: " + r.error().ToString();
    if (r->confirmed()) return "confirmed";
    return r->refusal->code == RefusalCode::kFull ? "full" : std::string(RefusalCodeName(r->refusal->code));
  });
  EXPECT_EQ(again.confirmed, 1);
  EXPECT_EQ(again.full, 49);
  EXPECT_TRUE(again.other.empty());
  EXPECT_EQ(Count(path_).bookings, kCapacity);
}

// The check above can fail: the same burst and count against a booker that reads the number
// of bookings, then writes in a second transaction (the read-then-write race the conditional
// UPDATE avoids) books more than the capacity, and the same assertions would catch it.
// One booker (the same phone number) asking for 40 different slots at once, each request on
// its own connection: the per-booker limit holds under concurrency too — on PostgreSQL, where
// bookings run beside each other, through the lock on (counter, booker).
TEST_P(ReservationStoreTest, OneBookersConcurrentRequestsGetOneBooking) {
  RaiseFileLimit();
  const Municipality& k = Profile("kanazawa");
  std::vector<std::pair<Date, int>> slots;
  for (Date d : {Date::Ymd(2026, 6, 8), Date::Ymd(2026, 6, 9), Date::Ymd(2026, 6, 10)}) {
    auto view = store_->SlotView(k, "kanazawa-cityhall", d);
    ASSERT_TRUE(view.ok()) << view.error().ToString();
    for (const auto& s : view->slots) slots.emplace_back(d, s.start_minute);
  }
  ASSERT_GE(slots.size(), 40u);
  const Burst burst = RunBurst(path_, 40, [&](int i, ReservationStore& s) -> std::string {
    BookingRequest r;
    r.counter_id = "kanazawa-cityhall";
    r.date = slots[static_cast<size_t>(i)].first;
    r.start_minute = slots[static_cast<size_t>(i)].second;
    r.name = "金沢　花子" + std::to_string(i);  // another name, the same phone: one booker
    r.phone = "076-220-2111";
    r.now = At(2026, 6, 1, 10, 0);
    auto out = s.Book(k, r);
    if (!out.ok()) return "error: " + out.error().ToString();
    if (out->confirmed()) return "confirmed";
    return out->refusal->code == RefusalCode::kBookerHasBooking ? "full" : std::string(RefusalCodeName(out->refusal->code));
  });
  EXPECT_EQ(burst.confirmed, 1);
  EXPECT_EQ(burst.full, 39);  // refused as the booker's second booking
  for (const auto& [what, n] : burst.other) ADD_FAILURE() << n << " x " << what;
}

TEST_P(ReservationStoreTest, TheBurstCatchesAReadThenWriteRace) {
  RaiseFileLimit();
  constexpr int kBookers = 16;
  constexpr int kCapacity = 3;
  std::latch all_read(kBookers);  // 16 threads on both engines
  const Burst burst = RunBurst(path_, kBookers, [&](int i, ReservationStore& s) -> std::string {
    store::Database& db = s.db();
    int64_t taken = 0;
    {
      auto q = db.Prepare(
          "SELECT COUNT(*) FROM reservation_bookings WHERE counter_id = 'yokohama-naka' AND day "
          "= '2026-12-01' AND start_minute = 555 AND status = 'confirmed'");
      if (!q.ok() || !(*q)->Step().ok()) return "error: read";
      taken = (*q)->ColumnInt(0);
    }
    all_read.arrive_and_wait();  // every booker has seen the slot empty
    if (taken >= kCapacity) return "full";
    auto tx = store::Transaction::Begin(db);
    if (!tx.ok()) return "error: " + tx.error().ToString();
    auto ins = db.Prepare(
        "INSERT INTO reservation_bookings (number, municipality, counter_id, day, start_minute, "
        "end_minute, code, resident_id, name, phone, cancel_token_hash, status, created_at, "
        "cancelled_at) VALUES ($1, 'yokohama', 'yokohama-naka', '2026-12-01', 555, 585, NULL, "
        "NULL, 'x', '', '', 'confirmed', 0, NULL)");
    if (!ins.ok() || !(*ins)->BindInt(1, 10000 + i).ok() || !(*ins)->Step().ok()) return "error: insert";
    if (!tx->Commit().ok()) return "error: commit";
    return "confirmed";
  });
  EXPECT_GT(burst.confirmed, kCapacity);  // the race overbooks ...
  EXPECT_GT(Count(path_).bookings, kCapacity);  // ... and the count in the database shows it
}

INSTANTIATE_TEST_SUITE_P(Engines, ReservationStoreTest,
                         ::testing::ValuesIn(store::testing::kEngines), store::testing::EngineName);

}  // namespace
}  // namespace mynacert::reservations
