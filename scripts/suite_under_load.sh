#!/usr/bin/env bash
# Run the whole suite RUNS times in a row (default 3), each in a new random order,
# while a second copy of the suite runs alongside and competes for the CPU.
# Stops at the first failing run. Prints one line per run: seed, result, minutes.
# Usage: scripts/suite_under_load.sh [RUNS]   (after scripts/test.sh made .venv)
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
pytest=(.venv/bin/python -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup)

# The competitor: the same suite, in its own order, over and over, from its own
# checkout (a worktree sharing .venv), so that the two runs share no project files
# (meltano's .meltano, the tests' outputs); in its own process group (set -m), so
# that one kill ends it and everything it started.
rival="$(mktemp -d -t suite-competitor.XXXXXX)"
git worktree add --quiet --detach "$rival" HEAD
ln -s "$PWD/.venv" "$rival/.venv"
set -m
(
    cd "$rival" || exit 1
    seed=1000
    while true; do
        "${pytest[@]}" --random-order-bucket=global --random-order-seed="$seed" \
            >/dev/null 2>&1
        seed=$((seed + 1))
    done
) &
competitor=$!
trap 'kill -- -$competitor 2>/dev/null; git worktree remove --force "$rival"' EXIT

status=0
for run in $(seq 1 "$runs"); do
    seed=$((RANDOM * 7 + run))
    began=$(date +%s)
    log="$(mktemp -t suite-under-load.XXXXXX)"
    if "${pytest[@]}" --random-order-bucket=global --random-order-seed="$seed" \
        >"$log" 2>&1; then
        result="passed"
    else
        result="FAILED (log: $log)"
        status=1
    fi
    minutes=$(( ($(date +%s) - began) / 60 ))
    echo "run $run of $runs: seed $seed: $result, $(tail -1 "$log" | tr -d '=') (${minutes} min)"
    [ "$status" -eq 0 ] || break
done
exit "$status"
