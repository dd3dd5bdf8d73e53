#include "server/http.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "server/ocsp_http.h"

namespace mynacert::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

// Sends raw bytes and reads until the server closes (or `limit` passes); returns what came.
std::string RawExchange(uint16_t port, const std::string& bytes, bool* closed,
                        milliseconds limit = milliseconds(3000)) {
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  boost::system::error_code write_ec;  // the server may close before taking it all
  asio::write(s, asio::buffer(bytes), write_ec);
  std::string got;
  char buf[4096];
  *closed = false;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  s.non_blocking(true);
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    const size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(milliseconds(2));
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

std::string Get(uint16_t port, const std::string& target, milliseconds limit = milliseconds(3000)) {
  bool closed = false;
  return RawExchange(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                     &closed, limit);
}

std::string BodyOf(const std::string& response) {
  const size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : response.substr(at + 4);
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

HttpResponse Ok(const HttpRequest&) {
  HttpResponse r;
  r.body = R"({"status":"ok"})";
  return r;
}

std::unique_ptr<HttpServer> StartServer(HttpOptions o, HttpHandler h, uint16_t* port) {
  auto server = std::make_unique<HttpServer>(std::move(o), std::move(h));
  auto p = server->Start();
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  *port = p.ok() ? *p : 0;
  return server;
}

// ---------------------------------------------------------------------------------------------
// UTF-8 in the target (finding 3: invalid UTF-8 reached the handlers and made a 500).

TEST(ValidUtf8, Table) {
  EXPECT_TRUE(ValidUtf8(""));
  EXPECT_TRUE(ValidUtf8("plain ascii\t"));
  EXPECT_TRUE(ValidUtf8("日本語の住所 山形市"));
  EXPECT_TRUE(ValidUtf8("\xC2\x80"));                  // U+0080
  EXPECT_TRUE(ValidUtf8("\xED\x9F\xBF"));              // U+D7FF
  EXPECT_TRUE(ValidUtf8("\xEE\x80\x80"));              // U+E000
  EXPECT_TRUE(ValidUtf8("\xF0\x9F\x98\x80"));          // U+1F600
  EXPECT_TRUE(ValidUtf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF
  EXPECT_FALSE(ValidUtf8(std::string("a\0b", 3)));     // NUL
  EXPECT_FALSE(ValidUtf8("\xFF"));
  EXPECT_FALSE(ValidUtf8("\x80"));                     // a lone continuation byte
  EXPECT_FALSE(ValidUtf8("\xC0\xAF"));                 // overlong '/'
  EXPECT_FALSE(ValidUtf8("\xC1\xBF"));                 // overlong
  EXPECT_FALSE(ValidUtf8("\xE0\x80\xAF"));             // overlong, 3 bytes
  EXPECT_FALSE(ValidUtf8("\xF0\x80\x80\xAF"));         // overlong, 4 bytes
  EXPECT_FALSE(ValidUtf8("\xED\xA0\x80"));             // U+D800, a surrogate
  EXPECT_FALSE(ValidUtf8("\xED\xBF\xBF"));             // U+DFFF
  EXPECT_FALSE(ValidUtf8("\xF4\x90\x80\x80"));         // U+110000
  EXPECT_FALSE(ValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(ValidUtf8("\xE5\xB1"));                 // truncated
  EXPECT_FALSE(ValidUtf8("\xE5\x41\xB1"));             // not a continuation
}

TEST(ParseQuery, BadUtf8NamesTheKey) {
  auto r = ParseQuery("a=1&name=%FF");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "name");
  r = ParseQuery("%C0%AF=1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "query");
  r = ParseQuery("=%ED%A0%80");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "query");
  r = ParseQuery("q=%E6%97%A5%E6%9C%AC");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("q"), "日本");
}

TEST(HttpServerTest, InvalidUtf8InTheTargetIsMarkedWithItsField) {
  // The handler echoes what it was given: bad_target|bad_field|path|query q.
  auto echo = [](const HttpRequest& req) {
    HttpResponse r;
    r.content_type = "text/plain; charset=utf-8";
    auto q = req.query.find("q");
    r.body = std::string(req.bad_target ? "1" : "0") + "|" + req.bad_field + "|" + req.path + "|" +
             (q == req.query.end() ? "-" : q->second);
    return r;
  };
  uint16_t port = 0;
  auto server = StartServer(HttpOptions{}, echo, &port);
  struct Case {
    std::string target, want;
  };
  const Case cases[] = {
      {"/p?q=%FF", "1|q|/p|-"},
      {"/p?q=%C0%AF", "1|q|/p|-"},         // overlong '/'
      {"/p?q=%ED%A0%80", "1|q|/p|-"},      // surrogate
      {"/p?q=%F4%90%80%80", "1|q|/p|-"},   // over U+10FFFF
      {"/p?q=a%00b", "1|q|/p|-"},          // NUL
      {"/p?a=1&q=ok&z=%FF", "1|z|/p|-"},   // the query is dropped whole
      {"/p?%FF=1", "1|query|/p|-"},
      {"/%FF", "1|path|/%FF|-"},           // the path left raw
      {"/%C0%AF?q=x", "1|path|/%C0%AF|-"},
      {"/a%ED%A0%80", "1|path|/a%ED%A0%80|-"},
      {"/a%00", "1|path|/a%00|-"},
      {"/%zz?q=x", "1|path|/%zz|-"},       // a bad escape names its field too
      {"/p?q=%zz", "1|q|/p|-"},
      {"/%E5%B1%B1%E5%BD%A2?q=%E6%97%A5%E6%9C%AC%E8%AA%9E+%E5%B8%82", "0||/山形|日本語 市"},
      {"/p?q=caf%C3%A9", "0||/p|café"},
  };
  for (const auto& c : cases) {
    const std::string got = Get(port, c.target);
    EXPECT_EQ(got.rfind("HTTP/1.1 200 ", 0), 0u) << c.target << "\n" << got;
    EXPECT_EQ(BodyOf(got), c.want) << c.target;
  }
}

// ---------------------------------------------------------------------------------------------
// HEAD (finding 2: the answer to HEAD carried a body, which the client takes for the start of
// the next answer).

TEST(HttpServerTest, HeadGetsTheLengthOfTheBodyButNoBody) {
  std::mutex mu;
  std::vector<std::string> methods;
  auto handler = [&](const HttpRequest& req) {
    {
      std::lock_guard lock(mu);
      methods.push_back(req.method);
    }
    HttpResponse r;
    r.content_type = "text/plain";
    r.body = "hello";
    return r;
  };
  uint16_t port = 0;
  auto server = StartServer(HttpOptions{}, handler, &port);
  bool closed = false;
  const std::string got = RawExchange(
      port,
      "HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      &closed);
  EXPECT_TRUE(closed);
  const size_t end_of_head = got.find("\r\n\r\n");
  ASSERT_NE(end_of_head, std::string::npos) << got;
  const std::string head = got.substr(0, end_of_head + 4);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_NE(head.find("\r\nContent-Length: 5\r\n"), std::string::npos) << head;
  // Right after the HEAD's head comes the GET's answer, with the only body.
  EXPECT_EQ(got.substr(end_of_head + 4).rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_EQ(Count(got, "hello"), 1u) << got;
  EXPECT_EQ(got.substr(got.size() - 5), "hello");
  std::lock_guard lock(mu);
  EXPECT_EQ(methods, (std::vector<std::string>{"HEAD", "GET"}));
}

// ---------------------------------------------------------------------------------------------
// Body limits per request and the too-large answer (finding 4).

TEST(HttpServerTest, BodyLimitHookAndTooLargeHook) {
  std::mutex mu;
  std::vector<std::string> seen;  // what plan saw: path, a header, the body
  HttpOptions o;
  o.max_request_bytes = 100;
  o.plan = [&](const HttpRequest& head) {
    std::lock_guard lock(mu);
    seen.push_back(head.method + " " + head.path + " " + head.Header("x-test") + " [" + head.body + "]");
    RequestPlan plan;
    if (head.path == "/small") plan.body_limit = 10;
    if (head.path == "/big") plan.body_limit = 1000;
    return plan;  // else 0: max_request_bytes
  };
  o.too_large = [](const HttpRequest& head) {
    HttpResponse r;
    r.status = 413;
    r.content_type = "text/plain";
    r.body = "too big for " + head.path;
    return r;
  };
  auto echo = [](const HttpRequest& req) {
    HttpResponse r;
    r.content_type = "text/plain";
    r.body = "got " + std::to_string(req.body.size());
    return r;
  };
  uint16_t port = 0;
  auto server = StartServer(o, echo, &port);
  auto post = [&](const std::string& path, size_t n) {
    bool closed = false;
    std::string got = RawExchange(port,
                                  "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Test: t\r\nContent-Length: " +
                                      std::to_string(n) + "\r\n\r\n" + std::string(n, 'b'),
                                  &closed, milliseconds(400));
    return std::make_pair(got, closed);
  };
  auto [small_ok, c1] = post("/small", 10);
  EXPECT_EQ(BodyOf(small_ok), "got 10") << small_ok;
  auto [small_over, c2] = post("/small", 11);
  EXPECT_EQ(small_over.rfind("HTTP/1.1 413 ", 0), 0u) << small_over;
  EXPECT_NE(small_over.find("Content-Type: text/plain\r\n"), std::string::npos) << small_over;
  EXPECT_NE(small_over.find("Connection: close"), std::string::npos) << small_over;
  EXPECT_EQ(BodyOf(small_over), "too big for /small");
  EXPECT_TRUE(c2);
  auto [big_ok, c3] = post("/big", 1000);
  EXPECT_EQ(BodyOf(big_ok), "got 1000") << big_ok.substr(0, 200);
  auto [big_over, c4] = post("/big", 1001);
  EXPECT_EQ(BodyOf(big_over), "too big for /big") << big_over.substr(0, 200);
  auto [default_ok, c5] = post("/other", 100);
  EXPECT_EQ(BodyOf(default_ok), "got 100");
  auto [default_over, c6] = post("/other", 101);
  EXPECT_EQ(BodyOf(default_over), "too big for /other");
  {
    std::lock_guard lock(mu);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front(), "POST /small t []");
  }

  // A Content-Length over the limit is answered at once, before any of the body is sent.
  bool closed = false;
  const auto start = std::chrono::steady_clock::now();
  std::string got = RawExchange(port, "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n",
                                &closed, milliseconds(3000));
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  EXPECT_EQ(BodyOf(got), "too big for /small") << got;

  // A chunked body is cut when it passes the limit.
  got = RawExchange(port,
                    "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n",
                    &closed, milliseconds(3000));
  EXPECT_EQ(BodyOf(got), "too big for /small") << got;
  EXPECT_TRUE(closed);
  got = RawExchange(port,
                    "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    "5\r\n12345\r\n5\r\n12345\r\n0\r\n\r\n",
                    &closed, milliseconds(3000));
  EXPECT_EQ(BodyOf(got), "got 10") << got;
}

// A slow request (a login's scrypt) runs on the slow pool at a lower priority: with one
// serving thread, a quick request is answered while three slow ones are still running, and the
// slow handler's thread is the one lowered, not the serving thread.
TEST(HttpServerTest, SlowRequestsLeaveTheServingThreadsFree) {
  HttpOptions o;
  o.threads = 1;
  o.slow_threads = 1;
  o.slow_nice = 7;
  o.plan = [](const HttpRequest& head) {
    RequestPlan plan;
    plan.slow = head.path == "/slow";
    return plan;
  };
  auto handler = [](const HttpRequest& req) {
    HttpResponse r;
    r.content_type = "text/plain";
    if (req.path == "/slow") std::this_thread::sleep_for(milliseconds(300));
    errno = 0;
    r.body = req.path + " nice " + std::to_string(getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))));
    return r;
  };
  uint16_t port = 0;
  auto server = StartServer(o, handler, &port);
  const int own = getpriority(PRIO_PROCESS, 0);
  std::vector<std::thread> slow;
  std::vector<std::string> slow_got(3);
  for (int i = 0; i < 3; ++i) {
    slow.emplace_back([&, i] { slow_got[i] = Get(port, "/slow", milliseconds(5000)); });
  }
  std::this_thread::sleep_for(milliseconds(100));  // the three are queued or running
  const auto started = std::chrono::steady_clock::now();
  const std::string quick = Get(port, "/quick");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(BodyOf(quick), "/quick nice " + std::to_string(own)) << quick;
  EXPECT_LT(took, milliseconds(200)) << "a quick request waited behind the slow ones";
  for (auto& t : slow) t.join();
  for (const std::string& got : slow_got) {
    EXPECT_EQ(BodyOf(got), "/slow nice " + std::to_string(std::min(19, own + 7))) << got;
  }
}

