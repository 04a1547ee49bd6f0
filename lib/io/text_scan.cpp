#include "io/text_scan.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"

namespace ridgelens::io_detail {

namespace {

bool is_blank_char(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/// Counts the lines up to `offset` (1-based number of the line holding it).
std::int64_t line_of_offset(std::string_view text, std::size_t offset) {
    return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
}

/// Drops a leading '+' that is followed by a digit or a '.', which std::from_chars refuses.
std::string_view without_plus(std::string_view token) {
    if (token.size() >= 2 && token[0] == '+' && token[1] != '+' && token[1] != '-') {
        return token.substr(1);
    }
    return token;
}

}  // namespace

bool LineReader::next(Line& line) {
    if (position_ >= buffer_.size()) return false;
    const std::size_t end = buffer_.find('\n', position_);
    const std::size_t stop = end == std::string_view::npos ? buffer_.size() : end;
    std::string_view text = buffer_.substr(position_, stop - position_);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    position_ = end == std::string_view::npos ? buffer_.size() : end + 1;
    line = Line{text, ++number_};
    return true;
}

bool is_blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), is_blank_char);
}

bool is_comment(std::string_view text, std::string_view markers) {
    const auto first = std::find_if_not(text.begin(), text.end(), is_blank_char);
    return first != text.end() && markers.find(*first) != std::string_view::npos;
}

std::size_t split_tokens(std::string_view text, std::span<std::string_view> tokens) {
    std::size_t count = 0;
    std::size_t i = 0;
    while (count < tokens.size()) {
        while (i < text.size() && is_blank_char(text[i])) ++i;
        if (i == text.size()) break;
        const std::size_t start = i;
        while (i < text.size() && !is_blank_char(text[i])) ++i;
        tokens[count++] = text.substr(start, i - start);
    }
    return count;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string to_lower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
}

NumberStatus parse_int64(std::string_view token, std::int64_t& value) {
    token = without_plus(token);
    const char* end = token.data() + token.size();
    const auto [ptr, ec] = std::from_chars(token.data(), end, value);
    if (ptr != end || ec == std::errc::invalid_argument) return NumberStatus::not_a_number;
    if (ec == std::errc::result_out_of_range) return NumberStatus::out_of_range;
    return NumberStatus::ok;
}

NumberStatus parse_double(std::string_view token, double& value) {
    token = without_plus(token);
    const char* end = token.data() + token.size();
    const auto [ptr, ec] = std::from_chars(token.data(), end, value);
    if (ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        return NumberStatus::not_a_number;
    }
    if (ec == std::errc::result_out_of_range) {
        // from_chars reports both overflow and underflow; strtod tells them apart.
        const std::string copy(token);
        value = std::strtod(copy.c_str(), nullptr);
        if (std::isinf(value)) return NumberStatus::out_of_range;
    }
    return std::isfinite(value) ? NumberStatus::ok : NumberStatus::not_finite;
}

