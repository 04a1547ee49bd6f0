"""A 784-64-10 tanh network's curvature by PyTorch, as PyHessian and
curvlinops compute it: the exact Hessian-vector product by double backward
(one gradient with create_graph=True, then one backward pass through it per
product, graph retained), the generalized Gauss-Newton product JᵀH_ℓJv by
functorch (torch 1.13 has no torch.func): jvp for Jv, the cross-entropy
Hessian H_ℓ = (diag(p) − ppᵀ)/n per sample, and the vjp of the network
(its graph built once, retained), and the top-k Hessian eigenpairs by
scipy's eigsh on the double-backward products.

usage: mlp_peer.py THETA_FILE K TOL [PRODUCTS] [--compare PREFIX]
The network is exactly ridgelens' (include/ridgelens/model/mlp.hpp): layer by
layer W_l (outputs × inputs, row-major) then b_l; R = mean softmax
cross-entropy on Fashion-MNIST train (pixels/255), float64. --compare reads
ridgelens' v, Hv and Gv (PREFIX.v/.hv/.gv) and reports the relative
differences of the products at that v.
"""
import os
import sys

import functorch
import numpy as np
import scipy.sparse.linalg as sla
import torch

from peer_common import Timer, emit, fashion_mnist_train

SIZES = (784, 64, 10)


def main():
    arguments = [a for a in sys.argv[1:]]
    compare = None
    if "--compare" in arguments:
        at = arguments.index("--compare")
        compare = arguments[at + 1]
        del arguments[at:at + 2]
    theta_file, k, tol = arguments[0], int(arguments[1]), float(arguments[2])
    products = int(arguments[3]) if len(arguments) > 3 else 10
    torch.set_num_threads(os.cpu_count() or 1)  # torch may detect fewer cores
    pixels, labels = fashion_mnist_train()
    x = torch.from_numpy(pixels)
    targets = torch.from_numpy(labels)
    n = x.shape[0]
    theta = torch.from_numpy(np.fromfile(theta_file, dtype="<f8"))
    p = sum(SIZES[l] * (SIZES[l - 1] + 1) for l in (1, 2))
    assert theta.numel() == p, "θ has the wrong length"

    def network(w):
        s0, s1, s2 = SIZES
        w1 = w[:s1 * s0].view(s1, s0)
        b1 = w[s1 * s0:s1 * (s0 + 1)]
        rest = w[s1 * (s0 + 1):]
        w2 = rest[:s2 * s1].view(s2, s1)
        b2 = rest[s2 * s1:]
        return torch.tanh(x @ w1.t() + b1) @ w2.t() + b2

    def build_gradient():
        w = theta.clone().requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(network(w), targets, reduction="mean")
        (gradient,) = torch.autograd.grad(loss, w, create_graph=True)
        return w, gradient

    def make_hvp(w, gradient):
        def hvp(v):
            vector = torch.from_numpy(np.ascontiguousarray(v, dtype=np.float64).ravel())
            (product,) = torch.autograd.grad(gradient, w, grad_outputs=vector, retain_graph=True)
            return product.numpy().copy()
        return hvp

    outputs, network_vjp = functorch.vjp(network, theta)
    probabilities = torch.softmax(outputs, dim=1)

    def ggn(v):
        vector = torch.from_numpy(np.ascontiguousarray(v, dtype=np.float64).ravel())
        _, jv = functorch.jvp(network, (theta,), (vector,))
        weighted = probabilities * jv
        hjv = (weighted - probabilities * weighted.sum(dim=1, keepdim=True)) / n
        (product,) = network_vjp(hjv)
        return product.numpy().copy()

    def timed(product, v):
        product(v)  # warm-up
        with Timer() as timer:
            for _ in range(products):
                y = product(v)
        return timer.seconds / products, y

    v = np.random.default_rng(6).standard_normal(p)
    if compare:
        v = np.fromfile(compare + ".v", dtype="<f8")
    w, gradient = build_gradient()
    hvp = make_hvp(w, gradient)
    hvp_seconds, hv = timed(hvp, v)
    ggn_seconds, gv = timed(ggn, v)
    result = {"hvp_seconds": hvp_seconds, "ggn_seconds": ggn_seconds,
              "hvp_norm": float(np.linalg.norm(hv)), "ggn_norm": float(np.linalg.norm(gv))}
    if compare:
        ours_h = np.fromfile(compare + ".hv", dtype="<f8")
        ours_g = np.fromfile(compare + ".gv", dtype="<f8")
        result["hvp_relative_difference"] = float(np.linalg.norm(ours_h - hv) / np.linalg.norm(hv))
        result["ggn_relative_difference"] = float(np.linalg.norm(ours_g - gv) / np.linalg.norm(gv))
    del w, gradient, hvp

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
    result.update({"seconds": timer.seconds, "values": values.tolist(),
                   "max_relative_residual": float(max(residuals)), "matvecs": count[0],
                   "name": "Fashion-MNIST train, 784-64-10 tanh network", "n": p,
                   "torch": torch.__version__, "threads": torch.get_num_threads(),
                   "includes": "hvp: one double-backward product, graph retained; ggn: "
                               "functorch jvp + retained vjp (means of repeated runs); eigs: "
                               "gradient graph + eigsh (ARPACK) on double-backward HVPs"})
    emit(result)


if __name__ == "__main__":
    main()
