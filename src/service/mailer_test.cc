// The booking e-mail: its MIME text, and a real SMTP exchange with a local server (aiosmtpd)
// whose mailbox Python's email package reads back.
#include "service/mailer.h"

#include <gtest/gtest.h>

#include "service/smtp_testing.h"

namespace mynacert::service {
namespace {

MailMessage Sample() {
  MailMessage m;
  m.from = "noreply@example.lg.jp";
  m.to = "hanako@example.jp";
  m.subject = "予約を受け付けました — 予約番号 12 / Booking 12 confirmed";
  m.text = "金沢　花子 様\n予約番号: 12\n";
  m.ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
  m.ics_name = "mynacert-booking-12.ics";
  m.message_id = "<12-booked-0.1764000000@mynacert>";
  m.date = 1'764'000'000;
  return m;
}

TEST(MailerTest, TheMessageIsMimeWithEncodedHeadersAndNoInjectedLines) {
  MailMessage m = Sample();
  m.to = "hanako@example.jp\r\nBcc: everyone@example.jp";  // a header cannot be smuggled in
  const std::string mime = ComposeMime(m);
  EXPECT_NE(mime.find("Date: Mon, 24 Nov 2025 16:00:00 +0000\r\n"), std::string::npos);
  EXPECT_EQ(mime.find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(mime.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(mime.find("Content-Type: multipart/mixed; boundary="), std::string::npos);
  EXPECT_NE(mime.find("filename=\"mynacert-booking-12.ics\""), std::string::npos);
  for (size_t i = 0; i < mime.size(); ++i) {
    if (mime[i] == '\n') {
      ASSERT_EQ(mime[i - 1], '\r') << "bare LF at " << i;
    }
  }
  // No line over RFC 5322's 78 characters.
  size_t start = 0;
  while (start < mime.size()) {
    const size_t end = mime.find("\r\n", start);
    EXPECT_LE(end - start, 78u) << mime.substr(start, end - start);
    start = end + 2;
  }
}

TEST(MailerTest, ALocalSmtpServerReceivesTheMessageAsWritten) {
  if (!testing::HaveAiosmtpd()) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") FAIL() << "python3-aiosmtpd is not installed (CI installs it)";
    GTEST_SKIP() << "python3-aiosmtpd not installed";
  }
  testing::TestSmtpServer smtp;
  ASSERT_TRUE(smtp.Start());
  ASSERT_TRUE(SmtpClient(smtp.url()).Send(Sample()).ok());
  const auto got = smtp.Messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].find("To: hanako@example.jp\n"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("Subject: 予約を受け付けました — 予約番号 12 / Booking 12 confirmed\n"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("金沢　花子 様"), std::string::npos);
  EXPECT_NE(got[0].find("ATTACHMENT mynacert-booking-12.ics text/calendar"), std::string::npos);
  // A server that is not there: an error naming SMTP, nothing thrown.
  const Status down = SmtpClient("smtp://127.0.0.1:1").Send(Sample());
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().field, "smtp");
}

}  // namespace
}  // namespace mynacert::service
