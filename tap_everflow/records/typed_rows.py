"""A stream's rows as typed msgspec Structs, decoded in C where the answer allows.

The schema's Struct type refuses anything the schema does not foresee; such an
answer is read in Python (:class:`~tap_everflow.records.proto3.Conformer`), which
reports each surprise once. Fields it found undeclared are then tolerated by
the Struct type (kept as raw JSON, left out of records), so that a field
Everflow adds to every row costs one slow answer per run, not every answer.
"""

from __future__ import annotations

import threading
import typing as t
from types import GenericAlias

import msgspec

from tap_everflow.records.proto3 import (
    UNDECLARED_PREFIX,
    Conformer,
    Path,
    Surprises,
    normalizer,
    struct_type,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


class TypedRows:
    """Decode and conform one stream's rows (``schema``: the rows' own fields)."""

    def __init__(
        self,
        schema: dict,
        surprises: Surprises,
        *,
        name: str,
        critical: Iterable[Path] = (),
        alternatives: Mapping[Path, tuple[str, ...]] | None = None,
    ) -> None:
        """Compile the conformer; Struct types are built when first needed."""
        self.schema = schema
        self.surprises = surprises
        self.name = name
        self.alternatives = dict(alternatives or {})
        self.critical = tuple(critical)
        self.conform = Conformer(
            schema, surprises, critical=self.critical, alternatives=self.alternatives
        )
        self.normalize = normalizer(schema, self.alternatives)
        self._lock = threading.Lock()
        self._built: tuple[frozenset, t.Any] | None = None
        self._answers: dict[tuple[int, str], t.Any] = {}

    @property
    def row_type(self) -> type[msgspec.Struct]:
        """The Struct type of a row, tolerating the undeclared fields seen so far."""
        seen = frozenset(self.surprises.undeclared().items())
        with self._lock:
            if self._built is None or self._built[0] != seen:
                row_type = struct_type(
                    self.schema,
                    f"{self.name}_row",
                    undeclared=dict(seen),
                    alternatives=self.alternatives,
                    required=self.critical,
                )
                self._built = (seen, row_type)
            return self._built[1]

    def answer_type(self, records_key: str) -> t.Any:
        """An answer's type: a bare list of rows, or ``{records_key: [...]}``."""
        row = self.row_type
        rows = GenericAlias(list, (row,))  # list[row], of a type built at run time
        key = (id(row), records_key)
        if key not in self._answers:
            envelope = msgspec.defstruct(
                f"{self.name}_answer",
                [
                    (records_key, rows | msgspec.UnsetType, msgspec.UNSET),
                    ("incomplete_results", bool, False),
                    ("error", t.Any, msgspec.UNSET),
                ],
            )
            self._answers = {key: rows | envelope}  # older types: done
        return self._answers[key]

    def typed(self, rows: list) -> list[msgspec.Struct]:
        """Rows decoded typed (the fast path), in the declared types."""
        if self.normalize is not None:
            self.normalize(rows)
        return rows

    def from_json(self, rows: Iterable[t.Any]) -> list[msgspec.Struct]:
        """Rows decoded as plain JSON, conformed (the slow path) into Structs."""
        records = [self.conform(row) for row in rows]
        row_type = self.row_type  # after conforming: it knows what they found
        return [msgspec.convert(record, row_type) for record in records]

    def undeclared_fields(self) -> list[tuple[tuple[str, ...], str]]:
        """Where Structs may hold undeclared fields: (parent names, attribute)."""
        return [
            (tuple(path.split(".")) if path else (), UNDECLARED_PREFIX + name)
            for path, names in self.surprises.undeclared().items()
            if "[]" not in path
            for name in names
        ]
