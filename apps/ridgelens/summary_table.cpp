#include "summary_table.hpp"

#include <cstdio>
#include <string>

namespace ridgelens::cli {
namespace {

std::string format(const char* pattern, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, pattern, value);
    return buffer;
}

}  // namespace

void print_summary_table(std::ostream& out, const ProblemSummary& problem,
                         const AnalysisResult& result) {
    out << "H: " << problem.source << "\n   n = " << problem.n;
    if (problem.nonzeros > 0) out << ", nnz = " << problem.nonzeros;
    out << "\nθ̂: " << problem.theta_source << "\n";
    out << "eigenpairs: " << result.eigen.message << "; " << result.eigen.matvecs
        << " products with H (and " << result.psd.smallest.matvecs << " for the PSD check)\n";
    out << "PSD check: "
        << (result.psd.psd
                ? (result.psd.certified ? "PSD (certified)" : "no negative eigenvalue found")
                : "INDEFINITE")
        << " — " << result.psd.evidence << "\n";
    out << "solver: " << result.solver << " (" << result.solver_reason << ")\n";
    for (const LambdaResult& entry : result.lambdas) {
        out << "\nλ = " << format("%.6g", entry.lambda)
            << "   ‖θ̂_ridge‖ = " << format("%.6g", entry.ridge_norm) << "   relative residual "
            << format("%.2e", entry.ridge.relative_residual) << " (" << entry.ridge.solver;
        if (entry.ridge.solver != "cholmod") out << ", " << entry.ridge.iterations << " iterations";
        out << ")\n";
        if (!entry.ridge.ok()) out << "   SOLVE FAILED: " << entry.ridge.message << "\n";
        out << "    j          σ_j          c_j      f_j=σ/(σ+λ)      f_j·c_j\n";
        for (const DirectionDecay& d : entry.decay.directions) {
            out << format("%5.0f", static_cast<double>(d.j)) << format("  %11.5g", d.sigma)
                << format("  %11.4g", d.component) << format("  %15.8f", d.factor)
                << format("  %11.4g", d.shrunk);
            if (d.kind != CurvatureKind::positive) out << "  (" << to_string(d.kind) << ")";
            out << "\n";
        }
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

}  // namespace ridgelens::cli
