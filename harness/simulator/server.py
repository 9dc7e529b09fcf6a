"""A local HTTP server that keeps the Everflow API contract (docs/api.md).

It serves a fixed "truth" (raw impressions and clicks, conversions, offers,
affiliates and advertisers) and behaves like the real API where the contract
lets a server choose: at most 10,000 rows per raw answer (which ones, and
whether the overflow is flagged, varies), rows in random order, zero values
omitted or sent as null, unknown fields added, both response shapes for
impressions, and injected faults. Paged endpoints keep a stable order, and
the aggregated report is computed from the same truth. Every request is
logged so tests can check what the tap asked for.
"""

from __future__ import annotations

import bisect
import functools
import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from operator import itemgetter
from typing import Any, ClassVar, TypedDict
from urllib.parse import parse_qsl, urlsplit

import msgspec
from typing_extensions import override

from harness.simulator.overflow import OVERFLOW_SUBSETS, kept_rows
from harness.simulator.report import ReportOptions, entity_table
from harness.simulator.rules import (
    DAY,
    FILTER_FIELDS,
    MAX_ROWS,
    TIMEZONES,
    Record,
    Refused,
    Request,
    date_range,
    flag,
    list_filter,
    matcher,
    paging,
    parse_json,
    raw_window,
    year_window,
)

TIMEZONES_PATH = "/v1/meta/timezones"
IMPRESSIONS_PATH = "/v1/networks/reporting/impressions/stream"
CLICKS_PATH = "/v1/networks/reporting/clicks/stream"
CONVERSIONS_PATH = "/v1/networks/reporting/conversions"
ENTITY_TABLE_PATH = "/v1/networks/reporting/entity/table"
INVALID_CLICKS_PATH = "/v1/networks/reporting/invalidclicks"
INVALID_CLICKS_CAP = 1_000  # rows per answer (reference 1e)
HOST = "127.0.0.1"  # the simulator listens on loopback only
HOLD_SECONDS = 10.0  # the longest a request is held for hold_first


@dataclass(frozen=True)
class EntityList:
    """An entity list endpoint (reference 4a-4c, 6).

    Attributes:
        path: Its route.
        key: The id its rows sort by.
        answer_keys: The keys its rows come under, one chosen per answer
            where sources disagree; none: a bare JSON array, without paging.
        method: ``POST`` for a ``.../table`` search (paging in the query).
        dated_by: The day field a dated list is asked for by (``from``/``to``).
    """

    path: str
    key: str
    answer_keys: tuple[str, ...] = ()
    method: str = "GET"
    dated_by: str | None = None


def _list(path: str, key: str, *answer_keys: str, **options: Any) -> EntityList:
    return EntityList(f"/v1/networks/{path}", key, answer_keys, **options)


# Entity lists by stream name.
ENTITIES = {
    "offers": _list("offers", "network_offer_id", "offers"),
    "affiliates": _list("affiliates", "network_affiliate_id", "affiliates"),
    "advertisers": _list("advertisers", "network_advertiser_id", "advertisers"),
    "offer_groups": _list("offergroups", "network_offer_group_id", "offer_groups"),
    "creatives": _list("creatives", "network_offer_creative_id", "creatives"),
    "offer_urls": _list("offerurls", "network_offer_url_id", "urls"),
    "campaigns": _list("campaigns", "network_campaign_id", "campaigns"),
    "coupon_codes": _list(
        "couponcodes", "network_coupon_code_id", "coupon_codes", "couponcodes"
    ),
    "categories": _list("categories", "network_category_id", "categories"),
    "labels": _list("labels", "label", "labels"),
    "custom_creative_settings": _list(
        "custom/creative",
        "network_custom_creative_setting_id",
        "custom_creative_settings",
    ),
    "custom_payout_revenue_settings": _list(
        "custom/payoutrevenue",
        "network_custom_payout_revenue_setting_id",
        "custom_payout_revenue_settings",
    ),
    "custom_cap_settings": _list(
        "custom/caps", "network_custom_cap_setting_id", "custom_cap_settings"
    ),
    "custom_scrub_rate_settings": _list(
        "custom/scrubratetable",
        "network_custom_scrub_rate_setting_id",
        "custom_scrub_rate_settings",
        method="POST",
    ),
    "traffic_controls": _list("trafficcontrols", "network_traffic_control_id"),
    "affiliate_users": _list("affiliates/users", "network_affiliate_user_id"),
    "advertiser_users": _list("advertisers/users", "network_advertiser_user_id"),
    "partner_postbacks": _list("pixels", "network_pixel_id", "pixels"),
    "affiliate_invoices": _list(
        "billings/affiliates/invoicestable",
        "network_affiliate_invoice_id",
        "invoices",
        method="POST",
    ),
    "advertiser_invoices": _list(
        "billings/advertisers/invoicestable",
        "network_advertiser_invoice_id",
        "invoices",
        method="POST",
    ),
    "employees": _list("employees", "network_employee_id"),
    "business_units": _list("businessunits", "network_business_unit_id", "units"),
    "reporting_adjustments": _list(
        "reportingadjustments",
        "network_reporting_adjustment_id",
        "adjustments",
        dated_by="date_adjustment",
    ),
}

