#include "ridgelens/model/dense_least_squares.hpp"

#include <cblas.h>

#include <Eigen/Eigenvalues>
#include <limits>
#include <sstream>

#include "ridgelens/error.hpp"

namespace ridgelens {

DenseMatrix with_intercept_column(const DenseMatrix& features) {
    DenseMatrix result(features.rows(), features.cols() + 1);
    result.leftCols(features.cols()) = features;
    result.col(features.cols()).setOnes();
    return result;
}

SparseMatrix dense_symmetric_to_sparse(const DenseMatrix& matrix) {
    const Index n = matrix.rows();
    std::vector<Eigen::Triplet<double, int>> entries;
    entries.reserve(static_cast<std::size_t>(n * n));
    for (Index j = 0; j < n; ++j)
        for (Index i = 0; i < n; ++i)
            if (i == j || matrix(i, j) != 0.0)
                entries.emplace_back(static_cast<int>(i), static_cast<int>(j), matrix(i, j));
    SparseMatrix sparse(n, n);
    sparse.setFromTriplets(entries.begin(), entries.end());
    sparse.makeCompressed();
    return sparse;
}

DenseLeastSquares fit_dense_least_squares(const DenseMatrix& features, const Vector& targets) {
    const Index n = features.rows();
    const Index p = features.cols();
    if (n == 0 || p == 0) throw UsageError("least squares: empty feature matrix");
    if (targets.size() != n)
        throw UsageError("least squares: " + std::to_string(n) + " samples but " +
                         std::to_string(targets.size()) + " targets");

    DenseLeastSquares fit;
    fit.samples = n;
    fit.parameters = p;
    // H = XᵀX/n by one BLAS-3 pass over X (lower triangle, then mirrored).
    fit.hessian = DenseMatrix::Zero(p, p);
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, static_cast<int>(p), static_cast<int>(n),
                1.0 / static_cast<double>(n), features.data(), static_cast<int>(n), 0.0,
                fit.hessian.data(), static_cast<int>(p));
    fit.hessian.triangularView<Eigen::StrictlyUpper>() =
        fit.hessian.triangularView<Eigen::StrictlyLower>().transpose();
    fit.moment = Vector::Zero(p);
    cblas_dgemv(CblasColMajor, CblasTrans, static_cast<int>(n), static_cast<int>(p),
                1.0 / static_cast<double>(n), features.data(), static_cast<int>(n), targets.data(),
                1, 0.0, fit.moment.data(), 1);

    // θ̂ = H⁺ Xᵀy/n from the eigendecomposition (ascending in Eigen).
    Eigen::SelfAdjointEigenSolver<DenseMatrix> eigen(fit.hessian);
    if (eigen.info() != Eigen::Success)
        throw Error("least squares: the eigendecomposition of H did not converge");
    const Vector& values = eigen.eigenvalues();
    const DenseMatrix& vectors = eigen.eigenvectors();
    fit.spectrum = values.reverse();
    const double sigma_max = values.cwiseAbs().maxCoeff();
    fit.rank_threshold =
        static_cast<double>(p) * std::numeric_limits<double>::epsilon() * sigma_max;
    Vector coefficients = vectors.transpose() * fit.moment;
    for (Index j = 0; j < p; ++j) {
        if (values[j] > fit.rank_threshold) {
            coefficients[j] /= values[j];
            ++fit.rank;
        } else {
            coefficients[j] = 0;
        }
    }
    fit.theta = vectors * coefficients;
    fit.normal_equation_residual =
        (fit.hessian * fit.theta - fit.moment).norm() / std::max(fit.moment.norm(), 1e-300);
    // The part of θ̂ in the numerical null space (0 up to rounding by construction).
    Vector theta_null = Vector::Zero(p);
    for (Index j = 0; j < p; ++j)
        if (values[j] <= fit.rank_threshold)
            theta_null += vectors.col(j).dot(fit.theta) * vectors.col(j);
    fit.null_space_component = theta_null.norm() / std::max(fit.theta.norm(), 1e-300);

    std::ostringstream method;
    method << "minimum-norm least-squares minimizer θ̂ = H⁺Xᵀy/n from the full eigendecomposition "
              "of H = XᵀX/n (rank "
           << fit.rank << " of " << p << ", eigenvalues <= " << fit.rank_threshold
           << " treated as null); normal-equation residual ||Hθ̂ - Xᵀy/n||/||Xᵀy/n|| = "
           << fit.normal_equation_residual;
    fit.method = method.str();
    return fit;
}

}  // namespace ridgelens
