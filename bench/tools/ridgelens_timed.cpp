// ridgelens_timed: the ridgelens side of bench/compare_peers. Each subcommand
// loads its input (untimed), runs one computation through the public library
// API, times only that computation, and prints one JSON object on stdout with
// the times, the evidence (residuals, statuses) and the peak resident memory.
//
//   export   --matrix F.mtx | --generated N  --out PREFIX
//            writes the matrix (both triangles, CSR: PREFIX.indptr int32,
//            .indices int32, .data float64) and the right-hand side b = H·θ
//            (θ seeded standard normal, seed 1; PREFIX.rhs float64) as raw
//            little-endian arrays for the Python peers
//   eigs     --matrix F.mtx | --generated N  [--k 10] [--tol 1e-10] [--subspace 0]
//            [--repeat 1] [--residuals recomputed|estimated]
//   solve    --matrix F.mtx | --generated N  --lambda L  --method cholmod|cg [--tol 1e-10]
//   softmax  --data fashion|news20 --theta-out FILE [--k 10] [--tol 1e-8] [--products 20]
//   mlp      --theta-out FILE [--vectors-out PREFIX] [--k 20] [--tol 1e-8] [--products 10]
//            784-64-10 tanh network, softmax cross-entropy, Fashion-MNIST train;
//            θ seeded (initial_parameters(1) + 0.05·N(0,1), seed 5); times one
//            exact Hessian product, one GGN product and the top-k eigenpairs
//            of the Hessian (the curvature point, X·W_1ᵀ, included)
//   path     --data w8a|news20 [--lambdas 20] [--min 1e-3] [--max 10] [--tol 1e-8]
//            [--solution-out FILE]
//   scale    --generated N [--k 10] [--tol 1e-8] [--lambda 1e-2]

#include <sys/resource.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "ridgelens/io/feature_scaling.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "ridgelens/model/fashion_mnist.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/model/mlp.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"
#include "ridgelens/random_vector.hpp"
#include "ridgelens/solve/cholmod_solver.hpp"
#include "ridgelens/solve/conjugate_gradient.hpp"
#include "ridgelens/solve/dense_shifted_solve.hpp"
#include "ridgelens/solve/multishift_cg.hpp"
#include "ridgelens/spectrum/spectral_density.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace {

using namespace ridgelens;
using namespace ridgelens::bench;
using nlohmann::json;

using Options = std::map<std::string, std::string>;

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 2; i < argc; ++i) {
        std::string key = argv[i];
        if (key.rfind("--", 0) != 0 || i + 1 >= argc)
            throw std::runtime_error("expected --option value, got '" + key + "'");
        options[key.substr(2)] = argv[++i];
    }
    return options;
}

std::string get(const Options& options, const std::string& key, const std::string& fallback = "") {
    const auto found = options.find(key);
    if (found != options.end()) return found->second;
    if (fallback.empty()) throw std::runtime_error("missing --" + key);
    return fallback;
}

double peak_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) * 1024.0;
}

// CPU time of the whole process (all threads), user + system.
double process_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

struct Matrix {
    SparseMatrix matrix;
    std::string name;
    double load_seconds = 0;
};

Matrix load_matrix(const Options& options) {
    Matrix result;
    const auto start = Clock::now();
    if (options.count("generated") != 0) {
        SparseMatrix generated = generated_hessian(std::stol(get(options, "generated")));
        result.matrix.swap(generated);  // no copy: the matrix may be gigabytes
        result.name = "generated n=" + std::to_string(result.matrix.rows());
    } else {
        const std::string path = get(options, "matrix");
        result.matrix = read_symmetric_matrix_market(path).matrix;
        result.name = path.substr(path.find_last_of('/') + 1);
    }
    result.load_seconds = seconds_since(start);
    return result;
}

template <class T>
void write_raw(const std::string& path, const T* data, std::size_t count) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(T)));
    if (!out) throw std::runtime_error("cannot write " + path);
}

Vector right_hand_side(const SparseSymmetricOperator& h) {
    const Vector theta = seeded_normal_vector(h.rows(), 1);
    Vector b(h.rows());
    h.perform_op(theta.data(), b.data());
    return b;
}

