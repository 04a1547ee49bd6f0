#include "ridgelens/io/vector_io.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include "io/text_scan.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"

namespace ridgelens {

namespace {

using io_detail::fail_at;
using io_detail::Line;
using io_detail::LineReader;
using io_detail::quoted;

constexpr const char* vector_header = "%%MatrixMarket matrix array real general";

bool is_matrix_market(std::string_view first_line) {
    std::array<std::string_view, 1> tokens;
    return io_detail::split_tokens(first_line, tokens) == 1 &&
           io_detail::iequals(tokens[0], "%%MatrixMarket");
}

void check_vector_header(const Line& line, const std::string& name) {
    std::array<std::string_view, 6> tokens;
    const std::size_t count = io_detail::split_tokens(line.text, tokens);
    if (count < 5) {
        fail_at(name, line.number,
                std::string("incomplete header; expected '") + vector_header + "'");
    }
    if (!io_detail::iequals(tokens[1], "matrix")) {
        fail_at(name, line.number,
                "object " + quoted(tokens[1]) + " is not supported; expected 'matrix'");
    }
    if (!io_detail::iequals(tokens[2], "array")) {
        fail_at(name, line.number,
                "format " + quoted(tokens[2]) + " is not supported for vectors; expected 'array'");
    }
    if (!io_detail::iequals(tokens[3], "real") && !io_detail::iequals(tokens[3], "integer")) {
        fail_at(name, line.number,
                "field " + quoted(tokens[3]) + " is not supported for vectors; expected 'real'");
    }
    if (!io_detail::iequals(tokens[4], "general")) {
        fail_at(
            name, line.number,
            "symmetry " + quoted(tokens[4]) + " is not supported for vectors; expected 'general'");
    }
    if (count > 5) {
        fail_at(name, line.number,
                "unexpected text " + quoted(tokens[5]) + " after the symmetry field in the header");
    }
}

/// Reads the "rows columns" line and returns the vector length.
std::int64_t parse_vector_size(LineReader& reader, const std::string& name,
                               std::int64_t& size_line) {
    Line line;
    if (!io_detail::next_content_line(reader, line, "%")) {
        fail_at(name, reader.line_number(), "file ends before the size line 'rows columns'");
    }
    size_line = line.number;
    std::array<std::string_view, 3> tokens;
    const std::size_t count = io_detail::split_tokens(line.text, tokens);
    if (count < 2) {
        fail_at(name, line.number,
                "size line must have 2 fields 'rows columns', found " + std::to_string(count));
    }
    if (count > 2) {
        fail_at(name, line.number,
                "unexpected text " + quoted(tokens[2]) +
                    " after the column count on the size line (an array file has no entry count)");
    }
    const std::int64_t rows = io_detail::parse_count(tokens[0], "row count", name, line.number);
    const std::int64_t cols = io_detail::parse_count(tokens[1], "column count", name, line.number);
    if (rows == 0 || cols == 0 || (rows != 1 && cols != 1)) {
        fail_at(name, line.number,
                "a vector must have one column or one row and at least one value; found " +
                    std::to_string(rows) + " x " + std::to_string(cols));
    }
    const std::int64_t n = rows * cols;
    // Each value takes at least two bytes ("1\n"); the last may lack its newline.
    if (n > (static_cast<std::int64_t>(reader.remaining_bytes()) + 1) / 2) {
        fail_at(name, line.number,
                std::to_string(n) + " values cannot fit in the remaining " +
                    std::to_string(reader.remaining_bytes()) +
                    " bytes of the file: it is truncated or its size line is wrong");
    }
    return n;
}

/// The single number on a value line.
double parse_line_value(const Line& line, const std::string& name) {
    std::array<std::string_view, 2> tokens;
    const std::size_t count = io_detail::split_tokens(line.text, tokens);
    if (count > 1) {
        fail_at(name, line.number,
                "expected one value per line, found a second field " + quoted(tokens[1]));
    }
    return io_detail::parse_finite(tokens[0], "value", name, line.number);
}

Vector parse_matrix_market_vector(LineReader& reader, const Line& header, const std::string& name) {
    check_vector_header(header, name);
    std::int64_t size_line = 0;
    const std::int64_t n = parse_vector_size(reader, name, size_line);
    Vector values(n);
    std::int64_t count = 0;
    Line line;
    while (io_detail::next_content_line(reader, line, "%")) {
        if (count == n) {
            fail_at(name, line.number,
                    "more values than the " + std::to_string(n) +
                        " declared on the size line (line " + std::to_string(size_line) + ")");
        }
        values[count++] = parse_line_value(line, name);
    }
    if (count < n) {
        fail_at(name, reader.line_number(),
                "file ends after " + std::to_string(count) + " of the " + std::to_string(n) +
                    " values declared on the size line (line " + std::to_string(size_line) + ")");
    }
    return values;
}

Vector parse_plain_vector(LineReader& reader, const std::string& name) {
    std::vector<double> values;
    Line line;
    while (io_detail::next_content_line(reader, line, "#%")) {
        values.push_back(parse_line_value(line, name));
    }
    if (values.empty()) {
        fail_at(name, reader.line_number(), "no values (only blank or comment lines)");
    }
    return Eigen::Map<const Vector>(values.data(), static_cast<Index>(values.size()));
}

Vector parse_text(std::string_view buffer, const std::string& name) {
    const std::string_view text = io_detail::checked_text(buffer, name);
    LineReader reader(text);
    Line first;
    if (!reader.next(first)) fail_at(name, 1, "empty file");
    if (is_matrix_market(first.text)) return parse_matrix_market_vector(reader, first, name);
    LineReader plain(text);
    return parse_plain_vector(plain, name);
}

/// Refuses vectors whose file could not be read back.
void check_writable(const std::string& path, const Vector& values) {
    if (values.size() == 0) throw UsageError("cannot write an empty vector to '" + path + "'");
    for (Index i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            throw UsageError("cannot write vector to '" + path + "': entry " +
                             std::to_string(i + 1) + " is not finite");
        }
    }
}

}  // namespace

