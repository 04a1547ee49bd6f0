#include "ridgelens/solve/multishift_cg.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <utility>

#include "ridgelens/error.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Multi-shift CG (Frommer 2003, Jegerlehner 1996), written from the recurrences.
//
// Seed: plain CG on A = H + σ_s I, σ_s the smallest shift, x_0 = 0, r_0 = p_0 = b:
//   α_k = r_kᵀr_k / p_kᵀA p_k,   r_{k+1} = r_k − α_k A p_k,
//   β_k = r_{k+1}ᵀr_{k+1} / r_kᵀr_k,   p_{k+1} = r_{k+1} + β_k p_k.
// Shift σ = σ_s + δ (δ ≥ 0): the CG residuals of A + δI are collinear with the
// seed's, r^σ_k = ζ_k r_k. Eliminating A·r_k from the three-term recurrences of
// both residual sequences gives, for the ratio q_{k+1} = ζ_{k+1}/ζ_k,
//   q_{k+1} = α_{k−1} / (α_{k−1}(1 + δ α_k) + α_k β_{k−1} (1 − q_k)),
// with α_{−1} = 1, β_{−1} = 0, q_0 = 1 (so q_1 = 1/(1 + δ α_0)), and then
//   α^σ_k = α_k q_{k+1},   β^σ_k = β_k q_{k+1}²,
//   x^σ_{k+1} = x^σ_k + α^σ_k p^σ_k,   p^σ_{k+1} = ζ_{k+1} r_{k+1} + β^σ_k p^σ_k.
// For δ ≥ 0 every term of the denominator is positive and q_k ≤ 1 (induction),
// so the ratio form has no cancellation and cannot underflow; only ζ itself (a
// product of ratios) can underflow, which only happens long after the shift's
// residual estimate ζ·‖r‖/‖b‖ fell below the tolerance, i.e. after it froze.
// ζ ≤ 1 also means the seed is the last system to converge.
//
// Deferred updates. x^σ and p^σ never feed back into the seed recurrence, so the
// per-shift vector updates may be postponed: over t ≤ s steps after a flush at
// step k₀,
//   p^σ_k = a·p^σ_{k₀} + Σ_m c_m r_{k₀+m},   x^σ_k = x^σ_{k₀} + d·p^σ_{k₀} + Σ_m e_m r_{k₀+m},
// with scalar coefficients updated per step (O(s) flops per shift). The seed
// copies its residuals into a window of s vectors, and every s steps (or once no
// shift but the seed is left, or at the end) one cache-blocked pass applies the
// window to x^σ and p^σ of every pending shift; a shift that freezes just stops
// updating its coefficients and is completed in that pass. This is the same
// linear combination as the step-by-step recurrence, merely associated
// differently (the coefficients are products of positive factors, no new
// cancellation), but it reads and writes each x^σ, p^σ once per s steps instead
// of once per step. For large n these updates are memory bound, so this is what
// makes many shifts cheap: the remaining extra traffic per step is one residual
// written and read back plus 4·(active shifts)/s vectors.
//
// Threads: none. The loops are memory bound. Measured on the 2-core development
// machine: two OpenMP threads on the flush gained ≈5% when the machine was idle
// and lost ≈20% when other processes shared the cores; OpenMP on every vector
// loop (several parallel regions per step) made a 40,000-row solve 100× slower
// under such contention (barrier waits). So everything runs on the caller's
// thread; the operator may parallelize itself.

