#pragma once
/// @file lambda_grid.hpp
/// A grid of regularization strengths λ, validated once when it is built.

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "ridgelens/export.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// The λ at which `analyze`, `compute_path`, `extend_path` and the df and
/// log det functions of spectral_density.hpp evaluate: finite values λ ≥ 0,
/// in the caller's order. The constructor is the only place a λ is checked
/// (UsageError "LambdaGrid: λ = … is invalid; λ must be finite and >= 0");
/// a grid that exists holds valid λ. It converts implicitly from and to
/// `std::vector<double>` (and from a braced list), so `options.lambdas =
/// {0.1, 1.0}` and code reading a vector keep working.
///
/// λ = 0 (H itself, no regularization) is accepted by every use: analyze and
/// the path solve Hx = Hθ̂ − g (conjugate gradient reaches the minimum-norm
/// solution on a singular PSD H; CHOLMOD fails there and says so), df(0) is
/// the numerical rank, and log det(I + H/λ) is NaN (infinite) at λ = 0, so
/// the evidence and the L-curve (log λ) have no value there. Only
/// `log_spaced` and `parse_lambda_grid` need λ > 0 (their spacing is in
/// log λ).
///
/// `analyze` keeps the caller's order and repeats (one result per entry);
/// `compute_path` uses `sorted_distinct()` (its points ascend in λ).
///
/// Thread safety: a value type; const member functions may be called
/// concurrently.
class RIDGELENS_API LambdaGrid {
  public:
    using value_type = double;
    using const_iterator = std::vector<double>::const_iterator;
    using iterator = const_iterator;
    using size_type = std::size_t;

    /// The empty grid (the uses that need a λ refuse it: `require_nonempty`).
    LambdaGrid() = default;
    /// @throws UsageError for a λ that is negative or not finite.
    LambdaGrid(std::vector<double> values);  // NOLINT(google-explicit-constructor)
    /// @throws UsageError for a λ that is negative or not finite.
    LambdaGrid(std::initializer_list<double> values);  // NOLINT(google-explicit-constructor)

    const std::vector<double>& values() const { return values_; }
    operator const std::vector<double>&() const { return values_; }  // NOLINT

    std::size_t size() const { return values_.size(); }
    bool empty() const { return values_.empty(); }
    double operator[](std::size_t i) const { return values_[i]; }
    double front() const { return values_.front(); }
    double back() const { return values_.back(); }
    const_iterator begin() const { return values_.begin(); }
    const_iterator end() const { return values_.end(); }

    /// The distinct λ in ascending order.
    std::vector<double> sorted_distinct() const;

    /// @throws UsageError naming `context` when the grid is empty.
    void require_nonempty(const std::string& context) const;

    friend bool operator==(const LambdaGrid& a, const LambdaGrid& b) = default;
    friend bool operator==(const LambdaGrid& a, const std::vector<double>& b) {
        return a.values_ == b;
    }

  private:
    std::vector<double> values_;
};

/// `count` values log-spaced from `low` to `high` (inclusive), ascending.
/// @throws UsageError unless 0 < low ≤ high, both finite, and count ≥ 1
/// (count = 1 needs low = high).
RIDGELENS_API LambdaGrid log_spaced(double low, double high, Index count);

/// Parses "MIN:MAX:COUNT" into `log_spaced(MIN, MAX, COUNT)`.
/// @throws UsageError naming the text (COUNT above 100000 included).
RIDGELENS_API LambdaGrid parse_lambda_grid(const std::string& text);

}  // namespace ridgelens
