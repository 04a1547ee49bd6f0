// ridgelens-mpi: the geometry of L2 regularization on PETSc/SLEPc across MPI ranks.
//   mpirun -np N ridgelens-mpi analyze|fit|path [options]

#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "commands.hpp"
#include "exception_exit.hpp"
#include "exit_codes.hpp"
#include "report_outputs.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/mpi/petsc_session.hpp"
#include "ridgelens/version.hpp"

namespace {

using namespace ridgelens::cli;

void print_usage(std::ostream& out) {
    out << "ridgelens-mpi " << ridgelens::version_string
        << " — ridgelens on PETSc and SLEPc across MPI ranks\n\n"
           "usage: mpirun -np N ridgelens-mpi <command> [options]\n\n"
           "commands:\n"
           "  analyze   as 'ridgelens analyze': top-k eigenpairs (SLEPc Krylov-Schur), CG\n"
           "            solves of (H+λI)x = Hθ̂ on each rank's rows, the decay table and\n"
           "            JSON report; H.mtx is read row-distributed\n"
           "  fit       as 'ridgelens fit': Newton-CG on a LIBSVM file split across the ranks,\n"
           "            then the analysis on the model's PETSc shell matrix and the\n"
           "            approximation study\n"
           "  path      as 'ridgelens path': the regularization path over a λ grid\n\n"
           "Run 'ridgelens-mpi <command> --help' for the options of a command.\n"
           "Exit codes: 0 success, 1 usage error, 2 input error, 3 numerical failure,\n"
           "            4 not enough memory.\n";
}

int dispatch(MPI_Comm comm, std::vector<std::string> arguments) {
    const bool root = ridgelens::mpi::rank(comm) == 0;
    if (arguments.empty()) {
        if (root) print_usage(std::cerr);
        return exit_usage;
    }
    const std::string command = arguments.front();
    arguments.erase(arguments.begin());
    if (command == "--help" || command == "-h" || command == "help") {
        if (root) print_usage(std::cout);
        return exit_success;
    }
    if (command == "--version") {
        if (root) std::cout << "ridgelens-mpi " << ridgelens::version_string << "\n";
        return exit_success;
    }
    if (command == "analyze") return run_analyze_mpi(comm, arguments);
    if (command == "fit") return run_fit_mpi(comm, arguments);
    if (command == "path") return run_path_mpi(comm, arguments);
    if (root) {
        std::cerr << "ridgelens-mpi: unknown command '" << command << "'\n\n";
        print_usage(std::cerr);
    }
    return exit_usage;
}

int run(int argc, char** argv) {
    // PETSc sees no command-line options: ridgelens-mpi's own options are parsed
    // by Boost (PETSC_OPTIONS in the environment still works).
    std::vector<std::string> arguments(argv + 1, argv + argc);
    const ridgelens::mpi::Session session(nullptr, nullptr);
    const bool root = ridgelens::mpi::rank(PETSC_COMM_WORLD) == 0;
    try {
        const int code = dispatch(PETSC_COMM_WORLD, arguments);
        if (root) check_standard_output();
        return code;
    } catch (...) {
        const ExitFor exit = exit_for_current_exception();
        if (root || exit.rank_local) std::cerr << "ridgelens-mpi: " << exit.message << "\n";
        return exit.code;
    }
}

}  // namespace

int main(int argc, char** argv) {
    return run(argc, argv);
}
