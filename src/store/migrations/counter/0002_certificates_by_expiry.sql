-- The expiry-notice batch (issue 6, R-NOT) selects the active certificates expiring in a date
-- range every day; over a million holders that must be an index range scan, not a table scan.
CREATE INDEX certificates_by_expiry ON certificates (state, last_valid_day);
