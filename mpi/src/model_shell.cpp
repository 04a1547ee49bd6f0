#include "ridgelens/mpi/model_shell.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "ridgelens/error.hpp"

namespace ridgelens::mpi {
namespace {

bool is_sample_line(const std::string& line) {
    for (char c : line) {
        if (c == ' ' || c == '\t' || c == '\r') continue;
        return c != '#';
    }
    return false;
}

}  // namespace

LocalTrainingRows read_distributed_libsvm(MPI_Comm comm, const std::string& path) {
    const int ranks = size(comm), me = rank(comm);
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open for reading");
    std::string line;
    std::int64_t samples = 0;
    while (std::getline(in, line))
        if (is_sample_line(line)) ++samples;
    if (samples < ranks)
        throw InputError(path + ": " + std::to_string(samples) + " samples cannot be split over " +
                         std::to_string(ranks) + " ranks");
    const std::int64_t first = samples * me / ranks, last = samples * (me + 1) / ranks;
    in.clear();
    in.seekg(0);
    std::string mine;
    std::int64_t sample = 0;
    while (std::getline(in, line)) {
        if (!is_sample_line(line)) continue;
        if (sample >= first && sample < last) {
            mine += line;
            mine += '\n';
        }
        if (++sample >= last) break;
    }
    std::istringstream text(std::move(mine));
    LibsvmData data = parse_libsvm(
        text, path + " (samples " + std::to_string(first + 1) + ".." + std::to_string(last) + ")");
    long long width = static_cast<long long>(data.feature_count), global_width = 0;
    MPI_Allreduce(&width, &global_width, 1, MPI_LONG_LONG, MPI_MAX, comm);
    LocalTrainingRows rows;
    rows.features = std::move(data.features);
    rows.features.conservativeResize(rows.features.rows(), static_cast<Index>(global_width));
    rows.labels = std::move(data.labels);
    rows.global_samples = samples;
    rows.first_sample = first;
    rows.feature_count = static_cast<Index>(global_width);
    return rows;
}

DistributedModel::DistributedModel(MPI_Comm comm, std::unique_ptr<LinearModel> model,
                                   std::int64_t global_samples)
    : comm_(comm), model_(std::move(model)), global_samples_(global_samples) {
    weight_ = static_cast<double>(model_->samples()) / static_cast<double>(global_samples);
    long long p = model_->parameters(), p_min = 0, p_max = 0;
    MPI_Allreduce(&p, &p_min, 1, MPI_LONG_LONG, MPI_MIN, comm);
    MPI_Allreduce(&p, &p_max, 1, MPI_LONG_LONG, MPI_MAX, comm);
    if (p_min != p_max)
        throw InputError("the ranks' data blocks give models with " + std::to_string(p_min) +
                         " to " + std::to_string(p_max) +
                         " parameters: some rank's samples lack a class (softmax needs every "
                         "class on every rank; use fewer ranks or shuffle the file)");
    if (auto* softmax = dynamic_cast<const SoftmaxModel*>(model_.get())) {
        std::vector<double> labels = softmax->class_labels(), low(labels.size()),
                            high(labels.size());
        MPI_Allreduce(labels.data(), low.data(), static_cast<int>(labels.size()), MPI_DOUBLE,
                      MPI_MIN, comm);
        MPI_Allreduce(labels.data(), high.data(), static_cast<int>(labels.size()), MPI_DOUBLE,
                      MPI_MAX, comm);
        if (low != high)
            throw InputError("softmax: the ranks' data blocks have different class labels");
    }
    const PetscInt parameters = static_cast<PetscInt>(p);
    check(MatCreateShell(comm, PETSC_DECIDE, PETSC_DECIDE, parameters, parameters, this, &shell_),
          "MatCreateShell");
    check(MatShellSetOperation(shell_, MATOP_MULT, reinterpret_cast<void (*)(void)>(&multiply)),
          "MatShellSetOperation");
    check(MatShellSetOperation(shell_, MATOP_MULT_TRANSPOSE,
                               reinterpret_cast<void (*)(void)>(&multiply)),
          "MatShellSetOperation");
    check(MatShellSetOperation(shell_, MATOP_GET_DIAGONAL,
                               reinterpret_cast<void (*)(void)>(&diagonal)),
          "MatShellSetOperation");
    check(MatSetOption(shell_, MAT_SYMMETRIC, PETSC_TRUE), "MatSetOption");
    check(MatSetUp(shell_), "MatSetUp");
    OwnedVec layout = make_vector_like(shell_);
    check(VecScatterCreateToAll(layout.get(), &to_all_, &gathered_), "VecScatterCreateToAll");
    work_in_.resize(p);
    work_out_.resize(p);
}

DistributedModel::~DistributedModel() {
    if (to_all_) VecScatterDestroy(&to_all_);
    if (gathered_) VecDestroy(&gathered_);
    if (shell_) MatDestroy(&shell_);
}

Vector DistributedModel::gather(Vec v) const {
    check(VecScatterBegin(to_all_, v, gathered_, INSERT_VALUES, SCATTER_FORWARD),
          "VecScatterBegin");
    check(VecScatterEnd(to_all_, v, gathered_, INSERT_VALUES, SCATTER_FORWARD), "VecScatterEnd");
    const PetscScalar* values = nullptr;
    check(VecGetArrayRead(gathered_, &values), "VecGetArrayRead");
    Vector full = Eigen::Map<const Vector>(values, model_->parameters());
    check(VecRestoreArrayRead(gathered_, &values), "VecRestoreArrayRead");
    return full;
}

void DistributedModel::scatter(const Vector& full, Vec v) const {
    PetscInt first = 0, last = 0;
    check(VecGetOwnershipRange(v, &first, &last), "VecGetOwnershipRange");
    PetscScalar* values = nullptr;
    check(VecGetArray(v, &values), "VecGetArray");
    std::copy(full.data() + first, full.data() + last, values);
    check(VecRestoreArray(v, &values), "VecRestoreArray");
}

double DistributedModel::evaluate(Vec theta, Vec gradient) const {
    const Vector full = gather(theta);
    const Index p = model_->parameters();
    Vector local_gradient;
    // [R_r, ∇R_r] weighted by n_r/n, summed over ranks in one reduction.
    Vector buffer(p + 1);
    buffer[p] = weight_ * model_->evaluate(full, gradient ? &local_gradient : nullptr);
    if (gradient)
        buffer.head(p) = weight_ * local_gradient;
    else
        buffer.head(p).setZero();
    MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(p + 1), MPI_DOUBLE, MPI_SUM, comm_);
    if (gradient) scatter(buffer.head(p), gradient);
    return buffer[p];
}

