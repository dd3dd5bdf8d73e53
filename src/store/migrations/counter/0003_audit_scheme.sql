-- The audit log's keyed chain (counter/audit.h): each record says how its hash was made.
-- Records written before the key keep their SHA-256 chain ('sha256'); new records are
-- HMAC-SHA256 under the home's audit key ('hmac-sha256') and chain onto them.
ALTER TABLE audit_log ADD COLUMN scheme TEXT NOT NULL DEFAULT 'sha256';
