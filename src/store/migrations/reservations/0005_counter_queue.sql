-- Issue 16, R-OFF-3 (seed 001: 市役所本庁舎については混雑状況をご確認いただけます): numbered
-- tickets (整理券) a counter issues and calls, from which the public page shows the number being
-- served, the people waiting and the wait. One row per ticket; numbers start at 1 each day.
CREATE TABLE counter_tickets (
  municipality TEXT NOT NULL,
  counter_id TEXT NOT NULL,
  day TEXT NOT NULL,
  number INTEGER NOT NULL,
  issued_at BIGINT NOT NULL,
  called_at BIGINT,               -- when a clerk called it
  called_by TEXT,                 -- that clerk
  done_at BIGINT,                 -- when the same clerk called the next one
  PRIMARY KEY (municipality, counter_id, day, number)
);
