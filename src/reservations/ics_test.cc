// The calendar file of a booking: RFC 5545's folding and escaping, and the file read back by an
// independent implementation (Python's icalendar, Debian python3-icalendar, run by the
// system python3 that package installs into).
#include "reservations/ics.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "profiles/loader.h"

namespace mynacert::reservations {
namespace {

const profiles::Municipality& Profile(const std::string& id) {
  static const profiles::Registry registry = *profiles::Registry::Builtin();
  return **registry.Find(id);
}

Booking Sample() {
  Booking b;
  b.number = 42;
  b.municipality = "kanazawa";
  b.counter_id = "kanazawa-cityhall";
  b.day = Date::Ymd(2026, 12, 1);
  b.start_minute = 9 * 60 + 15;
  b.end_minute = 9 * 60 + 45;
  b.name = "金沢　花子";
  b.status = "confirmed";
  b.changes = 2;
  return b;
}

TEST(IcsTest, EscapesTextAndFoldsAtSeventyFiveOctetsBetweenCharacters) {
  EXPECT_EQ(IcsEscape("a;b,c\\d\ne\r"), "a\\;b\\,c\\\\d\\ne");
  EXPECT_EQ(IcsFold("SHORT:x"), "SHORT:x\r\n");
  // 3-octet characters: a fold never splits one, and no physical line exceeds 75 octets.
  std::string line = "SUMMARY:";
  for (int i = 0; i < 60; ++i) line += "電";
  const std::string folded = IcsFold(line);
  size_t start = 0;
  std::string unfolded;
  while (start < folded.size()) {
    const size_t end = folded.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    const std::string physical = folded.substr(start, end - start);
    EXPECT_LE(physical.size(), 75u) << physical;
    if (start > 0) {
      ASSERT_EQ(physical[0], ' ');
      // The continuation starts at a character boundary (not a UTF-8 continuation byte).
      EXPECT_NE(static_cast<unsigned char>(physical[1]) & 0xC0, 0x80);
      unfolded += physical.substr(1);
    } else {
      unfolded += physical;
    }
    start = end + 2;
  }
  EXPECT_EQ(unfolded, line);
}

TEST(IcsTest, TheBookingIsOneEventInTokyoTimeWithItsNumberAndPlace) {
  const profiles::Municipality& k = Profile("kanazawa");
  const Booking b = Sample();
  const std::string ics = BookingIcs(k, *k.FindCounter(b.counter_id), b, "https://example.jp/#booking-42",
                                     1'764'000'000);
  EXPECT_EQ(ics.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_NE(ics.find("DTSTART;TZID=Asia/Tokyo:20261201T091500\r\n"), std::string::npos);
  EXPECT_NE(ics.find("DTEND;TZID=Asia/Tokyo:20261201T094500\r\n"), std::string::npos);
  EXPECT_NE(ics.find("UID:booking-42-kanazawa@mynacert\r\n"), std::string::npos);
  EXPECT_NE(ics.find("SEQUENCE:2\r\n"), std::string::npos);  // moved twice
  EXPECT_NE(ics.find("STATUS:CONFIRMED"), std::string::npos);
  EXPECT_NE(ics.find("DTSTAMP:20251124T160000Z"), std::string::npos);
  // Every line ends CRLF; nothing of the holder's name is in the file (it may be shared).
  EXPECT_EQ(ics.find("金沢　花子"), std::string::npos);
  for (size_t i = 0; i < ics.size(); ++i) {
    if (ics[i] == '\n') {
      EXPECT_EQ(ics[i - 1], '\r') << "at " << i;
    }
  }
  Booking cancelled = b;
  cancelled.status = "cancelled";
  const std::string gone = BookingIcs(k, *k.FindCounter(b.counter_id), cancelled, "", 1'764'000'000);
  EXPECT_NE(gone.find("STATUS:CANCELLED"), std::string::npos);
  EXPECT_EQ(gone.find("VALARM"), std::string::npos);
  EXPECT_EQ(gone.find("URL:"), std::string::npos);
}

// Python's icalendar reads the file back: the event's start, end, place and summary as written.
TEST(IcsTest, AnIndependentParserReadsTheSameEvent) {
  const char* ci = std::getenv("CI");
  if (std::system("/usr/bin/python3 -c 'import icalendar' >/dev/null 2>&1") != 0) {
    if (ci && std::string(ci) == "true") FAIL() << "python3-icalendar is not installed (CI installs it)";
    GTEST_SKIP() << "python3-icalendar not installed";
  }
  const profiles::Municipality& k = Profile("kanazawa");
  const std::string ics = BookingIcs(k, *k.FindCounter("kanazawa-cityhall"), Sample(), "https://example.jp/b", 0);
  const auto dir = std::filesystem::temp_directory_path() / ("ics_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "b.ics", std::ios::binary) << ics; }
  {
    std::ofstream(dir / "read.py") << R"(import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
ev = [c for c in cal.walk('VEVENT')][0]
print(ev.decoded('dtstart').isoformat())
print(ev.decoded('dtend').isoformat())
print(str(ev.get('location')))
print(str(ev.get('summary')))
print(len([c for c in cal.walk('VEVENT')]))
)";
  }
  const std::string cmd = "/usr/bin/python3 " + (dir / "read.py").string() + " " + (dir / "b.ics").string();
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ASSERT_EQ(pclose(p), 0) << out;
  std::filesystem::remove_all(dir);
  EXPECT_EQ(out,
            "2026-12-01T09:15:00+09:00\n2026-12-01T09:45:00+09:00\n"
            "金沢市 市役所第一本庁舎1階 マイナンバーカード総合窓口、金沢市広坂1丁目1番1号\n"
            "マイナンバーカード電子証明書の手続き (予約番号 42) / My Number Card certificates, booking 42\n1\n");
}

}  // namespace
}  // namespace mynacert::reservations
