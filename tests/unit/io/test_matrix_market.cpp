// Matrix Market reader: hand-computed matrices, every malformed input refused with
// its line, and the real matrices checked against a naive independent reader.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

using ::testing::HasSubstr;
using namespace std::string_literals;

const std::string symmetric_header = "%%MatrixMarket matrix coordinate real symmetric\n";
const std::string general_header = "%%MatrixMarket matrix coordinate real general\n";

SymmetricMatrixFile parse(const std::string& text, const MatrixMarketOptions& options = {}) {
    std::istringstream in(text);
    return parse_symmetric_matrix_market(in, "t.mtx", options);
}

/// The message of the InputError that parsing `text` throws ("" and a failure if none).
std::string input_error(const std::string& text, const MatrixMarketOptions& options = {}) {
    try {
        parse(text, options);
    } catch (const InputError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no InputError for:\n" << text;
    return {};
}

/// Stored entries per column are strictly increasing in row.
bool indices_sorted(const SparseMatrix& m) {
    for (Index k = 0; k < m.outerSize(); ++k) {
        Index previous = -1;
        for (SparseMatrix::InnerIterator it(m, k); it; ++it) {
            if (it.row() <= previous) return false;
            previous = it.row();
        }
    }
    return true;
}

double exact_asymmetry_norm(const SparseMatrix& m) {
    const SparseMatrix difference = m - SparseMatrix(m.transpose());
    return difference.norm();
}

// --- Hand-computed matrices.

TEST(MatrixMarketReader, ReadsLowerTriangleOfSymmetricFile) {
    const auto file = parse(symmetric_header +
                            "% a comment\n"
                            "3 3 4\n"
                            "1 1 2.0\n"
                            "2 1 -1.0\n"
                            "2 2 2.0\n"
                            "3 3 4.5\n");
    DenseMatrix expected(3, 3);
    expected << 2, -1, 0, -1, 2, 0, 0, 0, 4.5;
    EXPECT_EQ(DenseMatrix(file.matrix), expected);
    EXPECT_EQ(file.matrix.nonZeros(), 5);
    EXPECT_TRUE(file.matrix.isCompressed());
    EXPECT_TRUE(indices_sorted(file.matrix));
    EXPECT_EQ(file.stored_entries, 4);
    EXPECT_EQ(file.duplicates_summed, 0);
    EXPECT_EQ(file.field, "real");
    EXPECT_EQ(file.symmetry, "symmetric");
    EXPECT_TRUE(file.warnings.empty());
    EXPECT_EQ(file.max_relative_asymmetry, 0.0);
}

TEST(MatrixMarketReader, MirrorsUpperTriangleEntriesOfSymmetricFile) {
    const auto file = parse(symmetric_header + "3 3 3\n1 2 -1.5\n3 1 7\n2 2 1\n");
    DenseMatrix expected(3, 3);
    expected << 0, -1.5, 7, -1.5, 1, 0, 7, 0, 0;
    EXPECT_EQ(DenseMatrix(file.matrix), expected);
    EXPECT_EQ(file.matrix.nonZeros(), 5);  // no diagonal entry at (1,1) or (3,3)
    EXPECT_EQ(file.duplicates_summed, 0);
}

TEST(MatrixMarketReader, StoresDiagonalOnlyWherePresent) {
    const auto file = parse(symmetric_header + "3 3 2\n2 1 1\n3 3 0\n");
    std::vector<std::pair<Index, Index>> stored;
    for (Index k = 0; k < file.matrix.outerSize(); ++k) {
        for (SparseMatrix::InnerIterator it(file.matrix, k); it; ++it) {
            stored.emplace_back(it.row(), it.col());
        }
    }
    // The explicit zero at (3,3) is kept; (1,1) and (2,2) are absent.
    const std::vector<std::pair<Index, Index>> expected = {{1, 0}, {0, 1}, {2, 2}};
    EXPECT_EQ(stored, expected);
}

TEST(MatrixMarketReader, SymmetricFileWithEqualMirrorsCountsEachOnceAndWarns) {
    // The one-triangle rule: (2,1) and (1,2) with one value are one entry, not two.
    const auto file =
        parse(symmetric_header + "3 3 6\n2 1 -1\n1 2 -1\n3 2 0.25\n2 3 0.25\n1 1 4\n3 3 2\n");
    EXPECT_EQ(file.matrix.coeff(1, 0), -1.0);
    EXPECT_EQ(file.matrix.coeff(0, 1), -1.0);
    EXPECT_EQ(file.matrix.coeff(2, 1), 0.25);
    EXPECT_EQ(file.matrix.coeff(1, 2), 0.25);
    EXPECT_EQ(file.matrix.coeff(0, 0), 4.0);
    EXPECT_EQ(file.matrix.nonZeros(), 6);
    EXPECT_EQ(file.duplicates_summed, 0);
    EXPECT_EQ(file.stored_entries, 6);
    ASSERT_EQ(file.warnings.size(), 1u);
    EXPECT_THAT(file.warnings[0], HasSubstr("stores 2 off-diagonal entries in both triangles"));
    EXPECT_THAT(file.warnings[0], HasSubstr("counted once"));
}

TEST(MatrixMarketReader, SymmetricFileWithContradictingMirrorsIsRefusedNamingBothLines) {
    const std::string message = input_error(symmetric_header + "2 2 3\n2 1 -1\n1 1 4\n1 2 -0.5\n");
    EXPECT_THAT(message, HasSubstr("t.mtx:5:"));
    EXPECT_THAT(message, HasSubstr("entry (1, 2) = -0.5 contradicts its mirror (2, 1) = -1"));
    EXPECT_THAT(message, HasSubstr("on line 3"));
    EXPECT_THAT(message, HasSubstr("stores one triangle"));
}

TEST(MatrixMarketReader, SymmetricFileEntirelyInUpperTriangleIsMirrored) {
    const auto file = parse(symmetric_header + "2 2 2\n1 2 -1\n1 2 -0.5\n");
    EXPECT_EQ(file.matrix.coeff(1, 0), -1.5);  // a repeated entry is summed (the format allows it)
    EXPECT_EQ(file.matrix.coeff(0, 1), -1.5);
    EXPECT_EQ(file.duplicates_summed, 1);
    EXPECT_TRUE(file.warnings.empty());
}

TEST(MatrixMarketReader, SumsAndCountsDuplicatesInGeneralFile) {
    const auto file =
        parse(general_header + "3 3 6\n1 1 1\n1 1 2\n2 1 0.25\n1 2 0.25\n1 2 0.5\n2 1 0.5\n");
    EXPECT_EQ(file.matrix.coeff(0, 0), 3.0);
    EXPECT_EQ(file.matrix.coeff(0, 1), 0.75);
    EXPECT_EQ(file.matrix.coeff(1, 0), 0.75);
    EXPECT_EQ(file.duplicates_summed, 3);
    EXPECT_EQ(file.matrix.nonZeros(), 3);
    EXPECT_TRUE(file.warnings.empty());  // exactly symmetric
}

TEST(MatrixMarketReader, PatternEntriesAreOne) {
    const auto file =
        parse("%%MatrixMarket matrix coordinate pattern symmetric\n3 3 3\n1 1\n3 1\n3 2\n");
    DenseMatrix expected(3, 3);
    expected << 1, 0, 1, 0, 0, 1, 1, 1, 0;
    EXPECT_EQ(DenseMatrix(file.matrix), expected);
    EXPECT_EQ(file.field, "pattern");
}

TEST(MatrixMarketReader, IntegerField) {
    const auto file =
        parse("%%MatrixMarket matrix coordinate integer general\n2 2 3\n1 1 -7\n1 2 3\n2 1 +3\n");
    DenseMatrix expected(2, 2);
    expected << -7, 3, 3, 0;
    EXPECT_EQ(DenseMatrix(file.matrix), expected);
    EXPECT_EQ(file.field, "integer");
}

TEST(MatrixMarketReader, HeaderIsCaseInsensitiveAndLayoutIsTolerant) {
    const std::string text =
        "%%matrixmarket MATRIX Coordinate REAL Symmetric\r\n"
        "%\r\n"
        "\r\n"
        "  2\t2   3  \r\n"
        "% comment between entries\r\n"
        "1 1 1.5e+00\r\n"
        "\r\n"
        "\t2 1 -.25\r\n"
        "2 2 +2E-1";  // last line without a newline
    const auto file = parse(text);
    DenseMatrix expected(2, 2);
    expected << 1.5, -0.25, -0.25, 0.2;
    EXPECT_EQ(DenseMatrix(file.matrix), expected);
    EXPECT_EQ(file.symmetry, "symmetric");
    EXPECT_EQ(file.field, "real");
}

TEST(MatrixMarketReader, RoundTripsValuesWrittenWith17Digits) {
    // Values chosen to stress decimal conversion; written by printf, read back exactly.
    const std::vector<std::tuple<int, int, double>> entries = {{1, 1, 0.1},
                                                               {2, 1, -1.0 / 3.0},
                                                               {3, 2, 6.02214076e23},
                                                               {4, 4, 4.9e-324},
                                                               {5, 1, 1.7976931348623157e308},
                                                               {5, 5, -2.2250738585072014e-308}};
    std::string text = symmetric_header + "5 5 6\n";
    for (const auto& [i, j, v] : entries) {
        char line[80];
        std::snprintf(line, sizeof line, "%d %d %.17g\n", i, j, v);
        text += line;
    }
    const auto file = parse(text);
    for (const auto& [i, j, v] : entries) {
        EXPECT_EQ(file.matrix.coeff(i - 1, j - 1), v) << i << "," << j;
        EXPECT_EQ(file.matrix.coeff(j - 1, i - 1), v) << j << "," << i;
    }
    EXPECT_EQ(file.matrix.nonZeros(), 9);
}

TEST(MatrixMarketReader, AcceptsShortestPossibleEntries) {
    // 2 entries in 11 bytes is the least the size check allows ("1 1 1\n2 2 1").
    const auto file = parse(symmetric_header + "2 2 2\n1 1 1\n2 2 1");
    EXPECT_EQ(file.matrix.nonZeros(), 2);
    EXPECT_THAT(input_error(symmetric_header + "2 2 2\n1 1 1\n2 2"), HasSubstr("cannot fit"));
}

// --- General files: symmetric enough, or refused.

TEST(MatrixMarketReader, SymmetrizesNearlySymmetricGeneralFileWithWarning) {
    const double a12 = 1.0;
    const double a21 = 1.0 + 1e-13;
    char text[256];
    std::snprintf(text, sizeof text, "%s2 2 4\n1 1 4\n1 2 %.17g\n2 1 %.17g\n2 2 2\n",
                  general_header.c_str(), a12, a21);
    const auto file = parse(text);
    ASSERT_EQ(file.warnings.size(), 1u);
    EXPECT_THAT(file.warnings[0], HasSubstr("symmetrized"));
    EXPECT_THAT(file.warnings[0], HasSubstr("2.5e-14"));  // |a12 - a21| / 4
    EXPECT_NEAR(file.max_relative_asymmetry, (a21 - a12) / 4.0, 1e-20);
    EXPECT_EQ(file.matrix.coeff(0, 1), (a12 + a21) / 2);
    EXPECT_EQ(file.matrix.coeff(1, 0), (a12 + a21) / 2);
    EXPECT_EQ(exact_asymmetry_norm(file.matrix), 0.0);
    EXPECT_EQ(file.symmetry, "general");
}

TEST(MatrixMarketReader, RefusesAsymmetricGeneralFileNamingLargestEntry) {
    // (2,1) vs (1,2) differ by 1e-9 relative; (3,2) vs (2,3) by 0.5: the latter is named.
    const std::string text = general_header +
                             "3 3 6\n"
                             "1 1 2\n"
                             "2 1 1\n"
                             "1 2 1.000000002\n"
                             "3 2 1.5\n"
                             "2 3 0.5\n"
                             "3 3 2\n";
    const std::string message = input_error(text);
    EXPECT_THAT(message, HasSubstr("t.mtx:6:"));
    EXPECT_THAT(message, HasSubstr("(3, 2) = 1.5"));
    EXPECT_THAT(message, HasSubstr("(2, 3) = 0.5"));
    EXPECT_THAT(message, HasSubstr("not symmetric"));
}

TEST(MatrixMarketReader, RefusesGeneralFileWithOnlyOneTriangle) {
    const std::string message = input_error(general_header + "2 2 3\n1 1 1\n2 1 1\n2 2 1\n");
    EXPECT_THAT(message, HasSubstr("t.mtx:4:"));
    EXPECT_THAT(message, HasSubstr("(2, 1) = 1 but (1, 2) = 0"));
}

TEST(MatrixMarketReader, ToleranceOptionAcceptsLargerAsymmetry) {
    MatrixMarketOptions options;
    options.symmetry_tolerance = 0.5;
    const auto file = parse(general_header + "2 2 3\n1 1 4\n2 1 1\n1 2 2\n", options);
    EXPECT_DOUBLE_EQ(file.max_relative_asymmetry, 0.25);
    EXPECT_EQ(file.matrix.coeff(0, 1), 1.5);
    EXPECT_EQ(file.warnings.size(), 1u);
}

TEST(MatrixMarketReader, RefusesNegativeTolerance) {
    MatrixMarketOptions options;
    options.symmetry_tolerance = -1;
    EXPECT_THROW(parse(symmetric_header + "1 1 1\n1 1 1\n", options), UsageError);
}

// --- Malformed inputs: each refused with the line (and field) at fault.

struct MalformedCase {
    const char* label;
    std::string text;
    std::vector<std::string> expected;  // substrings of the message
};

void PrintTo(const MalformedCase& c, std::ostream* os) {
    *os << c.label;
}

class MatrixMarketMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MatrixMarketMalformed, IsRefusedNamingLine) {
    const std::string message = input_error(GetParam().text);
    for (const std::string& part : GetParam().expected) EXPECT_THAT(message, HasSubstr(part));
}

