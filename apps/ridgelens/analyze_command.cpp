// `ridgelens analyze`: the decay analysis of one Hessian for one or more λ.

#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "progress.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/io/vector_io.hpp"
#include "ridgelens/model/fashion_mnist_least_squares.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/report/json_report.hpp"
#include "summary_table.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;

struct AnalyzeArguments {
    std::string hessian_path;
    std::string theta_path;
    std::vector<double> lambdas;
    Index k = 10;
    Index subspace = 0;
    double eigen_tolerance = 1e-10;
    Index max_restarts = 1000;
    std::string solver = "auto";
    double tolerance = 1e-10;
    Index max_cg_iterations = 0;
    double symmetry_tolerance = 1e-10;
    double psd_tolerance = 1e-8;
    std::string out_path;
    std::string theta_ridge_out;
    int fashion_class = 0;
    std::string fashion_directory = default_fashion_mnist_directory();
    std::uint64_t seed = 1;
    bool quiet = false;
};

po::options_description analyze_options(AnalyzeArguments& a) {
    po::options_description options(
        "ridgelens analyze [--hessian H.mtx [--theta t.mtx]] --lambda L [--lambda L2 …] "
        "[options]\n\n"
        "Top-k eigenpairs of H, the decay factor f_j = σ_j/(σ_j+λ) of each eigen-direction,\n"
        "the components c_j = q_jᵀθ̂, and the exact transform θ̂_ridge = (H+λI)⁻¹Hθ̂.\n"
        "Without --hessian: least squares on Fashion-MNIST (class --class against the rest),\n"
        "H = XᵀX/n, θ̂ the minimum-norm minimizer, λ = 0.01 and 1 unless given.\n\nOptions");
    options.add_options()("help,h", "show this help")(
        "hessian", po::value(&a.hessian_path)->value_name("H.mtx"),
        "Hessian as a Matrix Market coordinate file (real, symmetric or general)")(
        "theta", po::value(&a.theta_path)->value_name("t.mtx"),
        "θ̂ as a Matrix Market array or one number per line "
        "(default: a seeded random vector)")(
        "lambda", po::value(&a.lambdas)->composing()->value_name("L"),
        "penalty strength λ >= 0; repeat for several (eigenpairs and CHOLMOD's analysis "
        "are reused)")("k", po::value(&a.k)->default_value(10), "number of top eigenpairs")(
        "subspace", po::value(&a.subspace)->default_value(0),
        "Lanczos subspace size (0: max(2k+1, k+20))")(
        "eigen-tol", po::value(&a.eigen_tolerance)->default_value(1e-10, "1e-10"),
        "relative tolerance of each eigenpair")(
        "max-restarts", po::value(&a.max_restarts)->default_value(1000), "cap on Lanczos restarts")(
        "solver", po::value(&a.solver)->default_value("auto"),
        "auto | cholmod | cg: how (H+λI)x = Hθ̂ is solved (auto: CHOLMOD when the "
        "factor fits in memory)")("tol", po::value(&a.tolerance)->default_value(1e-10, "1e-10"),
                                  "relative residual tolerance of CG")(
        "max-cg-iterations", po::value(&a.max_cg_iterations)->default_value(0),
        "cap on CG iterations (0: 10·n, at most 100000)")(
        "symmetry-tol", po::value(&a.symmetry_tolerance)->default_value(1e-10, "1e-10"),
        "a general matrix is symmetrized if max|a_ij − a_ji| <= this · max|a_ij|, "
        "else refused")("psd-tol", po::value(&a.psd_tolerance)->default_value(1e-8, "1e-8"),
                        "H is reported indefinite if σ_min < −psd-tol · σ_1")(
        "out", po::value(&a.out_path)->value_name("report.json"),
        "write the JSON report here (atomically)")(
        "theta-ridge-out", po::value(&a.theta_ridge_out)->value_name("x.mtx"),
        "write θ̂_ridge of the first λ as a Matrix Market array")(
        "class", po::value(&a.fashion_class)->default_value(0),
        "Fashion-MNIST default: the class labelled +1 (0..9)")(
        "fashion-dir", po::value(&a.fashion_directory),
        "Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist)")(
        "seed", po::value(&a.seed)->default_value(1),
        "seed of the Lanczos start vector and "
        "of the random θ̂")("quiet,q", po::bool_switch(&a.quiet), "no progress messages on stderr");
    return options;
}

// The problem and everything its OperatorRef points into.
struct LoadedProblem {
    SparseMatrix matrix;
    std::unique_ptr<SparseSymmetricOperator> op;
    std::optional<HessianProblem> problem;  // refers to *op
};

Vector seeded_random_theta(Index n, std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    Vector theta(n);
    for (Index i = 0; i < n; ++i) theta[i] = normal(generator);
    return theta;
}

