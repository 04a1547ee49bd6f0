#include "ridgelens/mpi/distributed_analysis.hpp"

#include <Eigen/Eigenvalues>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/mpi/distributed_solve.hpp"

namespace ridgelens::mpi {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string format_double(double value) {
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
}

void report(const AnalyzeOptions& options, const std::string& message) {
    if (options.progress) options.progress(message);
}

double norm(Vec v) {
    PetscReal value = 0;
    check(VecNorm(v, NORM_2, &value), "VecNorm");
    return value;
}

/// Qᵀv (one reduction) and v − Q·Qᵀv.
Vector project_out(const std::vector<Vec>& q, Vec v, OwnedVec& rest) {
    const Index k = static_cast<Index>(q.size());
    Vector components = Vector::Zero(k);
    if (k > 0) check(VecMDot(v, static_cast<PetscInt>(k), q.data(), components.data()), "VecMDot");
    Vec copy = nullptr;
    check(VecDuplicate(v, &copy), "VecDuplicate");
    rest.reset(copy);
    check(VecCopy(v, copy), "VecCopy");
    if (k > 0) {
        Vector negative = -components;
        check(VecMAXPY(copy, static_cast<PetscInt>(k), negative.data(), const_cast<Vec*>(q.data())),
              "VecMAXPY");
    }
    return components;
}

}  // namespace

ProblemSummary summarize(const DistributedProblem& problem) {
    ProblemSummary summary;
    PetscInt n = 0;
    check(MatGetSize(problem.hessian, &n, nullptr), "MatGetSize");
    summary.n = n;
    summary.nonzeros = problem.nonzeros;
    summary.source = problem.source;
    summary.theta_source = problem.theta_source;
    summary.theta_norm = norm(problem.theta);
    summary.gradient_norm = problem.gradient ? norm(problem.gradient) : 0.0;
    summary.psd_by_construction = problem.psd_by_construction;
    return summary;
}

DecayAnalysis analyze_decay(const DistributedEigenpairs& eigen, Vec theta, Vec gradient,
                            double lambda, Vec theta_ridge, bool h_is_psd,
                            const DecayOptions& options, double solve_relative_residual) {
    std::vector<Vec> q;
    for (const OwnedVec& v : eigen.vectors) q.push_back(v.get());
    const Index k = static_cast<Index>(q.size());
    OwnedVec theta_rest, ridge_rest, gradient_rest;
    const Vector c = project_out(q, theta, theta_rest);
    const Vector c_ridge = project_out(q, theta_ridge, ridge_rest);
    Vector c_gradient;
    std::vector<Vec> rests{theta_rest.get(), ridge_rest.get()};
    if (gradient) {
        c_gradient = project_out(q, gradient, gradient_rest);
        rests.push_back(gradient_rest.get());
    }
    // The Gram matrix of the parts outside span(Q) and a factor G = MᵀM: the
    // columns of M are isometric coordinates of those parts.
    const Index m = static_cast<Index>(rests.size());
    DenseMatrix gram(m, m);
    for (Index i = 0; i < m; ++i) {
        Vector row(m);
        check(VecMDot(rests[static_cast<std::size_t>(i)], static_cast<PetscInt>(m), rests.data(),
                      row.data()),
              "VecMDot");
        gram.row(i) = row.transpose();
    }
    gram = 0.5 * (gram + gram.transpose()).eval();
    const Eigen::SelfAdjointEigenSolver<DenseMatrix> decomposition(gram);
    const Vector root = decomposition.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const DenseMatrix coordinates = root.asDiagonal() * decomposition.eigenvectors().transpose();

    const Index reduced = k + m;
    Eigenpairs pairs = eigen.pairs;
    pairs.vectors = DenseMatrix::Zero(reduced, k);
    pairs.vectors.topRows(k).setIdentity();
    auto lift = [&](const Vector& components, Index column) {
        Vector v(reduced);
        v.head(k) = components;
        v.tail(m) = coordinates.col(column);
        return v;
    };
    const Vector theta_small = lift(c, 0);
    const Vector ridge_small = lift(c_ridge, 1);
    const Vector gradient_small = gradient ? lift(c_gradient, 2) : Vector();
    return ridgelens::analyze_decay(pairs, theta_small, gradient_small, lambda, ridge_small,
                                    h_is_psd, options, solve_relative_residual);
}

