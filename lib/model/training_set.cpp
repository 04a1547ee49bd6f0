#include "ridgelens/model/training_set.hpp"

#include <filesystem>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/io/memory_budget.hpp"
#include "ridgelens/model/fashion_mnist.hpp"

namespace ridgelens {
namespace {

bool looks_like_idx(const std::string& path) {
    return std::filesystem::is_directory(path) ||
           (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) ||
           path.find("-idx") != std::string::npos;
}

// Splits an IDX path into the directory and split name load_fashion_mnist takes.
std::pair<std::string, std::string> idx_location(const std::string& path) {
    if (std::filesystem::is_directory(path)) return {path, "train"};
    const std::filesystem::path file(path);
    const std::string name = file.filename().string();
    const auto marker = name.find("-images-idx3-ubyte");
    if (marker == std::string::npos)
        throw UsageError(path +
                         ": an IDX images file must be named <split>-images-idx3-ubyte[.gz]");
    return {file.parent_path().string(), name.substr(0, marker)};
}

}  // namespace

TrainingSet load_training_set(const TrainingSetOptions& options) {
    if (options.path.empty()) throw UsageError("no training data given (TrainingSetOptions::path)");
    if (!std::filesystem::exists(options.path))
        throw InputError(options.path + ": no such file or directory");
    std::string format = options.format;
    if (format == "auto") format = looks_like_idx(options.path) ? "idx" : "libsvm";
    if (format != "libsvm" && format != "idx")
        throw UsageError("unknown data format '" + format + "': choose libsvm, idx or auto");

    TrainingSet set;
    std::ostringstream description;
    Index samples = 0, features = 0;
    if (format == "idx") {
        if (options.scaling != FeatureScaling::none)
            throw UsageError(
                "TrainingSetOptions::scaling applies to LIBSVM data; IDX pixels are already scaled "
                "by "
                "1/255");
        const auto [directory, split] = idx_location(options.path);
        ImageDataset images = load_fashion_mnist(directory, split);
        set.labels = images.labels.cast<double>();
        samples = images.pixels.rows();
        features = images.pixels.cols();
        description << images.source << " (IDX, " << samples << " images of " << features
                    << " pixels/255";
        set.features = FeatureMatrix::dense(std::move(images.pixels), options.intercept);
    } else {
        LibsvmData data = read_libsvm(options.path);
        if (data.features.rows() == 0)
            throw InputError(options.path + ": no samples (the file has no data lines)");
        // The scaling vector and what the caller keeps per column.
        const auto width = static_cast<double>(data.features.cols()) + 1;
        check_memory_estimate(width * (sizeof(double) + options.bytes_per_feature),
                              options.path + ": " + std::to_string(data.features.cols()) +
                                  " feature columns (the largest feature index)");
        set.sample_lines = std::move(data.sample_lines);
        const ScalingInfo scaling = apply_feature_scaling(data.features, options.scaling);
        set.labels = std::move(data.labels);
        samples = data.features.rows();
        features = data.features.cols();
        description << options.path << " (LIBSVM, " << samples << " samples, " << features
                    << " features, " << data.features.nonZeros() << " nonzeros, scaling "
                    << to_string(options.scaling);
        if (scaling.zero_columns > 0)
            description << " (" << scaling.zero_columns << " all-zero columns)";
        if (scaling.zero_rows > 0) description << " (" << scaling.zero_rows << " empty rows)";
        set.features = FeatureMatrix::sparse(std::move(data.features), options.intercept);
    }
    if (options.intercept) description << ", intercept column (penalized)";
    if (options.positive_class >= 0) {
        Index positives = 0;
        for (Index i = 0; i < set.labels.size(); ++i) {
            const bool positive = set.labels[i] == static_cast<double>(options.positive_class);
            positives += positive;
            set.labels[i] = positive ? 1.0 : -1.0;
        }
        if (positives == 0)
            throw UsageError("TrainingSetOptions::positive_class " +
                             std::to_string(options.positive_class) + ": no sample has this label");
        description << ", labels +1 for class " << options.positive_class << " (" << positives
                    << " samples), -1 otherwise";
    }
    description << ")";
    set.description = description.str();
    return set;
}

}  // namespace ridgelens
