#pragma once
// The state multi-shift CG (krylov/multishift_cg.cpp) keeps per shift and per
// run, and the parts of the solver that are not its iteration: validation,
// the memory check, verification of the solutions and their message text
// (krylov/multishift_results.cpp). Private to lib/krylov.

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "krylov/multishift_kernels.hpp"
#include "ridgelens/solve/multishift_cg.hpp"

namespace ridgelens::multishift {

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

/// `value` with three significant digits.
std::string format_double(double value);

/// "NaN at row 7" for the first non-finite entry of y (rows numbered globally
/// from first_row), or an empty string when every entry is finite.
std::string first_non_finite(const Vector& y, Index first_row);

/// Throws UsageError for an empty grid, a negative or non-finite shift, a
/// right-hand side of the wrong length or an invalid option.
void check_arguments(OperatorRef op, const std::vector<double>& shifts, const Vector& b,
                     const MultiShiftCgOptions& options);

/// Deferred steps per flush of the residual window.
int window_size_for(std::size_t count, const MultiShiftCgOptions& options);

/// Throws ResourceError (on every process, or none) when the solve would
/// exceed the memory budget.
void check_memory(OperatorRef op, std::size_t count, std::size_t given, int window_size);

/// The result when b has NaN or Inf: every shift non_finite, no iteration.
MultiShiftResult non_finite_right_hand_side(OperatorRef op, const std::vector<double>& shifts,
                                            const Vector& b,
                                            std::chrono::steady_clock::time_point start);

/// What verification found for one distinct shift.
struct Verified {
    double residual = 0;   ///< the recomputed (or, unverified, recurrence) residual
    double threshold = 0;  ///< what it had to meet
};

/// Recomputes every shift's residual (when the options say so) and demotes a
/// converged shift whose recomputed residual misses its threshold.
std::vector<Verified> verify(Context& context, std::vector<ShiftState>& states);

/// One solution per given shift, with its status and message.
void write_solutions(MultiShiftResult& result, const std::vector<double>& shifts,
                     const std::vector<double>& distinct, std::vector<ShiftState>& states,
                     const std::vector<Verified>& verified, const Context& context);

}  // namespace ridgelens::multishift
