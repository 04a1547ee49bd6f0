// Multi-shift CG against a single CG solve at the smallest shift (issue 4 item 6:
// "a 50-λ path by multi-shift CG in at most 1.5× the time of a single CG solve at
// the smallest λ"), on the 2D 5-point Laplacian at two sizes:
//   700×700   (n = 490,000; one vector 3.9 MB): the single solve's four vectors
//             (x, r, p, Hp: 16 MB) fit in the 32 MB L3 of the development machine;
//   1500×1500 (n = 2,250,000; one vector 18 MB): nothing fits in cache, the
//             realistic case for models with millions of parameters.
// Per size: (a) BM_single_shift — one shift λ = 1e-4 through solve_multishift_cg
// (its seed-only path: plain unpreconditioned CG with fused vector loops, the
// faster of the two CGs in the library); (b) BM_fifty_shifts — 50 log-spaced
// shifts 1e-4 … 1e2 in one run; (c) BM_lead_cg_single_shift —
// solve_conjugate_gradient (no preconditioner) at λ = 1e-4, a second baseline.
// All use the same operator, tolerance 1e-10 and one explicit residual check per
// distinct shift.
//
// Counters on (b): `ratio_to_single` = CPU time of (b) / CPU time of the faster
// baseline (best of the repetitions of each), `ratio_wall` the same in wall time.
// Every solver here is single-threaded, so CPU time is the cost measure that
// stays meaningful when other processes share the cores (wall time is then
// inflated by waiting for a core); on an idle machine both agree.
//
// Results (RIDGELENS_NATIVE=ON build, AMD EPYC, 2 cores, 32 MB L3, machine shared
// with other jobs at load 6–11; two runs of the whole benchmark, best of two
// repetitions each):
//   n = 2,250,000: single 18.4 / 16.7 s CPU (6.2–6.8 ms/iteration, 2,703 iterations);
//                  50 shifts 23.9 / 22.9 s CPU → ratio_to_single 1.30 / 1.37 (wall
//                  1.14 / 1.17). Target ≤ 1.5 MET (single repetitions 1.30–1.54).
//   n =   490,000: single 1.18 / 1.14 s CPU (0.59–0.64 ms/iteration, 1,931
//                  iterations); 50 shifts 2.33 / 2.28 s CPU → ratio_to_single
//                  1.94 / 1.99. Target NOT met at this size.
//   Window length at n = 490k (BM_fifty_shifts_update_interval, ratio): s = 8: 2.54,
//   s = 16: 2.08, s = 32: 2.02 — so the default is the largest allowed, 32.
// Why the in-cache size is harder: at n = 490k the single solve's vectors live in
// L3, while the 50-shift run must stream the residual window and the x_i, p_i of
// the ≈10 active shifts through DRAM (≈26 bytes/row/step, ≈12 MB per step) and do
// 2 FMAs per row per active shift per step; at the ≈30 GB/s one core gets here
// that alone is ≈0.4 ms against a 0.62 ms step, i.e. a floor of ≈1.7. When the
// single solve is itself DRAM bound (n = 2.25M: ≈104 bytes/row/step) the same
// extra traffic is a ≈25% addition.
// History at n = 490k (50-shift CPU seconds / single): 2.9 s / 1.7 s (1.70) before
// this benchmark was revised; the seed's loops were then vectorized (the single
// solve went from 0.88 to 0.62 ms/iteration, which raises the ratio although the
// 50-shift run itself got faster, 2.9 → 2.3 s).

#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
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

constexpr double smallest_shift = 1e-4;

Vector right_hand_side(Index n) {
    Vector v(n);
    // Deterministic, rough (all frequencies present) and cheap to generate.
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    for (Index i = 0; i < n; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        v[i] = static_cast<double>(state >> 11) * 0x1.0p-53 - 0.5;
    }
    return v;
}

std::vector<double> log_spaced_shifts(double first, double last, int count) {
    std::vector<double> shifts(count);
    for (int i = 0; i < count; ++i)
        shifts[i] =
            std::exp(std::log(first) + (std::log(last) - std::log(first)) * i / (count - 1));
    return shifts;
}

double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double wall_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Cost {
    double cpu = std::numeric_limits<double>::infinity();
    double wall = std::numeric_limits<double>::infinity();
    void keep_best(double cpu_time, double wall_time) {
        cpu = std::min(cpu, cpu_time);
        wall = std::min(wall, wall_time);
    }
};

std::map<Index, Cost> baseline;  // best single-shift cost per grid size

