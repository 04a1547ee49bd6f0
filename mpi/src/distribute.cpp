#include "ridgelens/mpi/distribute.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "ridgelens/error.hpp"

namespace ridgelens::mpi {

OwnedMat distribute_matrix(MPI_Comm comm, const SparseMatrix& full) {
    const PetscInt n = static_cast<PetscInt>(full.rows());
    Mat matrix = nullptr;
    check(MatCreate(comm, &matrix), "MatCreate");
    OwnedMat owned(matrix);
    check(MatSetSizes(matrix, PETSC_DECIDE, PETSC_DECIDE, n, n), "MatSetSizes");
    check(MatSetType(matrix, MATAIJ), "MatSetType");
    check(MatSetUp(matrix), "MatSetUp");
    PetscInt first = 0, last = 0;
    check(MatGetOwnershipRange(matrix, &first, &last), "MatGetOwnershipRange");
    // Both triangles are stored, so column j of the CSC arrays is row j.
    std::vector<PetscInt> diagonal_block(static_cast<std::size_t>(last - first), 0),
        off_block(static_cast<std::size_t>(last - first), 0);
    for (PetscInt row = first; row < last; ++row)
        for (SparseMatrix::InnerIterator it(full, row); it; ++it)
            ++((it.row() >= first && it.row() < last)
                   ? diagonal_block
                   : off_block)[static_cast<std::size_t>(row - first)];
    check(MatSeqAIJSetPreallocation(matrix, 0, diagonal_block.data()), "MatSeqAIJSetPreallocation");
    check(MatMPIAIJSetPreallocation(matrix, 0, diagonal_block.data(), 0, off_block.data()),
          "MatMPIAIJSetPreallocation");
    std::vector<PetscInt> columns;
    std::vector<PetscScalar> values;
    for (PetscInt row = first; row < last; ++row) {
        columns.clear();
        values.clear();
        for (SparseMatrix::InnerIterator it(full, row); it; ++it) {
            columns.push_back(static_cast<PetscInt>(it.row()));
            values.push_back(it.value());
        }
        check(MatSetValues(matrix, 1, &row, static_cast<PetscInt>(columns.size()), columns.data(),
                           values.data(), INSERT_VALUES),
              "MatSetValues");
    }
    check(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY), "MatAssemblyBegin");
    check(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY), "MatAssemblyEnd");
    check(MatSetOption(matrix, MAT_SYMMETRIC, PETSC_TRUE), "MatSetOption");
    return owned;
}

OwnedVec distribute_vector(Mat layout, const Vector& full) {
    OwnedVec v = make_vector_like(layout);
    PetscInt n = 0, first = 0, last = 0;
    check(VecGetSize(v.get(), &n), "VecGetSize");
    if (n != full.size())
        throw UsageError("vector of length " + std::to_string(full.size()) +
                         " for an operator of size " + std::to_string(n));
    check(VecGetOwnershipRange(v.get(), &first, &last), "VecGetOwnershipRange");
    PetscScalar* values = nullptr;
    check(VecGetArray(v.get(), &values), "VecGetArray");
    for (PetscInt i = first; i < last; ++i) values[i - first] = full[i];
    check(VecRestoreArray(v.get(), &values), "VecRestoreArray");
    return v;
}

Vector local_part(Vec v) {
    PetscInt length = 0;
    check(VecGetLocalSize(v, &length), "VecGetLocalSize");
    const PetscScalar* values = nullptr;
    check(VecGetArrayRead(v, &values), "VecGetArrayRead");
    Vector local = Eigen::Map<const Vector>(values, length);
    check(VecRestoreArrayRead(v, &values), "VecRestoreArrayRead");
    return local;
}

Vector gather_to_all(Vec v) {
    VecScatter scatter = nullptr;
    Vec all = nullptr;
    check(VecScatterCreateToAll(v, &scatter, &all), "VecScatterCreateToAll");
    check(VecScatterBegin(scatter, v, all, INSERT_VALUES, SCATTER_FORWARD), "VecScatterBegin");
    check(VecScatterEnd(scatter, v, all, INSERT_VALUES, SCATTER_FORWARD), "VecScatterEnd");
    Vector full = local_part(all);  // `all` is sequential: every entry is local
    VecScatterDestroy(&scatter);
    VecDestroy(&all);
    return full;
}

Vector gather_rows(Mat layout, const Vector& local) {
    OwnedVec v = make_vector_like(layout);
    PetscInt length = 0;
    check(VecGetLocalSize(v.get(), &length), "VecGetLocalSize");
    agree_on_arguments(PetscObjectComm(reinterpret_cast<PetscObject>(layout)),
                       length == local.size()
                           ? std::string()
                           : "gather_rows: " + std::to_string(local.size()) +
                                 " local rows where the layout has " + std::to_string(length));
    PetscScalar* values = nullptr;
    check(VecGetArray(v.get(), &values), "VecGetArray");
    std::copy(local.data(), local.data() + length, values);
    check(VecRestoreArray(v.get(), &values), "VecRestoreArray");
    return gather_to_all(v.get());
}

Vector local_diagonal(Mat hessian) {
    OwnedVec d = make_vector_like(hessian);
    check(MatGetDiagonal(hessian, d.get()), "MatGetDiagonal");
    return local_part(d.get());
}

}  // namespace ridgelens::mpi
