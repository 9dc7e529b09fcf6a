"""Every setting's text, from the one source: the tap's settings schema.

    .venv/bin/python -m scripts.settings_docs --write   # after changing a setting
    .venv/bin/python -m scripts.settings_docs --check   # exit 1 if anything differs

Generates what users read about the settings elsewhere: the tap-everflow
extractor in ``meltano.yml`` (its loaders are left as they are), the settings
table of ``README.md`` (between its two ``settings`` markers) and the Meltano Hub
definition ``docs/meltano-hub.yml``. The schema is the one ``tap-everflow
--about`` prints: ``tap_everflow/runtime/settings.py``, plus any setting the SDK
adds. The tests run ``--check``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import typing as t
from pathlib import Path

import yaml

from tap_everflow.tap import TapEverflow

ROOT = Path(__file__).parents[1]
REPOSITORY = "https://github.com/tap-everflow/tap-everflow"
WRITE_COMMAND = "python -m scripts.settings_docs --write"

# Meltano's setting kinds by JSON Schema type ("decimal": Meltano 3.2 and later).
KINDS = {
    "string": "string",
    "integer": "integer",
    "number": "decimal",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
}

EXTRACTOR_START = (
    "  # Generated from the tap's settings schema (tap_everflow/runtime/settings.py)"
    f"\n  # by scripts/settings_docs.py: edit the schema, then run {WRITE_COMMAND}.\n"
)
EXTRACTOR_END = "  loaders:\n"
TABLE_START = (
    "<!-- settings: generated from tap_everflow/runtime/settings.py by "
    f"scripts/settings_docs.py; edit the schema, then run {WRITE_COMMAND} -->\n"
)
TABLE_END = "<!-- end of settings -->\n"
HUB_HEADER = (
    "# The Meltano Hub definition of tap-everflow, for\n"
    "# _data/meltano/extractors/tap-everflow/tap-everflow.yml in meltano/hub.\n"
    "# Generated from tap_everflow/runtime/settings.py by scripts/settings_docs.py:\n"
    f"# edit the schema, then run {WRITE_COMMAND}.\n"
)


def schema() -> dict[str, t.Any]:
    """The settings schema exactly as ``tap-everflow --about`` prints it."""
    found: dict[str, t.Any] = json.loads(json.dumps(TapEverflow.config_jsonschema))
    TapEverflow.append_builtin_config(found)
    return found


def kind(prop: dict[str, t.Any]) -> str:
    """Meltano's kind for a setting, from its JSON Schema."""
    if prop.get("format") == "date-time":
        return "date_iso8601"
    types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    return KINDS[next(name for name in types if name != "null")]


def settings(found: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """Meltano's declaration of each setting: name, kind, default, label, text."""
    declared = []
    for name, prop in found["properties"].items():
        setting: dict[str, t.Any] = {"name": name, "kind": kind(prop)}
        if "default" in prop:
            setting["value"] = prop["default"]
        setting["label"] = prop["title"]
        setting["description"] = prop["description"]
        if prop.get("secret"):
            setting["sensitive"] = True
        declared.append(setting)
    return declared


def capabilities() -> list[str]:
    """What the tap can do, in Meltano's words, sorted."""
    return sorted(str(capability) for capability in TapEverflow.capabilities)


def extractor(found: dict[str, t.Any], pip_url: str) -> dict[str, t.Any]:
    """The plugin's definition that meltano.yml and the Hub share."""
    return {
        "name": TapEverflow.name,
        "namespace": "tap_everflow",
        "pip_url": pip_url,
        "executable": TapEverflow.name,
        "capabilities": capabilities(),
        "settings_group_validation": [found.get("required", [])],
        "settings": settings(found),
    }


def dump(value: object) -> str:
    """YAML as meltano.yml is written: block style, keys in the order given."""
    text: str = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=88)
    return text


