"""Clicks, conversions and entities, run as the real CLI against the simulated API."""

from __future__ import annotations

from collections import Counter

from harness.simulator import (
    Fault,
    advertiser_entities,
    affiliate_entities,
    bursty,
    offer_entities,
    uniform,
)
from tap_everflow.streams import (
    ClicksStream,
    ConversionsStream,
    OffersStream,
)
from tests.conftest import DAY, assert_valid, iso, tap_config
from tests.test_impressions import period, window_config

CONVERSIONS_PATH = "/v1/networks/reporting/conversions"


def records_of(run, stream: str) -> list[dict]:
    return [
        m["record"]
        for m in run.messages
        if m["type"] == "RECORD" and m["stream"] == stream
    ]


def assert_same_rows(records: list[dict], truth: list[dict], key: str) -> None:
    ids = [r[key] for r in records]
    assert not [i for i, n in Counter(ids).items() if n > 1], "duplicates"
    assert set(ids) == {r[key] for r in truth}


def as_written(click: dict) -> dict:
    """A simulated click as the tap writes it: carrier_code's readings as text."""
    relationship = click["relationship"]
    geolocation = relationship["geolocation"]
    code = geolocation["carrier_code"]
    return {
        **click,
        "relationship": {
            **relationship,
            "geolocation": {**geolocation, "carrier_code": str(code)},
        },
    }


