#include "summary_table.hpp"
#include "flag_advice.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

namespace ridgelens::cli {
namespace {

std::string format(const char* pattern, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, pattern, value);
    return buffer;
}

// Whether a solver's iteration count means something (Krylov solvers); the
// direct ones, and no solve at all, print none.
bool reports_iterations(SolverKind solver) {
    switch (solver) {
        case SolverKind::cholmod:
        case SolverKind::dense_eigendecomposition:
        case SolverKind::none:
            return false;
        case SolverKind::cg:
        case SolverKind::multishift_cg:
        case SolverKind::deflated_multishift_cg:
        case SolverKind::minres:
        case SolverKind::petsc_cg:
        case SolverKind::petsc_minres:
            return true;
    }
    return true;
}

}  // namespace

static void write_summary_table(std::ostream& out, const ProblemSummary& problem,
                                const AnalysisResult& result) {
    out << "H: " << problem.source << "\n   n = " << problem.n;
    if (problem.nonzeros > 0) out << ", nnz = " << problem.nonzeros;
    out << "\nθ̂: " << problem.theta_source << "\n";
    out << "eigenpairs: " << result.eigen.message << "; " << result.eigen.matvecs
        << " products with H (and " << result.psd.smallest.matvecs << " for the PSD check)\n";
    if (result.psd.negative.values.size() > 0) {
        out << "most negative eigenvalues:";
        for (Index j = 0; j < result.psd.negative.values.size(); ++j)
            out << " " << format("%.6g", result.psd.negative.values[j]) << " (residual "
                << format("%.1e", result.psd.negative.residuals[j]) << ")";
        out << "\n";
    }
    out << "PSD check: "
        << (result.psd.psd
                ? (result.psd.certified ? "PSD (certified)" : "no negative eigenvalue found")
                : "INDEFINITE")
        << " — " << result.psd.evidence << "\n";
    out << "solver: " << to_string(result.solver) << " (" << result.solver_reason << ")\n";
    for (const LambdaResult& entry : result.lambdas) {
        const bool solved = entry.ridge.ok();
        out << "\nλ = " << format("%.6g", entry.lambda)
            << "   ‖θ̂_ridge‖ = " << (solved ? format("%.6g", entry.ridge_norm) : std::string("—"))
            << "   relative residual " << format("%.2e", entry.ridge.relative_residual) << " ("
            << to_string(entry.ridge.solver);
        if (reports_iterations(entry.ridge.solver))
            out << ", " << entry.ridge.iterations << " iterations";
        out << ")\n";
        if (entry.stationary == StationaryPoint::saddle)
            out << "   SADDLE: " << entry.stationary_reason << "\n";
        if (!solved) out << "   SOLVE FAILED: " << entry.ridge.message << "\n";
        out << "    j          σ_j          c_j      f_j=σ/(σ+λ)      f_j·c_j\n";
        for (const DirectionDecay& d : entry.decay.directions) {
            out << format("%5.0f", static_cast<double>(d.j)) << format("  %11.5g", d.sigma)
                << format("  %11.4g", d.component) << format("  %15.8f", d.factor)
                << format("  %11.4g", d.shrunk);
            if (d.kind != CurvatureKind::positive) out << "  (" << to_string(d.kind);
            if (d.effect == RidgeEffect::flipped)
                out << ": flipped, ridge reverses the sign of this component";
            else if (d.effect == RidgeEffect::amplified)
                out << ": amplified, ridge enlarges this component";
            else if (d.effect == RidgeEffect::singular)
                out << ": σ_j + λ = 0, singular";
            if (d.kind != CurvatureKind::positive) out << ")";
            out << "\n";
        }
        if (!solved) continue;  // no θ̂_ridge: no self-check and no tail to show
        const TailAnalysis& tail = entry.decay.tail;
        out << "   self-check max_j |q_jᵀθ̂_ridge − f_j c_j| = "
            << format("%.2e", entry.decay.self_check_max_abs_error) << "\n";
        out << "   tail: ‖r‖ = " << format("%.4g", tail.theta_tail_norm)
            << ", ‖P⊥θ̂_ridge‖ = " << format("%.4g", tail.ridge_tail_norm)
            << (tail.bound_applies
                    ? " ≤ bound " + format("%.4g", tail.bound) +
                          (tail.bound_holds ? " (holds)" : " (VIOLATED)")
                    : std::string(" (the bound σ_k/(σ_k+λ)‖r‖ assumes g = 0; not applicable)"))
            << "\n";
    }
    for (const std::string& warning : result.warnings) out << "warning: " << warning << "\n";
}

