#pragma once
/// @file idx.hpp
/// Reading IDX files (the MNIST / Fashion-MNIST format), gzipped or not.
///
/// Thread safety: readers of their own files; reentrant.

#include <cstdint>
#include <string>
#include <vector>
#include "ridgelens/export.hpp"

namespace ridgelens {

/// An IDX array of unsigned bytes (type code 0x08), as MNIST-style data sets use.
struct IdxArray {
    std::vector<std::uint32_t> dimensions;  ///< e.g. {60000, 28, 28}
    std::vector<std::uint8_t> values;       ///< row-major, product(dimensions) bytes
};

/// Reads an IDX file of unsigned bytes; gzip-compressed files (`.gz`) are
/// inflated with zlib transparently (plain files are read as they are).
///
/// The header is the magic number 0x00 0x00 <type> <ndims>, then ndims
/// big-endian uint32 dimensions, then product(dimensions) bytes. Only type 0x08
/// and 1 to 4 non-zero dimensions are accepted. The buffer grows as data
/// arrives, so a header that claims more than the file holds cannot cause a
/// huge allocation.
/// @throws InputError naming the file (and the byte offset for header faults)
/// for a bad magic number, an unsupported type code or number of dimensions,
/// a zero or overflowing size, a truncated file (expected vs read bytes),
/// trailing bytes after the data, or corrupt gzip data.
RIDGELENS_API IdxArray read_idx(const std::string& path);

}  // namespace ridgelens
