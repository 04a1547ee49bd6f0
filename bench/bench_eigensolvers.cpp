// Top-10 eigenpairs: the library's two backends, its own thick-restart Lanczos
// (compute_top_eigenpairs, the default) against Spectra's SymEigsSolver
// (compute_top_eigenpairs_spectra, `--eigensolver spectra`, the solver the
// default replaced), each as a caller gets it. Both see the same operator — the parallel
// CSR product of SparseSymmetricOperator through an OperatorRef — the same
// relative tolerance (1e-10, ARPACK's test in both) and the same maximum basis
// max(2k+1, k+20) = 30, so the difference is the iteration itself: Spectra
// fills the whole basis before each convergence test, spends one product on
// its start vector, and orthogonalizes with Eigen's dense products (GEMV on
// one thread; its GEMMs use Eigen's OpenMP threads from 20,000 rows up, as the
// backend sets them).
//
// Inputs: the generated matrix (bench_support.hpp) at n = 10⁶ and 64³ =
// 262,144, and the real bcsstk16 (n = 4,884) and 4elt_laplacian (n = 15,606).
// Both run with `recompute_residuals = false` (the Lanczos estimates; the
// backend's NaN test of every product and its vouching stay on); for both sides the residuals ‖Hq −
// σq‖/|σ| are recomputed after the timing. Counters (per call): products with H, seconds, converged
// pairs, the worst relative residual. Missing data files skip the benchmark with a message.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "bench_support.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace {

using namespace ridgelens;

constexpr Index wanted = 10;
constexpr double tolerance = 1e-10;

/// The inputs, built or loaded once per process (outside every timing).
const SparseMatrix* problem(int id, benchmark::State& state) {
    static std::map<int, std::unique_ptr<SparseMatrix>> cache;
    auto found = cache.find(id);
    if (found != cache.end()) return found->second.get();
    std::unique_ptr<SparseMatrix> matrix;
    if (id == 0 || id == 1) {
        matrix =
            std::make_unique<SparseMatrix>(bench::generated_hessian(id == 0 ? 1000000 : 262144));
    } else {
        const std::string name = id == 2 ? "bcsstk16" : "4elt_laplacian";
        const std::string path = bench::data_file("matrices/" + name + ".mtx");
        if (path.empty()) {
            state.SkipWithError(("missing data file matrices/" + name + ".mtx").c_str());
            return nullptr;
        }
        matrix = std::make_unique<SparseMatrix>(read_symmetric_matrix_market(path).matrix);
    }
    return (cache[id] = std::move(matrix)).get();
}

const char* problem_name(int id) {
    static const char* names[] = {"generated 1000000", "generated 262144", "bcsstk16",
                                  "4elt_laplacian"};
    return names[id];
}

/// max_j ‖H q_j − σ_j q_j‖ / |σ_j| over the returned pairs.
double worst_relative_residual(const SparseSymmetricOperator& op, const Vector& values,
                               const DenseMatrix& vectors) {
    double worst = 0;
    Vector product(op.rows());
    for (Index j = 0; j < values.size(); ++j) {
        op.perform_op(vectors.col(j).data(), product.data());
        worst = std::max(worst, (product - values[j] * vectors.col(j)).norm() /
                                    std::max(std::abs(values[j]), 1e-300));
    }
    return worst;
}

void report(benchmark::State& state, int id, double products, double seconds, Index converged,
            double residual) {
    const double calls = static_cast<double>(state.iterations());
    state.counters["products"] = products / calls;
    state.counters["s_per_call"] = seconds / calls;
    state.counters["converged"] = static_cast<double>(converged);
    state.counters["max_rel_residual"] = residual;
    state.SetLabel(problem_name(id));
}

void BM_ridgelens_lanczos(benchmark::State& state) {
    const int id = static_cast<int>(state.range(0));
    const SparseMatrix* matrix = problem(id, state);
    if (matrix == nullptr) return;
    const SparseSymmetricOperator op(*matrix);
    EigenOptions options;
    options.k = wanted;
    options.tolerance = tolerance;
    options.recompute_residuals = false;
    Eigenpairs pairs;
    double products = 0, seconds = 0;
    for (auto _ : state) {
        const auto start = bench::Clock::now();
        pairs = compute_top_eigenpairs(OperatorRef(op), options);
        seconds += bench::seconds_since(start);
        products += static_cast<double>(pairs.matvecs);
    }
    report(state, id, products, seconds, pairs.converged,
           worst_relative_residual(op, pairs.values, pairs.vectors));
}

void BM_spectra_symeigs(benchmark::State& state) {
    const int id = static_cast<int>(state.range(0));
    const SparseMatrix* matrix = problem(id, state);
    if (matrix == nullptr) return;
    const SparseSymmetricOperator op(*matrix);
    EigenOptions options;
    options.k = wanted;
    options.tolerance = tolerance;
    options.recompute_residuals = false;
    Eigenpairs pairs;
    double products = 0, seconds = 0;
    for (auto _ : state) {
        const auto start = bench::Clock::now();
        pairs = compute_top_eigenpairs_spectra(OperatorRef(op), options);
        seconds += bench::seconds_since(start);
        products += static_cast<double>(pairs.matvecs);
    }
    report(state, id, products, seconds, pairs.converged,
           worst_relative_residual(op, pairs.values, pairs.vectors));
}

// 0: generated 10⁶, 1: generated 262,144, 2: bcsstk16, 3: 4elt_laplacian.
BENCHMARK(BM_ridgelens_lanczos)->DenseRange(0, 3)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_spectra_symeigs)->DenseRange(0, 3)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
