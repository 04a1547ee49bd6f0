#pragma once
/// @file replicated_operator.hpp
/// A row-distributed PETSc matrix seen as a single-machine LinearOperator on
/// vectors replicated on every rank: y = Hx takes this rank's slice of x,
/// one MatMult, and one allgather of y. With it the single-machine
/// algorithms that take an OperatorRef (compute_path: multi-shift CG, SLQ,
/// Lanczos) run unchanged and redundantly on every rank; H stays distributed,
/// the O(n) vectors do not.
///
/// Collective: every rank must apply it the same number of times in the same
/// order (true of the deterministic single-machine algorithms as long as
/// their reductions are bitwise reproducible: run multithreaded OpenMP
/// reductions with OMP_NUM_THREADS=1 for n ≥ 20000, see the README).

#include <petscmat.h>

#include <cstdint>

#include "ridgelens/mpi/petsc_session.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens::mpi {

class ReplicatedOperator {
  public:
    using Scalar = double;
    /// References `matrix` (square, distributed), which must outlive this.
    explicit ReplicatedOperator(Mat matrix);
    ~ReplicatedOperator();
    ReplicatedOperator(const ReplicatedOperator&) = delete;
    ReplicatedOperator& operator=(const ReplicatedOperator&) = delete;

    Index rows() const { return n_; }
    Index cols() const { return n_; }
    /// y = Hx, x and y full length on every rank.
    void perform_op(const double* x, double* y) const;
    /// diag(H) on every rank (H must support MatGetDiagonal).
    Vector diagonal() const;
    std::int64_t products() const { return products_; }

  private:
    void gather(Vec v, double* full) const;

    Mat matrix_;
    Index n_ = 0;
    PetscInt first_ = 0, last_ = 0;
    Vec in_ = nullptr, out_ = nullptr, gathered_ = nullptr;
    VecScatter to_all_ = nullptr;
    mutable std::int64_t products_ = 0;
};

}  // namespace ridgelens::mpi
