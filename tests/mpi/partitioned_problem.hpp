#pragma once
// A HessianProblem on this rank's rows of a row-distributed matrix, as the
// MPI programs build it: the matrix as a PartitionedOperator, θ̂ and diag(H)
// split like it, and SLEPc's eigensolvers for the library's analyze.

#include <utility>

#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_eigen.hpp"
#include "ridgelens/mpi/partitioned_operator.hpp"

namespace ridgelens::testing {

struct PartitionedProblem {
    /// `theta` in full on every rank; `with_diagonal`: Jacobi CG λ by λ
    /// (else deflated multi-shift CG).
    PartitionedProblem(mpi::OwnedMat owned, const Vector& theta, bool with_diagonal = true)
        : matrix(std::move(owned)), op(matrix.get()), problem{op} {
        problem.theta = op.local_rows(theta);
        if (with_diagonal) problem.diagonal = mpi::local_diagonal(matrix.get());
    }
    PartitionedProblem(const PartitionedProblem&) = delete;
    PartitionedProblem& operator=(const PartitionedProblem&) = delete;

    /// `options` with SLEPc's eigensolvers on this matrix.
    AnalyzeOptions with_eigensolvers(AnalyzeOptions options) const {
        options.eigensolvers = mpi::slepc_eigensolvers(matrix.get());
        return options;
    }
    /// The whole vector on every rank from this rank's rows of it.
    Vector gather(const Vector& local) const { return mpi::gather_rows(matrix.get(), local); }

    mpi::OwnedMat matrix;
    mpi::PartitionedOperator op;
    HessianProblem problem;
};

}  // namespace ridgelens::testing
