// Booking confirmations by e-mail (issue 16): the MIME message (text in the resident's
// language pair, the booking's .ics attached) and an SMTP client on libcurl. The service sends
// what the reservations outbox holds (reservations.h, ClaimMail), from its serving loop.
//
// Thread-safety: ComposeMime is pure; an SmtpClient is used by one thread at a time.
#ifndef MYNACERT_SERVICE_MAILER_H_
#define MYNACERT_SERVICE_MAILER_H_

#include <cstdint>
#include <string>

#include "core/result.h"

namespace mynacert::service {

struct MailMessage {
  std::string from;        // "noreply@city.example.lg.jp"
  std::string to;          // an addr-spec (reservations.h checked it)
  std::string subject;     // UTF-8
  std::string text;        // UTF-8, the body
  std::string ics;         // a calendar file to attach ("" = none)
  std::string ics_name;    // its file name
  std::string message_id;  // "<booking-12-booked-0.1764000000@mynacert>"
  int64_t date = 0;        // Unix seconds
};

// The RFC 5322 message: CRLF lines, an RFC 2047 subject, base64 UTF-8 parts (multipart/mixed
// when there is an .ics). Header values never carry CR or LF (they are removed).
std::string ComposeMime(const MailMessage& m);

class SmtpClient {
 public:
  // `url`: smtp://host[:port] or smtps://…; `starttls` asks for STARTTLS on smtp://.
  explicit SmtpClient(std::string url, bool starttls = false) : url_(std::move(url)), starttls_(starttls) {}
  // Sends one message; an error says what the server or the connection answered.
  Status Send(const MailMessage& m) const;

 private:
  std::string url_;
  bool starttls_;
};

}  // namespace mynacert::service

#endif  // MYNACERT_SERVICE_MAILER_H_
