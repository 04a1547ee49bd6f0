// SIGTERM / SIGINT sent to a running `ridgelens analyze`: the program exits
// with 128 + the signal number (143, 130; README "Exit codes and errors") and
// leaves neither a partial output nor a temporary file behind. A signal that
// arrives after an output was renamed into place may leave that output, but
// then it is complete.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.hpp"

namespace ridgelens {
namespace {

using testing::read_text;
using testing::ScratchDirectory;

// diag(1000, 500) ⊕ the 1-D Laplacian tridiag(-1, 2, -1) of size n − 2: the
// top two eigenpairs are isolated (Lanczos converges at once), while the
// smallest eigenvalue ≈ π²/n² makes the PSD check and the solves slow for
// large n.
void write_laplacian(const std::filesystem::path& path, int n) {
    std::ofstream out(path);
    out << "%%MatrixMarket matrix coordinate real symmetric\n"
        << n << " " << n << " " << 2 * n - 3 << "\n1 1 1000\n2 2 500\n";
    for (int i = 3; i <= n; ++i) {
        out << i << " " << i << " 2\n";
        if (i < n) out << i + 1 << " " << i << " -1\n";
    }
}

/// `ridgelens analyze` on the Laplacian in `directory`, started in the
/// background; stderr goes to directory/../<name>.stderr (outside the directory).
pid_t start_long_analyze(const std::filesystem::path& directory, const std::filesystem::path& input,
                         const std::filesystem::path& err) {
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    // Child: only async-signal-safe work until exec.
    if (::chdir(directory.c_str()) != 0) ::_exit(127);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null_fd = ::open("/dev/null", O_RDWR);
    if (err_fd < 0 || null_fd < 0) ::_exit(127);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    const std::string hessian = input.string();
    ::execl(RIDGELENS_CLI, "ridgelens", "analyze", "--hessian", hessian.c_str(), "--lambda", "1e-9",
            "--solver", "cg", "--tol", "1e-15", "--max-cg-iterations", "200000", "--k", "2",
            "--out", "r.json", "--theta-ridge-out", "x.mtx", static_cast<char*>(nullptr));
    ::_exit(127);
}

/// Waits until `text` appears in the file at `path` (progress on stderr), at most `limit`.
bool wait_for_text(const std::filesystem::path& path, const std::string& text,
                   std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (read_text(path).find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

int exit_code_of(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> entries(const std::filesystem::path& directory) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
        names.push_back(entry.path().filename().string());
    return names;
}

class Interrupt : public ::testing::TestWithParam<int> {};

TEST_P(Interrupt, RunningAnalyzeLeavesNoPartialOutputAndNoTemporary) {
    const int signal_number = GetParam();
    ScratchDirectory scratch;
    const auto work = scratch / "work";
    std::filesystem::create_directories(work);
    const auto input = scratch / "laplacian.mtx";
    const auto err = scratch / "stderr.txt";
    write_laplacian(input, 100000);

    const pid_t pid = start_long_analyze(work, input, err);
    ASSERT_GT(pid, 0);
    // Interrupt during the PSD check (tens of seconds for this n), after reading
    // the matrix and computing the eigenpairs.
    const bool solving =
        wait_for_text(err, "checking positive semidefiniteness", std::chrono::seconds(120));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(pid, signal_number);
    const int code = exit_code_of(pid);
    ASSERT_TRUE(solving) << "the run never reached its PSD check:\n" << read_text(err);

    EXPECT_EQ(code, 128 + signal_number) << read_text(err);
    EXPECT_NE(read_text(err).find(signal_number == SIGINT ? "interrupted (SIGINT)"
                                                          : "terminated (SIGTERM)"),
              std::string::npos)
        << read_text(err);
    const std::vector<std::string> left = entries(work);
    EXPECT_TRUE(left.empty()) << "left behind: " << left.front();
}

INSTANTIATE_TEST_SUITE_P(Signals, Interrupt, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                             return std::string(info.param == SIGTERM ? "Sigterm" : "Sigint");
                         });

// Signals at many moments of a short run, including while the outputs are
// written: whatever exists afterwards is complete, and no temporary remains.
TEST(Interrupt, AnyMomentLeavesOnlyCompleteOutputs) {
    ScratchDirectory scratch;
    const auto input = scratch / "laplacian.mtx";
    write_laplacian(input, 2000);
    int interrupted = 0;
    for (int delay_ms = 0; delay_ms <= 400; delay_ms += 20) {
        const auto work = scratch / ("work" + std::to_string(delay_ms));
        std::filesystem::create_directories(work);
        const auto err = scratch / ("stderr" + std::to_string(delay_ms) + ".txt");
        const pid_t pid = start_long_analyze(work, input, err);
        ASSERT_GT(pid, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        ::kill(pid, SIGTERM);
        const int code = exit_code_of(pid);
        ASSERT_TRUE(code == 143 || code == 0 || code == 3) << code << "\n" << read_text(err);
        interrupted += code == 143;
        for (const std::string& name : entries(work)) {
            EXPECT_FALSE(name.starts_with(".")) << "temporary file left: " << name;
            if (name == "r.json") {
                EXPECT_NO_THROW((void)nlohmann::json::parse(read_text(work / name)))
                    << "incomplete report after delay " << delay_ms << " ms";
            } else {
                EXPECT_EQ(name, "x.mtx");
            }
        }
    }
    EXPECT_GT(interrupted, 0) << "no run was interrupted; the test proved nothing";
}

}  // namespace
}  // namespace ridgelens
