#include "ridgelens/io/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <limits>

#include "ridgelens/error.hpp"
#include "ridgelens/io/memory_budget.hpp"

namespace ridgelens {

namespace {

constexpr std::uint8_t unsigned_byte_type = 0x08;
constexpr std::size_t max_dimensions = 4;
constexpr std::size_t read_chunk = std::size_t{16} << 20;    // bytes per gzread call
constexpr std::size_t max_reserve = std::size_t{256} << 20;  // reserved up front at most

[[noreturn]] void fail(const std::string& path, const std::string& message) {
    throw InputError(path + ": " + message);
}

std::string hex_byte(unsigned value) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "0x%02X", value & 0xFFu);
    return buffer;
}

const char* type_name(std::uint8_t type) {
    switch (type) {
        case 0x08:
            return "unsigned byte";
        case 0x09:
            return "signed byte";
        case 0x0B:
            return "16-bit integer";
        case 0x0C:
            return "32-bit integer";
        case 0x0D:
            return "32-bit float";
        case 0x0E:
            return "64-bit float";
        default:
            return "unknown type";
    }
}

/// An open gzip (or plain) file, closed on scope exit.
class GzReader {
  public:
    explicit GzReader(const std::string& path) : path_(path) {
        errno = 0;
        file_ = ::gzopen(path.c_str(), "rb");
        if (file_ == nullptr) {
            fail(path, std::string("cannot open: ") +
                           (errno != 0 ? std::strerror(errno) : "out of memory"));
        }
        ::gzbuffer(file_, 1u << 18);
    }
    GzReader(const GzReader&) = delete;
    GzReader& operator=(const GzReader&) = delete;
    ~GzReader() { ::gzclose(file_); }

    /// Reads up to `size` bytes; fewer only at the end of the data.
    /// @throws InputError on a read error or corrupt compressed data.
    std::size_t read(std::uint8_t* data, std::size_t size) {
        std::size_t total = 0;
        while (total < size) {
            const auto request = static_cast<unsigned>(std::min(size - total, read_chunk));
            const int got = ::gzread(file_, data + total, request);
            if (got < 0) {
                fail(path_, "read error after " + std::to_string(offset_ + total) +
                                " bytes (zlib: " + error_message() + ")");
            }
            if (got == 0) break;
            total += static_cast<std::size_t>(got);
        }
        offset_ += total;
        return total;
    }

    /// Why the data ended early, if zlib knows ("unexpected end of file" for a
    /// truncated gzip stream); empty for a clean end.
    std::string end_reason() const {
        int code = Z_OK;
        const char* message = ::gzerror(file_, &code);
        if (code == Z_OK) return {};
        return code == Z_ERRNO ? std::strerror(errno) : message;
    }

    std::uint64_t offset() const { return offset_; }

  private:
    std::string error_message() const {
        const std::string reason = end_reason();
        return reason.empty() ? "unknown error" : reason;
    }

    std::string path_;
    gzFile file_ = nullptr;
    std::uint64_t offset_ = 0;
};

/// Reads the magic number; returns the number of dimensions.
std::size_t read_magic(GzReader& reader, const std::string& path) {
    std::array<std::uint8_t, 4> magic{};
    const std::size_t got = reader.read(magic.data(), magic.size());
    if (got == 0) fail(path, "empty file (expected an IDX magic number)");
    if (got < magic.size()) {
        fail(path, "truncated header: expected a 4-byte magic number, read " + std::to_string(got) +
                       " bytes");
    }
    if (magic[0] != 0 || magic[1] != 0) {
        fail(path, "byte 0: not an IDX file: the magic number starts with " + hex_byte(magic[0]) +
                       " " + hex_byte(magic[1]) + " instead of 0x00 0x00");
    }
    if (magic[2] != unsigned_byte_type) {
        fail(path, "byte 2: unsupported IDX type code " + hex_byte(magic[2]) + " (" +
                       type_name(magic[2]) + "); only 0x08 (unsigned byte) is supported");
    }
    if (magic[3] < 1 || magic[3] > max_dimensions) {
        fail(path, "byte 3: number of dimensions " + std::to_string(magic[3]) + " is not in 1.." +
                       std::to_string(max_dimensions));
    }
    return magic[3];
}

