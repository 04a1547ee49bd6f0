"""(H + λI)x = b by scipy.sparse.linalg.spsolve or cg (Jacobi-preconditioned).

usage: solve_peer.py PREFIX LAMBDA spsolve|cg [TOL]
Times the solve alone (forming H + λI included for spsolve, whose SuperLU
factorization needs it in CSC form); the relative residual is recomputed
afterwards, untimed.
"""
import sys

import numpy as np
import scipy
import scipy.sparse as sp
import scipy.sparse.linalg as sla

from peer_common import Timer, emit, read_exported_matrix


def main():
    prefix, shift, method = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    tol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-10
    matrix, b = read_exported_matrix(prefix)
    n = matrix.shape[0]
    iterations = [0]
    if method == "spsolve":
        with Timer() as timer:
            shifted = (matrix + shift * sp.identity(n, format="csr")).tocsc()
            x = sla.spsolve(shifted, b)
        includes = "H + λI in CSC + spsolve (SuperLU, COLAMD ordering)"
    elif method == "cg":
        def count(_):
            iterations[0] += 1
        with Timer() as timer:
            shifted = sla.LinearOperator(matrix.shape, matvec=lambda v: matrix @ v + shift * v,
                                         dtype=np.float64)
            inverse = 1.0 / (matrix.diagonal() + shift)
            preconditioner = sla.LinearOperator(matrix.shape, matvec=lambda v: inverse * v,
                                                dtype=np.float64)
            keywords = {"atol": 0.0, "maxiter": min(10 * n, 100000), "M": preconditioner,
                        "callback": count}
            keywords["tol"] = tol
            x, info = sla.cg(shifted, b, **keywords)
        includes = "Jacobi-preconditioned scipy cg on CSR products"
    else:
        raise SystemExit("method must be spsolve or cg")
    residual = np.linalg.norm(matrix @ x + shift * x - b) / np.linalg.norm(b)
    emit({"seconds": timer.seconds, "relative_residual": float(residual),
          "iterations": iterations[0], "includes": includes, "scipy": scipy.__version__})


if __name__ == "__main__":
    main()
