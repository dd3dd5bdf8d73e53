-- A covering index for the CRL scan: the entries come from the index alone, never from the
-- table rows with their certificates (1.5 kB each on a real CA).
DROP INDEX ca_certificates_by_state;
CREATE INDEX ca_certificates_revoked ON ca_certificates
  (ca_kind, ca_generation, state, serial, revoked_at, reason);
