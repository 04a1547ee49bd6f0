// The registry of temporaries, their names, stale-temporary cleanup, and the
// checks of output targets. The writes themselves: output_batch.cpp.

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "atomic_file_detail.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"

namespace ridgelens {

namespace io_detail {
namespace {

// --- Registry of temporaries being written, readable from a signal handler.

constexpr std::size_t pending_slot_count = 64;
constexpr std::size_t pending_path_capacity = 4096;

enum SlotState : int { slot_free = 0, slot_busy = 1, slot_file = 2, slot_directory = 3 };

struct PendingSlot {
    std::atomic<int> state{slot_free};
    char path[pending_path_capacity];
};

static_assert(std::atomic<int>::is_always_lock_free,
              "the signal-safe registry needs lock-free ints");

std::array<PendingSlot, pending_slot_count> pending_slots;

/// Only system calls: empties a flat temporary directory and removes it.
void remove_directory_signal_safe(const char* path) noexcept {
    const int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        alignas(8) static char buffer[8192];  // only touched from this handler path
        for (;;) {
            const long got = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer);
            if (got <= 0) break;
            for (long offset = 0; offset < got;) {
                // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name
                unsigned short length = 0;
                std::memcpy(&length, buffer + offset + 16, sizeof length);
                const char* name = buffer + offset + 19;
                if (std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0)
                    ::unlinkat(fd, name, 0);
                offset += length;
            }
        }
        ::close(fd);
    }
    ::rmdir(path);
}

bool process_is_gone(long pid) noexcept {
    if (pid <= 0) return false;
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

/// The pid of a temporary named `prefix<pid>.<16 hex>`, or -1.
long temporary_owner(const std::string& name, const std::string& prefix) {
    if (name.compare(0, prefix.size(), prefix) != 0) return -1;
    const std::string rest = name.substr(prefix.size());
    const std::size_t dot = rest.find('.');
    if (dot == 0 || dot == std::string::npos || dot > 10) return -1;
    if (rest.find_first_not_of("0123456789") != dot) return -1;
    const std::string random = rest.substr(dot + 1);
    if (random.size() != 16 || random.find_first_not_of("0123456789abcdef") != std::string::npos)
        return -1;
    return std::stol(rest.substr(0, dot));
}

std::string shortened(const std::string& basename) {
    return basename.substr(0, 200);
}

}  // namespace

int register_pending(const std::string& path, bool directory) noexcept {
    if (path.size() >= pending_path_capacity) return -1;
    for (std::size_t i = 0; i < pending_slot_count; ++i) {
        int expected = slot_free;
        if (!pending_slots[i].state.compare_exchange_strong(expected, slot_busy,
                                                            std::memory_order_acquire)) {
            continue;
        }
        std::memcpy(pending_slots[i].path, path.c_str(), path.size() + 1);
        pending_slots[i].state.store(directory ? slot_directory : slot_file,
                                     std::memory_order_release);
        return static_cast<int>(i);
    }
    return -1;
}

void unregister_pending(int slot) noexcept {
    if (slot < 0) return;
    pending_slots[slot].state.store(slot_busy, std::memory_order_relaxed);
    pending_slots[slot].state.store(slot_free, std::memory_order_release);
}

void fail_write(const std::string& path, const std::string& step, int error) {
    throw Error("cannot write '" + path + "': " + step + ": " +
                (error != 0 ? std::strerror(error) : "I/O error"));
}

std::string temporary_path(const std::string& target) {
    thread_local std::mt19937_64 generator(
        std::random_device{}() ^ std::hash<std::thread::id>{}(std::this_thread::get_id()));
    const std::filesystem::path path(target);
    char suffix[48];
    std::snprintf(suffix, sizeof suffix, ".tmp.%ld.%016llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(generator()));
    const std::string name = "." + shortened(path.filename().string()) + suffix;
    return (path.has_parent_path() ? path.parent_path() / name : std::filesystem::path(name))
        .string();
}

void remove_stale_temporaries(const std::string& target) noexcept {
    try {
        const std::filesystem::path path(target);
        const std::filesystem::path directory =
            path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
        const std::string prefix = "." + shortened(path.filename().string()) + ".tmp.";
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
            const long owner = temporary_owner(entry.path().filename().string(), prefix);
            if (owner > 0 && owner != ::getpid() && process_is_gone(owner))
                std::filesystem::remove_all(entry.path(), error);
        }
    } catch (...) {
        // best effort: a leftover we cannot remove stays for a later run
    }
}

ResolvedTarget resolve_target(const std::string& path) {
    ResolvedTarget target;
    target.path = path;
    struct stat link {};
    if (::lstat(path.c_str(), &link) != 0) return target;  // a new file
    struct stat file {};
    if (::stat(path.c_str(), &file) != 0)
        fail_write(path, "it is a symbolic link to a file that does not exist", errno);
    if (S_ISLNK(link.st_mode)) {
        std::error_code error;
        const std::filesystem::path real = std::filesystem::canonical(path, error);
        if (error) fail_write(path, "cannot follow its symbolic link", error.value());
        target.path = real.string();
    }
    if (S_ISDIR(file.st_mode)) fail_write(path, "it is a directory", EISDIR);
    if (S_ISCHR(file.st_mode) || S_ISFIFO(file.st_mode)) {
        target.write_through = true;
        return target;
    }
    if (!S_ISREG(file.st_mode))
        fail_write(path, "it is neither a regular file, a character device nor a FIFO", EINVAL);
    if (path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0) {
        // /dev/stdout, /dev/fd/N, /proc/self/fd/N naming a regular file (a
        // redirected stream): written through, appended, never renamed over.
        target.path = path;
        target.write_through = true;
        target.append = true;
        return target;
    }
    target.exists = true;
    target.mode = file.st_mode & 07777;
    target.owner = file.st_uid;
    target.group = file.st_gid;
    return target;
}

int write_all(int fd, const char* bytes, std::size_t size) noexcept {
    while (size > 0) {
        const ssize_t written = ::write(fd, bytes, size);
        if (written < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        bytes += written;
        size -= static_cast<std::size_t>(written);
    }
    return 0;
}

}  // namespace io_detail

void remove_pending_temporary_files() noexcept {
    using namespace io_detail;
    // Files first: a temporary file may sit inside a temporary directory.
    for (PendingSlot& slot : pending_slots) {
        if (slot.state.load(std::memory_order_acquire) == slot_file) ::unlink(slot.path);
    }
    for (PendingSlot& slot : pending_slots) {
        if (slot.state.load(std::memory_order_acquire) == slot_directory)
            remove_directory_signal_safe(slot.path);
    }
}

void check_output_path(const std::string& path) {
    if (path.empty()) return;
    const std::string what = "cannot write '" + path + "': ";
    io_detail::ResolvedTarget target;
    try {
        target = io_detail::resolve_target(path);
    } catch (const Error& error) {
        throw InputError(error.what());
    }
    if (target.write_through) {
        if (::access(target.path.c_str(), W_OK) != 0) throw InputError(what + std::strerror(errno));
        return;
    }
    const std::filesystem::path resolved(target.path);
    std::filesystem::path directory = resolved.parent_path();
    if (directory.empty()) directory = ".";
    std::error_code error;
    if (std::filesystem::is_directory(resolved, error))
        throw InputError(what + "it is a directory");
    struct stat parent {};
    if (::stat(directory.c_str(), &parent) != 0) {
        if (errno == ENOTDIR)
            throw InputError(what + "a component of " + directory.string() + " is not a directory");
        throw InputError(what + "directory " + directory.string() + " does not exist");
    }
    if (!S_ISDIR(parent.st_mode))
        throw InputError(what + directory.string() + " is not a directory");
    if (::access(directory.c_str(), W_OK | X_OK) != 0)
        throw InputError(what + directory.string() + ": " + std::strerror(errno));
    if (target.exists && ::access(target.path.c_str(), W_OK) != 0)
        throw InputError(what + "the existing file is not writable (" + std::strerror(errno) + ")");
}

void check_output_directory(const std::string& path) {
    if (path.empty()) return;
    const std::string what = "cannot write into directory '" + path + "': ";
    std::filesystem::path current(path);
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
        if (!S_ISDIR(info.st_mode)) throw InputError(what + "it exists and is not a directory");
    } else if (errno == ENOTDIR) {
        throw InputError(what + "a component of the path is a file, not a directory");
    }
    // The parent of the directory (or of its nearest existing ancestor) must be writable:
    // the directory is created or replaced there.
    current = std::filesystem::absolute(current).lexically_normal();
    if (!current.has_filename()) current = current.parent_path();
    std::filesystem::path parent = current.parent_path();
    while (::stat(parent.c_str(), &info) != 0) {
        if (errno == ENOTDIR)
            throw InputError(what + "a component of the path is a file, not a directory");
        if (parent == parent.parent_path()) break;
        parent = parent.parent_path();
    }
    if (!S_ISDIR(info.st_mode))
        throw InputError(what + parent.string() + " is a file, not a directory");
    if (::access(parent.c_str(), W_OK | X_OK) != 0)
        throw InputError(what + parent.string() + ": " + std::strerror(errno));
}

}  // namespace ridgelens
