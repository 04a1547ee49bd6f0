// Output safety (issue 15, class 4), as a user runs the program: an output
// never replaces an input or another output; devices, FIFOs and symbolic links
// are written through and permissions kept; a run leaves all of its outputs or
// none (unusable targets refused before the work, pictures replaced as a
// whole, a full disk or a signal leaves nothing); a lost summary table on a
// full stdout is an error; a SIGKILL's temporaries are cleaned by the next run.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.hpp"

namespace ridgelens {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::run_cli;
using testing::ScratchDirectory;

/// tridiag(-1, 4, -1) of size n: SPD, well conditioned.
void write_matrix(const fs::path& path, int n = 30) {
    std::ofstream out(path);
    out << "%%MatrixMarket matrix coordinate real symmetric\n"
        << n << " " << n << " " << 2 * n - 1 << "\n";
    for (int i = 1; i <= n; ++i) {
        out << i << " " << i << " 4\n";
        if (i < n) out << i + 1 << " " << i << " -1\n";
    }
}

void write_theta(const fs::path& path, int n = 30) {
    std::ofstream out(path);
    out << "%%MatrixMarket matrix array real general\n" << n << " 1\n";
    for (int i = 0; i < n; ++i) out << (i % 7) - 3 << "\n";
}

void write_libsvm(const fs::path& path) {
    std::ofstream out(path);
    for (int i = 0; i < 40; ++i)
        out << (i % 2 ? "+1" : "-1") << " 1:" << (i % 5) * 0.3 + (i % 2) << " 2:" << (i % 3) * 0.5
            << " 3:" << (i % 7) * 0.1 << "\n";
}

/// Everything in `directory` but the runner's own .stdout/.stderr, sorted.
std::vector<std::string> listing(const fs::path& directory) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory)) {
        const std::string name = entry.path().filename().string();
        if (name != ".stdout" && name != ".stderr") names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool has_temporary(const fs::path& directory) {
    for (const auto& entry : fs::recursive_directory_iterator(directory))
        if (entry.path().filename().string().find(".tmp.") != std::string::npos) return true;
    return false;
}

class Outputs : public ::testing::Test {
  protected:
    void SetUp() override {
        write_matrix(scratch / "H.mtx");
        write_theta(scratch / "t.mtx");
        write_libsvm(scratch / "d.libsvm");
        inputs_ = {{"H.mtx", read_text(scratch / "H.mtx")},
                   {"t.mtx", read_text(scratch / "t.mtx")},
                   {"d.libsvm", read_text(scratch / "d.libsvm")}};
    }
    /// Every input still byte-for-byte what it was.
    void expect_inputs_unchanged() const {
        for (const auto& [name, text] : inputs_) {
            EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(scratch / name))) << name;
            EXPECT_EQ(read_text(scratch / name), text) << name << " was changed";
        }
    }
    ScratchDirectory scratch;
    std::vector<std::pair<std::string, std::string>> inputs_;
};

constexpr const char* analyze = "analyze --hessian H.mtx --theta t.mtx --lambda 1 --k 3 -q";
constexpr const char* path = "path --hessian H.mtx --theta t.mtx --lambdas 1e-2:1e2:4 --k 3 -q";
constexpr const char* fit = "fit --data d.libsvm --model logistic --lambda 1e-2 --k 2 -q";

struct Clash {
    const char* arguments;
    const char* first;   ///< option named in the message
    const char* second;  ///< the other option named in the message
};

