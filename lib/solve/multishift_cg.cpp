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
#include <tuple>
#include <utility>

#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"
#include "solve/multishift_kernels.hpp"

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
// shift but the seed is left, or at the end) one pass applies the window to x^σ
// and p^σ of every pending shift; a shift that freezes just stops updating its
// coefficients and is completed (x only) in that pass, then dropped. This is the
// same linear combination as the step-by-step recurrence, merely associated
// differently (the coefficients are products of positive factors, no new
// cancellation), but it reads and writes each x^σ, p^σ once per s steps instead
// of once per step.
//
// The pass (multishift_kernels.cpp) is a small matrix product per block of 256
// rows, window block (256 × s) times coefficients (s × 2·shifts), register-blocked
// over four shifts (each residual value loaded feeds eight FMAs) and prefetching
// the next block of the window, which is stored block by block so that each block
// is one contiguous 64 KB run. Its cost is two FMAs per row per active shift per
// step plus, per step, ≈ 8 bytes/row of window written (non-temporal) and read
// back and 4·8·(active shifts)/s bytes/row of x^σ, p^σ. When n is large the single
// CG is itself memory bound and this is a small addition; when the seed's vectors
// fit in L3 while the window cannot, it is not (see bench/bench_multishift.cpp).
// Measured at n = 490k, 50 shifts, CPU seconds of the run: two-shift SSE kernel
// with one vector per window slot ≈ 2.9 s; four-shift register-blocked kernel
// 2.8 s; plus blocked window layout and next-block prefetch 2.6 s (2.9–3.1 s
// without the prefetch).
//
// Threads: none. The loops are memory bound. Measured on the 2-core development
// machine: two OpenMP threads on the flush gained ≈5% when the machine was idle
// and lost ≈20% when other processes shared the cores; OpenMP on every vector
// loop (several parallel regions per step) made a 40,000-row solve 100× slower
// under such contention (barrier waits). So everything runs on the caller's
// thread; the operator may parallelize itself.
//
// Restarts: a run ends early when its seed meets non-positive curvature; see
// solve_multishift_cg below.

