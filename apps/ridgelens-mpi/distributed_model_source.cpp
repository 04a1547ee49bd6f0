#include "distributed_model_source.hpp"

#include <chrono>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/io/feature_scaling.hpp"

namespace ridgelens::cli {
namespace {

long long sum_over_ranks(MPI_Comm comm, long long value) {
    MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_LONG_LONG, MPI_SUM, comm);
    return value;
}

// Each column divided by its largest |value| over all ranks; returns the
// number of all-zero columns (left alone).
Index scale_columns_globally(MPI_Comm comm, SparseRowMatrix& X) {
    Vector column_max = Vector::Zero(X.cols());
    for (Index row = 0; row < X.outerSize(); ++row)
        for (SparseRowMatrix::InnerIterator it(X, row); it; ++it)
            column_max[it.col()] = std::max(column_max[it.col()], std::abs(it.value()));
    MPI_Allreduce(MPI_IN_PLACE, column_max.data(), static_cast<int>(column_max.size()), MPI_DOUBLE,
                  MPI_MAX, comm);
    Index zero_columns = 0;
    for (Index j = 0; j < column_max.size(); ++j)
        if (column_max[j] == 0) {
            column_max[j] = 1;
            ++zero_columns;
        }
    for (Index row = 0; row < X.outerSize(); ++row)
        for (SparseRowMatrix::InnerIterator it(X, row); it; ++it)
            it.valueRef() /= column_max[it.col()];
    return zero_columns;
}

}  // namespace

DistributedLoadedModel load_distributed_model(MPI_Comm comm, const ModelSourceArguments& a,
                                              const Progress& progress) {
    const auto start = std::chrono::steady_clock::now();
    if (a.data.path.empty()) throw UsageError("no training data given (--data FILE)");
    if (a.data.format == "idx")
        throw UsageError("ridgelens-mpi reads LIBSVM data only; use ridgelens for IDX images");
    if (a.data.format != "auto" && a.data.format != "libsvm")
        throw UsageError("unknown data format '" + a.data.format + "': ridgelens-mpi reads libsvm");
    const FeatureScaling scaling = parse_feature_scaling(a.scale);
    progress("reading " + a.data.path + " split over " + std::to_string(mpi::size(comm)) +
             " ranks");
    mpi::LocalTrainingRows rows = mpi::read_distributed_libsvm(comm, a.data.path);
    Index zero_columns = 0;
    long long zero_rows = 0;
    if (scaling == FeatureScaling::max_abs)
        zero_columns = scale_columns_globally(comm, rows.features);
    else if (scaling == FeatureScaling::row_norm)
        zero_rows = sum_over_ranks(comm, apply_feature_scaling(rows.features, scaling).zero_rows);
    const long long nonzeros = sum_over_ranks(comm, rows.features.nonZeros());

    std::ostringstream description;
    description << a.data.path << " (LIBSVM, " << rows.global_samples << " samples, "
                << rows.feature_count << " features, " << nonzeros << " nonzeros, scaling "
                << to_string(scaling);
    if (zero_columns > 0) description << " (" << zero_columns << " all-zero columns)";
    if (zero_rows > 0) description << " (" << zero_rows << " empty rows)";
    if (a.data.intercept) description << ", intercept column (penalized)";
    if (a.data.positive_class >= 0) {
        long long positives = 0;
        for (Index i = 0; i < rows.labels.size(); ++i) {
            const bool positive = rows.labels[i] == static_cast<double>(a.data.positive_class);
            positives += positive;
            rows.labels[i] = positive ? 1.0 : -1.0;
        }
        positives = sum_over_ranks(comm, positives);
        if (positives == 0)
            throw UsageError("--class " + std::to_string(a.data.positive_class) +
                             ": no sample has this label");
        description << ", labels +1 for class " << a.data.positive_class << " (" << positives
                    << " samples), -1 otherwise";
    }
    description << ")";

    DistributedLoadedModel loaded;
    loaded.features = rows.feature_count + (a.data.intercept ? 1 : 0);
    loaded.description = description.str();
    ModelOptions model_options;
    model_options.curvature = parse_curvature(a.curvature);
    loaded.model = std::make_unique<mpi::DistributedModel>(
        comm,
        make_model(a.model, FeatureMatrix::sparse(std::move(rows.features), a.data.intercept),
                   rows.labels, model_options),
        rows.global_samples);
    loaded.read_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress(loaded.description);
    return loaded;
}

}  // namespace ridgelens::cli