TEST_F(Outputs, AnOutputThatIsAnInputOrAnotherOutputIsRefusedBeforeTheWork) {
    fs::create_symlink("H.mtx", scratch / "alias.mtx");
    fs::create_directories(scratch / "sub");
    const std::vector<Clash> clashes = {
        {"--out H.mtx", "--out 'H.mtx'", "--hessian"},
        {"--out t.mtx", "--out", "--theta"},
        {"--theta-ridge-out H.mtx", "--theta-ridge-out", "--hessian"},
        {"--theta-ridge-out ./t.mtx", "--theta-ridge-out", "--theta"},
        {"--out alias.mtx", "--out 'alias.mtx'", "--hessian 'H.mtx'"},  // a link to the input
        {"--out sub/../H.mtx", "--out", "--hessian"},
        {"--out r.json --theta-ridge-out r.json", "--out", "--theta-ridge-out"},
        {"--out pics/r.json --plot pics", "--out", "--plot"},
        {"--out r.json --plot r.json", "--out", "--plot"},
        {"--plot .", "picture directory", "--hessian"},
    };
    for (const Clash& clash : clashes) {
        const auto run = run_cli(std::string(analyze) + " " + clash.arguments, scratch);
        EXPECT_EQ(run.exit_code, 1) << clash.arguments << "\n" << run.err;
        EXPECT_NE(run.err.find(clash.first), std::string::npos) << run.err;
        EXPECT_NE(run.err.find(clash.second), std::string::npos) << run.err;
        EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
        EXPECT_TRUE(run.out.empty()) << "the work started: " << run.out;
        expect_inputs_unchanged();
        EXPECT_EQ(listing(scratch.path()),
                  (std::vector<std::string>{"H.mtx", "alias.mtx", "d.libsvm", "sub", "t.mtx"}));
    }
}

TEST_F(Outputs, EveryCommandRefusesToReplaceItsInputs) {
    const std::vector<Clash> clashes = {
        {"path --hessian H.mtx --theta t.mtx --lambdas 1e-2:1e2:4 --csv t.mtx", "--csv", "--theta"},
        {"path --hessian H.mtx --lambdas 1e-2:1e2:4 --out a.csv --csv a.csv", "--out", "--csv"},
        {"path --hessian H.mtx --lambdas 1e-2:1e2:4 --out H.mtx", "--out", "--hessian"},
        {"path --data d.libsvm --model logistic --lambdas 1e-2:1e2:4 --csv d.libsvm", "--csv",
         "--data"},
        {"fit --data d.libsvm --model logistic --lambda 1 --out d.libsvm", "--out", "--data"},
        {"fit --data d.libsvm --model logistic --lambda 1 --plot d.libsvm", "--plot", "--data"},
        {"plot H.mtx --out .", "picture directory", "the report"},
    };
    for (const Clash& clash : clashes) {
        const auto run = run_cli(clash.arguments, scratch);
        EXPECT_EQ(run.exit_code, 1) << clash.arguments << "\n" << run.err;
        EXPECT_NE(run.err.find(clash.first), std::string::npos) << run.err;
        EXPECT_NE(run.err.find(clash.second), std::string::npos) << run.err;
        expect_inputs_unchanged();
        EXPECT_EQ(listing(scratch.path()),
                  (std::vector<std::string>{"H.mtx", "d.libsvm", "t.mtx"}));
    }
}

TEST_F(Outputs, DevicesAndFifosAreWrittenThroughNeverReplaced) {
    const auto run =
        run_cli(std::string(analyze) + " --out /dev/null --theta-ridge-out /dev/null", scratch);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    struct stat info {};
    ASSERT_EQ(::stat("/dev/null", &info), 0);
    EXPECT_TRUE(S_ISCHR(info.st_mode)) << "/dev/null is no longer a device";

    // /dev/stdout redirected to a file: the report follows the table in it.
    const auto streamed = run_cli(std::string(analyze) + " --out /dev/stdout", scratch);
    EXPECT_EQ(streamed.exit_code, 0) << streamed.err;
    const std::size_t brace = streamed.out.find("\n{");
    ASSERT_NE(brace, std::string::npos) << streamed.out;
    EXPECT_NE(streamed.out.find("λ = 1"), std::string::npos) << "the table was overwritten";
    EXPECT_NO_THROW((void)nlohmann::json::parse(streamed.out.substr(brace + 1)));

    const fs::path fifo = scratch / "report.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    std::string received;
    std::thread reader([&] {
        std::ifstream in(fifo);  // blocks until the program opens the FIFO
        received.assign(std::istreambuf_iterator<char>(in), {});
    });
    const auto piped = run_cli(std::string(analyze) + " --out report.fifo", scratch);
    reader.join();
    EXPECT_EQ(piped.exit_code, 0) << piped.err;
    EXPECT_TRUE(fs::is_fifo(fifo)) << "the FIFO was replaced";
    const nlohmann::json report = nlohmann::json::parse(received);
    EXPECT_EQ(report["problem"]["n"], 30) << received.substr(0, 200);
    EXPECT_FALSE(has_temporary(scratch.path()));
}

