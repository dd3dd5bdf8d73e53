// An event-driven HTTP/1.1 server on Boost.Asio/Beast: requests are parsed by Beast, handed
// whole to one handler, and its response written back (keep-alive as asked). Used by the OCSP
// responder (ocsp_http.h) and by `mynacert serve` (service/).
//
//   * the header is read first (over 16 kB, or bytes that are not HTTP, close the connection);
//     then `plan(head).body_limit` (or `max_request_bytes`) bounds the body. A Content-Length over
//     it is refused before any body byte is read; a chunked body is cut when it passes it.
//     Either way the answer is `too_large(head)` (default: a JSON 413) and the connection closes;
//   * HEAD: the answer has the head of the handler's response, with the Content-Length its body
//     would have, and no body (RFC 9110 §9.3.2). The handler sees method "HEAD"; answering it
//     like GET is the application's choice;
//   * the path and each query key and value must percent-decode to well-formed UTF-8 without
//     NUL (no overlongs, surrogates or code points over U+10FFFF); otherwise the handler still
//     gets the request, with `bad_target` set, `bad_field` naming what was wrong ("path",
//     "query" for a key, else the key whose value was bad), the path raw and the query empty;
//   * at most `max_connections` connections live at once (0: RLIMIT_NOFILE's soft limit at
//     Start minus 64 descriptors kept for files and SQLite, at least 16). A connection over
//     the cap sheds the connection that has been idle longest — one waiting for the header of
//     its next (or first) request, not one whose request is being read, handled or answered;
//     when none is idle the new one gets a 503 with Retry-After and is closed at once;
//   * accept errors that mean "out of resources" (EMFILE, ENFILE, ENOBUFS, ENOMEM, …) do not
//     re-arm the accept at once (that spins at 100 % CPU while the backlog stays full): the
//     next accept waits 50 ms, doubling to 1 s while the errors last; on EMFILE/ENFILE the
//     longest-idle connection is shed too, so the descriptor limit cannot stop the service;
//   * idle connections close after `idle_timeout` (which also bounds reading one request);
//   * the handler runs on one of `threads` serving threads and must be thread-safe; it may
//     block briefly (the service's handlers read SQLite), so the service runs more threads than
//     cores. A request whose plan says `slow` (a staff login's scrypt: tens of ms and 32 MiB)
//     runs instead on a pool of `slow_threads` threads at a lower CPU priority (`slow_nice`),
//     and its answer is written from the connection's strand: a flood of slow requests can
//     neither occupy the serving threads nor take their CPU. At most `slow_queue` slow requests
//     wait or run at once; one more is answered 503 with Retry-After at once (a queue that
//     grew with the flood would make every login, a clerk's too, wait behind it);
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
  std::string method;                          // "GET", "POST", …
  std::string target;                          // as sent: "/api/explain?birth=1980-07-07"
  std::string path;                            // percent-decoded, without the query: "/api/explain"
  std::map<std::string, std::string> query;    // decoded; a repeated key keeps the last value
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote;       // the client's address: the peer's, or the one a trusted proxy
                            // names (HttpOptions::trusted_proxies)
  bool secure = false;      // reached over TLS: a trusted proxy said X-Forwarded-Proto: https
  std::string client_cert;  // the TLS client certificate (PEM) a trusted proxy verified:
                            // X-SSL-Client-Verify: SUCCESS with X-SSL-Client-Cert (nginx's
                            // $ssl_client_escaped_cert, percent-encoded); "" otherwise
  bool bad_target = false;  // the path or query did not percent-decode (path/query left raw)
                            // or was not well-formed UTF-8 / held a NUL
  std::string bad_field;    // when bad_target: "path", "query" (a bad key), or the query key
                            // whose value was bad; "" otherwise
  int route = -1;           // RequestPlan::route of this request's head (the application's
                            // own index, so it need not match the path twice); -1: none

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

