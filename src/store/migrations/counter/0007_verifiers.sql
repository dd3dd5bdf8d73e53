-- Registered verifiers (issue 18, rules-lifecycle.md R-VER-1, R-VER-3, R-VER-4).
-- Revocation data goes to parties registered in advance: 署名検証者 (sign) and
-- 利用者証明検証者 (auth). A verifier calls with an API key, stored only as its SHA-256. Its
-- pairwise holder IDs are keyed with its own random salt: stable for one person across
-- renewals, different for each verifier, unlinkable without the database.
CREATE TABLE verifiers (
  id TEXT PRIMARY KEY,            -- 'V' + 12 upper-case hex digits, random
  name TEXT NOT NULL,             -- 名称, as registered
  kinds TEXT NOT NULL,            -- sign | auth | sign,auth
  key_hash TEXT NOT NULL,         -- SHA-256 (hex) of the API key
  pairwise_salt TEXT NOT NULL,    -- 64 hex digits: the HMAC key of its holder IDs (R-VER-4)
  state TEXT NOT NULL,            -- active | revoked
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at BIGINT
);
CREATE UNIQUE INDEX verifiers_by_key ON verifiers (key_hash);

-- The holder's consent (R-VER-3, since 2024-10-29) that, after a revocation for a change of
-- the record (affiliationChanged), this verifier gets the new sign certificate and the new
-- 基本4情報. Given with the card (the sign certificate's key over a holder challenge), withdrawn
-- the same way; one row per (verifier, resident), the latest decision.
CREATE TABLE verifier_consents (
  verifier_id TEXT NOT NULL REFERENCES verifiers (id),
  resident_id BIGINT NOT NULL REFERENCES residents (id),
  granted_at BIGINT NOT NULL,
  granted_serial TEXT NOT NULL,   -- the sign certificate whose key signed the consent
  withdrawn_at BIGINT,
  PRIMARY KEY (verifier_id, resident_id)
);
