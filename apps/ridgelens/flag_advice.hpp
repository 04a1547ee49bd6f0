#pragma once
// The library's messages name library options (EigenOptions::max_iterations);
// the program shows them with the command-line flags that set those options.

#include <string>
#include <string_view>
#include <utility>

namespace ridgelens::cli {

/// `message` with each library option it names replaced by its flag.
inline std::string with_flag_advice(std::string message) {
    static constexpr std::pair<std::string_view, std::string_view> flags[] = {
        {"EigenOptions::max_iterations", "--max-restarts"},
        {"EigenOptions::subspace", "--subspace"},
    };
    for (const auto& [option, flag] : flags)
        for (auto at = message.find(option); at != std::string::npos;
             at = message.find(option, at + flag.size()))
            message.replace(at, option.size(), flag);
    return message;
}

}  // namespace ridgelens::cli
