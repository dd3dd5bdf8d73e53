// Terminal and process helpers shared by the sub-commands that take secrets or serve.
#ifndef MYNACERT_CLI_TERMINAL_H_
#define MYNACERT_CLI_TERMINAL_H_

#include <signal.h>

#include <chrono>
#include <string>

#include "core/result.h"

namespace mynacert::cli {

// One line from the terminal without echo (prompting with `label` on stderr), or one line of
// stdin when it is not a terminal. PINs and passwords come only this way, never from argv.
// The error names stdin and says `what` was expected.
Result<std::string> ReadQuietLine(const std::string& label, const std::string& what);

// Blocks SIGINT and SIGTERM in this thread — call it before starting server threads, so that
// they inherit the mask — and returns the set for WaitForStop.
sigset_t BlockStopSignals();
// Waits up to `seconds` for SIGINT/SIGTERM; true when one came.
bool WaitForStop(const sigset_t& stop, std::chrono::milliseconds wait_for);

}  // namespace mynacert::cli

#endif  // MYNACERT_CLI_TERMINAL_H_
