#!/usr/bin/python3
"""The Python module measured (issue #17 item 8), in one run:

(a) binding overhead: the same computation on the same real matrix through
    the Python module (a scipy.sparse matrix in memory) and through the C++
    program (`ridgelens analyze` / `ridgelens path` on the .mtx file, the
    library's own timings in its JSON report, reading excluded). The Python
    side is the wall time of the whole call (conversion of the scipy matrix,
    the symmetry check, the computation, the report); the in-call library
    time is shown as well. Target: Python ≤ 1.05 × C++.
(b) the PyTorch bridge against plain torch on a small MLP (784-32-10 tanh,
    Fashion-MNIST subset, softmax cross-entropy, float64): the top-20 Hessian
    eigenpairs by ridgelens.top_eigenpairs(ridgelens.torch.hessian(...))
    against torch double-backward HVPs + scipy eigsh (the PyHessian /
    hessian-eigenthings way); the 30-λ path by one multi-shift CG run
    (ridgelens.solve_shifted) and by ridgelens.path (top-20, deflated
    multi-shift CG, df by a small SLQ) against one CG per λ with torch HVPs
    (the curvlinops / PyHessian way), on the generalized Gauss-Newton matrix
    (PSD, so that CG applies down to small λ). Seconds, products and
    recomputed residuals of both sides.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_bridge_bench.py
           [--build-dir build] [--sections binding,torch] [--samples 2000]
           [--repeat 3] [--out result.json]
The last line of stdout is the JSON of every row (what bench/compare_peers reads).
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.io
import scipy.sparse.linalg as sla

import ridgelens

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FASHION = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def data_dir():
    return os.environ.get("RIDGELENS_DATA_DIR", os.path.join(os.path.dirname(ROOT), "shared",
                                                             "data"))


def best_of(repeat, run):
    """The fastest of `repeat` runs (the machine is shared): (seconds, result)."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
        if best is None or seconds < best[0]:
            best = (seconds, result)
    return best


# ---------------------------------------------------------------- (a) binding


