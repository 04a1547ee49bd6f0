#include "krylov/jacobi_preconditioner.hpp"

#include <cmath>

namespace ridgelens::krylov {

Vector jacobi_inverse(const Vector& diagonal, double shift) {
    Vector inverse(diagonal.size());
    for (Index i = 0; i < diagonal.size(); ++i) {
        const double d = diagonal[i] + shift;
        inverse[i] = d > 0 && std::isfinite(d) ? 1.0 / d : 1.0;
    }
    return inverse;
}

Vector jacobi_inverse(const std::optional<Vector>& diagonal, double shift, Index n) {
    return diagonal ? jacobi_inverse(*diagonal, shift) : Vector(Vector::Ones(n));
}

}  // namespace ridgelens::krylov
