#include "server/http.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <cerrno>
#include <initializer_list>
// g++ 12 with -fsanitize=address,undefined (MYNACERT_SANITIZE) reports a false
// -Wmaybe-uninitialized on the boost::optional<uint64_t> content length inside Beast 1.74's
// basic_parser; -Werror would then fail the sanitizer build. (clang, for the fuzzers, has no such
// warning and would reject the unknown group.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/beast/http.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <limits>
#include <list>
#include <mutex>
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
    if (eq != std::string_view::npos && part.substr(0, eq) == name)
      return std::string(part.substr(eq + 1));
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

bool ValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      if (c == 0) return false;
      ++i;
      continue;
    }
    // RFC 3629 §4: the second byte's range excludes overlongs (E0, F0), surrogates (ED) and
    // code points over U+10FFFF (F4); C0, C1 and F5–FF never occur.
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;
    } else if (c >= 0xE1 && c <= 0xEF) {
      len = 3;
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else {
      return false;
    }
    if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
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
    if (!key.ok() || !ValidUtf8(*key)) {
      return InvalidArgument("query", "クエリの書式が不正です (bad query)");
    }
    std::string value;
    if (eq != std::string_view::npos) {
      auto v = PercentDecode(part.substr(eq + 1), true);
      if (!v.ok() || !ValidUtf8(*v)) {
        return InvalidArgument(key->empty() ? std::string("query") : *key,
                               "値のエンコードが不正です (bad percent-encoding or UTF-8)");
      }
      value = std::move(v).value();
    }
    out[std::move(key).value()] = std::move(value);
  }
  return out;
}

namespace {

// The request as handlers see it, from Beast's parsed header: everything but the body.
HttpRequest HeadOf(const http::request_header<>& msg, const std::string& remote) {
  HttpRequest req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  req.remote = remote;
  const size_t q = req.target.find('?');
  const std::string_view raw_path = std::string_view(req.target).substr(0, q);
  if (raw_path.find('%') == std::string_view::npos) {
    req.path = std::string(raw_path);
    if (!ValidUtf8(req.path)) req.bad_field = "path";
  } else {
    auto p = PercentDecode(raw_path, false);
    if (p.ok() && ValidUtf8(*p)) {
      req.path = std::move(p).value();
    } else {
      req.bad_field = "path";
    }
  }
  if (q != std::string::npos) {
    auto parsed = ParseQuery(std::string_view(req.target).substr(q + 1));
    if (parsed.ok()) {
      req.query = std::move(parsed).value();
    } else if (req.bad_field.empty()) {
      req.bad_field = parsed.error().field;
    }
  }
  for (const auto& f : msg) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    req.headers[std::move(name)] = std::string(f.value());
  }
  if (!req.bad_field.empty()) {
    req.bad_target = true;
    req.path = std::string(raw_path);
    req.query.clear();
  }
  return req;
}

}  // namespace

void ApplyTrustedProxy(HttpRequest& req, const std::vector<std::string>& trusted_proxies,
                       bool forwarded_client_cert) {
  if (std::find(trusted_proxies.begin(), trusted_proxies.end(), req.remote) == trusted_proxies.end()) {
    return;
  }
  const std::string real = req.Header("x-real-ip");
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(real, ec);
  if (!real.empty() && !ec) req.remote = address.to_string();
  req.secure = req.Header("x-forwarded-proto") == "https";
  // nginx: proxy_set_header X-SSL-Client-Verify $ssl_client_verify and X-SSL-Client-Cert
  // $ssl_client_escaped_cert (the PEM, percent-encoded). Anything but a verified certificate
  // that decodes to a PEM block is no certificate.
  if (forwarded_client_cert && req.Header("x-ssl-client-verify") == "SUCCESS") {
    auto pem = PercentDecode(req.Header("x-ssl-client-cert"), false);
    if (pem.ok() && pem->rfind("-----BEGIN CERTIFICATE-----", 0) == 0) req.client_cert = std::move(*pem);
  }
}

Result<HttpRequest> ParseHttpRequest(std::string_view bytes, const std::string& remote) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1 << 20);
  parser.eager(true);
  beast::error_code ec;
  size_t used = 0;
  while (!ec && !parser.is_done() && used < bytes.size()) {
    used += parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == http::error::need_more) break;
  }
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done())
    return InvalidArgument("request", "HTTP ではありません (not an HTTP request)");
  HttpRequest req = HeadOf(parser.get(), remote);
  req.body = std::move(parser.get().body());
  return req;
}

