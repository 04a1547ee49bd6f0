// Stochastic Lanczos quadrature on the deflated operator P⊥HP⊥: df(λ) for a
// whole λ grid and the spectral density of H from one set of Lanczos runs.
//
// For a probe z (Rademacher, projected onto range(P⊥)), m Lanczos steps give
// the Jacobi matrix T_m of the measure μ_z = Σ_j (u_jᵀz)² δ(σ_j). With
// f(θ) = θ/(θ+λ), whose even derivatives are negative and odd derivatives
// positive on θ > −λ, the Gauss rule of T_m overestimates ∫f dμ_z and the
// Gauss–Radau rule with a node fixed at a ≤ σ_min underestimates it
// (Golub & Meurant, "Matrices, Moments and Quadrature"). The midpoint is the
// per-probe estimate and the half-gap bounds its quadrature error.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <new>
#include <numbers>
#include <random>
#include <sstream>

#include <Eigen/Eigenvalues>

#include "ridgelens/error.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"
#include "spectrum/lambda_grid_check.hpp"
#include "spectrum/sample_statistics.hpp"

// BLAS matrix-vector product (OpenBLAS, linked privately by the library).
extern "C" void dgemv_(const char* trans, const int* m, const int* n, const double* alpha,
                       const double* a, const int* lda, const double* x, const int* incx,
                       const double* beta, double* y, const int* incy, std::size_t trans_length);

namespace ridgelens {
namespace {

using detail::sample_std;
using detail::validate_lambdas;

void validate(OperatorRef op, const Eigenpairs& top, const SlqOptions& options) {
    const Index n = op.global_rows();
    const Index k = top.values.size();
    if (options.probes < 2)
        throw UsageError("estimate_spectrum: probes = " + std::to_string(options.probes) +
                         " must be at least 2 (for a standard error)");
    if (options.lanczos_steps < 1)
        throw UsageError("estimate_spectrum: lanczos_steps must be at least 1");
    if (!(options.null_tolerance >= 0 && options.null_tolerance < 1))
        throw UsageError("estimate_spectrum: null_tolerance must lie in [0, 1)");
    if (options.max_lanczos_steps != 0 && options.max_lanczos_steps < options.lanczos_steps)
        throw UsageError(
            "estimate_spectrum: max_lanczos_steps = " + std::to_string(options.max_lanczos_steps) +
            " must be 0 (fixed length) or at least lanczos_steps = " +
            std::to_string(options.lanczos_steps));
    if (!(options.quadrature_tolerance > 0))
        throw UsageError("estimate_spectrum: quadrature_tolerance must be positive");
    if (options.density_points < 2)
        throw UsageError("estimate_spectrum: density_points must be at least 2");
    if (!(options.density_bandwidth > 0 && options.density_bandwidth <= 1))
        throw UsageError("estimate_spectrum: density_bandwidth must lie in (0, 1]");
    if (n < 1) throw UsageError("estimate_spectrum: the operator is empty");
    if (top.vectors.cols() != k)
        throw UsageError("estimate_spectrum: " + std::to_string(k) + " eigenvalues but " +
                         std::to_string(top.vectors.cols()) + " eigenvectors to deflate");
    if (k > 0 && top.vectors.rows() != op.rows())
        throw UsageError("estimate_spectrum: eigenvectors have " +
                         std::to_string(top.vectors.rows()) + " rows, the operator " +
                         std::to_string(op.rows()));
    if (k >= n)
        throw UsageError(
            "estimate_spectrum: k = " + std::to_string(k) +
            " deflated pairs leave nothing to estimate (need k < n = " + std::to_string(n) + ")");
    if (!top.values.allFinite() || !top.vectors.allFinite())
        throw UsageError("estimate_spectrum: the eigenpairs to deflate are not finite");
    if (k > 0) {
        DenseMatrix gram = top.vectors.transpose() * top.vectors;
        op.sum(gram.data(), gram.size());
        const double defect = (gram - DenseMatrix::Identity(k, k)).cwiseAbs().maxCoeff();
        if (defect > 1e-8) {
            std::ostringstream message;
            message << "estimate_spectrum: the eigenvectors to deflate are not orthonormal "
                       "(max|QᵀQ − I| = "
                    << defect << ")";
            throw UsageError(message.str());
        }
    }
}

/// Rademacher vectors (±1 with probability ½) from a seeded 64-bit generator:
/// entry i of a probe is bit i mod 64 of the probe's word ⌊i/64⌋. A process
/// holding the rows [first, first + z.size()) of vectors of length `rows`
/// draws the same entries there as a single process would.
class RademacherSource {
  public:
    RademacherSource(std::uint64_t seed, Index rows, Index first)
        : generator_(seed), words_((rows + 63) / 64), first_(first) {}
    void fill(Vector& z) {
        const Index first_word = first_ / 64;
        generator_.discard(static_cast<unsigned long long>(first_word));
        Index used = first_word;
        std::uint64_t bits = 0;
        for (Index local = 0; local < z.size(); ++local) {
            const Index i = first_ + local;
            if (local == 0 || i % 64 == 0) {
                bits = generator_();
                ++used;
            }
            z[local] = (bits >> (i % 64)) & 1u ? 1.0 : -1.0;
        }
        generator_.discard(static_cast<unsigned long long>(words_ - used));
    }

