-- Issue 16: a confirmation e-mail for a booking, its move and its cancellation, when the
-- resident gave an address and the deployment has an SMTP server. The message to send is a row
-- written in the booking's own transaction (an outbox): a crash after the commit leaves it to
-- be sent at the next start, never lost and never sent for a refused booking. The address is
-- cleared once the message is sent or given up.
ALTER TABLE reservation_bookings ADD COLUMN email TEXT;
CREATE TABLE reservation_mail (
  id TEXT PRIMARY KEY,            -- "<number>-<kind>-<changes>": one message per event
  booking_number BIGINT NOT NULL,
  kind TEXT NOT NULL,             -- booked | changed | cancelled
  to_addr TEXT,                   -- NULL once sent or given up
  status TEXT NOT NULL,           -- pending | sending | sent | failed
  attempts INTEGER NOT NULL,
  next_at BIGINT NOT NULL,        -- Unix seconds: not before (retries back off)
  claimed_at BIGINT,              -- while `sending`: a claim older than 5 minutes is taken again
  last_error TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX reservation_mail_due ON reservation_mail (status, next_at);
