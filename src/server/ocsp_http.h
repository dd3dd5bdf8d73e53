// The HTTP side of the OCSP responder (RFC 6960 appendix A, RFC 5019): an event-driven server
// on Boost.Asio/Beast that hands each request's DER to a handler and returns its DER.
//
//   POST /…          body = DER OCSPRequest (Content-Type application/ocsp-request expected;
//                    other types are accepted too, as many clients mislabel them)
//   GET  /<base64>   the DER, base64 then URL-encoded, after the last '/' of the path
//   answer           200, Content-Type application/ocsp-response; keep-alive as asked
//
// A GET that does not decode or an empty POST gets the malformedRequest response (an OCSP
// error, not an HTTP one); another method 405; a body over the limit 413 and close; bytes that
// are not HTTP close the connection. Idle connections close after `idle_timeout`.
//
// Thread-safety: Start/Stop from one thread; the handler is called from `threads` threads at
// once and must be thread-safe (pki::OcspResponder::Respond is).
#ifndef MYNACERT_SERVER_OCSP_HTTP_H_
#define MYNACERT_SERVER_OCSP_HTTP_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "server/http.h"

namespace mynacert::server {

// The server's options (http.h): address, port (0 = any), threads, body limit, idle timeout.
using OcspHttpOptions = HttpOptions;

// DER OCSPRequest in, DER OCSPResponse out; never throws.
using OcspHandler = std::function<std::string(std::string_view request_der)>;

class OcspHttpServer {
 public:
  OcspHttpServer(OcspHttpOptions options, OcspHandler handler);
  ~OcspHttpServer();  // stops and joins
  OcspHttpServer(const OcspHttpServer&) = delete;
  OcspHttpServer& operator=(const OcspHttpServer&) = delete;

  // Binds, listens and starts the threads; returns the bound port. Errors name --address or
  // --port; a second Start without a Stop in between is kFailedPrecondition.
  Result<uint16_t> Start();
  // Stops accepting, closes the listening socket and every connection (a request in flight
  // gets no answer), and joins the threads. Idempotent; Start may be called again after it.
  // Must not be called from the handler.
  void Stop();
  uint64_t requests_served() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// RFC 6960 A.1: the request of a GET path — the part after the last '/', percent-decoded,
// then base64-decoded (padding optional).
Result<std::string> DecodeGetPath(std::string_view target);
// OCSPResponse { malformedRequest }: 30 03 0A 01 01.
std::string_view MalformedRequestResponse();
// The answer of an OCSP endpoint over HTTP (RFC 6960 A.1), for this server and for any route
// table serving OCSP: POST with the DER request as the body, GET with it in the path
// (DecodeGetPath); an empty or undecodable request is malformedRequest; another method 405.
HttpResponse OcspHttpAnswer(const HttpRequest& req, const OcspHandler& handler);

}  // namespace mynacert::server

#endif  // MYNACERT_SERVER_OCSP_HTTP_H_