// The single-shift baseline; records its cost under `grid`.
void run_single(Index grid, benchmark::State* state) {
    const GridLaplacian op{grid};
    const Vector b = right_hand_side(op.rows());
    const double cpu = cpu_seconds(), wall = wall_seconds();
    const auto result = ridgelens::solve_multishift_cg(op, {smallest_shift}, b);
    const double cpu_time = cpu_seconds() - cpu, wall_time = wall_seconds() - wall;
    baseline[grid].keep_best(cpu_time, wall_time);
    if (state == nullptr) return;
    if (!result.solutions[0].ok()) state->SkipWithError(result.solutions[0].message.c_str());
    state->counters["n"] = static_cast<double>(op.rows());
    state->counters["iterations"] = static_cast<double>(result.iterations);
    state->counters["matvecs"] = static_cast<double>(result.matvecs);
    state->counters["cpu_ms_per_iteration"] = 1e3 * cpu_time / result.iterations;
    state->counters["residual"] = result.solutions[0].relative_residual;
}

void BM_single_shift(benchmark::State& state) {
    for (auto _ : state) run_single(state.range(0), &state);
}

void BM_fifty_shifts(benchmark::State& state) {
    const Index grid = state.range(0);
    if (!baseline.contains(grid)) run_single(grid, nullptr);
    const GridLaplacian op{grid};
    const Vector b = right_hand_side(op.rows());
    const auto shifts = log_spaced_shifts(smallest_shift, 1e2, 50);
    Cost best;
    for (auto _ : state) {
        const double cpu = cpu_seconds(), wall = wall_seconds();
        const auto result = ridgelens::solve_multishift_cg(op, shifts, b);
        best.keep_best(cpu_seconds() - cpu, wall_seconds() - wall);
        double worst_residual = 0;
        Index shift_iterations = 0;
        for (const auto& solution : result.solutions) {
            if (!solution.ok()) state.SkipWithError(solution.message.c_str());
            worst_residual = std::max(worst_residual, solution.relative_residual);
            shift_iterations += solution.iterations;
        }
        state.counters["n"] = static_cast<double>(op.rows());
        state.counters["iterations"] = static_cast<double>(result.iterations);
        state.counters["matvecs"] = static_cast<double>(result.matvecs);
        state.counters["worst_residual"] = worst_residual;
        // Σ_i iterations_i / iterations: how many shifts were active on average.
        state.counters["mean_active_shifts"] =
            static_cast<double>(shift_iterations) / static_cast<double>(result.iterations);
    }
    const Cost& single = baseline[grid];
    state.counters["ratio_to_single"] = best.cpu / single.cpu;
    state.counters["ratio_wall"] = best.wall / single.wall;
}

// The window length s (update_interval) at n = 490k: the x_i, p_i traffic per step
// falls as 1/s, the window's memory grows as s (s·3.9 MB here).
void BM_fifty_shifts_update_interval(benchmark::State& state) {
    const Index grid = state.range(0);
    if (!baseline.contains(grid)) run_single(grid, nullptr);
    const GridLaplacian op{grid};
    const Vector b = right_hand_side(op.rows());
    const auto shifts = log_spaced_shifts(smallest_shift, 1e2, 50);
    ridgelens::MultiShiftCgOptions options;
    options.update_interval = static_cast<int>(state.range(1));
    double best = std::numeric_limits<double>::infinity();
    for (auto _ : state) {
        const double cpu = cpu_seconds();
        const auto result = ridgelens::solve_multishift_cg(op, shifts, b, options);
        best = std::min(best, cpu_seconds() - cpu);
        for (const auto& solution : result.solutions)
            if (!solution.ok()) state.SkipWithError(solution.message.c_str());
    }
    state.counters["ratio_to_single"] = best / baseline[grid].cpu;
}

void BM_lead_cg_single_shift(benchmark::State& state) {
    const Index grid = state.range(0);
    const GridLaplacian op{grid};
    const Vector b = right_hand_side(op.rows());
    for (auto _ : state) {
        const double cpu = cpu_seconds(), wall = wall_seconds();
        const auto result = ridgelens::solve_conjugate_gradient(op, smallest_shift, b);
        const double cpu_time = cpu_seconds() - cpu;
        baseline[grid].keep_best(cpu_time, wall_seconds() - wall);
        if (!result.ok()) state.SkipWithError(result.message.c_str());
        state.counters["iterations"] = static_cast<double>(result.iterations);
        state.counters["cpu_ms_per_iteration"] = 1e3 * cpu_time / result.iterations;
    }
}

// The baselines run first so that the ratio uses the best of all of them.
BENCHMARK(BM_single_shift)
    ->Arg(700)
    ->Arg(1500)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->Repetitions(2)
    ->ReportAggregatesOnly(false);
BENCHMARK(BM_lead_cg_single_shift)->Arg(700)->Arg(1500)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_fifty_shifts_update_interval)
    ->Args({700, 8})
    ->Args({700, 16})
    ->Args({700, 32})
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->Repetitions(2);
BENCHMARK(BM_fifty_shifts)
    ->Arg(700)
    ->Arg(1500)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->Repetitions(2);

}  // namespace

BENCHMARK_MAIN();
