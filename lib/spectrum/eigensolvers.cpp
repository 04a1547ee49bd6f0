#include "ridgelens/spectrum/eigensolvers.hpp"

#include "ridgelens/error.hpp"

namespace ridgelens {

const char* to_string(EigensolverBackend backend) {
    switch (backend) {
        case EigensolverBackend::lanczos:
            return "lanczos";
        case EigensolverBackend::spectra:
            return "spectra";
    }
    return "unknown";
}

EigensolverBackend parse_eigensolver_backend(const std::string& text) {
    if (text == "lanczos") return EigensolverBackend::lanczos;
    if (text == "spectra") return EigensolverBackend::spectra;
    throw UsageError("unknown eigensolver '" + text + "': choose lanczos or spectra");
}

Eigensolvers make_eigensolvers(EigensolverBackend backend) {
    Eigensolvers solvers;
    if (backend == EigensolverBackend::spectra)
        solvers.top = [](OperatorRef op, const EigenOptions& options, std::uint64_t seed) {
            return compute_top_eigenpairs_spectra(op, options, seed);
        };
    return solvers;
}

}  // namespace ridgelens
