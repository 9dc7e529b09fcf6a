# Sourced by the other scripts: make .venv (Python 3.10+) with the tap and its
# test extras (pytest, meltano, psycopg) installed in editable mode.
PYTHON="${PYTHON:-python3}"
"$PYTHON" - <<'PY'
import sys
if sys.version_info < (3, 10):
    sys.exit(f"Python 3.10+ is needed, found {sys.version.split()[0]}; set PYTHON=...")
PY
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
