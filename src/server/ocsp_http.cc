#include "server/ocsp_http.h"

#include <utility>

#include "server/http.h"

namespace mynacert::server {

std::string_view MalformedRequestResponse() { return std::string_view("\x30\x03\x0a\x01\x01", 5); }

Result<std::string> DecodeGetPath(std::string_view target) {
  const size_t query = target.find('?');
  if (query != std::string_view::npos) target = target.substr(0, query);
  const size_t slash = target.rfind('/');
  if (slash != std::string_view::npos) target = target.substr(slash + 1);
  MYNACERT_ASSIGN_OR_RETURN(std::string b64, PercentDecode(target, false));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  if (b64.empty()) return InvalidArgument("path", "empty request");
  std::string out;
  out.reserve(b64.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else
      return InvalidArgument("path", "not base64");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6) return InvalidArgument("path", "truncated base64");
  return out;
}

namespace {

// A body over the limit is an OCSP error too (malformedRequest, RFC 6960 §4.2.1), with the HTTP
// status 413: an OCSP client parses the body as an OCSPResponse whatever the status.
OcspHttpOptions WithOcspErrors(OcspHttpOptions o) {
  if (!o.too_large) {
    o.too_large = [](const HttpRequest&) {
      HttpResponse r;
      r.status = 413;
      r.content_type = "application/ocsp-response";
      r.body = std::string(MalformedRequestResponse());
      return r;
    };
  }
  return o;
}

}  // namespace

HttpResponse OcspHttpAnswer(const HttpRequest& req, const OcspHandler& handler) {
  HttpResponse r;
  r.content_type = "application/ocsp-response";
  if (req.method == "POST") {
    r.body = req.body.empty() ? std::string(MalformedRequestResponse()) : handler(req.body);
  } else if (req.method == "GET" || req.method == "HEAD") {
    auto der = DecodeGetPath(req.target);
    r.body = der.ok() ? handler(*der) : std::string(MalformedRequestResponse());
  } else {
    r.status = 405;
    r.content_type = "text/plain";
    r.headers.emplace_back("Allow", "GET, HEAD, POST");
  }
  return r;
}

struct OcspHttpServer::Impl {
  explicit Impl(OcspHttpOptions o, OcspHandler h)
      : handler(std::move(h)),
        http(WithOcspErrors(std::move(o)), [this](const HttpRequest& req) { return Handle(req); }) {}

  HttpResponse Handle(const HttpRequest& req) const { return OcspHttpAnswer(req, handler); }

  OcspHandler handler;
  HttpServer http;
};

OcspHttpServer::OcspHttpServer(OcspHttpOptions options, OcspHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

OcspHttpServer::~OcspHttpServer() { Stop(); }

Result<uint16_t> OcspHttpServer::Start() { return impl_->http.Start(); }

void OcspHttpServer::Stop() {
  if (impl_) impl_->http.Stop();
}

uint64_t OcspHttpServer::requests_served() const { return impl_->http.requests_served(); }

}  // namespace mynacert::server
