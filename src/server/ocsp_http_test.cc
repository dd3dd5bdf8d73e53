#include "server/ocsp_http.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace mynacert::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string Echo(std::string_view der) { return "R:" + std::string(der); }

struct Client {
  explicit Client(uint16_t port) : socket(ioc) {
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  http::response<http::string_body> Send(http::verb verb, const std::string& target,
                                         const std::string& body, bool keep_alive = true) {
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, "127.0.0.1");
    if (verb == http::verb::post) req.set(http::field::content_type, "application/ocsp-request");
    req.keep_alive(keep_alive);
    req.body() = body;
    req.prepare_payload();
    http::write(socket, req);
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res;
  }
  asio::io_context ioc;
  tcp::socket socket;
  beast::flat_buffer buffer;
};

std::string Base64(const std::string& bytes) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (bytes.size() - i == 1) {
    const uint32_t v = uint8_t(bytes[i]) << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (bytes.size() - i == 2) {
    const uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '+')
      out += "%2B";
    else if (c == '/')
      out += "%2F";
    else if (c == '=')
      out += "%3D";
    else
      out += c;
  }
  return out;
}

class ServerTest : public testing::Test {
 protected:
  void StartServer(int threads = 1, size_t max_bytes = 64 * 1024) {
    OcspHttpOptions o;
    o.threads = threads;
    o.max_request_bytes = max_bytes;
    server_ = std::make_unique<OcspHttpServer>(o, Echo);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().ToString();
    port_ = *port;
  }
  std::unique_ptr<OcspHttpServer> server_;
  uint16_t port_ = 0;
};

TEST(DecodeGetPath, PercentAndBase64) {
  const std::string bytes("\xfb\xff\x00\x3e\x3f", 5);  // base64 has '+', '/', '='
  const std::string b64 = Base64(bytes);
  ASSERT_NE(b64.find('+'), std::string::npos);
  ASSERT_NE(b64.find('/'), std::string::npos);
  auto decoded = DecodeGetPath("/ocsp/" + UrlEncode(b64));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(*decoded, bytes);
  auto unpadded = DecodeGetPath("/" + UrlEncode(Base64("ab")).substr(0, 3));
  ASSERT_TRUE(unpadded.ok());
  EXPECT_EQ(*unpadded, "ab");
  for (const char* bad : {"/", "/%zz", "/%2", "/abc!", "/A"}) {
    EXPECT_FALSE(DecodeGetPath(bad).ok()) << bad;
  }
}

TEST_F(ServerTest, PostAndGetRoundTripExactBytes) {
  StartServer();
  Client c(port_);
  const std::string der("\x30\x00\x01\x02\x00\xff", 6);
  auto res = c.Send(http::verb::post, "/", der);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "application/ocsp-response");
  EXPECT_EQ(res.body(), "R:" + der);
  res = c.Send(http::verb::get, "/" + UrlEncode(Base64(der)), "");
  EXPECT_EQ(res.body(), "R:" + der);
  res = c.Send(http::verb::get, "/not*base64", "");
  EXPECT_EQ(res.body(), MalformedRequestResponse());
  res = c.Send(http::verb::post, "/", "");
  EXPECT_EQ(res.body(), MalformedRequestResponse());
  res = c.Send(http::verb::put, "/", "x");
  EXPECT_EQ(res.result(), http::status::method_not_allowed);
  EXPECT_EQ(res[http::field::allow], "GET, HEAD, POST");
  EXPECT_EQ(server_->requests_served(), 5u);
}

TEST_F(ServerTest, KeepAliveForAHundredRequests) {
  StartServer();
  Client c(port_);
  for (int i = 0; i < 100; ++i) {
    auto res = c.Send(http::verb::post, "/", std::to_string(i));
    ASSERT_EQ(res.body(), "R:" + std::to_string(i));
  }
}

TEST_F(ServerTest, ConcurrentClients) {
  StartServer(2);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      Client c(port_);
      for (int i = 0; i < 50; ++i) {
        const std::string body = std::to_string(t) + "-" + std::to_string(i);
        if (c.Send(http::verb::post, "/", body).body() == "R:" + body) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 400);
}

TEST_F(ServerTest, OversizedBodyGets413) {
  StartServer(1, 1024);
  Client c(port_);
  auto res = c.Send(http::verb::post, "/", std::string(4096, 'x'));
  EXPECT_EQ(res.result(), http::status::payload_too_large);
}

