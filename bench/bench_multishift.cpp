// Multi-shift CG on a 2D 5-point Laplacian (700×700 grid, n = 490,000):
// (a) one shift, λ = 1e-4 (the seed-only path, i.e. plain CG);
// (b) 50 log-spaced shifts 1e-4 … 1e2 in one run.
// Counter `ratio_to_single` on (b) is time(b)/time(a); the target is ≤ 1.5.
// BM_lead_cg_single_shift times solve_conjugate_gradient at λ = 1e-4 for context.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <vector>

#include "ridgelens/solve/conjugate_gradient.hpp"
#include "ridgelens/solve/multishift_cg.hpp"

namespace {

using ridgelens::Index;
using ridgelens::Vector;

// y = L x for the 5-point Laplacian on an m×m grid with Dirichlet boundary;
// eigenvalues 4 − 2cos(iπ/(m+1)) − 2cos(jπ/(m+1)) ∈ (0, 8).
struct GridLaplacian {
    using Scalar = double;
    Index m;
    Index rows() const { return m * m; }
    Index cols() const { return m * m; }
    void perform_op(const double* x, double* y) const {
        for (Index i = 0; i < m; ++i) {
            const double* row = x + i * m;
            double* out = y + i * m;
            for (Index j = 0; j < m; ++j) out[j] = 4 * row[j];
            for (Index j = 1; j < m; ++j) out[j] -= row[j - 1];
            for (Index j = 0; j + 1 < m; ++j) out[j] -= row[j + 1];
            if (i > 0)
                for (Index j = 0; j < m; ++j) out[j] -= row[j - m];
            if (i + 1 < m)
                for (Index j = 0; j < m; ++j) out[j] -= row[j + m];
        }
    }
};

constexpr Index grid = 700;
constexpr double smallest_shift = 1e-4;

const Vector& right_hand_side() {
    static const Vector b = [] {
        Vector v(grid * grid);
        // Deterministic, rough (all frequencies present) and cheap to generate.
        std::uint64_t state = 0x9E3779B97F4A7C15ull;
        for (Index i = 0; i < v.size(); ++i) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            v[i] = static_cast<double>(state >> 11) * 0x1.0p-53 - 0.5;
        }
        return v;
    }();
    return b;
}

std::vector<double> log_spaced_shifts(double first, double last, int count) {
    std::vector<double> shifts(count);
    for (int i = 0; i < count; ++i)
        shifts[i] =
            std::exp(std::log(first) + (std::log(last) - std::log(first)) * i / (count - 1));
    return shifts;
}

double single_shift_seconds = std::numeric_limits<double>::quiet_NaN();

double run_single(const GridLaplacian& op, benchmark::State* state) {
    const auto start = std::chrono::steady_clock::now();
    const auto result = ridgelens::solve_multishift_cg(op, {smallest_shift}, right_hand_side());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (state != nullptr) {
        if (!result.solutions[0].ok()) state->SkipWithError(result.solutions[0].message.c_str());
        state->counters["iterations"] = static_cast<double>(result.iterations);
        state->counters["matvecs"] = static_cast<double>(result.matvecs);
        state->counters["ms_per_iteration"] = 1e3 * seconds / result.iterations;
        state->counters["residual"] = result.solutions[0].relative_residual;
    }
    return seconds;
}

void BM_multishift_single_shift(benchmark::State& state) {
    const GridLaplacian op{grid};
    right_hand_side();
    for (auto _ : state) {
        const double seconds = run_single(op, &state);
        single_shift_seconds =
            std::isnan(single_shift_seconds) ? seconds : std::min(single_shift_seconds, seconds);
    }
}

void BM_multishift_fifty_shifts(benchmark::State& state) {
    const GridLaplacian op{grid};
    const auto shifts = log_spaced_shifts(smallest_shift, 1e2, 50);
    if (std::isnan(single_shift_seconds)) single_shift_seconds = run_single(op, nullptr);
    double best = std::numeric_limits<double>::infinity();
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        const auto result = ridgelens::solve_multishift_cg(op, shifts, right_hand_side());
        best = std::min(
            best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        double worst_residual = 0;
        Index shift_iterations = 0;
        for (const auto& solution : result.solutions) {
            if (!solution.ok()) state.SkipWithError(solution.message.c_str());
            worst_residual = std::max(worst_residual, solution.relative_residual);
            shift_iterations += solution.iterations;
        }
        state.counters["iterations"] = static_cast<double>(result.iterations);
        state.counters["matvecs"] = static_cast<double>(result.matvecs);
        state.counters["worst_residual"] = worst_residual;
        // Σ_i iterations_i / iterations: how many shifts were active on average.
        state.counters["mean_active_shifts"] =
            static_cast<double>(shift_iterations) / static_cast<double>(result.iterations);
    }
    state.counters["ratio_to_single"] = best / single_shift_seconds;
}

void BM_lead_cg_single_shift(benchmark::State& state) {
    const GridLaplacian op{grid};
    for (auto _ : state) {
        const auto result =
            ridgelens::solve_conjugate_gradient(op, smallest_shift, right_hand_side());
        if (!result.ok()) state.SkipWithError(result.message.c_str());
        state.counters["iterations"] = static_cast<double>(result.iterations);
    }
}

BENCHMARK(BM_multishift_single_shift)->Unit(benchmark::kSecond)->Iterations(1)->Repetitions(2);
BENCHMARK(BM_multishift_fifty_shifts)->Unit(benchmark::kSecond)->Iterations(1)->Repetitions(2);
BENCHMARK(BM_lead_cg_single_shift)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