namespace ridgelens {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int max_window = 32;  // deferred steps between flushes, at most
static_assert(max_window % 4 == 0, "the flush kernels take residuals four at a time");
constexpr Index block_rows = 512;  // rows per cache block of a flush

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// State of one distinct shift. The seed (smallest shift, index 0) keeps only x;
// its search direction is the seed's p.
struct ShiftState {
    double shift = 0;
    double delta = 0;        // shift − σ_s
    double zeta = 1;         // ζ_k
    double ratio = 1;        // q_k = ζ_k / ζ_{k−1}
    bool frozen = false;     // met the tolerance (recurrence); takes no more steps
    int deferred_steps = 0;  // steps taken since the last flush (not yet applied to x, p)
    Index iterations = 0;    // step at which it froze (or the last step)
    double estimate = 1;     // recurrence residual |ζ|·‖r‖/‖b‖ at that step
    SolveStatus status = SolveStatus::not_converged;
    std::string failure;  // message for a status other than converged
    // Deferred-update coefficients since the last flush (see the file comment).
    double carry_p = 1;                       // a
    double carry_x = 0;                       // d
    std::array<double, max_window> coef_p{};  // c_m
    std::array<double, max_window> coef_x{};  // e_m
    Vector x;
    Vector p;
};

double physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page_size <= 0) return std::numeric_limits<double>::infinity();
    return static_cast<double>(pages) * static_cast<double>(page_size);
}

std::string format_double(double value) {
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
}

// pᵀy and pᵀp in one pass.
std::pair<double, double> dot_and_norm(const double* p, const double* y, Index n) {
    double py = 0, pp = 0;
    for (Index j = 0; j < n; ++j) {
        py += p[j] * y[j];
        pp += p[j] * p[j];
    }
    return {py, pp};
}

// x += α p;  r −= α(Hp + σ p);  returns ‖r‖². With `Copy`, the new r is also
// written to `copy` (the residual window) with non-temporal stores: the window
// is read only at the next flush, so the copy neither reads the destination
// first nor evicts the seed's vectors from cache. Both variants do the same
// arithmetic in the same order (the seed is bitwise the same with or without
// other shifts).
template <bool Copy>
double update_seed(double* __restrict x, const double* __restrict p, const double* __restrict hp,
                   double* __restrict r, double* __restrict copy, double alpha, double sigma,
                   Index n) {
    Index j = 0;
    double rr = 0;
#if defined(__SSE2__)
    // Four independent sums of squares, two lanes each.
    if (!Copy || reinterpret_cast<std::uintptr_t>(copy) % 16 == 0) {
        const __m128d a = _mm_set1_pd(alpha), s = _mm_set1_pd(sigma);
        __m128d sum0 = _mm_setzero_pd(), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        const auto step = [&](Index k, __m128d& sum) {
            const __m128d pk = _mm_loadu_pd(p + k);
            const __m128d rk =
                _mm_sub_pd(_mm_loadu_pd(r + k),
                           _mm_mul_pd(a, _mm_add_pd(_mm_loadu_pd(hp + k), _mm_mul_pd(s, pk))));
            _mm_storeu_pd(x + k, _mm_add_pd(_mm_loadu_pd(x + k), _mm_mul_pd(a, pk)));
            _mm_storeu_pd(r + k, rk);
            if constexpr (Copy) _mm_stream_pd(copy + k, rk);
            sum = _mm_add_pd(sum, _mm_mul_pd(rk, rk));
        };
        for (; j + 8 <= n; j += 8) {
            step(j, sum0);
            step(j + 2, sum1);
            step(j + 4, sum2);
            step(j + 6, sum3);
        }
        if constexpr (Copy) _mm_sfence();
        const __m128d sum = _mm_add_pd(_mm_add_pd(sum0, sum1), _mm_add_pd(sum2, sum3));
        double lanes[2];
        _mm_storeu_pd(lanes, sum);
        rr = lanes[0] + lanes[1];
    }
#endif
    for (; j < n; ++j) {
        const double pj = p[j];
        const double rj = r[j] - alpha * (hp[j] + sigma * pj);
        x[j] += alpha * pj;
        r[j] = rj;
        if constexpr (Copy) copy[j] = rj;
        rr += rj * rj;
    }
    return rr;
}

// p = r + β p.
void update_direction(double* p, const double* r, double beta, Index n) {
    for (Index j = 0; j < n; ++j) p[j] = r[j] + beta * p[j];
}

// The flush kernel, compiled for the baseline ISA and for x86-64-v3/v4 (AVX2+FMA,
// AVX-512) with run-time dispatch: it is the only flop-heavy loop of the solver
// (two FMAs per row per shift per step) and the build targets plain x86-64.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define RIDGELENS_MULTIVERSION \
    __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define RIDGELENS_MULTIVERSION
#endif

