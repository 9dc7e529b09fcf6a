"""One paging rule for entity lists and paged reports, and servers paging otherwise.

In process: the real streams, their requests answered by functions of the page
asked for (end-to-end paging against the simulator is in test_streams.py and
test_entities.py). Also the one builder of a request's range.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from tap_everflow.errors import EverflowResponseError
from tap_everflow.planning.window_body import window_body
from tap_everflow.tap import TapEverflow
from tests.test_entities import advertiser_rows, stream_serving, synced

DAY_START = 1_700_006_400  # 2023-11-15 00:00:00 UTC


def conversions_serving(pages):
    """The conversions stream, its pages answered by ``pages(number)``.

    Returns the stream and the page numbers asked for.
    """
    stream = TapEverflow(config={"api_key": "x"}).streams["conversions"]
    asked: list[int] = []

    def post_json(_body, params=None, **_):
        asked.append(params["page"])
        return stream.read_answer(pages(params["page"]))

    stream.post_json = post_json
    return stream, asked


def conversion_rows(first: int, count: int) -> list[dict]:
    return [
        {"conversion_id": f"c{i}", "conversion_unix_timestamp": DAY_START + i}
        for i in range(first, first + count)
    ]


def first_window(stream):
    return next(stream.complete_windows(DAY_START, DAY_START + 86_399))


def test_a_short_page_short_of_the_total_is_followed_by_the_next():
    # A server paging by 1,500 rows although 2,000 were asked for.
    def pages(number: int) -> dict:
        rows = conversion_rows(1_500 * (number - 1), 1_500)[
            : max(0, 4_000 - 1_500 * (number - 1))
        ]
        return {"conversions": rows, "paging": {"total_count": 4_000}}

    stream, asked = conversions_serving(pages)
    window = first_window(stream)
    assert len(window.rows) == 4_000
    assert asked == [1, 2, 3]
    assert window.requests == 3


def test_a_report_window_whose_total_changed_is_read_again_rows_once(caplog):
    caplog.set_level(logging.INFO)
    calls = iter(range(100))

    def pages(number: int) -> dict:
        # A conversion arrives at the start of the window once page 1 is read:
        # the last row of page 1 moves onto page 2, and the total grows.
        arrived = next(calls) > 0
        rows = conversion_rows(0 if arrived else 1, 2_100 if arrived else 2_099)
        return {
            "conversions": rows[2_000 * (number - 1) : 2_000 * number],
            "paging": {"total_count": len(rows)},
        }

    stream, asked = conversions_serving(pages)
    window = first_window(stream)
    ids = [row.conversion_id for row in window.rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == {f"c{i}" for i in range(2_100)}
    assert asked == [1, 2, 1, 2]
    assert any("totals by page: 2099, 2100" in r.message for r in caplog.records)


def test_a_report_window_that_keeps_changing_stops_the_sync_in_one_line():
    totals = iter(range(2_001, 3_000))

    def pages(number: int) -> dict:
        rows = conversion_rows(2_000 * (number - 1), 2_000)
        return {
            "conversions": rows[: 10 if number > 1 else None],
            "paging": {"total_count": next(totals)},
        }

    stream, asked = conversions_serving(pages)
    with pytest.raises(EverflowResponseError) as caught:
        first_window(stream)
    assert "kept changing while it was paged (3 reads)" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert asked == [1, 2] * 3


def test_a_report_window_whose_pages_repeat_stops_the_sync_in_one_line():
    stream, asked = conversions_serving(
        lambda _n: {
            "conversions": conversion_rows(0, 2_000),
            "paging": {"total_count": 4_500},
        }
    )
    with pytest.raises(EverflowResponseError) as caught:
        first_window(stream)
    assert "answered page 2 with the rows of page 1 again (2000 rows read of 4500)" in (
        str(caught.value)
    )
    assert asked == [1, 2]


def test_a_total_larger_than_the_list_is_a_hint_named_in_a_warning(caplog):
    def pages(number: int) -> dict:
        rows = advertiser_rows(1, 120) if number == 1 else []
        return {"advertisers": rows, "paging": {"total_count": 150}}

    stream, asked = stream_serving("advertisers", pages)
    records, activations = synced(stream)
    assert len(records) == 120
    assert asked == [1, 2]  # a short page short of the total: one more, empty
    assert activations  # what the server sent is the whole list
    (warning,) = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "reported 150 rows but sent 120" in warning.message


def test_a_total_smaller_than_the_rows_is_read_past_while_pages_are_full():
    def pages(number: int) -> dict:
        rows = advertiser_rows(2_000 * (number - 1) + 1, 2_000)[
            : 4_100 - 2_000 * (number - 1)
        ]
        return {"advertisers": rows, "paging": {"total_count": 1_000}}

    stream, asked = stream_serving("advertisers", pages)
    assert len(list(stream.get_records(None))) == 4_100
    assert asked == [1, 2, 3]


def test_a_window_body_sends_times_in_utc_and_days_in_their_zone():
    assert window_body(DAY_START, DAY_START + 86_399) == {
        "from": "2023-11-15 00:00:00",
        "to": "2023-11-15 23:59:59",
        "timezone_id": 67,
    }
    day = dt.date(2023, 11, 15)
    assert window_body(day, day, 80) == {
        "from": "2023-11-15",
        "to": "2023-11-15",
        "timezone_id": 80,
    }
    with pytest.raises(ValueError, match="epoch seconds are UTC times"):
        window_body(DAY_START, DAY_START, 80)
