// Links the installed ridgelens::mpi and checks a distributed product against
// a hand-computed one: H = tridiag(-1, d_i, -1) with d_i = 2 + i/n is spread
// over the ranks row by row, y = Hx is one PETSc MatMult, and every rank
// compares the gathered y with y_i = d_i x_i - x_{i-1} - x_{i+1}. The one
// argument, if given, is the number of ranks the test expects.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

#include "ridgelens/mpi/distribute.hpp"
#include "ridgelens/mpi/petsc_session.hpp"
#include "ridgelens/version.hpp"

namespace {

constexpr ridgelens::Index n = 60;

double diagonal(ridgelens::Index i) {
    return 2.0 + static_cast<double>(i) / n;
}

ridgelens::SparseMatrix tridiagonal() {
    std::vector<Eigen::Triplet<double, int>> entries;
    for (int i = 0; i < n; ++i) {
        entries.emplace_back(i, i, diagonal(i));
        if (i + 1 < n) {
            entries.emplace_back(i, i + 1, -1.0);
            entries.emplace_back(i + 1, i, -1.0);
        }
    }
    ridgelens::SparseMatrix h(n, n);
    h.setFromTriplets(entries.begin(), entries.end());
    return h;
}

// 1 when this rank's check passed.
int check_product(MPI_Comm comm, int expected_ranks) {
    namespace rm = ridgelens::mpi;
    ridgelens::Vector x(n);
    for (ridgelens::Index i = 0; i < n; ++i) x[i] = std::sin(0.3 * static_cast<double>(i)) + 1.5;

    const rm::OwnedMat h = rm::distribute_matrix(comm, tridiagonal());
    const rm::OwnedVec x_distributed = rm::distribute_vector(h.get(), x);
    const rm::OwnedVec y_distributed = rm::make_vector_like(h.get());
    rm::check(MatMult(h.get(), x_distributed.get(), y_distributed.get()), "MatMult");
    PetscInt local_rows = 0;
    rm::check(VecGetLocalSize(y_distributed.get(), &local_rows), "VecGetLocalSize");
    const ridgelens::Vector y = rm::gather_to_all(y_distributed.get());

    double worst = 0;
    for (ridgelens::Index i = 0; i < n; ++i) {
        const double left = i > 0 ? x[i - 1] : 0.0;
        const double right = i + 1 < n ? x[i + 1] : 0.0;
        worst = std::fmax(worst, std::fabs(y[i] - (diagonal(i) * x[i] - left - right)));
    }
    const int ranks = rm::size(comm);
    // With more than one rank no rank may own every row.
    const bool distributed = ranks == 1 || local_rows < n;
    const bool ok = y.size() == n && worst < 1e-12 && distributed &&
                    (expected_ranks == 0 || ranks == expected_ranks);
    std::printf(
        "ridgelens %s mpi linked: rank %d of %d owns %d of %d rows, "
        "max |y_i - (d_i x_i - x_(i-1) - x_(i+1))| = %.2e%s\n",
        ridgelens::version_string, rm::rank(comm), ranks, static_cast<int>(local_rows),
        static_cast<int>(n), worst, ok ? "" : "  FAILED");
    return ok ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    const int expected_ranks = argc > 1 ? std::atoi(argv[1]) : 0;
    try {
        const ridgelens::mpi::Session session(&argc, &argv);
        const int passed = check_product(PETSC_COMM_WORLD, expected_ranks);
        int all_passed = 0;
        MPI_Allreduce(&passed, &all_passed, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD);
        return all_passed == 1 ? 0 : 1;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "downstream_mpi_consumer: %s\n", error.what());
        return 1;
    }
}
