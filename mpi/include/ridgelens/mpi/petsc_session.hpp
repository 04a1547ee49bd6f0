#pragma once
/// @file petsc_session.hpp
/// The PETSc/SLEPc runtime of a ridgelens::mpi program, error checking, and
/// small owning handles for PETSc objects.

#include <petscmat.h>
#include <petscvec.h>
#include <slepcsys.h>

#include <string>

namespace ridgelens::mpi {

/// Initializes MPI, PETSc and SLEPc (SlepcInitialize) for the lifetime of the
/// object and finalizes them on destruction. One per process, first thing in main().
class Session {
  public:
    /// `argc`/`argv` may be null (no PETSc options from the command line).
    Session(int* argc, char*** argv);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

/// Throws ridgelens::Error naming `what` and PETSc's message when `code` is nonzero.
void check(PetscErrorCode code, const char* what);

/// This process's rank and the number of ranks in `comm`.
int rank(MPI_Comm comm);
int size(MPI_Comm comm);

/// An owned PETSc vector (VecDestroy on destruction), movable.
class OwnedVec {
  public:
    OwnedVec() = default;
    explicit OwnedVec(Vec v) : v_(v) {}
    ~OwnedVec() { reset(); }
    OwnedVec(OwnedVec&& other) noexcept : v_(other.v_) { other.v_ = nullptr; }
    OwnedVec& operator=(OwnedVec&& other) noexcept;
    OwnedVec(const OwnedVec&) = delete;
    OwnedVec& operator=(const OwnedVec&) = delete;
    Vec get() const { return v_; }
    explicit operator bool() const { return v_ != nullptr; }
    void reset(Vec v = nullptr);

  private:
    Vec v_ = nullptr;
};

/// An owned PETSc matrix (MatDestroy on destruction), movable.
class OwnedMat {
  public:
    OwnedMat() = default;
    explicit OwnedMat(Mat m) : m_(m) {}
    ~OwnedMat() { reset(); }
    OwnedMat(OwnedMat&& other) noexcept : m_(other.m_) { other.m_ = nullptr; }
    OwnedMat& operator=(OwnedMat&& other) noexcept;
    OwnedMat(const OwnedMat&) = delete;
    OwnedMat& operator=(const OwnedMat&) = delete;
    Mat get() const { return m_; }
    void reset(Mat m = nullptr);

  private:
    Mat m_ = nullptr;
};

/// A new vector with the row layout of `matrix` (MatCreateVecs).
OwnedVec make_vector_like(Mat matrix);

}  // namespace ridgelens::mpi
