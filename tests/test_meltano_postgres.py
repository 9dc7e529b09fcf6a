"""End to end: `meltano run tap-everflow target-postgres` into a real PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from harness.pipeline import JOB, MELTANO, meltano_environment
from harness.pipeline import meltano as run_meltano
from harness.postgres import throwaway_postgres
from harness.simulator import EverflowSimulator, bursty, network, uniform
from harness.simulator.records import adjustment_entities
from harness.simulator.server import ENTITIES
from tests.conftest import API_KEY, DAY, iso, now

pytestmark = [
    pytest.mark.skipif(
        not MELTANO.exists(), reason="meltano is installed by scripts/test.sh"
    ),
    # One worker for every test that starts PostgreSQL or meltano: they share
    # the project's .meltano and the embedded server's system user.
    pytest.mark.xdist_group("postgres"),
    # One scenario in order: the first run loads what the later tests read and
    # the second run adds to. A shuffled suite (--random-order) keeps this order.
    pytest.mark.random_order(disabled=True),
]


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
    # A few days of every kind, with a stretch where single seconds hold over
    # 10,000 impressions.
    truth = {
        "impressions": bursty(
            31, start, end - DAY, 20_000, hot_seconds=1, rows_per_hot_second=12_000
        ),
        "clicks": uniform(33, start, end - DAY, 5_000, kind="clicks"),
        "invalid_clicks": uniform(39, start, end - DAY, 1_500, kind="invalid_clicks"),
        "conversions": uniform(34, start, end - DAY, 800, kind="conversions"),
        # Every entity list, as it was before the traffic.
        **network(35, start - 300 * DAY, start, 100, 30),
        # Adjustments of the synced days.
        "reporting_adjustments": adjustment_entities(
            36, start, end - DAY, 100, 30, count=12
        ),
    }
    sim = EverflowSimulator(api_key=API_KEY, now=now(), **truth)
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

    # No `meltano install`: `meltano run` installs a plugin whose venv is missing
    # or out of date, and reuses the others.
    yield run
    shutil.rmtree(home, ignore_errors=True)


def query(postgres, sql: str, *params):
    with psycopg.connect(postgres.url) as conn:
        return conn.execute(sql, params).fetchall()


def column_types(postgres, schema: str, table: str) -> dict[str, str]:
    rows = query(
        postgres,
        "select column_name, data_type from information_schema.columns "
        "where table_schema = %s and table_name = %s",
        schema,
        table,
    )
    return dict(rows)


KEYS = {
    "impressions": "transaction_id",
    "clicks": "transaction_id",
    "invalid_clicks": "transaction_id",
    "conversions": "conversion_id",
    **{kind: entity.key for kind, entity in ENTITIES.items()},
}


def loaded(log: str, stream: str) -> int:
    """Records of ``stream`` the tap sent, from its line at the stream's end.

    Not from METRIC lines: meltano renders a structured-logging plugin's
    without their tags (the stream's name).
    """
    done = re.findall(rf"\b{stream}: done, ([\d,]+) records", log)
    return sum(int(count.replace(",", "")) for count in done)


def assert_table_holds(postgres, table: str, truth: list[dict]) -> None:
    """Exactly the truth's keys, once each."""
    key = KEYS[table]
    keys = [r[0] for r in query(postgres, f"select {key} from everflow.{table}")]  # noqa: S608
    assert len(keys) == len(set(keys)) == len(truth), table
    assert set(keys) == {r[key] for r in truth}, table


def test_first_run_loads_every_stream_exactly(meltano, postgres, simulator):
    proc = meltano(
        "run",
        "tap-everflow",
        "target-postgres",
        TAP_EVERFLOW_END_DATE=iso(_end() - DAY),
    )
    # Logs a person reads: no METRIC lines, none of the loader's SQL.
    for noise in ("METRIC", "Inserting with SQL"):
        assert noise not in proc.stderr, noise
    for table, truth in simulator.truth.items():
        assert_table_holds(postgres, table, truth)
    assert any(r.overflowed for r in simulator.requests)

    types = column_types(postgres, "everflow", "impressions")
    assert types["occurred_at"].startswith("timestamp")
    assert types["unix_timestamp"] == "bigint"
    assert types["relationship"] in {"json", "jsonb"}
    truth = {r["transaction_id"]: r for r in simulator.truth["impressions"]}
    rows = query(
        postgres,
        "select transaction_id, unix_timestamp, extract(epoch from occurred_at),"
        " relationship from everflow.impressions limit 200",
    )
    for transaction_id, epoch, occurred, relationship in rows:
        expected = truth[transaction_id]
        assert epoch == expected["unix_timestamp"] == int(occurred)
        assert relationship == expected["relationship"]


def test_money_is_numeric_and_exact(meltano, postgres, simulator):
    types = column_types(postgres, "everflow", "clicks")
    assert types["payout"] == types["revenue"] == "numeric"
    assert types["creative_id"] == "bigint"
    assert types["has_conversion"] == "boolean"
    truth = {r["transaction_id"]: r for r in simulator.truth["clicks"]}
    rows = query(
        postgres, "select transaction_id, payout, revenue from everflow.clicks"
    )
    for transaction_id, payout, revenue in rows:
        expected = truth[transaction_id]
        assert payout == Decimal(str(expected["payout"]))
        assert revenue == Decimal(str(expected["revenue"]))
    total = query(postgres, "select sum(revenue) from everflow.clicks")[0][0]
    assert total == sum(Decimal(str(r["revenue"])) for r in truth.values())

    types = column_types(postgres, "everflow", "conversions")
    assert types["sale_amount"] == "numeric"
    assert types["converted_at"].startswith("timestamp")
    types = column_types(postgres, "everflow", "offers")
    assert types["created_at"].startswith("timestamp")
    assert types["network_offer_id"] == "bigint"


def _with_carrier_code_as_text(relationship: dict) -> dict:
    """A click's relationship as the tap writes it: both readings as text."""
    geolocation = relationship["geolocation"]
    code = geolocation["carrier_code"]
    return {**relationship, "geolocation": {**geolocation, "carrier_code": str(code)}}


def test_wide_click_and_offer_records_land_with_their_types(
    meltano, postgres, simulator
):
    """Every documented field of the reference records reaches its column."""
    clicks = column_types(postgres, "everflow", "clicks")
    for column, expected in {
        "is_unique": "bigint",
        "project_id": "text",
        "error_filter_id": "text",
        "custom_landing_page_id": "bigint",
        "is_sdk_click": "boolean",
        "category_id": "bigint",
        "relationship": "jsonb",
    }.items():
        assert clicks[column].replace("character varying", "text") == expected, column
    truth = {r["transaction_id"]: r for r in simulator.truth["clicks"]}
    rows = query(
        postgres,
        "select transaction_id, url, redirect_method, relationship"
        " from everflow.clicks limit 300",
    )
    for transaction_id, url, redirect_method, relationship in rows:
        expected = truth[transaction_id]
        assert (url, redirect_method) == (expected["url"], expected["redirect_method"])
        assert relationship == _with_carrier_code_as_text(expected["relationship"])
        assert isinstance(relationship["http_user_agent"], str)

    offers = column_types(postgres, "everflow", "offers")
    for column, expected in {
        "daily_payout_cap": "numeric",
        "global_revenue_cap": "numeric",
        "daily_click_cap": "bigint",
        "date_live_until": "text",
        "is_soft_cap": "boolean",
        # What target-postgres 0.8.1 makes of a list of strings and a UTC
        # date-time: text[] and a timestamp (its values in UTC).
        "labels": "ARRAY",
        "relationship": "jsonb",
        "saved_at": "timestamp without time zone",
    }.items():
        assert offers[column].replace("character varying", "text") == expected, column
    truth = {r["network_offer_id"]: r for r in simulator.truth["offers"]}
    rows = query(
        postgres,
        "select network_offer_id, daily_payout_cap, date_live_until, relationship"
        " from everflow.offers",
    )
    for offer_id, cap, live_until, relationship in rows:
        expected = truth[offer_id]
        assert cap == Decimal(str(expected["daily_payout_cap"]))
        assert live_until == expected["date_live_until"]
        assert relationship == expected["relationship"]

    advertisers = column_types(postgres, "everflow", "advertisers")
    assert advertisers["is_expose_publisher_reporting_data"] == "boolean"
    nulls = query(
        postgres,
        "select count(*) from everflow.advertisers"
        " where is_expose_publisher_reporting_data is null",
    )[0][0]
    assert nulls == len(simulator.truth["advertisers"])  # documented null, kept


def test_daily_report_adds_up_to_the_raw_rows(meltano, postgres, simulator):
    types = column_types(postgres, "everflow", "daily_report")
    assert types["date"] == "date"
    imp, clicks = query(
        postgres,
        "select sum(imp), sum(total_click) from everflow.daily_report"
        " where date <= %s::date",
        iso(_end() - DAY)[:10],
    )[0]
    assert imp == len(simulator.truth["impressions"])
    assert clicks == len(simulator.truth["clicks"])


def test_second_run_asks_only_for_newer_rows(meltano, postgres, simulator):
    end = _end()
    newer = {
        "impressions": uniform(32, end - DAY + 1, end, 5_000),
        "clicks": uniform(38, end - DAY + 1, end, 1_000, kind="clicks"),
    }
    simulator.add_impressions(newer["impressions"])
    simulator.add_clicks(newer["clicks"])
    # Entities deleted since the first run: lists read whole (offers, by
    # entity_full_refresh; advertisers, a full table) flag them in the target
    # (_sdc_deleted_at); an incremental list (affiliates) cannot see one.
    deleted = {"offers": 7, "advertisers": 2, "affiliates": 4}
    for kind, entity_id in deleted.items():
        simulator.delete_entity(kind, entity_id)
    simulator.reset_log()
    proc = meltano(
        "run",
        "tap-everflow",
        "target-postgres",
        TAP_EVERFLOW_END_DATE=iso(end),
    )
    for kind, entity_id in deleted.items():
        key = KEYS[kind]
        flagged = query(
            postgres,
            f"select {key} from everflow.{kind} where _sdc_deleted_at is not null",  # noqa: S608
        )
        assert flagged == ([] if kind == "affiliates" else [(entity_id,)]), kind
    assert query(
        postgres,
        "select count(*) from everflow.advertisers where _sdc_deleted_at is null",
    ) == [(len(simulator.truth["advertisers"]) - 1,)]

    state = json.loads(meltano("state", "get", JOB).stdout)["singer_state"]
    bookmarks = state["bookmarks"]
    for stream in ("impressions", "clicks"):
        froms = [
            r.body["from"]
            for r in simulator.requests
            if r.body and r.path.endswith(f"/{stream}/stream")
        ]
        # From the first run's bookmark: the latest row it emitted.
        latest = max(r["unix_timestamp"] for r in simulator.truth[stream])
        assert min(froms) == iso(latest).replace("T", " ").rstrip("Z")
        # That second's rows reached the target again, and its upsert kept one
        # row for each.
        resent = sum(r["unix_timestamp"] == latest for r in simulator.truth[stream])
        assert resent
        assert loaded(proc.stderr, stream) == resent + len(newer[stream])
        assert_table_holds(postgres, stream, simulator.truth[stream] + newer[stream])
        # The bookmark is now this run's latest row.
        latest = max(r["unix_timestamp"] for r in newer[stream])
        bookmark = bookmarks[stream]["replication_key_value"]
        assert bookmark.startswith(iso(latest)[:19])
    assert "replication_key_value" in bookmarks["conversions"]


def test_flattening_variant_stores_nested_fields_as_columns(meltano, postgres):
    # In JSON logs too: one object per line (the fixture checks the key's absence).
    proc = meltano(
        "--log-format=json",
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
    logged = [json.loads(line) for line in proc.stderr.splitlines()]
    assert all(isinstance(entry, dict) for entry in logged)
    assert any("Beginning sync of 'impressions'" in e["event"] for e in logged)
    types = column_types(postgres, "everflow_flat", "impressions")
    assert types["relationship__offer__network_offer_id"] == "bigint"
    assert types["relationship__geolocation__country_code"] in {
        "text",
        "character varying",
    }
    clicks = column_types(postgres, "everflow_flat", "clicks")
    assert clicks["relationship__geolocation__is_mobile"] == "boolean"
    assert clicks["relationship__internal_redirect__redirect_count"] == "bigint"
    assert clicks["relationship__geolocation__carrier_code"] in {
        "text",
        "character varying",
    }
    affiliates = column_types(postgres, "everflow_flat", "affiliates")
    assert affiliates["contact_address__city"] in {"text", "character varying"}
    offers = column_types(postgres, "everflow_flat", "offers")
    assert offers["relationship__category__network_category_id"] == "bigint"
    for table in ("impressions", "clicks"):
        flat, nested = query(
            postgres,
            f"select (select count(*) from everflow_flat.{table}),"  # noqa: S608
            f" (select count(*) from everflow.{table})",
        )[0]
        assert flat == nested
