// The charts of a path report: df(λ), ‖θ̂_ridge(λ)‖ and the coefficient paths.

#include <algorithm>
#include <cmath>

#include "plot/chart.hpp"
#include "plot/chart_text.hpp"
#include "plot/charts.hpp"

namespace ridgelens::plot {
namespace {

std::pair<double, double> lambda_domain(const PlotData& data) {
    double low = HUGE_VAL, high = 0;
    for (const PathSample& sample : data.path) {
        if (!(sample.lambda > 0)) continue;
        low = std::min(low, sample.lambda);
        high = std::max(high, sample.lambda);
    }
    if (!(high > 0)) return {1, 10};
    return decade_domain(low, high);
}

const char* lambda_axis = "penalty strength λ (log scale; units of H)";

}  // namespace

Figure dof_chart(const PlotData& data) {
    const bool exact = data.df_method == "exact";
    double top = 0;
    std::vector<double> lambda, df, band_x, band_low, band_high, slq, slq_low, slq_high;
    bool has_slq = false;
    for (const PathSample& s : data.path) {
        lambda.push_back(s.lambda);
        df.push_back(s.df);
        const double se = std::isfinite(s.df_stderr) ? s.df_stderr : 0;
        band_low.push_back(s.df - se);
        band_high.push_back(s.df + se);
        slq.push_back(s.df_slq);
        const double slq_se = std::isfinite(s.df_slq_stderr) ? s.df_slq_stderr : 0;
        slq_low.push_back(s.df_slq - slq_se);
        slq_high.push_back(s.df_slq + slq_se);
        if (exact && std::isfinite(s.df_slq)) has_slq = true;
        for (double v : {s.df + se, has_slq ? s.df_slq + slq_se : 0.0})
            if (std::isfinite(v)) top = std::max(top, v);
    }
    const auto [x_low, x_high] = lambda_domain(data);
    const auto [y_low, y_high] = nice_linear_domain(0, top > 0 ? top : 1);
    Figure figure;
    figure.name = "df.svg";
    figure.title = "Effective degrees of freedom df(λ) = Σ_j σ_j/(σ_j+λ)";
    Chart chart("df", figure.title, Axis{lambda_axis, ScaleKind::log, x_low, x_high},
                Axis{"df(λ) (linear; number of directions)", ScaleKind::linear, y_low, y_high});
    const auto band = [&](const std::vector<double>& low, const std::vector<double>& high,
                          const std::string& fill, const std::string& css_class) {
        std::vector<double> xs = lambda, ys = high;
        xs.insert(xs.end(), lambda.rbegin(), lambda.rend());
        ys.insert(ys.end(), low.rbegin(), low.rend());
        chart.polygon(xs, ys, fill, {{"class", css_class}, {"fill-opacity", "0.45"}});
    };
    const SeriesStyle main = series_style(0);
    const SeriesStyle estimate = series_style(1);
    std::vector<LegendEntry> legend;
    if (has_slq) band(slq_low, slq_high, "#E69F00", "df-slq-band");
    band(band_low, band_high, "#7f7f7f", "df-band");
    if (has_slq) {
        chart.polyline(lambda, slq, estimate, {{"class", "df-slq-line"}});
        for (std::size_t i = 0; i < lambda.size(); ++i)
            chart.marker(lambda[i], slq[i], estimate, {{"class", "df-slq-point"}}, 4);
    }
    chart.polyline(lambda, df, main, {{"class", "df-line"}});
    for (std::size_t i = 0; i < lambda.size(); ++i)
        chart.marker(lambda[i], df[i], main,
                     {{"class", "df-point"}, {"data-stderr", data_number(data.path[i].df_stderr)}},
                     4);
    legend.push_back(
        {exact ? "df, exact (dense eigen.)" : "df, top-k + SLQ", main, true, true, ""});
    legend.push_back({"± 1 standard error", SeriesStyle{"#7f7f7f", "", MarkerShape::square, 1},
                      false, false, "#bfbfbf"});
    if (has_slq) {
        legend.push_back({"SLQ estimate", estimate, true, true, ""});
        legend.push_back({"SLQ ± 1 standard error", estimate, false, false, "#f3cf80"});
    }
    chart.legend(legend);
    figure.svg = chart.finish();
    figure.caption =
        "How many directions survive the penalty: df(λ) = tr(H(H+λI)⁻¹) falls from rank(H) at "
        "λ → 0 to 0 at λ → ∞. " +
        std::string(exact ? "df is exact here (dense eigendecomposition; its band has zero "
                            "width); the stochastic Lanczos estimate is drawn with its ±1 "
                            "standard-error band for comparison."
                          : "The shaded band is df ± 1 standard error of the stochastic "
                            "Lanczos quadrature estimate of the part outside the top-k "
                            "directions.");
    return figure;
}

Figure ridge_norm_chart(const PlotData& data) {
    std::vector<double> lambda, norm;
    double top = std::isfinite(data.theta_norm) ? data.theta_norm : 0;
    for (const PathSample& s : data.path) {
        lambda.push_back(s.lambda);
        norm.push_back(s.ridge_norm);
        if (std::isfinite(s.ridge_norm)) top = std::max(top, s.ridge_norm);
    }
    const auto [x_low, x_high] = lambda_domain(data);
    const auto [y_low, y_high] = nice_linear_domain(0, top > 0 ? top : 1);
    Figure figure;
    figure.name = "ridge_norm.svg";
    figure.title = "Size of the regularized minimizer ‖θ̂_ridge(λ)‖";
    Chart chart("ridge-norm", figure.title, Axis{lambda_axis, ScaleKind::log, x_low, x_high},
                Axis{"‖θ̂_ridge(λ)‖ (linear; units of θ)", ScaleKind::linear, y_low, y_high});
    const SeriesStyle main = series_style(0);
    SeriesStyle reference = series_style(2);
    reference.width = 1.6;
    if (std::isfinite(data.theta_norm))
        chart.polyline({x_low, x_high}, {data.theta_norm, data.theta_norm}, reference,
                       {{"class", "theta-norm"}});
    chart.polyline(lambda, norm, main, {{"class", "norm-line"}});
    for (std::size_t i = 0; i < lambda.size(); ++i)
        chart.marker(lambda[i], norm[i], main, {{"class", "norm-point"}}, 4);
    chart.legend({{"‖θ̂_ridge(λ)‖", main, true, true, ""},
                  {"‖θ̂‖ = " + short_number(data.theta_norm), reference, true, false, ""}});
    figure.svg = chart.finish();
    figure.caption =
        "The norm of θ̂_ridge(λ) = (H+λI)⁻¹Hθ̂ from the exact solve at every λ of the grid: it "
        "shrinks from ‖θ̂‖ (on the range of H) towards 0 as λ grows.";
    return figure;
}

Figure coefficient_paths_chart(const PlotData& data) {
    std::size_t directions = 0;
    double low = 0, high = 0;
    for (const PathSample& s : data.path) {
        directions = std::max(directions, s.coefficients.size());
        for (double v : s.coefficients)
            if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
    }
    const auto [x_low, x_high] = lambda_domain(data);
    const auto [y_low, y_high] = nice_linear_domain(low, high);
    Figure figure;
    figure.name = "coefficient_paths.svg";
    figure.title = "Coefficient paths q_jᵀθ̂_ridge(λ) of the top directions";
    Chart chart("coefficient-paths", figure.title, Axis{lambda_axis, ScaleKind::log, x_low, x_high},
                Axis{"q_jᵀθ̂_ridge(λ) (linear; units of θ)", ScaleKind::linear, y_low, y_high});
    std::vector<LegendEntry> legend;
    for (std::size_t j = 0; j < directions; ++j) {
        const SeriesStyle style = series_style(j);
        std::vector<double> lambda, value;
        for (const PathSample& s : data.path) {
            lambda.push_back(s.lambda);
            value.push_back(j < s.coefficients.size() ? s.coefficients[j] : NAN);
        }
        chart.polyline(lambda, value, style,
                       {{"class", "coefficient-path"}, {"data-j", std::to_string(j + 1)}});
        for (std::size_t i = 0; i < lambda.size(); ++i)
            chart.marker(lambda[i], value[i], style,
                         {{"class", "coefficient-point"}, {"data-j", std::to_string(j + 1)}}, 3.5);
        const double sigma = j < data.eigenvalues.size() ? data.eigenvalues[j] : NAN;
        legend.push_back({"j = " + std::to_string(j + 1) + " (σ = " + short_number(sigma) + ")",
                          style, true, true, ""});
    }
    chart.legend(legend);
    figure.svg = chart.finish();
    figure.caption =
        "The component of θ̂_ridge(λ) along each of the top eigen-directions, from the exact "
        "solve, against λ. Each path keeps its value c_j while λ ≪ σ_j and falls to 0 around "
        "λ ≈ σ_j (it is c_j·σ_j/(σ_j+λ)).";
    return figure;
}

Figure density_chart(const PlotData& data) {
    double low = HUGE_VAL, high = 0, top = 0;
    for (std::size_t i = 0; i < data.density_sigma.size(); ++i) {
        const double sigma = data.density_sigma[i];
        if (data.density_log ? sigma > 0 : std::isfinite(sigma)) {
            low = std::min(low, sigma);
            high = std::max(high, sigma);
        }
        if (std::isfinite(data.density_value[i])) top = std::max(top, data.density_value[i]);
    }
    if (!(high > low)) low = 1, high = 10;
    const auto [x_low, x_high] =
        data.density_log ? decade_domain(low, high) : std::pair<double, double>{low, high};
    const auto [y_low, y_high] = nice_linear_domain(0, top > 0 ? top : 1);
    Figure figure;
    figure.name = "spectral_density.svg";
    figure.title = "Spectral density of H (stochastic Lanczos quadrature)";
    Chart chart("density", figure.title,
                Axis{data.density_log ? "eigenvalue σ (log scale; units of H)"
                                      : "eigenvalue σ (linear; units of H)",
                     data.density_log ? ScaleKind::log : ScaleKind::linear, x_low, x_high},
                Axis{data.density_log ? "eigenvalues per decade of σ (linear)"
                                      : "eigenvalues per unit σ (linear)",
                     ScaleKind::linear, y_low, y_high});
    const SeriesStyle main = series_style(0);
    std::vector<LegendEntry> legend;
    for (std::size_t l = 0; l < data.lambdas.size(); ++l) {
        SeriesStyle style = series_style(l + 1);
        style.width = 1.4;
        chart.polyline({data.lambdas[l], data.lambdas[l]}, {y_low, y_high}, style,
                       {{"class", "lambda-line"}, {"data-lambda", data_number(data.lambdas[l])}});
        legend.push_back({"σ = " + value_label(data.lambdas[l]) + " (λ)", style, true, false, ""});
    }
    chart.polyline(data.density_sigma, data.density_value, main, {{"class", "density-curve"}});
    const double rug_top = y_low + 0.06 * (y_high - y_low);
    for (std::size_t j = 0; j < data.eigenvalues.size(); ++j) {
        const double sigma = data.eigenvalues[j];
        if (data.density_log && !(sigma > 0)) continue;
        SeriesStyle rug = series_style(4);
        rug.width = 1.8;
        chart.polyline({sigma, sigma}, {y_low, rug_top}, rug,
                       {{"class", "eigen-rug"}, {"data-j", std::to_string(j + 1)}});
    }
    legend.insert(legend.begin(), {"density (n × SLQ estimate)", main, true, false, ""});
    SeriesStyle rug = series_style(4);
    legend.insert(legend.begin() + 1, {"computed σ_j (top-k)", rug, true, false, ""});
    chart.legend(legend);
    figure.svg = chart.finish();
    figure.caption =
        "The whole spectrum of H, estimated by stochastic Lanczos quadrature (smoothed; the top-k "
        "eigenvalues, marked as ticks at the bottom, are exact). Eigenvalues left of a vertical "
        "line σ = λ are mostly decayed away by that λ, those right of it kept.";
    if (data.density_null_mass > 0)
        figure.caption += " A fraction " + short_number(data.density_null_mass) +
                          " of the eigenvalues is at or below the null threshold and cannot be "
                          "placed on the log axis.";
    return figure;
}

}  // namespace ridgelens::plot
