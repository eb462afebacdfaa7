#!/usr/bin/python3
"""The loss, ‖∇L‖ and ‖H·∇L‖/‖∇L‖ a critical study wrote, against the same evaluated by hand in
numpy's long double (64-bit significand on x86-64), for the default function task (sinc at
1,000 points, a ReLU net, mean squared error).

    saddle-cli critical --runs 12 --still-steps 0 --out DIR --save-weights DIR/p.npz
    tests/bench/torch/check-long-double.py DIR [DIR …]

Prints each run's relative distances, then their medians and ranges per folder.
"""
import csv
import statistics
import sys

import numpy as np

LD = np.longdouble
N = 1000


def data():
    xs = np.array([i / (N - 1) for i in range(N)])
    ys = np.array([1.0 if v == 0 else np.sin(5 * np.pi * v) / (5 * np.pi * v) for v in xs])
    return xs.astype(LD).reshape(-1, 1), ys.astype(LD).reshape(-1, 1)


def layers(weights):
    names = sorted({k.split('.')[0] for k in weights.files}, key=int)
    return [(weights[f'{n}.weight'].astype(LD), weights[f'{n}.bias'].astype(LD)) for n in names]


def evaluate(weights, X, Y):
    """Loss, ‖∇L‖ and ‖H·∇L‖/‖∇L‖ by a forward, a backward and an R-pass along ∇L."""
    ws = layers(weights)
    a, zs, acts, ds = X, [], [X], []
    for i, (W, b) in enumerate(ws):
        z = a @ W.T + b
        zs.append(z)
        if i + 1 < len(ws):
            d = (z > 0).astype(LD)
            a = z * d
            ds.append(d)
            acts.append(a)
    r = zs[-1] - Y
    loss = np.mean(r * r)
    delta = 2 * r / N
    grads, e = [], delta
    for i in reversed(range(len(ws))):
        grads.append((e.T @ acts[i], e.sum(0)))
        if i > 0:
            e = (e @ ws[i][0]) * ds[i - 1]
    grads.reverse()
    g = np.concatenate([np.concatenate([gw.ravel(), gb.ravel()]) for gw, gb in grads])
    # R-pass along v = ∇L: R{z}, R{a}, then the R-backward.
    v = grads
    rz, ra = [], [np.zeros_like(X)]
    for i, (W, b) in enumerate(ws):
        z_r = ra[i] @ W.T + acts[i] @ v[i][0].T + v[i][1]
        rz.append(z_r)
        if i + 1 < len(ws):
            ra.append(z_r * ds[i])
    rdelta = 2 * rz[-1] / N
    hv, e, re = [], delta, rdelta
    for i in reversed(range(len(ws))):
        hv.append((re.T @ acts[i] + e.T @ ra[i], re.sum(0)))
        if i > 0:
            W, V = ws[i][0], v[i][0]
            e_next = (e @ W) * ds[i - 1]
            re = (re @ W + e @ V) * ds[i - 1]
            e = e_next
    hv.reverse()
    h = np.concatenate([np.concatenate([hw.ravel(), hb.ravel()]) for hw, hb in hv])
    norm = np.sqrt(np.sum(g * g))
    return loss, norm, np.sqrt(np.sum(h * h)) / norm


def main(folders):
    X, Y = data()
    names = ('loss', '|g|', '|Hg|/|g|')
    for folder in folders:
        found = {name: [] for name in names}
        for row in csv.DictReader(open(f'{folder}/critical.csv')):
            truth = evaluate(np.load(f"{folder}/p-run{row['run']}.npz"), X, Y)
            wrote = (row['loss'], row['grad_norm'], row['hg_ratio'])
            for name, w, t in zip(names, wrote, truth):
                found[name].append(float(abs(LD(float(w)) - t) / abs(t)))
            print(folder, row['run'], '  '.join(f'{n} {found[n][-1]:.1e}' for n in names))
        for name in names:
            v = found[name]
            print(f'{folder} {name}: median {statistics.median(v):.1e}, '
                  f'{min(v):.1e}–{max(v):.1e} (n = {len(v)})')


if __name__ == '__main__':
    main(sys.argv[1:])
