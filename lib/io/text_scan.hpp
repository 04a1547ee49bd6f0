#pragma once
// Internal helpers shared by the text readers (Matrix Market, vectors): a whole
// buffer scanned line by line, blank-separated tokens, strict number parsing and
// messages of the form "file:line: what is wrong".

#include <cstddef>
#include <cstdint>
#include <istream>
#include <span>
#include <string>
#include <string_view>

namespace ridgelens::io_detail {

/// One line of a text buffer, without its "\n" or "\r\n", and its 1-based number.
struct Line {
    std::string_view text;
    std::int64_t number = 0;
};

/// Walks a buffer line by line. A final line without "\n" still counts.
class LineReader {
  public:
    explicit LineReader(std::string_view buffer, std::size_t start = 0,
                        std::int64_t lines_before = 0)
        : buffer_(buffer), position_(start), number_(lines_before) {}

    /// Stores the next line in `line`; false at the end of the buffer.
    bool next(Line& line);

    /// Number of the last line returned (0 before the first).
    std::int64_t line_number() const { return number_; }

    /// Offset of the first byte after the last line returned.
    std::size_t position() const { return position_; }

    /// Bytes left after the last line returned.
    std::size_t remaining_bytes() const { return buffer_.size() - position_; }

    /// The last line returned is the buffer's final one and no newline ends
    /// it: a file cut off mid-line (a writer that stopped, a truncated copy).
    bool last_line_unterminated() const {
        return number_ > 0 && position_ == buffer_.size() && !buffer_.empty() &&
               buffer_.back() != '\n';
    }

  private:
    std::string_view buffer_;
    std::size_t position_;
    std::int64_t number_;
};

/// True for a line holding only blanks.
bool is_blank(std::string_view text);

/// True for a line whose first non-blank character is one of `markers`.
bool is_comment(std::string_view text, std::string_view markers);

/// Splits `text` at blanks into `tokens`, stopping once `tokens` is full; returns
/// how many were stored. A full span therefore means "at least that many".
std::size_t split_tokens(std::string_view text, std::span<std::string_view> tokens);

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

/// ASCII lower-case copy.
std::string to_lower(std::string_view text);

/// Outcome of parsing one token as a number.
enum class NumberStatus { ok, not_a_number, out_of_range, not_finite };

/// Parses the whole token as a decimal integer (an optional leading '+' or '-').
NumberStatus parse_int64(std::string_view token, std::int64_t& value);

/// Parses the whole token as a finite double (decimal or exponent notation, an
/// optional leading '+'). Values too small for a double become 0 or subnormal.
NumberStatus parse_double(std::string_view token, double& value);

/// Parses a finite double, or throws InputError naming the line, `field` and token.
double parse_finite(std::string_view token, const std::string& field, const std::string& name,
                    std::int64_t line);

/// Parses a non-negative integer count, or throws InputError naming the line and `field`.
std::int64_t parse_count(std::string_view token, const std::string& field, const std::string& name,
                         std::int64_t line);

/// Stores in `line` the next line that is neither blank nor a comment starting
/// with one of `comment_markers`; false at the end.
bool next_content_line(LineReader& reader, Line& line, std::string_view comment_markers);

/// The token quoted for a message, with non-printable bytes escaped as \xNN and
/// long tokens shortened.
std::string quoted(std::string_view token);

/// "name:line: message".
std::string located(const std::string& name, std::int64_t line, const std::string& message);

/// Throws InputError("name:line: message").
[[noreturn]] void fail_at(const std::string& name, std::int64_t line, const std::string& message);

/// Throws InputError("name: message") for faults that belong to no line.
[[noreturn]] void fail(const std::string& name, const std::string& message);

/// Reads a whole file into memory: a regular file by its size (after the memory
/// check; a file truncated while being read is named so), a pipe, FIFO or device
/// to its end (the memory budget checked as it grows).
/// @throws InputError naming the file if it cannot be opened or read.
std::string read_file_contents(const std::string& path);

/// Reads the rest of a stream into memory.
/// @throws InputError naming `name` if the stream fails.
std::string read_stream_contents(std::istream& in, const std::string& name);

/// Refuses buffers that are empty, gzip-compressed or binary (NUL or other control
/// bytes besides blanks and newlines), naming the line; returns the text without a
/// leading UTF-8 byte-order mark.
std::string_view checked_text(std::string_view buffer, const std::string& name);

}  // namespace ridgelens::io_detail
