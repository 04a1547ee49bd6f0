#pragma once
/// @file memory_budget.hpp
/// Checking a memory estimate against what the machine has, before a large
/// allocation, so that a problem too large for the machine ends in a clear
/// ResourceError (exit code 4 of the ridgelens program) rather than in the
/// out-of-memory killer.
///
/// Thread safety: reentrant; they read /proc, the resource limits and the
/// environment (not safe against a concurrent setenv of RIDGELENS_MEMORY_LIMIT).

#include <cstdint>
#include <string>
#include "ridgelens/export.hpp"

namespace ridgelens {

/// Bytes the process may use: the environment variable RIDGELENS_MEMORY_LIMIT
/// (a byte count, e.g. `8e9`) when set to a positive number; otherwise
/// MemAvailable from /proc/meminfo, or the physical memory where that cannot
/// be read, and never more than what is left of the address-space limit
/// (RLIMIT_AS, `ulimit -v`) if one is set: the limit minus the address space
/// the process has already reserved (VmSize).
RIDGELENS_API double memory_budget_bytes();

/// What is left of the address-space limit (RLIMIT_AS, `ulimit -v`): the
/// limit minus the address space this process has already reserved
/// (VmSize), at least 0; +∞ when no limit is set.
RIDGELENS_API double address_space_left_bytes();

/// Throws ResourceError when `estimated_bytes` exceeds memory_budget_bytes().
/// The message names `what` (e.g. "reading H.mtx: 2.5e8 entries"), the
/// estimate and the budget in GB, and the RIDGELENS_MEMORY_LIMIT override.
/// Non-finite or negative estimates are treated as too large.
RIDGELENS_API void check_memory_estimate(double estimated_bytes, const std::string& what);

}  // namespace ridgelens
