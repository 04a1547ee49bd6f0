// LIBSVM / svmlight reader: the whole input is read into one buffer and parsed
// in a single pass with std::from_chars.

#include "ridgelens/io/libsvm.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <string_view>
#include <system_error>

#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"

namespace ridgelens {
namespace {

constexpr std::int64_t kMaxStorageIndex = std::numeric_limits<int>::max();
constexpr std::size_t kMaxQuotedToken = 64;

/// The token as it should appear in a message: control characters escaped,
/// very long tokens cut.
std::string quote(std::string_view token) {
    std::string out = "'";
    const std::size_t shown = std::min(token.size(), kMaxQuotedToken);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(token[i]);
        if (c < 0x20 || c == 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (shown < token.size()) out += "...";
    out += "'";
    return out;
}

/// Position of the parser, for messages of the form `name:line: what`.
struct Where {
    const std::string& name;
    std::int64_t line = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw InputError(name + ":" + std::to_string(line) + ": " + what);
    }
};

enum class NumberStatus { ok, invalid, overflow };

/// Parses all of `text` as a decimal real number (an optional leading '+' is
/// allowed, as LIBSVM labels use it). Values that underflow are accepted as
/// the nearest representable value (zero or subnormal); overflow is reported.
NumberStatus parse_real(std::string_view text, double& value) {
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (text.empty() || text.front() == '+' || text.front() == '-') {
            return NumberStatus::invalid;
        }
    }
    if (text.empty()) return NumberStatus::invalid;
    const char* const first = text.data();
    const char* const last = first + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ptr != last) return NumberStatus::invalid;
    if (ec == std::errc::invalid_argument) return NumberStatus::invalid;
    if (ec == std::errc::result_out_of_range) {
        // from_chars reports both overflow and underflow this way; strtod
        // tells them apart (it returns ±HUGE_VAL only on overflow).
        const std::string copy(text);
        const double fallback = std::strtod(copy.c_str(), nullptr);
        if (std::isinf(fallback)) return NumberStatus::overflow;
        value = fallback;
        return NumberStatus::ok;
    }
    return NumberStatus::ok;
}

/// One `idx:value` of the line being parsed.
struct Entry {
    std::int64_t index;  ///< 1-based, as in the file
    double value;
    std::string_view token;
};

std::int64_t parse_index(std::string_view index_text, std::string_view token, const Where& where) {
    if (index_text.empty()) where.fail("missing feature index in " + quote(token));
    if (index_text.front() == '-') {
        where.fail("negative feature index in " + quote(token) + " (indices are 1-based)");
    }
    std::int64_t index = 0;
    const char* const last = index_text.data() + index_text.size();
    const auto [ptr, ec] = std::from_chars(index_text.data(), last, index);
    if (ptr != last || ec == std::errc::invalid_argument) {
        where.fail("non-numeric feature index in " + quote(token));
    }
    if (ec == std::errc::result_out_of_range || index > kMaxStorageIndex) {
        where.fail("feature index in " + quote(token) +
                   " is too large for 32-bit sparse indices (limit " +
                   std::to_string(kMaxStorageIndex) + ")");
    }
    if (index == 0) where.fail("feature index 0 in " + quote(token) + " (indices are 1-based)");
    return index;
}

Entry parse_entry(std::string_view token, const Where& where) {
    const std::size_t colon = token.find(':');
    if (colon == std::string_view::npos) {
        where.fail("expected index:value, found " + quote(token));
    }
    Entry entry{parse_index(token.substr(0, colon), token, where), 0.0, token};
    const std::string_view value_text = token.substr(colon + 1);
    if (value_text.empty()) where.fail("missing feature value in " + quote(token));
    switch (parse_real(value_text, entry.value)) {
        case NumberStatus::invalid:
            where.fail("non-numeric feature value in " + quote(token));
        case NumberStatus::overflow:
            where.fail("feature value out of the range of double in " + quote(token));
        case NumberStatus::ok:
            break;
    }
    if (!std::isfinite(entry.value)) {
        where.fail("non-finite feature value in " + quote(token));
    }
    return entry;
}

double parse_label(std::string_view token, const Where& where) {
    if (token.find(':') != std::string_view::npos) {
        where.fail("missing label: the line starts with the feature " + quote(token));
    }
    double label = 0.0;
    switch (parse_real(token, label)) {
        case NumberStatus::invalid:
            where.fail("non-numeric label " + quote(token));
        case NumberStatus::overflow:
            where.fail("label out of the range of double " + quote(token));
        case NumberStatus::ok:
            break;
    }
    if (!std::isfinite(label)) where.fail("non-finite label " + quote(token));
    return label;
}

bool is_separator(char c) {
    return c == ' ' || c == '\t';
}