TEST_F(Outputs, SymbolicLinksAreWrittenThroughAndModesKept) {
    fs::create_directories(scratch / "real");
    { std::ofstream(scratch / "real" / "r.json") << "old"; }
    ::chmod((scratch / "real" / "r.json").c_str(), 0600);
    fs::create_symlink("real/r.json", scratch / "link.json");
    { std::ofstream(scratch / "x.mtx") << "old"; }
    ::chmod((scratch / "x.mtx").c_str(), 0640);

    const auto run =
        run_cli(std::string(analyze) + " --out link.json --theta-ridge-out x.mtx", scratch);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(fs::is_symlink(scratch / "link.json")) << "the link was replaced by a file";
    EXPECT_EQ(fs::read_symlink(scratch / "link.json"), "real/r.json");
    EXPECT_NO_THROW((void)nlohmann::json::parse(read_text(scratch / "real" / "r.json")));
    struct stat info {};
    ASSERT_EQ(::stat((scratch / "real" / "r.json").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((scratch / "x.mtx").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0640u);
    EXPECT_NE(read_text(scratch / "x.mtx"), "old");
    EXPECT_FALSE(has_temporary(scratch.path()));

    fs::create_symlink("nowhere/r.json", scratch / "dangling.json");
    const auto dangling = run_cli(std::string(analyze) + " --out dangling.json", scratch);
    EXPECT_EQ(dangling.exit_code, 2) << dangling.err;
    EXPECT_NE(dangling.err.find("symbolic link to a file that does not exist"), std::string::npos)
        << dangling.err;
    EXPECT_TRUE(dangling.out.empty());
    EXPECT_FALSE(fs::exists(scratch / "nowhere"));
}

TEST_F(Outputs, UnusablePictureDirectoryIsRefusedBeforeAnyOutput) {
    { std::ofstream(scratch / "file") << "x"; }
    fs::create_directories(scratch / "mine");
    { std::ofstream(scratch / "mine" / "notes.txt") << "keep"; }
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--plot file", "is not a directory"},
        {"--plot file/sub", "not a directory"},
        {"--plot mine", "notes.txt"},
    };
    for (const auto& [arguments, message] : cases) {
        const auto run = run_cli(std::string(analyze) + " --out r.json " + arguments, scratch);
        EXPECT_EQ(run.exit_code, 2) << arguments << "\n" << run.err;
        EXPECT_NE(run.err.find("--plot"), std::string::npos) << run.err;
        EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
        EXPECT_TRUE(run.out.empty()) << "the work started: " << run.out;
        EXPECT_FALSE(fs::exists(scratch / "r.json")) << arguments << ": the report was written";
    }
    EXPECT_EQ(read_text(scratch / "file"), "x");
    EXPECT_EQ(read_text(scratch / "mine" / "notes.txt"), "keep");
    if (::geteuid() == 0) {
        std::cout << "[ SKIPPED  ] read-only --plot parent: root writes anywhere\n";
    } else {
        fs::create_directories(scratch / "locked");
        ::chmod((scratch / "locked").c_str(), 0555);
        const auto run = run_cli(std::string(analyze) + " --out r.json --plot locked/p", scratch);
        ::chmod((scratch / "locked").c_str(), 0755);
        EXPECT_EQ(run.exit_code, 2) << run.err;
        EXPECT_NE(run.err.find("Permission denied"), std::string::npos) << run.err;
        EXPECT_FALSE(fs::exists(scratch / "r.json"));
    }
}

std::set<std::string> names_in(const fs::path& directory) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory))
        names.insert(entry.path().filename().string());
    return names;
}

