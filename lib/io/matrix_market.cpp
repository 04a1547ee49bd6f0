#include "ridgelens/io/matrix_market.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <span>
#include <utility>

#include "io/matrix_market_array.hpp"
#include "io/text_scan.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"

namespace ridgelens {

namespace {

using io_detail::fail_at;
using io_detail::Line;
using io_detail::LineReader;
using io_detail::next_content_line;
using io_detail::NumberStatus;
using io_detail::parse_count;
using io_detail::quoted;
using Triplet = Eigen::Triplet<double, int>;

constexpr const char* header_form =
    "'%%MatrixMarket matrix <coordinate|array> <real|integer|pattern> <general|symmetric>'";

/// What the header line declares.
struct Header {
    std::string field;     ///< real, integer or pattern
    std::string symmetry;  ///< general or symmetric
    bool array = false;    ///< the dense `array` format (else `coordinate`)

    bool pattern() const { return field == "pattern"; }
    bool symmetric() const { return symmetry == "symmetric"; }
    std::size_t tokens_per_entry() const { return pattern() ? 2 : 3; }
};

/// What the size line declares, and where the entry lines begin.
struct SizeLine {
    std::int64_t n = 0;
    std::int64_t entries = 0;
    std::int64_t line = 0;           ///< line number of the size line
    std::size_t entries_offset = 0;  ///< first byte after the size line
};

/// The text being parsed, for messages that point back at a line.
struct Source {
    std::string_view text;
    const std::string& name;
    SizeLine size;
};

std::string format_number(double value, int digits = 17) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return buffer;
}

std::string format_position(int row, int col) {
    std::string text = "(";
    text += std::to_string(row + 1);
    text += ", ";
    text += std::to_string(col + 1);
    return text + ")";
}

std::string checked_field(std::string_view token, const std::string& name, std::int64_t line) {
    std::string field = io_detail::to_lower(token);
    if (field == "complex") {
        fail_at(name, line, "field 'complex' is not supported: ridgelens needs a real matrix");
    }
    if (field != "real" && field != "integer" && field != "pattern") {
        fail_at(
            name, line,
            "unknown field " + quoted(token) + " in the header; expected real, integer or pattern");
    }
    return field;
}

std::string checked_symmetry(std::string_view token, const std::string& name, std::int64_t line) {
    std::string symmetry = io_detail::to_lower(token);
    if (symmetry == "hermitian") {
        fail_at(name, line,
                "symmetry 'hermitian' is not supported (complex matrices are refused); expected "
                "general or symmetric");
    }
    if (symmetry == "skew-symmetric") {
        fail_at(name, line,
                "symmetry 'skew-symmetric' is not supported: ridgelens needs a symmetric matrix");
    }
    if (symmetry != "general" && symmetry != "symmetric") {
        fail_at(
            name, line,
            "unknown symmetry " + quoted(token) + " in the header; expected general or symmetric");
    }
    return symmetry;
}

Header parse_header(const Line& line, const std::string& name) {
    std::array<std::string_view, 6> tokens;
    const std::size_t count = io_detail::split_tokens(line.text, tokens);
    if (count == 0 || !io_detail::iequals(tokens[0], "%%MatrixMarket")) {
        fail_at(name, line.number,
                std::string("not a Matrix Market file: the first line must be ") + header_form);
    }
    if (count < 5)
        fail_at(name, line.number, std::string("incomplete header; expected ") + header_form);
    if (!io_detail::iequals(tokens[1], "matrix")) {
        fail_at(name, line.number,
                "object " + quoted(tokens[1]) + " is not supported; expected 'matrix'");
    }
    const bool array = io_detail::iequals(tokens[2], "array");
    if (!array && !io_detail::iequals(tokens[2], "coordinate")) {
        fail_at(name, line.number,
                "unknown format " + quoted(tokens[2]) + "; expected 'coordinate' or 'array'");
    }
    Header header{checked_field(tokens[3], name, line.number),
                  checked_symmetry(tokens[4], name, line.number), array};
    if (array && header.pattern()) {
        fail_at(name, line.number,
                "field 'pattern' is not possible in the 'array' format (it lists every value); "
                "expected real or integer");
    }
    if (count > 5) {
        fail_at(name, line.number,
                "unexpected text " + quoted(tokens[5]) + " after the symmetry field in the header");
    }
    return header;
}

/// Checks the declared sizes before anything is allocated for them.
void check_sizes(std::int64_t rows, std::int64_t cols, std::int64_t entries,
                 std::size_t tokens_per_entry, std::size_t remaining_bytes, const std::string& name,
                 std::int64_t line) {
    if (rows == 0 || cols == 0) fail_at(name, line, "the matrix is empty (a dimension is 0)");
    if (rows != cols) {
        fail_at(name, line,
                "matrix is not square: " + std::to_string(rows) + " rows, " + std::to_string(cols) +
                    " columns");
    }
    constexpr std::int64_t max_dimension = std::numeric_limits<int>::max();
    if (rows > max_dimension) {
        fail_at(name, line,
                "row count " + std::to_string(rows) + " exceeds the supported maximum " +
                    std::to_string(max_dimension));
    }
    if (entries > rows * cols) {
        fail_at(name, line,
                "entry count " + std::to_string(entries) +
                    " exceeds rows x columns = " + std::to_string(rows * cols));
    }
    // Shortest possible entry: one-character tokens, each followed by a blank or a
    // newline ("1 1 1\n"); the last line may lack its newline.
    const auto min_entry_bytes = static_cast<std::int64_t>(2 * tokens_per_entry);
    if (entries > (static_cast<std::int64_t>(remaining_bytes) + 1) / min_entry_bytes) {
        fail_at(name, line,
                "entry count " + std::to_string(entries) + " cannot fit in the remaining " +
                    std::to_string(remaining_bytes) +
                    " bytes of the file (an entry takes at least " +
                    std::to_string(min_entry_bytes) +
                    " bytes): the file is truncated or its size line is wrong");
    }
}

/// Peak bytes while reading: triplets (16 per entry), the summed matrix and the
/// mirrored one with both triangles (12 bytes per stored entry each, up to twice
/// the entries for the mirror), and the column pointers of the up to five
/// matrices alive at once while mirroring or symmetrizing (summed, a pruned or
/// transposed copy, the sum, and Eigen's temporary).
double matrix_market_memory_estimate(std::int64_t n, std::int64_t entries) {
    const auto e = static_cast<double>(entries);
    return e * (16.0 + 12.0 + 2 * 12.0) + 5.0 * 4.0 * (static_cast<double>(n) + 1);
}

SizeLine parse_size_line(LineReader& reader, const Header& header, const std::string& name,
                         const MatrixMarketOptions& options) {
    Line line;
    if (!next_content_line(reader, line, "%")) {
        fail_at(name, reader.line_number(),
                "file ends before the size line 'rows columns entries'");
    }
    std::array<std::string_view, 4> tokens;
    const std::size_t count = io_detail::split_tokens(line.text, tokens);
    if (count < 3) {
        fail_at(
            name, line.number,
            "size line must have 3 fields 'rows columns entries', found " + std::to_string(count));
    }
    if (count > 3) {
        fail_at(name, line.number,
                "unexpected text " + quoted(tokens[3]) + " after the entry count on the size line");
    }
    const std::int64_t rows = parse_count(tokens[0], "row count", name, line.number);
    const std::int64_t cols = parse_count(tokens[1], "column count", name, line.number);
    const std::int64_t entries = parse_count(tokens[2], "entry count", name, line.number);
    check_sizes(rows, cols, entries, header.tokens_per_entry(), reader.remaining_bytes(), name,
                line.number);
    const double after_read = options.bytes_after_read ? options.bytes_after_read(rows) : 0.0;
    check_memory_estimate(
        matrix_market_memory_estimate(rows, entries) + after_read,
        name + ": " + std::to_string(entries) + " entries of a " + std::to_string(rows) + "x" +
            std::to_string(rows) + " matrix" +
            (after_read > 0 ? " and the vectors of length n computed from it" : ""));
    return SizeLine{rows, entries, line.number, reader.position()};
}

int parse_index(std::string_view token, const char* field, std::int64_t n, const std::string& name,
                std::int64_t line) {
    std::int64_t value = 0;
    const NumberStatus status = io_detail::parse_int64(token, value);
    if (status == NumberStatus::not_a_number) {
        fail_at(name, line, std::string(field) + " " + quoted(token) + " is not an integer");
    }
    if (status != NumberStatus::ok || value < 1 || value > n) {
        const std::string shown =
            status == NumberStatus::ok ? std::to_string(value) : quoted(token);
        fail_at(name, line,
                std::string(field) + " " + shown + " out of range 1.." + std::to_string(n));
    }
    return static_cast<int>(value - 1);
}

double parse_integer_value(std::string_view token, const std::string& name, std::int64_t line) {
    std::int64_t value = 0;
    const NumberStatus status = io_detail::parse_int64(token, value);
    if (status == NumberStatus::out_of_range) {
        fail_at(name, line, "value " + quoted(token) + " is outside the 64-bit integer range");
    }
    if (status != NumberStatus::ok) {
        fail_at(
            name, line,
            "value " + quoted(token) + " is not an integer (the header declares field 'integer')");
    }
    return static_cast<double>(value);
}

/// One entry line: (row, column, value), 0-based.
Triplet parse_entry(const Line& line, const Header& header, const SizeLine& size,
                    const std::string& name) {
    const std::size_t expected = header.tokens_per_entry();
    std::array<std::string_view, 4> tokens;
    const std::size_t count =
        io_detail::split_tokens(line.text, std::span(tokens.data(), expected + 1));
    if (count < expected) {
        fail_at(name, line.number,
                std::string("expected ") +
                    (header.pattern() ? "2 fields 'row column'" : "3 fields 'row column value'") +
                    ", found " + std::to_string(count));
    }
    if (count > expected) {
        fail_at(name, line.number,
                "unexpected text " + quoted(tokens[expected]) + " after the " +
                    (header.pattern() ? "column index (a pattern file has no values)" : "value"));
    }
    const int row = parse_index(tokens[0], "row index", size.n, name, line.number);
    const int col = parse_index(tokens[1], "column index", size.n, name, line.number);
    const double value = header.pattern() ? 1.0
                         : header.field == "integer"
                             ? parse_integer_value(tokens[2], name, line.number)
                             : io_detail::parse_finite(tokens[2], "value", name, line.number);
    return Triplet(row, col, value);
}

/// Reads the entry lines, each as the file lists it (a symmetric file's
/// triangles are sorted out by `one_triangle`).
std::vector<Triplet> read_entries(LineReader& reader, const Header& header, const SizeLine& size,
                                  const std::string& name) {
    std::vector<Triplet> triplets;
    triplets.reserve(static_cast<std::size_t>(size.entries));
    Line line;
    while (next_content_line(reader, line, "%")) {
        if (static_cast<std::int64_t>(triplets.size()) == size.entries) {
            fail_at(name, line.number,
                    "more entries than the " + std::to_string(size.entries) +
                        " declared on the size line (line " + std::to_string(size.line) + ")");
        }
        // An entry that breaks off at the end of the file without a newline
        // was cut off (its writer stopped, a truncated copy): say so.
        if (!reader.last_line_unterminated()) {
            triplets.push_back(parse_entry(line, header, size, name));
            continue;
        }
        try {
            triplets.push_back(parse_entry(line, header, size, name));
        } catch (const InputError& error) {
            throw InputError(std::string(error.what()) +
                             " (the file ends inside this entry, without a final newline: it "
                             "was cut off while it was written)");
        }
    }
    if (static_cast<std::int64_t>(triplets.size()) < size.entries) {
        fail_at(name, reader.line_number(),
                "file ends after " + std::to_string(triplets.size()) + " of the " +
                    std::to_string(size.entries) + " entries declared on the size line (line " +
                    std::to_string(size.line) + ")");
    }
    return triplets;
}

/// Line number of the first entry stored at (row, col) or (col, row).
std::int64_t line_of_entry(const Source& source, const std::vector<Triplet>& triplets, int row,
                           int col) {
    std::size_t index = 0;
    while (index < triplets.size() &&
           !((triplets[index].row() == row && triplets[index].col() == col) ||
             (triplets[index].row() == col && triplets[index].col() == row))) {
        ++index;
    }
    LineReader reader(source.text, source.size.entries_offset, source.size.line);
    Line line;
    for (std::size_t seen = 0; next_content_line(reader, line, "%"); ++seen) {
        if (seen == index) return line.number;
    }
    return reader.line_number();
}

/// Line number of the entry listed as triplets[index].
std::int64_t line_of_index(const Source& source, std::size_t index) {
    LineReader reader(source.text, source.size.entries_offset, source.size.line);
    Line line;
    for (std::size_t seen = 0; next_content_line(reader, line, "%"); ++seen) {
        if (seen == index) return line.number;
    }
    return reader.line_number();
}

/// Index of the first entry listed exactly at (row, col).
std::size_t index_of(const std::vector<Triplet>& triplets, int row, int col) {
    std::size_t index = 0;
    while (index < triplets.size() &&
           !(triplets[index].row() == row && triplets[index].col() == col)) {
        ++index;
    }
    return index;
}

SparseMatrix summed_matrix(std::int64_t n, const std::vector<Triplet>& triplets);

/// The stored value at (row, col) of a compressed matrix, or null.
const double* stored_entry(const SparseMatrix& matrix, Index row, Index col) {
    const auto* begin = matrix.innerIndexPtr() + matrix.outerIndexPtr()[col];
    const auto* end = matrix.innerIndexPtr() + matrix.outerIndexPtr()[col + 1];
    const auto* at = std::lower_bound(begin, end, row);
    if (at == end || *at != row) return nullptr;
    return matrix.valuePtr() + (at - matrix.innerIndexPtr());
}

/// The one-triangle rule of a `symmetric` file. The format stores one triangle;
/// an entry may sit on either side of the diagonal (it is mirrored), but an
/// off-diagonal position stored on both sides is either the same value written
/// twice, counted once with a warning, or two different values for one
/// a_ij = a_ji, refused naming both lines. Returns the lower triangle.
struct Triangle {
    SparseMatrix lower;
    std::int64_t mirrored_pairs = 0;  ///< positions stored on both sides with one value
};
Triangle one_triangle(std::int64_t n, const std::vector<Triplet>& triplets, const Source& source,
                      SymmetricMatrixFile& result) {
    std::vector<Triplet> lower, upper;  // upper entries are stored transposed
    for (const Triplet& t : triplets) {
        if (t.row() >= t.col())
            lower.push_back(t);
        else
            upper.emplace_back(t.col(), t.row(), t.value());
    }
    if (upper.empty() || lower.empty()) return {summed_matrix(n, upper.empty() ? lower : upper), 0};
    const SparseMatrix from_lower = summed_matrix(n, lower);
    SparseMatrix from_upper = summed_matrix(n, upper);
    std::vector<std::pair<Index, Index>> mirrored;  // (col, row), in storage order
    for (Index k = 0; k < from_upper.outerSize(); ++k) {
        for (SparseMatrix::InnerIterator it(from_upper, k); it; ++it) {
            const int row = static_cast<int>(it.row());
            const int col = static_cast<int>(it.col());
            const double* found = stored_entry(from_lower, it.row(), it.col());
            if (found == nullptr) continue;
            const double value = *found;
            if (value == it.value()) {
                mirrored.emplace_back(it.col(), it.row());  // counted once, from the lower side
                continue;
            }
            const std::int64_t lower_line = line_of_index(source, index_of(triplets, row, col));
            fail_at(source.name, line_of_index(source, index_of(triplets, col, row)),
                    "entry " + format_position(col, row) + " = " + format_number(it.value()) +
                        " contradicts its mirror " + format_position(row, col) + " = " +
                        format_number(value) + " on line " + std::to_string(lower_line) +
                        ": a 'symmetric' file stores one triangle (a_ij = a_ji), so a position "
                        "and its mirror cannot hold different values; keep one triangle, or "
                        "declare the file 'general'");
        }
    }
    if (!mirrored.empty()) {
        result.warnings.push_back(
            "the 'symmetric' file stores " + std::to_string(mirrored.size()) +
            " off-diagonal entries in both triangles with equal values; each was counted once "
            "(the format stores one triangle: an entry's mirror is implied, not added)");
        from_upper.prune([&mirrored](Index row, Index col, double) {
            return !std::binary_search(mirrored.begin(), mirrored.end(), std::pair(col, row));
        });
    }
    SparseMatrix combined = from_lower + from_upper;
    combined.makeCompressed();
    return {std::move(combined), static_cast<std::int64_t>(mirrored.size())};
}

/// Duplicates are summed by setFromTriplets; a sum can overflow even though every
/// entry is finite.
void check_sums_finite(const SparseMatrix& matrix, const Source& source,
                       const std::vector<Triplet>& triplets) {
    for (Index k = 0; k < matrix.outerSize(); ++k) {
        for (SparseMatrix::InnerIterator it(matrix, k); it; ++it) {
            if (std::isfinite(it.value())) continue;
            const int row = static_cast<int>(it.row());
            const int col = static_cast<int>(it.col());
            fail_at(
                source.name, line_of_entry(source, triplets, row, col),
                "duplicate entries at " + format_position(row, col) + " sum to a non-finite value");
        }
    }
}

SparseMatrix summed_matrix(std::int64_t n, const std::vector<Triplet>& triplets) {
    SparseMatrix matrix(n, n);
    matrix.setFromTriplets(triplets.begin(), triplets.end());
    return matrix;
}

/// Both triangles from the lower one.
SparseMatrix mirrored(const SparseMatrix& lower) {
    SparseMatrix strictly_lower = lower;
    strictly_lower.prune([](Index row, Index col, double) { return row > col; });
    SparseMatrix full = lower + SparseMatrix(strictly_lower.transpose());
    full.makeCompressed();
    return full;
}

/// The largest |a_ij − a_ji| and where it is.
struct Asymmetry {
    double max_difference = 0;
    double max_entry = 0;
    int row = -1;
    int col = -1;

