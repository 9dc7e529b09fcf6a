"""Benchmark the real tap against the simulated Everflow API, and a floor client.

For each profile the simulator serves a known set of raw impressions (the
truth) from its own process; the tap runs as ``python -m tap_everflow`` with
only the impressions stream selected, its stdout read and checked here (every
row of the truth exactly once, or a loud failure). Then the floor client
(``scripts/floor_client.py``) fetches exactly the windows the tap kept and
writes the same rows as RECORD lines with msgspec: the least work any tap must
do. Both are measured as child processes: wall time, CPU (user + sys) and
peak RSS.

Profiles:
    uniform: ``--rows`` rows over ``--days`` days, no server latency; also the
        tap on a quarter of the rows, to see that peak RSS stays flat.
    latency: the same traffic with ``--latency`` seconds per request; with
        ``--sequential-baseline`` also the tap with max_concurrent_requests=1.
    bursty: burst hours plus two seconds of 25,000 rows each.

Usage::

    scripts/benchmark.sh [--quick] [--profile uniform] [--sequential-baseline]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tests.simulator import EverflowSimulator, bursty, uniform
from tests.simulator.server import OVERFLOW_MODES

if TYPE_CHECKING:
    from collections.abc import Iterator
    from multiprocessing.connection import Connection

ROOT = Path(__file__).resolve().parents[1]
DAY = 86_400
MAX_ROWS = 10_000  # rows per answer, the API's cap
MAX_SPAN_DAYS = 14  # days per request, the API's cap
API_KEY = "benchmark-key-0123456789abcdef"
STREAM = "impressions"
IMPRESSIONS_PATH = "/v1/networks/reporting/impressions/stream"
REPORT_PATH = "/v1/networks/reporting/entity/table"
RECORD_PREFIX = b'{"type":"RECORD","stream":"impressions",'
ID_KEY = b'"transaction_id":"'
ID_LENGTH = 32  # hex digits
HOT_SECONDS = 2
ROWS_PER_HOT_SECOND = 25_000

# Targets from the issue.
CPU_RATIO_TARGET = 2.0  # tap CPU per record within 2x of the floor's
RSS_TARGET_MB = 200.0
RSS_GROWTH_TARGET = 1.15  # "flat": at most +15% for 4x the rows
REQUESTS_RATIO_TARGET = 1.2
SPEEDUP_TARGET = 5.0

# Stack frames left out of the inclusive ranking of a py-spy profile.
BORING_FRAMES = ("<frozen", "click/", "singer_sdk/plugin_base.py", "runpy")


def iso(epoch: int) -> str:
    """An epoch second as ISO 8601 UTC, e.g. ``2026-11-01T00:00:00Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def log(text: str) -> None:
    """Progress, on stderr so that stdout holds only the report."""
    print(text, file=sys.stderr, flush=True)


# -- the simulated API, in its own process -------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The traffic a simulator serves: its profile, size and period."""

    traffic: str  # "uniform" or "bursty"
    rows: int
    days: int
    # How the simulator answers a window with more than 10,000 rows (see
    # tests/simulator/server.py); "exact" is the contract's first behaviour.
    overflow_mode: str = "exact"
    # Share of zero values sent as null. Everflow sends zeros or omits them,
    # never null (everflow-docs/api-conventions.txt), hence 0 by default; the
    # tap reads nulls too, on a slower path.
    null_rate: float = 0.0
    seed: int = 1

    @property
    def period(self) -> tuple[int, int]:
        """Inclusive epochs: whole UTC days ending at least a day ago.

        A day boundary minus one second, a day back, so the tap's default lag
        (end = now - 15 minutes) never cuts the range.
        """
        end = int(time.time()) // DAY * DAY - DAY - 1
        return end - self.days * DAY + 1, end

    def generate(self) -> list[dict]:
        """The rows, generated deterministically."""
        start, end = self.period
        if self.traffic == "uniform":
            return uniform(self.seed, start, end, self.rows)
        hot = HOT_SECONDS * ROWS_PER_HOT_SECOND
        # ``rows`` in all: background traffic plus the overfull seconds.
        return bursty(
            self.seed,
            start,
            end,
            max(1, self.rows - hot),
            hot_seconds=HOT_SECONDS,
            rows_per_hot_second=ROWS_PER_HOT_SECOND,
        )