// Header, size, one good entry; line 4 holds the entry under test.
const std::string s3 = symmetric_header + "3 3 2\n1 1 1.0\n";

INSTANTIATE_TEST_SUITE_P(
    AllCases, MatrixMarketMalformed,
    ::testing::Values(
        MalformedCase{"empty", "", {"t.mtx:1:", "empty file"}},
        MalformedCase{"nul", s3 + "2 2 \0\n"s, {"t.mtx:4:", "binary"}},
        MalformedCase{"control", s3 + "2 2 1\x01\n", {"t.mtx:4:", "binary", "0x01"}},
        MalformedCase{"gzip", "\x1f\x8b\x08\x00rest", {"t.mtx:1:", "gzip"}},
        MalformedCase{"no_header", "3 3 1\n1 1 1\n", {"t.mtx:1:", "not a Matrix Market file"}},
        MalformedCase{"short_header",
                      "%%MatrixMarket matrix coordinate real\n1 1 1\n1 1 1\n",
                      {"t.mtx:1:", "incomplete header"}},
        MalformedCase{"complex",
                      "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n",
                      {"t.mtx:1:", "complex"}},
        MalformedCase{"hermitian",
                      "%%MatrixMarket matrix coordinate real hermitian\n1 1 1\n1 1 1\n",
                      {"t.mtx:1:", "hermitian"}},
        MalformedCase{"skew",
                      "%%MatrixMarket matrix coordinate real skew-symmetric\n1 1 1\n1 1 1\n",
                      {"t.mtx:1:", "skew-symmetric"}},
        MalformedCase{"array_not_symmetric",
                      "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n",
                      {"t.mtx:4:", "not symmetric", "entry (2, 1) = 2 but (1, 2) = 3"}},
        MalformedCase{"vector_object",
                      "%%MatrixMarket vector coordinate real general\n1 1 1\n1 1 1\n",
                      {"t.mtx:1:", "object 'vector'"}},
        MalformedCase{"unknown_field",
                      "%%MatrixMarket matrix coordinate double general\n1 1 1\n1 1 1\n",
                      {"t.mtx:1:", "unknown field 'double'"}},
        MalformedCase{"header_trailing",
                      "%%MatrixMarket matrix coordinate real general extra\n1 1 1\n1 1 1\n",
                      {"t.mtx:1:", "'extra'"}},
        MalformedCase{
            "no_size_line", symmetric_header + "% only a comment\n", {"t.mtx:2:", "size line"}},
        MalformedCase{"not_square",
                      symmetric_header + "3 4 1\n1 1 1\n",
                      {"t.mtx:2:", "not square", "3 rows, 4 columns"}},
        MalformedCase{
            "size_two_fields", symmetric_header + "3 3\n1 1 1\n", {"t.mtx:2:", "3 fields"}},
        MalformedCase{"size_trailing", symmetric_header + "3 3 1 7\n1 1 1\n", {"t.mtx:2:", "'7'"}},
        MalformedCase{"size_negative",
                      symmetric_header + "-3 -3 1\n1 1 1\n",
                      {"t.mtx:2:", "row count -3 is negative"}},
        MalformedCase{"size_not_integer",
                      symmetric_header + "3.0 3 1\n1 1 1\n",
                      {"t.mtx:2:", "row count '3.0' is not an integer"}},
        MalformedCase{"size_zero", symmetric_header + "0 0 0\n", {"t.mtx:2:", "empty"}},
        MalformedCase{"size_too_large",
                      symmetric_header + "3000000000 3000000000 1\n1 1 1\n",
                      {"t.mtx:2:", "supported maximum"}},
        MalformedCase{"nnz_above_n_squared",
                      symmetric_header + "2 2 5\n1 1 1\n2 1 1\n2 2 1\n1 1 1\n2 2 1\n",
                      {"t.mtx:2:", "exceeds rows x columns = 4"}},
        MalformedCase{"nnz_cannot_fit",
                      symmetric_header + "100000 100000 1000000000\n1 1 1\n",
                      {"t.mtx:2:", "cannot fit"}},
        MalformedCase{"row_zero", s3 + "0 1 1\n", {"t.mtx:4:", "row index 0 out of range 1..3"}},
        MalformedCase{
            "column_too_large", s3 + "3 4 1\n", {"t.mtx:4:", "column index 4 out of range 1..3"}},
        MalformedCase{
            "negative_index", s3 + "-1 1 1\n", {"t.mtx:4:", "row index -1 out of range 1..3"}},
        MalformedCase{"huge_index",
                      s3 + "99999999999999999999 1 1\n",
                      {"t.mtx:4:", "row index '99999999999999999999' out of range"}},
        MalformedCase{"fractional_index",
                      s3 + "1.5 1 1\n",
                      {"t.mtx:4:", "row index '1.5' is not an integer"}},
        MalformedCase{"nan", s3 + "2 1 nan\n", {"t.mtx:4:", "value 'nan' is not finite"}},
        MalformedCase{"NaN_mixed_case", s3 + "2 1 NaN\n", {"t.mtx:4:", "'NaN' is not finite"}},
        MalformedCase{"inf", s3 + "2 1 -inf\n", {"t.mtx:4:", "'-inf' is not finite"}},
        MalformedCase{"infinity", s3 + "2 1 Infinity\n", {"t.mtx:4:", "not finite"}},
        MalformedCase{"overflow", s3 + "2 1 1e999\n", {"t.mtx:4:", "'1e999' overflows"}},
        MalformedCase{"not_a_number", s3 + "2 1 abc\n", {"t.mtx:4:", "'abc' is not a number"}},
        MalformedCase{"glued_garbage", s3 + "2 1 1.0x\n", {"t.mtx:4:", "'1.0x' is not a number"}},
        MalformedCase{"double_sign", s3 + "2 1 +-1\n", {"t.mtx:4:", "'+-1' is not a number"}},
        MalformedCase{"fortran_exponent", s3 + "2 1 1.0D+03\n", {"t.mtx:4:", "not a number"}},
        MalformedCase{"too_few_fields", s3 + "2 1\n", {"t.mtx:4:", "expected 3 fields"}},
        MalformedCase{"trailing_field",
                      s3 + "2 1 1 x\n",
                      {"t.mtx:4:", "unexpected text 'x' after the value"}},
        MalformedCase{"pattern_with_value",
                      "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 1\n",
                      {"t.mtx:3:", "unexpected text '1'"}},
        MalformedCase{"pattern_one_field",
                      "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1\n% pad\n",
                      {"t.mtx:3:", "expected 2 fields"}},
        MalformedCase{"integer_fraction",
                      "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n",
                      {"t.mtx:3:", "'1.5' is not an integer"}},
        MalformedCase{"too_few_entries",
                      symmetric_header + "3 3 3\n1 1 1.000\n2 2 1.000\n",
                      {"t.mtx:4:", "ends after 2 of the 3 entries"}},
        MalformedCase{"too_many_entries",
                      symmetric_header + "3 3 1\n1 1 1\n2 2 1\n",
                      {"t.mtx:4:", "more entries than the 1 declared"}},
        MalformedCase{"duplicate_sum_overflows",
                      symmetric_header + "2 2 3\n2 2 1\n1 1 1e308\n1 1 1e308\n",
                      {"t.mtx:4:", "(1, 1)", "non-finite"}},
        MalformedCase{"crlf_error_line",
                      symmetric_header + "2 2 1\r\n1 1 oops\r\n",
                      {"t.mtx:3:", "'oops' is not a number"}}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.label; });

