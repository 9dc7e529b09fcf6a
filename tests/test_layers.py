"""The packages' dependencies point one way: streams -> records, runtime, planning."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "tap_everflow"
# What each layer may import from the tap besides itself.
ALLOWED = {
    "planning": set(),
    "runtime": {"planning", "errors"},
    "records": {"errors"},
}


def _imported_layers(module: Path) -> set[str]:
    """The tap's top-level modules and packages that ``module`` imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "tap_everflow":
                # `from tap_everflow import x` imports x itself.
                names.add(parts[1] if len(parts) > 1 else node.names[0].name)
        elif isinstance(node, ast.Import):
            names.update(
                alias.name.split(".")[1]
                for alias in node.names
                if alias.name.startswith("tap_everflow.")
            )
    return names


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer):
    modules = sorted((PACKAGE / layer).rglob("*.py"))
    assert modules
    for module in modules:
        wrong = _imported_layers(module) - ALLOWED[layer] - {layer}
        assert not wrong, f"{module.name} imports {sorted(wrong)}"


def test_the_check_sees_imports():
    assert _imported_layers(PACKAGE / "tap.py") >= {"streams", "runtime"}
