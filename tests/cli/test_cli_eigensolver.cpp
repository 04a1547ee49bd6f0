// `--eigensolver lanczos|spectra` in `ridgelens analyze`, `path` and `fit`:
// Spectra's SymEigsSolver gives the same eigenvalues as the default to the
// eigen tolerance, each against the closed-form spectrum of a grid Laplacian,
// and the same θ̂_ridge; an unknown name is a usage error.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <numbers>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "reference.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;
using testing::read_text;
using testing::run_cli;
using testing::ScratchDirectory;

constexpr Index grid_a = 24, grid_b = 21;  // n = 504: the top eigenvalues crowd below 8

// The grid Laplacian as a Matrix Market file (lower triangle, symmetric).
void write_grid_laplacian(const std::filesystem::path& path) {
    const SparseMatrix h = testing::grid_laplacian(grid_a, grid_b);
    std::ofstream out(path);
    out.precision(17);
    Index entries = 0;
    for (Index j = 0; j < h.outerSize(); ++j)
        for (SparseMatrix::InnerIterator it(h, j); it; ++it) entries += it.row() >= it.col();
    out << "%%MatrixMarket matrix coordinate real symmetric\n"
        << h.rows() << " " << h.cols() << " " << entries << "\n";
    for (Index j = 0; j < h.outerSize(); ++j)
        for (SparseMatrix::InnerIterator it(h, j); it; ++it)
            if (it.row() >= it.col())
                out << it.row() + 1 << " " << it.col() + 1 << " " << it.value() << "\n";
}

// 4 − 2cos(pπ/(a+1)) − 2cos(qπ/(b+1)), descending.
std::vector<double> closed_form_top(Index count) {
    std::vector<double> values;
    for (Index p = 1; p <= grid_a; ++p)
        for (Index q = 1; q <= grid_b; ++q)
            values.push_back(4 - 2 * std::cos(p * std::numbers::pi / (grid_a + 1)) -
                             2 * std::cos(q * std::numbers::pi / (grid_b + 1)));
    std::sort(values.begin(), values.end(), std::greater<>());
    values.resize(static_cast<std::size_t>(count));
    return values;
}

// Both reports' eigenvalues against the closed form and each other, to the
// eigen tolerance 1e-10 (relative to σ_1).
void expect_same_eigenvalues(const json& lanczos, const json& spectra, Index k) {
    ASSERT_EQ(lanczos["eigen"]["status"], "converged") << lanczos["eigen"]["message"];
    ASSERT_EQ(spectra["eigen"]["status"], "converged") << spectra["eigen"]["message"];
    EXPECT_NE(spectra["eigen"]["message"].get<std::string>().find("Spectra"), std::string::npos)
        << spectra["eigen"]["message"];
    EXPECT_EQ(lanczos["eigen"]["message"].get<std::string>().find("Spectra"), std::string::npos);
    const std::vector<double> reference = closed_form_top(k);
    const double tolerance = 1e-10 * reference[0];
    for (Index j = 0; j < k; ++j) {
        const double a = lanczos["eigen"]["values"][j].get<double>();
        const double b = spectra["eigen"]["values"][j].get<double>();
        EXPECT_NEAR(a, reference[static_cast<std::size_t>(j)], tolerance) << "lanczos σ_" << j + 1;
        EXPECT_NEAR(b, reference[static_cast<std::size_t>(j)], tolerance) << "spectra σ_" << j + 1;
        EXPECT_NEAR(a, b, tolerance) << "σ_" << j + 1;
        EXPECT_LE(spectra["eigen"]["residuals"][j].get<double>(), 1e-9 * reference[0]);
    }
}

TEST(CliEigensolver, AnalyzeWithSpectraAgreesWithTheDefault) {
    ScratchDirectory dir;
    write_grid_laplacian(dir / "h.mtx");
    const std::string common = "analyze --hessian h.mtx --lambda 0.5 --lambda 5 --k 8 -q ";
    const auto lanczos = run_cli(common + "--out l.json", dir);
    ASSERT_EQ(lanczos.exit_code, 0) << lanczos.err;
    const auto spectra = run_cli(common + "--eigensolver spectra --out s.json", dir);
    ASSERT_EQ(spectra.exit_code, 0) << spectra.err;
    const json l = json::parse(read_text(dir / "l.json"));
    const json s = json::parse(read_text(dir / "s.json"));
    expect_same_eigenvalues(l, s, 8);
    for (std::size_t i = 0; i < 2; ++i) {
        const double a = l["lambdas"][i]["ridge"]["norm"].get<double>();
        const double b = s["lambdas"][i]["ridge"]["norm"].get<double>();
        EXPECT_NEAR(a, b, 1e-9 * a) << "θ̂_ridge does not depend on the eigensolver";
    }
    const auto unknown = run_cli(common + "--eigensolver arpack", dir);
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("--eigensolver"), std::string::npos) << unknown.err;
    EXPECT_NE(run_cli("analyze --help", dir).out.find("--eigensolver"), std::string::npos);
}

TEST(CliEigensolver, PathWithSpectraAgreesWithTheDefault) {
    ScratchDirectory dir;
    write_grid_laplacian(dir / "h.mtx");
    const std::string common =
        "path --hessian h.mtx --lambdas 1e-2:1e1:6 --k 6 --probes 4 --no-baseline -q ";
    const auto lanczos = run_cli(common + "--eigensolver lanczos --out l.json", dir);
    ASSERT_EQ(lanczos.exit_code, 0) << lanczos.err;
    const auto spectra = run_cli(common + "--eigensolver spectra --out s.json", dir);
    ASSERT_EQ(spectra.exit_code, 0) << spectra.err;
    expect_same_eigenvalues(json::parse(read_text(dir / "l.json")),
                            json::parse(read_text(dir / "s.json")), 6);
}

TEST(CliEigensolver, FitWithSpectraAgreesWithTheDefault) {
    ScratchDirectory dir;
    {
        std::ofstream out(dir / "small.libsvm");
        for (int i = 0; i < 80; ++i)
            out << (i % 7) * 0.3 - 1 << " 1:" << (i % 5) << " 2:" << (i * 37 % 11) * 0.1
                << " 3:" << (i * 13 % 17) * 0.05 << " 4:" << 1 + (i % 3) << "\n";
    }
    const std::string common =
        "fit --data small.libsvm --model ls --intercept --lambda 0.1 --k 3 -q ";
    const auto lanczos = run_cli(common + "--out l.json", dir);
    ASSERT_EQ(lanczos.exit_code, 0) << lanczos.err;
    const auto spectra = run_cli(common + "--eigensolver spectra --out s.json", dir);
    ASSERT_EQ(spectra.exit_code, 0) << spectra.err;
    const json l = json::parse(read_text(dir / "l.json"));
    const json s = json::parse(read_text(dir / "s.json"));
    ASSERT_EQ(s["eigen"]["status"], "converged") << s["eigen"]["message"];
    const double sigma_1 = l["eigen"]["values"][0].get<double>();
    for (Index j = 0; j < 3; ++j)
        EXPECT_NEAR(l["eigen"]["values"][j].get<double>(), s["eigen"]["values"][j].get<double>(),
                    1e-10 * sigma_1)
            << "σ_" << j + 1;
}

}  // namespace
}  // namespace ridgelens
