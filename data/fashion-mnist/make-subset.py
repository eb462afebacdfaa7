#!/usr/bin/env python3
"""Cut the bundled Fashion-MNIST subset Saddle ships.

Writes the first COUNT training and the first COUNT test images and labels
as gzipped IDX files with the standard names. The output is byte-for-byte
reproducible: gzip's timestamp is fixed at 0 and no file name is stored.

    python3 data/fashion-mnist/make-subset.py
    python3 data/fashion-mnist/make-subset.py --source DIR --count 1000 --out DIR
"""

import argparse
import gzip
import os
import struct
import sys

DEBIAN_SOURCE = "/usr/share/datasets/fashion-mnist"
SETS = ("train", "t10k")


def read_idx(path, n_dims):
    """Returns (dims, body) of a gzipped or raw IDX file of unsigned bytes."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    header_len = 4 + 4 * n_dims
    if len(raw) < header_len:
        sys.exit(f"{path}: too short for an IDX header")
    zero, kind, dims_found = struct.unpack(">HBB", raw[:4])
    if zero != 0 or kind != 0x08 or dims_found != n_dims:
        sys.exit(f"{path}: not an IDX file of unsigned bytes with {n_dims} dimensions")
    dims = struct.unpack(">" + "I" * n_dims, raw[4:header_len])
    size = 1
    for d in dims:
        size *= d
    body = raw[header_len:]
    if len(body) != size:
        sys.exit(f"{path}: {size} data bytes expected, {len(body)} found")
    return dims, body


def write_idx_gz(path, n_dims, dims, body):
    header = struct.pack(">HBB", 0, 0x08, n_dims) + struct.pack(">" + "I" * n_dims, *dims)
    # mtime=0 and gzip.compress (which stores no name) make the bytes reproducible.
    data = gzip.compress(header + body, compresslevel=9, mtime=0)
    with open(path, "wb") as f:
        f.write(data)
    print(f"{path}: {dims[0]} items, {len(data)} bytes")


def find(source, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(source, name)
        if os.path.exists(path):
            return path
    sys.exit(f"{source}: neither {stem} nor {stem}.gz found "
             "(install the Debian package dataset-fashion-mnist or pass --source)")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=DEBIAN_SOURCE,
                        help="folder of the full Fashion-MNIST IDX files (default: %(default)s)")
    parser.add_argument("--count", type=int, default=1000,
                        help="images to keep from each set, first in file order (default: %(default)s)")
    parser.add_argument("--out", default=here,
                        help="folder to write into (default: this script's folder)")
    args = parser.parse_args()
    if args.count < 1:
        sys.exit("--count must be at least 1")

    for prefix in SETS:
        dims, pixels = read_idx(find(args.source, f"{prefix}-images-idx3-ubyte"), 3)
        (n_labels,), labels = read_idx(find(args.source, f"{prefix}-labels-idx1-ubyte"), 1)
        count, rows, cols = dims
        if n_labels != count:
            sys.exit(f"{prefix}: {count} images but {n_labels} labels")
        keep = min(args.count, count)
        write_idx_gz(os.path.join(args.out, f"{prefix}-images-idx3-ubyte.gz"), 3,
                     (keep, rows, cols), pixels[:keep * rows * cols])
        write_idx_gz(os.path.join(args.out, f"{prefix}-labels-idx1-ubyte.gz"), 1,
                     (keep,), labels[:keep])


if __name__ == "__main__":
    main()
