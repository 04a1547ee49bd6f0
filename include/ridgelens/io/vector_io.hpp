#pragma once
/// @file vector_io.hpp
/// Reading and writing dense vectors (θ̂, θ̂_ridge).
///
/// Thread safety: readers and writers of their own files; reentrant for
/// distinct paths.

#include <istream>
#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// Reads a vector either as a Matrix Market `array real general` file with one
/// column (or one row), or as plain text with one number per line (blank
/// lines and lines starting with `#` or `%` are skipped). A file whose first
/// line starts with `%%MatrixMarket` is read as Matrix Market.
/// @throws InputError naming the file and line of a malformed or non-finite
/// entry, a line with two numbers, a Matrix Market shape other than n×1 or
/// 1×n, a value count that disagrees with the size line, or an empty file.
RIDGELENS_API Vector read_vector(const std::string& path);

/// Stream variant of `read_vector`; `name` is used in messages.
RIDGELENS_API Vector parse_vector(std::istream& in, const std::string& name);

/// Writes `values` as a Matrix Market `array real general` n×1 file with 17
/// significant digits (`%.17g`, so `read_vector` gives back the same doubles),
/// atomically (temporary file, then rename; see write_file_atomically).
/// @throws UsageError if `values` is empty or has a non-finite entry (the file
/// could not be read back); Error naming `path` if the file cannot be written.
RIDGELENS_API void write_vector_matrix_market(const std::string& path, const Vector& values);

/// Writes `columns` (n×m) as a Matrix Market `array real general` file,
/// column by column, with 17 significant digits, atomically like
/// write_vector_matrix_market (scipy.io.mmread gives back the n×m array).
/// @throws UsageError if `columns` is empty or has a non-finite entry;
/// Error naming `path` if the file cannot be written.
RIDGELENS_API void write_matrix_market_array(const std::string& path, const DenseMatrix& columns);

}  // namespace ridgelens
