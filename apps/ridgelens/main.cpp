// ridgelens: the geometry of L2 regularization, from the command line.

#include <cstring>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "blas_threads.hpp"
#include "commands.hpp"
#include "exception_exit.hpp"
#include "exit_codes.hpp"
#include "interrupt_cleanup.hpp"
#include "report_outputs.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/version.hpp"

namespace {

using namespace ridgelens::cli;

void print_usage(std::ostream& out) {
    out << "ridgelens " << ridgelens::version_string
        << " — how L2 regularization moves a model's minimizer\n\n"
           "usage: ridgelens <command> [options]\n\n"
           "commands:\n"
           "  analyze   top-k eigenpairs of a Hessian H, the decay factor σ/(σ+λ) of each\n"
           "            direction and the exact ridge transform (H+λI)⁻¹Hθ̂; with no options,\n"
           "            least squares on Fashion-MNIST\n"
           "  fit       fit least squares, logistic or softmax regression on real data\n"
           "            (LIBSVM or IDX) by Newton-CG and analyze its Hessian matrix-free;\n"
           "            with no options, softmax on Fashion-MNIST\n"
           "  path      θ̂_ridge, coefficient paths and effective degrees of freedom df(λ)\n"
           "            along a log-spaced λ grid (multi-shift CG or CHOLMOD), with the\n"
           "            spectral density of H\n"
           "  plot      SVG pictures and an HTML page of a report of analyze, fit or path\n"
           "            (decay curves, components, the 2-D geometry, df and paths)\n\n"
           "Run 'ridgelens <command> --help' for the options of a command.\n"
           "Exit codes: 0 success, 1 usage error, 2 input error, 3 numerical failure,\n"
           "            4 not enough memory; 129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM.\n";
}

int dispatch(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    if (arguments.empty()) {
        print_usage(std::cerr);
        return exit_usage;
    }
    const std::string command = arguments.front();
    arguments.erase(arguments.begin());
    if (command == "--help" || command == "-h" || command == "help") {
        print_usage(std::cout);
        return exit_success;
    }
    if (command == "--version") {
        std::cout << "ridgelens " << ridgelens::version_string << "\n";
        return exit_success;
    }
    if (command == "analyze") return run_analyze(arguments);
    if (command == "path") return run_path(arguments);
    if (command == "fit") return run_fit(arguments);
    if (command == "plot") return run_plot(arguments);
    std::cerr << "ridgelens: unknown command '" << command << "'\n\n";
    print_usage(std::cerr);
    return exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
    install_interrupt_cleanup();
    try {
        // The commands that call BLAS (CHOLMOD, LAPACK): fit OpenBLAS's work
        // buffers into a `ulimit -v` before its first call.
        if (argc > 1 && (std::strcmp(argv[1], "analyze") == 0 ||
                         std::strcmp(argv[1], "path") == 0 || std::strcmp(argv[1], "fit") == 0))
            ridgelens::cli::fit_blas_threads_to_address_space();
        const int code = dispatch(argc, argv);
        check_standard_output();  // a table lost on a full device is not a success
        return code;
    } catch (...) {
        const ExitFor exit = exit_for_current_exception();
        std::cerr << "ridgelens: " << exit.message << "\n";
        return exit.code;
    }
}
