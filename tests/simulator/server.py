"""A local HTTP server that keeps the Everflow API contract (../shared/everflow-api.md).

It serves a fixed "truth" of raw impressions and behaves like the real API
where the contract lets a server choose: at most 10,000 rows per answer
(which ones, and whether the overflow is flagged, varies), rows in random
order, zero values omitted or sent as null, unknown fields added, both
response shapes, and injected faults. Every request is logged so tests can
check what the tap asked for.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import json
import random
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from operator import itemgetter
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

Record = dict[str, Any]

MAX_ROWS = 10_000
MAX_SPAN_SECONDS = 14 * 86_400
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
IMPRESSIONS_PATH = "/v1/networks/reporting/impressions/stream"
TIMEZONES_PATH = "/v1/meta/timezones"

TIMEZONES = (
    {
        "timezone_id": 67,
        "timezone_name": "(GMT+00:00) UTC",
        "timezone": "UTC",
        "utc_offset": "+00:00",
    },
    {
        "timezone_id": 80,
        "timezone_name": "(GMT-05:00) New York",
        "timezone": "America/New_York",
        "utc_offset": "-05:00",
    },
    {
        "timezone_id": 90,
        "timezone_name": "(GMT-08:00) Los Angeles",
        "timezone": "America/Los_Angeles",
        "utc_offset": "-08:00",
    },
)
_ZONES = {tz["timezone_id"]: ZoneInfo(tz["timezone"]) for tz in TIMEZONES}


def _related(entity: str, key: str) -> Any:
    def value(row: Record) -> Any:
        return row["relationship"][entity][key]

    return value


# What each filter resource type compares against in an impression. Types the
# contract allows but an impression does not carry (creative, campaign, ...)
# match no impression, as a real server's join would find nothing.
FILTER_FIELDS = {
    "offer": _related("offer", "network_offer_id"),
    "affiliate": _related("affiliate", "network_affiliate_id"),
    "advertiser": _related("advertiser", "network_advertiser_id"),
    "source_id": itemgetter("source_id"),
    "country": _related("geolocation", "country_code"),
    "region": _related("geolocation", "region_name"),
    "city": _related("geolocation", "city_name"),
    "device_platform": _related("device_information", "platform_name"),
    "device_type": _related("device_information", "device_type"),
    "browser": _related("device_information", "browser_name"),
}
RESOURCE_TYPES = frozenset(
    {
        *FILTER_FIELDS,
        "creative",
        "offer_group",
        "campaign",
        "channel",
    }
)

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
    body: dict | None
    status: int
    rows: int = 0
    overflowed: bool = False  # the answer signalled overflow (cap reached or flag)
    matched: int = 0  # rows that matched, before the cap
    fault: str | None = None


class Refused(Exception):
    """A refused request: answered with ``status`` and ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class BadRequest(Refused):
    """The request breaks the contract: 400."""

    def __init__(self, message: str) -> None:
        super().__init__(HTTPStatus.BAD_REQUEST, message)


@dataclass
class _Answer:
    status: int
    payload: Any = None
    raw: bytes | None = None
    content_type: str = "application/json"
    log: dict = field(default_factory=dict)


class _RawTable:
    """Rows kept sorted by ``unix_timestamp``, for fast window lookups."""

    def __init__(self, rows: list[Record]) -> None:
        self.rows = sorted(rows, key=itemgetter("unix_timestamp"))
        self.times = [row["unix_timestamp"] for row in self.rows]

    def add(self, rows: list[Record]) -> None:
        self.__init__([*self.rows, *rows])

    def between(self, start: int, end: int) -> list[Record]:
        lo = bisect.bisect_left(self.times, start)
        hi = bisect.bisect_right(self.times, end)
        return self.rows[lo:hi]