namespace {

const char* ReasonPhrase(int status) {
  const auto r = http::obsolete_reason(static_cast<http::status>(status));
  return r.empty() ? "Unknown" : r.data();
}

HttpResponse DefaultTooLarge() {
  HttpResponse r;
  r.status = 413;
  r.body =
      R"j({"error":{"code":"payload_too_large","message":"リクエストが大きすぎます (request body too large)"}})j";
  return r;
}

HttpResponse SlowQueueFull() {
  HttpResponse r;
  r.status = 503;
  r.headers.emplace_back("Retry-After", "1");
  r.body = R"j({"error":{"code":"overloaded","field":"","message":"混み合っています。少し待ってもう一度 (busy; try again in a second)","rule":null}})j";
  return r;
}

// Written (best effort, without waiting) to a connection refused at the cap.
const std::string& Overloaded() {
  static const std::string answer = [] {
    const std::string body =
        R"j({"error":{"code":"overloaded","message":"接続が多すぎます (too many connections)"}})j";
    return "HTTP/1.1 503 Service Unavailable\r\nServer: mynacert\r\n"
           "Content-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  }();
  return answer;
}

class Session;

// Linux schedules threads, not processes: setpriority on the calling thread's id lowers only
// it. `nice` is added to the thread's own niceness (capped at 19), so a server started under
// `nice -n 5` still runs its slow pool `nice` steps below its serving threads — an absolute
// value would have left only 2 of the 7 steps. Best effort (an unprivileged process may always
// lower, never raise).
void LowerThisThreadOnce(int nice) {
  thread_local bool done = false;
  if (done || nice == 0) return;
  done = true;
  const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (current == -1 && errno != 0) return;
  setpriority(PRIO_PROCESS, tid, std::min(19, current + nice));
}

// The connections of one server: how many are open, and which wait for a request (idle), the
// longest-waiting first. Sessions link and unlink themselves on their strands; the acceptor
// sheds from the front.
struct Registry {
  std::mutex mu;
  size_t live = 0;
  std::list<Session*> idle;
  std::atomic<uint64_t> shed{0};

  std::shared_ptr<Session> PopIdleLocked();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpOptions& options, const HttpHandler& handler,
          std::atomic<uint64_t>& served, Registry& registry, asio::thread_pool* slow,
          std::atomic<size_t>& slow_pending)
      : stream_(std::move(socket)),
        options_(options),
        handler_(handler),
        served_(served),
        registry_(registry),
        slow_(slow),
        slow_pending_(slow_pending) {}

  ~Session() {
    std::lock_guard lock(registry_.mu);
    if (idle_) registry_.idle.erase(idle_it_);
    if (!shed_) --registry_.live;
  }

  auto executor() { return stream_.get_executor(); }

  // On the session's strand.
  void Start() {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    remote_ = stream_.socket().remote_endpoint(ec).address().to_string(ec);
    Read();
  }

  // On the session's strand, after PopIdleLocked took it off the idle list.
  void Shed() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  friend struct Registry;

  void Read() {
    parser_.emplace();
    // Unlimited until the head is read (OnHeader chooses). Not boost::none: Beast 1.74 compares
    // the Content-Length with the optional at the end of the header, and any value > none.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->header_limit(16 * 1024);
    stream_.expires_after(options_.idle_timeout);
    {
      std::lock_guard lock(registry_.mu);
      idle_it_ = registry_.idle.insert(registry_.idle.end(), this);
      idle_ = true;
    }
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    {
      std::lock_guard lock(registry_.mu);
      if (shed_) return;  // Shed() closes the connection
      registry_.idle.erase(idle_it_);
      idle_ = false;
    }
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    MakeHead();
    plan_ = options_.plan ? options_.plan(req_) : RequestPlan{};
    req_.route = plan_.route;
    const size_t limit = plan_.body_limit ? plan_.body_limit : options_.max_request_bytes;
    const auto length = parser_->content_length();
    if (length && *length > limit) {  // refused before reading a byte of it
      TooLarge();
      return;
    }
    if (parser_->is_done()) {
      Handle();
      return;
    }
    parser_->body_limit(limit);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      TooLarge();
      return;
    }
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    req_.body = std::move(parser_->get().body());
    Handle();
  }

  // Fills req_ from the parsed header: everything but the body.
  void MakeHead() {
    const auto& msg = parser_->get();
    req_ = HeadOf(msg, remote_);
    ApplyTrustedProxy(req_, options_.trusted_proxies, options_.forwarded_client_cert);
    head_only_ = msg.method() == http::verb::head;
  }

