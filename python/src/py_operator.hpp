#pragma once
// The operator the Python module hands to the library: a sparse matrix, a
// dense numpy array or a Python callable, with the bookkeeping that turns a
// failure inside a product (a Python exception, a wrong return value, Ctrl-C)
// into a C++ exception that unwinds the library, and back into the Python
// exception at the binding's boundary.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "ridgelens/operator/linear_operator.hpp"
#include "ridgelens/operator/sparse_symmetric_operator.hpp"

namespace ridgelens::python {

namespace py = pybind11;

/// Thrown through the library when a product failed on the Python side; the
/// Python exception itself is kept by the operator (see `PyOperator::rethrow`).
class ProductFailed : public std::exception {
  public:
    const char* what() const noexcept override { return "ridgelens: a product failed in Python"; }
};

/// y = H·x for H given from Python. Products are called by the library with
/// the GIL released; a callable's product takes the GIL for the call, and
/// every product (sparse and dense too) checks for Ctrl-C.
class PyOperator {
  public:
    using Scalar = double;

    /// A sparse symmetric matrix in CSC arrays (both triangles, int32 indices).
    static std::shared_ptr<PyOperator> from_csc(Index n, const py::array_t<int>& indptr,
                                                const py::array_t<int>& indices,
                                                const py::array_t<double>& data);
    /// A dense n×n float64 array, used in place (kept alive, not copied).
    /// `formed`: H was formed from a model (least squares' XᵀX/n, as a
    /// model's `curvature_matrix`): `formed_matrix` then gives the library a
    /// copy, so that every λ comes from one eigendecomposition.
    static std::shared_ptr<PyOperator> from_dense(py::array_t<double> matrix, bool formed);
    /// A callable matvec(x) → y, and optionally matmat(X) → Y for n×m blocks.
    static std::shared_ptr<PyOperator> from_callable(Index n, py::object matvec, py::object matmat);

    Index rows() const { return n_; }
    Index cols() const { return n_; }
    void perform_op(const double* x, double* y) const;
    /// Blocked products through `matmat` when given (one Python call per block).
    void perform_ops(const double* x, Index count, double* y) const;

    /// The explicit matrix (both triangles), or null for a dense array or a callable.
    const SparseMatrix* matrix() const { return sparse_ ? &matrix_ : nullptr; }
    /// H as the library's dense matrix, for an operator made `formed` (else null).
    const DenseMatrix* formed_matrix() const { return formed_ ? &*formed_ : nullptr; }
    /// diag(H) when free to have (sparse matrix).
    std::optional<Vector> diagonal() const;
    std::int64_t products() const { return products_; }

    /// Starts a computation: resets the per-call product count and names it
    /// (e.g. "ridgelens.analyze") for the note added to a callback's exception.
    void begin(const std::string& computation);
    /// Records what the library is doing (its progress messages).
    void set_phase(const std::string& phase) { phase_ = phase; }

    /// Calls a Python `risk(theta)` → number for the library (with the GIL
    /// taken here): the model's risk R(θ_λ) at a path point. An exception it
    /// raises, Ctrl-C or a return value that is not a real number unwinds the
    /// library as a failed product does (see `rethrow`).
    double call_risk(const py::object& risk, const double* theta) const;

    /// After a ProductFailed has unwound the library: restores the Python
    /// exception, with a note naming the computation and the product, and
    /// throws it (needs the GIL).
    [[noreturn]] void rethrow();

  private:
    PyOperator() = default;
    void call_matvec(const double* x, double* y) const;
    void call_matmat(const double* x, Index count, double* y) const;
    void check_interrupt() const;
    [[noreturn]] void fail_with_current_error(const std::string& what) const;
    [[noreturn]] void fail_with_value_error(const std::string& message,
                                            const char* context = "wrong return value") const;
    void copy_result(const py::object& result, Index count, double* y, const char* name) const;

    Index n_ = 0;
    bool sparse_ = false;
    SparseMatrix matrix_;
    std::unique_ptr<SparseSymmetricOperator> sparse_op_;
    std::optional<py::array_t<double>> dense_;
    std::optional<DenseMatrix> formed_;
    py::object matvec_;
    py::object matmat_;
    mutable std::int64_t products_ = 0;       ///< all products since construction
    mutable std::int64_t call_products_ = 0;  ///< products in the current computation
    std::string computation_;
    std::string phase_;
    mutable std::optional<py::error_already_set> failure_;
    mutable std::string failure_context_;
    mutable bool failure_in_product_ = true;  ///< false: in a callback between products (risk)
};

/// Runs `body` (a library call) with the GIL released; a ProductFailed comes
/// back as the operator's Python exception.
template <class Body>
auto run_released(PyOperator& op, const std::string& computation, Body&& body) {
    op.begin(computation);
    try {
        py::gil_scoped_release release;
        return body();
    } catch (const ProductFailed&) {
        op.rethrow();
    }
}

}  // namespace ridgelens::python