class EverflowSimulator:
    """The Everflow API, in-process, on ``127.0.0.1`` and a free port.

    Args:
        impressions: The raw impressions the account holds (the truth).
        api_key: The only key accepted (401 otherwise).
        now: The server's clock, epoch seconds: rows older than
            ``retention_days`` before it are no longer served.
        seed: Seed of every random choice the server makes.
        max_rows: Row cap per answer.
        retention_days: How long raw rows are kept.
        overflow_mode: How an overflowing window is answered: ``exact``
            (``max_rows`` rows, no flag), ``exact_flagged`` (and the flag),
            ``flag_partial`` (the flag with fewer rows), ``flag_empty`` (the
            flag and no rows), or ``mixed`` (any of these, per request).
        response_shape: ``object`` (``{"impressions": [...]}``), ``array``
            (a bare list) or ``mixed``. A bare list cannot carry the flag, so
            its overflow is always ``exact``.
        shuffle: Return rows in random order (the contract promises none).
        omit_rate: Chance that a zero-valued field is left out.
        null_rate: Chance that a zero-valued field is sent as null.
        extra_field_rate: Chance that a record carries unknown fields.
        has_impression_package: Without it the endpoint answers 403.
        fault_rate: Chance that a request gets a random transient fault.
        latency: Seconds added to every answer.
    """

    def __init__(
        self,
        impressions: list[Record] | None = None,
        *,
        api_key: str = "simulator-key",
        now: int | None = None,
        seed: int = 0,
        max_rows: int = MAX_ROWS,
        retention_days: float = 90,
        overflow_mode: str = "mixed",
        response_shape: str = "object",
        shuffle: bool = True,
        omit_rate: float = 0.3,
        null_rate: float = 0.05,
        extra_field_rate: float = 0.1,
        has_impression_package: bool = True,
        fault_rate: float = 0.0,
        latency: float = 0.0,
    ) -> None:
        if overflow_mode not in (*OVERFLOW_MODES, "mixed"):
            msg = f"unknown overflow_mode {overflow_mode!r}"
            raise ValueError(msg)
        if response_shape not in (*RESPONSE_SHAPES, "mixed"):
            msg = f"unknown response_shape {response_shape!r}"
            raise ValueError(msg)
        self.api_key = api_key
        self.now = int(time.time()) if now is None else now
        self.max_rows = max_rows
        self.retention_days = retention_days
        self.overflow_mode = overflow_mode
        self.response_shape = response_shape
        self.shuffle = shuffle
        self.omit_rate = omit_rate
        self.null_rate = null_rate
        self.extra_field_rate = extra_field_rate
        self.has_impression_package = has_impression_package
        self.fault_rate = fault_rate
        self.latency = latency
        self.requests: list[RequestLog] = []
        self._impressions = _RawTable(impressions or [])
        self._faults: list[Fault] = []
        self._random = random.Random(f"everflow-simulator/{seed}")
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------

    @property
    def url(self) -> str:
        """The API base URL to give the tap as ``api_url``."""
        if self._server is None:
            msg = "the simulator is not started"
            raise RuntimeError(msg)
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self, port: int = 0) -> EverflowSimulator:
        """Listen on ``port`` (0: any free port) in a background thread."""
        handler = type("Handler", (_Handler,), {"simulator": self})
        self._server = _Server(("127.0.0.1", port), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="everflow-simulator", daemon=True
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
        """Add rows to the account, as new traffic arriving."""
        with self._lock:
            self._impressions.add(rows)

    def queue_faults(self, *faults: Fault) -> None:
        """Serve these faults, in order, to the next requests."""
        with self._lock:
            self._faults.extend(faults)

    def reset_log(self) -> None:
        """Forget the requests logged so far."""
        with self._lock:
            self.requests.clear()

    @property
    def impressions(self) -> list[Record]:
        """Every row the account holds (retention not applied)."""
        return list(self._impressions.rows)

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

    def answer(self, method: str, path: str, headers: Any, body: bytes) -> _Answer:
        """Route one request; a refused one gets its status and reason."""
        path = path.split("?", 1)[0].rstrip("/")
        routes = {
            TIMEZONES_PATH: ("GET", self._timezones_answer),
            IMPRESSIONS_PATH: ("POST", self._impressions_answer),
        }
        try:
            if path not in routes:
                raise Refused(HTTPStatus.NOT_FOUND, f"no route for {method} {path}")
            if headers.get("X-Eflow-API-Key") != self.api_key:
                raise Refused(HTTPStatus.UNAUTHORIZED, "invalid or missing API key")
            allowed, handler = routes[path]
            if method != allowed:
                raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, f"use {allowed}")
            return handler(body)
        except Refused as refusal:
            return _Answer(refusal.status, {"error": refusal.message})

    def _timezones_answer(self, _body: bytes) -> _Answer:
        return _Answer(HTTPStatus.OK, {"timezones": list(TIMEZONES)})

    def _impressions_answer(self, body: bytes) -> _Answer:
        if not self.has_impression_package:
            raise Refused(
                HTTPStatus.FORBIDDEN,
                "the network has no impression package: raw impressions "
                "are not available",
            )
        request = _parse_json(body)
        start, end = _window(request)
        keep = _matcher(request.get("query") or {})
        oldest = self.now - int(self.retention_days * 86_400)
        with self._lock:
            candidates = self._impressions.between(max(start, oldest), end)
            matched = [row for row in candidates if keep(row)]
            rng = random.Random(self._random.getrandbits(64))
        shape = self.response_shape
        if shape == "mixed":
            shape = rng.choice(RESPONSE_SHAPES)
        flagged = False
        rows = matched
        if len(matched) > self.max_rows:
            mode = self.overflow_mode
            if mode == "mixed":
                mode = rng.choice(OVERFLOW_MODES)
            if shape == "array":
                mode = "exact"  # a bare list has nowhere to put the flag
            kept = {
                "exact": self.max_rows,
                "exact_flagged": self.max_rows,
                "flag_partial": rng.randrange(1, self.max_rows),
                "flag_empty": 0,
            }[mode]
            rows = rng.sample(matched, kept)
            flagged = mode != "exact"
        elif self.shuffle:
            rows = rng.sample(matched, len(matched))
        served = [self._serve(row, rng) for row in rows]
        payload: Any = served
        if shape == "object":
            payload = {"impressions": served}
            if flagged:
                payload["incomplete_results"] = True
        log = {
            "rows": len(served),
            "matched": len(matched),
            "overflowed": flagged or len(served) >= self.max_rows,
        }
        return _Answer(HTTPStatus.OK, payload, log=log)

    def _serve(self, row: Record, rng: random.Random) -> Record:
        """A row as the API may send it: zero values omitted or null, extras."""
        out = _degrade(row, rng, self.omit_rate, self.null_rate)
        if self.extra_field_rate and rng.random() < self.extra_field_rate:
            out["network_id"] = 1234
            out["debug"] = {"shard": rng.randrange(16), "tags": ["a", "b"]}
            relationship = out.get("relationship")
            if isinstance(relationship, dict):
                relationship["campaign"] = {"network_campaign_id": 0, "name": ""}
                offer = relationship.get("offer")
                if isinstance(offer, dict):
                    offer["offer_status"] = "active"
        return out


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


