"""Print the tap's predicted time to go against the time it really took.

Each scenario is a dataset the simulator serves over a range that starts and
ends mid-hour, and how the simulator answers: with counts (the aggregated
report) or without (the walk), with latency, under an overflow policy (which
rows an overflowing answer keeps). The tap runs as ``python -m tap_everflow``
with only the scenario's stream selected and its log at DEBUG, so that every
window's progress line is seen (at INFO one every 10 s is). Each line's ETA is
compared with the time from that line to the stream's end line. The ETA is
right within a factor of 1.5 where predicted / actual lies in [0.67, 1.5];
when little is left (the last seconds) a factor says little, so lines with
under ``--min-seconds`` to go are shown but not judged.

Usage: ``.venv/bin/python -m scripts.eta_check [--rows N] [--only NAME] [--brief]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.pipeline import ROOT, iso, tap_command
from harness.simulator import (
    EverflowSimulator,
    ReportOptions,
    bursty,
    daily_cycle,
    uniform,
)
from harness.simulator.records import Record

DAY = 86_400
API_KEY = "eta-check-key-0123456789abcdef"
FACTOR = 1.5
PROGRESS = re.compile(
    r"(?P<stream>\w+): \S+\.\.\S+: \d+ rows in \d+ requests; (?P<done>[\d,]+)"
    r".*? so far(?:, about (?P<eta>.+?) to go)?\.$"
)
# The time a log line was written (the SDK's format): read from a pipe, lines
# arrive in bursts, later than written.
STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
UNITS = {"h": 3_600, "min": 60, "s": 1}
REFUSED = {"has_reporting_permission": False}
NOISY = {"report": ReportOptions(count_noise=0.05, uncounted=0.01)}


def seconds_of(text: str) -> int:
    """The seconds of a duration as the tap writes it: ``3 min 05 s``."""
    parts = text.split()
    pairs = zip(parts[::2], parts[1::2], strict=True)
    return sum(int(number) * UNITS[unit] for number, unit in pairs)


def period(days: int) -> tuple[int, int]:
    """Inclusive epochs over ``days`` days, mid-hour at both ends, ended a day ago."""
    midnight = int(time.time()) // DAY * DAY - DAY
    return midnight - days * DAY + 5 * 3_600 + 1_234, midnight - 2_121


@dataclass(frozen=True)
class Scenario:
    """A dataset and how the simulator answers it."""

    name: str
    traffic: str  # "cycle", "smooth", "bursty" or "busy last day"
    settings: dict[str, Any] = field(default_factory=dict)  # the simulator's
    kind: str = "impressions"
    days: int = 14
    share: float = 1.0  # of --rows

    def rows(self, rows: int) -> tuple[int, int, list[Record]]:
        """The range and its rows."""
        start, end = period(self.days)
        count = round(rows * self.share)
        if self.traffic == "bursty":
            return start, end, bursty(1, start, end, count, kind=self.kind)
        cycle = daily_cycle(
            1, start, end, count, bursts=self.traffic != "smooth", kind=self.kind
        )
        if self.traffic == "busy last day":  # as many rows again on the last day
            cycle += uniform(2, end - DAY + 1, end, count, kind=self.kind)
            cycle.sort(key=lambda row: row["unix_timestamp"])
        return start, end, cycle


def scenarios() -> list[Scenario]:
    """Counts and the walk; latency; clicks; bursts; every overflow policy."""
    latency = {"latency": 1.0}
    chosen = [
        Scenario("cycle, counts", "cycle"),
        Scenario("cycle, noisy counts", "cycle", NOISY),
        Scenario("cycle, walk", "cycle", REFUSED),
        Scenario("cycle, counts, latency 1 s", "cycle", latency, share=2.5),
        Scenario("cycle, walk, latency 1 s", "cycle", REFUSED | latency, share=0.5),
        Scenario("clicks cycle, counts", "cycle", kind="clicks"),
        Scenario("clicks cycle, walk", "cycle", REFUSED, kind="clicks"),
        Scenario("bursty, counts", "bursty"),
        Scenario("bursty, walk", "bursty", REFUSED),
        Scenario("smooth cycle 20 d, walk", "smooth", REFUSED, days=20),
        Scenario("busy last day, counts", "busy last day", share=0.5),
        Scenario("busy last day, walk", "busy last day", REFUSED, share=0.5),
    ]
    # Every overflow policy at a real API's pace (a raw request takes a good
    # part of a second): 1,000,000 rows, so that the run outlasts its stalls.
    policies = ("oldest", "newest", "by-offer", "shards", "even-in-time", "busiest")
    paced = REFUSED | {"latency": 0.3}
    chosen += [
        Scenario(
            f"cycle, walk, {p}, latency 0.3 s",
            "cycle",
            paced | {"overflow_subset": p},
            share=2.5,
        )
        for p in policies
    ]
    chosen.append(
        Scenario("bursty, counts, busiest", "bursty", {"overflow_subset": "busiest"})
    )
    return chosen


def written(text: str) -> float:
    """When ``text`` was written (epoch seconds), or else now."""
    if stamp := STAMP.match(text):
        at = dt.datetime.strptime(stamp[1], "%Y-%m-%d %H:%M:%S,%f").astimezone()
        return at.timestamp()
    return time.time()


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


def run_tap(
    sim: EverflowSimulator,
    span: tuple[int, int],
    workdir: Path,
    stream: str,
    kept: Path | None = None,
) -> list[Line]:
    """Run the tap over ``span``; its progress lines, timed from its end.

    ``kept``: a file for its log, each line after its second since the start.
    """
    config = {"api_key": API_KEY, "api_url": sim.url, "retry_wait_seconds": 0}
    config |= {"start_date": iso(span[0]), "end_date": iso(span[1])}
    command = tap_command(config, workdir, stream)
    env = {**os.environ, "TAP_EVERFLOW_LOGLEVEL": "DEBUG"}
    lines: list[tuple[float, int, int | None]] = []
    ended = None
    began = time.time()
    with subprocess.Popen(  # noqa: S603 - our own interpreter and args
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as tap:
        assert tap.stderr is not None  # noqa: S101 - PIPE was asked for
        log = kept.open("w") if kept else None
        for text in tap.stderr:
            now = written(text)
            if log:
                log.write(f"{now - began:.3f} {text}")
            match = PROGRESS.search(text.rstrip())
            if match and match["stream"] == stream:
                eta = match["eta"]
                done = int(match["done"].replace(",", ""))
                lines.append((now, done, None if eta is None else seconds_of(eta)))
            elif f"{stream}: done," in text:
                ended = now
        if log:
            log.close()
    if tap.returncode or ended is None:
        sys.exit(f"the tap failed (exit code {tap.returncode})")
    return [Line(at - began, ended - at, done, eta) for at, done, eta in lines]


def report(
    name: str, lines: list[Line], total: int, floor: float, *, brief: bool
) -> tuple[int, int]:
    """Print each line's prediction against the truth; (right, judged)."""
    print(f"\n{name}: {len(lines)} windows, {total:,} rows")
    if not brief:
        heads = ("at", "rows done", "share", "predicted", "actual", "ratio")
        widths = (7, 10, 6, 10, 8, 6)
        print(" ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    judged = right = 0
    for line in lines:
        share = f"{100 * line.rows / total:.0f}%"
        where = f"{line.since:>6.1f}s {line.rows:>10,} {share:>6}"
        if line.eta is None:
            if not brief:
                print(f"{where} {'-':>10} {line.to_go:>7.1f}s")
            continue
        ratio = line.eta / line.to_go if line.to_go > 0 else float("inf")
        mark = ""
        if line.to_go >= floor:
            judged += 1
            within = 1 / FACTOR <= ratio <= FACTOR
            right += within
            mark = "" if within else "  off"
        if not brief or mark:
            print(f"{where} {line.eta:>9}s {line.to_go:>7.1f}s {ratio:>6.2f}{mark}")
    first = next((line for line in lines if line.eta is not None), None)
    shown = f"first ETA at {100 * first.rows / total:.0f}%" if first else "no ETA"
    print(f"{shown}; within x{FACTOR}: {right} of {judged} (>= {floor:g} s to go)")
    return right, judged


def main() -> None:
    """Run every scenario, print its table, then the counts per scenario."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--min-seconds", type=float, default=3.0)
    parser.add_argument("--only", help="run the scenarios whose name holds this")
    parser.add_argument("--brief", action="store_true", help="only the lines off")
    parser.add_argument("--logs", type=Path, help="a folder to keep the tap's logs in")
    args = parser.parse_args()
    verdicts: list[tuple[str, int, int]] = []
    for scenario in scenarios():
        if args.only and args.only not in scenario.name:
            continue
        start, end, rows = scenario.rows(args.rows)
        data: dict[str, Any] = {"impressions": [], scenario.kind: rows}
        with (
            EverflowSimulator(**data, api_key=API_KEY, **scenario.settings) as sim,
            tempfile.TemporaryDirectory() as workdir,
        ):
            kept = args.logs / f"{scenario.name}.log" if args.logs else None
            lines = run_tap(sim, (start, end), Path(workdir), scenario.kind, kept)
        right, judged = report(
            scenario.name, lines, len(rows), args.min_seconds, brief=args.brief
        )
        verdicts.append((scenario.name, right, judged))
    print(f"\nwithin x{FACTOR}, per scenario:")
    for name, right, judged in verdicts:
        print(f"  {name:<34} {right:>3} of {judged}")
    right, judged = sum(v[1] for v in verdicts), sum(v[2] for v in verdicts)
    print(f"  {'all':<34} {right:>3} of {judged}")


if __name__ == "__main__":
    main()
