// `ridgelens plot`: the pictures of a report of analyze, fit or path.

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "output_targets.hpp"
#include "report_outputs.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/io/atomic_file.hpp"
#include "ridgelens/plot/plot_report.hpp"

namespace ridgelens::cli {
namespace {

namespace po = boost::program_options;

struct PlotArguments {
    std::string report;
    std::string out;
    std::string pair;
    std::size_t max_lambdas = 5;
};

po::options_description plot_options(PlotArguments& a) {
    po::options_description options(
        "ridgelens plot REPORT.json [--out DIR] [--pair i,j]\n\n"
        "Standalone SVG pictures of a report of analyze, fit or path, and one self-contained\n"
        "HTML page (DIR/index.html) showing them all with a caption each: the decay curves\n"
        "f(σ) = σ/(σ+λ) with the computed eigenvalues, |c_j| and |f_j c_j| per direction, the\n"
        "two-dimensional geometry in the plane of two eigen-directions, and for a path report\n"
        "df(λ), ‖θ̂_ridge(λ)‖, the coefficient paths and the spectral density.\n\nOptions");
    options.add_options()("help,h", "show this help")(
        "report", po::value(&a.report)->value_name("REPORT.json"),
        "the JSON report (--out of a command)")(
        "out", po::value(&a.out)->value_name("DIR"),
        "directory for the SVG files and index.html (default: REPORT-plots next to the report)")(
        "pair", po::value(&a.pair)->value_name("i,j"),
        "eigen-directions of the two-dimensional picture (default: 1,2)")(
        "max-lambdas", po::value(&a.max_lambdas)->default_value(5),
        "most λ of a path report drawn in the per-λ pictures");
    return options;
}

}  // namespace

int run_plot(const std::vector<std::string>& arguments) {
    PlotArguments a;
    const po::options_description options = plot_options(a);
    po::positional_options_description positional;
    positional.add("report", 1);
    po::variables_map values;
    po::store(po::command_line_parser(arguments).options(options).positional(positional).run(),
              values);
    if (values.count("help")) {
        std::cout << options << "\n";
        return exit_success;
    }
    po::notify(values);
    if (a.report.empty())
        throw UsageError("plot: give the report file, e.g. ridgelens plot report.json");
    if (a.max_lambdas < 1) throw UsageError("--max-lambdas must be at least 1");
    plot::PlotOptions plot_options;
    if (!a.pair.empty())
        std::tie(plot_options.pair_i, plot_options.pair_j) = plot::parse_pair(a.pair);
    plot_options.max_lambdas = a.max_lambdas;
    if (a.out.empty()) {
        std::filesystem::path report(a.report);
        a.out = (report.parent_path() / (report.stem().string() + "-plots")).string();
    }
    check_output_targets({{"the report", a.report}}, {}, {"--out", a.out});
    const nlohmann::json report = plot::read_report_file(a.report);
    OutputBatch batch;
    const std::string staged = batch.add_directory(a.out);
    const plot::PlotOutput output = plot::write_plots(report, staged, plot_options);
    check_standard_output();
    batch.commit();
    std::cout << "plots: " << (std::filesystem::path(a.out) / "index.html").string() << " ("
              << output.files.size() - 1 << " SVG files in " << a.out << ")\n";
    return exit_success;
}

}  // namespace ridgelens::cli
