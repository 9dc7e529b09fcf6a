"""The SDK's private methods the tap relies on still have the signatures it expects.

The list, and why each is overridden, is :mod:`tap_everflow.sdk_private`.
"""

from __future__ import annotations

import inspect

import pytest

from tap_everflow import sdk_private
from tap_everflow.runtime.record_lines import LineWriter
from tap_everflow.streams import STREAM_TYPES
from tap_everflow.tap import TapEverflow


@pytest.mark.parametrize(
    ("owner", "name"), sdk_private.SIGNATURES, ids=lambda x: getattr(x, "__name__", x)
)
def test_the_sdk_keeps_the_signature_the_tap_was_written_against(owner, name):
    expected = sdk_private.SIGNATURES[owner, name]
    assert str(inspect.signature(getattr(owner, name))) == expected, (
        f"singer-sdk changed {owner.__name__}.{name}: check what the tap does with "
        "it (see tap_everflow/sdk_private.py), then update the signature there."
    )


def test_every_private_sdk_method_the_tap_overrides_is_listed():
    listed = {name for _, name in sdk_private.SIGNATURES}
    ours = {TapEverflow, LineWriter, *STREAM_TYPES}
    overridden = set()
    for cls in {klass for c in ours for klass in c.__mro__}:
        if not cls.__module__.startswith("tap_everflow"):
            continue
        for name, value in vars(cls).items():
            if not (name.startswith("_") and not name.startswith("__")):
                continue
            if not callable(value) and not isinstance(value, property):
                continue
            sdk = [b for b in cls.__mro__ if b.__module__.startswith("singer_sdk")]
            if any(name in vars(base) for base in sdk):
                overridden.add(name)
    assert overridden
    assert overridden <= listed, f"say why in sdk_private.py: {overridden - listed}"
