"""The impressions stream, run as the real CLI against the simulated API."""

from __future__ import annotations

import itertools
import math
import re
import signal
import subprocess
import time
from collections import Counter

import pytest

from harness.simulator import Fault, ReportOptions, bursty, daily_cycle, quiet, uniform
from harness.simulator.overflow import OVERFLOW_SUBSETS
from tap_everflow.streams import ImpressionsStream
from tap_everflow.tap import TapEverflow
from tests.conftest import (
    DAY,
    HOUR,
    assert_valid,
    catalog,
    iso,
    now,
    parse_messages,
    tap_config,
)

FOURTEEN_DAYS = 14 * DAY


def day_floor(epoch: int) -> int:
    return epoch - epoch % DAY


def period(days: float) -> tuple[int, int]:
    """A period that ended a day ago, so the default lag never cuts it."""
    end = day_floor(now()) - 1
    return end - int(days * DAY) + 1, end


def window_config(sim, start: int, end: int, **settings) -> dict:
    return tap_config(sim, start_date=iso(start), end_date=iso(end), **settings)


def impression_windows(sim) -> list[tuple[int, int]]:
    """(from, to) of every whole-traffic impressions request, as epochs."""
    import calendar

    def epoch(text: str) -> int:
        return calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S"))

    return [
        (epoch(r.body["from"]), epoch(r.body["to"]))
        for r in sim.requests
        if r.path.endswith("/impressions/stream") and r.body
    ]


def assert_resumable(messages: list[dict]) -> None:
    """One resume point: the SDK's bookmark, which never moves back.

    Records leave in time order, so every record is at or after the bookmark
    of the STATE before it, and bookmarks only ever move forward.
    """
    bookmark = ""
    for message in messages:
        if message["type"] == "STATE":
            state = message["value"]["bookmarks"].get("impressions", {})
            assert "complete_through" not in state
            moved = state.get("replication_key_value", bookmark)
            assert moved >= bookmark, "the bookmark moved back"
            bookmark = moved
        elif message["type"] == "RECORD" and message["stream"] == "impressions":
            assert message["record"]["occurred_at"] >= bookmark


def assert_complete(run, truth: list[dict]) -> None:
    """Exactly the truth, once each, resumably ordered, every record schema-valid."""
    assert run.returncode == 0, run.stderr[-3000:]
    ids = run.ids
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"{len(duplicates)} duplicated ids"
    assert set(ids) == {r["transaction_id"] for r in truth}
    assert_resumable(run.messages)
    for record in run.records[:: max(1, len(ids) // 500)]:
        assert_valid(record, ImpressionsStream.schema)


def test_busy_days_are_complete(make_simulator, tap):
    start, end = period(3)
    truth = uniform(1, start, end, 60_000)
    sim = make_simulator(truth)
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth)
    requests = len(sim.requests)
    lower_bound = math.ceil(len(truth) / 10_000)
    assert requests <= 2 * lower_bound + 6, f"{requests} requests for {lower_bound}"


def test_quiet_month_is_complete_in_few_requests(make_simulator, tap):
    start, end = period(30)
    truth = quiet(2, start, end, 40)
    sim = make_simulator(truth)
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth)
    assert len(sim.requests) == math.ceil(30 / 14)


@pytest.mark.parametrize("overflow_mode", ["exact", "exact_flagged", "mixed"])
def test_bursty_traffic_with_overfull_seconds_is_complete(
    make_simulator, tap, overflow_mode
):
    start, end = period(2)
    truth = bursty(3, start, end, 30_000, hot_seconds=2, rows_per_hot_second=25_000)
    sim = make_simulator(truth, overflow_mode=overflow_mode)
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth)
    assert "cannot be split further" not in run.stderr
    # The overfull seconds, split by dimension, cost at most as many requests
    # again as the rows need at 10,000 a request (15 for 8 today).
    requests = len(sim.requests)
    lower_bound = math.ceil(len(truth) / 10_000)
    assert requests <= 2 * lower_bound, f"{requests} requests for {lower_bound}"
    split = [r for r in sim.requests if r.body and r.body["query"]["filters"]]
    assert split, "overfull seconds must be split by dimension"


