#!/usr/bin/python3
"""Checks the linear autoencoder's closed form (src/core/saddle-ground-truth.h) with PyTorch.

Independent of Saddle's C code: reads the bundled images itself, takes the first d principal
components (centred, scaled to total variance d, covariance with 1/N), builds critical points
of chosen subsets I and compares loss, Hessian index and zero count (|λ| ≤ 1e-6·max|λ|) of
the exact float64 Hessian (torch.autograd.functional.hessian) with the formulas. With
--weights FILE..., also checks points Saddle found (files from saddle-cli --save-weights).
Exits 77 (skip) without torch.

  build-aux/verify-ground-truth.py [--d 20] [--k 4] [--weights results/w-run*.txt]
"""
import argparse
import gzip
import itertools
import math
import random
import struct
import sys

try:
    import torch
except ImportError:
    print("verify-ground-truth: no torch (apt-get install python3-torch); skipped")
    sys.exit(77)

torch.set_default_dtype(torch.float64)


def load_images(path, n):
    with gzip.open(path, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803
        n = min(n, count)
        data = f.read(n * rows * cols)
    return torch.tensor(list(data), dtype=torch.float64).reshape(n, rows * cols) / 255.0


def principal_data(images, d):
    xc = images - images.mean(0)
    cov = xc.T @ xc / xc.shape[0]
    w, v = torch.linalg.eigh(cov)
    u = v[:, torch.argsort(w, descending=True)[:d]]
    # Saddle's sign convention (saddle-pca.c): each direction's largest-magnitude coordinate
    # (the first, on ties) is positive, so θ found by Saddle means the same here
    for c in range(d):
        if u[int(torch.argmax(u[:, c].abs())), c] < 0:
            u[:, c] = -u[:, c]
    z = xc @ u
    total = (z * z).sum() / z.shape[0]
    return z * (d / total).sqrt()


def unpack(theta, d, k):
    w1 = theta[: k * d].reshape(k, d)
    b1 = theta[k * d : k * d + k]
    w2 = theta[k * d + k : k * d + k + d * k].reshape(d, k)
    b2 = theta[k * d + k + d * k :]
    return w1, b1, w2, b2


def loss_fn(z, d, k):
    def f(theta):
        w1, b1, w2, b2 = unpack(theta, d, k)
        out = (z @ w1.T + b1) @ w2.T + b2
        return ((out - z) ** 2).mean()
    return f


def formulas(lam, subset, d, k):
    loss = sum(lam[j] for j in range(d) if j not in subset) / d
    index = sum(1 for i in subset for j in range(d) if j not in subset and lam[j] > lam[i])
    r = len(subset)
    index += (k - r) * (d - r)
    zero = k + r * (2 * k - r)  # k² + k at full rank
    return loss, index, zero


def build(z, u, subset, d, k, rng, unused="zero"):
    """W1 = C⁻¹U_Iᵀ, W2 = U_I C, random b1, b2 = x̄ − W2(W1x̄ + b1); unused units as told."""
    r = len(subset)
    ui = u[:, sorted(subset)]
    # a random gauge C = Q·diag(e^s), s in [−½, ½]: conditioned like the hidden layers Newton
    # finds; an ill-conditioned C pushes true eigenvalues towards the zero band
    g = torch.tensor([[rng.gauss(0, 1) for _ in range(r)] for _ in range(r)]) if r else torch.eye(0)
    q = torch.linalg.qr(g)[0] if r else g
    c = q @ torch.diag(torch.tensor([math.exp(rng.uniform(-0.5, 0.5)) for _ in range(r)]))
    w1 = torch.zeros(k, d)
    w2 = torch.zeros(d, k)
    b1 = torch.zeros(k)
    if r > 0:
        w1[:r] = torch.linalg.inv(c) @ ui.T
        w2[:, :r] = ui @ c
        b1[:r] = torch.tensor([0.5 * rng.gauss(0, 1) for _ in range(r)])
    if unused == "span" and r > 0:
        # a zero W2 column with a W1 row inside span(u_I) is critical too
        for a in range(r, k):
            w1[a] = ui @ torch.tensor([rng.gauss(0, 1) for _ in range(r)])
            b1[a] = rng.gauss(0, 1)
    mean = z.mean(0)
    b2 = mean - w2 @ (w1 @ mean + b1)
    return torch.cat([w1.reshape(-1), b1, w2.reshape(-1), b2])


def spectrum_counts(f, theta, tol=1e-6):
    h = torch.autograd.functional.hessian(f, theta)
    h = 0.5 * (h + h.T)
    ev = torch.linalg.eigvalsh(h)
    band = tol * ev.abs().max()
    return int((ev < -band).sum()), int((ev.abs() <= band).sum()), ev


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/fashion-mnist/train-images-idx3-ubyte.gz")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--d", type=int, default=20)
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--random", type=int, default=20, help="random subsets of each size")
    ap.add_argument("--weights", nargs="*", default=[])
    args = ap.parse_args()
    d, k = args.d, args.k
    z = principal_data(load_images(args.data, args.samples), d)
    zc = z - z.mean(0)
    lam_t, v = torch.linalg.eigh(zc.T @ zc / z.shape[0])
    order = torch.argsort(lam_t, descending=True)
    lam = [float(x) for x in lam_t[order]]
    u = v[:, order]
    f = loss_fn(z, d, k)
    rng = random.Random(1)
    print(f"d={d} k={k} n_params={2*d*k+k+d} lambda={['%.4f' % x for x in lam]}")
    failures = 0
    cases = [(tuple(range(k)), "zero"), (tuple(range(d - k, d)), "zero")]
    for r in range(0, k + 1):
        for _ in range(args.random if r == k else max(3, args.random // 4)):
            cases.append((tuple(sorted(rng.sample(range(d), r))), "zero"))
            if 0 < r < k:
                cases.append((tuple(sorted(rng.sample(range(d), r))), "span"))
    for subset, unused in cases:
        theta = build(z, u, subset, d, k, rng, unused)
        g = torch.autograd.functional.jacobian(f, theta)
        loss = float(f(theta))
        neg, zero, _ = spectrum_counts(f, theta, tol=1e-10)
        a_loss, a_index, a_zero = formulas(lam, subset, d, k)
        ok = abs(loss - a_loss) <= 1e-10 * a_loss and neg == a_index and zero == a_zero
        failures += not ok
        print(f"I={','.join(str(i+1) for i in subset) or '-':<14} unused={unused:<4} "
              f"|g|={float(g.norm()):.1e} loss={loss:.12f} analytic={a_loss:.12f} "
              f"neg={neg} analytic={a_index} zero={zero} analytic={a_zero} "
              f"{'ok' if ok else 'MISMATCH'}")
    for path in args.weights:
        theta = torch.tensor([float(line) for line in open(path)
                              if line.strip() and not line.startswith("#")])
        w1, b1, w2, b2 = unpack(theta, d, k)
        m = u.T @ (w2 @ w1) @ u
        subset = tuple(i for i in range(d) if m[i, i] > 0.5)
        loss = float(f(theta))
        g = torch.autograd.functional.jacobian(f, theta)
        # found points may have an unbalanced hidden layer (large W1, small W2): true
        # eigenvalues then reach ~1e-7·max|λ|, so the band is Saddle's preset one, 1e-10
        neg, zero, _ = spectrum_counts(f, theta, tol=1e-10)
        a_loss, a_index, a_zero = formulas(lam, subset, d, k)
        ok = abs(loss - a_loss) <= 1e-8 * a_loss and neg == a_index
        failures += not ok
        print(f"{path}: I={','.join(str(i+1) for i in subset)} |g|={float(g.norm()):.1e} "
              f"loss={loss:.12f} analytic={a_loss:.12f} rel={abs(loss-a_loss)/a_loss:.1e} "
              f"neg={neg} analytic={a_index} zero={zero} analytic={a_zero} "
              f"{'ok' if ok else 'MISMATCH'}")
    print(f"{failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
