#pragma once
// The memory-bound kernels of the Lanczos recurrence (lanczos_recurrence.hpp,
// under the top-k solver, the PSD check and SLQ): inner products, projections Vᵀf, Gram-Schmidt
// corrections and basis recombinations over the n × c column-major basis V,
// OpenMP-parallel over row blocks of 256 rows. The projections are fused with
// the vector updates so that each Gram-Schmidt sweep reads V from memory once;
// below the library's threading threshold (parallel/threading.hpp) everything
// runs on the calling thread. bench/README.md has the measurements.
// Every threaded sum is added in a fixed order (thread order, one static block
// of rows per thread), so for a fixed thread count the results are bitwise the
// same on every run, as ridgelens-mpi needs when each rank runs them on
// replicated vectors.

#include <Eigen/Core>

#include "ridgelens/operator/linear_operator.hpp"

namespace ridgelens::detail {

/// x·y over n entries (OpenMP for large n).
double parallel_dot(const double* x, const double* y, Index n);

/// result[0..c) = Vᵀy for the n × c column-major V with leading dimension ld.
void parallel_transpose_product(const double* v, Index ld, Index n, Index c, const double* y,
                                double* result);

/// y −= V·coefficients for the n × c column-major V with leading dimension ld
/// (OpenMP over row blocks, each block of V read once).
void parallel_subtract_product(const double* v, Index ld, Index n, Index c,
                               const double* coefficients, double* y);

/// One pass over the rows of the n × c basis V (column-major, leading
/// dimension ld): f = w − alpha·v, then projection[0..c) = Vᵀf and
/// projection[c] = ‖f‖². f may alias w.
void residual_and_project(const double* basis, Index ld, Index n, Index c, const double* w,
                          double alpha, const double* v, double* f, double* projection);

/// One pass over the rows of V: f −= V·correction, then projection[0..c) =
/// Vᵀf and projection[c] = ‖f‖² (each block of V read from memory once).
void correct_and_project(const double* basis, Index ld, Index n, Index c, const double* correction,
                         double* f, double* projection);

/// One pass over the rows of V: f −= V·correction; returns ‖f‖².
double correct_and_norm(const double* basis, Index ld, Index n, Index c, const double* correction,
                        double* f);

/// w −= h·previous, returning vᵀw after the update (one pass).
double subtract_and_dot(double* w, double h, const double* previous, const double* v, Index n);

/// v = factor·f.
void scale_into(const double* f, double factor, double* v, Index n);

/// The first p = weights.cols() columns of V become V[:, 0..m)·weights
/// (m = weights.rows() ≥ p), in place, one row block at a time.
void combine_basis_in_place(double* basis, Index ld, Index n, const Eigen::MatrixXd& weights);

/// out (n × p, leading dimension n) = V[:, 0..m)·weights, one row block at a time.
void combine_basis(const double* basis, Index ld, Index n, const Eigen::MatrixXd& weights,
                   double* out);

}  // namespace ridgelens::detail
