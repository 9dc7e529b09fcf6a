"""The network's lists: incremental reads, deletions, the other list shapes.

End to end through the CLI against the simulated API (a few runs), and the
paging's tolerance of other servers in process.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter

import pytest

from harness.simulator import EverflowSimulator, bursty, network
from harness.simulator.server import ENTITIES
from tap_everflow.runtime.settings import parse_time
from tap_everflow.streams.entities import SAVE_MARGIN_SECONDS
from tap_everflow.tap import TapEverflow
from tests.conftest import API_KEY, DAY, TapRunner, iso, now, tap_config
from tests.test_streams import records_of

# Lists of every shape: incremental (affiliates, coupon codes), full table
# (advertisers), bare arrays keyed otherwise (employees), POST searches (scrub
# rates, invoices), a dated list (reporting adjustments).
STREAMS = (
    "affiliates",
    "advertisers",
    "coupon_codes",
    "employees",
    "custom_scrub_rate_settings",
    "affiliate_invoices",
    "reporting_adjustments",
)
WHOLE_EVERY_RUN = {"advertisers", "employees", "custom_scrub_rate_settings"}


def requests_of(requests: list, stream: str) -> list:
    path = ENTITIES[stream].path
    return [r for r in requests if r.path == path]


def activations(run, stream: str) -> list[dict]:
    return [
        m
        for m in run.messages
        if m["type"] == "ACTIVATE_VERSION" and m["stream"] == stream
    ]


def assert_marks_deletions(run, stream: str) -> None:
    """One ACTIVATE_VERSION, after the last record, of the records' version."""
    (activation,) = activations(run, stream)
    messages = [m for m in run.messages if m.get("stream") == stream]
    records = [m for m in messages if m["type"] == "RECORD"]
    assert records
    assert messages.index(activation) > messages.index(records[-1])
    assert {m["version"] for m in records} == {activation["version"]}


@pytest.fixture(scope="module")
def network_run(tmp_path_factory):
    """A network and a first run of every list shape (its state complete).

    Shared: the first test reads it, the second changes the network after it
    (in either order: the first run's requests are kept as they were).
    """
    end = now() - now() % DAY - 2 * DAY  # every save well before the runs
    lists = network(61, end - 200 * DAY, end, 60, 40)
    # An employee only B's way: its id under employee_id alone.
    lists["employees"][-1]["network_employee_id"] = 0
    shown = {kind: rows for kind, rows in lists.items() if kind in STREAMS}
    with EverflowSimulator(api_key=API_KEY, now=now(), **shown) as sim:
        config = tap_config(
            sim,
            start_date=iso(end - 5 * DAY),
            end_date=iso(end),
            reporting_adjustments_lookback_days=2,
        )
        runner = TapRunner(tmp_path_factory.mktemp("network"))
        run = runner.run(config, streams=STREAMS)
        assert run.returncode == 0, run.stderr[-3000:]
        run.assert_key_hidden()
        yield sim, config, lists, run, end, list(sim.requests)


def test_a_first_run_reads_every_list_whole_and_marks_deletions(network_run):
    _, _, lists, run, end, requests = network_run
    for stream in STREAMS:
        key = ENTITIES[stream].key
        ids = [r[key] for r in records_of(run, stream)]
        assert len(ids) == len(set(ids)), stream
        truth = lists[stream]
        if stream == "reporting_adjustments":  # dated in the synced days only
            days = (iso(end - 5 * DAY)[:10], iso(end)[:10])
            truth = [r for r in truth if days[0] <= r["date_adjustment"] <= days[1]]
        # The employee sent without network_employee_id has it from employee_id.
        assert set(ids) == {r[key] or r["employee_id"] for r in truth}, stream
    for stream in set(STREAMS) - {"reporting_adjustments"}:
        assert_marks_deletions(run, stream)
    assert not activations(run, "reporting_adjustments")
    (affiliates,) = requests_of(requests, "affiliates")
    assert "filter" not in affiliates.query  # no mark yet: the whole list
    (scrub_rates,) = requests_of(requests, "custom_scrub_rate_settings")
    assert scrub_rates.method == "POST"
    assert scrub_rates.query == {"page": "1", "page_size": "2000"}
    # Invoices' payment_terms came as days and as text: both are documented.
    assert "where the schema declares" not in run.stderr
    terms = {r["payment_terms"] for r in records_of(run, "affiliate_invoices")}
    assert terms == {"30", "Net 30"}
    bookmarks = run.states[-1]["bookmarks"]
    assert "complete_through" in bookmarks["affiliates"]
    assert "complete_through" not in bookmarks.get("advertisers", {})


