// Matrix Market `array` (dense) matrices: the layouts scipy.io.mmwrite writes
// (general: every value column by column; symmetric: the lower triangle column
// by column), checked against hand-written matrices, and the refusals.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "ridgelens/error.hpp"
#include "ridgelens/io/matrix_market.hpp"

namespace ridgelens {
namespace {

using ::testing::HasSubstr;

SymmetricMatrixFile parse(const std::string& text, const MatrixMarketOptions& options = {}) {
    std::istringstream in(text);
    return parse_symmetric_matrix_market(in, "a.mtx", options);
}

std::string input_error(const std::string& text, const MatrixMarketOptions& options = {}) {
    try {
        parse(text, options);
    } catch (const InputError& error) {
        return error.what();
    }
    ADD_FAILURE() << "no InputError for:\n" << text;
    return "";
}

// [[4, 1, 0], [1, 3, -2], [0, -2, 5]]
DenseMatrix expected() {
    DenseMatrix a(3, 3);
    a << 4, 1, 0, 1, 3, -2, 0, -2, 5;
    return a;
}

TEST(MatrixMarketArray, SymmetricStoresTheLowerTriangleColumnByColumn) {
    const SymmetricMatrixFile file =
        parse("%%MatrixMarket matrix array real symmetric\n%\n3 3\n4\n1\n0\n3\n-2\n5\n");
    EXPECT_EQ(file.format, "array");
    EXPECT_EQ(file.symmetry, "symmetric");
    EXPECT_EQ(file.stored_entries, 6);
    EXPECT_TRUE(file.warnings.empty());
    EXPECT_EQ(DenseMatrix(file.matrix), expected());
    EXPECT_EQ(file.matrix.nonZeros(), 7);  // the zero pair is not stored
}

TEST(MatrixMarketArray, GeneralListsEveryValueColumnByColumn) {
    const SymmetricMatrixFile file = parse(
        "%%MatrixMarket matrix array integer general\r\n3 3\r\n4\r\n1\r\n0\r\n1\r\n3\r\n-2\r\n"
        "0\r\n-2\r\n5\r\n");
    EXPECT_EQ(file.field, "integer");
    EXPECT_EQ(file.stored_entries, 9);
    EXPECT_EQ(file.max_relative_asymmetry, 0.0);
    EXPECT_TRUE(file.warnings.empty());
    EXPECT_EQ(DenseMatrix(file.matrix), expected());
}

TEST(MatrixMarketArray, ZeroDiagonalIsStored) {
    const SymmetricMatrixFile file =
        parse("%%MatrixMarket matrix array real symmetric\n2 2\n0\n1\n0\n");
    EXPECT_EQ(file.matrix.nonZeros(), 4);
    EXPECT_EQ(file.matrix.coeff(1, 0), 1.0);
}

TEST(MatrixMarketArray, GeneralWithinToleranceIsSymmetrizedWithAWarning) {
    MatrixMarketOptions options;
    options.symmetry_tolerance = 1e-6;
    const SymmetricMatrixFile file =
        parse("%%MatrixMarket matrix array real general\n2 2\n2\n1\n1.000001\n2\n", options);
    ASSERT_EQ(file.warnings.size(), 1u);
    EXPECT_THAT(file.warnings[0], HasSubstr("symmetrized"));
    EXPECT_NEAR(file.max_relative_asymmetry, 0.5e-6, 1e-12);
    EXPECT_EQ(file.matrix.coeff(0, 1), file.matrix.coeff(1, 0));
    EXPECT_DOUBLE_EQ(file.matrix.coeff(0, 1), 0.5 * 1 + 0.5 * 1.000001);
    // The default tolerance refuses it, naming the entry listed first.
    EXPECT_THAT(input_error("%%MatrixMarket matrix array real general\n2 2\n2\n1\n1.000001\n2\n"),
                HasSubstr("a.mtx:4: matrix declared 'general' is not symmetric: entry (2, 1)"));
}

TEST(MatrixMarketArray, Refusals) {
    const std::string sym = "%%MatrixMarket matrix array real symmetric\n";
    EXPECT_THAT(input_error(sym + "2 3\n1\n2\n3\n4\n5\n6\n"),
                HasSubstr("a.mtx:2: matrix is not square"));
    EXPECT_THAT(input_error(sym + "0 0\n"), HasSubstr("a.mtx:2: the matrix is empty"));
    EXPECT_THAT(input_error(sym + "2\n1\n"),
                HasSubstr("a.mtx:2: size line of an 'array' file must have 2 fields"));
    EXPECT_THAT(input_error(sym + "2 2\n1\n2 3\n4\n"), HasSubstr("a.mtx:4: unexpected text '3'"));
    EXPECT_THAT(input_error(sym + "2 2\n1\ninf\n4\n"),
                HasSubstr("a.mtx:4: value 'inf' is not finite"));
    EXPECT_THAT(input_error(sym + "2 2\n1.000000\n2.000000\n"),
                HasSubstr("file ends after 2 of the 3 values"));
    EXPECT_THAT(input_error(sym + "2 2\n1\n2\n3\n4\n"),
                HasSubstr("a.mtx:6: more values than the 3"));
    EXPECT_THAT(input_error(sym + "100000 100000\n1\n"), HasSubstr("cannot fit in the remaining"));
    EXPECT_THAT(input_error("%%MatrixMarket matrix array real hermitian\n1 1\n1\n"),
                HasSubstr("hermitian"));
    EXPECT_THAT(input_error("%%MatrixMarket matrix array complex general\n1 1\n1 0\n"),
                HasSubstr("complex"));
    EXPECT_THAT(input_error("%%MatrixMarket matrix array integer general\n1 1\n1.5\n"),
                HasSubstr("not an integer (the header declares field 'integer')"));
}

TEST(MatrixMarketArray, DeclaredSizeBeyondTheBudgetIsRefusedAtTheSizeLine) {
    MatrixMarketOptions options;
    options.bytes_after_read = [](std::int64_t) { return 1e30; };
    EXPECT_THROW(parse("%%MatrixMarket matrix array real symmetric\n1 1\n1\n", options),
                 ResourceError);
}

}  // namespace
}  // namespace ridgelens
