"""The README's first command: the demo runs end to end and says what landed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.pipeline import MELTANO
from tap_everflow.streams import STREAM_TYPES

ROOT = Path(__file__).parents[1]

pytestmark = [
    pytest.mark.skipif(
        not MELTANO.exists(), reason="meltano is installed by scripts/test.sh"
    ),
    # One worker for every test that starts PostgreSQL or meltano: they share
    # the project's .meltano and the embedded server's system user.
    pytest.mark.xdist_group("postgres"),
]


# What scripts/demo.sh may print in all; its setup step (bootstrap.sh: a line,
# and whatever pip warns about the machine's configuration) is left 10 of them.
MOST_LINES = 120 - 10


def test_the_demo_loads_every_stream_and_prints_what_landed_in_few_lines():
    # The demo's own script after bootstrap (which the suite's run already did).
    done = subprocess.run(
        [sys.executable, "-m", "scripts.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout + done.stderr
    assert "Traceback" not in printed
    # A person reads it: no METRIC lines, no loader SQL, no warnings about
    # fields the demo's own simulator adds, one line per stream and end.
    lines = printed.splitlines()
    assert len(lines) <= MOST_LINES, "\n".join(lines)
    for noise in ("METRIC", "Inserting with SQL", "please report", "Skipping"):
        assert noise not in printed, noise
    assert all(len(line) < 400 for line in lines)
    # Every stream's table holds rows: time-based ones on a line each, the
    # entity lists together ("advertisers 5, affiliates 30, ...").
    landed = dict(re.findall(r"^everflow\.(\w+): ([\d,]+) rows", done.stdout, re.M))
    lists = done.stdout.split("entity lists, rows each:", 1)[1].split("\n\n", 1)[0]
    landed |= dict(re.findall(r"(\w+) ([\d,]+)", lists))
    assert set(landed) == {stream.name for stream in STREAM_TYPES}
    empty = [table for table, rows in landed.items() if not int(rows.replace(",", ""))]
    assert not empty, f"the demo landed no rows in {empty}"
    for stream in STREAM_TYPES:
        assert f"{stream.name}: done, " in done.stderr, stream.name
    assert "Demo finished" in done.stdout
