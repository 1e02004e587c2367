#!/usr/bin/python3
"""PyTorch reference for `sweep train`: the tutorial's MLPWithDropout on Fashion-MNIST, one thread.

Prints one line per timed epoch on stderr and, on stdout, `torch_epoch_median_s=<seconds>` (the median
training-loop time of the timed epochs, after one untimed warm-up epoch). With --report-accuracy it
trains --epochs epochs (no warm-up) and also prints `torch_test_acc=<fraction>` (model.eval()).
Reads the same IDX .gz files as sweep with gzip + numpy; needs Debian's python3-torch (run it with
/usr/bin/python3).
"""
import argparse
import gzip
import os
import statistics
import sys
import time

DATA_DIR = "/usr/share/datasets/fashion-mnist"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", default="256,256", help="hidden widths, comma separated (default 256,256)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs (default 3), after one warm-up epoch")
    ap.add_argument("--report-accuracy", action="store_true",
                    help="train --epochs epochs without warm-up and print the final test accuracy")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=DATA_DIR)
    a = ap.parse_args()
    a.hidden = [int(h) for h in a.hidden.split(",") if h.strip()]
    if a.batch_size < 1 or a.epochs < 1 or a.threads < 1 or not 0 <= a.dropout < 1 or any(h < 1 for h in a.hidden):
        ap.error("batch size, epochs and threads must be >= 1, dropout in [0, 1), widths >= 1")
    return a


# Before torch loads: Debian's torch (BLAS_INFO=generic) does its matrix products in libblas.so.3, which is
# OpenBLAS's pthreads build here. That thread pool ignores torch.set_num_threads and starts one thread per
# core, spinning in sched_yield between calls, so "one thread" must also be set through the environment.
ARGS = parse_args()
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402


def read_idx(path):
    """The array of an IDX file (plain or .gz): big-endian header, then unsigned bytes."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        sys.exit(f"torch_mlp.py: {path}: not an IDX file of unsigned bytes")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        sys.exit(f"torch_mlp.py: {path}: {data.size} bytes of data for shape {dims}")
    return data.reshape(dims)


def find(data_dir, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            return path
    sys.exit(f"torch_mlp.py: {data_dir}: no {stem}[.gz]")


def load(data_dir, prefix):
    x = read_idx(find(data_dir, f"{prefix}-images-idx3-ubyte"))
    y = read_idx(find(data_dir, f"{prefix}-labels-idx1-ubyte"))
    x = torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 255.0)
    return x, torch.from_numpy(y.astype(np.int64))


class MLPWithDropout(nn.Module):
    """The tutorial's model: (Linear -> ReLU -> Dropout) per hidden layer, then Linear."""

    def __init__(self, n_in, hidden, n_out, p):
        super().__init__()
        layers, width = [], n_in
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU(), nn.Dropout(p)]
            width = h
        layers.append(nn.Linear(width, n_out))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def train_epoch(model, opt, loss_fn, x, y, batch_size, gen):
    """One pass over (x, y) in shuffled batches; returns the seconds of the training loop alone."""
    model.train()
    order = torch.randperm(len(x), generator=gen)
    t0 = time.perf_counter()
    for first in range(0, len(x), batch_size):
        idx = order[first:first + batch_size]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def test_accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        right = sum(int((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum()) for i in range(0, len(x), 1000))
    return right / len(x)


def main():
    a = ARGS
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    x, y = load(a.data, "train")
    model = MLPWithDropout(x.shape[1], a.hidden, 10, a.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()

    if not a.report_accuracy:
        train_epoch(model, opt, loss_fn, x, y, a.batch_size, gen)  # warm-up: allocator, kernels, caches
    threads = len(os.listdir("/proc/self/task"))
    if threads > a.threads:  # would make the comparison unfair to sweep; say so rather than hide it
        print(f"torch_mlp.py: warning: {threads} threads in the process, asked for {a.threads}", file=sys.stderr)
    times = []
    for epoch in range(1, a.epochs + 1):
        times.append(train_epoch(model, opt, loss_fn, x, y, a.batch_size, gen))
        print(f"torch epoch {epoch}/{a.epochs}: {times[-1]:.3f}s", file=sys.stderr)
    print(f"torch_epoch_median_s={statistics.median(times):.4f}")
    if a.report_accuracy:
        xt, yt = load(a.data, "t10k")
        print(f"torch_test_acc={test_accuracy(model, xt, yt):.4f}")


if __name__ == "__main__":
    main()