std::unique_ptr<LoadedProblem> load_matrix_problem(const AnalyzeArguments& a,
                                                   const Progress& progress) {
    auto loaded = std::make_unique<LoadedProblem>();
    progress("reading " + a.hessian_path);
    MatrixMarketOptions options;
    options.symmetry_tolerance = a.symmetry_tolerance;
    SymmetricMatrixFile file = read_symmetric_matrix_market(a.hessian_path, options);
    for (const std::string& warning : file.warnings) std::cerr << "warning: " << warning << "\n";
    loaded->matrix = std::move(file.matrix);
    loaded->op = std::make_unique<SparseSymmetricOperator>(loaded->matrix);
    HessianProblem& problem = loaded->problem.emplace(HessianProblem{*loaded->op});
    problem.matrix = &loaded->matrix;
    problem.diagonal = loaded->op->diagonal();
    problem.nonzeros = loaded->matrix.nonZeros();
    std::ostringstream source;
    source << a.hessian_path << " (Matrix Market " << file.field << " " << file.symmetry << ", "
           << file.stored_entries << " stored entries";
    if (file.duplicates_summed > 0)
        source << ", " << file.duplicates_summed << " duplicates summed";
    if (file.symmetry == "general")
        source << ", symmetrized: max relative asymmetry " << file.max_relative_asymmetry;
    source << ")";
    problem.source = source.str();
    const Index n = loaded->matrix.rows();
    if (a.theta_path.empty()) {
        problem.theta = seeded_random_theta(n, a.seed);
        problem.theta_source = "seeded random vector (standard normal entries, seed " +
                               std::to_string(a.seed) + "): no --theta given";
    } else {
        problem.theta = read_vector(a.theta_path);
        if (problem.theta.size() != n)
            throw InputError(a.theta_path + ": θ̂ has " + std::to_string(problem.theta.size()) +
                             " entries but H is " + std::to_string(n) + "x" + std::to_string(n));
        problem.theta_source = a.theta_path;
    }
    return loaded;
}

std::unique_ptr<LoadedProblem> load_fashion_problem(const AnalyzeArguments& a,
                                                    const Progress& progress) {
    auto loaded = std::make_unique<LoadedProblem>();
    progress("building the Fashion-MNIST least-squares problem (class " +
             std::to_string(a.fashion_class) + " against the rest)");
    FashionMnistLeastSquares fashion =
        fashion_mnist_least_squares(a.fashion_class, a.fashion_directory);
    loaded->matrix = std::move(fashion.hessian);
    loaded->op = std::make_unique<SparseSymmetricOperator>(loaded->matrix);
    HessianProblem& problem = loaded->problem.emplace(HessianProblem{*loaded->op});
    problem.matrix = &loaded->matrix;
    problem.diagonal = loaded->op->diagonal();
    problem.nonzeros = loaded->matrix.nonZeros();
    problem.source = fashion.description;
    problem.theta = std::move(fashion.fit.theta);
    problem.psd_by_construction = true;  // H = XᵀX/n
    problem.theta_source = fashion.fit.method;
    return loaded;
}

}  // namespace

int run_analyze(const std::vector<std::string>& arguments) {
    AnalyzeArguments a;
    const po::options_description options = analyze_options(a);
    po::variables_map values;
    po::store(po::command_line_parser(arguments).options(options).run(), values);
    if (values.count("help")) {
        std::cout << options << "\n";
        return exit_success;
    }
    po::notify(values);
    const Progress progress(!a.quiet);

    const bool fashion_default = a.hessian_path.empty();
    if (!fashion_default && a.lambdas.empty())
        throw UsageError("--lambda is required with --hessian");
    if (fashion_default && !a.theta_path.empty())
        throw UsageError("--theta needs --hessian (the Fashion-MNIST default fits its own θ̂)");
    if (fashion_default && a.lambdas.empty()) a.lambdas = {0.01, 1.0};

    const auto read_start = Clock::now();
    std::unique_ptr<LoadedProblem> loaded =
        fashion_default ? load_fashion_problem(a, progress) : load_matrix_problem(a, progress);
    const double read_seconds = std::chrono::duration<double>(Clock::now() - read_start).count();

    AnalyzeOptions analyze_options;
    analyze_options.lambdas = a.lambdas;
    analyze_options.eigen.k = a.k;
    analyze_options.eigen.subspace = a.subspace;
    analyze_options.eigen.tolerance = a.eigen_tolerance;
    analyze_options.eigen.max_iterations = a.max_restarts;
    analyze_options.solver = parse_solver_choice(a.solver);
    analyze_options.cg.tolerance = a.tolerance;
    analyze_options.cg.max_iterations = a.max_cg_iterations;
    analyze_options.psd.tolerance = a.psd_tolerance;
    analyze_options.seed = a.seed;
    analyze_options.progress = progress;

    const AnalysisResult result = analyze(*loaded->problem, analyze_options);
    print_summary_table(std::cout, *loaded->problem, result);

    if (!a.out_path.empty()) {
        const ReportTimings timings{read_seconds, result.eigen_seconds, result.analyze_seconds};
        write_json_report(a.out_path, make_analysis_report(*loaded->problem, result, timings));
        progress("report written to " + a.out_path);
    }
    if (!a.theta_ridge_out.empty()) {
        write_vector_matrix_market(a.theta_ridge_out, result.lambdas.front().ridge.x);
        progress("θ̂_ridge (λ = " + std::to_string(a.lambdas.front()) + ") written to " +
                 a.theta_ridge_out);
    }
    return result.ok ? exit_success : exit_numerical_failure;
}

}  // namespace ridgelens::cli
