"""λ selection by scikit-learn's RidgeCV (efficient leave-one-out), the
criterion its users select with, over a given λ grid.

usage: ridgecv_peer.py w8a|news20 LAMBDA…
The problem is ridgelens' least squares, R = ‖Xθ − y‖²/(2n) + λ/2‖θ‖², i.e.
RidgeCV(alphas = n·λ, fit_intercept=False). news20: rows L2-normalized,
y = +1 for class 1 and −1 otherwise (one class against the rest); w8a as
stored. Times RidgeCV.fit (its gcv_mode "auto": the eigendecomposition of the
p × p covariance when n > p, of the n × n Gram matrix otherwise).
"""
import sys
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import RidgeCV

from peer_common import Timer, emit, least_squares_problem


def main():
    data = sys.argv[1]
    lambdas = np.array([float(value) for value in sys.argv[2:]])
    x, y = least_squares_problem(data)
    n, p = x.shape
    warnings.simplefilter("ignore")
    with Timer() as timer:
        model = RidgeCV(alphas=n * lambdas, fit_intercept=False)
        model.fit(x, y)
    emit({"seconds": timer.seconds, "lambda": float(model.alpha_) / n,
          "loo_mean_squared_error": float(-model.best_score_) if hasattr(model, "best_score_")
          else None, "lambdas": int(lambdas.size), "samples": n, "n": p,
          "sklearn": sklearn.__version__,
          "includes": "RidgeCV.fit over the grid (fit_intercept=False, leave-one-out)"})


if __name__ == "__main__":
    main()
