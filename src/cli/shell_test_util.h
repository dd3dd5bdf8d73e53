// For the CLI tests that run ./build/mynacert (and openssl) through a shell: the exit code and
// stdout + stderr together.
#ifndef MYNACERT_CLI_SHELL_TEST_UTIL_H_
#define MYNACERT_CLI_SHELL_TEST_UTIL_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace mynacert::cli::testing_util {

struct Outcome {
  int code = -1;
  std::string out;  // stdout and stderr together
};

inline Outcome Sh(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  Outcome o;
  if (!p) return o;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) o.out.append(buf, n);
  const int s = pclose(p);
  o.code = WIFEXITED(s) ? WEXITSTATUS(s) : -1;
  return o;
}

}  // namespace mynacert::cli::testing_util

#endif  // MYNACERT_CLI_SHELL_TEST_UTIL_H_
