// Outputs staged into temporaries and committed together (OutputBatch), and
// write_file_atomically, a batch of one.

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <sstream>
#include <streambuf>
#include <vector>

#include "atomic_file_detail.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"

namespace ridgelens {

using io_detail::fail_write;

struct OutputBatch::Staged {
    std::string target;     ///< where the output goes (a symbolic link followed)
    std::string temporary;  ///< the staged file or directory; empty for write-through
    int slot = -1;
    bool directory = false;
    bool write_through = false;
    bool append = false;
    std::string content;                       ///< write-through only
    std::vector<std::string> created_parents;  ///< directories only, outermost first
    bool done = false;

    ~Staged() {
        if (!temporary.empty()) {
            std::error_code error;
            if (directory)
                std::filesystem::remove_all(temporary, error);
            else
                ::unlink(temporary.c_str());
        }
        io_detail::unregister_pending(slot);
        if (!done)
            for (auto it = created_parents.rbegin(); it != created_parents.rend(); ++it)
                ::rmdir(it->c_str());
    }
};

namespace {

thread_local OutputBatch* capturing_batch = nullptr;

/// Runs the writer; exceptions other than ridgelens::Error are wrapped to name `path`.
void run_writer(const std::string& path, std::ostream& out,
                const std::function<void(std::ostream&)>& writer) {
    try {
        writer(out);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        std::throw_with_nested(Error("cannot write '" + path + "': " + e.what()));
    }
}

/// A buffered output stream over a file descriptor that keeps the errno of
/// the first failed write(2) (std::ofstream loses it).
class DescriptorBuffer : public std::streambuf {
  public:
    explicit DescriptorBuffer(int fd) : fd_(fd), buffer_(1 << 16) {
        setp(buffer_.data(), buffer_.data() + buffer_.size());
    }
    int error() const { return error_; }

  protected:
    int_type overflow(int_type c) override {
        if (drain() != 0) return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return drain() == 0 ? 0 : -1; }

  private:
    int drain() {
        if (error_ == 0)
            error_ = io_detail::write_all(fd_, pbase(), static_cast<std::size_t>(pptr() - pbase()));
        setp(buffer_.data(), buffer_.data() + buffer_.size());
        return error_;
    }
    int fd_;
    std::vector<char> buffer_;
    int error_ = 0;
};

/// Writes, syncs and closes the temporary file.
void write_stream(const std::string& path, const std::string& temp,
                  const std::function<void(std::ostream&)>& writer) {
    const int fd = ::open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) fail_write(path, "cannot open temporary file '" + temp + "'", errno);
    struct Close {
        int fd;
        ~Close() {
            if (fd >= 0) ::close(fd);
        }
    } close_guard{fd};
    DescriptorBuffer buffer(fd);
    std::ostream out(&buffer);
    run_writer(path, out, writer);
    out.flush();
    if (buffer.error() != 0 || !out)
        fail_write(path, "writing '" + temp + "' failed", buffer.error());
    if (::fsync(fd) != 0) fail_write(path, "fsync of '" + temp + "' failed", errno);
    close_guard.fd = -1;
    if (::close(fd) != 0) fail_write(path, "closing '" + temp + "' failed", errno);
}

std::string parent_of(const std::string& path) {
    const std::filesystem::path target(path);
    return target.has_parent_path() ? target.parent_path().string() : ".";
}

/// Makes a rename durable; best effort (not every file system can).
void sync_directory(const std::string& directory) noexcept {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

/// Creates the temporary file (O_EXCL), registered before it exists, with the
/// mode (and, where allowed, owner) of the file it will replace.
void create_temporary_file(OutputBatch::Staged& staged, const std::string& path,
                           const io_detail::ResolvedTarget& target) {
    const std::string basename = std::filesystem::path(target.path).filename().string();
    if (basename.empty() || basename == "." || basename == "..")
        fail_write(path, "the path does not name a file", EISDIR);
    io_detail::remove_stale_temporaries(target.path);
    int error = 0;
    for (int attempt = 0; attempt < 16; ++attempt) {
        const std::string temp = io_detail::temporary_path(target.path);
        const int slot = io_detail::register_pending(temp, false);
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            staged.temporary = temp;
            staged.slot = slot;
            if (target.exists) {
                if (::geteuid() == 0 || target.owner == ::geteuid()) [[maybe_unused]]
                    const int ignored = ::fchown(fd, target.owner, target.group);
                ::fchmod(fd, target.mode);
            }
            ::close(fd);
            return;
        }
        error = errno;
        io_detail::unregister_pending(slot);
        if (error != EEXIST) break;
    }
    fail_write(path, "cannot create a temporary file in '" + parent_of(target.path) + "'", error);
}

std::atomic<int> commits_in_progress{0};
std::atomic<int> deferred_signal{0};

/// Holds SIGINT, SIGTERM and SIGHUP for its lifetime: blocked in this thread,
/// and deferred by the handlers of the other threads (which call
/// defer_signal_while_committing); a deferred signal is raised again at the end,
/// so it takes effect once every output is in place.
class SignalHold {
  public:
    SignalHold() {
        sigset_t set;
        sigemptyset(&set);
        for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, signal_number);
        pthread_sigmask(SIG_BLOCK, &set, &previous_);
        commits_in_progress.fetch_add(1);
    }
    ~SignalHold() {
        commits_in_progress.fetch_sub(1);
        const int signal_number = deferred_signal.exchange(0);
        if (signal_number != 0) ::raise(signal_number);  // pending until the unblock below
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    SignalHold(const SignalHold&) = delete;
    SignalHold& operator=(const SignalHold&) = delete;

  private:
    sigset_t previous_;
};

void commit_write_through(OutputBatch::Staged& staged) {
    const int fd =
        ::open(staged.target.c_str(), O_WRONLY | O_CLOEXEC | (staged.append ? O_APPEND : O_TRUNC));
    if (fd < 0) fail_write(staged.target, "cannot open it for writing", errno);
    const int error = io_detail::write_all(fd, staged.content.data(), staged.content.size());
    if (error != 0) {
        ::close(fd);
        fail_write(staged.target, "writing failed", error);
    }
    if (::close(fd) != 0) fail_write(staged.target, "closing failed", errno);
}

void commit_directory(OutputBatch::Staged& staged) {
    if (std::rename(staged.temporary.c_str(), staged.target.c_str()) == 0) {
        io_detail::unregister_pending(staged.slot);
        staged.slot = -1;
        staged.temporary.clear();
        return;
    }
    if (errno != ENOTEMPTY && errno != EEXIST)
        fail_write(staged.target, "cannot rename '" + staged.temporary + "' to it", errno);
    // An existing directory with files: swap atomically; the temporary name
    // (still registered) then holds the old files, removed with it.
    if (::renameat2(AT_FDCWD, staged.temporary.c_str(), AT_FDCWD, staged.target.c_str(),
                    RENAME_EXCHANGE) != 0)
        fail_write(staged.target, "cannot exchange it with '" + staged.temporary + "'", errno);
}

}  // namespace

