#pragma once
// The library's messages name library options (EigenOptions::max_iterations,
// SolverChoice::cholmod); the programs show them as the command-line flags
// that set those options. Applied at the programs' edges: the summary
// tables, progress lines, messages on stderr and the exit message.

#include <string>
#include <string_view>
#include <utility>

namespace ridgelens::cli {

/// `message` with each library option it names replaced by its flag.
inline std::string with_flag_advice(std::string message) {
    // Longer names first where one is a prefix of another.
    static constexpr std::pair<std::string_view, std::string_view> flags[] = {
        {"EigenOptions::max_iterations", "--max-restarts"},
        {"EigenOptions::subspace", "--subspace"},
        {"EigenOptions::tolerance", "--eigen-tol"},
        {"FitOptions::base_lambda", "--base-lambda"},
        {"TrainingSetOptions::path", "--data FILE"},
        {"TrainingSetOptions::scaling", "--scale"},
        {"TrainingSetOptions::positive_class", "--class"},
        {"PlotOptions::pair", "--pair"},
        {"SolverChoice::cholmod", "--solver cholmod"},
        {"SolverChoice::dense", "--solver dense"},
        {"SolverChoice::cg", "--solver cg"},
        {"SolverChoice::automatic", "--solver auto"},
        {"the λ grid MIN:MAX:COUNT", "--lambdas"},
        {"the symmetry tolerance", "--symmetry-tol"},
    };
    for (const auto& [option, flag] : flags)
        for (auto at = message.find(option); at != std::string::npos;
             at = message.find(option, at + flag.size()))
            message.replace(at, option.size(), flag);
    return message;
}

}  // namespace ridgelens::cli
