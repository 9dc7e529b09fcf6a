"""The SDK's private names the tap uses are listed, and still what it expects.

The list, and why each is used, is :mod:`tap_everflow.sdk_private`; what counts
as private, and how code is read for it, is :mod:`tests.sdk_names`.
"""

from __future__ import annotations

import inspect
import textwrap

import pytest

from tap_everflow import sdk_private
from tests import sdk_names

LIST_FILE = "tap_everflow/sdk_private.py"  # imports what it names: not a use


def _owner_and_name(pair):
    return getattr(pair, "__name__", pair)


@pytest.fixture(scope="module")
def names() -> sdk_names.SdkNames:
    return sdk_names.sdk_names()


@pytest.fixture(scope="module")
def used(names) -> dict[str, set[str]]:
    found = sdk_names.tap_uses(names)
    for files in found.values():
        files.discard(LIST_FILE)
    return {name: files for name, files in found.items() if files}


def listed() -> set[str]:
    return sdk_names.listed(
        [*sdk_private.SIGNATURES, *sdk_private.ATTRIBUTES], sdk_private.IMPORTS
    )


@pytest.mark.parametrize(("owner", "name"), sdk_private.SIGNATURES, ids=_owner_and_name)
def test_the_sdk_keeps_the_signature_the_tap_was_written_against(owner, name):
    expected = sdk_private.SIGNATURES[owner, name]
    assert str(inspect.signature(getattr(owner, name))) == expected, (
        f"singer-sdk changed {owner.__name__}.{name}: check what the tap does with "
        "it (see tap_everflow/sdk_private.py), then update the signature there."
    )


@pytest.mark.parametrize(("owner", "name"), sdk_private.ATTRIBUTES, ids=_owner_and_name)
def test_the_sdk_still_declares_each_attribute_the_tap_uses(owner, name):
    expected = sdk_private.ATTRIBUTES[owner, name]
    assert sdk_names.annotation_in_sdk(owner, name) == expected, (
        f"singer-sdk changed how {owner.__name__} declares {name}: check what "
        "the tap does with it (see tap_everflow/sdk_private.py), then update it."
    )


@pytest.mark.parametrize("dotted", sorted(sdk_private.IMPORTS))
def test_the_sdk_still_has_each_private_name_the_tap_imports(dotted):
    module, _, name = dotted.rpartition(".")
    assert hasattr(__import__(module, fromlist=[name]), name), dotted


def test_the_scan_sees_the_sdk_private_names(names):
    # What the scan rests on: if these go, it no longer reads the SDK right.
    assert {"_sync_records", "_tap", "_stream_version"} <= names.private
    assert "singer_sdk.helpers._batch" in names.modules
    assert "is_flushed" in names.members["StreamStateManager"]
    assert names.reached_by["state_manager"] == {"StreamStateManager"}


def test_every_private_sdk_name_the_tap_uses_is_listed(used):
    unlisted = {name: sorted(used[name]) for name in used.keys() - listed()}
    assert not unlisted, (
        "the tap uses private SDK names tap_everflow/sdk_private.py does not "
        f"list: say there why each is needed, and pin it: {unlisted}"
    )


def test_every_listed_name_is_still_used(names, used):
    # Public members of public classes (Tap.sync_all) are beyond the scan.
    scanned = {
        name
        for name in listed()
        if sdk_names.is_private(name)
        or name.startswith("singer_sdk.")
        or name.split(".")[0] in names.members
    }
    assert scanned - used.keys() == set(), "no longer used: drop from sdk_private.py"


SNIPPET = textwrap.dedent(
    """
    from singer_sdk import Stream
    from singer_sdk.helpers._state import StateWriter
    from singer_sdk.helpers import _typing
    import singer_sdk.helpers._util

    class Mine(Stream):
        def _sync_records(self, context=None, *, write_messages=True):
            return super()._sync_records(context, write_messages=write_messages)

        def _own_helper(self):
            self._lock = object()  # neither is the SDK's
            return self._own_helper

        def flush(self):
            self.state_manager.is_flushed = False
            state_manager = self.state_manager
            return state_manager.stream_state, self.name, self.state_manager.name

        def version(self):
            return self._stream_version
    """
)


def test_the_scan_finds_each_kind_of_private_use_in_code(names):
    assert sdk_names.uses(SNIPPET, names) == {
        "singer_sdk.helpers._state.StateWriter",
        "singer_sdk.helpers._typing",
        "singer_sdk.helpers._util",
        "_sync_records",
        "StreamStateManager.is_flushed",
        "StreamStateManager.stream_state",
        "_stream_version",
    }


def test_a_new_unlisted_private_name_fails_the_check(names):
    new = "class S(Stream):\n    def go(self):\n        return self._sync_records()\n"
    assert sdk_names.uses(new, names) - listed() == set()  # listed: passes
    new += "    def stop(self):\n        self._finalize_state()\n"
    assert sdk_names.uses(new, names) - listed() == {"_finalize_state"}


def test_listed_names_are_written_as_the_scan_writes_them():
    from singer_sdk import Stream, Tap
    from singer_sdk.streams._state import StreamStateManager

    assert sdk_names.listed(
        [(Stream, "_tap"), (StreamStateManager, "is_flushed"), (Tap, "sync_all")],
        ["singer_sdk.helpers._batch.BatchConfig"],
    ) == {
        "_tap",
        "StreamStateManager.is_flushed",
        "Tap.sync_all",
        "singer_sdk.helpers._batch.BatchConfig",
    }
