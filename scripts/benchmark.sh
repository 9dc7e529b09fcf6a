#!/usr/bin/env bash
# Benchmark the tap against the simulated Everflow API and a minimal "floor"
# client: raw and report requests against the lower bound, wall time, CPU per
# record and peak RSS, with the targets marked PASS/FAIL. Options go to
# scripts/benchmark.py, e.g.
#   scripts/benchmark.sh --rows 200000
#   scripts/benchmark.sh --only "noisy" "refused"
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
[ "${1:-}" = --pipeline ] && shift && exec .venv/bin/python -m scripts.pipeline_benchmark "$@"
exec .venv/bin/python -m scripts.benchmark "$@"
