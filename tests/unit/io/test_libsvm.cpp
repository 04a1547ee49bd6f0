// Tests of the LIBSVM / svmlight reader: hand-written inputs checked entry by
// entry, every refused form with its message, and the real data sets compared
// against an independent (slow, simple) reader.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "ridgelens/error.hpp"
#include "ridgelens/io/libsvm.hpp"
#include "test_data.hpp"

namespace ridgelens {
namespace {

LibsvmData parse_text(const std::string& text, const LibsvmOptions& options = {}) {
    std::istringstream in(text);
    return parse_libsvm(in, "mem.libsvm", options);
}

/// Expects parsing `text` to throw InputError whose message contains every
/// string of `parts`.
void expect_refused(const std::string& text, const std::vector<std::string>& parts,
                    const LibsvmOptions& options = {}) {
    SCOPED_TRACE("input: " + text);
    try {
        parse_text(text, options);
        ADD_FAILURE() << "no InputError thrown";
    } catch (const InputError& error) {
        const std::string message = error.what();
        for (const std::string& part : parts) {
            EXPECT_NE(message.find(part), std::string::npos)
                << "message '" << message << "' lacks '" << part << "'";
        }
    }
}

/// Dense copy of the matrix, for entry-by-entry checks of small inputs.
DenseMatrix dense(const SparseRowMatrix& X) {
    return DenseMatrix(X);
}

TEST(Libsvm, ParsesSmallInputEntryByEntry) {
    const LibsvmData data = parse_text(
        "1 1:0.5 3:-2\n"
        "-1 2:1e3\n"
        "+1\n"
        "0 4:7 # trailing comment\n");
    EXPECT_EQ(data.source, "mem.libsvm");
    ASSERT_EQ(data.features.rows(), 4);
    ASSERT_EQ(data.features.cols(), 4);
    EXPECT_EQ(data.feature_count, 4);
    EXPECT_TRUE(data.features.isCompressed());
    EXPECT_EQ(data.features.nonZeros(), 4);
    EXPECT_EQ(data.empty_rows, 1);
    EXPECT_EQ(data.explicit_zeros, 0);
    EXPECT_EQ(data.unsorted_rows, 0);
    EXPECT_TRUE(data.warnings.empty());

    ASSERT_EQ(data.labels.size(), 4);
    EXPECT_EQ(data.labels[0], 1.0);
    EXPECT_EQ(data.labels[1], -1.0);
    EXPECT_EQ(data.labels[2], 1.0);
    EXPECT_EQ(data.labels[3], 0.0);

    DenseMatrix expected = DenseMatrix::Zero(4, 4);
    expected(0, 0) = 0.5;
    expected(0, 2) = -2.0;
    expected(1, 1) = 1000.0;
    expected(3, 3) = 7.0;
    EXPECT_EQ(dense(data.features), expected);

    // The CSR arrays themselves.
    const int* starts = data.features.outerIndexPtr();
    EXPECT_EQ(std::vector<int>(starts, starts + 5), (std::vector<int>{0, 2, 3, 3, 4}));
    const int* columns = data.features.innerIndexPtr();
    EXPECT_EQ(std::vector<int>(columns, columns + 4), (std::vector<int>{0, 2, 1, 3}));
}

TEST(Libsvm, AcceptsIntegerAndRealLabels) {
    const LibsvmData data = parse_text("1\n-1\n+1\n0\n3\n2.5e0\n-0.25\n.5\n+7.\n1E2\n");
    const std::vector<double> expected{1, -1, 1, 0, 3, 2.5, -0.25, 0.5, 7, 100};
    ASSERT_EQ(data.labels.size(), static_cast<Index>(expected.size()));
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(data.labels[static_cast<Index>(i)], expected[i]) << "row " << i;
    }
    EXPECT_EQ(data.empty_rows, 10);
    EXPECT_EQ(data.feature_count, 0);
    EXPECT_EQ(data.features.rows(), 10);
    EXPECT_EQ(data.features.cols(), 0);
}

TEST(Libsvm, SkipsCommentsBlankLinesAndToleratesCrlfAndTabs) {
    const LibsvmData data = parse_text(
        "# a header comment\r\n"
        "\n"
        "1\t1:1  2:2\r\n"
        "   \t \r\n"
        "-1 3:3 # trailing comment 9:9\r\n"
        "\t# indented comment\n"
        "2\t\t1:4\t");  // no final newline
    ASSERT_EQ(data.features.rows(), 3);
    ASSERT_EQ(data.features.cols(), 3);
    EXPECT_EQ(data.labels, (Vector(3) << 1, -1, 2).finished());
    DenseMatrix expected(3, 3);
    expected << 1, 2, 0,  //
        0, 0, 3,          //
        4, 0, 0;
    EXPECT_EQ(dense(data.features), expected);
    EXPECT_EQ(data.empty_rows, 0);
}

TEST(Libsvm, IgnoresQidTokens) {
    const LibsvmData data = parse_text("3 qid:1 1:0.5 2:1\n1 qid:1 2:2\n2 qid:2\n");
    ASSERT_EQ(data.features.rows(), 3);
    EXPECT_EQ(data.qid_tokens, 3);
    EXPECT_EQ(data.empty_rows, 1);
    DenseMatrix expected(3, 2);
    expected << 0.5, 1,  //
        0, 2,            //
        0, 0;
    EXPECT_EQ(dense(data.features), expected);
    ASSERT_EQ(data.warnings.size(), 1u);
    EXPECT_NE(data.warnings[0].find("qid"), std::string::npos);
}

TEST(Libsvm, SortsRowsWithIndicesOutOfOrder) {
    const LibsvmData data = parse_text("1 1:1 2:2\n1 5:5 1:1 3:3\n-1 2:2 1:1\n");
    EXPECT_EQ(data.unsorted_rows, 2);
    ASSERT_EQ(data.features.rows(), 3);
    ASSERT_EQ(data.features.cols(), 5);
    const int* columns = data.features.innerIndexPtr();
    EXPECT_EQ(std::vector<int>(columns, columns + 7), (std::vector<int>{0, 1, 0, 2, 4, 0, 1}));
    const double* values = data.features.valuePtr();
    EXPECT_EQ(std::vector<double>(values, values + 7), (std::vector<double>{1, 2, 1, 3, 5, 1, 2}));
    ASSERT_EQ(data.warnings.size(), 1u);
    EXPECT_NE(data.warnings[0].find("2 samples"), std::string::npos) << data.warnings[0];
    EXPECT_NE(data.warnings[0].find("line 2"), std::string::npos) << data.warnings[0];
}

TEST(Libsvm, DoesNotStoreExplicitZerosButCountsTheirWidth) {
    const LibsvmData data = parse_text("1 1:0 2:3\n-1 4:0.0\n");
    EXPECT_EQ(data.explicit_zeros, 2);
    EXPECT_EQ(data.feature_count, 4);
    EXPECT_EQ(data.features.nonZeros(), 1);
    EXPECT_EQ(data.empty_rows, 1);  // row 2 holds only an explicit zero
    EXPECT_EQ(data.features.coeff(0, 1), 3.0);
    ASSERT_EQ(data.warnings.size(), 1u);
    EXPECT_NE(data.warnings[0].find("2 explicit zero values"), std::string::npos);
}

TEST(Libsvm, AcceptsUnderflowingValuesAsTinyOrZero) {
    const LibsvmData data = parse_text("1 1:1e-310 2:1e-400 3:-1e-320\n");
    EXPECT_EQ(data.features.coeff(0, 0), 1e-310);
    EXPECT_EQ(data.features.coeff(0, 1), 0.0);
    EXPECT_EQ(data.explicit_zeros, 1);
    EXPECT_LT(data.features.coeff(0, 2), 0.0);
}

TEST(Libsvm, EmptyInputGivesNoSamplesAndAWarning) {
    const LibsvmData data = parse_text("# only a comment\n\n");
    EXPECT_EQ(data.features.rows(), 0);
    EXPECT_EQ(data.labels.size(), 0);
    ASSERT_EQ(data.warnings.size(), 1u);
    EXPECT_NE(data.warnings[0].find("no samples"), std::string::npos);
}

TEST(Libsvm, SkipsUtf8ByteOrderMark) {
    const LibsvmData data = parse_text("\xEF\xBB\xBF-1 2:1\n");
    EXPECT_EQ(data.labels[0], -1.0);
    EXPECT_EQ(data.features.coeff(0, 1), 1.0);
}

TEST(Libsvm, FixedFeatureCountWidensAndRefusesLargerIndices) {
    LibsvmOptions options;
    options.feature_count = 10;
    const LibsvmData data = parse_text("1 1:1 3:2\n-1\n", options);
    EXPECT_EQ(data.feature_count, 10);
    EXPECT_EQ(data.features.cols(), 10);
    EXPECT_EQ(data.features.coeff(0, 2), 2.0);

    options.feature_count = 3;
    EXPECT_NO_THROW(parse_text("1 3:1\n", options));
    expect_refused("1 1:1\n\n-1 2:1 4:1\n", {"mem.libsvm:3:", "'4:1'", "fixed feature count 3"},
                   options);
}

TEST(Libsvm, NegativeFeatureCountIsAUsageError) {
    LibsvmOptions options;
    options.feature_count = -1;
    EXPECT_THROW(parse_text("1 1:1\n", options), UsageError);
}

TEST(Libsvm, RefusesIndexZero) {
    expect_refused("1 1:1\n-1 0:1.5\n", {"mem.libsvm:2:", "'0:1.5'", "1-based"});
}

TEST(Libsvm, RefusesNegativeIndex) {
    expect_refused("1 1:1\n1 2:1\n-1 -3:1\n", {"mem.libsvm:3:", "negative", "'-3:1'"});
}

TEST(Libsvm, RefusesNonNumericIndex) {
    expect_refused("1 a:1\n", {"mem.libsvm:1:", "non-numeric feature index", "'a:1'"});
    expect_refused("1 2.5:1\n", {"mem.libsvm:1:", "non-numeric feature index", "'2.5:1'"});
    expect_refused("1 +2:1\n", {"mem.libsvm:1:", "'+2:1'"});
    expect_refused("1 :1\n", {"mem.libsvm:1:", "missing feature index", "':1'"});
}

TEST(Libsvm, RefusesHugeIndex) {
    expect_refused("1 3000000000:1\n", {"mem.libsvm:1:", "'3000000000:1'", "32-bit"});
    expect_refused("1 99999999999999999999999:1\n", {"mem.libsvm:1:", "32-bit"});
}

TEST(Libsvm, RefusesNonNumericValue) {
    expect_refused("1 1:1\n\n1 2:x\n", {"mem.libsvm:3:", "non-numeric feature value", "'2:x'"});
    expect_refused("1 2:1.5.5\n", {"mem.libsvm:1:", "'2:1.5.5'"});
    expect_refused("1 2:1:3\n", {"mem.libsvm:1:", "'2:1:3'"});
    expect_refused("1 2:\n", {"mem.libsvm:1:", "missing feature value", "'2:'"});
    expect_refused("1 2:0x10\n", {"mem.libsvm:1:", "'2:0x10'"});
}

TEST(Libsvm, RefusesTokenWithoutColon) {
    expect_refused("1 7\n", {"mem.libsvm:1:", "index:value", "'7'"});
}

TEST(Libsvm, RefusesMissingLabel) {
    expect_refused("1 1:1\n2:1 3:1\n", {"mem.libsvm:2:", "missing label", "'2:1'"});
}

TEST(Libsvm, RefusesNonNumericLabel) {
    expect_refused("yes 1:1\n", {"mem.libsvm:1:", "non-numeric label", "'yes'"});
    expect_refused("++1 1:1\n", {"mem.libsvm:1:", "'++1'"});
}

TEST(Libsvm, RefusesNonFiniteValues) {
    expect_refused("1 1:nan\n", {"mem.libsvm:1:", "non-finite", "'1:nan'"});
    expect_refused("1 1:1\n1 1:inf\n", {"mem.libsvm:2:", "non-finite", "'1:inf'"});
    expect_refused("1 1:-Infinity\n", {"mem.libsvm:1:", "'1:-Infinity'"});
    expect_refused("1 1:1e400\n", {"mem.libsvm:1:", "out of the range", "'1:1e400'"});
}

TEST(Libsvm, RefusesNonFiniteLabels) {
    expect_refused("NaN 1:1\n", {"mem.libsvm:1:", "non-finite label", "'NaN'"});
    expect_refused("1 1:1\n-inf 1:1\n", {"mem.libsvm:2:", "non-finite label", "'-inf'"});
    expect_refused("1e999 1:1\n", {"mem.libsvm:1:", "'1e999'"});
}

TEST(Libsvm, RefusesDuplicateIndices) {
    expect_refused("1 1:1\n-1 2:1 2:3\n", {"mem.libsvm:2:", "duplicate feature index 2", "'2:3'"});
    // Duplicates in a line that has to be sorted are found too, naming both tokens.
    expect_refused("1 3:1 1:1 3:2\n",
                   {"mem.libsvm:1:", "duplicate feature index 3", "'3:1'", "'3:2'"});
    // Also when one of the duplicates is an explicit zero.
    expect_refused("1 4:0 4:1\n", {"mem.libsvm:1:", "duplicate feature index 4"});
}

TEST(Libsvm, LineNumbersCountCommentsBlankLinesAndCrlf) {
    expect_refused("# header\r\n\r\n1 1:1\r\n# more\r\n-1 0:2\r\n", {"mem.libsvm:5:", "'0:2'"});
}

TEST(Libsvm, QuotesControlCharactersInMessages) {
    // A lone carriage return inside a line is not a separator.
    expect_refused("1 1:1\r2:2\n", {"mem.libsvm:1:", "'1:1\\x0d2:2'"});
}

TEST(Libsvm, ReadsFilesAndNamesThemInMessages) {
    const auto directory = std::filesystem::temp_directory_path() /
                           ("ridgelens_libsvm_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory);
    const std::string good = (directory / "good.libsvm").string();
    const std::string bad = (directory / "bad.libsvm").string();
    {
        std::ofstream(good) << "1 2:3\r\n-1 1:1\r\n";
        std::ofstream(bad) << "1 2:3\n-1 1:1 1:2\n";
    }
    const LibsvmData data = read_libsvm(good);
    EXPECT_EQ(data.source, good);
    EXPECT_EQ(data.features.rows(), 2);
    EXPECT_EQ(data.features.coeff(0, 1), 3.0);
    EXPECT_EQ(data.features.coeff(1, 0), 1.0);
    try {
        read_libsvm(bad);
        ADD_FAILURE() << "no InputError thrown";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find(bad + ":2:"), std::string::npos) << error.what();
    }
    try {
        read_libsvm((directory / "missing.libsvm").string());
        ADD_FAILURE() << "no InputError thrown";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("missing.libsvm"), std::string::npos);
    }
    EXPECT_THROW(read_libsvm(directory.string()), InputError);
    std::filesystem::remove_all(directory);
}

