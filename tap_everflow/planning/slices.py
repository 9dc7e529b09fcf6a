"""What one raw request asks for and what it answers (pure data).

A request (:class:`Slice`) is an inclusive window of epoch seconds and a
:class:`Partition` of the traffic (the API's filters and exclusions); its
:class:`Answer` holds rows and whether the API flagged them incomplete. Rows
are whatever the caller decodes; only a :class:`Dimension` reads them.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from tap_everflow.planning.limits import Limits

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

Row = t.Any  # a record as the API returned it; only ``Dimension.value_of`` reads it
Constraint = tuple[tuple[str, frozenset[str]], ...]  # resource type -> values


def _with(constraint: Constraint, key: str, values: frozenset[str]) -> Constraint:
    """Return ``constraint`` with ``key`` set to ``values`` (removed if empty)."""
    kept = {k: v for k, v in constraint if k != key}
    if values:
        kept[key] = values
    return tuple(sorted(kept.items()))


@dataclass(frozen=True)
class Partition:
    """Which rows a request asks for.

    ``filters`` keep rows whose value for a resource type is one of the listed
    values (same type: OR; different types: AND), as the API defines them.
    ``exclusions`` remove rows whose value is one of the listed values.

    The API contract does not say how exclusions of *different* resource types
    combine, so a split never adds exclusions of a type other than those already
    present: every request the tap adds exclusions to has them on one type only.
    """

    filters: Constraint = ()
    exclusions: Constraint = ()

    @classmethod
    def from_query(
        cls,
        filters: Iterable[Mapping[str, t.Any]] = (),
        exclusions: Iterable[Mapping[str, t.Any]] = (),
    ) -> Partition:
        """Build a partition from the API's filter and exclusion lists."""

        def group(items: Iterable[Mapping[str, t.Any]]) -> Constraint:
            grouped: dict[str, set[str]] = {}
            for item in items:
                grouped.setdefault(item["resource_type"], set()).add(
                    str(item["filter_id_value"])
                )
            return tuple(sorted((k, frozenset(v)) for k, v in grouped.items()))

        partition = cls(group(filters), group(exclusions))
        for key, values in partition.filters:
            # An exclusion on a filtered type only narrows the filter; folding it
            # in leaves exclusions free for splitting (see the class docstring).
            if values - partition.excluded(key):
                partition = partition.restrict(key, values)
        return partition

    def query(self) -> dict[str, list[dict[str, str]]]:
        """Return the API's ``query`` object for this partition."""

        def flatten(constraint: Constraint) -> list[dict[str, str]]:
            return [
                {"resource_type": key, "filter_id_value": value}
                for key, values in constraint
                for value in sorted(values)
            ]

        return {
            "filters": flatten(self.filters),
            "exclusions": flatten(self.exclusions),
        }

    def included(self, resource_type: str) -> frozenset[str] | None:
        """Values the filters allow for ``resource_type``; None if unfiltered."""
        return dict(self.filters).get(resource_type)

    def excluded(self, resource_type: str) -> frozenset[str]:
        """Values the exclusions remove for ``resource_type``."""
        return dict(self.exclusions).get(resource_type, frozenset())

    def restrict(self, resource_type: str, values: frozenset[str]) -> Partition:
        """Keep only rows whose ``resource_type`` value is in ``values``.

        The exclusions on that type become redundant and are dropped, which keeps
        the exclusions of a narrowed part on as few types as possible.
        """
        allowed = values - self.excluded(resource_type)
        return Partition(
            _with(self.filters, resource_type, allowed),
            _with(self.exclusions, resource_type, frozenset()),
        )

    def exclude(self, resource_type: str, values: frozenset[str]) -> Partition:
        """Also remove rows whose ``resource_type`` value is in ``values``."""
        merged = self.excluded(resource_type) | values
        return Partition(self.filters, _with(self.exclusions, resource_type, merged))

    def describe(self) -> str:
        """Human-readable form for logs, e.g. ``offer=1|2 affiliate!=7``."""
        parts = [f"{k}={'|'.join(sorted(v))}" for k, v in self.filters]
        parts += [f"{k}!={'|'.join(sorted(v))}" for k, v in self.exclusions]
        return " ".join(parts) or "all traffic"


@dataclass(frozen=True)
class Dimension:
    """A resource type that a second's traffic can be split by.

    ``value_of`` returns the ``filter_id_value`` a row has for this resource type,
    or None when the row has no usable value (such rows stay in the remainder).
    """

    resource_type: str
    value_of: Callable[[Row], str | None]


@dataclass(frozen=True)
class Slice:
    """One request: an inclusive window of epoch seconds and a partition."""

    start: int
    end: int
    partition: Partition = Partition()

    @property
    def seconds(self) -> int:
        """Number of seconds covered (both ends inclusive)."""
        return self.end - self.start + 1


def flagged_incomplete(payload: Mapping[str, t.Any]) -> bool:
    """Whether an answer says Everflow cut its rows: ``incomplete_results``.

    Read as a boolean, the text ``"true"`` or the number 1.
    """
    return payload.get("incomplete_results") in (True, "true", 1)


@dataclass(frozen=True)
class Answer:
    """What one request returned: rows, and whether the API flagged them incomplete."""

    rows: Sequence[Row]
    incomplete: bool = False

    def overflowed(self, limits: Limits) -> bool:
        """Whether the answer must not be trusted as complete."""
        return self.incomplete or len(self.rows) >= limits.max_rows


@dataclass(frozen=True)
class Shortfall:
    """Part of a second that overflowed and could not be split any further."""

    second: int
    partition: Partition
    rows_returned: int


@dataclass
class CompletedWindow:
    """A window whose rows are all known (except for any ``shortfalls``)."""

    start: int
    end: int
    rows: list[Row]
    requests: int
    shortfalls: list[Shortfall] = field(default_factory=list)
    # The rows after it to the end of the range, where a walk can foresee them.
    rows_to_come: float | None = None