def cli_report(cli, arguments, out):
    subprocess.run([cli] + arguments + ["--out", out, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def binding_rows(cli, matrix_name, repeat, scratch):
    path = os.path.join(data_dir(), "matrices", matrix_name + ".mtx")
    H = scipy.io.mmread(path).tocsr()  # a symmetric file comes back with both triangles
    n = H.shape[0]
    theta = np.random.default_rng(1).standard_normal(n)
    theta_file = os.path.join(scratch, "theta.txt")
    np.savetxt(theta_file, theta, fmt="%.17g")
    rows = []

    # analyze: top-20 eigenpairs + PSD check + θ̂_ridge at one λ.
    def cpp_analyze():
        report = cli_report(cli, ["analyze", "--hessian", path, "--theta", theta_file, "--k", "20",
                                  "--lambda", "0.01"], os.path.join(scratch, "a.json"))
        t = report["timings"]
        return t["eigen_s"] + t["analyze_s"], report

    cpp = min((cpp_analyze() for _ in range(repeat)), key=lambda r: r[0])
    py_seconds, result = best_of(repeat, lambda: ridgelens.analyze(H, theta, [0.01], k=20))
    timings = result.to_dict()["timings"]
    rows.append(binding_row("analyze top-20 + 1 λ", matrix_name, n, py_seconds,
                            timings["eigen_s"] + timings["analyze_s"], cpp[0],
                            result.to_dict()["eigen"]["matvecs"], cpp[1]["eigen"]["matvecs"],
                            float(np.max(result.eigen.residuals) / abs(result.eigen.values[0])),
                            max(cpp[1]["eigen"]["residuals"]) / abs(cpp[1]["eigen"]["values"][0])))

    # path: 30 λ, k = 10, the library's defaults otherwise.
    lambdas = ridgelens_grid(1e-2, 1e2, 30)

    def cpp_path():
        report = cli_report(cli, ["path", "--hessian", path, "--theta", theta_file, "--k", "10",
                                  "--lambdas", "1e-2:1e2:30"], os.path.join(scratch, "p.json"))
        return report["seconds"], report

    cpp = min((cpp_path() for _ in range(repeat)), key=lambda r: r[0])
    py_seconds, result = best_of(repeat, lambda: ridgelens.path(H, theta, lambdas, k=10))
    report = result.to_dict()
    rows.append(binding_row("path 30 λ (%s)" % report["solver"], matrix_name, n, py_seconds,
                            report["seconds"], cpp[0], report["total_matvecs"],
                            cpp[1]["total_matvecs"], float(np.max(result.relative_residual)),
                            max(p["relative_residual"] for p in cpp[1]["path"])))
    return rows


def ridgelens_grid(low, high, count):
    return list(np.exp(np.linspace(np.log(low), np.log(high), count)))


def binding_row(task, matrix, n, py_seconds, py_library_seconds, cpp_seconds, py_products,
                cpp_products, py_residual, cpp_residual):
    ratio = py_seconds / cpp_seconds
    return {"section": "binding", "task": task, "input": "%s (n = %d)" % (matrix, n),
            "python_seconds": py_seconds, "python_library_seconds": py_library_seconds,
            "cpp_seconds": cpp_seconds, "ratio": ratio, "target": 1.05, "met": ratio <= 1.05,
            "python_products": py_products, "cpp_products": cpp_products,
            "python_residual": py_residual, "cpp_residual": cpp_residual}


# ------------------------------------------------------------------ (b) torch


def read_idx(name):
    with gzip.open(os.path.join(FASHION, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def trained_mlp(samples, hidden):
    import torch

    torch.manual_seed(0)
    images = read_idx("train-images-idx3-ubyte.gz")[:samples]
    labels = read_idx("train-labels-idx1-ubyte.gz")[:samples]
    x = torch.tensor(images.reshape(samples, -1) / 255.0, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.int64)
    model = torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.Tanh(),
                                torch.nn.Linear(hidden, 10)).double()
    loss_fn = torch.nn.functional.cross_entropy
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=60, history_size=20,
                                  line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        return loss

    optimizer.step(closure)
    return model, loss_fn, x, y


class PlainTorchHessian:
    """Double-backward HVPs as PyHessian does: one gradient with
    create_graph=True, then one backward pass through it per product."""

    def __init__(self, model, loss_fn, x, y):
        import torch

        self.params = [p for p in model.parameters() if p.requires_grad]
        self.n = sum(p.numel() for p in self.params)
        loss = loss_fn(model(x), y)
        self.grads = torch.autograd.grad(loss, self.params, create_graph=True)
        self.gradient = torch.cat([g.detach().reshape(-1) for g in self.grads])
        self.theta = torch.cat([p.detach().reshape(-1) for p in self.params])
        self.products = 0

    def hvp(self, v):
        """v: a flat float64 torch tensor."""
        import torch

        pieces, offset = [], 0
        for p in self.params:
            pieces.append(v[offset:offset + p.numel()].view_as(p))
            offset += p.numel()
        hv = torch.autograd.grad(self.grads, self.params, grad_outputs=pieces, retain_graph=True)
        self.products += 1
        return torch.cat([h.reshape(-1) for h in hv])

    def numpy_hvp(self, v):
        import torch

        return self.hvp(torch.from_numpy(np.ascontiguousarray(v, dtype=np.float64))).numpy()


class PlainTorchGGN(PlainTorchHessian):
    """Generalized Gauss-Newton products JᵀH_ℓJv of the mean softmax
    cross-entropy, the curvlinops way: Jv by the double-vjp trick, H_ℓ in
    closed form, Jᵀ by one backward pass (graphs built once, retained)."""

    def __init__(self, model, x, y):
        import torch

        super().__init__(model, torch.nn.functional.cross_entropy, x, y)
        self.outputs = model(x)
        self.probabilities = torch.softmax(self.outputs, dim=1).detach()
        self.u = torch.zeros_like(self.outputs, requires_grad=True)
        self.ju = torch.autograd.grad(self.outputs, self.params, grad_outputs=self.u,
                                      create_graph=True)
        self.samples = x.shape[0]

    def hvp(self, v):
        import torch

        pieces, offset = [], 0
        for p in self.params:
            pieces.append(v[offset:offset + p.numel()].view_as(p))
            offset += p.numel()
        (jv,) = torch.autograd.grad(self.ju, self.u, grad_outputs=pieces, retain_graph=True)
        p = self.probabilities
        weighted = p * jv
        hjv = (weighted - p * weighted.sum(dim=1, keepdim=True)) / self.samples
        product = torch.autograd.grad(self.outputs, self.params, grad_outputs=hjv,
                                      retain_graph=True)
        self.products += 1
        return torch.cat([t.reshape(-1) for t in product])


def torch_cg(hessian, lam, b, tol, max_iterations):
    """Plain CG on (H + λI)x = b in torch, stopped at ‖r‖ ≤ tol·‖b‖."""
    import torch

    x = torch.zeros_like(b)
    r = b.clone()
    p = r.clone()
    rr = torch.dot(r, r)
    target = (tol * torch.linalg.norm(b)) ** 2
    iterations = 0
    while rr > target and iterations < max_iterations:
        q = hessian.hvp(p) + lam * p
        alpha = rr / torch.dot(p, q)
        x += alpha * p
        r -= alpha * q
        rr_new = torch.dot(r, r)
        p = r + (rr_new / rr) * p
        rr = rr_new
        iterations += 1
    return x, iterations


def max_eig_residual(hessian, values, vectors):
    """max_j ‖Hq_j − σ_j q_j‖ / |σ_1|, recomputed by the plain torch HVP."""
    worst = 0.0
    for j in range(len(values)):
        q = vectors[:, j] / np.linalg.norm(vectors[:, j])
        worst = max(worst, np.linalg.norm(hessian.numpy_hvp(q) - values[j] * q))
    return worst / abs(values[0])


def solve_residuals(hessian, lambdas, b, solutions):
    """max_i ‖(H + λ_i I)x_i − b‖/‖b‖, recomputed by the plain torch HVP."""
    norm = np.linalg.norm(b)
    return max(np.linalg.norm(hessian.numpy_hvp(x) + lam * x - b) / norm
               for lam, x in zip(lambdas, solutions))


def torch_rows(samples, hidden, tol, eig_tol):
    import torch

    import ridgelens.torch as rtorch

    torch.set_num_threads(os.cpu_count() or 1)
    model, loss_fn, x, y = trained_mlp(samples, hidden)
    problem = "MLP 784-%d-10 tanh, %d Fashion-MNIST images" % (hidden, samples)
    plain = PlainTorchHessian(model, loss_fn, x, y)
    bridge = rtorch.hessian(model, loss_fn, x, y)
    rows = [product_row("one Hessian product", problem, bridge, plain)]

    # Top-20 eigenpairs.
    start = time.perf_counter()
    top = ridgelens.top_eigenpairs(bridge, k=20, tol=eig_tol)
    ours = time.perf_counter() - start
    before = plain.products
    start = time.perf_counter()
    operator = sla.LinearOperator((plain.n, plain.n), matvec=plain.numpy_hvp, dtype=np.float64)
    values, vectors = sla.eigsh(operator, k=20, which="LA", tol=eig_tol)
    theirs = time.perf_counter() - start
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    their_products = plain.products - before
    rows.append(torch_row("top-20 eigenpairs", problem, plain.n, ours, top.matvecs,
                          max_eig_residual(plain, top.values, top.vectors),
                          "torch HVP + scipy eigsh", theirs, their_products,
                          max_eig_residual(plain, values, vectors),
                          "|Δσ|/σ_1 %.1e" % (np.max(np.abs(values - top.values)) / values[0])))

    # The 30-λ path on the generalized Gauss-Newton matrix G (PSD: CG applies
    # for every λ > 0, down to 1e-3·σ_1(G) where CG per λ is costly).
    plain = PlainTorchGGN(model, x, y)
    bridge = rtorch.hessian(model, loss_fn, x, y, curvature="ggn")
    rows.append(product_row("one GGN product", problem + ", GGN", bridge, plain))
    sigma_1 = ridgelens.top_eigenpairs(bridge, k=1, tol=1e-6).values[0]
    lambdas = np.logspace(np.log10(1e-3 * sigma_1), np.log10(sigma_1), 30)
    b_torch = plain.hvp(plain.theta) - plain.gradient  # Gθ̂ − g
    b = b_torch.numpy().copy()
    before = plain.products
    start = time.perf_counter()
    plain_solutions, iterations = [], 0
    for lam in lambdas:
        solution, its = torch_cg(plain, float(lam), b_torch, tol, 20 * plain.n)
        plain_solutions.append(solution.numpy().copy())
        iterations += its
    theirs = time.perf_counter() - start
    their_products = plain.products - before
    their_residual = solve_residuals(plain, lambdas, b, plain_solutions)
    problem_g = problem + ", GGN"

    products = bridge.hvp_count
    start = time.perf_counter()
    shifted = ridgelens.solve_shifted(bridge, b, lambdas, tol=tol, solver="cg")
    ours = time.perf_counter() - start
    ours_solutions = [shifted.solutions[:, i] for i in range(len(lambdas))]
    difference = max(np.linalg.norm(a - c) / np.linalg.norm(c)
                     for a, c in zip(ours_solutions, plain_solutions))
    rows.append(torch_row("30-λ solves (GGN)", problem_g, plain.n, ours,
                          bridge.hvp_count - products,
                          solve_residuals(plain, lambdas, b, ours_solutions),
                          "torch GGN products, CG per λ", theirs, their_products, their_residual,
                          "λ = %.2g…%.2g = 1e-3…1·σ_1(G); ‖Δx‖/‖x‖ %.1e; one multi-shift CG "
                          "run of %d its vs %d CG its in all" % (
                              lambdas[0], lambdas[-1], difference, shifted.iterations,
                              iterations)))

    products = bridge.hvp_count
    start = time.perf_counter()
    path = ridgelens.path(bridge, lambdas=lambdas, k=20, eigen_tol=eig_tol, tol=tol,
                          baseline=False, probes=4, lanczos_steps=30, max_lanczos_steps=60)
    ours = time.perf_counter() - start
    report = path.to_dict()
    rows.append(torch_row("30-λ path + top-20 + df (GGN)", problem_g, plain.n, ours,
                          bridge.hvp_count - products, float(np.max(path.relative_residual)),
                          "CG per λ (no eigenpairs, no df)", theirs, their_products,
                          their_residual,
                          "ridgelens.path: %s deflated by the top-20 pairs, PSD check, df by "
                          "SLQ (4 probes x 30-60 steps); its residuals are its own recomputed "
                          "ones" % report["solver"]))
    return rows


def product_row(task, problem, bridge, plain, count=10):
    """Seconds per product: the bridge's as the library calls it (through the
    native operator) against the plain torch product, `count` of each."""
    import torch

    v = np.random.default_rng(3).standard_normal(plain.n)
    bridge.matvec(v)  # warm up both (the bridge builds its graph on first use)
    plain.hvp(torch.from_numpy(v))
    start = time.perf_counter()
    for _ in range(count):
        ours = bridge.matvec(v)
    ours_seconds = (time.perf_counter() - start) / count
    start = time.perf_counter()
    for _ in range(count):
        theirs = plain.hvp(torch.from_numpy(v)).numpy()
    theirs_seconds = (time.perf_counter() - start) / count
    difference = np.linalg.norm(ours - theirs) / np.linalg.norm(theirs)
    return torch_row(task, problem, plain.n, ours_seconds, 1, 0.0, "plain torch product",
                     theirs_seconds, 1, 0.0, "seconds per product (%d of each); "
                     "‖Δ(Hv)‖/‖Hv‖ %.1e" % (count, difference))


def torch_row(task, problem, n, ours, our_products, our_residual, peer, theirs, their_products,
              their_residual, note):
    return {"section": "torch", "task": task, "input": "%s (%d parameters)" % (problem, n),
            "peer": peer, "ridgelens_seconds": ours, "peer_seconds": theirs,
            "ratio": theirs / ours, "ridgelens_products": our_products,
            "peer_products": their_products, "ridgelens_residual": our_residual,
            "peer_residual": their_residual, "note": note}


# ------------------------------------------------------------------- output


def print_tables(rows):
    binding = [r for r in rows if r["section"] == "binding"]
    if binding:
        print("(a) binding overhead: Python (scipy.sparse in memory) vs the C++ program; "
              "ratio = Python / C++, target <= 1.05")
        print("%-26s %-22s %9s %9s %9s %7s %6s %13s %17s" % (
            "task", "input", "Python s", "(lib s)", "C++ s", "ratio", "met", "products py/C++",
            "residual py/C++"))
        for r in binding:
            print("%-26s %-22s %9.3f %9.3f %9.3f %7.3f %6s %6d/%-6d %8.1e/%.1e" % (
                r["task"], r["input"], r["python_seconds"], r["python_library_seconds"],
                r["cpp_seconds"], r["ratio"], "ok" if r["met"] else "MISS", r["python_products"],
                r["cpp_products"], r["python_residual"], r["cpp_residual"]))
    torch_part = [r for r in rows if r["section"] == "torch"]
    if torch_part:
        print("(b) PyTorch bridge vs plain torch; ratio = plain torch time / ridgelens time")
        print("%-30s %-32s %11s %8s %7s %15s %17s  %s" % (
            "task", "peer", "ridgelens s", "peer s", "ratio", "products rl/peer",
            "residual rl/peer", "notes"))
        for r in torch_part:
            print("%-30s %-32s %11.4g %8.4g %7.2f %7d/%-7d %8.1e/%.1e  %s" % (
                r["task"], r["peer"], r["ridgelens_seconds"], r["peer_seconds"], r["ratio"],
                r["ridgelens_products"], r["peer_products"], r["ridgelens_residual"],
                r["peer_residual"], r["note"]))
        print("input: %s" % torch_part[0]["input"])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--sections", default="binding,torch")
    parser.add_argument("--matrices", default="bcsstk16")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--tol", type=float, default=1e-8, help="relative residual of the solves")
    parser.add_argument("--eig-tol", type=float, default=1e-8)
    parser.add_argument("--out", help="also write the rows as JSON here")
    arguments = parser.parse_args()
    sections = set(arguments.sections.split(","))
    load = os.getloadavg()
    rows = []
    if "binding" in sections:
        cli = os.path.join(os.path.abspath(arguments.build_dir), "apps", "ridgelens")
        if not os.access(cli, os.X_OK):
            raise SystemExit("python_bridge_bench: %s not found; build the target ridgelens_cli"
                             % cli)
        if not os.path.isdir(os.path.join(data_dir(), "matrices")):
            raise SystemExit("python_bridge_bench: no real matrices in %s (set "
                             "RIDGELENS_DATA_DIR)" % data_dir())
        with tempfile.TemporaryDirectory(prefix="ridgelens-pybench-") as scratch:
            for name in arguments.matrices.split(","):
                rows += binding_rows(cli, name, arguments.repeat, scratch)
    if "torch" in sections:
        rows += torch_rows(arguments.samples, arguments.hidden, arguments.tol, arguments.eig_tol)
    print("load average at start %.2f %.2f %.2f, at end %.2f %.2f %.2f (%d cores); "
          "OMP_WAIT_POLICY=%s" % (load + os.getloadavg() + (os.cpu_count(),) +
                                  (os.environ.get("OMP_WAIT_POLICY", "(unset)"),)))
    print_tables(rows)
    result = {"load_average_at_start": load, "load_average_at_end": os.getloadavg(),
              "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "rows": rows}
    if arguments.out:
        with open(arguments.out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
