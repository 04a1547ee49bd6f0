// `ridgelens path --data … --select`: the λ-selection fields in the report,
// the CSV and the summary, and the usage errors, as a user runs the program.
// The values themselves are checked against dense references in
// tests/unit/analysis/test_lambda_selection.cpp; here against the closed form of a
// two-feature least-squares problem.

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>

#include "cli_runner.hpp"
#include "reference.hpp"

namespace ridgelens {
namespace {

using nlohmann::json;
using testing::CliRun;
using testing::read_text;
using testing::run_cli;
using testing::ScratchDirectory;

/// y = 0.3 x₁ − 0.2 x₂ + ε with two features: S = XᵀX, θ_λ = (S + nλI)⁻¹Xᵀy in
/// closed form (2×2 inverse), df = tr(S(S + nλI)⁻¹), log det(I + S/(nλ)).
struct TwoFeatures {
    std::vector<double> x1, x2, y;
};

TwoFeatures write_two_features(const ScratchDirectory& dir) {
    TwoFeatures data;
    std::ofstream out(dir / "ls.libsvm");
    out.precision(17);  // the file holds exactly the doubles the reference uses
    for (int i = 0; i < 60; ++i) {
        const double x1 = std::sin(0.7 * i) + 1.5, x2 = std::cos(0.3 * i);
        const double y = 0.3 * x1 - 0.2 * x2 + 1.5 * std::cos(1.3 * i * i);
        data.x1.push_back(x1);
        data.x2.push_back(x2);
        data.y.push_back(y);
        out << y << " 1:" << x1 << " 2:" << x2 << "\n";
    }
    return data;
}

TEST(CliSelection, ReportsTheCriteriaAndTheSelectedLambda) {
    ScratchDirectory dir;
    const TwoFeatures d = write_two_features(dir);
    const CliRun r = run_cli(
        "path --data ls.libsvm --model ls --lambdas 1e-3:100:12 --k 1 --probes 4 --select gcv "
        "--select evidence --select lcurve --out p.json --csv p.csv -q",
        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("λ selection"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("evidence: λ = "), std::string::npos) << r.out;
    const json report = json::parse(read_text(dir / "p.json"));
    EXPECT_EQ(report["kind"], "path");
    ASSERT_EQ(report["selection"].size(), 3u);
    EXPECT_EQ(report["selection"][0]["criterion"], "gcv");
    const double n = 60;
    double a = 0, b = 0, c = 0, u = 0, v = 0;  // S = [a b; b c], Xᵀy = (u, v)
    for (std::size_t i = 0; i < d.y.size(); ++i) {
        a += d.x1[i] * d.x1[i], b += d.x1[i] * d.x2[i], c += d.x2[i] * d.x2[i];
        u += d.x1[i] * d.y[i], v += d.x2[i] * d.y[i];
    }
    for (const json& point : report["path"]) {
        const double lambda = point["lambda"], shift = n * lambda;
        const double det = (a + shift) * (c + shift) - b * b;
        const double t1 = ((c + shift) * u - b * v) / det, t2 = ((a + shift) * v - b * u) / det;
        double squared = 0;
        for (std::size_t i = 0; i < d.y.size(); ++i)
            squared += std::pow(d.x1[i] * t1 + d.x2[i] * t2 - d.y[i], 2);
        // tr(S(S + sI)⁻¹) = 2 − s·tr((S + sI)⁻¹)
        const double df = 2 - shift * ((a + shift) + (c + shift)) / det;
        const double log_det = std::log(det / (shift * shift));
        const double q = squared + shift * (t1 * t1 + t2 * t2);
        const double evidence =
            -0.5 * n * (std::log(2 * std::numbers::pi) + 1 + std::log(q / n)) - 0.5 * log_det;
        EXPECT_NEAR(point["df"].get<double>(), df, 1e-9);
        EXPECT_EQ(point["solved"], point["shrunk"]) << "one coefficient, two names";
        EXPECT_NEAR(point["residual_norm"].get<double>(), std::sqrt(squared), 1e-8);
        EXPECT_NEAR(point["gcv"].get<double>(), n * squared / ((n - df) * (n - df)), 1e-8);
        EXPECT_NEAR(point["log_det"].get<double>(), log_det, 1e-9 * log_det);
        EXPECT_NEAR(point["log_evidence"].get<double>(), evidence, 1e-8 * std::abs(evidence));
    }
    for (const json& s : report["selection"]) {
        EXPECT_TRUE(s["resolved"].get<bool>()) << s["reason"];
        EXPECT_LE(s["bracket"][0].get<double>(), s["lambda"].get<double>());
        EXPECT_GE(s["bracket"][1].get<double>(), s["lambda"].get<double>());
        EXPECT_TRUE(s.contains("resolved") && s.contains("reason") && s.contains("evaluations"));
    }
    std::istringstream csv(read_text(dir / "p.csv"));
    std::string header;
    std::getline(csv, header);
    EXPECT_NE(header.find("log_det,log_det_stderr"), std::string::npos) << header;
    EXPECT_NE(header.find("gcv,gcv_stderr,log_evidence"), std::string::npos) << header;
}

/// Occurrences of `class="name"` in an SVG file.
std::size_t count_class(const std::filesystem::path& svg, const std::string& name) {
    const std::string text = read_text(svg), needle = "class=\"" + name + "\"";
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + 1))
        ++count;
    return count;
}

TEST(CliSelection, DrawsEachCriterionTheLCurveAndThePicardPlot) {
    ScratchDirectory dir;
    write_two_features(dir);
    const CliRun r = run_cli(
        "path --data ls.libsvm --model ls --lambdas 1e-3:100:12 --k 1 --probes 4 --select gcv "
        "--select evidence --select lcurve --out p.json --plot pictures -q",
        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json report = json::parse(read_text(dir / "p.json"));
    const std::size_t points = report["path"].size();
    ASSERT_GT(points, 12u) << "the refinement adds λ to the grid";
    const auto pictures = dir / "pictures";
    EXPECT_EQ(count_class(pictures / "gcv.svg", "criterion-point"), points);
    EXPECT_EQ(count_class(pictures / "evidence.svg", "criterion-point"), points);
    EXPECT_EQ(count_class(pictures / "gcv.svg", "selected-lambda"), 1u);
    EXPECT_EQ(count_class(pictures / "evidence.svg", "selected-point"), 1u);
    EXPECT_EQ(count_class(pictures / "lcurve.svg", "lcurve-point"), points);
    EXPECT_EQ(count_class(pictures / "lcurve.svg", "lcurve-corner"), 1u);
    EXPECT_EQ(count_class(pictures / "picard.svg", "picard-component"), 1u);  // k = 1
    EXPECT_EQ(count_class(pictures / "picard.svg", "picard-shrunk"), 1u);
    const std::string page = read_text(pictures / "index.html");
    for (const char* name : {"gcv.svg", "evidence.svg", "lcurve.svg", "picard.svg"})
        EXPECT_NE(page.find(name), std::string::npos) << name;
}

/// Writes a dense symmetric matrix (lower triangle) or a vector as Matrix Market.
void write_matrix(const std::filesystem::path& file, const DenseMatrix& a) {
    std::ofstream out(file);
    char line[96];
    if (a.cols() == 1) {
        out << "%%MatrixMarket matrix array real general\n" << a.rows() << " 1\n";
        for (Index i = 0; i < a.rows(); ++i) {
            std::snprintf(line, sizeof line, "%.17g\n", a(i, 0));
            out << line;
        }
        return;
    }
    out << "%%MatrixMarket matrix coordinate real symmetric\n"
        << a.rows() << " " << a.rows() << " " << a.rows() * (a.rows() + 1) / 2 << "\n";
    for (Index j = 0; j < a.cols(); ++j)
        for (Index i = j; i < a.rows(); ++i) {
            std::snprintf(line, sizeof line, "%lld %lld %.17g\n", static_cast<long long>(i + 1),
                          static_cast<long long>(j + 1), a(i, j));
            out << line;
        }
}

TEST(CliSelection, HessianWithSamplesGetsTheQuadraticModelsEvidence) {
    // H with a known spectrum spread over four decades, θ̂ and g ≠ 0: the
    // evidence −n·F_λ(θ_λ) − ½ log det(I + H/λ) of the quadratic model
    // F_λ(θ) = gᵀ(θ − θ̂) + ½(θ − θ̂)ᵀH(θ − θ̂) + λ/2‖θ‖², θ_λ = (H + λI)⁻¹(Hθ̂ − g),
    // against dense solves and the dense spectrum.
    ScratchDirectory dir;
    const Index p = 30;
    Vector spectrum(p);
    for (Index i = 0; i < p; ++i) spectrum[i] = std::pow(10.0, -2 + 4.0 * i / (p - 1));
    const DenseMatrix h = testing::matrix_with_spectrum(spectrum, 61);
    const Vector theta = testing::random_vector(p, 62);
    const Vector gradient = 0.01 * testing::random_vector(p, 63);
    write_matrix(dir / "H.mtx", h);
    write_matrix(dir / "t.mtx", theta);
    write_matrix(dir / "g.mtx", gradient);
    const double n = 200;
    const CliRun r = run_cli(
        "path --hessian H.mtx --theta t.mtx --gradient g.mtx --samples 200 --lambdas 1e-3:10:15 "
        "--k 3 --select evidence --out p.json -q",
        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const json report = json::parse(read_text(dir / "p.json"));
    EXPECT_NE(report["criteria_note"].get<std::string>().find("quadratic model"),
              std::string::npos);
    double best_value = -INFINITY;
    for (std::size_t i = 0; i < report["path"].size(); ++i) {
        const json& point = report["path"][i];
        const double lambda = point["lambda"];
        const DenseMatrix shifted = h + lambda * DenseMatrix::Identity(p, p);
        const Vector ridge = shifted.llt().solve(h * theta - gradient);
        const Vector step = ridge - theta;
        const double objective =
            gradient.dot(step) + 0.5 * step.dot(h * step) + 0.5 * lambda * ridge.squaredNorm();
        double log_det = 0;
        for (Index j = 0; j < p; ++j) log_det += std::log1p(spectrum[j] / lambda);
        const double evidence = -n * objective - 0.5 * log_det;
        ASSERT_TRUE(point["log_evidence"].is_number()) << point.dump();
        EXPECT_NEAR(point["log_evidence"].get<double>(), evidence, 1e-8 * std::abs(evidence))
            << "λ = " << lambda;
        best_value = std::max(best_value, evidence);
    }
    ASSERT_EQ(report["selection"].size(), 1u);
    const json& selection = report["selection"][0];
    EXPECT_TRUE(selection["resolved"].get<bool>()) << selection["reason"];
    // The refined optimum is at least as good as the best evaluated point.
    EXPECT_GE(selection["value"].get<double>(), best_value - 1e-9 * std::abs(best_value));
    EXPECT_LE(selection["bracket"][0].get<double>(), selection["lambda"].get<double>());
    EXPECT_GE(selection["bracket"][1].get<double>(), selection["lambda"].get<double>());
}

TEST(CliSelection, CriteriaThatDoNotApplyAreUsageErrors) {
    ScratchDirectory dir;
    write_two_features(dir);
    std::ofstream(dir / "h.mtx") << "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 "
                                    "2\n2 2 1\n";
    std::ofstream(dir / "cls.libsvm")
        << "1 1:1 2:0.3\n-1 1:-1 2:0.2\n1 1:0.5 2:-1\n-1 1:-0.2 2:0.4\n";
    const struct {
        const char* arguments;
        const char* message;
    } cases[] = {
        {"path --data ls.libsvm --model ls --lambdas 1e-2:1:3 --k 1 --select aic", "expected gcv"},
        {"path --hessian h.mtx --lambdas 1e-2:1:3 --k 1 --select evidence",
         "--select needs --data"},
        {"path --hessian h.mtx --samples 10 --lambdas 1e-2:1:3 --k 1 --select gcv",
         "only --select evidence applies"},
        {"path --hessian h.mtx --samples -1 --lambdas 1e-2:1:3 --k 1", "--samples"},
        {"path --data ls.libsvm --model ls --samples 10 --lambdas 1e-2:1:3 --k 1",
         "--samples belongs to --hessian input"},
        {"path --data cls.libsvm --model logistic --base-lambda 0.1 --lambdas 1e-2:1:3 --k 1 "
         "--select gcv",
         "--select gcv needs --model ls"},
    };
    for (const auto& c : cases) {
        const CliRun r = run_cli(std::string(c.arguments) + " -q --out r.json", dir);
        EXPECT_EQ(r.exit_code, 1) << c.arguments << "\n" << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(dir / "r.json"));
    }
}

}  // namespace
}  // namespace ridgelens