// One block of rows of one shift: x += d p + Σ_m e_m R_m and, when `keep_p`,
// p = a p + Σ_m c_m R_m. The residual list is padded to a multiple of four
// (zero coefficients) and applied four residuals per pass over the block; the
// carry term rides along with the first four.
RIDGELENS_MULTIVERSION
void update_block(double* __restrict x, double* __restrict p, const double* const* residual,
                  const double* coef_x, const double* coef_p, int padded_steps, double a, double d,
                  Index length, bool keep_p) {
    for (int m = 0; m < padded_steps; m += 4) {
        const double* __restrict r0 = residual[m];
        const double* __restrict r1 = residual[m + 1];
        const double* __restrict r2 = residual[m + 2];
        const double* __restrict r3 = residual[m + 3];
        const double e0 = coef_x[m], e1 = coef_x[m + 1], e2 = coef_x[m + 2], e3 = coef_x[m + 3];
        const double c0 = coef_p[m], c1 = coef_p[m + 1], c2 = coef_p[m + 2], c3 = coef_p[m + 3];
        if (m == 0 && keep_p) {
            for (Index j = 0; j < length; ++j) {
                const double v0 = r0[j], v1 = r1[j], v2 = r2[j], v3 = r3[j], pj = p[j];
                x[j] += d * pj + (e0 * v0 + e1 * v1) + (e2 * v2 + e3 * v3);
                p[j] = a * pj + (c0 * v0 + c1 * v1) + (c2 * v2 + c3 * v3);
            }
        } else if (m == 0) {
            for (Index j = 0; j < length; ++j)
                x[j] += d * p[j] + (e0 * r0[j] + e1 * r1[j]) + (e2 * r2[j] + e3 * r3[j]);
        } else if (keep_p) {
            for (Index j = 0; j < length; ++j) {
                const double v0 = r0[j], v1 = r1[j], v2 = r2[j], v3 = r3[j];
                x[j] += (e0 * v0 + e1 * v1) + (e2 * v2 + e3 * v3);
                p[j] += (c0 * v0 + c1 * v1) + (c2 * v2 + c3 * v3);
            }
        } else {
            for (Index j = 0; j < length; ++j)
                x[j] += (e0 * r0[j] + e1 * r1[j]) + (e2 * r2[j] + e3 * r3[j]);
        }
    }
}

// The same for two shifts at once (both keeping p): every residual value loaded
// feeds four FMAs instead of two.
RIDGELENS_MULTIVERSION
void update_block_pair(double* __restrict x0, double* __restrict p0, double* __restrict x1,
                       double* __restrict p1, const double* const* residual, const double* coef_x0,
                       const double* coef_p0, const double* coef_x1, const double* coef_p1,
                       int padded_steps, double a0, double d0, double a1, double d1, Index length) {
    for (int m = 0; m < padded_steps; m += 4) {
        const double* __restrict r0 = residual[m];
        const double* __restrict r1 = residual[m + 1];
        const double* __restrict r2 = residual[m + 2];
        const double* __restrict r3 = residual[m + 3];
        const double e00 = coef_x0[m], e01 = coef_x0[m + 1], e02 = coef_x0[m + 2],
                     e03 = coef_x0[m + 3];
        const double c00 = coef_p0[m], c01 = coef_p0[m + 1], c02 = coef_p0[m + 2],
                     c03 = coef_p0[m + 3];
        const double e10 = coef_x1[m], e11 = coef_x1[m + 1], e12 = coef_x1[m + 2],
                     e13 = coef_x1[m + 3];
        const double c10 = coef_p1[m], c11 = coef_p1[m + 1], c12 = coef_p1[m + 2],
                     c13 = coef_p1[m + 3];
        if (m == 0) {
            for (Index j = 0; j < length; ++j) {
                const double v0 = r0[j], v1 = r1[j], v2 = r2[j], v3 = r3[j];
                const double q0 = p0[j], q1 = p1[j];
                x0[j] = x0[j] + d0 * q0 + e00 * v0 + e01 * v1 + e02 * v2 + e03 * v3;
                p0[j] = a0 * q0 + c00 * v0 + c01 * v1 + c02 * v2 + c03 * v3;
                x1[j] = x1[j] + d1 * q1 + e10 * v0 + e11 * v1 + e12 * v2 + e13 * v3;
                p1[j] = a1 * q1 + c10 * v0 + c11 * v1 + c12 * v2 + c13 * v3;
            }
        } else {
            for (Index j = 0; j < length; ++j) {
                const double v0 = r0[j], v1 = r1[j], v2 = r2[j], v3 = r3[j];
                x0[j] = x0[j] + e00 * v0 + e01 * v1 + e02 * v2 + e03 * v3;
                p0[j] = p0[j] + c00 * v0 + c01 * v1 + c02 * v2 + c03 * v3;
                x1[j] = x1[j] + e10 * v0 + e11 * v1 + e12 * v2 + e13 * v3;
                p1[j] = p1[j] + c10 * v0 + c11 * v1 + c12 * v2 + c13 * v3;
            }
        }
    }
}

