"""How a record's fields are declared: one call per field, its type beside it.

A field whose type sources disagree on is declared with the type that holds
both readings, and ``alt=`` names its other reading: :func:`record` gathers
these by path, for the stream's ``alternatives`` (converted without a warning,
see :mod:`tap_everflow.records.proto3` and docs/api.md#where-sources-disagree).
Fields are required (proto3: zero when omitted) unless documented as null.
"""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

Kind = th.JSONTypeHelper[t.Any] | type[th.JSONTypeHelper[t.Any]]
# The JSON types a field may arrive as instead of its declared one.
JSONType = t.Literal["integer", "number", "string", "boolean", "array", "object"]
# A field's place in a record: dotted names (``relationship.geolocation.dma``).
Alternatives = dict[str, tuple[JSONType, ...]]

STRING = th.StringType
INTEGER = th.IntegerType  # ids, counts, epoch seconds
NUMBER = th.NumberType  # money in full currency units, rates
BOOLEAN = th.BooleanType
ID_LIST = th.ArrayType(th.IntegerType)  # network_offer_ids, ...
FREE_FORM = th.ObjectType(additional_properties=True)  # keys the API chooses


class Field(th.Property[t.Any]):
    """A record's field, and the other types it or its parts may arrive as."""

    def __init__(
        self,
        name: str,
        kind: Kind,
        *,
        required: bool,
        alternatives: Alternatives,
        description: str | None = None,
    ) -> None:
        """``alternatives``: by path from the field's own name (included)."""
        super().__init__(name, kind, required=required, description=description)
        self.alternatives = alternatives


def _own(name: str, alt: JSONType | None) -> Alternatives:
    return {name: (alt,)} if alt else {}


def field(name: str, kind: Kind, *, alt: JSONType | None = None) -> Field:
    """A field the API always has a value for (proto3: zero when omitted)."""
    return Field(name, kind, required=True, alternatives=_own(name, alt))


def nullable(name: str, kind: Kind) -> Field:
    """A field documented as sometimes ``null``: null is kept.

    See docs/api.md#nulls-despite-proto3.
    """
    return Field(name, kind, required=False, alternatives={})


def obj(name: str, *fields: Field, alt: JSONType | None = None) -> Field:
    """A nested object with declared properties.

    Always present (zero-filled), but not listed as required: with flattening
    on, the SDK replaces a top-level object by <name>__* columns and keeps the
    ``required`` list as is, so targets would reject every record.
    """
    nested = {
        f"{name}.{path}": kinds
        for part in fields
        for path, kinds in part.alternatives.items()
    }
    return Field(
        name,
        th.ObjectType(*fields, additional_properties=False),
        required=False,
        alternatives=_own(name, alt) | nested,
    )


def free_form(name: str) -> Field:
    """An object whose keys the API chooses (a URL's parameters, settings)."""
    return field(name, FREE_FORM)


def collection(
    name: str, entries: Kind = FREE_FORM, *, alt: JSONType | None = None
) -> Field:
    """A related collection: ``{total, entries}`` (free-form entries by default)."""
    return obj(
        name,
        field("total", INTEGER),
        field("entries", th.ArrayType(entries)),
        alt=alt,
    )


def relationship(*fields: Field) -> Field:
    """The nested ``relationship`` object: the related entities."""
    return obj("relationship", *fields)


def derived_time(name: str, source: str) -> Field:
    """The UTC date-time the tap derives from an epoch field."""
    return Field(
        name,
        th.DateTimeType,
        required=True,
        alternatives={},
        description=f"{source} as a UTC time.",
    )


# An entity's epoch fields and the UTC date-time field derived from each.
DERIVED_TIMES = {"time_created": "created_at", "time_saved": "saved_at"}
# Creation and last-save times: epoch integers, and as UTC date-times (null
# while the epoch field is).
ENTITY_TIMES = (
    *(field(epoch, INTEGER) for epoch in DERIVED_TIMES),
    *(
        Field(
            derived,
            th.DateTimeType,
            required=False,
            alternatives={},
            description=f"{epoch}, UTC.",
        )
        for epoch, derived in DERIVED_TIMES.items()
    ),
)
# An entity's labels as its relationship lists them (docs/api.md#labels).
LABELS = collection("labels", STRING)


class Record(t.NamedTuple):
    """A stream's JSON schema, and the other types its fields may arrive as."""

    schema: dict[str, t.Any]
    alternatives: Alternatives


def record(*fields: Field) -> Record:
    """A stream's record: its JSON schema, and its fields' alternatives by path.

    No top-level object is listed as required (a free-form one included): with
    flattening on, the SDK replaces it by ``<name>__*`` columns (see :func:`obj`).
    """
    built = th.PropertiesList(*fields).to_dict()
    objects = {
        name
        for name, prop in built["properties"].items()
        if "object" in _types(prop.get("type"))
    }
    built["required"] = [name for name in built["required"] if name not in objects]
    alternatives = {
        path: kinds for part in fields for path, kinds in part.alternatives.items()
    }
    return Record(built, alternatives)


def schema(*fields: Field) -> dict[str, t.Any]:
    """The JSON schema of a record whose fields all have one reading."""
    built = record(*fields)
    if built.alternatives:
        msg = f"declare a record with alternatives with record(): {built.alternatives}"
        raise TypeError(msg)
    return built.schema


def _types(declared: str | list[str] | None) -> list[str]:
    return [declared] if isinstance(declared, str) else declared or []


def without(stream_schema: dict, names: t.Iterable[str]) -> dict:
    """``stream_schema`` less the properties ``names`` (those the tap derives)."""
    left_out = set(names)
    properties = stream_schema["properties"].items()
    return {
        **stream_schema,
        "properties": {k: v for k, v in properties if k not in left_out},
    }
