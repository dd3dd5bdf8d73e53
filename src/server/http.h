// An event-driven HTTP/1.1 server on Boost.Asio/Beast: requests are parsed by Beast, handed
// whole to one handler, and its response written back (keep-alive as asked). Used by the OCSP
// responder (ocsp_http.h) and by `mynacert serve` (service/).
//
//   * a body over `max_request_bytes` gets 413 and the connection closes; a header over 16 kB
//     or bytes that are not HTTP close the connection;
//   * idle connections close after `idle_timeout`;
//   * the handler runs on one of `threads` threads and must be thread-safe; it may block (the
//     service's handlers read SQLite), so the service runs more threads than cores.
//
// Thread-safety: Start/Stop from one thread.
#ifndef MYNACERT_SERVER_HTTP_H_
#define MYNACERT_SERVER_HTTP_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace mynacert::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string target;  // as sent: "/api/explain?birth=1980-07-07"
  std::string path;    // percent-decoded, without the query: "/api/explain"
  std::map<std::string, std::string> query;    // decoded; a repeated key keeps the last value
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote;  // peer address
  bool bad_target = false;  // the path or query did not percent-decode (path/query left raw)

  std::string Header(std::string_view name) const;  // lower-case name; "" when absent
  std::string Cookie(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (Start returns it)
  int threads = 1;
  size_t max_request_bytes = 64 * 1024;
  std::chrono::seconds idle_timeout{30};
};

class HttpServer {
 public:
  HttpServer(HttpOptions options, HttpHandler handler);
  ~HttpServer();  // stops and joins
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads; returns the bound port. Errors name --address or
  // --port; a second Start without a Stop in between is kFailedPrecondition.
  Result<uint16_t> Start();
  // Stops accepting, closes every connection and joins the threads. Idempotent; must not be
  // called from the handler.
  void Stop();
  uint64_t requests_served() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "%E5%B1%B1+x" → "山 x" (with plus_is_space); nullopt-like error on a bad escape.
Result<std::string> PercentDecode(std::string_view s, bool plus_is_space);
// "a=1&b=%20" → {a:1, b:" "}; malformed escapes are an error naming the key.
Result<std::map<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace mynacert::server

#endif  // MYNACERT_SERVER_HTTP_H_
