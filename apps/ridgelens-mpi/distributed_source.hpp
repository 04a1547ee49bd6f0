#pragma once
// Where ridgelens-mpi's Hessian and θ̂ come from: a Matrix Market file read
// row-distributed, or the Fashion-MNIST least-squares default (built on every
// rank, 785 × 785, then distributed). Either way a HessianProblem on this
// rank's rows: the matrix as a PartitionedOperator, θ̂ and diag(H) split
// like it, for the library's analyze and compute_path.

#include <memory>
#include <optional>

#include "problem_source.hpp"
#include "progress.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/mpi/partitioned_operator.hpp"
#include "ridgelens/mpi/petsc_session.hpp"

namespace ridgelens::cli {

class DistributedSource {
  public:
    static std::unique_ptr<DistributedSource> load(MPI_Comm comm,
                                                   const ProblemSourceArguments& arguments,
                                                   const Progress& progress);
    /// This rank's rows of the problem (the diagonal included: Jacobi CG).
    const HessianProblem& problem() const { return *problem_; }
    /// The distributed matrix (for the SLEPc eigensolvers and gathers).
    Mat matrix() const { return matrix_.get(); }
    double read_seconds() const { return read_seconds_; }

  private:
    mpi::OwnedMat matrix_;
    std::optional<mpi::PartitionedOperator> hessian_;
    std::optional<HessianProblem> problem_;
    double read_seconds_ = 0;
};

}  // namespace ridgelens::cli