namespace {

/// What is wrong with this rank's arguments of analyze; empty if nothing.
std::string analyze_argument_problem(const DistributedProblem& problem,
                                     const AnalyzeOptions& options) {
    const std::string prefix = "analyze: ";
    if (problem.hessian == nullptr) return prefix + "H is missing (a null Mat)";
    if (options.lambdas.empty()) return prefix + "at least one λ is needed";
    for (double lambda : options.lambdas)
        if (!(lambda >= 0) || !std::isfinite(lambda))
            return prefix + "λ must be finite and >= 0, got " + format_double(lambda);
    if (options.solver == SolverChoice::cholmod)
        return "the cholmod solver is not available on distributed matrices (use cg or auto)";
    std::string layout = vector_layout_problem(problem.hessian, problem.theta, "θ̂");
    if (layout.empty() && problem.gradient != nullptr)
        layout = vector_layout_problem(problem.hessian, problem.gradient, "the gradient g");
    return layout.empty() ? layout : prefix + layout;
}

/// θ̂_ridge at entry.lambda into `x`, as the single-machine analyze decides
/// it: KSP CG where H + λI is positive definite, KSP MINRES at a saddle (also
/// where CG met non-positive curvature on an indefinite H), nothing where
/// H + λI is singular. Sets entry.stationary. Collective.
SolveResult solve_one_lambda(const DistributedProblem& problem, const AnalyzeOptions& options,
                             const AnalysisResult& result, double scale, Vec rhs, Vec x,
                             LambdaResult& entry) {
    const std::string at = " for λ = " + format_double(entry.lambda);
    classify_stationary_point(result.psd, result.eigen, scale, entry);
    SolveResult solved;
    if (entry.stationary == StationaryPoint::minimizer) {
        report(options, "solving (H + λI)x = Hθ̂ - g" + at + " by PETSc KSP CG");
        solved = solve_shifted_cg(problem.hessian, entry.lambda, rhs, x, options.cg,
                                  problem.explicit_matrix);
        if (!result.psd.psd && solved.status == SolveStatus::not_positive_definite)
            classify_stationary_point(result.psd, result.eigen, scale, entry, &solved.message);
    }
    if (entry.stationary == StationaryPoint::saddle) {
        report(options, "solving (H + λI)x = Hθ̂ - g" + at +
                            " by PETSc KSP MINRES (H + λI indefinite: a saddle point)");
        solved = solve_shifted_minres(problem.hessian, entry.lambda, rhs, x, options.cg);
        solved.message += " (H + λI indefinite: the saddle point of the regularized quadratic)";
    }
    if (entry.stationary == StationaryPoint::singular) {
        check(VecSet(x, 0.0), "VecSet");
        solved.solver = SolverKind::none;
        solved.status = SolveStatus::singular;
        solved.relative_residual = std::numeric_limits<double>::quiet_NaN();
        solved.message = "not attempted: " + entry.stationary_reason;
    }
    return solved;
}

}  // namespace

AnalysisResult analyze(const DistributedProblem& problem, const AnalyzeOptions& options,
                       std::vector<OwnedVec>* ridge) {
    const ApiScope scope;
    MPI_Comm comm = problem.hessian
                        ? PetscObjectComm(reinterpret_cast<PetscObject>(problem.hessian))
                        : PETSC_COMM_WORLD;
    agree_on_arguments(comm, analyze_argument_problem(problem, options));
    PetscInt n = 0;
    check(MatGetSize(problem.hessian, &n, nullptr), "MatGetSize");
    AnalysisResult result;

    auto start = Clock::now();
    report(options, "computing the top " + std::to_string(options.eigen.k) +
                        " eigenpairs of H (n = " + std::to_string(n) + ") by SLEPc Krylov-Schur");
    DistributedEigenpairs eigen =
        compute_top_eigenpairs(problem.hessian, options.eigen, options.seed);
    result.eigen = eigen.pairs;
    report(options, result.eigen.message);
    if (result.eigen.status != EigenStatus::converged) {
        result.ok = false;
        result.warnings.push_back("eigenpairs: " + result.eigen.message);
    }
    const double sigma_scale = result.eigen.values.size()
                                   ? std::max(result.eigen.values.cwiseAbs().maxCoeff(), 1e-300)
                                   : 1.0;
    if (result.eigen.converged > 0)
        result.checks.push_back("eigenpair residuals ||Hq - σq|| recomputed: largest " +
                                format_double(result.eigen.residuals.maxCoeff() / sigma_scale) +
                                "·σ_1");

    report(options, "checking positive semidefiniteness (smallest eigenvalue, SLEPc)");
    PsdVerdict& verdict = result.psd;
    PsdCheckOptions psd_options = options.psd;
    if (problem.psd_by_construction)
        psd_options.max_steps = std::min<Index>(psd_options.max_steps, 60);
    verdict.smallest = compute_smallest_eigenvalue(problem.hessian, sigma_scale, psd_options);
    report(options, verdict.smallest.message);
    verdict.psd = verdict.smallest.psd;
    verdict.certified = verdict.smallest.psd && verdict.smallest.converged;
    verdict.evidence =
        (problem.psd_by_construction && !verdict.certified ? "PSD by construction; " : "") +
        verdict.smallest.message;
    if (!verdict.psd)
        result.warnings.push_back("H is indefinite: " + verdict.evidence +
                                  ". Decay factors of negative directions are not meaningful");
    else if (verdict.certified || problem.psd_by_construction)
        result.checks.push_back("PSD: " + verdict.evidence);
    else
        result.warnings.push_back("PSD check inconclusive: " + verdict.evidence);
    result.eigen_seconds = seconds_since(start);

    start = Clock::now();
    result.solver = SolverKind::petsc_cg;
    result.solver_reason =
        problem.explicit_matrix
            ? "distributed explicit matrix: PETSc KSP CG per λ, Jacobi-preconditioned"
            : "distributed matrix-free H (MATSHELL): PETSc KSP CG per λ, unpreconditioned";
    OwnedVec rhs = make_vector_like(problem.hessian);
    check(MatMult(problem.hessian, problem.theta, rhs.get()), "MatMult");
    if (problem.gradient) check(VecAXPY(rhs.get(), -1.0, problem.gradient), "VecAXPY");
    for (double lambda : options.lambdas) {
        OwnedVec x = make_vector_like(problem.hessian);
        LambdaResult entry;
        entry.lambda = lambda;
        entry.ridge =
            solve_one_lambda(problem, options, result, sigma_scale, rhs.get(), x.get(), entry);
        report(options, entry.ridge.message);
        entry.ridge_norm = norm(x.get());
        entry.decay = analyze_decay(eigen, problem.theta, problem.gradient, lambda, x.get(),
                                    verdict.psd, options.decay, entry.ridge.relative_residual);
        // The single-machine rules: a failed solve, self-check or tail bound,
        // or an undetermined decay factor is a numerical failure with its reason.
        record_lambda_result(result, std::move(entry));
        if (ridge) ridge->push_back(std::move(x));
    }
    result.analyze_seconds = seconds_since(start);
    return result;
}

}  // namespace ridgelens::mpi
