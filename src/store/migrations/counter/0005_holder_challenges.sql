-- The online revocation request of a holder (R-REV-2, counter/lifecycle.h): a challenge the
-- service issues for one certificate, answered once with a signature by that certificate's key.
-- `used_at` is set when it is answered (or tried): a replay finds it used.
CREATE TABLE holder_challenges (
  id TEXT PRIMARY KEY,        -- 32 hex digits, random
  kind TEXT NOT NULL,         -- auth | sign
  serial TEXT NOT NULL,       -- as the CA records it
  challenge TEXT NOT NULL,    -- 64 hex digits, random
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