TEST_F(Outputs, PicturesReplaceThePreviousSetAsAWhole) {
    ASSERT_EQ(run_cli(std::string(path) + " --plot p", scratch).exit_code, 0);
    const std::set<std::string> path_pictures = names_in(scratch / "p");
    ASSERT_EQ(run_cli(std::string(analyze) + " --plot a", scratch).exit_code, 0);
    const std::set<std::string> analyze_pictures = names_in(scratch / "a");
    ASSERT_GT(path_pictures.size(), analyze_pictures.size());
    ::chmod((scratch / "p").c_str(), 0750);

    const auto run = run_cli(std::string(analyze) + " --plot p", scratch);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(names_in(scratch / "p"), analyze_pictures) << "a mix of two runs";
    struct stat info {};
    ASSERT_EQ(::stat((scratch / "p").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0750u) << "the directory's mode was not kept";

    // Two runs at once into one directory: one complete set, never a mix.
    const std::string both = "(" RIDGELENS_CLI " " + std::string(path) + " --plot q & " +
                             RIDGELENS_CLI " " + std::string(analyze) + " --plot q; wait)";
    const auto concurrent = run_cli("--version >/dev/null; " + both, scratch);
    EXPECT_EQ(concurrent.exit_code, 0) << concurrent.err;
    const std::set<std::string> q = names_in(scratch / "q");
    EXPECT_TRUE(q == path_pictures || q == analyze_pictures) << "a mix of two runs";
    EXPECT_FALSE(has_temporary(scratch.path()));
}

TEST_F(Outputs, AFullDiskWhileWritingLeavesNothing) {
    // RLIMIT_FSIZE stands in for a full disk: a write beyond it fails (EFBIG)
    // once SIGXFSZ is ignored. The report (43 kB) fits, the picture page (114 kB)
    // does not (100 blocks: 51 kB in dash's 512-byte units, 100 kB in bash's).
    const auto run =
        run_cli("--version >/dev/null; trap '' XFSZ; ulimit -f 100; '" RIDGELENS_CLI "' " +
                    std::string(path) + " --out r.json --csv r.csv --plot p",
                scratch);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find("File too large"), std::string::npos) << run.err;
    expect_inputs_unchanged();
    EXPECT_EQ(listing(scratch.path()), (std::vector<std::string>{"H.mtx", "d.libsvm", "t.mtx"}))
        << "partial outputs were left";
}

TEST_F(Outputs, AFullStandardOutputIsAnError) {
    // run_cli redirects stdout to a file; the subshell's own redirection wins.
    const auto run = run_cli("--version >/dev/null; ('" RIDGELENS_CLI "' " + std::string(analyze) +
                                 " --out r.json --plot p >/dev/full)",
                             scratch);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find("cannot write the standard output"), std::string::npos) << run.err;
    EXPECT_EQ(listing(scratch.path()), (std::vector<std::string>{"H.mtx", "d.libsvm", "t.mtx"}));
    const auto table_only =
        run_cli("--version >/dev/null; ('" RIDGELENS_CLI "' " + std::string(path) + " >/dev/full)",
                scratch);
    EXPECT_EQ(table_only.exit_code, 2) << table_only.err;
    EXPECT_NE(table_only.err.find("cannot write the standard output"), std::string::npos);
}