// The slow queue is bounded: beyond `slow_queue` waiting or running, a slow request is answered
// 503 with Retry-After at once instead of waiting behind the flood.
TEST(HttpServerTest, AFullSlowQueueAnswers503AtOnce) {
  HttpOptions o;
  o.threads = 2;
  o.slow_threads = 1;
  o.slow_queue = 2;
  o.plan = [](const HttpRequest&) {
    RequestPlan plan;
    plan.slow = true;
    return plan;
  };
  auto handler = [](const HttpRequest&) {
    std::this_thread::sleep_for(milliseconds(400));
    return Ok(HttpRequest{});
  };
  uint16_t port = 0;
  auto server = StartServer(o, handler, &port);
  std::vector<std::thread> slow;
  std::vector<std::string> got(2);
  for (int i = 0; i < 2; ++i) slow.emplace_back([&, i] { got[i] = Get(port, "/login", milliseconds(5000)); });
  std::this_thread::sleep_for(milliseconds(100));
  const auto started = std::chrono::steady_clock::now();
  const std::string third = Get(port, "/login");
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(200));
  EXPECT_EQ(third.rfind("HTTP/1.1 503 ", 0), 0u) << third;
  EXPECT_NE(third.find("Retry-After: 1\r\n"), std::string::npos) << third;
  for (auto& t : slow) t.join();
  for (const std::string& g : got) EXPECT_EQ(g.rfind("HTTP/1.1 200 ", 0), 0u) << g;
  // Once they are done, the queue takes requests again.
  EXPECT_EQ(Get(port, "/login").rfind("HTTP/1.1 200 ", 0), 0u);
}

