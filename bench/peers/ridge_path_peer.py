"""A ridge path by scikit-learn's Ridge, one fit per λ.

usage: ridge_path_peer.py w8a|news20 sparse_cg|cholesky TOL LAMBDA… [--fits M]
      [--compare SOLUTIONS_FILE]
The problem is ridgelens' least squares with H = XᵀX/n: (XᵀX/n + λI)w = Xᵀy/n,
i.e. Ridge(alpha = n·λ, fit_intercept=False). news20: rows L2-normalized,
y = +1 for class 1 and −1 otherwise; w8a as stored. With --fits M only the
first M λ are fitted and the total is extrapolated (time × count/M): the
output says so. With --compare, the max relative difference between these
coefficients and ridgelens' (a raw float64 p × count array) is reported.
"""
import sys
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import Ridge

from peer_common import Timer, emit, least_squares_problem


def main():
    arguments = sys.argv[1:]
    fits, compare = None, None
    if "--fits" in arguments:
        at = arguments.index("--fits")
        fits = int(arguments[at + 1])
        del arguments[at:at + 2]
    if "--compare" in arguments:
        at = arguments.index("--compare")
        compare = arguments[at + 1]
        del arguments[at:at + 2]
    data, solver, tol = arguments[0], arguments[1], float(arguments[2])
    lambdas = [float(value) for value in arguments[3:]]
    x, y = least_squares_problem(data)
    n, p = x.shape
    run = lambdas if fits is None else lambdas[:fits]
    coefficients = []
    warnings.simplefilter("ignore")
    with Timer() as timer:
        for value in run:
            model = Ridge(alpha=n * value, fit_intercept=False, solver=solver, tol=tol,
                          max_iter=100000)
            model.fit(x, y)
            coefficients.append(model.coef_.copy())
    seconds = timer.seconds * len(lambdas) / len(run)
    result = {"seconds": seconds, "fitted": len(run), "lambdas": len(lambdas), "n": p,
              "samples": n, "sklearn": sklearn.__version__,
              "includes": "Ridge.fit per λ (fit_intercept=False, tol=%g)" % tol}
    if len(run) < len(lambdas):
        result["extrapolated"] = True
        result["measured_seconds"] = timer.seconds
    if compare is not None:
        theirs = np.fromfile(compare, dtype="<f8").reshape(len(lambdas), p)
        worst = 0.0
        for index, coef in enumerate(coefficients):
            worst = max(worst, np.linalg.norm(coef - theirs[index]) / np.linalg.norm(coef))
        result["max_relative_difference"] = float(worst)
    emit(result)


if __name__ == "__main__":
    main()
