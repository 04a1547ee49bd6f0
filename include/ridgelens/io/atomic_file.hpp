#pragma once
/// @file atomic_file.hpp
/// Writing output files so that they are either complete or absent.

#include <functional>
#include <ostream>
#include <string>

namespace ridgelens {

/// Calls `writer` on a temporary file in the directory of `path`, flushes and
/// syncs it, then renames it over `path`. If `writer` throws or any step
/// fails, the temporary file is removed and nothing appears at `path` (an
/// existing file at `path` is left as it was).
///
/// The temporary file is named `.<basename>.tmp.<pid>.<random>` and is listed,
/// while it exists, in a process-wide registry that
/// `remove_pending_temporary_files` empties from the disk.
///
/// @throws Error naming `path` and the system's reason (strerror) if the file
/// cannot be created, written, synced or renamed. An exception from `writer`
/// that derives from ridgelens::Error propagates unchanged; any other
/// std::exception is rethrown as an Error naming `path`, with the original
/// nested (std::throw_with_nested). Thread-safe for distinct paths.
void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& writer);

/// Checks, before any work is done, that `path` could be written: its
/// directory exists and is writable, and `path` is not a directory. Empty
/// paths pass. @throws InputError naming the path and the reason.
void check_output_path(const std::string& path);

/// Unlinks the temporary files of every `write_file_atomically` call in progress
/// in this process, so that an interrupted program leaves no `.tmp` files behind.
/// Meant for a signal handler (SIGINT, SIGTERM) just before the process exits:
/// it only reads a fixed, preallocated table of paths through lock-free atomics
/// and calls unlink(2), both async-signal-safe. The writes in progress then fail
/// at their rename. The table has room for 64 concurrent writes of paths shorter
/// than 4096 bytes; a write beyond that is not registered (it still cleans up
/// after itself on errors and exceptions, just not from a signal handler).
void remove_pending_temporary_files() noexcept;

}  // namespace ridgelens