@dataclass
class Served:
    """The impressions requests a simulator received since its log was reset."""

    bodies: list[dict]  # every request, in the order received
    overflowed: list[bool]
    statuses: list[int]
    reports: int  # aggregated-report requests (the tap's counts by day)
    server_cpu: float  # seconds the simulator process spent meanwhile

    @property
    def kept(self) -> list[dict]:
        """Bodies of the complete answers: the windows a client keeps."""
        return [
            body
            for body, over, status in zip(
                self.bodies, self.overflowed, self.statuses, strict=True
            )
            if status == 200 and not over
        ]


def _process_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _simulator_main(conn: Connection, dataset: Dataset) -> None:
    """Serve ``dataset`` and answer commands from the benchmark over ``conn``."""
    rows = dataset.generate()
    truth = len(rows)
    checksum = id_checksum(r["transaction_id"].encode() for r in rows)
    sim = EverflowSimulator(
        impressions=rows,
        api_key=API_KEY,
        now=int(time.time()),
        overflow_mode=dataset.overflow_mode,
        null_rate=dataset.null_rate,
    )
    del rows
    # A million long-lived dicts would make every full collection scan them
    # all: serving 10,000 rows took ~2 s instead of ~0.2 s. Freeze them.
    gc.collect()
    gc.freeze()
    sim.start()
    conn.send((sim.url, truth, checksum))
    cpu_mark = _process_cpu()
    while True:
        command, argument = conn.recv()
        if command == "latency":
            sim.latency = argument
            conn.send(None)
        elif command == "reset":
            sim.reset_log()
            cpu_mark = _process_cpu()
            conn.send(None)
        elif command == "served":
            impressions = [r for r in sim.requests if r.path == IMPRESSIONS_PATH]
            conn.send(
                Served(
                    [r.body or {} for r in impressions],
                    [r.overflowed for r in impressions],
                    [int(r.status) for r in impressions],
                    sum(r.path == REPORT_PATH for r in sim.requests),
                    _process_cpu() - cpu_mark,
                )
            )
        else:
            sim.stop()
            conn.send(None)
            return


class SimulatorProcess:
    """An :class:`EverflowSimulator` in a spawned process.

    Its CPU (generating rows, serving JSON) then never counts as the
    measured client's, and the benchmark process stays small.
    """

    def __init__(self, dataset: Dataset) -> None:
        """Start the process, generate the rows and wait until it listens."""
        self.dataset = dataset
        context = mp.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_simulator_main, args=(child, dataset), daemon=True
        )
        self._process.start()
        self.url, self.truth, self.checksum = self._conn.recv()

    def _call(self, command: str, argument: Any = None) -> Any:
        self._conn.send((command, argument))
        return self._conn.recv()

    def set_latency(self, seconds: float) -> None:
        """Add ``seconds`` to every answer from now on."""
        self._call("latency", seconds)

    def reset(self) -> None:
        """Forget logged requests and start counting server CPU afresh."""
        self._call("reset")

    def served(self) -> Served:
        """The impressions requests since the last reset."""
        return self._call("served")

    def stop(self) -> None:
        """Stop serving and end the process."""
        if self._process.is_alive():
            self._call("stop")
        self._process.join(timeout=10)


class Simulators:
    """At most one live simulator; a profile asking for another stops it.

    A million rows take ~2 GB in the simulator, so they are not all kept.
    """

    def __init__(self) -> None:
        """No simulator yet."""
        self.current: SimulatorProcess | None = None

    def get(self, dataset: Dataset) -> SimulatorProcess:
        """The simulator serving ``dataset``, started if need be."""
        if self.current and self.current.dataset == dataset:
            return self.current
        self.close()
        start, end = dataset.period
        log(
            f"    generating {dataset.rows:,} {dataset.traffic} rows, "
            f"{iso(start)}..{iso(end)}"
        )
        self.current = SimulatorProcess(dataset)
        return self.current

    def close(self) -> None:
        """Stop the live simulator, if any."""
        if self.current:
            self.current.stop()
            self.current = None


