#pragma once
// What analyze, fit and path write besides their tables, shared by ridgelens
// and ridgelens-mpi (which calls these on rank 0 only). Every output is staged
// and all are committed together at the end (README "Exit codes and errors").

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "progress.hpp"
#include "ridgelens/analysis/analyze.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/plot/plot_report.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens::cli {

/// The outputs of one run: staged as they are produced, committed by commit()
/// (after the standard output has been flushed successfully); destroyed
/// uncommitted, it leaves nothing behind.
class CommandOutputs {
  public:
    explicit CommandOutputs(const Progress& progress) : progress_(progress) {}

    /// Stages `report` into `out_path`; an empty path skips.
    void add_report(const nlohmann::json& report, const std::string& out_path);

    /// Stages the pictures `draw()` makes from the results in memory into
    /// `plot_directory` (a staged directory that replaces it as a whole); an
    /// empty path skips (and `draw` is not called).
    void add_pictures(const std::function<plot::FigureSet()>& draw,
                      const std::string& plot_directory);

    /// The outputs of `path` after its table: the JSON report (`extra`'s
    /// fields merged in at the top level, e.g. ridgelens-mpi's "mpi"), its
    /// pictures drawn from `result`, and the CSV table into `csv_path`; empty
    /// paths skip.
    void add_path(const ProblemSummary& summary, const PathResult& result,
                  const nlohmann::json& extra, const std::string& out_path,
                  const std::string& plot_directory, const std::string& csv_path);

    /// Stages `x`, θ̂_ridge of the first λ of `result`, into `path` as a
    /// Matrix Market array, only if that solve succeeded: otherwise says on
    /// stderr (prefixed by `program`) why nothing is written, so that no file
    /// looks like an answer that is not one.
    void add_first_ridge(const AnalysisResult& result, const Vector& x, const std::string& path,
                         const std::string& program);

    /// Stages θ̂_ridge of every λ into `path` as one n×m Matrix Market
    /// array, column i for the i-th λ (`columns[i]`), only if every solve
    /// succeeded: otherwise says on stderr which λ failed and writes nothing.
    struct RidgeColumn {
        double lambda = 0;
        const Vector* x = nullptr;
        bool ok = false;
        std::string message;  ///< why the solve failed
    };
    void add_ridge_columns(const std::vector<RidgeColumn>& columns, const std::string& path,
                           const std::string& program);

    /// Stages the eigenvectors into `path` as one n×(k+p) Matrix Market array:
    /// the k converged top pairs in the report's order (σ_1 ≥ σ_2 ≥ …), then
    /// the p negative pairs of an indefinite H (most negative first). Says on
    /// stderr and writes nothing when no pair converged.
    void add_eigenvectors(const Eigenpairs& top, const PsdVerdict& psd, const std::string& path,
                          const std::string& program);

    /// Checks the standard output (check_standard_output), then puts every
    /// output in place, then reports them (progress lines; "plots: …" on stdout).
    /// @throws Error if the standard output failed (nothing is committed) or
    /// an output cannot be renamed into place.
    void commit();

  private:
    const Progress& progress_;
    OutputBatch batch_;
    std::vector<std::string> written_;  ///< progress lines after the commit
    std::string plot_page_;
};

/// Flushes std::cout and stdout. @throws Error ("cannot write the standard
/// output: <reason>") if anything written to it was lost, e.g. a full device.
void check_standard_output();

}  // namespace ridgelens::cli
