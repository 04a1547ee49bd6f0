#include "ridgelens/analysis/path.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "analysis/indefinite_steps.hpp"
#include "analysis/pipeline_steps.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/solve/deflated_solve.hpp"
#include "ridgelens/solve/dense_shifted_solve.hpp"

namespace ridgelens {
namespace {

using pipeline::Clock;
using pipeline::format_double;
using pipeline::seconds_since;

// Copies a solve's outcome and evidence into its point: the norm of x, its
// coefficients along the top directions (summed over the ranks of a
// partitioned H), x itself and the model's risk at x when the options ask.
void record_solve(OperatorRef hessian, const PathOptions& options, const Eigenpairs& eigen,
                  const SolveResult& solve, PathPoint& point) {
    if (options.keep_solutions) point.ridge = solve.x;
    if (options.risk && solve.x.allFinite()) point.risk = options.risk(solve.x);
    point.status = solve.status;
    point.message = solve.message;
    point.relative_residual = solve.relative_residual;
    point.iterations = solve.iterations;
    point.ridge_norm = hessian.norm(solve.x);
    const Index directions = static_cast<Index>(point.predicted.size());
    const Vector coefficients =
        hessian.transpose_product(eigen.vectors.leftCols(directions), solve.x);
    point.coefficients.assign(coefficients.begin(), coefficients.end());
}

// Solves every λ by CHOLMOD: one symbolic analysis (done when the solver was
// chosen), one numeric factorization per λ.
void solve_path_cholmod(const HessianProblem& problem, const PathOptions& options,
                        CholmodSolver& cholmod, const Vector& rhs,
                        const std::vector<std::size_t>& indices, PathResult& result) {
    result.solver = SolverKind::cholmod;
    result.analysis_seconds = cholmod.analysis_seconds();
    for (const std::size_t i : indices) {
        PathPoint& point = result.points[i];
        const SolveResult solve = cholmod.solve(point.lambda, rhs);
        point.factorization_seconds = cholmod.last_factorization_seconds();
        point.seconds = solve.seconds;
        record_solve(problem.hessian, options, result.eigen, solve, point);
        ++result.total_matvecs;  // the residual check
    }
}

// Solves every λ in one multi-shift CG run, deflated by the top-k pairs when
// they converged; optionally the undeflated run too, to show the saving.
void solve_path_multishift(const HessianProblem& problem, const PathOptions& options,
                           const Vector& rhs, const std::vector<std::size_t>& indices,
                           PathResult& result) {
    std::vector<double> lambdas;
    for (const std::size_t i : indices) lambdas.push_back(result.points[i].lambda);
    if (lambdas.empty()) {
        result.solver =
            options.deflate ? SolverKind::deflated_multishift_cg : SolverKind::multishift_cg;
        return;
    }
    pipeline::ShiftedSolves shifted = pipeline::solve_shifted_systems(
        problem.hessian, result.eigen, lambdas, rhs, options.cg, options.deflate);
    const bool deflate = shifted.deflated;
    MultiShiftResult& solved = shifted.solved;
    result.solver = shifted.solver;
    result.krylov_iterations = solved.iterations;
    result.total_matvecs += solved.matvecs;
    if (deflate && options.measure_undeflated) {
        pipeline::report(options.progress, "measuring the same path without deflation");
        MultiShiftCgOptions baseline = options.cg;
        baseline.verify_residuals = false;
        const MultiShiftResult plain = solve_multishift_cg(problem.hessian, lambdas, rhs, baseline);
        result.undeflated_iterations = plain.iterations;
        result.total_matvecs += plain.matvecs;
        result.checks.push_back("deflating the top " + std::to_string(result.eigen.converged) +
                                " eigenpairs: " + std::to_string(solved.iterations) +
                                " Krylov iterations instead of " +
                                std::to_string(plain.iterations));
    }
    for (std::size_t d = 0; d < indices.size(); ++d)
        record_solve(problem.hessian, options, result.eigen, solved.solutions[d],
                     result.points[indices[d]]);
}

// Solves every λ from one eigendecomposition of the dense H, whose
// eigenvalues then also give the exact df.
void solve_path_dense(const HessianProblem& problem, const PathOptions& options, const Vector& rhs,
                      const std::vector<std::size_t>& indices, PathResult& result) {
    result.solver = SolverKind::dense_eigendecomposition;
    std::vector<double> lambdas;
    for (const std::size_t i : indices) lambdas.push_back(result.points[i].lambda);
    Vector eigenvalues;
    const MultiShiftResult solved =
        solve_shifted_dense(*problem.dense, lambdas, rhs, options.cg.tolerance, &eigenvalues);
    if (eigenvalues.size() == problem.dense->rows()) result.exact_eigenvalues = eigenvalues;
    for (std::size_t d = 0; d < indices.size(); ++d)
        record_solve(problem.hessian, options, result.eigen, solved.solutions[d],
                     result.points[indices[d]]);
}

// How df is obtained and what it means: from all eigenvalues (all of them,
// or their positive part when H is indefinite), from SLQ, or not at all (H
// indefinite and only SLQ available: SLQ cannot separate the positive part).
void choose_dof_method(bool exact, bool indefinite, Index negatives, PathResult& result) {
    if (exact && indefinite) {
        result.df_method = "exact_positive_part";
        result.df_reason = "H is indefinite (" + std::to_string(negatives) +
                           " negative eigenvalues): df(λ) is Σ_j σ_j/(σ_j+λ) over the positive "
                           "eigenvalues, the directions ridge shrinks; a negative direction "
                           "contributes f_j < 0 or > 1, not a count, and the SLQ estimate is "
                           "not reported";
    } else if (exact) {
        result.df_method = "exact";
        result.df_reason = "all eigenvalues by a dense eigendecomposition";
    } else if (indefinite) {
        result.df_method = "none";
        result.df_reason =
            "not reported: H is indefinite, and stochastic Lanczos quadrature cannot separate "
            "the positive part of its spectrum (raise the exact-df size limit above n for the "
            "positive part from all eigenvalues)";
    } else {
        result.df_method = "slq";
        result.df_reason = "top-k eigenvalues plus stochastic Lanczos quadrature of the rest";
    }
    if (indefinite) result.warnings.push_back("df: " + result.df_reason);
}

// df and log det(I + H/λ) of the points `indices`, by `result.df_method`,
// from the stored spectrum (all eigenvalues, or the SLQ quadrature rules): no
// product with H. log det is reported for a PSD H only (NaN otherwise).
void assign_point_spectra(const PathOptions& options, const std::vector<std::size_t>& indices,
                          PathResult& result) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> lambdas;
    for (const std::size_t i : indices) lambdas.push_back(result.points[i].lambda);
    if (lambdas.empty()) return;
    const bool exact = result.df_method == "exact" || result.df_method == "exact_positive_part";
    const bool psd = result.df_method == "exact" || result.df_method == "slq";
    const double tolerance = options.slq.null_tolerance;
    Vector exact_df, resolution, log_det, log_det_resolution;
    if (exact) {
        exact_df =
            pipeline::positive_part_dof(result.exact_eigenvalues, lambdas, tolerance, nullptr);
        if (psd) {
            resolution =
                exact_effective_dof_resolution(result.exact_eigenvalues, lambdas, tolerance);
            log_det = exact_log_det(result.exact_eigenvalues, lambdas, tolerance);
            log_det_resolution =
                exact_log_det_resolution(result.exact_eigenvalues, lambdas, tolerance);
        }
    }
    DofCurve slq;
    if (result.spectrum.quadrature.probes.size() >= 2)
        slq = effective_dof_from_quadrature(result.spectrum.quadrature, lambdas);
    const auto slq_value = [&](const Vector& curve, Index d) {
        return psd && curve.size() > d ? curve[d] : nan;
    };
    for (std::size_t d = 0; d < indices.size(); ++d) {
        PathPoint& point = result.points[indices[d]];
        const Index index = static_cast<Index>(d);
        point.df_slq = slq_value(slq.df, index);
        point.df_slq_stderr = slq_value(slq.df_stderr, index);
        point.df_quadrature_error = slq_value(slq.df_quadrature_error, index);
        if (exact) {
            point.df = exact_df[index];
            point.df_stderr = 0;
            if (resolution.size()) point.df_resolution_error = resolution[index];
            point.log_det = log_det.size() ? log_det[index] : nan;
            point.log_det_stderr = log_det.size() ? 0.0 : nan;
            point.log_det_error = log_det.size() ? log_det_resolution[index] : nan;
        } else {
            point.df = point.df_slq;
            point.df_stderr = point.df_slq_stderr;
            point.log_det = slq_value(slq.log_det, index);
            point.log_det_stderr = slq_value(slq.log_det_stderr, index);
            point.log_det_error = slq_value(slq.log_det_quadrature_error, index);
        }
    }
}

// Where df is exact, checks the SLQ estimate against it at every λ.
void compare_slq_with_exact(PathResult& result) {
    if (result.df_method != "exact") return;
    Index outside = 0;
    for (const PathPoint& point : result.points) {
        const double bar = 3 * point.df_slq_stderr + point.df_quadrature_error;
        if (std::abs(point.df_slq - point.df) > bar) ++outside;
    }
    (outside == 0 ? result.checks : result.warnings)
        .push_back("SLQ df within 3 standard errors (+ quadrature bound) of the exact df at " +
                   std::to_string(result.points.size() - outside) + " of " +
                   std::to_string(result.points.size()) + " λ");
}

// A df whose own error bound is large against its value is not presented as
// an answer: the point says why, and the path is a numerical failure (the
// eigenvalues that matter at that λ lie below what the computation resolves).
void judge_df_accuracy(bool exact, PathResult& result) {
    constexpr double relative_limit = 0.05;
    Index unreliable = 0;
    const PathPoint* first = nullptr;
    for (PathPoint& point : result.points) {
        const double error = exact ? point.df_resolution_error : point.df_quadrature_error;
        const double limit = relative_limit * std::max(std::abs(point.df), 1.0);
        // NaN (an indefinite H) is reported by the SLQ run itself
        if (!(error > limit)) continue;
        point.df_reliable = false;
        point.df_note =
            exact ? "eigenvalues below the dense eigendecomposition's resolution (max(null "
                    "tolerance, nε)·σ_1) may move df by up to " +
                        format_double(error)
                  : "the SLQ quadrature error bound " + format_double(error) +
                        " exceeds 5 % of df: the Lanczos steps do not resolve the spectrum at "
                        "this λ (more steps, SlqOptions::max_lanczos_steps, or a larger λ)";
        if (first == nullptr) first = &point;
        ++unreliable;
    }
    if (unreliable == 0) return;
    result.ok = false;
    result.warnings.push_back("df is not determined to 5 % at " + std::to_string(unreliable) +
                              " of " + std::to_string(result.points.size()) +
                              " λ (first λ = " + format_double(first->lambda) +
                              ", df = " + format_double(first->df) + ": " + first->df_note + ")");
}

// df and log det for every λ: exact from all eigenvalues where n is small,
// else the SLQ estimate; the SLQ run also gives the spectral density.
void effective_degrees_of_freedom(const HessianProblem& problem, const PathOptions& options,
                                  PathResult& result) {
    const Index n = problem.hessian.global_rows();
    // Longer probes where the basis (this process's rows of it) fits in 512 MB:
    // the quadrature error at small λ then drops below the statistical one
    // (see SlqOptions).
    SlqOptions slq = options.slq;
    if (slq.max_lanczos_steps == 0) {
        const double budget_steps = 512e6 / 8 / static_cast<double>(problem.hessian.rows()) -
                                    static_cast<double>(result.eigen.converged);
        slq.max_lanczos_steps = std::max<Index>(
            slq.lanczos_steps, std::min<Index>(300, static_cast<Index>(budget_steps)));
    }
    pipeline::report(options.progress,
                     "stochastic Lanczos quadrature: " + std::to_string(slq.probes) +
                         " probes of " + std::to_string(slq.lanczos_steps) + ".." +
                         std::to_string(slq.max_lanczos_steps) + " steps");
    result.spectrum =
        estimate_spectrum(problem.hessian, result.eigen, options.lambdas.sorted_distinct(), slq);
    result.total_matvecs += result.spectrum.matvecs;
    if (result.spectrum.indefinite) result.warnings.push_back("SLQ: " + result.spectrum.message);

    if (result.exact_eigenvalues.size() != n && n <= options.exact_dof_limit) {
        pipeline::report(options.progress, "exact df from a dense eigendecomposition (n = " +
                                               std::to_string(n) + ")");
        const DenseEigenvalues dense =
            problem.matrix != nullptr ? dense_spectrum(*problem.matrix, options.exact_dof_limit)
                                      : dense_spectrum(problem.hessian, options.exact_dof_limit);
        result.total_matvecs += dense.matvecs;
        if (dense.ok)
            result.exact_eigenvalues = dense.values;
        else
            result.warnings.push_back("dense eigendecomposition failed (" + dense.message +
                                      "); df falls back to the SLQ estimate");
    }
    const bool exact = result.exact_eigenvalues.size() == n;
    Index negatives = 0;
    if (exact)
        pipeline::positive_part_dof(result.exact_eigenvalues, {1.0}, options.slq.null_tolerance,
                                    &negatives);
    const bool indefinite = exact ? negatives > 0 : !result.psd.psd || result.spectrum.indefinite;
    choose_dof_method(exact, indefinite, negatives, result);
    std::vector<std::size_t> all(result.points.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    assign_point_spectra(options, all, result);
    compare_slq_with_exact(result);
    if (!indefinite) judge_df_accuracy(exact, result);
}

// θ̂_ridge for every point: the positive-definite solver (CHOLMOD, dense or
// multi-shift CG) where the eigen step leaves H + λI definite, multi-shift
// MINRES for the saddles (and where that solver found H + λI not positive
// definite), nothing where H + λI is singular.
void solve_path_points(const HessianProblem& problem, const PathOptions& options,
                       pipeline::SolverDecision& decision, const Vector& rhs, double scale,
                       const std::vector<std::size_t>& indices, PathResult& result) {
    std::vector<std::size_t> definite;
    for (const std::size_t i : indices) {
        PathPoint& point = result.points[i];
        const pipeline::LambdaVerdict verdict =
            pipeline::classify_lambda(result.psd, result.eigen, point.lambda, scale);
        point.stationary = verdict.kind;
        if (verdict.kind == StationaryPoint::minimizer) {
            definite.push_back(i);
        } else if (verdict.kind == StationaryPoint::singular) {
            record_solve(problem.hessian, options, result.eigen,
                         pipeline::singular_solve(problem.hessian.rows(), verdict.reason), point);
            point.ridge_norm = std::numeric_limits<double>::quiet_NaN();
        }
    }
    pipeline::report(options.progress,
                     "solving (H + λI)x = Hθ̂ - g for " + std::to_string(definite.size()) +
                         " λ by " +
                         (decision.cholmod ? "CHOLMOD"
                          : decision.dense ? "one eigendecomposition of the dense H"
                                           : "multi-shift CG"));
    if (decision.cholmod)
        solve_path_cholmod(problem, options, *decision.cholmod, rhs, definite, result);
    else if (decision.dense)
        solve_path_dense(problem, options, rhs, definite, result);
    else
        solve_path_multishift(problem, options, rhs, definite, result);

    std::vector<std::size_t> saddles;
    std::vector<double> lambdas;
    for (const std::size_t i : indices) {
        PathPoint& point = result.points[i];
        if (!result.psd.psd && point.stationary == StationaryPoint::minimizer &&
            point.status == SolveStatus::not_positive_definite)
            point.stationary = StationaryPoint::saddle;
        if (point.stationary != StationaryPoint::saddle) continue;
        saddles.push_back(i);
        lambdas.push_back(point.lambda);
    }
    if (saddles.empty()) return;
    pipeline::report(options.progress, "solving " + std::to_string(saddles.size()) +
                                           " λ with H + λI indefinite by multi-shift MINRES");
    const std::vector<SolveResult> solved = pipeline::solve_saddles(
        problem.hessian, lambdas, rhs, options.cg.tolerance, options.cg.max_iterations);
    for (std::size_t s = 0; s < saddles.size(); ++s) {
        PathPoint& point = result.points[saddles[s]];
        record_solve(problem.hessian, options, result.eigen, solved[s], point);
        point.seconds = solved[s].seconds;
        point.factorization_seconds = 0;
    }
    Index minres_steps = 0;  // one Lanczos run shared by every saddle, then one check each
    for (const SolveResult& solution : solved)
        minres_steps = std::max(minres_steps, solution.iterations);
    result.total_matvecs += minres_steps + static_cast<std::int64_t>(solved.size());
    result.warnings.push_back(
        std::to_string(saddles.size()) + " of " + std::to_string(indices.size()) + " λ (up to " +
        format_double(*std::max_element(lambdas.begin(), lambdas.end())) +
        ") leave H + λI indefinite: there the regularized quadratic model has a saddle, not a "
        "minimizer, and θ̂_ridge is its stationary point (MINRES)");
}

// b = Hθ̂ − g, the right-hand side of every λ (one product with H).
Vector ridge_right_hand_side(const HessianProblem& problem, PathResult& result) {
    Vector rhs(problem.hessian.rows());
    problem.hessian.perform_op(problem.theta.data(), rhs.data());
    ++result.total_matvecs;
    if (problem.gradient.size() == rhs.size()) rhs -= problem.gradient;
    return rhs;
}

// Appends one point per λ with the eigen predictions of its coefficient paths
// along the first `directions` eigenvectors; returns the new points' indices.
std::vector<std::size_t> add_points(OperatorRef hessian, const Vector& rhs, Index directions,
                                    const std::vector<double>& lambdas, PathResult& result) {
    const Vector rhs_top =  // σ_j c_j − q_jᵀg
        hessian.transpose_product(result.eigen.vectors.leftCols(directions), rhs);
    std::vector<std::size_t> added;
    for (double lambda : lambdas) {
        PathPoint point;
        point.lambda = lambda;
        for (Index j = 0; j < directions; ++j)
            point.predicted.push_back(rhs_top[j] / (result.eigen.values[j] + lambda));
        added.push_back(result.points.size());
        result.points.push_back(std::move(point));
    }
    return added;
}

// Every point whose solve did not converge makes the path not ok, with its reason.
void flag_unconverged(const std::vector<std::size_t>& indices, PathResult& result) {
    for (const std::size_t i : indices) {
        const PathPoint& point = result.points[i];
        if (point.status == SolveStatus::converged) continue;
        result.ok = false;
        result.warnings.push_back("λ = " + format_double(point.lambda) + ": " + point.message);
    }
}

// The top-k pairs and the PSD check (or the given spectral step), and the
// solver for the λ (chosen between them: the PSD check uses CHOLMOD).
pipeline::SolverDecision run_spectral_step(const HessianProblem& problem,
                                           const PathOptions& options, PathResult& result) {
    const OperatorRef H = problem.hessian;
    SpectralStep reused;
    if (options.spectral) {
        reused = pipeline::reuse_spectral_step(*options.spectral, options.eigen.k, H.rows(),
                                               problem.psd_by_construction, "path", result.checks,
                                               result.warnings);
        result.spectral_reused = true;
        result.eigen = std::move(reused.eigen);
        if (result.eigen.status != EigenStatus::converged) result.ok = false;
    } else {
        pipeline::report(options.progress,
                         "computing the top " + std::to_string(options.eigen.k) +
                             " eigenpairs of H (n = " + std::to_string(H.global_rows()) + ")");
        result.eigen = options.eigensolvers.top(H, options.eigen, options.seed);
        pipeline::report(options.progress, result.eigen.message);
        result.total_matvecs += result.eigen.matvecs;
        if (result.eigen.status != EigenStatus::converged) {
            result.ok = false;
            result.warnings.push_back("eigenpairs: " + result.eigen.message);
        }
    }
    const double sigma_scale = pipeline::spectral_scale(result.eigen);
    pipeline::SolverDecision decision = pipeline::choose_solver(problem, options.solver);
    result.solver_reason = decision.reason;
    if (options.spectral) {
        result.psd = std::move(reused.psd);
        return decision;
    }
    result.psd = pipeline::check_psd(problem, options.psd, sigma_scale, decision.cholmod.get(),
                                     options.seed + 1, options.progress, result.checks,
                                     result.warnings, options.eigensolvers);
    result.total_matvecs += result.psd.smallest.matvecs;
    result.total_matvecs += pipeline::describe_indefinite(
        problem, options.psd, options.eigen, sigma_scale, options.eigensolvers, options.seed + 2,
        options.progress, result.psd, result.checks, result.warnings);
    return decision;
}

}  // namespace

PathResult compute_path(const HessianProblem& problem, const PathOptions& options) {
    pipeline::validate_problem(problem, options.lambdas, options.solver, "path");
    const auto start = Clock::now();
    const OperatorRef H = problem.hessian;
    PathResult result;

    pipeline::SolverDecision decision = run_spectral_step(problem, options, result);
    const double sigma_scale = pipeline::spectral_scale(result.eigen);

    const Vector rhs = ridge_right_hand_side(problem, result);
    const std::vector<std::size_t> all =
        add_points(H, rhs, std::min(options.path_directions, result.eigen.converged),
                   options.lambdas.sorted_distinct(), result);
    solve_path_points(problem, options, decision, rhs, sigma_scale, all, result);
    flag_unconverged(all, result);

    effective_degrees_of_freedom(problem, options, result);
    result.seconds = seconds_since(start);
    return result;
}

void extend_path(const HessianProblem& problem, const PathOptions& options,
                 const LambdaGrid& lambdas, PathResult& result) {
    for (const double lambda : lambdas) {
        for (const PathPoint& point : result.points)
            if (point.lambda == lambda)
                throw UsageError("extend_path: λ = " + format_double(lambda) +
                                 " is already on the path");
    }
    if (lambdas.empty()) return;
    const auto start = Clock::now();
    PathOptions local = options;
    local.measure_undeflated = false;
    pipeline::SolverDecision decision = pipeline::choose_solver(problem, options.solver);
    const Vector rhs = ridge_right_hand_side(problem, result);
    const Index directions =
        result.points.empty() ? 0 : static_cast<Index>(result.points.front().predicted.size());
    const std::vector<std::size_t> added =
        add_points(problem.hessian, rhs, directions, lambdas, result);
    // The run statistics of the path stay those of its grid.
    const SolverKind solver = result.solver;
    const Index krylov_iterations = result.krylov_iterations;
    const double analysis_seconds = result.analysis_seconds;
    solve_path_points(problem, local, decision, rhs, pipeline::spectral_scale(result.eigen), added,
                      result);
    result.solver = solver;
    result.krylov_iterations = krylov_iterations;
    result.analysis_seconds = analysis_seconds;
    flag_unconverged(added, result);
    assign_point_spectra(options, added, result);
    std::stable_sort(result.points.begin(), result.points.end(),
                     [](const PathPoint& a, const PathPoint& b) { return a.lambda < b.lambda; });
    result.seconds += seconds_since(start);
}

}  // namespace ridgelens