# -- measured child processes ---------------------------------------------------


def id_checksum(ids: Iterator[bytes] | list[bytes] | set[bytes]) -> int:
    """Sum of the hex transaction ids, modulo 2**128: equal sets, equal sums."""
    return sum(int(i, 16) for i in ids) % (1 << 128)


@dataclass
class Measured:
    """One child process: its resource use and the RECORD lines it printed."""

    command: list[str]
    returncode: int
    wall: float
    cpu: float  # user + sys seconds
    peak_rss_kib: int
    records: int
    distinct: int  # distinct transaction ids
    checksum: int  # id_checksum of the distinct ids
    stderr_tail: str = ""

    @property
    def peak_rss_mb(self) -> float:
        """Peak RSS in MB (10^6 bytes)."""
        return self.peak_rss_kib * 1024 / 1e6


def _consume(stream: IO[bytes]) -> tuple[int, set[bytes]]:
    """Count the RECORD lines of the stream and collect their transaction ids."""
    records = 0
    ids: set[bytes] = set()
    add = ids.add
    for line in stream:
        if line.startswith(RECORD_PREFIX):
            records += 1
            at = line.find(ID_KEY) + len(ID_KEY)
            add(line[at : at + ID_LENGTH])
    return records, ids


# A child forked from this process would report this process's peak RSS as
# its own: Linux keeps the high-water mark of the memory replaced by exec in
# ru_maxrss. So a tiny interpreter (no site, ~10 MB) starts the measured
# command and reports that command's rusage (wait4) in a file.
LAUNCHER = """\
import os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, u = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    code = os.waitstatus_to_exitcode(status)
    out.write(f"{code} {u.ru_utime} {u.ru_stime} {u.ru_maxrss}")
"""


