-- Issue 16: a booking moved to another slot keeps its number, 予約ID and cancel token; `changes`
-- counts the moves (the SEQUENCE of its calendar file, RFC 5545 §3.8.7.4, so that a calendar
-- replaces the old time). `booked_by`: the staff member who booked on a caller's behalf (phone
-- booking, seed 003 専用ダイヤル); NULL for a booking the resident made on the web.
ALTER TABLE reservation_bookings ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reservation_bookings ADD COLUMN booked_by TEXT;
