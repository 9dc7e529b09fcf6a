"""The simulator itself, over real HTTP: it must keep the API of docs/api.md.

Tests of the tap trust the simulator's answers, so these check each rule it
serves against the truth it was given: windows, the row cap and overflow
modes, filters, retention, paging, the aggregated report and faults.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
import requests

from harness.simulator import (
    EverflowSimulator,
    Fault,
    ReportOptions,
    advertiser_entities,
    affiliate_entities,
    affiliate_name,
    bursty,
    network,
    offer_entities,
    offer_name,
    quiet,
    uniform,
)
from harness.simulator.catalog import country_code_of
from harness.simulator.records import Network
from harness.simulator.server import ENTITIES
from tests import reference

KEY = "test-key"
DAY = 86_400
NOW = 1_790_000_000  # 2026-09-21 14:13:20 UTC: fixed, so every run is alike
START = NOW - NOW % DAY - 3 * DAY  # three whole UTC days before today
END = START + 3 * DAY - 1
RAW_KINDS = ("impressions", "clicks")
KEY_OF = {
    "impressions": "transaction_id",
    "clicks": "transaction_id",
    "conversions": "conversion_id",
}
TIME_OF = {
    "impressions": "unix_timestamp",
    "clicks": "unix_timestamp",
    "conversions": "conversion_unix_timestamp",
}
# Serve records exactly as stored, for tests comparing them with the truth.
EXACT = {"omit_rate": 0.0, "null_rate": 0.0, "extra_field_rate": 0.0}


def text(epoch: int, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return time.strftime(fmt, time.gmtime(epoch))


def window(start: int, end: int, **extra) -> dict:
    """A raw stream body for [start, end] in UTC."""
    return {"from": text(start), "to": text(end), "timezone_id": 67, **extra}


def query(*filters: tuple[str, object], exclusions=()) -> dict:
    def shaped(pairs) -> list[dict]:
        return [{"resource_type": t, "filter_id_value": str(v)} for t, v in pairs]

    return {"query": {"filters": shaped(filters), "exclusions": shaped(exclusions)}}


@pytest.fixture
def serve():
    """Start simulators with a fixed clock and key; stop them at the end."""
    started: list[EverflowSimulator] = []

    def start(**options) -> EverflowSimulator:
        options.setdefault("now", NOW)
        sim = EverflowSimulator(api_key=KEY, **options).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


def call(sim, method: str, path: str, body=None, **params) -> requests.Response:
    return requests.request(
        method,
        f"{sim.url}{path}",
        json=body,
        params=params,
        headers={"X-Eflow-API-Key": KEY},
        timeout=10,
    )


def raw(sim, kind: str, body: dict) -> requests.Response:
    return call(sim, "POST", f"/networks/reporting/{kind}/stream", body)


def conversions(sim, body: dict, **params) -> requests.Response:
    return call(sim, "POST", "/networks/reporting/conversions", body, **params)


def table(sim, body: dict) -> requests.Response:
    return call(sim, "POST", "/networks/reporting/entity/table", body)


def utc_date(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()


def local_midnight(day: dt.date, zone: ZoneInfo) -> int:
    return int(dt.datetime.combine(day, dt.time(), zone).timestamp())


def between(rows: list[dict], start: int, end: int, field="unix_timestamp") -> list:
    return [r for r in rows if start <= r[field] <= end]


# -- generators ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["impressions", "clicks", "conversions"])
def test_generators_are_deterministic_and_kinds_differ(kind):
    def generate(kind: str) -> list[dict]:
        return bursty(
            3, START, END, 300, hot_seconds=1, rows_per_hot_second=50, kind=kind
        )

    rows = generate(kind)
    assert rows == generate(kind)
    assert len(rows) == 350
    times = [r[TIME_OF[kind]] for r in rows]
    assert times == sorted(times)
    assert START <= times[0] <= times[-1] <= END
    ids = {r[KEY_OF[kind]] for r in rows}
    assert len(ids) == len(rows)
    if kind != "impressions":
        assert not ids & {r["transaction_id"] for r in generate("impressions")}


def test_click_and_conversion_fields_are_well_formed():
    clicks = uniform(4, START, END, 2_000, kind="clicks")
    for click in clicks:
        assert click["is_unique"] in (0, 1)
        assert click["payout"] == round(click["payout"], 2)
        assert isinstance(click["has_conversion"], bool)
        offer = click["relationship"]["offer"]
        assert offer["name"] == offer_name(offer["network_offer_id"])
    assert {c["payout_type"] for c in clicks} >= {"cpa", "cpc", "rev_share"}
    assert any(c["payout"] for c in clicks)
    assert any(c["error_code"] for c in clicks)
    assert any(c["idfa"] for c in clicks)
    assert any(c["relationship"]["query_parameters"] for c in clicks)
    found = uniform(4, START, END, 2_000, kind="conversions")
    assert {c["status"] for c in found} == {
        "approved",
        "pending",
        "rejected",
        "invalid",
    }
    for conversion in found:
        delay = (
            conversion["conversion_unix_timestamp"] - conversion["click_unix_timestamp"]
        )
        assert 60 <= delay <= 30 * DAY
        # A base conversion's event is "Base" (the reference's example).
        assert conversion["is_event"] == (conversion["event"] != "Base")
        assert conversion["revenue"] == round(conversion["revenue"], 2)


def test_entities_agree_with_the_traffic():
    offers = offer_entities(1, START - 365 * DAY, END, 20)
    affiliates = affiliate_entities(1, START - 365 * DAY, END, 30)
    advertisers = advertiser_entities(1, START - 365 * DAY, END)
    assert [o["network_offer_id"] for o in offers] == list(range(1, 21))
    assert offers[:5] == offer_entities(1, START - 365 * DAY, END, 5)
    names = {a["network_advertiser_id"]: a["name"] for a in advertisers}
    for row in uniform(5, START, END, 500, kind="clicks"):
        relationship = row["relationship"]
        offer = offers[relationship["offer"]["network_offer_id"] - 1]
        advertiser = relationship["advertiser"]
        assert offer["network_advertiser_id"] == advertiser["network_advertiser_id"]
        assert names[advertiser["network_advertiser_id"]] == advertiser["name"]
        affiliate = affiliates[relationship["affiliate"]["network_affiliate_id"] - 1]
        assert affiliate["name"] == relationship["affiliate"]["name"]
        manager = relationship["affiliate_manager"]["network_employee_id"]
        assert affiliate["network_employee_id"] == manager
        # Statuses agree too: the click's related offer is the offer entity.
        assert relationship["offer"]["offer_status"] == offer["offer_status"]
        assert (
            relationship["affiliate"]["account_status"] == affiliate["account_status"]
        )
    for entity in (*offers, *affiliates, *advertisers):
        assert START - 365 * DAY <= entity["time_created"] <= entity["time_saved"]
        assert entity["time_saved"] <= END


# -- raw streams -----------------------------------------------------------------


@pytest.mark.parametrize("kind", RAW_KINDS)
def test_raw_window_answers_are_the_truth_in_the_window(serve, kind):
    truth = uniform(6, START, END, 3_000, kind=kind)
    sim = serve(**{kind: truth}, **EXACT)
    # Bounds on a row's own second: both ends are inclusive.
    start, end = truth[100]["unix_timestamp"], truth[900]["unix_timestamp"]
    answer = raw(sim, kind, window(start, end))
    assert answer.status_code == 200
    rows = answer.json()[kind]
    expected = between(truth, start, end)
    key = KEY_OF[kind]
    assert sorted(rows, key=lambda r: r[key]) == sorted(expected, key=lambda r: r[key])
    assert sim.requests[-1].matched == len(expected)


def test_the_other_kinds_endpoint_does_not_see_a_kinds_rows(serve):
    sim = serve(impressions=uniform(7, START, END, 100))
    assert raw(sim, "clicks", window(START, END)).json() == {"clicks": []}


@pytest.mark.parametrize("kind", RAW_KINDS)
@pytest.mark.parametrize(
    ("mode", "counts", "flagged"),
    [
        ("exact", {50}, False),
        ("exact_flagged", {50}, True),
        ("flag_partial", set(range(1, 50)), True),
        ("flag_empty", {0}, True),
    ],
)
def test_overflow_modes(serve, kind, mode, counts, flagged):
    truth = uniform(8, START, END, 120, kind=kind)
    sim = serve(**{kind: truth}, max_rows=50, overflow_mode=mode)
    body = raw(sim, kind, window(START, END)).json()
    assert len(body[kind]) in counts
    assert body.get("incomplete_results", False) is flagged
    assert {r["transaction_id"] for r in body[kind]} <= {
        r["transaction_id"] for r in truth
    }
    assert sim.requests[-1].overflowed
    assert sim.requests[-1].matched == 120


@pytest.mark.parametrize("kind", RAW_KINDS)
def test_exactly_the_cap_is_complete_but_looks_overflowed(serve, kind):
    truth = uniform(9, START, END, 50, kind=kind)
    sim = serve(**{kind: truth}, max_rows=50)
    body = raw(sim, kind, window(START, END)).json()
    assert len(body[kind]) == 50
    assert "incomplete_results" not in body
    # A full answer may hide more: docs/api.md#overflow.
    assert sim.requests[-1].overflowed


def test_response_shapes(serve):
    impressions = uniform(10, START, END, 120)
    clicks = uniform(10, START, END, 120, kind="clicks")
    sim = serve(
        impressions=impressions, clicks=clicks, response_shape="array", max_rows=50
    )
    rows = raw(sim, "impressions", window(START, END)).json()
    assert isinstance(rows, list)
    assert len(rows) == 50  # a bare list can only overflow exactly
    # The contract shows clicks only as an object.
    assert isinstance(raw(sim, "clicks", window(START, END)).json(), dict)


@pytest.mark.parametrize("kind", RAW_KINDS)
def test_fourteen_days_at_most(serve, kind):
    sim = serve()
    assert raw(sim, kind, window(START, START + 14 * DAY)).status_code == 200
    answer = raw(sim, kind, window(START, START + 14 * DAY + 1))
    assert answer.status_code == 400
    assert "14 days" in answer.json()["error"]
    assert raw(sim, kind, {"from": text(START), "to": text(END)}).status_code == 400
    assert raw(sim, kind, window(END, START)).status_code == 400
    bad = {**window(START, END), "from": "2026-01-01"}
    assert raw(sim, kind, bad).status_code == 400


@pytest.mark.parametrize("kind", RAW_KINDS)
def test_filters_or_within_a_type_and_across_types_and_exclusions(serve, kind):
    truth = uniform(11, START, END, 2_000, offers=6, affiliates=5, kind=kind)
    sim = serve(**{kind: truth}, **EXACT)

    def ids(body_query: dict) -> set[str]:
        answer = raw(sim, kind, window(START, END, **body_query))
        assert answer.status_code == 200, answer.text
        return {r["transaction_id"] for r in answer.json()[kind]}

    def truth_ids(keep) -> set[str]:
        return {r["transaction_id"] for r in truth if keep(r["relationship"])}

    def offer(rel):
        return rel["offer"]["network_offer_id"]

    def affiliate(rel):
        return rel["affiliate"]["network_affiliate_id"]

    def country(rel):
        return rel["geolocation"]["country_code"]

    assert ids(query(("offer", 1), ("offer", 2))) == truth_ids(
        lambda r: offer(r) in (1, 2)
    )
    assert ids(query(("offer", 1), ("offer", 2), ("affiliate", 3))) == truth_ids(
        lambda r: offer(r) in (1, 2) and affiliate(r) == 3
    )
    assert ids(
        query(("offer", 1), exclusions=[("affiliate", 3), ("country", "US")])
    ) == truth_ids(lambda r: offer(r) == 1 and affiliate(r) != 3 and country(r) != "US")
    # The contract allows these types, but no record carries them.
    assert ids(query(("campaign", 1))) == set()
    assert ids(query(exclusions=[("campaign", 1)])) == truth_ids(lambda r: True)
    bad = window(START, END, **query(("colour", "red")))
    assert raw(sim, kind, bad).status_code == 400


def test_creative_filters_clicks_only(serve):
    clicks = uniform(12, START, END, 500, offers=3, kind="clicks")
    impressions = uniform(12, START, END, 500, offers=3)
    sim = serve(impressions=impressions, clicks=clicks)
    creative = next(c["creative_id"] for c in clicks if c["creative_id"])
    body = window(START, END, **query(("creative", creative)))
    served = raw(sim, "clicks", body).json()["clicks"]
    assert {r["transaction_id"] for r in served} == {
        c["transaction_id"] for c in clicks if c["creative_id"] == creative
    }
    assert raw(sim, "impressions", body).json()["impressions"] == []


def test_retention(serve):
    old_start, old_end = NOW - 120 * DAY, NOW - 110 * DAY
    clicks = uniform(13, old_start, old_end, 2_000, kind="clicks")
    impressions = uniform(13, old_start, old_end, 200)
    sim = serve(impressions=impressions, clicks=clicks)
    assert raw(sim, "impressions", window(old_start, old_end)).json() == {
        "impressions": []
    }
    served = raw(sim, "clicks", window(old_start, old_end)).json()["clicks"]
    converted = {c["transaction_id"] for c in clicks if c["has_conversion"]}
    assert converted
    assert {r["transaction_id"] for r in served} == converted
    # Converted clicks, too, are gone after a year.
    ancient = uniform(13, NOW - 380 * DAY, NOW - 370 * DAY, 2_000, kind="clicks")
    sim = serve(clicks=ancient)
    assert raw(sim, "clicks", window(NOW - 380 * DAY, NOW - 370 * DAY)).json() == {
        "clicks": []
    }


def test_impression_package_guards_impressions_only(serve):
    sim = serve(
        clicks=uniform(14, START, END, 10, kind="clicks"), has_impression_package=False
    )
    assert raw(sim, "impressions", window(START, END)).status_code == 403
    assert len(raw(sim, "clicks", window(START, END)).json()["clicks"]) == 10


def test_proto3_zero_values_and_extra_fields(serve):
    truth = uniform(15, START, END, 300, kind="clicks")
    sim = serve(clicks=truth, omit_rate=0.5, null_rate=0.3, extra_field_rate=1.0)
    rows = raw(sim, "clicks", window(START, END)).json()["clicks"]
    assert len(rows) == 300
    assert any("error_code" not in r for r in rows)
    assert any(r.get("error_code", 0) is None for r in rows)
    assert all(r["served_by"] == "sim-1" for r in rows)
    assert all(r["unix_timestamp"] for r in rows)


# -- conversions -------------------------------------------------------------------


def conversion_body(start: str, end: str, **extra) -> dict:
    return {
        "from": start,
        "to": end,
        "timezone_id": 67,
        "show_conversions": True,
        "show_events": True,
        **extra,
    }


def order(rows: list[dict]) -> list[dict]:
    return sorted(
        rows, key=lambda r: (r["conversion_unix_timestamp"], r["conversion_id"])
    )


def test_conversion_pages_are_stable_and_complete(serve):
    # Many share a second, so the order must break ties by id.
    truth = quiet(16, START, START + 3, 25, kind="conversions")
    sim = serve(conversions=truth, **EXACT)
    body = conversion_body(text(START, "%Y-%m-%d"), text(END, "%Y-%m-%d"))
    pages = [conversions(sim, body, page=n, page_size=10).json() for n in (1, 2, 3)]
    assert [len(p["conversions"]) for p in pages] == [10, 10, 5]
    assert all(p["paging"]["total_count"] == 25 for p in pages)
    assert [p["paging"]["page"] for p in pages] == [1, 2, 3]
    assert [row for p in pages for row in p["conversions"]] == order(truth)
    again = conversions(sim, body, page=2, page_size=10).json()
    assert again["conversions"] == pages[1]["conversions"]
    past = conversions(sim, body, page=4, page_size=10).json()
    assert not past.get("conversions")
    assert past["paging"]["total_count"] == 25
    default = conversions(sim, body).json()
    assert default["paging"] == {"page": 1, "page_size": 50, "total_count": 25}


def test_conversion_request_rules(serve):
    sim = serve(conversions=uniform(17, START, END, 40, kind="conversions"))
    day = text(START, "%Y-%m-%d")
    body = conversion_body(day, day)
    assert conversions(sim, body, page_size=2000).status_code == 200
    assert conversions(sim, body, page_size=2001).status_code == 400
    assert conversions(sim, body, page=0).status_code == 400
    assert conversions(sim, body, page="x").status_code == 400
    assert (
        conversions(sim, conversion_body(day, day, timezone_id=None)).status_code == 400
    )
    year = conversion_body("2025-09-21", "2026-09-21")
    assert conversions(sim, year).status_code == 200
    too_long = conversion_body("2025-09-21", "2026-09-22")
    assert conversions(sim, too_long).status_code == 400
    assert "one year" in conversions(sim, too_long).json()["error"]
    empty = conversions(sim, conversion_body("2025-01-01", "2025-01-02")).json()
    assert not empty.get("conversions")
    assert not (empty.get("paging") or {}).get("total_count")


def test_conversion_dates_are_whole_days_in_the_time_zone(serve):
    truth = uniform(18, START - DAY, END + DAY, 600, kind="conversions")
    sim = serve(conversions=truth, **EXACT)
    first, last = utc_date(START + DAY), utc_date(END - DAY)
    zone = ZoneInfo("America/New_York")
    lo = local_midnight(first, zone)
    hi = local_midnight(last + dt.timedelta(days=1), zone)
    body = conversion_body(first.isoformat(), last.isoformat(), timezone_id=80)
    rows = conversions(sim, body, page_size=2000).json()["conversions"]
    assert rows == order(between(truth, lo, hi - 1, "conversion_unix_timestamp"))
    exact = conversion_body(text(START), text(START + 3600))
    rows = conversions(sim, exact, page_size=2000).json()["conversions"]
    assert rows == order(
        between(truth, START, START + 3600, "conversion_unix_timestamp")
    )


def test_conversions_and_events_are_shown_on_request(serve):
    truth = uniform(19, START, END, 300, kind="conversions")
    sim = serve(conversions=truth)
    day0, day1 = text(START, "%Y-%m-%d"), text(END, "%Y-%m-%d")

    def count(**shown) -> int:
        body = {**conversion_body(day0, day1), **shown}
        return conversions(sim, body).json()["paging"].get("total_count", 0)

    events = sum(r["is_event"] for r in truth)
    assert 0 < events < 300
    assert count() == 300
    assert count(show_events=False) == 300 - events
    assert count(show_conversions=False) == events
    body = {"from": day0, "to": day1, "timezone_id": 67}  # both absent: false
    assert not conversions(sim, body).json()["paging"].get("total_count")
    assert conversions(sim, {**body, "show_events": "yes"}).status_code == 400


def test_conversion_filters_and_retention(serve):
    recent = uniform(20, START, END, 300, offers=4, kind="conversions")
    old = uniform(20, NOW - 400 * DAY, NOW - 300 * DAY, 100, kind="conversions")
    sim = serve(conversions=old + recent, **EXACT)
    body = conversion_body(
        text(START, "%Y-%m-%d"), text(END, "%Y-%m-%d"), **query(("offer", 2))
    )
    rows = conversions(sim, body, page_size=2000).json()["conversions"]
    assert rows == order(
        [r for r in recent if r["relationship"]["offer"]["network_offer_id"] == 2]
    )
    body = conversion_body(text(NOW - 400 * DAY), text(NOW - 300 * DAY))
    rows = conversions(sim, body, page_size=2000).json()["conversions"]
    assert rows == order(
        between(old, NOW - 365 * DAY, NOW, "conversion_unix_timestamp")
    )
    assert 0 < len(rows) < 100


def test_a_conversion_changes_after_the_fact(serve):
    truth = uniform(21, START, END, 20, kind="conversions")
    sim = serve(conversions=truth, **EXACT)
    target = next(r for r in truth if r["status"] == "pending" and r["payout"])
    updated = sim.update_conversion(
        target["conversion_id"], status="rejected", payout=0.0, revenue=0.0
    )
    assert updated == {**target, "status": "rejected", "payout": 0.0, "revenue": 0.0}
    assert target["status"] == "pending"  # the caller's record is left alone
    body = conversion_body(text(START, "%Y-%m-%d"), text(END, "%Y-%m-%d"))
    rows = conversions(sim, body).json()["conversions"]
    assert updated in rows
    assert len(rows) == 20
    with pytest.raises(KeyError):
        sim.update_conversion("0" * 32, status="approved")
    with pytest.raises(ValueError, match="unknown fields"):
        sim.update_conversion(target["conversion_id"], colour="red")


def test_added_rows_are_served(serve):
    sim = serve(**EXACT)
    clicks = uniform(24, START, END, 30, kind="clicks")
    found = uniform(24, START, END, 30, kind="conversions")
    sim.add_clicks(clicks[:10])
    sim.add_clicks(clicks[10:])
    sim.add_conversions(found)
    served = raw(sim, "clicks", window(START, END)).json()["clicks"]
    assert sorted(r["transaction_id"] for r in served) == sorted(
        r["transaction_id"] for r in clicks
    )
    body = conversion_body(text(START, "%Y-%m-%d"), text(END, "%Y-%m-%d"))
    assert conversions(sim, body).json()["conversions"] == order(found)
    assert sim.clicks == clicks
    assert sim.conversions == order(found)


# -- entities ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "key", "count"),
    [
        ("offers", "network_offer_id", 45),
        ("affiliates", "network_affiliate_id", 45),
        ("advertisers", "network_advertiser_id", 5),
    ],
)
def test_entity_pages(serve, kind, key, count):
    made = {
        "offers": lambda: offer_entities(2, START - DAY, END, count),
        "affiliates": lambda: affiliate_entities(2, START - DAY, END, count),
        "advertisers": lambda: advertiser_entities(2, START - DAY, END),
    }[kind]()
    sim = serve(**{kind: made[::-1]}, **EXACT)
    pages = [
        call(sim, "GET", f"/networks/{kind}", page=n, page_size=20) for n in (1, 2, 3)
    ]
    bodies = [p.json() for p in pages]
    assert [b["paging"]["total_count"] for b in bodies] == [count] * 3
    rows = [row for b in bodies for row in b.get(kind) or []]
    assert rows == made
    assert [r[key] for r in rows] == list(range(1, count + 1))
    assert call(sim, "GET", f"/networks/{kind}", page_size=2001).status_code == 400
    assert call(sim, "POST", f"/networks/{kind}").status_code == 405


def test_a_network_holds_every_entity_list_the_simulator_serves():
    lists = network(4, START - 30 * DAY, END, 60, 40)
    # The Network type, which mypy checks callers against, names the same lists.
    assert lists.keys() == ENTITIES.keys() == Network.__required_keys__


def test_no_entity_is_created_or_saved_after_the_period():
    # The period ends now: a list from the future would be no account's.
    start, end = START - 30 * DAY, END
    for kind, rows in network(5, start, end, 60, 40).items():
        for row in rows:
            for field in ("time_created", "time_saved"):
                assert start <= row.get(field, start) <= end, (kind, field, row)


def test_other_lists_shapes_filters_and_dates(serve):
    lists = network(4, START - 30 * DAY, END, 60, 40)
    sim = serve(**lists, **EXACT)
    saved = sorted(r["time_saved"] for r in lists["affiliates"])
    since = saved[len(saved) // 2]
    body = call(sim, "GET", "/networks/affiliates", filter=f"time_saved>{since}").json()
    assert {r["network_affiliate_id"] for r in body["affiliates"]} == {
        r["network_affiliate_id"]
        for r in lists["affiliates"]
        if r["time_saved"] > since
    }
    assert body["paging"]["total_count"] == len(body["affiliates"])
    assert call(sim, "GET", "/networks/affiliates", filter="name=x").status_code == 400
    sim.honours_list_filters = False  # a server that ignores the filter
    ignored = call(sim, "GET", "/networks/affiliates", filter=f"time_saved>{since}")
    assert len(ignored.json()["affiliates"]) == len(lists["affiliates"])

    # Bare arrays, paged without a paging object.
    users = call(sim, "GET", "/networks/affiliates/users", page=2, page_size=10).json()
    assert users == lists["affiliate_users"][10:20]
    # Searches: POST only, paging in the query string.
    path = "/networks/custom/scrubratetable"
    assert call(sim, "GET", path).status_code == 405
    body = call(sim, "POST", path, {}, page_size=1).json()
    assert body["custom_scrub_rate_settings"] == lists["custom_scrub_rate_settings"][:1]
    # Dated lists: from and to are required days.
    path = "/networks/reportingadjustments"
    assert call(sim, "GET", path).status_code == 400
    day = lists["reporting_adjustments"][0]["date_adjustment"]
    rows = call(sim, "GET", path, **{"from": day, "to": day}).json()["adjustments"]
    assert rows == [
        r for r in lists["reporting_adjustments"] if r["date_adjustment"] == day
    ]


def test_invalid_clicks_come_a_thousand_at_most_in_either_shape(serve):
    truth = uniform(5, START, END, 1_500, kind="invalid_clicks")
    sim = serve(invalid_clicks=truth, overflow_mode="exact", **EXACT)
    shapes = set()
    for _ in range(6):
        body = call(
            sim, "POST", "/networks/reporting/invalidclicks", window(START, END)
        )
        rows = body.json()
        shapes.add(type(rows).__name__)
        rows = rows["clicks"] if isinstance(rows, dict) else rows
        assert len(rows) == 1_000
        assert all(r["error_code"] for r in rows)
    assert shapes == {"dict", "list"}
    hour = call(
        sim, "POST", "/networks/reporting/invalidclicks", window(START, START + 3_599)
    ).json()
    rows = hour["clicks"] if isinstance(hour, dict) else hour
    assert len(rows) == len(between(truth, START, START + 3_599))


# -- entity table ------------------------------------------------------------------


def brute_force_table(truth: dict, start: int, end: int, zone: ZoneInfo, keep) -> dict:
    """(offer id, day) -> the reporting numbers, counted the obvious way."""
    counts: dict = defaultdict(Counter)

    def group(row: dict, ts: int) -> tuple[str, str]:
        day = dt.datetime.fromtimestamp(ts, zone).date().isoformat()
        return str(row["relationship"]["offer"]["network_offer_id"]), day

    for row in between(truth["impressions"], start, end):
        if keep(row):
            counts[group(row, row["unix_timestamp"])]["imp"] += 1
    for row in between(truth["clicks"], start, end):
        if keep(row):
            totals = counts[group(row, row["unix_timestamp"])]
            totals["total_click"] += 1
            totals["unique_click"] += row["is_unique"]
            totals["payout"] += round(row["payout"] * 100)
            totals["revenue"] += round(row["revenue"] * 100)
    for row in between(truth["conversions"], start, end, "conversion_unix_timestamp"):
        if keep(row) and row["status"] == "approved":
            totals = counts[group(row, row["conversion_unix_timestamp"])]
            totals["event" if row["is_event"] else "cv"] += 1
            totals["payout"] += round(row["payout"] * 100)
            totals["revenue"] += round(row["revenue"] * 100)
    return counts


def reporting(totals: Counter) -> dict:
    clicks = totals["total_click"]
    return {
        "imp": totals["imp"],
        "total_click": clicks,
        "unique_click": totals["unique_click"],
        "cv": totals["cv"],
        "cvr": round(totals["cv"] / clicks * 100, 4) if clicks else 0.0,
        "event": totals["event"],
        "revenue": totals["revenue"] / 100,
        "payout": totals["payout"] / 100,
        "profit": (totals["revenue"] - totals["payout"]) / 100,
    }


@pytest.fixture(scope="module")
def small_account() -> dict:
    span = (START - DAY, END + DAY)
    return {
        "impressions": uniform(22, *span, 1_500, offers=5),
        "clicks": uniform(22, *span, 900, offers=5, kind="clicks"),
        "conversions": uniform(22, *span, 400, offers=5, kind="conversions"),
    }


def everything(_row: dict) -> bool:
    return True


def us_or_germany_but_not_offer_3(row: dict) -> bool:
    return (
        country_code_of(row) in ("US", "DE")
        and row["relationship"]["offer"]["network_offer_id"] != 3
    )


@pytest.mark.parametrize(
    ("body_query", "keep"),
    [
        ({}, everything),
        (
            query(("country", "US"), ("country", "DE"), exclusions=[("offer", 3)]),
            us_or_germany_but_not_offer_3,
        ),
    ],
)
def test_entity_table_counts_the_truth(serve, small_account, body_query, keep):
    sim = serve(**small_account, **EXACT)
    zone = ZoneInfo("America/New_York")
    first, last = utc_date(START), utc_date(END)
    lo = local_midnight(first, zone)
    hi = local_midnight(last + dt.timedelta(days=1), zone)
    body = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "timezone_id": 80,
        "currency_id": "USD",
        "columns": [{"column": "offer"}, {"column": "date"}],
        **body_query,
    }
    answer = table(sim, body)
    assert answer.status_code == 200, answer.text
    payload = answer.json()
    expected = brute_force_table(small_account, lo, hi - 1, zone, keep)
    got = {}
    for row in payload["table"]:
        offer, day = row["columns"]
        assert offer["column_type"] == "offer"
        assert day["column_type"] == "date"
        assert offer["label"] == offer_name(int(offer["id"]))
        assert day["id"] == day["label"]
        got[offer["id"], day["id"]] = row["reporting"]
    assert got == {key: reporting(totals) for key, totals in expected.items()}
    assert {day for _, day in got} == {
        (first + dt.timedelta(days=n)).isoformat() for n in range(3)
    }
    assert payload["summary"] == reporting(sum(expected.values(), Counter()))
    assert "incomplete_results" not in payload


def test_entity_table_other_columns(serve, small_account):
    sim = serve(**small_account, **EXACT)
    day0, day1 = text(START, "%Y-%m-%d"), text(END, "%Y-%m-%d")
    body = {
        "from": day0,
        "to": day1,
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": "affiliate"}, {"column": "country"}],
    }
    rows = table(sim, body).json()["table"]
    imps = Counter(
        (
            str(r["relationship"]["affiliate"]["network_affiliate_id"]),
            r["relationship"]["geolocation"]["country_code"],
        )
        for r in between(small_account["impressions"], START, END)
    )
    got = {}
    for row in rows:
        affiliate, country = row["columns"]
        assert affiliate["label"] == affiliate_name(int(affiliate["id"]))
        got[affiliate["id"], country["id"]] = row["reporting"]["imp"]
    assert {k: v for k, v in got.items() if v} == imps
    body["columns"] = [{"column": "advertiser"}]
    rows = table(sim, body).json()["table"]
    assert len(rows) == 5


def test_entity_table_caps_its_groups(serve, small_account):
    sim = serve(**small_account, max_rows=4)
    body = {
        "from": text(START, "%Y-%m-%d"),
        "to": text(END, "%Y-%m-%d"),
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": "offer"}],
    }
    payload = table(sim, body).json()
    assert len(payload["table"]) == 4
    assert payload["incomplete_results"] is True
    assert payload["summary"]["imp"] == len(
        between(small_account["impressions"], START, END)
    )
    assert sim.requests[-1].overflowed
    assert sim.requests[-1].matched == 5


def test_entity_table_request_rules(serve):
    sim = serve()
    body = {
        "from": "2025-09-21",
        "to": "2026-09-21",
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": "offer"}],
    }
    answer = table(sim, body)
    assert answer.status_code == 200
    assert not answer.json().get("table")
    assert table(sim, {**body, "to": "2026-09-22"}).status_code == 400
    assert table(sim, {**body, "columns": []}).status_code == 400
    assert table(sim, {**body, "columns": [{"column": "colour"}]}).status_code == 400
    # Dates or datetimes, one time column at most (docs/api.md#aggregated-report).
    assert table(sim, {**body, "from": "2026-01-01 00:00:00"}).status_code == 200
    assert table(sim, {**body, "from": "2026-01-01T00:00"}).status_code == 400
    two = [{"column": "hour"}, {"column": "date"}]
    assert table(sim, {**body, "columns": two}).status_code == 400
    assert table(sim, {**body, "currency_id": 840}).status_code == 400


@pytest.mark.parametrize("time_ids", ["datetime", "epoch"])
@pytest.mark.parametrize(
    ("column", "seconds"), [("unix_timestamp", 900), ("hour", 3_600)]
)
def test_entity_table_counts_time_buckets(serve, time_ids, column, seconds):
    truth = uniform(17, START, END, 3_000)
    sim = serve(impressions=truth, report=ReportOptions(time_ids=time_ids))
    body = {
        "from": text(START + 3_600),
        "to": text(START + 5 * 3_600 - 1),
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": column}],
    }
    rows = table(sim, body).json()["table"]
    got = {row["columns"][0]["id"]: row["reporting"]["imp"] for row in rows}
    expected = Counter(
        r["unix_timestamp"] // seconds * seconds
        for r in between(truth, START + 3_600, START + 5 * 3_600 - 1)
    )
    name = str if time_ids == "epoch" else text
    assert got == {name(at): n for at, n in expected.items()}


def test_entity_table_counts_can_be_off_as_a_real_reports_are(serve):
    truth = uniform(18, START, END, 20_000)
    sim = serve(
        impressions=truth, report=ReportOptions(count_noise=0.05, uncounted=0.01)
    )
    body = {
        "from": text(START),
        "to": text(END),
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": "unix_timestamp"}],
    }
    rows = table(sim, body).json()["table"]
    counts = [row["reporting"]["imp"] for row in rows]
    assert 0.97 * len(truth) < sum(counts) < 0.999 * len(truth)
    assert counts == [
        row["reporting"]["imp"] for row in table(sim, body).json()["table"]
    ]


# -- faults and the log --------------------------------------------------------------


def test_queued_faults_hit_every_endpoint_in_order(serve):
    sim = serve(offers=offer_entities(3, START, END, 3))
    sim.queue_faults(Fault.status(503), Fault.truncated(), Fault.reset())
    first = call(sim, "GET", "/networks/offers")
    assert first.status_code == 503
    assert "error" in first.json()
    second = call(sim, "POST", "/networks/reporting/entity/table", {})
    assert second.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(second.text)
    with pytest.raises(requests.ConnectionError):
        conversions(sim, {})
    assert call(sim, "GET", "/networks/offers").status_code == 200
    assert [r.fault for r in sim.requests] == ["status 503", "truncated", "reset", None]


def test_fault_rate_and_the_request_log(serve):
    sim = serve(fault_rate=1.0)
    for _ in range(20):
        with contextlib.suppress(requests.ConnectionError):
            call(sim, "GET", "/meta/timezones")
    assert len(sim.requests) == 20
    assert all(r.fault for r in sim.requests)
    sim = serve()
    conversions(sim, conversion_body("2026-09-01", "2026-09-02"), page=2, page_size=7)
    entry = sim.requests[-1]
    assert entry.method == "POST"
    assert entry.path == "/v1/networks/reporting/conversions"
    assert entry.query == {"page": "2", "page_size": "7"}
    assert entry.body["timezone_id"] == 67
    assert entry.status == 200
    sim.reset_log()
    assert sim.requests == []


def test_keys_and_routes(serve):
    sim = serve()
    answer = requests.get(f"{sim.url}/networks/offers", timeout=10)
    assert answer.status_code == 401
    assert call(sim, "GET", "/networks/nothing").status_code == 404
    timezones = call(sim, "GET", "/meta/timezones").json()["timezones"]
    assert {t["timezone_id"] for t in timezones} == {67, 80, 90}


def test_dst_days_are_whole_days_in_their_zone(serve):
    # 2026-11-01 is 25 hours long in New York.
    zone = ZoneInfo("America/New_York")
    midnight = local_midnight(dt.date(2026, 11, 1), zone)
    next_midnight = local_midnight(dt.date(2026, 11, 2), zone)
    assert next_midnight - midnight == 25 * 3600
    truth = uniform(23, midnight - 3600, next_midnight + 3600, 500)
    sim = serve(impressions=truth, now=next_midnight + 10 * DAY)
    body = {
        "from": "2026-10-31",
        "to": "2026-11-02",
        "timezone_id": 80,
        "currency_id": "USD",
        "columns": [{"column": "date"}],
    }
    days = {
        r["columns"][0]["id"]: r["reporting"]["imp"]
        for r in table(sim, body).json()["table"]
    }
    the_day = len(between(truth, midnight, next_midnight - 1))
    assert days["2026-11-01"] == the_day
    assert sum(days.values()) == len(truth)
    # The day alone, as the whole window: its 25th hour is in it.
    body |= {"from": "2026-11-01", "to": "2026-11-01"}
    assert table(sim, body).json()["summary"]["imp"] == the_day


def _simulated(kind: str) -> list[dict]:
    if kind in ("impressions", "clicks", "invalid_clicks", "conversions"):
        return uniform(3, START, END, 400, kind=kind)
    return network(1, START - 30 * DAY, END, 200, 200)[kind]


# Fields the sources disagree on: the simulator sends both readings.
BOTH_READINGS = {
    "relationship.geolocation.carrier_code": (str, int),
    "payment_terms": (str, int),
}


@pytest.mark.parametrize("kind", sorted(reference.EXAMPLES))
def test_simulated_records_have_the_reference_fields_and_types(kind):
    """The simulator's records are shaped as the reference documents, not guessed."""
    documented = reference.leaves(reference.EXAMPLES[kind](), kind)
    records = _simulated(kind)
    assert records, kind
    for record in records:
        fields = reference.leaves(record, kind)
        assert set(fields) == set(documented), kind
        for path, value in fields.items():
            expected = documented[path]
            allowed = BOTH_READINGS.get(path, (type(expected),))
            if isinstance(expected, float):
                allowed = (float, int)  # a JSON number may be written whole
            if expected is None:
                allowed = (type(None),)  # documented as null
            assert isinstance(value, allowed), (path, value)
