"""The PyTorch bridge against torch.autograd.functional.hessian (and the
Jacobian for the Gauss-Newton matrix) on a small network."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import ridgelens  # noqa: E402
import ridgelens.torch  # noqa: E402
from torch.nn.utils import stateless  # noqa: E402

# Tensors of a few dozen numbers: threads only add synchronization (and contend
# with the library's OpenMP threads on a loaded machine).
torch.set_num_threads(1)


def network():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3))
    x = torch.randn(20, 3)
    y = torch.randint(0, 3, (20,))
    return model, x, y


def flat_function(model, x, fn):
    """fn(flat θ) for the model's parameters, in model.parameters() order."""
    model = model.double()
    names = [name for name, _ in model.named_parameters()]
    shapes = [p.shape for _, p in model.named_parameters()]

    def unflatten(theta):
        out, offset = {}, 0
        for name, shape in zip(names, shapes):
            size = int(np.prod(shape))
            out[name] = theta[offset:offset + size].view(shape)
            offset += size
        return out

    theta = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    return theta, lambda t: fn(stateless.functional_call(model, unflatten(t), (x.double(),)))


def dense_of(op):
    return np.column_stack([op.matvec(e) for e in np.eye(op.n)])


def references():
    model, x, y = network()
    loss = torch.nn.functional.cross_entropy
    theta, f = flat_function(model, x, lambda out: loss(out, y))
    hessian = torch.autograd.functional.hessian(f, theta).numpy()
    gradient = torch.autograd.functional.jacobian(f, theta).numpy()
    _, outputs = flat_function(model, x, lambda out: out.reshape(-1))
    jacobian = torch.autograd.functional.jacobian(outputs, theta).numpy()
    out0 = outputs(theta).detach()
    h_out = torch.autograd.functional.hessian(
        lambda o: loss(o.view(20, 3), y), out0).numpy()
    ggn = jacobian.T @ h_out @ jacobian
    return theta.numpy(), gradient, hessian, ggn


@pytest.fixture(scope="module")
def refs():
    return references()


@pytest.mark.parametrize("batch_size", [None, 7])
def test_hessian_products_and_eigenvalues(refs, batch_size):
    theta, gradient, hessian, _ = refs
    model, x, y = network()
    op = ridgelens.torch.hessian(model, torch.nn.functional.cross_entropy, x, y,
                                 batch_size=batch_size)
    assert op.n == theta.size == 31
    np.testing.assert_allclose(op.theta, theta, rtol=0, atol=1e-15)
    np.testing.assert_allclose(op.gradient, gradient, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(dense_of(op), hessian, rtol=1e-9, atol=1e-12)
    assert op.hvp_count == 31
    top = ridgelens.top_eigenpairs(op, k=4)
    np.testing.assert_allclose(top.values, np.linalg.eigvalsh(hessian)[::-1][:4], rtol=1e-8)
    assert model.training, "the caller's model is untouched (not switched to eval)"


@pytest.mark.parametrize("batch_size", [None, 6])
def test_ggn_products_and_every_function(refs, batch_size):
    theta, gradient, _, ggn = refs
    model, x, y = network()
    op = ridgelens.torch.hessian(model, torch.nn.functional.cross_entropy, x, y,
                                 curvature="ggn", batch_size=batch_size)
    np.testing.assert_allclose(dense_of(op), ggn, rtol=1e-9, atol=1e-12)
    values = np.linalg.eigvalsh(ggn)
    top = ridgelens.top_eigenpairs(op, k=3)
    np.testing.assert_allclose(top.values, values[::-1][:3], rtol=1e-8)
    lambdas = [0.01, 0.1]
    # θ̂ and the gradient come from the operator: θ̂_ridge = (G+λI)⁻¹(Gθ̂ − g).
    result = ridgelens.analyze(op, lambdas=lambdas, k=3)
    for i, lam in enumerate(lambdas):
        x_ref = np.linalg.solve(ggn + lam * np.eye(31), ggn @ theta - gradient)
        np.testing.assert_allclose(result.lambdas[i].ridge, x_ref, rtol=1e-7, atol=1e-9)
    assert result.to_dict()["problem"]["gradient_norm"] == pytest.approx(
        np.linalg.norm(gradient), rel=1e-10)
    shifted = ridgelens.solve_shifted(op, theta, lambdas)
    for i, lam in enumerate(lambdas):
        np.testing.assert_allclose(shifted.solutions[:, i],
                                   np.linalg.solve(ggn + lam * np.eye(31), theta), rtol=1e-7,
                                   atol=1e-9)
    p = ridgelens.path(op, lambdas=lambdas, k=3, probes=4, lanczos_steps=10)
    positive = np.clip(values, 0, None)
    np.testing.assert_allclose(p.df, [np.sum(positive / (positive + lam)) for lam in lambdas],
                               rtol=1e-7, atol=1e-9)
    dof = ridgelens.effective_dof(op, lambdas, k=3, probes=8, lanczos_steps=20)
    assert np.all(np.abs(dof.df - p.df) <= 4 * dof.df_stderr + dof.df_quadrature_error + 1e-6)


def test_bridge_misuse():
    model, x, y = network()
    loss = torch.nn.functional.cross_entropy
    with pytest.raises(ValueError, match="curvature must be 'hessian' or 'ggn'"):
        ridgelens.torch.hessian(model, loss, x, y, curvature="fisher")
    with pytest.raises(ValueError, match="differ in length"):
        ridgelens.torch.hessian(model, loss, x, y[:5])
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        ridgelens.torch.hessian(model, loss, x, y, batch_size=0)