def test_later_runs_read_saves_since_and_whole_lists_when_the_filter_is_ignored(
    network_run, tap
):
    sim, config, lists, first, end, _ = network_run
    mark = first.states[-1]["bookmarks"]["affiliates"]["complete_through"]
    since = int(parse_time(mark).timestamp()) - SAVE_MARGIN_SECONDS
    sim.update_entity("affiliates", 3, name="Renamed", time_saved=now() - 5)
    sim.delete_entity("affiliates", 5)
    sim.delete_entity("advertisers", 2)
    sim.reset_log()
    second = tap.run(config, first.states[-1], streams=STREAMS)
    assert second.returncode == 0, second.stderr[-3000:]

    (request,) = requests_of(sim.requests, "affiliates")
    assert request.query["filter"] == f"time_saved>{since}"
    assert [r["name"] for r in records_of(second, "affiliates")] == ["Renamed"]
    assert not activations(second, "affiliates")  # not the whole list
    advertisers = {
        r["network_advertiser_id"] for r in records_of(second, "advertisers")
    }
    assert advertisers == {1, 3, 4, 5}
    for stream in WHOLE_EVERY_RUN:
        assert_marks_deletions(second, stream)
    (adjustments,) = requests_of(sim.requests, "reporting_adjustments")
    assert adjustments.query["from"] == iso(end - 2 * DAY)[:10]  # the lookback

    # A server that ignores the filter sends entities saved before it: the
    # whole list, which is then read whole and marks deletions.
    sim.honours_list_filters = False
    third = tap.run(config, second.states[-1], streams=("affiliates",))
    assert third.returncode == 0, third.stderr[-3000:]
    ignored = [
        line for line in third.stderr.splitlines() if "ignored the filter" in line
    ]
    assert len(ignored) == 1
    assert "INFO" in ignored[0]
    ids = {r["network_affiliate_id"] for r in records_of(third, "affiliates")}
    assert ids == {r["network_affiliate_id"] for r in lists["affiliates"]} - {5}
    assert_marks_deletions(third, "affiliates")


def test_invalid_clicks_are_read_under_their_own_cap(make_simulator, tap):
    end = now() - now() % DAY - DAY - 1
    start = end - 6 * 3_600 + 1
    truth = bursty(
        62,
        start,
        end,
        3_000,
        hot_seconds=1,
        rows_per_hot_second=1_500,
        kind="invalid_clicks",
    )
    sim = make_simulator([], invalid_clicks=truth)
    config = tap_config(
        sim,
        start_date=iso(start),
        end_date=iso(end),
        # The raw reports' filters: not this endpoint's types, so not sent.
        filters=[{"resource_type": "affiliate", "filter_id_value": "3"}],
    )
    run = tap.run(config, streams=("invalid_clicks",))
    assert run.returncode == 0, run.stderr[-3000:]
    ids = [r["transaction_id"] for r in records_of(run, "invalid_clicks")]
    assert Counter(ids) == Counter(r["transaction_id"] for r in truth)
    answers = [r for r in sim.requests if r.path.endswith("/invalidclicks")]
    assert max(r.rows for r in answers) <= 1_000
    assert any(r.overflowed for r in answers)
    filters = [f for r in answers for f in r.body["query"]["filters"]]
    assert filters
    assert {f["resource_type"] for f in filters} <= {"offer", "creative"}


# -- in process: servers that page otherwise --------------------------------


def stream_serving(name: str, pages, **config):
    """The tap's ``name`` stream, its requests answered from ``pages``.

    ``pages`` maps the page number asked for to the answer's JSON. Returns
    the stream and the page numbers asked for.
    """
    tap = TapEverflow(config={"api_key": "x", **config})
    stream = tap.streams[name]
    asked: list[int] = []

    def request_json(_method, *, body=None, params=None, **_):
        del body
        asked.append(params["page"])
        return stream.read_answer(pages(params["page"]))

    stream.request_json = request_json
    return stream, asked


