#pragma once
// SIGINT / SIGTERM: the program removes the temporary files of the outputs it
// is writing and exits at once with 128 + the signal number (130 for SIGINT,
// 143 for SIGTERM; README "Exit codes"). Outputs already renamed into place
// are complete; nothing partial and no temporary file is left behind.

namespace ridgelens::cli {

/// Installs the handler for SIGINT and SIGTERM (call once, first thing in main).
void install_interrupt_cleanup();

}  // namespace ridgelens::cli
