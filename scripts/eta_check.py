"""Print the tap's predicted time to go against the time it really took.

For each scenario the simulator serves a daily cycle of impressions (with its
bursts) over 14 days; the tap runs as ``python -m tap_everflow`` with only
impressions selected and its log at DEBUG, so that every window's progress
line is seen (at INFO one every 10 s is). Each line's ETA is compared with the
time from that line to the stream's end line. The ETA is right within a
factor of 1.5 where predicted / actual lies in [0.67, 1.5]; when little is
left (the last seconds) a factor says little, so lines with under
``--min-seconds`` to go are shown but not judged.

Usage: ``.venv/bin/python -m scripts.eta_check [--rows N] [--days D]``
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from harness.pipeline import ROOT, iso, tap_command
from harness.simulator import EverflowSimulator, daily_cycle

DAY = 86_400
API_KEY = "eta-check-key-0123456789abcdef"
FACTOR = 1.5
PROGRESS = re.compile(
    r"impressions: \S+\.\.\S+: \d+ rows in \d+ requests; (?P<done>[\d,]+)"
    r".*? so far(?:, about (?P<eta>.+?) to go)?\.$"
)
UNITS = {"h": 3_600, "min": 60, "s": 1}


def seconds_of(text: str) -> int:
    """The seconds of a duration as the tap writes it: ``3 min 05 s``."""
    parts = text.split()
    pairs = zip(parts[::2], parts[1::2], strict=True)
    return sum(int(number) * UNITS[unit] for number, unit in pairs)


@dataclass(frozen=True)
class Scenario:
    """How the simulator answers."""

    name: str
    permission: bool  # whether the key may read the aggregated report
    latency: float  # seconds added to every answer


@dataclass(frozen=True)
class Line:
    """A progress line, as the tap logged it.

    Seconds since the tap started and to its stream's end, rows done, and the
    ETA it gave (if any).
    """

    since: float
    to_go: float
    rows: int
    eta: int | None


def run_tap(sim: EverflowSimulator, start: int, end: int, workdir: Path) -> list[Line]:
    """Run the tap over ``start..end``; its progress lines, timed from its end."""
    config = {"api_key": API_KEY, "api_url": sim.url, "retry_wait_seconds": 0}
    config |= {"start_date": iso(start), "end_date": iso(end)}
    command = tap_command(config, workdir, "impressions")
    env = {**os.environ, "TAP_EVERFLOW_LOGLEVEL": "DEBUG"}
    lines: list[tuple[float, int, int | None]] = []
    ended = None
    began = time.monotonic()
    with subprocess.Popen(  # noqa: S603 - our own interpreter and args
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as tap:
        assert tap.stderr is not None  # noqa: S101 - PIPE was asked for
        for text in tap.stderr:
            now = time.monotonic()
            if match := PROGRESS.search(text.rstrip()):
                eta = match["eta"]
                done = int(match["done"].replace(",", ""))
                lines.append((now, done, None if eta is None else seconds_of(eta)))
            elif "impressions: done," in text:
                ended = now
    if tap.returncode or ended is None:
        sys.exit(f"the tap failed (exit code {tap.returncode})")
    return [Line(at - began, ended - at, done, eta) for at, done, eta in lines]


def report(scenario: Scenario, lines: list[Line], total: int, floor: float) -> None:
    """Print each line's prediction against the truth, and a verdict."""
    print(f"\n{scenario.name}: {len(lines)} windows")
    heads = ("at", "rows done", "share", "predicted", "actual", "ratio")
    widths = (7, 10, 6, 10, 8, 6)
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    judged = right = 0
    for line in lines:
        share = f"{100 * line.rows / total:.0f}%"
        where = f"{line.since:>6.1f}s {line.rows:>10,} {share:>6}"
        if line.eta is None:
            print(f"{where} {'-':>10} {line.to_go:>7.1f}s")
            continue
        ratio = line.eta / line.to_go if line.to_go > 0 else float("inf")
        mark = ""
        if line.to_go >= floor:
            judged += 1
            within = 1 / FACTOR <= ratio <= FACTOR
            right += within
            mark = "" if within else "  off"
        print(f"{where} {line.eta:>9}s {line.to_go:>7.1f}s {ratio:>6.2f}{mark}")
    first = next((line for line in lines if line.eta is not None), None)
    shown = f"first ETA at {100 * first.rows / total:.0f}%" if first else "no ETA"
    print(f"{shown}; within x{FACTOR}: {right} of {judged} (>= {floor:g} s to go)")


def main() -> None:
    """Run every scenario and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--min-seconds", type=float, default=3.0)
    parser.add_argument("--only", help="run the scenarios whose name holds this")
    args = parser.parse_args()
    end = int(time.time()) - 3_600
    end -= end % 60
    start = end - args.days * DAY + 1
    rows = daily_cycle(7, start, end, args.rows)
    scenarios = [
        Scenario("report counts", permission=True, latency=0.0),
        Scenario("no report permission", permission=False, latency=0.0),
        Scenario("report counts, latency 0.2 s", permission=True, latency=0.2),
        Scenario("no report permission, latency 0.2 s", permission=False, latency=0.2),
    ]
    print(f"{len(rows):,} impressions over {args.days} days (daily cycle, bursts)")
    for scenario in scenarios:
        if args.only and args.only not in scenario.name:
            continue
        with (
            EverflowSimulator(
                impressions=rows,
                api_key=API_KEY,
                has_reporting_permission=scenario.permission,
                latency=scenario.latency,
            ) as sim,
            tempfile.TemporaryDirectory() as workdir,
        ):
            lines = run_tap(sim, start, end, Path(workdir))
        report(scenario, lines, len(rows), args.min_seconds)


if __name__ == "__main__":
    main()