namespace ridgelens {
namespace {

using Clock = std::chrono::steady_clock;
using multishift::max_window;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// State of one distinct shift. The seed of a run (its smallest shift) keeps only
// x; its search direction is the run's p.
struct ShiftState {
    double shift = 0;
    double delta = 0;        // shift − σ of the current run's seed
    double zeta = 1;         // ζ_k
    double ratio = 1;        // q_k = ζ_k / ζ_{k−1}
    bool frozen = false;     // met the tolerance (recurrence); takes no more steps
    int deferred_steps = 0;  // steps taken since the last flush (not yet applied to x, p)
    Index iterations = 0;    // iteration (over all runs) at which it froze or stopped
    double estimate = 1;     // recurrence residual |ζ|·‖r‖/‖b‖ at that step
    SolveStatus status = SolveStatus::not_converged;
    std::string failure;  // message for a status other than converged
    std::string restart;  // how its run was restarted, if it was
    // Deferred-update coefficients since the last flush (see the file comment).
    double carry_p = 1;                       // a
    double carry_x = 0;                       // d
    std::array<double, max_window> coef_p{};  // c_m
    std::array<double, max_window> coef_x{};  // e_m
    Vector x;
    Vector p;
};

std::string format_double(double value) {
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
}

// Applies the deferred coefficients of every pending shift: x += d p + Σ e_m R_m
// and, for shifts still iterating, p = a p + Σ c_m R_m (R_m = window[m]); then
// resets the coefficients.
void flush_shifts(const std::vector<ShiftState*>& shifts, const multishift::Window& window,
                  Index n) {
    std::vector<multishift::DeferredUpdate> updates;
    updates.reserve(shifts.size());
    for (ShiftState* state : shifts) {
        updates.push_back({state->x.data(), state->p.data(), state->coef_x.data(),
                           state->coef_p.data(), state->carry_p, state->carry_x,
                           state->deferred_steps, !state->frozen});
    }
    multishift::apply_window(updates, window, n);
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
    if (!(options.tolerance > 0) || !std::isfinite(options.tolerance))
        throw UsageError("multi-shift CG: tolerance must be a finite value > 0");
    if (options.max_iterations < 0) throw UsageError("multi-shift CG: max_iterations must be >= 0");
    if (options.update_interval < 0 || options.update_interval > max_window)
        throw UsageError("multi-shift CG: update_interval must be between 0 and " +
                         std::to_string(max_window));
}

// "NaN at row 7" for the first non-finite entry of the operator output (rows
// numbered globally; this process's rows only), or an empty string when every
// entry is finite (then the overflow is in pᵀHp, or on another process).
std::string first_non_finite(const Vector& y, Index first_row) {
    for (Index i = 0; i < y.size(); ++i) {
        if (!std::isfinite(y[i]))
            return std::string(std::isnan(y[i]) ? "NaN" : "Inf") + " at row " +
                   std::to_string(first_row + i);
    }
    return {};
}

// How a run ended.
struct RunEnd {
    SolveStatus status = SolveStatus::converged;  // converged: the seed froze
    std::string reason;
    double curvature = 0;  // at a breakdown: pᵀ(H+σ_seed I)p ≤ 0 ...
    double norm2 = 0;      // ... and pᵀp of the seed's direction p
    Index iteration = 0;   // global iteration of the breakdown
};

// Everything a run shares with the caller.
struct Context {
    OperatorRef op;
    const Vector& b;
    double b_norm;
    const MultiShiftCgOptions& options;
    int window_size;
    Index max_iterations;
    Index iteration = 0;                                                   // over all runs
    std::int64_t matvecs = 0;                                              // over all runs
    double largest_rayleigh_h = -std::numeric_limits<double>::infinity();  // max pᵀHp/pᵀp
};

// One multi-shift CG run from x = 0 over `run` (ascending, none frozen); the
// first shift is the seed. Shifts that meet the tolerance are marked frozen
// (their x complete); the others keep the last iterate when the run ends.
RunEnd run_multishift(Context& context, const std::vector<ShiftState*>& run) {
    const Index n = context.b.size();
    const double b_norm = context.b_norm;
    const double tolerance = context.options.tolerance;
    ShiftState& seed = *run.front();
    const double sigma = seed.shift;
    for (ShiftState* state : run) {
        state->delta = state->shift - sigma;
        state->zeta = state->ratio = 1;
        state->carry_p = 1;
        state->carry_x = 0;
        state->deferred_steps = 0;
        state->estimate = 1;
        state->x.setZero(n);
        if (state != &seed) state->p = context.b;
    }
    seed.p = Vector();
    // Non-seed shifts whose x, p have steps not yet applied: the ones still
    // iterating and the ones that froze since the last flush.
    std::vector<ShiftState*> pending(run.begin() + 1, run.end());
    std::size_t iterating = pending.size();  // non-seed shifts not yet frozen
    const int window_size = iterating > 0 ? context.window_size : 0;
    // window[m] = r_{k₀+m+1}, the seed residuals since the last flush at step k₀.
    multishift::Window window(window_size, n);
    Vector r = context.b, p = context.b, hp(n);
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

    RunEnd end;
    while (!seed.frozen) {
        if (context.iteration == context.max_iterations) {
            end.status = SolveStatus::not_converged;
            end.reason = "iteration cap " + std::to_string(context.max_iterations) + " reached";
            break;
        }
        context.op.perform_op(p.data(), hp.data());
        ++context.matvecs;
        double sums[2];
        std::tie(sums[0], sums[1]) = multishift::dot_and_norm(p.data(), hp.data(), n);
        context.op.sum(sums, 2);
        const double php = sums[0], pp = sums[1];
        const double curvature = php + sigma * pp;
        if (!std::isfinite(curvature)) {
            const std::string where = first_non_finite(hp, context.op.first_row());
            end.status = SolveStatus::non_finite;
            end.reason = (where.empty() ? "overflow in pᵀHp" : "operator output has " + where) +
                         " at iteration " + std::to_string(context.iteration + 1);
            break;
        }
        if (curvature <= 0) {
            end.status = SolveStatus::not_positive_definite;
            end.curvature = curvature;
            end.norm2 = pp;
            end.iteration = context.iteration + 1;
            end.reason = "non-positive curvature pᵀ(H+σI)p = " + format_double(curvature) +
                         " of the seed system (σ = " + format_double(sigma) + ") at iteration " +
                         std::to_string(context.iteration + 1);
            break;
        }
        context.largest_rayleigh_h = std::max(context.largest_rayleigh_h, php / pp);
        const double alpha = rr / curvature;

        const bool deferring = iterating > 0;
        double rr_next =
            multishift::update_seed(seed.x.data(), p.data(), hp.data(), r.data(),
                                    deferring ? &window : nullptr, steps, alpha, sigma, n);
        context.op.sum(&rr_next, 1);
        const Index iteration = ++context.iteration;
        if (!std::isfinite(rr_next)) {
            end.status = SolveStatus::non_finite;
            end.reason = "non-finite residual at iteration " + std::to_string(iteration);
            break;  // x_seed already took this step; its residual is recomputed later
        }
        const double beta = rr_next / rr;
        const double relative = std::sqrt(rr_next) / b_norm;
        seed.iterations = iteration;
        seed.estimate = relative;
        if (relative <= tolerance) seed.frozen = true;

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
                if (state->estimate <= tolerance || seed.frozen ||
                    zeta < std::numeric_limits<double>::min()) {
                    state->frozen = true;  // its x is completed at the next flush
                    --iterating;
                }
            }
            ++steps;
            // A frozen shift does not force a flush: its coefficients stop
            // changing and its x is completed with everyone else's.
            if (steps == window_size || iterating == 0) flush();
        }
        if (!seed.frozen) multishift::update_direction(p.data(), r.data(), beta, n);
        rr = rr_next;
        alpha_previous = alpha;
        beta_previous = beta;
    }
    flush();  // bring every x up to date (the loop may have stopped mid-window)
    for (ShiftState* state : run) state->p = Vector();
    return end;
}

