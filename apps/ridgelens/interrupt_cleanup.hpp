#pragma once
// SIGINT / SIGTERM / SIGHUP: the program removes the temporary files and
// directories of the outputs it is staging and exits at once with 128 + the
// signal number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP; README
// "Exit codes"). The outputs are committed together at the end with these
// signals held, so a run leaves all of its outputs or none, and no temporary.

namespace ridgelens::cli {

/// Installs the handler for SIGINT, SIGTERM and SIGHUP (call once, first thing in main).
void install_interrupt_cleanup();

}  // namespace ridgelens::cli