// Applies the deferred coefficients of every listed shift: x += d p + Σ e_m R_m
// and, for shifts still iterating, p = a p + Σ c_m R_m, with R_m = window[m] =
// r_{k₀+m+1} and m below the shift's own number of deferred steps (a shift that
// froze since the last flush stopped taking steps). Blocked by rows so that the
// window block stays in cache while all shifts pass over it.
void flush_shifts(const std::vector<ShiftState*>& shifts, const std::vector<Vector>& window,
                  Index n) {
    int steps = 0;
    for (const ShiftState* state : shifts) steps = std::max(steps, state->deferred_steps);
    if (steps == 0) return;
    const int padded = (steps + 3) / 4 * 4;
    std::array<const double*, max_window> residual{};
    for (int m = 0; m < padded; ++m) residual[m] = window[m < steps ? m : 0].data();
    for (ShiftState* state : shifts) {  // padding contributes 0·R_0
        const int own = state->deferred_steps;
        for (int m = own; m < (own + 3) / 4 * 4; ++m) state->coef_x[m] = state->coef_p[m] = 0;
    }
    std::array<const double*, max_window> block_residual{};
    for (Index begin = 0; begin < n; begin += block_rows) {
        const Index length = std::min(n - begin, block_rows);
        for (int m = 0; m < padded; ++m) block_residual[m] = residual[m] + begin;
        ShiftState* pending = nullptr;  // an iterating shift waiting for a partner
        for (ShiftState* state : shifts) {
            const int own_padded = (state->deferred_steps + 3) / 4 * 4;
            if (state->frozen) {
                update_block(state->x.data() + begin, state->p.data() + begin,
                             block_residual.data(), state->coef_x.data(), state->coef_p.data(),
                             own_padded, state->carry_p, state->carry_x, length, false);
            } else if (pending == nullptr) {
                pending = state;
            } else {
                update_block_pair(
                    pending->x.data() + begin, pending->p.data() + begin, state->x.data() + begin,
                    state->p.data() + begin, block_residual.data(), pending->coef_x.data(),
                    pending->coef_p.data(), state->coef_x.data(), state->coef_p.data(), own_padded,
                    pending->carry_p, pending->carry_x, state->carry_p, state->carry_x, length);
                pending = nullptr;
            }
        }
        if (pending != nullptr) {
            update_block(pending->x.data() + begin, pending->p.data() + begin,
                         block_residual.data(), pending->coef_x.data(), pending->coef_p.data(),
                         (pending->deferred_steps + 3) / 4 * 4, pending->carry_p, pending->carry_x,
                         length, true);
        }
    }
    for (ShiftState* state : shifts) {
        state->carry_p = 1;
        state->carry_x = 0;
        state->deferred_steps = 0;
    }
}