Vector read_vector(const std::string& path) {
    const std::string contents = io_detail::read_file_contents(path);
    return parse_text(contents, path);
}

Vector parse_vector(std::istream& in, const std::string& name) {
    const std::string contents = io_detail::read_stream_contents(in, name);
    return parse_text(contents, name);
}

void write_vector_matrix_market(const std::string& path, const Vector& values) {
    check_writable(path, values);
    write_file_atomically(path, [&values](std::ostream& out) {
        out << vector_header << '\n' << values.size() << " 1\n";
        char buffer[40];
        for (const double value : values) {
            const int length = std::snprintf(buffer, sizeof buffer, "%.17g\n", value);
            out.write(buffer, length);
        }
    });
}

void write_matrix_market_array(const std::string& path, const DenseMatrix& columns) {
    if (columns.size() == 0) throw UsageError("cannot write an empty matrix to '" + path + "'");
    for (Index j = 0; j < columns.cols(); ++j)
        for (Index i = 0; i < columns.rows(); ++i)
            if (!std::isfinite(columns(i, j)))
                throw UsageError("cannot write the matrix to '" + path + "': entry (" +
                                 std::to_string(i + 1) + ", " + std::to_string(j + 1) +
                                 ") is not finite");
    write_file_atomically(path, [&columns](std::ostream& out) {
        out << vector_header << '\n' << columns.rows() << ' ' << columns.cols() << '\n';
        char buffer[40];
        for (Index j = 0; j < columns.cols(); ++j)
            for (Index i = 0; i < columns.rows(); ++i) {
                const int length = std::snprintf(buffer, sizeof buffer, "%.17g\n", columns(i, j));
                out.write(buffer, length);
            }
    });
}

}  // namespace ridgelens
