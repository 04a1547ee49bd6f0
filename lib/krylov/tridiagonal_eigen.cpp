#include "krylov/tridiagonal_eigen.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace ridgelens::krylov {
namespace {

// The rows of the identity that Z starts from.
DenseMatrix initial_rows(Index s, TridiagonalRows wanted) {
    switch (wanted) {
        case TridiagonalRows::none:
            return DenseMatrix(0, s);
        case TridiagonalRows::first:
        case TridiagonalRows::last: {
            DenseMatrix row = DenseMatrix::Zero(1, s);
            row(0, wanted == TridiagonalRows::first ? 0 : s - 1) = 1.0;
            return row;
        }
        case TridiagonalRows::all:
            break;
    }
    return DenseMatrix::Identity(s, s);
}

// Z ← Z·G for the plane rotation G on columns i, i+1 (tracked rows only).
void rotate(DenseMatrix& z, Index i, double sine, double cosine) {
    for (Index q = 0; q < z.rows(); ++q) {
        const double zf = z(q, i + 1);
        z(q, i + 1) = sine * z(q, i) + cosine * zf;
        z(q, i) = cosine * z(q, i) - sine * zf;
    }
}

// One implicit QL sweep on the unreduced block [l, m] (Wilkinson shift from
// its leading 2 × 2 block). Returns false when an underflowing rotation split
// the block (the caller looks for the split again).
bool ql_sweep(std::vector<double>& d, std::vector<double>& e, Index l, Index m, DenseMatrix& z) {
    double g = (d[l + 1] - d[l]) / (2 * e[l]);
    double r = std::hypot(g, 1.0);
    g = d[m] - d[l] + e[l] / (g + std::copysign(r, g));
    double sine = 1, cosine = 1, p = 0;
    for (Index i = m - 1; i >= l; --i) {
        const double f = sine * e[i];
        const double b = cosine * e[i];
        r = std::hypot(f, g);
        e[i + 1] = r;
        if (r == 0) {  // underflow: the matrix splits at i+1
            d[i + 1] -= p;
            e[m] = 0;
            return false;
        }
        sine = f / r;
        cosine = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * sine + 2 * cosine * b;
        p = sine * r;
        d[i + 1] = g + p;
        g = cosine * r - b;
        rotate(z, i, sine, cosine);
    }
    d[l] -= p;
    e[l] = g;
    e[m] = 0;
    return true;
}

// The QL iteration in place (d becomes the eigenvalues, unsorted); false if
// an eigenvalue needs more than 60 sweeps.
bool implicit_ql(std::vector<double>& d, std::vector<double>& e, DenseMatrix& z) {
    const Index s = static_cast<Index>(d.size());
    const double eps = std::numeric_limits<double>::epsilon();
    for (Index l = 0; l < s; ++l) {
        int iterations = 0;
        for (;;) {
            Index m = l;  // a negligible off-diagonal entry e[m] (m ≥ l): split there
            for (; m < s - 1; ++m)
                if (std::abs(e[m]) <= eps * (std::abs(d[m]) + std::abs(d[m + 1]))) break;
            if (m == l) break;
            if (++iterations > 60) return false;
            ql_sweep(d, e, l, m, z);
        }
    }
    return true;
}

TridiagonalEigen eigen_fallback(const double* d, const double* e, Index s, TridiagonalRows wanted) {
    Eigen::SelfAdjointEigenSolver<DenseMatrix> eigen;
    eigen.computeFromTridiagonal(
        Eigen::Map<const Vector>(d, s), Eigen::Map<const Vector>(e, s - 1),
        wanted == TridiagonalRows::none ? Eigen::EigenvaluesOnly : Eigen::ComputeEigenvectors);
    TridiagonalEigen out{eigen.eigenvalues(), DenseMatrix(0, s), false};
    if (wanted == TridiagonalRows::first) out.rows = eigen.eigenvectors().topRows(1);
    if (wanted == TridiagonalRows::last) out.rows = eigen.eigenvectors().bottomRows(1);
    if (wanted == TridiagonalRows::all) out.rows = eigen.eigenvectors();
    return out;
}

}  // namespace

TridiagonalEigen tridiagonal_eigen(const double* d, const double* e, Index s,
                                   TridiagonalRows wanted) {
    if (s <= 0) return {Vector(0), DenseMatrix(0, 0), true};
    std::vector<double> diagonal(d, d + s);
    std::vector<double> off(static_cast<std::size_t>(s), 0.0);
    std::copy(e, e + (s - 1), off.begin());
    DenseMatrix z = initial_rows(s, wanted);
    if (!implicit_ql(diagonal, off, z)) return eigen_fallback(d, e, s, wanted);
    // Ascending order, the columns of Z carried along.
    std::vector<Index> order(static_cast<std::size_t>(s));
    std::iota(order.begin(), order.end(), Index{0});
    std::sort(order.begin(), order.end(),
              [&](Index x, Index y) { return diagonal[x] < diagonal[y]; });
    TridiagonalEigen out{Vector(s), DenseMatrix(z.rows(), s), true};
    for (Index i = 0; i < s; ++i) {
        out.values[i] = diagonal[order[i]];
        out.rows.col(i) = z.col(order[i]);
    }
    return out;
}

}  // namespace ridgelens::krylov
