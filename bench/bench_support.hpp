#pragma once
// Shared by the kernel benchmarks and the peer-comparison runner:
// - the machine's own limits, measured in the same process (STREAM triad
//   bandwidth and OpenBLAS DGEMM throughput), so that every figure reads as a
//   fraction of what this machine can do right now;
// - the generated sparse SPD test matrix (3D 7-point stencil with an
//   ML-like spectrum: ten large outliers over a bulk);
// - locating the shared data files.

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ridgelens/types.hpp"

namespace ridgelens::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The path of a file under the shared data directory
/// (RIDGELENS_DATA_DIR or the configured default), or "" if absent.
inline std::string data_file(const std::string& relative) {
    const char* env = std::getenv("RIDGELENS_DATA_DIR");
#ifdef RIDGELENS_DEFAULT_DATA_DIR
    const char* fallback = RIDGELENS_DEFAULT_DATA_DIR;
#else
    const char* fallback = "../shared/data";
#endif
    const std::filesystem::path path =
        std::filesystem::path(env != nullptr ? env : fallback) / relative;
    return std::filesystem::exists(path) ? path.string() : std::string();
}

/// a = b + s·c over `n` doubles, OpenMP static schedule (STREAM's triad).
inline void stream_triad(double* a, const double* b, const double* c, double s, Index n) {
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
}

/// Doubles per triad array: 3 × 64 MiB, well beyond any last-level cache.
constexpr Index triad_length = Index{1} << 23;

/// Best-of-`repetitions` STREAM triad bandwidth in bytes/s (24 bytes per
/// element, STREAM's convention: write-allocate traffic is not counted).
/// Measured once per process, on first use.
inline double measured_triad_bandwidth() {
    static const double bandwidth = [] {
        std::vector<double> a(triad_length), b(triad_length), c(triad_length);
#pragma omp parallel for schedule(static)
        for (Index i = 0; i < triad_length; ++i) {
            a[static_cast<std::size_t>(i)] = 0;
            b[static_cast<std::size_t>(i)] = 1;
            c[static_cast<std::size_t>(i)] = 2;
        }
        double best = 1e300;
        for (int repetition = 0; repetition < 12; ++repetition) {
            const auto start = Clock::now();
            stream_triad(a.data(), b.data(), c.data(), 3.0, triad_length);
            best = std::min(best, seconds_since(start));
        }
        return 24.0 * static_cast<double>(triad_length) / best;
    }();
    return bandwidth;
}

/// Square DGEMM order used for the throughput limit.
constexpr int dgemm_order = 2000;

/// Best-of-3 OpenBLAS DGEMM throughput (C = A·B, order 2000) in flop/s,
/// measured once per process on first use.
inline double measured_dgemm_throughput() {
    static const double throughput = [] {
        const std::size_t size = static_cast<std::size_t>(dgemm_order) * dgemm_order;
        std::vector<double> a(size, 1.0 / 3), b(size, 2.0 / 3), c(size, 0.0);
        double best = 1e300;
        for (int repetition = 0; repetition < 4; ++repetition) {
            const auto start = Clock::now();
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, dgemm_order, dgemm_order,
                        dgemm_order, 1.0, a.data(), dgemm_order, b.data(), dgemm_order, 0.0,
                        c.data(), dgemm_order);
            if (repetition > 0) best = std::min(best, seconds_since(start));
        }
        return 2.0 * dgemm_order * static_cast<double>(dgemm_order) * dgemm_order / best;
    }();
    return throughput;
}

/// Number of eigenvalue outliers placed on the diagonal of the generated matrix.
constexpr int generated_outliers = 10;

/// xorshift hash of an index into [0, 1).
inline double unit_hash(std::uint64_t key) {
    key += 0x9E3779B97F4A7C15ull;
    key = (key ^ (key >> 30)) * 0xBF58476D1CE4E5B9ull;
    key = (key ^ (key >> 27)) * 0x94D049BB133111EBull;
    key ^= key >> 31;
    return static_cast<double>(key >> 11) * 0x1.0p-53;
}

/// A generated sparse SPD "Hessian" of order m³ ≥ n (the smallest such m, the
/// grid side): H = 0.1·L_w + 0.01·I + Σ_k s_k e_{i_k}e_{i_k}ᵀ, where L_w is
/// the weighted graph Laplacian of the m×m×m 7-point grid (edge weights in
/// (0.05, 1], a hash of the edge), and the ten outliers s_k = 100·0.8^k sit on
/// evenly spaced diagonal entries. Spectrum: a bulk in [0.01, ≈2.4] and ten
/// outliers from 100 down to ≈13 — a few large directions over a flat bulk,
/// like the Hessian of a trained model. About 7 nonzeros per row; both
/// triangles stored, sorted, compressed. Deterministic.
inline SparseMatrix generated_hessian(Index n) {
    Index m = 1;
    while (m * m * m < n) ++m;
    const Index size = m * m * m;
    auto weight = [](Index i, Index j) {  // symmetric edge weight
        const auto low = static_cast<std::uint64_t>(std::min(i, j));
        const auto high = static_cast<std::uint64_t>(std::max(i, j));
        return 0.05 + 0.95 * unit_hash(low * 0x100000001B3ull ^ high);
    };
    SparseMatrix h(size, size);
    h.resizeNonZeros(7 * size);
    int* outer = h.outerIndexPtr();
    int* inner = h.innerIndexPtr();
    double* values = h.valuePtr();
    // Rows are filled in parallel: first count, then place.
    std::vector<int> counts(static_cast<std::size_t>(size));
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < size; ++i) {
        const Index x = i % m, y = (i / m) % m, z = i / (m * m);
        counts[static_cast<std::size_t>(i)] =
            1 + (x > 0) + (x + 1 < m) + (y > 0) + (y + 1 < m) + (z > 0) + (z + 1 < m);
    }
    outer[0] = 0;
    for (Index i = 0; i < size; ++i) outer[i + 1] = outer[i] + counts[static_cast<std::size_t>(i)];
    const Index stride = size / generated_outliers;
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < size; ++i) {
        const Index x = i % m, y = (i / m) % m, z = i / (m * m);
        const Index neighbours[6] = {z > 0 ? i - m * m : -1, y > 0 ? i - m : -1,
                                     x > 0 ? i - 1 : -1,     x + 1 < m ? i + 1 : -1,
                                     y + 1 < m ? i + m : -1, z + 1 < m ? i + m * m : -1};
        int p = outer[i];
        double degree = 0;
        int diagonal_position = -1;
        for (int slot = 0; slot < 6; ++slot) {
            const Index j = neighbours[slot];
            if (slot == 3) diagonal_position = p++;  // keep the columns sorted
            if (j < 0) continue;
            const double w = 0.1 * weight(i, j);
            degree += w;
            inner[p] = static_cast<int>(j);
            values[p] = -w;
            ++p;
        }
        double diagonal = degree + 0.01;
        if (i % stride == stride / 2 && i / stride < generated_outliers)
            diagonal += 100.0 * std::pow(0.8, static_cast<double>(i / stride));
        inner[diagonal_position] = static_cast<int>(i);
        values[diagonal_position] = diagonal;
    }
    h.resizeNonZeros(outer[size]);
    return h;
}

/// A deterministic vector with entries in [−0.5, 0.5).
inline Vector rough_vector(Index n, std::uint64_t seed) {
    Vector v(n);
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < n; ++i) v[i] = unit_hash(seed * 0x9E3779B97F4A7C15ull + i) - 0.5;
    return v;
}

}  // namespace ridgelens::bench
