"""Softmax-regression Hessian by PyTorch autograd, the approach of PyHessian and
pytorch-hessian-eigenthings: one gradient with create_graph=True, then every
Hessian-vector product is a second backward pass through it (graph retained),
and scipy's eigsh drives the products for the top-k eigenpairs.

usage: softmax_peer.py fashion|news20 THETA_FILE K TOL [PRODUCTS]
The model is exactly ridgelens' (see linear_models.hpp): R(Θ) = mean_i
−log softmax(Θᵀx_i)_{y_i}, θ = Θ flattened column-major (class blocks), at the
θ that ridgelens_timed wrote. float64 throughout. Timed: one HVP (mean of
PRODUCTS after a warm-up) and eigsh end to end (the gradient graph built
once, included); residuals recomputed afterwards, untimed.
"""
import os
import sys

import numpy as np
import scipy.sparse.linalg as sla
import torch

from peer_common import Timer, emit, fashion_mnist_train, read_libsvm, row_normalize


def features(data):
    if data == "fashion":
        pixels, labels = fashion_mnist_train()
        x = np.hstack([pixels, np.ones((pixels.shape[0], 1))])
        return torch.from_numpy(x), labels, "Fashion-MNIST train, pixels/255 + intercept"
    if data == "news20":
        x, labels = read_libsvm("news20")
        x = row_normalize(x).tocoo()
        indices = torch.from_numpy(np.vstack([x.row, x.col]).astype(np.int64))
        tensor = torch.sparse_coo_tensor(indices, torch.from_numpy(x.data), x.shape).coalesce()
        return tensor, labels, "news20, rows L2-normalized, no intercept"
    raise SystemExit("data must be fashion or news20")


def main():
    data, theta_file, k, tol = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    products = int(sys.argv[5]) if len(sys.argv) > 5 else 20
    torch.set_num_threads(os.cpu_count() or 1)  # torch may detect fewer cores
    x, labels, description = features(data)
    classes, targets = np.unique(labels, return_inverse=True)
    c = classes.size
    cols = x.shape[1]
    targets = torch.from_numpy(targets.astype(np.int64))
    theta = torch.from_numpy(np.fromfile(theta_file, dtype="<f8"))
    assert theta.numel() == cols * c, "θ has the wrong length"
    p = theta.numel()

    def build_gradient():
        w = theta.clone().requires_grad_(True)
        weights = w.view(c, cols).t()  # cols × C, class blocks contiguous in θ
        scores = torch.sparse.mm(x, weights) if x.is_sparse else x @ weights
        loss = torch.nn.functional.cross_entropy(scores, targets, reduction="mean")
        (gradient,) = torch.autograd.grad(loss, w, create_graph=True)
        return w, gradient

    def make_hvp(w, gradient):
        def hvp(v):
            vector = torch.from_numpy(np.ascontiguousarray(v, dtype=np.float64).ravel())
            (product,) = torch.autograd.grad(gradient, w, grad_outputs=vector, retain_graph=True)
            return product.numpy().copy()
        return hvp

    w, gradient = build_gradient()
    hvp = make_hvp(w, gradient)
    v = np.random.default_rng(6).standard_normal(p)
    hvp(v)  # warm-up
    with Timer() as timer:
        for _ in range(products):
            y = hvp(v)
    hvp_seconds = timer.seconds / products

    count = [0]
    start = np.random.default_rng(1).standard_normal(p)
    with Timer() as timer:
        w, gradient = build_gradient()
        hvp = make_hvp(w, gradient)

        def counted(v):
            count[0] += 1
            return hvp(v)

        operator = sla.LinearOperator((p, p), matvec=counted, dtype=np.float64)
        values, vectors = sla.eigsh(operator, k=k, which="LA", tol=tol, v0=start)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    residuals = [np.linalg.norm(hvp(vectors[:, j]) - values[j] * vectors[:, j]) / abs(values[j])
                 for j in range(values.size)]
    emit({"seconds": timer.seconds, "hvp_seconds": hvp_seconds, "hvp_norm": float(np.linalg.norm(y)),
          "values": values.tolist(), "max_relative_residual": float(max(residuals)),
          "matvecs": count[0], "name": description, "n": p, "torch": torch.__version__,
          "threads": torch.get_num_threads(),
          "includes": "hvp: one double-backward product, graph retained (mean of repeated "
                      "runs); eigs: gradient graph + eigsh (ARPACK) on autograd HVPs"})


if __name__ == "__main__":
    main()
