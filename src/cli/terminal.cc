#include "cli/terminal.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace mynacert::cli {

Result<std::string> ReadQuietLine(const std::string& label, const std::string& what) {
  const bool tty = isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::cerr << label << ": " << std::flush;
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (!got) return InvalidArgument("stdin", label + " を標準入力から読めません (" + what + ")");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

sigset_t BlockStopSignals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return stop;
}

bool WaitForStop(const sigset_t& stop, std::chrono::milliseconds wait_for) {
  timespec wait{static_cast<time_t>(wait_for.count() / 1000),
                static_cast<long>(wait_for.count() % 1000) * 1000000L};
  const int sig = sigtimedwait(&stop, nullptr, &wait);
  return sig == SIGINT || sig == SIGTERM;
}

}  // namespace mynacert::cli
