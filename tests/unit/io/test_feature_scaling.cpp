// Tests of feature scaling, the intercept column and the label helpers,
// against hand-computed values.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/io/feature_scaling.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

SparseRowMatrix sparse(const DenseMatrix& dense) {
    SparseRowMatrix X = dense.sparseView();
    X.makeCompressed();
    return X;
}

std::string message_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return "(no exception)";
}

TEST(FeatureScaling, ParsesNamesAndRoundTrips) {
    EXPECT_EQ(parse_feature_scaling("none"), FeatureScaling::none);
    EXPECT_EQ(parse_feature_scaling("maxabs"), FeatureScaling::max_abs);
    EXPECT_EQ(parse_feature_scaling("rownorm"), FeatureScaling::row_norm);
    for (const auto scaling :
         {FeatureScaling::none, FeatureScaling::max_abs, FeatureScaling::row_norm}) {
        EXPECT_EQ(parse_feature_scaling(to_string(scaling)), scaling);
    }
}

TEST(FeatureScaling, RefusesUnknownNamesListingTheChoices) {
    EXPECT_THROW(parse_feature_scaling("MaxAbs"), UsageError);
    EXPECT_THROW(parse_feature_scaling(""), UsageError);
    const std::string message = message_of([] { parse_feature_scaling("zscore"); });
    EXPECT_NE(message.find("'zscore'"), std::string::npos) << message;
    EXPECT_NE(message.find("none, maxabs, rownorm"), std::string::npos) << message;
}

TEST(FeatureScaling, NoneLeavesTheMatrixAlone) {
    DenseMatrix dense(2, 2);
    dense << 1, 0, -3, 4;
    SparseRowMatrix X = sparse(dense);
    const ScalingInfo info = apply_feature_scaling(X, FeatureScaling::none);
    EXPECT_EQ(info.method, FeatureScaling::none);
    EXPECT_EQ(info.column_scale.size(), 0);
    EXPECT_EQ(info.row_scale.size(), 0);
    EXPECT_EQ(DenseMatrix(X), dense);
}

TEST(FeatureScaling, MaxAbsDividesColumnsAndLeavesZeroColumns) {
    DenseMatrix dense(3, 4);
    dense << 2, 0, -4, 0,  //
        -1, 0, 2, 0,       //
        0, 0, 1, 0.5;
    SparseRowMatrix X = sparse(dense);
    const ScalingInfo info = apply_feature_scaling(X, FeatureScaling::max_abs);
    EXPECT_EQ(info.method, FeatureScaling::max_abs);
    EXPECT_EQ(info.zero_columns, 1);
    EXPECT_EQ(info.column_scale, (Vector(4) << 2, 1, 4, 0.5).finished());
    DenseMatrix expected(3, 4);
    expected << 1, 0, -1, 0,  //
        -0.5, 0, 0.5, 0,      //
        0, 0, 0.25, 1;
    EXPECT_EQ(DenseMatrix(X), expected);
    EXPECT_EQ(X.nonZeros(), 6);  // sparsity pattern unchanged

    // Weights fitted on the scaled matrix map back by dividing by the scale.
    const Vector w_scaled = (Vector(4) << 0.3, -1.0, 2.0, 5.0).finished();
    const Vector w_original = w_scaled.cwiseQuotient(info.column_scale);
    EXPECT_TRUE((X * w_scaled).isApprox(dense * w_original, 1e-15));
}

TEST(FeatureScaling, RowNormGivesUnitRowsAndLeavesEmptyRows) {
    DenseMatrix dense(3, 3);
    dense << 3, 0, -4,  //
        0, 0, 0,        //
        0, 2, 0;
    SparseRowMatrix X = sparse(dense);
    const ScalingInfo info = apply_feature_scaling(X, FeatureScaling::row_norm);
    EXPECT_EQ(info.method, FeatureScaling::row_norm);
    EXPECT_EQ(info.zero_rows, 1);
    EXPECT_EQ(info.row_scale, (Vector(3) << 5, 1, 2).finished());
    DenseMatrix expected(3, 3);
    expected << 0.6, 0, -0.8,  //
        0, 0, 0,               //
        0, 1, 0;
    EXPECT_TRUE(DenseMatrix(X).isApprox(expected, 1e-15));
}