    double relative() const { return max_entry > 0 ? max_difference / max_entry : 0.0; }
};

Asymmetry measure_asymmetry(const SparseMatrix& matrix, const SparseMatrix& transposed) {
    Asymmetry asymmetry;
    for (Index k = 0; k < matrix.nonZeros(); ++k) {
        asymmetry.max_entry = std::max(asymmetry.max_entry, std::abs(matrix.valuePtr()[k]));
    }
    const SparseMatrix difference = matrix - transposed;
    for (Index k = 0; k < difference.outerSize(); ++k) {
        for (SparseMatrix::InnerIterator it(difference, k); it; ++it) {
            if (std::abs(it.value()) <= asymmetry.max_difference) continue;
            asymmetry.max_difference = std::abs(it.value());
            asymmetry.row = static_cast<int>(it.row());
            asymmetry.col = static_cast<int>(it.col());
        }
    }
    return asymmetry;
}

[[noreturn]] void refuse_asymmetric(const SparseMatrix& matrix, const Asymmetry& asymmetry,
                                    double tolerance, const Source& source,
                                    const std::vector<Triplet>& triplets) {
    const std::int64_t line = line_of_entry(source, triplets, asymmetry.row, asymmetry.col);
    // Name the entry as the file lists it on that line.
    int row = asymmetry.row;
    int col = asymmetry.col;
    for (const Triplet& t : triplets) {
        if ((t.row() == row && t.col() == col) || (t.row() == col && t.col() == row)) {
            row = t.row();
            col = t.col();
            break;
        }
    }
    fail_at(source.name, line,
            "matrix declared 'general' is not symmetric: entry " + format_position(row, col) +
                " = " + format_number(matrix.coeff(row, col)) + " but " +
                format_position(col, row) + " = " + format_number(matrix.coeff(col, row)) +
                "; relative asymmetry max|a_ij - a_ji| / max|a_ij| = " +
                format_number(asymmetry.relative(), 3) + " exceeds the tolerance " +
                format_number(tolerance, 3));
}

/// Accepts a general matrix that is symmetric within the tolerance as (A + Aᵀ)/2.
SparseMatrix symmetrized(const SparseMatrix& matrix, const MatrixMarketOptions& options,
                         const Source& source, const std::vector<Triplet>& triplets,
                         SymmetricMatrixFile& result) {
    const SparseMatrix transposed = matrix.transpose();
    const Asymmetry asymmetry = measure_asymmetry(matrix, transposed);
    result.max_relative_asymmetry = asymmetry.relative();
    if (!(asymmetry.relative() <= options.symmetry_tolerance)) {
        refuse_asymmetric(matrix, asymmetry, options.symmetry_tolerance, source, triplets);
    }
    if (asymmetry.max_difference > 0) {
        result.warnings.push_back(
            "symmetrized the 'general' matrix as (A + A^T)/2: relative asymmetry " +
            format_number(asymmetry.relative(), 3) +
            " (largest |a_ij - a_ji| = " + format_number(asymmetry.max_difference, 3) + " at " +
            format_position(asymmetry.row, asymmetry.col) + ") is within the tolerance " +
            format_number(options.symmetry_tolerance, 3));
    }
    // Halving each term first cannot overflow; the sum is exactly symmetric.
    SparseMatrix symmetric = 0.5 * matrix + 0.5 * transposed;
    symmetric.makeCompressed();
    return symmetric;
}

SymmetricMatrixFile parse_text(std::string_view buffer, const std::string& name,
                               const MatrixMarketOptions& options) {
    if (!(options.symmetry_tolerance >= 0)) {
        throw UsageError("MatrixMarketOptions::symmetry_tolerance must be >= 0, got " +
                         format_number(options.symmetry_tolerance));
    }
    const std::string_view text = io_detail::checked_text(buffer, name);
    LineReader reader(text);
    Line first;
    if (!reader.next(first)) fail_at(name, 1, "empty file");
    const Header header = parse_header(first, name);
    if (header.array) {
        return io_detail::parse_matrix_market_array(text, reader, header.field, header.symmetry,
                                                    name, options);
    }
    const SizeLine size = parse_size_line(reader, header, name, options);
    const std::vector<Triplet> triplets = read_entries(reader, header, size, name);
    const Source source{text, name, size};

    SymmetricMatrixFile result;
    result.field = header.field;
    result.symmetry = header.symmetry;
    result.stored_entries = static_cast<std::int64_t>(triplets.size());
    Triangle triangle = header.symmetric() ? one_triangle(size.n, triplets, source, result)
                                           : Triangle{summed_matrix(size.n, triplets), 0};
    const SparseMatrix summed = std::move(triangle.lower);
    result.duplicates_summed = result.stored_entries - triangle.mirrored_pairs -
                               static_cast<std::int64_t>(summed.nonZeros());
    check_sums_finite(summed, source, triplets);
    result.matrix = header.symmetric() ? mirrored(summed)
                                       : symmetrized(summed, options, source, triplets, result);
    return result;
}

}  // namespace

SymmetricMatrixFile read_symmetric_matrix_market(const std::string& path,
                                                 const MatrixMarketOptions& options) {
    const std::string contents = io_detail::read_file_contents(path);
    return parse_text(contents, path, options);
}

SymmetricMatrixFile parse_symmetric_matrix_market(std::istream& in, const std::string& name,
                                                  const MatrixMarketOptions& options) {
    const std::string contents = io_detail::read_stream_contents(in, name);
    return parse_text(contents, name, options);
}

}  // namespace ridgelens
