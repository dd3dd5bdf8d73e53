#include "card/vpcd.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace mynacert::card {
namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

int Connect(const VpcdOptions& o) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(o.port);
  if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1 ||
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval timeout{0, 100 * 1000};  // how often a waiting card looks at the stop flag
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

// Reads exactly n bytes; 1 ok, 0 closed, -1 error, -2 stop requested. The socket has a
// receive timeout (SO_RCVTIMEO), so a blocked recv wakes up to look at `stop`.
int ReadExactly(int fd, char* buf, size_t n, const std::atomic<bool>& stop) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = recv(fd, buf + got, n - got, 0);
    if (stop.load()) return -2;
    if (r == 0) return 0;
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return -1;
    }
    got += static_cast<size_t>(r);
  }
  return 1;
}

// Puts the socket in quick-ACK mode: the next segments are ACKed by the kernel as they arrive,
// before this process even wakes up. Not sticky: set again before every command.
void QuickAck(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

bool SendFrame(int fd, std::string_view payload) {
  std::string frame;
  frame.reserve(payload.size() + 2);
  frame.push_back(static_cast<char>(payload.size() >> 8));
  frame.push_back(static_cast<char>(payload.size() & 0xff));
  frame.append(payload);
  size_t sent = 0;
  while (sent < frame.size()) {
    const ssize_t w = send(fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    sent += static_cast<size_t>(w);
  }
  return true;
}

// Polls (MSG_PEEK, non-blocking) until data is readable, the peer is gone, or `spin` passed.
void SpinForData(int fd, std::chrono::microseconds spin) {
  if (spin.count() <= 0) return;
  const auto until = std::chrono::steady_clock::now() + spin;
  char byte;
  while (std::chrono::steady_clock::now() < until) {
    const ssize_t r = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (r != -1 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return;
  }
}

}  // namespace

Status ServeVpcd(Card& card, const VpcdOptions& options, const std::atomic<bool>& stop,
                 VpcdStats* stats) {
  while (!stop.load()) {
    Socket s(Connect(options));
    if (s.fd() < 0) {
      // vpcd not listening yet (pcscd starting or restarting): try again.
      for (auto waited = std::chrono::milliseconds(0); waited < options.retry && !stop.load();
           waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;
    }
    if (stats) ++stats->connections;
    card.Reset();
    while (true) {
      char header[2];
      // vpcd writes the length and the payload in two send()s without TCP_NODELAY: its payload
      // waits (Nagle) for the ACK of the length, which must therefore leave at once — a delayed
      // ACK costs ~40 ms per APDU, an ACK sent after this process wakes ~25 µs.
      QuickAck(s.fd());
      SpinForData(s.fd(), options.spin);
      int r = ReadExactly(s.fd(), header, 2, stop);
      if (r != 1) break;
      const size_t length = static_cast<size_t>(static_cast<uint8_t>(header[0])) << 8 |
                            static_cast<uint8_t>(header[1]);
      std::string payload(length, '\0');
      if (length > 0 && (r = ReadExactly(s.fd(), payload.data(), length, stop)) != 1) break;
      if (length == 1) {
        const uint8_t control = static_cast<uint8_t>(payload[0]);
        if (control == 0x04) {
          if (!SendFrame(s.fd(), kJpkiAtr)) break;
        } else {
          card.Reset();  // power off, power on, reset: volatile state cleared, no reply
        }
        continue;
      }
      if (stats) ++stats->apdus;
      if (!SendFrame(s.fd(), card.Transmit(payload))) break;
    }
    card.Reset();
  }
  return {};
}

}  // namespace mynacert::card
