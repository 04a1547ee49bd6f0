#pragma once
/// @file matrix_market.hpp
/// Reading symmetric matrices from Matrix Market coordinate files.
///
/// Thread safety: readers of their own files and buffers; reentrant.

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// How a general (unsymmetric-storage) file is turned into a symmetric matrix.
struct MatrixMarketOptions {
    /// A `general` file is accepted when max|a_ij − a_ji| ≤ tolerance·max|a_ij|;
    /// it is then symmetrized as (A + Aᵀ)/2 with a warning. Otherwise refused,
    /// naming the entry with the largest asymmetry.
    double symmetry_tolerance = 1e-10;
    /// Bytes the caller will need, for an n×n matrix, once it is read (its
    /// operator, θ̂, Lanczos vectors, …); empty: nothing. The declared size is
    /// refused with a ResourceError, before anything is allocated, when the
    /// read's own peak plus this exceeds the memory budget (memory_budget_bytes()).
    std::function<double(std::int64_t n)> bytes_after_read;
};

/// A symmetric matrix read from a file, with what was found on the way.
struct SymmetricMatrixFile {
    SparseMatrix matrix;                 ///< both triangles stored, compressed
    std::int64_t stored_entries = 0;     ///< entries listed in the file
    std::string format = "coordinate";   ///< "coordinate" or "array" (dense, as declared)
    std::string symmetry;                ///< "symmetric" or "general" (as declared)
    std::string field;                   ///< "real", "integer" or "pattern" (as declared)
    std::int64_t duplicates_summed = 0;  ///< repeated (i, j) entries, summed as the format allows
    double max_relative_asymmetry = 0;   ///< for general files: max|a_ij − a_ji| / max|a_ij|
    std::vector<std::string> warnings;   ///< e.g. "symmetrized a general matrix …"
};

/// Reads a square real matrix in Matrix Market coordinate or array format.
///
/// Supported headers (case-insensitive): `%%MatrixMarket matrix coordinate
/// real|integer|pattern symmetric|general` and `%%MatrixMarket matrix array
/// real|integer symmetric|general`. `complex`, `hermitian` and
/// `skew-symmetric` are refused.
///
/// The dense `array` format (what scipy.io.mmwrite writes for a numpy array)
/// has the size line `n n` and one value per line, column by column: all n²
/// values for `general` (accepted only if symmetric within
/// `options.symmetry_tolerance`, as below), the lower triangle (n(n+1)/2
/// values) for `symmetric`. Zeros off the diagonal are not stored.
///
/// For the coordinate format: `pattern` entries have the value
/// 1.0. Entries must be 1-based, in range, and finite; `%` comment lines and
/// blank lines are skipped anywhere, CRLF line ends are accepted.
///
/// - `symmetric`: entries may be given in either triangle (upper ones are
///   mirrored); (i, j) and (j, i) both given count as a duplicate.
/// - `general`: accepted only if symmetric within
///   `options.symmetry_tolerance`, then stored as (A + Aᵀ)/2 with a warning
///   (none when exactly symmetric).
/// - Duplicate entries are summed (the format allows it) and counted.
/// - The declared sizes are checked before any allocation: the matrix must be
///   square with at most INT_MAX rows, and the entry count at most rows² and
///   small enough for the bytes left in the file.
///
/// The result stores both triangles, compressed, with sorted row indices, and
/// diagonal entries only where the file has them (explicit zeros are kept).
///
/// @throws InputError naming the file, the line and the field at fault, e.g.
/// "H.mtx:17: column index 0 out of range 1..4884".
/// @throws UsageError if `options.symmetry_tolerance` is negative or NaN.
/// @throws ResourceError if the declared size (see `bytes_after_read`)
/// would not fit in the memory budget.
RIDGELENS_API SymmetricMatrixFile
read_symmetric_matrix_market(const std::string& path, const MatrixMarketOptions& options = {});

/// Same as `read_symmetric_matrix_market`, reading from a stream; `name`
/// is used in messages in place of the file name.
RIDGELENS_API SymmetricMatrixFile parse_symmetric_matrix_market(
    std::istream& in, const std::string& name, const MatrixMarketOptions& options = {});

}  // namespace ridgelens