// What the transport needs to know of a request from its head, before its body is read.
struct RequestPlan {
  size_t body_limit = 0;  // 0: HttpOptions::max_request_bytes
  bool slow = false;      // the handler runs on the slow pool, not on a serving thread
  int route = -1;         // handed to the handler as HttpRequest::route
};

struct HttpOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (Start returns it)
  int threads = 1;
  size_t max_request_bytes = 64 * 1024;
  std::chrono::seconds idle_timeout{30};
  // Connections open at once; 0: RLIMIT_NOFILE's soft limit (read at Start) minus 64, ≥ 16.
  size_t max_connections = 0;
  // The plan of one request, chosen from its head (method, target, path, query, headers,
  // remote and bad_target/bad_field filled; body empty). Null: the default RequestPlan. Called
  // on a serving thread; must be thread-safe and must not block.
  std::function<RequestPlan(const HttpRequest& head)> plan;
  // The pool for slow requests (RequestPlan::slow): its threads, and how many steps of niceness
  // they are lowered below the process (Linux schedules threads, so only these are lowered;
  // capped at 19; 0 leaves them as the process is).
  int slow_threads = 1;
  int slow_nice = 10;
  size_t slow_queue = 16;
  // The peers that terminate TLS and balance load in front of this server (nginx on
  // 127.0.0.1): from them, the client's address is X-Real-IP (rate limits and lockouts count
  // per client, not per proxy), HttpRequest::secure is X-Forwarded-Proto = https and
  // HttpRequest::client_cert the certificate it verified (ApplyTrustedProxy). From any other
  // peer those headers are ignored.
  std::vector<std::string> trusted_proxies;
  // Whether a trusted proxy's X-SSL-Client-Verify / X-SSL-Client-Cert name the TLS client
  // certificate it verified (HttpRequest::client_cert; a verifier's mTLS). Off by default: a
  // proxy that does not set both headers on every request passes a client's own through, so
  // this is on only where the proxy is configured to (docs/relying-parties.md).
  bool forwarded_client_cert = false;
  // The answer to a request whose body is over its limit (the connection closes after it).
  // Null: 413 with a JSON error {"error":{"code":"payload_too_large",…}}.
  std::function<HttpResponse(const HttpRequest& head)> too_large;
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
  // Connections open now (admitted and not yet closed or shed).
  size_t connections() const;
  // Connections shed since construction to make room for a new one (the cap, or EMFILE).
  uint64_t connections_shed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "%E5%B1%B1+x" → "山 x" (with plus_is_space); nullopt-like error on a bad escape.
Result<std::string> PercentDecode(std::string_view s, bool plus_is_space);
// "a=1&b=%20" → {a:1, b:" "}; malformed escapes, or a key or value that does not decode to
// well-formed UTF-8 without NUL (ValidUtf8), are an error whose field is the key ("query" for
// a bad key or an empty one).
Result<std::map<std::string, std::string>> ParseQuery(std::string_view query);
// One whole request from its bytes, as the server would hand it to the handler (the parsing
// and decoding above, a body up to 1 MiB); for the fuzzer and tests. kInvalidArgument when the
// bytes are not one complete HTTP request.
Result<HttpRequest> ParseHttpRequest(std::string_view bytes, const std::string& remote);

// What HttpServer does with a head from a trusted proxy (HttpOptions::trusted_proxies): the
// client's address from a well-formed X-Real-IP, `secure` from X-Forwarded-Proto, and, with
// `forwarded_client_cert`, `client_cert` from X-SSL-Client-Cert when X-SSL-Client-Verify is
// exactly SUCCESS (the proxy checked the chain; NONE or FAILED:… leave it empty). From any other
// peer all of them are ignored: a client cannot name its own certificate.
void ApplyTrustedProxy(HttpRequest& req, const std::vector<std::string>& trusted_proxies,
                       bool forwarded_client_cert = false);
// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing over U+10FFFF) with no
// NUL byte.
bool ValidUtf8(std::string_view s);

}  // namespace mynacert::server

#endif  // MYNACERT_SERVER_HTTP_H_
