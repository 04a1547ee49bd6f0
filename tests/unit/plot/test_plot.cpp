// The pictures: every SVG is parsed as XML (a small parser here, and Python's
// xml.etree as an independent one when /usr/bin/python3 exists), its elements
// counted by class, and its coordinates checked against closed forms
// computed here — f(σ) = σ/(σ+λ), f_j c_j, the contour and L2 circle through
// θ̂_ridge — by mapping pixels back through the axis ranges the chart declares.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "plot/plot_data.hpp"
#include "plot/scale.hpp"
#include "plot/svg.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/plot/plot_report.hpp"

namespace {

using nlohmann::json;
using namespace ridgelens::plot;

// ---------------------------------------------------------------- a tiny XML parser

struct Node {
    std::string tag;
    std::map<std::string, std::string> attributes;
    std::vector<std::unique_ptr<Node>> children;
    std::string text;
    bool has(const std::string& name) const { return attributes.count(name) > 0; }
    const std::string& at(const std::string& name) const { return attributes.at(name); }
    double number(const std::string& name) const { return std::stod(attributes.at(name)); }
    bool has_class(const std::string& name) const {
        if (!has("class")) return false;
        std::istringstream words(at("class"));
        for (std::string word; words >> word;)
            if (word == name) return true;
        return false;
    }
};

/// Parses a document or throws std::runtime_error saying where it is not
/// well-formed: one root, matched tags, quoted attributes without duplicates
/// or raw '<', only the five predefined entities and character references.
class XmlParser {
  public:
    explicit XmlParser(const std::string& text) : s_(text) {}

    std::unique_ptr<Node> parse() {
        skip_misc();
        if (s_.compare(i_, 5, "<?xml") == 0) {
            i_ = s_.find("?>", i_);
            if (i_ == std::string::npos) fail("unterminated declaration");
            i_ += 2;
        }
        skip_misc();
        if (i_ >= s_.size() || s_[i_] != '<') fail("no root element");
        auto root = element();
        skip_misc();
        if (i_ != s_.size()) fail("content after the root element");
        return root;
    }