def test_clicks_are_complete_with_exact_money(make_simulator, tap):
    start, end = period(1)
    truth = bursty(
        41,
        start,
        end,
        6_000,
        hot_seconds=1,
        rows_per_hot_second=12_000,
        kind="clicks",
    )
    sim = make_simulator([], clicks=truth)
    run = tap.run(window_config(sim, start, end), streams=("clicks",))
    assert run.returncode == 0, run.stderr[-3000:]
    records = records_of(run, "clicks")
    assert_same_rows(records, truth, "transaction_id")
    for record in records[:: max(1, len(records) // 300)]:
        assert_valid(record, ClicksStream.schema)
    by_id = {r["transaction_id"]: r for r in truth}
    for record in records:
        expected = as_written(by_id[record["transaction_id"]])
        assert {**expected, "occurred_at": record["occurred_at"]} == record
    codes = [r["relationship"]["geolocation"]["carrier_code"] for r in truth]
    assert {type(c) for c in codes if c} == {int, str}  # both readings were sent
    assert any(r["relationship"]["query_parameters"] for r in records)
    assert any(r["payout"] and r["payout"] != int(r["payout"]) for r in records)


def conversion_requests(sim) -> list:
    return [r for r in sim.requests if r.path == CONVERSIONS_PATH]


def test_conversions_are_paged_to_the_last_partial_page(make_simulator, tap):
    start, end = period(1)
    truth = uniform(42, start, end, 4_100, kind="conversions")
    sim = make_simulator([], conversions=truth)
    run = tap.run(window_config(sim, start, end), streams=("conversions",))
    assert run.returncode == 0, run.stderr[-3000:]
    records = records_of(run, "conversions")
    assert_same_rows(records, truth, "conversion_id")
    pages = [(int(r.query["page"]), r.rows) for r in conversion_requests(sim)]
    assert pages == [(1, 2_000), (2, 2_000), (3, 100)]
    assert {r.query["page_size"] for r in conversion_requests(sim)} == {"2000"}
    times = [r["conversion_unix_timestamp"] for r in records]
    assert times == sorted(times)
    for record in records[::50]:
        assert_valid(record, ConversionsStream.schema)


def test_an_exactly_full_last_page_ends_the_paging(make_simulator, tap):
    start, end = period(1)
    truth = uniform(43, start, end, 4_000, kind="conversions")
    sim = make_simulator([], conversions=truth)
    run = tap.run(window_config(sim, start, end), streams=("conversions",))
    assert run.returncode == 0, run.stderr[-3000:]
    assert_same_rows(records_of(run, "conversions"), truth, "conversion_id")
    assert len(conversion_requests(sim)) == 2


def test_no_conversions_is_an_empty_stream(make_simulator, tap):
    start, end = period(3)
    sim = make_simulator([])
    run = tap.run(window_config(sim, start, end), streams=("conversions",))
    assert run.returncode == 0, run.stderr[-3000:]
    assert not records_of(run, "conversions")
    assert conversion_requests(sim)


def _conversions_synced_once(make_simulator, tap, seed: int):
    """Sync 20 days of conversions (5-day lookback): sim, config, run, rows, end."""
    start, end = period(20)
    truth = uniform(seed, start, end, 3_000, kind="conversions")
    sim = make_simulator([], conversions=truth)
    config = window_config(sim, start, end, conversions_lookback_days=5)
    first = tap.run(config, streams=("conversions",))
    assert first.returncode == 0, first.stderr[-3000:]
    return sim, config, first, truth, end


def test_conversions_changed_later_are_read_again(make_simulator, tap):
    sim, config, first, truth, end = _conversions_synced_once(make_simulator, tap, 44)
    assert_same_rows(records_of(first, "conversions"), truth, "conversion_id")

    # Three days before the end, a conversion is rejected after the fact.
    changed = next(
        r for r in reversed(truth) if r["conversion_unix_timestamp"] < end - 3 * DAY
    )
    sim.update_conversion(changed["conversion_id"], status="rejected", payout=0.0)
    sim.reset_log()
    second = tap.run(config, first.states[-1], streams=("conversions",))
    assert second.returncode == 0, second.stderr[-3000:]
    again = {r["conversion_id"]: r for r in records_of(second, "conversions")}
    assert again[changed["conversion_id"]]["status"] == "rejected"
    assert again[changed["conversion_id"]]["payout"] == 0
    froms = [r.body["from"] for r in conversion_requests(sim)]
    assert min(froms) == iso(end - 5 * DAY + 1).replace("T", " ").rstrip("Z")


def test_a_sync_stopped_in_its_lookback_resumes_without_moving_back(
    make_simulator, tap
):
    sim, config, first, _, end = _conversions_synced_once(make_simulator, tap, 48)
    done = first.states[-1]["bookmarks"]["conversions"]["complete_through"]

    # The lookback's first window (a day) is read again, then Everflow fails.
    sim.queue_faults(Fault.delay(0), Fault.status(400, "bad request"))
    stopped = tap.run(config, first.states[-1], streams=("conversions",))
    assert stopped.returncode == 1
    assert records_of(stopped, "conversions")
    assert stopped.messages[-1]["type"] == "STATE"  # written as the sync stopped
    state = stopped.states[-1]
    assert state["bookmarks"]["conversions"]["complete_through"] == done

    sim.reset_log()
    resumed = tap.run(config, state, streams=("conversions",))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    froms = [r.body["from"] for r in conversion_requests(sim)]
    assert min(froms) == iso(end - 5 * DAY + 1).replace("T", " ").rstrip("Z")


def test_entities_are_paged_and_carry_derived_times(make_simulator, tap):
    start, end = period(400)
    offers = offer_entities(45, start, end, 4_500)
    affiliates = affiliate_entities(46, start, end, 2_000)
    advertisers = advertiser_entities(47, start, end)
    sim = make_simulator(
        [], offers=offers, affiliates=affiliates, advertisers=advertisers
    )
    run = tap.run(
        tap_config(sim, start_date=iso(end - DAY), end_date=iso(end)),
        streams=("offers", "affiliates", "advertisers"),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert_same_rows(records_of(run, "offers"), offers, "network_offer_id")
    assert_same_rows(records_of(run, "affiliates"), affiliates, "network_affiliate_id")
    assert_same_rows(
        records_of(run, "advertisers"), advertisers, "network_advertiser_id"
    )
    pages = Counter(r.path.rsplit("/", 1)[-1] for r in sim.requests)
    assert pages == {"offers": 3, "affiliates": 1, "advertisers": 1}
    for record in records_of(run, "offers")[::100]:
        assert_valid(record, OffersStream.schema)
        assert record["created_at"] == iso(record["time_created"]).replace(
            "Z", "+00:00"
        )


def test_an_empty_entity_list_is_an_empty_stream(make_simulator, tap):
    start, end = period(1)
    sim = make_simulator([])
    run = tap.run(window_config(sim, start, end), streams=("offers",))
    assert run.returncode == 0, run.stderr[-3000:]
    assert not records_of(run, "offers")


def daily_truth(impressions, clicks, conversions) -> dict[tuple, dict]:
    """Per (day, offer, affiliate): impressions, clicks, approved conversions
    and approved events."""
    import datetime as dt

    totals: dict[tuple, dict] = {}

    def add(row, time_field: str, metric: str) -> None:
        day = dt.datetime.fromtimestamp(row[time_field], dt.timezone.utc).date()
        related = row["relationship"]
        key = (
            day.isoformat(),
            str(related["offer"]["network_offer_id"]),
            str(related["affiliate"]["network_affiliate_id"]),
        )
        cell = totals.setdefault(key, {"imp": 0, "total_click": 0, "cv": 0, "event": 0})
        cell[metric] += 1

    for row in impressions:
        add(row, "unix_timestamp", "imp")
    for row in clicks:
        add(row, "unix_timestamp", "total_click")
    for row in conversions:
        if row["status"] == "approved":
            metric = "event" if row["is_event"] else "cv"
            add(row, "conversion_unix_timestamp", metric)
    return totals


def test_daily_report_splits_overfull_days_and_adds_up(make_simulator, tap):
    start, end = period(3)
    impressions = uniform(48, start, end, 6_000)
    clicks = uniform(49, start, end, 3_000, kind="clicks")
    conversions = uniform(50, start, end, 600, kind="conversions")
    # Days hold about 600 offer x affiliate rows: over a cap of 100, they are
    # split by offer (about 30 rows each).
    sim = make_simulator(
        impressions, clicks=clicks, conversions=conversions, max_rows=100
    )
    run = tap.run(window_config(sim, start, end), streams=("daily_report",))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "no column left to split on" not in run.stderr
    records = records_of(run, "daily_report")
    got = {
        (r["date"], r["offer_id"], r["affiliate_id"]): {
            "imp": r["imp"],
            "total_click": r["total_click"],
            "cv": r["cv"],
            "event": r["event"],
        }
        for r in records
    }
    assert len(got) == len(records)  # one row per day, offer and affiliate
    expected = daily_truth(impressions, clicks, conversions)
    assert {k: v for k, v in got.items() if any(v.values())} == expected
    assert any(r.overflowed for r in sim.requests)
    assert any(r.body["query"]["filters"] for r in sim.requests)
    assert all(r["offer_label"] for r in records)


def table_requests(sim) -> list:
    return [r for r in sim.requests if r.path.endswith("/entity/table")]


def test_a_daily_report_stopped_in_its_lookback_resumes_without_moving_back(
    make_simulator, tap
):
    start, end = period(20)
    sim = make_simulator(uniform(51, start, end, 2_000))
    config = window_config(
        sim, start, end, daily_report_lookback_days=5, max_concurrent_requests=1
    )
    first = tap.run(config, streams=("daily_report",))
    assert first.returncode == 0, first.stderr[-3000:]
    last_day = iso(end)[:10]
    assert first.states[-1]["bookmarks"]["daily_report"]["complete_through"] == (
        last_day
    )

    # The lookback's first day is read again, then Everflow fails.
    sim.queue_faults(Fault.delay(0), Fault.status(400, "bad request"))
    stopped = tap.run(config, first.states[-1], streams=("daily_report",))
    assert stopped.returncode == 1
    assert records_of(stopped, "daily_report")
    bookmark = stopped.states[-1]["bookmarks"]["daily_report"]
    assert bookmark["complete_through"] == last_day

    sim.reset_log()
    resumed = tap.run(config, stopped.states[-1], streams=("daily_report",))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    days = sorted(r.body["from"] for r in table_requests(sim))
    assert days[0] == iso(end - 5 * DAY)[:10]
    assert days[-1] == last_day


def test_daily_report_requests_days_ahead(make_simulator, tap):
    start, end = period(12)
    sim = make_simulator(uniform(52, start, end, 2_000), hold_first=4)
    config = window_config(
        sim, start, end, max_concurrent_requests=4, max_requests_per_second=100
    )
    run = tap.run(config, streams=("daily_report",))
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(table_requests(sim)) == 12
    assert sim.most_in_flight == 4
    assert [r["date"] for r in records_of(run, "daily_report")] == sorted(
        r["date"] for r in records_of(run, "daily_report")
    )


def test_a_daily_report_column_everflow_rejects_names_the_setting(make_simulator, tap):
    start, end = period(2)
    sim = make_simulator(uniform(53, start, end, 200))
    config = window_config(sim, start, end, daily_report_columns=["offer", "sub9"])
    run = tap.run(config, streams=("daily_report",))
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-1]
    assert "check that each of daily_report_columns" in last
    assert "unknown column 'sub9'" in last  # Everflow's own message
    assert "Traceback" not in run.stderr


def test_an_entity_deleted_while_the_list_is_paged_hides_no_other(make_simulator, tap):
    start, end = period(400)
    offers = offer_entities(54, start, end, 4_500)
    sim = make_simulator([], offers=offers)
    # Once page 1 is read, an offer on it is deleted: the first offer of
    # page 2 moves back onto page 1, which was read already.
    deleted = offers[0]["network_offer_id"]
    sim.after_requests(1, lambda: sim.delete_entity("offers", deleted))
    run = tap.run(tap_config(sim), streams=("offers",))
    assert run.returncode == 0, run.stderr[-3000:]
    ids = [r["network_offer_id"] for r in records_of(run, "offers")]
    assert len(ids) == len(set(ids))
    assert set(ids) == {r["network_offer_id"] for r in offers}
    assert "the list changed while it was paged (totals by page: 4500, 4499, 4499)" in (
        run.stderr
    )
    assert sum(r.path.endswith("/offers") for r in sim.requests) == 6  # read twice


def test_an_entity_created_while_the_list_is_paged_is_read_once(make_simulator, tap):
    start, end = period(400)
    offers = offer_entities(55, start, end, 4_500)
    sim = make_simulator([], offers=offers[1:])
    # Once page 1 is read, an offer is created onto it: the last offer of
    # page 1 is pushed onto page 2, and the total grows.
    sim.after_requests(1, lambda: sim.add_entity("offers", offers[0]))
    run = tap.run(tap_config(sim), streams=("offers",))
    assert run.returncode == 0, run.stderr[-3000:]
    ids = [r["network_offer_id"] for r in records_of(run, "offers")]
    assert len(ids) == len(set(ids))  # the offer pushed onto page 2: not twice
    # The total changed, so the list is read again: the new offer too.
    assert set(ids) == {r["network_offer_id"] for r in offers}
    assert sum(r.path.endswith("/offers") for r in sim.requests) == 6  # twice
