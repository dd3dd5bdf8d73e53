-- Who booked without a 予約ID (issue 14): the phone's digits or the name without spaces, so that
-- one booker holds at most `max_active_per_booker` bookings at a counter (one anonymous client
-- booked every place of a city hall). NULL for bookings made with a 予約ID and for older rows.
ALTER TABLE reservation_bookings ADD COLUMN booker_key TEXT;
CREATE INDEX reservation_bookings_by_booker
  ON reservation_bookings (municipality, counter_id, booker_key);
