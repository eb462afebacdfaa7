#!/usr/bin/python3
"""saddle_torch.py — Saddle's benchmark workloads written in PyTorch, as a yardstick.

The same studies as `saddle-cli bench` and `saddle-cli critical`, done the way a
careful PyTorch user would: float64, one thread by default, layers as nn.Linear has
them (F.linear; parameters in nn.Linear's order, which is Saddle's flat order: per
layer the weight, out × in row-major, then the bias), torch.optim.Adam,
CrossEntropyLoss / MSELoss (means), exact Hessians by double backward. Every task prints one JSON line
{"task": ..., "seconds": ..., "size": ..., ...} on stdout; progress goes to stderr.

Run it with Debian's interpreter (/usr/bin/python3), which sees python3-torch:

    /usr/bin/python3 tests/bench/torch/saddle_torch.py train hessian-small critical --runs 10

Tasks (default: train hessian-small critical):
  train          8 runs of 784-20-20-10 relu, Adam, batch 200, 30 epochs on 1,000 images
                 (with --epoch-grad-norm also the whole set's ‖∇L‖ after every epoch, as
                 Saddle's gradnorm and trajectories studies: task "train-grad-norm")
  hessian-small  full Hessian of 1-31-31-1 relu (1,086 params) on 1,000 sinc points + eigenvalues
  critical       --runs trainings of 1-31-31-1, ‖∇L‖² descent, full Hessian, eigenvalue counts
  hessian-large  dense Hessian of the image model (16,330 params, 1,000 images) + eigenvalues
"""

import argparse
import ctypes
import gzip
import json
import math
import os
import struct
import sys
import time

# Imported in main() once the thread count is known: OpenBLAS (which this
# torch links, like Saddle) reads OPENBLAS_NUM_THREADS only when it loads.
torch = None
F = None

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "data", "fashion-mnist"))

TASKS = ("train", "hessian-small", "critical", "hessian-large")
HESSIAN_METHODS = ("auto", "rows", "batched", "functional")
# "auto" switches from rows to batched above this many parameters (measured: rows is 2× faster
# at 1,086 parameters, batched by 16 about 15 % faster at 16,330).
AUTO_ROWS_MAX = 4096
# A Hessian of at most BUILD_REPEAT_PARAMS parameters is built BUILD_REPEATS times and timed
# best of them, as saddle-cli bench times Saddle's: the first call pays for cold caches and
# fresh pages (and here for torch's first double backward).
BUILD_REPEATS = 3
BUILD_REPEAT_PARAMS = 4096


class BenchError(Exception):
    """A problem the user can fix (missing data, bad option, no memory)."""


# ---- data ------------------------------------------------------------------

