"""The one range policy of time-based streams (tap_everflow/planning/sync_range.py).

Properties over any clock, settings and state; bare-date partitions tiling as
docs/production.md promises; and docs/streams.md's table against the streams'
declarations.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap_everflow.planning.limits import DAY
from tap_everflow.planning.sync_range import (
    DEFAULT_REACH_DAYS,
    Kind,
    RangeInputs,
    RangeRule,
    Span,
    Unit,
    plan_range,
)
from tap_everflow.runtime.settings import parse_time
from tap_everflow.streams import STREAM_TYPES
from tap_everflow.streams.ranged import RangedStream

UTC = dt.timezone.utc
# Everflow's reporting zones the tap knows, and one an odd offset from UTC.
ZONES = [UTC, *map(ZoneInfo, ("America/New_York", "America/Los_Angeles"))]
ZONES.append(ZoneInfo("Asia/Kathmandu"))  # UTC+5:45
NOW = dt.datetime(2026, 11, 20, 10, 30, 15, tzinfo=UTC)
DOCS = Path(__file__).parents[1] / "docs" / "streams.md"


def instants(lo_days: int, hi_days: int) -> st.SearchStrategy[dt.datetime]:
    """Aware instants between ``lo_days`` and ``hi_days`` days from NOW."""
    return st.integers(lo_days * DAY, hi_days * DAY).map(
        lambda offset: NOW + dt.timedelta(seconds=offset)
    )


@st.composite
def asked(draw: st.DrawFn) -> tuple[Unit, RangeInputs]:
    """Any unit, clock, settings and state a run may meet."""
    unit = draw(st.sampled_from(Unit))
    zone = draw(st.sampled_from(ZONES)) if unit is Unit.DAY else UTC
    now = NOW + dt.timedelta(seconds=draw(st.integers(0, 400 * DAY)))

    def mark() -> dt.date | None:
        when = draw(st.none() | instants(-800, 0))
        if when is not None and unit is Unit.DAY:  # day streams keep days
            return when.astimezone(zone).date()
        return when

    return unit, RangeInputs(
        now=now,
        start_date=draw(st.none() | instants(-800, 400)),
        end_date=draw(st.none() | instants(-800, 500)),
        lag_minutes=draw(st.integers(0, 600)),
        retention_days=draw(st.none() | st.integers(1, 400)),
        lookback_days=draw(st.integers(0, 365)),
        bookmark=mark(),
        complete_through=mark(),
        zone=zone,
    )


def at(unit: Unit, inputs: RangeInputs, value: dt.date) -> int:
    return unit.position(value, inputs.zone)


def earliest(unit: Unit, inputs: RangeInputs) -> int | None:
    if inputs.retention_days is None:
        return None
    return at(unit, inputs, inputs.now) - inputs.retention_days * unit.per_day


def kinds(unit: Unit, inputs: RangeInputs) -> set[Kind]:
    return {notice.kind for notice in plan_range(unit, inputs).notices}


@given(asked())
def test_a_range_due_starts_no_later_than_it_ends(case):
    plan = plan_range(*case)
    assert (plan.span is None) == (Kind.NOTHING_DUE in kinds(*case))
    if plan.span is not None:
        assert plan.span.first <= plan.span.last


@given(asked())
def test_a_range_never_starts_before_the_retention_nor_start_date(case):
    unit, inputs = case
    span = plan_range(unit, inputs).span
    if span is None:
        return
    floor = earliest(unit, inputs)
    if floor is not None:
        assert span.first >= floor
    if inputs.start_date is not None:
        assert span.first >= at(unit, inputs, inputs.start_date)


@given(asked())
def test_a_range_ends_at_end_date_up_to_now_or_else_now_less_the_lag(case):
    unit, inputs = case
    plan = plan_range(unit, inputs)
    now = at(unit, inputs, inputs.now)
    settled = at(unit, inputs, inputs.now - dt.timedelta(minutes=inputs.lag_minutes))
    if inputs.end_date is None:
        end = settled
    else:
        end = min(now, at(unit, inputs, inputs.end_date))
    assert (Kind.END_WITHIN_LAG in kinds(unit, inputs)) == (end > settled)
    if plan.span is not None:
        assert plan.span.last == end


@given(asked())
def test_a_run_resumes_where_the_last_got_less_the_lookback(case):
    unit, inputs = case
    span = plan_range(unit, inputs).span
    if span is None or (inputs.bookmark is None and inputs.complete_through is None):
        return
    floors = [earliest(unit, inputs)]
    if inputs.start_date is not None:
        floors.append(at(unit, inputs, inputs.start_date))
    else:
        reach = inputs.retention_days or DEFAULT_REACH_DAYS
        floors.append(at(unit, inputs, inputs.now) - reach * unit.per_day)
    marks = [at(unit, inputs, inputs.start_date)] if inputs.start_date else []
    if inputs.bookmark is not None:
        marks.append(at(unit, inputs, inputs.bookmark))
    if inputs.complete_through is not None:
        marks.append(unit.after_mark(at(unit, inputs, inputs.complete_through)))
    resumed = max(marks)
    if inputs.lookback_days:
        looked_back = resumed - inputs.lookback_days * unit.per_day
        # The lookback stops at start_date (or the default start), and never
        # reaches before the retention.
        resumed = max(looked_back, *(f for f in floors if f is not None))
    assert span.first == max(resumed, earliest(unit, inputs) or resumed)


@given(asked())
def test_notices_say_why_the_start_is_where_it_is(case):
    unit, inputs = case
    said = kinds(unit, inputs)
    first_run = inputs.bookmark is None and inputs.complete_through is None
    assert (Kind.NO_START_DATE in said) == (first_run and inputs.start_date is None)
    floor = earliest(unit, inputs)
    marks = [inputs.start_date, inputs.bookmark, inputs.complete_through]
    # Only a start_date or a state older than the retention moves the start up.
    if floor is None or all(m is None or at(unit, inputs, m) >= floor for m in marks):
        assert Kind.RETENTION not in said


@given(st.integers(-300, -3), st.integers(0, 600))
def test_bare_date_partitions_tile_the_seconds_exactly(first_day, lag):
    day = NOW.date() + dt.timedelta(days=first_day)
    spans = [seconds_partition(day + dt.timedelta(days=n), lag) for n in range(3)]
    for span, after in itertools.pairwise(spans):
        assert span.last + 1 == after.first
    assert all(span.last - span.first + 1 == DAY for span in spans)


def seconds_partition(day: dt.date, lag: int) -> Span:
    text = day.isoformat()
    inputs = RangeInputs(
        now=NOW,
        start_date=parse_time(text),
        end_date=parse_time(text, end_of_day=True),
        lag_minutes=lag,
        retention_days=400,
    )
    span = plan_range(Unit.SECOND, inputs).span
    assert span is not None
    return span


@given(st.integers(-300, -2), st.sampled_from(ZONES))
def test_day_partitions_given_with_the_zones_offset_are_one_day_each(first_day, zone):
    day = NOW.date() + dt.timedelta(days=first_day)
    for n in range(3):
        this = day + dt.timedelta(days=n)
        start = dt.datetime.combine(this, dt.time(), zone)
        end = dt.datetime.combine(this, dt.time(23, 59, 59), zone)
        inputs = RangeInputs(
            now=NOW,
            start_date=parse_time(start.isoformat()),
            end_date=parse_time(end.isoformat(), end_of_day=True),
            zone=zone,
        )
        number = this.toordinal()
        assert plan_range(Unit.DAY, inputs).span == Span(number, number)


def test_a_bare_date_in_new_york_reads_the_day_before_too():
    # docs/production.md: a bare date is a UTC day, which touches two of New
    # York's days; neighbouring partitions share one.
    inputs = RangeInputs(
        now=NOW,
        start_date=parse_time("2026-11-10"),
        end_date=parse_time("2026-11-10", end_of_day=True),
        zone=ZoneInfo("America/New_York"),
    )
    day = dt.date(2026, 11, 10).toordinal()
    assert plan_range(Unit.DAY, inputs).span == Span(day - 1, day)


@given(instants(0, 400), st.sampled_from(ZONES))
def test_a_day_range_ends_today_in_its_zone(now, zone):
    inputs = RangeInputs(now=now, start_date=now - dt.timedelta(days=3), zone=zone)
    span = plan_range(Unit.DAY, inputs).span
    assert span is not None
    assert span.last == now.astimezone(zone).date().toordinal()


def test_in_los_angeles_the_day_is_still_yesterday_in_utc_morning():
    morning = dt.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # 21:00 on the 19th
    inputs = RangeInputs(now=morning, zone=ZoneInfo("America/Los_Angeles"))
    plan = plan_range(Unit.DAY, inputs)
    assert plan.span == Span(
        dt.date(2026, 11, 19).toordinal() - DEFAULT_REACH_DAYS,
        dt.date(2026, 11, 19).toordinal(),
    )
    (notice,) = plan.notices
    assert notice.kind is Kind.NO_START_DATE
    assert "2025-11-19" in notice.text


@given(st.integers(1, 30), st.integers(0, 600), st.sampled_from(Unit))
def test_consecutive_runs_leave_no_gap(hours_later, lag, unit):
    first = RangeInputs(now=NOW, start_date=NOW - dt.timedelta(days=2), lag_minutes=lag)
    done = plan_range(unit, first).span
    assert done is not None
    mark = (
        dt.datetime.fromtimestamp(done.last, UTC)
        if unit is Unit.SECOND
        else dt.date.fromordinal(done.last)
    )
    later = NOW + dt.timedelta(hours=hours_later)
    second = RangeInputs(
        now=later, start_date=first.start_date, lag_minutes=lag, complete_through=mark
    )
    span = plan_range(unit, second).span
    assert span is not None
    # Seconds resume after the last one read; the last day, read while it was
    # still going on, is read again.
    assert span.first == (done.last + 1 if unit is Unit.SECOND else done.last)


def test_the_retention_warning_says_what_was_skipped():
    inputs = RangeInputs(
        now=NOW, start_date=NOW - dt.timedelta(days=100), retention_days=90
    )
    plan = plan_range(Unit.SECOND, inputs)
    assert plan.span is not None
    assert plan.span.first == int(NOW.timestamp()) - 90 * DAY
    (notice,) = plan.notices
    assert notice.kind is Kind.RETENTION
    assert notice.text.startswith("Everflow keeps these rows for only about 90 days")
    assert "(10.0 days) and starting at 2026-08-22T10:30:15+00:00" in notice.text


def retention_cell(rule: RangeRule) -> str:
    if rule.retention_days is None:
        return "none"
    if isinstance(rule.retention_days, str):
        return f"`{rule.retention_days}`"
    return f"{rule.retention_days} days"


def table_row(name: str, rule: RangeRule) -> str:
    lookback = f"`{rule.lookback_days}`" if rule.lookback_days else "none"
    cells = (
        f"`{name}`",
        f"{rule.unit.value}s",
        "yes" if rule.lag else "no",
        retention_cell(rule),
        lookback,
    )
    return "| " + " | ".join(cells) + " |"


def test_the_streams_page_says_what_applies_to_each_time_based_stream():
    ranged = [s for s in STREAM_TYPES if issubclass(s, RangedStream)]
    assert len(ranged) == 6
    text = DOCS.read_text()
    expected = [table_row(str(s.name), s.range_rule) for s in ranged]
    missing = [row for row in expected if row not in text.splitlines()]
    assert not missing, "docs/streams.md should have these rows:\n" + "\n".join(missing)


@pytest.mark.parametrize("unit", list(Unit))
def test_nothing_is_due_when_end_date_is_before_the_start(unit):
    inputs = RangeInputs(
        now=NOW,
        start_date=NOW - dt.timedelta(days=1),
        end_date=NOW - dt.timedelta(days=5),
    )
    plan = plan_range(unit, inputs)
    assert plan.span is None
    assert [n.kind for n in plan.notices] == [Kind.NOTHING_DUE]
