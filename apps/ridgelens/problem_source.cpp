#include "problem_source.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <random>
#include <sstream>

#include "option_ranges.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/io/memory_budget.hpp"
#include "ridgelens/io/vector_io.hpp"
#include "ridgelens/model/fashion_mnist_least_squares.hpp"
#include "ridgelens/random_vector.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

std::string describe_matrix_file(const std::string& path, const SymmetricMatrixFile& file) {
    std::ostringstream source;
    source << path << " (Matrix Market " << (file.format == "array" ? "array " : "") << file.field
           << " " << file.symmetry << ", " << file.stored_entries
           << (file.format == "array" ? " values" : " stored entries");
    if (file.duplicates_summed > 0)
        source << ", " << file.duplicates_summed << " duplicates summed";
    if (file.symmetry == "general")
        source << ", symmetrized: max relative asymmetry " << file.max_relative_asymmetry;
    source << ")";
    return source.str();
}

}  // namespace

void add_problem_source_options(po::options_description& options, ProblemSourceArguments& a) {
    a.fashion_directory = default_fashion_mnist_directory();
    options.add_options()(
        "hessian", po::value(&a.hessian_path)->value_name("H.mtx"),
        "Hessian as a Matrix Market file, coordinate or dense array (real, symmetric or "
        "general); without it, least squares on Fashion-MNIST")(
        "theta", po::value(&a.theta_path)->value_name("t.mtx"),
        "θ̂ as a Matrix Market array or one number per line (default: a seeded random vector)")(
        "symmetry-tol",
        po::value(&a.symmetry_tolerance)
            ->default_value(1e-10, "1e-10")
            ->notifier(threshold_range("symmetry-tol")),
        "a general matrix is symmetrized if max|a_ij − a_ji| <= this · max|a_ij|, else refused")(
        "class", po::value(&a.fashion_class)->default_value(0),
        "Fashion-MNIST default: the class labelled +1 (0..9)")(
        "fashion-dir", po::value(&a.fashion_directory),
        "Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist)")(
        "seed", po::value(&a.seed)->default_value(1),
        "seed of the Lanczos start vector, the random θ̂ and the probes");
}

void add_gradient_option(po::options_description& options, ProblemSourceArguments& a) {
    options.add_options()(
        "gradient", po::value(&a.gradient_path)->value_name("g.mtx"),
        "with --hessian: g = ∇R(θ̂), read like --theta; θ̂_ridge = (H+λI)⁻¹(Hθ̂ − g) "
        "(default g = 0)");
}

void add_eigen_options(po::options_description& options, EigenOptions& eigen, PsdCheckOptions& psd,
                       EigensolverBackend& backend) {
    options.add_options()(
        "eigensolver",
        po::value<std::string>()->default_value("lanczos")->value_name("NAME")->notifier(
            [&backend](const std::string& name) {
                if (name != "lanczos" && name != "spectra")
                    throw UsageError("--eigensolver = " + name +
                                     " is not known: it must be lanczos or spectra");
                backend = parse_eigensolver_backend(name);
            }),
        "top-k eigensolver: lanczos (this library's thick-restart Lanczos) or spectra "
        "(Spectra's SymEigsSolver); same checks and statuses (ridgelens-mpi: SLEPc, lanczos "
        "only)")("k", po::value(&eigen.k)->default_value(10)->notifier(count_range<Index>("k", 1)),
                 "number of top eigenpairs")(
        "subspace",
        po::value(&eigen.subspace)
            ->default_value(0)
            ->notifier(count_range<Index>("subspace", 0, "max(2k+1, k+20)")),
        "Lanczos subspace size (0: max(2k+1, k+20))")(
        "eigen-tol",
        po::value(&eigen.tolerance)
            ->default_value(1e-10, "1e-10")
            ->notifier(tolerance_below("eigen-tol", max_eigen_tolerance,
                                       "a looser test cannot vouch for "
                                       "the eigenpairs")),
        "relative tolerance of each eigenpair")(
        "max-restarts",
        po::value(&eigen.max_iterations)
            ->default_value(1000)
            ->notifier(count_range<Index>("max-restarts", 1)),
        "cap on Lanczos restarts")("psd-tol",
                                   po::value(&psd.tolerance)
                                       ->default_value(1e-8, "1e-8")
                                       ->notifier(tolerance_range("psd-tol")),
                                   "H is reported indefinite if σ_min < −psd-tol · σ_1")(
        "k-negative",
        po::value(&psd.negative_pairs)
            ->default_value(3)
            ->notifier(count_range<Index>("k-negative", 0, "none")),
        "when H is indefinite, also compute its N most negative eigenpairs (0: none)");
}

std::function<double(std::int64_t n)> planned_bytes(const EigenOptions& eigen,
                                                    double solve_vectors) {
    return [eigen, solve_vectors](std::int64_t n) {
        if (eigen.k >= n) return 0.0;
        const double vectors = 2.0 + solve_vectors;
        return (4.0 + sizeof(double) * vectors) * static_cast<double>(n) +
               lanczos_memory_bytes(eigen, static_cast<Index>(n));
    };
}

