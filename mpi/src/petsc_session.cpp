#include "ridgelens/mpi/petsc_session.hpp"

#include <slepcsys.h>

#include <cctype>
#include <string>

#include "ridgelens/error.hpp"

namespace ridgelens::mpi {
namespace {

/// PETSc's specific message of the error being returned (the first, innermost one).
thread_local std::string petsc_error_text;

PetscErrorCode keep_error_text(MPI_Comm, int, const char*, const char*, PetscErrorCode code,
                               PetscErrorType type, const char* message, void*) {
    if (type == PETSC_ERROR_INITIAL) {
        petsc_error_text = message ? message : "";
        while (!petsc_error_text.empty() &&
               std::isspace(static_cast<unsigned char>(petsc_error_text.back())))
            petsc_error_text.pop_back();
    }
    return code;
}

}  // namespace

ApiScope::ApiScope() {
    PetscBool petsc = PETSC_FALSE;
    PetscInitialized(&petsc);
    if (!petsc)
        throw Error(
            "ridgelens::mpi needs PETSc initialized: construct a ridgelens::mpi::Session or call "
            "SlepcInitialize (or PetscInitialize) first");
    PetscBool slepc = PETSC_FALSE;
    SlepcInitialized(&slepc);
    if (!slepc) {
        const PetscErrorCode code = SlepcInitializeNoArguments();
        if (code)
            throw Error(
                "SlepcInitialize (after the application's PetscInitialize) failed with "
                "PETSc error " +
                std::to_string(code));
    }
    PetscPushErrorHandler(keep_error_text, nullptr);
    petsc_error_text.clear();
}

ApiScope::~ApiScope() {
    PetscPopErrorHandler();
}

void agree_on_arguments(MPI_Comm comm, const std::string& local_problem) {
    int ranks = 1, me = 0;
    MPI_Comm_size(comm, &ranks);
    MPI_Comm_rank(comm, &me);
    int first = local_problem.empty() ? ranks : me;
    MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == ranks) return;
    std::string message = me == first ? local_problem : std::string();
    int length = static_cast<int>(message.size());
    MPI_Bcast(&length, 1, MPI_INT, first, comm);
    message.resize(static_cast<std::size_t>(length));
    MPI_Bcast(message.data(), length, MPI_CHAR, first, comm);
    throw UsageError(ranks > 1 ? "rank " + std::to_string(first) + ": " + message : message);
}

Session::Session(int* argc, char*** argv) {
    const PetscErrorCode code =
        argc && argv ? SlepcInitialize(argc, argv, nullptr, nullptr) : SlepcInitializeNoArguments();
    if (code) throw Error("SlepcInitialize failed with PETSc error " + std::to_string(code));
    // Errors come back as codes that check() turns into exceptions with
    // PETSc's message; no tracebacks on stderr.
    PetscPushErrorHandler(keep_error_text, nullptr);
}

Session::~Session() {
    SlepcFinalize();
}

std::string vector_layout_problem(Mat matrix, Vec v, const char* name) {
    if (v == nullptr) return std::string(name) + " is missing (a null Vec)";
    PetscInt rows = 0, local_rows = 0, size = 0, local_size = 0;
    MatGetSize(matrix, &rows, nullptr);
    MatGetLocalSize(matrix, &local_rows, nullptr);
    VecGetSize(v, &size);
    VecGetLocalSize(v, &local_size);
    if (size != rows)
        return std::string(name) + " has " + std::to_string(size) + " entries where H has " +
               std::to_string(rows) + " rows";
    if (local_size != local_rows)
        return std::string(name) + " has " + std::to_string(local_size) +
               " entries on this rank where H has " + std::to_string(local_rows) +
               " local rows: the vector's layout must be the matrix's (MatCreateVecs)";
    return {};
}

void check(PetscErrorCode code, const char* what) {
    if (code == 0) return;
    const char* text = nullptr;
    PetscErrorMessage(code, &text, nullptr);
    std::string message = std::string("PETSc: ") + what + " failed: " + (text ? text : "error");
    if (!petsc_error_text.empty()) message += ": " + petsc_error_text;
    petsc_error_text.clear();
    throw Error(message + " (code " + std::to_string(code) + ")");
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
