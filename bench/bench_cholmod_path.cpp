// The CHOLMOD path: one symbolic analysis of H, then per λ one numeric
// factorization of H + λI and a solve. The target is that the per-λ
// cost is the numeric factorization alone; the counter `per_lambda_over_factorization`
// is (factorization + solve + residual check) / factorization, so 1.0 is the
// ideal and the excess is the solve. Also reported: the analysis as a
// multiple of one factorization (what a λ path saves by doing it once).
// Reads ../shared/data/matrices (skips with a message where absent).

#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/solve/cholmod_solver.hpp"

namespace {

using ridgelens::Index;
using ridgelens::Vector;

void BM_cholmod_path(benchmark::State& state, const std::string& name) {
    const std::string path = std::string(RIDGELENS_DEFAULT_DATA_DIR) + "/matrices/" + name;
    if (!std::filesystem::exists(path)) {
        state.SkipWithError(("shared data file " + path + " not found; skipping").c_str());
        return;
    }
    const ridgelens::SymmetricMatrixFile file = ridgelens::read_symmetric_matrix_market(path);
    const Index n = file.matrix.rows();
    const Vector b = Vector::Ones(n);
    const double scale = file.matrix.diagonal().cwiseAbs().maxCoeff();
    constexpr int lambdas = 20;
    double analysis = 0, factorization = 0, total = 0, worst_residual = 0;
    for (auto _ : state) {
        ridgelens::CholmodSolver solver(file.matrix);
        analysis += solver.analysis_seconds();
        for (int i = 0; i < lambdas; ++i) {
            const double lambda = scale * std::pow(10.0, -8.0 + 6.0 * i / (lambdas - 1));
            const ridgelens::SolveResult result = solver.solve(lambda, b);
            factorization += solver.last_factorization_seconds();
            total += result.seconds;
            worst_residual = std::max(worst_residual, result.relative_residual);
        }
    }
    const double runs = static_cast<double>(state.iterations());
    state.counters["analysis_s"] = analysis / runs;
    state.counters["factorization_s_per_lambda"] = factorization / runs / lambdas;
    state.counters["per_lambda_over_factorization"] = total / factorization;
    state.counters["analysis_over_factorization"] = analysis * lambdas / factorization;
    state.counters["worst_relative_residual"] = worst_residual;
    state.counters["n"] = static_cast<double>(n);
}

BENCHMARK_CAPTURE(BM_cholmod_path, bcsstk16, std::string("bcsstk16.mtx"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_cholmod_path, 4elt_laplacian, std::string("4elt_laplacian.mtx"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_cholmod_path, bcsstk13, std::string("bcsstk13.mtx"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
