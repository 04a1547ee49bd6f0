#pragma once
// Progress lines on stderr during long runs, with the elapsed time.

#include <chrono>
#include <cstdio>
#include <string>

#include "flag_advice.hpp"

namespace ridgelens::cli {

class Progress {
  public:
    explicit Progress(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
    void operator()(const std::string& message) const {
        if (!enabled_) return;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        std::fprintf(stderr, "[ridgelens %7.2fs] %s\n", seconds, with_flag_advice(message).c_str());
        std::fflush(stderr);
    }

  private:
    bool enabled_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace ridgelens::cli