OutputBatch::OutputBatch() = default;
OutputBatch::~OutputBatch() = default;

void OutputBatch::add_file(const std::string& path,
                           const std::function<void(std::ostream&)>& writer) {
    if (path.empty()) throw Error("cannot write a file: the path is empty");
    const io_detail::ResolvedTarget target = io_detail::resolve_target(path);
    auto staged = std::make_unique<Staged>();
    staged->target = target.path;
    if (target.write_through) {
        std::ostringstream out;
        run_writer(path, out, writer);
        staged->write_through = true;
        staged->append = target.append;
        staged->content = std::move(out).str();
    } else {
        create_temporary_file(*staged, path, target);
        write_stream(path, staged->temporary, writer);
    }
    staged_.push_back(std::move(staged));
}

std::string OutputBatch::add_directory(const std::string& path) {
    if (path.empty()) throw Error("cannot write a directory: the path is empty");
    std::filesystem::path target = std::filesystem::path(path).lexically_normal();
    if (!target.has_filename()) target = target.parent_path();
    struct stat info {};
    const bool exists = ::stat(target.c_str(), &info) == 0;
    if (exists && !S_ISDIR(info.st_mode))
        fail_write(path, "it exists and is not a directory", ENOTDIR);
    auto staged = std::make_unique<Staged>();
    staged->directory = true;
    staged->target = target.string();
    // Missing parents are created now and removed again (if still empty) on failure.
    std::vector<std::filesystem::path> missing;
    for (std::filesystem::path p = target.parent_path(); !p.empty() && !std::filesystem::exists(p);
         p = p.parent_path())
        missing.push_back(p);
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST)
            fail_write(path, "cannot create directory '" + it->string() + "'", errno);
        staged->created_parents.push_back(it->string());
    }
    io_detail::remove_stale_temporaries(staged->target);
    int error = 0;
    for (int attempt = 0; attempt < 16; ++attempt) {
        const std::string temp = io_detail::temporary_path(staged->target);
        const int slot = io_detail::register_pending(temp, true);
        if (::mkdir(temp.c_str(), 0777) == 0) {
            staged->temporary = temp;
            staged->slot = slot;
            if (exists) ::chmod(temp.c_str(), info.st_mode & 07777);
            const std::string result = temp;
            staged_.push_back(std::move(staged));
            return result;
        }
        error = errno;
        io_detail::unregister_pending(slot);
        if (error != EEXIST) break;
    }
    fail_write(path, "cannot create a temporary directory in '" + parent_of(staged->target) + "'",
               error);
}

void OutputBatch::commit() {
    // Devices and FIFOs first (opening a FIFO waits for its reader; signals
    // stay deliverable), then the renames, files before directories (a file
    // may be staged inside a staged directory), with signals held.
    for (const auto& staged : staged_)
        if (staged->write_through && !staged->done) {
            commit_write_through(*staged);
            staged->done = true;
        }
    std::vector<std::string> directories_to_sync;
    {
        const SignalHold hold;
        for (const bool directories : {false, true}) {
            for (const auto& staged : staged_) {
                if (staged->done || staged->write_through || staged->directory != directories)
                    continue;
                if (directories) {
                    commit_directory(*staged);
                } else {
                    if (std::rename(staged->temporary.c_str(), staged->target.c_str()) != 0)
                        fail_write(staged->target,
                                   "cannot rename '" + staged->temporary + "' over it", errno);
                    io_detail::unregister_pending(staged->slot);
                    staged->slot = -1;
                    staged->temporary.clear();
                }
                staged->done = true;
                directories_to_sync.push_back(parent_of(staged->target));
            }
        }
    }
    for (const std::string& directory : directories_to_sync) sync_directory(directory);
    staged_.clear();  // removes the old contents of exchanged directories
}

bool defer_signal_while_committing(int signal_number) noexcept {
    if (commits_in_progress.load() == 0) return false;
    deferred_signal.store(signal_number);
    return true;
}

OutputBatch::Capture::Capture(OutputBatch& batch) : previous_(capturing_batch) {
    capturing_batch = &batch;
}

OutputBatch::Capture::~Capture() {
    capturing_batch = previous_;
}

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& writer) {
    if (capturing_batch != nullptr) {
        capturing_batch->add_file(path, writer);
        return;
    }
    OutputBatch batch;
    batch.add_file(path, writer);
    batch.commit();
}

}  // namespace ridgelens
