#include "py_operator.hpp"

#include <algorithm>
#include <cstring>

#include "ridgelens/error.hpp"

namespace ridgelens::python {

std::shared_ptr<PyOperator> PyOperator::from_csc(Index n, const py::array_t<int>& indptr,
                                                 const py::array_t<int>& indices,
                                                 const py::array_t<double>& data) {
    if (indptr.ndim() != 1 || indptr.size() != n + 1)
        throw UsageError("sparse matrix: indptr must have n + 1 entries");
    const Index nnz = indices.size();
    if (data.size() != nnz) throw UsageError("sparse matrix: indices and data differ in length");
    std::shared_ptr<PyOperator> op(new PyOperator());
    op->n_ = n;
    op->sparse_ = true;
    const int* outer = indptr.data();
    if (outer[0] != 0 || outer[n] != nnz)
        throw UsageError("sparse matrix: indptr does not span the stored entries");
    const Eigen::Map<const Eigen::SparseMatrix<double, Eigen::ColMajor, int>> map(
        n, n, nnz, outer, indices.data(), data.data());
    op->matrix_ = map;
    op->matrix_.makeCompressed();
    op->sparse_op_ = std::make_unique<SparseSymmetricOperator>(op->matrix_);
    return op;
}

std::shared_ptr<PyOperator> PyOperator::from_dense(py::array_t<double> matrix, bool formed) {
    if (matrix.ndim() != 2 || matrix.shape(0) != matrix.shape(1) || matrix.shape(0) < 1)
        throw UsageError("dense matrix: must be square with at least one row");
    std::shared_ptr<PyOperator> op(new PyOperator());
    op->n_ = matrix.shape(0);
    if (formed)  // symmetric: the row-major data read column-major is H itself
        op->formed_ = Eigen::Map<const DenseMatrix>(matrix.data(), op->n_, op->n_);
    op->dense_ = std::move(matrix);
    return op;
}

std::shared_ptr<PyOperator> PyOperator::from_callable(Index n, py::object matvec,
                                                      py::object matmat) {
    if (n < 1)
        throw UsageError("Operator: dimension n must be at least 1, got " + std::to_string(n));
    if (!PyCallable_Check(matvec.ptr())) throw UsageError("Operator: matvec must be callable");
    if (!matmat.is_none() && !PyCallable_Check(matmat.ptr()))
        throw UsageError("Operator: matmat must be callable or None");
    std::shared_ptr<PyOperator> op(new PyOperator());
    op->n_ = n;
    op->matvec_ = std::move(matvec);
    op->matmat_ = std::move(matmat);
    return op;
}

std::optional<Vector> PyOperator::diagonal() const {
    if (sparse_op_) return sparse_op_->diagonal();
    return std::nullopt;
}

void PyOperator::begin(const std::string& computation) {
    computation_ = computation;
    phase_.clear();
    call_products_ = 0;
    failure_.reset();
    failure_in_product_ = true;
    failure_context_.clear();
}

void PyOperator::check_interrupt() const {
    py::gil_scoped_acquire acquire;
    if (PyErr_CheckSignals() != 0) fail_with_current_error("interrupted");
}

void PyOperator::perform_op(const double* x, double* y) const {
    ++products_;
    ++call_products_;
    if (sparse_op_) {
        check_interrupt();
        sparse_op_->perform_op(x, y);
        return;
    }
    if (dense_) {
        check_interrupt();
        const Eigen::Map<
            const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
            a(dense_->data(), n_, n_);
        Eigen::Map<Vector>(y, n_).noalias() = a * Eigen::Map<const Vector>(x, n_);
        return;
    }
    call_matvec(x, y);
}

void PyOperator::perform_ops(const double* x, Index count, double* y) const {
    if (matmat_.is_none() || !matmat_ || count == 1) {
        for (Index j = 0; j < count; ++j) perform_op(x + j * n_, y + j * n_);
        return;
    }
    products_ += count;
    call_products_ += count;
    call_matmat(x, count, y);
}

void PyOperator::call_matvec(const double* x, double* y) const {
    py::gil_scoped_acquire acquire;
    if (PyErr_CheckSignals() != 0) fail_with_current_error("interrupted");
    py::object result;
    try {
        const py::array_t<double> input(n_, x);  // a copy: the callee cannot alter the solver
        result = matvec_(input);
    } catch (py::error_already_set& error) {
        failure_.emplace(std::move(error));
        failure_context_ = "raised by matvec";
        throw ProductFailed();
    }
    copy_result(result, 1, y, "matvec");
}

void PyOperator::call_matmat(const double* x, Index count, double* y) const {
    py::gil_scoped_acquire acquire;
    if (PyErr_CheckSignals() != 0) fail_with_current_error("interrupted");
    py::object result;
    try {
        // X is column-major n×count: as a numpy array of shape (n, count), Fortran order.
        py::array_t<double, py::array::f_style> input({n_, count});
        std::memcpy(input.mutable_data(), x, sizeof(double) * static_cast<std::size_t>(n_ * count));
        result = matmat_(input);
    } catch (py::error_already_set& error) {
        failure_.emplace(std::move(error));
        failure_context_ = "raised by matmat";
        throw ProductFailed();
    }
    copy_result(result, count, y, "matmat");
}

double PyOperator::call_risk(const py::object& risk, const double* theta) const {
    py::gil_scoped_acquire acquire;
    failure_in_product_ = false;
    if (PyErr_CheckSignals() != 0) fail_with_current_error("interrupted");
    py::object result;
    try {
        result = risk(py::array_t<double>(n_, theta));  // a copy, as for matvec
    } catch (py::error_already_set& error) {
        failure_.emplace(std::move(error));
        failure_context_ = "raised by risk";
        throw ProductFailed();
    }
    // A Python or numpy real scalar (or a 0-d array); not a bool, a complex
    // number, a string or an array with entries.
    const bool array_with_entries =
        py::isinstance<py::array>(result) && py::reinterpret_borrow<py::array>(result).ndim() != 0;
    const std::string type = py::str(result.get_type().attr("__name__"));
    if (py::isinstance<py::bool_>(result) || PyComplex_Check(result.ptr()) || array_with_entries ||
        !PyNumber_Check(result.ptr()))
        fail_with_value_error("risk returned " + type + ", expected a real number R(θ)",
                              "wrong return value of risk");
    const double value = PyFloat_AsDouble(result.ptr());
    if (value == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        fail_with_value_error("risk returned " + type + ", expected a real number R(θ)",
                              "wrong return value of risk");
    }
    failure_in_product_ = true;
    return value;
}

void PyOperator::copy_result(const py::object& result, Index count, double* y,
                             const char* name) const {
    const std::string shape = count == 1
                                  ? "(" + std::to_string(n_) + ",)"
                                  : "(" + std::to_string(n_) + ", " + std::to_string(count) + ")";
    if (!py::isinstance<py::array>(result))
        fail_with_value_error(std::string(name) + " returned " +
                              std::string(py::str(result.get_type().attr("__name__"))) +
                              ", expected a float64 numpy array of shape " + shape);
    const py::array array = py::reinterpret_borrow<py::array>(result);
    const char kind = array.dtype().kind();
    if (kind != 'f')
        fail_with_value_error(std::string(name) + " returned an array of dtype " +
                              std::string(py::str(array.dtype())) +
                              ", expected float64 (a real floating-point array)");
    const bool shape_ok =
        count == 1 ? (array.ndim() == 1 && array.shape(0) == n_)
                   : (array.ndim() == 2 && array.shape(0) == n_ && array.shape(1) == count);
    if (!shape_ok) {
        std::string got = "(";
        for (py::ssize_t d = 0; d < array.ndim(); ++d)
            got += (d ? ", " : "") + std::to_string(array.shape(d));
        got += array.ndim() == 1 ? ",)" : ")";
        fail_with_value_error(std::string(name) + " returned an array of shape " + got +
                              ", expected " + shape);
    }
    // Column-major, float64: one copy whatever the layout or float width.
    const auto converted =
        py::array_t<double, py::array::f_style | py::array::forcecast>::ensure(array);
    std::memcpy(y, converted.data(), sizeof(double) * static_cast<std::size_t>(n_ * count));
}

void PyOperator::fail_with_current_error(const std::string& what) const {
    failure_.emplace();  // fetches the pending Python error (e.g. KeyboardInterrupt)
    failure_context_ = what;
    throw ProductFailed();
}

void PyOperator::fail_with_value_error(const std::string& message, const char* context) const {
    PyErr_SetString(PyExc_ValueError, message.c_str());
    failure_.emplace();
    failure_context_ = context;
    throw ProductFailed();
}

void PyOperator::rethrow() {
    if (!failure_) throw Error("ridgelens: a product failed without a Python exception");
    py::error_already_set error = std::move(*failure_);
    failure_.reset();
    std::string note = computation_ + ": " + failure_context_ +
                       (failure_in_product_ ? " in product " : " after product ") +
                       std::to_string(call_products_) + " of this call";
    failure_in_product_ = true;
    if (!phase_.empty()) note += " (while " + phase_ + ")";
    const py::object value = error.value();
    if (py::hasattr(value, "add_note")) value.attr("add_note")(note);
    throw error;
}

}  // namespace ridgelens::python
