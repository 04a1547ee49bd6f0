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

#include "krylov/multishift_kernels.hpp"
#include "krylov/multishift_state.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"

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
// fit in L3 while the window cannot, it is not (see bench/bench_multishift.cpp;
// the kernel variants measured: bench/README.md, "Design measurements": multi-shift kernels).
//
// Threads: none; the loops are memory bound and everything runs on the
// caller's thread; the operator may parallelize itself (bench/README.md,
// "Design measurements": multi-shift threads).
//
// Restarts: a run ends early when its seed meets non-positive curvature; see
// solve_runs below.

namespace ridgelens {
namespace {

using namespace multishift;

using Clock = std::chrono::steady_clock;
using multishift::max_window;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
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

// The seed's step k: α_k, β_k, α_{k−1}, β_{k−1}, and its residual estimate.
struct SeedStep {
    double alpha = 0, beta = 0, alpha_previous = 1, beta_previous = 0;
    double relative = 1;  // ‖r_{k+1}‖/‖b‖
    Index iteration = 0;
};

// Advances the deferred coefficients of every pending shift still iterating
// by the seed's step (deferred step number `steps` since the last flush);
// returns how many froze.
std::size_t advance_shifts(const std::vector<ShiftState*>& pending, const SeedStep& step, int steps,
                           double tolerance, bool seed_frozen) {
    std::size_t frozen = 0;
    for (ShiftState* state : pending) {
        if (state->frozen) continue;
        const double q =
            step.alpha_previous / (step.alpha_previous * (1 + state->delta * step.alpha) +
                                   step.alpha * step.beta_previous * (1 - state->ratio));
        const double alpha_shift = step.alpha * q;
        const double beta_shift = step.beta * q * q;
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
        state->iterations = step.iteration;
        state->estimate = zeta * step.relative;
        // ζ ≤ 1: every shift is done once the seed is. A ζ that has
        // underflowed to a subnormal means a residual far below any
        // tolerance; freezing it keeps the recurrence in normal range.
        if (state->estimate <= tolerance || seed_frozen ||
            zeta < std::numeric_limits<double>::min()) {
            state->frozen = true;  // its x is completed at the next flush
            ++frozen;
        }
    }
    return frozen;
}

// Resets the shifts of a run that starts from x = 0 with p = b (the seed,
// run.front(), keeps no p of its own: its direction is the run's).
void start_run(const std::vector<ShiftState*>& run, const Vector& b) {
    const double sigma = run.front()->shift;
    for (ShiftState* state : run) {
        state->delta = state->shift - sigma;
        state->zeta = state->ratio = 1;
        state->carry_p = 1;
        state->carry_x = 0;
        state->deferred_steps = 0;
        state->estimate = 1;
        state->x.setZero(b.size());
        state->p = state == run.front() ? Vector() : b;
    }
}

// Whether the seed's curvature pᵀ(H+σI)p ends the run (overflow, or ≤ 0);
// then `end` says how.
bool seed_breaks_down(double curvature, double pp, double sigma, const Vector& hp,
                      const Context& context, RunEnd& end) {
    if (!std::isfinite(curvature)) {
        const std::string where = first_non_finite(hp, context.op.first_row());
        end.status = SolveStatus::non_finite;
        end.reason = (where.empty() ? "overflow in pᵀHp" : "operator output has " + where) +
                     " at iteration " + std::to_string(context.iteration + 1);
        return true;
    }
    if (curvature > 0) return false;
    end.status = SolveStatus::not_positive_definite;
    end.curvature = curvature;
    end.norm2 = pp;
    end.iteration = context.iteration + 1;
    end.reason = "non-positive curvature pᵀ(H+σI)p = " + format_double(curvature) +
                 " of the seed system (σ = " + format_double(sigma) + ") at iteration " +
                 std::to_string(context.iteration + 1);
    return true;
}

// One multi-shift CG run from x = 0 over `run` (ascending, none frozen); the
// first shift is the seed. Shifts that meet the tolerance are marked frozen
// (their x complete); the others keep the last iterate when the run ends.
RunEnd run_multishift(Context& context, const std::vector<ShiftState*>& run) {
    const Index n = context.b.size();
    const double b_norm = context.b_norm;
    const double tolerance = context.options.tolerance;
    ShiftState& seed = *run.front();
    const double sigma = seed.shift;
    start_run(run, context.b);
    // Non-seed shifts whose x, p have steps not yet applied: the ones still
    // iterating and the ones that froze since the last flush.
    std::vector<ShiftState*> pending(run.begin() + 1, run.end());
    std::size_t iterating = pending.size();  // non-seed shifts not yet frozen
    const int window_size = iterating > 0 ? context.window_size : 0;
    // window[m] = r_{k₀+m+1}, the seed residuals since the last flush at step k₀.
    multishift::Window window(window_size, n);
    Vector r = context.b, p = context.b, hp(n);
    double rr = b_norm * b_norm;
    SeedStep seed_step;  // α_{−1} = 1, β_{−1} = 0
    int steps = 0;       // deferred steps since the last flush
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
        if (seed_breaks_down(curvature, pp, sigma, hp, context, end)) break;
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
        seed_step.alpha = alpha;
        seed_step.beta = beta;
        seed_step.relative = relative;
        seed_step.iteration = iteration;

        if (deferring) {
            iterating -= advance_shifts(pending, seed_step, steps, tolerance, seed.frozen);
            ++steps;
            // A frozen shift does not force a flush: its coefficients stop
            // changing and its x is completed with everyone else's.
            if (steps == window_size || iterating == 0) flush();
        }
        if (!seed.frozen) multishift::update_direction(p.data(), r.data(), beta, n);
        rr = rr_next;
        seed_step.alpha_previous = alpha;
        seed_step.beta_previous = beta;
    }
    flush();  // bring every x up to date (the loop may have stopped mid-window)
    for (ShiftState* state : run) state->p = Vector();
    return end;
}

// The reason a shift of a run that ended in `end` (seed σ_seed) failed.
std::string failure_reason(const RunEnd& end, const ShiftState& state, double seed_shift,
                           double tolerance) {
    std::ostringstream reason;
    reason << end.reason;
    if (end.status == SolveStatus::not_positive_definite) {
        reason << ": the seed's direction p has pᵀ(H+λI)p = "
               << format_double(end.curvature + (state.shift - seed_shift) * end.norm2)
               << " <= 0 for this λ, so H + λI is not positive definite";
    } else {
        reason << "; this shift was not converged (recurrence residual "
               << format_double(state.estimate) << " > tolerance " << format_double(tolerance)
               << ")";
    }
    return reason.str();
}

// Runs: the first has every shift. When its seed breaks down (H + σI not
// positive definite), the shifts that the breakdown direction p proves
// indefinite, pᵀ(H+λI)p = pᵀ(H+σI)p + (λ−σ)pᵀp ≤ 0, fail for good; the
// others not yet converged start a new run seeded by the smallest of them.
// Shifts that froze are marked converged (by the recurrence; verified later).
void solve_runs(Context& context, std::vector<ShiftState>& states) {
    std::vector<ShiftState*> run;
    for (ShiftState& state : states) run.push_back(&state);
    while (!run.empty()) {
        const RunEnd end = run_multishift(context, run);
        const double seed_shift = run.front()->shift;
        std::vector<ShiftState*> next;
        for (ShiftState* state : run) {
            if (state->frozen) continue;
            state->iterations = context.iteration;
            if (end.status == SolveStatus::not_positive_definite &&
                end.curvature + (state->shift - seed_shift) * end.norm2 > 0) {
                state->restart = "restarted at iteration " + std::to_string(end.iteration) +
                                 " after the seed σ = " + format_double(seed_shift) +
                                 " met non-positive curvature";
                next.push_back(state);
                continue;
            }
            state->status = end.status;
            state->failure = failure_reason(end, *state, seed_shift, context.options.tolerance);
        }
        run = std::move(next);
    }
    for (ShiftState& state : states) {
        if (state.frozen) state.status = SolveStatus::converged;
    }
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
    const int window_size = window_size_for(count, options);
    check_memory(op, count, shifts.size(), window_size);

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
            state.status = SolveStatus::converged;
        }
    } else {
        solve_runs(context, states);
    }
    const std::vector<Verified> verified = verify(context, states);
    MultiShiftResult result;
    result.iterations = context.iteration;
    result.matvecs = context.matvecs;
    result.seconds = seconds_since(start);
    write_solutions(result, shifts, distinct, states, verified, context);
    return result;
}

}  // namespace ridgelens
