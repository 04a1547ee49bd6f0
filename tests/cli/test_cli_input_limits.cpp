// Issue "Reliability II", classes 1 and 3, as a user runs the program: an
// all-zero Matrix Market matrix (no stored entries) is a valid PSD H whose
// answer is known in closed form (θ̂_ridge = 0, df = 0, every direction null);
// every numeric option is range-checked up front; declared sizes and widths
// are refused against the memory budget before they are allocated; pipes are
// read as streams; reports with wrong types are input errors. Every case
// asserts the exit code, the message and what is left on disk.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;
using testing::CliRun;
using testing::read_text;
using testing::ScratchDirectory;

std::string catalogue(const std::string& name) {
    return "'" +
           (std::filesystem::path(RIDGELENS_CLI_TEST_FILES_DIR) / "catalogue" / name).string() +
           "'";
}

/// Runs `prefix ridgelens arguments` in the scratch directory (prefix: shell
/// commands such as `VAR=value` settings or a background writer into a FIFO).
CliRun run(const std::string& arguments, const ScratchDirectory& dir,
           const std::string& prefix = "") {
    const auto out_path = dir / ".stdout";
    const auto err_path = dir / ".stderr";
    const std::string command = "cd '" + dir.path().string() + "' && " + prefix + " '" +
                                RIDGELENS_CLI "' " + arguments + " >'" + out_path.string() +
                                "' 2>'" + err_path.string() + "' </dev/null";
    const int status = std::system(command.c_str());
    CliRun result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_text(out_path);
    result.err = read_text(err_path);
    std::filesystem::remove(out_path);
    std::filesystem::remove(err_path);
    return result;
}

/// A shell prefix limiting the address space to `kib` KiB, so that an
/// allocation past the budget check would fail instead of succeeding. Under
/// AddressSanitizer it is empty: ASan reserves terabytes of shadow address
/// space at start-up and aborts under any such limit, so a sanitized build
/// tests the budget check alone.
std::string address_space_limit(long kib) {
#if defined(__SANITIZE_ADDRESS__)
    (void)kib;
    return "";
#else
    return "ulimit -v " + std::to_string(kib) + " && ";
#endif
}

