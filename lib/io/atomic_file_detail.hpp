#pragma once
// Shared by atomic_file.cpp and output_batch.cpp: the signal-safe registry of
// temporaries, their names, and where a write really goes.

#include <string>

namespace ridgelens::io_detail {

/// Registers a temporary (`directory`: removed with the files directly inside
/// it) for remove_pending_temporary_files; -1 if the table is full or the path
/// too long (the temporary is then only cleaned up by its owner).
int register_pending(const std::string& path, bool directory) noexcept;
void unregister_pending(int slot) noexcept;

[[noreturn]] void fail_write(const std::string& path, const std::string& step, int error);

/// Where a write of `path` goes.
struct ResolvedTarget {
    std::string path;            ///< the file to replace (a symbolic link followed)
    bool exists = false;         ///< a regular file is there
    bool write_through = false;  ///< a character device or FIFO: opened, not replaced
    bool append = false;         ///< write-through to a regular file named under /dev or /proc
                                 ///< (/dev/stdout redirected to a file): appended to
    unsigned mode = 0;           ///< permission bits of the existing file
    unsigned owner = 0, group = 0;
};

/// Follows symbolic links and classifies the target. @throws Error for a
/// directory, a dangling link, a block device or a socket.
ResolvedTarget resolve_target(const std::string& path);

/// Removes temporaries of `target` (same directory, `.<basename>.tmp.<pid>.…`)
/// left by processes of this machine that no longer exist. Best effort.
void remove_stale_temporaries(const std::string& target) noexcept;

/// `directory/.<basename>.tmp.<pid>.<random>` for `target`.
std::string temporary_path(const std::string& target);

/// Writes `bytes` completely to `fd`. @returns 0 or errno.
int write_all(int fd, const char* bytes, std::size_t size) noexcept;

}  // namespace ridgelens::io_detail
