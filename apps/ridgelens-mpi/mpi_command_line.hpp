#pragma once
// Parsing a ridgelens-mpi command's arguments on every rank.

#include <mpi.h>

#include <boost/program_options.hpp>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/spectrum/eigensolvers.hpp"

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

/// Runs `check` on rank 0 only (e.g. the output targets, which only rank 0
/// writes) and raises its outcome on every rank: the same UsageError or
/// InputError (same message) everywhere, so that no rank goes on into
/// collective work alone. Collective.
inline void check_on_root(MPI_Comm comm, const std::function<void()>& check) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    int kind = 0;  // 0 ok, 1 usage error, 2 input error
    std::string message;
    if (rank == 0) {
        try {
            check();
        } catch (const UsageError& error) {
            kind = 1;
            message = error.what();
        } catch (const Error& error) {
            kind = 2;
            message = error.what();
        }
    }
    int header[2] = {kind, static_cast<int>(message.size())};
    MPI_Bcast(header, 2, MPI_INT, 0, comm);
    if (header[0] == 0) return;
    message.resize(static_cast<std::size_t>(header[1]));
    MPI_Bcast(message.data(), header[1], MPI_CHAR, 0, comm);
    if (header[0] == 1) throw UsageError(message);
    throw InputError(message);
}

/// ridgelens-mpi's eigenpairs come from SLEPc: --eigensolver (shared with
/// ridgelens) accepts only its default there. @throws UsageError otherwise.
inline void require_default_eigensolver(EigensolverBackend backend) {
    if (backend != EigensolverBackend::lanczos)
        throw UsageError(std::string("--eigensolver ") + to_string(backend) +
                         " is not available in ridgelens-mpi (SLEPc computes the eigenpairs; "
                         "use ridgelens for Spectra)");
}

}  // namespace ridgelens::cli