def synced(stream) -> tuple[list[dict], list[dict]]:
    """Sync ``stream`` as the tap does: its RECORD and ACTIVATE_VERSION messages."""
    stdout = io.TextIOWrapper(io.BytesIO())
    with contextlib.redirect_stdout(stdout):
        stream.sync()
    stdout.flush()
    messages = [json.loads(line) for line in stdout.buffer.getvalue().splitlines()]
    return (
        [m for m in messages if m["type"] == "RECORD"],
        [m for m in messages if m["type"] == "ACTIVATE_VERSION"],
    )


def advertiser_rows(first: int, count: int) -> list[dict]:
    return [{"network_advertiser_id": i} for i in range(first, first + count)]


def test_a_server_paging_by_fewer_rows_than_asked_is_read_to_its_total():
    def pages(number: int) -> dict:
        rows = advertiser_rows(50 * (number - 1) + 1, 50)[
            : max(0, 120 - 50 * (number - 1))
        ]
        return {"advertisers": rows, "paging": {"total_count": 120}}

    stream, asked = stream_serving("advertisers", pages)
    records, activations = synced(stream)
    ids = [m["record"]["network_advertiser_id"] for m in records]
    assert ids == list(range(1, 121))
    assert asked == [1, 2, 3]
    # After the last record, the version they all carry: the list is whole.
    assert [m["version"] for m in activations] == [records[-1]["version"]]


def test_a_server_that_ignores_page_numbers_is_read_once_with_a_warning(caplog):
    stream, asked = stream_serving(
        "advertisers",
        lambda _n: {
            "advertisers": advertiser_rows(1, 2_000),
            "paging": {"total_count": 4_500},
        },
    )
    records, activations = synced(stream)
    assert len(records) == 2_000
    assert asked == [1, 2]
    assert not activations  # the list was not read whole: nothing is deleted
    (warning,) = [
        r for r in caplog.records if "with the rows of page 1 again" in r.message
    ]
    assert warning.levelname == "WARNING"
    assert "2000 rows read of 4500" in warning.message


def test_a_bare_list_is_paged_while_its_pages_are_full():
    stream, asked = stream_serving(
        "employees",
        lambda n: [
            {"employee_id": i} for i in range(2_000 * (n - 1) + 1, 2_000 * n + 1)
        ][: max(0, 2_500 - 2_000 * (n - 1))],
    )
    records = list(stream.get_records(None))
    assert [r["network_employee_id"] for r in records] == list(range(1, 2_501))
    assert asked == [1, 2]


def test_coupon_codes_under_either_documented_key():
    for key in ("coupon_codes", "couponcodes"):
        stream, _ = stream_serving(
            "coupon_codes", lambda _n, key=key: {key: [{"network_coupon_code_id": 41}]}
        )
        assert [r["network_coupon_code_id"] for r in stream.get_records(None)] == [41]


def test_a_smart_links_relationships_as_plain_arrays_are_collections(caplog):
    redirect = {"network_campaign_redirect_id": 211, "redirect_network_offer_id": 883}
    stream, _ = stream_serving(
        "campaigns",
        lambda _n: {
            "campaigns": [
                {
                    "network_campaign_id": 21,
                    # B's older reading, plain arrays: docs/api.md#campaign-collections.
                    "relationship": {"redirects": [redirect], "labels": ["q4"]},
                }
            ]
        },
    )
    (record,) = stream.get_records(None)
    redirects = record["relationship"]["redirects"]
    assert redirects["total"] == 1
    assert redirects["entries"][0]["redirect_network_offer_id"] == 883
    assert record["relationship"]["labels"] == {"total": 1, "entries": ["q4"]}
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_deletions_are_not_marked_when_the_setting_is_off():
    stream, _ = stream_serving(
        "advertisers",
        lambda _n: {"advertisers": advertiser_rows(1, 3)},
        emit_activate_version_messages=False,
    )
    records, activations = synced(stream)
    assert len(records) == 3
    assert not activations


def test_entity_full_refresh_names_only_incremental_lists(caplog):
    with pytest.raises(SystemExit) as caught:
        TapEverflow(
            config={"api_key": "x", "entity_full_refresh": ["offers", "labels"]}
        )
    assert caught.value.code == 1
    (line,) = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert line.startswith("entity_full_refresh names labels:")
    assert "affiliates" in line
