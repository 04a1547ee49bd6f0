#pragma once
/// @file model_shell.hpp
/// A model's curvature as a PETSc shell matrix, the data rows split across
/// ranks: rank r holds a LinearModel on its own n_r samples, and
///
///     H v = Σ_r (n_r/n) H_r v,
///
/// computed as: gather v on every rank (VecScatterCreateToAll), the local
/// matrix-free product of the single-machine model (multithreaded), then one
/// MPI_Allreduce of the p-vector. Parameters are replicated for the product;
/// the PETSc vectors are distributed by PETSc's default split of p.
///
/// Thread safety: products and curvature-point changes are collective over the
/// communicator (all ranks, same order, one thread per process); the shell's
/// counters are not synchronized.

#include <petscmat.h>

#include <memory>
#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/mpi/petsc_session.hpp"

namespace ridgelens::mpi {

/// This rank's block of samples of a LIBSVM file.
struct LocalTrainingRows {
    SparseRowMatrix features;  ///< n_r × features (width agreed by all ranks)
    Vector labels;
    std::int64_t global_samples = 0;
    std::int64_t first_sample = 0;  ///< global 0-based index of this rank's first sample
    Index feature_count = 0;        ///< global width (largest index over all ranks)
};

/// Reads rank r's samples of a LIBSVM file: samples are split evenly by line
/// count; every rank scans the file and parses only its own lines.
/// @throws InputError as read_libsvm.
RIDGELENS_API LocalTrainingRows read_distributed_libsvm(MPI_Comm comm, const std::string& path);

/// A model on distributed rows, with its curvature as a PETSc MATSHELL.
class RIDGELENS_API DistributedModel {
  public:
    /// `model` holds this rank's samples; `global_samples` = Σ_r n_r.
    /// Every rank must pass a model with the same parameters() (softmax: the
    /// same class set — checked, InputError otherwise).
    DistributedModel(MPI_Comm comm, std::unique_ptr<LinearModel> model,
                     std::int64_t global_samples);
    ~DistributedModel();
    DistributedModel(const DistributedModel&) = delete;
    DistributedModel& operator=(const DistributedModel&) = delete;

    Index parameters() const { return model_->parameters(); }
    std::int64_t global_samples() const { return global_samples_; }
    const LinearModel& local_model() const { return *model_; }
    /// This rank's model (its curvature point is the shell's: setting it
    /// through a ReplicatedModel moves the shell's too).
    LinearModel& local_model() { return *model_; }
    MPI_Comm comm() const { return comm_; }
    /// n_r / n: this rank's weight in the mean risk.
    double weight() const { return weight_; }

    /// R(θ) and ∇R(θ) (one Allreduce); `theta` and `gradient` distributed.
    double evaluate(Vec theta, Vec gradient) const;
    /// Fixes the curvature point (every rank caches its samples' weights).
    void set_curvature_point(Vec theta);
    /// The curvature at the curvature point as a shell matrix (owned here).
    Mat curvature() const { return shell_; }
    /// Products taken by the shell so far.
    std::int64_t products() const { return products_; }
    /// Wall time spent in the shell's products so far.
    double product_seconds() const { return product_seconds_; }
    /// Bytes moved per product by this rank (allgather + allreduce payloads).
    double bytes_per_product() const;

    /// Gathers a distributed vector into a full copy on every rank.
    Vector gather(Vec v) const;
    /// Copies this rank's slice of a full vector into `v`.
    void scatter(const Vector& full, Vec v) const;

  private:
    static PetscErrorCode multiply(Mat shell, Vec x, Vec y);
    static PetscErrorCode diagonal(Mat shell, Vec d);

    MPI_Comm comm_;
    std::unique_ptr<LinearModel> model_;
    std::int64_t global_samples_;
    double weight_;  ///< n_r / n
    Mat shell_ = nullptr;
    VecScatter to_all_ = nullptr;
    Vec gathered_ = nullptr;
    mutable Vector work_in_, work_out_;
    mutable std::int64_t products_ = 0;
    mutable double product_seconds_ = 0;
};

}  // namespace ridgelens::mpi
