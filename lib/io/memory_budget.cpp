#include "ridgelens/io/memory_budget.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "ridgelens/error.hpp"

namespace ridgelens {
namespace {

/// MemAvailable in bytes, or 0 if /proc/meminfo has no such line.
double available_from_meminfo() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    double kilobytes = 0;
    std::string unit;
    while (meminfo >> key >> kilobytes >> unit) {
        if (key == "MemAvailable:") return kilobytes * 1024.0;
    }
    return 0;
}

/// VmSize of this process in bytes (address space already reserved), or 0.
double address_space_in_use() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmSize:", 0) != 0) continue;
        std::istringstream fields(line.substr(7));
        double kilobytes = 0;
        fields >> kilobytes;
        return kilobytes * 1024.0;
    }
    return 0;
}

double physical_memory() {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page_size = ::sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page_size > 0 ? static_cast<double>(pages) * page_size : 0.0;
}

std::string gigabytes(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g GB", bytes / 1e9);
    return text;
}

}  // namespace

double memory_budget_bytes() {
    if (const char* limit = std::getenv("RIDGELENS_MEMORY_LIMIT")) {
        char* end = nullptr;
        const double value = std::strtod(limit, &end);
        if (end != limit && *end == '\0' && value > 0 && std::isfinite(value)) return value;
    }
    double budget = available_from_meminfo();
    if (!(budget > 0)) budget = physical_memory();
    if (!(budget > 0)) budget = 8e9;  // neither is readable: assume a modest machine
    return std::min(budget, address_space_left_bytes());
}

double address_space_left_bytes() {
    rlimit address_space{};
    if (::getrlimit(RLIMIT_AS, &address_space) != 0 || address_space.rlim_cur == RLIM_INFINITY)
        return std::numeric_limits<double>::infinity();
    // Thread stacks, malloc arenas and libraries already count against the limit.
    const double left = static_cast<double>(address_space.rlim_cur) - address_space_in_use();
    return std::max(left, 0.0);
}

void check_memory_estimate(double estimated_bytes, const std::string& what) {
    const double budget = memory_budget_bytes();
    if (estimated_bytes >= 0 && estimated_bytes <= budget) return;
    std::ostringstream message;
    message << what << ": needs about " << gigabytes(estimated_bytes) << " of memory but only "
            << gigabytes(budget)
            << " is available (MemAvailable, or RIDGELENS_MEMORY_LIMIT if set); refused before "
               "allocating";
    throw ResourceError(message.str());
}

}  // namespace ridgelens
