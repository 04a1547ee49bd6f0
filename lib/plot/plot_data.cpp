#include "plot/plot_data.hpp"

#include <cmath>
#include <limits>

#include "ridgelens/error.hpp"

namespace ridgelens::plot {

using nlohmann::json;

const char* to_string(ReportKind kind) {
    switch (kind) {
        case ReportKind::analyze:
            return "analyze";
        case ReportKind::fit:
            return "fit";
        case ReportKind::path:
            return "path";
    }
    return "?";
}

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

const json& field(const json& object, const char* name, const std::string& where) {
    if (!object.is_object() || !object.contains(name))
        throw InputError("report: missing field '" + where + name + "'");
    return object.at(name);
}

/// A string field, or `fallback` when it is absent; any other type is refused.
std::string string_or(const json& object, const char* name, const std::string& where,
                      const std::string& fallback = "") {
    if (!object.is_object() || !object.contains(name)) return fallback;
    const json& value = object.at(name);
    if (!value.is_string())
        throw InputError("report: field '" + where + name + "' is not a string");
    return value.get<std::string>();
}

const json& array_field(const json& object, const char* name, const std::string& where) {
    const json& value = field(object, name, where);
    if (!value.is_array()) throw InputError("report: field '" + where + name + "' is not an array");
    return value;
}

double number_or_nan(const json& value, const std::string& where) {
    if (value.is_null()) return nan;
    if (!value.is_number()) throw InputError("report: field '" + where + "' is not a number");
    return value.get<double>();
}

double number_field(const json& object, const char* name, const std::string& where) {
    return number_or_nan(field(object, name, where), where + name);
}

std::vector<double> number_array(const json& value, const std::string& where) {
    if (!value.is_array()) throw InputError("report: field '" + where + "' is not an array");
    std::vector<double> out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i)
        out.push_back(number_or_nan(value[i], where + "[" + std::to_string(i) + "]"));
    return out;
}

/// m_j from one λ: q_jᵀθ̂_ridge(λ)·(σ_j+λ)/σ_j (NaN for σ_j ≤ 0).
std::vector<double> centre_from(const std::vector<double>& shrunk, const std::vector<double>& sigma,
                                double lambda) {
    std::vector<double> centre(shrunk.size(), nan);
    for (std::size_t j = 0; j < shrunk.size() && j < sigma.size(); ++j)
        if (sigma[j] > 0) centre[j] = shrunk[j] * (sigma[j] + lambda) / sigma[j];
    return centre;
}

void read_lambda_entries(const json& report, PlotData& data) {
    const json& lambdas = field(report, "lambdas", "");
    if (!lambdas.is_array() || lambdas.empty())
        throw InputError("report: 'lambdas' is not a non-empty array");
    for (std::size_t l = 0; l < lambdas.size(); ++l) {
        const std::string where = "lambdas[" + std::to_string(l) + "].";
        const json& entry = lambdas[l];
        data.lambdas.push_back(number_field(entry, "lambda", where));
        const json& directions = array_field(entry, "directions", where);
        std::vector<double> shrunk, sigma, component;
        for (std::size_t j = 0; j < directions.size(); ++j) {
            const std::string at = where + "directions[" + std::to_string(j) + "].";
            // "predicted" (reports since it was added) and "shrunk" are the same number.
            shrunk.push_back(number_field(
                directions[j], directions[j].contains("predicted") ? "predicted" : "shrunk", at));
            sigma.push_back(number_field(directions[j], "sigma", at));
            component.push_back(number_field(directions[j], "component", at));
        }
        if (l == 0) set_first_lambda_directions(data, shrunk, sigma, component);
        data.shrunk.push_back(std::move(shrunk));
    }
}

