#pragma once
// Where ridgelens-mpi's Hessian and θ̂ come from: a Matrix Market file read
// row-distributed, or the Fashion-MNIST least-squares default (built on every
// rank, 785 × 785, then distributed).

#include <memory>

#include "problem_source.hpp"
#include "progress.hpp"
#include "ridgelens/mpi/distributed_analysis.hpp"

namespace ridgelens::cli {

class DistributedSource {
  public:
    static std::unique_ptr<DistributedSource> load(MPI_Comm comm,
                                                   const ProblemSourceArguments& arguments,
                                                   const Progress& progress);
    const mpi::DistributedProblem& problem() const { return problem_; }
    double read_seconds() const { return read_seconds_; }

  private:
    mpi::OwnedMat matrix_;
    mpi::OwnedVec theta_;
    mpi::DistributedProblem problem_;
    double read_seconds_ = 0;
};

}  // namespace ridgelens::cli
