#!/usr/bin/env bash
# One command, from a fresh clone with only Python 3.10+: install everything and
# run `meltano run tap-everflow target-postgres` into a throwaway PostgreSQL,
# from a simulated Everflow API (or your account, if TAP_EVERFLOW_API_KEY is set).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> Setting up .venv (tap-everflow, meltano, test tools)"
source scripts/bootstrap.sh
exec .venv/bin/python -m scripts.demo "$@"
