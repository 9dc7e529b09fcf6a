"""Streams read over a range of time: the range policy applied to settings and state."""

from __future__ import annotations

import datetime as dt
import logging
import typing as t

from tap_everflow.planning.sync_range import (
    RangeInputs,
    RangeRule,
    Span,
    configured_days,
    plan_range,
)
from tap_everflow.runtime.settings import parse_time
from tap_everflow.streams.base import EverflowStream

if t.TYPE_CHECKING:
    from tap_everflow.planning.progress import Step

# How a day stream writes a day in its state (and a time stream does not).
DAY_MARK_LENGTH = len("YYYY-MM-DD")


class RangedStream(EverflowStream):
    """A time-based stream: what it reads each run follows its :class:`RangeRule`.

    The rule (unit, lag, retention, lookback, whether the bookmark counts) is
    the one thing a stream class says about its range; :meth:`sync_range`
    plans it (:func:`~tap_everflow.planning.sync_range.plan_range`) and logs
    what the plan says, the same way for every stream.
    """

    range_rule: t.ClassVar[RangeRule]

    def range_zone(self) -> dt.tzinfo:
        """The time zone whose days a day range counts."""
        return dt.timezone.utc

    def lookback_days(self) -> int:
        """Days read again before where the last run got, on every run."""
        return configured_days(self.range_rule.lookback_days, self.config)

    def log_progress(self, step: Step, done: str) -> None:
        """A window's progress line: at INFO when one is due, else at DEBUG."""
        level = logging.INFO if step.due else logging.DEBUG
        self.logger.log(level, "%s: %s; %s.", self.name, done, step.text)

    def sync_range(self) -> Span | None:
        """The inclusive range to read this run, or None if nothing is due."""
        plan = plan_range(self.range_rule.unit, self._range_inputs())
        for notice in plan.notices:
            self.logger.log(notice.level, "%s: %s", self.name, notice.text)
        return plan.span

    def _range_inputs(self) -> RangeInputs:
        rule, config = self.range_rule, self.config
        state = self.stream_state
        bookmark = None
        if rule.bookmark and state.get("replication_key") == self.replication_key:
            bookmark = state.get("replication_key_value")
        return RangeInputs(
            now=dt.datetime.now(dt.timezone.utc),
            start_date=_instant(config.get("start_date")),
            end_date=_instant(config.get("end_date"), end_of_day=True),
            lag_minutes=int(config["lag_minutes"]) if rule.lag else 0,
            retention_days=(
                None
                if rule.retention_days is None
                else configured_days(rule.retention_days, config)
            ),
            lookback_days=self.lookback_days(),
            bookmark=_mark(bookmark),
            complete_through=_mark(self.complete_through()),
            zone=self.range_zone(),
        )


def _instant(value: str | None, *, end_of_day: bool = False) -> dt.datetime | None:
    return parse_time(value, end_of_day=end_of_day) if value else None


def _mark(value: str | None) -> dt.date | None:
    """A mark kept in the state: a day of a day stream, or an instant."""
    if not value:
        return None
    if len(value) == DAY_MARK_LENGTH:
        return dt.date.fromisoformat(value)
    return parse_time(value)
