#!/usr/bin/python3
"""test-torch-weights.py — Saddle's weights files against NumPy and PyTorch (issue 12, item 4)

Usage: test-torch-weights.py numpy|torch SADDLE_CLI

numpy: weights written here (safetensors by hand with struct and json, .npz with numpy.savez)
are read by `saddle-cli hessian`, whose loss must equal a float64 NumPy forward pass at those
weights to 1e-12 relative; files written by `saddle-cli --save-weights` (.safetensors, .npz,
.npy) must hold exactly the numbers of its text format, as the state_dict torch expects, and
give the same loss.
torch: the same files through PyTorch in float64: torch.nn.Sequential.load_state_dict of the
tensors gives Saddle's loss to 1e-10 relative, and the eigenvalues of the Hessian that
torch.autograd.functional.hessian builds match Saddle's to 1e-10 of the largest |λ|.
Exits 77 (skip) in torch mode when PyTorch is not installed, never otherwise.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

MODE, CLI = sys.argv[1], sys.argv[2]
if MODE == "torch":
    try:
        import torch
    except ImportError:
        print("1..0 # SKIP PyTorch is not installed")
        sys.exit(77)
    torch.set_default_dtype(torch.float64)

WIDTHS = [1, 8, 8, 1]
SAMPLES = 40
DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2"}
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        print(f"not ok {checks} {message}")
        sys.exit(1)
    print(f"ok {checks} {message}")


def write_safetensors(path, tensors, metadata=None, dtype="F64"):
    """The safetensors layout: u64 LE header length, JSON header, raw LE tensors."""
    header, blobs, at = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for key, value in tensors.items():
        blob = np.ascontiguousarray(value, dtype=DTYPES[dtype]).tobytes()
        header[key] = {"dtype": dtype, "shape": list(value.shape),
                       "data_offsets": [at, at + len(blob)]}
        blobs.append(blob)
        at += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    out = {}
    for key, entry in header.items():
        begin, end = entry["data_offsets"]
        out[key] = np.frombuffer(data[8 + n + begin:8 + n + end],
                                 dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return out, metadata


def run(*args, status=0):
    result = subprocess.run([CLI, *args], capture_output=True, text=True)
    if result.returncode != status:
        print(result.stdout, result.stderr, file=sys.stderr)
    check(result.returncode == status, f"saddle-cli {' '.join(args[:3])} … exits {status}")
    return result


def summary(folder):
    return json.load(open(os.path.join(folder, "summary.json")))


def eigenvalues(folder):
    return np.loadtxt(os.path.join(folder, "eigenvalues.csv"), delimiter=",", skiprows=1)[:, 1]


def flat(layers):
    return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in layers])


def numpy_loss(layers, activation, x, y):
    act = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}[activation]
    h = x[:, None]
    for k, (w, b) in enumerate(layers):
        h = h @ w.T + b
        if k + 1 < len(layers):
            h = act(h)
    return np.mean((h[:, 0] - y) ** 2)


def torch_model(activation):
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[activation]
    modules = []
    for k in range(len(WIDTHS) - 1):
        modules.append(torch.nn.Linear(WIDTHS[k], WIDTHS[k + 1]))
        if k + 2 < len(WIDTHS):
            modules.append(act())
    return torch.nn.Sequential(*modules)


def torch_loss_and_hessian(layers, activation, x, y):
    """Loss of nn.Sequential loaded with @layers, and the eigenvalues of its Hessian."""
    model = torch_model(activation)
    model.load_state_dict({f"{2 * k}.{n}": torch.from_numpy(np.array(t, dtype=np.float64))
                           for k, (w, b) in enumerate(layers) for n, t in (("weight", w),
                                                                           ("bias", b))})
    xt, yt = torch.from_numpy(x[:, None]), torch.from_numpy(y[:, None])
    loss = torch.nn.functional.mse_loss(model(xt), yt).item()
    shapes = [(w.shape, b.shape) for w, b in layers]

    def loss_of(theta):
        h, at = xt, 0
        for k, (ws, bs) in enumerate(shapes):
            w = theta[at:at + ws[0] * ws[1]].reshape(ws)
            at += ws[0] * ws[1]
            b = theta[at:at + bs[0]]
            at += bs[0]
            h = h @ w.T + b
            if k + 1 < len(shapes):
                h = torch.tanh(h) if activation == "tanh" else torch.relu(h)
        return torch.mean((h - yt) ** 2)

    hessian = torch.autograd.functional.hessian(loss_of, torch.from_numpy(flat(layers)))
    return loss, np.sort(np.linalg.eigvalsh(hessian.numpy()))


def close(a, b, tolerance):
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def main():
    rng = np.random.default_rng(12)
    x = np.linspace(-1.0, 1.0, SAMPLES)
    y = np.sinc(2.5 * x)
    with open("data.csv", "w") as f:
        f.write("x,y\n")
        for xi, yi in zip(x, y):
            f.write(f"{xi!r},{yi!r}\n")
    layers = [(rng.normal(0, 1.0 / np.sqrt(WIDTHS[k]), (WIDTHS[k + 1], WIDTHS[k])),
               rng.normal(0, 0.3, WIDTHS[k + 1])) for k in range(len(WIDTHS) - 1)]
    state = {f"{2 * k}.{n}": t for k, (w, b) in enumerate(layers)
             for n, t in (("weight", w), ("bias", b))}
    data = ["--data", "data.csv", "--samples", str(SAMPLES)]

    # Python → Saddle: a safetensors file naming its activation needs no model options.
    write_safetensors("model.safetensors", state, {"format": "pt", "activation": "tanh"})
    run("hessian", "--weights", "model.safetensors", *data, "--out", "st", "--quiet")
    got = summary("st")
    check(got["widths"] == WIDTHS and got["activation"] == "tanh",
          f"widths {got['widths']} and tanh taken from the safetensors file")
    want = numpy_loss(layers, "tanh", x, y)
    check(close(got["loss"], want, 1e-12), f"safetensors loss {got['loss']!r} = NumPy {want!r}")

    # An .npz of W0, b0, … names no activation: --activation is required, and said so.
    np.savez("model.npz", **{f"{n}{k}": t for k, (w, b) in enumerate(layers)
                             for n, t in (("W", w), ("b", b))})
    refused = run("hessian", "--weights", "model.npz", *data, "--out", "nz", status=2)
    check("--activation is required" in refused.stderr, "no activation: the flag is named")
    run("hessian", "--weights", "model.npz", *data, "--activation", "relu", "--out", "nz",
        "--quiet")
    want_relu = numpy_loss(layers, "relu", x, y)
    check(close(summary("nz")["loss"], want_relu, 1e-12), ".npz loss = NumPy")

    # Deflated members (numpy.savez_compressed) with the state_dict's own keys.
    np.savez_compressed("deflated.npz", **state)
    run("hessian", "--weights", "deflated.npz", *data, "--activation", "relu", "--out", "df",
        "--quiet")
    check(summary("df")["loss"] == summary("nz")["loss"], "deflated .npz = stored .npz")
    # A member that is not an array is named.
    with zipfile.ZipFile("extra.npz", "w") as archive:
        archive.write("deflated.npz", "inner.npz")
    refused = run("hessian", "--weights", "extra.npz", *data, "--activation", "relu", status=1)
    check("member “inner.npz”: not a .npy array" in refused.stderr, "a stray member is named")

    # F32 and F16 tensors are converted: the loss is that of the rounded weights.
    for dtype in ("F32", "F16"):
        write_safetensors(f"{dtype}.safetensors", state, {"activation": "tanh"}, dtype)
        run("hessian", "--weights", f"{dtype}.safetensors", *data, "--out", dtype, "--quiet")
        rounded = [(w.astype(DTYPES[dtype]).astype(np.float64),
                    b.astype(DTYPES[dtype]).astype(np.float64)) for w, b in layers]
        check(close(summary(dtype)["loss"], numpy_loss(rounded, "tanh", x, y), 1e-12),
              f"{dtype} safetensors loss = NumPy at the {dtype}-rounded weights")

    # Saddle → Python: the same training saved in every format holds the same numbers.
    for name in ("s.txt", "s.safetensors", "s.npz", "s.npy"):
        run("gradnorm", "--task", "function", *data, "--hidden", "8,8", "--activation", "tanh",
            "--epochs", "5", "--runs", "1", "--seed", "3", "--save-weights", name, "--out",
            "g", "--quiet")
    text = np.loadtxt("s.txt", comments="#")
    tensors, metadata = read_safetensors("s.safetensors")
    check(metadata.get("activation") == "tanh" and metadata.get("widths") == "1,8,8,1",
          f"safetensors metadata {metadata}")
    saved = [(tensors[f"{2 * k}.weight"], tensors[f"{2 * k}.bias"]) for k in range(3)]
    check(np.array_equal(flat(saved), text), "safetensors tensors = the text file's numbers")
    archive = np.load("s.npz")
    check(all(np.array_equal(archive[k], tensors[k]) for k in tensors)
          and sorted(archive.files) == sorted(tensors), ".npz members = the safetensors tensors")
    check(np.array_equal(np.load("s.npy"), text), ".npy = the text file's numbers")
    run("hessian", "--weights", "s.txt", *data, "--out", "back", "--quiet")
    saddle_loss = summary("back")["loss"]
    check(close(saddle_loss, numpy_loss(saved, "tanh", x, y), 1e-12),
          "loss of Saddle's saved weights: Saddle = NumPy")
    for name in ("s.safetensors", "s.npz"):
        run("hessian", "--weights", name, *data, "--out", "again", "--quiet")
        check(summary("again")["loss"] == saddle_loss, f"{name} read back: the same loss")

    if MODE == "torch":
        # PyTorch at the Python-written weights: loss and every eigenvalue.
        for folder_name, activation in (("st", "tanh"), ("nz", "relu")):
            loss, spectrum = torch_loss_and_hessian(layers, activation, x, y)
            mine = np.sort(eigenvalues(folder_name))
            scale = np.max(np.abs(spectrum))
            check(close(summary(folder_name)["loss"], loss, 1e-10),
                  f"{activation}: Saddle's loss = PyTorch's {loss!r}")
            check(len(mine) == len(spectrum)
                  and np.max(np.abs(mine - spectrum)) <= 1e-10 * scale,
                  f"{activation}: {len(mine)} eigenvalues = PyTorch's to 1e-10·max|λ| "
                  f"(max difference {np.max(np.abs(mine - spectrum)) / scale:.2e}·max|λ|)")
        # Saddle's file in PyTorch: load_state_dict takes it as it is.
        model = torch_model("tanh")
        model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in tensors.items()})
        loss = torch.nn.functional.mse_loss(model(torch.from_numpy(x[:, None])),
                                            torch.from_numpy(y[:, None])).item()
        check(close(loss, saddle_loss, 1e-10), f"s.safetensors in PyTorch: loss {loss!r} = "
              f"Saddle's {saddle_loss!r}")
        model.load_state_dict({k: torch.from_numpy(archive[k]) for k in archive.files})
        loss = torch.nn.functional.mse_loss(model(torch.from_numpy(x[:, None])),
                                            torch.from_numpy(y[:, None])).item()
        check(close(loss, saddle_loss, 1e-10), "s.npz in PyTorch: the same loss")
    print(f"1..{checks}")


def in_temporary_folder():
    folder = tempfile.mkdtemp(prefix="saddle-torch-weights-")
    here = os.getcwd()
    os.chdir(folder)
    try:
        main()
    finally:
        os.chdir(here)
        shutil.rmtree(folder)


in_temporary_folder()
