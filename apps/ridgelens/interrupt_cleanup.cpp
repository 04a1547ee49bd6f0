#include "interrupt_cleanup.hpp"

#include <unistd.h>

#include <csignal>

#include "ridgelens/io/atomic_file.hpp"

namespace ridgelens::cli {
namespace {

template <std::size_t size>
void write_message(const char (&text)[size]) noexcept {
    // write(2) is async-signal-safe; a short or failed write changes nothing.
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, text, size - 1);
}

// Only async-signal-safe calls: the system calls of remove_pending_temporary_files
// (it reads a preallocated table through lock-free atomics), write(2), _exit(2).
extern "C" void on_terminating_signal(int signal_number) {
    // Outputs being renamed into place (another thread): the committing thread
    // raises the signal again once all of them are there.
    if (defer_signal_while_committing(signal_number)) return;
    remove_pending_temporary_files();
    if (signal_number == SIGINT)
        write_message("\nridgelens: interrupted (SIGINT); outputs in progress removed\n");
    else if (signal_number == SIGHUP)
        write_message("ridgelens: hung up (SIGHUP); outputs in progress removed\n");
    else
        write_message("ridgelens: terminated (SIGTERM); outputs in progress removed\n");
    ::_exit(128 + signal_number);
}

}  // namespace

void install_interrupt_cleanup() {
    struct sigaction action {};
    action.sa_handler = on_terminating_signal;
    sigemptyset(&action.sa_mask);
    // While one handler runs, the other signal waits (it would exit the same way).
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    sigaddset(&action.sa_mask, SIGHUP);
    action.sa_flags = 0;
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction previous {};
        // A shell running us in the background with SIGINT ignored means "keep ignoring".
        if (::sigaction(signal_number, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN)
            continue;
        ::sigaction(signal_number, &action, nullptr);
    }
}

}  // namespace ridgelens::cli