  private:
    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error("XML not well-formed at byte " + std::to_string(i_) + ": " + why);
    }
    void skip_space() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    void skip_misc() {
        for (;;) {
            skip_space();
            if (s_.compare(i_, 4, "<!--") == 0) {
                i_ = s_.find("-->", i_);
                if (i_ == std::string::npos) fail("unterminated comment");
                i_ += 3;
            } else {
                return;
            }
        }
    }
    std::string name() {
        const std::size_t start = i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) ||
                                  s_[i_] == '-' || s_[i_] == '_' || s_[i_] == ':' || s_[i_] == '.'))
            ++i_;
        if (i_ == start) fail("expected a name");
        return s_.substr(start, i_ - start);
    }
    std::string decode(const std::string& raw) const {
        std::string out;
        for (std::size_t k = 0; k < raw.size(); ++k) {
            if (raw[k] == '<') fail("raw '<' in text or attribute");
            if (raw[k] != '&') {
                out += raw[k];
                continue;
            }
            const std::size_t end = raw.find(';', k);
            if (end == std::string::npos) fail("'&' without ';'");
            const std::string entity = raw.substr(k + 1, end - k - 1);
            static const std::map<std::string, std::string> known = {
                {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
            if (known.count(entity))
                out += known.at(entity);
            else if (entity.size() > 1 && entity[0] == '#')
                out += '?';
            else
                fail("unknown entity &" + entity + ";");
            k = end;
        }
        return out;
    }
    std::unique_ptr<Node> element() {
        ++i_;  // '<'
        auto node = std::make_unique<Node>();
        node->tag = name();
        for (;;) {
            skip_space();
            if (i_ >= s_.size()) fail("unterminated start tag");
            if (s_.compare(i_, 2, "/>") == 0) {
                i_ += 2;
                return node;
            }
            if (s_[i_] == '>') {
                ++i_;
                break;
            }
            const std::string attribute = name();
            skip_space();
            if (i_ >= s_.size() || s_[i_] != '=') fail("attribute without '='");
            ++i_;
            skip_space();
            const char quote = s_[i_];
            if (quote != '"' && quote != '\'') fail("unquoted attribute value");
            const std::size_t end = s_.find(quote, i_ + 1);
            if (end == std::string::npos) fail("unterminated attribute value");
            if (node->attributes.count(attribute)) fail("duplicate attribute " + attribute);
            node->attributes[attribute] = decode(s_.substr(i_ + 1, end - i_ - 1));
            i_ = end + 1;
        }
        for (;;) {
            const std::size_t next = s_.find('<', i_);
            if (next == std::string::npos) fail("unclosed <" + node->tag + ">");
            node->text += decode(s_.substr(i_, next - i_));
            i_ = next;
            if (s_.compare(i_, 4, "<!--") == 0) {
                skip_misc();
            } else if (s_.compare(i_, 2, "</") == 0) {
                i_ += 2;
                if (name() != node->tag) fail("mismatched end tag for <" + node->tag + ">");
                skip_space();
                if (i_ >= s_.size() || s_[i_] != '>') fail("bad end tag");
                ++i_;
                return node;
            } else {
                node->children.push_back(element());
            }
        }
    }
    const std::string& s_;
    std::size_t i_ = 0;
};

void collect(const Node& node, const std::string& css_class, std::vector<const Node*>& out) {
    if (node.has_class(css_class)) out.push_back(&node);
    for (const auto& child : node.children) collect(*child, css_class, out);
}
std::vector<const Node*> by_class(const Node& root, const std::string& css_class) {
    std::vector<const Node*> out;
    collect(root, css_class, out);
    return out;
}

/// Python's parser, as a second opinion; true when it is not installed.
bool python_parses(const std::string& svg, std::string& message) {
    if (!std::filesystem::exists("/usr/bin/python3")) return true;
    const auto path = std::filesystem::temp_directory_path() /
                      ("ridgelens-plot-" + std::to_string(::getpid()) + ".svg");
    std::ofstream(path) << svg;
    const std::string command =
        "/usr/bin/python3 -c \"import sys, xml.etree.ElementTree as E; "
        "E.parse(sys.argv[1])\" '" +
        path.string() + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[512];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe)) message += buffer;
    const int status = pipe ? ::pclose(pipe) : -1;
    std::filesystem::remove(path);
    return status == 0;
}

/// The axis mapping a chart declares on its plot group, inverted here.
struct AxisMap {
    bool log = false;
    double d0 = 0, d1 = 1, r0 = 0, r1 = 1;
    double to_pixel(double v) const {
        const double t = log ? (std::log10(v) - std::log10(d0)) / (std::log10(d1) - std::log10(d0))
                             : (v - d0) / (d1 - d0);
        return r0 + t * (r1 - r0);
    }
    double to_data(double p) const {
        const double t = (p - r0) / (r1 - r0);
        return log ? std::pow(10.0, std::log10(d0) + t * (std::log10(d1) - std::log10(d0)))
                   : d0 + t * (d1 - d0);
    }
};
AxisMap axis_map(const Node& root, const std::string& axis) {
    const auto plot = by_class(root, "plot-area");
    EXPECT_EQ(plot.size(), 1u);
    AxisMap map;
    map.log = plot[0]->at("data-" + axis + "-scale") == "log";
    std::istringstream(plot[0]->at("data-" + axis + "-domain")) >> map.d0 >> map.d1;
    std::istringstream(plot[0]->at("data-" + axis + "-range")) >> map.r0 >> map.r1;
    return map;
}

/// Pixel position of a marker written as transform="translate(x y)".
std::pair<double, double> translate_of(const Node& node) {
    double x = 0, y = 0;
    EXPECT_EQ(std::sscanf(node.at("transform").c_str(), "translate(%lf %lf)", &x, &y), 2);
    return {x, y};
}

std::vector<std::pair<double, double>> points_of(const Node& node) {
    std::vector<std::pair<double, double>> points;
    std::istringstream in(node.at("points"));
    for (std::string pair; in >> pair;) {
        const auto comma = pair.find(',');
        points.emplace_back(std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1)));
    }
    return points;
}

