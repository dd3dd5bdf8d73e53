-- A verifier's TLS client certificate (issue 18, R-VER-1): the other credential beside the API
-- key. The TLS proxy in front (nginx, ssl_verify_client) checks the chain against the verifier
-- CA the operator trusts and forwards the certificate; the service then accepts exactly the
-- registered certificate, by the SHA-256 of its DER — a certificate of the same CA that was not
-- registered, or one registered to a revoked verifier, opens nothing.
ALTER TABLE verifiers ADD COLUMN client_cert_sha256 TEXT;    -- 64 lower-case hex digits, or NULL
ALTER TABLE verifiers ADD COLUMN client_cert_subject TEXT;   -- for the staff list
ALTER TABLE verifiers ADD COLUMN client_cert_not_after BIGINT;
CREATE UNIQUE INDEX verifiers_by_client_cert ON verifiers (client_cert_sha256);
