// Stochastic Lanczos quadrature: df(λ) on a 50-λ grid (log-spaced,
// 1e-6·σ_1 … 1e2·σ_1) and the spectral density from one run, on the 4elt
// graph Laplacian (n = 15,606, singular) and bcsstk16 (n = 4,884), with the
// top 10 eigenpairs deflated (computed once, outside the timing).
//
// Variants: a fixed 80 Lanczos steps per probe, and adaptive 80…300 steps
// (each probe goes on until its quadrature error at the smallest λ is a tenth
// of the standard error). Counters: products with H, the longest probe, the
// worst standard error and quadrature bound over the grid; on bcsstk16 also
// the worst |SLQ − exact| in standard errors against the dense exact df
// (BM_exact_dof_dense times that dense path: dsyevd on 4,884 rows).
// Missing data files skip the benchmark with a message.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace {

using ridgelens::Index;
using ridgelens::Vector;

std::filesystem::path data_dir() {
    if (const char* env = std::getenv("RIDGELENS_DATA_DIR")) return env;
    return RIDGELENS_DEFAULT_DATA_DIR;
}

/// A matrix with its top-10 eigenpairs and λ grid, loaded once per process.
struct Problem {
    ridgelens::SparseMatrix matrix;
    ridgelens::Eigenpairs top;
    std::vector<double> lambdas;
    double eigen_seconds = 0;
    Vector exact_df;  // filled on demand (dense path), empty if n is too large
    double exact_seconds = 0;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// nullptr (and a message) if the file is absent.
Problem* load(const std::string& file, std::string& message) {
    static std::map<std::string, std::unique_ptr<Problem>> cache;
    auto found = cache.find(file);
    if (found != cache.end()) return found->second.get();
    const auto path = data_dir() / "matrices" / file;
    if (!std::filesystem::exists(path)) {
        message = "data file " + path.string() + " not found (set RIDGELENS_DATA_DIR); skipped";
        return nullptr;
    }
    auto problem = std::make_unique<Problem>();
    problem->matrix = ridgelens::read_symmetric_matrix_market(path.string()).matrix;
    const ridgelens::SparseSymmetricOperator op(problem->matrix);
    const auto start = std::chrono::steady_clock::now();
    ridgelens::EigenOptions eigen;
    eigen.k = 10;
    problem->top = ridgelens::compute_top_eigenpairs(op, eigen);
    problem->eigen_seconds = seconds_since(start);
    const double sigma_1 = problem->top.values[0];
    for (int i = 0; i < 50; ++i)
        problem->lambdas.push_back(sigma_1 * std::pow(10.0, -6.0 + 8.0 * i / 49));
    return (cache[file] = std::move(problem)).get();
}

void compute_exact(Problem& problem) {
    if (problem.exact_df.size() > 0) return;
    const auto start = std::chrono::steady_clock::now();
    const auto dense = ridgelens::dense_spectrum(problem.matrix);
    if (dense.ok) problem.exact_df = ridgelens::exact_effective_dof(dense.values, problem.lambdas);
    problem.exact_seconds = seconds_since(start);
}

void BM_slq_dof(benchmark::State& state, const std::string& file, Index max_steps,
                bool compare_exact) {
    std::string message;
    Problem* problem = load(file, message);
    if (problem == nullptr) {
        state.SkipWithError(message.c_str());
        return;
    }
    if (compare_exact) compute_exact(*problem);
    const ridgelens::SparseSymmetricOperator op(problem->matrix);
    ridgelens::SlqOptions options;
    options.probes = 30;
    options.lanczos_steps = 80;
    options.max_lanczos_steps = max_steps;
    ridgelens::SpectralEstimate estimate;
    for (auto _ : state) {
        estimate = ridgelens::estimate_spectrum(op, problem->top, problem->lambdas, options);
        benchmark::DoNotOptimize(estimate.df.data());
    }
    state.counters["n"] = static_cast<double>(problem->matrix.rows());
    state.counters["lambdas"] = static_cast<double>(problem->lambdas.size());
    state.counters["matvecs"] = static_cast<double>(estimate.matvecs);
    state.counters["longest_probe"] = static_cast<double>(estimate.largest_probe_steps);
    state.counters["ms_per_step"] = 1e3 * estimate.seconds / static_cast<double>(estimate.matvecs);
    state.counters["max_stderr"] = estimate.df_stderr.maxCoeff();
    state.counters["max_quadrature"] = estimate.df_quadrature_error.maxCoeff();
    state.counters["top10_seconds"] = problem->eigen_seconds;
    state.counters["top10_matvecs"] = static_cast<double>(problem->top.matvecs);
    if (compare_exact && problem->exact_df.size() > 0) {
        double worst = 0;
        for (Index i = 0; i < estimate.df.size(); ++i)
            worst = std::max(
                worst, std::abs(estimate.df[i] - problem->exact_df[i]) / estimate.df_stderr[i]);
        state.counters["max_error_in_stderr"] = worst;
    }
}

void BM_exact_dof_dense(benchmark::State& state, const std::string& file) {
    std::string message;
    Problem* problem = load(file, message);
    if (problem == nullptr) {
        state.SkipWithError(message.c_str());
        return;
    }
    for (auto _ : state) {
        const auto dense = ridgelens::dense_spectrum(problem->matrix);
        if (!dense.ok) state.SkipWithError(dense.message.c_str());
        const Vector df = ridgelens::exact_effective_dof(dense.values, problem->lambdas);
        benchmark::DoNotOptimize(df.data());
    }
    state.counters["n"] = static_cast<double>(problem->matrix.rows());
}

BENCHMARK_CAPTURE(BM_slq_dof, 4elt_m80, std::string("4elt_laplacian.mtx"), 0, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->Repetitions(2);
BENCHMARK_CAPTURE(BM_slq_dof, 4elt_adaptive300, std::string("4elt_laplacian.mtx"), 300, false)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_slq_dof, bcsstk16_m80, std::string("bcsstk16.mtx"), 0, true)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->Repetitions(2);
BENCHMARK_CAPTURE(BM_slq_dof, bcsstk16_adaptive300, std::string("bcsstk16.mtx"), 300, true)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_exact_dof_dense, bcsstk16, std::string("bcsstk16.mtx"))
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
