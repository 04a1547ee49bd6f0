// The core kernels against the machine's own limits, measured in the same run:
// - BM_stream_triad, BM_dgemm: the limits themselves (STREAM triad bandwidth
//   over 3 × 64 MiB, OpenBLAS DGEMM of order 2000);
// - sparse symmetric products y = H·x: the library's SparseSymmetricOperator
//   (one triangle stored, mirrored updates, per-thread spill buffers), the
//   full storage with both triangles (FullCsrOperator, full_csr_product.hpp:
//   the loser of the comparison, kept here) and
//   Eigen's single-threaded selfadjointView<Lower> product (what Spectra's
//   SparseSymMatProd does out of the box), on a generated 3D-stencil Hessian
//   (arg = n, 7 nonzeros per row; n = 2,097,152 is ~170 MB, > the 32 MiB L3)
//   and on the real 4elt and bcsstk16 matrices;
// - one CG iteration's vector updates: the Eigen expressions one after the
//   other (unfused, single-threaded) against the fused OpenMP passes of
//   solve_conjugate_gradient (replicated here on the same vectors).
//
// Counters: `GB/s` (bytes that must move: every stored entry's value and index,
// the row pointers, x read once, y written once; vectors for the CG updates),
// `GFLOP/s`, the measured limit (`triad_GB/s`, `dgemm_GFLOP/s`) and
// `of_limit`, the achieved rate as a fraction of the limit.

#include <benchmark/benchmark.h>
#include <omp.h>

#include <map>
#include <memory>
#include <string>

#include "bench_support.hpp"
#include "full_csr_product.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"