// --- Files on disk.

class MatrixMarketFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        directory_ = std::filesystem::temp_directory_path() /
                     ("ridgelens-mm-" + std::to_string(::getpid()) + "-" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(directory_);
    }
    void TearDown() override { std::filesystem::remove_all(directory_); }

    std::string write(const std::string& name, const std::string& text) {
        const auto path = (directory_ / name).string();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    std::filesystem::path directory_;
};

TEST_F(MatrixMarketFileTest, ReadsFileAndNamesItInErrors) {
    const auto good = write("good.mtx", symmetric_header + "2 2 2\n1 1 3\n2 1 -1\n");
    EXPECT_EQ(read_symmetric_matrix_market(good).matrix.coeff(0, 1), -1.0);

    const auto bad = write("bad.mtx", symmetric_header + "2 2 2\n1 1 3\n2 3 -1\n");
    try {
        read_symmetric_matrix_market(bad);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), HasSubstr(bad + ":4: column index 3 out of range 1..2"));
    }
}

TEST_F(MatrixMarketFileTest, RefusesMissingFileAndDirectory) {
    const auto missing = (directory_ / "missing.mtx").string();
    EXPECT_THROW(
        {
            try {
                read_symmetric_matrix_market(missing);
            } catch (const InputError& e) {
                EXPECT_THAT(e.what(), HasSubstr(missing));
                EXPECT_THAT(e.what(), HasSubstr("No such file"));
                throw;
            }
        },
        InputError);
    EXPECT_THROW(read_symmetric_matrix_market(directory_.string()), InputError);
}

