#pragma once
/// @file error.hpp
/// Exceptions thrown by ridgelens for misuse and bad input.
///
/// Numerical outcomes (not converged, not positive definite) are never thrown:
/// they are a status with a message inside the result of the computation.
///
/// Thread safety: exception types; their objects are immutable once thrown.

#include <stdexcept>
#include <string>

#include "ridgelens/export.hpp"

namespace ridgelens {

/// Base class of every exception ridgelens throws. The message names the
/// file, line, field or argument at fault.
class RIDGELENS_API Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A caller passed arguments that cannot be used (wrong sizes, k >= n, λ < 0, …).
class RIDGELENS_API UsageError : public Error {
  public:
    using Error::Error;
};

/// An input file or stream is malformed or unreadable. The message names the
/// file and, where there is one, the line.
class RIDGELENS_API InputError : public Error {
  public:
    using Error::Error;
};

/// A computation would need more memory than the machine has (checked before
/// large allocations).
class RIDGELENS_API ResourceError : public Error {
  public:
    using Error::Error;
};

}  // namespace ridgelens
