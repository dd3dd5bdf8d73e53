-- The card's own renewal and face-authentication cards (issue 17, rules-lifecycle.md R-CARD,
-- R-FACE).
--   cards.face: a face-authentication card (顔認証マイナンバーカード, R-FACE-1): no PINs for the
--   certificates, no sign certificate; switched both ways at a counter (R-FACE-3).
ALTER TABLE cards ADD COLUMN face INTEGER NOT NULL DEFAULT 0;

-- One row per card-expiry notice: the 交付申請書 it carries (R-CARD-1) and what became of it —
-- the application, the new card's production, the 交付通知書, the pick-up booking and the
-- pick-up at the counter (R-CARD-2).
CREATE TABLE card_applications (
  id TEXT PRIMARY KEY,             -- 申請書ID: 23 digits, printed on the form and in its QR code
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  old_card_id BIGINT NOT NULL REFERENCES cards (id),
  card_expiry TEXT NOT NULL,       -- the old card's expiry the notice is about
  state TEXT NOT NULL,             -- noticed | applied | produced | notified | picked_up | cancelled
  noticed_on TEXT NOT NULL,
  channel TEXT NOT NULL,           -- '' | online | post | counter
  photo TEXT NOT NULL,             -- '' | uploaded | attached | taken_at_counter
  face INTEGER NOT NULL,           -- a face-authentication card asked for (R-FACE-1)
  applied_on TEXT,
  produced_on TEXT,
  notified_on TEXT,
  picked_up_on TEXT,
  location TEXT NOT NULL,          -- the produced card's file ('' before production)
  chip_id TEXT NOT NULL,
  new_card_expiry TEXT,
  pickup_booking TEXT NOT NULL,    -- the reservation's 予約番号, '' when none
  case_id BIGINT,                  -- the pick-up case
  clerk TEXT NOT NULL,             -- who last changed it ('online' for the holder)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX card_applications_by_resident ON card_applications (resident_id, card_expiry);
CREATE INDEX card_applications_by_state ON card_applications (state);
