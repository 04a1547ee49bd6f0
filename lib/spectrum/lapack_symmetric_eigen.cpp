#include "spectrum/lapack_symmetric_eigen.hpp"

#include <algorithm>
#include <limits>
#include <vector>

// The trailing arguments are the Fortran hidden lengths of the character
// arguments.
extern "C" void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda,
                        double* w, double* work, const int* lwork, int* iwork, const int* liwork,
                        int* info, std::size_t jobz_length, std::size_t uplo_length);

// OpenBLAS's thread count (the library links OpenBLAS: BLA_VENDOR=OpenBLAS).
extern "C" int openblas_get_num_threads(void);
extern "C" void openblas_set_num_threads(int threads);

namespace ridgelens::detail {
namespace {

// Up to this order dsyevd runs on one OpenBLAS thread; larger orders keep
// every thread (bench/README.md, "Design measurements": dsyevd threads).
constexpr int single_thread_order = 500;

// Sets OpenBLAS to one thread for its lifetime (process-wide: BLAS calls on
// other threads meanwhile also run single-threaded).
class OneBlasThread {
  public:
    explicit OneBlasThread(bool active) : saved_(active ? openblas_get_num_threads() : 0) {
        if (saved_ > 1) openblas_set_num_threads(1);
    }
    ~OneBlasThread() {
        if (saved_ > 1) openblas_set_num_threads(saved_);
    }
    OneBlasThread(const OneBlasThread&) = delete;
    OneBlasThread& operator=(const OneBlasThread&) = delete;

  private:
    int saved_;
};

}  // namespace

std::string lapack_symmetric_eigen(DenseMatrix& a, bool vectors, Vector& values) {
    if (a.rows() != a.cols()) return "the matrix is not square";
    if (a.rows() > std::numeric_limits<int>::max()) return "the matrix is too large for LAPACK";
    if (!a.allFinite())
        return "the matrix has non-finite entries (NaN or Inf); no eigenvalues computed";
    const int n = static_cast<int>(a.rows());
    const char* job = vectors ? "V" : "N";
    const OneBlasThread single(n <= single_thread_order);
    values.resize(n);
    int info = 0, lwork = -1, liwork = -1, iwork_query = 0;
    double work_query = 0;
    dsyevd_(job, "L", &n, a.data(), &n, values.data(), &work_query, &lwork, &iwork_query, &liwork,
            &info, 1, 1);
    if (info != 0)
        return "LAPACK dsyevd workspace query failed (info = " + std::to_string(info) + ")";
    lwork = std::max(1, static_cast<int>(work_query));
    liwork = std::max(1, iwork_query);
    std::vector<double> work(static_cast<std::size_t>(lwork));
    std::vector<int> iwork(static_cast<std::size_t>(liwork));
    dsyevd_(job, "L", &n, a.data(), &n, values.data(), work.data(), &lwork, iwork.data(), &liwork,
            &info, 1, 1);
    if (info != 0) return "LAPACK dsyevd failed to converge (info = " + std::to_string(info) + ")";
    return {};
}

}  // namespace ridgelens::detail