def read_idx(path, magic, max_items):
    """The IDX file @path (gzip or raw): (dims, payload bytes of the first @max_items items)."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            header = f.read(4)
            if len(header) != 4:
                raise BenchError(f"{path}: too short for an IDX header")
            # 0x0000 0803: unsigned bytes (08) in 3 dimensions (03); the magic fixes both.
            got_magic, n_dims = struct.unpack(">I", header)[0], header[3]
            if got_magic != magic:
                raise BenchError(f"{path}: IDX magic 0x{got_magic:08x}, expected 0x{magic:08x}")
            sizes = f.read(4 * n_dims)
            if len(sizes) != 4 * n_dims:
                raise BenchError(f"{path}: the IDX header is cut short")
            dims = list(struct.unpack(f">{n_dims}I", sizes))
            count = min(dims[0], max_items) if max_items > 0 else dims[0]
            item = 1
            for d in dims[1:]:
                item *= d
            payload = f.read(count * item)
    except (OSError, EOFError) as e:   # EOFError: a gzip stream cut short
        raise BenchError(f"{path}: {getattr(e, 'strerror', None) or e}") from None
    if len(payload) != count * item:
        raise BenchError(f"{path}: {count * item:,} bytes of data expected, {len(payload):,} found")
    dims[0] = count
    return dims, payload


def find_idx(folder, stem):
    for name in (f"{stem}.gz", stem):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    raise BenchError(f"{folder}: neither {stem}.gz nor {stem} is there; pass --data DIR")


def load_images(folder, n):
    """First @n training images (pixels / 255) and labels, as Saddle reads them."""
    dims, pixels = read_idx(find_idx(folder, "train-images-idx3-ubyte"), 0x00000803, n)
    ldims, labels = read_idx(find_idx(folder, "train-labels-idx1-ubyte"), 0x00000801, n)
    if dims[0] < n or ldims[0] < n:
        raise BenchError(f"{folder}: {n} images wanted, {min(dims[0], ldims[0])} there")
    x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8)
    x = x.view(n, dims[1] * dims[2]).to(torch.float64) / 255.0
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).to(torch.long)
    return x, y


def sinc_points(n):
    """@n evenly spaced x in [0, 1], both ends included, y = sin(5πx)/(5πx), 1 at 0."""
    x = torch.linspace(0.0, 1.0, n, dtype=torch.float64).unsqueeze(1)
    px = 5.0 * math.pi * x
    safe = torch.where(x == 0.0, torch.ones_like(px), px)
    y = torch.where(x == 0.0, torch.ones_like(x), torch.sin(safe) / safe)
    return x, y


# ---- model -----------------------------------------------------------------

class FlatMLP:
    """nn.Linear layers (F.linear: y = x Wᵀ + b) with ReLU between, over ONE flat parameter
    tensor in nn.Linear's parameters() order, i.e. Saddle's flat order.

    One flat tensor is the fastest honest layout here: torch.optim.Adam then updates a single
    tensor (about 80 µs a step instead of 320 µs for six nn.Linear tensors, measured), and ‖∇L‖
    is one norm. The Hessian and the ‖∇L‖² descent differentiate with respect to separate leaf
    tensors instead (pieces()), which makes their double backward cheaper (see README.md)."""

    def __init__(self, widths, generator):
        self.widths = list(widths)
        self.shapes = []
        for fan_in, fan_out in zip(widths, widths[1:]):
            self.shapes += [(fan_out, fan_in), (fan_out,)]
        self.sizes = [math.prod(shape) for shape in self.shapes]
        theta = torch.empty(sum(self.sizes), dtype=torch.float64)
        # He normal weights, zero biases: Saddle's ReLU initialisation.
        for piece, shape in zip(torch.split(theta, self.sizes), self.shapes):
            if len(shape) == 2:
                piece.normal_(0.0, math.sqrt(2.0 / shape[1]), generator=generator)
            else:
                piece.zero_()
        self.theta = torch.nn.Parameter(theta)

    @property
    def n_params(self):
        return self.theta.numel()

    def pieces(self):
        """Detached leaf copies of the weights and biases, for double backward."""
        return [piece.detach().clone().view(shape).requires_grad_()
                for piece, shape in zip(torch.split(self.theta, self.sizes), self.shapes)]

    def load_pieces(self, pieces):
        with torch.no_grad():
            torch.cat([p.reshape(-1) for p in pieces], out=self.theta)

    def forward(self, x, pieces=None, pre_activations=None):
        """Outputs (before softmax) for @x, with θ or the given weight/bias @pieces."""
        if pieces is None:
            pieces = [piece.view(shape)
                      for piece, shape in zip(torch.split(self.theta, self.sizes), self.shapes)]
        h = x
        n_layers = len(pieces) // 2
        for layer in range(n_layers):
            h = F.linear(h, pieces[2 * layer], pieces[2 * layer + 1])
            if layer + 1 < n_layers:
                if pre_activations is not None:
                    pre_activations.append(h)
                h = torch.relu(h)
        return h

    def dead_units(self, x):
        """Hidden ReLU units whose pre-activation is ≤ 0 on every sample of @x."""
        pre = []
        with torch.no_grad():
            self.forward(x, pre_activations=pre)
        return sum(int((z.amax(dim=0) <= 0.0).sum()) for z in pre)


def accuracy(outputs, labels):
    return (outputs.argmax(dim=1) == labels).to(torch.float64).mean().item()


# ---- workloads ---------------------------------------------------------------

def run_seeds(seed, run):
    """Two independent generators per run: initial θ and minibatch order."""
    base = (seed * 1_000_003 + run) * 2
    return torch.Generator().manual_seed(base), torch.Generator().manual_seed(base + 1)


def train(model, x, y, loss_fn, lr, batch, epochs, shuffle, classify, epoch_grad_norm=False):
    """Minibatch Adam as Saddle's trainer: per step the minibatch loss and ‖∇L‖ are recorded;
    at the start and after every epoch the whole set's loss (and accuracy) and a snapshot of θ,
    and with @epoch_grad_norm the whole set's ‖∇L‖ too (from the same forward pass), as
    Saddle's gradnorm and trajectories studies take it."""
    theta = model.theta
    optimizer = torch.optim.Adam([theta], lr=lr)
    n = x.shape[0]
    batch = min(batch, n)
    record = {"loss": [], "grad_norm": [], "epoch_loss": [], "epoch_grad_norm": [],
              "accuracy": [], "snapshots": []}

    def evaluate():
        with torch.set_grad_enabled(epoch_grad_norm):
            out = model.forward(x)
            loss = loss_fn(out, y)
        if epoch_grad_norm:
            (grad,) = torch.autograd.grad(loss, theta)
            record["epoch_grad_norm"].append(torch.linalg.vector_norm(grad).item())
        with torch.no_grad():
            record["epoch_loss"].append(loss.item())
            record["accuracy"].append(accuracy(out, y) if classify else math.nan)
            record["snapshots"].append(theta.detach().clone())

    evaluate()
    step = 0
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n, generator=shuffle)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            theta.grad = None
            loss = loss_fn(model.forward(x[idx]), y[idx])
            loss.backward()
            step += 1
            value, norm = loss.item(), torch.linalg.vector_norm(theta.grad).item()
            if not (math.isfinite(value) and math.isfinite(norm)):
                raise BenchError(f"training diverged at step {step} (epoch {epoch}): "
                                 f"try a smaller learning rate (now {lr:g})")
            record["loss"].append(value)
            record["grad_norm"].append(norm)
            optimizer.step()
        evaluate()
    return record


