"""End to end: `meltano run tap-everflow target-postgres` into a real PostgreSQL."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.conftest import API_KEY, DAY, iso, now
from tests.pipeline import JOB, MELTANO, meltano_environment
from tests.pipeline import meltano as run_meltano
from tests.postgres import throwaway_postgres
from tests.simulator import EverflowSimulator, bursty, uniform

pytestmark = pytest.mark.skipif(
    not MELTANO.exists(), reason="meltano is installed by scripts/test.sh"
)


def _end() -> int:
    return now() - now() % DAY - 1


@pytest.fixture(scope="module")
def postgres():
    with throwaway_postgres() as server:
        yield server


@pytest.fixture(scope="module")
def simulator():
    end = _end()
    start = end - 3 * DAY + 1
    # A few days, with a stretch where single seconds hold over 10,000 rows.
    truth = bursty(
        31, start, end - DAY, 20_000, hot_seconds=1, rows_per_hot_second=12_000
    )
    sim = EverflowSimulator(impressions=truth, api_key=API_KEY, now=now())
    sim.start()
    sim.start_epoch, sim.truth = start, truth
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def meltano(postgres, simulator):
    """Run meltano in the repository's project, with its own system database."""
    home = Path(tempfile.mkdtemp(prefix="tap-everflow-meltano-"))
    env = meltano_environment(
        system_db=home / "meltano.db",
        postgres=postgres,
        api_url=simulator.url,
        api_key=API_KEY,
    )
    env["TAP_EVERFLOW_START_DATE"] = iso(simulator.start_epoch)
    env["TAP_EVERFLOW_RETRY_WAIT_SECONDS"] = "0"

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
        try:
            proc = run_meltano(env, *args, **extra_env)
        except subprocess.CalledProcessError as exc:
            # The tap's progress lines would bury the target's error: show them last.
            lines = exc.stderr.splitlines()
            loader = [line for line in lines if "target-postgres" in line]
            report = "\n".join([*loader[-40:], *lines[-15:]])
            pytest.fail(f"meltano {' '.join(args)} failed:\n{report}")
        assert API_KEY not in proc.stdout + proc.stderr
        return proc

    run("install")
    yield run
    shutil.rmtree(home, ignore_errors=True)


def query(postgres, sql: str, *params):
    with psycopg.connect(postgres.url) as conn:
        return conn.execute(sql, params).fetchall()


def column_types(postgres, schema: str) -> dict[str, str]:
    rows = query(
        postgres,
        "select column_name, data_type from information_schema.columns "
        "where table_schema = %s and table_name = 'impressions'",
        schema,
    )
    return dict(rows)


def test_first_run_loads_exactly_the_simulators_rows(meltano, postgres, simulator):
    meltano(
        "run",
        "tap-everflow",
        "target-postgres",
        TAP_EVERFLOW_END_DATE=iso(_end() - DAY),
    )
    ids = [
        r[0] for r in query(postgres, "select transaction_id from everflow.impressions")
    ]
    assert len(ids) == len(set(ids)) == len(simulator.truth)
    assert set(ids) == {r["transaction_id"] for r in simulator.truth}
    assert any(r.overflowed for r in simulator.requests)

    types = column_types(postgres, "everflow")
    assert types["occurred_at"].startswith("timestamp")
    assert types["unix_timestamp"] == "bigint"
    assert types["relationship"] in {"json", "jsonb"}

    truth = {r["transaction_id"]: r for r in simulator.truth}
    rows = query(
        postgres,
        "select transaction_id, unix_timestamp, extract(epoch from occurred_at),"
        " relationship from everflow.impressions limit 200",
    )
    for transaction_id, epoch, occurred, relationship in rows:
        expected = truth[transaction_id]
        assert epoch == expected["unix_timestamp"] == int(occurred)
        assert relationship == expected["relationship"]


def test_second_run_asks_only_for_newer_rows(meltano, postgres, simulator):
    end = _end()
    newer = uniform(32, end - DAY + 1, end, 5_000)
    simulator.add_impressions(newer)
    simulator.reset_log()
    meltano("run", "tap-everflow", "target-postgres", TAP_EVERFLOW_END_DATE=iso(end))

    froms = [r.body["from"] for r in simulator.requests if r.body]
    assert min(froms) == iso(end - DAY + 1).replace("T", " ").rstrip("Z")
    count, distinct = query(
        postgres,
        "select count(*), count(distinct transaction_id) from everflow.impressions",
    )[0]
    assert count == distinct == len(simulator.truth) + len(newer)

    state = meltano("state", "get", JOB).stdout
    bookmark = json.loads(state)["singer_state"]["bookmarks"]["impressions"]
    assert bookmark["complete_through"].startswith(iso(end)[:19])


def test_flattening_variant_stores_nested_fields_as_columns(meltano, postgres):
    meltano(
        "run",
        "--full-refresh",
        "--state-id-suffix=flat",
        "tap-everflow",
        "target-postgres",
        TAP_EVERFLOW_FLATTENING_ENABLED="true",
        TAP_EVERFLOW_FLATTENING_MAX_DEPTH="3",
        TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA="everflow_flat",
        TAP_EVERFLOW_END_DATE=iso(_end()),
    )
    types = column_types(postgres, "everflow_flat")
    assert types["relationship__offer__network_offer_id"] == "bigint"
    assert types["relationship__geolocation__country_code"] in {
        "text",
        "character varying",
    }
    flat, nested = query(
        postgres,
        "select (select count(*) from everflow_flat.impressions),"
        " (select count(*) from everflow.impressions)",
    )[0]
    assert flat == nested
