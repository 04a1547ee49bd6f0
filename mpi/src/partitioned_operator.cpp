#include "ridgelens/mpi/partitioned_operator.hpp"

#include <algorithm>

#include "ridgelens/error.hpp"

namespace ridgelens::mpi {
namespace {

MpiRowPartition partition_of_matrix(Mat matrix) {
    MPI_Comm comm = MPI_COMM_NULL;
    check(PetscObjectGetComm(reinterpret_cast<PetscObject>(matrix), &comm), "PetscObjectGetComm");
    PetscInt n = 0, first = 0, last = 0;
    check(MatGetSize(matrix, &n, nullptr), "MatGetSize");
    check(MatGetOwnershipRange(matrix, &first, &last), "MatGetOwnershipRange");
    return MpiRowPartition(comm, n, first);
}

}  // namespace

void MpiRowPartition::sum(double* values, Index count) const {
    constexpr Index chunk = Index{1} << 30;
    for (Index done = 0; done < count; done += chunk) {
        const int length = static_cast<int>(std::min(chunk, count - done));
        if (MPI_Allreduce(MPI_IN_PLACE, values + done, length, MPI_DOUBLE, MPI_SUM, comm_) !=
            MPI_SUCCESS)
            throw Error("MPI_Allreduce failed in a row-partitioned sum");
    }
}

PartitionedOperator::PartitionedOperator(Mat matrix)
    : matrix_(matrix), partition_(partition_of_matrix(matrix)) {
    check(MatGetOwnershipRange(matrix, &first_, &last_), "MatGetOwnershipRange");
    // Vectors with the matrix's layout whose arrays are replaced by the
    // caller's x and y for each product (no copies).
    check(MatCreateVecs(matrix, &in_, &out_), "MatCreateVecs");
}

PartitionedOperator::~PartitionedOperator() {
    if (in_) VecDestroy(&in_);
    if (out_) VecDestroy(&out_);
}

void PartitionedOperator::perform_op(const double* x, double* y) const {
    check(VecPlaceArray(in_, x), "VecPlaceArray");
    check(VecPlaceArray(out_, y), "VecPlaceArray");
    const PetscErrorCode multiplied = MatMult(matrix_, in_, out_);
    VecResetArray(in_);
    VecResetArray(out_);
    check(multiplied, "MatMult");
    ++products_;
}

Vector PartitionedOperator::local_rows(const Vector& full) const {
    if (full.size() != partition_.global_rows())
        throw UsageError("a vector of length " + std::to_string(full.size()) +
                         " for an operator of dimension " +
                         std::to_string(partition_.global_rows()));
    return full.segment(first_, last_ - first_);
}

}  // namespace ridgelens::mpi