CONVERTED_CLICK_RETENTION_DAYS = 365  # clicks with has_conversion outlive others
CONVERSION_RETENTION_DAYS = 365

OVERFLOW_MODES = ("exact", "exact_flagged", "flag_partial", "flag_empty")
RESPONSE_SHAPES = ("object", "array")


@dataclass(frozen=True)
class Fault:
    """A misbehaviour served instead of (or before) a normal answer."""

    kind: str
    code: int = 200
    message: str = ""
    seconds: float = 0.0

    @classmethod
    def status(cls, code: int, message: str = "") -> Fault:
        """An error status with the contract's ``{"error": ...}`` body."""
        return cls("status", code, message or HTTPStatus(code).phrase)

    @classmethod
    def reset(cls) -> Fault:
        """Close the connection without answering."""
        return cls("reset")

    @classmethod
    def truncated(cls) -> Fault:
        """A 200 whose JSON body stops half way."""
        return cls("truncated")

    @classmethod
    def html(cls) -> Fault:
        """A 200 carrying a proxy's HTML error page."""
        return cls("html")

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Answer normally, but only after ``seconds``."""
        return cls("delay", seconds=seconds)

    @classmethod
    def wrong_shape(cls) -> Fault:
        """A 200 with rows under a key the contract does not know."""
        return cls("wrong_shape")

    def describe(self) -> str:
        if self.kind == "status":
            return f"status {self.code}"
        if self.kind == "delay":
            return f"delay {self.seconds:g}s"
        return self.kind


RANDOM_FAULTS = (
    Fault.status(429, "Too many requests"),
    Fault.status(500),
    Fault.status(502),
    Fault.status(503),
    Fault.status(504),
    Fault.reset(),
    Fault.truncated(),
    Fault.html(),
)


@dataclass
class RequestLog:
    """One request the simulator received, and what it answered."""

    method: str
    path: str
    body: Request | None
    status: int
    rows: int = 0
    overflowed: bool = False  # the answer signalled overflow (cap reached or flag)
    matched: int = 0  # rows that matched, before the cap (or paging)
    fault: str | None = None
    query: dict[str, str] = field(default_factory=dict)  # the query string


class AnswerLog(TypedDict, total=False):
    """What an answer adds to its ``RequestLog`` (the fields of the same names)."""

    rows: int
    overflowed: bool
    matched: int


@dataclass
class Answer:
    """An answer to a request: its status, its body (as JSON), and what to log."""

    status: int
    payload: Any = None
    log: AnswerLog = field(default_factory=AnswerLog)


# Answers a request from its body and its parsed query string.
_Route = Callable[[bytes, Mapping[str, str]], Answer]


class _Table:
    """Rows sorted by a time field (then a key field), for fast window lookups."""

    def __init__(
        self, rows: list[Record], time_field: str, key_field: str | None = None
    ) -> None:
        self.time_field = time_field
        self.key_field = key_field
        self._load(rows)

    def _load(self, rows: list[Record]) -> None:
        order = (self.time_field,) + ((self.key_field,) if self.key_field else ())
        self.rows = sorted(rows, key=itemgetter(*order))
        self.times = [row[self.time_field] for row in self.rows]
        # Positions of each affiliate's rows: a request filtered by affiliate
        # scans only those, as a real database would use an index.
        self.by_affiliate: dict[str | None, list[int]] = {}
        affiliate_of = FILTER_FIELDS["affiliate"]
        for position, row in enumerate(self.rows):
            found = affiliate_of(row)
            key = None if found is None else str(found)
            self.by_affiliate.setdefault(key, []).append(position)

    def add(self, rows: list[Record]) -> None:
        self._load([*self.rows, *rows])

    def between(self, start: int, end: int) -> list[Record]:
        lo = bisect.bisect_left(self.times, start)
        hi = bisect.bisect_right(self.times, end)
        return self.rows[lo:hi]

    def candidates(self, start: int, end: int, request: Request) -> list[Record]:
        """Rows in ``start..end`` that the request's affiliate conditions allow.

        Other conditions are left to the request's matcher.
        """
        query = request.get("query") or {}
        allowed, excluded = (
            {
                str(item.get("filter_id_value"))
                for item in query.get(part) or ()
                if isinstance(item, dict) and item.get("resource_type") == "affiliate"
            }
            for part in ("filters", "exclusions")
        )
        if not allowed and not excluded:
            return self.between(start, end)
        lo = bisect.bisect_left(self.times, start)
        hi = bisect.bisect_right(self.times, end)
        keys = allowed or [k for k in self.by_affiliate if k not in excluded]
        positions: list[int] = []
        for key in keys:
            indexed = self.by_affiliate.get(key, [])
            first = bisect.bisect_left(indexed, lo)
            positions.extend(indexed[first : bisect.bisect_left(indexed, hi)])
        positions.sort()
        return [self.rows[position] for position in positions]

    def update(self, key: str, fields: Mapping[str, Any]) -> Record:
        """Replace the row with this key by a copy carrying ``fields``."""
        if self.key_field is None:
            msg = "a table without a key field has no row to update by key"
            raise TypeError(msg)
        for index, row in enumerate(self.rows):
            if row[self.key_field] == key:
                unknown = sorted(fields.keys() - row.keys())
                if unknown:
                    msg = f"unknown fields {unknown}"
                    raise ValueError(msg)
                updated = {**row, **fields}
                self._load([*self.rows[:index], updated, *self.rows[index + 1 :]])
                return updated
        raise KeyError(key)


class EverflowSimulator:
    """The Everflow API, in-process, on ``127.0.0.1`` and a free port.

    Args:
        impressions: The raw impressions the account holds (the truth).
        clicks: The raw clicks it holds.
        conversions: Its conversions (see ``update_conversion``).
        invalid_clicks: The clicks it refused, served 1,000 at most per
            answer, as ``{"clicks": [...]}`` or a bare list (sources differ).
        api_key: The only key accepted (401 otherwise).
        now: The server's clock, epoch seconds: raw rows older than
            ``retention_days`` before it (clicks that led to a conversion:
            365 days) and conversions older than 365 days are not served.
        seed: Seed of every random choice the server makes.
        max_rows: Row cap per raw answer, and group cap of the entity table.
        retention_days: How long raw rows are kept.
        overflow_subset: Which rows an overflowing raw answer keeps: ``random``,
            ``oldest``, ``newest``, ``by-offer``, ``shards``, or an adversary
            (``even-in-time``, ``busiest``); see ``overflow.py``.
        overflow_mode: How an overflowing raw window is answered: ``exact``
            (``max_rows`` rows, no flag), ``exact_flagged`` (and the flag),
            ``flag_partial`` (the flag with fewer rows), ``flag_empty`` (the
            flag and no rows), or ``mixed`` (any of these, per request).
        response_shape: For impressions, ``object`` (``{"impressions":
            [...]}``), ``array`` (a bare list) or ``mixed``. A bare list
            cannot carry the flag, so its overflow is always ``exact``.
            Clicks are always an object, as the contract shows them.
        shuffle: Return raw rows in random order (the contract promises none).
        omit_rate: Chance that a zero-valued field is left out.
        null_rate: Chance that a zero-valued field is sent as null. Off by
            default: the reference shows nulls only in a few fields, which
            the records carry as documented; tests of surprises turn it on.
        extra_field_rate: Chance that a record carries unknown fields. Off
            by default, so that a run shows no "please report it" warnings
            unless asked: tests of surprises turn it on.
        has_impression_package: Without it the impressions endpoint
            answers 403.
        has_reporting_permission: Without it the aggregated report answers
            403.
        report: How the aggregated report's time ids are written and how
            its counts differ from the truth (see ``ReportOptions``).
        fault_rate: Chance that a request gets a random transient fault.
        latency: Seconds added to every answer.
        hold_first: The first this many requests are held until as many are
            in flight at once (or ``HOLD_SECONDS`` pass): a client's
            concurrency shows in ``most_in_flight`` whatever the machine's load.
        honours_list_filters: Whether entity lists apply ``filter=`` (else
            they ignore it and answer the whole list, as some servers may).
        **lists: The rows of each entity list, by stream name (``offers``,
            ``creatives``, ... : see ``ENTITIES``).
    """

    def __init__(
        self,
        impressions: list[Record] | None = None,
        *,
        clicks: list[Record] | None = None,
        conversions: list[Record] | None = None,
        invalid_clicks: list[Record] | None = None,
        api_key: str = "simulator-key",
        now: int | None = None,
        seed: int = 0,
        max_rows: int = MAX_ROWS,
        retention_days: float = 90,
        overflow_subset: str = "random",
        overflow_mode: str = "mixed",
        response_shape: str = "object",
        shuffle: bool = True,
        omit_rate: float = 0.3,
        null_rate: float = 0.0,
        extra_field_rate: float = 0.0,
        has_impression_package: bool = True,
        has_reporting_permission: bool = True,
        report: ReportOptions | None = None,
        fault_rate: float = 0.0,
        latency: float = 0.0,
        hold_first: int = 0,
        honours_list_filters: bool = True,
        **lists: list[Record],
    ) -> None:
        if overflow_mode not in (*OVERFLOW_MODES, "mixed"):
            msg = f"unknown overflow_mode {overflow_mode!r}"
            raise ValueError(msg)
        if overflow_subset not in OVERFLOW_SUBSETS:
            msg = f"unknown overflow_subset {overflow_subset!r}"
            raise ValueError(msg)
        if response_shape not in (*RESPONSE_SHAPES, "mixed"):
            msg = f"unknown response_shape {response_shape!r}"
            raise ValueError(msg)
        if unknown := sorted(lists.keys() - ENTITIES.keys()):
            msg = f"unknown entity lists {unknown}"
            raise ValueError(msg)
        self.api_key = api_key
        self.now = int(time.time()) if now is None else now
        self.max_rows = max_rows
        self.retention_days = retention_days
        self.overflow_subset = overflow_subset
        self.overflow_mode = overflow_mode
        self.response_shape = response_shape
        self.shuffle = shuffle
        self.omit_rate = omit_rate
        self.null_rate = null_rate
        self.extra_field_rate = extra_field_rate
        self.has_impression_package = has_impression_package
        self.has_reporting_permission = has_reporting_permission
        self.report = report or ReportOptions()
        self.fault_rate = fault_rate
        self.latency = latency
        self.hold_first = hold_first
        self.honours_list_filters = honours_list_filters
        self.requests: list[RequestLog] = []
        self.in_flight = 0  # requests being answered now
        self.most_in_flight = 0  # the most at once since the log was reset
        self._tables = {
            "impressions": _Table(impressions or [], "unix_timestamp"),
            "clicks": _Table(clicks or [], "unix_timestamp"),
            "invalid_clicks": _Table(invalid_clicks or [], "unix_timestamp"),
            "conversions": _Table(
                conversions or [], "conversion_unix_timestamp", "conversion_id"
            ),
        }
        self._entities = {
            kind: sorted(lists.get(kind) or [], key=itemgetter(entity.key))
            for kind, entity in ENTITIES.items()
        }
        self._faults: list[Fault] = []
        self._scheduled: list[tuple[int, Callable[[], None]]] = []
        self._random = random.Random(f"everflow-simulator/{seed}")
        self._lock = threading.Lock()
        self._in_flight_changed = threading.Condition(self._lock)
        self._arrived = 0  # requests received, for hold_first
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------

    @property
    def url(self) -> str:
        """The API base URL to give the tap as ``api_url``."""
        if self._server is None:
            msg = "the simulator is not started"
            raise RuntimeError(msg)
        return f"http://{HOST}:{self._server.server_port}/v1"

    def start(self, port: int = 0) -> EverflowSimulator:
        """Listen on ``port`` (0: any free port) in a background thread."""
        handler = type("Handler", (_Handler,), {"simulator": self})
        self._server = _Server((HOST, port), handler)
        # stop() waits for the loop to notice, up to one poll interval.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="everflow-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> EverflowSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- controls for tests ------------------------------------------------

    def add_impressions(self, rows: list[Record]) -> None:
        """Add impressions to the account, as new traffic arriving."""
        with self._lock:
            self._tables["impressions"].add(rows)

    def add_clicks(self, rows: list[Record]) -> None:
        """Add clicks to the account, as new traffic arriving."""
        with self._lock:
            self._tables["clicks"].add(rows)

    def add_conversions(self, rows: list[Record]) -> None:
        """Add conversions to the account, as new traffic arriving."""
        with self._lock:
            self._tables["conversions"].add(rows)

    def update_conversion(self, conversion_id: str, **fields: Any) -> Record:
        """Change a conversion after the fact (its status, payout, ...).

        The stored record is replaced by an updated copy: the list given to
        the constructor or ``add_conversions`` keeps the original.

        Args:
            conversion_id: The conversion to change.
            **fields: New values of existing top-level fields.

        Returns:
            The updated conversion.

        Raises:
            KeyError: No conversion has this id.
            ValueError: A field name the conversion does not have.
        """
        with self._lock:
            return self._tables["conversions"].update(conversion_id, fields)

    def add_entity(self, kind: str, entity: Record) -> None:
        """Create an entity: later ones shift forward.

        Args:
            kind: The list's stream name (``offers``, ... : see ``ENTITIES``).
            entity: The entity, with its id.
        """
        key = ENTITIES[kind].key
        with self._lock:
            rows = [*self._entities[kind], entity]
            self._entities[kind] = sorted(rows, key=itemgetter(key))

    def delete_entity(self, kind: str, entity_id: int | str) -> None:
        """Delete an entity: later pages shift back.

        Args:
            kind: The list's stream name (``offers``, ... : see ``ENTITIES``).
            entity_id: The entity's id.
        """
        key = ENTITIES[kind].key
        with self._lock:
            rows = self._entities[kind]
            self._entities[kind] = [row for row in rows if row[key] != entity_id]

    def update_entity(self, kind: str, entity_id: int | str, **fields: Any) -> Record:
        """Change an entity (its ``time_saved`` too, if given), as an edit would.

        Args:
            kind: The list's stream name (``offers``, ... : see ``ENTITIES``).
            entity_id: The entity's id.
            **fields: New values of existing top-level fields.

        Returns:
            The updated entity.

        Raises:
            KeyError: No entity has this id.
            ValueError: A field name the entity does not have.
        """
        key = ENTITIES[kind].key
        with self._lock:
            rows = self._entities[kind]
            index = next((i for i, r in enumerate(rows) if r[key] == entity_id), None)
            if index is None:
                raise KeyError(entity_id)
            if unknown := sorted(fields.keys() - rows[index].keys()):
                msg = f"unknown fields {unknown}"
                raise ValueError(msg)
            updated = {**rows[index], **fields}
            self._entities[kind] = [*rows[:index], updated, *rows[index + 1 :]]
            return updated

    def after_requests(self, count: int, action: Callable[[], None]) -> None:
        """Run ``action`` once ``count`` requests (since the last reset) were answered.

        It runs before the answer of the request that reaches ``count`` is
        sent, so the client's next request sees its effect.
        """
        with self._lock:
            self._scheduled.append((count, action))

    def queue_faults(self, *faults: Fault) -> None:
        """Serve these faults, in order, to the next requests."""
        with self._lock:
            self._faults.extend(faults)

    def reset_log(self) -> None:
        """Forget the requests logged so far."""
        with self._lock:
            self.requests.clear()
            self.most_in_flight = self.in_flight

    @property
    def impressions(self) -> list[Record]:
        """Every impression the account holds (retention not applied)."""
        return list(self._tables["impressions"].rows)

    @property
    def clicks(self) -> list[Record]:
        """Every click the account holds (retention not applied)."""
        return list(self._tables["clicks"].rows)

    @property
    def conversions(self) -> list[Record]:
        """Every conversion, as updated, by time then id (retention not applied)."""
        return list(self._tables["conversions"].rows)

    @property
    def invalid_clicks(self) -> list[Record]:
        """Every invalid click the account holds (retention not applied)."""
        return list(self._tables["invalid_clicks"].rows)

    def entities(self, kind: str) -> list[Record]:
        """Every entity of a list (``offers``, ... : see ``ENTITIES``), by id."""
        return list(self._entities[kind])

    @property
    def offers(self) -> list[Record]:
        """Every offer, by id."""
        return self.entities("offers")

    @property
    def affiliates(self) -> list[Record]:
        """Every affiliate, by id."""
        return self.entities("affiliates")

    @property
    def advertisers(self) -> list[Record]:
        """Every advertiser, by id."""
        return self.entities("advertisers")

    # -- request handling (called from the server's threads) ----------------

    def next_fault(self) -> Fault | None:
        with self._lock:
            if self._faults:
                return self._faults.pop(0)
            if self.fault_rate and self._random.random() < self.fault_rate:
                return self._random.choice(RANDOM_FAULTS)
        return None

    def log(self, entry: RequestLog) -> None:
        with self._lock:
            self.requests.append(entry)
            count = len(self.requests)
            due = [action for n, action in self._scheduled if n == count]
            self._scheduled = [(n, a) for n, a in self._scheduled if n != count]
        for action in due:
            action()

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Count a request as in flight while it is answered."""
        with self._in_flight_changed:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self._arrived += 1
            self._in_flight_changed.notify_all()
            if self._arrived <= self.hold_first:
                self._in_flight_changed.wait_for(
                    lambda: self.in_flight >= self.hold_first, HOLD_SECONDS
                )
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    def answer(
        self,
        method: str,
        path: str,
        headers: Any,
        body: bytes,
        query: Mapping[str, str] | None = None,
    ) -> Answer:
        """Route one request; a refused one gets its status and reason."""
        path = path.split("?", 1)[0].rstrip("/")
        routes: dict[str, tuple[str, _Route]] = {
            TIMEZONES_PATH: ("GET", self._timezones_answer),
            IMPRESSIONS_PATH: ("POST", self._impressions_answer),
            CLICKS_PATH: (
                "POST",
                functools.partial(self._raw_answer, "clicks", "object"),
            ),
            INVALID_CLICKS_PATH: (
                "POST",
                functools.partial(
                    self._raw_answer,
                    "invalid_clicks",
                    "mixed",
                    key="clicks",
                    cap=INVALID_CLICKS_CAP,
                ),
            ),
            CONVERSIONS_PATH: ("POST", self._conversions_answer),
            ENTITY_TABLE_PATH: ("POST", self._table_answer),
            **{
                entity.path: (
                    entity.method,
                    functools.partial(self._entities_answer, kind),
                )
                for kind, entity in ENTITIES.items()
            },
        }
        try:
            if path not in routes:
                raise Refused(HTTPStatus.NOT_FOUND, f"no route for {method} {path}")
            if headers.get("X-Eflow-API-Key") != self.api_key:
                raise Refused(HTTPStatus.UNAUTHORIZED, "invalid or missing API key")
            allowed, handler = routes[path]
            if method != allowed:
                raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, f"use {allowed}")
            return handler(body, query or {})
        except Refused as refusal:
            return Answer(refusal.status, {"error": refusal.message})

    def _fork_random(self) -> random.Random:
        """A generator of this answer's choices (call with the lock held)."""
        return random.Random(self._random.getrandbits(64))

    def _timezones_answer(self, _body: bytes, _query: Mapping[str, str]) -> Answer:
        return Answer(HTTPStatus.OK, {"timezones": list(TIMEZONES)})

    def _impressions_answer(self, body: bytes, query: Mapping[str, str]) -> Answer:
        if not self.has_impression_package:
            raise Refused(
                HTTPStatus.FORBIDDEN,
                "the network has no impression package: raw impressions "
                "are not available",
            )
        return self._raw_answer("impressions", self.response_shape, body, query)

    def _raw_answer(
        self,
        kind: str,
        shape: str,
        body: bytes,
        _query: Mapping[str, str],
        *,
        key: str | None = None,
        cap: int | None = None,
    ) -> Answer:
        """A raw stream: the 14-day window, retention, the row cap, shapes.

        ``key`` holds the rows of an object answer (default: ``kind``); ``cap``
        is the row cap, if not ``max_rows``.
        """
        cap = cap or self.max_rows
        request = parse_json(body)
        window = raw_window(request)
        keep = matcher(request)
        oldest = self.now - int(self.retention_days * DAY)
        oldest_converted = min(oldest, self.now - CONVERTED_CLICK_RETENTION_DAYS * DAY)
        table = self._tables[kind]
        with self._lock:
            candidates = table.candidates(
                max(window.start, oldest_converted), window.end, request
            )
            rng = self._fork_random()
        matched = [
            row
            for row in candidates
            if (row[table.time_field] >= oldest or row.get("has_conversion"))
            and keep(row)
        ]
        if shape == "mixed":
            shape = rng.choice(RESPONSE_SHAPES)
        flagged = False
        rows = matched
        if len(matched) > cap:
            mode = self.overflow_mode
            if mode == "mixed":
                mode = rng.choice(OVERFLOW_MODES)
            if shape == "array":
                mode = "exact"  # a bare list has nowhere to put the flag
            kept = {
                "exact": cap,
                "exact_flagged": cap,
                "flag_partial": rng.randrange(1, cap),
                "flag_empty": 0,
            }[mode]
            rows = kept_rows(
                self.overflow_subset,
                matched,
                kept,
                rng,
                time_of=itemgetter(table.time_field),
                offer_of=_offer_id,
            )
            if self.shuffle:  # the contract promises no order
                rng.shuffle(rows)
            flagged = mode != "exact"
        elif self.shuffle:
            rows = rng.sample(matched, len(matched))
        served = [self._serve(row, rng) for row in rows]
        payload: Any = served
        if shape == "object":
            payload = {key or kind: served}
            if flagged:
                payload["incomplete_results"] = True
        log: AnswerLog = {
            "rows": len(served),
            "matched": len(matched),
            "overflowed": flagged or len(served) >= cap,
        }
        return Answer(HTTPStatus.OK, payload, log=log)

    def _conversions_answer(self, body: bytes, query: Mapping[str, str]) -> Answer:
        page, size = paging(query)
        request = parse_json(body)
        window = year_window(request, datetimes=True)
        keep = matcher(request)
        # Keyed by is_event: which of conversions and events are asked for.
        shown = {
            False: flag(request, "show_conversions"),
            True: flag(request, "show_events"),
        }
        oldest = self.now - CONVERSION_RETENTION_DAYS * DAY
        with self._lock:
            candidates = self._tables["conversions"].between(
                max(window.start, oldest), window.end
            )
            rng = self._fork_random()
        matched = [
            row for row in candidates if shown[bool(row.get("is_event"))] and keep(row)
        ]
        return self._paged("conversions", matched, page, size, rng)

    def _entities_answer(
        self, kind: str, body: bytes, query: Mapping[str, str]
    ) -> Answer:
        entity = ENTITIES[kind]
        if entity.method == "POST":
            parse_json(body)  # a search's body: an object (its filters)
        page, size = paging(query)
        keep = list_filter(query)
        if not self.honours_list_filters:
            keep = _everything
        # A dated list's day field, and the days asked for.
        dated = (
            None if entity.dated_by is None else (entity.dated_by, date_range(query))
        )
        with self._lock:
            rows = self._entities[kind]
            rng = self._fork_random()
        rows = [row for row in rows if keep(row)]
        if dated is not None:
            dated_by, (first, last) = dated
            rows = [row for row in rows if first <= row[dated_by] <= last]
        if not entity.answer_keys:  # a bare array: the page's rows, no paging
            chunk = rows[(page - 1) * size : page * size]
            log: AnswerLog = {"rows": len(chunk), "matched": len(rows)}
            return Answer(HTTPStatus.OK, [self._serve(r, rng) for r in chunk], log)
        return self._paged(rng.choice(entity.answer_keys), rows, page, size, rng)

    def _paged(
        self, key: str, rows: list[Record], page: int, size: int, rng: random.Random
    ) -> Answer:
        """One page of ``rows``, whose order must be stable across requests."""
        chunk = rows[(page - 1) * size : page * size]
        payload = {
            key: [self._serve(row, rng) for row in chunk],
            "paging": {"page": page, "page_size": size, "total_count": len(rows)},
        }
        # proto3 applies to the envelope too: an empty page, or a zero
        # total, may be missing or null.
        payload = _degrade(payload, rng, self.omit_rate, self.null_rate)
        return Answer(
            HTTPStatus.OK, payload, log={"rows": len(chunk), "matched": len(rows)}
        )

    def _table_answer(self, body: bytes, _query: Mapping[str, str]) -> Answer:
        if not self.has_reporting_permission:
            raise Refused(
                HTTPStatus.FORBIDDEN, "the API key has no permission for reporting"
            )
        request = parse_json(body)
        window = year_window(request, datetimes=True)
        with self._lock:
            rows = {
                kind: table.between(window.start, window.end)
                for kind, table in self._tables.items()
            }
            rng = self._fork_random()
        table, summary = entity_table(request, window, rows, self.report)
        groups = len(table)
        flagged = groups > self.max_rows
        if flagged:
            table = rng.sample(table, self.max_rows)
        payload: Record = {
            "table": [self._serve(row, rng) for row in table],
            "summary": summary,
        }
        if flagged:
            payload["incomplete_results"] = True
        payload = _degrade(payload, rng, self.omit_rate, self.null_rate)
        log: AnswerLog = {"rows": len(table), "matched": groups, "overflowed": flagged}
        return Answer(HTTPStatus.OK, payload, log=log)

    def _serve(self, row: Record, rng: random.Random) -> Record:
        """A row as the API may send it: zero values omitted or null, extras."""
        out = _degrade(row, rng, self.omit_rate, self.null_rate)
        if self.extra_field_rate and rng.random() < self.extra_field_rate:
            # Fields no source documents, at the top and nested: "unknown extra
            # fields may appear at any time" (the contract).
            out["served_by"] = "sim-1"
            out["debug"] = {"shard": rng.randrange(16), "tags": ["a", "b"]}
            relationship = out.get("relationship")
            if isinstance(relationship, dict):
                relationship["campaign"] = {"network_campaign_id": 0, "name": ""}
                offer = relationship.get("offer")
                if isinstance(offer, dict):
                    offer["internal_score"] = 0.5
        return out


