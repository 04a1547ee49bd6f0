"""Top-k eigenpairs by scipy.sparse.linalg.eigsh (ARPACK), which='LA'.

usage: eigsh_peer.py PREFIX K TOL
Times eigsh alone (the matrix product is SciPy's CSR matvec); the relative
residuals ‖Hq − σq‖/|σ| are recomputed afterwards, untimed.
"""
import sys

import numpy as np
import scipy.sparse.linalg as sla

from peer_common import Timer, emit, read_exported_matrix


def main():
    prefix, k, tol = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    matrix, _ = read_exported_matrix(prefix)
    count = [0]

    def matvec(x):
        count[0] += 1
        return matrix @ x

    operator = sla.LinearOperator(matrix.shape, matvec=matvec, dtype=np.float64)
    start = np.random.default_rng(1).standard_normal(matrix.shape[0])
    with Timer() as timer:
        values, vectors = sla.eigsh(operator, k=k, which="LA", tol=tol, v0=start)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    residuals = np.linalg.norm(matrix @ vectors - vectors * values, axis=0) / np.abs(values)
    emit({"seconds": timer.seconds, "values": values.tolist(),
          "max_relative_residual": float(residuals.max()), "matvecs": count[0],
          "includes": "eigsh (ARPACK, which='LA') with SciPy CSR products"})


if __name__ == "__main__":
    main()
