// All pictures of a report, written to a directory.

#include "ridgelens/plot/plot_report.hpp"

#include <cmath>
#include <filesystem>
#include <system_error>

#include "plot/charts.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"

namespace ridgelens::plot {

std::pair<std::size_t, std::size_t> parse_pair(const std::string& text) {
    const std::size_t comma = text.find(',');
    const auto parse = [&](const std::string& part) -> std::size_t {
        if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos ||
            part.size() > 9)
            throw UsageError("PlotOptions::pair '" + text +
                             "': expected two direction numbers i,j");
        return static_cast<std::size_t>(std::stoul(part));
    };
    if (comma == std::string::npos)
        throw UsageError("PlotOptions::pair '" + text + "': expected two direction numbers i,j");
    const std::size_t i = parse(text.substr(0, comma));
    const std::size_t j = parse(text.substr(comma + 1));
    if (i == 0 || j == 0 || i == j)
        throw UsageError("PlotOptions::pair '" + text +
                         "': need two different directions, counted from 1");
    return {i, j};
}

namespace {

FigureSet figures_of(const PlotData& data, const PlotOptions& options) {
    FigureSet set;
    if (data.path_points_in_report > data.path.size())
        set.notes.push_back("The report's grid has " + std::to_string(data.path_points_in_report) +
                            " λ; the path pictures show " + std::to_string(data.path.size()) +
                            " of them, evenly spread (first and last included).");
    set.heading = std::string("ridgelens ") + to_string(data.kind) + ": " + data.source;
    set.figures.push_back(decay_chart(data));
    set.figures.push_back(components_chart(data));
    if (options.pair_i != 0 || options.pair_j != 0) {
        set.figures.push_back(geometry_chart(data, options.pair_i, options.pair_j));
    } else {
        try {
            set.figures.push_back(geometry_chart(data, 1, 2));
        } catch (const UsageError& error) {
            set.notes.push_back(std::string("No two-dimensional picture of directions 1 and 2: ") +
                                error.what());
        }
    }
    if (data.kind == ReportKind::path) {
        set.figures.push_back(dof_chart(data));
        set.figures.push_back(ridge_norm_chart(data));
        set.figures.push_back(coefficient_paths_chart(data));
        if (!data.density_sigma.empty())
            set.figures.push_back(density_chart(data));
        else
            set.notes.push_back("The report has no spectral density.");
        if (has_selection_criteria(data)) {
            bool least_squares = false;
            for (const PathSample& sample : data.path)
                least_squares = least_squares || std::isfinite(sample.gcv);
            if (least_squares) set.figures.push_back(criterion_chart(data, "gcv"));
            set.figures.push_back(criterion_chart(data, "evidence"));
            if (least_squares) set.figures.push_back(lcurve_chart(data));
            if (!data.selections.empty() && !data.centre.empty())
                set.figures.push_back(picard_chart(data));
        }
    }
    return set;
}

}  // namespace

FigureSet make_figures(const nlohmann::json& report, const PlotOptions& options) {
    return figures_of(read_plot_data(report, options.max_lambdas), options);
}

FigureSet make_analysis_figures(const ProblemSummary& problem, const AnalysisResult& result,
                                const PlotOptions& options) {
    return figures_of(plot_data_of_analysis(problem, result, ReportKind::analyze, problem.source),
                      options);
}

FigureSet make_fit_figures(const FitAnalysisResult& result, const std::string& model_source,
                           const PlotOptions& options) {
    if (!result.analyzed)
        throw UsageError("pictures: nothing was analyzed (the fit failed: " + result.fit.message +
                         ")");
    return figures_of(
        plot_data_of_analysis(result.problem, result.analysis, ReportKind::fit, model_source),
        options);
}

FigureSet make_path_figures(const ProblemSummary& problem, const PathResult& result,
                            const PlotOptions& options) {
    return figures_of(plot_data_of_path(problem, result, options.max_lambdas), options);
}

PlotOutput write_plots(const nlohmann::json& report, const std::string& directory,
                       const PlotOptions& options) {
    return write_figures(make_figures(report, options), directory);
}

PlotOutput write_figures(const FigureSet& set, const std::string& directory) {
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error)
        throw Error("cannot create the plot directory '" + directory + "': " + error.message());
    PlotOutput output;
    const std::filesystem::path base(directory);
    for (const Figure& figure : set.figures) {
        const std::string path = (base / figure.name).string();
        write_file_atomically(path, [&](std::ostream& out) { out << figure.svg; });
        output.files.push_back(path);
    }
    output.page = (base / "index.html").string();
    const std::string page = make_html_page(set);
    write_file_atomically(output.page, [&](std::ostream& out) { out << page; });
    output.files.push_back(output.page);
    return output;
}

}  // namespace ridgelens::plot
