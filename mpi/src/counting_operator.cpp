#include "ridgelens/mpi/counting_operator.hpp"

namespace ridgelens::mpi {

CountingOperator::CountingOperator(Mat hessian, double shift) : hessian_(hessian), shift_(shift) {
    PetscInt m = 0, n = 0, rows = 0, cols = 0;
    check(MatGetLocalSize(hessian, &m, &n), "MatGetLocalSize");
    check(MatGetSize(hessian, &rows, &cols), "MatGetSize");
    MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(hessian));
    check(MatCreateShell(comm, m, n, rows, cols, this, &shell_), "MatCreateShell");
    check(MatShellSetOperation(shell_, MATOP_MULT, reinterpret_cast<void (*)(void)>(&multiply)),
          "MatShellSetOperation");
    check(MatShellSetOperation(shell_, MATOP_MULT_TRANSPOSE,
                               reinterpret_cast<void (*)(void)>(&multiply)),
          "MatShellSetOperation");
    PetscBool has_diagonal = PETSC_FALSE;
    check(MatHasOperation(hessian, MATOP_GET_DIAGONAL, &has_diagonal), "MatHasOperation");
    if (has_diagonal)
        check(MatShellSetOperation(shell_, MATOP_GET_DIAGONAL,
                                   reinterpret_cast<void (*)(void)>(&diagonal)),
              "MatShellSetOperation");
    check(MatSetOption(shell_, MAT_SYMMETRIC, PETSC_TRUE), "MatSetOption");
}

CountingOperator::~CountingOperator() {
    if (shell_) MatDestroy(&shell_);
}

PetscErrorCode CountingOperator::multiply(Mat shell, Vec x, Vec y) {
    CountingOperator* self = nullptr;
    PetscCall(MatShellGetContext(shell, &self));
    PetscCall(MatMult(self->hessian_, x, y));
    ++self->products_;
    if (self->shift_ != 0) PetscCall(VecAXPY(y, self->shift_, x));
    return 0;
}

PetscErrorCode CountingOperator::diagonal(Mat shell, Vec d) {
    CountingOperator* self = nullptr;
    PetscCall(MatShellGetContext(shell, &self));
    PetscCall(MatGetDiagonal(self->hessian_, d));
    if (self->shift_ != 0) PetscCall(VecShift(d, self->shift_));
    return 0;
}

}  // namespace ridgelens::mpi