TEST(HttpServerTest, DefaultTooLargeIsJson413) {
  HttpOptions o;
  o.max_request_bytes = 4;
  uint16_t port = 0;
  auto server = StartServer(o, Ok, &port);
  bool closed = false;
  const std::string got =
      RawExchange(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n12345", &closed);
  EXPECT_EQ(got.rfind("HTTP/1.1 413 ", 0), 0u) << got;
  EXPECT_NE(BodyOf(got).find("payload_too_large"), std::string::npos) << got;
  EXPECT_TRUE(closed);
}

TEST(HttpServerTest, OcspBodyOverTheLimitIsAnOcspError) {
  OcspHttpOptions o;
  o.max_request_bytes = 16;
  OcspHttpServer server(o, [](std::string_view der) { return "R:" + std::string(der); });
  auto port = server.Start();
  ASSERT_TRUE(port.ok());
  bool closed = false;
  const std::string got = RawExchange(
      *port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request\r\nContent-Length: 17\r\n\r\n" +
                 std::string(17, 'x'),
      &closed);
  EXPECT_EQ(got.rfind("HTTP/1.1 413 ", 0), 0u) << got;
  EXPECT_NE(got.find("Content-Type: application/ocsp-response\r\n"), std::string::npos) << got;
  EXPECT_EQ(BodyOf(got), MalformedRequestResponse());
  EXPECT_TRUE(closed);
}

// ---------------------------------------------------------------------------------------------
// The connection cap (finding 1).

// A connected client socket that has done one keep-alive request (so the server has admitted
// it and it is now idle), or only connected.
struct Conn {
  explicit Conn(uint16_t port) : s(ioc) { s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)); }
  std::string Request(const std::string& raw, milliseconds limit = milliseconds(2000)) {
    asio::write(s, asio::buffer(raw));
    return ReadFor(limit, /*until_body=*/true);
  }
  // Reads what comes within `limit` (stops early at a complete small answer or the close).
  std::string ReadFor(milliseconds limit, bool until_body = false) {
    std::string got;
    char buf[4096];
    s.non_blocking(true);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      boost::system::error_code ec;
      const size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) {
        std::this_thread::sleep_for(milliseconds(2));
        continue;
      }
      if (ec) {
        closed = true;
        break;
      }
      got.append(buf, n);
      if (until_body && got.find(R"({"status":"ok"})") != std::string::npos) break;
    }
    return got;
  }
  asio::io_context ioc;
  tcp::socket s;
  bool closed = false;
};

