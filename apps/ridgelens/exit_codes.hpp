#pragma once
// The documented exit codes of the ridgelens program (README "Exit codes").

namespace ridgelens::cli {

enum ExitCode : int {
    exit_success = 0,            ///< everything computed and verified
    exit_usage = 1,              ///< bad command line
    exit_input = 2,              ///< unreadable or malformed input, or unwritable output
    exit_numerical_failure = 3,  ///< not converged, not positive definite, non-finite
    exit_resources = 4,          ///< the problem would not fit in memory
};

}  // namespace ridgelens::cli