def _parse_json(body: bytes) -> dict:
    try:
        request = json.loads(body or b"null")
    except ValueError as exc:
        msg = f"the body is not valid JSON: {exc}"
        raise BadRequest(msg) from None
    if not isinstance(request, dict):
        msg = "the body must be a JSON object"
        raise BadRequest(msg)
    return request


def _window(request: dict) -> tuple[int, int]:
    """The request's inclusive [from, to] as UTC epochs, checked."""
    zone_id = request.get("timezone_id")
    if zone_id is None:
        msg = "timezone_id is required"
        raise BadRequest(msg)
    zone = _ZONES.get(zone_id)
    if zone is None:
        msg = f"unknown timezone_id {zone_id!r}"
        raise BadRequest(msg)
    start = _epoch(request, "from", zone)
    end = _epoch(request, "to", zone)
    if end < start:
        msg = "from must be before to"
        raise BadRequest(msg)
    if end - start > MAX_SPAN_SECONDS:
        msg = "the range between from and to must not exceed 14 days"
        raise BadRequest(msg)
    return start, end


def _epoch(request: dict, key: str, zone: ZoneInfo) -> int:
    text = request.get(key)
    if not isinstance(text, str):
        msg = f"{key} is required, as YYYY-MM-DD HH:MM:SS"
        raise BadRequest(msg)
    try:
        parsed = time.strptime(text, TIME_FORMAT)
    except ValueError:
        msg = f"{key} {text!r} is not YYYY-MM-DD HH:MM:SS"
        raise BadRequest(msg) from None
    if zone.key == "UTC":
        return calendar.timegm(parsed)
    local = dt.datetime(*parsed[:6], tzinfo=zone)
    return int(local.timestamp())


def _conditions(items: Any, what: str) -> dict[str, set[str]]:
    """Group ``[{resource_type, filter_id_value}]`` by type, values as strings."""
    if items is None:
        return {}
    if not isinstance(items, list):
        msg = f"query.{what} must be a list"
        raise BadRequest(msg)
    grouped: dict[str, set[str]] = {}
    for item in items:
        if not isinstance(item, dict):
            msg = f"query.{what} entries must be objects"
            raise BadRequest(msg)
        kind = item.get("resource_type")
        if kind not in RESOURCE_TYPES:
            msg = f"unknown resource_type {kind!r} in query.{what}"
            raise BadRequest(msg)
        value = item.get("filter_id_value")
        if value is None or value == "":
            msg = f"filter_id_value is required in query.{what}"
            raise BadRequest(msg)
        grouped.setdefault(kind, set()).add(str(value))
    return grouped


def _matcher(query: Any) -> Any:
    """Filters: same type OR, types AND. Exclusions remove any match."""
    if not isinstance(query, dict):
        msg = "query must be an object"
        raise BadRequest(msg)
    filters = _conditions(query.get("filters"), "filters")
    exclusions = _conditions(query.get("exclusions"), "exclusions")

    def value(row: Record, kind: str) -> str | None:
        field_of = FILTER_FIELDS.get(kind)
        return None if field_of is None else str(field_of(row))

    def keep(row: Record) -> bool:
        for kind, values in filters.items():
            if value(row, kind) not in values:
                return False
        return not any(
            value(row, kind) in values for kind, values in exclusions.items()
        )

    return keep


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (timeouts in tests) are expected: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    simulator: ClassVar[EverflowSimulator]
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

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
        path = self.path.split("?", 1)[0]
        fault = sim.next_fault()
        entry = RequestLog(method, path, body if isinstance(body, dict) else None, 0)
        if fault is not None:
            entry.fault = fault.describe()
        if sim.latency:
            time.sleep(sim.latency)
        if fault is not None and fault.kind != "delay":
            self._serve_fault(fault, entry)
            sim.log(entry)
            return
        if fault is not None:
            time.sleep(fault.seconds)
        answer = sim.answer(method, path, self.headers, raw_body)
        entry.status = answer.status
        for key, value in answer.log.items():
            setattr(entry, key, value)
        sim.log(entry)
        self._send(answer.status, json.dumps(answer.payload).encode())

    def _serve_fault(self, fault: Fault, entry: RequestLog) -> None:
        entry.status = fault.code
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
            body = {"data": [{"transaction_id": "0" * 32, "unix_timestamp": 1}]}
            self._send(200, json.dumps(body).encode())

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
