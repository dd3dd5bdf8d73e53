-- Wrong passwords are counted per (name, address) (issue 14): a stranger's wrong guesses lock
-- that name out for the stranger's address only, never for the clerk at the counter, and a name
-- that does not exist is counted exactly like one that does, so the answers tell nothing.
CREATE TABLE service_login_failures (
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  failures BIGINT NOT NULL,
  locked_until BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  PRIMARY KEY (name, address)
);
CREATE INDEX service_login_failures_by_time ON service_login_failures (last_at);
