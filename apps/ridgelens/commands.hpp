#pragma once
// The subcommands of the ridgelens program. Each takes its own arguments
// (after the command name) and returns an exit code; errors are thrown as
// ridgelens::Error subclasses and mapped to exit codes in main().

#include <string>
#include <vector>

namespace ridgelens::cli {

int run_analyze(const std::vector<std::string>& arguments);
int run_path(const std::vector<std::string>& arguments);
int run_fit(const std::vector<std::string>& arguments);
int run_plot(const std::vector<std::string>& arguments);

}  // namespace ridgelens::cli
