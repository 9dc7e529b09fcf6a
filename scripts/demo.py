"""The one-command demo: Everflow -> meltano -> a throwaway PostgreSQL.

Without TAP_EVERFLOW_API_KEY it serves three days of simulated traffic
(including seconds with more rows than one API request returns); with it, it
reads your real account. Either way the data lands in a private PostgreSQL on
loopback that is removed when the demo ends.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg
from psycopg import sql

from harness.pipeline import iso, meltano, meltano_environment
from harness.postgres import Postgres, one_row, throwaway_postgres
from harness.simulator import EverflowSimulator, bursty, network, uniform
from harness.simulator.records import adjustment_entities

DAY = 86_400
SCHEMA = "everflow"  # default_target_schema in meltano.yml
WIDTH = 88  # of the lines the demo prints itself


def step(text: str) -> None:
    """Announce a stage of the demo."""
    print(f"\n==> {text}", flush=True)


def simulated_everflow(stack: ExitStack) -> tuple[str, str, int]:
    """Start the simulator with three days of bursty traffic; (url, key, start)."""
    end = int(time.time()) - 3_600
    start = end - 3 * DAY + 1
    rows = bursty(1, start, end, 40_000, hot_seconds=1, rows_per_hot_second=12_000)
    # The network's lists too, as they stood before the traffic (100 offers:
    # coupons and custom settings are on every 25th or 50th), and the other
    # time-based streams, so that every table shows what it holds.
    lists = network(1, start - 365 * DAY, start, 100, 30)
    # Adjustments are read for the synced days: dated in them.
    lists["reporting_adjustments"] = adjustment_entities(
        5, start, end, 100, 30, count=12
    )
    simulator = EverflowSimulator(
        impressions=rows,
        clicks=uniform(2, start, end, 5_000, kind="clicks"),
        conversions=uniform(3, start, end, 400, kind="conversions"),
        invalid_clicks=uniform(4, start, end, 300, kind="invalid_clicks"),
        api_key="demo-key",
        **lists,
    )
    simulator.start()
    stack.callback(simulator.stop)
    print(f"Simulated Everflow API at {simulator.url} with {len(rows):,} impressions")
    return simulator.url, "demo-key", start


# The column each time-based table's range is read from, in order of preference.
TIME_COLUMNS = ("occurred_at", "converted_at", "date")


def summary(postgres: Postgres) -> None:
    """Print the rows each table holds, the entity lists together.

    Time-based tables also show their range; impressions, the latest rows.
    """
    with psycopg.connect(postgres.url) as conn:
        columns: dict[str, set[str]] = {}
        for table, column in conn.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = %s order by 1",
            (SCHEMA,),
        ):
            columns.setdefault(table, set()).add(column)
        lists = []
        for table, names in columns.items():
            name = sql.Identifier(SCHEMA, table)
            time_column = next((c for c in TIME_COLUMNS if c in names), None)
            if time_column is None:
                (count,) = one_row(
                    conn.execute(sql.SQL("select count(*) from {}").format(name))
                )
                lists.append(f"{table} {count:,}")
                continue
            count, first, last = one_row(
                conn.execute(
                    sql.SQL("select count(*), min({t}), max({t}) from {n}").format(
                        t=sql.Identifier(time_column), n=name
                    )
                )
            )
            print(f"{SCHEMA}.{table}: {count:,} rows, {time_column} {first} .. {last}")
            if table == "impressions":
                samples = conn.execute(
                    sql.SQL(
                        "select transaction_id, occurred_at,"
                        " relationship->'offer'->>'name',"
                        " relationship->'affiliate'->>'name',"
                        " relationship->'geolocation'->>'country_code'"
                        " from {} order by occurred_at desc limit 3"
                    ).format(name)
                ).fetchall()
                for sample in samples:
                    print("   ", " | ".join(str(v) for v in sample))
    # Wrapped between lists only, so that a name keeps its count.
    line = f"{SCHEMA} entity lists, rows each:"
    for item in lists:
        if len(line) + len(item) + 2 > WIDTH:
            print(line)
            line = "   "
        line += f" {item},"
    print(line.rstrip(","))


NEXT_STEPS = """
Next, your own account and database (README.md lists every setting):
    export TAP_EVERFLOW_API_KEY=...  # network API key (demo.sh then reads your account)
    export TARGET_POSTGRES_HOST=db.example.com TARGET_POSTGRES_PORT=5432
    export TARGET_POSTGRES_USER=loader TARGET_POSTGRES_PASSWORD=...
    export TARGET_POSTGRES_DATABASE=warehouse
    .venv/bin/meltano run tap-everflow target-postgres
"""


def main() -> None:
    """Run the demo end to end."""
    started = time.monotonic()
    with ExitStack() as stack:
        api_key = os.environ.get("TAP_EVERFLOW_API_KEY")
        if api_key:
            step("Using your Everflow account (TAP_EVERFLOW_API_KEY is set)")
            api_url, start = None, None
        else:
            step("Starting a simulated Everflow API (no TAP_EVERFLOW_API_KEY set)")
            api_url, api_key, start = simulated_everflow(stack)
        step("Starting a throwaway PostgreSQL on loopback")
        postgres = stack.enter_context(throwaway_postgres())
        print(f"PostgreSQL at {postgres.host}:{postgres.port}")
        home = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = meltano_environment(
            system_db=home / "meltano.db",
            postgres=postgres,
            api_url=api_url,
            api_key=api_key,
        )
        if start is not None:
            env["TAP_EVERFLOW_START_DATE"] = iso(start)
        step("meltano install (tap-everflow, target-postgres)")
        # Only the two plugins it runs: meltano.yml declares other loaders too.
        meltano(env, "install", "tap-everflow", "target-postgres")
        step("meltano run tap-everflow target-postgres")
        meltano(env, "run", "tap-everflow", "target-postgres", capture=False)
        step("What landed in PostgreSQL")
        summary(postgres)
    print(NEXT_STEPS)
    print(f"Demo finished in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
