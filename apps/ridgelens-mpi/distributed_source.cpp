#include "distributed_source.hpp"

#include <chrono>
#include <iostream>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/io/vector_io.hpp"
#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/distributed_matrix_market.hpp"
#include "ridgelens/random_vector.hpp"

namespace ridgelens::cli {

std::unique_ptr<DistributedSource> DistributedSource::load(MPI_Comm comm,
                                                           const ProblemSourceArguments& a,
                                                           const Progress& progress) {
    const auto start = std::chrono::steady_clock::now();
    auto source = std::make_unique<DistributedSource>();
    mpi::DistributedProblem& problem = source->problem_;
    if (a.hessian_path.empty()) {
        // The small default: the single-machine loader on every rank.
        std::unique_ptr<LoadedProblem> loaded = LoadedProblem::load(a, progress);
        const HessianProblem& full = loaded->problem();
        source->matrix_ = mpi::distribute_matrix(comm, *full.matrix);
        source->theta_ = mpi::distribute_vector(source->matrix_.get(), full.theta);
        problem.source = full.source;
        problem.theta_source = full.theta_source;
        problem.nonzeros = full.nonzeros;
        problem.psd_by_construction = full.psd_by_construction;
    } else {
        progress("reading " + a.hessian_path + " row-distributed over " +
                 std::to_string(mpi::size(comm)) + " ranks");
        mpi::DistributedMatrixFile file =
            mpi::read_distributed_matrix_market(comm, a.hessian_path, a.symmetry_tolerance);
        if (mpi::rank(comm) == 0)
            for (const std::string& warning : file.warnings)
                std::cerr << "warning: " << warning << "\n";
        std::ostringstream description;
        description << a.hessian_path << " (Matrix Market " << file.field << " " << file.symmetry
                    << ", " << file.stored_entries << " stored entries";
        if (file.symmetry == "general")
            description << ", symmetrized: max relative asymmetry " << file.max_relative_asymmetry;
        description << "; row-distributed over " << mpi::size(comm) << " ranks)";
        problem.source = description.str();
        problem.nonzeros = file.nonzeros;
        source->matrix_ = std::move(file.matrix);
        const Index n = static_cast<Index>(file.n);
        // θ̂ is formed in full on every rank, then sliced (O(n) per rank).
        Vector theta;
        if (a.theta_path.empty()) {
            theta = seeded_normal_vector(n, a.seed);
            problem.theta_source = "seeded random vector (standard normal entries, seed " +
                                   std::to_string(a.seed) + "): no --theta given";
        } else {
            theta = read_vector(a.theta_path);
            if (theta.size() != n)
                throw InputError(a.theta_path + ": θ̂ has " + std::to_string(theta.size()) +
                                 " entries but H is " + std::to_string(n) + "x" +
                                 std::to_string(n));
            problem.theta_source = a.theta_path;
        }
        source->theta_ = mpi::distribute_vector(source->matrix_.get(), theta);
    }
    problem.hessian = source->matrix_.get();
    problem.explicit_matrix = true;
    problem.theta = source->theta_.get();
    source->read_seconds_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return source;
}

}  // namespace ridgelens::cli
