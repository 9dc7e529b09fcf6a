"""Records shaped exactly as their schema says, whatever Everflow sends.

Everflow omits fields that hold their zero value (``0``, ``""``, ``false``,
``[]``) and may add fields at any time; its documentation also shows nulls, and
values whose type differs between sources. A :class:`Conformer` built from a
stream's JSON schema turns each API row into a record with every declared field
of the declared type, and nothing else:

- an omitted field holds its zero value (a nullable one, ``null``);
- a value of another type is kept where that loses nothing (a number sent as
  text is parsed, a whole float becomes an integer, an object in a string
  field becomes its JSON text); where it cannot be held, the field gets its
  zero value. Either way the row is kept and :class:`Surprises` logs one
  WARNING per field and run. Only a key or time field that cannot be read
  stops the sync;
- a field the schema does not declare is left out, and logged once.

Values in a field's documented other reading (``alternatives``: sources that
disagree on its type) are converted without a warning.

:func:`struct_type` builds the msgspec type that decodes rows that keep the
schema straight from JSON, in C; any other answer takes the conformer's path.
"""

from __future__ import annotations

import math
import threading
import typing as t
from dataclasses import dataclass
from types import GenericAlias

import msgspec

from tap_everflow.errors import EverflowResponseError

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Iterable, Mapping

Conform = t.Callable[[t.Any], t.Any]
# A field's place in a record: dotted names, "[]" for an array's items.
Path = str
ZERO: dict[str, t.Any] = {"integer": 0, "number": 0, "string": "", "boolean": False}
SHOWN_VALUE_CHARS = 80  # of a surprising value, in its warning


MISSING = object()  # a field the API left out (proto3: its zero value)


class Unreadable(ValueError):
    """A value the declared type cannot hold: the field gets its zero value."""


def kinds(schema: dict) -> tuple[str | None, bool]:
    """A property's JSON type (None: any) and whether it may be null."""
    declared = schema.get("type")
    if declared is None:
        return None, True
    listed = [declared] if isinstance(declared, str) else list(declared)
    real = [kind for kind in listed if kind != "null"]
    return (real[0] if real else None), "null" in listed


