#pragma once
// Where a command's Hessian and θ̂ come from (a Matrix Market file, or the
// Fashion-MNIST least-squares default), and the options shared by commands.

#include <boost/program_options/options_description.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "progress.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/spectrum/eigensolvers.hpp"

namespace ridgelens::cli {

struct ProblemSourceArguments {
    std::string hessian_path;
    std::string theta_path;
    std::string gradient_path;  ///< --gradient (ridgelens analyze/path only); empty: g = 0
    double symmetry_tolerance = 1e-10;
    int fashion_class = 0;
    std::string fashion_directory;
    std::uint64_t seed = 1;
    /// Bytes the command will need for an n×n H after reading it (see
    /// planned_bytes): a declared size beyond the memory budget is refused at
    /// the size line, before anything of that size is allocated.
    std::function<double(std::int64_t n)> bytes_after_read;
};

/// --hessian, --theta, --symmetry-tol, --class, --fashion-dir, --seed.
void add_problem_source_options(boost::program_options::options_description& options,
                                ProblemSourceArguments& arguments);

/// --gradient g.mtx: the gradient of a --hessian problem at θ̂ (`ridgelens`
/// analyze and path; LoadedProblem::load reads it and refuses it without --hessian).
void add_gradient_option(boost::program_options::options_description& options,
                         ProblemSourceArguments& arguments);

/// --k, --subspace, --eigen-tol, --max-restarts, --psd-tol, --k-negative into
/// `eigen` / `psd`, and --eigensolver lanczos|spectra into `backend`.
void add_eigen_options(boost::program_options::options_description& options, EigenOptions& eigen,
                       PsdCheckOptions& psd, EigensolverBackend& backend);

/// Throws ResourceError (exit 4) if the Lanczos basis and Ritz vectors of the
/// top-k computation on an n-dimensional H would not fit in memory; call it
/// before compute_top_eigenpairs / analyze / compute_path.
void check_eigen_memory(Index n, const EigenOptions& eigen);

/// Bytes a command keeps for an n×n H once it is read: the operator's copy of
/// one triangle's column pointers, its diagonal, θ̂, the eigen step and
/// `solve_vectors` further vectors of length n (solutions, solver workspace).
/// 0 when k ≥ n (that is refused as a usage error once n is known).
std::function<double(std::int64_t n)> planned_bytes(const EigenOptions& eigen,
                                                    double solve_vectors);

/// A loaded problem (an explicit H: it owns everything its view refers to).
class LoadedProblem {
  public:
    LoadedProblem(MatrixProblem problem, double read_seconds)
        : problem_(std::move(problem)), read_seconds_(read_seconds) {}
    const HessianProblem& problem() const { return problem_.problem(); }
    double read_seconds() const { return read_seconds_; }

    /// From --hessian (and --theta), or the Fashion-MNIST default without --hessian.
    static std::unique_ptr<LoadedProblem> load(const ProblemSourceArguments& arguments,
                                               const Progress& progress);

  private:
    MatrixProblem problem_;
    double read_seconds_ = 0;
};

}  // namespace ridgelens::cli
