// Links the installed ridgelens and checks one analysis against a closed form:
// for a diagonal H the ridge transform is θ_i·σ_i/(σ_i+λ) componentwise.

#include <cmath>
#include <cstdio>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/operator/matrix_free_operator.hpp"
#include "ridgelens/version.hpp"

int main() {
    const ridgelens::Index n = 50;
    ridgelens::Vector sigma(n);
    for (ridgelens::Index i = 0; i < n; ++i) sigma[i] = 1.0 / (1.0 + i);  // distinct, descending
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
    options.lambdas = {0.1};
    options.eigen.k = 3;
    const ridgelens::AnalysisResult result = ridgelens::analyze(problem, options);

    double worst = 0;
    for (ridgelens::Index i = 0; i < n; ++i)
        worst =
            std::fmax(worst, std::fabs(result.lambdas[0].ridge.x[i] - sigma[i] / (sigma[i] + 0.1)));
    const double top_error = std::fabs(result.eigen.values[0] - 1.0);
    std::printf("ridgelens %s linked: max |x_i - σ_i/(σ_i+λ)| = %.2e, |σ_1 - 1| = %.2e\n",
                ridgelens::version_string, worst, top_error);
    return (result.ok && worst < 1e-9 && top_error < 1e-10) ? 0 : 1;
}