def _offer_id(row: Record) -> int:
    return int(row.get("relationship", {}).get("offer", {}).get("network_offer_id", 0))


def _everything(_row: Record) -> bool:
    """Every row: a server that ignores a list's filter."""
    return True


def _degrade(
    value: Record, rng: random.Random, omit_rate: float, null_rate: float
) -> Record:
    out: Record = {}
    for key, item in value.items():
        if isinstance(item, dict):
            item = _degrade(item, rng, omit_rate, null_rate)  # noqa: PLW2901
            if item:
                out[key] = item
                continue
        if item in ("", 0, False, [], {}) and key != "unix_timestamp":
            draw = rng.random()
            if draw < omit_rate:
                continue
            if draw < omit_rate + null_rate:
                out[key] = None
                continue
        out[key] = item
    return out


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    @override
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (timeouts in tests) are expected: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    simulator: ClassVar[EverflowSimulator]
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API

    def do_GET(self) -> None:
        with self.simulator.answering():
            self._handle("GET")

    def do_POST(self) -> None:
        with self.simulator.answering():
            self._handle("POST")

    @override
    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""

    def _handle(self, method: str) -> None:
        sim = self.simulator
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError:
            body = None
        target = urlsplit(self.path)
        path = target.path
        query = dict(parse_qsl(target.query, keep_blank_values=True))
        fault = sim.next_fault()
        entry = RequestLog(
            method, path, body if isinstance(body, dict) else None, 0, query=query
        )
        if fault is not None:
            entry.fault = fault.describe()
        if sim.latency:
            time.sleep(sim.latency)
        if fault is not None and fault.kind != "delay":
            # Logged before the answer goes out, as below: a client that has
            # its answer must find its request in the log.
            entry.status = fault.code
            sim.log(entry)
            self._serve_fault(fault)
            return
        if fault is not None:
            time.sleep(fault.seconds)
        answer = sim.answer(method, path, self.headers, raw_body, query)
        entry.status = answer.status
        for key, value in answer.log.items():
            setattr(entry, key, value)
        sim.log(entry)
        # msgspec: seven times faster than json.dumps on 10,000 rows, so the
        # simulator's own CPU disturbs the tap's measurements less.
        self._send(answer.status, msgspec.json.encode(answer.payload))

    def _serve_fault(self, fault: Fault) -> None:
        if fault.kind == "status":
            self._send(fault.code, json.dumps({"error": fault.message}).encode())
        elif fault.kind == "reset":
            self.close_connection = True
        elif fault.kind == "truncated":
            body = json.dumps({"impressions": [{"transaction_id": "x" * 40}] * 50})
            self._send(200, body[: len(body) // 2].encode())
        elif fault.kind == "html":
            page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            self._send(200, page, "text/html")
        elif fault.kind == "wrong_shape":
            unknown = {"data": [{"transaction_id": "0" * 32, "unix_timestamp": 1}]}
            self._send(200, json.dumps(unknown).encode())

    def _send(
        self, status: int, body: bytes, content_type: str = "application/json"
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
