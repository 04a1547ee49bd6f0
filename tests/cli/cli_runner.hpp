#pragma once
// Runs the ridgelens program in a scratch directory and captures what a user sees.

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ridgelens::testing {

struct CliRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// A fresh directory per test, removed afterwards.
class ScratchDirectory {
  public:
    ScratchDirectory() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = std::filesystem::temp_directory_path() /
                ("ridgelens-cli-" + std::to_string(::getpid()) + "-" + info->name());
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~ScratchDirectory() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
    /// Files in the directory (to assert that nothing half-written is left).
    std::size_t file_count() const {
        std::size_t count = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(path_))
            ++count;
        return count;
    }

  private:
    std::filesystem::path path_;
};

/// Runs `ridgelens <arguments>` (a shell-quoted string) inside `directory`;
/// `prefix` is shell text put before the program (`ulimit -v N && timeout 60 `).
inline CliRun run_cli(const std::string& arguments, const ScratchDirectory& directory,
                      const std::string& prefix = "") {
    const auto out_path = directory / ".stdout";
    const auto err_path = directory / ".stderr";
    const std::string command = "cd '" + directory.path().string() + "' && " + prefix +
                                "'" RIDGELENS_CLI "' " + arguments + " >'" + out_path.string() +
                                "' 2>'" + err_path.string() + "' </dev/null";
    const int status = std::system(command.c_str());
    CliRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    run.out = read_text(out_path);
    run.err = read_text(err_path);
    std::filesystem::remove(out_path);
    std::filesystem::remove(err_path);
    return run;
}

}  // namespace ridgelens::testing
