// IDX reader: hand-built files (plain and gzip), malformed headers, truncation,
// and the Fashion-MNIST files themselves.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/io/idx.hpp"

namespace ridgelens {
namespace {

using ::testing::HasSubstr;
using Bytes = std::string;

/// Magic number, big-endian dimensions, then the data.
Bytes idx_bytes(std::uint8_t type, const std::vector<std::uint32_t>& dimensions,
                const Bytes& data) {
    Bytes bytes = {'\0', '\0', static_cast<char>(type), static_cast<char>(dimensions.size())};
    for (const std::uint32_t d : dimensions) {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes += static_cast<char>((d >> shift) & 0xFF);
    }
    return bytes + data;
}

std::uint32_t crc32(const Bytes& data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const char c : data) {
        crc ^= static_cast<std::uint8_t>(c);
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void append_le(Bytes& out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

/// A gzip member (RFC 1952) holding `data` in stored (uncompressed) deflate blocks
/// (RFC 1951), written independently of zlib.
Bytes gzip_stored(const Bytes& data) {
    Bytes out = {'\x1f', '\x8b', '\x08', '\0', '\0', '\0', '\0', '\0', '\0', '\x03'};
    constexpr std::size_t max_block = 65535;
    std::size_t offset = 0;
    do {
        const std::size_t length = std::min(max_block, data.size() - offset);
        const bool last = offset + length == data.size();
        out += static_cast<char>(last ? 1 : 0);  // BFINAL, BTYPE = 00 (stored)
        append_le(out, static_cast<std::uint32_t>(length), 2);
        append_le(out, static_cast<std::uint32_t>(~length & 0xFFFF), 2);
        out += data.substr(offset, length);
        offset += length;
    } while (offset < data.size());
    append_le(out, crc32(data), 4);
    append_le(out, static_cast<std::uint32_t>(data.size()), 4);
    return out;
}

Bytes pattern_data(std::size_t size) {
    Bytes data(size, '\0');
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 37 + i / 256) & 0xFF);
    return data;
}

class IdxTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "ridgelens-idx-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        directory_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(directory_); }

    std::string write(const std::string& name, const Bytes& bytes) {
        const std::string path = (directory_ / name).string();
        std::ofstream(path, std::ios::binary)
            .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return path;
    }

    /// The InputError message from reading `bytes` as a file (empty and a failure if none).
    std::string input_error(const Bytes& bytes) {
        const std::string path = write("bad.idx", bytes);
        try {
            read_idx(path);
        } catch (const InputError& e) {
            EXPECT_THAT(e.what(), HasSubstr(path));
            return e.what();
        }
        ADD_FAILURE() << "no InputError";
        return {};
    }

    std::filesystem::path directory_;
};

TEST_F(IdxTest, ReadsPlainThreeDimensionalArray) {
    const Bytes data = pattern_data(2 * 3 * 4);
    const IdxArray array = read_idx(write("a.idx", idx_bytes(0x08, {2, 3, 4}, data)));
    EXPECT_EQ(array.dimensions, (std::vector<std::uint32_t>{2, 3, 4}));
    ASSERT_EQ(array.values.size(), data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        EXPECT_EQ(array.values[i], static_cast<std::uint8_t>(data[i])) << i;
    }
}

TEST_F(IdxTest, DecodesBigEndianDimensions) {
    // 258 = 0x00000102 and 65536 + 3 = 0x00010003: byte order matters.
    const Bytes data = pattern_data(258);
    const IdxArray array = read_idx(write("a.idx", idx_bytes(0x08, {258}, data)));
    EXPECT_EQ(array.dimensions, (std::vector<std::uint32_t>{258}));
    const IdxArray wide =
        read_idx(write("w.idx", idx_bytes(0x08, {65539, 1}, pattern_data(65539))));
    EXPECT_EQ(wide.dimensions, (std::vector<std::uint32_t>{65539, 1}));
}

TEST_F(IdxTest, ReadsGzipWithSeveralBlocks) {
    const Bytes data = pattern_data(3 * 100 * 300);  // 90000 bytes: two stored blocks
    const Bytes raw = idx_bytes(0x08, {3, 100, 300}, data);
    const IdxArray array = read_idx(write("a.idx.gz", gzip_stored(raw)));
    EXPECT_EQ(array.dimensions, (std::vector<std::uint32_t>{3, 100, 300}));
    EXPECT_EQ(Bytes(array.values.begin(), array.values.end()), data);
}

TEST_F(IdxTest, ReadsFourDimensions) {
    const IdxArray array = read_idx(write("a.idx", idx_bytes(0x08, {1, 2, 1, 3}, "abcdef")));
    EXPECT_EQ(array.dimensions, (std::vector<std::uint32_t>{1, 2, 1, 3}));
    EXPECT_EQ(array.values.back(), 'f');
}

TEST_F(IdxTest, RefusesMalformedHeaders) {
    EXPECT_THAT(input_error(""), HasSubstr("empty file"));
    EXPECT_THAT(input_error(Bytes("\0\0", 2)), HasSubstr("truncated header"));
    EXPECT_THAT(input_error(Bytes("\x01\x02\x08\x01\0\0\0\x01x", 9)), HasSubstr("not an IDX file"));
    EXPECT_THAT(input_error(idx_bytes(0x0D, {1}, "abcd")),
                HasSubstr("unsupported IDX type code 0x0D (32-bit float)"));
    EXPECT_THAT(input_error(idx_bytes(0x0B, {1}, "ab")), HasSubstr("type code 0x0B"));
    EXPECT_THAT(input_error(idx_bytes(0x08, {}, "")), HasSubstr("number of dimensions 0"));
    EXPECT_THAT(input_error(idx_bytes(0x08, {1, 1, 1, 1, 1}, "x")),
                HasSubstr("number of dimensions 5"));
    EXPECT_THAT(input_error(idx_bytes(0x08, {3, 0}, "")), HasSubstr("dimension 2 is 0"));
    EXPECT_THAT(input_error(idx_bytes(0x08, {3, 4}, "").substr(0, 9)),
                HasSubstr("expected 8 bytes of dimensions, read 5"));
}

TEST_F(IdxTest, RefusesOverflowingDimensionsBeforeAllocating) {
    const std::uint32_t big = 0xFFFFFFFFu;
    EXPECT_THAT(input_error(idx_bytes(0x08, {big, big, big, big}, "x")), HasSubstr("overflow"));
}

TEST_F(IdxTest, RefusesHugeClaimWithoutHugeAllocation) {
    // About 2^48 bytes claimed, 1 byte present: refused as truncated, memory grows with
    // the data actually read.
    EXPECT_THAT(input_error(idx_bytes(0x08, {0xFFFFFFFFu, 0x10000u}, "x")),
                HasSubstr("only 1 could be read"));
}

TEST_F(IdxTest, RefusesTruncatedAndOverlongData) {
    const std::string truncated = input_error(idx_bytes(0x08, {10, 10}, pattern_data(99)));
    EXPECT_THAT(truncated, HasSubstr("10 x 10 = 100 data bytes"));
    EXPECT_THAT(truncated, HasSubstr("only 99 could be read"));
    EXPECT_THAT(input_error(idx_bytes(0x08, {10}, pattern_data(13))),
                HasSubstr("3 extra bytes after the 10 data bytes"));
}

TEST_F(IdxTest, RefusesTruncatedGzip) {
    const Bytes gz = gzip_stored(idx_bytes(0x08, {100, 100}, pattern_data(10000)));
    const std::string half = input_error(gz.substr(0, gz.size() / 2));
    EXPECT_THAT(half, HasSubstr("truncated"));
    EXPECT_THAT(half, HasSubstr("100 x 100 = 10000 data bytes"));
    // All data present, the CRC/size trailer cut off.
    EXPECT_THAT(input_error(gz.substr(0, gz.size() - 4)), HasSubstr("truncated or corrupt"));
}

TEST_F(IdxTest, RefusesGzipWithBadChecksum) {
    Bytes gz = gzip_stored(idx_bytes(0x08, {16}, pattern_data(16)));
    gz[gz.size() - 8] ^= 0x01;  // first CRC byte
    EXPECT_THAT(input_error(gz), HasSubstr("zlib"));
}

TEST_F(IdxTest, RefusesMissingFile) {
    const std::string path = (directory_ / "missing.idx.gz").string();
    try {
        read_idx(path);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), HasSubstr(path));
        EXPECT_THAT(e.what(), HasSubstr("No such file"));
    }
}

