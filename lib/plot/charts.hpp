#pragma once
/// @file charts.hpp
/// The individual pictures of a report (internal to ridgelens::report). Each
/// returns a Figure: a file name, a title, a caption for the HTML page and the
/// SVG document. Elements carry classes (and data-lambda / data-j attributes) that tests and
/// readers can count: one "decay-curve" per λ, one "eigen-marker" per eigenvalue per λ, …

#include <cstddef>
#include <string>

#include "plot/plot_data.hpp"
#include "ridgelens/plot/plot_report.hpp"  // Figure

namespace ridgelens::plot {

/// f(σ) = σ/(σ+λ) against σ (log axis), one "decay-curve" polyline per λ,
/// one "eigen-marker" per positive computed eigenvalue on every curve and a
/// "half-point" at σ = λ, f = ½.
Figure decay_chart(const PlotData& data);

/// Per direction j: a "bar-component" of |c_j| and one "bar-shrunk" of
/// |q_jᵀθ̂_ridge| per λ, side by side.
Figure components_chart(const PlotData& data);

/// The plane of (q_i, q_j) (1-based indices), equal scales on both axes:
/// "contour" ellipses of the quadratic model ½Σσ(x − m)² through each
/// θ̂_ridge, "contour-extra" ellipses (one through 0), "theta-hat" (and
/// "model-minimum" m when g ≠ 0), one "ridge-point" and one "l2-circle"
/// (the L2 circle through θ̂_ridge, tangent to its contour) per λ, and the
/// "ridge-path" of σm/(σ+λ) for λ from 0 to ∞.
/// @throws UsageError if i = j, an index is outside 1…k, or σ_i, σ_j ≤ 0.
Figure geometry_chart(const PlotData& data, std::size_t i, std::size_t j);

/// Path reports: df(λ) ("df-line", one "df-point" per λ) with its ±1
/// standard-error "df-band" (and the SLQ estimate with its band when df is
/// exact).
Figure dof_chart(const PlotData& data);

/// Path reports: ‖θ̂_ridge(λ)‖ ("norm-line", one "norm-point" per λ) and ‖θ̂‖.
Figure ridge_norm_chart(const PlotData& data);

/// Path reports: q_jᵀθ̂_ridge(λ) of the top directions, one
/// "coefficient-path" per direction.
Figure coefficient_paths_chart(const PlotData& data);

/// Path reports with a density: eigenvalue count per decade of σ
/// ("density-curve"), the computed eigenvalues as "eigen-rug" ticks and the
/// shown λ as "lambda-line"s.
Figure density_chart(const PlotData& data);

/// Whether a path report carries the λ-selection criteria.
bool has_selection_criteria(const PlotData& data);

/// Path reports with criteria: `criterion` ("gcv" or "evidence") against λ
/// ("criterion-line", one "criterion-point" per λ, a ±1 standard-error
/// "criterion-band") and the selected λ ("selected-lambda", "selected-point").
Figure criterion_chart(const PlotData& data, const std::string& criterion);

/// Path reports with criteria: the L-curve (‖Xθ_λ − y‖, ‖θ_λ‖) on log axes
/// ("lcurve-line", one "lcurve-point" per λ) and its selected "lcurve-corner".
Figure lcurve_chart(const PlotData& data);

/// Path reports with a selection: |c_j| ("picard-component") and
/// |f_j c_j| ("picard-shrunk") of the top directions against σ_j at the
/// selected λ (the evidence's when selected, else the first selection's).
Figure picard_chart(const PlotData& data);

}  // namespace ridgelens::plot
