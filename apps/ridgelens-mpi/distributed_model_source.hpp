#pragma once
// Training data for ridgelens-mpi fit/path: a LIBSVM file whose samples are
// split across the ranks, prepared as load_training_set prepares it (scaling,
// one-class labels, intercept) with the global numbers reduced, and the model
// on it as a DistributedModel.

#include <memory>

#include "model_source.hpp"
#include "ridgelens/mpi/model_shell.hpp"

namespace ridgelens::cli {

struct DistributedLoadedModel {
    std::unique_ptr<mpi::DistributedModel> model;
    Index features = 0;       ///< columns of X, intercept included
    std::string description;  ///< the data, for reports (as the single-machine one)
    double read_seconds = 0;
};

/// LIBSVM only (IDX data: use the single-machine program). Collective.
/// @throws InputError / UsageError as load_model.
DistributedLoadedModel load_distributed_model(MPI_Comm comm, const ModelSourceArguments& arguments,
                                              const Progress& progress);

}  // namespace ridgelens::cli
