#pragma once
/// @file plot_report.hpp
/// All pictures of an analysis, a fit or a path: drawn from the results in
/// memory (what the programs' `--plot DIR` does) or from a JSON report read
/// back (`ridgelens plot`). Both give the same pictures.
///
/// Thread safety: reentrant for distinct output paths.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ridgelens/analysis/fit_analysis.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/export.hpp"

namespace ridgelens::plot {

/// One picture.
struct Figure {
    std::string name;     ///< file name, e.g. "decay.svg"
    std::string title;    ///< shown above the picture
    std::string caption;  ///< what it shows and how to read it
    std::string svg;      ///< the SVG document
};

/// Settings of the pictures.
struct PlotOptions {
    /// 1-based directions of the two-dimensional picture; {0, 0}: the two
    /// leading directions (skipped, with a note, if they cannot be drawn).
    std::size_t pair_i = 0;
    std::size_t pair_j = 0;
    /// Most λ of a path report shown in the per-λ pictures.
    std::size_t max_lambdas = 5;
};

/// Parses "i,j" (two different positive integers). @throws UsageError.
RIDGELENS_API std::pair<std::size_t, std::size_t> parse_pair(const std::string& text);

/// The figures of a report, and notes on what could not be drawn.
struct FigureSet {
    std::string heading;  ///< "ridgelens analyze: <source>"
    std::vector<Figure> figures;
    std::vector<std::string> notes;
};

/// Builds every picture the report supports: decay curves, components and
/// the 2-D geometry always; df, ‖θ̂_ridge‖, coefficient paths and the
/// spectral density for path reports. @throws InputError on a malformed
/// report, UsageError on an impossible explicit pair.
RIDGELENS_API FigureSet make_figures(const nlohmann::json& report, const PlotOptions& options = {});

/// The pictures of `analyze`'s result, drawn from the result itself (the same
/// pictures as from its report). @throws UsageError on an impossible explicit pair.
RIDGELENS_API FigureSet make_analysis_figures(const ProblemSummary& problem,
                                              const AnalysisResult& result,
                                              const PlotOptions& options = {});

/// The pictures of `fit_and_analyze`'s result; `model_source` heads them
/// (e.g. "softmax on news20"). @throws UsageError when nothing was analyzed
/// (the fit failed) or on an impossible explicit pair.
RIDGELENS_API FigureSet make_fit_figures(const FitAnalysisResult& result,
                                         const std::string& model_source,
                                         const PlotOptions& options = {});

/// The pictures of `compute_path`'s result (those of an analysis plus df,
/// ‖θ̂_ridge‖, the coefficient paths, the spectral density and, with λ
/// selection, the criteria). @throws UsageError on an impossible explicit pair.
RIDGELENS_API FigureSet make_path_figures(const ProblemSummary& problem, const PathResult& result,
                                          const PlotOptions& options = {});

/// A self-contained HTML page: every SVG inline as a base64 `data:` image
/// with its title and caption, and a script that counts the images that
/// loaded into `<p id="load-status" data-expected data-loaded data-failed
/// data-state>` ("complete" once the window's load event has fired).
RIDGELENS_API std::string make_html_page(const FigureSet& set);

/// Reads a JSON report file. @throws InputError naming the file if it
/// cannot be read or is not JSON.
RIDGELENS_API nlohmann::json read_report_file(const std::string& path);

/// What `write_plots` wrote.
struct PlotOutput {
    std::vector<std::string> files;  ///< the SVG files, then the page
    std::string page;                ///< DIR/index.html
};

/// Creates `directory` if needed and writes each SVG of `figures` and
/// `index.html` there, every file atomically. @throws Error naming a path
/// that cannot be written.
RIDGELENS_API PlotOutput write_figures(const FigureSet& figures, const std::string& directory);

/// write_figures(make_figures(report, options), directory).
RIDGELENS_API PlotOutput write_plots(const nlohmann::json& report, const std::string& directory,
                                     const PlotOptions& options = {});

}  // namespace ridgelens::plot