void DistributedModel::set_curvature_point(Vec theta) {
    model_->set_curvature_point(gather(theta));
}

double DistributedModel::bytes_per_product() const {
    // allgather of v (p doubles received) and an allreduce of p doubles
    // (a ring allreduce moves about 2p doubles per rank).
    return 3.0 * static_cast<double>(model_->parameters()) * sizeof(double);
}

PetscErrorCode DistributedModel::multiply(Mat shell, Vec x, Vec y) {
    DistributedModel* self = nullptr;
    PetscCall(MatShellGetContext(shell, &self));
    const auto start = std::chrono::steady_clock::now();
    try {
        self->work_in_ = self->gather(x);
        self->model_->curvature_product(self->work_in_.data(), self->work_out_.data());
        self->work_out_ *= self->weight_;
        MPI_Allreduce(MPI_IN_PLACE, self->work_out_.data(),
                      static_cast<int>(self->work_out_.size()), MPI_DOUBLE, MPI_SUM, self->comm_);
        self->scatter(self->work_out_, y);
    } catch (const std::exception& error) {
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", error.what());
    }
    ++self->products_;
    self->product_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return 0;
}

PetscErrorCode DistributedModel::diagonal(Mat shell, Vec d) {
    DistributedModel* self = nullptr;
    PetscCall(MatShellGetContext(shell, &self));
    try {
        Vector local = self->weight_ * self->model_->curvature_diagonal();
        MPI_Allreduce(MPI_IN_PLACE, local.data(), static_cast<int>(local.size()), MPI_DOUBLE,
                      MPI_SUM, self->comm_);
        self->scatter(local, d);
    } catch (const std::exception& error) {
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", error.what());
    }
    return 0;
}

}  // namespace ridgelens::mpi
