#pragma once
/// @file export.hpp
/// RIDGELENS_API marks the declarations that make up the public API of the
/// ridgelens libraries (libridgelens, libridgelens_report, libridgelens_mpi).
/// The libraries are compiled with hidden visibility
/// (-fvisibility=hidden -fvisibility-inlines-hidden): a function or class
/// leaves the shared library only when its declaration carries the macro.
/// Internals (namespaces `detail`, the private headers under lib/) do not.

#if defined(__GNUC__) || defined(__clang__)
#define RIDGELENS_API __attribute__((visibility("default")))
#else
#define RIDGELENS_API
#endif