namespace {

using namespace ridgelens;
using namespace ridgelens::bench;

// Reports bytes and flops moved per iteration as rates and as fractions of the limits.
void report_memory_bound(benchmark::State& state, double bytes, double flops) {
    const double iterations = static_cast<double>(state.iterations());
    const double limit = measured_triad_bandwidth();
    state.counters["GB/s"] =
        benchmark::Counter(bytes * iterations * 1e-9, benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] =
        benchmark::Counter(flops * iterations * 1e-9, benchmark::Counter::kIsRate);
    state.counters["triad_GB/s"] = limit * 1e-9;
    state.counters["of_limit"] =
        benchmark::Counter(bytes * iterations / limit, benchmark::Counter::kIsRate);
}

void BM_stream_triad(benchmark::State& state) {
    std::vector<double> a(triad_length, 0.0), b(triad_length, 1.0), c(triad_length, 2.0);
    for (auto _ : state) {
        stream_triad(a.data(), b.data(), c.data(), 3.0, triad_length);
        benchmark::DoNotOptimize(a.data());
        benchmark::ClobberMemory();
    }
    report_memory_bound(state, 24.0 * triad_length, 2.0 * triad_length);
}
BENCHMARK(BM_stream_triad)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_dgemm(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const std::size_t size = static_cast<std::size_t>(n) * n;
    std::vector<double> a(size, 1.0 / 3), b(size, 2.0 / 3), c(size, 0.0);
    for (auto _ : state) {
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a.data(), n, b.data(),
                    n, 0.0, c.data(), n);
        benchmark::DoNotOptimize(c.data());
    }
    const double flops = 2.0 * n * static_cast<double>(n) * n;
    const double limit = measured_dgemm_throughput();
    const double iterations = static_cast<double>(state.iterations());
    state.counters["GFLOP/s"] =
        benchmark::Counter(flops * iterations * 1e-9, benchmark::Counter::kIsRate);
    state.counters["dgemm_GFLOP/s"] = limit * 1e-9;
    state.counters["of_limit"] =
        benchmark::Counter(flops * iterations / limit, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_dgemm)->Arg(dgemm_order)->UseRealTime()->Unit(benchmark::kMillisecond);

// The matrices: arg > 0 is a generated Hessian of that order; −1 is 4elt, −2 bcsstk16.
struct Problem {
    SparseMatrix matrix;
    std::string name;
};

const Problem* problem(benchmark::State& state) {
    static std::map<std::int64_t, std::unique_ptr<Problem>> cache;
    const std::int64_t key = state.range(0);
    auto& slot = cache[key];
    if (!slot) {
        auto loaded = std::make_unique<Problem>();
        if (key > 0) {
            loaded->matrix = generated_hessian(key);
            loaded->name = "generated n=" + std::to_string(loaded->matrix.rows());
        } else {
            const std::string file =
                key == -1 ? "matrices/4elt_laplacian.mtx" : "matrices/bcsstk16.mtx";
            const std::string path = data_file(file);
            if (path.empty()) {
                state.SkipWithError((file + " not found under the shared data directory").c_str());
                return nullptr;
            }
            loaded->matrix = read_symmetric_matrix_market(path).matrix;
            loaded->name = file;
        }
        slot = std::move(loaded);
    }
    state.SetLabel(slot->name);
    return slot.get();
}

// Bytes that any y = Hx must move with `stored` entries kept (value + index),
// n + 1 row pointers, x read once and y written once.
double product_bytes(double stored, double n) {
    return 12.0 * stored + 4.0 * (n + 1) + 16.0 * n;
}

void BM_sparse_full_csr(benchmark::State& state) {
    const Problem* p = problem(state);
    if (p == nullptr) return;
    const FullCsrOperator op(p->matrix);
    const Index n = op.rows();
    const Vector x = rough_vector(n, 3);
    Vector y(n);
    for (auto _ : state) {
        op.perform_op(x.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
    const double nnz = static_cast<double>(p->matrix.nonZeros());
    report_memory_bound(state, product_bytes(nnz, static_cast<double>(n)), 2.0 * nnz);
}

void BM_sparse_one_triangle(benchmark::State& state) {
    const Problem* p = problem(state);
    if (p == nullptr) return;
    const SparseSymmetricOperator op(p->matrix);
    const Index n = op.rows();
    const Vector x = rough_vector(n, 3);
    Vector y(n);
    for (auto _ : state) {
        op.perform_op(x.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
    // Flops of the whole product; bytes of the stored triangle (12 per
    // off-diagonal entry) and the diagonal vector (8 per row).
    const double nnz = static_cast<double>(p->matrix.nonZeros());
    const double strict = static_cast<double>(op.strict_lower_triangle().nonZeros());
    const double rows = static_cast<double>(n);
    report_memory_bound(state, product_bytes(strict, rows) + 8.0 * rows, 2.0 * nnz);
}

void BM_sparse_eigen_selfadjoint(benchmark::State& state) {
    const Problem* p = problem(state);
    if (p == nullptr) return;
    const SparseMatrix lower = p->matrix.triangularView<Eigen::Lower>();
    const Index n = lower.rows();
    const Vector x = rough_vector(n, 3);
    Vector y(n);
    for (auto _ : state) {
        y.noalias() = lower.selfadjointView<Eigen::Lower>() * x;
        benchmark::DoNotOptimize(y.data());
    }
    const double nnz = static_cast<double>(p->matrix.nonZeros());
    report_memory_bound(
        state, product_bytes(static_cast<double>(lower.nonZeros()), static_cast<double>(n)),
        2.0 * nnz);
}

#define RIDGELENS_SPARSE_ARGS \
    Arg(2097152)->Arg(262144)->Arg(-1)->Arg(-2)->UseRealTime()->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_sparse_full_csr)->RIDGELENS_SPARSE_ARGS;
BENCHMARK(BM_sparse_one_triangle)->RIDGELENS_SPARSE_ARGS;
BENCHMARK(BM_sparse_eigen_selfadjoint)->RIDGELENS_SPARSE_ARGS;

// One CG iteration's vector work after q = Hp, for (H + shift·I), Jacobi-preconditioned.
struct CgVectors {
    Vector x, r, z, p, q, d;
    explicit CgVectors(Index n)
        : x(rough_vector(n, 1)),
          r(rough_vector(n, 2)),
          z(n),
          p(rough_vector(n, 4)),
          q(rough_vector(n, 5)),
          d(rough_vector(n, 6).array() + 1.0) {}
};

void BM_cg_updates_unfused(benchmark::State& state) {
    const Index n = state.range(0);
    CgVectors v(n);
    const double shift = 1e-3;
    double rz = 1.0;
    for (auto _ : state) {
        v.q += shift * v.p;
        const double curvature = v.p.dot(v.q);
        const double alpha = 1e-9 * rz / curvature;
        v.x += alpha * v.p;
        v.r -= alpha * v.q;
        v.z = v.d.cwiseProduct(v.r);
        const double rz_next = v.r.dot(v.z);
        v.p = v.z + (rz_next / rz) * v.p;
        rz = rz_next;
        benchmark::DoNotOptimize(v.r.norm());
    }
    // 18 vector loads and stores: what these eight expressions move.
    report_memory_bound(state, 18.0 * 8.0 * static_cast<double>(n), 16.0 * static_cast<double>(n));
}

void BM_cg_updates_fused(benchmark::State& state) {
    const Index n = state.range(0);
    CgVectors v(n);
    const double shift = 1e-3;
    double rz = 1.0;
    double* x = v.x.data();
    double* r = v.r.data();
    double* p = v.p.data();
    const double* q = v.q.data();
    const double* d = v.d.data();
    for (auto _ : state) {
        // Pass 1: curvature pᵀ(H + shift·I)p.
        double pq = 0, pp = 0;
#pragma omp parallel for schedule(static) reduction(+ : pq, pp)
        for (Index i = 0; i < n; ++i) {
            pq += p[i] * q[i];
            pp += p[i] * p[i];
        }
        const double alpha = 1e-9 * rz / (pq + shift * pp);
        // Pass 2: x, r updated; rᵀz and rᵀr accumulated (z = d ⊙ r not stored).
        double rz_next = 0, rr = 0;
#pragma omp parallel for schedule(static) reduction(+ : rz_next, rr)
        for (Index i = 0; i < n; ++i) {
            x[i] += alpha * p[i];
            const double ri = r[i] - alpha * (q[i] + shift * p[i]);
            r[i] = ri;
            rz_next += ri * d[i] * ri;
            rr += ri * ri;
        }
        const double beta = rz_next / rz;
        // Pass 3: p = d ⊙ r + βp.
#pragma omp parallel for schedule(static)
        for (Index i = 0; i < n; ++i) p[i] = d[i] * r[i] + beta * p[i];
        rz = rz_next;
        benchmark::DoNotOptimize(rr);
    }
    // 13 vector loads and stores.
    report_memory_bound(state, 13.0 * 8.0 * static_cast<double>(n), 16.0 * static_cast<double>(n));
}

BENCHMARK(BM_cg_updates_unfused)->Arg(4 << 20)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_cg_updates_fused)->Arg(4 << 20)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