void read_path(const json& report, PlotData& data, std::size_t max_lambdas) {
    const json& path = field(report, "path", "");
    if (!path.is_array() || path.empty())
        throw InputError("report: 'path' is not a non-empty array");
    data.df_method = string_or(report, "df_method", "");
    // A report read by read_report_file holds a thinned grid and says how many
    // λ the whole grid has.
    data.path_points_in_report = path.size();
    if (report.contains("path_points")) {
        const double points = number_field(report, "path_points", "");
        if (!(points >= static_cast<double>(path.size())) || points > 1e15)
            throw InputError("report: 'path_points' is less than the length of 'path'");
        data.path_points_in_report = static_cast<std::size_t>(points);
    }
    std::vector<std::vector<double>> predicted;
    for (const std::size_t i : drawn_path_indices(path.size())) {
        const std::string where = "path[" + std::to_string(i) + "].";
        const json& point = path[i];
        PathSample sample;
        sample.lambda = number_field(point, "lambda", where);
        sample.df = number_field(point, "df", where);
        sample.df_stderr = number_field(point, "df_stderr", where);
        sample.df_slq = point.contains("df_slq") ? number_field(point, "df_slq", where) : nan;
        sample.df_slq_stderr =
            point.contains("df_slq_stderr") ? number_field(point, "df_slq_stderr", where) : nan;
        sample.ridge_norm = number_field(point, "ridge_norm", where);
        // The solved coefficients: "solved" (reports since it was added), or "shrunk".
        const char* solved = point.contains("solved") ? "solved" : "shrunk";
        sample.coefficients = number_array(field(point, solved, where), where + solved);
        const auto optional = [&](const char* name) {
            return point.contains(name) ? number_field(point, name, where) : nan;
        };
        sample.residual_norm = optional("residual_norm");
        sample.gcv = optional("gcv");
        sample.gcv_stderr = optional("gcv_stderr");
        sample.log_evidence = optional("log_evidence");
        sample.log_evidence_stderr = optional("log_evidence_stderr");
        predicted.push_back(number_array(field(point, "predicted", where), where + "predicted"));
        data.path.push_back(std::move(sample));
    }
    if (report.contains("selection")) {
        const json& selection = report["selection"];
        if (!selection.is_array()) throw InputError("report: 'selection' is not an array");
        for (std::size_t i = 0; i < selection.size(); ++i) {
            const std::string where = "selection[" + std::to_string(i) + "].";
            SelectedLambda selected;
            selected.criterion = string_or(selection[i], "criterion", where);
            selected.lambda = number_field(selection[i], "lambda", where);
            selected.value = number_field(selection[i], "value", where);
            const json& resolved = field(selection[i], "resolved", where);
            if (!resolved.is_boolean())
                throw InputError("report: " + where + "resolved is not a boolean");
            selected.resolved = resolved.get<bool>();
            data.selections.push_back(selected);
        }
    }
    finish_path(data, predicted, max_lambdas);
    const auto read_density = [&](const char* name, bool log_grid) {
        if (!report.contains(name) || !report[name].is_object()) return false;
        const json& density = report[name];
        if (!density.contains("sigma") || !density.contains("value")) return false;
        const double null_mass = log_grid && density.contains("null_mass")
                                     ? number_or_nan(density["null_mass"], "log_density.null_mass")
                                     : 0.0;
        return set_density(data, number_array(density["sigma"], std::string(name) + ".sigma"),
                           number_array(density["value"], std::string(name) + ".value"), log_grid,
                           null_mass);
    };
    if (!read_density("log_density", true)) read_density("density", false);
}

PlotData read_checked_plot_data(const json& report, std::size_t max_lambdas);

}  // namespace

std::vector<std::size_t> drawn_path_indices(std::size_t size) {
    // A grid longer than max_path_points is drawn at evenly spread points.
    std::vector<std::size_t> chosen;
    const std::size_t kept = std::min(size, max_path_points);
    for (std::size_t s = 0; s < kept; ++s)
        chosen.push_back(kept == 1 ? 0 : s * (size - 1) / (kept - 1));
    return chosen;
}

void set_first_lambda_directions(PlotData& data, const std::vector<double>& shrunk,
                                 const std::vector<double>& sigma,
                                 const std::vector<double>& component) {
    data.components = component;
    data.centre =
        data.gradient_norm == 0 ? component : centre_from(shrunk, sigma, data.lambdas.front());
}

