#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

#include "krylov/multishift_state.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"

namespace ridgelens::multishift {

std::string format_double(double value) {
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
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

// Deferred steps per flush: none for a single shift, else the option, or by
// default two per extra shift up to the window's limit.
int window_size_for(std::size_t count, const MultiShiftCgOptions& options) {
    if (count == 1) return 0;
    if (options.update_interval > 0) return options.update_interval;
    return static_cast<int>(std::min<std::size_t>(2 * (count - 1), max_window));
}

// Memory: x and p per shift (x only for the seed), the seed's r, p and Hp, the
// residual window, and the returned solutions. Every process refuses, or none.
void check_memory(OperatorRef op, std::size_t count, std::size_t given, int window_size) {
    const Index n = op.rows();
    const double vectors =
        2.0 * static_cast<double>(count) + 3.0 + window_size + static_cast<double>(given);
    const double bytes = vectors * static_cast<double>(n) * sizeof(double);
    const double budget = memory_budget_bytes();
    double over_budget = bytes > budget ? 1 : 0;
    op.sum(&over_budget, 1);
    if (over_budget > 0)
        throw ResourceError("multi-shift CG: " + std::to_string(count) + " shifts of dimension " +
                            std::to_string(n) + " need " + format_double(bytes / 1e9) +
                            " GB of memory, more than the budget of " +
                            format_double(budget / 1e9) +
                            " GB (MemAvailable, or RIDGELENS_MEMORY_LIMIT if set) on this or "
                            "another process; refused before allocating");
}

// b itself has NaN or Inf (it is typically H·θ̂, an operator's output that
// overflowed or turned NaN): no iteration can run, every shift is non_finite.
MultiShiftResult non_finite_right_hand_side(OperatorRef op, const std::vector<double>& shifts,
                                            const Vector& b,
                                            std::chrono::steady_clock::time_point start) {
    std::string where = first_non_finite(b, op.first_row());
    where = where.empty() ? "NaN or Inf on another process" : where;
    MultiShiftResult result;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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

// Verification. The smallest residual a computed x can show is limited by
// rounding in forming (H+λI)x − b itself and by the drift of CG's recursive
// residual from the true one, both O(u)·‖H+λI‖·max_k‖x_k‖/‖b‖ (Greenbaum 1997;
// CG's ‖x_k‖ grows monotonically, so max_k‖x_k‖ = ‖x‖). That quantity is at most
// the condition number κ(H+λI), hence "cond-ish". We estimate ‖H+λI‖ from below
// by the largest Rayleigh quotient of H the seeds saw plus λ, and allow 1e-14
// (≈ 90u, room for the modest dimension-dependent constants) times it, so a
// tolerance below attainable accuracy is not reported as failure; anything above
// both that floor and 10·tolerance is reported as not_converged.
std::vector<Verified> verify(Context& context, std::vector<ShiftState>& states) {
    const MultiShiftCgOptions& options = context.options;
    const double largest_h =
        std::isfinite(context.largest_rayleigh_h) ? context.largest_rayleigh_h : 0;
    std::vector<Verified> verified(states.size(), Verified{0.0, 10 * options.tolerance});
    if (context.b_norm == 0) return verified;
    for (std::size_t i = 0; i < states.size(); ++i) {
        ShiftState& state = states[i];
        Verified& out = verified[i];
        const double attainable =
            1e-14 * std::abs(largest_h + state.shift) * context.op.norm(state.x) / context.b_norm;
        out.threshold = std::max(10 * options.tolerance, attainable);
        if (!options.verify_residuals) {
            out.residual = state.estimate;
            continue;
        }
        out.residual = relative_residual(context.op, state.shift, state.x, context.b);
        ++context.matvecs;
        if (state.status != SolveStatus::converged) continue;
        if (!std::isfinite(out.residual)) {
            state.status = SolveStatus::non_finite;
            state.failure = "recomputed residual is not finite";
        } else if (out.residual > out.threshold) {
            state.status = SolveStatus::not_converged;
            std::ostringstream reason;
            reason << "recurrence residual " << format_double(state.estimate)
                   << " met the tolerance at iteration " << state.iterations
                   << ", but the recomputed residual " << format_double(out.residual) << " exceeds "
                   << format_double(out.threshold);
            state.failure = reason.str();
        }
    }
    return verified;
}

namespace {

// The message of one shift's solution.
std::string solution_message(const ShiftState& state, const Verified& verified,
                             const Context& context) {
    const MultiShiftCgOptions& options = context.options;
    std::ostringstream message;
    if (state.status == SolveStatus::converged) {
        if (context.b_norm == 0) {
            message << "right-hand side is zero; x = 0";
        } else {
            message << "converged at iteration " << state.iterations << " of " << context.iteration
                    << ": ";
            if (options.verify_residuals) {
                message << "recomputed residual " << format_double(verified.residual)
                        << " <= " << format_double(verified.threshold);
            } else {
                message << "recurrence residual " << format_double(verified.residual)
                        << " <= tolerance " << format_double(options.tolerance)
                        << " (not verified)";
            }
        }
    } else {
        message << state.failure;
        if (options.verify_residuals && context.b_norm != 0)
            message << "; recomputed residual " << format_double(verified.residual);
    }
    if (!state.restart.empty()) message << " (" << state.restart << ")";
    return message.str();
}

}  // namespace

// One solution per given shift (repeated shifts share a distinct shift's
// solve; its x is moved into the last of them).
void write_solutions(MultiShiftResult& result, const std::vector<double>& shifts,
                     const std::vector<double>& distinct, std::vector<ShiftState>& states,
                     const std::vector<Verified>& verified, const Context& context) {
    result.solutions.resize(shifts.size());
    std::vector<std::size_t> distinct_index(shifts.size());
    std::vector<std::size_t> last_use(distinct.size(), 0);
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
        out.relative_residual = verified[i].residual;
        out.iterations = state.iterations;
        out.seconds = result.seconds;
        out.message = solution_message(state, verified[i], context);
        if (given == last_use[i]) {
            out.x = std::move(states[i].x);
        } else {
            out.x = state.x;
        }
    }
}

}  // namespace ridgelens::multishift
