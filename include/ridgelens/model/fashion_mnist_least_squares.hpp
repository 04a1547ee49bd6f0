#pragma once
/// @file fashion_mnist_least_squares.hpp
/// The embedded default problem: least squares on Fashion-MNIST, one class
/// against the rest.
///
/// Thread safety: reentrant (each call reads and builds its own data).

#include <string>

#include "ridgelens/export.hpp"
#include "ridgelens/model/dense_least_squares.hpp"
#include "ridgelens/model/fashion_mnist.hpp"

namespace ridgelens {

/// X = pixels/255 plus an intercept column (60,000 × 785), y = +1 for
/// `positive_class` and −1 for the rest, H = XᵀX/n, θ̂ its minimum-norm
/// least-squares minimizer.
struct FashionMnistLeastSquares {
    DenseLeastSquares fit;
    SparseMatrix hessian;  ///< H as a sparse matrix (both triangles, diagonal always stored)
    int positive_class = 0;
    std::string description;  ///< for the report's "source"
};

/// Builds the default problem. @throws InputError if the data set is absent
/// (install the Debian package `dataset-fashion-mnist`), UsageError for a
/// class outside 0..9.
RIDGELENS_API FashionMnistLeastSquares fashion_mnist_least_squares(
    int positive_class = 0, const std::string& directory = default_fashion_mnist_directory());

}  // namespace ridgelens