// b itself has NaN or Inf (it is typically H·θ̂, an operator's output that
// overflowed or turned NaN): no iteration can run, every shift is non_finite.
MultiShiftResult non_finite_right_hand_side(OperatorRef op, const std::vector<double>& shifts,
                                            const Vector& b, Clock::time_point start) {
    std::string where = first_non_finite(b, op.first_row());
    where = where.empty() ? "NaN or Inf on another process" : where;
    MultiShiftResult result;
    result.seconds = seconds_since(start);
    result.solutions.resize(shifts.size());
    for (SolveResult& out : result.solutions) {
        out.status = SolveStatus::non_finite;
        out.solver = SolverKind::multishift_cg;
        out.relative_residual = std::numeric_limits<double>::quiet_NaN();
        out.seconds = result.seconds;
        out.message = "the right-hand side has " + where +
                      " (it is commonly an operator's output such as H·θ̂, which overflowed or "
                      "returned NaN); no iteration was run";
        out.x = Vector::Zero(b.size());
    }
    return result;
}

}  // namespace

MultiShiftResult solve_multishift_cg(OperatorRef op, const std::vector<double>& shifts,
                                     const Vector& b, const MultiShiftCgOptions& options) {
    check_arguments(op, shifts, b, options);
    const auto start = Clock::now();
    const Index n = op.rows();

    // Distinct shifts in ascending order; repeated shifts share one solve.
    std::vector<double> distinct = shifts;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    const std::size_t count = distinct.size();
    const int window_size =
        count == 1 ? 0
        : options.update_interval > 0
            ? options.update_interval
            : static_cast<int>(std::min<std::size_t>(2 * (count - 1), max_window));

    // Memory: x and p per shift (x only for the seed), the seed's r, p and Hp, the
    // residual window, and the returned solutions.
    const double vectors =
        2.0 * static_cast<double>(count) + 3.0 + window_size + static_cast<double>(shifts.size());
    const double bytes = vectors * static_cast<double>(n) * sizeof(double);
    const double budget = memory_budget_bytes();
    double over_budget = bytes > budget ? 1 : 0;
    op.sum(&over_budget, 1);  // every process refuses, or none
    if (over_budget > 0)
        throw ResourceError("multi-shift CG: " + std::to_string(count) + " shifts of dimension " +
                            std::to_string(n) + " need " + format_double(bytes / 1e9) +
                            " GB of memory, more than the budget of " +
                            format_double(budget / 1e9) +
                            " GB (MemAvailable, or RIDGELENS_MEMORY_LIMIT if set) on this or "
                            "another process; refused before allocating");

    double non_finite = b.allFinite() ? 0 : 1;
    op.sum(&non_finite, 1);  // every process returns it, or none
    if (non_finite > 0) return non_finite_right_hand_side(op, shifts, b, start);

    std::vector<ShiftState> states(count);
    for (std::size_t i = 0; i < count; ++i) {
        states[i].shift = distinct[i];
        states[i].x = Vector::Zero(n);
    }
    const double b_norm = op.norm(b);
    Context context{op,
                    b,
                    b_norm,
                    options,
                    window_size,
                    options.max_iterations > 0 ? options.max_iterations
                                               : std::min<Index>(10 * op.global_rows(), 100000)};

    if (b_norm == 0 || options.tolerance >= 1) {
        // x = 0 meets the tolerance for every shift (b = 0: exactly).
        for (ShiftState& state : states) {
            state.frozen = true;
            state.estimate = b_norm == 0 ? 0 : 1;
        }
    } else {
        // Runs: the first has every shift. When its seed breaks down (H + σI not
        // positive definite), the shifts that the breakdown direction p proves
        // indefinite, pᵀ(H+λI)p = pᵀ(H+σI)p + (λ−σ)pᵀp ≤ 0, fail for good; the
        // others not yet converged start a new run seeded by the smallest of them.
        std::vector<ShiftState*> run;
        for (ShiftState& state : states) run.push_back(&state);
        while (!run.empty()) {
            const RunEnd end = run_multishift(context, run);
            std::vector<ShiftState*> next;
            for (ShiftState* state : run) {
                if (state->frozen) continue;
                state->iterations = context.iteration;
                if (end.status == SolveStatus::not_positive_definite &&
                    end.curvature + (state->shift - run.front()->shift) * end.norm2 > 0) {
                    state->restart = "restarted at iteration " + std::to_string(end.iteration) +
                                     " after the seed σ = " + format_double(run.front()->shift) +
                                     " met non-positive curvature";
                    next.push_back(state);
                    continue;
                }
                state->status = end.status;
                std::ostringstream reason;
                reason << end.reason;
                if (end.status == SolveStatus::not_positive_definite) {
                    reason << ": the seed's direction p has pᵀ(H+λI)p = "
                           << format_double(end.curvature +
                                            (state->shift - run.front()->shift) * end.norm2)
                           << " <= 0 for this λ, so H + λI is not positive definite";
                } else {
                    reason << "; this shift was not converged (recurrence residual "
                           << format_double(state->estimate) << " > tolerance "
                           << format_double(options.tolerance) << ")";
                }
                state->failure = reason.str();
            }
            run = std::move(next);
        }
    }
    for (ShiftState& state : states) {
        if (state.frozen)
            state.status = SolveStatus::converged;  // by the recurrence; verified below
    }

    MultiShiftResult result;
    result.iterations = context.iteration;
    result.matvecs = context.matvecs;

    // Verification. The smallest residual a computed x can show is limited by
    // rounding in forming (H+λI)x − b itself and by the drift of CG's recursive
    // residual from the true one, both O(u)·‖H+λI‖·max_k‖x_k‖/‖b‖ (Greenbaum 1997;
    // CG's ‖x_k‖ grows monotonically, so max_k‖x_k‖ = ‖x‖). That quantity is at most
    // the condition number κ(H+λI), hence "cond-ish". We estimate ‖H+λI‖ from below
    // by the largest Rayleigh quotient of H the seeds saw plus λ, and allow 1e-14
    // (≈ 90u, room for the modest dimension-dependent constants) times it, so a
    // tolerance below attainable accuracy is not reported as failure; anything above
    // both that floor and 10·tolerance is reported as not_converged.
    const double largest_h =
        std::isfinite(context.largest_rayleigh_h) ? context.largest_rayleigh_h : 0;
    std::vector<double> verified(count, 0.0);
    std::vector<double> threshold(count, 10 * options.tolerance);
    for (std::size_t i = 0; i < count; ++i) {
        ShiftState& state = states[i];
        if (b_norm == 0) continue;
        const double attainable =
            1e-14 * std::abs(largest_h + state.shift) * op.norm(state.x) / b_norm;
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
        out.solver = SolverKind::multishift_cg;
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
        if (!state.restart.empty()) message << " (" << state.restart << ")";
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
