"""A clone of the repository stands alone: nothing points outside it.

Facts about Everflow's API live in ``docs/api.md``; code, tests and docs point
at its sections as ``docs/api.md#<anchor>``, and every such anchor must be a
heading of that page.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
API_PAGE = ROOT / "docs" / "api.md"

# Built from parts, so that this file does not name what it looks for.
OUTSIDE = (
    "../" + "shared",
    "everflow-api" + ".md",
    "everflow-api" + "-reference.md",
)
# ``docs/api.md#<anchor>`` from anywhere; ``api.md#<anchor>`` from a page beside it.
PAGE_LINK = re.compile(r"(?<![\w/.-])(?:docs/)?api\.md#([\w-]+)")
OWN_LINK = re.compile(r"\]\(#([\w-]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


def anchors(markdown: str) -> list[str]:
    """The anchors of a page's headings, in order (fenced code left out)."""
    return [anchor(h) for h in HEADING.findall(FENCE.sub("", markdown))]


def tracked_texts() -> dict[str, str]:
    """The repository's files (tracked, or new and not ignored) that are text."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    texts = {}
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if not path.is_file():  # deleted in the working tree, not yet committed
            continue
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
    return texts


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    found = tracked_texts()
    assert "docs/api.md" in found, "docs/api.md is missing"
    return found


def test_no_tracked_file_points_outside_the_repository(texts):
    outside = [
        f"{name}:{text.count(needle)}x {needle}"
        for name, text in texts.items()
        for needle in OUTSIDE
        if needle in text
    ]
    assert not outside, (
        "these files point at notes a clone does not have; point them at "
        f"docs/api.md instead: {outside}"
    )


def test_the_api_page_has_each_anchor_once():
    page = anchors(API_PAGE.read_text(encoding="utf-8"))
    repeated = sorted({a for a in page if page.count(a) > 1})
    assert not repeated, f"headings whose anchors repeat (GitHub adds -1): {repeated}"


def test_every_link_into_the_api_page_names_one_of_its_headings(texts):
    page = set(anchors(API_PAGE.read_text(encoding="utf-8")))
    links = {
        (name, target)
        for name, text in texts.items()
        for target in PAGE_LINK.findall(text)
    }
    links |= {
        ("docs/api.md", target) for target in OWN_LINK.findall(texts["docs/api.md"])
    }
    assert len(links) > 50  # the code does point here
    broken = sorted(
        f"{name}: #{target}" for name, target in links if target not in page
    )
    assert not broken, f"links to headings docs/api.md does not have: {broken}"


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Rate limits", "rate-limits"),
        ("Nulls despite proto3", "nulls-despite-proto3"),
        ("Wrapper keys and bare arrays", "wrapper-keys-and-bare-arrays"),
        ("The `is_flushed` flag: why?", "the-is_flushed-flag-why"),
    ],
)
def test_anchors_are_made_as_github_makes_them(heading, expected):
    assert anchor(heading) == expected


def test_a_link_to_a_missing_heading_is_found():
    page = "# Title\n\n## Rate limits\n\n```\n# not a heading\n```\n"
    assert anchors(page) == ["title", "rate-limits"]
    page_name = "api" + ".md"  # not written whole: this file's links are checked
    code = (
        f"see docs/{page_name}#rate-limits and docs/{page_name}#ratelimits, "
        f"and {page_name}#ok, but not foo_{page_name}#x"
    )
    assert PAGE_LINK.findall(code) == ["rate-limits", "ratelimits", "ok"]
