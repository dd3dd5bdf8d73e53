-- CRL partitions (issue 18, pki/publication.h): each certificate's scope — the municipality of a
-- sign certificate, the last hex digit of an auth certificate's serial — so that the CRL a
-- certificate's distribution point names is made from an index range. Certificates issued
-- before have the scope '' and stay on the generation's whole CRL (/crl/<kind>.crl).
-- ca_crls.crl_scope: '' for a whole-generation CRL, else the partition.
ALTER TABLE ca_certificates ADD COLUMN crl_scope TEXT NOT NULL DEFAULT '';
ALTER TABLE ca_crls ADD COLUMN crl_scope TEXT NOT NULL DEFAULT '';
CREATE INDEX ca_certificates_revoked_by_scope ON ca_certificates
  (ca_kind, ca_generation, crl_scope, state, serial, revoked_at, reason);
CREATE INDEX ca_crls_by_scope ON ca_crls (ca_kind, ca_generation, crl_scope, crl_number);
