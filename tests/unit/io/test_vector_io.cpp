// Vector reading (Matrix Market array or plain text) and atomic writing.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "ridgelens/error.hpp"
#include "ridgelens/io/vector_io.hpp"

namespace ridgelens {
namespace {

using ::testing::HasSubstr;

const std::string array_header = "%%MatrixMarket matrix array real general\n";

Vector parse(const std::string& text) {
    std::istringstream in(text);
    return parse_vector(in, "v.txt");
}

std::string input_error(const std::string& text) {
    try {
        parse(text);
    } catch (const InputError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no InputError for:\n" << text;
    return {};
}

Vector vector_of(std::initializer_list<double> values) {
    Vector v(static_cast<Index>(values.size()));
    Index i = 0;
    for (const double x : values) v[i++] = x;
    return v;
}

TEST(VectorReader, ReadsMatrixMarketColumn) {
    EXPECT_EQ(parse(array_header + "% comment\n3 1\n1.5\n-2\n3e-3\n"), vector_of({1.5, -2, 3e-3}));
}

TEST(VectorReader, ReadsMatrixMarketRowAndIntegerField) {
    EXPECT_EQ(parse(array_header + "1 2\n7\n8\n"), vector_of({7, 8}));
    EXPECT_EQ(parse("%%MatrixMarket matrix array integer general\n2 1\n-4\n5\n"),
              vector_of({-4, 5}));
}

TEST(VectorReader, ReadsPlainTextSkippingBlankAndCommentLines) {
    const std::string text = "# theta\n\n1\r\n  % note\n+2.5\n\t-0.125  \n# end\n";
    EXPECT_EQ(parse(text), vector_of({1, 2.5, -0.125}));
}

TEST(VectorReader, ReadsPlainTextWithoutFinalNewline) {
    EXPECT_EQ(parse("4\n5"), vector_of({4, 5}));
}

struct MalformedCase {
    const char* label;
    std::string text;
    std::vector<std::string> expected;
};

void PrintTo(const MalformedCase& c, std::ostream* os) {
    *os << c.label;
}

class VectorMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(VectorMalformed, IsRefusedNamingLine) {
    const std::string message = input_error(GetParam().text);
    for (const std::string& part : GetParam().expected) EXPECT_THAT(message, HasSubstr(part));
}

INSTANTIATE_TEST_SUITE_P(
    AllCases, VectorMalformed,
    ::testing::Values(
        MalformedCase{"empty", "", {"v.txt:1:", "empty file"}},
        MalformedCase{"only_comments", "# nothing\n\n% here\n", {"v.txt:3:", "no values"}},
        MalformedCase{"two_numbers", "1\n2 3\n", {"v.txt:2:", "second field '3'"}},
        MalformedCase{"nan", "1\n2\nnan\n", {"v.txt:3:", "'nan' is not finite"}},
        MalformedCase{"inf", "-inf\n", {"v.txt:1:", "'-inf' is not finite"}},
        MalformedCase{"overflow", "1e400\n", {"v.txt:1:", "overflows"}},
        MalformedCase{"not_a_number", "1\n1,5\n", {"v.txt:2:", "'1,5' is not a number"}},
        MalformedCase{"binary", std::string("1\n\0\0\n", 5), {"v.txt:2:", "binary"}},
        MalformedCase{"mm_matrix_shape",
                      array_header + "2 2\n1\n2\n3\n4\n",
                      {"v.txt:2:", "one column or one row", "2 x 2"}},
        MalformedCase{"mm_zero_length", array_header + "0 1\n", {"v.txt:2:", "0 x 1"}},
        MalformedCase{"mm_coordinate",
                      "%%MatrixMarket matrix coordinate real general\n2 1 2\n1 1 1\n2 1 2\n",
                      {"v.txt:1:", "'coordinate' is not supported for vectors"}},
        MalformedCase{"mm_symmetric",
                      "%%MatrixMarket matrix array real symmetric\n1 1\n1\n",
                      {"v.txt:1:", "'symmetric'"}},
        MalformedCase{"mm_complex",
                      "%%MatrixMarket matrix array complex general\n1 1\n1 0\n",
                      {"v.txt:1:", "'complex'"}},
        MalformedCase{"mm_size_three_fields",
                      array_header + "2 1 2\n1\n2\n",
                      {"v.txt:2:", "unexpected text '2'"}},
        MalformedCase{"mm_size_missing", array_header + "% comment\n", {"v.txt:2:", "size line"}},
        MalformedCase{"mm_too_few",
                      array_header + "3 1\n1.0\n2.0\n",
                      {"v.txt:4:", "ends after 2 of the 3 values"}},
        MalformedCase{
            "mm_too_many", array_header + "2 1\n1\n2\n3\n", {"v.txt:5:", "more values than the 2"}},
        MalformedCase{"mm_two_per_line", array_header + "2 1\n1 2\n", {"v.txt:3:", "'2'"}},
        MalformedCase{
            "mm_absurd_size", array_header + "1000000000 1\n1\n", {"v.txt:2:", "cannot fit"}},
        MalformedCase{"mm_inf", array_header + "2 1\n1\nInf\n", {"v.txt:4:", "not finite"}}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.label; });

class VectorFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "ridgelens-vector-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        directory_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(directory_); }

    std::string path(const std::string& name) const { return (directory_ / name).string(); }

    static std::string contents(const std::string& file) {
        std::ifstream in(file, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    std::filesystem::path directory_;
};

TEST_F(VectorFileTest, WritesMatrixMarketColumnWith17Digits) {
    const std::string file = path("theta.mtx");
    write_vector_matrix_market(file, vector_of({1, 0.1, -2.5}));
    EXPECT_EQ(contents(file),
              "%%MatrixMarket matrix array real general\n3 1\n1\n0.10000000000000001\n-2.5\n");
}

TEST_F(VectorFileTest, RoundTripsExactly) {
    const Vector values = vector_of({0.1, -1.0 / 3.0, 6.02214076e23, 4.9406564584124654e-324, -0.0,
                                     std::numeric_limits<double>::max(),
                                     std::numeric_limits<double>::min(), 123456789.0});
    const std::string file = path("round.mtx");
    write_vector_matrix_market(file, values);
    const Vector back = read_vector(file);
    ASSERT_EQ(back.size(), values.size());
    for (Index i = 0; i < values.size(); ++i) {
        EXPECT_EQ(back[i], values[i]) << i;
        EXPECT_EQ(std::signbit(back[i]), std::signbit(values[i])) << i;
    }
}

TEST_F(VectorFileTest, OverwritesExistingFile) {
    const std::string file = path("v.mtx");
    write_vector_matrix_market(file, vector_of({1, 2, 3}));
    write_vector_matrix_market(file, vector_of({4}));
    EXPECT_EQ(read_vector(file), vector_of({4}));
}

TEST_F(VectorFileTest, RefusesUnwritableVectors) {
    const std::string file = path("bad.mtx");
    EXPECT_THROW(write_vector_matrix_market(file, Vector()), UsageError);
    EXPECT_THROW(write_vector_matrix_market(file, vector_of({1, std::nan("")})), UsageError);
    EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(VectorFileTest, ReadErrorsNameThePath) {
    const std::string file = path("plain.txt");
    std::ofstream(file) << "1\n2\nx\n";
    try {
        read_vector(file);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), HasSubstr(file + ":3: value 'x' is not a number"));
    }
    EXPECT_THROW(read_vector(path("missing.txt")), InputError);
}

TEST_F(VectorFileTest, WriteToMissingDirectoryThrowsError) {
    const std::string file = path("no/such/dir/v.mtx");
    try {
        write_vector_matrix_market(file, vector_of({1}));
        FAIL() << "expected Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr(file));
    }
}

}  // namespace
}  // namespace ridgelens