std::unique_ptr<Node> parse_svg(const Figure& figure) {
    std::string message;
    EXPECT_TRUE(python_parses(figure.svg, message)) << figure.name << ": " << message;
    std::unique_ptr<Node> root;
    EXPECT_NO_THROW(root = XmlParser(figure.svg).parse()) << figure.name;
    if (!root) root = std::make_unique<Node>();
    EXPECT_EQ(root->tag, "svg") << figure.name;
    return root;
}

const Figure& find_figure(const FigureSet& set, const std::string& name) {
    for (const Figure& figure : set.figures)
        if (figure.name == name) return figure;
    throw std::runtime_error("no figure " + name);
}

// ---------------------------------------------------------------- synthetic reports

const std::vector<double> sigma = {100, 10, 1, 0.1};
const std::vector<double> component = {1.0, -2.0, 0.5, 3.0};
const std::vector<double> lambdas = {0.5, 10, 1000};

/// An analyze-style report; with a gradient g, shrunk = (σc − g)/(σ+λ).
json analysis_report(const std::vector<double>& gradient = {}) {
    json entries = json::array();
    for (double lambda : lambdas) {
        json directions = json::array();
        for (std::size_t j = 0; j < sigma.size(); ++j) {
            const double g = gradient.empty() ? 0 : gradient[j];
            const double shrunk = (sigma[j] * component[j] - g) / (sigma[j] + lambda);
            directions.push_back({{"j", j + 1},
                                  {"sigma", sigma[j]},
                                  {"component", component[j]},
                                  {"factor", sigma[j] / (sigma[j] + lambda)},
                                  {"shrunk", shrunk},
                                  {"solved", shrunk},
                                  {"curvature", "positive"}});
        }
        entries.push_back({{"lambda", lambda}, {"directions", directions}});
    }
    double g_norm = 0;
    for (double g : gradient) g_norm += g * g;
    json report{{"status", "ok"},
                {"problem",
                 {{"n", 4},
                  {"source", "synthetic <diag> & \"friends\""},
                  {"theta_norm", 3.8},
                  {"gradient_norm", std::sqrt(g_norm)}}},
                {"eigen", {{"values", sigma}}},
                {"lambdas", entries}};
    if (!gradient.empty()) report["model"] = {{"name", "logistic"}, {"data", "synthetic"}};
    return report;
}

/// A path report over a grid of 8 λ with exact df of the 4-eigenvalue spectrum.
json path_report() {
    json points = json::array();
    for (int i = 0; i < 8; ++i) {
        const double lambda = std::pow(10.0, -2 + i * 5.0 / 7);
        double df = 0, norm2 = 0;
        std::vector<double> coefficients;
        for (std::size_t j = 0; j < sigma.size(); ++j) {
            const double f = sigma[j] / (sigma[j] + lambda);
            df += f;
            coefficients.push_back(f * component[j]);
            norm2 += f * component[j] * f * component[j];
        }
        points.push_back({{"lambda", lambda},
                          {"df", df},
                          {"df_stderr", 0.1 * df},
                          {"df_slq", df},
                          {"df_slq_stderr", 0.1 * df},
                          {"ridge_norm", std::sqrt(norm2)},
                          {"shrunk", coefficients},
                          {"predicted", coefficients}});
    }
    std::vector<double> grid, value;
    for (int i = 0; i < 50; ++i) {
        grid.push_back(std::pow(10.0, -2 + i * 4.0 / 49));
        value.push_back(0.25 * std::exp(-std::pow(std::log10(grid.back()), 2)));
    }
    return json{
        {"status", "ok"},
        {"problem",
         {{"n", 4}, {"source", "synthetic path"}, {"theta_norm", 3.8}, {"gradient_norm", 0}}},
        {"eigen", {{"values", sigma}}},
        {"df_method", "slq"},
        {"log_density", {{"sigma", grid}, {"value", value}, {"null_mass", 0}}},
        {"path", points}};
}

// ---------------------------------------------------------------- tests

