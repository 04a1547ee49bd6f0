// Feature scaling, intercept column and label conventions for training sets.

#include "ridgelens/io/feature_scaling.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "ridgelens/error.hpp"

namespace ridgelens {
namespace {

constexpr std::int64_t kMaxStorageIndex = std::numeric_limits<int>::max();

/// Shortest text that reads back as `value`.
std::string format_value(double value) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

std::string label_at(const Vector& labels, Index row) {
    return "labels[" + std::to_string(row) + "] = " + format_value(labels[row]);
}

void check_finite(const SparseRowMatrix& X) {
    for (Index row = 0; row < X.outerSize(); ++row) {
        for (SparseRowMatrix::InnerIterator it(X, row); it; ++it) {
            if (!std::isfinite(it.value())) {
                throw InputError("feature scaling: non-finite value " + format_value(it.value()) +
                                 " at row " + std::to_string(row) + ", column " +
                                 std::to_string(it.col()) + " (0-based)");
            }
        }
    }
}

ScalingInfo scale_columns_by_max_abs(SparseRowMatrix& X) {
    ScalingInfo info;
    info.method = FeatureScaling::max_abs;
    info.column_scale = Vector::Zero(X.cols());
    const Index nonzeros = X.nonZeros();
    const int* const columns = X.innerIndexPtr();
    double* const values = X.valuePtr();
    for (Index k = 0; k < nonzeros; ++k) {
        double& scale = info.column_scale[columns[k]];
        scale = std::max(scale, std::abs(values[k]));
    }
    for (Index j = 0; j < X.cols(); ++j) {
        if (info.column_scale[j] == 0.0) {
            info.column_scale[j] = 1.0;
            ++info.zero_columns;
        }
    }
    for (Index k = 0; k < nonzeros; ++k) values[k] /= info.column_scale[columns[k]];
    return info;
}

ScalingInfo scale_rows_to_unit_norm(SparseRowMatrix& X) {
    ScalingInfo info;
    info.method = FeatureScaling::row_norm;
    info.row_scale = Vector::Ones(X.rows());
    const int* const starts = X.outerIndexPtr();
    double* const values = X.valuePtr();
    for (Index row = 0; row < X.rows(); ++row) {
        double* const first = values + starts[row];
        double* const last = values + starts[row + 1];
        // Scaled by the largest |value| so that the sum of squares neither
        // overflows nor underflows.
        double largest = 0.0;
        for (const double* v = first; v != last; ++v) largest = std::max(largest, std::abs(*v));
        if (largest == 0.0) {
            ++info.zero_rows;
            continue;
        }
        double sum = 0.0;
        for (const double* v = first; v != last; ++v) {
            const double scaled = *v / largest;
            sum += scaled * scaled;
        }
        const double norm = largest * std::sqrt(sum);
        info.row_scale[row] = norm;
        for (double* v = first; v != last; ++v) *v /= norm;
    }
    return info;
}

}  // namespace

FeatureScaling parse_feature_scaling(std::string_view name) {
    for (const FeatureScaling scaling :
         {FeatureScaling::none, FeatureScaling::max_abs, FeatureScaling::row_norm}) {
        if (name == to_string(scaling)) return scaling;
    }
    throw UsageError("unknown feature scaling '" + std::string(name) +
                     "'; choose one of: none, maxabs, rownorm");
}

const char* to_string(FeatureScaling scaling) {
    switch (scaling) {
        case FeatureScaling::none:
            return "none";
        case FeatureScaling::max_abs:
            return "maxabs";
        case FeatureScaling::row_norm:
            return "rownorm";
    }
    return "unknown";
}

ScalingInfo apply_feature_scaling(SparseRowMatrix& X, FeatureScaling scaling) {
    switch (scaling) {
        case FeatureScaling::none:
            return ScalingInfo{};
        case FeatureScaling::max_abs:
            X.makeCompressed();
            check_finite(X);
            return scale_columns_by_max_abs(X);
        case FeatureScaling::row_norm:
            X.makeCompressed();
            check_finite(X);
            return scale_rows_to_unit_norm(X);
    }
    throw UsageError("apply_feature_scaling: invalid FeatureScaling value " +
                     std::to_string(static_cast<int>(scaling)));
}

SparseRowMatrix append_intercept_column(const SparseRowMatrix& X) {
    const Index rows = X.rows();
    const Index cols = X.cols() + 1;
    const Index nonzeros = X.nonZeros() + rows;
    if (cols > kMaxStorageIndex || nonzeros > kMaxStorageIndex) {
        throw InputError("append_intercept_column: a " + std::to_string(rows) + " x " +
                         std::to_string(cols) + " matrix with " + std::to_string(nonzeros) +
                         " entries is too large for 32-bit sparse indices");
    }
    SparseRowMatrix result(rows, cols);
    result.resizeNonZeros(nonzeros);
    int* const starts = result.outerIndexPtr();
    int* const columns = result.innerIndexPtr();
    double* const values = result.valuePtr();
    const int intercept = static_cast<int>(cols - 1);
    int k = 0;
    for (Index row = 0; row < rows; ++row) {
        starts[row] = k;
        for (SparseRowMatrix::InnerIterator it(X, row); it; ++it, ++k) {
            columns[k] = static_cast<int>(it.col());
            values[k] = it.value();
        }
        columns[k] = intercept;
        values[k] = 1.0;
        ++k;
    }
    starts[rows] = k;
    return result;
}

std::vector<int> class_indices(const Vector& labels, std::vector<double>* classes_out) {
    for (Index i = 0; i < labels.size(); ++i) {
        if (std::isnan(labels[i])) {
            throw InputError("class_indices: " + label_at(labels, i) + " is not a class label");
        }
    }
    std::vector<double> classes(labels.data(), labels.data() + labels.size());
    std::sort(classes.begin(), classes.end());
    classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    if (classes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw InputError("class_indices: too many distinct labels");
    }
    std::vector<int> indices(static_cast<std::size_t>(labels.size()));
    for (Index i = 0; i < labels.size(); ++i) {
        const auto found = std::lower_bound(classes.begin(), classes.end(), labels[i]);
        indices[static_cast<std::size_t>(i)] = static_cast<int>(found - classes.begin());
    }
    if (classes_out != nullptr) *classes_out = std::move(classes);
    return indices;
}

Index first_non_binary_label(const Vector& labels, std::string* reason) {
    try {
        binary_labels_pm1(labels);
        return -1;
    } catch (const InputError&) {
    }
    Index first_minus_one = -1;
    Index first_zero = -1;
    for (Index i = 0; i < labels.size(); ++i) {
        const double y = labels[i];
        std::string why;
        if (y == -1.0 && first_zero >= 0)
            why = "mixes the {-1,+1} and {0,1} conventions (an earlier label is 0)";
        else if (y == 0.0 && first_minus_one >= 0)
            why = "mixes the {0,1} and {-1,+1} conventions (an earlier label is -1)";
        else if (y != -1.0 && y != 0.0 && y != 1.0)
            why = "is not a binary label; expected labels in {-1,+1} or {0,1}";
        if (!why.empty()) {
            if (reason != nullptr) *reason = "label " + format_value(y) + " " + why;
            return i;
        }
        if (y == -1.0 && first_minus_one < 0) first_minus_one = i;
        if (y == 0.0 && first_zero < 0) first_zero = i;
    }
    return -1;
}

Vector binary_labels_pm1(const Vector& labels) {
    Index first_minus_one = -1;
    Index first_zero = -1;
    for (Index i = 0; i < labels.size(); ++i) {
        const double y = labels[i];
        if (y == -1.0) {
            if (first_zero >= 0) {
                throw InputError("binary labels: " + label_at(labels, i) +
                                 " mixes the {-1,+1} and {0,1} conventions (" +
                                 label_at(labels, first_zero) + ")");
            }
            if (first_minus_one < 0) first_minus_one = i;
        } else if (y == 0.0) {
            if (first_minus_one >= 0) {
                throw InputError("binary labels: " + label_at(labels, i) +
                                 " mixes the {0,1} and {-1,+1} conventions (" +
                                 label_at(labels, first_minus_one) + ")");
            }
            if (first_zero < 0) first_zero = i;
        } else if (y != 1.0) {
            throw InputError("binary labels: " + label_at(labels, i) +
                             " is not a binary label; expected labels in {-1,+1} or {0,1}");
        }
    }
    if (first_zero < 0) return labels;
    return labels.unaryExpr([](double y) { return y == 0.0 ? -1.0 : 1.0; });
}

}  // namespace ridgelens
