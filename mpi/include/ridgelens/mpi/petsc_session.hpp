#pragma once
/// @file petsc_session.hpp
/// The PETSc/SLEPc runtime of a ridgelens::mpi program, error checking, and
/// small owning handles for PETSc objects.
///
/// Thread safety: the session and the handles belong to the process's main
/// thread (PETSc and SLEPc are initialized without thread support); creating
/// and destroying PETSc objects is collective over their communicator.

#include <petscmat.h>
#include <petscvec.h>
#include <slepcsys.h>

#include <string>
#include "ridgelens/export.hpp"

namespace ridgelens::mpi {

/// Initializes MPI, PETSc and SLEPc (SlepcInitialize) for the lifetime of the
/// object and finalizes them on destruction. One per process, first thing in main().
///
/// Runtime requirements of every ridgelens::mpi call: PETSc must be initialized
/// (by a Session, SlepcInitialize or the application's own PetscInitialize);
/// otherwise the call throws ridgelens::Error saying so. SLEPc need not be:
/// an application that called only PetscInitialize gets SLEPc initialized by
/// the first call that needs it (SlepcInitialize, which SLEPc allows after
/// PetscInitialize; call SlepcFinalize before PetscFinalize to release it).
/// During a call, PETSc errors are returned rather than printed or aborted
/// (the application's error handler is restored afterwards) and their text is
/// kept in the ridgelens::Error thrown.
///
/// Distributed calls are collective: they check their arguments on every rank
/// and agree (one MPI_Allreduce) before any collective work, so an argument
/// wrong on any rank raises the same ridgelens::UsageError on every rank
/// instead of a deadlock or an abort.
class RIDGELENS_API Session {
  public:
    /// `argc`/`argv` may be null (no PETSc options from the command line).
    Session(int* argc, char*** argv);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

/// Throws ridgelens::Error naming `what` and PETSc's message when `code` is
/// nonzero: the generic text of the code and, when an ApiScope (or Session)
/// caught it, PETSc's own specific message.
RIDGELENS_API void check(PetscErrorCode code, const char* what);

/// For the duration of one ridgelens::mpi call: checks that PETSc is
/// initialized (@throws Error otherwise), initializes SLEPc if needed, and
/// installs an error handler that returns error codes and keeps PETSc's text
/// for check(); the previous handler is restored on destruction.
class RIDGELENS_API ApiScope {
  public:
    ApiScope();
    ~ApiScope();
    ApiScope(const ApiScope&) = delete;
    ApiScope& operator=(const ApiScope&) = delete;
};

/// Collective agreement on arguments: every rank passes what is wrong with its
/// own arguments (empty: nothing); if any rank found something, every rank
/// throws the same ridgelens::UsageError, with the message of the lowest such
/// rank (prefixed "rank r: " when there are several ranks). One MPI_Allreduce
/// and, on failure, one MPI_Bcast.
RIDGELENS_API void agree_on_arguments(MPI_Comm comm, const std::string& local_problem);

/// What is wrong with `v` (called `name`) as a vector of `matrix`'s row layout:
/// missing, another global size or another local size on this rank; empty if
/// nothing. Local (no communication).
RIDGELENS_API std::string vector_layout_problem(Mat matrix, Vec v, const char* name);

/// This process's rank and the number of ranks in `comm`.
RIDGELENS_API int rank(MPI_Comm comm);
RIDGELENS_API int size(MPI_Comm comm);

/// An owned PETSc vector (VecDestroy on destruction), movable.
class RIDGELENS_API OwnedVec {
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
class RIDGELENS_API OwnedMat {
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
RIDGELENS_API OwnedVec make_vector_like(Mat matrix);

}  // namespace ridgelens::mpi