TEST(PlotSvg, EscapesTextAndAttributes) {
    SvgWriter svg(100, 50, "a <title> & \"quotes\"");
    svg.element("text", {{"data-note", "x<y & 'z'\x01"}}, "1 < 2 && 3 > 2");
    svg.open("g", {{"class", "group"}});
    svg.element("rect", {{"width", px(10.004)}, {"height", px(-0.001)}});
    const std::string text = svg.finish();  // closes <g> and <svg>
    const auto root = XmlParser(text).parse();
    ASSERT_EQ(root->children.size(), 3u);
    EXPECT_EQ(root->children[0]->text, "a <title> & \"quotes\"");
    EXPECT_EQ(root->children[1]->at("data-note"), "x<y & 'z'") << "control character dropped";
    EXPECT_EQ(root->children[1]->text, "1 < 2 && 3 > 2");
    EXPECT_EQ(root->children[2]->children[0]->at("width"), "10");
    EXPECT_EQ(root->children[2]->children[0]->at("height"), "0");
    std::string message;
    EXPECT_TRUE(python_parses(text, message)) << message;
}

TEST(PlotScale, LogAndLinearMappingsAndTicks) {
    const Scale log(ScaleKind::log, 1e-2, 1e6, 100, 900);
    EXPECT_NEAR(log(1e2), 500, 1e-9) << "10² is the middle decade of 10⁻²…10⁶";
    EXPECT_NEAR(log.invert(300), 1.0, 1e-12);
    EXPECT_EQ(log.ticks().front(), 1e-2);
    EXPECT_EQ(log.tick_label(1e-3), "10⁻³");
    EXPECT_EQ(log.tick_label(1e12), "10¹²");
    const Scale linear(ScaleKind::linear, 0, 1, 400, 0);
    EXPECT_NEAR(linear(0.25), 300, 1e-12);
    const std::vector<double> ticks = linear.ticks(5);
    ASSERT_EQ(ticks.size(), 6u);
    EXPECT_NEAR(ticks[1], 0.2, 1e-12);
    const auto [low, high] = nice_linear_domain(-0.13, 2.7);
    EXPECT_LE(low, -0.13);
    EXPECT_GE(high, 2.7);
    EXPECT_THROW(Scale(ScaleKind::log, 0, 1, 0, 1), ridgelens::UsageError);
}

TEST(PlotDecay, OneCurvePerLambdaOneMarkerPerEigenvalueOnTheClosedForm) {
    const FigureSet set = make_figures(analysis_report());
    ASSERT_EQ(set.figures.size(), 3u);
    const auto root = parse_svg(find_figure(set, "decay.svg"));
    const AxisMap x = axis_map(*root, "x");
    const AxisMap y = axis_map(*root, "y");
    EXPECT_TRUE(x.log);
    EXPECT_FALSE(y.log);

    const auto curves = by_class(*root, "decay-curve");
    ASSERT_EQ(curves.size(), lambdas.size());
    for (std::size_t l = 0; l < lambdas.size(); ++l) {
        const double lambda = std::stod(curves[l]->at("data-lambda"));
        EXPECT_DOUBLE_EQ(lambda, lambdas[l]);
        const auto points = points_of(*curves[l]);
        ASSERT_GT(points.size(), 100u);
        double worst = 0;
        for (const auto& [px_x, px_y] : points) {
            const double s = x.to_data(px_x);
            worst = std::max(worst, std::abs(y.to_data(px_y) - s / (s + lambda)));
        }
        EXPECT_LT(worst, 2e-3) << "curve λ = " << lambda << " off σ/(σ+λ)";
    }
    const auto markers = by_class(*root, "eigen-marker");
    ASSERT_EQ(markers.size(), sigma.size() * lambdas.size());
    for (std::size_t l = 0; l < lambdas.size(); ++l) {
        std::size_t count = 0;
        for (const Node* marker : markers) {
            if (std::stod(marker->at("data-lambda")) != lambdas[l]) continue;
            ++count;
            const std::size_t j = std::stoul(marker->at("data-j")) - 1;
            const double expected = sigma[j] / (sigma[j] + lambdas[l]);
            const auto [mx, my] = translate_of(*marker);
            EXPECT_NEAR(mx, x.to_pixel(sigma[j]), 0.01);
            EXPECT_NEAR(my, y.to_pixel(expected), 0.01);
        }
        EXPECT_EQ(count, sigma.size()) << "one marker per eigenvalue on curve " << l;
    }
    // σ = λ sits at f = ½.
    const auto halves = by_class(*root, "half-point");
    ASSERT_EQ(halves.size(), lambdas.size());
    for (std::size_t l = 0; l < lambdas.size(); ++l) {
        const auto [hx, hy] = translate_of(*halves[l]);
        EXPECT_NEAR(hx, x.to_pixel(lambdas[l]), 0.01);
        EXPECT_NEAR(hy, y.r0 + (0.5 - y.d0) / (y.d1 - y.d0) * (y.r1 - y.r0), 0.01);
    }
    EXPECT_EQ(by_class(*root, "legend-entry").size(), lambdas.size() + 1);
}

