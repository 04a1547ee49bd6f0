// The dense `array` format of Matrix Market for --hessian (see matrix_market_array.hpp).

#include "io/matrix_market_array.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "ridgelens/io/memory_budget.hpp"

namespace ridgelens::io_detail {
namespace {

std::string number(double value, int digits = 17) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return buffer;
}

std::string position(std::int64_t row, std::int64_t col) {
    return "(" + std::to_string(row + 1) + ", " + std::to_string(col + 1) + ")";
}

/// The size line and what it implies.
struct ArrayShape {
    std::int64_t n = 0;
    std::int64_t values = 0;  ///< values the file must list
    bool symmetric = false;
    std::int64_t line = 0;          ///< the size line
    std::size_t values_offset = 0;  ///< first byte after it
    std::string describe() const {
        return "a " + std::to_string(n) + "x" + std::to_string(n) + " '" +
               (symmetric ? "symmetric" : "general") + "' array";
    }
    /// Index of a_ij in the file's order (for a symmetric file, i >= j).
    std::int64_t index(std::int64_t i, std::int64_t j) const {
        return symmetric ? j * n - j * (j - 1) / 2 + (i - j) : j * n + i;
    }
};

ArrayShape parse_array_size(LineReader& reader, bool symmetric, const std::string& name,
                            const MatrixMarketOptions& options) {
    Line line;
    if (!next_content_line(reader, line, "%"))
        fail_at(name, reader.line_number(), "file ends before the size line 'rows columns'");
    std::array<std::string_view, 3> tokens;
    const std::size_t count = split_tokens(line.text, tokens);
    if (count < 2)
        fail_at(name, line.number,
                "size line of an 'array' file must have 2 fields 'rows columns', found " +
                    std::to_string(count));
    if (count > 2)
        fail_at(name, line.number,
                "unexpected text " + quoted(tokens[2]) +
                    " after the column count on the size line (an 'array' file lists every "
                    "value, it has no entry count)");
    const std::int64_t rows = parse_count(tokens[0], "row count", name, line.number);
    const std::int64_t cols = parse_count(tokens[1], "column count", name, line.number);
    if (rows == 0 || cols == 0)
        fail_at(name, line.number, "the matrix is empty (a dimension is 0)");
    if (rows != cols)
        fail_at(name, line.number,
                "matrix is not square: " + std::to_string(rows) + " rows, " + std::to_string(cols) +
                    " columns");
    constexpr std::int64_t max_dimension = std::numeric_limits<int>::max();
    if (rows > max_dimension)
        fail_at(name, line.number,
                "row count " + std::to_string(rows) + " exceeds the supported maximum " +
                    std::to_string(max_dimension));
    ArrayShape shape{rows, symmetric ? rows * (rows + 1) / 2 : rows * rows, symmetric, line.number,
                     reader.position()};
    // Shortest possible value: one character and a newline ("1\n"); the last may lack it.
    if (shape.values > (static_cast<std::int64_t>(reader.remaining_bytes()) + 1) / 2)
        fail_at(name, line.number,
                shape.describe() + " lists " + std::to_string(shape.values) +
                    " values, which cannot fit in the remaining " +
                    std::to_string(reader.remaining_bytes()) +
                    " bytes of the file (a value takes at least 2 bytes): the file is truncated "
                    "or its size line is wrong");
    // The values as listed (8 bytes each), then the matrix with both
    // triangles (12 bytes per entry) and its column pointers.
    const auto n = static_cast<double>(rows);
    const double after_read = options.bytes_after_read ? options.bytes_after_read(rows) : 0.0;
    check_memory_estimate(
        8.0 * static_cast<double>(shape.values) + 12.0 * n * n + 4.0 * (n + 1) + after_read,
        name + ": " + shape.describe() +
            (after_read > 0 ? " and the vectors of length n computed from it" : ""));
    return shape;
}

double parse_value(std::string_view token, bool integer, const std::string& name,
                   std::int64_t line) {
    if (!integer) return parse_finite(token, "value", name, line);
    std::int64_t value = 0;
    const NumberStatus status = parse_int64(token, value);
    if (status == NumberStatus::out_of_range)
        fail_at(name, line, "value " + quoted(token) + " is outside the 64-bit integer range");
    if (status != NumberStatus::ok)
        fail_at(
            name, line,
            "value " + quoted(token) + " is not an integer (the header declares field 'integer')");
    return static_cast<double>(value);
}

std::vector<double> read_values(LineReader& reader, const ArrayShape& shape, bool integer,
                                const std::string& name) {
    std::vector<double> values;
    values.reserve(static_cast<std::size_t>(shape.values));
    std::array<std::string_view, 2> tokens;
    Line line;
    while (next_content_line(reader, line, "%")) {
        if (static_cast<std::int64_t>(values.size()) == shape.values)
            fail_at(name, line.number,
                    "more values than the " + std::to_string(shape.values) + " of " +
                        shape.describe() + " (size line " + std::to_string(shape.line) + ")");
        if (split_tokens(line.text, tokens) > 1)
            fail_at(name, line.number,
                    "unexpected text " + quoted(tokens[1]) +
                        " after the value (an 'array' file lists one value per line)");
        values.push_back(parse_value(tokens[0], integer, name, line.number));
    }
    if (static_cast<std::int64_t>(values.size()) < shape.values)
        fail_at(name, reader.line_number(),
                "file ends after " + std::to_string(values.size()) + " of the " +
                    std::to_string(shape.values) + " values of " + shape.describe() +
                    " (size line " + std::to_string(shape.line) + ")");
    return values;
}

/// Line number of the value listed at `index` (0-based).
std::int64_t line_of_value(std::string_view text, const ArrayShape& shape, std::int64_t index) {
    LineReader reader(text, shape.values_offset, shape.line);
    Line line;
    for (std::int64_t seen = 0; next_content_line(reader, line, "%"); ++seen)
        if (seen == index) return line.number;
    return reader.line_number();
}

/// The coordinate reader's rule for a `general` file: refused unless
/// max|a_ij − a_ji| ≤ tolerance·max|a_ij|, then symmetrized as (A + Aᵀ)/2.
void symmetrize(std::vector<double>& a, std::string_view text, const ArrayShape& shape,
                const std::string& name, const MatrixMarketOptions& options,
                SymmetricMatrixFile& result) {
    const std::int64_t n = shape.n;
    double max_entry = 0, max_difference = 0;
    std::int64_t at_row = -1, at_col = -1;  // in the lower triangle: listed first
    for (const double value : a) max_entry = std::max(max_entry, std::abs(value));
    for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t i = j + 1; i < n; ++i) {
            const double difference = std::abs(a[j * n + i] - a[i * n + j]);
            if (difference <= max_difference) continue;
            max_difference = difference;
            at_row = i;
            at_col = j;
        }
    const double relative = max_entry > 0 ? max_difference / max_entry : 0.0;
    result.max_relative_asymmetry = relative;
    if (!(relative <= options.symmetry_tolerance))
        fail_at(name, line_of_value(text, shape, shape.index(at_row, at_col)),
                "matrix declared 'general' is not symmetric: entry " + position(at_row, at_col) +
                    " = " + number(a[at_col * n + at_row]) + " but " + position(at_col, at_row) +
                    " = " + number(a[at_row * n + at_col]) +
                    "; relative asymmetry max|a_ij - a_ji| / max|a_ij| = " + number(relative, 3) +
                    " exceeds the tolerance " + number(options.symmetry_tolerance, 3));
    if (max_difference == 0) return;
    result.warnings.push_back(
        "symmetrized the 'general' matrix as (A + A^T)/2: relative asymmetry " +
        number(relative, 3) + " (largest |a_ij - a_ji| = " + number(max_difference, 3) + " at " +
        position(at_row, at_col) + ") is within the tolerance " +
        number(options.symmetry_tolerance, 3));
    for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t i = j + 1; i < n; ++i) {
            const double mean = 0.5 * a[j * n + i] + 0.5 * a[i * n + j];
            a[j * n + i] = mean;
            a[i * n + j] = mean;
        }
}

