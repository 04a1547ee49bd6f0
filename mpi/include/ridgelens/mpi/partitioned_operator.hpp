#pragma once
/// @file partitioned_operator.hpp
/// A row-distributed PETSc matrix (an AIJ matrix or a model's shell) as a
/// single-machine LinearOperator on this rank's rows: x and y are the local
/// parts of PETSc's row distribution, a product is one MatMult, and the
/// operator declares a `RowPartition` whose sums are MPI_Allreduce calls. The
/// library's partition-aware algorithms (multi-shift CG, deflated solves, SLQ,
/// the dense spectrum of a small H; see `compute_path`) then run with O(n/P)
/// memory and work per rank outside the products.
///
/// Collective: every rank applies it and sums in the same order, which the
/// algorithms guarantee because every decision they take depends on summed,
/// hence identical, numbers.
///
/// Thread safety: every product and `RowPartition::sum` is collective (all ranks
/// call them in the same order, from one thread per process); the operator is
/// a view of the matrix, which must outlive it.

#include <mpi.h>
#include <petscmat.h>

#include <cstdint>

#include "ridgelens/export.hpp"
#include "ridgelens/mpi/petsc_session.hpp"
#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens::mpi {

/// PETSc's row split of a communicator: sums by MPI_Allreduce.
class RIDGELENS_API MpiRowPartition final : public RowPartition {
  public:
    MpiRowPartition(MPI_Comm comm, Index global_rows, Index first_row)
        : comm_(comm), global_rows_(global_rows), first_row_(first_row) {}
    Index global_rows() const override { return global_rows_; }
    Index first_row() const override { return first_row_; }
    /// In place, in chunks of at most 2³⁰ values (MPI counts are int).
    void sum(double* values, Index count) const override;

  private:
    MPI_Comm comm_;
    Index global_rows_;
    Index first_row_;
};

class RIDGELENS_API PartitionedOperator {
  public:
    using Scalar = double;
    /// References `matrix` (square, distributed), which must outlive this.
    explicit PartitionedOperator(Mat matrix);
    ~PartitionedOperator();
    PartitionedOperator(const PartitionedOperator&) = delete;
    PartitionedOperator& operator=(const PartitionedOperator&) = delete;

    /// This rank's rows.
    Index rows() const { return last_ - first_; }
    Index cols() const { return rows(); }
    const RowPartition* partition() const { return &partition_; }
    /// y = Hx on this rank's rows (collective).
    void perform_op(const double* x, double* y) const;
    std::int64_t products() const { return products_; }
    Mat matrix() const { return matrix_; }

    /// This rank's rows of a vector every rank holds in full.
    Vector local_rows(const Vector& full) const;

  private:
    Mat matrix_;
    PetscInt first_ = 0, last_ = 0;
    MpiRowPartition partition_;
    Vec in_ = nullptr, out_ = nullptr;
    mutable std::int64_t products_ = 0;
};

}  // namespace ridgelens::mpi
