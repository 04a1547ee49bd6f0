"""The file-based workflow of a Python user (tests/cli/test_cli_file_workflow.cpp).

write DIR: a dense symmetric H (n = 60) as scipy.io.mmwrite writes a numpy
array (H.mtx: 'array real symmetric', the lower triangle column by column;
Hg.mtx: the same matrix forced to 'array real general'), θ̂ and a gradient g.
check DIR: the program's outputs against numpy: eigenvalues (numpy.linalg.eigh),
eigenvectors (up to sign, residual), and every column of θ̂_ridge against
numpy.linalg.solve(H + λI, Hθ̂ − g). Exits 1 naming the first disagreement."""

import json
import pathlib
import sys

import numpy as np
import scipy.io as sio

N, K = 60, 5


def problem():
    rng = np.random.default_rng(2024)
    a = rng.standard_normal((N, N))
    h = a @ a.T / N + np.diag(np.linspace(0.0, 3.0, N))  # distinct eigenvalues
    theta = rng.standard_normal(N)
    g = 0.12 * rng.standard_normal(N)  # not stationary, like a trained network
    return h, theta, g


def write(d):
    h, theta, g = problem()
    sio.mmwrite(str(d / "H.mtx"), h)
    sio.mmwrite(str(d / "Hg.mtx"), h, symmetry="general")
    sio.mmwrite(str(d / "t.mtx"), theta.reshape(-1, 1))
    sio.mmwrite(str(d / "g.mtx"), g.reshape(-1, 1))
    assert "array real symmetric" in (d / "H.mtx").read_text().splitlines()[0]
    assert "array real general" in (d / "Hg.mtx").read_text().splitlines()[0]


def fail(message):
    print("file_workflow.py: " + message)
    sys.exit(1)


def check_ridge(name, x, h, theta, g, lambdas):
    if x.shape != (N, len(lambdas)):
        fail("%s has shape %s, expected %s" % (name, x.shape, (N, len(lambdas))))
    for i, lam in enumerate(lambdas):
        expected = np.linalg.solve(h + lam * np.eye(N), h @ theta - g)
        error = np.linalg.norm(x[:, i] - expected) / np.linalg.norm(expected)
        if not error <= 1e-8:
            fail("%s column %d (λ = %g): relative error %.3g against numpy" % (name, i, lam, error))
        ungradient = np.linalg.solve(h + lam * np.eye(N), h @ theta)
        if np.linalg.norm(x[:, i] - ungradient) <= 1e-3 * np.linalg.norm(ungradient):
            fail("%s column %d ignores the gradient" % (name, i))


def check_vectors(name, q, h, values):
    sigma, vectors = np.linalg.eigh(h)
    sigma, vectors = sigma[::-1][:K], vectors[:, ::-1][:, :K]
    if not np.allclose(values, sigma, rtol=1e-9, atol=0):
        fail("%s: eigenvalues %s, numpy %s" % (name, values, sigma))
    if q.shape != (N, K):
        fail("%s has shape %s, expected %s" % (name, q.shape, (N, K)))
    for j in range(K):
        alignment = abs(q[:, j] @ vectors[:, j])
        residual = np.linalg.norm(h @ q[:, j] - sigma[j] * q[:, j])
        if not (abs(alignment - 1) <= 1e-8 and residual <= 1e-8 * sigma[0]):
            fail("%s column %d: |q·v| = %.17g, residual %.3g" % (name, j, alignment, residual))


def check(d):
    h, theta, g = problem()
    report = json.loads((d / "r.json").read_text())
    lambdas = [entry["lambda"] for entry in report["lambdas"]]
    if abs(report["problem"]["gradient_norm"] - np.linalg.norm(g)) > 1e-12 * np.linalg.norm(g):
        fail("analyze report: gradient_norm %r, ‖g‖ = %r" % (report["problem"]["gradient_norm"],
                                                             np.linalg.norm(g)))
    check_ridge("X.mtx", sio.mmread(str(d / "X.mtx")), h, theta, g, lambdas)
    check_vectors("Q.mtx", sio.mmread(str(d / "Q.mtx")), h, np.array(report["eigen"]["values"]))
    path = json.loads((d / "p.json").read_text())
    grid = [point["lambda"] for point in path["path"]]
    check_ridge("XP.mtx", sio.mmread(str(d / "XP.mtx")), h, theta, g, grid)
    check_vectors("QP.mtx", sio.mmread(str(d / "QP.mtx")), h, np.array(path["eigen"]["values"]))
    print("file_workflow.py: all outputs agree with numpy")


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](pathlib.Path(sys.argv[2]))
