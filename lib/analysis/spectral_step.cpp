// The spectral step (top-k eigenpairs and PSD verdict) computed once and
// reused by analyze, compute_path and select_lambda.

#include <algorithm>
#include <memory>

#include "analysis/indefinite_steps.hpp"
#include "analysis/pipeline_steps.hpp"
#include "ridgelens/analysis/path.hpp"
#include "ridgelens/error.hpp"

namespace ridgelens {
namespace {

// The first k pairs of `pairs` (all of them when it has no more).
Eigenpairs first_pairs(const Eigenpairs& pairs, Index k) {
    Eigenpairs out = pairs;
    const Index kept = std::min<Index>(k, pairs.values.size());
    out.values = pairs.values.head(kept);
    out.vectors = pairs.vectors.leftCols(std::min<Index>(kept, pairs.vectors.cols()));
    out.residuals = pairs.residuals.head(std::min<Index>(kept, pairs.residuals.size()));
    out.converged = std::min(pairs.converged, kept);
    out.requested = k;
    return out;
}

}  // namespace

std::shared_ptr<const SpectralStep> spectral_step(const AnalysisResult& result) {
    return std::make_shared<const SpectralStep>(SpectralStep{result.eigen, result.psd});
}

std::shared_ptr<const SpectralStep> spectral_step(const PathResult& result) {
    return std::make_shared<const SpectralStep>(SpectralStep{result.eigen, result.psd});
}

}  // namespace ridgelens

namespace ridgelens::pipeline {

SpectralStep reuse_spectral_step(const SpectralStep& given, Index k, Index rows,
                                 bool psd_by_construction, const std::string& context,
                                 std::vector<std::string>& checks,
                                 std::vector<std::string>& warnings) {
    if (given.eigen.requested < k)
        throw UsageError(
            context + ": the given spectral step has " + std::to_string(given.eigen.requested) +
            " requested eigenpairs, fewer than EigenOptions::k = " + std::to_string(k));
    if (given.eigen.vectors.cols() > 0 && given.eigen.vectors.rows() != rows)
        throw UsageError(context + ": the given spectral step's eigenvectors have " +
                         std::to_string(given.eigen.vectors.rows()) + " rows but H has " +
                         std::to_string(rows) + " (a step of another H)");
    SpectralStep step{first_pairs(given.eigen, k), given.psd};
    checks.push_back("eigenpairs and PSD verdict reused from the given spectral step (" +
                     std::to_string(step.eigen.converged) + " of its " +
                     std::to_string(given.eigen.converged) +
                     " pairs; no products with H): not recomputed for this H");
    if (step.eigen.status != EigenStatus::converged)
        warnings.push_back("eigenpairs (reused): " + step.eigen.message);
    const PsdVerdict& psd = step.psd;
    if (!psd.psd)
        warnings.push_back(indefinite_warning(psd));
    else if (psd.certified || psd_by_construction)
        checks.push_back("PSD (reused): " + psd.evidence);
    else
        warnings.push_back("PSD check inconclusive (reused): " + psd.evidence);
    return step;
}

}  // namespace ridgelens::pipeline
