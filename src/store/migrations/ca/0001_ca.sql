-- The CA store (issue 3): issued certificates with their state, the event log (revocations,
-- holds, releases; its seq drives OCSP re-signing and delta CRLs), the CRLs published, counters.
-- Portable SQL (store/database.h): $n parameters, BIGINT times (Unix seconds).
CREATE TABLE ca_certificates (
  ca_kind TEXT NOT NULL,
  ca_generation INTEGER NOT NULL,
  serial TEXT NOT NULL,
  subject_cn TEXT NOT NULL,
  not_before BIGINT NOT NULL,
  not_after BIGINT NOT NULL,
  issued_at BIGINT NOT NULL,
  der BYTEA NOT NULL,
  holder_ref TEXT NOT NULL,
  state TEXT NOT NULL,
  revoked_at BIGINT,
  reason INTEGER,
  changed_seq BIGINT NOT NULL,
  PRIMARY KEY (ca_kind, serial)
);
CREATE INDEX ca_certificates_by_state ON ca_certificates (ca_kind, ca_generation, state);
CREATE INDEX ca_certificates_by_change ON ca_certificates (changed_seq);
CREATE INDEX ca_certificates_by_holder ON ca_certificates (holder_ref);
CREATE TABLE ca_events (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  ca_kind TEXT NOT NULL,
  serial TEXT NOT NULL,
  reason INTEGER,
  note TEXT NOT NULL
);
CREATE TABLE ca_crls (
  ca_kind TEXT NOT NULL,
  crl_number BIGINT NOT NULL,
  ca_generation INTEGER NOT NULL,
  delta_base BIGINT,
  this_update BIGINT NOT NULL,
  next_update BIGINT NOT NULL,
  last_seq BIGINT NOT NULL,
  entries BIGINT NOT NULL,
  PRIMARY KEY (ca_kind, crl_number)
);
CREATE TABLE ca_counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO ca_counters (name, value) VALUES ('event_seq', 0), ('crl_sign', 0), ('crl_auth', 0);