// ---------------------------------------------------------------------------
// Real data sets, compared with an independent reader.

/// What a deliberately simple reader finds in a LIBSVM file: one pass over the
/// characters, strtoll/strtod on each token, no sorting or checks.
struct NaiveCount {
    std::vector<double> labels;
    std::vector<std::vector<std::pair<long long, double>>> rows;
    long long colons = 0;  // ':' characters outside comments
    long long max_index = 0;
    long long empty_rows = 0;
};

NaiveCount naive_read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    NaiveCount count;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = text.find('\n', i);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(i, end - i);
        i = end + 1;
        if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        for (const char c : line) count.colons += (c == ':');
        std::istringstream words(line);
        std::string word;
        if (!(words >> word)) continue;
        count.labels.push_back(std::strtod(word.c_str(), nullptr));
        auto& row = count.rows.emplace_back();
        while (words >> word) {
            const auto colon = word.find(':');
            const long long index = std::strtoll(word.substr(0, colon).c_str(), nullptr, 10);
            const double value = std::strtod(word.substr(colon + 1).c_str(), nullptr);
            row.emplace_back(index, value);
            count.max_index = std::max(count.max_index, index);
        }
        count.empty_rows += row.empty();
    }
    return count;
}

/// Compares everything the reader found with the naive reader, entry by entry.
void expect_matches_naive_reader(const LibsvmData& data, const NaiveCount& naive) {
    ASSERT_EQ(data.features.rows(), static_cast<Index>(naive.rows.size()));
    EXPECT_EQ(data.features.nonZeros(), naive.colons);
    EXPECT_EQ(data.feature_count, naive.max_index);
    EXPECT_EQ(data.empty_rows, naive.empty_rows);
    EXPECT_EQ(data.explicit_zeros, 0);
    EXPECT_TRUE(data.features.isCompressed());
    std::size_t mismatches = 0;
    for (std::size_t r = 0; r < naive.rows.size() && mismatches < 10; ++r) {
        const Index row = static_cast<Index>(r);
        if (data.labels[row] != naive.labels[r]) {
            ++mismatches;
            ADD_FAILURE() << "label of row " << r;
        }
        SparseRowMatrix::InnerIterator it(data.features, row);
        for (const auto& [index, value] : naive.rows[r]) {
            if (!it || it.col() != index - 1 || it.value() != value) {
                ++mismatches;
                ADD_FAILURE() << "row " << r << " entry " << index << ":" << value;
                break;
            }
            ++it;
        }
        if (it) {
            ++mismatches;
            ADD_FAILURE() << "row " << r << " has extra entries";
        }
    }
    EXPECT_EQ(mismatches, 0u);
}