def hessian_method(args, n):
    if args.hessian_method != "auto":
        return args.hessian_method
    return "rows" if n <= AUTO_ROWS_MAX else "batched"


def hessian(model, x, y, loss_fn, method, chunk):
    """The exact n × n Hessian of the mean loss over (x, y) at θ."""
    n = model.n_params

    if method == "functional":
        # torch.autograd.functional.hessian on the flat vector, vectorised (vmap) over all rows.
        def loss_of(theta):
            pieces = [piece.view(shape)
                      for piece, shape in zip(torch.split(theta, model.sizes), model.shapes)]
            return loss_fn(model.forward(x, pieces), y)

        return torch.autograd.functional.hessian(loss_of, model.theta.detach(), vectorize=True)

    pieces = model.pieces()
    grads = torch.autograd.grad(loss_fn(model.forward(x, pieces), y), pieces, create_graph=True)
    H = torch.empty(n, n, dtype=torch.float64)

    if method == "batched":
        # Reverse-over-reverse on @chunk unit directions at once (is_grads_batched = vmap).
        flat = torch.cat([g.reshape(-1) for g in grads])
        eye = torch.eye(n, dtype=torch.float64)
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            rows = torch.autograd.grad(flat, pieces, grad_outputs=eye[start:stop],
                                       retain_graph=True, is_grads_batched=True)
            torch.cat([r.reshape(stop - start, -1) for r in rows], dim=1, out=H[start:stop])
        return H

    # "rows": one backward through the retained gradient graph per row, started from each
    # gradient tensor's own entries (the fastest of the three here: see README.md).
    row = 0
    for g in grads:
        entries = g.reshape(-1)
        for k in range(entries.numel()):
            parts = torch.autograd.grad(entries[k], pieces, retain_graph=True)
            torch.cat([p.reshape(-1) for p in parts], out=H[row])
            row += 1
    return H


