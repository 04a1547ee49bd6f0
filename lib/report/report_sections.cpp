#include "report/report_sections.hpp"

#include <cmath>

namespace ridgelens::report {

using nlohmann::json;

json number(double value) {
    return std::isfinite(value) ? json(value) : json(nullptr);
}

json vector_to_json(const Vector& values) {
    json array = json::array();
    for (Index i = 0; i < values.size(); ++i) array.push_back(number(values[i]));
    return array;
}

json vector_to_json(const std::vector<double>& values) {
    return vector_to_json(
        Eigen::Map<const Vector>(values.data(), static_cast<Index>(values.size())));
}

json problem_section(const ProblemSummary& problem) {
    return json{{"n", problem.n},
                {"nnz", problem.nonzeros},
                {"source", problem.source},
                {"theta_source", problem.theta_source},
                {"theta_norm", number(problem.theta_norm)},
                {"gradient_norm", number(problem.gradient_norm)}};
}

json eigen_section(const ProblemSummary& problem, const Eigenpairs& eigen, const PsdVerdict& psd) {
    const SmallestEigenvalue& smallest = psd.smallest;
    return json{{"k_requested", eigen.requested},
                {"converged", eigen.converged},
                {"iterations", eigen.iterations},
                {"matvecs", eigen.matvecs + smallest.matvecs},
                {"values", vector_to_json(eigen.values)},
                {"residuals", vector_to_json(eigen.residuals)},
                {"min_eigenvalue", number(smallest.value)},
                {"psd", psd.psd},
                {"negative_eigenvalues", vector_to_json(psd.negative.values)},
                {"negative_eigenvalue_residuals", vector_to_json(psd.negative.residuals)},
                {"negative_eigen_message", psd.negative.message},
                {"negative_ritz_values", vector_to_json(smallest.negative_values)},
                {"psd_certified", psd.certified},
                {"psd_evidence", psd.evidence},
                {"psd_by_construction", problem.psd_by_construction},
                {"status", to_string(eigen.status)},
                {"message", eigen.message},
                {"min_eigenvalue_residual", number(smallest.residual)},
                {"min_eigenvalue_converged", smallest.converged},
                {"min_eigenvalue_steps", smallest.steps},
                {"min_eigenvalue_message", smallest.message}};
}

}  // namespace ridgelens::report
