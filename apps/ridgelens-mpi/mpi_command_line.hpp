#pragma once
// Parsing a ridgelens-mpi command's arguments on every rank.

#include <mpi.h>

#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "command_line.hpp"

namespace ridgelens::cli {

/// parse_command_line on every rank of `comm` (each needs the options), with
/// --help printed by rank 0 alone. Returns false when --help was asked for.
inline bool parse_command_line_on_ranks(MPI_Comm comm, const std::vector<std::string>& arguments,
                                        const boost::program_options::options_description& options,
                                        boost::program_options::variables_map& values) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    const bool quiet = rank != 0;
    if (quiet) std::cout.setstate(std::ios::failbit);
    try {
        const bool run = parse_command_line(arguments, options, values);
        if (quiet) std::cout.clear();
        return run;
    } catch (...) {
        if (quiet) std::cout.clear();
        throw;
    }
}

}  // namespace ridgelens::cli