@pytest.mark.parametrize("subset", OVERFLOW_SUBSETS)
def test_the_walk_reads_every_row_whichever_rows_overflows_keep(
    make_simulator, tap, subset
):
    """The walk through HTTP under each server behaviour: every row, once.

    Its request counts per behaviour are the benchmarks' (docs/performance.md).
    """
    start, end = period(1)
    truth = bursty(3, start, end, 20_000, hot_seconds=1, rows_per_hot_second=12_000)
    sim = make_simulator(truth, overflow_subset=subset)
    run = tap.run(window_config(sim, start, end, plan_from_report_counts=False))
    assert_complete(run, truth)
    assert not report_requests(sim)


def test_windows_respect_the_api_limits(make_simulator, tap):
    start, end = period(40)
    truth = uniform(4, start, end, 20_000)
    sim = make_simulator(truth, retention_days=90)
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth)
    windows = impression_windows(sim)
    assert all(to - frm <= FOURTEEN_DAYS for frm, to in windows)
    assert all(r.status == 200 for r in sim.requests)
    # The windows kept (those not re-split) tile the period exactly.
    kept = [w for w, r in zip(windows, sim.requests, strict=True) if not r.overflowed]
    kept.sort()
    assert kept[0][0] == start
    assert kept[-1][1] == end
    for (_, before_end), (after_start, _) in itertools.pairwise(kept):
        assert after_start == before_end + 1


@pytest.mark.parametrize("shape", ["array", "mixed"])
def test_both_response_shapes(make_simulator, tap, shape):
    start, end = period(1)
    truth = bursty(5, start, end, 8_000, hot_seconds=1, rows_per_hot_second=12_000)
    sim = make_simulator(truth, response_shape=shape)
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth)


def test_omitted_and_null_fields_become_zero_values(make_simulator, tap):
    start, end = period(1)
    truth = uniform(6, start, end, 2_000)
    sim = make_simulator(truth, omit_rate=0.9, null_rate=0.1, extra_field_rate=0.5)
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth)
    by_id = {r["transaction_id"]: r for r in truth}
    for record in run.records:
        expected = by_id[record["transaction_id"]]
        occurred_at = record.pop("occurred_at")
        assert record == expected  # zero-filled back to the full record
        assert occurred_at == iso(expected["unix_timestamp"]).replace("Z", "+00:00")


def test_filters_and_exclusions_are_applied(make_simulator, tap):
    start, end = period(1)
    truth = bursty(7, start, end, 5_000, hot_seconds=1, rows_per_hot_second=15_000)
    offers = Counter(r["relationship"]["offer"]["network_offer_id"] for r in truth)
    (busiest, _), (second, _) = offers.most_common(2)
    affiliates = Counter(
        r["relationship"]["affiliate"]["network_affiliate_id"] for r in truth
    )
    (excluded, _), *_ = affiliates.most_common(1)
    sim = make_simulator(truth)
    config = window_config(
        sim,
        start,
        end,
        filters=[
            {"resource_type": "offer", "filter_id_value": busiest},
            {"resource_type": "offer", "filter_id_value": str(second)},
        ],
        exclusions=[{"resource_type": "affiliate", "filter_id_value": excluded}],
    )
    run = tap.run(config)
    expected = [
        r
        for r in truth
        if r["relationship"]["offer"]["network_offer_id"] in {busiest, second}
        and r["relationship"]["affiliate"]["network_affiliate_id"] != excluded
    ]
    assert_complete(run, expected)


