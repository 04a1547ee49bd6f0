#pragma once
// The subcommands of ridgelens-mpi (collective: every rank runs them).

#include <mpi.h>

#include <string>
#include <vector>

namespace ridgelens::cli {

int run_analyze_mpi(MPI_Comm comm, const std::vector<std::string>& arguments);
int run_fit_mpi(MPI_Comm comm, const std::vector<std::string>& arguments);
int run_path_mpi(MPI_Comm comm, const std::vector<std::string>& arguments);

}  // namespace ridgelens::cli
