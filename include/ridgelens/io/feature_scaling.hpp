#pragma once
/// @file feature_scaling.hpp
/// Preparing a training set read from a file for a regression model:
/// feature scaling, an intercept column, and label conventions.
///
/// Thread safety: functions of their arguments (the in-place ones modify only
/// the matrix they are given); reentrant.

#include <string>
#include <string_view>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// How the columns or rows of a samples × features matrix are rescaled.
enum class FeatureScaling {
    none,     ///< leave the matrix as it is
    max_abs,  ///< divide each column by its largest |value| (sparsity kept)
    row_norm  ///< divide each nonempty row by its Euclidean norm
};

/// Parses a scaling name: "none", "maxabs" or "rownorm" (the names
/// to_string returns).
/// @throws UsageError for anything else, listing the accepted names.
RIDGELENS_API FeatureScaling parse_feature_scaling(std::string_view name);

/// The name parse_feature_scaling accepts for `scaling`.
RIDGELENS_API const char* to_string(FeatureScaling scaling);

/// What apply_feature_scaling did.
///
/// For max_abs the scaled matrix is X·D⁻¹ with D = diag(column_scale), so a
/// linear model with weights w_s fitted on the scaled matrix has weights
/// w = D⁻¹·w_s on the original features (divide each weight by its column's
/// scale). Row scaling cannot be mapped back that way: it changes the
/// samples, not the parameterization.
struct ScalingInfo {
    FeatureScaling method = FeatureScaling::none;
    /// max_abs: the divisor of each column (its max |value|, or 1 for an
    /// all-zero column, which is left alone). Empty for other methods.
    Vector column_scale;
    /// row_norm: the divisor of each row (its L2 norm, or 1 for an empty
    /// row, which is left alone). Empty for other methods.
    Vector row_scale;
    /// max_abs: columns with no nonzero value, left alone.
    Index zero_columns = 0;
    /// row_norm: rows with no nonzero value, left alone.
    Index zero_rows = 0;
};

/// Rescales `X` (samples × features) in place as `scaling` says and returns
/// what was done. Structural zeros stay zeros, so the sparsity pattern is
/// unchanged; `X` is compressed if it was not.
/// @throws InputError if `X` holds a NaN or infinite value (naming its row
///         and column, 0-based).
RIDGELENS_API ScalingInfo apply_feature_scaling(SparseRowMatrix& X, FeatureScaling scaling);

/// Returns `X` with one more, last column holding 1 in every row.
///
/// This only adds a column. Whether the corresponding weight (the intercept)
/// is penalized by the L2 term is the model's choice, not this function's:
/// with a plain ridge penalty on all weights it is shrunk like the others.
/// Apply feature scaling first if the intercept column should stay all ones.
/// @throws InputError if the result would have more entries or columns than
///         32-bit sparse indices allow.
RIDGELENS_API SparseRowMatrix append_intercept_column(const SparseRowMatrix& X);

/// Maps the distinct values of `labels`, in increasing order, to 0 … C−1
/// and returns the class of each sample. If `classes_out` is not null it
/// receives the C distinct values (classes_out[k] is the label of class k).
/// Labels are compared exactly (they are usually small integers).
/// @throws InputError if a label is NaN (naming its 0-based row).
RIDGELENS_API std::vector<int> class_indices(const Vector& labels,
                                             std::vector<double>* classes_out = nullptr);

/// Returns `labels` as −1/+1 for a binary model. Accepts labels in {−1, +1}
/// (returned as they are) or in {0, 1} (0 becomes −1). A vector holding a
/// single value from one of these sets is accepted (e.g. all +1).
/// @throws InputError naming the first offending value and its 0-based row
///         if a label is outside {−1, 0, +1}, or if both −1 and 0 occur.
RIDGELENS_API Vector binary_labels_pm1(const Vector& labels);

/// The first row (0-based) whose label `binary_labels_pm1` refuses, or −1 when
/// every label is accepted; `reason` (if given) then says why, e.g. "label 2 is
/// not a binary label; expected labels in {-1,+1} or {0,1}".
RIDGELENS_API Index first_non_binary_label(const Vector& labels, std::string* reason = nullptr);

}  // namespace ridgelens
