#include "server/ocsp_http.h"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
// g++ 12 with -fsanitize=address,undefined (MYNACERT_SANITIZE) reports a false
// -Wmaybe-uninitialized on the boost::optional<uint64_t> content length inside Beast 1.74's
// basic_parser; -Werror would then fail the sanitizer build.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <optional>
#include <thread>
#include <vector>

namespace mynacert::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string_view MalformedRequestResponse() { return std::string_view("\x30\x03\x0a\x01\x01", 5); }

Result<std::string> DecodeGetPath(std::string_view target) {
  const size_t query = target.find('?');
  if (query != std::string_view::npos) target = target.substr(0, query);
  const size_t slash = target.rfind('/');
  if (slash != std::string_view::npos) target = target.substr(slash + 1);
  std::string b64;
  b64.reserve(target.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '%') {
      if (i + 2 >= target.size()) {
        return InvalidArgument("path", "truncated percent-encoding");
      }
      const int hi = hex(target[i + 1]), lo = hex(target[i + 2]);
      if (hi < 0 || lo < 0) return InvalidArgument("path", "bad percent-encoding");
      b64.push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    } else {
      b64.push_back(target[i]);
    }
  }
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

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const OcspHttpOptions& options, const OcspHandler& handler,
          std::atomic<uint64_t>& served)
      : stream_(std::move(socket)), options_(options), handler_(handler), served_(served) {}

  void Start() {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    Read();
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_request_bytes);
    parser_->header_limit(8 * 1024);
    stream_.expires_after(options_.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      Reply(http::status::payload_too_large, "", false, "text/plain");
      return;
    }
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    const auto& req = parser_->get();
    const bool keep_alive = req.keep_alive();
    if (req.method() == http::verb::post) {
      const std::string& body = req.body();
      Reply(http::status::ok,
            body.empty() ? std::string(MalformedRequestResponse()) : handler_(body), keep_alive,
            "application/ocsp-response");
    } else if (req.method() == http::verb::get) {
      auto der = DecodeGetPath(std::string_view(req.target().data(), req.target().size()));
      Reply(http::status::ok, der.ok() ? handler_(*der) : std::string(MalformedRequestResponse()),
            keep_alive, "application/ocsp-response");
    } else {
      Reply(http::status::method_not_allowed, "", keep_alive, "text/plain");
    }
  }

  // The response is written by hand (a status line, four headers, the body as a second
  // buffer): Beast's serializer and field allocations cost a fifth of a cached answer.
  void Reply(http::status status, std::string body, bool keep_alive, const char* type) {
    served_.fetch_add(1, std::memory_order_relaxed);
    keep_alive_ = keep_alive && status != http::status::payload_too_large;
    const unsigned version = parser_->get().version();
    head_.clear();
    head_ += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head_ += std::to_string(static_cast<unsigned>(status));
    head_ += ' ';
    const auto reason = http::obsolete_reason(status);
    head_.append(reason.data(), reason.size());
    head_ += "\r\nServer: mynacert\r\nContent-Type: ";
    head_ += type;
    if (status == http::status::method_not_allowed) head_ += "\r\nAllow: GET, POST";
    head_ += "\r\nContent-Length: ";
    head_ += std::to_string(body.size());
    if (version == 10 && keep_alive_) head_ += "\r\nConnection: keep-alive";
    if (version != 10 && !keep_alive_) head_ += "\r\nConnection: close";
    head_ += "\r\n\r\n";
    body_ = std::move(body);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(stream_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      if (!self->keep_alive_) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->Read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string head_;
  std::string body_;
  bool keep_alive_ = true;
  const OcspHttpOptions& options_;
  const OcspHandler& handler_;
  std::atomic<uint64_t>& served_;
};

}  // namespace

// The io_context and the acceptor live from Start to Stop. Stop destroys both once the threads
// have joined: destroying the io_context destroys every pending handler, and with them the
// sessions they own, which closes each connection (no registry of sessions is needed).
struct OcspHttpServer::Impl {
  Impl(OcspHttpOptions o, OcspHandler h) : options(std::move(o)), handler(std::move(h)) {}

  void Accept() {
    acceptor->async_accept(asio::make_strand(*ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(s), options, handler, served)->Start();
      Accept();
    });
  }

  OcspHttpOptions options;
  OcspHandler handler;
  std::optional<asio::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;  // declared after ioc: destroyed before it
  std::vector<std::thread> threads;
  std::atomic<uint64_t> served{0};
};

OcspHttpServer::OcspHttpServer(OcspHttpOptions options, OcspHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

OcspHttpServer::~OcspHttpServer() { Stop(); }

Result<uint16_t> OcspHttpServer::Start() {
  if (impl_->ioc) {
    return Error{ErrorCode::kFailedPrecondition, "", "the OCSP HTTP server is already running", ""};
  }
  const int threads = std::max(1, impl_->options.threads);
  impl_->ioc.emplace(threads);
  impl_->acceptor.emplace(*impl_->ioc);
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) {
    impl_->acceptor.reset();
    impl_->ioc.reset();
    return InvalidArgument("--address", "アドレスが不正です (bad address): " + ec.message());
  }
  const tcp::endpoint endpoint(address, impl_->options.port);
  auto& a = *impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    impl_->acceptor.reset();
    impl_->ioc.reset();
    return Error{ErrorCode::kFailedPrecondition, "--port",
                 "待ち受けできません (cannot listen on " + impl_->options.address + ":" +
                     std::to_string(impl_->options.port) + "): " + ec.message(),
                 ""};
  }
  const uint16_t port = a.local_endpoint().port();
  impl_->Accept();
  for (int i = 0; i < threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc->run(); });
  }
  return port;
}

void OcspHttpServer::Stop() {
  if (!impl_ || !impl_->ioc) return;
  impl_->ioc->stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
  // No thread runs the io_context now, so the acceptor and the sessions can be torn down here.
  impl_->acceptor.reset();
  impl_->ioc.reset();
}

uint64_t OcspHttpServer::requests_served() const { return impl_->served.load(); }

}  // namespace mynacert::server
