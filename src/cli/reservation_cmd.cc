// Placeholder until the reservation commands land (issue 6).
#include "cli/commands.h"

namespace mynacert::cli {

void AddReservationCommands(CLI::App&, CliContext&) {}

}  // namespace mynacert::cli
