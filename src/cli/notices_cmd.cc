// Placeholder until the notices commands land (issue 6).
#include "cli/commands.h"

namespace mynacert::cli {

void AddNoticesCommands(CLI::App&, CliContext&) {}

}  // namespace mynacert::cli