def test_retention_clamps_the_start_with_a_warning(make_simulator, tap):
    end = day_floor(now()) - 1
    truth = uniform(8, end - 80 * DAY, end, 500)
    sim = make_simulator(truth, retention_days=90)
    before = now()  # the tap reads its clock later, however slow it starts
    run = tap.run(tap_config(sim, start_date=iso(end - 200 * DAY), end_date=iso(end)))
    assert_complete(run, truth)
    assert "skipping" in run.stderr
    assert "days) and starting at" in run.stderr
    assert min(frm for frm, _ in impression_windows(sim)) >= before - 90 * DAY


def test_default_end_leaves_the_lag_for_next_time(make_simulator, tap):
    current = now()
    truth = uniform(9, current - 2 * HOUR, current, 3_000)
    sim = make_simulator(truth)
    run = tap.run(tap_config(sim, start_date=iso(current - 2 * HOUR), lag_minutes=30))
    finished = now()
    assert run.returncode == 0, run.stderr
    # The tap reads the clock (whole seconds) between these two readings,
    # however long it takes to start.
    expected = {
        r["transaction_id"] for r in truth if r["unix_timestamp"] <= current - 30 * 60
    }
    assert expected <= set(run.ids)
    assert all(r["unix_timestamp"] <= finished - 30 * 60 for r in run.records)


def test_second_run_fetches_only_newer_rows(make_simulator, tap):
    start, end = period(2)
    first_part = uniform(10, start, end - DAY, 15_000)
    sim = make_simulator(first_part)
    first = tap.run(window_config(sim, start, end - DAY))
    assert_complete(first, first_part)
    final_state = first.states[-1]
    bookmark = final_state["bookmarks"]["impressions"]
    latest = max(r["unix_timestamp"] for r in first_part)
    assert bookmark["replication_key_value"] == iso(latest).replace("Z", "+00:00")

    newer = uniform(11, end - DAY + 1, end, 7_000)
    sim.add_impressions(newer)
    sim.reset_log()
    second = tap.run(window_config(sim, start, end), final_state)
    # The bookmark's second is read again: its rows may not all have been
    # emitted (the target's upsert absorbs those that were).
    again = [r for r in first_part if r["unix_timestamp"] == latest]
    assert_complete(second, newer + again)
    assert min(frm for frm, _ in impression_windows(sim)) == latest


def run_until_killed(tap, config: dict, state: dict | None, kill_after: int):
    """Run the tap, SIGKILL it after ``kill_after`` RECORD lines; return its output."""
    proc = subprocess.Popen(
        tap.command(config, state, streams=("impressions",)),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines, records = [], 0
    for line in proc.stdout:
        lines.append(line)
        records += line.startswith('{"type":"RECORD"')
        if records >= kill_after:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    proc.stdout.close()
    return parse_messages("".join(lines))


@pytest.mark.parametrize("kill_after", [3_000, 17_001, 38_500])
def test_killed_sync_resumes_to_the_complete_set(make_simulator, tap, kill_after):
    start, end = period(3)
    truth = bursty(12, start, end, 30_000, hot_seconds=1, rows_per_hot_second=14_000)
    sim = make_simulator(truth)
    config = window_config(sim, start, end)

    messages = run_until_killed(tap, config, None, kill_after)
    states = [i for i, m in enumerate(messages) if m["type"] == "STATE"]
    last_state = messages[states[-1]]["value"] if states else None
    # Records up to the last STATE are the ones a target has committed.
    committed = [
        m["record"]
        for m in messages[: states[-1] if states else 0]
        if m["type"] == "RECORD"
    ]
    resumed = tap.run(config, last_state)
    assert resumed.returncode == 0, resumed.stderr[-2000:]

    union = [r["transaction_id"] for r in committed] + resumed.ids
    assert set(union) == {r["transaction_id"] for r in truth}
    duplicated = set(r["transaction_id"] for r in committed) & set(resumed.ids)
    bookmark = ""
    if last_state:
        bookmark = last_state["bookmarks"]["impressions"]["replication_key_value"]
        resumed_from = min(r["occurred_at"] for r in resumed.records)
        assert resumed_from >= bookmark
    # Only what was emitted at or after the bookmark's second is read again.
    again = {r["transaction_id"] for r in committed if r["occurred_at"] >= bookmark}
    assert duplicated <= again


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"has_impression_package": False}, "impression package"),
        ({"api_key": "wrong"}, "rejected the API key"),
    ],
)
def test_access_errors_stop_with_one_clear_line(make_simulator, tap, options, expected):
    start, end = period(1)
    sim = make_simulator(uniform(13, start, end, 100), **options)
    run = tap.run(window_config(sim, start, end))
    assert run.returncode == 1
    # The SDK logs its own generic line first; ours, last, says what to do.
    last = run.stderr.strip().splitlines()[-1]
    assert "ERROR" in last
    assert expected in last
    assert sum(expected in line for line in run.stderr.splitlines()) == 1
    assert "Traceback" not in run.stderr
    assert not run.records