void finish_path(PlotData& data, const std::vector<std::vector<double>>& predicted,
                 std::size_t max_lambdas) {
    // The centre from the smallest λ (least cancellation in (σ+λ)/σ).
    std::size_t first = 0;
    for (std::size_t i = 1; i < data.path.size(); ++i)
        if (data.path[i].lambda < data.path[first].lambda) first = i;
    data.centre = centre_from(predicted[first], data.eigenvalues, data.path[first].lambda);
    if (data.gradient_norm == 0) data.components = data.centre;
    const std::size_t count = std::min(std::max<std::size_t>(max_lambdas, 1), data.path.size());
    for (std::size_t s = 0; s < count; ++s) {
        const std::size_t i = count == 1 ? 0 : s * (data.path.size() - 1) / (count - 1);
        data.lambdas.push_back(data.path[i].lambda);
        data.shrunk.push_back(predicted[i]);
    }
}

bool set_density(PlotData& data, std::vector<double> sigma, std::vector<double> value,
                 bool log_grid, double null_mass) {
    if (sigma.size() < 2 || sigma.size() != value.size()) return false;
    for (double& v : value) v *= data.n;
    data.density_sigma = std::move(sigma);
    data.density_value = std::move(value);
    data.density_log = log_grid;
    if (log_grid) data.density_null_mass = null_mass;
    return true;
}

PlotData read_plot_data(const json& report, std::size_t max_lambdas) {
    if (!report.is_object()) throw InputError("report: not a JSON object");
    try {
        return read_checked_plot_data(report, max_lambdas);
    } catch (const json::exception& error) {
        // Every field is checked before it is read; this is the safety net.
        throw InputError(std::string("report: a field has an unexpected JSON type (") +
                         error.what() + ")");
    }
}

namespace {

PlotData read_checked_plot_data(const json& report, std::size_t max_lambdas) {
    PlotData data;
    if (report.contains("kind")) {
        const std::string kind = string_or(report, "kind", "");
        if (kind == "path" || kind == "fit" || kind == "analyze")
            data.kind = kind == "path"  ? ReportKind::path
                        : kind == "fit" ? ReportKind::fit
                                        : ReportKind::analyze;
        else
            throw InputError("report: 'kind' is '" + kind + "', expected analyze, fit or path");
        if (!report.contains(data.kind == ReportKind::path ? "path" : "lambdas"))
            throw InputError(
                std::string("report: a ") + to_string(data.kind) + " report without '" +
                (data.kind == ReportKind::path ? "path" : "lambdas") + "'" +
                (string_or(report, "status", "") == "fit_failed" ? " (the fit failed)" : ""));
    } else if (report.contains("path"))
        data.kind = ReportKind::path;
    else if (report.contains("model"))
        data.kind = ReportKind::fit;
    else if (report.contains("lambdas"))
        data.kind = ReportKind::analyze;
    else
        throw InputError(
            "report: neither 'lambdas' nor 'path' found — not a report of analyze, fit or path" +
            std::string(string_or(report, "status", "") == "fit_failed" ? " (the fit failed)"
                                                                        : ""));
    const json& problem = field(report, "problem", "");
    data.source = string_or(problem, "source", "problem.");
    if (data.kind == ReportKind::fit && report["model"].is_object())
        data.source = string_or(report["model"], "name", "model.") + " on " +
                      string_or(report["model"], "data", "model.");
    data.n = number_field(problem, "n", "problem.");
    data.theta_norm = number_field(problem, "theta_norm", "problem.");
    data.gradient_norm =
        problem.contains("gradient_norm") ? number_field(problem, "gradient_norm", "problem.") : 0;
    if (!(data.gradient_norm >= 0)) data.gradient_norm = nan;
    data.eigenvalues =
        number_array(field(field(report, "eigen", ""), "values", "eigen."), "eigen.values");
    if (data.kind == ReportKind::path)
        read_path(report, data, max_lambdas);
    else
        read_lambda_entries(report, data);
    return data;
}

}  // namespace

}  // namespace ridgelens::plot