json run_export(const Options& options) {
    const Matrix m = load_matrix(options);
    const std::string prefix = get(options, "out");
    const SparseMatrix& h = m.matrix;
    write_raw(prefix + ".indptr", h.outerIndexPtr(), static_cast<std::size_t>(h.cols() + 1));
    write_raw(prefix + ".indices", h.innerIndexPtr(), static_cast<std::size_t>(h.nonZeros()));
    write_raw(prefix + ".data", h.valuePtr(), static_cast<std::size_t>(h.nonZeros()));
    const Vector b = right_hand_side(SparseSymmetricOperator(h));
    write_raw(prefix + ".rhs", b.data(), static_cast<std::size_t>(b.size()));
    return {{"name", m.name}, {"n", h.rows()}, {"nnz", h.nonZeros()}};
}

json eigen_json(const Eigenpairs& pairs, double seconds) {
    double worst = 0;
    for (Index j = 0; j < pairs.converged; ++j)
        worst = std::max(worst, pairs.residuals[j] / std::abs(pairs.values[j]));
    return {{"seconds", seconds},
            {"values",
             std::vector<double>(pairs.values.data(), pairs.values.data() + pairs.values.size())},
            {"max_relative_residual", worst},
            {"converged", pairs.converged},
            {"restarts", pairs.iterations},
            {"matvecs", pairs.matvecs},
            {"status", to_string(pairs.status)}};
}

EigenOptions eigen_options(const Options& options, const std::string& tolerance) {
    EigenOptions eigen;
    eigen.k = std::stol(get(options, "k", "10"));
    eigen.tolerance = std::stod(get(options, "tol", tolerance));
    eigen.subspace = std::stol(get(options, "subspace", "0"));
    const std::string residuals = get(options, "residuals", "recomputed");
    if (residuals != "recomputed" && residuals != "estimated")
        throw std::runtime_error("--residuals must be recomputed or estimated");
    eigen.recompute_residuals = residuals == "recomputed";
    return eigen;
}

json run_eigs(const Options& options) {
    const Matrix m = load_matrix(options);
    const EigenOptions eigen = eigen_options(options, "1e-10");
    const double cpu_start = process_cpu_seconds();
    auto start = Clock::now();
    const SparseSymmetricOperator op(m.matrix);  // its one-triangle copy is timed too
    const Eigenpairs pairs = compute_top_eigenpairs(op, eigen);
    json out = eigen_json(pairs, seconds_since(start));
    out["cpu_seconds"] = process_cpu_seconds() - cpu_start;  // all threads (a busy machine's
                                                             // wall time is noise)
    // --repeat R: R − 1 further identical runs (for profiling and noisy
    // machines); "seconds" stays the first run's, as the peers run once.
    std::vector<double> repeats{out["seconds"].get<double>()};
    std::vector<double> repeats_cpu{out["cpu_seconds"].get<double>()};
    for (int r = 1; r < std::stoi(get(options, "repeat", "1")); ++r) {
        const double cpu = process_cpu_seconds();
        start = Clock::now();
        compute_top_eigenpairs(op, eigen);
        repeats.push_back(seconds_since(start));
        repeats_cpu.push_back(process_cpu_seconds() - cpu);
    }
    if (repeats.size() > 1) {
        out["repeat_seconds"] = repeats;
        out["repeat_cpu_seconds"] = repeats_cpu;
    }
    if (!eigen.recompute_residuals) {
        // Like the eigsh peer: the residuals recomputed afterwards, untimed.
        double worst = 0;
        Vector product(m.matrix.rows());
        for (Index j = 0; j < pairs.converged; ++j) {
            op.perform_op(pairs.vectors.col(j).data(), product.data());
            worst = std::max(worst, (product - pairs.values[j] * pairs.vectors.col(j)).norm() /
                                        std::abs(pairs.values[j]));
        }
        out["max_relative_residual"] = worst;
    }
    out["name"] = m.name;
    out["n"] = m.matrix.rows();
    out["nnz"] = m.matrix.nonZeros();
    out["load_seconds"] = m.load_seconds;
    out["includes"] = eigen.recompute_residuals
                          ? "compute_top_eigenpairs (Lanczos + recomputed residuals)"
                          : "compute_top_eigenpairs (Lanczos, residual estimates); residuals "
                            "recomputed afterwards, untimed";
    return out;
}

json solve_json(const SolveResult& result, double seconds) {
    return {{"seconds", seconds},
            {"relative_residual", result.relative_residual},
            {"iterations", result.iterations},
            {"status", to_string(result.status)}};
}