TEST(PlotComponents, BarsAreAbsCAndAbsFc) {
    const FigureSet set = make_figures(analysis_report());
    const auto root = parse_svg(find_figure(set, "components.svg"));
    const AxisMap y = axis_map(*root, "y");
    const auto bars_c = by_class(*root, "bar-component");
    const auto bars_f = by_class(*root, "bar-shrunk");
    ASSERT_EQ(bars_c.size(), sigma.size());
    ASSERT_EQ(bars_f.size(), sigma.size() * lambdas.size());
    const double pixels_per_unit = (y.r0 - y.r1) / (y.d1 - y.d0);
    for (const Node* bar : bars_c) {
        const std::size_t j = std::stoul(bar->at("data-j")) - 1;
        EXPECT_NEAR(bar->number("height") / pixels_per_unit, std::abs(component[j]), 0.01);
    }
    for (const Node* bar : bars_f) {
        const std::size_t j = std::stoul(bar->at("data-j")) - 1;
        const double lambda = std::stod(bar->at("data-lambda"));
        const double expected = std::abs(sigma[j] / (sigma[j] + lambda) * component[j]);
        EXPECT_NEAR(bar->number("height") / pixels_per_unit, expected, 0.01);
        EXPECT_NEAR(y.to_data(bar->number("y")), expected, 0.01);
    }
}