def spectrum_counts(eigenvalues, tol):
    top = eigenvalues.abs().max().item()
    band = tol * top
    positive = int((eigenvalues > band).sum())
    negative = int((eigenvalues < -band).sum())
    return positive, negative, eigenvalues.numel() - positive - negative, band


def check_memory(n, copies, what):
    need = n * n * 8 * copies
    try:
        avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return
    if need > avail:
        raise BenchError(f"{what}: about {need / 2**30:.1f} GiB needed for {n:,} × {n:,} "
                         f"matrices, {avail / 2**30:.1f} GiB available")


class Stopwatch:
    """Wall-clock and process CPU seconds since creation: on a shared machine the CPU time
    (one thread) shows the work done when other jobs steal the cores."""

    def __init__(self):
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()

    def wall(self):
        return time.perf_counter() - self.wall0

    def cpu(self):
        return time.process_time() - self.cpu0


def blas_kernels():
    """The kernels the OpenBLAS that torch loaded chose (Debian's torch links libblas.so.3,
    which is OpenBLAS here), or None for another BLAS: what OPENBLAS_CORETYPE pinned, or what
    OpenBLAS read off the processor."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line})
        if paths:
            corename = ctypes.CDLL(paths[0]).openblas_get_corename
            corename.restype = ctypes.c_char_p
            return corename().decode()
    except (OSError, AttributeError):
        pass
    return None


def emit(record):
    if "seconds" in record and record.get("task") != "critical-run":
        record["blas_kernels"] = blas_kernels()
    print(json.dumps(record), flush=True)


def say(args, text):
    if not args.quiet:
        print(text, file=sys.stderr, flush=True)


def wait_at_barrier(barrier):
    """With --barrier DIR:COUNT, the processes of one measurement start their clocks together:
    each marks itself ready in DIR, then waits until COUNT have (imports and data loading, which
    take each process a different time, stay out of the timed work)."""
    if not barrier:
        return
    folder, count = barrier.rsplit(":", 1)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"ready-{os.getpid()}"), "w"):
        pass
    deadline = time.monotonic() + 600
    while len([f for f in os.listdir(folder) if f.startswith("ready-")]) < int(count):
        if time.monotonic() > deadline:
            raise BenchError(f"--barrier {barrier}: the other processes never became ready")
        time.sleep(0.002)


def task_train(args):
    x, y = load_images(args.data, args.images)
    loss_fn = torch.nn.CrossEntropyLoss()
    steps = 0
    last_accuracy = []
    runs = range(args.train_first_run, args.train_first_run + args.train_runs)
    wait_at_barrier(args.barrier)
    clock = Stopwatch()
    for run in runs:
        init, shuffle = run_seeds(args.seed, run)
        model = FlatMLP([x.shape[1], 20, 20, 10], init)
        record = train(model, x, y, loss_fn, args.train_lr, args.train_batch, args.train_epochs,
                       shuffle, classify=True, epoch_grad_norm=args.epoch_grad_norm)
        steps += len(record["loss"])
        last_accuracy.append(record["accuracy"][-1])
    seconds = clock.wall()
    per_run = steps // args.train_runs
    emit({"task": "train-grad-norm" if args.epoch_grad_norm else "train",
          "seconds": seconds, "cpu_seconds": clock.cpu(),
          "size": f"{args.train_runs} runs × {per_run} Adam steps of batch {args.train_batch}, "
                  f"784-20-20-10 relu ({model.n_params:,} params), {x.shape[0]:,} images",
          "steps_per_second": steps / seconds, "lr": args.train_lr,
          "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
          "first_run": args.train_first_run, "runs": args.train_runs,
          "epoch_grad_norm": args.epoch_grad_norm,
          "mean_final_accuracy": sum(last_accuracy) / len(last_accuracy)})


def save_point(prefix, model, eigenvalues, loss):
    """θ as Saddle's --weights files have it (one number a line, flat order), the eigenvalues
    ascending and the loss, so both programs can be checked on the same point."""
    with open(prefix + ".weights", "w") as f:
        f.writelines(f"{v!r}\n" for v in model.theta.detach().tolist())
    with open(prefix + ".eigenvalues", "w") as f:
        f.writelines(f"{v!r}\n" for v in eigenvalues.tolist())
    with open(prefix + ".json", "w") as f:
        json.dump({"loss": loss, "n_params": model.n_params, "widths": model.widths}, f)


def hessian_task(args, name, model, x, y, loss_fn, size):
    n = model.n_params
    check_memory(n, 3, name)
    method = hessian_method(args, n)
    build, build_cpu, builds, H = math.inf, math.inf, 0, None
    while builds < (BUILD_REPEATS if n <= BUILD_REPEAT_PARAMS else 1):
        H = None
        clock = Stopwatch()
        H = hessian(model, x, y, loss_fn, method, args.chunk)
        took, took_cpu = clock.wall(), clock.cpu()
        if took < build:
            build, build_cpu = took, took_cpu
        builds += 1
    asymmetry = (H - H.T).abs().max().item()
    emit({"task": name, "seconds": build, "cpu_seconds": build_cpu, "method": method,
          "size": f"full Hessian of {size} ({n:,} params) on {x.shape[0]:,} samples "
                  f"(best of {builds})",
          "asymmetry": asymmetry})
    clock = Stopwatch()
    eigenvalues = torch.linalg.eigvalsh(H)
    eigen, eigen_cpu = clock.wall(), clock.cpu()
    positive, negative, zero, _ = spectrum_counts(eigenvalues, args.tolerance)
    emit({"task": f"{name}-eigen", "seconds": eigen, "cpu_seconds": eigen_cpu,
          "size": f"all {n:,} eigenvalues ({positive}+ {negative}− {zero} zero)",
          "positive": positive, "negative": negative, "zero": zero,
          "max_abs": eigenvalues.abs().max().item()})
    if args.save_point:
        with torch.no_grad():
            loss = loss_fn(model.forward(x), y).item()
        save_point(f"{args.save_point}-{name}", model, eigenvalues, loss)


def task_hessian_small(args):
    init, _ = run_seeds(args.seed, 0)
    model = FlatMLP([1, 31, 31, 1], init)
    x, y = sinc_points(args.points)
    hessian_task(args, "hessian-small", model, x, y, torch.nn.MSELoss(), "1-31-31-1 relu")


def task_hessian_large(args):
    init, _ = run_seeds(args.seed, 0)
    x, y = load_images(args.data, args.images)
    model = FlatMLP([x.shape[1], 20, 20, 10], init)
    hessian_task(args, "hessian-large", model, x, y, torch.nn.CrossEntropyLoss(),
                 "784-20-20-10 relu")


def descend(model, x, y, loss_fn, lr, max_steps, tolerance):
    """The homework's ‖∇L‖² minimisation with Adam on the whole set, its gradient 2·H·∇L by
    double backward; leaves θ at the smallest ‖∇L‖ seen, as Saddle does.
    Returns (steps, ‖∇L‖ at the start, best ‖∇L‖)."""
    pieces = model.pieces()
    optimizer = torch.optim.Adam(pieces, lr=lr, foreach=True)
    best, best_norm, start_norm = None, math.inf, None
    step = 0
    while True:
        grads = torch.autograd.grad(loss_fn(model.forward(x, pieces), y), pieces,
                                    create_graph=True)
        f = sum((g * g).sum() for g in grads)
        norm = math.sqrt(f.item())
        if start_norm is None:
            start_norm = norm
        if not math.isfinite(norm):
            if best is not None:
                model.load_pieces(best)
            raise BenchError(f"the gradient-norm descent diverged at step {step}; "
                             "try a smaller descent learning rate")
        if norm < best_norm:
            best_norm, best = norm, [p.detach().clone() for p in pieces]
        if norm <= tolerance or step >= max_steps:
            break
        for p, g in zip(pieces, torch.autograd.grad(f, pieces)):
            p.grad = g
        optimizer.step()
        step += 1
    model.load_pieces(best)
    return step, start_norm, best_norm


def task_critical(args):
    x, y = sinc_points(args.points)
    loss_fn = torch.nn.MSELoss()
    phases = {"train": 0.0, "descent": 0.0, "hessian": 0.0, "eigen": 0.0}
    phases_cpu = dict(phases)
    ratios = []
    clock = Stopwatch()
    for run in range(args.runs):
        run_clock = Stopwatch()
        t0, c0 = time.perf_counter(), time.process_time()
        init, shuffle = run_seeds(args.seed, run)
        model = FlatMLP([1, 31, 31, 1], init)
        train(model, x, y, loss_fn, args.critical_lr, args.critical_batch, args.critical_epochs,
              shuffle, classify=False)
        t1, c1 = time.perf_counter(), time.process_time()
        steps, norm_start, norm = descend(model, x, y, loss_fn, args.descent_lr,
                                          args.descent_steps, args.grad_tolerance)
        t2, c2 = time.perf_counter(), time.process_time()
        H = hessian(model, x, y, loss_fn, hessian_method(args, model.n_params), args.chunk)
        t3, c3 = time.perf_counter(), time.process_time()
        eigenvalues = torch.linalg.eigvalsh(H)
        t4, c4 = time.perf_counter(), time.process_time()
        positive, negative, zero, _ = spectrum_counts(eigenvalues, args.tolerance)
        with torch.no_grad():
            loss = loss_fn(model.forward(x), y).item()
        phases["train"] += t1 - t0
        phases["descent"] += t2 - t1
        phases["hessian"] += t3 - t2
        phases["eigen"] += t4 - t3
        for phase, spent in zip(phases, (c1 - c0, c2 - c1, c3 - c2, c4 - c3)):
            phases_cpu[phase] += spent
        ratios.append(positive / eigenvalues.numel())
        emit({"task": "critical-run", "run": run, "seconds": t4 - t0,
              "cpu_seconds": run_clock.cpu(),
              "size": f"run {run + 1}/{args.runs}", "loss": loss, "steps": steps,
              "grad_norm_start": norm_start, "grad_norm": norm, "positive": positive,
              "negative": negative, "zero": zero, "minimal_ratio": ratios[-1],
              "dead_units": model.dead_units(x)})
        say(args, f"critical run {run + 1}/{args.runs}: {t4 - t0:.2f} s, loss {loss:.3g}, "
                  f"‖∇L‖ {norm_start:.2g} → {norm:.2g} in {steps} steps, "
                  f"{positive}+ {negative}− {zero} zero")
    emit({"task": "critical", "seconds": clock.wall(), "cpu_seconds": clock.cpu(),
          "size": f"{args.runs} run{'s' if args.runs > 1 else ''} of 1-31-31-1 relu (1,086 "
                  f"params): {args.critical_epochs} epochs of batch {args.critical_batch}, "
                  f"≤ {args.descent_steps} ‖∇L‖² steps, full Hessian + eigenvalues",
          "method": hessian_method(args, 1086),
          "phase_seconds": phases, "phase_cpu_seconds": phases_cpu,
          "mean_minimal_ratio": sum(ratios) / len(ratios)})


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Defaults are Saddle's (saddle_study_config_init).")
    p.add_argument("tasks", nargs="*", metavar="TASK",
                   help=f"any of {', '.join(TASKS)} (default: train hessian-small critical)")
    p.add_argument("--threads", type=int, default=1, help="torch and OpenBLAS threads (1)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default=DEFAULT_DATA, help="IDX folder (bundled Fashion-MNIST)")
    p.add_argument("--images", type=int, default=1000, help="training images (1000)")
    p.add_argument("--points", type=int, default=1000, help="sinc points on [0, 1] (1000)")
    p.add_argument("--train-runs", type=int, default=8)
    p.add_argument("--train-first-run", type=int, default=0,
                   help="number of the first training run, counted from 0 (its seeds follow "
                        "from it), so that several processes can share the 8 runs (0)")
    p.add_argument("--interop-threads", type=int, default=0,
                   help="torch.set_num_interop_threads (0: torch's default)")
    p.add_argument("--barrier", metavar="DIR:COUNT",
                   help="train: start the clock once COUNT processes are ready in DIR")
    p.add_argument("--train-lr", type=float, default=0.003)
    p.add_argument("--train-batch", type=int, default=200)
    p.add_argument("--train-epochs", type=int, default=30)
    p.add_argument("--epoch-grad-norm", action="store_true",
                   help="train: also the whole set's ‖∇L‖ after every epoch (Saddle's studies' "
                        "work)")
    p.add_argument("--runs", type=int, default=100, help="critical runs (100)")
    p.add_argument("--critical-lr", type=float, default=0.01)
    p.add_argument("--critical-batch", type=int, default=20)
    p.add_argument("--critical-epochs", type=int, default=200)
    p.add_argument("--descent-lr", type=float, default=1e-3)
    p.add_argument("--descent-steps", type=int, default=1000)
    p.add_argument("--grad-tolerance", type=float, default=1e-4)
    p.add_argument("--tolerance", type=float, default=1e-6,
                   help="near-zero eigenvalue band, relative to max|λ| (1e-6)")
    p.add_argument("--hessian-method", choices=HESSIAN_METHODS, default="auto",
                   help="rows: double backward row by row; batched: is_grads_batched over "
                        "--chunk rows; functional: torch.autograd.functional.hessian("
                        f"vectorize=True); auto (default): rows up to {AUTO_ROWS_MAX:,} "
                        "parameters, else batched (the fastest of them here)")
    p.add_argument("--chunk", type=int, default=16, help="rows per batched backward (16)")
    p.add_argument("--save-point", metavar="PREFIX",
                   help="write PREFIX-hessian-small.{weights,eigenvalues,json} (θ, spectrum, "
                        "loss) so saddle-cli hessian --weights can check the same point")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = p.parse_args(argv)

    args.tasks = args.tasks or ["train", "hessian-small", "critical"]
    for task in args.tasks:
        if task not in TASKS:
            p.error(f"unknown task “{task}”: use {', '.join(TASKS)}")
    for name in ("threads", "images", "points", "train_runs", "train_batch", "train_epochs",
                 "runs", "critical_batch", "critical_epochs", "chunk"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.train_first_run < 0 or args.interop_threads < 0:
        p.error("--train-first-run and --interop-threads must be at least 0")
    if args.barrier and not args.barrier.rpartition(":")[2].isdigit():
        p.error(f"--barrier must be DIR:COUNT, got “{args.barrier}”")
    for name in ("train_lr", "critical_lr", "descent_lr"):
        if not getattr(args, name) > 0:
            p.error(f"--{name.replace('_', '-')} must be positive")
    if args.descent_steps < 0 or not 0 <= args.tolerance < 1 or not args.grad_tolerance >= 0:
        p.error("--descent-steps ≥ 0, --tolerance in [0, 1) and --grad-tolerance ≥ 0, please")
    return args


def main(argv):
    global torch, F
    args = parse_args(argv)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    try:
        import torch as torch_module
    except ImportError:
        print("saddle_torch.py: PyTorch is missing: apt-get install python3-torch, and run "
              "this with /usr/bin/python3", file=sys.stderr)
        return 2
    torch = torch_module
    F = torch.nn.functional
    torch.set_num_threads(args.threads)
    if args.interop_threads > 0:
        torch.set_num_interop_threads(args.interop_threads)
    torch.set_default_dtype(torch.float64)
    say(args, f"PyTorch {torch.__version__}, float64, {torch.get_num_threads()} thread(s)")

    runners = {"train": task_train, "hessian-small": task_hessian_small,
               "critical": task_critical, "hessian-large": task_hessian_large}
    failed = 0
    for task in args.tasks:
        try:
            runners[task](args)
        except BenchError as e:
            emit({"task": task, "error": str(e)})
            print(f"saddle_torch.py: {task}: {e}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