json run_solve(const Options& options) {
    const Matrix m = load_matrix(options);
    const double lambda = std::stod(get(options, "lambda"));
    const std::string method = get(options, "method");
    const Vector b = right_hand_side(SparseSymmetricOperator(m.matrix));
    json out;
    if (method == "cholmod") {
        auto start = Clock::now();
        CholmodSolver solver(m.matrix);
        const SolveResult first = solver.solve(lambda, b);
        out = solve_json(first, seconds_since(start));
        out["includes"] = "symbolic analysis + numeric factorization + solve + residual";
        start = Clock::now();
        const SolveResult again = solver.solve(2 * lambda, b);
        out["next_lambda_seconds"] = seconds_since(start);
        out["analysis_seconds"] = solver.analysis_seconds();
    } else if (method == "cg") {
        CgOptions cg;
        cg.tolerance = std::stod(get(options, "tol", "1e-10"));
        const auto start = Clock::now();
        const SparseSymmetricOperator op(m.matrix);
        const SolveResult result = solve_conjugate_gradient(op, lambda, b, op.diagonal(), cg);
        out = solve_json(result, seconds_since(start));
        out["includes"] = "one-triangle copy of H + Jacobi-preconditioned CG + recomputed residual";
    } else {
        throw std::runtime_error("--method must be cholmod or cg");
    }
    out["name"] = m.name;
    out["n"] = m.matrix.rows();
    return out;
}

// The softmax problems, built as bench_model_hvp.cpp builds them.
std::unique_ptr<LinearModel> softmax_problem(const std::string& data, std::string& description) {
    if (data == "news20") {
        const std::string path = data_file("ml/news20.libsvm");
        if (path.empty()) throw std::runtime_error("ml/news20.libsvm not found");
        LibsvmData loaded = read_libsvm(path);
        apply_feature_scaling(loaded.features, FeatureScaling::row_norm);
        description = "news20, rows L2-normalized, no intercept";
        return make_model("softmax", FeatureMatrix::sparse(std::move(loaded.features)),
                          loaded.labels);
    }
    if (data == "fashion") {
        ImageDataset images = load_fashion_mnist(default_fashion_mnist_directory(), "train");
        const Vector labels = images.labels.cast<double>();
        description = "Fashion-MNIST train, pixels/255 + intercept";
        return make_model("softmax", FeatureMatrix::dense(std::move(images.pixels), true), labels);
    }
    throw std::runtime_error("--data must be fashion or news20");
}

json run_softmax(const Options& options) {
    std::string description;
    const auto model = softmax_problem(get(options, "data"), description);
    const Index p = model->parameters();
    const Vector theta = 0.1 * seeded_normal_vector(p, 5);
    write_raw(get(options, "theta-out"), theta.data(), static_cast<std::size_t>(p));
    model->set_curvature_point(theta);
    const ModelCurvatureOperator op(*model);

    const int products = std::stoi(get(options, "products", "20"));
    const Vector v = seeded_normal_vector(p, 6);
    Vector y(p);
    op.perform_op(v.data(), y.data());  // warm-up
    auto start = Clock::now();
    for (int i = 0; i < products; ++i) op.perform_op(v.data(), y.data());
    const double hvp_seconds = seconds_since(start) / products;

    start = Clock::now();
    const Eigenpairs pairs = compute_top_eigenpairs(op, eigen_options(options, "1e-8"));
    json out = eigen_json(pairs, seconds_since(start));
    out["hvp_seconds"] = hvp_seconds;
    out["hvp_norm"] = y.norm();
    out["name"] = description;
    out["n"] = p;
    out["includes"] =
        "hvp: one curvature product at a fixed θ (mean of repeated runs); eigs: "
        "compute_top_eigenpairs on the matrix-free Hessian, residuals included";
    return out;
}

// Mean time of `products` curvature products after one warm-up.
double time_products(const ModelCurvatureOperator& op, const Vector& v, Vector& y, int products) {
    op.perform_op(v.data(), y.data());  // warm-up
    const auto start = Clock::now();
    for (int i = 0; i < products; ++i) op.perform_op(v.data(), y.data());
    return seconds_since(start) / products;
}