/// The names in the scratch directory (inputs the test wrote included).
std::set<std::string> left_in(const ScratchDirectory& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        names.insert(entry.path().filename().string());
    return names;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// ---------------------------------------------------------------------------
// Class 1: H = 0 (no stored entries) is answered, never a crash.

struct ZeroCase {
    const char* file;
    const char* options;
    int n;
};

TEST(ZeroMatrix, AnalyzeAnswersTheClosedForm) {
    // H = 0: every σ is 0 (null), f = 0, θ̂_ridge = (λI)⁻¹·0 = 0 for every λ > 0.
    for (const ZeroCase& c :
         {ZeroCase{"mm_zero_entries_real_symmetric.mtx", "--solver cholmod", 3},
          ZeroCase{"mm_zero_entries_pattern_general.mtx", "--solver auto", 4},
          ZeroCase{"mm_zero_entries_real_general.mtx", "--solver cg", 3},
          ZeroCase{"mm_zero_entries_pattern_general.mtx", "--solver cholmod", 4}}) {
        ScratchDirectory dir;
        const CliRun r = run("analyze --hessian " + catalogue(c.file) + " " + c.options +
                                 " --lambda 1 --lambda 0.25 --k 2 -q --out r.json "
                                 "--theta-ridge-out x.mtx",
                             dir);
        ASSERT_EQ(r.exit_code, 0) << c.file << " " << c.options << "\n" << r.err << r.out;
        EXPECT_EQ(left_in(dir), (std::set<std::string>{"r.json", "x.mtx"}));
        const json report = json::parse(read_text(dir / "r.json"));
        EXPECT_EQ(report["status"], "ok");
        EXPECT_EQ(report["problem"]["n"], c.n);
        for (const json& value : report["eigen"]["values"]) EXPECT_EQ(value.get<double>(), 0.0);
        for (const json& entry : report["lambdas"]) {
            for (const json& direction : entry["directions"]) {
                EXPECT_EQ(direction["factor"].get<double>(), 0.0) << entry.dump();
                EXPECT_EQ(direction["curvature"], "null") << entry.dump();
                EXPECT_EQ(direction["shrunk"].get<double>(), 0.0) << entry.dump();
            }
            EXPECT_EQ(entry["ridge"]["norm"].get<double>(), 0.0) << entry.dump();
        }
        // θ̂_ridge written as an n×m array of zeros, one column per λ.
        std::istringstream x(read_text(dir / "x.mtx"));
        std::string line;
        int values = 0;
        int rows = 0, cols = 0;
        while (std::getline(x, line)) {
            if (line.empty() || line[0] == '%') continue;
            if (values++ == 0) {  // the size line
                std::istringstream(line) >> rows >> cols;
                continue;
            }
            EXPECT_EQ(std::stod(line), 0.0) << line;
        }
        EXPECT_EQ(rows, c.n);
        EXPECT_EQ(cols, static_cast<int>(report["lambdas"].size()));
        EXPECT_EQ(values - 1, rows * cols);
    }
}

TEST(ZeroMatrix, PathGivesZeroDfAndZeroRidge) {
    for (const char* solver : {"cholmod", "cg", "auto"}) {
        ScratchDirectory dir;
        const CliRun r = run("path --hessian " + catalogue("mm_zero_entries_real_symmetric.mtx") +
                                 " --lambdas 0.01:10:4 --k 1 --solver " + solver +
                                 " -q --out p.json --csv p.csv",
                             dir);
        ASSERT_EQ(r.exit_code, 0) << solver << "\n" << r.err << r.out;
        EXPECT_EQ(left_in(dir), (std::set<std::string>{"p.csv", "p.json"}));
        const json report = json::parse(read_text(dir / "p.json"));
        ASSERT_EQ(report["path"].size(), 4u);
        for (const json& point : report["path"]) {
            EXPECT_EQ(point["df"].get<double>(), 0.0) << point.dump();
            EXPECT_EQ(point["ridge_norm"].get<double>(), 0.0) << point.dump();
        }
    }
}

TEST(ZeroMatrix, LambdaZeroIsTheDocumentedSingularFailure) {
    // H + 0·I = 0 has no Cholesky factor: exit 3 with the reason, the marked
    // report is written and θ̂_ridge is not.
    ScratchDirectory dir;
    const CliRun r = run("analyze --hessian " + catalogue("mm_zero_entries_real_symmetric.mtx") +
                             " --solver cholmod --lambda 0 --k 1 -q --out r.json "
                             "--theta-ridge-out x.mtx",
                         dir);
    EXPECT_EQ(r.exit_code, 3) << r.err << r.out;
    EXPECT_TRUE(contains(r.out + r.err, "not positive definite")) << r.out << r.err;
    EXPECT_EQ(left_in(dir), (std::set<std::string>{"r.json"}));
    EXPECT_EQ(json::parse(read_text(dir / "r.json"))["status"], "numerical_failure");
}

TEST(ZeroMatrix, OneByOneIsAUsageErrorNamingK) {
    ScratchDirectory dir;
    const CliRun r = run("analyze --hessian " + catalogue("mm_zero_entries_1x1.mtx") +
                             " --lambda 1 --k 1 -q --out r.json",
                         dir);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(contains(r.err, "--k = 1 must satisfy 1 <= k < n = 1")) << r.err;
    EXPECT_TRUE(left_in(dir).empty());
}

TEST(ZeroMatrix, ExplicitZerosOnly) {
    ScratchDirectory dir;
    const CliRun r = run("analyze --hessian " + catalogue("mm_explicit_zeros.mtx") +
                             " --solver cholmod --lambda 2 --k 1 -q --out r.json",
                         dir);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_EQ(json::parse(read_text(dir / "r.json"))["lambdas"][0]["ridge"]["norm"].get<double>(),
              0.0);
}

// ---------------------------------------------------------------------------
// Class 3: numeric options out of range are usage errors naming the range.

struct RangeCase {
    const char* arguments;  ///< after the command's input
    const char* message;
};

void expect_usage_errors(const std::string& command, const std::vector<RangeCase>& cases) {
    for (const RangeCase& c : cases) {
        ScratchDirectory dir;
        const CliRun r = run(command + " " + c.arguments + " -q --out r.json", dir);
        EXPECT_EQ(r.exit_code, 1) << command << " " << c.arguments << "\n" << r.err << r.out;
        EXPECT_TRUE(contains(r.err, c.message))
            << "expected '" << c.message << "' for " << c.arguments << ":\n"
            << r.err;
        EXPECT_TRUE(left_in(dir).empty()) << c.arguments;
    }
}

TEST(OptionRanges, AnalyzeToleranceAndCounts) {
    expect_usage_errors(
        "analyze --hessian " + catalogue("h3.mtx") + " --lambda 1",
        {{"--k 1 --tol 0", "--tol = 0 is out of range: it must be a tolerance in (0, 1)"},
         {"--k 1 --tol -1", "--tol = -1 is out of range: it must be a tolerance in (0, 1)"},
         {"--k 1 --tol nan", "--tol = nan is out of range"},
         {"--k 1 --tol 1", "--tol = 1 is out of range"},
         {"--k 1 --eigen-tol 1",
          "--eigen-tol = 1 is out of range: it must be a tolerance in (0, 0.01)"},
         {"--k 1 --eigen-tol 0", "--eigen-tol = 0 is out of range"},
         {"--k 1 --psd-tol -1e-3", "--psd-tol = -0.001 is out of range"},
         {"--k 1 --symmetry-tol -1",
          "--symmetry-tol = -1 is out of range: it must be a relative "
          "threshold in [0, 1)"},
         {"--k 1 --max-cg-iterations -5",
          "--max-cg-iterations = -5 is out of range: it must be an integer >= 0 (0: 10·n"},
         {"--k -1", "--k = -1 is out of range: it must be an integer >= 1"},
         {"--k 1 --max-restarts 0", "--max-restarts = 0 is out of range"},
         {"--k 1 --subspace -2", "--subspace = -2 is out of range"},
         // k >= n is a usage error, not a memory estimate for an impossible basis.
         {"--k 3", "--k = 3 must satisfy 1 <= k < n = 3"},
         {"--k 1000000000", "--k = 1000000000 must satisfy 1 <= k < n = 3"},
         {"--k 2 --subspace 2", "--subspace = 2 must satisfy k < subspace"}});
}

TEST(OptionRanges, PathOptions) {
    expect_usage_errors(
        "path --hessian " + catalogue("h3.mtx") + " --lambdas 0.1:1:3",
        {{"--k 1 --tol 2", "--tol = 2 is out of range"},
         {"--k 1 --max-cg-iterations -5", "--max-cg-iterations = -5 is out of range"},
         {"--k 1 --probes 1", "--probes = 1 is out of range: it must be an integer >= 2"},
         {"--k 1 --lanczos-steps 0", "--lanczos-steps = 0 is out of range"},
         {"--k 1 --directions 0", "--directions = 0 is out of range"},
         {"--k 1 --exact-dof-limit -1", "--exact-dof-limit = -1 is out of range"},
         {"--k 7000", "--k = 7000 must satisfy 1 <= k < n = 3"}});
}

TEST(OptionRanges, FitOptions) {
    ScratchDirectory inputs;
    write_file(inputs / "d.libsvm", "1 1:1 2:0.5\n-1 1:-1 2:0.25\n1 1:0.5\n-1 2:-1\n");
    const std::string data =
        "fit --data '" + (inputs / "d.libsvm").string() + "' --model logistic --lambda 1";
    expect_usage_errors(data, {{"--k 1 --fit-tol 0",
                                "--fit-tol = 0 is out of range: it must be "
                                "finite and > 0"},
                               {"--k 1 --max-newton 0", "--max-newton = 0 is out of range"},
                               {"--k 1 --base-lambda -1", "--base-lambda = -1 is out of range"},
                               {"--k 1 --base-lambda inf", "--base-lambda = inf is out of range"},
                               {"--k 1 --tol 0", "--tol = 0 is out of range"}});
}

// ---------------------------------------------------------------------------
// Class 3: memory — declared sizes refused before they are allocated.

TEST(MemoryBudget, DeclaredDimensionIsRefusedAtTheSizeLine) {
    // 100,000,000 rows in a 76-byte file: the read alone would allocate column
    // pointers of 400 MB per copy and the analysis ~24 GB. Under a 1.5 GB
    // budget (and a 1.5 GB address-space limit, so an allocation past the
    // check would fail instead), the size line is refused.
    ScratchDirectory dir;
    write_file(dir / "big.mtx",
               "%%MatrixMarket matrix coordinate real symmetric\n100000000 100000000 1\n1 1 1\n");
    for (const char* command : {"analyze --lambda 1", "path --lambdas 0.1:1:3"}) {
        const auto start = std::chrono::steady_clock::now();
        const CliRun r = run(std::string(command) + " --hessian big.mtx --k 1 -q --out r.json", dir,
                             address_space_limit(1500000) + "RIDGELENS_MEMORY_LIMIT=1.5e9");
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        EXPECT_EQ(r.exit_code, 4) << command << "\n" << r.err;
        EXPECT_TRUE(contains(r.err, "big.mtx: 1 entries of a 100000000x100000000 matrix")) << r.err;
        EXPECT_TRUE(contains(r.err, "refused before allocating")) << r.err;
        EXPECT_LT(seconds, 10.0);
        EXPECT_EQ(left_in(dir), (std::set<std::string>{"big.mtx"}));
    }
}

TEST(MemoryBudget, LibsvmFeatureIndexSetsTheWidth) {
    // One entry at index 2^31 − 1: every per-feature vector would be 17 GB.
    ScratchDirectory dir;
    write_file(dir / "wide.libsvm", "1 2147483647:1\n-1 1:1\n");
    for (const char* command :
         {"fit --data wide.libsvm --model logistic --scale maxabs --lambda 1 --k 1 --out r.json",
          "fit --data wide.libsvm --model ls --lambda 1 --k 1 --out r.json",
          "path --data wide.libsvm --model logistic --base-lambda 1 --lambdas 1:2:2 --k 1 "
          "--out r.json --csv r.csv"}) {
        const CliRun r = run(std::string(command) + " -q", dir, address_space_limit(4000000));
        EXPECT_EQ(r.exit_code, 4) << command << "\n" << r.err;
        EXPECT_TRUE(contains(r.err, "wide.libsvm: 2147483647 feature columns")) << r.err;
        EXPECT_TRUE(contains(r.err, "refused before allocating")) << r.err;
        EXPECT_EQ(left_in(dir), (std::set<std::string>{"wide.libsvm"}));
    }
}

TEST(MemoryBudget, ManyShiftsRespectTheLimit) {
    // 1000 λ on n = 2000: multi-shift CG keeps ~3 vectors per λ (48 MB) — over
    // a 1e7-byte budget, refused before the solve.
    ScratchDirectory dir;
    std::string text = "%%MatrixMarket matrix coordinate real symmetric\n2000 2000 2000\n";
    for (int i = 1; i <= 2000; ++i) text += std::to_string(i) + " " + std::to_string(i) + " 1\n";
    write_file(dir / "d.mtx", text);
    const CliRun r =
        run("path --hessian d.mtx --lambdas 1e-3:1:1000 --k 1 --solver cg -q "
            "--out p.json --csv p.csv",
            dir, "RIDGELENS_MEMORY_LIMIT=1e7");
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_TRUE(contains(r.err, "refused before allocating")) << r.err;
    EXPECT_EQ(left_in(dir), (std::set<std::string>{"d.mtx"}));
}

// ---------------------------------------------------------------------------
// Class 3: input that is valid but arrives differently, and messages.

TEST(Streams, MatrixThroughAFifoAndStdin) {
    ScratchDirectory dir;
    ASSERT_EQ(::mkfifo((dir / "h.fifo").c_str(), 0600), 0);
    const CliRun fifo = run("analyze --hessian h.fifo --lambda 1 --k 1 -q --out r.json", dir,
                            "(cat " + catalogue("h3.mtx") + " > h.fifo &) &&");
    ASSERT_EQ(fifo.exit_code, 0) << fifo.err;
    const json report = json::parse(read_text(dir / "r.json"));
    // h3 = diag(2, 3, 4): the top eigenvalue is 4.
    EXPECT_NEAR(report["eigen"]["values"][0].get<double>(), 4.0, 1e-12);
    std::filesystem::remove(dir / "r.json");

    // A pipe, as `<(cat h3.mtx)` gives it: descriptor 3 is the pipe from cat.
    const CliRun pipe = run("analyze --hessian /dev/fd/3 --lambda 1 --k 1 -q --out r.json 3<&0",
                            dir, "cat " + catalogue("h3.mtx") + " |");
    ASSERT_EQ(pipe.exit_code, 0) << pipe.err;
    EXPECT_NEAR(json::parse(read_text(dir / "r.json"))["eigen"]["values"][0].get<double>(), 4.0,
                1e-12);

    // An empty stream is still an empty file.
    std::filesystem::remove(dir / "r.json");
    const CliRun empty =
        run("analyze --hessian h.fifo --lambda 1 --k 1 -q --out r.json", dir, "(: > h.fifo &) &&");
    EXPECT_EQ(empty.exit_code, 2) << empty.err;
    EXPECT_TRUE(contains(empty.err, "h.fifo:1: empty file")) << empty.err;
    EXPECT_EQ(left_in(dir), (std::set<std::string>{"h.fifo"}));
}

TEST(Streams, MatrixCutOffInAFifoNamesTheFileAndTheCause) {
    // The writer sends the header and one entry, pauses (the reader has begun),
    // sends half of the second entry and closes: the message names the file,
    // the line and the cut, and no errno text of some earlier call.
    ScratchDirectory dir;
    ASSERT_EQ(::mkfifo((dir / "cut.fifo").c_str(), 0600), 0);
    const std::string writer =
        "({ printf '%%%%MatrixMarket matrix coordinate real symmetric\\n3 3 2\\n1 1 2.0\\n'; "
        "sleep 0.3; printf '2 2 '; } > cut.fifo &) &&";
    const CliRun r =
        run("analyze --hessian cut.fifo --lambda 1 --k 1 -q --out r.json", dir, writer);
    EXPECT_EQ(r.exit_code, 2) << r.err;  // README: input error
    EXPECT_TRUE(contains(r.err, "cut.fifo:4: expected 3 fields 'row column value', found 2"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "the file ends inside this entry")) << r.err;
    for (const char* stale : {"Success", "Resource temporarily", "No such file", "Interrupted"})
        EXPECT_FALSE(contains(r.err, stale)) << r.err;
    EXPECT_EQ(left_in(dir), (std::set<std::string>{"cut.fifo"}));

    // Cut inside the value: the token that is left is named, with the same cause.
    const CliRun value =
        run("analyze --hessian cut.fifo --lambda 1 --k 1 -q --out r.json", dir,
            "({ printf '%%%%MatrixMarket matrix coordinate real general\\n3 3 2\\n1 1 2.0\\n'; "
            "sleep 0.3; printf '2 2 3.0e'; } > cut.fifo &) &&");
    EXPECT_EQ(value.exit_code, 2) << value.err;
    EXPECT_TRUE(contains(value.err, "cut.fifo:4: value '3.0e' is not a number")) << value.err;
    EXPECT_TRUE(contains(value.err, "the file ends inside this entry")) << value.err;
    EXPECT_EQ(left_in(dir), (std::set<std::string>{"cut.fifo"}));
}

TEST(Messages, LogisticLabelsNameFileAndLine) {
    ScratchDirectory dir;
    write_file(dir / "twelve.libsvm", "# labels 1 and 2\n1 1:1\n\n2 1:2\n1 1:3\n");
    const CliRun r =
        run("fit --data twelve.libsvm --model logistic --lambda 1 --k 1 -q "
            "--out r.json",
            dir);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(contains(r.err, "twelve.libsvm:4: label 2 is not a binary label")) << r.err;
    EXPECT_EQ(left_in(dir), (std::set<std::string>{"twelve.libsvm"}));

    write_file(dir / "mixed.libsvm", "0 1:1\n1 1:2\n-1 1:3\n");
    const CliRun mixed = run("fit --data mixed.libsvm --model logistic --lambda 1 --k 1 -q", dir);
    EXPECT_EQ(mixed.exit_code, 2) << mixed.err;
    EXPECT_TRUE(contains(mixed.err, "mixed.libsvm:3: label -1 mixes")) << mixed.err;
}

/// A big-endian IDX file: magic 0x0000 08 <dims>, then the sizes and bytes.
std::string idx_bytes(const std::vector<int>& dims, const std::vector<unsigned char>& data) {
    std::string bytes{0, 0, 8, static_cast<char>(dims.size())};
    for (int d : dims) {
        for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((d >> shift) & 255);
    }
    bytes.append(data.begin(), data.end());
    return bytes;
}

TEST(Messages, UncompressedIdxIsRead) {
    ScratchDirectory dir;
    std::filesystem::create_directory(dir / "mnist");
    // Four 2×2 images, labels 0 1 0 1.
    write_file(dir / "mnist/train-images-idx3-ubyte",
               idx_bytes({4, 2, 2}, {0, 10, 20, 30, 200, 10, 50, 0, 5, 0, 80, 90, 255, 1, 2, 3}));
    write_file(dir / "mnist/train-labels-idx1-ubyte", idx_bytes({4}, {0, 1, 0, 1}));
    for (const char* data : {"mnist", "mnist/train-images-idx3-ubyte"}) {
        const CliRun r = run(std::string("fit --data ") + data +
                                 " --format idx --model softmax --base-lambda 0.1 --lambda 0.1 "
                                 "--k 1 -q --out r.json",
                             dir);
        EXPECT_EQ(r.exit_code, 0) << data << "\n" << r.err << r.out;
        EXPECT_FALSE(contains(r.err, "cannot open")) << r.err;
        EXPECT_TRUE(std::filesystem::exists(dir / "r.json"));
        std::filesystem::remove(dir / "r.json");
    }
    std::filesystem::remove(dir / "mnist/train-labels-idx1-ubyte");
    const CliRun missing =
        run("fit --data mnist --format idx --model softmax --lambda 0.1 --k 1 -q", dir);
    EXPECT_EQ(missing.exit_code, 2) << missing.err;
    EXPECT_TRUE(
        contains(missing.err, "neither train-labels-idx1-ubyte.gz nor train-labels-idx1-ubyte"))
        << missing.err;
}

TEST(Reports, PathDataWritesTheFitReportWhenTheFitFails) {
    // Separable data without a base penalty: Newton-CG cannot converge (θ̂ is at
    // infinity). Like `fit`, `path --data` writes a report saying so; no CSV.
    ScratchDirectory dir;
    write_file(dir / "sep.libsvm", "1 1:1\n1 1:2\n-1 1:-1\n-1 1:-2\n");
    const CliRun r =
        run("path --data sep.libsvm --model logistic --lambdas 0.1:1:3 --k 1 -q "
            "--out p.json --csv p.csv",
            dir);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_FALSE(r.err.empty());
    EXPECT_EQ(left_in(dir), (std::set<std::string>{"p.json", "sep.libsvm"}));
    const json report = json::parse(read_text(dir / "p.json"));
    EXPECT_EQ(report["status"], "fit_failed");
    EXPECT_EQ(report["model"]["fit_converged"], false);
}

// ---------------------------------------------------------------------------
// `ridgelens plot` on reports that are not what they claim.

TEST(PlotReports, WrongTypesAndOverflowAreInputErrorsNamingTheField) {
    ScratchDirectory dir;
    ASSERT_EQ(
        run("analyze --hessian " + catalogue("h3.mtx") + " --lambda 1 --k 2 -q --out r.json", dir)
            .exit_code,
        0);
    const std::string good = read_text(dir / "r.json");
    struct Edit {
        std::string from, to, message;
    };
    const json parsed = json::parse(good);
    const std::string n_text = "\"n\": " + parsed["problem"]["n"].dump();
    const std::string norm_text = "\"theta_norm\": " + parsed["problem"]["theta_norm"].dump();
    ASSERT_TRUE(contains(good, n_text) && contains(good, norm_text)) << good;
    for (const Edit& edit :
         {Edit{n_text, "\"n\": \"three\"", "field 'problem.n' is not a number"},
          Edit{norm_text, "\"theta_norm\": 1e999", "field 'theta_norm'"},
          Edit{"\"source\": \"", "\"source\": 5, \"x\": \"",
               "field 'problem.source' is not a string"},
          Edit{"\"directions\": [", "\"directions\": 7, \"y\": [", "is not an array"}}) {
        std::string text = good;
        text.replace(text.find(edit.from), edit.from.size(), edit.to);
        write_file(dir / "bad.json", text);
        const CliRun r = run("plot bad.json --out pictures", dir);
        EXPECT_EQ(r.exit_code, 2) << edit.to << "\n" << r.err;
        EXPECT_TRUE(contains(r.err, edit.message)) << edit.to << "\n" << r.err;
        EXPECT_FALSE(contains(r.err, "internal error")) << r.err;
        EXPECT_FALSE(std::filesystem::exists(dir / "pictures"));
    }
}

TEST(PlotReports, LongGridsAreDrawnAtSpreadPoints) {
    ScratchDirectory dir;
    const CliRun path = run("path --hessian " + catalogue("h3.mtx") +
                                " --lambdas 1e-3:1e3:20000 --k 1 --solver cholmod -q "
                                "--no-baseline --out p.json",
                            dir);
    ASSERT_EQ(path.exit_code, 0) << path.err;
    const auto start = std::chrono::steady_clock::now();
    const CliRun r = run("plot p.json --out pictures", dir);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_LT(seconds, 15.0);
    EXPECT_TRUE(contains(read_text(dir / "pictures/index.html"),
                         "grid has 20000 λ; the path pictures show 2000 of them"));
}

}  // namespace
}  // namespace ridgelens