/// Checks the 2-D picture of directions (i, j) against the closed form.
void expect_geometry(const Figure& figure, std::size_t i, std::size_t j,
                     const std::vector<double>& gradient) {
    const auto root = parse_svg(figure);
    const AxisMap x = axis_map(*root, "x");
    const AxisMap y = axis_map(*root, "y");
    const double sx = (x.r1 - x.r0) / (x.d1 - x.d0);
    const double sy = (y.r0 - y.r1) / (y.d1 - y.d0);
    EXPECT_NEAR(sx, sy, 1e-6 * sx) << "both axes at the same scale";
    const double si = sigma[i - 1], sj = sigma[j - 1];
    const double gi = gradient.empty() ? 0 : gradient[i - 1];
    const double gj = gradient.empty() ? 0 : gradient[j - 1];
    const double mi = component[i - 1] - gi / si, mj = component[j - 1] - gj / sj;

    const auto ridge = by_class(*root, "ridge-point");
    const auto circles = by_class(*root, "l2-circle");
    const auto contours = by_class(*root, "contour");
    ASSERT_EQ(ridge.size(), lambdas.size());
    ASSERT_EQ(circles.size(), lambdas.size());
    ASSERT_EQ(contours.size(), lambdas.size());
    ASSERT_EQ(by_class(*root, "theta-hat").size(), 1u);
    ASSERT_EQ(by_class(*root, "ridge-path").size(), 1u);
    EXPECT_GE(by_class(*root, "contour-extra").size(), 1u);
    const auto theta = translate_of(*by_class(*root, "theta-hat")[0]);
    EXPECT_NEAR(theta.first, x.to_pixel(component[i - 1]), 0.01);
    EXPECT_NEAR(theta.second, y.to_pixel(component[j - 1]), 0.01);
    const auto minimum = by_class(*root, "model-minimum");
    if (gradient.empty()) {
        EXPECT_TRUE(minimum.empty());
    } else {
        ASSERT_EQ(minimum.size(), 1u);
        EXPECT_NEAR(std::stod(minimum[0]->at("data-x")), mi, 1e-9);
        EXPECT_NEAR(std::stod(minimum[0]->at("data-y")), mj, 1e-9);
    }
    const double ox = x.to_pixel(0), oy = y.to_pixel(0);
    for (std::size_t l = 0; l < lambdas.size(); ++l) {
        const double lambda = lambdas[l];
        const double pi = si * mi / (si + lambda), pj = sj * mj / (sj + lambda);
        const auto [rx_, ry_] = translate_of(*ridge[l]);
        EXPECT_NEAR(rx_, x.to_pixel(pi), 0.01);
        EXPECT_NEAR(ry_, y.to_pixel(pj), 0.01);
        // The L2 circle through θ̂_ridge, centred at the origin.
        EXPECT_NEAR(circles[l]->number("r"), std::hypot(pi, pj) * sx, 0.02);
        EXPECT_NEAR(circles[l]->number("cx"), ox, 0.01);
        EXPECT_NEAR(circles[l]->number("cy"), oy, 0.01);
        // Its contour: centred at m, axes ratio √(σ_j/σ_i), through θ̂_ridge…
        const Node& e = *contours[l];
        const double cx = e.number("cx"), cy = e.number("cy");
        const double ax = e.number("rx"), ay = e.number("ry");
        EXPECT_NEAR(cx, x.to_pixel(mi), 0.01);
        EXPECT_NEAR(cy, y.to_pixel(mj), 0.01);
        EXPECT_NEAR(ax / ay, std::sqrt(sj / si), 1e-3 * ax / ay);
        const double u = (rx_ - cx) / ax, v = (ry_ - cy) / ay;
        EXPECT_NEAR(u * u + v * v, 1.0, 2e-3) << "θ̂_ridge on its contour, λ = " << lambda;
        // …and tangent to the circle there: the ellipse normal is parallel to the radius.
        const double nx = (rx_ - cx) / (ax * ax), ny = (ry_ - cy) / (ay * ay);
        const double tx = rx_ - ox, ty = ry_ - oy;
        const double sine = (nx * ty - ny * tx) / (std::hypot(nx, ny) * std::hypot(tx, ty));
        EXPECT_LT(std::abs(sine), 5e-3) << "contour and circle tangent, λ = " << lambda;
    }
    // Every path point is (σ_i m_i/(σ_i+λ), σ_j m_j/(σ_j+λ)) for some λ ≥ 0.
    const auto path = points_of(*by_class(*root, "ridge-path")[0]);
    ASSERT_GT(path.size(), 300u);
    EXPECT_NEAR(path.front().first, x.to_pixel(mi), 0.01) << "λ = 0: the minimum";
    EXPECT_NEAR(path.back().first, ox, 0.01) << "λ = ∞: the origin";
    EXPECT_NEAR(path.back().second, oy, 0.01);
    for (std::size_t p = 1; p + 1 < path.size(); p += 7) {
        const double xi = x.to_data(path[p].first);
        if (std::abs(xi) < 1e-3 * std::abs(mi) || std::abs(xi - mi) < 1e-3 * std::abs(mi))
            continue;  // λ not recoverable from x at the very ends
        const double lambda = si * (mi / xi - 1);
        EXPECT_NEAR(y.to_data(path[p].second), sj * mj / (sj + lambda),
                    2e-3 * std::max(std::abs(mj), std::abs(mi)));
    }
}

TEST(PlotGeometry, ContoursCirclesAndPathMatchTheClosedForm) {
    const FigureSet set = make_figures(analysis_report());
    expect_geometry(find_figure(set, "geometry.svg"), 1, 2, {});
    PlotOptions pair;
    pair.pair_i = 3;
    pair.pair_j = 2;
    expect_geometry(find_figure(make_figures(analysis_report(), pair), "geometry.svg"), 3, 2, {});
    pair.pair_i = 1;
    pair.pair_j = 5;
    EXPECT_THROW(make_figures(analysis_report(), pair), ridgelens::UsageError);
    EXPECT_THROW(parse_pair("2,2"), ridgelens::UsageError);
    EXPECT_THROW(parse_pair("a,2"), ridgelens::UsageError);
    EXPECT_EQ(parse_pair("3,1"), (std::pair<std::size_t, std::size_t>{3, 1}));
}

TEST(PlotGeometry, GradientShiftsTheContoursToTheModelMinimum) {
    const std::vector<double> gradient = {5.0, -3.0, 0.1, 0.0};
    const FigureSet set = make_figures(analysis_report(gradient));
    EXPECT_NE(set.heading.find("fit"), std::string::npos);
    expect_geometry(find_figure(set, "geometry.svg"), 1, 2, gradient);
}