  private:
    std::mt19937_64 generator_;
    Index words_;  // words per probe
    Index first_;
};

/// The Lanczos coefficients of one probe.
struct LanczosRun {
    std::vector<double> alpha;  ///< α_1..α_s
    std::vector<double> beta;   ///< β_1..β_s (β_s couples to the next, uncomputed vector)
    double norm_squared = 0;    ///< ‖P⊥z‖²
    bool invariant = false;     ///< the Krylov space became invariant (β_s ≈ 0)
};

/// c = Bᵀw, w ← w − B c for the first `columns` columns of `basis`. Blocks
/// that fit in cache (≤ 4M entries) use Eigen's single-threaded product:
/// there OpenBLAS's thread start-up costs more than it saves, badly so on a
/// loaded machine. Larger, memory-bound blocks use OpenBLAS's dgemv, whose
/// kernel streams memory faster (≈ 1.5× measured at 100,000 × 90).
/// With a partitioned operator, c is summed over the processes in between.
void project_out(OperatorRef op, const DenseMatrix& basis, Index columns, Vector& w, Vector& c) {
    const Index rows = basis.rows();
    c.resize(columns);
    const bool large = static_cast<double>(rows) * static_cast<double>(columns) > 4.0 * (1 << 20);
    if (large && rows <= std::numeric_limits<int>::max() &&
        columns <= std::numeric_limits<int>::max()) {
        const int m = static_cast<int>(rows), n = static_cast<int>(columns), one = 1;
        const double plus = 1, zero = 0, minus = -1;
        dgemv_("T", &m, &n, &plus, basis.data(), &m, w.data(), &one, &zero, c.data(), &one, 1);
        op.sum(c.data(), columns);
        dgemv_("N", &m, &n, &minus, basis.data(), &m, c.data(), &one, &plus, w.data(), &one, 1);
    } else {
        c.noalias() = basis.leftCols(columns).transpose() * w;
        op.sum(c.data(), columns);
        w.noalias() -= basis.leftCols(columns) * c;
    }
}

/// w ← w − B Bᵀ w for B the first `columns` columns of `basis`, repeated once
/// if the first pass removed most of w ("twice is enough"). Returns the total
/// coefficients.
Vector orthogonalize(OperatorRef op, const DenseMatrix& basis, Index columns, Vector& w) {
    const double before = op.norm(w);
    Vector coefficients, again;
    project_out(op, basis, columns, w, coefficients);
    if (op.norm(w) < 0.7 * before) {
        project_out(op, basis, columns, w, again);
        coefficients += again;
    }
    return coefficients;
}

/// e_1ᵀ(T + shift·I)⁻¹e_1 for the symmetric tridiagonal T (diagonal `d`,
/// off-diagonal `e`) by the LDLᵀ recurrence; NaN if a pivot is not positive.
/// `last_pivot` receives the last pivot d_s ((T + shift·I)⁻¹)_ss = 1/d_s).
double first_entry_of_inverse(const double* d, const double* e, Index size, double shift,
                              double* last_pivot = nullptr) {
    double pivot = d[0] + shift;
    if (!(pivot > 0)) return std::numeric_limits<double>::quiet_NaN();
    double y = 1, sum = 1 / pivot;
    for (Index i = 1; i < size; ++i) {
        const double l = e[i - 1] / pivot;
        y = -l * y;
        pivot = d[i] + shift - e[i - 1] * l;
        if (!(pivot > 0)) return std::numeric_limits<double>::quiet_NaN();
        sum += y * y / pivot;
    }
    if (last_pivot != nullptr) *last_pivot = pivot;
    return sum;
}

/// When a probe may stop: after `min_steps`, as soon as the Gauss/Radau
/// half-gap at `lambda` is at most `target`, and at `max_steps` in any case.
struct StopRule {
    Index min_steps = 0;
    Index max_steps = 0;
    double lambda = 0;  ///< > 0; 0 disables the check (fixed number of steps)
    double target = 0;
    double null_tolerance = 0;
    double top_scale = 0;  ///< max |σ| of the deflated pairs
};

/// Gauss (upper) and Radau (lower) values of f(·, λ) for the Lanczos run so
/// far, from O(s) tridiagonal solves (no eigendecomposition): f = 1 − λ/(θ+λ),
/// so the rule of f is ‖z‖²(1 − λ e_1ᵀ(T + λI)⁻¹e_1). False if a bound
/// is not available (indefinite or singular T).
bool quadrature_bounds(const LanczosRun& run, double lambda, double a, double& upper,
                       double& lower) {
    const Index s = static_cast<Index>(run.alpha.size());
    double pivot = 0;
    const double gauss = first_entry_of_inverse(run.alpha.data(), run.beta.data(), s, lambda);
    if (std::isnan(first_entry_of_inverse(run.alpha.data(), run.beta.data(), s, -a, &pivot)))
        return false;
    std::vector<double> extended = run.alpha;
    const double beta_s = run.beta.back();
    extended.push_back(a + beta_s * beta_s / pivot);
    const double radau = first_entry_of_inverse(extended.data(), run.beta.data(), s + 1, lambda);
    if (std::isnan(gauss) || std::isnan(radau)) return false;
    upper = run.norm_squared * (1 - lambda * gauss);
    lower = run.norm_squared * (1 - lambda * radau);
    return true;
}

/// Lanczos steps on P⊥HP⊥ from P⊥z, as many as `rule` asks for. `basis`
/// holds Q_k in its first k columns; the Lanczos vectors are written after
/// them.
LanczosRun run_lanczos(CountingOperator& counting, DenseMatrix& basis, Index k,
                       const StopRule& rule, Vector& z, Vector& w) {
    const OperatorRef op = counting;
    LanczosRun run;
    // z ← P⊥z (twice: Q is orthonormal only to rounding).
    if (k > 0) {
        for (int pass = 0; pass < 2; ++pass) {
            const Vector c = op.transpose_product(basis.leftCols(k), z);
            z.noalias() -= basis.leftCols(k) * c;
        }
    }
    run.norm_squared = z.squaredNorm();
    op.sum(&run.norm_squared, 1);
    if (run.norm_squared == 0) {  // z ∈ span(Q_k): the measure is empty
        run.invariant = true;
        return run;
    }
    basis.col(k) = z / std::sqrt(run.norm_squared);
    double t_scale = 0;  // running max of |α|, β: the size of T
    for (Index j = 0; j < rule.max_steps; ++j) {
        op.perform_op(basis.col(k + j).data(), w.data());
        double alpha = basis.col(k + j).dot(w);
        op.sum(&alpha, 1);
        w.noalias() -= alpha * basis.col(k + j);
        if (j > 0) w.noalias() -= run.beta.back() * basis.col(k + j - 1);
        // Full reorthogonalization against Q_k (the deflation P⊥) and every
        // Lanczos vector so far; the coefficient along v_j corrects α.
        const Vector c = orthogonalize(op, basis, k + j + 1, w);
        alpha += c[k + j];
        const double beta = op.norm(w);
        run.alpha.push_back(alpha);
        run.beta.push_back(beta);
        if (!std::isfinite(alpha) || !std::isfinite(beta)) break;
        t_scale = std::max({t_scale, std::abs(alpha), beta});
        if (beta <= 1e-12 * t_scale) {  // invariant subspace: the rule is exact
            run.invariant = true;
            break;
        }
        if (j + 1 >= rule.min_steps && rule.lambda > 0 && j + 1 < rule.max_steps) {
            const double a = -rule.null_tolerance * std::max(t_scale, rule.top_scale);
            double upper = 0, lower = 0;
            if (quadrature_bounds(run, rule.lambda, a, upper, lower) &&
                0.5 * (upper - lower) <= rule.target)
                break;
        }
        if (j + 1 < rule.max_steps) basis.col(k + j + 1) = w / beta;
    }
    return run;
}

/// Eigenvalues of the symmetric tridiagonal matrix (diagonal `d`, off-diagonal
/// `e`, e[i] coupling i and i+1) and the first component of each normalized
/// eigenvector, by the implicit QL algorithm with Wilkinson shifts (Golub &
/// Welsch): the plane rotations are applied to the first row of the
/// eigenvector matrix only, so the cost is O(s²) instead of O(s³). Returns
/// false if an eigenvalue needs more than 60 iterations.
bool tridiagonal_eigen_first_row(std::vector<double> d, std::vector<double> e, Vector& values,
                                 Vector& first_row) {
    const Index s = static_cast<Index>(d.size());
    e.resize(static_cast<std::size_t>(s), 0.0);
    e[static_cast<std::size_t>(s - 1)] = 0.0;
    std::vector<double> z(static_cast<std::size_t>(s), 0.0);  // first row of Z, Z = I
    z[0] = 1.0;
    const double eps = std::numeric_limits<double>::epsilon();
    for (Index l = 0; l < s; ++l) {
        int iterations = 0;
        Index m = l;
        do {
            // Find a negligible off-diagonal entry e[m] (m ≥ l): split there.
            for (m = l; m < s - 1; ++m) {
                const double size = std::abs(d[m]) + std::abs(d[m + 1]);
                if (std::abs(e[m]) <= eps * size) break;
            }
            if (m == l) break;
            if (++iterations > 60) return false;
            // Wilkinson shift from the leading 2×2 block of the unreduced part.
            double g = (d[l + 1] - d[l]) / (2 * e[l]);
            double r = std::hypot(g, 1.0);
            g = d[m] - d[l] + e[l] / (g + std::copysign(r, g));
            double sine = 1, cosine = 1, p = 0;
            Index i = m - 1;
            bool deflated = false;
            for (; i >= l; --i) {
                const double f = sine * e[i];
                const double b = cosine * e[i];
                r = std::hypot(f, g);
                e[i + 1] = r;
                if (r == 0) {  // underflow: the matrix splits at i+1
                    d[i + 1] -= p;
                    e[m] = 0;
                    deflated = true;
                    break;
                }
                sine = f / r;
                cosine = g / r;
                g = d[i + 1] - p;
                r = (d[i] - g) * sine + 2 * cosine * b;
                p = sine * r;
                d[i + 1] = g + p;
                g = cosine * r - b;
                const double zf = z[i + 1];  // Z ← Z·G on columns i, i+1 (first row only)
                z[i + 1] = sine * z[i] + cosine * zf;
                z[i] = cosine * z[i] - sine * zf;
            }
            if (deflated) continue;
            d[l] -= p;
            e[l] = g;
            e[m] = 0;
        } while (m != l);
    }
    // Sort ascending, carrying the first-row components along.
    std::vector<Index> order(static_cast<std::size_t>(s));
    for (Index i = 0; i < s; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](Index x, Index y) { return d[x] < d[y]; });
    values.resize(s);
    first_row.resize(s);
    for (Index i = 0; i < s; ++i) {
        values[i] = d[order[i]];
        first_row[i] = z[order[i]];
    }
    return true;
}

/// Gauss rule of the Jacobi matrix (alpha, beta[0..s−2]) scaled by ‖z‖²:
/// nodes θ_l (ascending) and weights ‖z‖²(e_1ᵀu_l)². Falls back to a full
/// eigendecomposition if QL does not converge.
void gauss_rule(const std::vector<double>& alpha, const std::vector<double>& beta,
                double norm_squared, Vector& nodes, Vector& weights) {
    const Index s = static_cast<Index>(alpha.size());
    std::vector<double> off(beta.begin(), beta.begin() + (s - 1));
    Vector first_row;
    if (!tridiagonal_eigen_first_row(alpha, off, nodes, first_row)) {
        Eigen::SelfAdjointEigenSolver<DenseMatrix> eigen;
        eigen.computeFromTridiagonal(Eigen::Map<const Vector>(alpha.data(), s),
                                     Eigen::Map<const Vector>(off.data(), s - 1),
                                     Eigen::ComputeEigenvectors);
        nodes = eigen.eigenvalues();
        first_row = eigen.eigenvectors().row(0).transpose();
    }
    weights = norm_squared * first_row.array().square();
}

/// Σ_i w_i φ_h(x − c_i) on `grid` (φ_h the Gaussian density of width h).
Vector smooth(const Vector& grid, const std::vector<double>& centers,
              const std::vector<double>& weights, double h) {
    Vector value = Vector::Zero(grid.size());
    const double normalization = 1.0 / (h * std::sqrt(2 * std::numbers::pi));
    for (Index g = 0; g < grid.size(); ++g) {
        double sum = 0;
        for (std::size_t i = 0; i < centers.size(); ++i) {
            const double u = (grid[g] - centers[i]) / h;
            if (std::abs(u) < 12) sum += weights[i] * std::exp(-0.5 * u * u);
        }
        value[g] = sum * normalization;
    }
    return value;
}

/// Smoothed linear and log-σ densities (see SpectralEstimate).
void fill_densities(const SlqQuadrature& q, const SlqOptions& options, SpectralEstimate& result) {
    const double n = static_cast<double>(q.n);
    const double probes = static_cast<double>(q.probes.size());
    std::vector<double> nodes, weights;
    for (const ProbeQuadrature& probe : q.probes)
        for (Index l = 0; l < probe.gauss_nodes.size(); ++l) {
            nodes.push_back(probe.gauss_nodes[l]);
            weights.push_back(probe.gauss_weights[l] / (n * probes));
        }
    for (Index j = 0; j < q.top_values.size(); ++j) {
        nodes.push_back(q.top_values[j]);
        weights.push_back(1.0 / n);
    }
    const Index points = options.density_points;

    // Linear grid over [min(0, θ_min), σ_1], widened by 3h.
    double low = 0, high = 0;
    for (const double x : nodes) {
        low = std::min(low, x);
        high = std::max(high, x);
    }
    double range = high - low;
    if (!(range > 0)) range = std::max(1.0, std::abs(high));
    const double h = options.density_bandwidth * range;
    result.density_bandwidth = h;
    result.density_sigma = Vector::LinSpaced(points, low - 3 * h, high + 3 * h);
    result.density_value = smooth(result.density_sigma, nodes, weights, h);

    // Log grid over [log10 θ_min⁺, log10 σ_1] (at least a decade), widened by 3h.
    std::vector<double> log_nodes, log_weights;
    double null_mass = 0;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i] > q.null_threshold && nodes[i] > 0) {
            log_nodes.push_back(std::log10(nodes[i]));
            log_weights.push_back(weights[i]);
        } else {
            null_mass += weights[i];
        }
    }
    result.null_mass = null_mass;
    double log_low = 0, log_high = 0;
    if (!log_nodes.empty()) {
        log_low = *std::min_element(log_nodes.begin(), log_nodes.end());
        log_high = *std::max_element(log_nodes.begin(), log_nodes.end());
    }
    if (log_high - log_low < 1) {
        const double middle = 0.5 * (log_low + log_high);
        log_low = middle - 0.5;
        log_high = middle + 0.5;
    }
    const double log_h = options.density_bandwidth * (log_high - log_low);
    result.log_density_bandwidth = log_h;
    const Vector t = Vector::LinSpaced(points, log_low - 3 * log_h, log_high + 3 * log_h);
    result.log_density_value = smooth(t, log_nodes, log_weights, log_h);
    result.log_density_sigma = t.unaryExpr([](double x) { return std::pow(10.0, x); });
}

}  // namespace

