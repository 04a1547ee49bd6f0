#include "ridgelens/mpi/replicated_operator.hpp"

#include <algorithm>

namespace ridgelens::mpi {

ReplicatedOperator::ReplicatedOperator(Mat matrix) : matrix_(matrix) {
    PetscInt n = 0;
    check(MatGetSize(matrix, &n, nullptr), "MatGetSize");
    n_ = n;
    check(MatCreateVecs(matrix, &in_, &out_), "MatCreateVecs");
    check(VecGetOwnershipRange(in_, &first_, &last_), "VecGetOwnershipRange");
    check(VecScatterCreateToAll(out_, &to_all_, &gathered_), "VecScatterCreateToAll");
}

ReplicatedOperator::~ReplicatedOperator() {
    if (to_all_) VecScatterDestroy(&to_all_);
    if (gathered_) VecDestroy(&gathered_);
    if (in_) VecDestroy(&in_);
    if (out_) VecDestroy(&out_);
}

void ReplicatedOperator::gather(Vec v, double* full) const {
    check(VecScatterBegin(to_all_, v, gathered_, INSERT_VALUES, SCATTER_FORWARD),
          "VecScatterBegin");
    check(VecScatterEnd(to_all_, v, gathered_, INSERT_VALUES, SCATTER_FORWARD), "VecScatterEnd");
    const PetscScalar* values = nullptr;
    check(VecGetArrayRead(gathered_, &values), "VecGetArrayRead");
    std::copy(values, values + n_, full);
    check(VecRestoreArrayRead(gathered_, &values), "VecRestoreArrayRead");
}

void ReplicatedOperator::perform_op(const double* x, double* y) const {
    PetscScalar* values = nullptr;
    check(VecGetArray(in_, &values), "VecGetArray");
    std::copy(x + first_, x + last_, values);
    check(VecRestoreArray(in_, &values), "VecRestoreArray");
    check(MatMult(matrix_, in_, out_), "MatMult");
    gather(out_, y);
    ++products_;
}

Vector ReplicatedOperator::diagonal() const {
    check(MatGetDiagonal(matrix_, out_), "MatGetDiagonal");
    Vector full(n_);
    gather(out_, full.data());
    return full;
}

}  // namespace ridgelens::mpi
