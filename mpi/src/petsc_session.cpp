#include "ridgelens/mpi/petsc_session.hpp"

#include <slepcsys.h>

#include "ridgelens/error.hpp"

namespace ridgelens::mpi {

Session::Session(int* argc, char*** argv) {
    const PetscErrorCode code =
        argc && argv ? SlepcInitialize(argc, argv, nullptr, nullptr) : SlepcInitializeNoArguments();
    if (code) throw Error("SlepcInitialize failed with PETSc error " + std::to_string(code));
    // Errors come back as codes that check() turns into exceptions with
    // PETSc's message; no tracebacks on stderr.
    PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
}

Session::~Session() {
    SlepcFinalize();
}

void check(PetscErrorCode code, const char* what) {
    if (code == 0) return;
    const char* text = nullptr;
    PetscErrorMessage(code, &text, nullptr);
    throw Error(std::string("PETSc: ") + what + " failed: " + (text ? text : "error ") + " (code " +
                std::to_string(code) + ")");
}

int rank(MPI_Comm comm) {
    int r = 0;
    MPI_Comm_rank(comm, &r);
    return r;
}

int size(MPI_Comm comm) {
    int s = 1;
    MPI_Comm_size(comm, &s);
    return s;
}

OwnedVec& OwnedVec::operator=(OwnedVec&& other) noexcept {
    if (this != &other) {
        reset(other.v_);
        other.v_ = nullptr;
    }
    return *this;
}

void OwnedVec::reset(Vec v) {
    if (v_) VecDestroy(&v_);
    v_ = v;
}

OwnedMat& OwnedMat::operator=(OwnedMat&& other) noexcept {
    if (this != &other) {
        reset(other.m_);
        other.m_ = nullptr;
    }
    return *this;
}

void OwnedMat::reset(Mat m) {
    if (m_) MatDestroy(&m_);
    m_ = m;
}

OwnedVec make_vector_like(Mat matrix) {
    Vec v = nullptr;
    check(MatCreateVecs(matrix, &v, nullptr), "MatCreateVecs");
    return OwnedVec(v);
}

}  // namespace ridgelens::mpi
