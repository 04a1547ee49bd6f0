#pragma once
// Parsing a command's arguments, shared by every command.

#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

namespace ridgelens::cli {

/// Parses `arguments` into `values`; prints the options and returns false
/// when --help was asked for (the command then exits with success).
inline bool parse_command_line(const std::vector<std::string>& arguments,
                               const boost::program_options::options_description& options,
                               boost::program_options::variables_map& values) {
    namespace po = boost::program_options;
    po::store(po::command_line_parser(arguments).options(options).run(), values);
    if (values.count("help")) {
        std::cout << options << "\n";
        return false;
    }
    po::notify(values);
    return true;
}

}  // namespace ridgelens::cli