json run_mlp(const Options& options) {
    ImageDataset images = load_fashion_mnist(default_fashion_mnist_directory(), "train");
    const Vector labels = images.labels.cast<double>();
    MlpArchitecture architecture;
    architecture.hidden = {64};
    architecture.activation = Activation::tanh;
    MlpModel model(FeatureMatrix::dense(std::move(images.pixels)), labels, architecture);
    const Index p = model.parameters();
    const Vector theta = model.initial_parameters(1) + 0.05 * seeded_normal_vector(p, 5);
    write_raw(get(options, "theta-out"), theta.data(), static_cast<std::size_t>(p));
    const int products = std::stoi(get(options, "products", "10"));
    const Vector v = seeded_normal_vector(p, 6);
    Vector hv(p), gv(p);
    const ModelCurvatureOperator op(model);
    model.set_curvature_point(theta);
    model.set_curvature(Curvature::hessian);
    const double hvp_seconds = time_products(op, v, hv, products);
    model.set_curvature(Curvature::ggn);
    const double ggn_seconds = time_products(op, v, gv, products);
    if (options.count("vectors-out") != 0) {
        const std::string prefix = get(options, "vectors-out");
        write_raw(prefix + ".v", v.data(), static_cast<std::size_t>(p));
        write_raw(prefix + ".hv", hv.data(), static_cast<std::size_t>(p));
        write_raw(prefix + ".gv", gv.data(), static_cast<std::size_t>(p));
    }
    model.set_curvature(Curvature::hessian);
    model.set_curvature_point(Vector::Zero(p));  // so that the timed run sets θ again
    EigenOptions eigen = eigen_options(options, "1e-8");
    if (options.count("k") == 0) eigen.k = 20;
    const auto start = Clock::now();
    model.set_curvature_point(theta);
    const Eigenpairs pairs = compute_top_eigenpairs(op, eigen);
    json out = eigen_json(pairs, seconds_since(start));
    out["hvp_seconds"] = hvp_seconds;
    out["ggn_seconds"] = ggn_seconds;
    out["hvp_norm"] = hv.norm();
    out["ggn_norm"] = gv.norm();
    out["name"] = "Fashion-MNIST train, " + model.describe();
    out["n"] = p;
    out["includes"] =
        "hvp/ggn: one product at a fixed θ, curvature point set (mean of repeated runs); eigs: "
        "the curvature point (X·W_1ᵀ) + compute_top_eigenpairs on the exact Hessian, residuals "
        "included";
    return out;
}

json run_path(const Options& options) {
    const std::string data = get(options, "data");
    const std::string path = data_file("ml/" + data + ".libsvm");
    if (path.empty()) throw std::runtime_error("ml/" + data + ".libsvm not found");
    LibsvmData loaded = read_libsvm(path);
    Vector targets = loaded.labels;
    if (data == "news20") {
        apply_feature_scaling(loaded.features, FeatureScaling::row_norm);
        for (Index i = 0; i < targets.size(); ++i) targets[i] = targets[i] == 1 ? 1.0 : -1.0;
    }
    const Index n = loaded.features.rows();
    LeastSquaresModel model(FeatureMatrix::sparse(std::move(loaded.features)), targets);
    model.set_curvature_point(Vector::Zero(model.parameters()));
    const ModelCurvatureOperator op(model);

    const int count = std::stoi(get(options, "lambdas", "20"));
    const double low = std::stod(get(options, "min", "1e-3"));
    const double high = std::stod(get(options, "max", "10"));
    std::vector<double> lambdas;
    for (int i = 0; i < count; ++i)
        lambdas.push_back(low * std::pow(high / low, count == 1 ? 0.0 : double(i) / (count - 1)));

    MultiShiftCgOptions cg;
    cg.tolerance = std::stod(get(options, "tol", "1e-8"));
    // auto: one eigendecomposition of the explicit H = XᵀX/n where p is small
    // enough to form it, else multi-shift CG on the matrix-free H.
    const std::string method = get(options, "method", "auto");
    if (method != "auto" && method != "dense" && method != "cg")
        throw std::runtime_error("--method must be auto, dense or cg");
    const auto start = Clock::now();
    // b = Xᵀy/n: −∇R at θ = 0.
    Vector gradient(model.parameters());
    model.evaluate(Vector::Zero(model.parameters()), &gradient);
    const Vector b = -gradient;
    const double gradient_seconds = seconds_since(start);
    std::optional<DenseMatrix> formed;
    if (method != "cg") formed = model.curvature_matrix(dense_spectrum_default_max_rows);
    const double form_seconds = seconds_since(start) - gradient_seconds;
    if (method == "dense" && !formed) throw std::runtime_error("--method dense: p too large");
    double formed_check = -1;
    MultiShiftResult result;
    if (formed) {
        // Evidence that the formed matrix is the model's H: one product.
        const Vector z = seeded_normal_vector(model.parameters(), 5);
        Vector hz(model.parameters());
        op.perform_op(z.data(), hz.data());
        formed_check = (*formed * z - hz).norm() / hz.norm();
        result = solve_shifted_dense(*formed, lambdas, b, cg.tolerance);
    } else {
        result = solve_multishift_cg(op, lambdas, b, cg);
    }
    const double seconds = seconds_since(start);

    double worst = 0;
    int converged = 0;
    for (const SolveResult& s : result.solutions) {
        worst = std::max(worst, s.relative_residual);
        converged += s.ok() ? 1 : 0;
    }
    if (options.count("solution-out") != 0) {
        DenseMatrix solutions(model.parameters(), count);
        for (int i = 0; i < count; ++i)
            solutions.col(i) = result.solutions[static_cast<std::size_t>(i)].x;
        write_raw(get(options, "solution-out"), solutions.data(),
                  static_cast<std::size_t>(solutions.size()));
    }
    return {{"seconds", seconds},
            {"name", data},
            {"samples", n},
            {"n", model.parameters()},
            {"lambdas", lambdas},
            {"iterations", result.iterations},
            {"matvecs", result.matvecs},
            {"max_relative_residual", worst},
            {"converged", converged},
            {"method", formed ? "dense" : "cg"},
            {"gradient_seconds", gradient_seconds},
            {"form_seconds", form_seconds},
            {"solve_seconds", result.seconds},
            {"formed_vs_product", formed_check},
            {"includes",
             formed ? "Xᵀy/n + H = XᵀX/n formed in one pass + one product checking it + one "
                      "eigendecomposition (dsyevd) for all λ, every residual recomputed with H"
                    : "Xᵀy/n + multi-shift CG for all λ on H = XᵀX/n (matrix-free), "
                      "every residual recomputed"}};
}

