#include "server/http.h"

#include <algorithm>
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

std::string HttpRequest::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::Cookie(std::string_view name) const {
  const std::string all = Header("cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string_view part(all.data() + pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    pos = end + 1;
  }
  return {};
}

Result<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) {
        return InvalidArgument("path", "truncated percent-encoding");
      }
      const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return InvalidArgument("path", "bad percent-encoding");
      out.push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<std::map<std::string, std::string>> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view part = query.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    auto key = PercentDecode(part.substr(0, eq), true);
    if (!key.ok()) return InvalidArgument("query", "クエリの書式が不正です (bad query)");
    std::string value;
    if (eq != std::string_view::npos) {
      auto v = PercentDecode(part.substr(eq + 1), true);
      if (!v.ok()) return InvalidArgument(*key, "値のエンコードが不正です (bad percent-encoding)");
      value = std::move(v).value();
    }
    out[std::move(key).value()] = std::move(value);
  }
  return out;
}

namespace {

const char* ReasonPhrase(int status) {
  const auto r = http::obsolete_reason(static_cast<http::status>(status));
  return r.empty() ? "Unknown" : r.data();
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpOptions& options, const HttpHandler& handler,
          std::atomic<uint64_t>& served)
      : stream_(std::move(socket)), options_(options), handler_(handler), served_(served) {}

  void Start() {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    remote_ = stream_.socket().remote_endpoint(ec).address().to_string(ec);
    Read();
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_request_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(options_.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      HttpResponse r;
      r.status = 413;
      r.body = R"j({"error":{"code":"payload_too_large","message":"リクエストが大きすぎます (request body too large)"}})j";
      Reply(std::move(r), false, 11);
      return;
    }
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    auto& msg = parser_->get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.remote = remote_;
    const size_t q = req.target.find('?');
    const std::string_view raw_path = std::string_view(req.target).substr(0, q);
    bool bad = false;
    if (raw_path.find('%') == std::string_view::npos) {
      req.path = std::string(raw_path);
    } else {
      auto p = PercentDecode(raw_path, false);
      bad = !p.ok();
      if (p.ok()) req.path = std::move(p).value();
    }
    if (q != std::string::npos) {
      auto parsed = ParseQuery(std::string_view(req.target).substr(q + 1));
      bad = bad || !parsed.ok();
      if (parsed.ok()) req.query = std::move(parsed).value();
    }
    for (const auto& f : msg) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      req.headers[std::move(name)] = std::string(f.value());
    }
    req.body = std::move(msg.body());
    if (bad) req.path = std::string(raw_path);
    req.bad_target = bad;
    Reply(handler_(req), msg.keep_alive(), msg.version());
  }

  // The response is written by hand (a status line, the headers, the body as a second
  // buffer): Beast's serializer and field allocations cost a fifth of a small answer.
  void Reply(HttpResponse r, bool keep_alive, unsigned version) {
    served_.fetch_add(1, std::memory_order_relaxed);
    keep_alive_ = keep_alive && r.status != 413;
    head_.clear();
    head_ += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head_ += std::to_string(r.status);
    head_ += ' ';
    head_ += ReasonPhrase(r.status);
    head_ += "\r\nServer: mynacert\r\nContent-Type: ";
    head_ += r.content_type;
    for (const auto& [name, value] : r.headers) {
      head_ += "\r\n";
      head_ += name;
      head_ += ": ";
      head_ += value;
    }
    head_ += "\r\nContent-Length: ";
    head_ += std::to_string(r.body.size());
    if (version == 10 && keep_alive_) head_ += "\r\nConnection: keep-alive";
    if (version != 10 && !keep_alive_) head_ += "\r\nConnection: close";
    head_ += "\r\n\r\n";
    body_ = std::move(r.body);
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
  std::string remote_;
  bool keep_alive_ = true;
  const HttpOptions& options_;
  const HttpHandler& handler_;
  std::atomic<uint64_t>& served_;
};

}  // namespace

// The io_context and the acceptor live from Start to Stop. Stop destroys both once the threads
// have joined: destroying the io_context destroys every pending handler, and with them the
// sessions they own, which closes each connection (no registry of sessions is needed).
struct HttpServer::Impl {
  Impl(HttpOptions o, HttpHandler h) : options(std::move(o)), handler(std::move(h)) {}

  void Accept() {
    acceptor->async_accept(asio::make_strand(*ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(s), options, handler, served)->Start();
      Accept();
    });
  }

  HttpOptions options;
  HttpHandler handler;
  std::optional<asio::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;  // declared after ioc: destroyed before it
  std::vector<std::thread> threads;
  std::atomic<uint64_t> served{0};
};

HttpServer::HttpServer(HttpOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

Result<uint16_t> HttpServer::Start() {
  if (impl_->ioc) {
    return Error{ErrorCode::kFailedPrecondition, "", "the HTTP server is already running", ""};
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

void HttpServer::Stop() {
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

uint64_t HttpServer::requests_served() const { return impl_->served.load(); }

}  // namespace mynacert::server
