#!/usr/bin/env bash
# Run every benchmark script; each prints its own figures.
set -euo pipefail
python=${1:?usage: run-benchmarks.sh PYTHON}
for b in benchmarks/bench_*.py; do
  echo "== $b"
  "$python" "$b"
done
