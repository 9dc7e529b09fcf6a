#!/usr/bin/env bash
# Run the whole test suite from a fresh clone: needs only Python 3.10+.
# Creates .venv, installs the tap with its test extras, lints, then runs pytest
# (extra arguments go to pytest, e.g. scripts/test.sh -k impressions).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 10):
    sys.exit(f"Python 3.10+ is needed, found {sys.version.split()[0]}; set PYTHON=...")
PY
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest "$@"
