"""End to end into a second loader: `meltano run tap-everflow target-duckdb`.

Every stream lands in an embedded DuckDB file with its rows and the column types
its schema asks for, so the schemas hold beyond target-postgres. Small data: the
point is every stream's shape, not volume.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest

from harness.pipeline import MELTANO, meltano_environment
from harness.pipeline import meltano as run_meltano
from harness.simulator import EverflowSimulator, network, uniform
from harness.simulator.records import adjustment_entities
from harness.simulator.server import ENTITIES
from tap_everflow.tap import TapEverflow
from tests.conftest import API_KEY, DAY, iso, now

pytestmark = [
    pytest.mark.skipif(
        not MELTANO.exists(), reason="meltano is installed by scripts/test.sh"
    ),
    # The worker of the other meltano tests: they share the project's .meltano.
    pytest.mark.xdist_group("postgres"),
]

KEYS = {
    "impressions": "transaction_id",
    "clicks": "transaction_id",
    "invalid_clicks": "transaction_id",
    "conversions": "conversion_id",
    **{kind: entity.key for kind, entity in ENTITIES.items()},
}


def duckdb_type(prop: dict) -> str:
    """The column type target-duckdb gives a JSON schema property."""
    declared = prop["type"]
    types = {declared} if isinstance(declared, str) else set(declared) - {"null"}
    if types & {"object", "array"}:
        return "JSON"
    if prop.get("format") == "date-time":
        return "TIMESTAMP"
    if "number" in types:
        return "DOUBLE"
    if types == {"integer"}:
        return "HUGEINT"  # an integer without a declared maximum
    if types == {"boolean"}:
        return "BOOLEAN"
    return "VARCHAR"  # strings, dates, and fields that may be either


@pytest.fixture(scope="module")
def loaded():
    """Two days of every kind, loaded by meltano into a fresh DuckDB file."""
    end = now() - now() % DAY - 1
    start = end - 2 * DAY + 1
    truth = {
        "impressions": uniform(41, start, end, 300),
        "clicks": uniform(42, start, end, 150, kind="clicks"),
        "invalid_clicks": uniform(43, start, end, 40, kind="invalid_clicks"),
        "conversions": uniform(44, start, end, 30, kind="conversions"),
        # 50 offers: coupons, custom caps and scrub rates are on every 25th or 50th.
        **network(45, start - 300 * DAY, start, 50, 10),
        "reporting_adjustments": adjustment_entities(46, start, end, 50, 10, count=6),
    }
    assert all(truth.values())  # every stream has rows to count
    home = Path(tempfile.mkdtemp(prefix="tap-everflow-duckdb-"))
    # Not everflow.duckdb: its catalog would share the name of the schema.
    database = home / "warehouse.duckdb"
    try:
        with EverflowSimulator(api_key=API_KEY, now=now(), **truth) as simulator:
            env = meltano_environment(
                system_db=home / "meltano.db",
                postgres=None,
                api_url=simulator.url,
                api_key=API_KEY,
            )
            # `meltano run` installs a plugin only when its venv is missing or out
            # of date: the venvs of earlier runs are reused.
            run_meltano(
                env,
                *("run", "tap-everflow", "target-duckdb"),
                TAP_EVERFLOW_START_DATE=iso(start),
                TAP_EVERFLOW_END_DATE=iso(end),
                TAP_EVERFLOW_RETRY_WAIT_SECONDS="0",
                TARGET_DUCKDB_FILEPATH=str(database),
            )
        with duckdb.connect(str(database), read_only=True) as conn:
            yield conn, truth
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"meltano {' '.join(exc.cmd[1:])} failed:\n{exc.stderr[-3000:]}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_every_stream_lands_with_its_rows(loaded):
    conn, truth = loaded
    for table, rows in truth.items():
        key = KEYS[table]
        query = f"select {key} from everflow.{table}"  # noqa: S608
        keys = [k for (k,) in conn.execute(query).fetchall()]
        assert len(keys) == len(set(keys)) == len(rows), table
        assert set(keys) == {r[key] for r in rows}, table
    # The aggregated report: every raw row counted once, in its day.
    imp, clicks = conn.execute(
        "select sum(imp), sum(total_click) from everflow.daily_report"
    ).fetchone()
    assert (imp, clicks) == (len(truth["impressions"]), len(truth["clicks"]))

    relationships = dict(
        conn.execute(
            "select transaction_id, relationship from everflow.impressions"
        ).fetchall()
    )
    for row in truth["impressions"]:
        assert json.loads(relationships[row["transaction_id"]]) == row["relationship"]


def test_every_column_has_the_type_its_schema_declares(loaded):
    conn, _ = loaded
    catalog = TapEverflow(config={"api_key": API_KEY}).catalog_dict
    for stream in catalog["streams"]:
        table = stream["tap_stream_id"]
        columns = dict(
            conn.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = 'everflow' and table_name = ?",
                [table],
            ).fetchall()
        )
        expected = {
            name: duckdb_type(prop)
            for name, prop in stream["schema"]["properties"].items()
        }
        assert columns == expected, table
    offers = dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_name = 'offers'"
        ).fetchall()
    )
    assert offers["saved_at"] == "TIMESTAMP"
    assert offers["daily_payout_cap"] == "DOUBLE"
    assert offers["network_offer_id"] == "HUGEINT"
    assert offers["relationship"] == offers["labels"] == "JSON"
