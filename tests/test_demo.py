"""The README's first command: the demo runs end to end and says what landed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.pipeline import MELTANO

ROOT = Path(__file__).parents[1]

pytestmark = [
    pytest.mark.skipif(
        not MELTANO.exists(), reason="meltano is installed by scripts/test.sh"
    ),
    # One worker for every test that starts PostgreSQL or meltano: they share
    # the project's .meltano and the embedded server's system user.
    pytest.mark.xdist_group("postgres"),
]


def test_the_demo_loads_every_stream_and_prints_what_landed():
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
    assert "Traceback" not in done.stdout + done.stderr
    landed = dict(re.findall(r"^everflow\.(\w+): ([\d,]+) rows", done.stdout, re.M))
    # Every table the tap fills holds rows: the time-based streams and lists.
    empty = [table for table, rows in landed.items() if rows == "0"]
    assert not empty, f"the demo landed no rows in {empty}"
    for table in ("impressions", "clicks", "conversions", "daily_report", "offers"):
        assert int(landed[table].replace(",", "")) > 0, table
    assert "Demo finished" in done.stdout