void check_arguments(OperatorRef op, const std::vector<double>& shifts, const Vector& b,
                     const MultiShiftCgOptions& options) {
    const Index n = op.rows();
    if (shifts.empty()) throw UsageError("multi-shift CG: the grid of shifts is empty");
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        if (!(shifts[i] >= 0) || !std::isfinite(shifts[i]))
            throw UsageError("multi-shift CG: shifts[" + std::to_string(i) +
                             "] = " + format_double(shifts[i]) + " is not a finite value >= 0");
    }
    if (b.size() != n)
        throw UsageError("multi-shift CG: right-hand side has length " + std::to_string(b.size()) +
                         ", operator has dimension " + std::to_string(n));
    if (!b.allFinite()) throw UsageError("multi-shift CG: right-hand side contains NaN or Inf");
    if (!(options.tolerance > 0) || !std::isfinite(options.tolerance))
        throw UsageError("multi-shift CG: tolerance must be a finite value > 0");
    if (options.max_iterations < 0) throw UsageError("multi-shift CG: max_iterations must be >= 0");
    if (options.update_interval < 0 || options.update_interval > max_window)
        throw UsageError("multi-shift CG: update_interval must be between 0 and " +
                         std::to_string(max_window));
}

}  // namespace

MultiShiftResult solve_multishift_cg(OperatorRef op, const std::vector<double>& shifts,
                                     const Vector& b, const MultiShiftCgOptions& options) {
    check_arguments(op, shifts, b, options);
    const auto start = Clock::now();
    const Index n = op.rows();
    const Index max_iterations =
        options.max_iterations > 0 ? options.max_iterations : std::min<Index>(10 * n, 100000);

    // Distinct shifts in ascending order; repeated shifts share one solve.
    std::vector<double> distinct = shifts;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    const std::size_t count = distinct.size();
    const double sigma = distinct.front();
    const int window_size =
        count == 1 ? 0
        : options.update_interval > 0
            ? options.update_interval
            : static_cast<int>(std::min<std::size_t>(2 * (count - 1), max_window));

    // Memory: x and p per shift (x only for the seed), the seed's p and Hp, the
    // residual window, and the returned solutions.
    const double vectors =
        2.0 * static_cast<double>(count) + 3.0 + window_size + static_cast<double>(shifts.size());
    const double bytes = vectors * static_cast<double>(n) * sizeof(double);
    if (bytes > physical_memory_bytes())
        throw ResourceError("multi-shift CG: " + std::to_string(count) + " shifts of dimension " +
                            std::to_string(n) + " need " + format_double(bytes / 1e9) +
                            " GB, more than the machine's memory");

    MultiShiftResult result;
    std::vector<ShiftState> states(count);
    for (std::size_t i = 0; i < count; ++i) {
        states[i].shift = distinct[i];
        states[i].delta = distinct[i] - sigma;
        states[i].x = Vector::Zero(n);
    }

    const double b_norm = b.norm();
    Index iteration = 0;
    double largest_rayleigh = 0;  // max pᵀ(H+σ_s I)p / pᵀp seen: ≈ ‖H + σ_s I‖ from below
    std::string stop_reason;
    SolveStatus stop_status = SolveStatus::not_converged;
    if (b_norm == 0) {
        for (ShiftState& state : states) {
            state.frozen = true;
            state.estimate = 0;
        }
    } else {
        ShiftState& seed = states.front();
        // Non-seed shifts whose x, p have steps not yet applied: the ones still
        // iterating and the ones that froze since the last flush.
        std::vector<ShiftState*> pending;
        for (std::size_t i = 1; i < count; ++i) {
            states[i].p = b;
            pending.push_back(&states[i]);
        }
        std::size_t iterating = pending.size();  // non-seed shifts not yet frozen
        // window[m] = r_{k₀+m+1}, the seed residuals since the last flush at step k₀.
        std::vector<Vector> window(window_size);
        for (Vector& slot : window) slot.resize(n);
        Vector r = b, p = b, hp(n);
        double rr = b_norm * b_norm;
        double alpha_previous = 1, beta_previous = 0;
        int steps = 0;  // deferred steps since the last flush
        const auto flush = [&] {
            flush_shifts(pending, window, n);
            steps = 0;
            std::erase_if(pending, [](ShiftState* state) {
                if (!state->frozen) return false;
                state->p = Vector();  // its direction is not needed any more
                return true;
            });
        };

        // Every shift meets the tolerance at x = 0 when tolerance >= 1.
        if (options.tolerance >= 1) {
            for (ShiftState& state : states) state.frozen = true;
        }
        while (!seed.frozen) {
            if (iteration == max_iterations) {
                stop_status = SolveStatus::not_converged;
                stop_reason = "iteration cap " + std::to_string(max_iterations) + " reached";
                break;
            }
            op.perform_op(p.data(), hp.data());
            ++result.matvecs;
            const auto [php, pp] = dot_and_norm(p.data(), hp.data(), n);
            const double curvature = php + sigma * pp;
            if (!std::isfinite(curvature)) {
                stop_status = SolveStatus::non_finite;
                stop_reason = "non-finite value in the operator output at iteration " +
                              std::to_string(iteration + 1);
                break;
            }
            if (curvature <= 0) {
                stop_status = SolveStatus::not_positive_definite;
                stop_reason = "non-positive curvature pᵀ(H+σI)p = " + format_double(curvature) +
                              " of the seed system (smallest shift σ = " + format_double(sigma) +
                              ") at iteration " + std::to_string(iteration + 1) +
                              ": H + σI is not positive definite";
                break;
            }
            largest_rayleigh = std::max(largest_rayleigh, curvature / pp);
            const double alpha = rr / curvature;

            const bool deferring = iterating > 0;
            const double rr_next =
                deferring ? update_seed<true>(seed.x.data(), p.data(), hp.data(), r.data(),
                                              window[steps].data(), alpha, sigma, n)
                          : update_seed<false>(seed.x.data(), p.data(), hp.data(), r.data(),
                                               nullptr, alpha, sigma, n);
            ++iteration;
            if (!std::isfinite(rr_next)) {
                stop_status = SolveStatus::non_finite;
                stop_reason = "non-finite residual at iteration " + std::to_string(iteration);
                break;  // x_seed already took this step; its residual is recomputed below
            }
            const double beta = rr_next / rr;
            const double relative = std::sqrt(rr_next) / b_norm;
            seed.iterations = iteration;
            seed.estimate = relative;
            if (relative <= options.tolerance) seed.frozen = true;

            if (deferring) {
                for (ShiftState* state : pending) {
                    if (state->frozen) continue;
                    const double q = alpha_previous / (alpha_previous * (1 + state->delta * alpha) +
                                                       alpha * beta_previous * (1 - state->ratio));
                    const double alpha_shift = alpha * q;
                    const double beta_shift = beta * q * q;
                    const double zeta = state->zeta * q;
                    // x^σ_{k+1} = x^σ_k + α^σ p^σ_k, then p^σ_{k+1} = ζ r_{k+1} + β^σ p^σ_k.
                    state->carry_x += alpha_shift * state->carry_p;
                    state->carry_p *= beta_shift;
                    for (int m = 0; m < steps; ++m) {
                        state->coef_x[m] += alpha_shift * state->coef_p[m];
                        state->coef_p[m] *= beta_shift;
                    }
                    state->coef_x[steps] = 0;
                    state->coef_p[steps] = zeta;
                    state->deferred_steps = steps + 1;
                    state->ratio = q;
                    state->zeta = zeta;
                    state->iterations = iteration;
                    state->estimate = zeta * relative;
                    // ζ ≤ 1: every shift is done once the seed is. A ζ that has
                    // underflowed to a subnormal means a residual far below any
                    // tolerance; freezing it keeps the recurrence in normal range.
                    if (state->estimate <= options.tolerance || seed.frozen ||
                        zeta < std::numeric_limits<double>::min()) {
                        state->frozen = true;  // its x is applied at the next flush
                        --iterating;
                    }
                }
                ++steps;
                // A frozen shift does not force a flush: its coefficients stop
                // changing and its x is completed with everyone else's.
                if (steps == window_size || iterating == 0) flush();
            }
            if (!seed.frozen) update_direction(p.data(), r.data(), beta, n);
            rr = rr_next;
            alpha_previous = alpha;
            beta_previous = beta;
        }
        flush();  // bring every x up to date (the loop may have stopped mid-window)
    }
    for (ShiftState& state : states) {
        if (state.frozen) {
            state.status = SolveStatus::converged;  // by the recurrence; verified below
            continue;
        }
        state.status = stop_status;
        state.iterations = iteration;
        std::ostringstream reason;
        reason << stop_reason << "; this shift was not converged (recurrence residual "
               << format_double(state.estimate) << " > tolerance "
               << format_double(options.tolerance) << ")";
        state.failure = reason.str();
    }
    result.iterations = iteration;

    // Verification. The smallest residual a computed x can show is limited by
    // rounding in forming (H+λI)x − b itself and by the drift of CG's recursive
    // residual from the true one, both O(u)·‖H+λI‖·max_k‖x_k‖/‖b‖ (Greenbaum 1997;
    // CG's ‖x_k‖ grows monotonically, so max_k‖x_k‖ = ‖x‖). That quantity is at most
    // the condition number κ(H+λI), hence "cond-ish". We estimate ‖H+λI‖ from below
    // by the largest Rayleigh quotient the seed saw plus δ, and allow 1e-14 (≈ 90u,
    // room for the modest dimension-dependent constants) times it, so a tolerance
    // below attainable accuracy is not reported as failure; anything above both
    // that floor and 10·tolerance is reported as not_converged.
    std::vector<double> verified(count, 0.0);
    std::vector<double> threshold(count, 10 * options.tolerance);
    for (std::size_t i = 0; i < count; ++i) {
        ShiftState& state = states[i];
        if (b_norm == 0) continue;
        const double attainable =
            1e-14 * (largest_rayleigh + state.delta) * state.x.norm() / b_norm;
        threshold[i] = std::max(10 * options.tolerance, attainable);
        if (!options.verify_residuals) {
            verified[i] = state.estimate;
            continue;
        }
        verified[i] = relative_residual(op, state.shift, state.x, b);
        ++result.matvecs;
        if (state.status != SolveStatus::converged) continue;
        if (!std::isfinite(verified[i])) {
            state.status = SolveStatus::non_finite;
            state.failure = "recomputed residual is not finite";
        } else if (verified[i] > threshold[i]) {
            state.status = SolveStatus::not_converged;
            std::ostringstream reason;
            reason << "recurrence residual " << format_double(state.estimate)
                   << " met the tolerance at iteration " << state.iterations
                   << ", but the recomputed residual " << format_double(verified[i]) << " exceeds "
                   << format_double(threshold[i]);
            state.failure = reason.str();
        }
    }

    const double seconds = seconds_since(start);
    result.seconds = seconds;
    result.solutions.resize(shifts.size());
    std::vector<std::size_t> distinct_index(shifts.size());
    std::vector<std::size_t> last_use(count, 0);
    for (std::size_t given = 0; given < shifts.size(); ++given) {
        distinct_index[given] = static_cast<std::size_t>(
            std::lower_bound(distinct.begin(), distinct.end(), shifts[given]) - distinct.begin());
        last_use[distinct_index[given]] = given;
    }
    for (std::size_t given = 0; given < shifts.size(); ++given) {
        const std::size_t i = distinct_index[given];
        const ShiftState& state = states[i];
        SolveResult& out = result.solutions[given];
        out.status = state.status;
        out.solver = "multishift_cg";
        out.relative_residual = verified[i];
        out.iterations = state.iterations;
        out.seconds = seconds;
        std::ostringstream message;
        if (state.status == SolveStatus::converged) {
            if (b_norm == 0) {
                message << "right-hand side is zero; x = 0";
            } else {
                message << "converged at iteration " << state.iterations << " of "
                        << result.iterations << ": ";
                if (options.verify_residuals) {
                    message << "recomputed residual " << format_double(verified[i])
                            << " <= " << format_double(threshold[i]);
                } else {
                    message << "recurrence residual " << format_double(verified[i])
                            << " <= tolerance " << format_double(options.tolerance)
                            << " (not verified)";
                }
            }
        } else {
            message << state.failure;
            if (options.verify_residuals && b_norm != 0)
                message << "; recomputed residual " << format_double(verified[i]);
        }
        out.message = message.str();
        if (given == last_use[i]) {
            out.x = std::move(states[i].x);
        } else {
            out.x = state.x;
        }
    }
    return result;
}

}  // namespace ridgelens
