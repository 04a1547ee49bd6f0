"""The Python twin of the main job: a PyTorch MLP (784-64-10, tanh) trained on
Fashion-MNIST, its top-20 Hessian eigenpairs, the ridge transform for three λ,
a 30-λ path with df(λ), and the pictures.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/fashion_mlp.py [OUT_DIR]

Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
A subset (5,000 training images) and 100 iterations of full-batch L-BFGS
(stopped early, as training is: the loss is not driven to zero) keep it to
a few minutes on two cores.
"""

import gzip
import os
import sys
import time

import numpy as np
import torch

import ridgelens
import ridgelens.torch

DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
SAMPLES = 5000
ITERATIONS = 100


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def stage(name, start):
    seconds = time.perf_counter() - start
    print("[%6.1f s] %s" % (seconds, name), flush=True)
    return time.perf_counter()


def main(out_dir):
    torch.manual_seed(0)
    t0 = time.perf_counter()
    images = read_idx("train-images-idx3-ubyte.gz")[:SAMPLES]
    labels = read_idx("train-labels-idx1-ubyte.gz")[:SAMPLES]
    x = torch.tensor(images.reshape(SAMPLES, -1) / 255.0, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.int64)
    model = torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.Tanh(),
                                torch.nn.Linear(64, 10)).double()
    loss_fn = torch.nn.functional.cross_entropy

    # Full-batch L-BFGS: deterministic.
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=ITERATIONS, history_size=20,
                                  tolerance_grad=1e-9, tolerance_change=1e-12,
                                  line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        return loss

    optimizer.step(closure)
    accuracy = (model(x).argmax(1) == y).double().mean().item()
    t = stage("trained: loss %.4g, training accuracy %.3f" % (closure().item(), accuracy), t0)

    H = ridgelens.torch.hessian(model, loss_fn, x, y)
    print("H: %s\n   ‖θ̂‖ = %.4g, ‖∇R(θ̂)‖ = %.3g" % (H.source, np.linalg.norm(H.theta),
                                                    np.linalg.norm(H.gradient)))

    top = ridgelens.top_eigenpairs(H, k=20)
    t = stage("top-20 eigenpairs: %s, %d products" % (top.status, top.matvecs), t)
    for j in range(0, 20, 5):
        print("   σ_%-2d … σ_%-2d  %s" % (j + 1, j + 5,
                                         "  ".join("%9.4g" % v for v in top.values[j:j + 5])))
    print("   largest residual ‖Hq − σq‖ = %.2g" % top.residuals.max())

    # A trained network's Hessian is indefinite: H + λI is positive definite
    # (and θ̂_ridge a minimizer of the penalized quadratic model) only for
    # λ > −σ_min. σ_min is the top eigenvalue of −H: any callable is an operator.
    minus_h = ridgelens.Operator(H.n, lambda v: -H.matvec(v))
    bottom = ridgelens.top_eigenpairs(minus_h, k=1)
    sigma_min = -bottom.values[0]
    t = stage("σ_min = %.4g (%s, %d products)" % (sigma_min, bottom.status, bottom.matvecs), t)
    floor = max(-sigma_min, 1e-6 * top.values[0])
    lambdas = [2 * floor, 0.1 * top.values[0], top.values[0]]
    grid = np.logspace(np.log10(1.25 * floor), np.log10(10 * top.values[0]), 30)

    analysis = ridgelens.analyze(H, lambdas=lambdas, k=20, verbose=True)
    t = stage("ridge transform for λ = %s: %s" % (", ".join("%.3g" % v for v in lambdas),
                                                   analysis.status), t)
    print("   PSD check: %s" % analysis.to_dict()["eigen"]["psd_evidence"])
    for entry in analysis.lambdas:
        print("   λ = %-5g ‖θ̂_ridge‖ = %.4g  residual %.2g (%s, %s)  f_1 = %.4f  f_20 = %.4f"
              % (entry.lam, np.linalg.norm(entry.ridge), entry.relative_residual, entry.solver,
                 entry.status, entry.factor[0], entry.factor[-1]))

    path = ridgelens.path(H, lambdas=grid, k=20, probes=10, lanczos_steps=30,
                          max_lanczos_steps=60, baseline=False, verbose=True)
    t = stage("30-λ path: %s, df by %s" % (path.status, path.df_method), t)
    for i in range(0, 30, 6):
        print("   λ = %-9.3g df = %8.2f ± %.2f   ‖θ̂_ridge‖ = %.4g   residual %.2g (%s)"
              % (path.lambdas[i], path.df[i], path.df_stderr[i], path.ridge_norm[i],
                 path.relative_residual[i], path.statuses[i]))

    files = ridgelens.plot(analysis, os.path.join(out_dir, "analyze"))
    files += ridgelens.plot(path, os.path.join(out_dir, "path"))
    stage("pictures: %d files in %s" % (len(files), out_dir), t)
    print("total %d Hessian-vector products, %.1f s" % (H.hvp_count, time.perf_counter() - t0))
    return 0 if analysis.ok and path.ok else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "fashion_mlp_output"))
