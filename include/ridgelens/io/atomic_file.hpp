#pragma once
/// @file atomic_file.hpp
/// Writing output files so that they are either complete or absent, alone or
/// several together (OutputBatch).
///
/// The rules every write follows:
/// - A regular file is written into a temporary beside it and renamed over it:
///   readers see the old file or the complete new one. An existing file keeps
///   its permission bits (and, where the process may, its owner and group).
/// - A symbolic link is written through, as cp(1) does: the file it points to
///   is replaced (atomically, with its mode kept) and the link stays a link. A
///   dangling link is refused.
/// - A character device or a FIFO (/dev/null, /dev/stdout, a named pipe) is
///   written through: opened for writing, never replaced by a regular file.
///   Block devices, sockets and directories are refused. A regular file named
///   through /dev or /proc (/dev/stdout redirected to a file) is appended to.
/// - Temporaries are named `.<basename>.tmp.<pid>.<16 hex digits>` beside the
///   target. One left behind by a process that was killed (SIGKILL, power loss)
///   is removed by the next write of the same target from a process on the same
///   machine, once no process with that pid exists.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>
#include "ridgelens/export.hpp"

namespace ridgelens {

/// Calls `writer` on a temporary file in the directory of `path`, flushes and
/// syncs it, then renames it over `path` (following the rules above). If
/// `writer` throws or any step fails, the temporary file is removed and
/// nothing appears at `path` (an existing file at `path` is left as it was).
///
/// While an OutputBatch::Capture is alive on the calling thread, the file is
/// staged into that batch instead and appears only at its commit().
///
/// The temporary file is listed, while it exists, in a process-wide registry
/// that `remove_pending_temporary_files` empties from the disk.
///
/// @throws Error naming `path` and the system's reason (strerror) if the file
/// cannot be created, written, synced or renamed. An exception from `writer`
/// that derives from ridgelens::Error propagates unchanged; any other
/// std::exception is rethrown as an Error naming `path`, with the original
/// nested (std::throw_with_nested). Thread-safe for distinct paths.
RIDGELENS_API void write_file_atomically(const std::string& path,
                                         const std::function<void(std::ostream&)>& writer);

/// Several outputs written all or nothing: each is staged (written completely
/// into a temporary beside its target) and commit() renames them all into
/// place at the end. Destroying the batch before commit() removes every
/// temporary; a signal handler calling remove_pending_temporary_files does the
/// same. commit() holds SIGINT, SIGTERM and SIGHUP while it renames (blocked in
/// its thread; deferred by handlers elsewhere that call
/// defer_signal_while_committing), so a signal arriving then takes effect after
/// every output is in place. Not thread-safe: one thread uses one batch.
class RIDGELENS_API OutputBatch {
  public:
    OutputBatch();
    ~OutputBatch();
    OutputBatch(const OutputBatch&) = delete;
    OutputBatch& operator=(const OutputBatch&) = delete;

    /// Stages a file (write_file_atomically's rules; a device or FIFO target
    /// is kept in memory and written at commit). @throws Error as
    /// write_file_atomically.
    void add_file(const std::string& path, const std::function<void(std::ostream&)>& writer);

    /// Creates (with missing parents) a fresh temporary directory beside
    /// `path` and returns its path, for the caller to fill. At commit it
    /// replaces `path` as a whole: an existing directory there is exchanged
    /// atomically (renameat2 RENAME_EXCHANGE) and its old contents removed,
    /// so readers see the old set of files or the new one, never a mix.
    /// The caller decides whether an existing directory may be replaced.
    /// @throws Error if `path` exists and is not a directory, or the
    /// temporary directory cannot be created.
    std::string add_directory(const std::string& path);

    /// Renames every staged output into place, in the order staged.
    /// @throws Error naming the output that could not be committed; outputs
    /// committed before it stay, the others are removed.
    void commit();

    /// While alive, write_file_atomically on this thread stages into `batch`.
    class Capture {
      public:
        explicit Capture(OutputBatch& batch);
        ~Capture();
        Capture(const Capture&) = delete;
        Capture& operator=(const Capture&) = delete;

      private:
        OutputBatch* previous_;
    };

    struct Staged;

  private:
    std::vector<std::unique_ptr<Staged>> staged_;
};

/// Checks, before any work is done, that `path` could be written: its
/// directory exists and is writable, `path` is not a directory, not a dangling
/// symbolic link, not a block device or socket, and an existing file there is
/// writable. Empty paths pass. @throws InputError naming the path and the reason.
RIDGELENS_API void check_output_path(const std::string& path);

/// Checks, before any work is done, that a directory of outputs could be
/// created or replaced at `path`: it is not an existing non-directory, the
/// nearest existing ancestor is a writable directory. Empty paths pass.
/// @throws InputError naming the path and the reason.
RIDGELENS_API void check_output_directory(const std::string& path);

/// Unlinks the temporary files (and removes the temporary directories, with
/// the files directly inside them) of every write and batch in progress in
/// this process, so that an interrupted program leaves no temporaries behind.
/// Meant for a signal handler (SIGINT, SIGTERM, SIGHUP) just before the process
/// exits: it only reads a fixed, preallocated table of paths through lock-free
/// atomics and calls open(2), getdents64(2), unlinkat(2), rmdir(2) and
/// close(2), all async-signal-safe system calls. The writes in progress then
/// fail at their rename. The table has room for 64 concurrent temporaries of
/// paths shorter than 4096 bytes; one beyond that is not registered (it still
/// cleans up after itself on errors and exceptions, just not from a signal
/// handler).
RIDGELENS_API void remove_pending_temporary_files() noexcept;

/// For a signal handler, before remove_pending_temporary_files: if an
/// OutputBatch::commit() is renaming outputs into place (in any thread), records
/// `signal_number` and returns true; the handler then returns at once, and the
/// committing thread raises the signal again when every output is in place.
/// Otherwise returns false. Async-signal-safe (lock-free atomics only).
RIDGELENS_API bool defer_signal_while_committing(int signal_number) noexcept;

}  // namespace ridgelens
