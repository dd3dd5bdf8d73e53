#include "server/ocsp_http.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(res[http::field::allow], "GET, POST");
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

TEST(ServerStart, BadAddressAndBusyPortNameTheFlag) {
  OcspHttpOptions o;
  o.address = "not an address";
  OcspHttpServer bad(o, Echo);
  auto r = bad.Start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "--address");
  OcspHttpServer first(OcspHttpOptions{}, Echo);
  auto port = first.Start();
  ASSERT_TRUE(port.ok());
  OcspHttpOptions same;
  same.port = *port;
  OcspHttpServer second(same, Echo);
  auto busy = second.Start();
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().field, "--port");
}

}  // namespace
}  // namespace mynacert::server