def _to_integer(value: t.Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit():
            return int(text)
        return _to_integer(_to_number(text))
    raise Unreadable


def _to_number(value: t.Any) -> int | float:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise Unreadable from None
        if not math.isfinite(number):
            raise Unreadable
        return int(number) if number.is_integer() and "." not in value else number
    raise Unreadable


def _to_string(value: t.Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return msgspec.json.encode(value).decode()
    raise Unreadable


def _to_boolean(value: t.Any) -> bool:
    if value in (0, 1) and not isinstance(value, float | str):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise Unreadable


# Readings of a value sent with another JSON type than declared.
CONVERSIONS: dict[str, Callable[[t.Any], t.Any]] = {
    "integer": _to_integer,
    "number": _to_number,
    "string": _to_string,
    "boolean": _to_boolean,
}
# Which Python values each JSON type holds as it is.
EXACT: dict[str, Callable[[t.Any], bool]] = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
}


def json_kind(value: t.Any) -> str:
    """The JSON type of a decoded value, as the schema names types."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


class FieldError(ValueError):
    """A key or time field whose value cannot be read: the sync must stop."""

    def __init__(self, path: Path, value: t.Any) -> None:
        """Name the field and the offending value."""
        shown = "absent" if value is MISSING else _shown(value)
        super().__init__(f"{path}={shown}")
        self.path = path


def _shown(value: t.Any) -> str:
    text = repr(value)
    if len(text) > SHOWN_VALUE_CHARS:
        text = text[: SHOWN_VALUE_CHARS - 3] + "..."
    return text


class Surprises:
    """What a stream's rows held that its schema did not expect, once per field.

    One per stream and run. Read from the threads that decode answers ahead.
    """

    def __init__(self, stream: str, logger: logging.Logger) -> None:
        """Nothing seen yet."""
        self.stream = stream
        self.logger = logger
        self._reported: set[tuple[str, Path]] = set()
        self._lock = threading.Lock()
        # Undeclared field names by the path of the object that held them.
        self._undeclared: dict[Path, frozenset[str]] = {}

    def _first(self, what: str, path: Path) -> bool:
        with self._lock:
            if (what, path) in self._reported:
                return False
            self._reported.add((what, path))
            return True

    def value(self, path: Path, value: t.Any, declared: str, kept: t.Any) -> None:
        """``value`` was sent where ``declared`` was expected; ``kept`` is held."""
        if not self._first("value", path):
            return
        self.logger.warning(
            "%s: %s: Everflow sent %s (%s) where the schema declares %s; the row "
            "is kept with %s. Later values of this field are not reported this run; "
            "please report this so the schema can follow.",
            self.stream,
            path,
            _shown(value),
            json_kind(value),
            declared,
            f"the field set to {_shown(kept)}",
        )

    def unknown(self, path: Path, names: Iterable[str]) -> None:
        """The object at ``path`` held fields the schema does not declare."""
        for name in sorted(names):
            field = f"{path}.{name}" if path else name
            if self._first("unknown", field):
                self.logger.warning(
                    "%s: Everflow sent a field the schema does not declare: %s "
                    "(left out of the records; please report it so it can be "
                    "added).",
                    self.stream,
                    field,
                )
        with self._lock:
            self._undeclared[path] = self._undeclared.get(path, frozenset()) | set(
                names
            )

    def undeclared(self) -> dict[Path, frozenset[str]]:
        """Undeclared field names seen so far, by the path of their object."""
        with self._lock:
            return dict(self._undeclared)


class Conformer:
    """Conform API rows to a stream's schema (see the module docstring).

    ``critical``: paths of the key and time fields, which must be readable.
    ``alternatives``: paths and the other JSON types documented for them.
    """

    def __init__(
        self,
        schema: dict,
        surprises: Surprises,
        *,
        critical: Iterable[Path] = (),
        alternatives: Mapping[Path, tuple[str, ...]] | None = None,
    ) -> None:
        """Compile the schema into one function per field."""
        self.surprises = surprises
        self.critical = frozenset(critical)
        self.alternatives = dict(alternatives or {})
        self._conform = self._compile(schema, "")

    def __call__(self, row: t.Any) -> dict:
        """The record for one row; EverflowResponseError if a key or time is bad."""
        try:
            return self._conform(row)
        except FieldError as exc:
            msg = (
                f"{self.surprises.stream}: Everflow sent a key or time the tap "
                f"cannot read ({exc}); rows cannot be placed or told apart without "
                "it. Please report it to Everflow."
            )
            raise EverflowResponseError(msg) from None

    def _compile(self, schema: dict, path: Path) -> Conform:
        kind, nullable = kinds(schema)
        if kind is None:
            return _as_is
        if kind == "object" and schema.get("properties"):
            return self._object(schema, path)
        if kind == "object":
            return self._map(schema, path, nullable=nullable)
        if kind == "array":
            return self._array(schema, path, nullable=nullable)
        return self._scalar(kind, path, nullable=nullable)

    def _surprise(self, path: Path, value: t.Any, declared: str, kept: t.Any) -> t.Any:
        """Report ``value`` (unless of a documented other type) and return ``kept``."""
        if json_kind(value) not in self.alternatives.get(path, ()):
            self.surprises.value(path, value, declared, kept)
        return kept

    def _scalar(self, kind: str, path: Path, *, nullable: bool) -> Conform:
        exact, convert, zero = EXACT[kind], CONVERSIONS[kind], ZERO[kind]
        critical = path in self.critical

        def conform_scalar(value: t.Any) -> t.Any:
            if exact(value):
                return value
            if value is MISSING and not critical:
                return None if nullable else zero
            if value is None and nullable:
                return None
            try:
                # A key or time is read from a scalar, never from JSON text.
                if (
                    value is None
                    or value is MISSING
                    or (critical and isinstance(value, dict | list))
                ):
                    raise Unreadable
                kept = convert(value)
            except Unreadable:
                if critical:
                    raise FieldError(path, value) from None
                kept = zero
            return self._surprise(path, value, kind, kept)

        return conform_scalar

    def _object(self, schema: dict, path: Path) -> Conform:
        fields = [
            (name, self._compile(sub, f"{path}.{name}" if path else name))
            for name, sub in schema["properties"].items()
        ]
        known = frozenset(schema["properties"])
        entries = self._collection_entries(schema)

        def conform_object(value: t.Any) -> dict:
            if isinstance(value, dict):
                if not value.keys() <= known:
                    self.surprises.unknown(path, value.keys() - known)
            elif isinstance(value, list) and entries is not None:
                # A collection sent as its bare list of entries.
                value = self._surprise(
                    path, value, "object", {"total": len(value), "entries": value}
                )
            else:
                if value is not MISSING:
                    self._surprise(path or "record", value, "object", "zero values")
                value = {}
            return {name: conform(value.get(name, MISSING)) for name, conform in fields}

        return conform_object

    @staticmethod
    def _collection_entries(schema: dict) -> dict | None:
        """The entries' schema of a ``{total, entries}`` collection, else None."""
        properties = schema.get("properties", {})
        if set(properties) == {"total", "entries"}:
            return properties["entries"]
        return None

    def _map(self, schema: dict, path: Path, *, nullable: bool) -> Conform:
        """A free-form object (query parameters, settings): kept whole."""
        values = schema.get("additionalProperties")
        value_conform = (
            self._compile(values, f"{path}.*") if isinstance(values, dict) else None
        )

        def conform_map(value: t.Any) -> dict | None:
            if isinstance(value, dict):
                if value_conform is None:
                    return value
                return {key: value_conform(item) for key, item in value.items()}
            if value is MISSING or (value is None and nullable):
                return None if nullable else {}
            return self._surprise(path, value, "object", {})

        return conform_map

    def _array(self, schema: dict, path: Path, *, nullable: bool) -> Conform:
        item = self._compile(schema.get("items", {}), f"{path}[]")

        def conform_array(value: t.Any) -> list | None:
            if isinstance(value, list):
                return [item(v) for v in value]
            if value is MISSING:
                return None if nullable else []
            if value is None:
                return None if nullable else self._surprise(path, value, "array", [])
            # One value where a list was declared: a list of it loses nothing.
            return self._surprise(path, value, "array", [item(value)])

        return conform_array


def _as_is(value: t.Any) -> t.Any:
    return None if value is MISSING else value


def deselected_paths(
    schema: dict, is_selected: t.Callable[[tuple[str, ...]], bool]
) -> list[tuple[str, ...]]:
    """Paths (property names) of the properties not selected, at any depth.

    ``is_selected`` answers for a breadcrumb such as ``("properties", "a",
    "properties", "b")`` (the SDK's selection mask). A deselected object's own
    properties are not listed: it goes as a whole.
    """
    paths: list[tuple[str, ...]] = []

    def walk(node: dict, path: tuple[str, ...], breadcrumb: tuple[str, ...]) -> None:
        for name, sub in node.get("properties", {}).items():
            crumb = (*breadcrumb, "properties", name)
            if not is_selected(crumb):
                paths.append((*path, name))
            else:
                walk(sub, (*path, name), crumb)

    walk(schema, (), ())
    return paths


PYTHON_TYPES: dict[str, t.Any] = {
    "integer": int,
    # A number keeps the JSON form: 2 stays an integer, as the conformer has it.
    "number": int | float,
    "string": str,
    "boolean": bool,
}


def struct_type(
    schema: dict,
    name: str = "Record",
    *,
    undeclared: Mapping[Path, frozenset[str]] | None = None,
    alternatives: Mapping[Path, tuple[str, ...]] | None = None,
    required: Iterable[Path] = (),
) -> t.Any:
    """A msgspec type that decodes JSON as :class:`Conformer` conforms it, or fails.

    Objects with declared properties become Structs whose defaults are the
    zero values (a field the API omitted holds zero) and that refuse undeclared
    fields, except those in ``undeclared`` (already reported: kept as raw JSON
    in fields named ``UNDECLARED_PREFIX + name``, which records leave out).
    A field with ``alternatives`` also takes them, for :func:`normalizer` to
    convert. A ``required`` field (a key or time: the conformer's critical
    ones) has no default, so that a row without it fails here as there.
    msgspec raises ``ValidationError`` for anything else (a null, a value of
    another type, a new field), which the conformer then handles.
    """
    types = _StructTypes(undeclared or {}, alternatives or {}, frozenset(required))
    return types.of(schema, name, "")


@dataclass(frozen=True)
class _StructTypes:
    """:func:`struct_type`'s types, given the fields reported and the alternatives."""

    undeclared: Mapping[Path, frozenset[str]]
    alternatives: Mapping[Path, tuple[str, ...]]
    required: frozenset[Path]

    def of(self, schema: dict, name: str, path: Path) -> t.Any:
        """The type of the value at ``path``, which ``schema`` declares."""
        kind, nullable = kinds(schema)
        if kind is None:
            return t.Any
        if kind == "object" and schema.get("properties"):
            return self.struct(schema["properties"], name, path)
        # Types built at run time: GenericAlias(dict, (str, X)) is dict[str, X],
        # for an X that only the schema knows.
        found: t.Any
        if kind == "object":
            found = GenericAlias(dict, (str, _mapping_values(schema)))
        elif kind == "array":
            items = self.of(schema.get("items", {}), f"{name}_item", f"{path}[]")
            found = GenericAlias(list, (items,))
        else:
            found = self.scalar(kind, path)
        return found | None if nullable else found

    def struct(self, properties: dict, name: str, path: Path) -> t.Any:
        """A Struct of ``properties``: zero by default, refusing other fields.

        Other fields but the ones already reported at ``path``, kept raw.
        """
        fields = [
            self.struct_field(prop, sub, name, path) for prop, sub in properties.items()
        ]
        # Not inside arrays: records leave undeclared fields out by path.
        extra = [] if "[]" in path else sorted(self.undeclared.get(path, ()))
        fields += [(UNDECLARED_PREFIX + x, msgspec.Raw, msgspec.UNSET) for x in extra]
        return msgspec.defstruct(
            name,
            fields,
            gc=False,
            kw_only=True,  # required fields may follow fields with defaults
            forbid_unknown_fields=True,
            rename={UNDECLARED_PREFIX + x: x for x in extra},
        )

    def struct_field(
        self, prop: str, schema: dict, name: str, path: Path
    ) -> tuple[str, t.Any, t.Any]:
        """A Struct's field ``prop``: its name, type and default."""
        at = f"{path}.{prop}" if path else prop
        found = self.of(schema, f"{name}_{prop}", at)
        return (
            prop,
            found,
            msgspec.NODEFAULT if at in self.required else _zero(schema, found),
        )

    def scalar(self, kind: str, path: Path) -> t.Any:
        """The Python type of ``kind``, or of any of the field's alternatives."""
        found = PYTHON_TYPES[kind]
        for other in self.alternatives.get(path, ()):
            if other in PYTHON_TYPES and other != kind:
                found = found | PYTHON_TYPES[other]
        return found


def _mapping_values(schema: dict) -> t.Any:
    """The type of a free-form object's values: as ``additionalProperties`` says."""
    values = schema.get("additionalProperties")
    return struct_type(values) if isinstance(values, dict) else t.Any


# Struct fields holding an undeclared field's raw JSON are named with this.
UNDECLARED_PREFIX = "undeclared__"


def normalizer(
    schema: dict, alternatives: Mapping[Path, tuple[str, ...]]
) -> Callable[[list], None] | None:
    """Convert, in place, rows that :func:`struct_type` decoded in another reading.

    Only fields of nested objects (no arrays on the way) are typed with their
    alternatives, so only those are visited: a few attribute reads per row.
    None when the schema has no such field.
    """
    fixes = []
    for path, others in alternatives.items():
        *parents, name = path.split(".")
        node = schema
        for part in (*parents, name):
            node = node.get("properties", {}).get(part, {})
        kind, _ = kinds(node)
        if kind in PYTHON_TYPES and "[]" not in path and set(others) & set(EXACT):
            fixes.append((tuple(parents), name, EXACT[kind], CONVERSIONS[kind]))
    if not fixes:
        return None

    def normalize(rows: list) -> None:
        for row in rows:
            for parents, name, exact, convert in fixes:
                holder = row
                for parent in parents:
                    holder = getattr(holder, parent)
                value = getattr(holder, name)
                if not exact(value) and value is not None:
                    setattr(holder, name, convert(value))

    return normalize


def _zero(schema: dict, decoded: t.Any) -> t.Any:
    """The zero value of ``schema`` (a factory where it is mutable)."""
    kind, nullable = kinds(schema)
    if kind == "object" and schema.get("properties"):
        return msgspec.field(default_factory=decoded)
    if nullable or kind is None:  # a property of any type may be null
        return None
    if kind in ("object", "array"):
        return msgspec.field(default_factory=dict if kind == "object" else list)
    return ZERO[kind]