TEST(PlotPath, DfNormCoefficientPathsAndDensity) {
    PlotOptions options;
    options.max_lambdas = 3;
    const FigureSet set = make_figures(path_report(), options);
    ASSERT_EQ(set.figures.size(), 7u);
    const auto decay = parse_svg(find_figure(set, "decay.svg"));
    EXPECT_EQ(by_class(*decay, "decay-curve").size(), 3u) << "max_lambdas caps the curves";
    EXPECT_EQ(by_class(*decay, "eigen-marker").size(), 3 * sigma.size());

    const auto df = parse_svg(find_figure(set, "df.svg"));
    const AxisMap x = axis_map(*df, "x");
    const AxisMap y = axis_map(*df, "y");
    const auto points = by_class(*df, "df-point");
    ASSERT_EQ(points.size(), 8u);
    for (const Node* point : points) {
        const double lambda = std::stod(point->at("data-x"));
        double expected = 0;
        for (double s : sigma) expected += s / (s + lambda);
        const auto [px_x, px_y] = translate_of(*point);
        EXPECT_NEAR(y.to_data(px_y), expected, 1e-2 * expected + 1e-3);
        EXPECT_NEAR(x.to_data(px_x), lambda, 1e-3 * lambda);
    }
    const auto band = by_class(*df, "df-band");
    ASSERT_EQ(band.size(), 1u);
    const auto corners = points_of(*band[0]);
    ASSERT_EQ(corners.size(), 16u);
    const double df0 = path_report()["path"][0]["df"].get<double>();
    EXPECT_NEAR(y.to_data(corners.front().second), 1.1 * df0, 1e-2) << "upper edge df + s.e.";
    EXPECT_NEAR(y.to_data(corners.back().second), 0.9 * df0, 1e-2) << "lower edge df − s.e.";

    const auto norm = parse_svg(find_figure(set, "ridge_norm.svg"));
    EXPECT_EQ(by_class(*norm, "norm-point").size(), 8u);
    EXPECT_EQ(by_class(*norm, "theta-norm").size(), 1u);

    const auto paths = parse_svg(find_figure(set, "coefficient_paths.svg"));
    const AxisMap py = axis_map(*paths, "y");
    const auto lines = by_class(*paths, "coefficient-path");
    ASSERT_EQ(lines.size(), sigma.size());
    for (const Node* line : lines) {
        const std::size_t j = std::stoul(line->at("data-j")) - 1;
        const auto first = points_of(*line).front();
        EXPECT_NEAR(py.to_data(first.second), sigma[j] / (sigma[j] + 1e-2) * component[j], 1e-2);
    }

    const auto density = parse_svg(find_figure(set, "spectral_density.svg"));
    EXPECT_EQ(by_class(*density, "density-curve").size(), 1u);
    EXPECT_EQ(by_class(*density, "eigen-rug").size(), sigma.size());
    EXPECT_EQ(by_class(*density, "lambda-line").size(), 3u);
}

