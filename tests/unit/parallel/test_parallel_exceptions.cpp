// An exception thrown inside an OpenMP parallel region (a caller's callback,
// an allocation) reaches the caller instead of calling std::terminate
// (issue 15): the regions keep the first exception and rethrow it after.

#include <gtest/gtest.h>

#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "parallel/ordered_sums.hpp"
#include "ridgelens/model/feature_matrix.hpp"
#include "thread_count.hpp"

namespace ridgelens {
namespace {

/// A transform that throws for one sample only, far from the first
/// thread's rows, so another thread than the master throws.
FeatureMatrix::RowTransform throwing_at(Index sample) {
    return [sample](Index i, const double* u, double* a) {
        if (i == sample)
            throw std::runtime_error("transform failed at sample " + std::to_string(i));
        a[0] = u[0];
    };
}

std::string message_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const std::runtime_error& error) {
        return error.what();
    }
    return "no exception";
}

TEST(ParallelExceptions, SparseFusedProductRethrowsTheTransformsException) {
    const testing::ThreadCount threads(4);
    const Index n = 40000, p = 200;
    std::vector<Eigen::Triplet<double>> entries;
    for (Index i = 0; i < n; ++i)
        for (Index k = 0; k < 30; ++k) entries.emplace_back(i, (i * 7 + k * 13) % p, 1.0);
    SparseRowMatrix x(n, p);
    x.setFromTriplets(entries.begin(), entries.end());
    const FeatureMatrix features = FeatureMatrix::sparse(x);
    const std::vector<double> v(static_cast<std::size_t>(p), 1.0);
    std::vector<double> g(static_cast<std::size_t>(p));
    EXPECT_EQ(
        message_of([&] { features.fused_product(v.data(), 1, throwing_at(n - 2), g.data()); }),
        "transform failed at sample " + std::to_string(n - 2));
    // The object stays usable: with a_i = u_i the product is Xᵀ(X·1).
    features.fused_product(v.data(), 1, throwing_at(-1), g.data());
    const Vector expected = x.transpose() * (x * Vector::Ones(p));
    for (Index j = 0; j < p; ++j) EXPECT_DOUBLE_EQ(g[static_cast<std::size_t>(j)], expected[j]);
}

TEST(ParallelExceptions, DenseFusedProductRethrowsTheTransformsException) {
    const testing::ThreadCount threads(4);
    const Index n = 6000, p = 100, outputs = 4;
    const FeatureMatrix features = FeatureMatrix::dense(DenseMatrix(DenseMatrix::Ones(n, p)));
    const std::vector<double> v(static_cast<std::size_t>(p * outputs), 1.0);
    std::vector<double> g(static_cast<std::size_t>(p * outputs));
    const FeatureMatrix::RowTransform bad_alloc_at_end = [n](Index i, const double*, double* a) {
        if (i == n - 1) throw std::bad_alloc();
        for (Index c = 0; c < 4; ++c) a[c] = 1.0;
    };
    EXPECT_THROW(features.fused_product(v.data(), outputs, bad_alloc_at_end, g.data()),
                 std::bad_alloc);
    const FeatureMatrix::RowTransform throwing = [n](Index i, const double*, double* a) {
        if (i == n / 2 + 1) throw std::runtime_error("transform failed");
        for (Index c = 0; c < 4; ++c) a[c] = 1.0;
    };
    EXPECT_EQ(message_of([&] { features.fused_product(v.data(), outputs, throwing, g.data()); }),
              "transform failed");
}

TEST(ParallelExceptions, OrderedSumsRethrowsTheBodysException) {
    const testing::ThreadCount threads(3);
    const Index n = 3000;
    EXPECT_EQ(message_of([&] {
                  (void)parallel::ordered_sums<1>(n, true, [&](Index begin, Index end, double*) {
                      if (begin <= n - 1 && n - 1 < end) throw std::runtime_error("body failed");
                  });
              }),
              "body failed");
}

}  // namespace
}  // namespace ridgelens
