"""The range a time-based stream reads in a run: one policy for every such stream.

A run reads from where the stream's state says the last run got (less a
lookback, re-read because rows change later) or else from ``start_date``, up
to ``end_date`` or now (less ``lag_minutes``), never earlier than Everflow
keeps the rows. What differs between streams is declared once per stream class
as a :class:`RangeRule`. :func:`plan_range` is pure (the caller gives the
clock, the settings and the state) and returns the range, or nothing due, with
what to log as data, so that every stream says the same things the same way.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import typing as t
from dataclasses import dataclass

from tap_everflow.planning.limits import DAY

if t.TYPE_CHECKING:
    from collections.abc import Mapping

# Without start_date and without a retention, a first run reads the last year:
# as far back as one request to Everflow's reporting endpoints reaches.
DEFAULT_REACH_DAYS = 365


def utc(epoch: int) -> dt.datetime:
    """An epoch second as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


class Unit(enum.Enum):
    """What a range counts, as integer positions."""

    SECOND = "second"  # epoch seconds
    DAY = "day"  # calendar days of a time zone, as date.toordinal() numbers

    @property
    def per_day(self) -> int:
        """Positions in a day."""
        return DAY if self is Unit.SECOND else 1

    def position(self, value: dt.date, zone: dt.tzinfo) -> int:
        """Where ``value`` lies: an instant (aware datetime), or a day of ``zone``."""
        if isinstance(value, dt.datetime):
            if self is Unit.SECOND:
                return int(value.timestamp())
            return value.astimezone(zone).date().toordinal()
        if self is Unit.DAY:
            return value.toordinal()
        return int(dt.datetime.combine(value, dt.time(), zone).timestamp())

    def after_mark(self, position: int) -> int:
        """Where a run resumes after ``complete_through``.

        After the marked second; a marked day, though, is read again: it may
        have been marked while it was still going on (today).
        """
        return position + 1 if self is Unit.SECOND else position

    def label(self, position: int) -> str:
        """``position`` as logs show it: an ISO 8601 UTC time, or a day."""
        if self is Unit.SECOND:
            return utc(position).isoformat()
        return dt.date.fromordinal(position).isoformat()


@dataclass(frozen=True)
class RangeRule:
    """What applies to a stream's range, declared once per stream class.

    Attributes:
        unit: What the range counts, and so what a request asks for.
        lag: Whether ``lag_minutes`` holds the end back from now: rows Everflow
            is still recording are left for the next run. A day is read as it
            stands instead, and read again next run.
        retention_days: How far back Everflow keeps the rows: days, or the
            setting that holds them; None where it keeps them for good. An
            earlier start moves up to it, with a WARNING.
        lookback_days: Days read again before where the last run got, on every
            run (rows that change later): days, or the setting that holds them.
        bookmark: Whether the SDK's bookmark (the last record emitted) tells
            where the last run got. Records in list order, not by time, leave
            that to ``complete_through``.
    """

    unit: Unit
    lag: bool
    retention_days: str | int | None
    lookback_days: str | int = 0
    bookmark: bool = True


def configured_days(value: str | int, config: Mapping[str, t.Any]) -> int:
    """A number of days as a rule declares it: fixed, or the setting it names."""
    return int(config[value] if isinstance(value, str) else value)


@dataclass(frozen=True)
class RangeInputs:
    """What a run's range depends on: the clock, the settings, the state.

    Instants are aware datetimes; a day (a :class:`datetime.date`) is a day of
    ``zone``, as day streams keep their marks.

    Attributes:
        now: The run's clock.
        start_date: The setting, if given.
        end_date: The setting's last second (a bare date's 23:59:59), if given.
        lag_minutes: The setting, where it applies; else 0.
        retention_days: How far back Everflow keeps the rows; None: for good.
        lookback_days: Days read again before where the last run got.
        bookmark: The last record emitted by an earlier run, if it counts.
        complete_through: The end of the last range read whole, if any.
        zone: Whose days a day range counts.
    """

    now: dt.datetime
    start_date: dt.datetime | None = None
    end_date: dt.datetime | None = None
    lag_minutes: int = 0
    retention_days: int | None = None
    lookback_days: int = 0
    bookmark: dt.date | None = None
    complete_through: dt.date | None = None
    zone: dt.tzinfo = dt.timezone.utc


class Span(t.NamedTuple):
    """An inclusive range of positions."""

    first: int
    last: int


class Kind(enum.Enum):
    """What a notice is about."""

    END_WITHIN_LAG = "end within lag"
    NO_START_DATE = "no start_date"
    RETENTION = "before retention"
    NOTHING_DUE = "nothing due"

    @property
    def level(self) -> int:
        """The logging level: WARNING where rows may be missed."""
        worrying = self in {Kind.END_WITHIN_LAG, Kind.RETENTION}
        return logging.WARNING if worrying else logging.INFO


