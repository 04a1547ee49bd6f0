#pragma once
/// @file plot_data.hpp
/// What the charts need, read from a JSON report of `analyze`, `fit` or
/// `path` (README "The JSON report").

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ridgelens/analysis/path.hpp"

namespace ridgelens::plot {

enum class ReportKind { analyze, fit, path };

/// "analyze", "fit" or "path".
const char* to_string(ReportKind kind);

/// One λ of the path report.
struct PathSample {
    double lambda = 0;
    double df = 0;
    double df_stderr = 0;
    double df_slq = 0;
    double df_slq_stderr = 0;
    double ridge_norm = 0;
    std::vector<double> coefficients;  ///< q_jᵀθ̂_ridge(λ) from the solve ("shrunk")
    /// λ-selection criteria (NaN when the report has none)
    double residual_norm = 0;
    double gcv = 0;
    double gcv_stderr = 0;
    double log_evidence = 0;
    double log_evidence_stderr = 0;
};

/// The selected λ of one criterion of a path report ("selection").
struct SelectedLambda {
    std::string criterion;  ///< "gcv", "evidence" or "lcurve"
    double lambda = 0;
    double value = 0;
    bool resolved = false;
};

/// The numbers behind the pictures. Values the report has as null (non-finite)
/// are NaN here.
struct PlotData {
    ReportKind kind = ReportKind::analyze;
    std::string source;               ///< problem.source (and the model for fit reports)
    double n = 0;                     ///< problem.n
    double theta_norm = 0;            ///< ‖θ̂‖
    double gradient_norm = 0;         ///< ‖g‖, g = ∇R(θ̂)
    std::vector<double> eigenvalues;  ///< eigen.values, σ_1 ≥ σ_2 ≥ …
    /// c_j = q_jᵀθ̂ of the directions; empty when the report cannot give it
    /// (a path report with g ≠ 0).
    std::vector<double> components;
    /// m_j = q_jᵀθ̂ − q_jᵀg/σ_j, the minimizer of the quadratic model along q_j
    /// (= c_j when g = 0): the centre of its contour ellipses and the λ → 0
    /// end of the ridge path. Recovered as shrunk_j(λ)·(σ_j+λ)/σ_j.
    std::vector<double> centre;
    /// The λ of the per-λ charts: every λ of an analyze/fit report, up to
    /// `max_lambdas` spread over the grid of a path report.
    std::vector<double> lambdas;
    /// shrunk[l][j] = predicted q_jᵀθ̂_ridge(lambdas[l]) = (σ_j c_j − q_jᵀg)/(σ_j+λ).
    std::vector<std::vector<double>> shrunk;
    /// Path reports: every λ of the grid, or an evenly spread subset of
    /// `max_path_points` (the first and last included) for a longer grid.
    std::vector<PathSample> path;
    std::size_t path_points_in_report = 0;  ///< λ of the report's grid (≥ path.size())
    std::string df_method;                  ///< path reports: "exact" or "slq"
    /// Spectral density of a path report: σ grid and eigenvalue count per
    /// decade of σ (n × density per unit log10 σ), or per unit σ when only the
    /// linear density is present. Empty when the report has none.
    std::vector<double> density_sigma;
    std::vector<double> density_value;
    bool density_log = true;       ///< log-σ grid (per decade) or linear (per unit σ)
    double density_null_mass = 0;  ///< fraction of eigenvalues at or below the null threshold
    std::vector<SelectedLambda> selections;  ///< path reports with λ selection
};

/// Reads a report. `max_lambdas` ≥ 1 caps the λ of a path report shown in
/// the per-λ charts. @throws InputError naming the missing or malformed field.
PlotData read_plot_data(const nlohmann::json& report, std::size_t max_lambdas = 5);

/// The same numbers taken from the results in memory, as the commands have
/// them before any report is written (every non-finite value becomes NaN, as
/// a report's null does). `source` is the heading's problem or model.
/// @throws UsageError when the result has no λ to draw.
PlotData plot_data_of_analysis(const ProblemSummary& problem, const AnalysisResult& result,
                               ReportKind kind, const std::string& source);
PlotData plot_data_of_path(const ProblemSummary& problem, const PathResult& result,
                           std::size_t max_lambdas);

// The steps both readers share.

/// Which of a path's `size` points are drawn: all, or `max_path_points` evenly
/// spread (the first and the last included).
std::vector<std::size_t> drawn_path_indices(std::size_t size);
/// components and centre from the first λ's directions (analyze and fit),
/// after data.lambdas holds that λ: shrunk_j, σ_j and c_j.
void set_first_lambda_directions(PlotData& data, const std::vector<double>& shrunk,
                                 const std::vector<double>& sigma,
                                 const std::vector<double>& component);
/// After data.path and its samples' predicted coefficients: the centre (from
/// the smallest λ) and the λ of the per-λ charts.
void finish_path(PlotData& data, const std::vector<std::vector<double>>& predicted,
                 std::size_t max_lambdas);
/// The spectral density per unit (log) σ, scaled to counts by data.n; false
/// (nothing set) without at least two points of equal length.
bool set_density(PlotData& data, std::vector<double> sigma, std::vector<double> value,
                 bool log_grid, double null_mass);

/// Most λ of a path report drawn in the df, norm and coefficient-path pictures;
/// a longer grid is drawn at this many evenly spread λ (an SVG of millions of
/// points would not open), which the page says.
inline constexpr std::size_t max_path_points = 2000;

}  // namespace ridgelens::plot