TEST_F(ServerTest, GarbageClosesOnlyThatConnection) {
  StartServer();
  {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    asio::write(s, asio::buffer(std::string("\x16\x03\x01\x00\xff garbage \r\n\r\n\x00\x01", 20)));
    char buf[64];
    beast::error_code ec;
    s.read_some(asio::buffer(buf), ec);  // closed by the server
    EXPECT_TRUE(ec);
  }
  Client c(port_);
  EXPECT_EQ(c.Send(http::verb::post, "/", "ok").body(), "R:ok");
}

TEST_F(ServerTest, StopIsPromptWithAClientConnected) {
  StartServer();
  Client c(port_);
  c.Send(http::verb::post, "/", "x");
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

// Sends raw bytes and reads until the server closes (or `limit` passes); returns what came.
std::string RawExchange(uint16_t port, const std::string& bytes, bool* closed,
                        std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  beast::error_code write_ec;  // the server may close before taking it all
  asio::write(s, asio::buffer(bytes), write_ec);
  std::string got;
  char buf[4096];
  *closed = false;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  s.non_blocking(true);
  while (std::chrono::steady_clock::now() < deadline) {
    beast::error_code ec;
    const size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (ec) {
      *closed = true;
      break;
    }
    got.append(buf, n);
  }
  return got;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

struct DecodeCase {
  const char* target;
  bool ok;
  std::string bytes;
};

TEST(DecodeGetPath, Table) {
  const DecodeCase cases[] = {
      {"/MEUw", true, std::string("\x30\x45\x30", 3)},
      {"/ocsp/MEUw", true, std::string("\x30\x45\x30", 3)},  // a path prefix before the last '/'
      {"/MEUw?x=1", true, std::string("\x30\x45\x30", 3)},   // a query string is ignored
      {"/%2B%2F8%3D", true, std::string("\xfb\xff", 2)},     // "+/8=" percent-encoded
      {"/%2b%2f8%3d", true, std::string("\xfb\xff", 2)},     // lower-case hex digits
      {"/%2B%2F8", true, std::string("\xfb\xff", 2)},        // no padding
      {"/YWI", true, "ab"},                                  // no padding, 2 bytes
      {"/YWJj", true, "abc"},
      {"/AA%3D%3D", true, std::string("\x00", 1)},  // a NUL byte
      {"", false, ""},
      {"/", false, ""},
      {"/====", false, ""},
      {"/A", false, ""},  // 6 bits: not a byte
      {"/YW%", false, ""},
      {"/YW%4", false, ""},
      {"/YW%G1", false, ""},
      {"/YW*I", false, ""},
      {"/YW I", false, ""},
      {"/YW-_", false, ""},  // base64url is not accepted
  };
  for (const auto& c : cases) {
    auto r = DecodeGetPath(c.target);
    EXPECT_EQ(r.ok(), c.ok) << '"' << c.target << '"';
    if (r.ok() && c.ok) {
      EXPECT_EQ(*r, c.bytes) << '"' << c.target << '"';
    }
  }
}

TEST_F(ServerTest, GetWithEncodedPlusSlashEqualsReachesTheHandler) {
  StartServer();
  Client c(port_);
  const std::string der("\xfb\xff\xbf\x00\x30", 5);  // "+/+/ADA="
  const std::string b64 = Base64(der);
  ASSERT_NE(b64.find('+'), std::string::npos);
  ASSERT_NE(b64.find('/'), std::string::npos);
  ASSERT_NE(b64.find('='), std::string::npos);
  auto res = c.Send(http::verb::get, "/" + UrlEncode(b64), "");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "application/ocsp-response");
  EXPECT_EQ(res.body(), "R:" + der);
  res = c.Send(http::verb::get, "/%zz", "");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), MalformedRequestResponse());
  EXPECT_EQ(MalformedRequestResponse(), std::string_view("\x30\x03\x0a\x01\x01", 5));
}

