-- The expiry-notice batch (issue 6, R-NOT): which notice was produced for which certificate
-- expiry, once each. Lives in counter.db beside the residents and certificates it is about
-- (component "notices"; the counter's migrations run first).
-- Portable SQL (store/database.h): $n parameters, BIGINT times (Unix seconds), TEXT dates.

-- One run of `notices run --date D`. A run that stopped (crash, error) stays `running` and the
-- next run for the same date resumes it under the same id.
CREATE TABLE notice_batches (
  id TEXT PRIMARY KEY,           -- '20260501-1': run date and the run's number that day
  run_date TEXT NOT NULL,
  state TEXT NOT NULL,           -- running | done
  out_dir TEXT NOT NULL,         -- where its letters and CSV went
  started_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX notice_batches_by_date ON notice_batches (run_date, state);

-- One row per notice: the primary key is what makes a run idempotent — a notice for a
-- resident, of a kind, about one certificate expiry is produced once, whatever the run date.
-- What was printed (name, address, reservation ID) is kept so that a resumed run can rewrite
-- the mail vendor's CSV and staff can answer a holder whose letter did not arrive.
CREATE TABLE notices_sent (
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  kind TEXT NOT NULL,            -- jlis (R-NOT-1) | city (R-NOT-3)
  cert_expiry TEXT NOT NULL,     -- the certificate's last valid day the notice is about
  run_date TEXT NOT NULL,
  batch_id TEXT NOT NULL REFERENCES notice_batches (id),
  seq BIGINT NOT NULL,           -- order within the batch (the CSV's order)
  letter_id TEXT NOT NULL,       -- 'jlis-20260707-000000042'
  outcome TEXT NOT NULL,         -- mailed | undeliverable (R-NOT-2: forwarding request on file)
  municipality TEXT NOT NULL,
  postal_name TEXT NOT NULL,     -- '山形　花子 様'
  address TEXT NOT NULL,
  reservation_id TEXT NOT NULL,  -- city notice: the 予約ID printed on it; '' otherwise
  letter_file TEXT NOT NULL,     -- the chunk's PDF holding the letter; '' when not rendered
                                 -- (--no-pdf) or not mailed
  first_page INTEGER NOT NULL,   -- the letter's first page in that file (1-based); 0 if none
  pages INTEGER NOT NULL,        -- the letter's page count; 0 when not rendered
  at BIGINT NOT NULL,
  PRIMARY KEY (resident_id, kind, cert_expiry)
);
CREATE UNIQUE INDEX notices_sent_by_letter ON notices_sent (letter_id);
CREATE INDEX notices_sent_by_run ON notices_sent (run_date, batch_id, seq);
CREATE INDEX notices_sent_by_batch ON notices_sent (batch_id, seq);