  void Handle() {
    const auto& msg = parser_->get();
    const bool keep_alive = msg.keep_alive();
    const unsigned version = msg.version();
    if (plan_.slow && slow_) {
      if (slow_pending_.fetch_add(1) >= options_.slow_queue) {
        slow_pending_.fetch_sub(1);
        Reply(SlowQueueFull(), keep_alive, version);
        return;
      }
      // Nothing else touches req_ until the answer is written: no read is outstanding.
      asio::post(*slow_, [self = shared_from_this(), keep_alive, version] {
        LowerThisThreadOnce(self->options_.slow_nice);
        HttpResponse r = self->handler_(self->req_);
        self->slow_pending_.fetch_sub(1);
        asio::post(self->executor(), [self, r = std::move(r), keep_alive, version]() mutable {
          self->Reply(std::move(r), keep_alive, version);
        });
      });
      return;
    }
    Reply(handler_(req_), keep_alive, version);
  }

  void TooLarge() {
    Reply(options_.too_large ? options_.too_large(req_) : DefaultTooLarge(), false,
          parser_->get().version());
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
    head_ += std::to_string(r.body.size());  // for HEAD too: the length the body would have
    if (version == 10 && keep_alive_) head_ += "\r\nConnection: keep-alive";
    if (version != 10 && !keep_alive_) head_ += "\r\nConnection: close";
    head_ += "\r\n\r\n";
    if (head_only_) {
      body_.clear();
    } else {
      body_ = std::move(r.body);
    }
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
  HttpRequest req_;
  RequestPlan plan_;
  std::string head_;
  std::string body_;
  std::string remote_;
  bool keep_alive_ = true;
  bool head_only_ = false;
  const HttpOptions& options_;
  const HttpHandler& handler_;
  std::atomic<uint64_t>& served_;
  Registry& registry_;
  asio::thread_pool* slow_;  // null: slow requests run inline
  std::atomic<size_t>& slow_pending_;  // slow requests queued or running, server-wide
  // Guarded by registry_.mu:
  std::list<Session*>::iterator idle_it_;
  bool idle_ = false;  // linked in registry_.idle
  bool shed_ = false;  // taken off by the acceptor; no longer counted in live
};

// The longest-idle session that is still alive, unlinked, marked shed and no longer counted;
// null when none is idle.
std::shared_ptr<Session> Registry::PopIdleLocked() {
  for (auto it = idle.begin(); it != idle.end(); ++it) {
    Session* s = *it;
    auto alive = s->weak_from_this().lock();
    if (!alive) continue;  // in its destructor, waiting for mu to unlink itself
    idle.erase(it);
    s->idle_ = false;
    s->shed_ = true;
    --live;
    shed.fetch_add(1, std::memory_order_relaxed);
    return alive;
  }
  return nullptr;
}

void CloseSession(std::shared_ptr<Session> s) {
  auto ex = s->executor();
  asio::post(ex, [s = std::move(s)] { s->Shed(); });
}

// Accept errors that concern one connection (accept(2): "treat them like EAGAIN"): retried at
// once. Anything else — EMFILE, ENFILE, ENOBUFS, ENOMEM, the unknown — waits (backoff).
// accept(2)'s failures are errno values in the system category; they are compared as such.
bool SystemError(const beast::error_code& ec, std::initializer_list<int> values) {
  if (ec.category() != boost::system::system_category()) return false;
  for (int v : values) {
    if (ec.value() == v) return true;
  }
  return false;
}

bool TransientAcceptError(const beast::error_code& ec) {
  return SystemError(ec, {ECONNABORTED, EPROTO, EPERM, ENETDOWN, ENOPROTOOPT, EHOSTUNREACH,
                          EOPNOTSUPP, ENETUNREACH});
}

size_t DefaultMaxConnections() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024 - 64;
  rlim_t soft = rl.rlim_cur;
  if (soft == RLIM_INFINITY || soft > (rlim_t{1} << 20)) soft = rlim_t{1} << 20;
  return soft > 64 + 16 ? static_cast<size_t>(soft - 64) : 16;
}

}  // namespace

// The io_context and the acceptor live from Start to Stop. Stop destroys both once the threads
// have joined: destroying the io_context destroys every pending handler, and with them the
// sessions they own, which closes each connection and unlinks it from the registry.
struct HttpServer::Impl {
  Impl(HttpOptions o, HttpHandler h) : options(std::move(o)), handler(std::move(h)) {}

  // The accept chain: one accept outstanding at a time, so OnAccept never runs twice at once.
  void Accept() {
    acceptor->async_accept(asio::make_strand(*ioc), [this](beast::error_code ec, tcp::socket s) {
      OnAccept(ec, std::move(s));
    });
  }