// The selected λ of each criterion, and which top directions survive there.
void print_selections(std::ostream& out, const PathResult& result) {
    if (result.selections.empty()) return;
    out << "\nλ selection (" << result.criteria_note << "):\n";
    for (const LambdaSelection& s : result.selections) {
        out << "  " << to_string(s.criterion) << ": λ = " << format("%.6g", s.lambda) << "  value "
            << format("%.10g", s.value);
        if (s.value_stderr > 0) out << " ± " << format("%.2g", s.value_stderr);
        out << "  bracket [" << format("%.6g", s.bracket_low) << ", "
            << format("%.6g", s.bracket_high) << "], " << s.evaluations << " λ evaluated; "
            << (s.resolved ? "resolved: " : "NOT RESOLVED: ") << s.reason << "\n";
    }
    for (const LambdaSelection& s : result.selections) {
        const auto at = std::find_if(result.points.begin(), result.points.end(),
                                     [&](const PathPoint& p) { return p.lambda == s.lambda; });
        if (at == result.points.end() || at->coefficients.empty()) continue;
        out << "  at λ = " << format("%.6g", s.lambda) << " (" << to_string(s.criterion)
            << "):    j      σ_j     f_j = σ_j/(σ_j+λ)   q_jᵀθ̂_ridge\n";
        for (std::size_t j = 0; j < at->coefficients.size(); ++j) {
            const double sigma = result.eigen.values[static_cast<Index>(j)];
            const double factor = sigma / (sigma + s.lambda);
            char line[120];
            std::snprintf(line, sizeof line, "%26zu %12.5g %14.4f %16.6g", j + 1, sigma, factor,
                          at->coefficients[j]);
            out << line << (factor >= 0.5 ? "  survives" : "  decayed") << "\n";
        }
    }
}

static void write_path_table(std::ostream& out, const HessianProblem& problem,
                             const PathResult& result) {
    out << "H: " << problem.source << "\n   n = " << problem.hessian.global_rows()
        << "\nθ̂: " << problem.theta_source << "\n";
    out << "eigenpairs: " << result.eigen.message << "\nPSD check: " << result.psd.evidence;
    if (result.psd.negative.values.size() > 0) {
        out << "\nmost negative eigenvalues:";
        for (Index j = 0; j < result.psd.negative.values.size(); ++j)
            out << " " << format("%.6g", result.psd.negative.values[j]);
    }
    out << "\nsolver: " << to_string(result.solver) << " (" << result.solver_reason << ")\n";
    if (result.undeflated_iterations >= 0)
        out << "deflation: " << result.krylov_iterations << " Krylov iterations instead of "
            << result.undeflated_iterations << "\n";
    out << "df: " << result.df_method;
    if (result.df_method != "exact" && result.df_method != "slq")
        out << " (" << result.df_reason << ")";
    out << "; " << result.total_matvecs << " products with H in " << result.seconds << " s\n\n";
    const bool criteria = !result.criteria_note.empty();
    out << "           λ           df    ± s.e.      log det   ‖θ̂_ridge‖   residual  iterations";
    if (criteria) out << "          GCV  log evidence";
    out << "\n";
    char line[200];
    for (const PathPoint& p : result.points) {
        const char* mark = p.status != SolveStatus::converged ? "  FAILED"
                           : p.stationary == StationaryPoint::saddle
                               ? "  saddle (H + λI indefinite)"
                               : "";
        if (p.status == SolveStatus::singular) mark = "  SINGULAR (λ = −σ_j)";
        std::snprintf(line, sizeof line, "%12.4g %12.6g %9.2g %12.6g %11.5g %10.2e %11lld",
                      p.lambda, p.df, p.df_stderr, p.log_det, p.ridge_norm, p.relative_residual,
                      static_cast<long long>(p.iterations));
        out << line;
        if (criteria) {
            std::snprintf(line, sizeof line, " %12.6g %13.8g", p.criteria.gcv,
                          p.criteria.log_evidence);
            out << line;
        }
        out << mark << "\n";
    }
    print_selections(out, result);
    for (const std::string& warning : result.warnings) out << "warning: " << warning << "\n";
}

static void write_approximation_table(std::ostream& out, const FitAnalysisResult& result) {
    if (result.approximation.empty()) return;
    out << "\napproximation study: θ̂_ridge (one Newton step from θ̂) against θ*_λ = argmin R + "
           "λ/2‖θ‖²\n";
    out << "           λ   ‖θ̂_ridge−θ*‖/‖θ*‖    F_λ(θ*_λ)   F_λ(θ̂_ridge)  Newton its  θ*_λ is\n";
    char line[200];
    for (const ApproximationResult& study : result.approximation) {
        std::string point = study.point;
        if (point != "minimizer" && std::isfinite(study.curvature_min)) {
            char curvature[64];
            std::snprintf(curvature, sizeof curvature, " (σ_min(H)+λ = %.3g)", study.curvature_min);
            point += curvature;
        }
        std::snprintf(line, sizeof line, "%12.4g %20.3e %12.8g %14.8g %11lld  %s%s\n", study.lambda,
                      study.relative_error, study.ridge_objective, study.approx_objective,
                      static_cast<long long>(study.newton_iterations), point.c_str(),
                      study.converged ? "" : "  NOT CONVERGED");
        out << line;
    }
}

// The tables are written in the library's terms, then shown in the
// program's (flag_advice.hpp).

void print_summary_table(std::ostream& out, const ProblemSummary& problem,
                         const AnalysisResult& result) {
    std::ostringstream text;
    write_summary_table(text, problem, result);
    out << with_flag_advice(text.str());
}

void print_path_table(std::ostream& out, const HessianProblem& problem, const PathResult& result) {
    std::ostringstream text;
    write_path_table(text, problem, result);
    out << with_flag_advice(text.str());
}

void print_approximation_table(std::ostream& out, const FitAnalysisResult& result) {
    std::ostringstream text;
    write_approximation_table(text, result);
    out << with_flag_advice(text.str());
}

}  // namespace ridgelens::cli
