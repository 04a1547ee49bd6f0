"""Misuse raises ValueError with the library's message; a failing callback, a
wrong return value and Ctrl-C end the call with a Python exception and leave
the interpreter usable."""

import os
import resource
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.sparse as sp

import ridgelens


def test_misuse_raises_value_error(sparse_h, theta):
    n = sparse_h.shape[0]
    with pytest.raises(ValueError, match=r"k = 120 must satisfy 1 <= k < n = 120"):
        ridgelens.top_eigenpairs(sparse_h, k=n)
    with pytest.raises(ValueError, match=r"λ = -1.* must be finite and >= 0"):
        ridgelens.analyze(sparse_h, theta, [-1.0])
    with pytest.raises(ValueError, match="theta has 3 entries but H is 120x120"):
        ridgelens.analyze(sparse_h, theta[:3], [0.1])
    with pytest.raises(ValueError, match="gradient has 5 entries"):
        ridgelens.analyze(sparse_h, theta, [0.1], gradient=np.ones(5))
    with pytest.raises(ValueError, match="b has 2 entries"):
        ridgelens.solve_shifted(sparse_h, np.ones(2), [0.1])
    with pytest.raises(ValueError, match="shift"):
        ridgelens.solve_shifted(sparse_h, theta, [-0.5])
    with pytest.raises(ValueError, match="solver"):
        ridgelens.analyze(sparse_h, theta, [0.1], solver="magic")
    with pytest.raises(ValueError, match="cholmod solver needs an explicit sparse matrix"):
        ridgelens.solve_shifted(sparse_h.toarray(), theta, [0.1], solver="cholmod")
    with pytest.raises(ValueError, match="square"):
        ridgelens.top_eigenpairs(sp.random(4, 5, density=0.5).tocsr(), k=1)
    with pytest.raises(ValueError, match="lambdas"):
        ridgelens.analyze(sparse_h, theta, [])
    with pytest.raises(ValueError, match="theta is required"):
        ridgelens.analyze(sparse_h, None, [0.1])
    with pytest.raises(ValueError, match="ridgelens.Operator"):
        ridgelens.top_eigenpairs(lambda x: x, k=1)
    with pytest.raises(ValueError, match="must be callable"):
        ridgelens.Operator(3, "not callable")
    with pytest.raises(ValueError, match="NaN or Inf"):
        ridgelens.top_eigenpairs(np.full((3, 3), np.nan), k=1)
    with pytest.raises(ValueError, match="k must be an integer"):
        ridgelens.top_eigenpairs(sparse_h, k=2.5)
    # Still usable afterwards.
    assert ridgelens.top_eigenpairs(sparse_h, k=2).status == "converged"


def failing_operator(h, fail_at, error):
    calls = [0]

    def matvec(x):
        calls[0] += 1
        if calls[0] == fail_at:
            raise error
        return h @ x

    return ridgelens.Operator(h.shape[0], matvec)


@pytest.mark.parametrize("call", ["top_eigenpairs", "analyze", "path", "solve_shifted",
                                  "effective_dof"])
def test_callback_exception_comes_back_with_the_product_named(sparse_h, theta, call):
    op = failing_operator(sparse_h, 4, KeyError("the user's own error"))
    functions = {
        "top_eigenpairs": lambda: ridgelens.top_eigenpairs(op, k=3),
        "analyze": lambda: ridgelens.analyze(op, theta, [0.1], k=3),
        "path": lambda: ridgelens.path(op, theta, [0.1, 1.0], k=3),
        "solve_shifted": lambda: ridgelens.solve_shifted(op, theta, [0.1]),
        "effective_dof": lambda: ridgelens.effective_dof(op, [0.1], k=3, probes=4),
    }
    with pytest.raises(KeyError, match="the user's own error") as info:
        functions[call]()
    notes = getattr(info.value, "__notes__", [])
    assert any(("ridgelens.%s: raised by matvec in product 4" % call) in n for n in notes), notes
    assert ridgelens.top_eigenpairs(sparse_h, k=2).status == "converged"


