#pragma once
/// @file selection_criteria.hpp
/// The values of the criteria for choosing λ at one point of a path, and the
/// outcome of a selection (see lambda_selection.hpp for the functions).
///
/// Thread safety: value types and a pure function; reentrant.

#include <limits>
#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/types.hpp"

namespace ridgelens {

/// A criterion for choosing λ.
enum class SelectionCriterion {
    gcv,  ///< generalized cross-validation n‖Xθ_λ − y‖²/(n − df)², minimized (least squares)
    evidence,  ///< the log marginal likelihood (Gaussian, or its Laplace approximation), maximized
    lcurve,  ///< the corner of (log‖Xθ_λ − y‖, log‖θ_λ‖): maximum curvature (least squares)
};

/// "gcv", "evidence" or "lcurve".
RIDGELENS_API std::string to_string(SelectionCriterion criterion);

/// The criteria at one λ; NaN where a criterion does not apply (another model
/// kind, an indefinite H, a failed solve) or has not been evaluated.
struct SelectionCriteria {
    static constexpr double not_available = std::numeric_limits<double>::quiet_NaN();
    double residual_norm = not_available;  ///< ‖Xθ_λ − y‖ = √(2n·R(θ_λ)) (least squares)
    double gcv = not_available;
    double gcv_stderr = not_available;  ///< from df's standard error (first order)
    double log_evidence = not_available;
    double log_evidence_stderr = not_available;  ///< ½ of log det's standard error
    /// curvature of the L-curve (log‖Xθ − y‖, log‖θ‖) as a curve in log λ
    /// (finite differences over the path's neighbouring points)
    double lcurve_curvature = not_available;
};

/// The selected λ of one criterion.
struct LambdaSelection {
    SelectionCriterion criterion = SelectionCriterion::gcv;
    double lambda = std::numeric_limits<double>::quiet_NaN();        ///< the best λ found
    double value = std::numeric_limits<double>::quiet_NaN();         ///< the criterion there
    double value_stderr = 0;                                         ///< its standard error
    double bracket_low = std::numeric_limits<double>::quiet_NaN();   ///< the optimum lies in
    double bracket_high = std::numeric_limits<double>::quiet_NaN();  ///< [low, high]
    Index evaluations = 0;  ///< λ at which the criterion was evaluated (grid + refinement)
    /// false when the optimum is not determined: at the edge of the grid, no
    /// corner, or values around it that differ by less than their standard
    /// errors (`reason` says which)
    bool resolved = false;
    std::string reason;       ///< how the optimum was determined, or why not
    Index probes_needed = 0;  ///< SLQ probes that would resolve it (when noise is the reason)
};

}  // namespace ridgelens
