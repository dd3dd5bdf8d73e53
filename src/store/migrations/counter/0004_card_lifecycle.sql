-- The rest of a card's life (issue 17, rules-lifecycle.md R-LOST, R-REV).
--   cards.state        gains 'suspended' (一時停止 by the hotline, R-LOST-1) and 'abolished'
--                      (廃止 after a 紛失届, R-LOST-4)
--   certificates.state gains 'held' (certificateHold; final, R-LOST-2)
-- A queued revocation says the rule it carries out (R-CERT-5 for the rows from before).
ALTER TABLE pending_revocations ADD COLUMN rule TEXT NOT NULL DEFAULT 'R-CERT-5';

-- One row per call to the loss hotline (R-LOST-1): who was identified, what was held, by whom.
CREATE TABLE hotline_calls (
  id BIGINT PRIMARY KEY,
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  card_id BIGINT NOT NULL REFERENCES cards (id),
  at BIGINT NOT NULL,
  operator TEXT NOT NULL,          -- the hotline staff account
  event TEXT NOT NULL,             -- lost | stolen
  caller TEXT NOT NULL,            -- holder | family | other
  caller_name TEXT NOT NULL,       -- '' when the holder calls
  outside_home INTEGER NOT NULL,   -- lost outside the home: report to the police too
  police_receipt TEXT NOT NULL,    -- 受理番号, '' when not (yet) given
  held TEXT NOT NULL,              -- JSON [{"kind", "serial"}] put on hold by this call
  note TEXT NOT NULL
);
CREATE INDEX hotline_calls_by_resident ON hotline_calls (resident_id, id);

-- The hotline identifies a caller nationwide by birth date first (then name and address).
CREATE INDEX residents_by_birth ON residents (birth);
