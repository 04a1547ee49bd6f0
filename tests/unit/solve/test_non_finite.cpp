// NaN or Inf in an operator's output is detected and reported with the
// iteration (issue "Reliability", item 4): conjugate gradient, the top-k
// Lanczos eigensolver and Newton-CG's inner solve. The faulty operators are
// a diagonal H whose product turns NaN/Inf at a chosen product number, so the
// expected iteration is known by construction.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "ridgelens/model/model.hpp"
#include "ridgelens/model/newton_cg.hpp"
#include "ridgelens/operator/matrix_free_operator.hpp"
#include "ridgelens/solve/conjugate_gradient.hpp"
#include "ridgelens/spectrum/top_eigenpairs.hpp"

namespace ridgelens {
namespace {

/// diag(1, 2, …, n), returning `bad` in entry 0 from product `fault_at` (1-based) on.
class FaultyDiagonal {
  public:
    FaultyDiagonal(Index n, int fault_at, double bad) : n_(n), fault_at_(fault_at), bad_(bad) {}
    MatrixFreeOperator op() {
        return MatrixFreeOperator(n_, [this](const double* x, double* y) {
            ++products_;
            for (Index i = 0; i < n_; ++i) y[i] = static_cast<double>(i + 1) * x[i];
            if (products_ >= fault_at_) y[0] = bad_;
        });
    }
    int products() const { return products_; }

  private:
    Index n_;
    int fault_at_;
    double bad_;
    int products_ = 0;
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(NonFinite, ConjugateGradientNamesTheIteration) {
    for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
        FaultyDiagonal faulty(50, 4, bad);
        const MatrixFreeOperator op = faulty.op();
        const Vector b = Vector::Ones(50);
        CgOptions options;
        options.tolerance = 1e-14;
        const SolveResult result = solve_conjugate_gradient(op, 0.5, b, std::nullopt, options);
        EXPECT_EQ(result.status, SolveStatus::non_finite) << result.message;
        EXPECT_TRUE(contains(result.message, "NaN or Inf at iteration 4")) << result.message;
        EXPECT_EQ(result.iterations, 3) << "three finite iterations before the fault";
        EXPECT_TRUE(result.x.allFinite()) << "x is the last finite iterate";
    }
}

TEST(NonFinite, LanczosStopsAtTheFaultyProduct) {
    FaultyDiagonal faulty(200, 7, std::nan(""));
    const MatrixFreeOperator op = faulty.op();
    EigenOptions options;
    options.k = 3;
    const Eigenpairs pairs = compute_top_eigenpairs(op, options, 1);
    EXPECT_EQ(pairs.status, EigenStatus::numerical_issue) << pairs.message;
    EXPECT_TRUE(contains(pairs.message, "NaN or Inf in product 7")) << pairs.message;
    EXPECT_EQ(faulty.products(), 7) << "Lanczos must stop at the first faulty product";
    EXPECT_EQ(pairs.converged, 0);
}

/// R(θ) = ½ Σ d_i θ_i² − Σ θ_i with d_i = i + 1, whose curvature product
/// turns NaN from product `fault_at` on.
class FaultyQuadratic : public Model {
  public:
    FaultyQuadratic(Index n, int fault_at) : n_(n), fault_at_(fault_at) {}
    std::string name() const override { return "faulty quadratic"; }
    Index parameters() const override { return n_; }
    Index samples() const override { return 1; }
    double evaluate(const Vector& theta, Vector* gradient) const override {
        double value = 0;
        if (gradient) gradient->resize(n_);
        for (Index i = 0; i < n_; ++i) {
            const double d = static_cast<double>(i + 1);
            value += 0.5 * d * theta[i] * theta[i] - theta[i];
            if (gradient) (*gradient)[i] = d * theta[i] - 1;
        }
        return value;
    }
    void set_curvature_point(const Vector&) override {}
    void curvature_product(const double* v, double* y) const override {
        ++products_;
        for (Index i = 0; i < n_; ++i) y[i] = static_cast<double>(i + 1) * v[i];
        if (products_ >= fault_at_) y[n_ - 1] = std::nan("");
    }
    Vector curvature_diagonal() const override {
        return Vector::LinSpaced(n_, 1.0, static_cast<double>(n_));
    }

  private:
    Index n_;
    int fault_at_;
    mutable int products_ = 0;
};

TEST(NonFinite, NewtonCgStopsAndNamesTheIterations) {
    FitOptions options;
    options.preconditioner = Preconditioner::none;
    {
        FaultyQuadratic model(30, 1);  // the very first product
        const FitResult fit = fit_newton_cg(model, options);
        EXPECT_FALSE(fit.converged) << fit.message;
        EXPECT_TRUE(contains(fit.message, "NaN or Inf at CG iteration 1 of Newton iteration 1"))
            << fit.message;
        EXPECT_EQ(fit.iterations, 0);
        EXPECT_TRUE(fit.theta.isZero()) << "the start is the last finite iterate";
    }
    {
        FaultyQuadratic model(30, 3);  // later: it stops at the third product, whichever step
        const FitResult fit = fit_newton_cg(model, options);
        EXPECT_FALSE(fit.converged) << fit.message;
        EXPECT_TRUE(contains(fit.message, "NaN or Inf at CG iteration")) << fit.message;
        EXPECT_EQ(fit.hvp_count, 3) << fit.message;
        EXPECT_TRUE(fit.theta.allFinite());
    }
}

}  // namespace
}  // namespace ridgelens
