#pragma once
/// @file types.hpp
/// The vector and matrix types used throughout the public API.

#include <Eigen/Core>
#include <Eigen/SparseCore>

namespace ridgelens {

using Index = Eigen::Index;
using Vector = Eigen::VectorXd;
using DenseMatrix = Eigen::MatrixXd;

/// Compressed sparse column matrix with 32-bit indices. ridgelens stores a
/// symmetric matrix with *both* triangles, so the same arrays read as CSR of
/// the same matrix (row-parallel products, no transpose needed).
using SparseMatrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

}  // namespace ridgelens
