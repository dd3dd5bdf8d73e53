-- The service (issue 6): staff accounts and their sessions. Passwords are stored only as scrypt
-- hashes; a session is looked up by the SHA-256 of its cookie token, so a copy of the database
-- holds no usable token. Portable SQL (store/database.h).
CREATE TABLE service_staff (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,            -- clerk | supervisor
  password_hash TEXT NOT NULL,   -- scrypt$N$r$p$salt_hex$hash_hex
  created_at BIGINT NOT NULL,
  failed_logins BIGINT NOT NULL,
  locked_until BIGINT NOT NULL
);
CREATE TABLE service_sessions (
  token_sha256 TEXT PRIMARY KEY,
  staff TEXT NOT NULL REFERENCES service_staff (name),
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX service_sessions_by_staff ON service_sessions (staff);
