-- Reservations (issue 6, R-OFF-5/6): the 予約ID of the city's notice (R-NOT-3), the slots with
-- their count of bookings, and the bookings. Portable SQL (store/database.h): $n parameters,
-- BIGINT times (Unix seconds), TEXT dates. The tables live in counter.db next to the counter's,
-- hence the reservation_ prefix. Booking numbers are allocated in reservation_sequences inside the
-- writing transaction (no engine-specific autoincrement).
CREATE TABLE reservation_sequences (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);

-- 予約ID (R-NOT-3): one per resident and certificate expiry, random (reservation_code.h), so
-- nothing about the resident can be read from it. It carries the first day of the renewal
-- window, from which a booking may be made (R-OFF-6, R-WIN-1).
CREATE TABLE reservation_codes (
  code TEXT PRIMARY KEY,          -- canonical: 11 Crockford base32 symbols, the last a check
  resident_id BIGINT NOT NULL,
  municipality TEXT NOT NULL,
  cert_expiry TEXT NOT NULL,
  window_start TEXT NOT NULL,
  booking_number BIGINT,          -- the confirmed booking made with it; NULL when none
  booking_day TEXT,               -- that booking's day: once it has passed the code is free again
  issued_at BIGINT NOT NULL,
  UNIQUE (resident_id, cert_expiry)
);

-- One row per slot booked at least once. The count is changed only by
--   UPDATE … SET booked = booked + 1 WHERE … AND booked < $capacity
-- inside the booking's transaction: the row is the unit of contention, so two bookers can
-- never both take the last place (docs/reservations.md). The CHECK is a second fence.
CREATE TABLE reservation_slots (
  municipality TEXT NOT NULL,
  counter_id TEXT NOT NULL,
  day TEXT NOT NULL,
  start_minute INTEGER NOT NULL,
  capacity INTEGER NOT NULL,      -- as the profile said at the last booking
  booked INTEGER NOT NULL,
  PRIMARY KEY (municipality, counter_id, day, start_minute),
  CHECK (booked >= 0 AND booked <= capacity)
);

-- A booking holds no more personal data than the counter needs: the 予約ID (or, without one,
-- the resident number), a contact name and, if given, a phone number.
CREATE TABLE reservation_bookings (
  number BIGINT PRIMARY KEY,      -- 予約番号, shown to the resident
  municipality TEXT NOT NULL,
  counter_id TEXT NOT NULL,
  day TEXT NOT NULL,
  start_minute INTEGER NOT NULL,
  end_minute INTEGER NOT NULL,
  code TEXT,                      -- the 予約ID, when booked with one
  resident_id BIGINT,             -- only when booked without a 予約ID
  name TEXT NOT NULL,
  phone TEXT NOT NULL,            -- '' if none given
  cancel_token_hash TEXT NOT NULL,  -- SHA-256 of the cancel token; the token is shown once
  status TEXT NOT NULL,           -- confirmed | cancelled
  created_at BIGINT NOT NULL,
  cancelled_at BIGINT
);
CREATE INDEX reservation_bookings_by_slot
  ON reservation_bookings (municipality, counter_id, day, start_minute);
CREATE INDEX reservation_bookings_by_code ON reservation_bookings (code);
