// Softmax Hessian-vector products on real data:
// - news20 (15,935 × 62,061 word counts, rows L2-normalized, 20 classes:
//   1,241,220 parameters), the sparse fused one-pass kernel, Hessian (R-operator)
//   and GGN (Jᵀ H_loss J) paths;
// - Fashion-MNIST (60,000 × 784 pixels/255 plus an intercept, 10 classes:
//   7,850 parameters), the dense blocked BLAS-3 kernel, for several row-block
//   sizes (0 = the library's default: two whole-matrix products).
// Time is per product. Counters: bytes of X and of the vectors moved per product
// and the multiply-adds (×2 = flops), as rates. Skips with a message when the
// data are absent.

#include <benchmark/benchmark.h>
#include <omp.h>

#include <filesystem>
#include <memory>
#include <string>

#include "ridgelens/io/feature_scaling.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/model/fashion_mnist.hpp"
#include "ridgelens/model/linear_models.hpp"

namespace {

using namespace ridgelens;

std::string data_file(const std::string& relative) {
    const char* env = std::getenv("RIDGELENS_DATA_DIR");
    const std::filesystem::path path =
        std::filesystem::path(env != nullptr ? env : RIDGELENS_DEFAULT_DATA_DIR) / relative;
    return std::filesystem::exists(path) ? path.string() : std::string();
}

// A deterministic, rough vector in [−0.5, 0.5).
Vector rough_vector(Index n, std::uint64_t state) {
    Vector v(n);
    for (Index i = 0; i < n; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        v[i] = static_cast<double>(state >> 11) * 0x1.0p-53 - 0.5;
    }
    return v;
}

struct Loaded {
    std::unique_ptr<LinearModel> model;
    std::string missing;  // why it could not be loaded
};

const Loaded& news20() {
    static const Loaded loaded = [] {
        Loaded result;
        const std::string path = data_file("ml/news20.libsvm");
        if (path.empty()) {
            result.missing = "ml/news20.libsvm not found under the shared data directory";
            return result;
        }
        LibsvmData data = read_libsvm(path);
        apply_feature_scaling(data.features, FeatureScaling::row_norm);
        result.model =
            make_model("softmax", FeatureMatrix::sparse(std::move(data.features)), data.labels);
        result.model->set_curvature_point(0.1 * rough_vector(result.model->parameters(), 7));
        return result;
    }();
    return loaded;
}

const Loaded& fashion() {
    static const Loaded loaded = [] {
        Loaded result;
        const std::string directory = default_fashion_mnist_directory();
        if (!std::filesystem::exists(directory + "/train-images-idx3-ubyte.gz")) {
            result.missing = "Fashion-MNIST not installed in " + directory +
                             " (Debian package dataset-fashion-mnist)";
            return result;
        }
        ImageDataset images = load_fashion_mnist(directory, "train");
        const Vector labels = images.labels.cast<double>();
        result.model =
            make_model("softmax", FeatureMatrix::dense(std::move(images.pixels), true), labels);
        result.model->set_curvature_point(0.01 * rough_vector(result.model->parameters(), 9));
        return result;
    }();
    return loaded;
}

void run_products(benchmark::State& state, LinearModel& model, double bytes, double madds) {
    const Vector v = rough_vector(model.parameters(), 11);
    Vector y(model.parameters());
    for (auto _ : state) {
        model.curvature_product(v.data(), y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.counters["bytes"] = benchmark::Counter(
        bytes, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1024);
    state.counters["flops"] =
        benchmark::Counter(2 * madds, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["threads"] = omp_get_max_threads();
    state.counters["parameters"] = static_cast<double>(model.parameters());
}

// state.range(0): 0 = Hessian (R-operator path), 1 = GGN (Jᵀ H_loss J path).
void BM_softmax_hvp_news20(benchmark::State& state) {
    const Loaded& loaded = news20();
    if (!loaded.model) {
        state.SkipWithError(loaded.missing.c_str());
        return;
    }
    LinearModel& model = *loaded.model;
    model.set_curvature(state.range(0) == 0 ? Curvature::hessian : Curvature::ggn);
    const FeatureMatrix& x = model.features();
    const double nnz = static_cast<double>(x.stored_entries());
    const double n = static_cast<double>(x.rows());
    const double params = static_cast<double>(model.parameters());
    const double classes = static_cast<double>(model.outputs());
    // One pass over CSR (8-byte value + 4-byte index per entry, row pointers),
    // v read, its row-major copy written and read, the scores read, the
    // per-thread accumulators zeroed, scattered into and reduced, y written.
    const double threads = omp_get_max_threads();
    const double bytes =
        nnz * 12 + (n + 1) * 4 + params * 8 * 4 + n * classes * 8 + threads * params * 8 * 2;
    const double madds = 2 * nnz * classes + 4 * n * classes;
    state.SetLabel(std::string(to_string(model.curvature())));
    run_products(state, model, bytes, madds);
}
BENCHMARK(BM_softmax_hvp_news20)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// state.range(0): rows per dense block (0 = library default).
void BM_softmax_hvp_fashion_mnist(benchmark::State& state) {
    const Loaded& loaded = fashion();
    if (!loaded.model) {
        state.SkipWithError(loaded.missing.c_str());
        return;
    }
    LinearModel& model = *loaded.model;
    model.set_curvature(Curvature::hessian);
    // The model holds a copy of the FeatureMatrix handle; tune its blocks.
    auto& x = const_cast<FeatureMatrix&>(model.features());
    x.set_dense_block_rows(state.range(0));
    const double n = static_cast<double>(x.rows());
    const double p = static_cast<double>(x.features());
    const double classes = static_cast<double>(model.outputs());
    // X read once from memory (per block it is re-read from cache by the
    // second product), v and y, the scores and the per-sample vectors.
    const double bytes =
        n * p * 8 + 2 * static_cast<double>(model.parameters()) * 8 + 3 * n * classes * 8;
    const double madds = 2 * n * p * classes + 4 * n * classes;
    state.SetLabel(state.range(0) == 0 ? "default blocks"
                                       : "block_rows=" + std::to_string(x.dense_block_rows()));
    run_products(state, model, bytes, madds);
    x.set_dense_block_rows(0);
}
BENCHMARK(BM_softmax_hvp_fashion_mnist)
    ->Arg(0)
    ->Arg(1024)
    ->Arg(8192)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Batched products (Model::curvature_products): state.range(0) vectors per
// call; the time and the counters are per vector, so the rows read against
// each other directly (1 = the single product through the batched entry).
void run_batched(benchmark::State& state, LinearModel& model) {
    const Index count = state.range(0);
    const Index p = model.parameters();
    Vector v(p * count), y(p * count);
    for (Index j = 0; j < count; ++j) v.segment(j * p, p) = rough_vector(p, 11 + j);
    for (auto _ : state) {
        model.curvature_products(v.data(), count, y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * count);  // vectors per second
    state.counters["us_per_vector"] = benchmark::Counter(
        static_cast<double>(count) * 1e-6,
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["vectors"] = static_cast<double>(count);
}

void BM_softmax_hvp_batched_fashion_mnist(benchmark::State& state) {
    const Loaded& loaded = fashion();
    if (!loaded.model) {
        state.SkipWithError(loaded.missing.c_str());
        return;
    }
    loaded.model->set_curvature(Curvature::hessian);
    run_batched(state, *loaded.model);
}
BENCHMARK(BM_softmax_hvp_batched_fashion_mnist)
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_softmax_hvp_batched_news20(benchmark::State& state) {
    const Loaded& loaded = news20();
    if (!loaded.model) {
        state.SkipWithError(loaded.missing.c_str());
        return;
    }
    loaded.model->set_curvature(Curvature::hessian);
    run_batched(state, *loaded.model);
}
BENCHMARK(BM_softmax_hvp_batched_news20)
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