def replace_between(text: str, start: str, end: str, inner: str, name: str) -> str:
    """``text`` with what lies between ``start`` and ``end`` made ``inner``."""
    head, found, rest = text.partition(start)
    if not found or end not in rest:
        msg = f"{name} has lost its generated part's markers: {start.strip()!r}"
        raise SystemExit(msg)
    return head + start + inner + end + rest.split(end, 1)[1]


def meltano_yml(text: str, found: dict[str, t.Any]) -> str:
    """meltano.yml with the tap-everflow extractor generated; the rest as it is."""
    plugin = dump([extractor(found, pip_url="-e .")])
    indented = "".join(f"  {line}" for line in plugin.splitlines(keepends=True))
    return replace_between(
        text, EXTRACTOR_START, EXTRACTOR_END, indented, "meltano.yml"
    )


def markdown(text: str) -> str:
    """Text for a Markdown table cell: angle brackets are not HTML tags."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def default_cell(prop: dict[str, t.Any]) -> str:
    """A setting's default as the table shows it: as typed, or empty."""
    if "default" not in prop:
        return ""
    value = prop["default"]
    shown = value if isinstance(value, str) else json.dumps(value)
    return f"`{shown}`"


def readme_table(found: dict[str, t.Any]) -> str:
    """The README's table of settings: name, default, what it does."""
    required = set(found.get("required", []))
    rows = ["| setting | default | what it does |", "|---|---|---|"]
    for name, prop in found["properties"].items():
        marks = ["required"] if name in required else []
        marks += ["secret"] if prop.get("secret") else []
        label = f"`{name}`" + (f" ({', '.join(marks)})" if marks else "")
        cells = (label, default_cell(prop), markdown(prop["description"]))
        rows.append(f"| {' | '.join(cells)} |")
    return "\n".join(rows) + "\n"


def readme(text: str, found: dict[str, t.Any]) -> str:
    """README.md with its settings table generated; the rest as it is."""
    return replace_between(text, TABLE_START, TABLE_END, readme_table(found), "README")


def hub(found: dict[str, t.Any]) -> str:
    """The Meltano Hub definition (meltano/hub's keys, in its usual order)."""
    plugin = extractor(found, pip_url=TapEverflow.name)
    definition = {
        "name": plugin["name"],
        "namespace": plugin["namespace"],
        "variant": "tap-everflow",
        "label": "Everflow",
        "description": "Partner marketing and affiliate tracking platform",
        "pip_url": plugin["pip_url"],
        "repo": REPOSITORY,
        "capabilities": plugin["capabilities"],
        "settings": plugin["settings"],
        "settings_group_validation": plugin["settings_group_validation"],
        "keywords": ["api", "meltano_sdk"],
        "maintenance_status": "active",
        # The Hub rates quality from usage data, which a new tap does not have.
        "quality": "unknown",
        "supported_python_versions": TapEverflow.get_supported_python_versions(),
    }
    return HUB_HEADER + dump(definition)


def generated(root: Path) -> dict[Path, str]:
    """Each generated file's path, and the text it should have."""
    found = schema()
    return {
        root / "meltano.yml": meltano_yml((root / "meltano.yml").read_text(), found),
        root / "README.md": readme((root / "README.md").read_text(), found),
        root / "docs" / "meltano-hub.yml": hub(found),
    }


def main(argv: list[str] | None = None) -> int:
    """Write or check the generated files; 1 if ``--check`` found a difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="regenerate the files")
    action.add_argument("--check", action="store_true", help="exit 1 if a file differs")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the repository (default: this one)"
    )
    args = parser.parse_args(argv)
    stale = []
    for path, text in generated(args.root).items():
        current = path.read_text() if path.exists() else ""
        if current == text:
            continue
        if args.write:
            path.write_text(text)
            print(f"wrote {path.relative_to(args.root)}")
            continue
        stale.append(path)
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            text.splitlines(keepends=True),
            f"{path.relative_to(args.root)} (now)",
            f"{path.relative_to(args.root)} (from the schema)",
            n=1,
        )
        sys.stdout.writelines(diff)
    for path in stale:
        print(
            f"{path.relative_to(args.root)} differs from the settings schema: "
            f"run {WRITE_COMMAND}.",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