def test_wrong_api_url_is_a_404_with_advice(make_simulator, tap):
    start, end = period(1)
    sim = make_simulator(uniform(14, start, end, 100))
    config = window_config(sim, start, end)
    config["api_url"] = sim.url.replace("/v1", "/v9")
    run = tap.run(config)
    assert run.returncode == 1
    assert "check api_url" in run.stderr
    assert "Traceback" not in run.stderr


def test_bad_request_shows_the_api_message(make_simulator, tap):

    start, end = period(1)
    sim = make_simulator(uniform(15, start, end, 100))
    sim.queue_faults(Fault.status(400, "from must be before to"))
    run = tap.run(window_config(sim, start, end))
    assert run.returncode == 1
    assert "from must be before to" in run.stderr
    assert "Traceback" not in run.stderr


def test_transient_faults_are_retried_without_loss(make_simulator, tap):

    start, end = period(2)
    truth = bursty(16, start, end, 25_000, hot_seconds=1, rows_per_hot_second=12_000)
    sim = make_simulator(truth)
    sim.queue_faults(
        Fault.status(503),
        Fault.status(429),
        Fault.reset(),
        Fault.truncated(),
        Fault.html(),
        Fault.status(502),
        Fault.wrong_shape(),
        Fault.status(500),
    )
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth)
    faulted = [r.fault for r in sim.requests if r.fault]
    assert len(faulted) == 8


def test_timeouts_are_retried(make_simulator, tap):

    start, end = period(1)
    truth = uniform(17, start, end, 1_000)
    sim = make_simulator(truth)
    sim.queue_faults(Fault.delay(3))
    run = tap.run(window_config(sim, start, end, request_timeout=1))
    assert_complete(run, truth)
    # The slow answer was given up on after request_timeout, and asked again
    # (the simulator logs a delayed answer only once it is sent: after the run).
    assert "request failed (no answer in time (request_timeout)); retry 1" in (
        run.stderr
    )


def test_retries_give_up_with_a_clear_line(make_simulator, tap):

    start, end = period(1)
    sim = make_simulator(uniform(18, start, end, 100))
    sim.queue_faults(*[Fault.status(503)] * 4)
    run = tap.run(window_config(sim, start, end, max_retries=2))
    assert run.returncode == 1
    assert "impressions: Giving up after 3 tries: Everflow answered 503" in run.stderr
    retries = [line for line in run.stderr.splitlines() if "retry " in line]
    assert [line.split("; ")[-1][:10] for line in retries] == [
        "retry 1 of",
        "retry 2 of",
    ]
    assert all("WARNING" in line and "503" in line for line in retries)
    assert "calling function" not in run.stderr  # the SDK's default, with reprs
    assert "Backing off" not in run.stderr  # backoff's own, likewise
    assert "Traceback" not in run.stderr


