// A real SMTP server for tests: Debian's python3-aiosmtpd with its Mailbox handler, on a free
// loopback port, writing each message it accepts into a maildir; and the messages read back by
// Python's email package (an independent MIME parser). Under CI=true a missing aiosmtpd fails
// the test (the install step brings it); elsewhere the caller skips.
#ifndef MYNACERT_SERVICE_SMTP_TESTING_H_
#define MYNACERT_SERVICE_SMTP_TESTING_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace mynacert::service::testing {

inline bool HaveAiosmtpd() { return std::system("/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1") == 0; }

class TestSmtpServer {
 public:
  TestSmtpServer() = default;
  TestSmtpServer(const TestSmtpServer&) = delete;
  TestSmtpServer& operator=(const TestSmtpServer&) = delete;
  ~TestSmtpServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Starts the server; false when it does not answer within 15 s.
  bool Start() {
    dir_ = std::filesystem::temp_directory_path() / ("mynacert-smtp-" + std::to_string(getpid()) + "-" +
                                                     std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
    port_ = FreePort();
    pid_ = fork();
    if (pid_ == 0) {
      const std::string listen = "127.0.0.1:" + std::to_string(port_);
      const std::string box = (dir_ / "maildir").string();
      execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
            "aiosmtpd.handlers.Mailbox", box.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 150; ++i) {
      if (Answers()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Each message accepted so far, as Python's email package reads it: "To: …\nSubject: …\n"
  // then the text part, then "ATTACHMENT name type\n" per attachment and the first attachment's
  // text.
  std::vector<std::string> Messages() const {
    std::vector<std::string> out;
    for (const char* sub : {"new", "cur"}) {
      const auto d = dir_ / "maildir" / sub;
      if (!std::filesystem::exists(d)) continue;
      for (const auto& f : std::filesystem::directory_iterator(d)) out.push_back(Read(f.path()));
    }
    return out;
  }

 private:
  static int FreePort() {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
    close(s);
    return ntohs(a.sin_port);
  }
  bool Answers() const {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(s);
    return ok;
  }
  std::string Read(const std::filesystem::path& file) const {
    const auto script = dir_ / "read.py";
    if (!std::filesystem::exists(script)) {
      std::ofstream(script) << R"(import sys, email
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
print('To: ' + str(m['To']))
print('Subject: ' + str(m['Subject']))
body = m.get_body(preferencelist=('plain',))
print(body.get_content())
atts = list(m.iter_attachments())
for a in atts:
    print('ATTACHMENT ' + str(a.get_filename()) + ' ' + a.get_content_type())
if atts:
    print(atts[0].get_content())
)";
    }
    FILE* p = popen(("/usr/bin/python3 " + script.string() + " '" + file.string() + "'").c_str(), "r");
    if (!p) return "";
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
    return out;
  }

  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace mynacert::service::testing

#endif  // MYNACERT_SERVICE_SMTP_TESTING_H_