/// Reads `in` to its end.
std::string read_all(std::istream& in, const std::string& name, std::size_t size_hint) {
    constexpr std::size_t kChunk = std::size_t{1} << 22;
    std::string buffer;
    buffer.reserve(size_hint + 1);
    std::size_t used = 0;
    // Small streams get small reads: the chunk starts near the expected size
    // (at least 64 KB) and doubles up to kChunk.
    std::size_t chunk = std::clamp<std::size_t>(size_hint + 1, std::size_t{1} << 16, kChunk);
    while (in) {
        buffer.resize(used + chunk);
        in.read(buffer.data() + used, static_cast<std::streamsize>(chunk));
        used += static_cast<std::size_t>(in.gcount());
        chunk = std::min(2 * chunk, kChunk);
    }
    if (in.bad()) throw InputError(name + ": read error");
    buffer.resize(used);
    return buffer;
}

std::string plural(std::int64_t count, const char* singular, const char* many) {
    return std::to_string(count) + " " + (count == 1 ? singular : many);
}

void check_libsvm_options(const LibsvmOptions& options) {
    if (options.feature_count < 0) {
        throw UsageError("LibsvmOptions::feature_count must be >= 0 (0: from the file), got " +
                         std::to_string(options.feature_count));
    }
    if (options.feature_count > kMaxStorageIndex) {
        throw UsageError("LibsvmOptions::feature_count " + std::to_string(options.feature_count) +
                         " exceeds the 32-bit sparse index limit " +
                         std::to_string(kMaxStorageIndex));
    }
}

/// The label and the entries of one line [p, line_end) (comments removed);
/// returns false for a blank line. `sorted` tells whether the indices
/// increase; a repeated index next to its twin fails here.
bool read_line_entries(const char* p, const char* line_end, const Where& where,
                       std::int64_t fixed_width, std::vector<Entry>& row, double& label,
                       bool& sorted, LibsvmData& data) {
    row.clear();
    sorted = true;
    bool have_label = false;
    while (true) {
        while (p < line_end && is_separator(*p)) ++p;
        if (p == line_end) break;
        const char* const token_begin = p;
        while (p < line_end && !is_separator(*p)) ++p;
        const std::string_view token(token_begin, static_cast<std::size_t>(p - token_begin));

        if (!have_label) {
            label = parse_label(token, where);
            have_label = true;
            continue;
        }
        if (token.starts_with("qid:")) {
            ++data.qid_tokens;
            continue;
        }
        const Entry entry = parse_entry(token, where);
        if (fixed_width > 0 && entry.index > fixed_width) {
            where.fail("feature index " + std::to_string(entry.index) + " in " + quote(token) +
                       " exceeds the fixed feature count " + std::to_string(fixed_width));
        }
        if (!row.empty()) {
            const Entry& previous = row.back();
            if (entry.index == previous.index) {
                where.fail("duplicate feature index " + std::to_string(entry.index) + " in " +
                           quote(token) + " (after " + quote(previous.token) + ")");
            }
            if (entry.index < previous.index) sorted = false;
        }
        row.push_back(entry);
    }
    return have_label;
}

/// Sorts a line's entries by index; a repeated index fails, naming both tokens.
void sort_row(std::vector<Entry>& row, const Where& where) {
    std::stable_sort(row.begin(), row.end(),
                     [](const Entry& a, const Entry& b) { return a.index < b.index; });
    const auto duplicate = std::adjacent_find(
        row.begin(), row.end(), [](const Entry& a, const Entry& b) { return a.index == b.index; });
    if (duplicate != row.end()) {
        where.fail("duplicate feature index " + std::to_string(duplicate->index) + " in " +
                   quote(std::next(duplicate)->token) + " (also " + quote(duplicate->token) +
                   " on this line)");
    }
}

/// The rows read so far, in compressed sparse row form.
struct RowStore {
    std::vector<int> columns;
    std::vector<double> values;
    std::vector<int> row_starts{0};
    std::vector<double> labels;
};

/// Moves the rows into `data.features` and `data.labels` and adds the
/// warnings about what was dropped, sorted or ignored.
void finish_data(RowStore& store, std::int64_t width, std::int64_t first_unsorted_line,
                 const std::string& name, LibsvmData& data) {
    const auto rows = static_cast<Index>(store.labels.size());
    const auto nonzeros = static_cast<Index>(store.columns.size());
    data.feature_count = width;
    data.features.resize(rows, data.feature_count);
    data.features.resizeNonZeros(nonzeros);
    std::copy(store.row_starts.begin(), store.row_starts.end(), data.features.outerIndexPtr());
    std::copy(store.columns.begin(), store.columns.end(), data.features.innerIndexPtr());
    std::copy(store.values.begin(), store.values.end(), data.features.valuePtr());
    data.labels = Eigen::Map<const Vector>(store.labels.data(), rows);

    if (rows == 0) data.warnings.push_back("no samples in " + quote(name));
    if (data.explicit_zeros > 0) {
        data.warnings.push_back(
            plural(data.explicit_zeros, "explicit zero value", "explicit zero values") +
            " (idx:0) not stored");
    }
    if (data.unsorted_rows > 0) {
        data.warnings.push_back("sorted the feature indices of " +
                                plural(data.unsorted_rows, "sample", "samples") +
                                " whose indices were not increasing (first at line " +
                                std::to_string(first_unsorted_line) + ")");
    }
    if (data.qid_tokens > 0) {
        data.warnings.push_back("ignored " + plural(data.qid_tokens, "qid token", "qid tokens"));
    }
}