def test_a_bare_end_date_includes_that_whole_day(make_simulator, tap):
    start, end = period(2)
    truth = uniform(23, start, end, 3_000)
    sim = make_simulator(truth)
    day = iso(start)[:10]
    run = tap.run(tap_config(sim, start_date=day, end_date=day))
    assert run.returncode == 0, run.stderr[-3000:]
    first_day = {
        r["transaction_id"] for r in truth if r["unix_timestamp"] < start + DAY
    }
    assert set(run.ids) == first_day
    assert impression_windows(sim)[-1][1] == start + DAY - 1


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"filters": [{"resource_type": "offers", "filter_id_value": "1"}]}, "offers"),
        ({"exclusions": [{"resource_type": "offer"}]}, "filter_id_value is required"),
        ({"start_date": "2026-13-40"}, "not an ISO 8601"),
        ({"start_date": "2026-11-02", "end_date": "2026-11-01"}, "is before"),
        ({"api_url": "ftp://example.com/v1"}, "http(s) URL"),
        ({"lag_minutes": "soon"}, "lag_minutes"),
        ({"api_key": 12345}, "api_key must be"),
        ({"api_key": ""}, "api_key is missing: set TAP_EVERFLOW_API_KEY or api_key"),
        ({"api_url": "http://api.example.com/v1"}, "would travel in clear"),
        ({"api_key": "SECRETKEY123\n"}, "without spaces or line breaks"),
        ({"max_concurrent_requests": 11}, "max_concurrent_requests: 11 is greater"),
        ({"daily_report_timezone_id": 5}, "daily_report_timezone_id: 5 is not one of"),
        ({"conversions_lookback_days": -1}, "conversions_lookback_days"),
        ({"daily_report_columns": []}, "daily_report_columns must name at least"),
        ({"daily_report_columns": ["offer", "offer"]}, "names offer more than once"),
    ],
)
def test_bad_settings_fail_at_startup(tap, settings, expected):
    config = {"api_key": "sim-key-0123456789abcdef", **settings}
    run = tap.run(config, streams=None)
    assert run.returncode == 1
    assert expected in run.stderr
    assert "Traceback" not in run.stderr
    # One line, once: no SDK warning or summary around it.
    assert run.stderr.count(expected) == 1
    assert "Config validation failed" not in run.stderr
    if settings.get("api_key"):
        assert str(settings["api_key"]).strip() not in run.stderr


def test_an_unknown_setting_gets_one_warning_and_the_sync_goes_on(make_simulator, tap):
    start, end = period(1)
    truth = uniform(24, start, end, 500)
    # The SDK's own settings (stream maps, flattening, batch_config, ...) are
    # known: each given here as null, which leaves it out.
    builtin: dict = {"properties": {}}
    TapEverflow.append_builtin_config(builtin)
    assert {"stream_maps", "flattening_enabled", "batch_config"} <= set(
        builtin["properties"]
    )
    settings = {
        **dict.fromkeys(builtin["properties"]),
        "start_dte": iso(start),
        "colour": "blue",
    }
    run = tap.run(window_config(make_simulator(truth), start, end, **settings))
    assert_complete(run, truth)
    unknown = [line for line in run.warnings if "not a setting" in line]
    assert len(unknown) == 2
    assert unknown[0].endswith(
        "colour is not a setting of tap-everflow; tap-everflow --about lists "
        "the settings."
    )
    assert unknown[1].endswith(
        "start_dte is not a setting of tap-everflow; did you mean start_date?"
    )


def test_rate_limited_requests_wait_without_using_up_retries(make_simulator, tap):

    start, end = period(1)
    truth = uniform(19, start, end, 2_000)
    sim = make_simulator(truth)
    sim.queue_faults(*[Fault.status(429, "Too many requests")] * 3)
    config = window_config(sim, start, end, max_retries=0, rate_limit_wait_seconds=1)
    run = tap.run(config)
    assert_complete(run, truth)
    # Each 429 paused every request (tests/test_throttle.py times the pause).
    assert run.stderr.count("429 (rate limited); pausing requests") == 3


