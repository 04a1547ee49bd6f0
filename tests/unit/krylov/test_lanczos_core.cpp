// The Krylov layer (lib/krylov): the symmetric tridiagonal eigensolver
// against dense references (LAPACK dsyevd for the values, Eigen's dense
// solver for the eigenvector rows), and the Lanczos recurrence against its
// defining relation A·V = V·T + f·e_mᵀ and the orthonormality of V.

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include <cmath>
#include <vector>

#include "krylov/lanczos_recurrence.hpp"
#include "krylov/tridiagonal_eigen.hpp"
#include "reference.hpp"
#include "ridgelens/random_vector.hpp"

namespace {

using namespace ridgelens;
using krylov::TridiagonalRows;

// y = A x for a dense symmetric A (the matrix must outlive the operator).
struct DenseSymmetricOperator {
    using Scalar = double;
    const DenseMatrix* matrix;
    Index rows() const { return matrix->rows(); }
    Index cols() const { return matrix->cols(); }
    void perform_op(const double* x, double* y) const {
        Eigen::Map<Vector>(y, rows()).noalias() = *matrix * Eigen::Map<const Vector>(x, cols());
    }
};

DenseMatrix dense_tridiagonal(const std::vector<double>& d, const std::vector<double>& e) {
    const Index s = static_cast<Index>(d.size());
    DenseMatrix t = DenseMatrix::Zero(s, s);
    for (Index i = 0; i < s; ++i) {
        t(i, i) = d[i];
        if (i + 1 < s) t(i, i + 1) = t(i + 1, i) = e[i];
    }
    return t;
}

// Random, graded (entries over 12 decades) and Wilkinson W⁺ (pairs of
// eigenvalues equal to ~1e-14 relative) tridiagonal matrices.
std::vector<std::pair<std::vector<double>, std::vector<double>>> test_matrices() {
    std::vector<std::pair<std::vector<double>, std::vector<double>>> cases;
    const Index s = 60;
    const Vector a = seeded_normal_vector(s, 11), b = seeded_normal_vector(s, 12);
    std::vector<double> d(a.data(), a.data() + s), e(b.data(), b.data() + s - 1);
    cases.emplace_back(d, e);
    for (Index i = 0; i < s; ++i) d[i] = std::abs(a[i]) * std::pow(10.0, -12.0 * i / s);
    for (Index i = 0; i + 1 < s; ++i) e[i] = 0.3 * b[i] * std::pow(10.0, -12.0 * i / s);
    cases.emplace_back(d, e);
    std::vector<double> wd(21), we(20, 1.0);
    for (Index i = 0; i < 21; ++i) wd[i] = std::abs(10.0 - static_cast<double>(i));
    cases.emplace_back(wd, we);
    return cases;
}

TEST(TridiagonalEigen, ValuesMatchLapackAndRowsMatchTheDenseEigenvectors) {
    for (const auto& [d, e] : test_matrices()) {
        const Index s = static_cast<Index>(d.size());
        const DenseMatrix t = dense_tridiagonal(d, e);
        const double norm = t.cwiseAbs().rowwise().sum().maxCoeff();
        const Vector reference = ridgelens::testing::dense_eigenvalues_descending(t).reverse();
        const Eigen::SelfAdjointEigenSolver<DenseMatrix> dense(t);
        for (const TridiagonalRows wanted : {TridiagonalRows::none, TridiagonalRows::first,
                                             TridiagonalRows::last, TridiagonalRows::all}) {
            const krylov::TridiagonalEigen result =
                krylov::tridiagonal_eigen(d.data(), e.data(), s, wanted);
            ASSERT_EQ(result.values.size(), s);
            EXPECT_LE((result.values - reference).cwiseAbs().maxCoeff(), 1e-14 * norm);
            if (wanted == TridiagonalRows::none) continue;
            if (wanted == TridiagonalRows::all) {
                const DenseMatrix& z = result.rows;
                EXPECT_LE((t * z - z * result.values.asDiagonal()).cwiseAbs().maxCoeff(),
                          1e-13 * norm);
                EXPECT_LE((z.transpose() * z - DenseMatrix::Identity(s, s)).cwiseAbs().maxCoeff(),
                          1e-13);
                continue;
            }
            // One row: equal to the dense eigenvectors' row up to each column's
            // sign, where the eigenvalue is well separated (ε‖T‖/gap ≤ 1e-11; a cluster's
            // eigenvectors are defined only as a subspace: compare squares summed
            // over the cluster).
            ASSERT_EQ(result.rows.rows(), 1);
            const Index row = wanted == TridiagonalRows::first ? 0 : s - 1;
            for (Index l = 0; l < s;) {
                Index end = l + 1;
                while (end < s && reference[end] - reference[end - 1] < 1e-4 * norm) ++end;
                double mine = 0, theirs = 0;
                for (Index j = l; j < end; ++j) {
                    mine += result.rows(0, j) * result.rows(0, j);
                    theirs += dense.eigenvectors()(row, j) * dense.eigenvectors()(row, j);
                }
                EXPECT_NEAR(std::sqrt(mine), std::sqrt(theirs), 1e-11) << "column " << l;
                l = end;
            }
        }
    }
}

TEST(TridiagonalEigen, OneByOneAndDiagonal) {
    const double d1 = 3.5, none = 0;
    const krylov::TridiagonalEigen one =
        krylov::tridiagonal_eigen(&d1, &none, 1, TridiagonalRows::all);
    EXPECT_EQ(one.values[0], 3.5);
    EXPECT_EQ(std::abs(one.rows(0, 0)), 1.0);
    const std::vector<double> d{3, -1, 2}, e{0, 0};
    const krylov::TridiagonalEigen diagonal =
        krylov::tridiagonal_eigen(d.data(), e.data(), 3, TridiagonalRows::first);
    EXPECT_EQ(diagonal.values, (Vector(3) << -1, 2, 3).finished());
    EXPECT_EQ(diagonal.rows, (DenseMatrix(1, 3) << 0, 0, 1).finished());
}

// A symmetric matrix with a known spectrum (and its eigenvectors U).
struct KnownMatrix {
    DenseMatrix a, u;
};

KnownMatrix known_matrix(Index n) {
    Vector spectrum(n);
    for (Index i = 0; i < n; ++i) spectrum[i] = 100.0 / (1.0 + i) - 0.5;
    DenseMatrix gaussian(n, n);
    for (Index j = 0; j < n; ++j) gaussian.col(j) = seeded_normal_vector(n, 100 + j);
    const DenseMatrix q = gaussian.householderQr().householderQ();
    return {q * spectrum.asDiagonal() * q.transpose(), q};
}

// Expands `steps` columns from column `first` and checks
// A·V_L = V_L·T_L + f·e_mᵀ (V_L the Lanczos columns, T_L their block of T)
// and the orthonormality of all the columns.
void check_relation(const DenseMatrix& a, krylov::LanczosBasis& basis, Index first, Index steps) {
    const Index n = a.rows();
    double beta = 0;
    std::uint64_t seed = 5;
    const Index last = basis.expand(first, true, beta, seed, [&](Index m, double) {
        return m + 1 == first + steps ? krylov::AfterStep::stop : krylov::AfterStep::next;
    });
    ASSERT_EQ(last, first + steps - 1);
    DenseMatrix v(n, first + steps);
    for (Index j = 0; j < first + steps; ++j)
        v.col(j) = Eigen::Map<const Vector>(basis.column(j), n);
    const double norm = a.cwiseAbs().rowwise().sum().maxCoeff();
    EXPECT_LE((v.transpose() * v - DenseMatrix::Identity(first + steps, first + steps))
                  .cwiseAbs()
                  .maxCoeff(),
              1e-13);
    const DenseMatrix lanczos = v.rightCols(steps);
    const DenseMatrix t = basis.t().block(first, first, steps, steps);
    DenseMatrix defect = a * lanczos - lanczos * t;
    defect.col(steps - 1) -= basis.residual();
    EXPECT_LE(defect.cwiseAbs().maxCoeff(), 1e-12 * norm);
    EXPECT_NEAR(basis.residual().norm(), beta, 1e-14 * norm);
    // T is tridiagonal to rounding, its diagonal the recorded α.
    for (Index i = 0; i < steps; ++i) {
        EXPECT_DOUBLE_EQ(basis.alpha(first + i), t(i, i));
        for (Index j = i + 2; j < steps; ++j) EXPECT_LE(std::abs(t(i, j)), 1e-12 * norm);
    }
}

TEST(LanczosRecurrence, FullReorthogonalizationSatisfiesTheLanczosRelation) {
    const Index n = 300, steps = 60;
    const KnownMatrix known = known_matrix(n);
    DenseSymmetricOperator op{&known.a};
    krylov::LanczosBasis basis(op, steps, krylov::Reorthogonalization::full);
    basis.set_random_column(0, 3);
    check_relation(known.a, basis, 0, steps);
}

TEST(LanczosRecurrence, LockedColumnsDeflateTheOperator) {
    const Index n = 300, k = 6, steps = 50;
    const KnownMatrix known = known_matrix(n);
    DenseSymmetricOperator op{&known.a};
    krylov::LanczosBasis basis(op, k + steps, krylov::Reorthogonalization::full);
    basis.set_columns(0, known.u.leftCols(k));
    const Vector z = seeded_normal_vector(n, 8);
    const double squares = basis.set_start_column(k, z.data());
    const Vector projected = z - known.u.leftCols(k) * (known.u.leftCols(k).transpose() * z);
    EXPECT_NEAR(squares, projected.squaredNorm(), 1e-12 * z.squaredNorm());
    check_relation(known.a, basis, k, steps);
    // No Lanczos vector has a component along the locked eigenvectors.
    for (Index j = k; j < k + steps; ++j)
        EXPECT_LE((known.u.leftCols(k).transpose() * Eigen::Map<const Vector>(basis.column(j), n))
                      .cwiseAbs()
                      .maxCoeff(),
                  1e-13);
}

TEST(LanczosRecurrence, ThreeTermOnlyMatchesATextbookLanczos) {
    const Index n = 300, steps = 12;
    const KnownMatrix known = known_matrix(n);
    DenseSymmetricOperator op{&known.a};
    krylov::LanczosBasis basis(op, steps, krylov::Reorthogonalization::none);
    const Vector start = seeded_normal_vector(n, 4);
    basis.set_start_column(0, start.data());
    std::vector<double> betas;
    double beta = 0;
    std::uint64_t seed = 1;
    basis.expand(0, true, beta, seed, [&](Index m, double b) {
        betas.push_back(b);
        return m + 1 == steps ? krylov::AfterStep::stop : krylov::AfterStep::next;
    });
    // The textbook recurrence, written out with Eigen.
    Vector previous = Vector::Zero(n), current = start.normalized();
    double b_previous = 0;
    for (Index j = 0; j < steps; ++j) {
        Vector w = known.a * current - b_previous * previous;
        const double alpha = current.dot(w);
        w -= alpha * current;
        const double b = w.norm();
        EXPECT_NEAR(basis.alpha(j), alpha, 1e-10 * 100) << "step " << j;
        EXPECT_NEAR(betas[static_cast<std::size_t>(j)], b, 1e-10 * 100) << "step " << j;
        previous = current;
        current = w / b;
        b_previous = b;
    }
}

}  // namespace
