#!/usr/bin/env bash
# Benchmark the tap against the simulated Everflow API and a minimal "floor"
# client: rows, requests, wall time, CPU per record and peak RSS, with the
# issue's targets marked PASS/FAIL. Options go to scripts/benchmark.py, e.g.
#   scripts/benchmark.sh --quick
#   scripts/benchmark.sh --profile latency --sequential-baseline
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[benchmark]"
exec .venv/bin/python -m scripts.benchmark "$@"