def test_endless_rate_limiting_stops_with_advice(make_simulator, tap):

    start, end = period(1)
    sim = make_simulator(uniform(20, start, end, 100))
    sim.queue_faults(*[Fault.status(429, "Too many requests")] * 10)
    run = tap.run(window_config(sim, start, end, rate_limit_wait_seconds=0))
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-1]
    assert "kept answering 429" in last
    assert "max_requests_per_second" in last
    assert "Traceback" not in run.stderr


def test_deselected_properties_and_stream_maps_shape_the_records(make_simulator, tap):
    """Records leave out what the catalog deselects and go through stream maps."""
    start, end = period(1)
    truth = uniform(3, start, end, 2_000)
    sim = make_simulator(truth)
    config = window_config(
        sim,
        start,
        end,
        stream_maps={
            "impressions": {
                "sub1": "__NULL__",
                "offer_name": "relationship['offer']['name']",
            }
        },
    )
    chosen = catalog(config, ("impressions",))
    # The time field too: the tap still reads it to stamp occurred_at.
    deselected = [["properties", "tracking_url"], ["properties", "unix_timestamp"]]
    deselected.append(["properties", "relationship", "properties", "geolocation"])
    for entry in chosen["streams"]:
        entry["metadata"] += [
            {"breadcrumb": crumb, "metadata": {"selected": False}}
            for crumb in deselected
        ]
    catalog_path = str(tap.write("catalog", chosen))
    run = tap.run(config, None, "--catalog", catalog_path, streams=None)
    assert run.returncode == 0, run.stderr[-3000:]
    assert set(run.ids) == {r["transaction_id"] for r in truth}
    for record in run.records:
        assert "tracking_url" not in record
        assert "sub1" not in record
        assert "geolocation" not in record["relationship"]
        assert "unix_timestamp" not in record
        assert record["offer_name"] == record["relationship"]["offer"]["name"]
        assert record["user_ip"]  # the rest is all there
    times = {r["transaction_id"]: iso(r["unix_timestamp"]) for r in truth}
    assert [r["occurred_at"][:19] for r in run.records] == sorted(
        times[r["transaction_id"]][:19] for r in run.records
    )


def raw_requests(sim) -> list:
    return [r for r in sim.requests if r.path.endswith("/impressions/stream")]


def report_requests(sim) -> list:
    return [r for r in sim.requests if r.path.endswith("/entity/table")]


def test_busy_days_are_planned_from_report_counts_in_fewer_requests(
    make_simulator, tap
):
    # Mid-hour bounds: the partial buckets at both ends are part of the plan.
    start, end = period(4)
    start, end = start + 5 * HOUR + 1_234, end - 1_800
    truth = bursty(21, start, end, 150_000, hot_seconds=1, rows_per_hot_second=12_000)
    requests = {}
    for planned in (True, False):
        sim = make_simulator(truth)
        config = window_config(sim, start, end, plan_from_report_counts=planned)
        run = tap.run(config)
        assert_complete(run, truth)
        requests[planned] = len(raw_requests(sim))
        reports = len(report_requests(sim))
        # The time buckets; their hot bucket (the 12,000-row second) by affiliate.
        assert reports == (2 if planned else 0)
        assert ("requests planned" in run.stderr) == planned
    lower_bound = math.ceil(len(truth) / 10_000)
    # The first window, which overflowed, besides the planned ones.
    assert requests[True] <= math.ceil(1.1 * lower_bound) + 1
    assert requests[True] < requests[False]
    reconciled = [x for x in run.stderr.splitlines() if "rows delivered" in x]
    assert not reconciled  # the run without counts has nothing to reconcile


def test_a_refused_report_leaves_the_days_to_the_walk(make_simulator, tap):
    start, end = period(20)
    truth = uniform(22, start, end, 40_000)
    sim = make_simulator(truth)
    sim.after_requests(1, lambda: sim.queue_faults(Fault.status(403)))
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth)
    assert len(report_requests(sim)) == 1
    # The walk goes on past the first 14 days with what it learnt there: no
    # second request for all of the days after them.
    windows = impression_windows(sim)
    assert (start, start + FOURTEEN_DAYS - 1) in windows
    assert (start + FOURTEEN_DAYS, end) not in windows
    (warning,) = [x for x in run.stderr.splitlines() if "cannot count rows" in x]
    assert "WARNING" in warning
    assert "impression package" not in run.stderr  # that advice is the raw report's