@dataclass(frozen=True)
class Notice:
    """A line to log about the range (after the stream's name)."""

    kind: Kind
    text: str

    @property
    def level(self) -> int:
        """The logging level it is logged at."""
        return self.kind.level


@dataclass(frozen=True)
class RangePlan:
    """The range to read this run, None when nothing is due, and what to log."""

    span: Span | None
    notices: tuple[Notice, ...]


def plan_range(unit: Unit, asked: RangeInputs) -> RangePlan:
    """The inclusive range to read, in ``unit`` positions, and what to log.

    Ends at ``end_date`` (never after now) or else at now less
    ``lag_minutes``. Starts where the last run got (the later of the bookmark
    and what follows ``complete_through``; never before ``start_date``) less
    the lookback, which stops at ``start_date`` or, without it, at the default
    start; or at ``start_date``; or, on a first run without it, as far back as
    Everflow keeps the rows (else :data:`DEFAULT_REACH_DAYS`). Never before
    the retention.
    """
    notices: list[Notice] = []
    end = _end(unit, asked, notices)
    start = _start(unit, asked, notices)
    if start > end:
        notices.append(
            Notice(
                Kind.NOTHING_DUE,
                f"nothing to extract (next start {unit.label(start)} is after the "
                f"end {unit.label(end)}).",
            )
        )
        return RangePlan(None, tuple(notices))
    return RangePlan(Span(start, end), tuple(notices))


def _end(unit: Unit, asked: RangeInputs, notices: list[Notice]) -> int:
    """The last position to read: end_date up to now, or now less the lag."""
    settled = unit.position(
        asked.now - dt.timedelta(minutes=asked.lag_minutes), asked.zone
    )
    if asked.end_date is None:
        return settled
    end = min(unit.position(v, asked.zone) for v in (asked.now, asked.end_date))
    if end > settled:
        notices.append(
            Notice(
                Kind.END_WITHIN_LAG,
                f"end_date {unit.label(end)} is within lag_minutes "
                f"({asked.lag_minutes}) of now: rows Everflow is still recording "
                "for the last minutes may arrive after this run, and only a later "
                "run that covers them again delivers them.",
            )
        )
    return end


def _start(unit: Unit, asked: RangeInputs, notices: list[Notice]) -> int:
    """The first position to read, at or after the retention."""
    kept = asked.retention_days
    reach = DEFAULT_REACH_DAYS if kept is None else kept
    # Where a first run without start_date starts: with a retention, its limit.
    default = unit.position(asked.now, asked.zone) - reach * unit.per_day
    earliest = None if kept is None else default
    chosen = None
    if asked.start_date is not None:
        chosen = unit.position(asked.start_date, asked.zone)
    start = _resumed(unit, asked, chosen, default, earliest)
    if start is None and chosen is not None:
        start = chosen
    elif start is None:
        start = default
        why = "the default reach" if kept is None else "Everflow's retention"
        notices.append(
            Notice(
                Kind.NO_START_DATE,
                f"no start_date; starting {unit.label(start)}, the limit of {why} "
                f"({reach} days).",
            )
        )
    if earliest is not None and start < earliest:
        notices.append(
            Notice(
                Kind.RETENTION,
                f"Everflow keeps these rows for only about {kept} days; skipping "
                f"{unit.label(start)} to {unit.label(earliest - 1)} "
                f"({(earliest - start) / unit.per_day:.1f} days) and starting at "
                f"{unit.label(earliest)}.",
            )
        )
        start = earliest
    return start


def _resumed(
    unit: Unit,
    asked: RangeInputs,
    chosen: int | None,
    default: int,
    earliest: int | None,
) -> int | None:
    """Where the last run got, less the lookback; None on a first run.

    Never before ``start_date`` (``chosen``). The lookback stops there, or
    without it at the ``default`` start, and never reaches before the
    retention (``earliest``): rows no one asked for are no reason to warn.
    """
    if asked.bookmark is None and asked.complete_through is None:
        return None
    marks = [] if chosen is None else [chosen]
    if asked.bookmark is not None:
        marks.append(unit.position(asked.bookmark, asked.zone))
    if asked.complete_through is not None:
        done = unit.position(asked.complete_through, asked.zone)
        marks.append(unit.after_mark(done))
    start = max(marks)
    if not asked.lookback_days:
        return start
    floor = default if chosen is None else chosen
    if earliest is not None:
        floor = max(floor, earliest)
    return max(floor, start - asked.lookback_days * unit.per_day)