TEST(LibsvmRealData, News20) {
    RIDGELENS_REQUIRE_DATA(path, "ml/news20.libsvm");
    const auto start = std::chrono::steady_clock::now();
    const LibsvmData data = read_libsvm(path);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[ info     ] news20: " << data.features.rows() << " x " << data.features.cols()
              << ", " << data.features.nonZeros() << " nonzeros, read in " << seconds << " s\n";
    RecordProperty("parse_seconds", std::to_string(seconds));

    EXPECT_EQ(data.features.rows(), 15935);
    EXPECT_EQ(data.features.cols(), 62061);
    EXPECT_EQ(data.feature_count, 62061);
    EXPECT_EQ(data.features.nonZeros(), 1272569);
    EXPECT_EQ(data.empty_rows, 0);
    EXPECT_EQ(data.unsorted_rows, 0);
    EXPECT_TRUE(data.warnings.empty());
    // 20 newsgroups: labels 1 … 20.
    EXPECT_EQ(data.labels.minCoeff(), 1.0);
    EXPECT_EQ(data.labels.maxCoeff(), 20.0);
    expect_matches_naive_reader(data, naive_read(path));
}

TEST(LibsvmRealData, A8a) {
    RIDGELENS_REQUIRE_DATA(path, "ml/a8a.libsvm");
    const LibsvmData data = read_libsvm(path);
    EXPECT_EQ(data.features.rows(), 22696);
    EXPECT_EQ(data.feature_count, 123);
    EXPECT_EQ(data.features.nonZeros(), 314815);
    EXPECT_EQ((data.labels.array() == 1.0).count(), 5506);
    EXPECT_EQ((data.labels.array() == -1.0).count(), 17190);
    expect_matches_naive_reader(data, naive_read(path));
}