@pytest.mark.parametrize("returned, message", [
    (lambda x: np.ones(3), r"matvec returned an array of shape \(3,\), expected \(120,\)"),
    (lambda x: np.ones((120, 2)), r"shape \(120, 2\), expected \(120,\)"),
    (lambda x: np.ones(120, dtype=np.int64), "dtype int64, expected float64"),
    (lambda x: np.ones(120, dtype=complex), "dtype complex128"),
    (lambda x: [1.0] * 120, "matvec returned list, expected a float64 numpy array"),
    (lambda x: None, "matvec returned NoneType"),
])
def test_wrong_return_value_is_value_error(sparse_h, returned, message):
    op = ridgelens.Operator(sparse_h.shape[0], returned)
    with pytest.raises(ValueError, match=message) as info:
        ridgelens.top_eigenpairs(op, k=2)
    assert "wrong return value in product 1" in info.value.__notes__[0]


def test_float32_result_is_accepted(sparse_h):
    op = ridgelens.Operator(sparse_h.shape[0], lambda x: (sparse_h @ x).astype(np.float32))
    assert ridgelens.top_eigenpairs(op, k=2, tol=1e-5).status == "converged"


def test_wrong_matmat_is_value_error(sparse_h, theta):
    op = ridgelens.Operator(sparse_h.shape[0], lambda x: sparse_h @ x, lambda x: np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"matmat returned an array of shape \(2, 2\)"):
        ridgelens.path(op, theta, [0.1], k=2)


def test_repeated_failures_do_not_leak(sparse_h):
    big = sp.diags(np.linspace(1.0, 2.0, 4000)).tocsr()

    def run():
        try:
            ridgelens.top_eigenpairs(failing_operator(big, 20, RuntimeError("x")), k=5)
        except RuntimeError:
            pass

    for _ in range(5):
        run()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(200):  # each run holds a 25-vector Lanczos basis: 0.8 MB, 160 MB if leaked
        run()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert after - before < 40_000, "max RSS grew by %d kB" % (after - before)


CTRL_C_SCRIPT = textwrap.dedent("""
    import os, signal, threading, time
    import numpy as np, scipy.sparse as sp
    import ridgelens
    n = 200000
    h = sp.diags(np.logspace(-9, 0, n)).tocsr()  # condition 1e9: CG needs ~100000 iterations
    b = np.ones(n)
    def interrupt():
        os.kill(os.getpid(), signal.SIGINT)
    for name, H in [("sparse", h), ("callable", ridgelens.Operator(n, lambda x: h @ x))]:
        threading.Timer(0.5, interrupt).start()
        start = time.monotonic()
        try:
            ridgelens.solve_shifted(H, b, [0.0], tol=1e-14)
            print(name, "not interrupted")
        except KeyboardInterrupt as e:
            print(name, "interrupted after %.2f s" % (time.monotonic() - start),
                  getattr(e, "__notes__", []))
    print("usable:", ridgelens.top_eigenpairs(sp.diags(np.arange(1.0, 11.0)).tocsr(), k=2).values)
""")


def test_ctrl_c_stops_a_long_computation():
    env = dict(os.environ)
    done = subprocess.run([sys.executable, "-c", CTRL_C_SCRIPT], capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for name in ("sparse", "callable"):
        line = next(l for l in lines if l.startswith(name))
        assert "interrupted after" in line, line
        # The interrupt comes at 0.5 s and the whole solve takes minutes; 10 s
        # leaves room for a loaded machine (3 s failed once with load 11).
        assert float(line.split("after ")[1].split(" s")[0]) < 10.0, line
    assert "usable: [10.  9.]" in done.stdout


def test_plot_misuse(tmp_path, sparse_h, theta):
    result = ridgelens.analyze(sparse_h, theta, [0.1], k=3)
    with pytest.raises(ValueError, match="two different 1-based directions"):
        ridgelens.plot(result, tmp_path, pair=(1, 1))
    with pytest.raises(ValueError, match="must be an AnalysisResult"):
        ridgelens.plot(42, tmp_path)
    with pytest.raises(ValueError):  # the library's InputError on a malformed report
        ridgelens.plot({"not": "a report"}, tmp_path)


def test_verbose_prints_the_library_progress(capfd, sparse_h, theta):
    ridgelens.analyze(sparse_h, theta, [0.1], k=3, verbose=True)
    assert "ridgelens: " in capfd.readouterr().err
