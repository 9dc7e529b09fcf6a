"""Raw report streams: every row of a period, fetched in complete windows."""

from __future__ import annotations

import typing as t
from collections import Counter
from functools import partial
from http import HTTPStatus
from operator import attrgetter

import msgspec
from singer_sdk.exceptions import RetriableAPIError
from typing_extensions import override

from tap_everflow.errors import EverflowAPIError
from tap_everflow.planning.counts import (
    TIME_COLUMNS,
    Bucket,
    CountsUnavailable,
    buckets_of,
    read_by,
    read_counts,
)
from tap_everflow.planning.limits import (
    API_TIME_FORMAT,
    RAW_LIMITS,
    REPORT_PATH,
    Limits,
)
from tap_everflow.planning.planner import Plan, PlannedWindow, plan, read
from tap_everflow.planning.slices import (
    Answer,
    CompletedWindow,
    Dimension,
    Partition,
    Slice,
    flagged_incomplete,
)
from tap_everflow.planning.sync_range import utc
from tap_everflow.planning.walk import walk
from tap_everflow.planning.window_body import table_body, window_body
from tap_everflow.streams.windowed import WindowedStream

if t.TYPE_CHECKING:
    from collections.abc import Generator, Iterator, Sequence

# Planned windows aim at this share of the row cap: counts may be a few rows
# short (late rows, estimates); a window that overflows anyway is cut where
# its own rows say.
PLANNED_FILL = 0.97
# A bucket over the cap is split by this dimension, from its counts by value:
# networks have many affiliates, so each holds a small share of a bucket.
SPLIT_BY = "affiliate"
# Buckets whose delivered rows differ from their count by more than this
# are named in the reconciliation line.
FEW_ROWS = 5
NAMED_BUCKETS = 5


def _related_id(entity: str, id_field: str) -> t.Callable[[t.Any], str | None]:
    """Read ``relationship.<entity>.<id_field>`` of a row as a filter value."""

    def value_of(row: t.Any) -> str | None:
        value = getattr(getattr(row.relationship, entity), id_field)
        return str(value) if value else None

    return value_of


def _source_id(row: t.Any) -> str | None:
    return row.source_id or None


# How an overflowing second is split: by offer, then affiliate, then source id.
# All three are ids the rows themselves carry, so a split can use the values of
# an overflowing answer, and filters on them are exact (no name matching).
RAW_DIMENSIONS = (
    Dimension("offer", _related_id("offer", "network_offer_id")),
    Dimension("affiliate", _related_id("affiliate", "network_affiliate_id")),
    Dimension("source_id", _source_id),
)


class CountedPlan(t.NamedTuple):
    """Windows planned from counts, and the counts they were planned from."""

    windows: Plan
    column: str
    totals: dict[int, float]  # counted rows by bucket start
    buckets: list[Bucket]  # the buckets the windows were planned from


