// libFuzzer target: the command lines of `ridgelens analyze | path | fit`.
//
// The input is split at NUL and newline bytes into a command name and its
// arguments, and run through the command exactly as main() does. Parsing and
// validation must end in success, a boost::program_options error or a
// ridgelens::Error (what main() maps to exit codes 1, 2 and 4); any other
// exception (main's "internal error"), crash or sanitizer report is a bug.
//
// RIDGELENS_MEMORY_LIMIT=1 makes every input (a --hessian or --data file, the
// Fashion-MNIST default) stop at its memory check with a ResourceError before
// anything is read or computed, so only the command line is exercised and no
// output file is ever written.

#include <boost/program_options/errors.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "commands.hpp"
#include "ridgelens/error.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("RIDGELENS_MEMORY_LIMIT", "1", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> words(1);
    for (std::size_t i = 0; i < size && words.size() <= 64; ++i) {
        const char c = static_cast<char>(data[i]);
        if (c == '\0' || c == '\n')
            words.emplace_back();
        else
            words.back() += c;
    }
    const std::string command = words.front();
    const std::vector<std::string> arguments(words.begin() + 1, words.end());
    try {
        if (command == "analyze")
            (void)ridgelens::cli::run_analyze(arguments);
        else if (command == "path")
            (void)ridgelens::cli::run_path(arguments);
        else if (command == "fit")
            (void)ridgelens::cli::run_fit(arguments);
    } catch (const boost::program_options::error&) {
    } catch (const ridgelens::Error&) {
    }
    return 0;
}
