// MINRES for (H + λ_i I)x_i = b, every shift from one Lanczos run: the
// Lanczos vectors of K_m(H, b) do not depend on λ; each shift keeps its own
// QR factorization of T_m + λI (Givens rotations) and its own iterate.

#include "ridgelens/solve/minres.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"

namespace ridgelens {
namespace {

// The MINRES state of one shift: the last rotation, the two previous search
// directions, the iterate and the residual estimate φ̄.
struct ShiftState {
    double shift = 0;
    double target = 0;  ///< absolute stop: φ̄ ≤ target
    double cs = -1, sn = 0, dbar = 0, epsln = 0, phibar = 0;
    Vector x, w, w2;
    bool frozen = false;
    bool singular = false;  ///< T_m + λI singular at an invariant Krylov space
    Index frozen_at = 0;

    void start(Index n, double beta1) {
        cs = -1;
        sn = 0;
        dbar = 0;
        epsln = 0;
        phibar = beta1;
        x = Vector::Zero(n);
        w = Vector::Zero(n);
        w2 = Vector::Zero(n);
        frozen = phibar <= target;
        singular = false;
    }

    // One step with the Lanczos quantities α_k, β_{k+1} and the vector v_k.
    void step(double alpha, double beta_next, const Vector& v, Index iteration) {
        const double oldeps = epsln;
        const double alfa = alpha + shift;
        const double delta = cs * dbar + sn * alfa;
        const double gbar = sn * dbar - cs * alfa;
        epsln = sn * beta_next;
        dbar = -cs * beta_next;
        const double gamma = std::hypot(gbar, beta_next);
        if (!(gamma > 0)) {  // T + λI singular on an invariant subspace
            singular = true;
            frozen = true;
            frozen_at = iteration;
            return;
        }
        cs = gbar / gamma;
        sn = beta_next / gamma;
        const double phi = cs * phibar;
        phibar = sn * phibar;
        // w_k = (v_k − ε_k w_{k−2} − δ_k w_{k−1}) / γ_k, kept as w (newest) and w2.
        Vector w_new = (v - oldeps * w2 - delta * w) / gamma;
        w2.swap(w);
        w.swap(w_new);
        x += phi * w;
        if (std::abs(phibar) <= target) {
            frozen = true;
            frozen_at = iteration;
        }
    }
};

struct RunOutcome {
    Index iterations = 0;
    std::int64_t matvecs = 0;
    std::string non_finite;  ///< why the run stopped on NaN/Inf, if it did
};

// One MINRES run on right-hand side b for every state (each starts at x = 0),
// at most `max_iterations` Lanczos steps.
RunOutcome run_minres(OperatorRef op, const Vector& b, std::vector<ShiftState*>& states,
                      Index max_iterations) {
    RunOutcome outcome;
    const Index n = op.rows();
    const double beta1 = op.norm(b);
    for (ShiftState* state : states) state->start(n, beta1);
    if (beta1 == 0) {
        for (ShiftState* state : states) state->frozen = true;
        return outcome;
    }
    Vector v_prev = Vector::Zero(n), v = b / beta1, p(n);
    double beta = 0;  // β_k, coupling v_k to v_{k−1}
    const auto all_frozen = [&] {
        return std::all_of(states.begin(), states.end(),
                           [](const ShiftState* s) { return s->frozen; });
    };
    while (!all_frozen() && outcome.iterations < max_iterations) {
        ++outcome.iterations;
        op.perform_op(v.data(), p.data());
        ++outcome.matvecs;
        const double alpha = op.dot(v, p);
        p -= alpha * v + beta * v_prev;
        p -= op.dot(v, p) * v;  // local reorthogonalization: keeps v_{k+1} ⟂ v_k
        const double beta_next = op.norm(p);
        if (!std::isfinite(alpha) || !std::isfinite(beta_next)) {
            outcome.non_finite = "the operator returned NaN or Inf (Lanczos step " +
                                 std::to_string(outcome.iterations) + ")";
            return outcome;
        }
        for (ShiftState* state : states)
            if (!state->frozen) state->step(alpha, beta_next, v, outcome.iterations);
        // β_{k+1} = 0: K_k is invariant, every nonsingular shift is solved exactly.
        if (beta_next <= std::numeric_limits<double>::min()) break;
        v_prev.swap(v);
        v = p / beta_next;
        beta = beta_next;
    }
    return outcome;
}

void validate(OperatorRef op, const std::vector<double>& shifts, const Vector& b,
              const MinresOptions& options) {
    if (shifts.empty()) throw UsageError("MINRES: at least one shift is required");
    for (double shift : shifts)
        if (!std::isfinite(shift)) throw UsageError("MINRES: a shift is not finite");
    if (b.size() != op.rows())
        throw UsageError("MINRES: the right-hand side has length " + std::to_string(b.size()) +
                         ", the operator " + std::to_string(op.rows()));
    if (!b.allFinite()) throw UsageError("MINRES: the right-hand side contains NaN or Inf");
    if (!(options.tolerance > 0 && options.tolerance < 1))
        throw UsageError("MINRES: the tolerance must lie in (0, 1)");
    if (options.max_iterations < 0)
        throw UsageError("MINRES: the iteration cap must be >= 0 (0: automatic)");
}

std::string format(double value) {
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
}

// The status and message of one shift from its recomputed residual.
void settle(SolveResult& solution, const ShiftState& state, double tolerance, bool capped,
            const std::string& non_finite) {
    std::ostringstream message;
    if (!non_finite.empty() || !solution.x.allFinite() ||
        !std::isfinite(solution.relative_residual)) {
        solution.status = SolveStatus::non_finite;
        message << "MINRES: " << (non_finite.empty() ? "non-finite iterate" : non_finite);
    } else if (solution.relative_residual <= tolerance) {
        solution.status = SolveStatus::converged;
        message << "MINRES converged in " << solution.iterations
                << " iterations, recomputed residual " << solution.relative_residual;
    } else {
        solution.status = SolveStatus::not_converged;
        message << "MINRES: recomputed residual " << format(solution.relative_residual)
                << " above tolerance " << format(tolerance) << " after " << solution.iterations
                << " iterations (";
        if (state.singular)
            message << "H + λI is singular on the Krylov space of b";
        else if (capped && !state.frozen)
            message << "iteration cap reached";
        else
            message << "the residual stagnates: H + λI is singular or nearly so";
        message << ")";
    }
    solution.message = message.str();
}

}  // namespace

MultiShiftResult solve_minres(OperatorRef op, const std::vector<double>& shifts, const Vector& b,
                              const MinresOptions& options) {
    validate(op, shifts, b, options);
    const auto start = std::chrono::steady_clock::now();
    const Index n = op.rows();
    const double global_n = static_cast<double>(op.global_rows());
    check_memory_estimate(
        8.0 * static_cast<double>(n) * (4.0 + 3.0 * shifts.size()),
        "MINRES: " + std::to_string(shifts.size()) + " shifts of " + std::to_string(n) + " rows");
    const Index cap = options.max_iterations > 0
                          ? options.max_iterations
                          : static_cast<Index>(std::min(10.0 * global_n, 100000.0));
    const double b_norm = op.norm(b);
    std::vector<ShiftState> states(shifts.size());
    std::vector<ShiftState*> all;
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        states[i].shift = shifts[i];
        states[i].target = options.tolerance * b_norm;
        all.push_back(&states[i]);
    }
    MultiShiftResult result;
    RunOutcome run = run_minres(op, b, all, cap);
    result.iterations = run.iterations;
    result.matvecs = run.matvecs;
    result.solutions.resize(shifts.size());
    for (std::size_t i = 0; i < shifts.size(); ++i) {
        SolveResult& solution = result.solutions[i];
        ShiftState& state = states[i];
        solution.solver = SolverKind::minres;
        solution.iterations = state.frozen ? state.frozen_at : run.iterations;
        Vector residual(n);
        const std::string non_finite = run.non_finite;
        for (int refinement = 0;; ++refinement) {
            op.perform_op(state.x.data(), residual.data());
            ++result.matvecs;
            residual = b - residual - state.shift * state.x;
            const double norm = op.norm(residual);
            solution.relative_residual = b_norm > 0 ? norm / b_norm : norm;
            const bool retry = non_finite.empty() && state.frozen && !state.singular &&
                               std::isfinite(solution.relative_residual) &&
                               solution.relative_residual > options.tolerance &&
                               refinement < options.max_refinements && result.iterations < cap;
            if (!retry) break;
            // The estimate met the tolerance, the true residual did not: solve
            // for the correction from the recomputed residual.
            ShiftState correction;
            correction.shift = state.shift;
            correction.target = 0.5 * options.tolerance * b_norm;
            std::vector<ShiftState*> one{&correction};
            const RunOutcome more = run_minres(op, residual, one, cap - result.iterations);
            result.iterations += more.iterations;
            result.matvecs += more.matvecs;
            solution.iterations += more.iterations;
            if (!more.non_finite.empty()) break;
            state.x += correction.x;
            state.singular = correction.singular;
        }
        solution.x = std::move(state.x);
        settle(solution, state, options.tolerance, result.iterations >= cap, non_finite);
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (SolveResult& solution : result.solutions) solution.seconds = result.seconds;
    return result;
}

SolveResult solve_minres(OperatorRef op, double shift, const Vector& b,
                         const MinresOptions& options) {
    MultiShiftResult result = solve_minres(op, std::vector<double>{shift}, b, options);
    return std::move(result.solutions.front());
}

}  // namespace ridgelens
