#!/usr/bin/env bash
# tests/bench/eigen-solvers.sh — LAPACK's dense eigenvalue solvers side by side, by size
#
#   tests/bench/eigen-solvers.sh BUILD-DIR OUT-DIR REPEATS THREADS SIZE… [-- SOLVER…]
#
# For each repeat, each size and each solver (default: dsyevd_2stage dsyevr dsyev_2stage),
# runs BUILD-DIR/tests/bench/bench-eigen once (one solve per process: its own peak memory),
# in turn, so that solvers compared at one size ran back to back under the same load. Appends
# one JSON line per solve to OUT-DIR/results.jsonl, with the 1-minute load average before and
# after; then prints each solver's largest eigenvalue difference from the first solver's,
# relative to max|λ| (the values are kept in OUT-DIR). Minutes at 16,330: not a meson benchmark.
set -eu

if [ $# -lt 5 ]; then
  sed -n '/^#   tests/p' "$0" | sed 's/^# *//'
  exit 2
fi
build=$1 out=$2 repeats=$3 threads=$4
shift 4
sizes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  sizes+=("$1")
  shift
done
[ $# -gt 0 ] && shift
solvers=("$@")
[ ${#solvers[@]} -gt 0 ] || solvers=(dsyevd_2stage dsyevr dsyev_2stage)
mkdir -p "$out"

load () { cut -d' ' -f1 /proc/loadavg; }

for r in $(seq 1 "$repeats"); do
  for n in "${sizes[@]}"; do
    for s in "${solvers[@]}"; do
      before=$(load)
      line=$(OPENBLAS_NUM_THREADS=$threads "$build/tests/bench/bench-eigen" "$s" "$n" "$threads" 1 \
               "$out/values-$n-$s.bin")
      echo "${line%\}}, \"repeat\": $r, \"load_before\": $before, \"load_after\": $(load)}" \
        | tee -a "$out/results.jsonl"
    done
  done
done

/usr/bin/python3 - "$out" "${solvers[@]}" <<'PY'
import glob, os, sys
import numpy as np
out, solvers = sys.argv[1], sys.argv[2:]
sizes = sorted({os.path.basename(p).split("-")[1]
                for p in glob.glob(os.path.join(out, "values-*"))})
for n in sizes:
    ref = np.fromfile(os.path.join(out, f"values-{n}-{solvers[0]}.bin"))
    top = np.max(np.abs(ref))
    for s in solvers[1:]:
        path = os.path.join(out, f"values-{n}-{s}.bin")
        if os.path.exists(path):
            diff = np.max(np.abs(np.sort(np.fromfile(path)) - np.sort(ref))) / top
            print(f"n = {n}: {s} against {solvers[0]}: max|Δλ| = {diff:.2e}·max|λ|")
PY
