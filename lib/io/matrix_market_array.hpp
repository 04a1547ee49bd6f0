#pragma once
// Internal: the dense `array` format of Matrix Market for a symmetric matrix
// (what scipy.io.mmwrite writes for a numpy array), read after its header.

#include <string>
#include <string_view>

#include "io/text_scan.hpp"
#include "ridgelens/io/matrix_market.hpp"

namespace ridgelens::io_detail {

/// Reads the size line "rows columns" and the values of an `array` file whose
/// header (already read by `reader`) declares `field` (real or integer) and
/// `symmetry` (general: all n² values column by column; symmetric: the lower
/// triangle column by column, n(n+1)/2 values). One value per line. A general
/// array is accepted under the coordinate reader's symmetry rule
/// (MatrixMarketOptions::symmetry_tolerance). The declared size is checked
/// against the file's length and the memory budget before anything is
/// allocated. The result stores both triangles; zeros off the diagonal are
/// not stored, the diagonal always is.
/// @throws InputError naming the file and line; ResourceError for the budget.
SymmetricMatrixFile parse_matrix_market_array(std::string_view text, LineReader& reader,
                                              const std::string& field, const std::string& symmetry,
                                              const std::string& name,
                                              const MatrixMarketOptions& options);

}  // namespace ridgelens::io_detail