TEST(FeatureScaling, RowNormNeitherOverflowsNorUnderflows) {
    DenseMatrix dense(2, 2);
    dense << 3e200, 4e200,  //
        3e-200, -4e-200;
    SparseRowMatrix X = sparse(dense);
    const ScalingInfo info = apply_feature_scaling(X, FeatureScaling::row_norm);
    EXPECT_NEAR(info.row_scale[0] / 5e200, 1.0, 1e-15);
    EXPECT_NEAR(info.row_scale[1] / 5e-200, 1.0, 1e-15);
    EXPECT_NEAR(X.coeff(0, 1), 0.8, 1e-15);
    EXPECT_NEAR(X.coeff(1, 1), -0.8, 1e-15);
}

TEST(FeatureScaling, RefusesNonFiniteEntries) {
    SparseRowMatrix X(2, 3);
    X.insert(1, 2) = std::numeric_limits<double>::infinity();
    X.makeCompressed();
    const std::string message =
        message_of([&] { apply_feature_scaling(X, FeatureScaling::max_abs); });
    EXPECT_NE(message.find("row 1, column 2"), std::string::npos) << message;
    EXPECT_THROW(apply_feature_scaling(X, FeatureScaling::row_norm), InputError);
}

TEST(FeatureScaling, WorksOnUncompressedMatrices) {
    SparseRowMatrix X(2, 2);
    X.reserve(Eigen::VectorXi::Constant(2, 2));
    X.insert(0, 1) = -2;
    X.insert(1, 0) = 4;
    X.insert(1, 1) = 1;
    ASSERT_FALSE(X.isCompressed());
    const ScalingInfo info = apply_feature_scaling(X, FeatureScaling::max_abs);
    EXPECT_EQ(info.column_scale, (Vector(2) << 4, 2).finished());
    EXPECT_EQ(X.coeff(0, 1), -1.0);
    EXPECT_EQ(X.coeff(1, 0), 1.0);
    EXPECT_EQ(X.coeff(1, 1), 0.5);
}

TEST(FeatureScaling, AppendInterceptColumnAddsOnes) {
    DenseMatrix dense(3, 2);
    dense << 1, 0,  //
        0, 0,       //
        -2, 5;
    const SparseRowMatrix with_intercept = append_intercept_column(sparse(dense));
    ASSERT_EQ(with_intercept.rows(), 3);
    ASSERT_EQ(with_intercept.cols(), 3);
    EXPECT_TRUE(with_intercept.isCompressed());
    EXPECT_EQ(with_intercept.nonZeros(), 3 + 3);
    DenseMatrix expected(3, 3);
    expected << 1, 0, 1,  //
        0, 0, 1,          //
        -2, 5, 1;
    EXPECT_EQ(DenseMatrix(with_intercept), expected);

    const SparseRowMatrix no_rows = append_intercept_column(SparseRowMatrix(0, 4));
    EXPECT_EQ(no_rows.rows(), 0);
    EXPECT_EQ(no_rows.cols(), 5);
}

TEST(FeatureScaling, ClassIndicesMapSortedDistinctLabels) {
    const Vector labels = (Vector(6) << 3, 1, 3, 2.5, -1, 1).finished();
    std::vector<double> classes;
    const std::vector<int> indices = class_indices(labels, &classes);
    EXPECT_EQ(classes, (std::vector<double>{-1, 1, 2.5, 3}));
    EXPECT_EQ(indices, (std::vector<int>{3, 1, 3, 2, 0, 1}));
    EXPECT_EQ(class_indices(labels), indices);
    EXPECT_TRUE(class_indices(Vector()).empty());

    const Vector bad = (Vector(3) << 1, std::nan(""), 2).finished();
    const std::string message = message_of([&] { class_indices(bad); });
    EXPECT_NE(message.find("labels[1]"), std::string::npos) << message;
}