def test_rows_the_report_did_not_count_are_still_read(make_simulator, tap):
    """Rows arriving after the count, and rows without an affiliate."""
    start, end = period(2)
    truth = uniform(23, start, end, 40_000)
    for row in truth[::97]:
        del row["relationship"]["affiliate"]
    late = uniform(24, start, end, 9_000)
    sim = make_simulator(truth)
    # Right after the report (the second request) answered.
    sim.after_requests(2, lambda: sim.add_impressions(late))
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth + late)
    assert len(report_requests(sim)) == 1


@pytest.mark.parametrize(
    "report",
    [
        ReportOptions(time_ids="datetime"),
        ReportOptions(time_ids="epoch"),
        # A server without the 15-minute column: the hour's, asked once.
        ReportOptions(time_columns=("hour", "date"), time_ids="epoch"),
        ReportOptions(time_columns=("date",)),
        ReportOptions(count_noise=0.05, uncounted=0.01),
    ],
    ids=["datetime-ids", "epoch-ids", "hour-buckets", "day-buckets", "noisy-counts"],
)
def test_windows_are_planned_from_any_report_the_contract_allows(
    make_simulator, tap, report
):
    start, end = period(3)
    start, end = start + 7 * HOUR + 321, end - 2 * HOUR
    truth = daily_cycle(25, start, end, 90_000)
    sim = make_simulator(truth, report=report)
    run = tap.run(window_config(sim, start, end))
    assert_complete(run, truth)
    tables = report_requests(sim)
    columns = [[c["column"] for c in r.body["columns"]] for r in tables]
    refused = [r for r in tables if r.status == 400]
    assert len(tables) - len(refused) <= 2  # the buckets, and maybe a hot one's
    assert all(len(c) == 1 or c[1] == "affiliate" for c in columns)
    assert len({c[0] for c in columns}) == len(refused) + 1  # none asked twice
    (line,) = [x for x in run.stderr.splitlines() if "rows delivered" in x]
    assert f"{len(truth):,} rows delivered" in line
    lower_bound = math.ceil(len(truth) / 10_000)
    raw = len(raw_requests(sim))
    # Any overflow form (the simulator mixes them): a regression guard, not a target.
    assert raw <= 2.5 * lower_bound + 3


def test_clicks_are_planned_from_their_valid_click_counts(
    make_simulator, tap, monkeypatch
):
    start, end = period(2)
    truth = daily_cycle(26, start, end, 60_000, kind="clicks")
    sim = make_simulator([], clicks=truth)
    # Every window's progress line (at INFO, one per 10 s: this run is shorter).
    monkeypatch.setenv("TAP_EVERFLOW_LOGLEVEL", "DEBUG")
    run = tap.run(window_config(sim, start, end), streams=("clicks",))
    assert run.returncode == 0, run.stderr[-3000:]
    ids = [r["transaction_id"] for r in run.records]
    assert sorted(ids) == sorted(r["transaction_id"] for r in truth)
    (table, *_) = report_requests(sim)
    assert table.body["columns"] == [{"column": "unix_timestamp"}]
    assert "60,000 rows delivered, 60,000 counted" in run.stderr
    # Progress: rows done of expected, requests of planned; no ETA from the
    # first windows, and at the end nothing to go.
    progress = [x for x in run.stderr.splitlines() if " planned)" in x]
    assert len(progress) > 3
    assert re.search(
        r"60,000 of ~60,000 rows; \d+ requests \(\d+ planned\)", progress[-1]
    )
    assert not any("to go" in x for x in progress[:3])
    assert progress[-1].endswith("so far, about 0 s to go.")
