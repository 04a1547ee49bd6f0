#pragma once
// The library's computations as the Python module calls them.

#include <cstdint>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "py_operator.hpp"

namespace ridgelens::python {

/// θ̂, g and what the report says about the problem.
struct ProblemArguments {
    py::array_t<double, py::array::c_style | py::array::forcecast> theta;
    py::object gradient = py::none();
    std::string source;
    std::string theta_source;
    bool psd_by_construction = false;
};

/// The top-k Lanczos settings.
struct EigenArguments {
    Index k = 10;
    double tolerance = 1e-10;
    Index subspace = 0;
    Index max_restarts = 1000;
};

struct AnalyzeArguments {
    std::vector<double> lambdas;
    std::string solver = "auto";
    double tolerance = 1e-10;
    Index max_cg_iterations = 0;
    double psd_tolerance = 1e-8;
    std::uint64_t seed = 1;
    bool verbose = false;  ///< the library's progress messages on stderr
};

struct PathArguments {
    std::vector<double> lambdas;
    std::string solver = "auto";
    double tolerance = 1e-10;
    Index max_cg_iterations = 0;
    double psd_tolerance = 1e-8;
    bool deflate = true;
    bool baseline = true;
    Index directions = 10;
    Index probes = 30;
    Index lanczos_steps = 80;
    Index max_lanczos_steps = 0;  ///< 0: the path's adaptive default (up to 300 steps)
    Index exact_dof_limit = 3000;
    std::uint64_t seed = 1;
    bool verbose = false;  ///< the library's progress messages on stderr
    /// The λ-selection criteria: `risk(theta)` → R(θ) (a Python callable, or
    /// None), the model's sample count and kind, the criteria to select by
    /// ("gcv", "evidence", "lcurve") and the refinement settings.
    py::object risk = py::none();
    Index samples = 0;
    bool least_squares = false;
    std::vector<std::string> criteria;
    double relative_precision = 0.01;
    Index points_per_round = 8;
    Index max_rounds = 6;
};

py::dict top_eigenpairs(PyOperator& op, const EigenArguments& a, std::uint64_t seed);
/// "report": the JSON text of `ridgelens analyze --out`; "ridge": θ̂_ridge per λ (n × m).
py::dict analyze(PyOperator& op, const ProblemArguments& p, const EigenArguments& e,
                 const AnalyzeArguments& a);
/// "report": the JSON text of `ridgelens path --out`; the per-λ arrays. With
/// a risk, the λ-selection criteria of every point
/// (`evaluate_selection_criteria`) and, with criteria, `select_lambda`.
py::dict path(PyOperator& op, const ProblemArguments& p, const EigenArguments& e,
              const PathArguments& a);
py::dict solve_shifted(PyOperator& op,
                       const py::array_t<double, py::array::c_style | py::array::forcecast>& b,
                       const std::vector<double>& lambdas, double tolerance, Index max_iterations,
                       const std::string& solver);
py::dict effective_dof(PyOperator& op, const std::vector<double>& lambdas, const EigenArguments& e,
                       Index probes, Index lanczos_steps, std::uint64_t seed);
/// Writes the pictures of a report (JSON text) into `directory`; returns the files.
std::vector<std::string> plot(const std::string& report, const std::string& directory,
                              std::size_t pair_i, std::size_t pair_j, std::size_t max_lambdas);

}  // namespace ridgelens::python
