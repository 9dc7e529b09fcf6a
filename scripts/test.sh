#!/usr/bin/env bash
# Run the whole test suite from a fresh clone: needs only Python 3.10+.
# Creates .venv, installs the tap with its test extras, lints, type-checks (mypy:
# tap_everflow, harness and scripts, as pyproject.toml's [tool.mypy] lists them),
# then runs pytest (extra arguments go to pytest, e.g. scripts/test.sh -k impressions).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# One worker per core: most tests wait on a tap process and a simulator in turn.
.venv/bin/python -m pytest -n auto --dist loadgroup "$@"