std::string decode_base64(const std::string& text) {
    std::string out;
    int buffer = 0, bits = 0;
    for (const char c : text) {
        int value;
        if (c >= 'A' && c <= 'Z')
            value = c - 'A';
        else if (c >= 'a' && c <= 'z')
            value = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            value = c - '0' + 52;
        else if (c == '+')
            value = 62;
        else if (c == '/')
            value = 63;
        else
            break;
        buffer = (buffer << 6) | value;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

TEST(PlotPage, EverySvgInlineWithItsCaption) {
    const FigureSet set = make_figures(path_report());
    const std::string page = make_html_page(set);
    const std::string marker = "src=\"data:image/svg+xml;base64,";
    std::size_t count = 0;
    for (std::size_t at = page.find(marker); at != std::string::npos;
         at = page.find(marker, at + 1)) {
        const std::size_t begin = at + marker.size();
        const std::string svg = decode_base64(page.substr(begin, page.find('"', begin) - begin));
        ASSERT_LT(count, set.figures.size());
        EXPECT_EQ(svg, set.figures[count].svg) << "image " << count << " decodes to its SVG";
        ++count;
    }
    EXPECT_EQ(count, set.figures.size());
    for (const Figure& figure : set.figures)
        EXPECT_NE(page.find(escape_xml(figure.caption)), std::string::npos) << figure.name;
    EXPECT_NE(page.find("data-expected=\"7\""), std::string::npos);
    EXPECT_NE(make_html_page(make_figures(analysis_report())).find("synthetic &lt;diag&gt; &amp;"),
              std::string::npos)
        << "the heading is escaped";
}

TEST(PlotFiles, ReadingALongPathKeepsAnEvenlySpacedSubsetWithBothEnds) {
    const auto file = std::filesystem::temp_directory_path() /
                      ("ridgelens-long-path-" + std::to_string(::getpid()) + ".json");
    json report = path_report();
    const json point = report["path"][0];
    for (const std::size_t n : {std::size_t{8}, std::size_t{10007}}) {
        json points = json::array();
        for (std::size_t i = 0; i < n; ++i) {
            points.push_back(point);
            points.back()["lambda"] = static_cast<double>(i + 1);  // λ numbers the grid
        }
        report["path"] = points;
        std::ofstream(file) << report.dump();
        json read = read_report_file(file.string());
        ASSERT_TRUE(read.contains("path_points"));
        EXPECT_EQ(read["path_points"].get<std::size_t>(), n);
        const json& path = read["path"];
        ASSERT_GE(path.size(), std::min<std::size_t>(n, max_path_points));
        ASSERT_LE(path.size(), 2 * max_path_points + 1);
        EXPECT_EQ(path.front()["lambda"].get<double>(), 1.0);
        EXPECT_EQ(path.back()["lambda"].get<double>(), static_cast<double>(n));
        // Every held point but the last on one stride, a power of two.
        const double stride = path[1]["lambda"].get<double>() - path[0]["lambda"].get<double>();
        EXPECT_EQ(std::fmod(std::log2(stride), 1.0), 0.0);
        for (std::size_t i = 1; i + 1 < path.size(); ++i)
            ASSERT_EQ(path[i]["lambda"].get<double>() - path[i - 1]["lambda"].get<double>(),
                      stride);
        EXPECT_EQ(path[1], points[static_cast<std::size_t>(stride)]) << "points kept whole";
        // The rest of the document is read as written.
        read.erase("path_points");
        read.erase("path");
        json rest = report;
        rest.erase("path");
        EXPECT_EQ(read, rest);
        if (n > max_path_points) {
            const FigureSet set = make_figures(read_report_file(file.string()));
            bool noted = false;
            for (const std::string& note : set.notes)
                noted =
                    noted || note.find("grid has " + std::to_string(n) + " λ") != std::string::npos;
            EXPECT_TRUE(noted) << "the page names the whole grid's length";
        }
    }
    std::filesystem::remove(file);
}

TEST(PlotFiles, WritesEverySvgAndThePageAtomically) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("ridgelens-plots-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const PlotOutput output = write_plots(analysis_report(), (dir / "nested").string());
    ASSERT_EQ(output.files.size(), 4u);
    for (const std::string& file : output.files) EXPECT_TRUE(std::filesystem::exists(file)) << file;
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir / "nested"))
        ++entries;
    EXPECT_EQ(entries, 4u) << "no temporary files left behind";
    std::ofstream(dir / "file") << "x";
    EXPECT_THROW(write_plots(analysis_report(), (dir / "file" / "sub").string()), ridgelens::Error);
    EXPECT_THROW(make_figures(json{{"status", "ok"}}), ridgelens::InputError);
    std::filesystem::remove_all(dir);
}

TEST(PlotFiles, TheReportsKindDecidesAndIsChecked) {
    json report = path_report();
    report["kind"] = "analyze";  // a path report that says it is not one
    try {
        make_figures(report);
        ADD_FAILURE() << "an analyze report without 'lambdas' was drawn";
    } catch (const ridgelens::InputError& error) {
        EXPECT_NE(std::string(error.what()).find("analyze report without 'lambdas'"),
                  std::string::npos)
            << error.what();
    }
    report["kind"] = "histogram";
    EXPECT_THROW(make_figures(report), ridgelens::InputError);
    report["kind"] = "path";
    EXPECT_EQ(make_figures(report).heading, "ridgelens path: synthetic path");
}

}  // namespace
