#include "service/mailer.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "core/clock.h"

namespace mynacert::service {
namespace {

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Base64 in lines of 76 characters (RFC 2045 §6.8).
std::string Base64Lines(std::string_view data) {
  const std::string b = Base64(data);
  std::string out;
  for (size_t i = 0; i < b.size(); i += 76) out += b.substr(i, 76) + "\r\n";
  return out;
}

std::string OneLine(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

// An RFC 2047 encoded-word per chunk of whole UTF-8 characters, so no word exceeds 75 octets.
std::string EncodedWords(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;
    while (end < text.size() && end - i < 39) {
      const auto lead = static_cast<unsigned char>(text[end]);
      const size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      if (end - i + n > 42) break;
      end += n;
    }
    out += (out.empty() ? "" : "\r\n ") + std::string("=?UTF-8?B?") + Base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string RfcDate(int64_t at) { return FormatUtc(at, "%a, %d %b %Y %H:%M:%S +0000"); }

}  // namespace

std::string ComposeMime(const MailMessage& m) {
  std::string out;
  out += "Date: " + RfcDate(m.date) + "\r\n";
  out += "From: " + OneLine(m.from) + "\r\n";
  out += "To: " + OneLine(m.to) + "\r\n";
  out += "Subject: " + EncodedWords(OneLine(m.subject)) + "\r\n";
  out += "Message-ID: " + OneLine(m.message_id) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  const std::string text_part = "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                                Base64Lines(m.text);
  if (m.ics.empty()) return out + text_part;
  const std::string boundary = "mynacert-" + Base64(m.message_id).substr(0, 24);
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n" + text_part;
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/calendar; charset=UTF-8; method=PUBLISH;\r\n name=\"" + OneLine(m.ics_name) + "\"\r\n";
  out += "Content-Disposition: attachment; filename=\"" + OneLine(m.ics_name) + "\"\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(m.ics);
  out += "--" + boundary + "--\r\n";
  return out;
}

namespace {

struct Upload {
  std::string data;
  size_t at = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t items, void* user) {
  auto* u = static_cast<Upload*>(user);
  const size_t n = std::min(size * items, u->data.size() - u->at);
  std::copy_n(u->data.data() + u->at, n, buffer);
  u->at += n;
  return n;
}

}  // namespace

Status SmtpClient::Send(const MailMessage& m) const {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Error{ErrorCode::kInternal, "smtp", "curl_easy_init failed", ""};
  Upload upload{ComposeMime(m), 0};
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + OneLine(m.to) + ">").c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> rcpt_guard(rcpt, curl_slist_free_all);
  char err[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + OneLine(m.from) + ">").c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (starttls_) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    return Error{ErrorCode::kFailedPrecondition, "smtp",
                 std::string("メールを送れません (SMTP): ") + (err[0] ? err : curl_easy_strerror(rc)), ""};
  }
  return {};
}

}  // namespace mynacert::service