std::string quoted(std::string_view token) {
    constexpr std::size_t max_shown = 40;
    std::string out = "'";
    for (std::size_t i = 0; i < token.size() && i < max_shown; ++i) {
        const auto c = static_cast<unsigned char>(token[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
            out += escaped;
        }
    }
    if (token.size() > max_shown) out += "...";
    return out + "'";
}

double parse_finite(std::string_view token, const std::string& field, const std::string& name,
                    std::int64_t line) {
    double value = 0;
    switch (parse_double(token, value)) {
        case NumberStatus::ok:
            return value;
        case NumberStatus::not_finite:
            fail_at(name, line, field + " " + quoted(token) + " is not finite");
        case NumberStatus::out_of_range:
            fail_at(name, line, field + " " + quoted(token) + " overflows a double (not finite)");
        case NumberStatus::not_a_number:
            break;
    }
    fail_at(name, line, field + " " + quoted(token) + " is not a number");
}

std::int64_t parse_count(std::string_view token, const std::string& field, const std::string& name,
                         std::int64_t line) {
    std::int64_t value = 0;
    const NumberStatus status = parse_int64(token, value);
    if (status == NumberStatus::out_of_range) {
        fail_at(name, line, field + " " + quoted(token) + " is too large");
    }
    if (status != NumberStatus::ok) {
        fail_at(name, line, field + " " + quoted(token) + " is not an integer");
    }
    if (value < 0) fail_at(name, line, field + " " + std::to_string(value) + " is negative");
    return value;
}

bool next_content_line(LineReader& reader, Line& line, std::string_view comment_markers) {
    while (reader.next(line)) {
        if (!is_blank(line.text) && !is_comment(line.text, comment_markers)) return true;
    }
    return false;
}

std::string located(const std::string& name, std::int64_t line, const std::string& message) {
    return name + ":" + std::to_string(line) + ": " + message;
}

void fail_at(const std::string& name, std::int64_t line, const std::string& message) {
    throw InputError(located(name, line, message));
}

void fail(const std::string& name, const std::string& message) {
    throw InputError(name + ": " + message);
}

namespace {

/// Closes a descriptor on every path out of a reader.
struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

/// One read(2), retried on EINTR; fails with the error of that very call.
std::size_t read_some(int fd, char* data, std::size_t size, const std::string& path,
                      std::size_t offset) {
    for (;;) {
        const ssize_t got = ::read(fd, data, size);
        if (got >= 0) return static_cast<std::size_t>(got);
        if (errno == EINTR) continue;
        fail(path,
             "read error after " + std::to_string(offset) + " bytes: " + std::strerror(errno));
    }
}

/// A regular file: its size is known, so the memory check comes first; a file
/// that shrinks while it is read says so.
std::string read_regular_file(int fd, std::size_t size, const std::string& path) {
    check_memory_estimate(static_cast<double>(size),
                          path + ": reading the whole file (" + std::to_string(size) + " bytes)");
    std::string contents(size, '\0');
    std::size_t used = 0;
    while (used < size) {
        const std::size_t got = read_some(fd, contents.data() + used, size - used, path, used);
        if (got == 0) {
            fail(path, "the file ended after " + std::to_string(used) + " of its " +
                           std::to_string(size) + " bytes: it was truncated while being read");
        }
        used += got;
    }
    return contents;
}

/// A pipe, FIFO or device: read to the end, the memory budget checked as it grows.
std::string read_stream_file(int fd, const std::string& path) {
    std::string contents;
    std::size_t used = 0;
    std::size_t chunk = std::size_t{1} << 16;
    for (;;) {
        if (contents.size() < used + chunk) {
            const std::size_t grown = std::max(2 * contents.size(), used + chunk);
            check_memory_estimate(
                static_cast<double>(grown),
                path + ": reading a stream (" + std::to_string(used) + " bytes so far)");
            contents.resize(grown);
        }
        const std::size_t got = read_some(fd, contents.data() + used, chunk, path, used);
        if (got == 0) break;
        used += got;
        chunk = std::min<std::size_t>(2 * chunk, std::size_t{1} << 24);
    }
    contents.resize(used);
    return contents;
}

}  // namespace

std::string read_file_contents(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail(path, "is a directory, not a file");
    const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat info {};
    if (::fstat(file.fd, &info) != 0)
        fail(path, std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISREG(info.st_mode))
        return read_regular_file(file.fd, static_cast<std::size_t>(info.st_size), path);
    return read_stream_file(file.fd, path);  // a pipe, FIFO or character device
}

std::string read_stream_contents(std::istream& in, const std::string& name) {
    std::ostringstream buffer;
    if (in.peek() != std::char_traits<char>::eof()) buffer << in.rdbuf();
    if (in.bad()) fail(name, "read error");
    return std::move(buffer).str();
}

std::string_view checked_text(std::string_view buffer, const std::string& name) {
    if (buffer.empty()) fail_at(name, 1, "empty file");
    if (buffer.size() >= 2 && static_cast<unsigned char>(buffer[0]) == 0x1f &&
        static_cast<unsigned char>(buffer[1]) == 0x8b) {
        fail_at(name, 1, "file is gzip-compressed; decompress it first");
    }
    const auto control = std::find_if(buffer.begin(), buffer.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\n' && !is_blank_char(c)) || byte == 0x7f;
    });
    if (control != buffer.end()) {
        const auto offset = static_cast<std::size_t>(control - buffer.begin());
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(*control));
        fail_at(name, line_of_offset(buffer, offset),
                std::string("binary data (control byte ") + byte + " at offset " +
                    std::to_string(offset) + "); expected a text file");
    }
    constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";
    if (buffer.starts_with(byte_order_mark)) buffer.remove_prefix(byte_order_mark.size());
    return buffer;
}

}  // namespace ridgelens::io_detail
