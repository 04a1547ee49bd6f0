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
    Vector theta;  // in full on every rank, then sliced (O(n) per rank)
    std::string description, theta_source;
    std::int64_t nonzeros = 0;
    bool psd_by_construction = false;
    if (a.hessian_path.empty()) {
        // The small default: the single-machine loader on every rank.
        std::unique_ptr<LoadedProblem> loaded = LoadedProblem::load(a, progress);
        const HessianProblem& full = loaded->problem();
        source->matrix_ = mpi::distribute_matrix(comm, *full.matrix);
        theta = full.theta;
        description = full.source;
        theta_source = full.theta_source;
        nonzeros = full.nonzeros;
        psd_by_construction = full.psd_by_construction;
    } else {
        progress("reading " + a.hessian_path + " row-distributed over " +
                 std::to_string(mpi::size(comm)) + " ranks");
        mpi::DistributedMatrixFile file =
            mpi::read_distributed_matrix_market(comm, a.hessian_path, a.symmetry_tolerance);
        if (mpi::rank(comm) == 0)
            for (const std::string& warning : file.warnings)
                std::cerr << "warning: " << warning << "\n";
        std::ostringstream text;
        text << a.hessian_path << " (Matrix Market " << file.field << " " << file.symmetry << ", "
             << file.stored_entries << " stored entries";
        if (file.symmetry == "general")
            text << ", symmetrized: max relative asymmetry " << file.max_relative_asymmetry;
        text << "; row-distributed over " << mpi::size(comm) << " ranks)";
        description = text.str();
        nonzeros = file.nonzeros;
        source->matrix_ = std::move(file.matrix);
        const Index n = static_cast<Index>(file.n);
        if (a.theta_path.empty()) {
            theta = seeded_normal_vector(n, a.seed);
            theta_source = "seeded random vector (standard normal entries, seed " +
                           std::to_string(a.seed) + "): no --theta given";
        } else {
            theta = read_vector(a.theta_path);
            if (theta.size() != n)
                throw InputError(a.theta_path + ": θ̂ has " + std::to_string(theta.size()) +
                                 " entries but H is " + std::to_string(n) + "x" +
                                 std::to_string(n));
            theta_source = a.theta_path;
        }
    }
    const mpi::PartitionedOperator& hessian = source->hessian_.emplace(source->matrix_.get());
    HessianProblem& problem = source->problem_.emplace(HessianProblem{hessian});
    problem.theta = hessian.local_rows(theta);
    problem.diagonal = mpi::local_diagonal(source->matrix_.get());
    problem.source = std::move(description);
    problem.theta_source = std::move(theta_source);
    problem.nonzeros = nonzeros;
    problem.psd_by_construction = psd_by_construction;
    source->read_seconds_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return source;
}

}  // namespace ridgelens::cli
