"""Records shaped exactly as their schema says, under proto3 JSON conventions.

Everflow omits fields that hold their zero value (``0``, ``""``, ``false``,
``[]``), may send null, may send a number as a string, and may add fields at any
time. A conformer built from a stream's JSON schema turns each API row into a
record with every declared field, zero-filled, of the declared type, and without
undeclared fields, so that the SDK need not re-check types per record.
"""

from __future__ import annotations

import typing as t

import msgspec

from tap_everflow.errors import EverflowResponseError

Conform = t.Callable[[t.Any], t.Any]


def _kind(schema: dict) -> str:
    types = schema.get("type", "string")
    types = [types] if isinstance(types, str) else [x for x in types if x != "null"]
    return types[0]


def _to_integer(value: t.Any) -> int:
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, bool):
        return int(value)
    raise ValueError(value)


def _to_number(value: t.Any) -> int | float:
    if value is None:
        return 0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return float(value) if value.strip() else 0
    raise ValueError(value)


def _to_string(value: t.Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(value)


def _to_boolean(value: t.Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(value)


SCALARS: dict[str, Conform] = {
    "integer": _to_integer,
    "number": _to_number,
    "string": _to_string,
    "boolean": _to_boolean,
}


class FieldError(ValueError):
    """A value that cannot be read as its declared type."""

    def __init__(self, path: str, value: t.Any) -> None:
        """Name the field and the offending value."""
        super().__init__(f"{path}={value!r}")
        self.path = path


def conformer(schema: dict, path: str = "") -> Conform:
    """Build a function that conforms one value to ``schema``.

    Only ``integer``, ``number``, ``string``, ``boolean``, ``object`` (with
    declared properties) and ``array`` are supported: what the tap's schemas use.
    """
    kind = _kind(schema)
    if kind == "object" and not schema.get("properties"):
        return _map_conformer(schema, path)
    if kind == "object":
        fields = [
            (name, conformer(sub, f"{path}{name}."))
            for name, sub in schema.get("properties", {}).items()
        ]

        def conform_object(value: t.Any) -> dict:
            if value is None:
                value = {}
            elif not isinstance(value, dict):
                raise FieldError(path.rstrip(".") or "record", value)
            return {name: conform(value.get(name)) for name, conform in fields}

        return conform_object
    if kind == "array":
        item = conformer(schema.get("items", {}), f"{path.rstrip('.')}[].")

        def conform_array(value: t.Any) -> list:
            if value is None:
                return []
            if not isinstance(value, list):
                raise FieldError(path.rstrip("."), value)
            return [item(v) for v in value]

        return conform_array
    scalar = SCALARS[kind]
    name = path.rstrip(".")

    def conform_scalar(value: t.Any) -> t.Any:
        try:
            return scalar(value)
        except (ValueError, TypeError):
            raise FieldError(name, value) from None

    return conform_scalar


def _map_conformer(schema: dict, path: str) -> Conform:
    """A free-form object (e.g. query parameters): keys kept, values conformed."""
    values = schema.get("additionalProperties")
    value_conform = conformer(values, path) if isinstance(values, dict) else None
    name = path.rstrip(".") or "record"

    def conform_map(value: t.Any) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise FieldError(name, value)
        if value_conform is None:
            return value
        return {key: value_conform(item) for key, item in value.items()}

    return conform_map


def record_conformer(schema: dict, *, derived: t.Iterable[str] = ()) -> Conform:
    """Conform API rows to ``schema``, leaving out ``derived`` properties.

    Derived properties (computed by the tap, not sent by the API) are filled in
    by the caller.
    """
    skip = set(derived)
    source = {k: v for k, v in schema["properties"].items() if k not in skip}
    conform = conformer({"type": "object", "properties": source})

    def conform_record(row: t.Any) -> dict:
        try:
            return conform(row)
        except FieldError as exc:
            msg = (
                f"Everflow sent a value the schema cannot hold ({exc}); the API "
                "response does not keep the contract. Please report it."
            )
            raise EverflowResponseError(msg) from None

    return conform_record


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


def struct_type(schema: dict, name: str = "Record") -> t.Any:
    """A msgspec type that decodes JSON as :func:`conformer` conforms it, or fails.

    Objects with declared properties become Structs whose defaults are the
    proto3 zero values (a field the API omitted holds zero); undeclared fields
    are ignored. msgspec raises ``ValidationError`` for anything else (a null,
    a value of another type), which the conformer then handles, more slowly.
    """
    kind = _kind(schema)
    if kind == "object" and schema.get("properties"):
        fields = []
        for prop, sub in schema["properties"].items():
            sub_type = struct_type(sub, f"{name}_{prop}")
            fields.append((prop, sub_type, _zero(sub, sub_type)))
        return msgspec.defstruct(name, fields, gc=False)
    if kind == "object":
        values = schema.get("additionalProperties")
        value_type = struct_type(values) if isinstance(values, dict) else t.Any
        return dict[str, value_type]
    if kind == "array":
        return list[struct_type(schema.get("items", {}), f"{name}_item")]
    # A number keeps the JSON form: 2 stays an integer, as the conformer has it.
    return {"integer": int, "number": int | float, "string": str, "boolean": bool}[kind]


def _zero(schema: dict, decoded: t.Any) -> t.Any:
    """The proto3 zero value of ``schema`` (a factory where it is mutable)."""
    kind = _kind(schema)
    if kind == "object" and schema.get("properties"):
        return msgspec.field(default_factory=decoded)
    if kind in ("object", "array"):
        return msgspec.field(default_factory=dict if kind == "object" else list)
    return {"integer": 0, "number": 0, "string": "", "boolean": False}[kind]
