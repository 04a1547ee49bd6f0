#pragma once
/// @file replicated_model.hpp
/// A DistributedModel seen as a single-machine `Model` whose θ is replicated
/// on every rank: each call makes this rank's pass over its own samples and
/// finishes with one MPI_Allreduce, so every rank gets the whole R(θ), ∇R(θ)
/// and C·v. The single-machine algorithms that drive a `Model` (Newton-CG,
/// Lanczos, multi-shift CG, the approximation study) then run unchanged and
/// redundantly on every rank, with O(p) work per rank outside the products.
///
/// Collective: every rank must make the same calls in the same order (the
/// algorithms are deterministic and every rank sees the same reduced numbers).
///
/// Thread safety: every call is collective over the model's communicator (one
/// MPI_Allreduce each): all ranks make the same calls in the same order, from
/// one thread per process; setting the curvature point may not overlap any
/// other call.

#include "ridgelens/export.hpp"
#include "ridgelens/model/model.hpp"
#include "ridgelens/mpi/model_shell.hpp"

namespace ridgelens::mpi {

class RIDGELENS_API ReplicatedModel final : public Model {
  public:
    /// References `distributed` (which must outlive this) and shares its
    /// local model, hence its curvature point, and its curvature setting.
    explicit ReplicatedModel(DistributedModel& distributed);

    std::string name() const override;
    Index parameters() const override;
    /// All samples, over all ranks.
    Index samples() const override;
    /// Σ_r (n_r/n) R_r(θ), and the gradient likewise (one Allreduce of p+1 numbers).
    double evaluate(const Vector& theta, Vector* gradient) const override;
    void set_curvature_point(const Vector& theta) override;
    double evaluate_at_curvature_point(const Vector& theta, Vector* gradient) override;
    /// Σ_r (n_r/n) C_r v (one Allreduce of p numbers).
    void curvature_product(const double* v, double* y) const override;
    Vector curvature_diagonal() const override;
    /// The misclassified samples over all ranks (one Allreduce).
    std::optional<Index> misclassified(const Vector& theta) const override;

    /// Curvature products taken through this adapter, and their wall time.
    Index products() const { return products_; }
    double product_seconds() const { return product_seconds_; }

  private:
    double reduce(double local_value, Vector* local_gradient, Vector* gradient) const;

    DistributedModel* distributed_;
    mutable Index products_ = 0;
    mutable double product_seconds_ = 0;
};

}  // namespace ridgelens::mpi
