#pragma once
// Forward-mode dual numbers v + d·ε (ε² = 0): evaluating a function on
// Dual{x, u} gives its value and its directional derivative along u. The
// models evaluate their per-sample gradient code on duals to get the exact
// Hessian-vector product as the directional derivative of the gradient
// (Pearlmutter's R-operator), independently of the analytic loss Hessian
// used by the Gauss-Newton path.

#include <cmath>

namespace ridgelens::detail {

struct Dual {
    double value = 0;
    double tangent = 0;
};

inline Dual operator+(Dual a, Dual b) {
    return {a.value + b.value, a.tangent + b.tangent};
}
inline Dual operator-(Dual a, Dual b) {
    return {a.value - b.value, a.tangent - b.tangent};
}
inline Dual operator-(Dual a) {
    return {-a.value, -a.tangent};
}
inline Dual operator*(Dual a, Dual b) {
    return {a.value * b.value, a.tangent * b.value + a.value * b.tangent};
}
inline Dual operator/(Dual a, Dual b) {
    const double q = a.value / b.value;
    return {q, (a.tangent - q * b.tangent) / b.value};
}
inline Dual operator+(double a, Dual b) {
    return {a + b.value, b.tangent};
}
inline Dual operator+(Dual a, double b) {
    return {a.value + b, a.tangent};
}
inline Dual operator-(double a, Dual b) {
    return {a - b.value, -b.tangent};
}
inline Dual operator-(Dual a, double b) {
    return {a.value - b, a.tangent};
}
inline Dual operator*(double a, Dual b) {
    return {a * b.value, a * b.tangent};
}
inline Dual operator*(Dual a, double b) {
    return {a.value * b, a.tangent * b};
}
inline Dual operator/(Dual a, double b) {
    return {a.value / b, a.tangent / b};
}
inline Dual operator/(double a, Dual b) {
    const double q = a / b.value;
    return {q, -q * b.tangent / b.value};
}
inline Dual& operator+=(Dual& a, Dual b) {
    return a = a + b;
}

inline Dual exp(Dual a) {
    const double e = std::exp(a.value);
    return {e, e * a.tangent};
}

/// The value part (the identity on doubles), for branches on the value.
inline double value_of(double a) {
    return a;
}
inline double value_of(Dual a) {
    return a.value;
}

}  // namespace ridgelens::detail