SpectralEstimate estimate_spectrum(OperatorRef op, const Eigenpairs& top,
                                   const std::vector<double>& lambdas, const SlqOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    validate_lambdas(lambdas, "estimate_spectrum");
    validate(op, top, options);
    const Index n = op.global_rows();
    const Index rows = op.rows();  // this process's rows
    const Index k = top.values.size();
    const Index m = std::min(options.lanczos_steps, n - k);
    const Index m_max = std::min(std::max(options.max_lanczos_steps, options.lanczos_steps), n - k);

    DenseMatrix basis;
    Vector z(rows), w(rows);
    try {
        basis.resize(rows, k + m_max);
    } catch (const std::bad_alloc&) {
        std::ostringstream message;
        message << "estimate_spectrum: cannot allocate the Lanczos basis of " << rows << " x "
                << k + m_max << " doubles ("
                << static_cast<double>(rows) * static_cast<double>(k + m_max) * 8 / 1e9
                << " GB); lower lanczos_steps";
        throw ResourceError(message.str());
    }
    if (k > 0) basis.leftCols(k) = top.vectors;

    // Adaptive length: beyond m steps a probe goes on until its quadrature
    // half-gap at the smallest positive λ is below quadrature_tolerance times
    // the standard error estimated from the probes done so far (one
    // direction per probe before two are done).
    StopRule rule;
    rule.min_steps = m;
    rule.max_steps = m_max;
    rule.null_tolerance = options.null_tolerance;
    rule.top_scale = k > 0 ? top.values.cwiseAbs().maxCoeff() : 0.0;
    if (m_max > m)
        for (const double lambda : lambdas)
            if (lambda > 0 && (rule.lambda == 0 || lambda < rule.lambda)) rule.lambda = lambda;
    std::vector<double> checked;  // per-probe midpoints at rule.lambda

    CountingOperator counting(op);
    RademacherSource source(options.seed, n, op.first_row());
    std::vector<LanczosRun> runs;
    runs.reserve(static_cast<std::size_t>(options.probes));
    for (Index p = 0; p < options.probes; ++p) {
        if (rule.lambda > 0) {
            const double spread = checked.size() >= 2 ? sample_std(checked) : 1.0;
            rule.target = options.quadrature_tolerance * spread /
                          std::sqrt(static_cast<double>(options.probes));
        }
        source.fill(z);
        runs.push_back(run_lanczos(counting, basis, k, rule, z, w));
        const LanczosRun& run = runs.back();
        if (rule.lambda > 0 && !run.alpha.empty()) {
            double t_scale = rule.top_scale;
            for (std::size_t j = 0; j < run.alpha.size(); ++j)
                t_scale = std::max({t_scale, std::abs(run.alpha[j]), run.beta[j]});
            double upper = 0, lower = 0;
            if (quadrature_bounds(run, rule.lambda, -options.null_tolerance * t_scale, upper,
                                  lower))
                checked.push_back(0.5 * (upper + lower));
        }
    }

    SpectralEstimate result;
    SlqQuadrature& q = result.quadrature;
    q.n = n;
    q.top_values = top.values;
    q.probes.resize(runs.size());
    bool non_finite = false;
    double scale = k > 0 ? top.values.cwiseAbs().maxCoeff() : 0.0;
    for (std::size_t p = 0; p < runs.size(); ++p) {
        const LanczosRun& run = runs[p];
        ProbeQuadrature& probe = q.probes[p];
        probe.steps = static_cast<Index>(run.alpha.size());
        const bool finite = std::all_of(run.alpha.begin(), run.alpha.end(),
                                        [](double x) { return std::isfinite(x); }) &&
                            std::all_of(run.beta.begin(), run.beta.end(),
                                        [](double x) { return std::isfinite(x); });
        if (!finite) {
            non_finite = true;
            continue;
        }
        if (probe.steps == 0) continue;
        gauss_rule(run.alpha, run.beta, run.norm_squared, probe.gauss_nodes, probe.gauss_weights);
        scale = std::max(scale, probe.gauss_nodes.cwiseAbs().maxCoeff());
    }
    result.matvecs = counting.applications();
    result.deflated = k;
    result.probes = options.probes;
    result.lanczos_steps = m;
    for (const ProbeQuadrature& probe : q.probes)
        result.largest_probe_steps = std::max(result.largest_probe_steps, probe.steps);
    if (non_finite) {
        // The quadrature is meaningless: report and return NaN curves.
        result.message =
            "SLQ: the operator produced NaN or Inf during Lanczos; no estimate computed";
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const Index count = static_cast<Index>(lambdas.size());
        result.lambdas = lambdas;
        for (Vector* v : {&result.df, &result.df_stderr, &result.df_quadrature_error,
                          &result.df_top_part, &result.df_tail})
            *v = Vector::Constant(count, nan);
        for (Vector* v : {&result.log_det, &result.log_det_stderr, &result.log_det_quadrature_error,
                          &result.log_det_top_part})
            *v = Vector::Constant(count, nan);
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return result;
    }

    // The null threshold and the Radau node a ≤ σ_min (PSD H: a just below 0).
    q.scale = scale;
    q.null_threshold = options.null_tolerance * scale;
    const double a =
        -std::max(q.null_threshold, 64 * std::numeric_limits<double>::epsilon() * scale);
    double smallest = std::numeric_limits<double>::infinity();
    double largest = -std::numeric_limits<double>::infinity();
    for (std::size_t p = 0; p < runs.size(); ++p) {
        const LanczosRun& run = runs[p];
        ProbeQuadrature& probe = q.probes[p];
        if (probe.steps == 0) continue;
        smallest = std::min(smallest, probe.gauss_nodes.minCoeff());
        largest = std::max(largest, probe.gauss_nodes.maxCoeff());
        if (run.invariant) {  // exact rule: both bounds coincide
            probe.radau_nodes = probe.gauss_nodes;
            probe.radau_weights = probe.gauss_weights;
            result.invariant_subspaces++;
            continue;
        }
        if (probe.gauss_nodes.minCoeff() <= a) continue;  // no valid lower end: no Radau rule
        // Extend T_s by α̃ = a + δ_s, δ_s = β_s² ((T_s − aI)⁻¹)_ss = β_s²/d_s (the
        // last LDLᵀ pivot of T_s − aI), so that a is an eigenvalue of T̃_{s+1}.
        const Index s = probe.steps;
        double pivot = 0;
        if (std::isnan(first_entry_of_inverse(run.alpha.data(), run.beta.data(), s, -a, &pivot)))
            continue;  // T_s − aI not positive definite to rounding: no Radau rule
        const double beta_s = run.beta.back();
        std::vector<double> alpha = run.alpha;
        alpha.push_back(a + beta_s * beta_s / pivot);
        gauss_rule(alpha, run.beta, run.norm_squared, probe.radau_nodes, probe.radau_weights);
    }
    result.smallest_ritz_value = std::isfinite(smallest) ? smallest : 0.0;
    result.largest_ritz_value = std::isfinite(largest) ? largest : 0.0;
    const double top_smallest = k > 0 ? top.values.minCoeff() : 0.0;
    result.indefinite = std::min(result.smallest_ritz_value, top_smallest) < -q.null_threshold;

    static_cast<DofCurve&>(result) = effective_dof_from_quadrature(q, lambdas);
    fill_densities(q, options, result);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::ostringstream message;
    message << "SLQ: " << options.probes << " probes x ";
    if (m_max > m)
        message << m << ".." << m_max << " Lanczos steps (adaptive, longest "
                << result.largest_probe_steps << ")";
    else
        message << m << " Lanczos steps";
    message << " on H deflated by " << k << " eigenpairs: " << result.matvecs << " products";
    if (result.invariant_subspaces > 0)
        message << ", " << result.invariant_subspaces
                << " probes ended in an invariant subspace (exact quadrature)";
    if (result.indefinite) {
        message << "; warning: H is indefinite (eigenvalue or Ritz value "
                << std::min(result.smallest_ritz_value, top_smallest) << " < −null threshold "
                << -q.null_threshold
                << "): negative directions have f = 0, df is not meaningful and the quadrature "
                   "error is unbounded";
    } else {
        double worst_lambda = -1;
        for (Index i = 0; i < result.df.size(); ++i)
            if (result.df_quadrature_error[i] > result.df_stderr[i])
                worst_lambda = std::max(worst_lambda, lambdas[static_cast<std::size_t>(i)]);
        if (worst_lambda >= 0)
            message << "; note: the quadrature error bound exceeds the standard error for λ ≤ "
                    << worst_lambda << " (Lanczos has not resolved the spectrum at that scale; "
                    << "raise lanczos_steps or max_lanczos_steps, or use 3·stderr + quadrature "
                       "error as the error bar)";
    }
    if (k > 0 && top.residuals.size() == k && top.residuals.maxCoeff() > 1e-6 * scale)
        message << "; warning: the deflated eigenpairs are inaccurate (max residual "
                << top.residuals.maxCoeff() << "), so the top/tail split is approximate";
    result.message = message.str();
    return result;
}

}  // namespace ridgelens
