// GoogleTest main for ridgelens::mpi: every rank runs every test (the
// operations are collective); only rank 0 prints.

#include <gtest/gtest.h>

#include "ridgelens/mpi/petsc_session.hpp"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    int status = 0;
    {
        const ridgelens::mpi::Session session(nullptr, nullptr);
        if (ridgelens::mpi::rank(PETSC_COMM_WORLD) != 0) {
            auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
            delete listeners.Release(listeners.default_result_printer());
        }
        status = RUN_ALL_TESTS();
        // Any rank's failure fails the run.
        int any = status;
        MPI_Allreduce(&status, &any, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
        status = any;
    }
    return status;
}