TEST_F(ServerTest, Http10KeepsAliveOnlyWhenAsked) {
  StartServer();
  const std::string post = "POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nab";
  bool closed = false;
  std::string got = RawExchange(port_, post, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(got.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << got;
  EXPECT_NE(got.find("\r\n\r\nR:ab"), std::string::npos) << got;

  const std::string ka = "POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nab";
  got = RawExchange(port_, ka + ka, &closed, std::chrono::milliseconds(300));
  EXPECT_FALSE(closed);  // still open after two answers
  EXPECT_EQ(Count(got, "HTTP/1.0 200 OK\r\n"), 2u) << got;
  EXPECT_EQ(Count(got, "Connection: keep-alive"), 2u) << got;

  // HTTP/1.1 closes only when asked.
  got = RawExchange(port_, "GET /YWI HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\n\r\nR:ab"), std::string::npos) << got;
}

TEST_F(ServerTest, OversizedBodyGets413AndTheConnectionCloses) {
  StartServer(1, 1024);
  // A client that writes its whole 1 MiB body before reading sees the 413, then the close.
  const std::string req = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" +
                          std::string(1024 * 1024, 'x');
  bool closed = false;
  const std::string got = RawExchange(port_, req, &closed);
  EXPECT_EQ(got.rfind("HTTP/1.1 413 ", 0), 0u) << got.substr(0, 200);
  EXPECT_NE(got.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(closed);
  // At the limit exactly is fine.
  Client c(port_);
  EXPECT_EQ(c.Send(http::verb::post, "/", std::string(1024, 'y')).body(),
            "R:" + std::string(1024, 'y'));
}

// HEAD is answered like GET (RFC 9110 §9.3.2; the transport drops the body).
TEST_F(ServerTest, MethodsOtherThanGetHeadAndPostGet405) {
  StartServer();
  Client c(port_);
  for (auto verb : {http::verb::put, http::verb::delete_, http::verb::options}) {
    auto res = c.Send(verb, "/", "");
    EXPECT_EQ(res.result(), http::status::method_not_allowed) << http::to_string(verb);
    EXPECT_EQ(res[http::field::allow], "GET, HEAD, POST");
  }
  // The connection survived the 405s.
  EXPECT_EQ(c.Send(http::verb::post, "/", "z").body(), "R:z");
  EXPECT_EQ(server_->requests_served(), 4u);
}

TEST_F(ServerTest, RawNonHttpStreamIsClosed) {
  StartServer();
  std::string noise(64 * 1024, '\0');
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 2654435761u) >> 7);
  bool closed = false;
  const std::string got = RawExchange(port_, noise, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(got.find("200 OK"), std::string::npos);
  Client c(port_);
  EXPECT_EQ(c.Send(http::verb::post, "/", "after").body(), "R:after");
  EXPECT_EQ(server_->requests_served(), 1u);
}

TEST(ServerIdle, IdleConnectionIsClosedAfterTheTimeout) {
  OcspHttpOptions o;
  o.idle_timeout = std::chrono::seconds(1);
  OcspHttpServer server(o, Echo);
  auto port = server.Start();
  ASSERT_TRUE(port.ok());
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  RawExchange(*port, "", &closed, std::chrono::milliseconds(4000));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::milliseconds(3000));
}

TEST_F(ServerTest, StopClosesConnectionsAndTheListener) {
  StartServer(2);
  Client c(port_);
  ASSERT_EQ(c.Send(http::verb::post, "/", "x").body(), "R:x");
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // The connected client sees the connection end rather than hanging.
  c.socket.non_blocking(true);
  char buf[16];
  beast::error_code ec;
  for (int i = 0; i < 100; ++i) {
    c.socket.read_some(asio::buffer(buf), ec);
    if (ec != asio::error::would_block) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  // Nobody listens any more.
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  EXPECT_EQ(ec, asio::error::connection_refused) << ec.message();
  server_->Stop();  // twice is fine
  EXPECT_EQ(server_->requests_served(), 1u);
  // And it starts again, on a fresh port.
  auto again = server_->Start();
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  Client c2(*again);
  EXPECT_EQ(c2.Send(http::verb::post, "/", "y").body(), "R:y");
  EXPECT_FALSE(server_->Start().ok());  // already running
}

TEST(ServerStart, BadAddressAndBusyPortNameTheFlag) {
  OcspHttpOptions o;
  o.address = "not an address";
  OcspHttpServer bad(o, Echo);
  auto r = bad.Start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "address");
  OcspHttpServer first(OcspHttpOptions{}, Echo);
  auto port = first.Start();
  ASSERT_TRUE(port.ok());
  OcspHttpOptions same;
  same.port = *port;
  OcspHttpServer second(same, Echo);
  auto busy = second.Start();
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().field, "port");
}

}  // namespace
}  // namespace mynacert::server