/// Both triangles, compressed: every nonzero and the whole diagonal.
SparseMatrix stored_matrix(const std::vector<double>& values, const ArrayShape& shape) {
    const std::int64_t n = shape.n;
    const auto at = [&](std::int64_t i, std::int64_t j) {
        if (!shape.symmetric) return values[static_cast<std::size_t>(j * n + i)];
        return values[static_cast<std::size_t>(i >= j ? shape.index(i, j) : shape.index(j, i))];
    };
    Eigen::VectorXi counts = Eigen::VectorXi::Zero(n);
    for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t i = 0; i < n; ++i)
            if (i == j || at(i, j) != 0) ++counts[j];
    SparseMatrix matrix(n, n);
    matrix.reserve(counts);
    for (std::int64_t j = 0; j < n; ++j)
        for (std::int64_t i = 0; i < n; ++i)
            if (i == j || at(i, j) != 0) matrix.insert(i, j) = at(i, j);
    matrix.makeCompressed();
    return matrix;
}

}  // namespace

SymmetricMatrixFile parse_matrix_market_array(std::string_view text, LineReader& reader,
                                              const std::string& field, const std::string& symmetry,
                                              const std::string& name,
                                              const MatrixMarketOptions& options) {
    const ArrayShape shape = parse_array_size(reader, symmetry == "symmetric", name, options);
    std::vector<double> values = read_values(reader, shape, field == "integer", name);
    SymmetricMatrixFile result;
    result.field = field;
    result.symmetry = symmetry;
    result.format = "array";
    result.stored_entries = shape.values;
    if (!shape.symmetric) symmetrize(values, text, shape, name, options, result);
    result.matrix = stored_matrix(values, shape);
    return result;
}

}  // namespace ridgelens::io_detail
