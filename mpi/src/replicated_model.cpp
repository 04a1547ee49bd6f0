#include "ridgelens/mpi/replicated_model.hpp"

#include <chrono>

namespace ridgelens::mpi {

ReplicatedModel::ReplicatedModel(DistributedModel& distributed) : distributed_(&distributed) {
    set_curvature(distributed.local_model().curvature());
}

std::string ReplicatedModel::name() const {
    return distributed_->local_model().name();
}

Index ReplicatedModel::parameters() const {
    return distributed_->parameters();
}

Index ReplicatedModel::samples() const {
    return static_cast<Index>(distributed_->global_samples());
}

double ReplicatedModel::reduce(double local_value, Vector* local_gradient, Vector* gradient) const {
    const double weight = distributed_->weight();
    const Index p = parameters();
    if (!gradient) {
        double value = weight * local_value;
        MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, distributed_->comm());
        return value;
    }
    Vector buffer(p + 1);
    buffer.head(p) = weight * *local_gradient;
    buffer[p] = weight * local_value;
    MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(p + 1), MPI_DOUBLE, MPI_SUM,
                  distributed_->comm());
    *gradient = buffer.head(p);
    return buffer[p];
}

double ReplicatedModel::evaluate(const Vector& theta, Vector* gradient) const {
    Vector local;
    const double value = distributed_->local_model().evaluate(theta, gradient ? &local : nullptr);
    return reduce(value, &local, gradient);
}

void ReplicatedModel::set_curvature_point(const Vector& theta) {
    distributed_->local_model().set_curvature_point(theta);
}

double ReplicatedModel::evaluate_at_curvature_point(const Vector& theta, Vector* gradient) {
    Vector local;
    const double value =
        distributed_->local_model().evaluate_at_curvature_point(theta, gradient ? &local : nullptr);
    return reduce(value, &local, gradient);
}

void ReplicatedModel::curvature_product(const double* v, double* y) const {
    const auto start = std::chrono::steady_clock::now();
    const Index p = parameters();
    distributed_->local_model().curvature_product(v, y);
    Eigen::Map<Vector>(y, p) *= distributed_->weight();
    MPI_Allreduce(MPI_IN_PLACE, y, static_cast<int>(p), MPI_DOUBLE, MPI_SUM, distributed_->comm());
    ++products_;
    product_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Vector ReplicatedModel::curvature_diagonal() const {
    Vector diagonal = distributed_->weight() * distributed_->local_model().curvature_diagonal();
    MPI_Allreduce(MPI_IN_PLACE, diagonal.data(), static_cast<int>(diagonal.size()), MPI_DOUBLE,
                  MPI_SUM, distributed_->comm());
    return diagonal;
}

std::optional<Index> ReplicatedModel::misclassified(const Vector& theta) const {
    const std::optional<Index> local = distributed_->local_model().misclassified(theta);
    if (!local) return std::nullopt;  // the same model type on every rank
    long long count = static_cast<long long>(*local);
    MPI_Allreduce(MPI_IN_PLACE, &count, 1, MPI_LONG_LONG, MPI_SUM, distributed_->comm());
    return static_cast<Index>(count);
}

}  // namespace ridgelens::mpi