TEST(FeatureScaling, BinaryLabelsAcceptBothConventions) {
    const Vector pm1 = (Vector(4) << -1, 1, 1, -1).finished();
    EXPECT_EQ(binary_labels_pm1(pm1), pm1);
    const Vector zero_one = (Vector(4) << 0, 1, 0, 0).finished();
    EXPECT_EQ(binary_labels_pm1(zero_one), (Vector(4) << -1, 1, -1, -1).finished());
    EXPECT_EQ(binary_labels_pm1(Vector::Ones(3)), Vector::Ones(3));
    EXPECT_EQ(binary_labels_pm1(Vector::Zero(2)), Vector::Constant(2, -1.0));
    EXPECT_EQ(binary_labels_pm1(Vector()).size(), 0);
}

TEST(FeatureScaling, BinaryLabelsRefuseOtherValuesNamingThem) {
    const Vector three_classes = (Vector(3) << 1, -1, 2).finished();
    std::string message = message_of([&] { binary_labels_pm1(three_classes); });
    EXPECT_NE(message.find("labels[2] = 2"), std::string::npos) << message;

    const Vector fraction = (Vector(2) << 0, 0.5).finished();
    message = message_of([&] { binary_labels_pm1(fraction); });
    EXPECT_NE(message.find("labels[1] = 0.5"), std::string::npos) << message;

    const Vector mixed = (Vector(4) << 1, -1, 1, 0).finished();
    message = message_of([&] { binary_labels_pm1(mixed); });
    EXPECT_NE(message.find("labels[3] = 0"), std::string::npos) << message;
    EXPECT_NE(message.find("labels[1] = -1"), std::string::npos) << message;
    EXPECT_THROW(binary_labels_pm1(mixed), InputError);
}

TEST(FeatureScaling, RealDataAgaricusLabelsAndMaxAbs) {
    RIDGELENS_REQUIRE_DATA(path, "ml/agaricus.train.libsvm");
    LibsvmData data = read_libsvm(path);
    const Vector y = binary_labels_pm1(data.labels);
    EXPECT_EQ((y.array() == 1.0).count(), 3140);
    EXPECT_EQ((y.array() == -1.0).count(), 6513 - 3140);

    // All values are 1, so every nonzero column has scale 1; columns that
    // never occur are counted.
    std::vector<bool> seen(static_cast<std::size_t>(data.feature_count), false);
    for (Index k = 0; k < data.features.nonZeros(); ++k) {
        seen[static_cast<std::size_t>(data.features.innerIndexPtr()[k])] = true;
    }
    const auto unseen = std::count(seen.begin(), seen.end(), false);
    const ScalingInfo info = apply_feature_scaling(data.features, FeatureScaling::max_abs);
    EXPECT_EQ(info.zero_columns, unseen);
    EXPECT_EQ(info.column_scale, Vector::Ones(data.feature_count));
}

TEST(FeatureScaling, RealDataNews20RowNorm) {
    RIDGELENS_REQUIRE_DATA(path, "ml/news20.libsvm");
    LibsvmData data = read_libsvm(path);
    const ScalingInfo info = apply_feature_scaling(data.features, FeatureScaling::row_norm);
    EXPECT_EQ(info.zero_rows, data.empty_rows);
    for (Index row = 0; row < data.features.rows(); ++row) {
        const double norm = data.features.row(row).norm();
        if (norm != 0.0) {
            ASSERT_NEAR(norm, 1.0, 1e-12) << "row " << row;
        }
    }
    const SparseRowMatrix with_intercept = append_intercept_column(data.features);
    EXPECT_EQ(with_intercept.cols(), 62062);
    EXPECT_EQ(with_intercept.nonZeros(), data.features.nonZeros() + data.features.rows());
}

}  // namespace
}  // namespace ridgelens
