#pragma once
/// @file training_set.hpp
/// Loading a training set for a model: LIBSVM files or IDX images, feature
/// scaling, an optional intercept, and one-class-against-the-rest labels.
///
/// Thread safety: reentrant (each call reads and builds its own data).

#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/io/feature_scaling.hpp"
#include "ridgelens/model/feature_matrix.hpp"

namespace ridgelens {

/// How a training set is read and prepared.
struct TrainingSetOptions {
    std::string path;             ///< LIBSVM file, or IDX directory / images file
    std::string format = "auto";  ///< "libsvm", "idx" or "auto" (idx for .gz or a directory)
    FeatureScaling scaling = FeatureScaling::none;  ///< LIBSVM only (IDX pixels are /255)
    bool intercept = false;   ///< append an implicit column of ones (penalized like
                              ///< every other parameter)
    int positive_class = -1;  ///< ≥ 0: labels become +1 for this class, −1 otherwise
    /// Bytes the caller will need per feature column once the data is loaded
    /// (model parameters, solver vectors). Data whose width times this, plus the
    /// loader's own per-column vectors, exceeds the memory budget is refused
    /// (ResourceError) before anything of that width is allocated: a LIBSVM
    /// feature index sets the width, however few entries the file has.
    double bytes_per_feature = 0;
};

/// Features and labels ready for `make_model`.
struct TrainingSet {
    FeatureMatrix features;
    Vector labels;
    std::string description;  ///< for reports: file, sizes, scaling, intercept
    /// LIBSVM: the 1-based file line of each sample (empty for IDX).
    std::vector<std::int64_t> sample_lines;
};

/// Reads and prepares the training set. An IDX path is a directory holding
/// `train-images-idx3-ubyte.gz` and `train-labels-idx1-ubyte.gz` (as the
/// Debian package `dataset-fashion-mnist` installs them) or the images file
/// itself (the labels file is found by name).
/// @throws InputError for unreadable or malformed data, UsageError for
/// options that do not fit the data (e.g. scaling IDX pixels, a class that
/// no sample has).
RIDGELENS_API TrainingSet load_training_set(const TrainingSetOptions& options);

}  // namespace ridgelens
