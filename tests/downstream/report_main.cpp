// Links the installed ridgelens::report: the JSON report of one analysis of a
// diagonal H carries the λ and the solution the analysis computed.

#include <cmath>
#include <cstdio>
#include <string>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/operator/matrix_free_operator.hpp"
#include "ridgelens/report/json_report.hpp"
#include "ridgelens/version.hpp"

int main() {
    const ridgelens::Index n = 20;
    ridgelens::Vector sigma(n);
    for (ridgelens::Index i = 0; i < n; ++i) sigma[i] = 1.0 / (1.0 + i);
    const ridgelens::MatrixFreeOperator hessian(
        n,
        [&](const double* x, double* y) {
            for (ridgelens::Index i = 0; i < n; ++i) y[i] = sigma[i] * x[i];
        },
        sigma);
    ridgelens::HessianProblem problem{hessian};
    problem.diagonal = sigma;
    problem.theta = ridgelens::Vector::Ones(n);
    ridgelens::AnalyzeOptions options;
    options.lambdas = {0.5};
    options.eigen.k = 2;
    const ridgelens::AnalysisResult result = ridgelens::analyze(problem, options);

    const nlohmann::json report =
        ridgelens::make_analysis_report(ridgelens::summarize(problem), result, {});
    const bool version_ok =
        report.value("ridgelens_version", std::string()) == ridgelens::version_string;
    const bool lambda_ok = report.at("lambdas").size() == 1 &&
                           report.at("lambdas").at(0).at("lambda").get<double>() == 0.5;
    std::printf("ridgelens::report linked: version %s, one λ entry %s\n",
                version_ok ? "matches" : "differs", lambda_ok ? "present" : "missing");
    return (result.ok && version_ok && lambda_ok) ? 0 : 1;
}
