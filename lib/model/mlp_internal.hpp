#pragma once
// Internals of MlpModel shared by its source files: the per-block state of a
// forward/backward pass and the activation functions.

#include <vector>

#include "ridgelens/model/mlp.hpp"

namespace ridgelens {

/// Quantities of one block of samples (columns = samples), indexed by layer
/// l = 1 … L (index 0 unused). Hidden layers l < L: A = φ(Z), D1 = φ'(Z),
/// D2 = φ''(Z), E = W_{l+1}ᵀΔ_{l+1}; every layer: Δ_l = ∂ℓ/∂z_l
/// (Δ_l = D1 ⊙ E below the output). P: softmax probabilities (cross-entropy).
struct MlpModel::BlockState {
    std::vector<DenseMatrix> z, a, d1, d2, e, delta;
    DenseMatrix p;
    double loss = 0;  ///< Σ of the block's losses
    Index first = 0;  ///< first sample of the block
};

namespace mlp_detail {

/// a = φ(z), d1 = φ'(z), d2 = φ''(z), elementwise.
void activate(Activation activation, const DenseMatrix& z, DenseMatrix& a, DenseMatrix& d1,
              DenseMatrix& d2);

/// Row-major map of W_l inside θ.
using RowMajorMap =
    Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
using MutableRowMajorMap =
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
/// A column-major s × count view with columns `stride` apart.
using StridedMap = Eigen::Map<const DenseMatrix, 0, Eigen::OuterStride<>>;
using MutableStridedMap = Eigen::Map<DenseMatrix, 0, Eigen::OuterStride<>>;

}  // namespace mlp_detail
}  // namespace ridgelens