TEST_F(Outputs, TemporariesOfAKilledRunAreRemovedByTheNextRun) {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ASSERT_GT(child, 0);
    ::waitpid(child, nullptr, 0);  // a pid that no longer exists
    const std::string dead = std::to_string(child);
    const std::string live = std::to_string(::getpid());
    const std::string stale_file = ".r.json.tmp." + dead + ".0123456789abcdef";
    const std::string stale_dir = ".p.tmp." + dead + ".fedcba9876543210";
    const std::string live_file = ".r.json.tmp." + live + ".0123456789abcdef";
    { std::ofstream(scratch / stale_file) << "{\"half"; }
    fs::create_directories(scratch / stale_dir);
    { std::ofstream(scratch / stale_dir / "decay.svg") << "<svg"; }
    { std::ofstream(scratch / live_file) << "in progress"; }

    const auto run = run_cli(std::string(analyze) + " --out r.json --plot p", scratch);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_FALSE(fs::exists(scratch / stale_file));
    EXPECT_FALSE(fs::exists(scratch / stale_dir));
    EXPECT_TRUE(fs::exists(scratch / live_file)) << "a live process's temporary was removed";
}

/// Starts `ridgelens <arguments>` in `directory` (stdout, stderr to /dev/null).
pid_t start(const fs::path& directory, const std::vector<std::string>& arguments) {
    std::vector<char*> argv{const_cast<char*>("ridgelens")};
    for (const std::string& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    if (::chdir(directory.c_str()) != 0) ::_exit(127);
    if (!std::freopen("/dev/null", "w", stdout) || !std::freopen("/dev/null", "w", stderr))
        ::_exit(127);
    ::execv(RIDGELENS_CLI, argv.data());
    ::_exit(127);
}

// A signal at any moment of a run writing a report, a vector, a CSV and
// pictures: afterwards either every output is there and complete, or none is,
// and never a temporary.
TEST_F(Outputs, ASignalAtAnyMomentLeavesAllOutputsOrNone) {
    // diag(1000, 500) ⊕ tridiag(-1, 2, -1): a run of a few tenths of a second.
    {
        const int n = 400;
        std::ofstream out(scratch / "big.mtx");
        out << "%%MatrixMarket matrix coordinate real symmetric\n"
            << n << " " << n << " " << 2 * n - 3 << "\n1 1 1000\n2 2 500\n";
        for (int i = 3; i <= n; ++i) {
            out << i << " " << i << " 2\n";
            if (i < n) out << i + 1 << " " << i << " -1\n";
        }
    }
    const std::vector<std::string> all = {"p", "r.csv", "r.json"};
    const int signals[] = {SIGTERM, SIGHUP, SIGINT};
    int interrupted = 0;
    for (int step = 0; step <= 20; ++step) {
        const int delay_ms = 30 * step;
        const int signal_number = signals[step % 3];
        const fs::path work = scratch / ("w" + std::to_string(step));
        fs::create_directories(work);
        const pid_t pid = start(work, {"path", "--hessian", (scratch / "big.mtx").string(),
                                       "--lambdas", "1e-3:1e1:6", "--k", "2", "--exact-dof-limit",
                                       "100", "--out", "r.json", "--csv", "r.csv", "--plot", "p"});
        ASSERT_GT(pid, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        ::kill(pid, signal_number);
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        const std::vector<std::string> left = listing(work);
        EXPECT_FALSE(has_temporary(work)) << "delay " << delay_ms;
        if (code == 128 + signal_number)
            ++interrupted;
        else
            ASSERT_EQ(code, 0) << "delay " << delay_ms;
        // A signal held during the commit takes effect after it: then all are there.
        if (code == 0 || !left.empty()) {
            EXPECT_EQ(left, all) << "delay " << delay_ms << ", exit " << code;
            EXPECT_NO_THROW((void)nlohmann::json::parse(read_text(work / "r.json")));
            EXPECT_TRUE(fs::exists(work / "p" / "index.html"));
        }
    }
    EXPECT_GT(interrupted, 0) << "no run was interrupted; the test proved nothing";
}

}  // namespace
}  // namespace ridgelens
