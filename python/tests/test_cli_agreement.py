"""The same input through both doors: the CLI's own JSON report (ridgelens
analyze/path --out on a Matrix Market file written by scipy.io.mmwrite) and
the Python module's to_dict()."""

import json
import os
import re
import subprocess

import numpy as np
import pytest
import scipy.io

import ridgelens
from conftest import spd_sparse

CLI = os.environ.get("RIDGELENS_CLI")
pytestmark = pytest.mark.skipif(
    not CLI or not os.path.exists(CLI),
    reason="the ridgelens program is not built (RIDGELENS_CLI unset): run through ctest")

NUMBER = re.compile(r"[-+]?\d+(\.\d*)?(e[-+]?\d+)?")
VOLATILE = {"seconds", "read_s", "eigen_s", "analyze_s", "factorization_seconds",
            "analysis_seconds", "source", "theta_source"}


def compare(cli, py, where="report"):
    """Same structure and field names; numbers equal to 1e-9 (relative); strings equal."""
    assert type(cli) is type(py) or {type(cli), type(py)} <= {int, float}, where
    if isinstance(cli, dict):
        assert set(cli) == set(py), "%s: fields %s" % (where, set(cli) ^ set(py))
        for key in cli:
            if key not in VOLATILE and not key.endswith("_seconds"):
                compare(cli[key], py[key], where + "." + key)
    elif isinstance(cli, list):
        assert len(cli) == len(py), where
        for i, (a, b) in enumerate(zip(cli, py)):
            compare(a, b, "%s[%d]" % (where, i))
    elif isinstance(cli, float) or isinstance(py, float):
        # Residuals at rounding level are compared as "tiny", not digit for digit.
        tiny = "residual" in where or "error" in where or "asymmetry" in where
        assert py == pytest.approx(cli, rel=1e-9, abs=1e-9 if tiny else 1e-12), where
    elif isinstance(cli, str):
        # Messages quote numbers at rounding level (residuals of 1e-15): compare the words.
        assert NUMBER.sub("#", cli) == NUMBER.sub("#", py), where
    else:
        assert cli == py, where


@pytest.fixture
def files(tmp_path):
    h = spd_sparse(n=80, seed=9)
    theta = np.random.default_rng(2).standard_normal(80)
    scipy.io.mmwrite(str(tmp_path / "H.mtx"), h)  # sparse: coordinate format
    scipy.io.mmwrite(str(tmp_path / "theta.mtx"), theta.reshape(-1, 1))
    # The numbers as written (the text may round the last bit): the same input for both.
    h = scipy.io.mmread(str(tmp_path / "H.mtx")).tocsr()
    theta = scipy.io.mmread(str(tmp_path / "theta.mtx")).ravel()
    return h, theta, tmp_path


def run_cli(*arguments):
    done = subprocess.run([CLI, *arguments, "--quiet"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def test_analyze_report_equals_the_cli(files):
    h, theta, d = files
    run_cli("analyze", "--hessian", str(d / "H.mtx"), "--theta", str(d / "theta.mtx"),
            "--lambda", "0.01", "--lambda", "1", "--k", "6", "--out", str(d / "a.json"))
    cli = json.loads((d / "a.json").read_text())
    py = ridgelens.analyze(h, theta, [0.01, 1.0], k=6).to_dict()
    compare(cli, py)


def test_path_report_equals_the_cli(files):
    h, theta, d = files
    run_cli("path", "--hessian", str(d / "H.mtx"), "--theta", str(d / "theta.mtx"),
            "--lambdas", "1e-3:1e1:6", "--k", "5", "--out", str(d / "p.json"))
    cli = json.loads((d / "p.json").read_text())
    lambdas = [point["lambda"] for point in cli["path"]]
    result = ridgelens.path(h, theta, lambdas, k=5)
    compare(cli, result.to_dict())
    np.testing.assert_allclose(result.df, [p["df"] for p in cli["path"]], rtol=1e-12)