def run_measured(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``command``, read its stdout here, and measure its resource use.

    CPU (user + sys) and peak RSS (``ru_maxrss``, KiB on Linux) are those of
    the command alone, from ``wait4`` in :data:`LAUNCHER`.
    """
    with (
        tempfile.TemporaryFile() as stderr,
        tempfile.NamedTemporaryFile("r", suffix=".rusage") as usage_file,
    ):
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, usage_file.name]
        began = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and args
            [*launcher, *command],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
        )
        assert process.stdout is not None  # noqa: S101 - stdout=PIPE
        records, ids = _consume(process.stdout)
        launcher_code = process.wait()
        wall = time.perf_counter() - began
        process.stdout.close()
        stderr.seek(0)
        tail = stderr.read()[-6000:].decode(errors="replace")
        usage = usage_file.read().split()
    if launcher_code != 0 or len(usage) != 4:
        msg = f"the launcher failed (exit code {launcher_code}):\n{tail}"
        raise RuntimeError(msg)
    code, user, system, maxrss = usage
    return Measured(
        command,
        int(code),
        wall,
        float(user) + float(system),
        int(maxrss),
        records,
        len(ids),
        id_checksum(ids),  # the set is dropped: the benchmark stays small
        tail,
    )


# -- the tap and the floor client --------------------------------------------------


class Tap:
    """Runs the real tap CLI, impressions only, against a simulator."""

    def __init__(self, workdir: Path) -> None:
        """Write config and catalog files under ``workdir``."""
        self.workdir = workdir
        self._catalog: Path | None = None
        self._count = 0

    def config(self, sim: SimulatorProcess, concurrency: int | None) -> dict[str, Any]:
        """The tap's config for ``sim``'s whole period."""
        start, end = sim.dataset.period
        config: dict[str, Any] = {
            "api_key": API_KEY,
            "api_url": sim.url,
            "start_date": iso(start),
            "end_date": iso(end),
            "retry_wait_seconds": 0,
        }
        if concurrency is not None:
            config["max_concurrent_requests"] = concurrency
        return config

    def _write(self, name: str, content: object) -> Path:
        self._count += 1
        path = self.workdir / f"{self._count}-{name}.json"
        path.write_text(json.dumps(content))
        return path

    def catalog(self, config: dict[str, Any]) -> Path:
        """Discover the tap's streams once and select only impressions.

        The tap may have other streams; they would add requests and records
        that are not the benchmark's.
        """
        if self._catalog is None:
            config_path = str(self._write("config", config))
            command = [sys.executable, "-m", "tap_everflow", "--config", config_path]
            discovered = subprocess.run(  # noqa: S603 - our own interpreter
                [*command, "--discover"],
                cwd=ROOT,
                capture_output=True,
                check=True,
            )
            catalog = json.loads(discovered.stdout)
            names = [s["tap_stream_id"] for s in catalog["streams"]]
            if STREAM not in names:
                msg = f"the tap has no {STREAM} stream (it has {names})"
                raise RuntimeError(msg)
            for stream in catalog["streams"]:
                for entry in stream["metadata"]:
                    if entry["breadcrumb"] == []:
                        entry["metadata"]["selected"] = (
                            stream["tap_stream_id"] == STREAM
                        )
            self._catalog = self._write("catalog", catalog)
        return self._catalog

    def command(self, sim: SimulatorProcess, concurrency: int | None) -> list[str]:
        """The command line of one tap run."""
        config = self.config(sim, concurrency)
        catalog = self.catalog(config)
        return [
            sys.executable,
            "-m",
            "tap_everflow",
            "--config",
            str(self._write("config", config)),
            "--catalog",
            str(catalog),
        ]

    def run(self, sim: SimulatorProcess, concurrency: int | None) -> Measured:
        """Run the tap once, measured."""
        return run_measured(self.command(sim, concurrency))


def floor_command(sim: SimulatorProcess, windows: Path) -> list[str]:
    """The command line of the floor client fetching ``windows``."""
    return [
        sys.executable,
        "-m",
        "scripts.floor_client",
        "--api-url",
        sim.url,
        "--windows",
        str(windows),
    ]


def floor_env() -> dict[str, str]:
    """The floor client's environment: it reads the key from it."""
    return {**os.environ, "FLOOR_API_KEY": API_KEY}


# -- results ------------------------------------------------------------------------


def lower_bound(rows: int, days: int) -> int:
    """Fewest requests any client needs: 10,000 rows and 14 days per request."""
    return max(math.ceil(rows / MAX_ROWS), math.ceil(days / MAX_SPAN_DAYS))


@dataclass
class Result:
    """One measured run of a client on a profile."""

    profile: str
    client: str
    truth: int
    truth_checksum: int
    days: int
    run: Measured
    served: Served

    @property
    def requests(self) -> int:
        """Requests the client made: impressions, and reports to count them."""
        return len(self.served.bodies) + self.served.reports

    @property
    def lower_bound(self) -> int:
        """The fewest requests possible for this profile."""
        return lower_bound(self.truth, self.days)

    @property
    def cpu_per_100k(self) -> float:
        """CPU seconds per 100,000 records of the truth."""
        return self.run.cpu / self.truth * 100_000

    @property
    def problem(self) -> str | None:
        """What is wrong with the output, or None when it is exactly the truth."""
        run = self.run
        if run.returncode != 0:
            return f"exit code {run.returncode}"
        if run.records != self.truth or run.distinct != self.truth:
            return (
                f"{run.records:,} records, {run.distinct:,} distinct, "
                f"truth {self.truth:,}"
            )
        if run.checksum != self.truth_checksum:
            return "the ids differ from the truth"
        return None


def measure(
    profile: str, client: str, sim: SimulatorProcess, days: int, run: Any
) -> Result:
    """Reset the simulator's log, call ``run()``, and collect the result."""
    sim.reset()
    log(f"    {profile}: {client} ...")
    measured = run()
    result = Result(
        profile, client, sim.truth, sim.checksum, days, measured, sim.served()
    )
    status = result.problem or "rows exact"
    log(
        f"    {profile}: {client}: {measured.wall:.1f} s wall, {measured.cpu:.1f} s "
        f"CPU, {measured.peak_rss_mb:.0f} MB, {result.requests} requests; {status}"
    )
    if result.problem:
        rejected = "max_concurrent_requests" in measured.stderr_tail
        log(
            "!" * 78
            + f"\n!!! {profile}/{client}: OUTPUT IS NOT THE TRUTH: {result.problem}"
            + (
                "\n!!! the tap rejected the max_concurrent_requests setting"
                if rejected
                else ""
            )
            + f"\n{measured.stderr_tail[-2500:]}\n"
            + "!" * 78
        )
    return result


@dataclass
class Options:
    """What to run, from the command line."""

    profiles: list[str]
    rows: int
    scale_rows: int
    latency_rows: int
    days: int
    latency: float
    concurrency: int | None
    sequential_baseline: bool
    py_spy: Path | None
    overflow_mode: str
    null_rate: float

    def dataset(self, traffic: str, rows: int) -> Dataset:
        """The traffic of a profile, as these options shape it."""
        return Dataset(traffic, rows, self.days, self.overflow_mode, self.null_rate)


def run_floor(sim: SimulatorProcess, tap_result: Result, workdir: Path) -> list[Result]:
    """The floor client on the windows a tap run kept (none if the tap failed)."""
    profile = tap_result.profile
    if tap_result.problem:
        log(f"    {profile}: floor skipped, the tap run failed")
        return []
    windows = workdir / f"{profile.split(maxsplit=1)[0]}-windows.json"
    windows.write_text(json.dumps(tap_result.served.kept))
    return [
        measure(
            profile,
            "floor",
            sim,
            tap_result.days,
            lambda: run_measured(floor_command(sim, windows), floor_env()),
        )
    ]


def uniform_profile(
    options: Options, sims: Simulators, tap: Tap, workdir: Path
) -> list[Result]:
    """Zero latency: the tap, the floor, and the tap on fewer rows (RSS scaling)."""
    results = []
    if options.scale_rows:
        small = sims.get(options.dataset("uniform", options.scale_rows))
        small.set_latency(0)
        results.append(
            measure(
                "uniform",
                "tap (scale)",
                small,
                options.days,
                lambda: tap.run(small, options.concurrency),
            )
        )
    sim = sims.get(options.dataset("uniform", options.rows))
    sim.set_latency(0)
    tap_result = measure(
        "uniform", "tap", sim, options.days, lambda: tap.run(sim, options.concurrency)
    )
    results.append(tap_result)
    results += run_floor(sim, tap_result, workdir)
    if options.py_spy and not tap_result.problem:
        profile_runs(options, tap, sim, workdir / "uniform-windows.json")
    return results


def latency_profile(
    options: Options, sims: Simulators, tap: Tap, workdir: Path
) -> list[Result]:
    """Server latency on every request: concurrency pays off here."""
    name = f"latency {options.latency:g}s"
    sim = sims.get(options.dataset("uniform", options.latency_rows))
    sim.set_latency(options.latency)
    tap_result = measure(
        name, "tap", sim, options.days, lambda: tap.run(sim, options.concurrency)
    )
    results = [tap_result, *run_floor(sim, tap_result, workdir)]
    if options.sequential_baseline:
        results.append(
            measure(name, "tap sequential", sim, options.days, lambda: tap.run(sim, 1))
        )
    sim.set_latency(0)
    return results


def bursty_profile(
    options: Options, sims: Simulators, tap: Tap, workdir: Path
) -> list[Result]:
    """Burst hours and seconds over the row cap, split by offer and affiliate."""
    sim = sims.get(options.dataset("bursty", options.rows))
    sim.set_latency(0)
    tap_result = measure(
        "bursty", "tap", sim, options.days, lambda: tap.run(sim, options.concurrency)
    )
    return [tap_result, *run_floor(sim, tap_result, workdir)]


PROFILES = {
    "uniform": uniform_profile,
    "latency": latency_profile,
    "bursty": bursty_profile,
}


# -- profiling ------------------------------------------------------------------------


def profile_runs(
    options: Options, tap: Tap, sim: SimulatorProcess, windows: Path
) -> None:
    """Run the tap and the floor under py-spy (not measured) and summarize."""
    assert options.py_spy is not None  # noqa: S101 - only called with it
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
    outputs = {}
    for client, command, env in (
        ("tap", tap.command(sim, options.concurrency), None),
        ("floor", floor_command(sim, windows), floor_env()),
    ):
        output = options.py_spy.with_suffix(f".{client}.txt")
        sim.reset()
        log(f"    py-spy: {client} -> {output}")
        records, code = run_spied(spy, command, env, output)
        if code != 0 or records != sim.truth:
            log(f"    py-spy: {client} failed: exit code {code}, {records:,} records")
            continue
        outputs[client] = output
    for client, output in outputs.items():
        print(f"\n### py-spy: {client} ({output})\n")
        print(summarize_profile(output))


def run_spied(
    spy: str, command: list[str], env: dict[str, str] | None, output: Path
) -> tuple[int, int]:
    """Run ``command`` with py-spy attached; return (records, exit code).

    py-spy attaches to the running process rather than starting it: a child
    that py-spy starts shares py-spy's stdout, which lost RECORD lines.
    """
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and args
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    time.sleep(0.5)  # let the interpreter start, or py-spy finds no Python
    # --gil: only the thread holding the GIL, so samples are CPU, not waits.
    # --nonblocking: pausing the process broke the floor's large pipe writes
    # (RECORD lines were lost).
    spied = [spy, "record", "--format", "raw", "--gil", "--nonblocking"]
    spied += ["--rate", "250"]
    spying = subprocess.Popen(  # noqa: S603 - py-spy from the venv
        [*spied, "--pid", str(process.pid), "-o", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None  # noqa: S101 - stdout=PIPE
    records, _ids = _consume(process.stdout)
    process.stdout.close()
    code = process.wait()
    if spying.wait() != 0:
        log(f"    py-spy exited with {spying.returncode}")
    return records, code


def summarize_profile(path: Path, top: int = 15) -> str:
    """Top functions by own time and by inclusive time, from py-spy raw output.

    Args:
        path: A ``py-spy record --format raw`` file: ``frame;frame;... count``.
        top: How many functions to list.

    Returns:
        A Markdown table of both rankings.
    """
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short_frame(f) for f in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "(no samples)"
    lines = ["| own % | function | | incl % | function |", "|---:|---|---|---:|---|"]
    own_top = own.most_common(top)
    # Frames on (nearly) every stack, the CLI and import machinery, say nothing.
    incl_top = [
        (name, n)
        for name, n in inclusive.most_common()
        if n < 0.95 * total and not name.startswith(BORING_FRAMES)
    ][:top]
    for (own_name, own_n), (inc_name, inc_n) in zip(own_top, incl_top, strict=False):
        lines.append(
            f"| {100 * own_n / total:.1f} | `{own_name}` | | "
            f"{100 * inc_n / total:.1f} | `{inc_name}` |"
        )
    lines.append(f"\n{total:,} samples")
    return "\n".join(lines)


def _short_frame(frame: str) -> str:
    """``func (/long/path/site-packages/pkg/mod.py:12)`` -> ``pkg/mod.py:func``."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", "lib/python3", str(ROOT) + "/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    where = where.split(":", 1)[0]
    return f"{where}:{name}"


# -- the report ------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    """The Markdown table of every run, with tap/floor ratios per profile."""
    lines = [
        "| profile | client | rows | rows exact | requests | overflowed | "
        "lower bound | req/LB | wall s | CPU s | CPU s/100k | peak RSS MB | "
        "server CPU s |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        over = sum(r.served.overflowed)
        lines.append(
            f"| {r.profile} | {r.client} | {r.truth:,} | "
            f"{'yes' if r.problem is None else '**NO: ' + r.problem + '**'} | "
            f"{r.requests} | {over} | {r.lower_bound} | "
            f"{r.requests / r.lower_bound:.2f} | {r.run.wall:.1f} | {r.run.cpu:.1f} | "
            f"{r.cpu_per_100k:.2f} | {r.run.peak_rss_mb:.0f} | "
            f"{r.served.server_cpu:.1f} |"
        )
        tap = _find(results, r.profile, "tap")
        if r.client == "floor" and tap and not (tap.problem or r.problem):
            lines.append(
                f"| {r.profile} | **tap/floor** | | | "
                f"{tap.requests / max(1, r.requests):.2f} | | | | "
                f"{tap.run.wall / r.run.wall:.2f} | "
                f"{tap.run.cpu / r.run.cpu:.2f} | "
                f"**{tap.cpu_per_100k / r.cpu_per_100k:.2f}** | "
                f"{tap.run.peak_rss_mb / r.run.peak_rss_mb:.2f} | |"
            )
    return "\n".join(lines)


def _find(results: list[Result], profile: str, client: str) -> Result | None:
    return next(
        (r for r in results if r.profile == profile and r.client == client), None
    )


def _mark(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def targets(results: list[Result]) -> list[str]:
    """One line per target of the issue, marked PASS, FAIL or not measured."""
    out = []
    lost = [r for r in results if r.problem]
    out.append(
        f"- [{_mark(not lost)}] every run emitted exactly the truth"
        + "".join(f"; **{r.profile}/{r.client}: {r.problem}**" for r in lost)
    )
    # Figures of a failed run mean nothing: those targets are left out.
    results = [r for r in results if not r.problem]
    tap = _find(results, "uniform", "tap")
    floor = _find(results, "uniform", "floor")
    if tap and floor:
        ratio = tap.cpu_per_100k / floor.cpu_per_100k
        out.append(
            f"- [{_mark(ratio <= CPU_RATIO_TARGET)}] uniform: CPU per record "
            f"{ratio:.2f}x the floor's (target <= {CPU_RATIO_TARGET:g}x)"
        )
    if tap:
        out.append(
            f"- [{_mark(tap.run.peak_rss_mb < RSS_TARGET_MB)}] uniform: peak RSS "
            f"{tap.run.peak_rss_mb:.0f} MB (target < {RSS_TARGET_MB:g} MB)"
        )
    small = _find(results, "uniform", "tap (scale)")
    if tap and small:
        growth = tap.run.peak_rss_mb / small.run.peak_rss_mb
        out.append(
            f"- [{_mark(growth <= RSS_GROWTH_TARGET)}] peak RSS flat: "
            f"{small.run.peak_rss_mb:.0f} MB at {small.truth:,} rows, "
            f"{tap.run.peak_rss_mb:.0f} MB at {tap.truth:,} rows "
            f"({growth:.2f}x; target <= {RSS_GROWTH_TARGET:g}x)"
        )
    for r in results:
        if r.client.startswith("tap"):
            ratio = r.requests / r.lower_bound
            out.append(
                f"- [{_mark(ratio <= REQUESTS_RATIO_TARGET)}] {r.profile}/{r.client}: "
                f"{r.requests} requests, {ratio:.2f}x the lower bound "
                f"{r.lower_bound} (target <= {REQUESTS_RATIO_TARGET:g}x)"
            )
    latency = next((r for r in results if r.profile.startswith("latency")), None)
    if latency:
        concurrent = _find(results, latency.profile, "tap")
        sequential = _find(results, latency.profile, "tap sequential")
        if concurrent and sequential:
            speedup = sequential.run.wall / concurrent.run.wall
            out.append(
                f"- [{_mark(speedup >= SPEEDUP_TARGET)}] {latency.profile}: "
                f"{speedup:.1f}x faster than max_concurrent_requests=1 "
                f"({sequential.run.wall:.0f} s -> {concurrent.run.wall:.0f} s; "
                f"target >= {SPEEDUP_TARGET:g}x)"
            )
        else:
            out.append(
                f"- [not measured] {latency.profile}: speedup over the sequential "
                "tap (use --sequential-baseline)"
            )
    return out


# -- the command line ----------------------------------------------------------------


def parse_options(argv: list[str] | None) -> Options:
    """Read the command line.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        The options, sizes resolved (``--quick`` shrinks the defaults).
    """
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--profile", choices=["all", *PROFILES], default="all", help="what to run"
    )
    parser.add_argument("--rows", type=int, help="rows (default 1,000,000; quick 100k)")
    parser.add_argument("--days", type=int, default=14, help="days of traffic")
    parser.add_argument(
        "--scale-rows",
        type=int,
        help="rows of the RSS scaling run (default rows/4; 0: skip it)",
    )
    parser.add_argument(
        "--latency-rows", type=int, help="rows of the latency profile (default rows)"
    )
    parser.add_argument(
        "--latency", type=float, default=1.0, help="seconds per request (latency)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        help="the tap's max_concurrent_requests (default: the tap's own default)",
    )
    parser.add_argument(
        "--sequential-baseline",
        action="store_true",
        help="latency profile: also run the tap with max_concurrent_requests=1",
    )
    parser.add_argument(
        "--overflow-mode",
        choices=[*OVERFLOW_MODES, "mixed"],
        default="exact",
        help="how the simulator answers a window of more than 10,000 rows",
    )
    parser.add_argument(
        "--null-rate",
        type=float,
        default=0.0,
        help="share of zero values the simulator sends as null (Everflow: none)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 100,000 rows by default"
    )
    parser.add_argument(
        "--py-spy",
        type=Path,
        metavar="PREFIX",
        help="uniform profile: also run the tap and the floor under py-spy "
        "(PREFIX.tap.txt, PREFIX.floor.txt) and print their hot spots",
    )
    args = parser.parse_args(argv)
    rows = args.rows or (100_000 if args.quick else 1_000_000)
    if not 1 <= args.days <= 80:
        parser.error("--days must be 1..80 (the simulator keeps 90 days of rows)")
    if args.profile in ("all", "bursty") and rows <= HOT_SECONDS * ROWS_PER_HOT_SECOND:
        parser.error(f"bursty needs more than {HOT_SECONDS * ROWS_PER_HOT_SECOND} rows")
    return Options(
        profiles=list(PROFILES) if args.profile == "all" else [args.profile],
        rows=rows,
        scale_rows=rows // 4 if args.scale_rows is None else args.scale_rows,
        latency_rows=args.latency_rows or rows,
        days=args.days,
        latency=args.latency,
        concurrency=args.concurrency,
        sequential_baseline=args.sequential_baseline,
        py_spy=args.py_spy,
        overflow_mode=args.overflow_mode,
        null_rate=args.null_rate,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the chosen profiles and print the report.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        1 when any run failed or did not emit exactly the truth, else 0
        (missed performance targets are reported, not fatal).
    """
    options = parse_options(argv)
    results: list[Result] = []
    sims = Simulators()
    with tempfile.TemporaryDirectory(prefix="tap-everflow-bench-") as tmp:
        workdir = Path(tmp)
        tap = Tap(workdir)
        try:
            for name in options.profiles:
                log(f"==> {name}")
                results += PROFILES[name](options, sims, tap, workdir)
        finally:
            sims.close()
    concurrency = options.concurrency or "the tap's default"
    print(
        f"\n## tap-everflow benchmark: {options.days} days, "
        f"max_concurrent_requests={concurrency}, overflow answers "
        f"{options.overflow_mode!r}, null rate {options.null_rate:g}, "
        f"{os.cpu_count()} CPUs\n"
    )
    print(table(results))
    print("\nTargets:\n")
    print("\n".join(targets(results)))
    if any(r.problem for r in results):
        print("\n**ROWS LOST OR RUN FAILED: see above.**")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
