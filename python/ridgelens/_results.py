"""Result objects of the ridgelens computations."""

import json

import numpy as np

__all__ = ["Eigenpairs", "LambdaResult", "AnalysisResult", "PathResult", "LambdaSelection",
           "ShiftedSolutions", "DofResult"]


def _array(values):
    """A float array from JSON values (null → NaN)."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


class _Record:
    def __repr__(self):
        fields = ", ".join("%s=%r" % (k, v) for k, v in vars(self).items()
                           if not k.startswith("_") and np.isscalar(v))
        return "%s(%s)" % (type(self).__name__, fields)


class Eigenpairs(_Record):
    """Top-k eigenpairs H q_j = σ_j q_j, largest first: ``values`` (k,),
    ``vectors`` (n, k), ``residuals`` (k,) = ‖Hq_j − σ_j q_j‖, ``converged``
    (pairs that met the tolerance), ``requested``, ``iterations``,
    ``matvecs``, ``status`` ("converged", "not_converged",
    "numerical_issue") and ``message``."""

    def __init__(self, d):
        self.values = d["values"]
        self.vectors = d["vectors"]
        self.residuals = d["residuals"]
        self.converged = int(d["converged"])
        self.requested = int(d["requested"])
        self.iterations = int(d["iterations"])
        self.matvecs = int(d["matvecs"])
        self.status = d["status"]
        self.message = d["message"]


class LambdaResult(_Record):
    """One λ of an analysis: ``ridge`` = θ̂_ridge (n,), ``relative_residual``,
    ``status`` of the solve, the decay table (``sigma``, ``component``,
    ``factor``, ``shrunk``, ``solved`` as arrays), ``tail`` and
    ``self_check`` (dicts as in the JSON report)."""

    def __init__(self, entry, ridge):
        self.lam = entry["lambda"]
        self.ridge = ridge
        r = entry["ridge"]
        self.relative_residual = np.nan if r["relative_residual"] is None else r[
            "relative_residual"]
        self.status = r["status"]
        self.message = r["message"]
        self.solver = r["solver"]
        self.norm = r["norm"]
        table = entry["directions"]
        for name in ("sigma", "component", "factor", "shrunk", "solved"):
            setattr(self, name, _array([d.get(name) for d in table]))
        self.tail = entry["tail"]
        self.self_check = entry["self_check"]


class AnalysisResult(_Record):
    """What ``ridgelens.analyze`` computed: ``eigen`` (Eigenpairs), ``lambdas``
    (a LambdaResult per λ), ``ridge`` (n, m) one column per λ, ``status``
    ("ok" or "numerical_failure"), ``ok``, ``checks``, ``warnings``;
    ``solver``: what solved the λ ("cholmod", "dense_eigendecomposition", "cg",
    "deflated_multishift_cg" or "multishift_cg", the library's SolverKind).
    ``to_dict()`` is the JSON report of ``ridgelens analyze --out``."""

    def __init__(self, d):
        self._report = json.loads(d["report"])
        self.eigen = Eigenpairs(d["eigen"])
        self.ridge = d["ridge"]
        self.lambdas = [LambdaResult(entry, self.ridge[:, i])
                        for i, entry in enumerate(self._report["lambdas"])]
        self.status = self._report["status"]
        self.ok = bool(d["ok"])
        self.solver = self._report["solver"]
        self.checks = self._report["checks"]
        self.warnings = self._report["warnings"]
        self.psd = self._report["eigen"].get("psd")

    def to_dict(self):
        """The report, field for field as ``ridgelens analyze --out`` writes it."""
        return json.loads(json.dumps(self._report))


class LambdaSelection(_Record):
    """The λ one criterion selected (``select_lambda``): ``criterion`` ("gcv",
    "evidence", "lcurve"), ``lam`` (the λ), ``value`` ± ``value_stderr`` (the
    criterion there), ``bracket`` (low, high) around the optimum,
    ``evaluations`` (λ evaluated: grid and refinement), ``resolved``,
    ``reason`` (how it was determined, or why not) and ``probes_needed`` (SLQ
    probes that would resolve it, when noise is the reason). ``to_dict()``:
    the report's ``selection`` entry."""

    def __init__(self, entry):
        self._entry = entry
        self.criterion = entry["criterion"]
        self.lam = np.nan if entry["lambda"] is None else entry["lambda"]
        self.value = np.nan if entry["value"] is None else entry["value"]
        self.value_stderr = np.nan if entry["value_stderr"] is None else entry["value_stderr"]
        self.bracket = tuple(_array(entry["bracket"]))
        self.evaluations = int(entry["evaluations"])
        self.resolved = bool(entry["resolved"])
        self.reason = entry["reason"]
        self.probes_needed = int(entry["probes_needed"])

    def to_dict(self):
        return dict(self._entry)


# The per-point fields of the λ-selection criteria (NaN where not evaluated).
_CRITERIA_FIELDS = ("risk", "residual_norm", "gcv", "gcv_stderr", "log_evidence",
                    "log_evidence_stderr", "lcurve_curvature")


class PathResult(_Record):
    """The regularization path: arrays over the grid ``lambdas``, ``df``,
    ``df_stderr``, ``ridge_norm``, ``relative_residual``, ``coefficients``
    (m, directions) = q_jᵀθ̂_ridge(λ), ``log_det`` = log det(I + H/λ) ±
    ``log_det_stderr``, ``statuses``; ``eigen``; ``status``. With a risk, the
    λ-selection criteria per λ (``risk``, ``residual_norm``, ``gcv``,
    ``gcv_stderr``, ``log_evidence``, ``log_evidence_stderr``,
    ``lcurve_curvature``; NaN where they do not apply), ``criteria_note`` and,
    from ``select_lambda``, ``selections`` (LambdaSelection per criterion).
    ``to_dict()`` is the JSON report of ``ridgelens path --out``."""

    def __init__(self, d):
        self._report = json.loads(d["report"])
        for name in ("lambdas", "df", "df_stderr", "ridge_norm", "relative_residual",
                     "coefficients"):
            setattr(self, name, d[name])
        self.statuses = list(d["statuses"])
        self.eigen = Eigenpairs(d["eigen"])
        self.ok = bool(d["ok"])
        self.status = self._report["status"]
        self.df_method = self._report.get("df_method")
        self.solver = self._report.get("solver")
        self.warnings = self._report.get("warnings", [])
        points = self._report["path"]
        for name in ("log_det", "log_det_stderr") + _CRITERIA_FIELDS:
            setattr(self, name, _array([p.get(name) for p in points]))
        self.criteria_note = self._report.get("criteria_note", "")
        self.selections = [LambdaSelection(e) for e in self._report.get("selection", [])]

    def to_dict(self):
        """The report, field for field as ``ridgelens path --out`` writes it."""
        return json.loads(json.dumps(self._report))


class ShiftedSolutions(_Record):
    """Solutions of (H + λ_i I)x_i = b: ``solutions`` (n, m), one column per
    λ; ``residuals`` (m,) = ‖(H+λI)x − b‖/‖b‖ recomputed; ``statuses``,
    ``messages``, ``iterations``, ``matvecs``; ``solver`` ("cholmod" or
    "multishift_cg": what ran) and ``solver_reason`` (why)."""

    def __init__(self, d, lambdas):
        self.lambdas = np.asarray(lambdas, dtype=np.float64)
        self.solutions = d["solutions"]
        self.residuals = d["residuals"]
        self.statuses = list(d["statuses"])
        self.messages = list(d["messages"])
        self.iterations = int(d["iterations"])
        self.matvecs = int(d["matvecs"])
        self.solver = d["solver"]
        self.solver_reason = d["solver_reason"]
        self.ok = all(s == "converged" for s in self.statuses)


class DofResult(_Record):
    """df(λ) = tr(H(H+λI)⁻¹): ``df`` with ``df_stderr`` (statistical) and
    ``df_quadrature_error`` (bound on the quadrature bias), ``df_top_part``
    (exact part from the top-k eigenvalues), ``eigen``, ``matvecs``,
    ``message``."""

    def __init__(self, d):
        for name in ("lambdas", "df", "df_stderr", "df_quadrature_error", "df_top_part"):
            setattr(self, name, d[name])
        self.eigen = Eigenpairs(d["eigen"])
        self.matvecs = int(d["matvecs"])
        self.indefinite = bool(d["indefinite"])
        self.message = d["message"]
