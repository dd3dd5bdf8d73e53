-- The card's own expiry notice (kind 'card', rules-lifecycle.md R-CARD-1): J-LIS's notice of the
-- card's expiry with the 交付申請書. Its notices_sent row reuses cert_expiry for the CARD's expiry
-- (the key stays (resident, kind, expiry): one card notice per card expiry).

-- The selection's range scan over active cards by expiry, as certificates_by_expiry (counter
-- migration 0002) serves the certificate notices.
CREATE INDEX cards_by_expiry ON cards (state, expires);

-- The 申請書ID the card notice carries (counter card_applications.id), '' for other kinds:
-- staff give it to a holder whose notice was not mailed (R-NOT-2).
ALTER TABLE notices_sent ADD COLUMN application_id TEXT NOT NULL DEFAULT '';