TEST(LibsvmRealData, W8aHasEmptyRows) {
    RIDGELENS_REQUIRE_DATA(path, "ml/w8a.libsvm");
    const LibsvmData data = read_libsvm(path);
    EXPECT_EQ(data.features.rows(), 49749);
    EXPECT_EQ(data.feature_count, 300);
    EXPECT_EQ(data.features.nonZeros(), 579586);
    EXPECT_GT(data.empty_rows, 0);
    EXPECT_EQ(data.empty_rows, 4203);
    expect_matches_naive_reader(data, naive_read(path));
}

TEST(LibsvmRealData, AgaricusHasZeroOneLabels) {
    RIDGELENS_REQUIRE_DATA(path, "ml/agaricus.train.libsvm");
    const LibsvmData data = read_libsvm(path);
    EXPECT_EQ(data.features.rows(), 6513);
    EXPECT_EQ(data.feature_count, 126);
    EXPECT_EQ(data.features.nonZeros(), 143286);
    EXPECT_EQ((data.labels.array() == 0.0).count() + (data.labels.array() == 1.0).count(), 6513);
    EXPECT_EQ((data.labels.array() == 1.0).count(), 3140);
    expect_matches_naive_reader(data, naive_read(path));
}

TEST(LibsvmRealData, AgaricusTestReadAtTrainingWidth) {
    RIDGELENS_REQUIRE_DATA(path, "ml/agaricus.test.libsvm");
    LibsvmOptions options;
    options.feature_count = 127;  // wider than any index in the file
    const LibsvmData data = read_libsvm(path, options);
    EXPECT_EQ(data.features.rows(), 1611);
    EXPECT_EQ(data.features.cols(), 127);
    EXPECT_EQ(data.features.nonZeros(), 35442);
}

}  // namespace
}  // namespace ridgelens
