#include "ridgelens/mpi/distributed_fit.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_eigen.hpp"
#include "ridgelens/mpi/partitioned_operator.hpp"

namespace ridgelens::mpi {
namespace {

std::string format_double(double value) {
    std::ostringstream out;
    out.precision(3);
    out << value;
    return out.str();
}

void report(const AnalyzeOptions& options, const std::string& message) {
    if (options.progress) options.progress(message);
}

}  // namespace

FitAnalysisResult fit_and_analyze(DistributedModel& model, ReplicatedModel& replicated,
                                  const FitAnalysisOptions& options) {
    if (!(options.fit.base_lambda >= 0)) throw UsageError("fit: the base penalty λ₀ must be >= 0");
    FitAnalysisResult result;
    report(options.analysis, "fitting θ̂ by Newton-CG (" + replicated.name() + ", " +
                                 std::to_string(replicated.parameters()) +
                                 " parameters, λ₀ = " + format_double(options.fit.base_lambda) +
                                 ", " + std::to_string(size(model.comm())) + " ranks)");
    result.fit = fit_newton_cg(replicated, options.fit);
    report(options.analysis, result.fit.message);
    if (!result.fit.converged) return result;

    // The curvature and gradient of the unpenalized R at θ̂, this rank's rows
    // of them: the library's analyze on the model's shell as a partitioned
    // operator, with SLEPc's eigensolvers.
    replicated.set_curvature_point(result.fit.theta);
    Vector gradient;
    replicated.evaluate(result.fit.theta, &gradient);
    result.gradient_norm = gradient.norm();
    const PartitionedOperator hessian(model.curvature());
    HessianProblem problem{hessian};
    problem.theta = hessian.local_rows(result.fit.theta);
    if (options.fit.base_lambda > 0) problem.gradient = hessian.local_rows(gradient);
    problem.psd_by_construction = true;  // convex losses; the GGN is PSD for any loss
    problem.source = replicated.name() + " model, " + to_string(replicated.curvature()) +
                     " curvature at θ̂ (PETSc MATSHELL over " + std::to_string(size(model.comm())) +
                     " ranks)";
    problem.theta_source = "Newton-CG fit: " + result.fit.message;
    result.problem = summarize(problem);

    const std::int64_t products_before = model.products();
    const double seconds_before = model.product_seconds();
    AnalyzeOptions analysis = options.analysis;
    analysis.eigensolvers = slepc_eigensolvers(model.curvature());
    result.analysis = analyze(problem, analysis);
    result.hvp_count = static_cast<Index>(model.products() - products_before);
    result.hvp_seconds = model.product_seconds() - seconds_before;
    result.analyzed = true;
    result.ok = result.analysis.ok;

    if (options.approximation_study) {
        for (std::size_t i = 0; i < result.analysis.lambdas.size(); ++i) {
            LambdaResult& entry = result.analysis.lambdas[i];
            if (!entry.ridge.ok()) continue;
            report(options.analysis, "approximation study: fitting θ*_λ for λ = " +
                                         format_double(entry.lambda) + " from θ̂_ridge");
            const Vector x = gather_rows(model.curvature(), entry.ridge.x);
            result.approximation.push_back(
                study_approximation(replicated, options, entry.lambda, x));
            if (!result.approximation.back().converged) result.ok = false;
        }
        replicated.set_curvature_point(result.fit.theta);
    }
    return result;
}

}  // namespace ridgelens::mpi
