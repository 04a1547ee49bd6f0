// The extension module ridgelens._ridgelens. The public Python API is in
// ridgelens/__init__.py, which normalizes the inputs (scipy.sparse, numpy,
// LinearOperator, callables, the PyTorch bridge) and wraps the results.

#include <pybind11/stl.h>

#include "computations.hpp"
#include "ridgelens/error.hpp"
#include "ridgelens/version.hpp"

namespace py = pybind11;
using namespace ridgelens;
using namespace ridgelens::python;

namespace {

ProblemArguments problem_arguments(
    py::array_t<double, py::array::c_style | py::array::forcecast> theta, py::object gradient,
    std::string source, std::string theta_source, bool psd_by_construction) {
    return ProblemArguments{std::move(theta), std::move(gradient), std::move(source),
                            std::move(theta_source), psd_by_construction};
}

EigenArguments eigen_arguments(Index k, double tolerance, Index subspace, Index max_restarts) {
    return EigenArguments{k, tolerance, subspace, max_restarts};
}

void bind_operator(py::module_& m) {
    py::class_<PyOperator, std::shared_ptr<PyOperator>>(m, "_Operator")
        .def_static("from_csc", &PyOperator::from_csc, py::arg("n"), py::arg("indptr"),
                    py::arg("indices"), py::arg("data"))
        .def_static("from_dense", &PyOperator::from_dense, py::arg("matrix"),
                    py::arg("formed") = false)
        .def_static("from_callable", &PyOperator::from_callable, py::arg("n"), py::arg("matvec"),
                    py::arg("matmat") = py::none())
        .def_property_readonly("n", &PyOperator::rows)
        .def_property_readonly("products", &PyOperator::products)
        .def("matvec",
             [](PyOperator& op, py::array_t<double, py::array::c_style | py::array::forcecast> x) {
                 if (x.ndim() != 1 || x.size() != op.rows())
                     throw UsageError("matvec: x must have length " + std::to_string(op.rows()));
                 py::array_t<double> y(op.rows());
                 double* out = y.mutable_data();
                 const double* in = x.data();
                 run_released(op, "ridgelens.Operator.matvec", [&] { op.perform_op(in, out); });
                 return y;
             });
}

}  // namespace

PYBIND11_MODULE(_ridgelens, m) {
    m.doc() = "ridgelens: the geometry of L2 regularization (native part)";
    m.attr("__version__") = version_string;
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const ResourceError& e) {
            PyErr_SetString(PyExc_MemoryError, e.what());
        } catch (const Error& e) {  // UsageError, InputError: misuse and bad input
            PyErr_SetString(PyExc_ValueError, e.what());
        }
    });
    bind_operator(m);
    m.def(
        "top_eigenpairs",
        [](PyOperator& op, Index k, double tol, Index subspace, Index max_restarts,
           std::uint64_t seed) {
            return top_eigenpairs(op, eigen_arguments(k, tol, subspace, max_restarts), seed);
        },
        py::arg("op"), py::arg("k"), py::arg("tol"), py::arg("subspace"), py::arg("max_restarts"),
        py::arg("seed"));
    m.def("analyze",
          [](PyOperator& op, py::array_t<double, py::array::c_style | py::array::forcecast> theta,
             py::object gradient, std::string source, std::string theta_source, bool psd, Index k,
             double eigen_tol, Index subspace, Index max_restarts, AnalyzeArguments a) {
              return analyze(op, problem_arguments(theta, gradient, source, theta_source, psd),
                             eigen_arguments(k, eigen_tol, subspace, max_restarts), a);
          });
    m.def("path",
          [](PyOperator& op, py::array_t<double, py::array::c_style | py::array::forcecast> theta,
             py::object gradient, std::string source, std::string theta_source, bool psd, Index k,
             double eigen_tol, Index subspace, Index max_restarts, PathArguments a) {
              return path(op, problem_arguments(theta, gradient, source, theta_source, psd),
                          eigen_arguments(k, eigen_tol, subspace, max_restarts), a);
          });
    py::class_<AnalyzeArguments>(m, "_AnalyzeArguments")
        .def(py::init<>())
        .def_readwrite("lambdas", &AnalyzeArguments::lambdas)
        .def_readwrite("solver", &AnalyzeArguments::solver)
        .def_readwrite("tolerance", &AnalyzeArguments::tolerance)
        .def_readwrite("max_cg_iterations", &AnalyzeArguments::max_cg_iterations)
        .def_readwrite("psd_tolerance", &AnalyzeArguments::psd_tolerance)
        .def_readwrite("seed", &AnalyzeArguments::seed)
        .def_readwrite("verbose", &AnalyzeArguments::verbose);
    py::class_<PathArguments>(m, "_PathArguments")
        .def(py::init<>())
        .def_readwrite("lambdas", &PathArguments::lambdas)
        .def_readwrite("solver", &PathArguments::solver)
        .def_readwrite("tolerance", &PathArguments::tolerance)
        .def_readwrite("max_cg_iterations", &PathArguments::max_cg_iterations)
        .def_readwrite("psd_tolerance", &PathArguments::psd_tolerance)
        .def_readwrite("deflate", &PathArguments::deflate)
        .def_readwrite("baseline", &PathArguments::baseline)
        .def_readwrite("directions", &PathArguments::directions)
        .def_readwrite("probes", &PathArguments::probes)
        .def_readwrite("lanczos_steps", &PathArguments::lanczos_steps)
        .def_readwrite("max_lanczos_steps", &PathArguments::max_lanczos_steps)
        .def_readwrite("exact_dof_limit", &PathArguments::exact_dof_limit)
        .def_readwrite("seed", &PathArguments::seed)
        .def_readwrite("verbose", &PathArguments::verbose)
        .def_readwrite("risk", &PathArguments::risk)
        .def_readwrite("samples", &PathArguments::samples)
        .def_readwrite("least_squares", &PathArguments::least_squares)
        .def_readwrite("criteria", &PathArguments::criteria)
        .def_readwrite("relative_precision", &PathArguments::relative_precision)
        .def_readwrite("points_per_round", &PathArguments::points_per_round)
        .def_readwrite("max_rounds", &PathArguments::max_rounds);
    m.def("solve_shifted", &solve_shifted, py::arg("op"), py::arg("b"), py::arg("lambdas"),
          py::arg("tol"), py::arg("max_iterations"), py::arg("solver"));
    m.def("effective_dof", [](PyOperator& op, const std::vector<double>& lambdas, Index k,
                              double tol, Index probes, Index lanczos_steps, std::uint64_t seed) {
        return effective_dof(op, lambdas, eigen_arguments(k, tol, 0, 1000), probes, lanczos_steps,
                             seed);
    });
    m.def("plot", &plot, py::arg("report"), py::arg("directory"), py::arg("pair_i") = 0,
          py::arg("pair_j") = 0, py::arg("max_lambdas") = 5);
}