// --- The real matrices, against a naive iostream reader.

using EntryMap = std::map<std::pair<int, int>, double>;

/// Both triangles of the matrix in `path`, read the slow obvious way; general files
/// are symmetrized as (a_ij + a_ji)/2.
EntryMap reference_entries(const std::string& path) {
    std::ifstream in(path);
    std::string header;
    std::getline(in, header);
    const bool symmetric = header.find("symmetric") != std::string::npos;
    std::string line;
    while (std::getline(in, line) && (line.empty() || line[0] == '%')) {
    }
    std::istringstream size(line);
    long rows = 0, cols = 0, count = 0;
    size >> rows >> cols >> count;
    EntryMap raw;
    for (long k = 0; k < count; ++k) {
        int i = 0, j = 0;
        double v = 0;
        in >> i >> j >> v;
        raw[{i - 1, j - 1}] += v;
        if (symmetric && i != j) raw[{j - 1, i - 1}] += v;
    }
    if (symmetric) return raw;
    EntryMap symmetrized;
    for (const auto& [key, v] : raw) {
        const auto mirror = raw.find({key.second, key.first});
        const double w = mirror == raw.end() ? 0.0 : mirror->second;
        symmetrized[key] = (v + w) / 2;
        symmetrized[{key.second, key.first}] = (v + w) / 2;
    }
    return symmetrized;
}

