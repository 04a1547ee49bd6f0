"""The PyTorch bridge: any model's Hessian (or Gauss-Newton matrix) as a
ridgelens operator.

    import ridgelens, ridgelens.torch
    H = ridgelens.torch.hessian(model, torch.nn.functional.cross_entropy, X, y)
    top = ridgelens.top_eigenpairs(H, k=20)
    result = ridgelens.analyze(H, lambdas=[1e-3, 1e-2, 1e-1])   # θ̂ and ∇R(θ̂) from H
"""

import copy

import numpy as np
import torch

from ._operators import Operator

__all__ = ["hessian", "TorchHessian"]


class TorchHessian(Operator):
    """H = ∇²R(θ̂) (curvature "hessian") or the generalized Gauss-Newton
    matrix JᵀH_L J ("ggn") of the full-batch loss R(θ) over the model's
    trainable parameters, flattened in ``model.parameters()`` order.

    Attributes: ``theta`` and ``gradient`` = ∇R(θ̂) (numpy float64), ``loss``
    = R(θ̂), ``curvature``, ``hvp_count`` (products computed, each one pass
    over the data), ``parameter_shapes``.
    """

    def __init__(self, model, loss_fn, inputs, targets, curvature, batch_size, dtype, reduction):
        if curvature not in ("hessian", "ggn"):
            raise ValueError("curvature must be 'hessian' or 'ggn', got %r" % (curvature,))
        if len(inputs) != len(targets):
            raise ValueError("inputs and targets differ in length: %d and %d"
                             % (len(inputs), len(targets)))
        if len(inputs) == 0:
            raise ValueError("inputs is empty")
        self.curvature = curvature
        self._dtype = dtype
        self._model = copy.deepcopy(model).to(dtype).eval()  # the caller's model is untouched
        self._params = [p for p in self._model.parameters() if p.requires_grad]
        if not self._params:
            raise ValueError("the model has no trainable parameters")
        self.parameter_shapes = [tuple(p.shape) for p in self._params]
        self._loss_fn = loss_fn
        self._batches = self._split(inputs, targets, batch_size, dtype)
        self._weights = self._batch_weights(reduction, len(inputs))
        self.hvp_count = 0
        self._cached = None
        n = sum(p.numel() for p in self._params)
        super().__init__(n, self._matvec)
        self.theta = self._flatten([p.detach() for p in self._params])
        self.loss, self.gradient = self._loss_and_gradient()
        what = "Hessian" if curvature == "hessian" else "generalized Gauss-Newton matrix"
        self.source = ("PyTorch %s of %s (%d parameters, %d samples, %d batch%s)"
                       % (what, type(model).__name__, n, len(inputs), len(self._batches),
                          "" if len(self._batches) == 1 else "es"))
        self.theta_source = "the model's parameters (PyTorch)"

    @staticmethod
    def _split(inputs, targets, batch_size, dtype):
        inputs = torch.as_tensor(inputs)
        targets = torch.as_tensor(targets)
        if inputs.is_floating_point():
            inputs = inputs.to(dtype)
        if targets.is_floating_point():
            targets = targets.to(dtype)
        size = len(inputs) if batch_size is None else int(batch_size)
        if size < 1:
            raise ValueError("batch_size must be at least 1, got %d" % size)
        return [(inputs[i:i + size], targets[i:i + size]) for i in range(0, len(inputs), size)]

    def _batch_weights(self, reduction, total):
        if reduction is None:
            reduction = getattr(self._loss_fn, "reduction", "mean")
        if reduction == "mean":
            return [len(x) / total for x, _ in self._batches]
        if reduction == "sum":
            return [1.0 for _ in self._batches]
        raise ValueError("reduction must be 'mean' or 'sum', got %r" % (reduction,))

    @staticmethod
    def _flatten(tensors):
        return torch.cat([t.reshape(-1) for t in tensors]).double().numpy().copy()

    def _unflatten(self, x):
        v = torch.from_numpy(np.asarray(x, dtype=np.float64)).to(self._dtype)
        out, offset = [], 0
        for p in self._params:
            out.append(v[offset:offset + p.numel()].view_as(p))
            offset += p.numel()
        return out

    def _batch_loss(self, index):
        x, y = self._batches[index]
        return self._weights[index] * self._loss_fn(self._model(x), y)

    def _loss_and_gradient(self):
        total = 0.0
        grads = [torch.zeros_like(p) for p in self._params]
        for b in range(len(self._batches)):
            loss = self._batch_loss(b)
            for g, d in zip(grads, torch.autograd.grad(loss, self._params)):
                g += d
            total += float(loss)
        return total, self._flatten(grads)

    def _hvp_batch(self, index, v):
        if len(self._batches) == 1:  # one batch: keep the gradient's graph for every product
            if self._cached is None:
                self._cached = torch.autograd.grad(self._batch_loss(0), self._params,
                                                   create_graph=True)
            grads = self._cached
        else:
            grads = torch.autograd.grad(self._batch_loss(index), self._params, create_graph=True)
        return torch.autograd.grad(grads, self._params, grad_outputs=v, retain_graph=True)

    def _ggn_batch(self, index, v):
        x, y = self._batches[index]
        out = self._model(x)
        u = torch.zeros_like(out, requires_grad=True)
        g = torch.autograd.grad(out, self._params, grad_outputs=u, create_graph=True)
        jv = torch.autograd.grad(g, u, grad_outputs=v)[0]  # J·v by the double-vjp trick
        o = out.detach().requires_grad_(True)
        gl = torch.autograd.grad(self._weights[index] * self._loss_fn(o, y), o, create_graph=True)[0]
        hjv = torch.autograd.grad(gl, o, grad_outputs=jv)[0]
        return torch.autograd.grad(out, self._params, grad_outputs=hjv)

    def _matvec(self, x):
        v = self._unflatten(x)
        product = self._hvp_batch if self.curvature == "hessian" else self._ggn_batch
        total = None
        for b in range(len(self._batches)):  # fixed order: deterministic sums
            part = product(b, v)
            total = [t.detach().clone() for t in part] if total is None else [
                t.add_(d) for t, d in zip(total, part)]
        self.hvp_count += 1
        return self._flatten(total)


def hessian(model, loss_fn, inputs, targets, curvature="hessian", batch_size=None,
            dtype=torch.float64, reduction=None):
    """An operator for the curvature of R(θ) = loss_fn(model(inputs), targets)
    at the model's current parameters θ̂.

    ``curvature="hessian"``: exact Hessian-vector products by double backward;
    ``"ggn"``: generalized Gauss-Newton products JᵀH_L J (J the Jacobian of
    the outputs, H_L the Hessian of the loss in the outputs: PSD for convex
    losses). The model is copied, converted to ``dtype`` and put in eval mode
    (no dropout; the caller's model is untouched). With ``batch_size``, every
    product is summed over the batches in a fixed order; ``reduction`` ("mean"
    or "sum", default: ``loss_fn.reduction`` or "mean") says how loss_fn
    combines samples, so that the batches add up to the full-batch loss.
    Returns a TorchHessian, usable by every ridgelens function.
    """
    return TorchHessian(model, loss_fn, inputs, targets, curvature, batch_size, dtype, reduction)