class RawReportStream(WindowedStream):
    """A raw report endpoint read in windows that each come back complete.

    The endpoint answers at most 10,000 rows and 14 days per request, in no
    particular order. When a range's first request overflows, the aggregated
    report counts its rows per time bucket (``report_count``) and the windows
    are planned from the counts (:mod:`tap_everflow.planning.planner`); without counts
    they are walked (:func:`tap_everflow.planning.walk.walk`). Up to
    ``max_concurrent_requests`` requests run ahead of the emitted rows.
    """

    http_method = "POST"
    primary_keys = ("transaction_id",)
    dimensions: t.ClassVar[tuple[Dimension, ...]] = RAW_DIMENSIONS
    limits: t.ClassVar[Limits] = RAW_LIMITS
    # The aggregated report's count of this stream's rows (taken to count the
    # same rows: a wrong count costs requests, never rows); None: no counts.
    report_count: t.ClassVar[str | None] = None

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """No report asked yet."""
        super().__init__(*args, **kwargs)
        self._refused_columns: set[str] = set()  # by this run's server
        self._counts_refused = False

    @property
    def capacity(self) -> int:
        """Rows a planned window is expected to hold, at most."""
        return int(PLANNED_FILL * self.limits.max_rows)

    @property
    def uses_counts(self) -> bool:
        """Whether windows may be planned from the aggregated report's counts."""
        return bool(
            self.report_count
            and self.config["plan_from_report_counts"]
            and not self._counts_refused
        )

    @override
    def complete_windows(
        self, start: int, end: int
    ) -> Generator[CompletedWindow, None, None]:
        """Read ``start..end`` in windows that each came back complete.

        Stretches of up to 14 days are read with one request each until one
        overflows: only then is the traffic worth counting (a quiet account
        pays no report request), and the rest of the range is planned; without
        counts, the rest of the range is walked from that answer on.
        """
        root = self.root_partition()
        workers = int(self.config["max_concurrent_requests"])
        time_of = attrgetter(self.time_field)
        with self.requests_ahead(self._request_window, workers) as ahead:
            prefetch = ahead.prefetch if workers > 1 else None
            cursor = start
            while cursor <= end:
                first = Slice(cursor, min(end, cursor + self.limits.max_span - 1), root)
                answer = ahead.fetch(first)
                if not answer.overflowed(self.limits):
                    yield CompletedWindow(first.start, first.end, list(answer.rows), 1)
                    cursor = first.end + 1
                    continue
                counted = None
                if self.uses_counts:
                    times = [time_of(row) for row in answer.rows]
                    counted = self._plan(cursor, end, root, times)
                if counted is not None:
                    yield from self._read_plan(counted, ahead.fetch, prefetch)
                    return
                yield from walk(
                    cursor,
                    end,
                    ahead.fetch,
                    root=root,
                    first=(first, answer),
                    concurrency=workers,
                    dimensions=self.dimensions,
                    limits=self.limits,
                    time_of=time_of,
                    prefetch=prefetch,
                )
                return

    def root_partition(self) -> Partition:
        """What every request asks for: the configured filters and exclusions."""
        return Partition.from_query(self.config["filters"], self.config["exclusions"])

    def _plan(
        self,
        start: int,
        end: int,
        root: Partition,
        sampled: Sequence[int],
    ) -> CountedPlan | None:
        """Windows for ``start..end`` planned from counts, or None (a warning says why).

        The finest time column the server accepts is used. ``sampled``: the
        row times of the overflowing first answer, which show busy seconds;
        those, and bursts it did not show, are split by ``SPLIT_BY`` from a
        report of their counts.
        """
        try:
            column, counts = self._counts(start, end, root)
        except (EverflowAPIError, RetriableAPIError, CountsUnavailable) as error:
            self._counts_refused = True  # one warning per run, then walks
            self.logger.warning(
                "%s: cannot count rows with the aggregated report (%s); sizing "
                "windows by time instead.",
                self.name,
                error,
            )
            return None
        seconds = TIME_COLUMNS[column]
        buckets = buckets_of(counts, seconds, start, end)
        planned = plan(
            buckets,
            root=root,
            capacity=self.capacity,
            max_span=self.limits.max_span,
            by_value=partial(self._hot_counts, root=root),
            resource_type=SPLIT_BY,
            sampled=sampled,
        )
        totals = {b.start - b.start % seconds: b.rows for b in buckets}
        self.range_sync.progress.expect(
            sum(totals.values()), 1 + sum(len(parts) for _, parts in planned)
        )
        self.logger.info(
            "%s: the aggregated report counts %s rows in %s..%s (%d buckets of "
            "%s): %d requests planned.",
            self.name,
            f"{sum(totals.values()):,}",
            utc(start).isoformat(),
            utc(end).isoformat(),
            len(buckets),
            column,
            sum(len(parts) for _, parts in planned),
        )
        return CountedPlan(planned, column, totals, buckets)

    def _ask_report(self, body: dict) -> t.Any:
        return self.post_json(body, path=REPORT_PATH, decode=msgspec.json.decode)

    def _report_body(
        self, start: int, end: int, columns: Sequence[str], root: Partition
    ) -> dict:
        # The report asks for a currency even where only counts are read.
        currency = self.config["daily_report_currency_id"]
        return table_body(
            start, end, columns=columns, partition=root, currency_id=currency
        )

    def _counts(
        self, start: int, end: int, root: Partition
    ) -> tuple[str, dict[int, int]]:
        """Counts per bucket of the finest time column the server accepts."""
        problem = "no time column left to try"
        for column in TIME_COLUMNS:
            if column in self._refused_columns:
                continue
            body = self._report_body(start, end, [column], root)
            try:
                payload = self._ask_report(body)
            except EverflowAPIError as error:
                if error.status != HTTPStatus.BAD_REQUEST:
                    raise
                self._refused_columns.add(column)  # not asked again this run
                problem = str(error)
                continue
            counts = read_counts(payload, self.report_count or "", column)
            if counts is None:  # capped: a coarser column has fewer buckets
                problem = f"the report by {column} holds more than its row cap"
                continue
            if counts and not any(
                start - TIME_COLUMNS[column] < b <= end for b in counts
            ):
                msg = (
                    f"its {column} ids ({min(counts)}, ...) lie outside the "
                    "range asked for"
                )
                raise CountsUnavailable(msg)
            return column, counts
        raise CountsUnavailable(problem)

    def _hot_counts(
        self, hot: Sequence[PlannedWindow], root: Partition
    ) -> dict[PlannedWindow, dict[str, int]]:
        """Counts by ``SPLIT_BY`` value of each window over the cap, if to be had.

        One report per window (the planner asks for ``MAX_SPLITS`` at most);
        windows whose report cannot be read overflow and are split by their
        own rows.
        """
        by_window: dict[PlannedWindow, dict[str, int]] = {}
        for window in hot:
            body = self._report_body(window.start, window.end, [SPLIT_BY], root)
            try:
                counts = read_by(
                    self._ask_report(body), self.report_count or "", SPLIT_BY
                )
            except (EverflowAPIError, RetriableAPIError, CountsUnavailable) as error:
                counts, problem = None, str(error)
            else:
                problem = "the report holds more than its row cap"
            if counts is None:
                self.logger.info(
                    "%s: no counts by %s for %s, which holds more than one request "
                    "(%s); it is split by its own rows.",
                    self.name,
                    SPLIT_BY,
                    utc(window.start).isoformat(),
                    problem,
                )
                continue
            by_window[window] = counts
        return by_window

    def _read_plan(
        self,
        counted: CountedPlan,
        fetch: t.Callable[[Slice], Answer],
        prefetch: t.Callable[[Slice], None] | None,
    ) -> Iterator[CompletedWindow]:
        """Read the planned windows, then reconcile them with the counts.

        Every request is announced at once (to ``prefetch``, where requests run
        ahead): the prefetcher runs up to ``max_concurrent_requests`` of them.
        """
        if prefetch:
            for _, parts in counted.windows:
                for part in parts:
                    prefetch(part)
        seconds = TIME_COLUMNS[counted.column]
        delivered: Counter[int] = Counter()
        time_of = attrgetter(self.time_field)
        for done in read(
            counted.windows,
            fetch,
            capacity=self.capacity,
            limits=self.limits,
            dimensions=self.dimensions,
            time_of=time_of,
            prefetch=prefetch,
            counted=counted.buckets,
            made=1,  # the range's first request, which overflowed
        ):
            delivered.update(time_of(row) // seconds * seconds for row in done.rows)
            yield done
        self._reconcile(counted, delivered)

    def _reconcile(self, counted: CountedPlan, delivered: Counter[int]) -> None:
        """One line: rows delivered against rows counted, and where they differ."""
        totals = counted.totals
        differing = sorted(
            (
                (bucket, totals.get(bucket, 0), delivered.get(bucket, 0))
                for bucket in totals.keys() | delivered.keys()
                if abs(totals.get(bucket, 0) - delivered.get(bucket, 0)) > FEW_ROWS
            ),
            key=lambda item: -abs(item[1] - item[2]),
        )
        named = ", ".join(
            f"{utc(bucket).strftime(API_TIME_FORMAT)} (counted {c:,}, delivered {d:,})"
            for bucket, c, d in differing[:NAMED_BUCKETS]
        )
        self.logger.info(
            "%s: %s rows delivered, %s counted by the aggregated report; %d of %d "
            "buckets (%s) differ by more than %d rows%s",
            self.name,
            f"{sum(delivered.values()):,}",
            f"{sum(totals.values()):,}",
            len(differing),
            len(totals),
            counted.column,
            FEW_ROWS,
            f": {named}." if named else ".",
        )

    def _request_window(self, window: Slice) -> Answer:
        body = {
            **window_body(window.start, window.end),
            "query": window.partition.query(),
        }
        return self.post_json(body)

    @override
    def decode_answer(self, content: bytes) -> Answer:
        """An answer's rows and overflow flag: the one place raw answers are read.

        Either shape, ``{records_key: [...]}`` or a bare list. The rows are
        decoded straight into typed rows, in C, when they keep the schema
        (msgspec fills omitted fields with zero values). An answer it cannot
        type (nulls, numbers as text, a new field, an error, no rows key) takes
        the general path: decoded, checked and conformed in Python, several
        times slower, and reported once per field (see
        :mod:`tap_everflow.records.typed_rows`).
        """
        typed = self.typed_rows
        try:
            answer = msgspec.json.decode(
                content, type=typed.answer_type(self.records_key)
            )
        except msgspec.ValidationError:
            answer = None
        if isinstance(answer, list):
            return Answer(typed.typed(answer))
        rows = getattr(answer, self.records_key, msgspec.UNSET)
        if rows is not msgspec.UNSET and answer.error is msgspec.UNSET:
            return Answer(typed.typed(rows), incomplete=answer.incomplete_results)
        return self.decode_general(content)

    def decode_general(self, content: bytes) -> Answer:
        """The general path of :meth:`decode_answer`, which the fast one must match."""
        payload = msgspec.json.decode(content)
        if isinstance(payload, list):
            return Answer(self.typed_rows.from_json(payload))
        rows = self.rows_in(payload)  # or RetriableAPIError: not this answer
        rows = self.typed_rows.from_json(rows)
        return Answer(rows, incomplete=flagged_incomplete(payload))
