#include "ridgelens/report/json_report.hpp"

#include <cmath>

#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/version.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;

// JSON has no NaN or Inf: such numbers become null (and the status says why).
json number(double value) {
    return std::isfinite(value) ? json(value) : json(nullptr);
}

json vector_to_json(const Vector& values) {
    json array = json::array();
    for (Index i = 0; i < values.size(); ++i) array.push_back(number(values[i]));
    return array;
}

json eigen_section(const HessianProblem& problem, const AnalysisResult& result) {
    const Eigenpairs& eigen = result.eigen;
    const SmallestEigenvalue& smallest = result.psd.smallest;
    return json{{"k_requested", eigen.requested},
                {"converged", eigen.converged},
                {"iterations", eigen.iterations},
                {"matvecs", eigen.matvecs + smallest.matvecs},
                {"values", vector_to_json(eigen.values)},
                {"residuals", vector_to_json(eigen.residuals)},
                {"min_eigenvalue", number(smallest.value)},
                {"psd", result.psd.psd},
                {"psd_certified", result.psd.certified},
                {"psd_evidence", result.psd.evidence},
                {"psd_by_construction", problem.psd_by_construction},
                {"status", to_string(eigen.status)},
                {"message", eigen.message},
                {"min_eigenvalue_residual", number(smallest.residual)},
                {"min_eigenvalue_converged", smallest.converged},
                {"min_eigenvalue_steps", smallest.steps},
                {"min_eigenvalue_message", smallest.message}};
}

json direction_to_json(const DirectionDecay& d) {
    return json{{"j", d.j},
                {"sigma", number(d.sigma)},
                {"component", number(d.component)},
                {"factor", number(d.factor)},
                {"shrunk", number(d.shrunk)},
                {"solved", number(d.solved)},
                {"curvature", to_string(d.kind)}};
}

json lambda_to_json(const LambdaResult& entry) {
    json directions = json::array();
    for (const DirectionDecay& d : entry.decay.directions)
        directions.push_back(direction_to_json(d));
    const SolveResult& ridge = entry.ridge;
    const TailAnalysis& tail = entry.decay.tail;
    return json{{"lambda", entry.lambda},
                {"directions", directions},
                {"ridge",
                 {{"solver", ridge.solver},
                  {"relative_residual", number(ridge.relative_residual)},
                  {"iterations", ridge.iterations},
                  {"norm", number(entry.ridge_norm)},
                  {"seconds", ridge.seconds},
                  {"status", to_string(ridge.status)},
                  {"message", ridge.message}}},
                {"tail",
                 {{"theta_tail_norm", number(tail.theta_tail_norm)},
                  {"ridge_tail_norm", number(tail.ridge_tail_norm)},
                  {"bound", number(tail.bound)},
                  {"bound_applies", tail.bound_applies},
                  {"bound_holds", tail.bound_holds}}},
                {"self_check",
                 {{"max_abs_error", number(entry.decay.self_check_max_abs_error)},
                  {"relative_error", number(entry.decay.self_check_relative)}}}};
}

}  // namespace

json make_analysis_report(const HessianProblem& problem, const AnalysisResult& result,
                          const ReportTimings& timings) {
    json lambdas = json::array();
    for (const LambdaResult& entry : result.lambdas) lambdas.push_back(lambda_to_json(entry));
    return json{
        {"ridgelens_version", version_string},
        {"status", result.ok ? "ok" : "numerical_failure"},
        {"problem",
         {{"n", problem.hessian.rows()},
          {"nnz", problem.nonzeros},
          {"source", problem.source},
          {"theta_source", problem.theta_source},
          {"theta_norm", number(problem.theta.norm())},
          {"gradient_norm", number(problem.gradient.size() ? problem.gradient.norm() : 0.0)}}},
        {"eigen", eigen_section(problem, result)},
        {"solver", result.solver},
        {"solver_reason", result.solver_reason},
        {"lambdas", lambdas},
        {"checks", result.checks},
        {"warnings", result.warnings},
        {"timings",
         {{"read_s", timings.read_seconds},
          {"eigen_s", timings.eigen_seconds},
          {"analyze_s", timings.analyze_seconds}}}};
}

void write_json_report(const std::string& path, const json& report) {
    write_file_atomically(path, [&](std::ostream& out) { out << report.dump(2) << '\n'; });
}

}  // namespace ridgelens
