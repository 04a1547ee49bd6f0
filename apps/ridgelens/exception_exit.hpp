#pragma once
// The documented exit code and message line for an exception that ends a
// command; shared by ridgelens and ridgelens-mpi.

#include <boost/program_options/errors.hpp>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>

#include "exit_codes.hpp"
#include "flag_advice.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens::cli {

/// What a program prints and returns for an exception.
struct ExitFor {
    int code = exit_numerical_failure;
    std::string message;  ///< without the program name
    /// May be met by one MPI rank only (its own input rows, its memory): every
    /// rank that meets it says so; the others are said once, by rank 0.
    bool rank_local = false;
};

ExitFor classify_current_exception();

/// Classifies the exception in flight, its message in the program's terms
/// (flags for the library's option names); call only from inside a catch block.
inline ExitFor exit_for_current_exception() {
    ExitFor exit = classify_current_exception();
    exit.message = with_flag_advice(std::move(exit.message));
    return exit;
}

/// The exit code and message for the exception in flight (library terms).
inline ExitFor classify_current_exception() {
    try {
        throw;
    } catch (const boost::program_options::error& error) {
        return {exit_usage, std::string("usage error: ") + error.what() + " (see --help)"};
    } catch (const UsageError& error) {
        return {exit_usage, std::string("usage error: ") + error.what()};
    } catch (const ResourceError& error) {
        return {exit_resources, std::string("not enough resources: ") + error.what()};
    } catch (const Error& error) {
        return {exit_input, std::string("error: ") + error.what(), true};
    } catch (const std::bad_alloc&) {
        return {exit_resources,
                "not enough memory: an allocation failed (std::bad_alloc); the estimate checked "
                "before it was too low for this machine, or the memory is used by others",
                true};
    } catch (const std::length_error& error) {
        // A size beyond what a container can hold, e.g. from a declared dimension.
        return {exit_resources,
                std::string("not enough memory: a requested size cannot be allocated (") +
                    error.what() + ")",
                true};
    } catch (const std::exception& error) {
        return {exit_numerical_failure, std::string("internal error: ") + error.what()};
    }
}

}  // namespace ridgelens::cli