LibsvmData parse_buffer(std::string_view text, const std::string& name,
                        const LibsvmOptions& options) {
    check_libsvm_options(options);
    // A UTF-8 byte order mark written by some editors.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

    const std::int64_t fixed_width = options.feature_count;

    // Upper bounds for the reservations: every entry has a ':', every line a '\n'.
    const auto colon_count = static_cast<std::size_t>(std::count(text.begin(), text.end(), ':'));
    const auto line_count =
        static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;

    RowStore store;
    // Entries are held twice (the vectors below, then the CSR matrix), rows too.
    check_memory_estimate(
        2.0 * static_cast<double>(colon_count) * (sizeof(int) + sizeof(double)) +
            2.0 * static_cast<double>(line_count) * (sizeof(int) + sizeof(double)),
        name + ": up to " + std::to_string(colon_count) + " entries in " +
            std::to_string(line_count) + " lines");
    store.columns.reserve(colon_count);
    store.values.reserve(colon_count);
    store.row_starts.reserve(line_count + 1);
    store.labels.reserve(line_count);

    LibsvmData data;
    data.source = name;
    std::int64_t max_index = 0;
    std::int64_t first_unsorted_line = 0;
    std::vector<Entry> row;  // entries of the current line, kept for sorting and messages

    Where where{name, 0};
    const char* cursor = text.data();
    const char* const end = cursor + text.size();
    while (cursor < end) {
        ++where.line;
        const char* newline = static_cast<const char*>(std::memchr(cursor, '\n', end - cursor));
        const char* const next = newline ? newline + 1 : end;
        const char* line_end = newline ? newline : end;
        if (const void* hash = std::memchr(cursor, '#', line_end - cursor)) {
            line_end = static_cast<const char*>(hash);
        } else if (line_end > cursor && line_end[-1] == '\r') {
            --line_end;  // CRLF
        }
        double label = 0.0;
        bool sorted = true;
        const bool have_label =
            read_line_entries(cursor, line_end, where, fixed_width, row, label, sorted, data);
        cursor = next;
        if (!have_label) continue;  // blank or comment-only line

        if (!sorted) {
            sort_row(row, where);
            if (data.unsorted_rows == 0) first_unsorted_line = where.line;
            ++data.unsorted_rows;
        }

        const std::size_t row_begin = store.columns.size();
        for (const Entry& entry : row) {
            if (entry.value == 0.0) {
                ++data.explicit_zeros;
                continue;
            }
            store.columns.push_back(static_cast<int>(entry.index - 1));
            store.values.push_back(entry.value);
        }
        if (!row.empty()) max_index = std::max(max_index, row.back().index);
        if (store.columns.size() == row_begin) ++data.empty_rows;
        if (store.columns.size() > static_cast<std::size_t>(kMaxStorageIndex)) {
            where.fail("more than " + std::to_string(kMaxStorageIndex) +
                       " nonzeros: too large for 32-bit sparse indices");
        }
        if (store.labels.size() >= static_cast<std::size_t>(kMaxStorageIndex)) {
            where.fail("more than " + std::to_string(kMaxStorageIndex) +
                       " samples: too large for 32-bit sparse indices");
        }
        store.labels.push_back(label);
        data.sample_lines.push_back(where.line);
        store.row_starts.push_back(static_cast<int>(store.columns.size()));
    }
    finish_data(store, fixed_width > 0 ? fixed_width : max_index, first_unsorted_line, name, data);
    return data;
}

}  // namespace

LibsvmData read_libsvm(const std::string& path, const LibsvmOptions& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) throw InputError(path + ": no such file");
    if (fs::is_directory(status)) throw InputError(path + ": is a directory, not a LIBSVM file");
    std::size_t size_hint = 0;
    if (fs::is_regular_file(status)) {
        const auto size = fs::file_size(path, ec);
        if (!ec) size_hint = static_cast<std::size_t>(size);
    }
    check_memory_estimate(
        static_cast<double>(size_hint),
        path + ": reading the whole file (" + std::to_string(size_hint) + " bytes)");
    errno = 0;
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        const int error = errno;
        throw InputError(path + ": cannot open" +
                         (error != 0 ? std::string(": ") + std::strerror(error) : std::string()));
    }
    const std::string text = read_all(file, path, size_hint);
    return parse_buffer(text, path, options);
}

LibsvmData parse_libsvm(std::istream& in, const std::string& name, const LibsvmOptions& options) {
    const std::string text = read_all(in, name, 0);
    return parse_buffer(text, name, options);
}

}  // namespace ridgelens