std::vector<std::uint32_t> read_dimensions(GzReader& reader, std::size_t count,
                                           const std::string& path) {
    std::array<std::uint8_t, 4 * max_dimensions> bytes{};
    const std::size_t expected = 4 * count;
    const std::size_t got = reader.read(bytes.data(), expected);
    if (got < expected) {
        fail(path, "truncated header: expected " + std::to_string(expected) +
                       " bytes of dimensions, read " + std::to_string(got));
    }
    std::vector<std::uint32_t> dimensions(count);
    for (std::size_t d = 0; d < count; ++d) {
        const std::uint8_t* b = bytes.data() + 4 * d;
        dimensions[d] = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                        (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
        if (dimensions[d] == 0) {
            fail(path, "byte " + std::to_string(4 + 4 * d) + ": dimension " +
                           std::to_string(d + 1) + " is 0");
        }
    }
    return dimensions;
}

std::string describe(const std::vector<std::uint32_t>& dimensions) {
    std::string text;
    for (const std::uint32_t d : dimensions)
        text += (text.empty() ? "" : " x ") + std::to_string(d);
    return text;
}

/// Product of the dimensions, refusing one that does not fit in memory's address space.
std::size_t element_count(const std::vector<std::uint32_t>& dimensions, const std::string& path) {
    std::size_t count = 1;
    for (const std::uint32_t d : dimensions) {
        if (__builtin_mul_overflow(count, std::size_t{d}, &count) ||
            count > std::vector<std::uint8_t>().max_size()) {
            fail(path, "dimensions " + describe(dimensions) + " overflow the addressable size");
        }
    }
    return count;
}

/// Reads exactly `count` data bytes, growing the buffer as data arrives so that a
/// lying header cannot make us allocate more than the file holds.
std::vector<std::uint8_t> read_values(GzReader& reader, std::size_t count,
                                      const std::vector<std::uint32_t>& dimensions,
                                      const std::string& path) {
    // Memory grows only with the data actually read, so a header that claims more
    // than a (plain) file holds ends as "truncated". Once the data outgrow
    // min(256 MB, budget) — a large file, or a gzip stream inflating far beyond
    // its size — the declared size is checked against the memory budget.
    const double check_above = std::min(static_cast<double>(max_reserve), memory_budget_bytes());
    bool memory_checked = false;
    std::vector<std::uint8_t> values;
    values.reserve(std::min(count, static_cast<std::size_t>(check_above)));
    while (values.size() < count) {
        const std::size_t before = values.size();
        const std::size_t chunk = std::min(count - before, read_chunk);
        if (!memory_checked && static_cast<double>(before + chunk) > check_above) {
            check_memory_estimate(static_cast<double>(count), path + ": the header declares " +
                                                                  describe(dimensions) + " = " +
                                                                  std::to_string(count) + " bytes");
            memory_checked = true;
        }
        values.resize(before + chunk);
        const std::size_t got = reader.read(values.data() + before, chunk);
        values.resize(before + got);
        if (got < chunk) break;
    }
    if (values.size() < count) {
        const std::string reason = reader.end_reason();
        fail(path, "truncated: the header declares " + describe(dimensions) + " = " +
                       std::to_string(count) + " data bytes, but only " +
                       std::to_string(values.size()) + " could be read" +
                       (reason.empty() ? "" : " (zlib: " + reason + ")"));
    }
    return values;
}

/// Refuses bytes after the data, and a gzip stream that ends badly after it.
void check_end(GzReader& reader, std::size_t count, const std::string& path) {
    std::vector<std::uint8_t> rest(1 << 16);
    std::uint64_t extra = 0;
    while (const std::size_t got = reader.read(rest.data(), rest.size())) extra += got;
    if (extra > 0) {
        fail(path, std::to_string(extra) + " extra bytes after the " + std::to_string(count) +
                       " data bytes the header declares");
    }
    const std::string reason = reader.end_reason();
    if (!reason.empty()) fail(path, "gzip stream is truncated or corrupt (zlib: " + reason + ")");
}

}  // namespace

IdxArray read_idx(const std::string& path) {
    GzReader reader(path);
    const std::size_t dimension_count = read_magic(reader, path);
    IdxArray array;
    array.dimensions = read_dimensions(reader, dimension_count, path);
    const std::size_t count = element_count(array.dimensions, path);
    array.values = read_values(reader, count, array.dimensions, path);
    check_end(reader, count, path);
    return array;
}

}  // namespace ridgelens
