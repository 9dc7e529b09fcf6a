"""Every setting's text comes from the settings schema, and nowhere else.

meltano.yml's extractor, the README's settings table and docs/meltano-hub.yml are
generated from it by scripts/settings_docs.py; these tests run that script.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
GENERATED = ("meltano.yml", "README.md", "docs/meltano-hub.yml")


def settings_docs(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.settings_docs", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def copy_of_repository(tmp_path: Path) -> Path:
    for name in GENERATED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_generated_files_say_what_the_schema_says():
    done = settings_docs("--check")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr


def test_an_edited_description_fails_the_check_until_regenerated(tmp_path):
    root = copy_of_repository(tmp_path)
    meltano_yml = root / "meltano.yml"
    text = meltano_yml.read_text()
    assert "Lag (minutes)" in text
    meltano_yml.write_text(text.replace("Lag (minutes)", "Lag in minutes"))
    readme = root / "README.md"
    readme.write_text(readme.read_text().replace("| `lag_minutes` | `15` |", "| x |"))

    found = settings_docs("--check", "--root", str(root))
    assert found.returncode == 1
    assert "Lag in minutes" in found.stdout  # the difference is shown
    stale = found.stderr.splitlines()
    assert stale == [
        f"{name} differs from the settings schema: run python -m "
        "scripts.settings_docs --write."
        for name in ("meltano.yml", "README.md")
    ]

    assert settings_docs("--write", "--root", str(root)).returncode == 0
    assert settings_docs("--check", "--root", str(root)).returncode == 0
    for name in GENERATED:
        assert (root / name).read_text() == (ROOT / name).read_text(), name


def test_hub_definition_has_the_hub_keys_and_the_tap_capabilities():
    hub = yaml.safe_load((ROOT / "docs" / "meltano-hub.yml").read_text())
    assert list(hub) == [
        "name",
        "namespace",
        "variant",
        "label",
        "description",
        "pip_url",
        "repo",
        "capabilities",
        "settings",
        "settings_group_validation",
        "keywords",
        "maintenance_status",
        "quality",
        "supported_python_versions",
    ]
    assert hub["pip_url"] == "tap-everflow"
    assert {"activate-version", "structured-logging", "state", "batch"} <= set(
        hub["capabilities"]
    )
    assert hub["settings_group_validation"] == [["api_key"]]
    kinds = {s["name"]: s["kind"] for s in hub["settings"]}
    assert kinds["start_date"] == "date_iso8601"
    assert kinds["max_requests_per_second"] == "decimal"
    assert [s["name"] for s in hub["settings"] if s.get("sensitive")] == ["api_key"]
