-- What a holder asks online with the card (counter/lifecycle.h): a challenge the service issues
-- for one certificate, answered once with a signature by that certificate's key — a revocation
-- request (R-REV-2) or a kiosk booking (R-KIOSK-1). `used_at` is set when it is answered (or
-- tried): a replay finds it used.
CREATE TABLE holder_challenges (
  id TEXT PRIMARY KEY,        -- 32 hex digits, random
  purpose TEXT NOT NULL,      -- revocation | kiosk:auth | kiosk:sign (the PIN to reset)
  kind TEXT NOT NULL,         -- auth | sign
  serial TEXT NOT NULL,       -- as the CA records it
  challenge TEXT NOT NULL,    -- 64 hex digits, random
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);

-- A kiosk PIN reset booked with the card (R-KIOSK-1): the holder proved the other certificate's
-- key (and so its PIN); the kiosk resets `forgotten` once, before `expires_at`.
CREATE TABLE kiosk_bookings (
  id TEXT PRIMARY KEY,        -- 32 hex digits, the booking number the kiosk asks for
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  card_id BIGINT NOT NULL REFERENCES cards (id),
  known_kind TEXT NOT NULL,   -- auth | sign: the certificate whose key signed the booking
  known_serial TEXT NOT NULL,
  forgotten TEXT NOT NULL,    -- auth | sign: the PIN the kiosk resets
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