const std::string kHealth = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";

TEST(HttpServerTest, AtTheCapTheLongestIdleConnectionIsShed) {
  HttpOptions o;
  o.max_connections = 3;
  o.threads = 2;
  uint16_t port = 0;
  auto server = StartServer(o, Ok, &port);
  Conn a(port), b(port), c(port);
  for (Conn* conn : {&a, &b, &c}) ASSERT_NE(conn->Request(kHealth).find("200 OK"), std::string::npos);
  // b asks again: it is now the most recently idle, a the longest.
  ASSERT_NE(b.Request(kHealth).find("200 OK"), std::string::npos);
  Conn d(port);
  EXPECT_NE(d.Request(kHealth).find("200 OK"), std::string::npos);
  a.ReadFor(milliseconds(1000));
  EXPECT_TRUE(a.closed);  // shed
  EXPECT_NE(b.Request(kHealth).find("200 OK"), std::string::npos);
  EXPECT_NE(c.Request(kHealth).find("200 OK"), std::string::npos);
  EXPECT_EQ(server->connections_shed(), 1u);
  EXPECT_EQ(server->connections(), 3u);
}

TEST(HttpServerTest, AtTheCapWithNoneIdleTheNewConnectionGets503) {
  HttpOptions o;
  o.max_connections = 2;
  uint16_t port = 0;
  auto server = StartServer(o, Ok, &port);
  // Two connections in the middle of a request body: busy, not idle.
  Conn a(port), b(port);
  const std::string half = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345";
  asio::write(a.s, asio::buffer(half));
  asio::write(b.s, asio::buffer(half));
  std::this_thread::sleep_for(milliseconds(200));
  Conn c(port);
  const std::string got = c.ReadFor(milliseconds(2000));
  EXPECT_TRUE(c.closed);
  if (!got.empty()) {  // best effort: the 503 may be lost to the reset of the close
    EXPECT_EQ(got.rfind("HTTP/1.1 503 ", 0), 0u) << got;
    EXPECT_NE(got.find("Retry-After: 1\r\n"), std::string::npos) << got;
  }
  // The busy ones were not touched.
  EXPECT_NE(a.Request("67890").find("200 OK"), std::string::npos);
  EXPECT_NE(b.Request("67890").find("200 OK"), std::string::npos);
  EXPECT_EQ(server->connections_shed(), 0u);
}

