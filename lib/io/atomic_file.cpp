#include "ridgelens/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <thread>

#include "ridgelens/error.hpp"

namespace ridgelens {

namespace {

// --- Registry of temporary files being written, readable from a signal handler.

constexpr std::size_t pending_slot_count = 64;
constexpr std::size_t pending_path_capacity = 4096;

enum SlotState : int { slot_free = 0, slot_busy = 1, slot_armed = 2 };

struct PendingSlot {
    std::atomic<int> state{slot_free};
    char path[pending_path_capacity];
};

static_assert(std::atomic<int>::is_always_lock_free,
              "the signal-safe registry needs lock-free ints");

std::array<PendingSlot, pending_slot_count> pending_slots;

/// Claims a slot for `path`; -1 if the table is full or the path too long.
int register_pending(const std::string& path) noexcept {
    if (path.size() >= pending_path_capacity) return -1;
    for (std::size_t i = 0; i < pending_slot_count; ++i) {
        int expected = slot_free;
        if (!pending_slots[i].state.compare_exchange_strong(expected, slot_busy,
                                                            std::memory_order_acquire)) {
            continue;
        }
        std::memcpy(pending_slots[i].path, path.c_str(), path.size() + 1);
        pending_slots[i].state.store(slot_armed, std::memory_order_release);
        return static_cast<int>(i);
    }
    return -1;
}

void unregister_pending(int slot) noexcept {
    if (slot < 0) return;
    pending_slots[slot].state.store(slot_busy, std::memory_order_relaxed);
    pending_slots[slot].state.store(slot_free, std::memory_order_release);
}

// --- The steps of an atomic write.

[[noreturn]] void fail(const std::string& path, const std::string& step, int error) {
    throw Error("cannot write '" + path + "': " + step + ": " +
                (error != 0 ? std::strerror(error) : "I/O error"));
}

/// ".<basename>.tmp.<pid>.<random>"; the basename is shortened so that the name
/// stays within NAME_MAX.
std::string temporary_name(const std::string& basename) {
    thread_local std::mt19937_64 generator(
        std::random_device{}() ^ std::hash<std::thread::id>{}(std::this_thread::get_id()));
    char suffix[48];
    std::snprintf(suffix, sizeof suffix, ".tmp.%ld.%016llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(generator()));
    std::string name = ".";
    name.append(basename, 0, 200);
    return name + suffix;
}

/// A created temporary file: removed and unregistered unless committed.
class TemporaryFile {
  public:
    TemporaryFile(std::string path, int slot) : path_(std::move(path)), slot_(slot) {}
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile() {
        if (!committed_) ::unlink(path_.c_str());
        unregister_pending(slot_);
    }

    const std::string& path() const { return path_; }
    void commit() { committed_ = true; }

  private:
    std::string path_;
    int slot_;
    bool committed_ = false;
};

/// Creates (O_EXCL) a fresh temporary file beside `path`, registered before it exists.
std::unique_ptr<TemporaryFile> create_temporary(const std::string& path) {
    const std::filesystem::path target(path);
    const std::string basename = target.filename().string();
    if (basename.empty() || basename == "." || basename == "..") {
        fail(path, "the path does not name a file", EISDIR);
    }
    const std::filesystem::path directory =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    constexpr int attempts = 16;
    int error = 0;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        const std::string temp = (directory / temporary_name(basename)).string();
        const int slot = register_pending(temp);
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            return std::make_unique<TemporaryFile>(temp, slot);
        }
        error = errno;
        unregister_pending(slot);
        if (error != EEXIST) break;
    }
    fail(path, "cannot create a temporary file in '" + directory.string() + "'", error);
}

/// Runs the writer; exceptions other than ridgelens::Error are wrapped to name `path`.
void run_writer(const std::string& path, std::ofstream& out,
                const std::function<void(std::ostream&)>& writer) {
    try {
        writer(out);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        std::throw_with_nested(Error("cannot write '" + path + "': " + e.what()));
    }
}

void write_stream(const std::string& path, const std::string& temp,
                  const std::function<void(std::ostream&)>& writer) {
    errno = 0;
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) fail(path, "cannot open temporary file '" + temp + "'", errno);
    run_writer(path, out, writer);
    errno = 0;
    out.flush();
    if (!out) fail(path, "writing '" + temp + "' failed", errno);
    out.close();
    if (!out) fail(path, "closing '" + temp + "' failed", errno);
}

void sync_file(const std::string& path, const std::string& temp) {
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail(path, "cannot reopen '" + temp + "' to sync it", errno);
    if (::fsync(fd) != 0) {
        const int error = errno;
        ::close(fd);
        fail(path, "fsync of '" + temp + "' failed", error);
    }
    if (::close(fd) != 0) fail(path, "closing '" + temp + "' failed", errno);
}

/// Makes the rename itself durable; best effort (not every file system can).
void sync_directory(const std::string& path) noexcept {
    const std::filesystem::path target(path);
    const std::string directory = target.has_parent_path() ? target.parent_path().string() : ".";
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& writer) {
    if (path.empty()) throw Error("cannot write a file: the path is empty");
    const std::unique_ptr<TemporaryFile> temp = create_temporary(path);
    write_stream(path, temp->path(), writer);
    sync_file(path, temp->path());
    if (std::rename(temp->path().c_str(), path.c_str()) != 0) {
        fail(path, "cannot rename '" + temp->path() + "' over it", errno);
    }
    temp->commit();
    sync_directory(path);
}

void remove_pending_temporary_files() noexcept {
    for (PendingSlot& slot : pending_slots) {
        if (slot.state.load(std::memory_order_acquire) == slot_armed) ::unlink(slot.path);
    }
}

void check_output_path(const std::string& path) {
    if (path.empty()) return;
    const std::filesystem::path target(path);
    std::filesystem::path directory = target.parent_path();
    if (directory.empty()) directory = ".";
    const std::string what = "cannot write '" + path + "': ";
    std::error_code error;
    if (std::filesystem::is_directory(target, error)) throw InputError(what + "it is a directory");
    if (!std::filesystem::is_directory(directory, error))
        throw InputError(what + "directory " + directory.string() + " does not exist");
    if (::access(directory.c_str(), W_OK) != 0)
        throw InputError(what + directory.string() + ": " + std::strerror(errno));
}

}  // namespace ridgelens
