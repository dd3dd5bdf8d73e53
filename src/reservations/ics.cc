#include "reservations/ics.h"

#include "calendar/schedule.h"
#include "core/clock.h"
#include "core/date_text.h"
#include "reservations/reservation_code.h"

namespace mynacert::reservations {

std::string IcsEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      default: out += ch;
    }
  }
  return out;
}

std::string IcsFold(std::string_view line) {
  std::string out;
  size_t width = 0;  // octets on the current physical line
  for (size_t i = 0; i < line.size();) {
    // The whole UTF-8 character: a continuation line never starts inside one.
    size_t n = 1;
    const auto lead = static_cast<unsigned char>(line[i]);
    if (lead >= 0xF0) n = 4;
    else if (lead >= 0xE0) n = 3;
    else if (lead >= 0xC0) n = 2;
    n = std::min(n, line.size() - i);
    if (width + n > 75) {
      out += "\r\n ";
      width = 1;  // the leading space counts
    }
    out.append(line.substr(i, n));
    width += n;
    i += n;
  }
  out += "\r\n";
  return out;
}

namespace {

std::string Local(Date d, int minute) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d00", d.year(), d.month(), d.day(), minute / 60,
                minute % 60);
  return buf;
}

std::string Utc(int64_t unix_seconds) { return FormatUtc(unix_seconds, "%Y%m%dT%H%M%SZ"); }

}  // namespace

std::string BookingIcs(const profiles::Municipality& m, const profiles::Counter& c, const Booking& b,
                       std::string_view url, int64_t stamp) {
  std::string out;
  auto line = [&out](std::string_view l) { out += IcsFold(l); };
  auto text = [&line](std::string_view name, std::string_view value) {
    line(std::string(name) + ":" + IcsEscape(value));
  };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//mynacert//bookings//JA");
  line("CALSCALE:GREGORIAN");
  line("METHOD:PUBLISH");
  // Japan has kept +09:00 all year since 1951: one STANDARD component says so.
  line("BEGIN:VTIMEZONE");
  line("TZID:Asia/Tokyo");
  line("BEGIN:STANDARD");
  line("DTSTART:19700101T000000");
  line("TZOFFSETFROM:+0900");
  line("TZOFFSETTO:+0900");
  line("TZNAME:JST");
  line("END:STANDARD");
  line("END:VTIMEZONE");
  line("BEGIN:VEVENT");
  line("UID:booking-" + std::to_string(b.number) + "-" + b.municipality + "@mynacert");
  line("DTSTAMP:" + Utc(stamp));
  line("SEQUENCE:" + std::to_string(b.changes));
  line("DTSTART;TZID=Asia/Tokyo:" + Local(b.day, b.start_minute));
  line("DTEND;TZID=Asia/Tokyo:" + Local(b.day, b.end_minute));
  line(b.status == "cancelled" ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
  text("SUMMARY", "マイナンバーカード電子証明書の手続き (予約番号 " + std::to_string(b.number) +
                      ") / My Number Card certificates, booking " + std::to_string(b.number));
  std::string where = m.name_ja + " " + c.name_ja;
  const std::string& address = c.address_ja;
  if (!address.empty()) where += "、" + address;
  text("LOCATION", where);
  std::string desc = "予約番号 " + std::to_string(b.number) + "\n" + JapaneseLongDate(b.day) + " " +
                     calendar::FormatMinute(b.start_minute) + "〜" + calendar::FormatMinute(b.end_minute) +
                     "\n" + c.name_ja + " (" + c.name_en + ")\n";
  if (!b.code.empty()) desc += "予約ID " + GroupSymbols(b.code) + "\n";
  desc += "持ち物: 本人のマイナンバーカード。本人が来る場合は暗証番号2つ (利用者証明用: 数字4桁、"
          "署名用: 英数字6〜16文字) を確かめておいてください。代理人・法定代理人の持ち物は予約の"
          "ページのチェックリストのとおりです。\n"
          "Bring the holder's My Number Card; a holder coming in person must know both PINs.\n";
  if (!m.contact.phone.empty()) {
    desc += "問い合わせ (enquiries): " + (m.contact.department_ja.empty() ? m.name_ja : m.contact.department_ja) +
            " " + m.contact.phone + "\n";
  }
  if (!url.empty()) desc += std::string(url) + "\n";
  text("DESCRIPTION", desc);
  if (!url.empty()) line("URL:" + std::string(url));
  // A reminder one day before the start.
  if (b.status != "cancelled") {
    line("BEGIN:VALARM");
    line("ACTION:DISPLAY");
    line("TRIGGER:-P1D");
    text("DESCRIPTION", "明日はマイナンバーカードの手続きです (予約番号 " + std::to_string(b.number) + ")");
    line("END:VALARM");
  }
  line("END:VEVENT");
  line("END:VCALENDAR");
  return out;
}

}  // namespace mynacert::reservations