struct RealMatrix {
    const char* file;
    Index n;
    std::int64_t entries;
    const char* symmetry;
};

void PrintTo(const RealMatrix& m, std::ostream* os) {
    *os << m.file;
}

class MatrixMarketRealData : public ::testing::TestWithParam<RealMatrix> {};

TEST_P(MatrixMarketRealData, LoadsExactlySymmetricMatrixMatchingReference) {
    const RealMatrix& expected = GetParam();
    RIDGELENS_REQUIRE_DATA(path, std::string("matrices/") + expected.file);

    const auto start = std::chrono::steady_clock::now();
    const auto file = read_symmetric_matrix_market(path);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[          ] " << expected.file << " parsed in " << seconds * 1e3 << " ms\n";
    RecordProperty("parse_ms", static_cast<int>(seconds * 1e3));

    EXPECT_EQ(file.matrix.rows(), expected.n);
    EXPECT_EQ(file.matrix.cols(), expected.n);
    EXPECT_EQ(file.stored_entries, expected.entries);
    EXPECT_EQ(file.symmetry, expected.symmetry);
    EXPECT_TRUE(file.matrix.isCompressed());
    EXPECT_TRUE(indices_sorted(file.matrix));
    EXPECT_EQ(exact_asymmetry_norm(file.matrix), 0.0);

    const EntryMap reference = reference_entries(path);
    ASSERT_EQ(file.matrix.nonZeros(), static_cast<Index>(reference.size()));
    std::size_t mismatches = 0;
    for (Index k = 0; k < file.matrix.outerSize(); ++k) {
        for (SparseMatrix::InnerIterator it(file.matrix, k); it; ++it) {
            const auto found =
                reference.find({static_cast<int>(it.row()), static_cast<int>(it.col())});
            if (found == reference.end() || found->second != it.value()) ++mismatches;
        }
    }
    EXPECT_EQ(mismatches, 0u);

    if (std::string(expected.symmetry) == "general") {
        ASSERT_EQ(file.warnings.size(), 1u);
        EXPECT_GT(file.max_relative_asymmetry, 0.0);
        EXPECT_LT(file.max_relative_asymmetry, 1e-10);
    } else {
        EXPECT_TRUE(file.warnings.empty());
        EXPECT_EQ(file.duplicates_summed, 0);
    }
}

INSTANTIATE_TEST_SUITE_P(SharedMatrices, MatrixMarketRealData,
                         ::testing::Values(RealMatrix{"1138_bus.mtx", 1138, 2596, "symmetric"},
                                           RealMatrix{"bcsstk09.mtx", 1083, 9760, "symmetric"},
                                           RealMatrix{"bcsstk13.mtx", 2003, 42943, "symmetric"},
                                           RealMatrix{"bcsstk16.mtx", 4884, 147631, "symmetric"},
                                           RealMatrix{"ani4.mtx", 3081, 20971, "general"},
                                           RealMatrix{"4elt_laplacian.mtx", 15606, 61484,
                                                      "symmetric"}),
                         [](const ::testing::TestParamInfo<RealMatrix>& info) {
                             std::string name = info.param.file;
                             name = name.substr(0, name.find('.'));
                             return "m" + name;
                         });

}  // namespace
}  // namespace ridgelens
