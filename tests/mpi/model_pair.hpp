#pragma once
// A LIBSVM data set as a model twice, for tests of ridgelens::mpi: split over
// the ranks (a DistributedModel on this rank's samples) and whole (the
// single-machine reference, which every rank reads).

#include <memory>
#include <string>

#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/mpi/model_shell.hpp"

namespace ridgelens::testing {

struct ModelPair {
    std::unique_ptr<mpi::DistributedModel> distributed;
    std::unique_ptr<LinearModel> reference;
    std::int64_t global_samples = 0;
    Index local_samples = 0;  ///< this rank's
};

inline ModelPair load_model_pair(MPI_Comm comm, const std::string& path, const std::string& model) {
    ModelPair pair;
    mpi::LocalTrainingRows rows = mpi::read_distributed_libsvm(comm, path);
    pair.global_samples = rows.global_samples;
    pair.local_samples = rows.features.rows();
    pair.distributed = std::make_unique<mpi::DistributedModel>(
        comm, make_model(model, FeatureMatrix::sparse(std::move(rows.features)), rows.labels),
        rows.global_samples);
    LibsvmData all = read_libsvm(path);
    all.features.conservativeResize(all.features.rows(), rows.feature_count);
    pair.reference = make_model(model, FeatureMatrix::sparse(std::move(all.features)), all.labels);
    return pair;
}

}  // namespace ridgelens::testing
