// The catalogue of malformed inputs (issue "Reliability"): every bad file,
// size, option or numerically hopeless problem ends in the documented exit
// code with a message naming the cause, and no output file — complete,
// partial or temporary — is left in the working directory.
//
// Inputs live in tests/cli/data/catalogue/; each case runs in a fresh,
// empty scratch directory with the outputs (--out, --theta-ridge-out, --csv)
// pointed into it, so "nothing created" is "the directory is still empty".

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace ridgelens {
namespace {

using testing::run_cli;
using testing::ScratchDirectory;

struct CatalogueCase {
    const char* name;       ///< test name
    const char* arguments;  ///< "{d}" stands for the catalogue directory
    int exit_code;
    const char* message;                ///< must appear in stderr
    const char* environment = nullptr;  ///< NAME=value set for this run only
};

// Shown by GoogleTest for a failing case instead of the bytes of the struct.
void PrintTo(const CatalogueCase& c, std::ostream* out) {
    *out << c.name;
}

std::string catalogue_dir() {
    return (std::filesystem::path(RIDGELENS_CLI_TEST_FILES_DIR) / "catalogue").string();
}

std::string expand(const std::string& arguments) {
    std::string out;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        if (arguments.compare(i, 3, "{d}") == 0) {
            out += "'" + catalogue_dir() + "'";
            i += 2;
        } else {
            out += arguments[i];
        }
    }
    return out;
}

// Outputs every command writes if it gets that far.
constexpr const char* analyze_out = " --out r.json --theta-ridge-out x.mtx -q";
constexpr const char* fit_out = " --out r.json -q";

const std::vector<CatalogueCase>& catalogue() {
    static const std::vector<CatalogueCase> cases = {
        // Matrix Market header and size line.
        {"MmNoHeader", "analyze --hessian {d}/mm_no_header.mtx --lambda 1 --k 1", 2,
         "mm_no_header.mtx:1: not a Matrix Market file"},
        {"MmObjectVector", "analyze --hessian {d}/mm_object_vector.mtx --lambda 1 --k 1", 2,
         "mm_object_vector.mtx:1: object 'vector' is not supported"},
        {"MmIncompleteHeader", "analyze --hessian {d}/mm_incomplete_header.mtx --lambda 1 --k 1", 2,
         "mm_incomplete_header.mtx:1: incomplete header"},
        {"MmComplex", "analyze --hessian {d}/mm_complex.mtx --lambda 1 --k 1", 2,
         "mm_complex.mtx:1: field 'complex' is not supported"},
        {"MmHermitian", "analyze --hessian {d}/mm_hermitian.mtx --lambda 1 --k 1", 2,
         "mm_hermitian.mtx:1: symmetry 'hermitian' is not supported"},
        {"MmSkewSymmetric", "analyze --hessian {d}/mm_skew_symmetric.mtx --lambda 1 --k 1", 2,
         "symmetry 'skew-symmetric' is not supported"},
        // The dense array format (scipy.io.mmwrite of a numpy array).
        {"MmArrayPattern", "analyze --hessian {d}/mm_array_pattern.mtx --lambda 1 --k 1", 2,
         "mm_array_pattern.mtx:1: field 'pattern' is not possible in the 'array' format"},
        {"MmArraySizeLineEntryCount",
         "analyze --hessian {d}/mm_array_size_line_entry_count.mtx --lambda 1 --k 1", 2,
         "mm_array_size_line_entry_count.mtx:2: unexpected text '4' after the column count"},
        {"MmArrayTruncated", "analyze --hessian {d}/mm_array_truncated.mtx --lambda 1 --k 1", 2,
         "mm_array_truncated.mtx:6: file ends after 4 of the 6 values of a 3x3 'symmetric' "
         "array"},
        {"MmArrayTooManyValues",
         "analyze --hessian {d}/mm_array_too_many_values.mtx --lambda 1 --k 1", 2,
         "mm_array_too_many_values.mtx:7: more values than the 4 of a 2x2 'general' array"},
        {"MmArrayNanValue", "analyze --hessian {d}/mm_array_nan_value.mtx --lambda 1 --k 1", 2,
         "mm_array_nan_value.mtx:4: value 'nan' is not finite"},
        {"MmArrayNotSymmetric", "analyze --hessian {d}/mm_array_not_symmetric.mtx --lambda 1 --k 1",
         2,
         "mm_array_not_symmetric.mtx:4: matrix declared 'general' is not symmetric: entry (2, 1) "
         "= 1 but (1, 2) = 1.5"},
        {"MmArrayMemoryBudget", "analyze --hessian {d}/array_symmetric.mtx --lambda 1 --k 1", 4,
         "array_symmetric.mtx: a 3x3 'symmetric' array and the vectors of length n computed from "
         "it: needs about",
         "RIDGELENS_MEMORY_LIMIT=100"},
        {"GradientWrongLength",
         "analyze --hessian {d}/array_symmetric.mtx --gradient {d}/theta_short.txt --lambda 1 "
         "--k 1",
         2, "theta_short.txt: the gradient g has 2 entries but H is 3x3"},
        {"GradientWithoutHessian", "analyze --gradient {d}/theta_short.txt --k 1", 1,
         "--gradient needs --hessian"},
        {"MmUnknownField", "analyze --hessian {d}/mm_unknown_field.mtx --lambda 1 --k 1", 2,
         "unknown field 'double'"},
        {"MmNotSquare", "analyze --hessian {d}/mm_not_square.mtx --lambda 1 --k 1", 2,
         "mm_not_square.mtx:2: matrix is not square: 3 rows, 4 columns"},
        {"MmZeroDimension", "analyze --hessian {d}/mm_zero_dimension.mtx --lambda 1 --k 1", 2,
         "mm_zero_dimension.mtx:2: the matrix is empty"},
        {"MmNegativeEntryCount",
         "analyze --hessian {d}/mm_negative_entry_count.mtx --lambda 1 --k 1", 2,
         "mm_negative_entry_count.mtx:2: entry count -1 is negative"},
        {"MmSizeLineExtraField",
         "analyze --hessian {d}/mm_size_line_extra_field.mtx --lambda 1 --k 1", 2,
         "mm_size_line_extra_field.mtx:2: unexpected text '7'"},
        {"MmMissingSizeLine", "analyze --hessian {d}/mm_missing_size_line.mtx --lambda 1 --k 1", 2,
         "file ends before the size line"},
        {"MmDeclaredSizeTooLarge",
         "analyze --hessian {d}/mm_declared_size_too_large.mtx --lambda 1 --k 1", 2,
         "entry count 999999999999 cannot fit in the remaining"},
        // Entries.
        {"MmTooFewEntries", "analyze --hessian {d}/mm_too_few_entries.mtx --lambda 1 --k 1", 2,
         "mm_too_few_entries.mtx:5: file ends after 2 of the 3 entries"},
        {"MmTooManyEntries", "analyze --hessian {d}/mm_too_many_entries.mtx --lambda 1 --k 1", 2,
         "mm_too_many_entries.mtx:5: more entries than the 2 declared"},
        {"MmRowIndexZero", "analyze --hessian {d}/mm_row_index_zero.mtx --lambda 1 --k 1", 2,
         "mm_row_index_zero.mtx:4: row index 0 out of range 1..3"},
        {"MmColumnOutOfRange", "analyze --hessian {d}/mm_column_out_of_range.mtx --lambda 1 --k 1",
         2, "mm_column_out_of_range.mtx:4: column index 5 out of range 1..3"},
        {"MmNegativeIndex", "analyze --hessian {d}/mm_negative_index.mtx --lambda 1 --k 1", 2,
         "column index -2 out of range"},
        {"MmFractionalIndex", "analyze --hessian {d}/mm_fractional_index.mtx --lambda 1 --k 1", 2,
         "column index '1.5' is not an integer"},
        {"MmNanValue", "analyze --hessian {d}/mm_nan_value.mtx --lambda 1 --k 1", 2,
         "mm_nan_value.mtx:4: value 'nan' is not finite"},
        {"MmInfValue", "analyze --hessian {d}/mm_inf_value.mtx --lambda 1 --k 1", 2,
         "mm_inf_value.mtx:4: value '-inf' is not finite"},
        {"MmOverflowValue", "analyze --hessian {d}/mm_overflow_value.mtx --lambda 1 --k 1", 2,
         "value '1e400' overflows a double"},
        {"MmNonNumericValue", "analyze --hessian {d}/mm_non_numeric_value.mtx --lambda 1 --k 1", 2,
         "value 'one' is not a number"},
        {"MmIntegerFieldRealValue",
         "analyze --hessian {d}/mm_integer_field_real_value.mtx --lambda 1 --k 1", 2,
         "value '2.5' is not an integer (the header declares field 'integer')"},
        {"MmPatternWithValue", "analyze --hessian {d}/mm_pattern_with_value.mtx --lambda 1 --k 1",
         2, "a pattern file has no values"},
        {"MmDuplicatesOverflow",
         "analyze --hessian {d}/mm_duplicates_overflow.mtx --lambda 1 --k 1", 2,
         "duplicate entries at (1, 1) sum to a non-finite value"},
        {"MmGeneralNotSymmetric",
         "analyze --hessian {d}/mm_general_not_symmetric.mtx --lambda 1 --k 1", 2,
         "matrix declared 'general' is not symmetric: entry (1, 2)"},
        // Not a text file at all.
        {"MmEmptyFile", "analyze --hessian {d}/mm_empty.mtx --lambda 1 --k 1", 2,
         "mm_empty.mtx:1: empty file"},
        {"MmGzip", "analyze --hessian {d}/mm_gzip.mtx --lambda 1 --k 1", 2,
         "file is gzip-compressed"},
        {"MmBinary", "analyze --hessian {d}/mm_binary.mtx --lambda 1 --k 1", 2,
         "binary data (control byte 0x7F at offset 0)"},
        {"HessianMissing", "analyze --hessian {d}/no_such_file.mtx --lambda 1 --k 1", 2,
         "no_such_file.mtx: cannot open: No such file or directory"},
        {"HessianIsDirectory", "analyze --hessian {d} --lambda 1 --k 1", 2,
         "is a directory, not a file"},
        // θ̂.
        {"ThetaWrongLength",
         "analyze --hessian {d}/h3.mtx --theta {d}/theta_short.txt --lambda 1 --k 1", 2,
         "theta_short.txt: θ̂ has 2 entries but H is 3x3"},
        {"ThetaNan", "analyze --hessian {d}/h3.mtx --theta {d}/theta_nan.txt --lambda 1 --k 1", 2,
         "theta_nan.txt:2: value 'nan' is not finite"},
        {"ThetaTwoNumbersOnALine",
         "analyze --hessian {d}/h3.mtx --theta {d}/theta_two_numbers.txt --lambda 1 --k 1", 2,
         "theta_two_numbers.txt:2: expected one value per line"},
        {"ThetaMatrixShape",
         "analyze --hessian {d}/h3.mtx --theta {d}/theta_matrix_shape.mtx --lambda 1 --k 1", 2,
         "found 3 x 2"},
        {"ThetaMissing", "analyze --hessian {d}/h3.mtx --theta {d}/no_such.txt --lambda 1 --k 1", 2,
         "no_such.txt: cannot open"},
        // LIBSVM training sets.
        {"SvmIndexZero", "fit --data {d}/svm_index_zero.libsvm --model logistic --lambda 1 --k 1",
         2, "svm_index_zero.libsvm:2: feature index 0 in '0:1' (indices are 1-based)"},
        {"SvmNegativeIndex",
         "fit --data {d}/svm_negative_index.libsvm --model logistic --lambda 1 --k 1", 2,
         "svm_negative_index.libsvm:2: negative feature index in '-3:1'"},
        {"SvmNonNumericIndex",
         "fit --data {d}/svm_non_numeric_index.libsvm --model logistic --lambda 1 --k 1", 2,
         "non-numeric feature index in 'a:1'"},
        {"SvmDuplicateIndex",
         "fit --data {d}/svm_duplicate_index.libsvm --model logistic --lambda 1 --k 1", 2,
         "svm_duplicate_index.libsvm:2: duplicate feature index 2"},
        {"SvmMissingLabel",
         "fit --data {d}/svm_missing_label.libsvm --model logistic --lambda 1 --k 1", 2,
         "svm_missing_label.libsvm:2: missing label"},
        {"SvmNanValue", "fit --data {d}/svm_nan_value.libsvm --model logistic --lambda 1 --k 1", 2,
         "svm_nan_value.libsvm:2: non-finite feature value in '1:nan'"},
        {"SvmNanLabel", "fit --data {d}/svm_nan_label.libsvm --model logistic --lambda 1 --k 1", 2,
         "svm_nan_label.libsvm:2: non-finite label 'nan'"},
        {"SvmNonNumericValue",
         "fit --data {d}/svm_non_numeric_value.libsvm --model logistic --lambda 1 --k 1", 2,
         "non-numeric feature value in '2:x'"},
        {"SvmTokenWithoutColon",
         "fit --data {d}/svm_token_without_colon.libsvm --model logistic --lambda 1 --k 1", 2,
         "expected index:value, found '1'"},
        {"SvmBinary", "fit --data {d}/svm_binary.libsvm --model logistic --lambda 1 --k 1", 2,
         "svm_binary.libsvm:1:"},
        {"SvmMissing", "fit --data {d}/no_such.libsvm --model logistic --lambda 1 --k 1", 2,
         "no_such.libsvm: no such file"},
        // Options.
        {"NegativeLambda", "analyze --hessian {d}/h3.mtx --lambda -1 --k 1", 1,
         "λ must be finite and >= 0"},
        {"NanLambda", "analyze --hessian {d}/h3.mtx --lambda nan --k 1", 1,
         "λ must be finite and >= 0"},
        {"NonNumericLambda", "analyze --hessian {d}/h3.mtx --lambda abc --k 1", 1,
         "the argument ('abc') for option '--lambda' is invalid"},
        {"KEqualToN", "analyze --hessian {d}/h3.mtx --lambda 1 --k 3", 1,
         "k = 3 must satisfy 1 <= k < n = 3"},
        {"KZero", "analyze --hessian {d}/h3.mtx --lambda 1 --k 0", 1,
         "--k = 0 is out of range: it must be an integer >= 1"},
        {"UnknownSolver", "analyze --hessian {d}/h3.mtx --lambda 1 --k 1 --solver lu", 1,
         "unknown solver 'lu'"},
        {"LambdaMissing", "analyze --hessian {d}/h3.mtx --k 1", 1,
         "--lambda is required with --hessian"},
        {"UnknownOption", "analyze --hessian {d}/h3.mtx --lambda 1 --k 1 --frobnicate", 1,
         "unrecognised option '--frobnicate'"},
        {"UnknownCommand", "frobnicate", 1, "unknown command 'frobnicate'"},
        {"DecreasingLambdaGrid", "path --hessian {d}/h3.mtx --lambdas 1:0.1:5 --k 1", 1,
         "need 0 < MIN <= MAX"},
        {"MalformedLambdaGrid", "path --hessian {d}/h3.mtx --lambdas 1e-3:1:x --k 1", 1,
         "expected MIN:MAX:COUNT"},
        // Outputs that cannot be written (the computation succeeds first).
        {"OutputDirectoryMissing",
         "analyze --hessian {d}/h3.mtx --lambda 1 --k 1 -q --out /nonexistent-dir/r.json", 2,
         "cannot write '/nonexistent-dir/r.json'"},
        {"OutputIsADirectory", "analyze --hessian {d}/h3.mtx --lambda 1 --k 1 -q --out .", 2,
         "cannot write '.'"},
        // Numerically hopeless problems: exit 3, θ̂_ridge of a failed solve is not written.
        {"SingularHessianWithLambdaZero",
         "analyze --hessian {d}/h3_singular.mtx --lambda 0 --k 1 --solver cholmod", 3,
         "not positive definite"},
        // An indefinite H is no failure any more (a saddle, solved by MINRES):
        // test_cli_indefinite.cpp covers it, and the singular λ that exits 3.
        // Resources: a memory budget below what the problem needs.
        {"MemoryBudgetExceeded", "analyze --hessian {d}/h3.mtx --lambda 1 --k 1", 4,
         "refused before allocating", "RIDGELENS_MEMORY_LIMIT=100"},
    };
    return cases;
}

class Catalogue : public ::testing::TestWithParam<CatalogueCase> {};

TEST_P(Catalogue, ExitCodeMessageAndNoOutput) {
    const CatalogueCase& c = GetParam();
    ScratchDirectory dir;
    std::string arguments = expand(c.arguments);
    const bool explicit_output = arguments.find("--out ") != std::string::npos;
    const bool numerical = c.exit_code == 3;
    if (!explicit_output) {
        if (arguments.starts_with("analyze"))
            // A failed run still writes its (marked) report; θ̂_ridge must not be.
            arguments += numerical ? " --theta-ridge-out x.mtx -q" : analyze_out;
        else if (arguments.starts_with("fit"))
            arguments += fit_out;
        else if (arguments.starts_with("path"))
            arguments += " --out p.json --csv p.csv -q";
    }
    std::string variable, value;
    if (c.environment != nullptr) {
        const std::string setting = c.environment;
        variable = setting.substr(0, setting.find('='));
        value = setting.substr(setting.find('=') + 1);
        ::setenv(variable.c_str(), value.c_str(), 1);
    }
    const auto run = run_cli(arguments, dir);
    if (c.environment != nullptr) ::unsetenv(variable.c_str());

    EXPECT_EQ(run.exit_code, c.exit_code) << arguments << "\n" << run.err;
    // Errors go to stderr; a numerical failure is in the result table (stdout).
    const std::string shown = numerical ? run.out + run.err : run.err;
    EXPECT_NE(shown.find(c.message), std::string::npos)
        << "expected '" << c.message << "' in the output of `ridgelens " << arguments << "`:\n"
        << shown;
    std::vector<std::string> left;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        left.push_back(entry.path().filename().string());
    EXPECT_TRUE(left.empty()) << "output or temporary file left behind: " << left.front();
}

INSTANTIATE_TEST_SUITE_P(MalformedInputs, Catalogue, ::testing::ValuesIn(catalogue()),
                         [](const ::testing::TestParamInfo<CatalogueCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(CatalogueSize, AtLeastThirtyMalformedInputs) {
    EXPECT_GE(catalogue().size(), 30u);
}

}  // namespace
}  // namespace ridgelens