// utime + stime of a process, from /proc/<pid>/stat.
milliseconds CpuTime(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(all.substr(all.rfind(')') + 2));
  std::string field;
  long long ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14 and 15: utime, stime
    if (i >= 14) ticks += std::stoll(field);
  }
  return milliseconds(ticks * 1000 / sysconf(_SC_CLK_TCK));
}

// Reads a line (the port) from fd within `limit`.
bool ReadWithin(int fd, void* out, size_t n, milliseconds limit) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(limit.count())) != 1) return false;
  return read(fd, out, n) == static_cast<ssize_t>(n);
}

// The server runs in a child process whose RLIMIT_NOFILE is 256 (the test's own limit stays as
// it is); the 400 clients are this process's descriptors, so they cannot eat the server's.
void SaturateAndCheck(size_t max_connections) {
  rlimit mine{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &mine), 0);
  if (mine.rlim_cur < 1024 && mine.rlim_max >= 1024) {
    mine.rlim_cur = 1024;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &mine), 0);
  }
  ASSERT_GE(mine.rlim_cur, 512u) << "this test opens 400 sockets";
  int port_pipe[2], ctl_pipe[2];
  ASSERT_EQ(pipe(port_pipe), 0);
  ASSERT_EQ(pipe(ctl_pipe), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(port_pipe[0]);
    close(ctl_pipe[1]);
    // See the warm-up below; the accept error's own category is met here (not a constant
    // expression, since Boost's constructor is constexpr and would be folded away).
    volatile int at_runtime = EMFILE;
    const boost::system::error_code emfile(at_runtime, boost::system::system_category());
    if (!emfile.failed() || emfile.message().empty()) _exit(4);
    rlimit low{256, mine.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &low) != 0) _exit(2);
    HttpOptions o;
    o.threads = 2;
    o.idle_timeout = std::chrono::seconds(60);
    o.max_connections = max_connections;
    HttpServer server(o, Ok);
    auto port = server.Start();
    const uint16_t p = port.ok() ? *port : 0;
    if (write(port_pipe[1], &p, sizeof p) != sizeof p) _exit(3);
    char c;
    while (read(ctl_pipe[0], &c, 1) > 0) {
    }
    server.Stop();
    _exit(0);
  }
  close(port_pipe[1]);
  close(ctl_pipe[0]);
  uint16_t port = 0;
  ASSERT_TRUE(ReadWithin(port_pipe[0], &port, sizeof port, milliseconds(10000)));
  close(port_pipe[0]);
  ASSERT_NE(port, 0);

  // Warm-up, with descriptors to spare: one of each ordinary ending of a connection (answered
  // and closed by the server; left by the client with nothing sent; left mid-header; left after
  // a kept-alive answer). Under the sanitizer build this is what lets the saturated phase run:
  // UBSan's vptr check, the first time it meets an (object type, static type) pair — here each
  // error category Asio and Beast report an ending with — probes the object's memory through
  // pipe(2), which fails with no descriptor left, and it then reports a bad vptr and aborts.
  // (Suppressions cannot help: UBSan ignores them for -fno-sanitize-recover checks.)
  ASSERT_EQ(Get(port, "/api/health").rfind("HTTP/1.1 200 ", 0), 0u);
  { Conn silent(port); }
  {
    Conn partial(port);
    asio::write(partial.s, asio::buffer(std::string("GET /api/hea")));
  }
  {
    Conn kept(port);
    ASSERT_NE(kept.Request(kHealth).find("200 OK"), std::string::npos);
  }
  std::this_thread::sleep_for(milliseconds(200));

  // 400 connections that never send a byte (non-blocking connects: a server that stops
  // accepting must not hang the test).
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<int> clients;
  for (int i = 0; i < 400; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd, 0) << i;
    connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // EINPROGRESS is fine
    clients.push_back(fd);
  }
  std::this_thread::sleep_for(milliseconds(500));

  // Saturated: the server must sleep, not spin on accept.
  const milliseconds cpu_before = CpuTime(child);
  std::this_thread::sleep_for(milliseconds(1000));
  const milliseconds cpu_used = CpuTime(child) - cpu_before;
  std::cout << "server CPU over 1 s while saturated: " << cpu_used.count() << " ms\n";
  EXPECT_LT(cpu_used, milliseconds(200)) << "CPU used by the server over 1 s while saturated";

  // Saturated, it still answers: a new connection sheds the longest-idle one.
  std::string got = Get(port, "/api/health", milliseconds(3000));
  EXPECT_EQ(got.rfind("HTTP/1.1 200 ", 0), 0u) << "while saturated: " << got;

  for (int fd : clients) close(fd);
  std::this_thread::sleep_for(milliseconds(200));
  for (int i = 0; i < 5; ++i) {
    got = Get(port, "/api/health", milliseconds(3000));
    EXPECT_EQ(got.rfind("HTTP/1.1 200 ", 0), 0u) << "after the clients left, request " << i << ": " << got;
  }

  close(ctl_pipe[1]);  // the child stops its server and exits
  int status = -1;
  for (int i = 0; i < 500 && waitpid(child, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  if (status == -1) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  }
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// The default cap (256 − 64): the 193rd and later connections shed the longest idle ones.
TEST(HttpServerTest, AtTheDescriptorLimitTheServerNeitherSpinsNorStopsServing) { SaturateAndCheck(0); }

// A cap above the descriptor limit: accept itself fails with EMFILE; the server must neither
// spin nor stall (it sheds an idle connection, or waits 50 ms → 1 s, and accepts again).
TEST(HttpServerTest, AcceptFailingWithEmfileNeitherSpinsNorStalls) { SaturateAndCheck(1000); }

// Behind nginx every peer is 127.0.0.1: from a trusted proxy the client is X-Real-IP (so rate
// limits count per client) and TLS is X-Forwarded-Proto; from anyone else both are ignored, and
// a malformed address is never taken.
TEST(TrustedProxy, NamesTheClientOnlyForTrustedPeers) {
  const std::vector<std::string> trusted{"127.0.0.1"};
  auto head = [](const std::string& remote, const std::string& real, const std::string& proto) {
    HttpRequest r;
    r.remote = remote;
    if (!real.empty()) r.headers["x-real-ip"] = real;
    if (!proto.empty()) r.headers["x-forwarded-proto"] = proto;
    return r;
  };
  HttpRequest r = head("127.0.0.1", "203.0.113.7", "https");
  ApplyTrustedProxy(r, trusted);
  EXPECT_EQ(r.remote, "203.0.113.7");
  EXPECT_TRUE(r.secure);
  r = head("198.51.100.1", "203.0.113.7", "https");  // not the proxy: a client's own headers
  ApplyTrustedProxy(r, trusted);
  EXPECT_EQ(r.remote, "198.51.100.1");
  EXPECT_FALSE(r.secure);
  r = head("127.0.0.1", "203.0.113.7, 10.0.0.1", "http");  // not one address
  ApplyTrustedProxy(r, trusted);
  EXPECT_EQ(r.remote, "127.0.0.1");
  EXPECT_FALSE(r.secure);
  r = head("127.0.0.1", "2001:db8::1", "");
  ApplyTrustedProxy(r, trusted);
  EXPECT_EQ(r.remote, "2001:db8::1");
  r = head("127.0.0.1", "203.0.113.7", "https");
  ApplyTrustedProxy(r, {});  // no proxy configured
  EXPECT_EQ(r.remote, "127.0.0.1");
}

// A verifier's TLS client certificate (R-VER-1): nginx verifies it and forwards it
// percent-encoded; only a trusted proxy's SUCCESS carries it, only where forwarded certificates
// are turned on, and a client's own headers never do.
TEST(TrustedProxy, CarriesTheClientCertificateOnlyWhenTheProxyVerifiedIt) {
  const std::vector<std::string> trusted{"127.0.0.1"};
  const std::string escaped = "-----BEGIN%20CERTIFICATE-----%0AMIIB%2Bzz%3D%3D%0A-----END%20CERTIFICATE-----%0A";
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB+zz==\n-----END CERTIFICATE-----\n";
  auto head = [&](const std::string& remote, const std::string& verify, const std::string& cert) {
    HttpRequest r;
    r.remote = remote;
    if (!verify.empty()) r.headers["x-ssl-client-verify"] = verify;
    if (!cert.empty()) r.headers["x-ssl-client-cert"] = cert;
    ApplyTrustedProxy(r, trusted, /*forwarded_client_cert=*/true);
    return r.client_cert;
  };
  EXPECT_EQ(head("127.0.0.1", "SUCCESS", escaped), pem);
  EXPECT_EQ(head("198.51.100.1", "SUCCESS", escaped), "");  // a client naming its own certificate
  EXPECT_EQ(head("127.0.0.1", "FAILED:certificate has expired", escaped), "");
  EXPECT_EQ(head("127.0.0.1", "NONE", ""), "");
  EXPECT_EQ(head("127.0.0.1", "success", escaped), "");  // exactly nginx's word
  EXPECT_EQ(head("127.0.0.1", "SUCCESS", "not a certificate"), "");
  EXPECT_EQ(head("127.0.0.1", "SUCCESS", "-----BEGIN%ZZ"), "");  // bad escape
  HttpRequest r;
  r.remote = "127.0.0.1";
  r.headers["x-ssl-client-verify"] = "SUCCESS";
  r.headers["x-ssl-client-cert"] = escaped;
  ApplyTrustedProxy(r, {}, true);  // no proxy configured
  EXPECT_EQ(r.client_cert, "");
  ApplyTrustedProxy(r, trusted);  // the proxy trusted for addresses only: its headers may be a client's
  EXPECT_EQ(r.client_cert, "");
  EXPECT_EQ(r.remote, "127.0.0.1");
}

}  // namespace
}  // namespace mynacert::server