  void OnAccept(beast::error_code ec, tcp::socket s) {
    if (ec == asio::error::operation_aborted) return;
    if (ec && TransientAcceptError(ec)) {
      Accept();
      return;
    }
    if (ec) {
      // Out of descriptors (or memory): accepting again at once would fail again at once, and
      // the pending connection keeps the listener readable — a busy loop. If an idle
      // connection holds a descriptor, it is shed and the accept retried once it is closed;
      // otherwise the accept waits, 50 ms doubling to 1 s.
      if (SystemError(ec, {EMFILE, ENFILE})) {
        std::shared_ptr<Session> victim;
        {
          std::lock_guard lock(registry.mu);
          victim = registry.PopIdleLocked();
        }
        if (victim) {
          auto ex = victim->executor();
          asio::post(ex, [this, victim = std::move(victim)] {
            victim->Shed();
            Accept();
          });
          return;
        }
      }
      backoff = backoff.count() == 0 ? std::chrono::milliseconds(50)
                                     : std::min(backoff * 2, std::chrono::milliseconds(1000));
      accept_timer->expires_after(backoff);
      accept_timer->async_wait([this](beast::error_code timer_ec) {
        if (!timer_ec) Accept();
      });
      return;
    }
    backoff = std::chrono::milliseconds(0);
    Admit(std::move(s));
    Accept();
  }

  // At the cap the longest-idle connection makes room; with none idle the new one is refused
  // (a 503 written without waiting — the socket's send buffer is empty — then closed).
  void Admit(tcp::socket s) {
    std::shared_ptr<Session> victim;
    bool admitted = true;
    {
      std::lock_guard lock(registry.mu);
      if (registry.live >= max_connections) victim = registry.PopIdleLocked();
      if (registry.live >= max_connections) {
        admitted = false;
      } else {
        ++registry.live;
      }
    }
    if (victim) CloseSession(std::move(victim));
    if (!admitted) {
      refused.fetch_add(1, std::memory_order_relaxed);
      beast::error_code ignored;
      s.non_blocking(true, ignored);
      s.write_some(asio::buffer(Overloaded()), ignored);
      s.shutdown(tcp::socket::shutdown_both, ignored);
      s.close(ignored);
      return;
    }
    auto session = std::make_shared<Session>(std::move(s), options, handler, served, registry,
                                             slow ? &*slow : nullptr, slow_pending);
    auto ex = session->executor();
    asio::dispatch(ex, [session = std::move(session)] { session->Start(); });
  }

  HttpOptions options;
  HttpHandler handler;
  size_t max_connections = 0;
  std::chrono::milliseconds backoff{0};
  std::optional<asio::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;  // declared after ioc: destroyed before it
  std::optional<asio::steady_timer> accept_timer;
  std::vector<std::thread> threads;
  std::optional<asio::thread_pool> slow;  // RequestPlan::slow requests
  std::atomic<size_t> slow_pending{0};
  std::atomic<uint64_t> served{0};
  std::atomic<uint64_t> refused{0};
  Registry registry;
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
    return InvalidArgument("address", "アドレスが不正です (bad address): " + ec.message());
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
    return Error{ErrorCode::kFailedPrecondition, "port",
                 "待ち受けできません (cannot listen on " + impl_->options.address + ":" +
                     std::to_string(impl_->options.port) + "): " + ec.message(),
                 ""};
  }
  const uint16_t port = a.local_endpoint().port();
  impl_->max_connections =
      impl_->options.max_connections ? impl_->options.max_connections : DefaultMaxConnections();
  impl_->backoff = std::chrono::milliseconds(0);
  impl_->slow_pending = 0;
  impl_->accept_timer.emplace(*impl_->ioc);
  if (impl_->options.plan)
    impl_->slow.emplace(static_cast<size_t>(std::max(1, impl_->options.slow_threads)));
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
  // A slow handler still running finishes (its answer is posted to the stopped io_context and
  // dropped with it); queued ones are discarded. Before the io_context goes: they post to it.
  if (impl_->slow) {
    impl_->slow->stop();
    impl_->slow->join();
    impl_->slow.reset();
  }
  // No thread runs the io_context now, so the acceptor and the sessions can be torn down here.
  impl_->acceptor.reset();
  impl_->accept_timer.reset();
  impl_->ioc.reset();
}

uint64_t HttpServer::requests_served() const { return impl_->served.load(); }

size_t HttpServer::connections() const {
  std::lock_guard lock(impl_->registry.mu);
  return impl_->registry.live;
}

uint64_t HttpServer::connections_shed() const { return impl_->registry.shed.load(); }

}  // namespace mynacert::server