// --- Fashion-MNIST.

const std::filesystem::path fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";

#define REQUIRE_FASHION_MNIST()                                                             \
    if (!std::filesystem::is_directory(fashion_mnist_dir)) {                                \
        GTEST_SKIP() << "Fashion-MNIST not found at " << fashion_mnist_dir << "; skipping"; \
    }

void expect_balanced_labels(const IdxArray& labels, std::size_t per_class) {
    std::array<std::size_t, 10> counts{};
    std::size_t out_of_range = 0;
    for (const std::uint8_t label : labels.values) {
        if (label < counts.size()) {
            ++counts[label];
        } else {
            ++out_of_range;
        }
    }
    EXPECT_EQ(out_of_range, 0u);
    for (std::size_t c = 0; c < counts.size(); ++c)
        EXPECT_EQ(counts[c], per_class) << "class " << c;
}

TEST(IdxFashionMnist, TrainImagesAndLabels) {
    REQUIRE_FASHION_MNIST();
    const IdxArray images = read_idx((fashion_mnist_dir / "train-images-idx3-ubyte.gz").string());
    EXPECT_EQ(images.dimensions, (std::vector<std::uint32_t>{60000, 28, 28}));
    EXPECT_EQ(images.values.size(), 60000u * 28 * 28);
    const IdxArray labels = read_idx((fashion_mnist_dir / "train-labels-idx1-ubyte.gz").string());
    EXPECT_EQ(labels.dimensions, (std::vector<std::uint32_t>{60000}));
    expect_balanced_labels(labels, 6000);
}

TEST(IdxFashionMnist, TestImagesAndLabels) {
    REQUIRE_FASHION_MNIST();
    const IdxArray images = read_idx((fashion_mnist_dir / "t10k-images-idx3-ubyte.gz").string());
    EXPECT_EQ(images.dimensions, (std::vector<std::uint32_t>{10000, 28, 28}));
    const IdxArray labels = read_idx((fashion_mnist_dir / "t10k-labels-idx1-ubyte.gz").string());
    EXPECT_EQ(labels.dimensions, (std::vector<std::uint32_t>{10000}));
    expect_balanced_labels(labels, 1000);
}

TEST_F(IdxTest, RefusesTruncatedRealGzip) {
    REQUIRE_FASHION_MNIST();
    std::ifstream in(fashion_mnist_dir / "train-labels-idx1-ubyte.gz", std::ios::binary);
    const Bytes gz(std::istreambuf_iterator<char>(in), {});
    const std::string message = input_error(gz.substr(0, gz.size() / 2));
    EXPECT_THAT(message, HasSubstr("60000 = 60000 data bytes"));
    EXPECT_THAT(message, HasSubstr("truncated"));
}

}  // namespace
}  // namespace ridgelens
