#pragma once
/// @file counting_operator.hpp
/// x ↦ (H + shift·I)x as a PETSc shell matrix that counts its products with H.
///
/// Thread safety: collective over the matrix's communicator, like every PETSc
/// call; one thread per process (PETSc is not thread-safe); the product count is
/// not synchronized.

#include <petscmat.h>

#include <cstdint>

#include "ridgelens/export.hpp"
#include "ridgelens/mpi/petsc_session.hpp"

namespace ridgelens::mpi {

/// Wraps (does not copy) H. Supports MatMult, MatMultTranspose (H is
/// symmetric) and MatGetDiagonal (when H does: diag(H) + shift).
class RIDGELENS_API CountingOperator {
  public:
    explicit CountingOperator(Mat hessian, double shift = 0);
    ~CountingOperator();
    CountingOperator(const CountingOperator&) = delete;
    CountingOperator& operator=(const CountingOperator&) = delete;

    Mat get() const { return shell_; }
    std::int64_t products() const { return products_; }

  private:
    static PetscErrorCode multiply(Mat shell, Vec x, Vec y);
    static PetscErrorCode diagonal(Mat shell, Vec d);

    Mat hessian_;
    double shift_;
    Mat shell_ = nullptr;
    std::int64_t products_ = 0;
};

}  // namespace ridgelens::mpi
