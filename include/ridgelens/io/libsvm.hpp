#pragma once
/// @file libsvm.hpp
/// Reading training sets in the LIBSVM / svmlight text format.
///
/// Each non-blank line is one sample:
///
///     label idx:value idx:value ...   # optional comment
///
/// - `label` is an integer or real number (`1`, `-1`, `+1`, `0`, `3`, `2.5e0`);
/// - `idx` is a 1-based feature index (stored 0-based), `value` a real number;
/// - a sample may have no features at all (an all-zero row, counted in
///   `LibsvmData::empty_rows`);
/// - `#` starts a comment that runs to the end of the line, whole-line or trailing;
/// - blank lines are skipped; tokens are separated by spaces or tabs; CRLF line
///   ends are tolerated;
/// - a `qid:N` token (svmlight ranking groups) is ignored;
/// - indices within a line should be increasing; a line whose indices are out
///   of order is sorted (and counted), but a repeated index is refused.
///
/// Anything else is refused with an InputError whose message starts with
/// `name:line:` (1-based line) and quotes the offending token.
///
/// Thread safety: readers of their own files (OpenMP inside); reentrant.

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// Samples × features matrix in compressed sparse row form with 32-bit
/// indices. Readers check that the number of stored entries, rows and
/// columns fit and refuse larger inputs with an InputError.
using SparseRowMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;

/// How a LIBSVM file is read.
struct LibsvmOptions {
    /// Number of feature columns. 0 (the default): one more than the largest
    /// 0-based index seen (i.e. the largest 1-based index in the file).
    /// Positive: a fixed width — e.g. to read a test set with the training
    /// set's width — and a larger index in the file is refused.
    /// Negative values are a UsageError.
    Index feature_count = 0;
};

/// A training set read from a LIBSVM file, with what was found on the way.
struct LibsvmData {
    /// samples × feature_count, row-major, compressed; explicit zero values
    /// (`idx:0`) are not stored (see `explicit_zeros`).
    SparseRowMatrix features;
    /// One label per sample (row of `features`), finite, as written in the file.
    Vector labels;
    /// The 1-based line of each sample in the file, for messages about a sample.
    std::vector<std::int64_t> sample_lines;
    /// Number of columns of `features` (see LibsvmOptions::feature_count).
    Index feature_count = 0;
    /// Samples that have no stored entry (a label and nothing else, or only
    /// explicit zeros).
    std::int64_t empty_rows = 0;
    /// `idx:0` entries seen and not stored. They still count towards the
    /// width when the width is taken from the file.
    std::int64_t explicit_zeros = 0;
    /// Samples whose indices were not increasing and were sorted.
    std::int64_t unsorted_rows = 0;
    /// `qid:N` tokens seen and ignored.
    std::int64_t qid_tokens = 0;
    /// Human-readable notes about things accepted but worth knowing
    /// (e.g. "sorted the indices of 3 samples …"). Empty for a clean file.
    std::vector<std::string> warnings;
    /// The file path or stream name the data came from.
    std::string source;
};

/// Reads a LIBSVM / svmlight file (format described in this header's
/// documentation). The whole file is read into memory and parsed in one pass.
///
/// @throws InputError if the file cannot be read, is malformed, or is too
///         large for 32-bit sparse indices; the message names the file, the
///         1-based line and the offending token.
/// @throws UsageError if `options.feature_count` is negative.
RIDGELENS_API LibsvmData read_libsvm(const std::string& path, const LibsvmOptions& options = {});

/// Same as read_libsvm, reading `in` to its end; `name` is used in messages
/// and as LibsvmData::source in place of a file name.
RIDGELENS_API LibsvmData parse_libsvm(std::istream& in, const std::string& name,
                                      const LibsvmOptions& options = {});

}  // namespace ridgelens