json run_scale(const Options& options) {
    json out;
    Matrix m = load_matrix(options);
    out["name"] = m.name;
    out["n"] = m.matrix.rows();
    out["nnz"] = m.matrix.nonZeros();
    out["generate_seconds"] = m.load_seconds;
    out["rss_after_generate"] = peak_rss_bytes();
    // The operator keeps one triangle; the generated full matrix is freed.
    auto start = Clock::now();
    const SparseSymmetricOperator op(m.matrix);
    SparseMatrix().swap(m.matrix);
    out["operator_seconds"] = seconds_since(start);
    out["rss_after_operator"] = peak_rss_bytes();

    start = Clock::now();
    const Eigenpairs pairs = compute_top_eigenpairs(op, eigen_options(options, "1e-8"));
    out["eigs"] = eigen_json(pairs, seconds_since(start));
    out["rss_after_eigs"] = peak_rss_bytes();

    const double lambda = std::stod(get(options, "lambda", "1e-2"));
    const Vector b = right_hand_side(op);
    CgOptions cg;
    cg.tolerance = std::stod(get(options, "cg-tol", "1e-10"));
    start = Clock::now();
    const SolveResult solved = solve_conjugate_gradient(op, lambda, b, op.diagonal(), cg);
    out["cg"] = solve_json(solved, seconds_since(start));
    out["cg"]["lambda"] = lambda;
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr
            << "usage: ridgelens_timed export|eigs|solve|softmax|mlp|path|scale --option value …\n";
        return 1;
    }
    try {
        const std::string command = argv[1];
        const Options options = parse(argc, argv);
        json out;
        if (command == "export")
            out = run_export(options);
        else if (command == "eigs")
            out = run_eigs(options);
        else if (command == "solve")
            out = run_solve(options);
        else if (command == "softmax")
            out = run_softmax(options);
        else if (command == "path")
            out = run_path(options);
        else if (command == "mlp")
            out = run_mlp(options);
        else if (command == "scale")
            out = run_scale(options);
        else
            throw std::runtime_error("unknown command " + command);
        out["command"] = command;
        out["threads"] = omp_get_max_threads();
        out["peak_rss_bytes"] = peak_rss_bytes();
        std::cout << out.dump() << "\n";
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "ridgelens_timed: " << error.what() << "\n";
        return 2;
    }
}