void check_eigen_memory(Index n, const EigenOptions& eigen) {
    // The ranges that depend on n first: a k too large is a usage error, not a
    // memory estimate for an impossible basis.
    if (eigen.k < 1 || eigen.k >= n)
        throw UsageError("--k = " + std::to_string(eigen.k) +
                         " must satisfy 1 <= k < n = " + std::to_string(n) + " (H is " +
                         std::to_string(n) + "x" + std::to_string(n) + ")");
    if (eigen.subspace != 0 && eigen.subspace <= eigen.k)
        throw UsageError("--subspace = " + std::to_string(eigen.subspace) +
                         " must satisfy k < subspace (k = " + std::to_string(eigen.k) +
                         "), or be 0 for the default");
    // Lanczos basis, Ritz vectors and a few work vectors, all of length n.
    check_memory_estimate(lanczos_memory_bytes(eigen, n),
                          "the top " + std::to_string(eigen.k) + " eigenpairs of a " +
                              std::to_string(n) + "x" + std::to_string(n) + " H (" +
                              std::to_string(lanczos_subspace_size(eigen, n)) +
                              " Lanczos vectors)");
}

namespace {

/// The Fashion-MNIST least-squares default (no --hessian).
MatrixProblem fashion_mnist_problem(const ProblemSourceArguments& a, const Progress& progress) {
    if (!a.theta_path.empty())
        throw UsageError("--theta needs --hessian (the Fashion-MNIST default fits its own θ̂)");
    if (!a.gradient_path.empty())
        throw UsageError(
            "--gradient needs --hessian (the Fashion-MNIST default is at its minimizer, g = 0)");
    // The dense design matrix (60,000 × 785 doubles) and its Gram matrix.
    check_memory_estimate(60000.0 * 785 * sizeof(double) + 2.0 * 785 * 785 * sizeof(double),
                          "the Fashion-MNIST least-squares problem");
    progress("building the Fashion-MNIST least-squares problem (class " +
             std::to_string(a.fashion_class) + " against the rest)");
    FashionMnistLeastSquares fashion =
        fashion_mnist_least_squares(a.fashion_class, a.fashion_directory);
    MatrixProblem problem(std::move(fashion.hessian), std::move(fashion.fit.theta));
    // The dense H the fit formed: the solves take the dense path (one
    // eigendecomposition for every λ) instead of a sparse factorization
    // of a matrix with no zeros to exploit.
    problem.set_dense(std::move(fashion.fit.hessian));
    problem.describe(fashion.description, fashion.fit.method);
    problem.set_psd_by_construction(true);  // H = XᵀX/n
    return problem;
}

/// A vector file of length n (θ̂ or g), named in the error.
Vector read_vector_of_length(const std::string& path, Index n, const char* what) {
    Vector v = read_vector(path);
    if (v.size() != n)
        throw InputError(path + ": " + what + " has " + std::to_string(v.size()) +
                         " entries but H is " + std::to_string(n) + "x" + std::to_string(n));
    return v;
}

/// --hessian H.mtx with --theta (or a seeded θ̂) and --gradient.
MatrixProblem matrix_file_problem(const ProblemSourceArguments& a, const Progress& progress) {
    progress("reading " + a.hessian_path);
    MatrixMarketOptions options;
    options.symmetry_tolerance = a.symmetry_tolerance;
    options.bytes_after_read = a.bytes_after_read;
    SymmetricMatrixFile file = read_symmetric_matrix_market(a.hessian_path, options);
    for (const std::string& warning : file.warnings) std::cerr << "warning: " << warning << "\n";
    const std::string source = describe_matrix_file(a.hessian_path, file);
    const Index n = file.matrix.rows();
    Vector theta;
    std::string theta_source;
    if (a.theta_path.empty()) {
        theta = seeded_normal_vector(n, a.seed);
        theta_source = "seeded random vector (standard normal entries, seed " +
                       std::to_string(a.seed) + "): no --theta given";
    } else {
        theta = read_vector_of_length(a.theta_path, n, "θ̂");
        theta_source = a.theta_path;
    }
    MatrixProblem problem(std::move(file.matrix), std::move(theta));
    if (!a.gradient_path.empty()) {
        problem.set_gradient(read_vector_of_length(a.gradient_path, n, "the gradient g"));
        theta_source += "; gradient g from " + a.gradient_path;
    }
    problem.describe(source, theta_source);
    return problem;
}

}  // namespace

std::unique_ptr<LoadedProblem> LoadedProblem::load(const ProblemSourceArguments& a,
                                                   const Progress& progress) {
    const auto start = std::chrono::steady_clock::now();
    MatrixProblem problem = a.hessian_path.empty() ? fashion_mnist_problem(a, progress)
                                                   : matrix_file_problem(a, progress);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::make_unique<LoadedProblem>(std::move(problem), seconds);
}

}  // namespace ridgelens::cli
