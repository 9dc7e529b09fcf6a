"""The package is ready for PyPI: it builds, passes twine's checks, and its README
and changelog say what a user on PyPI needs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).parents[1]
VERSION = version("tap-everflow")  # pyproject.toml's, as installed
REPOSITORY = "https://github.com/tap-everflow/tap-everflow"


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_sdist_and_wheel_build_and_pass_twine_check(tmp_path):
    # Without isolation: the test extras hold hatchling, so no download is needed.
    built = run(
        sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path)
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = tmp_path.glob("*.whl")
    (sdist,) = tmp_path.glob("*.tar.gz")
    checked = run(
        sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    assert wheel.name == f"tap_everflow-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        info = f"tap_everflow-{VERSION}.dist-info"
        metadata = archive.read(f"{info}/METADATA").decode()
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        names = archive.namelist()
    assert "tap-everflow = tap_everflow.tap:TapEverflow.cli" in entry_points
    assert f"{info}/licenses/LICENSE" in names
    assert "Description-Content-Type: text/markdown" in metadata
    assert f"Project-URL: Changelog, {REPOSITORY}/blob/main/CHANGELOG.md" in metadata
    assert "Provides-Extra: s3" in metadata


def test_changelog_has_the_version():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{VERSION}]" in changelog


def test_readme_fits_a_first_screen_and_its_links_name_real_files():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) < 15_000
    assert "<your-org>" not in readme
    assert "pip install tap-everflow" in readme
    for command in ("scripts/demo.sh", "scripts/test.sh"):
        assert command in readme, command
    # Absolute links, which work on PyPI too, to files of this repository.
    linked = re.findall(re.escape(REPOSITORY) + r"/blob/main/([\w./-]+)", readme)
    assert linked
    for path in linked:
        assert (ROOT / path).is_file(), path
